/*
 * Tests of the spend report's renderers (src/report/spend_*.c) on the
 * hand-built report of tests/support/sr_fixture.c: the fixture itself first
 * (its figures add up), then each format against its golden file and the
 * rules each format has to keep.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "promptcost/money.h"
#include "promptcost/spend_report.h"
#include "support/sr_fixture.h"

typedef int (*renderer)(struct pc_buf *out, const struct pc_spend_report *report);

/*
 * Compares out with tests/golden/report/NAME byte for byte (the tests run
 * from the repository's root, as tests/run.sh does); PC_UPDATE_GOLDEN=1
 * rewrites the golden file instead, as tests/e2e/lib.sh's expect_golden does.
 */
static void expect_golden(const struct pc_buf *out, const char *name)
{
	char path[256];
	struct pc_buf golden = PC_BUF_INIT;
	const char *update = getenv("PC_UPDATE_GOLDEN");

	snprintf(path, sizeof(path), "tests/golden/report/%s", name);
	if (update && !strcmp(update, "1"))
		assert_int_equal(pc_file_write_atomic(path, out->ptr, out->len), 0);
	assert_int_equal(pc_file_read(&golden, path, 1 << 22), 0);
	if (golden.len != out->len || memcmp(golden.ptr, out->ptr, out->len)) {
		fprintf(stderr, "%s differs from the output; the output:\n%s\n", path, out->ptr);
		fail_msg("%s: golden file differs (PC_UPDATE_GOLDEN=1 rewrites it)", path);
	}
	pc_buf_release(&golden);
}

/* Renders the fixture (or the empty report) with render into a new buffer. */
static struct pc_buf render_with(renderer render, bool empty)
{
	struct pc_spend_report *r = empty ? sr_fixture_empty() : sr_fixture_new();
	struct pc_buf out = PC_BUF_INIT;

	assert_int_equal(render(&out, r), 0);
	sr_fixture_free(r);
	return out;
}

static void test_spend_render__text_matches_the_golden_file(void **state)
{
	struct pc_buf out = render_with(pc_spend_report_text, false);

	(void)state;
	expect_golden(&out, "agency.txt");
	pc_buf_release(&out);
}

/* The fixture is consistent: charges sum to the total, the parts to the wholes. */
static void test_spend_render__the_fixture_adds_up(void **state)
{
	struct pc_spend_report *r = sr_fixture_new();
	int64_t effective = 0, billed = 0, templates = 0, use_cases = 0, teams = 0;

	(void)state;
	for (size_t i = 0; i < r->ncharges; i++) {
		effective += r->charges[i].effective_micros;
		billed += r->charges[i].billed_micros;
	}
	assert_int_equal(r->ncharges, 20);
	assert_int_equal(effective, r->posture.total_micros);
	assert_int_equal(billed, r->posture.total_micros);
	assert_int_equal(r->posture.total_micros,
			 r->posture.on_demand_micros + r->posture.commitment_micros);
	for (size_t i = 0; i < r->ntemplates; i++) {
		int64_t versions = 0, days = 0;

		templates += r->templates[i].cost_micros;
		for (size_t j = 0; j < r->templates[i].nversions; j++)
			versions += r->templates[i].versions[j].cost_micros;
		for (int64_t d = 0; d < r->ndays; d++)
			days += r->templates[i].daily_micros[d];
		if (r->templates[i].nversions)
			assert_int_equal(versions, r->templates[i].cost_micros);
		assert_int_equal(days, r->templates[i].cost_micros);
	}
	/* ptu-west's $12.00 is shown back to nobody */
	assert_int_equal(templates + 12000000, r->posture.total_micros);
	for (size_t i = 0; i < r->nuse_cases; i++)
		use_cases += r->use_cases[i].cost_micros;
	for (size_t i = 0; i < r->nteams; i++)
		teams += r->teams[i].cost_micros;
	assert_int_equal(use_cases, teams);
	assert_int_equal(use_cases + r->quality.unattributed_micros + 12000000,
			 r->posture.total_micros);
	sr_fixture_free(r);
	sr_fixture_free(sr_fixture_empty());
}

static void test_spend_render__markdown_matches_the_golden_file(void **state)
{
	struct pc_buf out = render_with(pc_spend_report_markdown, false);

	(void)state;
	expect_golden(&out, "agency.md");
	pc_buf_release(&out);
}

static void test_spend_render__json_matches_the_golden_file(void **state)
{
	struct pc_buf out = render_with(pc_spend_report_json, false);

	(void)state;
	expect_golden(&out, "agency.json");
	pc_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spend_render__the_fixture_adds_up),
		cmocka_unit_test(test_spend_render__text_matches_the_golden_file),
		cmocka_unit_test(test_spend_render__markdown_matches_the_golden_file),
		cmocka_unit_test(test_spend_render__json_matches_the_golden_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
