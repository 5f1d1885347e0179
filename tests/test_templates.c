/*
 * Tests of the templates stage: collecting templates from real fixture
 * repositories (added, modified, deleted, renamed, binary files,
 * globs that match nothing or name a directory).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "promptcost/check.h"
#include "promptcost/templates.h"
#include "support/fixture.h"

static const char config_text[] =
	"version: 1\n"
	"models:\n"
	"  gpt-4-class:\n"
	"    encoding: cl100k_base\n"
	"    input_per_1k: 0.012\n"
	"    output_per_1k: 0.024\n"
	"teams:\n"
	"  records:\n"
	"    monthly_budget: 25000\n"
	"templates:\n"
	"  - id: summarize\n"
	"    files: [prompts/summarize/*.md]\n"
	"    team: records\n"
	"    model: gpt-4-class\n"
	"    calls_per_day: 15000\n";

/* the same configuration with the template replaced by another */
static const char config_other[] =
	"version: 1\n"
	"models:\n"
	"  gpt-4-class:\n"
	"    encoding: cl100k_base\n"
	"    input_per_1k: 0.012\n"
	"    output_per_1k: 0.024\n"
	"teams:\n"
	"  records:\n"
	"    monthly_budget: 25000\n"
	"templates:\n"
	"  - id: other\n"
	"    files: [prompts/other.md]\n"
	"    team: records\n"
	"    model: gpt-4-class\n"
	"    calls_per_day: 10\n";

/* text with the first `from` replaced by `to`; free() it */
static char *replace(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	size_t head = (size_t)(at - text), len = strlen(text) - strlen(from) + strlen(to);
	char *out = malloc(len + 1);

	assert_non_null(at);
	assert_non_null(out);
	memcpy(out, text, head);
	strcpy(out + head, to);
	strcat(out, at + strlen(from));
	return out;
}

static const struct pc_template_report *run_check(struct pc_check *check, const char *dir,
						  enum pc_compare_mode mode, const char *base)
{
	struct pc_check_options options = { dir, mode, base, NULL, NULL, NULL, false, false };

	memset(check, 0, sizeof(*check));
	if (pc_check_run(check, &options) < 0)
		fail_msg("check failed: %s", pc_error_message());
	assert_int_equal(check->report.ntemplates, 1);
	return &check->report.templates[0];
}

static void test_templates__a_renamed_file_is_a_renamed_template(void **state)
{
	char *dir = fx_repo_new();
	struct pc_check check;
	const struct pc_template_report *t;

	(void)state;
	fx_write(dir, ".promptcost.yml", config_text);
	fx_write(dir, "prompts/summarize/system.md",
		 "You summarize documents for records management.\nKeep it short.\n");
	fx_commit_all(dir, "base");
	fx_sh(dir, "git mv prompts/summarize/system.md prompts/summarize/main.md");
	fx_commit_all(dir, "rename");
	t = run_check(&check, dir, PC_COMPARE_RANGE, "HEAD~1");
	assert_int_equal(t->change, PC_CHANGE_RENAMED);
	assert_int_equal(t->delta_tokens, 0);
	assert_string_equal(t->after.files[0].path, "prompts/summarize/main.md");
	pc_check_release(&check);
	fx_remove(dir);
	free(dir);
}

/*
 * Trees are listed only in the folders the globs name (prompts/summarize/):
 * a file moved elsewhere is still followed to its new path, in every mode.
 */
static void test_templates__a_file_moved_out_of_the_globs_folders_is_followed(void **state)
{
	static const enum pc_compare_mode modes[] = { PC_COMPARE_STAGED, PC_COMPARE_WORKDIR,
						      PC_COMPARE_RANGE };
	char *dir = fx_repo_new();
	struct pc_check check;
	const struct pc_template_report *t;

	(void)state;
	fx_write(dir, ".promptcost.yml", config_text);
	fx_write(dir, "prompts/summarize/system.md",
		 "You summarize documents for records management.\nKeep it short.\n");
	fx_write(dir, "src/app.c", "int main(void) { return 0; }\n");
	fx_commit_all(dir, "base");
	fx_sh(dir, "mkdir -p archive/old && git mv prompts/summarize/system.md archive/old/system.md");
	for (size_t m = 0; m < sizeof(modes) / sizeof(*modes); m++) {
		if (modes[m] == PC_COMPARE_RANGE)
			fx_commit_all(dir, "move it away");
		t = run_check(&check, dir, modes[m], modes[m] == PC_COMPARE_RANGE ? "HEAD~1" : NULL);
		assert_int_equal(t->change, PC_CHANGE_RENAMED);
		assert_int_equal(t->delta_tokens, 0);
		assert_int_equal(t->after.nfiles, 1);
		assert_string_equal(t->after.files[0].path, "archive/old/system.md");
		pc_check_release(&check);
	}
	fx_remove(dir);
	free(dir);
}

static void test_templates__added_modified_and_deleted_are_told_apart(void **state)
{
	char *dir = fx_repo_new();
	struct pc_check check;
	const struct pc_template_report *t;

	(void)state;
	fx_write(dir, ".promptcost.yml", config_text);
	fx_commit_all(dir, "config only");
	fx_write(dir, "prompts/summarize/system.md", "one\n");
	t = run_check(&check, dir, PC_COMPARE_WORKDIR, NULL);
	assert_int_equal(t->change, PC_CHANGE_ADDED);
	assert_false(t->before.present);
	pc_check_release(&check);

	fx_commit_all(dir, "add");
	fx_write(dir, "prompts/summarize/system.md", "one\ntwo three four\n");
	t = run_check(&check, dir, PC_COMPARE_WORKDIR, NULL);
	assert_int_equal(t->change, PC_CHANGE_MODIFIED);
	assert_true(t->tokens_added > 0);
	assert_int_equal(t->tokens_removed, 0);
	assert_int_equal(t->delta_tokens, t->after.tokens - t->before.tokens);
	pc_check_release(&check);

	/* a prompt cannot vanish while the configuration still lists it */
	fx_sh(dir, "git rm -qf prompts/summarize/system.md");
	{
		struct pc_check_options options = { dir, PC_COMPARE_STAGED, NULL, NULL, NULL, NULL, false, false };

		memset(&check, 0, sizeof(check));
		assert_int_equal(pc_check_run(&check, &options), PC_EINPUT);
		assert_non_null(strstr(pc_error_message(),
				       "prompts/summarize/system.md: a file of template 'summarize' "
				       "is gone from the index: restore the file, or remove the "
				       "template from .promptcost.yml in the same change"));
		pc_check_release(&check);
	}
	/* deleted: the file and its entry go in the same change */
	fx_write(dir, ".promptcost.yml", config_other);
	fx_write(dir, "prompts/other.md", "other\n");
	fx_sh(dir, "git add -A");
	{
		struct pc_check_options options = { dir, PC_COMPARE_STAGED, NULL, NULL, NULL, NULL, false, false };

		memset(&check, 0, sizeof(check));
		if (pc_check_run(&check, &options) < 0)
			fail_msg("check failed: %s", pc_error_message());
		assert_string_equal(check.report.templates[0].id, "summarize");
		assert_int_equal(check.report.templates[0].change, PC_CHANGE_DELETED);
		assert_true(check.report.templates[0].monthly_delta_micros < 0);
		pc_check_release(&check);
	}
	fx_remove(dir);
	free(dir);
}

static void test_templates__a_glob_matching_nothing_is_an_error_with_its_position(void **state)
{
	char *dir = fx_repo_new();
	struct pc_check check;
	struct pc_check_options options = { NULL, PC_COMPARE_WORKDIR, NULL, NULL, NULL, NULL, false, false };

	(void)state;
	options.repo_path = dir;
	fx_write(dir, "prompts/other/system.md", "hello\n");
	fx_commit_all(dir, "base");
	/* the change introduces the glob: a typo */
	fx_write(dir, ".promptcost.yml", config_text);
	memset(&check, 0, sizeof(check));
	assert_int_equal(pc_check_run(&check, &options), PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), ":12:13: 'prompts/summarize/*.md' in template "
						   "'summarize' matches no file"));
	pc_check_release(&check);
	/* the base has it (its files were deleted earlier): a warning, never a jam */
	fx_commit_all(dir, "configured");
	pc_warnings_clear();
	memset(&check, 0, sizeof(check));
	assert_int_equal(pc_check_run(&check, &options), 0);
	assert_int_equal(check.report.ntemplates, 0);
	assert_int_equal(pc_warning_count(), 1);
	assert_non_null(strstr(pc_warning(0), ":12:13: 'prompts/summarize/*.md' in template "
					      "'summarize' matches no file on either side"));
	pc_check_release(&check);
	pc_warnings_clear();
	fx_remove(dir);
	free(dir);
}

static void test_templates__a_glob_naming_a_directory_says_so(void **state)
{
	char *dir = fx_repo_new();
	struct pc_check check;
	struct pc_check_options options = { NULL, PC_COMPARE_WORKDIR, NULL, NULL, NULL, NULL, false, false };
	char *config = replace(config_text, "prompts/summarize/*.md", "prompts/summarize");

	(void)state;
	options.repo_path = dir;
	fx_write(dir, "prompts/summarize/system.md", "hello\n");
	fx_commit_all(dir, "base");
	fx_write(dir, ".promptcost.yml", config);
	memset(&check, 0, sizeof(check));
	assert_int_equal(pc_check_run(&check, &options), PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "names a directory (did you mean "
						   "'prompts/summarize/**'?)"));
	pc_check_release(&check);
	free(config);
	fx_remove(dir);
	free(dir);
}

static void test_templates__a_binary_file_is_skipped_with_a_warning(void **state)
{
	char *dir = fx_repo_new();
	struct pc_check check;
	const struct pc_template_report *t;

	(void)state;
	fx_write(dir, ".promptcost.yml", config_text);
	fx_write(dir, "prompts/summarize/system.md", "hello world\n");
	fx_write_bytes(dir, "prompts/summarize/logo.md", "\x89PNG\0\0\0", 7);
	fx_commit_all(dir, "base");
	pc_warnings_clear();
	t = run_check(&check, dir, PC_COMPARE_WORKDIR, NULL);
	assert_int_equal(t->after.nfiles, 1);
	assert_int_equal(check.report.skipped.n, 1);
	assert_true(pc_warning_count() >= 1);
	assert_non_null(strstr(pc_warning(0), "binary file skipped"));
	pc_check_release(&check);
	pc_warnings_clear();
	fx_remove(dir);
	free(dir);
}

static void test_templates__invalid_utf8_in_the_head_is_an_error_at_its_place(void **state)
{
	char *dir = fx_repo_new();
	struct pc_check check;
	struct pc_check_options options = { NULL, PC_COMPARE_WORKDIR, NULL, NULL, NULL, NULL, false, false };

	(void)state;
	options.repo_path = dir;
	fx_write(dir, ".promptcost.yml", config_text);
	fx_write(dir, "prompts/summarize/system.md", "hello\n");
	fx_commit_all(dir, "base");
	fx_write(dir, "prompts/summarize/system.md", "hello\nna\xefve\n");
	memset(&check, 0, sizeof(check));
	assert_int_equal(pc_check_run(&check, &options), PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "prompts/summarize/system.md:2:3: invalid UTF-8"));
	pc_check_release(&check);
	fx_remove(dir);
	free(dir);
}

static void test_templates__overlapping_globs_list_each_file_once_in_path_order(void **state)
{
	char *dir = fx_repo_new();
	char *config = replace(config_text, "[prompts/summarize/*.md]",
			       "[prompts/summarize/b.md, prompts/summarize/*.md, "
			       "\"prompts/summarize/[ab].md\", \"[p]rompts/summarize/ab.md\"]");
	struct pc_check check;
	const struct pc_template_report *t;

	(void)state;
	fx_write(dir, ".promptcost.yml", config);
	fx_write(dir, "prompts/summarize/a.md", "a\n");
	fx_write(dir, "prompts/summarize/ab.md", "ab\n");
	fx_write(dir, "prompts/summarize/b.md", "b\n");
	/* neighbours of the globs' literal prefix in path order, matched by none */
	fx_write(dir, "prompts/summarize.md", "no\n");
	fx_write(dir, "prompts/summarize/sub/a.md", "no\n");
	fx_write(dir, "prompts/summarizer/a.md", "no\n");
	fx_commit_all(dir, "base");
	t = run_check(&check, dir, PC_COMPARE_RANGE, "HEAD");
	assert_int_equal(t->after.nfiles, 3);
	assert_string_equal(t->after.files[0].path, "prompts/summarize/a.md");
	assert_string_equal(t->after.files[1].path, "prompts/summarize/ab.md");
	assert_string_equal(t->after.files[2].path, "prompts/summarize/b.md");
	assert_int_equal(t->after.text.len, strlen("a\nab\nb\n"));
	assert_memory_equal(t->after.text.ptr, "a\nab\nb\n", t->after.text.len);
	pc_check_release(&check);
	fx_remove(dir);
	free(config);
	free(dir);
}

/*
 * A template of more globs and files than collect_template and match_side
 * keep on the stack (8): twelve literal files, listed once each in path
 * order, one of them changed, in every mode.
 */
static void test_templates__a_template_of_twelve_files_lists_each_once(void **state)
{
	static const enum pc_compare_mode modes[] = { PC_COMPARE_STAGED, PC_COMPARE_WORKDIR,
						      PC_COMPARE_RANGE };
	char *dir = fx_repo_new();
	struct pc_buf globs = PC_BUF_INIT, text = PC_BUF_INIT;
	struct pc_check check;
	const struct pc_template_report *t;
	char *config;

	(void)state;
	pc_buf_adds(&globs, "[");
	for (int i = 1; i <= 12; i++) {
		char path[64], body[32];

		snprintf(path, sizeof(path), "prompts/summarize/f%02d.md", i);
		snprintf(body, sizeof(body), "part %d\n", i);
		fx_write(dir, path, body);
		pc_buf_addf(&globs, "%s%s", i > 1 ? ", " : "", path);
		pc_buf_adds(&text, body);
	}
	pc_buf_adds(&globs, "]");
	config = replace(config_text, "[prompts/summarize/*.md]", globs.ptr);
	fx_write(dir, ".promptcost.yml", config);
	fx_commit_all(dir, "base");
	fx_write(dir, "prompts/summarize/f11.md", "part 11, longer now\n");
	fx_sh(dir, "git add prompts/summarize/f11.md");
	for (size_t m = 0; m < sizeof(modes) / sizeof(*modes); m++) {
		if (modes[m] == PC_COMPARE_RANGE)
			fx_commit_all(dir, "change one");
		t = run_check(&check, dir, modes[m], modes[m] == PC_COMPARE_RANGE ? "HEAD~1" : NULL);
		assert_int_equal(t->change, PC_CHANGE_MODIFIED);
		assert_int_equal(t->before.nfiles, 12);
		assert_int_equal(t->after.nfiles, 12);
		for (size_t i = 1; i < 12; i++)
			assert_true(strcmp(t->after.files[i - 1].path, t->after.files[i].path) < 0);
		assert_string_equal(t->after.files[10].path, "prompts/summarize/f11.md");
		assert_int_equal(t->before.text.len, text.len);
		assert_true(t->delta_tokens > 0);
		pc_check_release(&check);
	}
	pc_buf_release(&globs);
	pc_buf_release(&text);
	free(config);
	fx_remove(dir);
	free(dir);
}

static void test_templates__templates_are_found_by_id_on_either_side_base_order_first(
	void **state)
{
	static const char two[] =
		"  - id: zeta\n"
		"    files: [prompts/zeta.md]\n"
		"    model: gpt-4-class\n"
		"    calls_per_day: 10\n"
		"  - id: alpha\n"
		"    files: [prompts/alpha.md]\n"
		"    model: gpt-4-class\n"
		"    calls_per_day: 20\n";
	char *dir = fx_repo_new();
	struct pc_buf text = PC_BUF_INIT;
	struct pc_check check;
	struct pc_check_options options = { NULL, PC_COMPARE_RANGE, "HEAD~1", NULL, NULL, NULL, false, false };
	const struct pc_report *report = &check.report;

	(void)state;
	options.repo_path = dir;
	pc_buf_adds(&text, config_text); /* summarize */
	pc_buf_adds(&text, two);
	fx_write(dir, ".promptcost.yml", text.ptr);
	fx_write(dir, "prompts/summarize/system.md", "s\n");
	fx_write(dir, "prompts/zeta.md", "z\n");
	fx_write(dir, "prompts/alpha.md", "a\n");
	fx_commit_all(dir, "base");
	/* the head drops zeta and adds mu, configured after alpha */
	pc_buf_reset(&text);
	pc_buf_adds(&text, config_text);
	pc_buf_adds(&text, strstr(two, "  - id: alpha"));
	pc_buf_adds(&text, "  - id: mu\n    files: [prompts/mu.md]\n    model: gpt-4-class\n"
			   "    calls_per_day: 30\n");
	fx_write(dir, ".promptcost.yml", text.ptr);
	fx_write(dir, "prompts/mu.md", "m\n");
	fx_commit_all(dir, "head");
	memset(&check, 0, sizeof(check));
	if (pc_check_run(&check, &options) < 0)
		fail_msg("check failed: %s", pc_error_message());
	assert_int_equal(report->ntemplates, 4);
	assert_string_equal(report->templates[0].id, "summarize");
	assert_string_equal(report->templates[1].id, "zeta");
	assert_string_equal(report->templates[2].id, "alpha");
	assert_string_equal(report->templates[3].id, "mu");
	assert_int_equal(report->templates[0].change, PC_CHANGE_UNCHANGED);
	/* zeta's files are still there: only the head stopped configuring it */
	assert_int_equal(report->templates[1].volume->calls_per_day, 10);
	assert_int_equal(report->templates[2].volume->calls_per_day, 20);
	assert_int_equal(report->templates[3].change, PC_CHANGE_ADDED);
	assert_int_equal(report->templates[3].volume->calls_per_day, 30);
	pc_check_release(&check);
	pc_warnings_clear();
	pc_buf_release(&text);
	fx_remove(dir);
	free(dir);
}

static void test_templates__invalid_utf8_after_long_ascii_and_multibyte_runs_is_found_at_its_place(
	void **state)
{
	char *dir = fx_repo_new();
	struct pc_check check;
	struct pc_check_options options = { NULL, PC_COMPARE_WORKDIR, NULL, NULL, NULL, NULL, false, false };
	char text[64], expected[64];

	(void)state;
	options.repo_path = dir;
	fx_write(dir, ".promptcost.yml", config_text);
	fx_write(dir, "prompts/summarize/system.md", "hello\n");
	fx_commit_all(dir, "base");
	/* a bad byte at every place of an eight-byte word, after 0 to 16 ASCII bytes */
	for (int k = 0; k <= 16; k++) {
		snprintf(text, sizeof(text), "%.*s\xff tail\n", k, "0123456789abcdef");
		snprintf(expected, sizeof(expected), "prompts/summarize/system.md:1:%d: invalid UTF-8",
			 k + 1);
		fx_write(dir, "prompts/summarize/system.md", text);
		memset(&check, 0, sizeof(check));
		assert_int_equal(pc_check_run(&check, &options), PC_EINPUT);
		if (!strstr(pc_error_message(), expected))
			fail_msg("after %d ASCII bytes: %s", k, pc_error_message());
		pc_check_release(&check);
	}
	/* a lone lead byte at line 2, column 37, after ASCII and multibyte characters */
	fx_write(dir, "prompts/summarize/system.md",
		 "# Title ok\nabcdefghijklmnop \xe2\x80\x94 caf\xc3\xa9 r\xc3\xa9sum\xc3\xa9, then"
		 "\xc3\x28 bad\n");
	memset(&check, 0, sizeof(check));
	assert_int_equal(pc_check_run(&check, &options), PC_EINPUT);
	assert_non_null(strstr(pc_error_message(),
			       "prompts/summarize/system.md:2:37: invalid UTF-8"));
	pc_check_release(&check);
	fx_remove(dir);
	free(dir);
}

static void test_templates__an_error_after_a_skipped_binary_file_frees_each_path_once(void **state)
{
	char *dir = fx_repo_new();
	struct pc_check check;
	struct pc_check_options options = { NULL, PC_COMPARE_WORKDIR, NULL, NULL, NULL, NULL, false, false };

	(void)state;
	options.repo_path = dir;
	fx_write(dir, ".promptcost.yml", config_text);
	fx_write_bytes(dir, "prompts/summarize/a.md", "\x89PNG\0\0\0", 7);
	fx_write(dir, "prompts/summarize/b.md", "fine\n");
	fx_write(dir, "prompts/summarize/c.md", "fine\n");
	fx_commit_all(dir, "base");
	fx_write(dir, "prompts/summarize/b.md", "na\xefve\n");
	memset(&check, 0, sizeof(check));
	/* under the sanitizers, a path freed twice here aborts the test */
	assert_int_equal(pc_check_run(&check, &options), PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "prompts/summarize/b.md:1:3: invalid UTF-8"));
	pc_check_release(&check);
	pc_warnings_clear();
	fx_remove(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_templates__a_renamed_file_is_a_renamed_template),
		cmocka_unit_test(test_templates__a_file_moved_out_of_the_globs_folders_is_followed),
		cmocka_unit_test(test_templates__added_modified_and_deleted_are_told_apart),
		cmocka_unit_test(test_templates__a_glob_matching_nothing_is_an_error_with_its_position),
		cmocka_unit_test(test_templates__a_glob_naming_a_directory_says_so),
		cmocka_unit_test(test_templates__a_binary_file_is_skipped_with_a_warning),
		cmocka_unit_test(test_templates__invalid_utf8_in_the_head_is_an_error_at_its_place),
		cmocka_unit_test(test_templates__an_error_after_a_skipped_binary_file_frees_each_path_once),
		cmocka_unit_test(test_templates__overlapping_globs_list_each_file_once_in_path_order),
		cmocka_unit_test(test_templates__a_template_of_twelve_files_lists_each_once),
		cmocka_unit_test(
			test_templates__templates_are_found_by_id_on_either_side_base_order_first),
		cmocka_unit_test(
			test_templates__invalid_utf8_after_long_ascii_and_multibyte_runs_is_found_at_its_place),
	};

	fx_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
