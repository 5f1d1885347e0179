/*
 * Tests of exact decimals: parsing the configuration's decimal text into
 * integer micro-units and parts per million, rounding half away from zero,
 * and formatting money and percents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "promptcost/money.h"

static int64_t parse(const char *text, unsigned scale)
{
	int64_t value = -1;

	if (pc_decimal_parse(&value, text, scale))
		fail_msg("'%s' did not parse: %s", text, pc_error_message());
	return value;
}

static void parse_fails(const char *text, unsigned scale, const char *message)
{
	int64_t value = 42;

	assert_int_equal(pc_decimal_parse(&value, text, scale), PC_EINPUT);
	assert_int_equal(value, 42);
	assert_string_equal(pc_error_message(), message);
}

static void test_money__decimals_are_scaled_exactly(void **state)
{
	(void)state;
	assert_int_equal(parse("25000", 6), INT64_C(25000000000));
	assert_int_equal(parse("12.50", 6), 12500000);
	assert_int_equal(parse("0.012", 6), 12000);
	assert_int_equal(parse("0.012", 9), 12000000);
	assert_int_equal(parse("12", 6), 12000000);
	assert_int_equal(parse("0", 6), 0);
	assert_int_equal(parse("0.000001", 6), 1);
	assert_int_equal(parse("007", 0), 7);
	assert_int_equal(parse("+3", 0), 3);
	assert_int_equal(parse("1.", 2), 100);
	assert_int_equal(parse(".5", 2), 50);
}

static void test_money__extra_decimal_zeros_are_allowed_other_digits_are_not(void **state)
{
	(void)state;
	assert_int_equal(parse("1.2500000000", 6), 1250000);
	assert_int_equal(parse("5.0", 0), 5);
	parse_fails("0.0000001", 6, "'0.0000001' has more than 6 decimal places");
	parse_fails("5.5", 0, "'5.5' has more than 0 decimal places");
}

static void test_money__other_forms_are_refused(void **state)
{
	(void)state;
	parse_fails("", 6, "expected a number, found an empty value");
	parse_fails("-5", 6, "'-5' is negative; expected a number of 0 or more");
	parse_fails("1e3", 6, "'1e3' is not a decimal number");
	parse_fails("25,000", 6, "'25,000' is not a decimal number");
	parse_fails("abc", 6, "'abc' is not a decimal number");
	parse_fails(".", 6, "'.' is not a decimal number");
	parse_fails("+", 6, "'+' is not a decimal number");
	parse_fails("1.2.3", 6, "'1.2.3' is not a decimal number");
	parse_fails(" 1", 6, "' 1' is not a decimal number");
	parse_fails("1 ", 6, "'1 ' is not a decimal number");
	parse_fails("+-1", 6, "'+-1' is not a decimal number");
	parse_fails("nan", 6, "'nan' is not a decimal number");
}

static void test_money__values_over_int64_are_refused_not_wrapped(void **state)
{
	(void)state;
	assert_int_equal(parse("9223372036854775807", 0), INT64_MAX);
	assert_int_equal(parse("9223372036854.775807", 6), INT64_MAX);
	parse_fails("9223372036854775808", 0, "'9223372036854775808' is too large");
	parse_fails("9223372036855", 6, "'9223372036855' is too large");
	parse_fails("99999999999999999999999", 6, "'99999999999999999999999' is too large");
}

static void test_money__shares_are_percents_or_fractions(void **state)
{
	int64_t ppm = -1;

	(void)state;
	assert_int_equal(pc_share_parse(&ppm, "80%", false), 0);
	assert_int_equal(ppm, 800000);
	assert_int_equal(pc_share_parse(&ppm, "0.8", false), 0);
	assert_int_equal(ppm, 800000);
	assert_int_equal(pc_share_parse(&ppm, "100%", false), 0);
	assert_int_equal(ppm, 1000000);
	assert_int_equal(pc_share_parse(&ppm, "0.0001%", false), 0);
	assert_int_equal(ppm, 1);
	assert_int_equal(pc_share_parse(&ppm, "150%", true), 0);
	assert_int_equal(ppm, 1500000);

	ppm = 7;
	assert_int_equal(pc_share_parse(&ppm, "101%", false), PC_EINPUT);
	assert_string_equal(pc_error_message(), "'101%' is over 100%");
	assert_int_equal(pc_share_parse(&ppm, "1.01", false), PC_EINPUT);
	assert_string_equal(pc_error_message(), "'1.01' is over 100%");
	assert_int_equal(pc_share_parse(&ppm, "%", false), PC_EINPUT);
	assert_string_equal(pc_error_message(), "'%' is not a share (write 80% or 0.8)");
	assert_int_equal(pc_share_parse(&ppm, "80%%", false), PC_EINPUT);
	assert_int_equal(pc_share_parse(&ppm, "-5%", false), PC_EINPUT);
	assert_int_equal(pc_share_parse(&ppm, "0.00001%", false), PC_EINPUT);
	assert_int_equal(ppm, 7);
}

static void test_money__division_rounds_half_away_from_zero(void **state)
{
	(void)state;
	assert_int_equal(pc_div_round(5, 10), 1);
	assert_int_equal(pc_div_round(4, 10), 0);
	assert_int_equal(pc_div_round(15, 10), 2);
	assert_int_equal(pc_div_round(25, 10), 3);
	assert_int_equal(pc_div_round(-5, 10), -1);
	assert_int_equal(pc_div_round(-4, 10), 0);
	assert_int_equal(pc_div_round(-15, 10), -2);
	assert_int_equal(pc_div_round(7, 3), 2);
	assert_int_equal(pc_div_round(-7, 3), -2);
	assert_int_equal(pc_div_round(3, 2), 2);
	assert_int_equal(pc_div_round(1, 3), 0);
	assert_int_equal(pc_div_round(2, 3), 1);
	assert_int_equal(pc_div_round(0, 7), 0);
	assert_int_equal(pc_div_round(42, 1), 42);
	assert_int_equal(pc_div_round(INT64_MAX, 1), INT64_MAX);
	assert_int_equal(pc_div_round(INT64_MIN, 1), INT64_MIN);
	assert_int_equal(pc_div_round(INT64_MAX, INT64_MAX), 1);
	assert_int_equal(pc_div_round(INT64_MAX / 2 + 1, INT64_MAX), 1);
	assert_int_equal(pc_div_round(INT64_MAX / 2, INT64_MAX), 0);
}

static void expect_money(int64_t micros, bool thousands, bool sign, const char *want)
{
	struct pc_buf out = PC_BUF_INIT;

	pc_money_format(&out, micros, thousands, sign);
	assert_string_equal(out.ptr, want);
	pc_buf_release(&out);
}

static void test_money__money_has_two_decimals_rounded_half_away_from_zero(void **state)
{
	(void)state;
	expect_money(INT64_C(2160000000), false, false, "2160.00");
	expect_money(INT64_C(2160000000), true, false, "2,160.00");
	expect_money(INT64_C(2160000000), true, true, "+2,160.00");
	expect_money(-5000, false, false, "-0.01");
	expect_money(-4999, false, false, "0.00");
	expect_money(-4999, false, true, "0.00");
	expect_money(5000, false, false, "0.01");
	expect_money(4999, false, false, "0.00");
	expect_money(0, true, true, "0.00");
	expect_money(12345, false, false, "0.01");
	expect_money(995000, false, false, "1.00");
	expect_money(-995000, false, true, "-1.00");
	expect_money(INT64_C(999999995000), true, false, "1,000,000.00");
	expect_money(INT64_C(100000000), true, false, "100.00");
	expect_money(INT64_C(-1234567890000), true, true, "-1,234,567.89");
	expect_money(INT64_MAX, true, false, "9,223,372,036,854.78");
	expect_money(INT64_MIN, true, false, "-9,223,372,036,854.78");
}

static void expect_ppm(int64_t ppm, const char *want)
{
	struct pc_buf out = PC_BUF_INIT;

	pc_ppm_format(&out, ppm);
	assert_string_equal(out.ptr, want);
	pc_buf_release(&out);
}

static void test_money__percents_have_one_decimal(void **state)
{
	(void)state;
	expect_ppm(812345, "81.2%");
	expect_ppm(800000, "80.0%");
	expect_ppm(1000000, "100.0%");
	expect_ppm(0, "0.0%");
	expect_ppm(500, "0.1%");
	expect_ppm(499, "0.0%");
	expect_ppm(-500, "-0.1%");
	expect_ppm(-499, "0.0%");
	expect_ppm(-812345, "-81.2%");
	expect_ppm(2500000, "250.0%");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_money__decimals_are_scaled_exactly),
		cmocka_unit_test(test_money__extra_decimal_zeros_are_allowed_other_digits_are_not),
		cmocka_unit_test(test_money__other_forms_are_refused),
		cmocka_unit_test(test_money__values_over_int64_are_refused_not_wrapped),
		cmocka_unit_test(test_money__shares_are_percents_or_fractions),
		cmocka_unit_test(test_money__division_rounds_half_away_from_zero),
		cmocka_unit_test(test_money__money_has_two_decimals_rounded_half_away_from_zero),
		cmocka_unit_test(test_money__percents_have_one_decimal),
	};

	return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}
