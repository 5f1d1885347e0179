/*
 * Tests of the importers' field readers (src/usage/fields.c): RFC 3339 times
 * with a required zone, OTLP nanoseconds, counts with their limits, and
 * costs scaled to micro-units exactly, from text and from JSON values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../src/usage/usage_int.h"

static int64_t time_of(const char *text)
{
	int64_t value = -1;

	if (pc_usage_parse_time(&value, text))
		fail_msg("'%s' did not parse: %s", text, pc_error_message());
	return value;
}

static void time_fails(const char *text, const char *message)
{
	int64_t value = 42;

	assert_int_equal(pc_usage_parse_time(&value, text), PC_EINPUT);
	assert_int_equal(value, 42);
	assert_string_equal(pc_error_message(), message);
}

static void test_usage_fields__times_with_a_zone_are_utc_seconds(void **state)
{
	(void)state;
	assert_int_equal(time_of("1970-01-01T00:00:00Z"), 0);
	/* date -u -d 2026-11-03T14:05:10Z +%s */
	assert_int_equal(time_of("2026-11-03T14:05:10Z"), INT64_C(1793714710));
	assert_int_equal(time_of("2026-11-03T15:05:10+01:00"), INT64_C(1793714710));
	assert_int_equal(time_of("2026-11-03T09:35:10-04:30"), INT64_C(1793714710));
	assert_int_equal(time_of("2026-11-03t14:05:10z"), INT64_C(1793714710));
	assert_int_equal(time_of("2026-11-03 14:05:10Z"), INT64_C(1793714710));
	assert_int_equal(time_of("2026-11-03T14:05:10.999999999Z"), INT64_C(1793714710));
	assert_int_equal(time_of("2026-11-03T14:05:10.5+00:00"), INT64_C(1793714710));
	assert_int_equal(time_of("2024-02-29T00:00:00Z"), INT64_C(1709164800));
	assert_int_equal(time_of("2000-03-01T00:00:00Z"), INT64_C(951868800));
	assert_int_equal(time_of("1969-12-31T23:59:59Z"), -1);
	assert_int_equal(time_of("2026-01-01T00:30:00+01:00"), INT64_C(1767223800));
}

static void test_usage_fields__a_time_without_a_zone_is_refused(void **state)
{
	(void)state;
	time_fails("2026-11-03T14:05:10",
		   "time '2026-11-03T14:05:10' has no zone (expected Z or +hh:mm/-hh:mm): it "
		   "would be read in an unknown zone");
	time_fails("2026-11-03T14:05:10.123456",
		   "time '2026-11-03T14:05:10.123456' has no zone (expected Z or +hh:mm/-hh:mm): "
		   "it would be read in an unknown zone");
	time_fails("2026-11-03",
		   "'2026-11-03' is a date without a time; expected an RFC 3339 time with a zone");
}

static void test_usage_fields__times_out_of_range_or_malformed_are_refused(void **state)
{
	(void)state;
	time_fails("2026-13-01T00:00:00Z", "time '2026-13-01T00:00:00Z' is out of range");
	time_fails("2026-00-01T00:00:00Z", "time '2026-00-01T00:00:00Z' is out of range");
	time_fails("2026-02-29T00:00:00Z", "time '2026-02-29T00:00:00Z' is out of range");
	time_fails("1900-02-29T00:00:00Z", "time '1900-02-29T00:00:00Z' is out of range");
	time_fails("2026-04-31T00:00:00Z", "time '2026-04-31T00:00:00Z' is out of range");
	time_fails("2026-11-03T24:00:00Z", "time '2026-11-03T24:00:00Z' is out of range");
	time_fails("2026-11-03T23:60:00Z", "time '2026-11-03T23:60:00Z' is out of range");
	time_fails("2026-11-03T23:59:60Z", "time '2026-11-03T23:59:60Z' is out of range");
	time_fails("2026-11-03T23:59:00+24:00", "time '2026-11-03T23:59:00+24:00' is out of range");
	time_fails("2026-11-03T23:59:00+01:60", "time '2026-11-03T23:59:00+01:60' is out of range");
	time_fails("2026-11-03T14:05:10+0100",
		   "'2026-11-03T14:05:10+0100' is not an RFC 3339 time (expected e.g. "
		   "2026-11-03T14:05:10Z)");
	time_fails("2026-11-03T14:05:10Zjunk",
		   "'2026-11-03T14:05:10Zjunk' is not an RFC 3339 time (expected e.g. "
		   "2026-11-03T14:05:10Z)");
	time_fails("2026-11-03T14:05:10.Z",
		   "'2026-11-03T14:05:10.Z' is not an RFC 3339 time (expected e.g. "
		   "2026-11-03T14:05:10Z)");
	time_fails("2026-11-3T14:05:10Z",
		   "'2026-11-3T14:05:10Z' is not an RFC 3339 time (expected e.g. "
		   "2026-11-03T14:05:10Z)");
	time_fails("", "'' is not an RFC 3339 time (expected e.g. 2026-11-03T14:05:10Z)");
	time_fails("1793714710", "'1793714710' is not an RFC 3339 time (expected e.g. "
		   "2026-11-03T14:05:10Z)");
	/* A message stays one line, whatever the value holds. */
	time_fails("2026-11-03T14:05:10\nZ",
		   "'2026-11-03T14:05:10?Z' is not an RFC 3339 time (expected e.g. "
		   "2026-11-03T14:05:10Z)");
	time_fails("2026-11-03T14:05:10.0000000000000000000000000000000000000000000000000",
		   "time '2026-11-03T14:05:10.0000000000000000000000000000...' has no zone "
		   "(expected Z or +hh:mm/-hh:mm): it would be read in an unknown zone");
}

static void test_usage_fields__unix_nanos_are_truncated_to_seconds(void **state)
{
	int64_t value = -1;

	(void)state;
	assert_int_equal(pc_usage_parse_unix_nanos(&value, "1793714710999999999"), 0);
	assert_int_equal(value, INT64_C(1793714710));
	assert_int_equal(pc_usage_parse_unix_nanos(&value, "1"), 0);
	assert_int_equal(value, 0);
	assert_int_equal(pc_usage_parse_unix_nanos(&value, "9223372036854775807"), 0);
	assert_int_equal(value, INT64_C(9223372036));
}

static void nanos_fails(const char *text, const char *message)
{
	int64_t value = 42;

	assert_int_equal(pc_usage_parse_unix_nanos(&value, text), PC_EINPUT);
	assert_int_equal(value, 42);
	assert_string_equal(pc_error_message(), message);
}

static void test_usage_fields__invalid_unix_nanos_are_refused(void **state)
{
	(void)state;
	nanos_fails("0", "time is 0 (not set)");
	nanos_fails("", "empty time; expected nanoseconds since 1970");
	nanos_fails("-1", "'-1' is not a time in nanoseconds since 1970 (digits only)");
	nanos_fails("1.5e18", "'1.5e18' is not a time in nanoseconds since 1970 (digits only)");
	nanos_fails(" 1", "' 1' is not a time in nanoseconds since 1970 (digits only)");
	nanos_fails("9223372036854775808", "time '9223372036854775808' nanoseconds is out of range");
	nanos_fails("99999999999999999999999", "time '99999999999999999999999' nanoseconds is out of range");
}

static void count_is(const char *text, int64_t expected)
{
	int64_t value = -1;

	if (pc_usage_parse_count(&value, text, "n"))
		fail_msg("'%s' did not parse: %s", text, pc_error_message());
	assert_int_equal(value, expected);
}

static void count_fails(const char *text, const char *message)
{
	int64_t value = 42;

	assert_int_equal(pc_usage_parse_count(&value, text, "input_tokens"), PC_EINPUT);
	assert_int_equal(value, 42);
	assert_string_equal(pc_error_message(), message);
}

static void test_usage_fields__counts_are_non_negative_and_bounded(void **state)
{
	(void)state;
	count_is("0", 0);
	count_is("1200", 1200);
	count_is("007", 7);
	count_is("1000000000000000", PC_USAGE_MAX_COUNT);
	count_fails("-5", "field 'input_tokens': negative count -5");
	count_fails("1000000000000001",
		    "field 'input_tokens': absurd count 1000000000000001 (more than 10^15)");
	count_fails("99999999999999999999999999",
		    "field 'input_tokens': absurd count 99999999999999999999999999 (more than 10^15)");
	count_fails("", "field 'input_tokens': empty; expected a count");
	count_fails("12.5", "field 'input_tokens': '12.5' is not a count");
	count_fails("+5", "field 'input_tokens': '+5' is not a count");
	count_fails("-", "field 'input_tokens': '-' is not a count");
	count_fails("-5x", "field 'input_tokens': '-5x' is not a count");
	count_fails("1e3", "field 'input_tokens': '1e3' is not a count");
}

static int64_t cost_of(const char *text)
{
	int64_t value = -1;

	if (pc_usage_parse_cost(&value, text, "cost"))
		fail_msg("'%s' did not parse: %s", text, pc_error_message());
	return value;
}

static void cost_fails(const char *text, const char *message)
{
	int64_t value = 42;

	assert_int_equal(pc_usage_parse_cost(&value, text, "spend"), PC_EINPUT);
	assert_int_equal(value, 42);
	assert_string_equal(pc_error_message(), message);
}

static void test_usage_fields__costs_are_exact_micro_units(void **state)
{
	(void)state;
	assert_int_equal(cost_of("0.0055"), 5500);
	assert_int_equal(cost_of("0"), 0);
	assert_int_equal(cost_of("0.0"), 0);
	assert_int_equal(cost_of("12"), 12000000);
	assert_int_equal(cost_of("10.05"), 10050000);
	assert_int_equal(cost_of(".5"), 500000);
	assert_int_equal(cost_of("5."), 5000000);
	assert_int_equal(cost_of("+1.25"), 1250000);
	assert_int_equal(cost_of("0.000001"), 1);
	assert_int_equal(cost_of("000123.000001000"), 123000001);
	/* Exponents, as JavaScript and Python write small numbers. */
	assert_int_equal(cost_of("1.5e-05"), 15);
	assert_int_equal(cost_of("1E-6"), 1);
	assert_int_equal(cost_of("2.5e3"), 2500000000);
	assert_int_equal(cost_of("12e+0"), 12000000);
	assert_int_equal(cost_of("0.0012e2"), 120000);
	assert_int_equal(cost_of("1e-400"), 0);
	assert_int_equal(cost_of("0e999999999999"), 0);
}

static void test_usage_fields__costs_round_half_away_from_zero(void **state)
{
	(void)state;
	assert_int_equal(cost_of("0.0000005"), 1);
	assert_int_equal(cost_of("0.00000049999"), 0);
	assert_int_equal(cost_of("0.0000015"), 2);
	assert_int_equal(cost_of("0.0000025"), 3);
	assert_int_equal(cost_of("1.2345674999"), 1234567);
	assert_int_equal(cost_of("1.2345675"), 1234568);
	assert_int_equal(cost_of("5e-7"), 1);
	assert_int_equal(cost_of("4.9e-7"), 0);
	assert_int_equal(cost_of("0.9999995"), 1000000);
}

static void test_usage_fields__bad_costs_are_refused(void **state)
{
	(void)state;
	cost_fails("-0.01", "field 'spend': negative cost -0.01");
	cost_fails("", "field 'spend': '' is not a decimal amount");
	cost_fails(".", "field 'spend': '.' is not a decimal amount");
	cost_fails("1.2.3", "field 'spend': '1.2.3' is not a decimal amount");
	cost_fails("1e", "field 'spend': '1e' is not a decimal amount");
	cost_fails("e5", "field 'spend': 'e5' is not a decimal amount");
	cost_fails("1e5.5", "field 'spend': '1e5.5' is not a decimal amount");
	cost_fails("$1", "field 'spend': '$1' is not a decimal amount");
	cost_fails("NaN", "field 'spend': 'NaN' is not a decimal amount");
	cost_fails("1000000000.000001", "field 'spend': absurd cost 1000000000.000001 (more than 10^9)");
	cost_fails("1e10", "field 'spend': absurd cost 1e10 (more than 10^9)");
	cost_fails("1e99999999", "field 'spend': absurd cost 1e99999999 (more than 10^9)");
	assert_int_equal(cost_of("1000000000"), PC_USAGE_MAX_COUNT);
	assert_int_equal(cost_of("999999999.9999994"), PC_USAGE_MAX_COUNT - 1);
	assert_int_equal(cost_of("999999999.9999995"), PC_USAGE_MAX_COUNT);
	cost_fails("1000000000.0000005",
		   "field 'spend': absurd cost 1000000000.0000005 (more than 10^9)");
}

static json_t *parse_json(const char *text)
{
	json_error_t error;
	json_t *value = json_loads(text, JSON_DECODE_ANY, &error);

	if (!value)
		fail_msg("bad JSON in the test: %s", error.text);
	return value;
}

static void test_usage_fields__json_values_follow_the_same_rules(void **state)
{
	struct {
		const char *json;
		int64_t count; /* -1: an error */
		int64_t cost;
	} cases[] = {
		{ "120", 120, 120000000 },
		{ "120.0", 120, 120000000 },
		{ "\"120\"", 120, 120000000 },
		{ "0.000165", -1, 165 },
		{ "1.65e-4", -1, 165 },
		{ "0.1", -1, 100000 },
		/* 0.0000005 is not exact in binary; its shortest text is, and rounds up. */
		{ "0.0000005", -1, 1 },
		{ "0.0000015", -1, 2 },
		{ "12.5", -1, 12500000 },
		{ "\"0.0055\"", -1, 5500 },
	};
	int64_t value;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *json = parse_json(cases[i].json);

		value = -7;
		if (cases[i].count >= 0) {
			assert_int_equal(pc_usage_json_count(&value, json, "n"), 0);
			assert_int_equal(value, cases[i].count);
		} else {
			assert_int_equal(pc_usage_json_count(&value, json, "n"), PC_EINPUT);
		}
		if (pc_usage_json_cost(&value, json, "c"))
			fail_msg("%s: %s", cases[i].json, pc_error_message());
		assert_int_equal(value, cases[i].cost);
		json_decref(json);
	}
}

static void json_fails(int (*reader)(int64_t *, const json_t *, const char *), const char *text,
		       const char *message)
{
	json_t *json = text ? parse_json(text) : NULL;
	int64_t value = 42;

	assert_int_equal(reader(&value, json, "usage.input"), PC_EINPUT);
	assert_int_equal(value, 42);
	assert_string_equal(pc_error_message(), message);
	json_decref(json);
}

static void test_usage_fields__json_values_of_a_wrong_type_or_missing_name_the_field(void **state)
{
	const char *s;

	(void)state;
	json_fails(pc_usage_json_count, NULL, "field 'usage.input' is missing");
	json_fails(pc_usage_json_count, "null", "field 'usage.input': expected a count, found null");
	json_fails(pc_usage_json_count, "true", "field 'usage.input': expected a count, found a boolean");
	json_fails(pc_usage_json_count, "[1]", "field 'usage.input': expected a count, found an array");
	json_fails(pc_usage_json_count, "-3", "field 'usage.input': negative count -3");
	json_fails(pc_usage_json_count, "-3.0", "field 'usage.input': negative count -3");
	json_fails(pc_usage_json_count, "12.5", "field 'usage.input': 12.5 is not a whole count");
	json_fails(pc_usage_json_count, "1e16", "field 'usage.input': absurd count 1e+16 (more than 10^15)");
	json_fails(pc_usage_json_count, "2000000000000000",
		   "field 'usage.input': absurd count 2000000000000000 (more than 10^15)");
	json_fails(pc_usage_json_cost, "{}", "field 'usage.input': expected an amount, found an object");
	json_fails(pc_usage_json_cost, "-0.5", "field 'usage.input': negative cost -0.5");
	json_fails(pc_usage_json_cost, "1e300", "field 'usage.input': absurd cost 1e+300 (more than 10^9)");
	json_fails(pc_usage_json_time, "1793714710",
		   "field 'usage.input': expected an RFC 3339 time (a string), found an integer");
	json_fails(pc_usage_json_time, "\"2026-11-03T14:05:10.123\"",
		   "field 'usage.input': time '2026-11-03T14:05:10.123' has no zone (expected Z or "
		   "+hh:mm/-hh:mm): it would be read in an unknown zone");
	json_fails(pc_usage_json_unix_nanos, "1.5",
		   "field 'usage.input': expected nanoseconds since 1970 (a string or an integer), "
		   "found a number");
	json_fails(pc_usage_json_unix_nanos, "-5",
		   "field 'usage.input': '-5' is not a time in nanoseconds since 1970 (digits only)");
	json_fails(pc_usage_json_unix_nanos, "\"0\"", "field 'usage.input': time is 0 (not set)");
	{
		json_t *json = parse_json("3");
		int64_t value;

		assert_int_equal(pc_usage_json_unix_nanos(&value, json, "t"), 0);
		assert_int_equal(value, 0); /* 3 ns after the epoch: set, and truncated */
		assert_int_equal(pc_usage_json_string(&s, json, "model"), PC_EINPUT);
		assert_string_equal(pc_error_message(), "field 'model': expected a string, found an integer");
		json_decref(json);
		json = parse_json("\"1793714710000000000\"");
		assert_int_equal(pc_usage_json_unix_nanos(&value, json, "t"), 0);
		assert_int_equal(value, INT64_C(1793714710));
		json_decref(json);
	}
}

static void test_usage_fields__quoted_text_stays_one_line_of_whole_characters(void **state)
{
	char buf[12];

	(void)state;
	assert_string_equal(pc_usage_quote(buf, sizeof(buf), "short"), "short");
	assert_string_equal(pc_usage_quote(buf, sizeof(buf), "a\nb\tc\x7f"), "a?b?c?");
	assert_string_equal(pc_usage_quote(buf, sizeof(buf), "abcdefghijk"), "abcdefgh...");
	/* "é" is two bytes: the cut falls before it, not inside it */
	assert_string_equal(pc_usage_quote(buf, sizeof(buf), "abcdefg\xc3\xa9xyz"), "abcdefg...");
	assert_int_equal(pc_usage_parse_count(&(int64_t){ 0 }, "1", "usage\nDetails"), 0);
	assert_int_equal(pc_usage_parse_count(&(int64_t){ 0 }, "x", "usage\nDetails"), PC_EINPUT);
	assert_string_equal(pc_error_message(), "field 'usage?Details': 'x' is not a count");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage_fields__times_with_a_zone_are_utc_seconds),
		cmocka_unit_test(test_usage_fields__a_time_without_a_zone_is_refused),
		cmocka_unit_test(test_usage_fields__times_out_of_range_or_malformed_are_refused),
		cmocka_unit_test(test_usage_fields__unix_nanos_are_truncated_to_seconds),
		cmocka_unit_test(test_usage_fields__invalid_unix_nanos_are_refused),
		cmocka_unit_test(test_usage_fields__counts_are_non_negative_and_bounded),
		cmocka_unit_test(test_usage_fields__costs_are_exact_micro_units),
		cmocka_unit_test(test_usage_fields__costs_round_half_away_from_zero),
		cmocka_unit_test(test_usage_fields__bad_costs_are_refused),
		cmocka_unit_test(test_usage_fields__json_values_follow_the_same_rules),
		cmocka_unit_test(test_usage_fields__json_values_of_a_wrong_type_or_missing_name_the_field),
		cmocka_unit_test(test_usage_fields__quoted_text_stays_one_line_of_whole_characters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
