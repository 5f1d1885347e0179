/*
 * Tests of the direct index reader (src/git_index.c) on index files that
 * real git writes in a temporary repository: versions 2, 3 and 4, `git add
 * -N`, skip-worktree, conflicts, links, submodules and a path over 4,095
 * bytes each read exactly as libgit2 reads the same file, entry for entry;
 * the cache of tree ids as git's trees; a split or sparse index, and
 * every truncation, left to libgit2; every
 * damaged byte read or left to libgit2, never read past the end (the
 * ASan+UBSan run checks that).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <git2.h>

#include "promptcost/common.h"
#include "promptcost/git_index.h"
#include "support/fixture.h"

static char *index_path(const char *dir)
{
	struct pc_buf b = PC_BUF_INIT;

	pc_buf_addf(&b, "%s/.git/index", dir);
	return pc_buf_detach(&b, NULL);
}

/* Reads the index with both readers and checks they agree entry for entry. */
static void assert_same_as_libgit2(const char *dir, size_t expected_entries)
{
	char *path = index_path(dir);
	struct pc_index own;
	git_index *index = NULL;

	assert_int_equal(pc_index_read(&own, path), PC_INDEX_OK);
	assert_int_equal(git_index_open(&index, path), 0);
	assert_int_equal(own.n, git_index_entrycount(index));
	assert_int_equal(own.n, expected_entries);
	for (size_t i = 0; i < own.n; i++) {
		const git_index_entry *theirs = git_index_get_byindex(index, i);
		const struct pc_index_entry *mine = &own.entries[i];

		assert_string_equal(mine->path, theirs->path);
		assert_int_equal(mine->mode, theirs->mode);
		assert_int_equal(mine->stage, git_index_entry_stage(theirs));
		assert_memory_equal(mine->id, theirs->id.id, PC_INDEX_OID_SIZE);
		assert_int_equal(!!(mine->extended & PC_INDEX_INTENT_TO_ADD),
				 !!(theirs->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD));
		assert_int_equal(!!(mine->extended & PC_INDEX_SKIP_WORKTREE),
				 !!(theirs->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE));
		/* and each is found by path at its stage */
		assert_ptr_equal(pc_index_find(&own, mine->path, mine->stage), mine);
	}
	git_index_free(index);
	pc_index_release(&own);
	free(path);
}

/* A repository with links, an executable, a submodule and nested folders. */
static char *varied_repo(void)
{
	char *dir = fx_repo_new();

	fx_write(dir, "a.md", "a\n");
	fx_write(dir, "prompts/b.md", "b\n");
	fx_write(dir, "prompts/deep/c.md", "c\n");
	fx_write(dir, "prompts-x/d.md", "d\n");
	fx_write(dir, "run.sh", "#!/bin/sh\n");
	fx_sh(dir, "chmod +x run.sh && ln -s a.md link.md");
	fx_sh(dir, "git add -A && git update-index --add --cacheinfo "
		   "160000,1111111111111111111111111111111111111111,sub");
	fx_sh(dir, "git commit -q -m one");
	return dir;
}

static void test_git_index__versions_2_3_and_4_read_as_libgit2_reads_them(void **state)
{
	char *dir = varied_repo();

	(void)state;
	assert_same_as_libgit2(dir, 7);
	/* version 3: extended flags for `git add -N` and skip-worktree */
	fx_write(dir, "prompts/new.md", "new\n");
	fx_sh(dir, "git add -N prompts/new.md && git update-index --skip-worktree a.md");
	assert_int_equal(fx_sh_status(dir, "git update-index --index-version 3"), 0);
	assert_same_as_libgit2(dir, 8);
	/* version 4: prefix-compressed paths */
	fx_sh(dir, "git update-index --index-version 4");
	assert_same_as_libgit2(dir, 8);
	{
		char *path = index_path(dir);
		struct pc_index own;
		const struct pc_index_entry *e;

		assert_int_equal(pc_index_read(&own, path), PC_INDEX_OK);
		assert_non_null(e = pc_index_find(&own, "prompts/new.md", 0));
		assert_true(e->extended & PC_INDEX_INTENT_TO_ADD);
		assert_non_null(e = pc_index_find(&own, "a.md", 0));
		assert_true(e->extended & PC_INDEX_SKIP_WORKTREE);
		assert_int_equal(pc_index_find(&own, "sub", 0)->mode, 0160000);
		assert_int_equal(pc_index_find(&own, "link.md", 0)->mode, 0120000);
		assert_int_equal(pc_index_find(&own, "run.sh", 0)->mode, 0100755);
		assert_null(pc_index_find(&own, "prompts", 0));
		assert_null(pc_index_find(&own, "prompts/b", 0));
		assert_null(pc_index_find(&own, "a.md", 1));
		assert_false(pc_index_conflicted(&own, "a.md"));
		pc_index_release(&own);
		free(path);
	}
	fx_remove(dir);
	free(dir);
}

static void test_git_index__a_conflict_is_three_stages_of_one_path(void **state)
{
	char *dir = fx_repo_new();
	char *path = index_path(dir);
	struct pc_index own;

	(void)state;
	fx_write(dir, "p.md", "base\n");
	fx_write(dir, "q.md", "q\n");
	fx_commit_all(dir, "one");
	fx_sh(dir, "git checkout -q -b other");
	fx_write(dir, "p.md", "other\n");
	fx_commit_all(dir, "other");
	fx_sh(dir, "git checkout -q -");
	fx_write(dir, "p.md", "mine\n");
	fx_commit_all(dir, "mine");
	assert_int_not_equal(fx_sh_status(dir, "git merge -q other >/dev/null 2>&1"), 0);
	assert_same_as_libgit2(dir, 4);
	assert_int_equal(pc_index_read(&own, path), PC_INDEX_OK);
	assert_null(pc_index_find(&own, "p.md", 0));
	assert_non_null(pc_index_find(&own, "p.md", 1));
	assert_non_null(pc_index_find(&own, "p.md", 3));
	assert_true(pc_index_conflicted(&own, "p.md"));
	assert_false(pc_index_conflicted(&own, "q.md"));
	pc_index_release(&own);
	free(path);
	fx_remove(dir);
	free(dir);
}

/* The 12-bit name length saturates at 0xFFF: longer paths end at their NUL. */
static void test_git_index__a_path_over_4095_bytes_reads_in_every_version(void **state)
{
	char *dir = fx_repo_new();
	struct pc_buf longpath = PC_BUF_INIT;

	(void)state;
	fx_write(dir, "a.md", "a\n");
	fx_commit_all(dir, "one");
	for (int i = 0; i < 500; i++)
		pc_buf_adds(&longpath, "folder789/");
	pc_buf_adds(&longpath, "z.md");
	fx_sh(dir, "git update-index --add --cacheinfo 100644,$(git hash-object -w a.md),%s",
	      longpath.ptr);
	fx_sh(dir, "git update-index --add --cacheinfo 100644,$(git hash-object -w a.md),%sy",
	      longpath.ptr);
	/* libgit2 1.5 refuses such an index; git reads it, and so do we */
	for (int version = 2; version <= 4; version += 2) {
		char *path = index_path(dir);
		char *listed = fx_capture(dir, "git update-index --index-version %d && "
					       "git ls-files -s | cut -f2", version);
		struct pc_buf mine = PC_BUF_INIT;
		struct pc_index own;

		assert_int_equal(pc_index_read(&own, path), PC_INDEX_OK);
		for (size_t i = 0; i < own.n; i++) /* as fx_capture gives it: no final newline */
			pc_buf_addf(&mine, "%s%s", i ? "\n" : "", own.entries[i].path);
		assert_int_equal(own.n, 3);
		assert_string_equal(mine.ptr, listed);
		pc_index_release(&own);
		pc_buf_release(&mine);
		free(listed);
		free(path);
	}
	pc_buf_release(&longpath);
	fx_remove(dir);
	free(dir);
}

/*
 * The cache of tree ids: after a commit every folder is valid, with the
 * id git gives it and the number of entries under it; a staged change
 * invalidates its folders up to the root, and only those.
 */
static void test_git_index__the_cache_of_tree_ids_matches_gits_trees(void **state)
{
	char *dir = varied_repo();
	char *path = index_path(dir);
	struct pc_index own;
	const struct pc_index_tree *t;

	(void)state;
	assert_int_equal(pc_index_read(&own, path), PC_INDEX_OK);
	/* the root, prompts/, prompts/deep/, prompts-x/ */
	assert_int_equal(own.ntrees, 4);
	for (size_t i = 0; i < own.ntrees; i++) {
		char *id = fx_capture(dir, "git rev-parse HEAD:%s", own.trees[i].path);
		char *count = fx_capture(dir, "git ls-files -- '%s' | wc -l",
					 *own.trees[i].path ? own.trees[i].path : ".");
		char hex[2 * PC_INDEX_OID_SIZE + 1];

		for (int k = 0; k < PC_INDEX_OID_SIZE; k++)
			snprintf(hex + 2 * k, 3, "%02x", own.trees[i].id[k]);
		assert_string_equal(hex, id);
		assert_int_equal(own.trees[i].entries, strtoul(count, NULL, 10));
		free(id);
		free(count);
	}
	assert_non_null(t = pc_index_tree_find(&own, "prompts/deep/"));
	assert_null(pc_index_tree_find(&own, "prompts/deep"));
	pc_index_release(&own);
	fx_write(dir, "prompts/deep/c.md", "c changed\n");
	fx_sh(dir, "git add prompts/deep/c.md");
	assert_int_equal(pc_index_read(&own, path), PC_INDEX_OK);
	assert_null(pc_index_tree_find(&own, ""));
	assert_null(pc_index_tree_find(&own, "prompts/"));
	assert_null(pc_index_tree_find(&own, "prompts/deep/"));
	assert_non_null(pc_index_tree_find(&own, "prompts-x/"));
	pc_index_release(&own);
	free(path);
	fx_remove(dir);
	free(dir);
}

static void test_git_index__a_split_or_sparse_index_is_left_to_libgit2(void **state)
{
	char *dir = varied_repo();
	char *path = index_path(dir);
	struct pc_index own;

	(void)state;
	fx_sh(dir, "git update-index --split-index");
	assert_int_equal(pc_index_read(&own, path), PC_INDEX_FALLBACK);
	assert_int_equal(own.n, 0);
	fx_sh(dir, "git update-index --no-split-index && rm -f .git/sharedindex.*");
	assert_same_as_libgit2(dir, 7);
	fx_sh(dir, "git sparse-checkout set --cone --sparse-index prompts-x >/dev/null 2>&1");
	assert_int_equal(pc_index_read(&own, path), PC_INDEX_FALLBACK);
	free(path);
	fx_remove(dir);
	free(dir);
}

static void test_git_index__a_missing_index_is_empty(void **state)
{
	char *dir = fx_repo_new();
	char *path = index_path(dir);
	struct pc_index own;

	(void)state;
	fx_sh(dir, "rm -f .git/index");
	assert_int_equal(pc_index_read(&own, path), PC_INDEX_OK);
	assert_int_equal(own.n, 0);
	assert_null(pc_index_find(&own, "a.md", 0));
	pc_index_release(&own);
	free(path);
	fx_remove(dir);
	free(dir);
}

static unsigned char *slurp(const char *path, size_t *size)
{
	struct pc_buf b = PC_BUF_INIT;

	assert_int_equal(pc_file_read(&b, path, 1 << 20), 0);
	return (unsigned char *)pc_buf_detach(&b, size);
}

/*
 * Entries and extensions must end exactly at the checksum, so a truncation
 * is left to libgit2 unless it reads as the same entries; every damaged byte
 * is read or left, and never read past the end. For a version-2 and a
 * version-4 file.
 */
static void test_git_index__damage_is_left_to_libgit2_and_never_overruns(void **state)
{
	char *dir = varied_repo();
	char *path = index_path(dir);

	(void)state;
	for (int version = 2; version <= 4; version += 2) {
		unsigned char *data, *copy;
		struct pc_index whole;
		size_t size, truncations_read = 0;

		fx_sh(dir, "git update-index --index-version %d", version);
		data = slurp(path, &size);
		assert_int_equal(pc_index_parse(&whole, data, size), PC_INDEX_OK);
		for (size_t len = 0; len < size; len++) {
			struct pc_index own;

			/* an exact-size copy, so that ASan sees any read past the end */
			copy = pc_xmalloc(len ? len : 1);
			memcpy(copy, data, len);
			/*
			 * Cut just before an extension with 20 bytes to spare, the
			 * file is whole but for the extension (git would read it so
			 * too: neither verifies the checksum); its entries are then
			 * exactly the whole file's.
			 */
			if (pc_index_parse(&own, copy, len) == PC_INDEX_OK) {
				assert_int_equal(own.n, whole.n);
				for (size_t i = 0; i < own.n; i++) {
					assert_string_equal(own.entries[i].path, whole.entries[i].path);
					assert_memory_equal(own.entries[i].id, whole.entries[i].id,
							    PC_INDEX_OID_SIZE);
				}
				pc_index_release(&own);
				truncations_read++;
			}
			free(copy);
		}
		pc_index_release(&whole);
		for (size_t at = 0; at < size; at++) {
			for (int bit = 0; bit < 8; bit += 3) {
				struct pc_index own;

				copy = pc_xmalloc(size);
				memcpy(copy, data, size);
				copy[at] ^= (unsigned char)(1u << bit);
				if (pc_index_parse(&own, copy, size) == PC_INDEX_OK) {
					for (size_t i = 0; i < own.n; i++)
						assert_ptr_equal(pc_index_find(&own, own.entries[i].path,
									       own.entries[i].stage),
								 &own.entries[i]);
					pc_index_release(&own);
				}
				free(copy);
			}
		}
		/* the cut before the TREE extension, and no other */
		assert_int_equal(truncations_read, 1);
		free(data);
	}
	free(path);
	fx_remove(dir);
	free(dir);
}

/* Out of order (here: the second path made to sort first) is not trusted. */
static void test_git_index__entries_out_of_order_are_left_to_libgit2(void **state)
{
	char *dir = fx_repo_new();
	char *path = index_path(dir);
	unsigned char *data, *second;
	size_t size;
	struct pc_index own;

	(void)state;
	fx_write(dir, "a.md", "a\n");
	fx_write(dir, "b.md", "b\n");
	fx_commit_all(dir, "one");
	data = slurp(path, &size);
	assert_int_equal(pc_index_parse(&own, data, size), PC_INDEX_OK);
	pc_index_release(&own);
	second = memmem(data, size, "b.md", 4);
	assert_non_null(second);
	second[0] = '0';
	assert_int_equal(pc_index_parse(&own, data, size), PC_INDEX_FALLBACK);
	free(data);
	free(path);
	fx_remove(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_git_index__versions_2_3_and_4_read_as_libgit2_reads_them),
		cmocka_unit_test(test_git_index__a_conflict_is_three_stages_of_one_path),
		cmocka_unit_test(test_git_index__a_path_over_4095_bytes_reads_in_every_version),
		cmocka_unit_test(test_git_index__the_cache_of_tree_ids_matches_gits_trees),
		cmocka_unit_test(test_git_index__a_split_or_sparse_index_is_left_to_libgit2),
		cmocka_unit_test(test_git_index__a_missing_index_is_empty),
		cmocka_unit_test(test_git_index__damage_is_left_to_libgit2_and_never_overruns),
		cmocka_unit_test(test_git_index__entries_out_of_order_are_left_to_libgit2),
	};

	fx_setup();
	git_libgit2_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
