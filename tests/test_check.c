/*
 * Tests of one evaluation's own work (src/check.c) against real fixture
 * repositories: reading each side's configuration, once when both sides have
 * the same file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "promptcost/check.h"
#include "support/fixture.h"

static const char config_text[] =
	"version: 1\n"
	"models:\n"
	"  gpt-4-class:\n"
	"    encoding: cl100k_base\n"
	"    input_per_1k: 0.012\n"
	"    output_per_1k: 0.024\n"
	"templates:\n"
	"  - id: summarize\n"
	"    files: [prompts/system.md]\n"
	"    model: gpt-4-class\n"
	"    calls_per_day: 15000\n";

static void run(struct pc_check *check, const char *dir)
{
	struct pc_check_options options = { NULL, PC_COMPARE_RANGE, "HEAD~1", NULL, NULL, NULL, false, false };

	options.repo_path = dir;
	memset(check, 0, sizeof(*check));
	if (pc_check_run(check, &options) < 0)
		fail_msg("check failed: %s", pc_error_message());
}

static void test_check__the_same_configuration_on_both_sides_is_read_once(void **state)
{
	char *dir = fx_repo_new();
	struct pc_check check;

	(void)state;
	fx_write(dir, ".promptcost.yml", config_text);
	fx_write(dir, "prompts/system.md", "You summarize.\n");
	fx_commit_all(dir, "base");
	fx_write(dir, "prompts/system.md", "You summarize records.\n");
	fx_commit_all(dir, "head");
	run(&check, dir);
	assert_non_null(check.base_config);
	assert_ptr_equal(check.head_config, check.base_config);
	assert_int_equal(check.report.pending.n, 0);
	assert_int_equal(check.report.templates[0].change, PC_CHANGE_MODIFIED);
	pc_check_release(&check); /* once: a double free fails under the sanitizers */
	fx_remove(dir);
	free(dir);
}

static void test_check__a_changed_configuration_is_read_on_each_side(void **state)
{
	char *dir = fx_repo_new();
	struct pc_check check;
	char *head_text = strdup(config_text);

	(void)state;
	assert_non_null(head_text);
	fx_write(dir, ".promptcost.yml", config_text);
	fx_write(dir, "prompts/system.md", "You summarize.\n");
	fx_commit_all(dir, "base");
	memcpy(strstr(head_text, "15000"), "25000", 5);
	fx_write(dir, ".promptcost.yml", head_text);
	fx_commit_all(dir, "head raises its volume");
	run(&check, dir);
	assert_non_null(check.base_config);
	assert_non_null(check.head_config);
	assert_ptr_not_equal(check.head_config, check.base_config);
	/* the base describes the world: the head's volume waits for the merge */
	assert_int_equal(check.report.pending.n, 1);
	assert_non_null(strstr(check.report.pending.items[0], "calls_per_day: 15000 -> 25000"));
	pc_check_release(&check);
	free(head_text);
	fx_remove(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check__the_same_configuration_on_both_sides_is_read_once),
		cmocka_unit_test(test_check__a_changed_configuration_is_read_on_each_side),
	};

	fx_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
