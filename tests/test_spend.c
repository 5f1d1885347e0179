/*
 * Tests of the spend model: projected lines at recorded and configured
 * volumes priced exactly (rounded once), rollups, and the volumes file
 * (.promptcost/volumes.yml) read strictly and written deterministically.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "promptcost/money.h"
#include "promptcost/spend.h"
#include "promptcost/volumes.h"

static struct pc_model gpt4_class(void)
{
	struct pc_model m;

	memset(&m, 0, sizeof(m));
	m.name = (char *)"gpt-4-class";
	m.input_micros_per_mtok = 12000000;  /* $12 per 1M input tokens */
	m.output_micros_per_mtok = 24000000; /* $24 per 1M output tokens */
	m.has_cached_input_price = true;
	m.cached_input_micros_per_mtok = 6000000;
	return m;
}

static int64_t month_of(const struct pc_volume *v, int64_t tokens)
{
	struct pc_model m = gpt4_class();
	struct pc_spend_qty q;
	int64_t cost = -1;

	assert_int_equal(pc_spend_project(&q, v, tokens, 30), 0);
	assert_int_equal(pc_spend_cost(&cost, &m, &q, "t"), 0);
	return cost;
}

static void test_spend__a_recorded_volume_prices_calls_over_days_exactly(void **state)
{
	struct pc_volume v = { .source = PC_SPEND_RECORDED, .calls = 444361, .days = 30 };

	(void)state;
	/* 400 tokens x 444,361 calls / 30 days x 30 days x $12/1M = $2,132.9328 */
	assert_int_equal(month_of(&v, 400), INT64_C(2132932800));
	/* over 31 days: 444,361 x 30 / 31 x 400 x 12e-6 = 2064.1285161...: rounded once */
	v.days = 31;
	assert_int_equal(month_of(&v, 400), INT64_C(2064128516));
}

static void test_spend__response_cache_hits_are_not_billed(void **state)
{
	struct pc_volume v = { .source = PC_SPEND_RECORDED, .calls = 3000, .days = 30,
			       .response_cache_hits = 1000 };

	(void)state;
	/* 2,000 billed calls x 1,000 tokens x $12/1M = $24 */
	assert_int_equal(month_of(&v, 1000), INT64_C(24000000));
}

static void test_spend__recorded_output_and_cached_share_come_from_the_records(void **state)
{
	/* 100 calls, 10 hits: 90 billed with 9,000 output tokens (100 each); a quarter of
	 * input cached */
	struct pc_volume v = { .source = PC_SPEND_RECORDED, .calls = 100, .days = 10,
			       .response_cache_hits = 10, .input_tokens = 4000,
			       .cached_input_tokens = 1000, .output_tokens = 9000 };

	(void)state;
	/* a month: 270 billed calls x 1,000 tokens: 202,500 at $12 + 67,500 at $6 = $2.835;
	 * output 27,000 x $24/1M = $0.648 */
	assert_int_equal(month_of(&v, 1000), INT64_C(3483000));
}

static void test_spend__configured_matches_the_cost_model(void **state)
{
	struct pc_template_config t;
	struct pc_volume v;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.id = (char *)"x";
	t.calls_per_day = 15000;
	pc_volume_configured(&v, &t);
	assert_int_equal(month_of(&v, 400), INT64_C(2160000000));
	assert_int_equal(pc_volume_calls_per_day(&v), 15000);
}

static void test_spend__an_overflow_is_an_error(void **state)
{
	struct pc_volume v = { .source = PC_SPEND_RECORDED, .calls = INT64_MAX / 2, .days = 1,
			       .input_tokens = INT64_MAX / 3, .cached_input_tokens = 7 };
	struct pc_spend_qty q;

	(void)state;
	assert_int_equal(pc_spend_project(&q, &v, INT64_MAX / 5, 30), PC_EINTERNAL);
}

static void test_spend__rollup_sums_by_team_with_none_last(void **state)
{
	struct pc_model m = gpt4_class();
	struct pc_spend_line lines[3];
	struct pc_rollup_row *rows;
	size_t n;

	(void)state;
	memset(lines, 0, sizeof(lines));
	for (int i = 0; i < 3; i++) {
		lines[i].model = &m;
		lines[i].qty.per = 1;
		lines[i].qty.input_tokens = 1000000 * (i + 1);
	}
	lines[0].team = "b";
	lines[1].team = NULL;
	lines[2].team = "b";
	assert_int_equal(pc_spend_price(lines, 3), 0);
	assert_int_equal(pc_spend_rollup(&rows, &n, lines, 3, PC_ROLLUP_TEAM), 0);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].key, "b");
	assert_int_equal(rows[0].cost_micros, INT64_C(48000000));
	assert_null(rows[1].key);
	assert_int_equal(rows[1].cost_micros, INT64_C(24000000));
	free(rows);
}

/*
 * The table grows with the rows, not the lines: 300 days of 3 lines each,
 * in an order that interleaves them, sum to one row a day, sorted by day.
 */
static void test_spend__rollup_grows_past_its_first_table(void **state)
{
	enum { DAYS = 300, PER_DAY = 3 };
	struct pc_model m = gpt4_class();
	struct pc_spend_line *lines = calloc(DAYS * PER_DAY, sizeof(*lines));
	struct pc_rollup_row *rows;
	size_t n;

	(void)state;
	assert_non_null(lines);
	for (int i = 0; i < DAYS * PER_DAY; i++) {
		lines[i].model = &m;
		lines[i].qty.per = 1;
		lines[i].qty.input_tokens = 1000000;
		lines[i].day = 20000 + (i * 7) % DAYS;
		lines[i].team = i % 2 ? "a" : "b";
	}
	assert_int_equal(pc_spend_price(lines, DAYS * PER_DAY), 0);
	assert_int_equal(pc_spend_rollup(&rows, &n, lines, DAYS * PER_DAY, PC_ROLLUP_DAY), 0);
	assert_int_equal(n, DAYS);
	for (size_t d = 0; d < n; d++) {
		assert_int_equal(rows[d].day, 20000 + (int64_t)d);
		assert_int_equal(rows[d].lines, PER_DAY);
		assert_int_equal(rows[d].cost_micros, INT64_C(36000000));
	}
	free(rows);
	assert_int_equal(pc_spend_rollup(&rows, &n, lines, DAYS * PER_DAY, PC_ROLLUP_TEAM), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].lines + rows[1].lines, DAYS * PER_DAY);
	free(rows);
	assert_int_equal(pc_spend_rollup(&rows, &n, lines, 0, PC_ROLLUP_TEAM), 0);
	assert_int_equal(n, 0);
	free(rows);
	free(lines);
}

static const char volumes_text[] =
	"# .promptcost/volumes.yml: recorded usage per template, written by `promptcost usage "
	"sync`.\n"
	"# `promptcost check` reads it from the base side. Regenerate it; do not edit by hand.\n"
	"version: 1\n"
	"window:\n"
	"  from: 2026-11-01        # first day, UTC, included\n"
	"  until: 2026-11-30       # last day, UTC, included\n"
	"  days: 30\n"
	"records: 444362           # records in the window (unattributed included)\n"
	"templates:\n"
	"  document-summarization:\n"
	"    days: 30              # from its first record in the window to `until`, inclusive\n"
	"    calls: 444360         # every call, response-cache hits included\n"
	"    response_cache_hits: 0\n    input_tokens: 533232000\n    cached_input_tokens: 0\n"
	"    cache_write_tokens: 0\n    output_tokens: 111090000\n    records: 444360\n"
	"    # 14,812.0 calls/day; hit rate 0.0%; 250.0 output tokens per billed call; "
	"cached input 0.0%\n"
	"  \"odd id\":\n"
	"    days: 2               # from its first record in the window to `until`, inclusive\n"
	"    calls: 3              # every call, response-cache hits included\n"
	"    response_cache_hits: 1\n    input_tokens: 10\n    cached_input_tokens: 5\n"
	"    cache_write_tokens: 0\n    output_tokens: 7\n    records: 2\n"
	"    # 1.5 calls/day; hit rate 33.3%; 3.5 output tokens per billed call; "
	"cached input 50.0%\n";

static void test_volumes__read_and_written_byte_for_byte(void **state)
{
	struct pc_volumes *v = NULL;
	struct pc_buf out = PC_BUF_INIT;
	const struct pc_volume *d;

	(void)state;
	assert_int_equal(pc_volumes_parse(&v, "volumes.yml", volumes_text, strlen(volumes_text)), 0);
	assert_int_equal(v->n, 2);
	d = pc_volumes_find(v, "document-summarization");
	assert_non_null(d);
	assert_int_equal(d->calls, 444360);
	assert_int_equal(d->source, PC_SPEND_RECORDED);
	assert_string_equal(d->until, "2026-11-30");
	assert_int_equal(pc_volume_calls_per_day(d), 14812);
	assert_non_null(pc_volumes_find(v, "odd id"));
	assert_null(pc_volumes_find(v, "absent"));
	pc_volumes_write(&out, v);
	assert_string_equal(out.ptr, volumes_text);
	pc_buf_release(&out);
	pc_volumes_free(v);
}

static void expect_error(const char *text, const char *message)
{
	struct pc_volumes *v = NULL;

	assert_int_equal(pc_volumes_parse(&v, "v.yml", text, strlen(text)), PC_EINPUT);
	assert_null(v);
	if (!strstr(pc_error_message(), message))
		fail_msg("expected '%s' in '%s'", message, pc_error_message());
}

static void test_volumes__bad_files_are_located_errors(void **state)
{
	(void)state;
	expect_error("", "v.yml:1:1: the file is empty");
	expect_error("version: 2\n", "v.yml:1:10: version 2 is not known");
	expect_error("version: 1\nwindow: {from: 2026-11-01, until: 2026-11-30, days: 31}\n",
		     "v.yml:2:9: the window from 2026-11-01 until 2026-11-30 is 30 days, not 31");
	expect_error("version: 1\nwindow: {from: 2026-02-30, until: 2026-11-30, days: 30}\n",
		     "v.yml:2:16: 'from' must be a day as YYYY-MM-DD");
	expect_error("version: 1\nwindow: {from: 2026-11-01, until: 2026-11-30, days: 30}\n"
		     "templates:\n  a: {days: 30, calls: -1}\n", "v.yml:4:24:");
	expect_error("version: 1\nwindow: {from: 2026-11-01, until: 2026-11-30, days: 30}\n"
		     "templates:\n  a: {days: 31, calls: 1}\n", "days must be 1 to the window's 30");
	expect_error("version: 1\nwindow: {from: 2026-11-01, until: 2026-11-30, days: 30}\n"
		     "templates:\n  a: {days: 3, calls: 1, response_cache_hits: 2}\n",
		     "more response-cache hits than calls");
	expect_error("version: 1\nwindow: {from: 2026-11-01, until: 2026-11-30, days: 30}\n"
		     "templates:\n  a: {days: 3, calls: 1, callz: 2}\n", "unknown key 'callz'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spend__a_recorded_volume_prices_calls_over_days_exactly),
		cmocka_unit_test(test_spend__response_cache_hits_are_not_billed),
		cmocka_unit_test(test_spend__recorded_output_and_cached_share_come_from_the_records),
		cmocka_unit_test(test_spend__configured_matches_the_cost_model),
		cmocka_unit_test(test_spend__an_overflow_is_an_error),
		cmocka_unit_test(test_spend__rollup_sums_by_team_with_none_last),
		cmocka_unit_test(test_spend__rollup_grows_past_its_first_table),
		cmocka_unit_test(test_volumes__read_and_written_byte_for_byte),
		cmocka_unit_test(test_volumes__bad_files_are_located_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
