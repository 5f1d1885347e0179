/*
 * Tests of the cost stage: the DESIGN.md cost model in exact micro-units.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "promptcost/cost.h"
#include "promptcost/money.h"

static struct pc_model gpt4_class(void)
{
	struct pc_model m;

	memset(&m, 0, sizeof(m));
	m.name = (char *)"gpt-4-class";
	m.encoding = PC_ENC_CL100K_BASE;
	m.input_micros_per_mtok = 12000000;  /* $0.012 per 1K tokens */
	m.output_micros_per_mtok = 24000000; /* $0.024 per 1K tokens */
	return m;
}

static struct pc_template_config summarization(void)
{
	struct pc_template_config t;

	memset(&t, 0, sizeof(t));
	t.id = (char *)"document-summarization";
	t.calls_per_day = 15000;
	return t;
}

static void test_cost__seed_example_is_2160_a_month(void **state)
{
	struct pc_model m = gpt4_class();
	struct pc_template_config t = summarization();
	int64_t month, day;

	(void)state;
	/* 400 tokens x 15,000 calls x 30 days x $0.012/1K = $2,160.00 */
	assert_int_equal(pc_cost_compute(&month, &m, &t, 400, 30), 0);
	assert_int_equal(month, INT64_C(2160000000));
	assert_int_equal(pc_cost_compute(&day, &m, &t, 400, 1), 0);
	assert_int_equal(day, INT64_C(72000000));
}

static void test_cost__output_tokens_are_billed_at_the_output_price(void **state)
{
	struct pc_model m = gpt4_class();
	struct pc_template_config t = summarization();
	int64_t month;

	(void)state;
	t.output_tokens_per_call = 250;
	/* 250 x 15,000 x 30 x $0.024/1K = $2,700 */
	assert_int_equal(pc_cost_compute(&month, &m, &t, 0, 30), 0);
	assert_int_equal(month, INT64_C(2700000000));
}

static void test_cost__response_cache_hits_are_not_billed(void **state)
{
	struct pc_model m = gpt4_class();
	struct pc_template_config t = summarization();
	int64_t month;

	(void)state;
	t.cache_hit_ppm = 250000; /* 25% answered by a response cache */
	assert_int_equal(pc_cost_compute(&month, &m, &t, 400, 30), 0);
	assert_int_equal(month, INT64_C(1620000000));
}

static void test_cost__cached_input_share_is_billed_at_the_cached_price(void **state)
{
	struct pc_model m = gpt4_class();
	struct pc_template_config t = summarization();
	int64_t month;

	(void)state;
	m.has_cached_input_price = true;
	m.cached_input_micros_per_mtok = 6000000; /* half price */
	t.cached_input_ppm = 500000;              /* half the input tokens cached */
	/* 2160 * (0.5 + 0.5 * 0.5) = 1620 */
	assert_int_equal(pc_cost_compute(&month, &m, &t, 400, 30), 0);
	assert_int_equal(month, INT64_C(1620000000));
}

static void test_cost__fractions_of_a_micro_round_half_away_from_zero(void **state)
{
	struct pc_model m = gpt4_class();
	struct pc_template_config t = summarization();
	int64_t cost;

	(void)state;
	m.input_micros_per_mtok = 1500000; /* $1.50 per 1M tokens: 1.5 micros per token */
	t.calls_per_day = 1;
	assert_int_equal(pc_cost_compute(&cost, &m, &t, 1, 1), 0);
	assert_int_equal(cost, 2); /* 1.5 rounds up to 2 */
}

static void test_cost__an_overflowing_cost_is_an_error_not_a_wrapped_number(void **state)
{
	struct pc_model m = gpt4_class();
	struct pc_template_config t = summarization();
	int64_t cost = 0;

	(void)state;
	m.input_micros_per_mtok = INT64_MAX / 2;
	t.calls_per_day = INT64_MAX / 4;
	assert_int_equal(pc_cost_compute(&cost, &m, &t, INT64_MAX / 8, 30), PC_EINTERNAL);
	assert_non_null(strstr(pc_error_message(), "too large"));
}

static void test_money__formats_cents_rounded_half_away_from_zero(void **state)
{
	struct pc_buf b = PC_BUF_INIT;

	(void)state;
	pc_money_format(&b, INT64_C(2160000000), true, true);
	assert_string_equal(b.ptr, "+2,160.00");
	pc_buf_reset(&b);
	pc_money_format(&b, 5000, false, false);
	assert_string_equal(b.ptr, "0.01");
	pc_buf_reset(&b);
	pc_money_format(&b, -5000, false, false);
	assert_string_equal(b.ptr, "-0.01");
	pc_buf_reset(&b);
	pc_money_format(&b, 4999, false, false);
	assert_string_equal(b.ptr, "0.00");
	pc_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cost__seed_example_is_2160_a_month),
		cmocka_unit_test(test_cost__output_tokens_are_billed_at_the_output_price),
		cmocka_unit_test(test_cost__response_cache_hits_are_not_billed),
		cmocka_unit_test(test_cost__cached_input_share_is_billed_at_the_cached_price),
		cmocka_unit_test(test_cost__fractions_of_a_micro_round_half_away_from_zero),
		cmocka_unit_test(test_cost__an_overflowing_cost_is_an_error_not_a_wrapped_number),
		cmocka_unit_test(test_money__formats_cents_rounded_half_away_from_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
