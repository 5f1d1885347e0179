/*
 * Tests of the git module against real repositories made with git in
 * temporary folders: the sides of each comparison mode, their files and
 * contents, renames, shallow clones, the line diff and the hooks folder.
 * Every test that opens a repository also checks it is left exactly as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "promptcost/git.h"
#include "support/fixture.h"

#define MAX_BYTES (1024 * 1024)

/* The index's bytes and git's own view of the status, read without taking locks. */
static char *repo_state(const char *dir)
{
	return fx_capture(dir, "{ cksum < .git/index || echo no-index; } 2>/dev/null; "
			       "git --no-optional-locks status --porcelain --untracked-files=all");
}

struct fixture {
	char *dir;
	char *state_before;
	struct pc_repo *repo;
	struct pc_side *base;
	struct pc_side *head;
};

/* Opens the repository in dir and records its state to compare at the end. */
static void open_repo(struct fixture *fx, const char *dir)
{
	memset(fx, 0, sizeof(*fx));
	fx->dir = (char *)dir;
	fx->state_before = repo_state(dir);
	assert_int_equal(pc_repo_open(&fx->repo, dir), 0);
}

static void compare(struct fixture *fx, enum pc_compare_mode mode, const char *base_rev,
		    const char *head_rev)
{
	pc_side_free(fx->base);
	pc_side_free(fx->head);
	fx->base = fx->head = NULL;
	if (pc_repo_compare(&fx->base, &fx->head, NULL, fx->repo, mode, base_rev, head_rev) != 0)
		fail_msg("compare failed: %s", pc_error_message());
}

/* Frees everything and checks the repository did not change. */
static void close_repo(struct fixture *fx)
{
	char *state_after;

	pc_side_free(fx->base);
	pc_side_free(fx->head);
	pc_repo_free(fx->repo);
	state_after = repo_state(fx->dir);
	assert_string_equal(state_after, fx->state_before);
	free(state_after);
	free(fx->state_before);
	fx_remove(fx->dir);
	free(fx->dir);
}

/* The side's files as "path" lines; a symbolic link ends in '@', a submodule in '#'. */
static char *files_of(struct pc_side *side)
{
	struct pc_file_list list = PC_FILE_LIST_INIT;
	struct pc_buf b = PC_BUF_INIT;

	if (pc_side_files(&list, side, NULL) != 0)
		fail_msg("listing failed: %s", pc_error_message());
	for (size_t i = 0; i < list.n; i++) {
		pc_buf_adds(&b, list.items[i].path);
		if (list.items[i].kind == PC_FILE_SYMLINK)
			pc_buf_addch(&b, '@');
		else if (list.items[i].kind == PC_FILE_SUBMODULE)
			pc_buf_addch(&b, '#');
		pc_buf_addch(&b, '\n');
	}
	pc_file_list_release(&list);
	return pc_buf_detach(&b, NULL);
}

static void assert_files(struct pc_side *side, const char *expected)
{
	char *files = files_of(side);

	assert_string_equal(files, expected);
	free(files);
}

/* Reads path on side and checks its content (and, when given, its blob id). */
static void assert_content(struct pc_side *side, const char *path, const char *expected,
			   const char *expected_oid)
{
	struct pc_buf b = PC_BUF_INIT;
	char oid[PC_OID_HEXSZ + 1] = "";

	if (pc_side_read(&b, oid, side, path, MAX_BYTES) != 0)
		fail_msg("reading '%s' failed: %s", path, pc_error_message());
	assert_string_equal(b.ptr, expected);
	assert_int_equal(strlen(oid), PC_OID_HEXSZ);
	if (expected_oid)
		assert_string_equal(oid, expected_oid);
	pc_buf_release(&b);
}

/* Reading path on side fails with code and message; the buffer is left untouched. */
static void assert_read_fails(struct pc_side *side, const char *path, size_t max_bytes, int code,
			      const char *message)
{
	struct pc_buf b = PC_BUF_INIT;
	char oid[PC_OID_HEXSZ + 1] = "";

	assert_int_equal(pc_side_read(&b, oid, side, path, max_bytes), code);
	if (message)
		assert_string_equal(pc_error_message(), message);
	assert_int_equal(b.len, 0);
	pc_buf_release(&b);
}

static char *renames_of(struct fixture *fx)
{
	struct pc_rename_list list = { NULL, 0, 0 };
	struct pc_buf b = PC_BUF_INIT;

	if (pc_repo_renames(&list, fx->repo, fx->base, fx->head) != 0)
		fail_msg("renames failed: %s", pc_error_message());
	for (size_t i = 0; i < list.n; i++)
		pc_buf_addf(&b, "%s -> %s\n", list.items[i].old_path, list.items[i].new_path);
	pc_rename_list_release(&list);
	return pc_buf_detach(&b, NULL);
}

static void assert_renames(struct fixture *fx, const char *expected)
{
	char *renames = renames_of(fx);

	assert_string_equal(renames, expected);
	free(renames);
}

/* A text long enough for git's similarity to see a rename after a small edit. */
static const char *const long_prompt =
	"You are a careful assistant that summarises records.\n"
	"Keep the summary under two hundred words.\n"
	"Quote dates exactly as they appear.\n"
	"Never invent names that are not in the document.\n"
	"List the parties, then the decision, then the deadlines.\n";

/* ---- opening ------------------------------------------------------------- */

static void test_git__a_folder_outside_any_repository_is_not_a_git_repository(void **state)
{
	char *dir = fx_tmpdir_new();
	struct pc_repo *repo = NULL;
	char expected[4200];

	(void)state;
	assert_int_equal(pc_repo_open(&repo, dir), PC_EGIT);
	assert_null(repo);
	snprintf(expected, sizeof(expected), "not a git repository (or any parent up to /): %s",
		 dir);
	assert_string_equal(pc_error_message(), expected);
	fx_remove(dir);
	free(dir);
}

static void test_git__a_subfolder_opens_the_repository_above_it(void **state)
{
	char *dir = fx_repo_new();
	char sub[4200], root[4200];
	struct pc_repo *repo = NULL;

	(void)state;
	fx_write(dir, "a/b/c.md", "x\n");
	snprintf(sub, sizeof(sub), "%s/a/b", dir);
	snprintf(root, sizeof(root), "%s/", dir);
	assert_int_equal(pc_repo_open(&repo, sub), 0);
	assert_string_equal(pc_repo_workdir(repo), root);
	pc_repo_free(repo);
	fx_remove(dir);
	free(dir);
}

/* ---- the three modes ----------------------------------------------------- */

static void test_git__base_main_compares_against_the_fork_point_not_mains_tip(void **state)
{
	char *dir = fx_repo_new();
	struct fixture fx;
	char *fork_point, *tip, *label;

	(void)state;
	fx_write(dir, "prompts/p.md", "v1\n");
	fx_commit_all(dir, "one");
	fx_sh(dir, "git checkout -q -b feature");
	fx_write(dir, "prompts/p.md", "feature\n");
	fx_commit_all(dir, "feature edit");
	fx_sh(dir, "git checkout -q main");
	fx_write(dir, "prompts/p.md", "main moved on\n");
	fx_write(dir, "prompts/main-only.md", "m\n");
	fx_commit_all(dir, "main edit");
	fx_sh(dir, "git checkout -q feature");
	fork_point = fx_capture(dir, "git merge-base main HEAD");
	tip = fx_capture(dir, "git rev-parse HEAD");

	open_repo(&fx, dir);
	compare(&fx, PC_COMPARE_RANGE, "main", NULL);
	assert_string_equal(pc_side_commit(fx.base), fork_point);
	assert_string_equal(pc_side_commit(fx.head), tip);
	assert_files(fx.base, "prompts/p.md\n");
	assert_files(fx.head, "prompts/p.md\n");
	assert_content(fx.base, "prompts/p.md", "v1\n", NULL);
	assert_content(fx.head, "prompts/p.md", "feature\n", NULL);
	label = fx_capture(dir, "echo \"merge-base of main and HEAD ($(git rev-parse --short=7 main~1))\"");
	assert_string_equal(pc_side_label(fx.base), label);
	free(label);
	label = fx_capture(dir, "echo \"HEAD ($(git rev-parse --short=7 HEAD))\"");
	assert_string_equal(pc_side_label(fx.head), label);
	free(label);

	/* --head names another head: the same fork point, seen from main. */
	compare(&fx, PC_COMPARE_RANGE, "feature", "main");
	assert_string_equal(pc_side_commit(fx.base), fork_point);
	assert_files(fx.head, "prompts/main-only.md\nprompts/p.md\n");
	assert_content(fx.head, "prompts/p.md", "main moved on\n", NULL);
	assert_true(strncmp(pc_side_label(fx.base), "merge-base of feature and main (", 32) == 0);

	free(fork_point);
	free(tip);
	close_repo(&fx);
}

static void test_git__staged_sees_the_index_and_not_working_tree_edits(void **state)
{
	char *dir = fx_repo_new();
	struct fixture fx;
	char *staged_id, *head_id;

	(void)state;
	fx_write(dir, "p.md", "v1\n");
	fx_commit_all(dir, "one");
	fx_write(dir, "p.md", "v2\n");
	fx_sh(dir, "git add p.md");
	fx_write(dir, "p.md", "v3 not staged\n");
	fx_write(dir, "untracked.md", "u\n");
	staged_id = fx_capture(dir, "git rev-parse :p.md");
	head_id = fx_capture(dir, "git rev-parse HEAD:p.md");

	open_repo(&fx, dir);
	compare(&fx, PC_COMPARE_STAGED, NULL, NULL);
	assert_string_equal(pc_side_label(fx.head), "index");
	assert_null(pc_side_commit(fx.head));
	assert_non_null(pc_side_commit(fx.base));
	assert_true(strncmp(pc_side_label(fx.base), "HEAD (", 6) == 0);
	assert_files(fx.head, "p.md\n");
	assert_content(fx.head, "p.md", "v2\n", staged_id);
	assert_content(fx.base, "p.md", "v1\n", head_id);
	assert_read_fails(fx.head, "untracked.md", MAX_BYTES, PC_ENOTFOUND,
			  "no file 'untracked.md' in index");

	compare(&fx, PC_COMPARE_WORKDIR, NULL, NULL);
	assert_string_equal(pc_side_label(fx.head), "working tree");
	assert_content(fx.head, "p.md", "v3 not staged\n", NULL);

	free(staged_id);
	free(head_id);
	close_repo(&fx);
}

static void test_git__staged_does_not_see_an_edit_only_in_the_working_tree(void **state)
{
	char *dir = fx_repo_new();
	struct fixture fx;

	(void)state;
	fx_write(dir, "p.md", "v1\n");
	fx_commit_all(dir, "one");
	fx_write(dir, "p.md", "edited, not staged\n");

	open_repo(&fx, dir);
	compare(&fx, PC_COMPARE_STAGED, NULL, NULL);
	assert_content(fx.head, "p.md", "v1\n", NULL);
	assert_renames(&fx, "");
	close_repo(&fx);
}

static void test_git__working_tree_sees_edits_and_untracked_files_not_ignored_ones(void **state)
{
	char *dir = fx_repo_new();
	struct fixture fx;
	char *edited_id;

	(void)state;
	fx_write(dir, ".gitignore", "ignored.md\nbuild/\n");
	fx_write(dir, "a.md", "committed\n");
	fx_write(dir, "tool.sh", "#!/bin/sh\n");
	fx_sh(dir, "chmod +x tool.sh");
	fx_commit_all(dir, "one");
	fx_write(dir, "a.md", "edited\n");
	fx_write(dir, "new.md", "new\n");
	fx_write(dir, "deep/er/n.md", "nested\n");
	fx_write(dir, "ignored.md", "secret\n");
	fx_write(dir, "build/out.md", "generated\n");
	edited_id = fx_capture(dir, "git hash-object a.md");

	open_repo(&fx, dir);
	compare(&fx, PC_COMPARE_WORKDIR, NULL, NULL);
	assert_files(fx.base, ".gitignore\na.md\ntool.sh\n");
	assert_files(fx.head, ".gitignore\na.md\ndeep/er/n.md\nnew.md\ntool.sh\n");
	assert_content(fx.head, "a.md", "edited\n", edited_id);
	assert_content(fx.head, "deep/er/n.md", "nested\n", NULL);
	assert_content(fx.base, "a.md", "committed\n", NULL);
	assert_read_fails(fx.head, "ignored.md", MAX_BYTES, PC_ENOTFOUND,
			  "no file 'ignored.md' in working tree");
	assert_read_fails(fx.head, "build/out.md", MAX_BYTES, PC_ENOTFOUND, NULL);
	assert_read_fails(fx.head, "deep", MAX_BYTES, PC_ENOTFOUND, NULL);
	assert_read_fails(fx.base, "new.md", MAX_BYTES, PC_ENOTFOUND, NULL);
	free(edited_id);
	close_repo(&fx);
}

static void test_git__deleted_files_are_gone_from_the_side_that_deleted_them(void **state)
{
	char *dir = fx_repo_new();
	struct fixture fx;

	(void)state;
	fx_write(dir, "a.md", "a\n");
	fx_write(dir, "b.md", "b\n");
	fx_write(dir, "c.md", "c\n");
	fx_commit_all(dir, "one");
	fx_sh(dir, "git rm -q b.md && rm c.md");

	open_repo(&fx, dir);
	compare(&fx, PC_COMPARE_STAGED, NULL, NULL);
	assert_files(fx.base, "a.md\nb.md\nc.md\n");
	assert_files(fx.head, "a.md\nc.md\n");
	assert_read_fails(fx.head, "b.md", MAX_BYTES, PC_ENOTFOUND, NULL);
	assert_content(fx.head, "c.md", "c\n", NULL);
	compare(&fx, PC_COMPARE_WORKDIR, NULL, NULL);
	assert_files(fx.head, "a.md\n");
	assert_read_fails(fx.head, "b.md", MAX_BYTES, PC_ENOTFOUND, NULL);
	assert_read_fails(fx.head, "c.md", MAX_BYTES, PC_ENOTFOUND, NULL);
	assert_content(fx.base, "c.md", "c\n", NULL);
	close_repo(&fx);
}

static void test_git__a_file_that_changed_type_is_listed_as_it_is_now(void **state)
{
	char *dir = fx_repo_new();
	struct fixture fx;

	(void)state;
	fx_write(dir, "target.md", "target\n");
	fx_write(dir, "was-file.md", "file\n");
	fx_write(dir, "became-dir", "file\n");
	fx_sh(dir, "ln -s target.md was-link.md");
	fx_commit_all(dir, "one");
	fx_sh(dir, "rm was-file.md was-link.md became-dir && ln -s target.md was-file.md && "
		   "echo now > was-link.md && mkdir became-dir && echo inner > became-dir/x.md");

	open_repo(&fx, dir);
	compare(&fx, PC_COMPARE_WORKDIR, NULL, NULL);
	assert_files(fx.base, "became-dir\ntarget.md\nwas-file.md\nwas-link.md@\n");
	assert_files(fx.head, "became-dir/x.md\ntarget.md\nwas-file.md@\nwas-link.md\n");
	assert_content(fx.head, "was-file.md", "target\n", NULL);
	assert_content(fx.head, "was-link.md", "now\n", NULL);
	assert_read_fails(fx.head, "became-dir", MAX_BYTES, PC_ENOTFOUND, NULL);
	close_repo(&fx);
}

static void test_git__an_unborn_head_compares_against_the_empty_tree(void **state)
{
	char *dir = fx_repo_new();
	struct fixture fx;

	(void)state;
	fx_write(dir, "staged.md", "s\n");
	fx_write(dir, "loose.md", "l\n");
	fx_sh(dir, "git add staged.md");
	/* A branch with a commit, made without moving the unborn HEAD. */
	fx_sh(dir, "git update-ref refs/heads/other "
		   "$(git commit-tree -m other $(git mktree </dev/null))");

	open_repo(&fx, dir);
	compare(&fx, PC_COMPARE_STAGED, NULL, NULL);
	assert_string_equal(pc_side_label(fx.base), "empty tree");
	assert_null(pc_side_commit(fx.base));
	assert_files(fx.base, "");
	assert_read_fails(fx.base, "staged.md", MAX_BYTES, PC_ENOTFOUND,
			  "no file 'staged.md' in empty tree");
	assert_files(fx.head, "staged.md\n");
	assert_content(fx.head, "staged.md", "s\n", NULL);
	assert_renames(&fx, "");

	compare(&fx, PC_COMPARE_WORKDIR, NULL, NULL);
	assert_string_equal(pc_side_label(fx.base), "empty tree");
	assert_files(fx.head, "loose.md\nstaged.md\n");
	assert_content(fx.head, "loose.md", "l\n", NULL);

	pc_side_free(fx.base);
	pc_side_free(fx.head);
	assert_int_equal(pc_repo_compare(&fx.base, &fx.head, NULL, fx.repo, PC_COMPARE_RANGE, "main",
					 NULL),
			 PC_EGIT);
	assert_string_equal(pc_error_message(), "unknown revision 'main'");
	assert_int_equal(pc_repo_compare(&fx.base, &fx.head, NULL, fx.repo, PC_COMPARE_RANGE, "other",
					 NULL),
			 PC_EGIT);
	assert_string_equal(pc_error_message(),
			    "no merge base between 'other' and 'HEAD': HEAD has no commits yet");
	assert_null(fx.base);
	assert_null(fx.head);
	close_repo(&fx);
}

static void test_git__an_empty_repository_lists_nothing(void **state)
{
	char *dir = fx_repo_new();
	struct fixture fx;

	(void)state;
	open_repo(&fx, dir);
	compare(&fx, PC_COMPARE_WORKDIR, NULL, NULL);
	assert_files(fx.base, "");
	assert_files(fx.head, "");
	compare(&fx, PC_COMPARE_STAGED, NULL, NULL);
	assert_files(fx.head, "");
	close_repo(&fx);
}

/*
 * Listed with folders, a tree is read only where they lie (and on the way
 * there): sorted as strcmp sorts, each entry with its blob id; the index
 * lists the entries in them, with ids too, and the working tree is scanned
 * only there.
 */
static void test_git__a_listing_by_folders_reads_only_those_folders(void **state)
{
	char *dir = fx_repo_new();
	struct pc_strlist dirs = PC_STRLIST_INIT;
	struct pc_file_list list = PC_FILE_LIST_INIT;
	struct pc_buf b = PC_BUF_INIT;
	struct fixture fx;
	char oid[PC_OID_HEXSZ + 1];

	(void)state;
	fx_write(dir, "prompts/a.md", "a\n");
	fx_write(dir, "prompts/a.b", "dot\n");
	fx_write(dir, "prompts/a-b/c.md", "dash folder\n");
	fx_write(dir, "prompts/sub/b.md", "b\n");
	fx_write(dir, "prompts/sub/deeper/c.md", "c\n");
	fx_write(dir, "promptsx/no.md", "no\n");
	fx_write(dir, "lib/prompts/z.md", "nested elsewhere\n");
	fx_write(dir, "src/x.c", "int x;\n");
	fx_write(dir, "top.md", "top\n");
	fx_commit_all(dir, "one");
	open_repo(&fx, dir);
	compare(&fx, PC_COMPARE_RANGE, "HEAD", "HEAD");
	pc_strlist_push(&dirs, "lib/prompts/");
	pc_strlist_push(&dirs, "prompts/");
	assert_int_equal(pc_side_files(&list, fx.head, &dirs), 0);
	for (size_t i = 0; i < list.n; i++) {
		assert_true(i == 0 || strcmp(list.items[i - 1].path, list.items[i].path) < 0);
		assert_true(pc_file_entry_oid(oid, &list.items[i]));
		pc_buf_addf(&b, "%s %.7s\n", list.items[i].path, oid);
	}
	/* git hash-object: the ids git gives the same bytes */
	assert_string_equal(b.ptr, "lib/prompts/z.md dffd06c\n"
				   "prompts/a-b/c.md 873f4ec\n"
				   "prompts/a.b a2373c7\n"
				   "prompts/a.md 7898192\n"
				   "prompts/sub/b.md 6178079\n"
				   "prompts/sub/deeper/c.md f2ad6c7\n"
				   "top.md bf1a1fd\n");
	assert_true(pc_folders_hold(&dirs, "prompts/sub/b.md"));
	assert_true(pc_folders_hold(&dirs, "lib/prompts/z.md"));
	assert_false(pc_folders_hold(&dirs, "promptsx/no.md"));
	assert_false(pc_folders_hold(&dirs, "lib/x.md"));
	assert_false(pc_folders_hold(&dirs, "top.md"));
	assert_false(pc_folders_hold(&dirs, "a.md"));
	pc_file_list_release(&list);
	/* without folders: every file, the same order */
	assert_files(fx.head, "lib/prompts/z.md\nprompts/a-b/c.md\nprompts/a.b\nprompts/a.md\n"
			      "prompts/sub/b.md\nprompts/sub/deeper/c.md\npromptsx/no.md\n"
			      "src/x.c\ntop.md\n");
	/* the index: the entries in those folders, with their ids */
	compare(&fx, PC_COMPARE_STAGED, NULL, NULL);
	assert_int_equal(pc_side_files(&list, fx.head, &dirs), 0);
	assert_int_equal(list.n, 6);
	assert_string_equal(list.items[0].path, "lib/prompts/z.md");
	assert_string_equal(list.items[5].path, "prompts/sub/deeper/c.md");
	assert_true(pc_file_entry_oid(oid, &list.items[5]));
	assert_string_equal(oid, "f2ad6c76f0115a6ba5b00456a849810e7ec0af20");
	pc_file_list_release(&list);
	assert_files(fx.head, "lib/prompts/z.md\nprompts/a-b/c.md\nprompts/a.b\nprompts/a.md\n"
			      "prompts/sub/b.md\nprompts/sub/deeper/c.md\npromptsx/no.md\n"
			      "src/x.c\ntop.md\n");
	/*
	 * The working tree: only those folders are scanned, their untracked
	 * files found and their deleted ones left out; elsewhere nothing is.
	 */
	fx_write(dir, "prompts/a.md", "a, edited\n");
	fx_write(dir, "prompts/new.md", "untracked\n");
	fx_write(dir, "prompts/sub/deeper/more/n.md", "untracked, deeper\n");
	fx_write(dir, "src/new.c", "int y;\n");
	fx_write(dir, "new.md", "untracked at the top\n");
	{
		char path[1024];

		snprintf(path, sizeof(path), "%s/prompts/sub/b.md", dir);
		assert_int_equal(unlink(path), 0);
		snprintf(path, sizeof(path), "%s/src/x.c", dir);
		assert_int_equal(unlink(path), 0);
	}
	free(fx.state_before); /* the state the listing must leave as it is: this one */
	fx.state_before = repo_state(dir);
	compare(&fx, PC_COMPARE_WORKDIR, NULL, NULL);
	assert_int_equal(pc_side_files(&list, fx.head, &dirs), 0);
	pc_buf_reset(&b);
	for (size_t i = 0; i < list.n; i++)
		pc_buf_addf(&b, "%s\n", list.items[i].path);
	assert_string_equal(b.ptr, "lib/prompts/z.md\nprompts/a-b/c.md\nprompts/a.b\n"
				   "prompts/a.md\nprompts/new.md\nprompts/sub/deeper/c.md\n"
				   "prompts/sub/deeper/more/n.md\n");
	pc_file_list_release(&list);
	assert_files(fx.head, "lib/prompts/z.md\nnew.md\nprompts/a-b/c.md\nprompts/a.b\n"
			      "prompts/a.md\nprompts/new.md\nprompts/sub/deeper/c.md\n"
			      "prompts/sub/deeper/more/n.md\npromptsx/no.md\nsrc/new.c\ntop.md\n");
	close_repo(&fx);
	pc_strlist_release(&dirs);
	pc_buf_release(&b);
}

static void test_git__a_renamed_template_is_a_rename_in_all_three_modes(void **state)
{
	char *dir = fx_repo_new();
	struct fixture fx;

	(void)state;
	fx_write(dir, "prompts/old.md", long_prompt);
	fx_write(dir, "other.md", "unrelated\n");
	fx_commit_all(dir, "one");
	fx_sh(dir, "git mv prompts/old.md prompts/new.md");
	fx_commit_all(dir, "rename");

	open_repo(&fx, dir);
	compare(&fx, PC_COMPARE_RANGE, "HEAD~1", NULL);
	/* the base has not diverged: the merge base is the base revision itself */
	assert_true(strncmp(pc_side_label(fx.base), "HEAD~1 (", 8) == 0);
	assert_renames(&fx, "prompts/old.md -> prompts/new.md\n");
	pc_side_free(fx.base);
	pc_side_free(fx.head);
	fx.base = fx.head = NULL;
	pc_repo_free(fx.repo);

	/* Staged: git mv back, with a small edit. */
	fx_sh(dir, "git mv prompts/new.md prompts/renamed.md && echo 'One more rule.' >> "
		   "prompts/renamed.md && git add prompts/renamed.md");
	free(fx.state_before);
	fx.state_before = repo_state(dir);
	assert_int_equal(pc_repo_open(&fx.repo, dir), 0);
	compare(&fx, PC_COMPARE_STAGED, NULL, NULL);
	assert_renames(&fx, "prompts/new.md -> prompts/renamed.md\n");
	compare(&fx, PC_COMPARE_WORKDIR, NULL, NULL);
	assert_renames(&fx, "prompts/new.md -> prompts/renamed.md\n");
	pc_side_free(fx.base);
	pc_side_free(fx.head);
	fx.base = fx.head = NULL;
	pc_repo_free(fx.repo);

	/* Working tree: a plain mv, nothing staged; the new name is untracked. */
	fx_sh(dir, "git reset -q --hard && mv prompts/new.md prompts/moved.md");
	free(fx.state_before);
	fx.state_before = repo_state(dir);
	assert_int_equal(pc_repo_open(&fx.repo, dir), 0);
	compare(&fx, PC_COMPARE_WORKDIR, NULL, NULL);
	assert_renames(&fx, "prompts/new.md -> prompts/moved.md\n");
	compare(&fx, PC_COMPARE_STAGED, NULL, NULL);
	assert_renames(&fx, "");
	close_repo(&fx);
}

/* ---- revisions ----------------------------------------------------------- */

static void test_git__a_revision_that_does_not_resolve_is_unknown(void **state)
{
	char *dir = fx_repo_new();
	struct fixture fx;
	struct pc_side *base = NULL, *head = NULL;

	(void)state;
	fx_write(dir, "p.md", "v1\n");
	fx_commit_all(dir, "one");
	open_repo(&fx, dir);
	assert_int_equal(pc_repo_compare(&base, &head, NULL, fx.repo, PC_COMPARE_RANGE, "nope", NULL),
			 PC_EGIT);
	assert_string_equal(pc_error_message(), "unknown revision 'nope'");
	assert_int_equal(pc_repo_compare(&base, &head, NULL, fx.repo, PC_COMPARE_RANGE, "main", "nope~2"),
			 PC_EGIT);
	assert_string_equal(pc_error_message(), "unknown revision 'nope~2'");
	assert_int_equal(pc_repo_compare(&base, &head, NULL, fx.repo, PC_COMPARE_RANGE, "HEAD~5", NULL),
			 PC_EGIT);
	assert_string_equal(pc_error_message(), "unknown revision 'HEAD~5'");
	assert_null(base);
	assert_null(head);
	close_repo(&fx);
}

static void test_git__branches_without_common_history_have_no_merge_base(void **state)
{
	char *dir = fx_repo_new();
	struct fixture fx;
	struct pc_side *base = NULL, *head = NULL;

	(void)state;
	fx_write(dir, "p.md", "v1\n");
	fx_commit_all(dir, "one");
	fx_sh(dir, "git checkout -q --orphan other && git rm -rq --cached . && rm p.md");
	fx_write(dir, "q.md", "q\n");
	fx_commit_all(dir, "unrelated");
	open_repo(&fx, dir);
	assert_int_equal(pc_repo_compare(&base, &head, NULL, fx.repo, PC_COMPARE_RANGE, "main", NULL),
			 PC_EGIT);
	assert_string_equal(pc_error_message(),
			    "no merge base between 'main' and 'HEAD': they share no history");
	close_repo(&fx);
}

/* An origin with main and a feature branch forked from main~1, and a depth-1 clone of feature. */
static void make_shallow_clone(char **origin_out, char **clone_out)
{
	char *origin = fx_repo_new();
	char *clone = fx_tmpdir_new();

	fx_write(origin, "p.md", "v1\n");
	fx_commit_all(origin, "one");
	fx_write(origin, "p.md", "v2\n");
	fx_commit_all(origin, "two");
	fx_sh(origin, "git checkout -q -b feature");
	fx_write(origin, "p.md", "feature\n");
	fx_commit_all(origin, "feature");
	fx_sh(origin, "git checkout -q main");
	fx_write(origin, "q.md", "main\n");
	fx_commit_all(origin, "three");
	fx_sh(clone, "git clone -q --depth 1 --branch feature 'file://%s' .", origin);
	assert_int_equal(fx_sh_status(clone, "test -f .git/shallow"), 0);
	*origin_out = origin;
	*clone_out = clone;
}

static void test_git__a_shallow_clone_lacking_the_base_says_how_to_fetch_it(void **state)
{
	char *origin, *clone;
	struct fixture fx;
	struct pc_side *base = NULL, *head = NULL;

	(void)state;
	make_shallow_clone(&origin, &clone);
	open_repo(&fx, clone);
	assert_int_equal(pc_repo_compare(&base, &head, NULL, fx.repo, PC_COMPARE_RANGE, "origin/main",
					 NULL),
			 PC_EGIT);
	assert_string_equal(pc_error_message(),
			    "unknown revision 'origin/main' (this is a shallow clone: fetch it with "
			    "'git fetch --deepen=100 origin main:refs/remotes/origin/main' or "
			    "'git fetch --unshallow')");
	assert_int_equal(pc_repo_compare(&base, &head, NULL, fx.repo, PC_COMPARE_RANGE, "main", NULL),
			 PC_EGIT);
	assert_string_equal(pc_error_message(),
			    "unknown revision 'main' (this is a shallow clone: fetch it with "
			    "'git fetch --deepen=100 origin main:refs/remotes/origin/main' and "
			    "compare with --base origin/main)");
	assert_int_equal(pc_repo_compare(&base, &head, NULL, fx.repo, PC_COMPARE_RANGE, "HEAD~1", NULL),
			 PC_EGIT);
	assert_string_equal(pc_error_message(),
			    "unknown revision 'HEAD~1' (this is a shallow clone: deepen it with "
			    "'git fetch --deepen=100' or 'git fetch --unshallow')");
	close_repo(&fx);
	fx_remove(origin);
	free(origin);
}

static void test_git__a_shallow_clone_without_the_merge_base_says_deepen(void **state)
{
	char *origin, *clone;
	struct fixture fx;
	struct pc_side *base = NULL, *head = NULL;

	(void)state;
	make_shallow_clone(&origin, &clone);
	fx_sh(clone, "git fetch -q --depth 1 origin main:refs/remotes/origin/main");
	open_repo(&fx, clone);
	assert_int_equal(pc_repo_compare(&base, &head, NULL, fx.repo, PC_COMPARE_RANGE, "origin/main",
					 NULL),
			 PC_EGIT);
	assert_string_equal(pc_error_message(),
			    "no merge base between 'origin/main' and 'HEAD' in this shallow clone; "
			    "deepen it with 'git fetch --deepen=100 origin main:refs/remotes/origin/main' "
			    "or 'git fetch --unshallow'");
	assert_null(base);
	assert_null(head);
	pc_side_free(base);
	pc_side_free(head);
	pc_repo_free(fx.repo);

	/* Deepened enough, the same comparison works. */
	fx_sh(clone, "git fetch -q --deepen=5 origin main feature");
	fx.repo = NULL;
	free(fx.state_before);
	fx.state_before = repo_state(clone);
	assert_int_equal(pc_repo_open(&fx.repo, clone), 0);
	compare(&fx, PC_COMPARE_RANGE, "origin/main", NULL);
	assert_content(fx.base, "p.md", "v2\n", NULL);
	assert_content(fx.head, "p.md", "feature\n", NULL);
	close_repo(&fx);
	fx_remove(origin);
	free(origin);
}

/* ---- reading ------------------------------------------------------------- */

static void test_git__a_symlink_inside_is_followed_and_one_outside_refused(void **state)
{
	char *dir = fx_repo_new();
	struct fixture fx;
	enum pc_compare_mode modes[] = { PC_COMPARE_STAGED, PC_COMPARE_WORKDIR };

	(void)state;
	fx_write(dir, "shared/base.md", "shared text\n");
	fx_write(dir, "prompts/real.md", "real text\n");
	fx_sh(dir, "cd prompts && ln -s real.md link.md && ln -s ../shared/base.md up.md && "
		   "ln -s link.md chain.md && ln -s ../../outside.md out.md && "
		   "ln -s /etc/hostname abs.md && ln -s missing.md dangling.md && "
		   "ln -s ../.git/config gitdir.md && ln -s loop.md loop.md");
	fx_commit_all(dir, "links");

	open_repo(&fx, dir);
	for (size_t i = 0; i < 2; i++) {
		compare(&fx, modes[i], NULL, NULL);
		for (int side = 0; side < 2; side++) {
			struct pc_side *s = side ? fx.head : fx.base;

			assert_files(s, "prompts/abs.md@\nprompts/chain.md@\nprompts/dangling.md@\n"
					"prompts/gitdir.md@\nprompts/link.md@\nprompts/loop.md@\n"
					"prompts/out.md@\nprompts/real.md\nprompts/up.md@\nshared/base.md\n");
			assert_content(s, "prompts/link.md", "real text\n", NULL);
			assert_content(s, "prompts/chain.md", "real text\n", NULL);
			assert_content(s, "prompts/up.md", "shared text\n", NULL);
			assert_read_fails(s, "prompts/out.md", MAX_BYTES, PC_EINPUT,
					  "prompts/out.md: symbolic link points outside the repository");
			assert_read_fails(s, "prompts/abs.md", MAX_BYTES, PC_EINPUT,
					  "prompts/abs.md: symbolic link points outside the repository");
			assert_read_fails(s, "prompts/gitdir.md", MAX_BYTES, PC_EINPUT,
					  "prompts/gitdir.md: symbolic link points outside the "
					  "repository");
			assert_read_fails(s, "prompts/dangling.md", MAX_BYTES, PC_EINPUT, NULL);
			assert_non_null(strstr(pc_error_message(), "'prompts/missing.md'"));
			assert_read_fails(s, "prompts/loop.md", MAX_BYTES, PC_EINPUT,
					  "prompts/loop.md: too many levels of symbolic links");
		}
	}
	close_repo(&fx);
}

static void test_git__a_symlink_to_a_folder_is_not_a_way_in(void **state)
{
	char *dir = fx_repo_new();
	char *outside = fx_tmpdir_new();
	struct fixture fx;

	(void)state;
	fx_write(outside, "secret.md", "secret\n");
	fx_write(dir, "p.md", "p\n");
	fx_sh(dir, "ln -s '%s' ext", outside);
	fx_commit_all(dir, "one");
	open_repo(&fx, dir);
	compare(&fx, PC_COMPARE_WORKDIR, NULL, NULL);
	assert_files(fx.head, "ext@\np.md\n");
	assert_read_fails(fx.head, "ext/secret.md", MAX_BYTES, PC_ENOTFOUND, NULL);
	assert_read_fails(fx.base, "ext/secret.md", MAX_BYTES, PC_ENOTFOUND, NULL);
	assert_read_fails(fx.head, "../x.md", MAX_BYTES, PC_EINPUT, NULL);
	assert_read_fails(fx.head, ".git/config", MAX_BYTES, PC_EINPUT, NULL);
	close_repo(&fx);
	fx_remove(outside);
	free(outside);
}

static void test_git__a_file_over_the_limit_is_refused_before_it_is_read(void **state)
{
	char *dir = fx_repo_new();
	struct fixture fx;
	char big[1000];

	(void)state;
	memset(big, 'x', sizeof(big));
	fx_write_bytes(dir, "big.md", big, sizeof(big));
	fx_sh(dir, "ln -s big.md link.md");
	fx_commit_all(dir, "one");

	open_repo(&fx, dir);
	compare(&fx, PC_COMPARE_STAGED, NULL, NULL);
	assert_read_fails(fx.base, "big.md", 999, PC_EINPUT,
			  "big.md: file is 1000 bytes, over the 999-byte limit for a template");
	assert_read_fails(fx.head, "big.md", 100, PC_EINPUT,
			  "big.md: file is 1000 bytes, over the 100-byte limit for a template");
	assert_read_fails(fx.head, "link.md", 100, PC_EINPUT,
			  "link.md: file is 1000 bytes, over the 100-byte limit for a template");
	compare(&fx, PC_COMPARE_WORKDIR, NULL, NULL);
	assert_read_fails(fx.head, "big.md", 100, PC_EINPUT,
			  "big.md: file is 1000 bytes, over the 100-byte limit for a template");
	{
		struct pc_buf b = PC_BUF_INIT;
		char oid[PC_OID_HEXSZ + 1];

		assert_int_equal(pc_side_read(&b, oid, fx.head, "big.md", 1000), 0);
		assert_int_equal(b.len, 1000);
		pc_buf_release(&b);
	}
	close_repo(&fx);
}

static void test_git__a_large_blob_is_refused_from_its_header_alone(void **state)
{
	char *dir = fx_repo_new();
	struct fixture fx;

	(void)state;
	/* 64 MiB of zeros compresses to little; inflating it whole would take a visible while. */
	fx_sh(dir, "head -c 67108864 /dev/zero > huge.md");
	fx_commit_all(dir, "huge");
	open_repo(&fx, dir);
	compare(&fx, PC_COMPARE_STAGED, NULL, NULL);
	assert_read_fails(fx.base, "huge.md", 4096, PC_EINPUT,
			  "huge.md: file is 67108864 bytes, over the 4096-byte limit for a template");
	assert_read_fails(fx.head, "huge.md", 4096, PC_EINPUT, NULL);
	pc_side_free(fx.base);
	pc_side_free(fx.head);
	fx.base = fx.head = NULL;
	pc_repo_free(fx.repo);

	/* The same from a pack, where the size is in the pack entry's header. */
	fx_sh(dir, "git gc -q");
	free(fx.state_before);
	fx.state_before = repo_state(dir);
	assert_int_equal(pc_repo_open(&fx.repo, dir), 0);
	compare(&fx, PC_COMPARE_STAGED, NULL, NULL);
	assert_read_fails(fx.base, "huge.md", 4096, PC_EINPUT,
			  "huge.md: file is 67108864 bytes, over the 4096-byte limit for a template");
	close_repo(&fx);
}

static void test_git__a_crlf_checkout_reads_as_the_blob_git_would_store(void **state)
{
	char *dir = fx_repo_new();
	struct fixture fx;
	char *blob_id;

	(void)state;
	fx_sh(dir, "git config core.autocrlf true");
	fx_write(dir, "p.md", "line one\r\nline two\r\n");
	fx_write(dir, "raw.bin", "keep\r\n");
	fx_write(dir, ".gitattributes", "*.bin -text\n");
	fx_commit_all(dir, "one");
	blob_id = fx_capture(dir, "git rev-parse HEAD:p.md");

	open_repo(&fx, dir);
	compare(&fx, PC_COMPARE_WORKDIR, NULL, NULL);
	assert_content(fx.base, "p.md", "line one\nline two\n", blob_id);
	assert_content(fx.head, "p.md", "line one\nline two\n", blob_id);
	assert_content(fx.head, "raw.bin", "keep\r\n", NULL);
	free(blob_id);
	close_repo(&fx);
}

static void test_git__files_keep_their_kinds(void **state)
{
	char *dir = fx_repo_new();
	char *sub = fx_repo_new();
	struct fixture fx;

	(void)state;
	fx_write(sub, "s.md", "s\n");
	fx_commit_all(sub, "sub");
	fx_write(dir, "a.b", "dot\n");
	fx_write(dir, "a/b.md", "slash\n");
	fx_write(dir, "a-b", "dash\n");
	fx_sh(dir, "git -c protocol.file.allow=always submodule add -q 'file://%s' mod", sub);
	fx_commit_all(dir, "one");

	open_repo(&fx, dir);
	for (int mode = PC_COMPARE_WORKDIR; mode <= PC_COMPARE_STAGED; mode++) {
		compare(&fx, (enum pc_compare_mode)mode, NULL, NULL);
		/* strcmp order: '-' < '.' < '/' */
		assert_files(fx.base, ".gitmodules\na-b\na.b\na/b.md\nmod#\n");
		assert_files(fx.head, ".gitmodules\na-b\na.b\na/b.md\nmod#\n");
		assert_read_fails(fx.head, "mod", MAX_BYTES, PC_EINPUT, "mod: is a submodule, not a file");
		assert_read_fails(fx.base, "mod", MAX_BYTES, PC_EINPUT, NULL);
		assert_read_fails(fx.base, "a", MAX_BYTES, PC_ENOTFOUND, NULL);
	}
	close_repo(&fx);
	fx_remove(sub);
	free(sub);
}

static void test_git__an_intent_to_add_file_is_in_the_working_tree_only(void **state)
{
	char *dir = fx_repo_new();
	struct fixture fx;

	(void)state;
	fx_write(dir, "p.md", "p\n");
	fx_commit_all(dir, "one");
	fx_write(dir, "later.md", "later\n");
	fx_sh(dir, "git add -N later.md");
	open_repo(&fx, dir);
	compare(&fx, PC_COMPARE_STAGED, NULL, NULL);
	assert_files(fx.head, "p.md\n");
	assert_read_fails(fx.head, "later.md", MAX_BYTES, PC_ENOTFOUND, NULL);
	compare(&fx, PC_COMPARE_WORKDIR, NULL, NULL);
	assert_files(fx.head, "later.md\np.md\n");
	assert_content(fx.head, "later.md", "later\n", NULL);
	close_repo(&fx);
}

static void test_git__the_environment_index_of_a_pre_commit_hook_is_the_one_read(void **state)
{
	char *dir = fx_repo_new();
	char cwd[4200], index[4200];
	struct pc_repo *repo = NULL;
	struct pc_side *base = NULL, *head = NULL;
	struct pc_file_list list = PC_FILE_LIST_INIT;

	(void)state;
	fx_write(dir, "p.md", "p\n");
	fx_commit_all(dir, "one");
	fx_write(dir, "q.md", "q\n");
	fx_sh(dir, "cp .git/index .git/alt-index && GIT_INDEX_FILE=.git/alt-index git add q.md");
	snprintf(index, sizeof(index), "%s/.git/alt-index", dir);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	setenv("GIT_INDEX_FILE", index, 1);
	assert_int_equal(pc_repo_open(&repo, NULL), 0);
	assert_int_equal(pc_repo_compare(&base, &head, NULL, repo, PC_COMPARE_STAGED, NULL, NULL), 0);
	assert_int_equal(pc_side_files(&list, head, NULL), 0);
	unsetenv("GIT_INDEX_FILE");
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(list.n, 2);
	assert_string_equal(list.items[1].path, "q.md");
	pc_file_list_release(&list);
	pc_side_free(base);
	pc_side_free(head);
	pc_repo_free(repo);
	fx_remove(dir);
	free(dir);
}

static void test_git__an_unmerged_file_is_listed_once_and_not_read_from_the_index(void **state)
{
	char *dir = fx_repo_new();
	struct fixture fx;

	(void)state;
	fx_write(dir, "p.md", "base\n");
	fx_commit_all(dir, "one");
	fx_sh(dir, "git checkout -q -b other");
	fx_write(dir, "p.md", "other\n");
	fx_commit_all(dir, "other");
	fx_sh(dir, "git checkout -q main");
	fx_write(dir, "p.md", "main\n");
	fx_commit_all(dir, "main");
	assert_int_not_equal(fx_sh_status(dir, "git merge -q other"), 0);

	open_repo(&fx, dir);
	compare(&fx, PC_COMPARE_STAGED, NULL, NULL);
	assert_files(fx.head, "p.md\n");
	assert_read_fails(fx.head, "p.md", MAX_BYTES, PC_EINPUT,
			  "p.md: unmerged in the index (resolve the conflict first)");
	compare(&fx, PC_COMPARE_WORKDIR, NULL, NULL);
	assert_files(fx.head, "p.md\n");
	assert_content(fx.head, "p.md", "<<<<<<< HEAD\nmain\n=======\nother\n>>>>>>> other\n", NULL);
	close_repo(&fx);
}

static void test_git__a_bare_repository_has_no_working_tree(void **state)
{
	char *dir = fx_repo_new();
	char bare[4200];
	struct pc_repo *repo = NULL;
	struct pc_side *base = NULL, *head = NULL;
	struct pc_buf b = PC_BUF_INIT;

	(void)state;
	fx_write(dir, "p.md", "p\n");
	fx_commit_all(dir, "one");
	fx_sh(dir, "git clone -q --bare . bare.git");
	snprintf(bare, sizeof(bare), "%s/bare.git", dir);
	assert_int_equal(pc_repo_open(&repo, bare), 0);
	assert_null(pc_repo_workdir(repo));
	assert_int_equal(pc_repo_compare(&base, &head, NULL, repo, PC_COMPARE_WORKDIR, NULL, NULL),
			 PC_EGIT);
	assert_string_equal(pc_error_message(), "this operation must be run in a work tree");
	assert_int_equal(pc_repo_compare(&base, &head, NULL, repo, PC_COMPARE_RANGE, "main", NULL), 0);
	assert_int_equal(pc_repo_hooks_dir(&b, repo), 0);
	assert_non_null(strstr(b.ptr, "/bare.git/hooks"));
	pc_buf_release(&b);
	pc_side_free(base);
	pc_side_free(head);
	pc_repo_free(repo);
	fx_remove(dir);
	free(dir);
}

static void test_git__a_linked_worktree_shares_the_main_hooks_folder(void **state)
{
	char *dir = fx_repo_new();
	char linked[4200], expected[4200];
	struct pc_repo *repo = NULL;
	struct pc_side *base = NULL, *head = NULL;
	struct pc_file_list list = PC_FILE_LIST_INIT;
	struct pc_buf b = PC_BUF_INIT;

	(void)state;
	fx_write(dir, "p.md", "p\n");
	fx_commit_all(dir, "one");
	snprintf(linked, sizeof(linked), "%s-linked", dir);
	fx_sh(dir, "git worktree add -q '%s' -b side", linked);
	fx_write(linked, "q.md", "q\n");
	assert_int_equal(pc_repo_open(&repo, linked), 0);
	assert_int_equal(pc_repo_hooks_dir(&b, repo), 0);
	snprintf(expected, sizeof(expected), "%s/.git/hooks", dir);
	assert_string_equal(b.ptr, expected);
	assert_int_equal(pc_repo_compare(&base, &head, NULL, repo, PC_COMPARE_WORKDIR, NULL, NULL), 0);
	assert_int_equal(pc_side_files(&list, head, NULL), 0);
	assert_int_equal(list.n, 2);
	assert_string_equal(list.items[1].path, "q.md");
	pc_file_list_release(&list);
	pc_buf_release(&b);
	pc_side_free(base);
	pc_side_free(head);
	pc_repo_free(repo);
	fx_remove(linked);
	fx_remove(dir);
	free(dir);
}

/* ---- line diff ----------------------------------------------------------- */

static void assert_diff(const char *old_text, const char *new_text, const char *removed_expected,
			const char *added_expected)
{
	struct pc_buf added = PC_BUF_INIT, removed = PC_BUF_INIT;

	assert_int_equal(pc_diff_lines(&added, &removed, old_text, strlen(old_text), new_text,
				       strlen(new_text)),
			 0);
	assert_string_equal(removed.ptr, removed_expected);
	assert_string_equal(added.ptr, added_expected);
	pc_buf_release(&added);
	pc_buf_release(&removed);
}

static void test_git__diff_lines_collects_removed_and_added_lines(void **state)
{
	(void)state;
	assert_diff("a\nb\nc\n", "a\nB\nc\nd\n", "b\n", "B\nd\n");
	assert_diff("same\n", "same\n", "", "");
	assert_diff("", "new\nlines\n", "", "new\nlines\n");
	assert_diff("old\n", "", "old\n", "");
}

static void test_git__diff_lines_keeps_a_missing_final_newline_missing(void **state)
{
	(void)state;
	assert_diff("a\nb", "a\nc", "b", "c");
	assert_diff("a\nb", "a\nb\n", "b", "b\n");
	assert_diff("a\nb\n", "a\nb", "b\n", "b");
}

static void test_git__diff_lines_keeps_crlf_endings(void **state)
{
	(void)state;
	assert_diff("a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n", "b\r\n", "B\r\n");
	assert_diff("a\r\n", "a\n", "a\r\n", "a\n");
}

/*
 * check --staged (and check) lists HEAD's folders that the index's cache of
 * tree ids says are unchanged from the index, never reading their trees: with the
 * tree of prompts/b/ gone from the object database, HEAD still lists it,
 * with git's ids. Once prompts/b/ is staged too, its entry in the cache is
 * invalidated and the tree must be read (and here cannot be).
 */
static void test_git__staged_lists_heads_unchanged_folders_from_the_index(void **state)
{
	char *dir = fx_repo_new();
	struct pc_strlist dirs = PC_STRLIST_INIT;
	struct pc_file_list list = PC_FILE_LIST_INIT;
	struct pc_buf b = PC_BUF_INIT;
	struct fixture fx;
	char oid[PC_OID_HEXSZ + 1], *expected;

	(void)state;
	fx_write(dir, "prompts/a/1.md", "a1\n");
	fx_write(dir, "prompts/a/2.md", "a2\n");
	fx_write(dir, "prompts/b/1.md", "b1\n");
	fx_write(dir, "prompts/b/deep/2.md", "b2\n");
	fx_write(dir, "prompts/top.md", "top\n");
	fx_commit_all(dir, "one");
	expected = fx_capture(dir, "git ls-tree -r HEAD -- prompts | "
				   "awk -F '\\t' '{ split($1, a, \" \"); print $2 \" \" a[3] }'");
	fx_write(dir, "prompts/a/1.md", "a1 changed\n");
	fx_sh(dir, "git add prompts/a/1.md");
	fx_sh(dir, "t=$(git rev-parse HEAD:prompts/b) && rm .git/objects/$(echo $t | cut -c1-2)/"
		   "$(echo $t | cut -c3-)");
	open_repo(&fx, dir);
	compare(&fx, PC_COMPARE_STAGED, NULL, NULL);
	pc_strlist_push(&dirs, "prompts/");
	assert_int_equal(pc_side_files(&list, fx.base, &dirs), 0);
	for (size_t i = 0; i < list.n; i++) {
		assert_true(pc_file_entry_oid(oid, &list.items[i]));
		pc_buf_addf(&b, "%s%s %s", i ? "\n" : "", list.items[i].path, oid);
	}
	assert_string_equal(b.ptr, expected);
	pc_file_list_release(&list);
	/* the working-tree check lists HEAD the same way */
	compare(&fx, PC_COMPARE_WORKDIR, NULL, NULL);
	assert_int_equal(pc_side_files(&list, fx.base, &dirs), 0);
	assert_int_equal(list.n, 5);
	pc_file_list_release(&list);
	/* staged in prompts/b/ too: its tree is needed, and it is gone */
	fx_write(dir, "prompts/b/1.md", "b1 changed\n");
	fx_sh(dir, "git add prompts/b/1.md");
	compare(&fx, PC_COMPARE_STAGED, NULL, NULL);
	assert_int_not_equal(pc_side_files(&list, fx.base, &dirs), 0);
	pc_error_clear();
	pc_file_list_release(&list);
	pc_buf_release(&b);
	pc_strlist_release(&dirs);
	free(expected);
	pc_side_free(fx.base);
	pc_side_free(fx.head);
	pc_repo_free(fx.repo);
	free(fx.state_before);
	fx_remove(dir);
	free(dir);
}

static void test_git__diff_lines_treats_binary_looking_text_as_text(void **state)
{
	struct pc_buf added = PC_BUF_INIT, removed = PC_BUF_INIT;
	static const char old_text[] = "k\0eep\nold\n";
	static const char new_text[] = "k\0eep\nnew\n";

	(void)state;
	assert_int_equal(pc_diff_lines(&added, &removed, old_text, sizeof(old_text) - 1, new_text,
				       sizeof(new_text) - 1),
			 0);
	assert_string_equal(removed.ptr, "old\n");
	assert_string_equal(added.ptr, "new\n");
	pc_buf_release(&added);
	pc_buf_release(&removed);
}

/* ---- configuration ------------------------------------------------------- */

static void test_git__hooks_dir_follows_core_hooks_path(void **state)
{
	char *dir = fx_repo_new();
	struct fixture fx;
	struct pc_buf b = PC_BUF_INIT;
	char expected[4200];

	(void)state;
	open_repo(&fx, dir);
	assert_int_equal(pc_repo_hooks_dir(&b, fx.repo), 0);
	snprintf(expected, sizeof(expected), "%s/.git/hooks", dir);
	assert_string_equal(b.ptr, expected);
	pc_repo_free(fx.repo);

	fx_sh(dir, "git config core.hooksPath .githooks/");
	assert_int_equal(pc_repo_open(&fx.repo, dir), 0);
	pc_buf_reset(&b);
	assert_int_equal(pc_repo_hooks_dir(&b, fx.repo), 0);
	snprintf(expected, sizeof(expected), "%s/.githooks", dir);
	assert_string_equal(b.ptr, expected);
	pc_repo_free(fx.repo);

	fx_sh(dir, "git config core.hooksPath /srv/hooks");
	assert_int_equal(pc_repo_open(&fx.repo, dir), 0);
	pc_buf_reset(&b);
	assert_int_equal(pc_repo_hooks_dir(&b, fx.repo), 0);
	assert_string_equal(b.ptr, "/srv/hooks");
	pc_buf_release(&b);
	free(fx.state_before);
	fx.state_before = repo_state(dir); /* the config edits above are the test's own */
	close_repo(&fx);
}

static void test_git__config_string_reads_a_set_key_and_reports_an_unset_one(void **state)
{
	char *dir = fx_repo_new();
	struct fixture fx;
	struct pc_buf b = PC_BUF_INIT;

	(void)state;
	open_repo(&fx, dir);
	assert_int_equal(pc_repo_config_string(&b, fx.repo, "user.email"), 0);
	assert_string_equal(b.ptr, "fixture@example.com");
	pc_buf_reset(&b);
	assert_int_equal(pc_repo_config_string(&b, fx.repo, "promptcost.nothing"), PC_ENOTFOUND);
	assert_int_equal(b.len, 0);
	pc_buf_release(&b);
	close_repo(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_git__a_folder_outside_any_repository_is_not_a_git_repository),
		cmocka_unit_test(test_git__a_subfolder_opens_the_repository_above_it),
		cmocka_unit_test(test_git__base_main_compares_against_the_fork_point_not_mains_tip),
		cmocka_unit_test(test_git__staged_sees_the_index_and_not_working_tree_edits),
		cmocka_unit_test(test_git__staged_does_not_see_an_edit_only_in_the_working_tree),
		cmocka_unit_test(test_git__working_tree_sees_edits_and_untracked_files_not_ignored_ones),
		cmocka_unit_test(test_git__deleted_files_are_gone_from_the_side_that_deleted_them),
		cmocka_unit_test(test_git__a_file_that_changed_type_is_listed_as_it_is_now),
		cmocka_unit_test(test_git__an_unborn_head_compares_against_the_empty_tree),
		cmocka_unit_test(test_git__an_empty_repository_lists_nothing),
		cmocka_unit_test(test_git__a_renamed_template_is_a_rename_in_all_three_modes),
		cmocka_unit_test(test_git__a_revision_that_does_not_resolve_is_unknown),
		cmocka_unit_test(test_git__branches_without_common_history_have_no_merge_base),
		cmocka_unit_test(test_git__a_shallow_clone_lacking_the_base_says_how_to_fetch_it),
		cmocka_unit_test(test_git__a_shallow_clone_without_the_merge_base_says_deepen),
		cmocka_unit_test(test_git__a_symlink_inside_is_followed_and_one_outside_refused),
		cmocka_unit_test(test_git__a_symlink_to_a_folder_is_not_a_way_in),
		cmocka_unit_test(test_git__a_file_over_the_limit_is_refused_before_it_is_read),
		cmocka_unit_test(test_git__a_large_blob_is_refused_from_its_header_alone),
		cmocka_unit_test(test_git__a_crlf_checkout_reads_as_the_blob_git_would_store),
		cmocka_unit_test(test_git__files_keep_their_kinds),
		cmocka_unit_test(test_git__an_intent_to_add_file_is_in_the_working_tree_only),
		cmocka_unit_test(test_git__the_environment_index_of_a_pre_commit_hook_is_the_one_read),
		cmocka_unit_test(test_git__an_unmerged_file_is_listed_once_and_not_read_from_the_index),
		cmocka_unit_test(test_git__a_bare_repository_has_no_working_tree),
		cmocka_unit_test(test_git__a_linked_worktree_shares_the_main_hooks_folder),
		cmocka_unit_test(test_git__diff_lines_collects_removed_and_added_lines),
		cmocka_unit_test(test_git__diff_lines_keeps_a_missing_final_newline_missing),
		cmocka_unit_test(test_git__diff_lines_keeps_crlf_endings),
		cmocka_unit_test(test_git__a_listing_by_folders_reads_only_those_folders),
		cmocka_unit_test(test_git__staged_lists_heads_unchanged_folders_from_the_index),
		cmocka_unit_test(test_git__diff_lines_treats_binary_looking_text_as_text),
		cmocka_unit_test(test_git__hooks_dir_follows_core_hooks_path),
		cmocka_unit_test(test_git__config_string_reads_a_set_key_and_reports_an_unset_one),
	};

	fx_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
