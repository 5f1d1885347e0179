/*
 * Tests of the templates stage: glob matching, and collecting templates from
 * real fixture repositories (added, modified, deleted, renamed, binary files,
 * globs that match nothing or name a directory).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "promptcost/check.h"
#include "promptcost/templates.h"
#include "support/fixture.h"

static void test_glob__star_stays_within_a_segment(void **state)
{
	(void)state;
	assert_true(pc_glob_match("prompts/*.md", "prompts/a.md"));
	assert_false(pc_glob_match("prompts/*.md", "prompts/sub/a.md"));
	assert_false(pc_glob_match("prompts/*.md", "prompts/a.txt"));
	assert_true(pc_glob_match("prompts/?.md", "prompts/a.md"));
	assert_false(pc_glob_match("prompts/?.md", "prompts/ab.md"));
}

static void test_glob__double_star_spans_any_number_of_segments(void **state)
{
	(void)state;
	assert_true(pc_glob_match("prompts/**", "prompts/a.md"));
	assert_true(pc_glob_match("prompts/**", "prompts/x/y/z.md"));
	assert_true(pc_glob_match("prompts/**/*.md", "prompts/a.md"));
	assert_true(pc_glob_match("prompts/**/*.md", "prompts/x/y/a.md"));
	assert_true(pc_glob_match("**/system.md", "a/b/system.md"));
	assert_true(pc_glob_match("**/system.md", "system.md"));
	assert_false(pc_glob_match("prompts/**/*.md", "other/a.md"));
}

static void test_glob__classes_and_literal_paths(void **state)
{
	(void)state;
	assert_true(pc_glob_match("p/[ab].md", "p/a.md"));
	assert_false(pc_glob_match("p/[!ab].md", "p/a.md"));
	assert_true(pc_glob_match("p/[a-c].md", "p/b.md"));
	assert_true(pc_glob_match("prompts/summarize/system.md", "prompts/summarize/system.md"));
	assert_false(pc_glob_match("prompts/summarize", "prompts/summarize/system.md"));
}

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
	struct pc_check_options options = { dir, mode, base, NULL, NULL, NULL };

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

	fx_sh(dir, "git rm -qf prompts/summarize/system.md");
	t = run_check(&check, dir, PC_COMPARE_STAGED, NULL);
	assert_int_equal(t->change, PC_CHANGE_DELETED);
	assert_true(t->monthly_delta_micros < 0);
	pc_check_release(&check);
	fx_remove(dir);
	free(dir);
}

static void test_templates__a_glob_matching_nothing_is_an_error_with_its_position(void **state)
{
	char *dir = fx_repo_new();
	struct pc_check check;
	struct pc_check_options options = { NULL, PC_COMPARE_WORKDIR, NULL, NULL, NULL, NULL };

	(void)state;
	options.repo_path = dir;
	fx_write(dir, ".promptcost.yml", config_text);
	fx_write(dir, "prompts/other/system.md", "hello\n");
	fx_commit_all(dir, "base");
	memset(&check, 0, sizeof(check));
	assert_int_equal(pc_check_run(&check, &options), PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), ":12:13: 'prompts/summarize/*.md' in template "
						   "'summarize' matches no file"));
	pc_check_release(&check);
	fx_remove(dir);
	free(dir);
}

static void test_templates__a_glob_naming_a_directory_says_so(void **state)
{
	char *dir = fx_repo_new();
	struct pc_check check;
	struct pc_check_options options = { NULL, PC_COMPARE_WORKDIR, NULL, NULL, NULL, NULL };
	char *config = replace(config_text, "prompts/summarize/*.md", "prompts/summarize");

	(void)state;
	options.repo_path = dir;
	fx_write(dir, ".promptcost.yml", config);
	fx_write(dir, "prompts/summarize/system.md", "hello\n");
	fx_commit_all(dir, "base");
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
	struct pc_check_options options = { NULL, PC_COMPARE_WORKDIR, NULL, NULL, NULL, NULL };

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob__star_stays_within_a_segment),
		cmocka_unit_test(test_glob__double_star_spans_any_number_of_segments),
		cmocka_unit_test(test_glob__classes_and_literal_paths),
		cmocka_unit_test(test_templates__a_renamed_file_is_a_renamed_template),
		cmocka_unit_test(test_templates__added_modified_and_deleted_are_told_apart),
		cmocka_unit_test(test_templates__a_glob_matching_nothing_is_an_error_with_its_position),
		cmocka_unit_test(test_templates__a_glob_naming_a_directory_says_so),
		cmocka_unit_test(test_templates__a_binary_file_is_skipped_with_a_warning),
		cmocka_unit_test(test_templates__invalid_utf8_in_the_head_is_an_error_at_its_place),
	};

	fx_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
