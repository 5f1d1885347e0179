/*
 * The native source, promptcost/usage/v1 (DESIGN.md "Usage records"):
 * the samples in tests/usage/native.{jsonl,csv}, and every way a strict
 * reader must refuse a record, each a one-line located error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>

#include <cmocka.h>

#define LLVMFuzzerTestOneInput fuzz_usage_native_one
#include "../fuzz/fuzz_usage_native.c"
#undef LLVMFuzzerTestOneInput

#include "promptcost/usage.h"
#include "support/usage_capture.h"

/* The error for a one-line native JSONL input, or NULL when it reads. */
static char *error_of(const char *text)
{
	struct capture c;
	int error;
	char *message = NULL;

	cap_init(&c);
	error = cap_read_text(&c, "x.jsonl", text, strlen(text), PC_USAGE_NATIVE);
	if (error < 0) {
		const char *m = pc_error_message(), *at = strstr(m, "x.jsonl:");

		message = pc_xstrdup(at ? at : m);
	}
	cap_release(&c);
	return message;
}

static void assert_error(const char *text, const char *want)
{
	char *got = error_of(text);

	if (!got || strcmp(got, want)) {
		print_error("input: %s\nwant:  %s\ngot:   %s\n", text, want, got ? got : "(no error)");
		free(got);
		fail();
	}
	free(got);
}

static void test_usage_native__the_jsonl_sample_reads_every_field(void **state)
{
	struct capture c;
	const struct pc_usage_record *r;

	(void)state;
	cap_init(&c);
	assert_int_equal(cap_read_file(&c, "tests/usage/native.jsonl", PC_USAGE_AUTO, 0), 0);
	assert_int_equal(c.n, 4);
	r = &c.records[0].r;
	assert_int_equal(c.records[0].line, 1);
	assert_int_equal(r->time, 1793714710); /* 2026-11-03T14:05:10Z */
	assert_string_equal(r->id, "req_8f2");
	assert_string_equal(r->template, "document-summarization");
	assert_string_equal(r->template_version, "efa1cc46");
	assert_string_equal(r->team, "records-management");
	assert_string_equal(r->use_case, "document-summarization");
	assert_string_equal(r->provider, "openai");
	assert_string_equal(r->model, "gpt-4o");
	assert_null(r->deployment);
	assert_int_equal(r->calls, 1);
	assert_int_equal(r->input_tokens, 1200);
	assert_int_equal(r->output_tokens, 250);
	assert_true(r->has_cost);
	assert_int_equal(r->cost_micros, 5500);
	/* a zone other than Z, defaults for what is left out */
	r = &c.records[1].r;
	assert_int_equal(r->time, 1793714710 - 14 * 3600 - 5 * 60 - 10 + 14 * 3600);
	assert_int_equal(r->calls, 1);
	assert_int_equal(r->cached_input_tokens, 800);
	assert_false(r->has_cost);
	assert_null(r->team);
	/* a blank line is passed over, line numbers still count it */
	assert_int_equal(c.records[2].line, 4);
	r = &c.records[2].r;
	assert_int_equal(r->time, 1793750400); /* fractions truncated */
	assert_string_equal(r->deployment, "ptu-eastus");
	assert_int_equal(r->calls, 24);
	assert_int_equal(r->response_cache_hits, 4);
	assert_int_equal(r->cache_write_tokens, 2000);
	assert_int_equal(r->cost_micros, 125000);
	/* escapes decoded */
	r = &c.records[3].r;
	assert_string_equal(r->id, "req_\xc3\xa9t\xc3\xa9 \"q\"");
	assert_string_equal(r->project, "proj_1");
	assert_string_equal(r->api_key, "key_1");
	cap_release(&c);
}

static void test_usage_native__the_csv_sample_reads_quoted_fields_and_empty_ones(void **state)
{
	struct capture c;

	(void)state;
	cap_init(&c);
	assert_int_equal(cap_read_file(&c, "tests/usage/native.csv", PC_USAGE_AUTO, 0), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.records[0].r.id, "req_1");
	assert_int_equal(c.records[0].r.cost_micros, 5500);
	assert_int_equal(c.records[1].line, 3);
	assert_string_equal(c.records[1].r.id, "req_2, \"quoted\"");
	assert_string_equal(c.records[1].r.template, "multi\nline");
	assert_false(c.records[1].r.has_cost);
	/* the record after a quoted newline starts on line 5 */
	assert_int_equal(c.records[2].line, 5);
	assert_null(c.records[2].r.id);
	assert_int_equal(c.records[2].r.calls, 1);
	assert_int_equal(c.records[2].r.input_tokens, 10);
	cap_release(&c);
}

#define OK_HEAD "{\"time\":\"2026-11-03T14:05:10Z\",\"model\":\"gpt-4o\",\"output_tokens\":1,"

static void test_usage_native__unknown_keys_and_wrong_types_are_located_errors(void **state)
{
	(void)state;
	assert_error(OK_HEAD "\"input_tokens\":5,\"input_token\":5}\n",
		     "x.jsonl:1:84: unknown field 'input_token'");
	assert_error(OK_HEAD "\"input_tokens\":\"5\"}\n",
		     "x.jsonl:1:82: field 'input_tokens': expected an integer, found a string");
	assert_error(OK_HEAD "\"input_tokens\":null}\n",
		     "x.jsonl:1:82: field 'input_tokens': expected an integer, found null");
	assert_error(OK_HEAD "\"input_tokens\":5,\"team\":7}\n",
		     "x.jsonl:1:91: field 'team': expected a string or null, found a number");
	assert_error(OK_HEAD "\"input_tokens\":5,\"team\":[\"a\"]}\n",
		     "x.jsonl:1:91: field 'team': expected a string or null, found an array");
	assert_error(OK_HEAD "\"input_tokens\":true}\n",
		     "x.jsonl:1:82: field 'input_tokens': expected an integer, found a boolean");
	assert_error(OK_HEAD "\"input_tokens\":5,\"input_tokens\":6}\n",
		     "x.jsonl:1:84: field 'input_tokens' given twice");
	assert_error("[1]\n", "x.jsonl:1:1: expected a JSON object (a native record)");
	assert_error(OK_HEAD "\"input_tokens\":5} x\n",
		     "x.jsonl:1:85: text after the record's closing '}'");
	assert_error(OK_HEAD "\"input_tokens\":5\n",
		     "x.jsonl:1:83: expected ',' or '}' after a value");
	assert_error("{\"time\":\"2026-11-03T14:05:10Z\",\"input_tokens\":1,\"output_tokens\":1}\n",
		     "x.jsonl:1: field 'model' is missing");
}

static void test_usage_native__negative_absurd_and_inconsistent_counts_are_refused(void **state)
{
	(void)state;
	assert_error(OK_HEAD "\"input_tokens\":-5}\n",
		     "x.jsonl:1:82: field 'input_tokens': negative count -5");
	assert_error(OK_HEAD "\"input_tokens\":1000000000000000000000}\n",
		     "x.jsonl:1:82: field 'input_tokens': absurd count 1000000000000000000000 "
		     "(more than 10^15)");
	assert_error(OK_HEAD "\"input_tokens\":1.5}\n",
		     "x.jsonl:1:82: field 'input_tokens': '1.5' is not a count");
	assert_error(OK_HEAD "\"input_tokens\":5,\"calls\":0}\n",
		     "x.jsonl:1: 'calls' is 0 (a record is at least one call)");
	assert_error(OK_HEAD "\"input_tokens\":5,\"calls\":2,\"response_cache_hits\":3}\n",
		     "x.jsonl:1: 'response_cache_hits' (3) is more than 'calls' (2)");
	assert_error(OK_HEAD "\"input_tokens\":5,\"cached_input_tokens\":4,\"cache_write_tokens\":2}\n",
		     "x.jsonl:1: 'cached_input_tokens' + 'cache_write_tokens' (6) is more than "
		     "'input_tokens' (5), which includes them");
	assert_error(OK_HEAD "\"input_tokens\":5,\"cost\":\"-0.01\"}\n",
		     "x.jsonl:1:91: field 'cost': negative cost -0.01");
}

static void test_usage_native__a_time_without_a_zone_is_refused(void **state)
{
	char *got;

	(void)state;
	got = error_of("{\"time\":\"2026-11-03T14:05:10\",\"model\":\"m\",\"input_tokens\":1,"
		       "\"output_tokens\":1}\n");
	assert_non_null(got);
	assert_non_null(strstr(got, "x.jsonl:1:9: field 'time': "));
	assert_non_null(strstr(got, "zone"));
	free(got);
	assert_error("{\"time\":\"1970-01-01T00:00:00Z\",\"model\":\"m\",\"input_tokens\":1,"
		     "\"output_tokens\":1}\n",
		     "x.jsonl:1: the record's time (0 seconds since 1970) is not in 2000..2099 "
		     "(milliseconds read as seconds?)");
}

static void test_usage_native__csv_refuses_unknown_columns_and_short_rows(void **state)
{
	struct capture c;
	const char *unknown = "time,model,input_tokens,output_tokens,colour\n";
	const char *shortrow = "time,model,input_tokens,output_tokens\n"
			       "2026-11-03T14:05:10Z,gpt-4o,1,1\n2026-11-03T14:05:10Z,gpt-4o,1\n";
	const char *badcount = "time,model,input_tokens,output_tokens\n"
			       "2026-11-03T14:05:10Z,gpt-4o,-1,1\n";
	const char *unclosed = "time,model,input_tokens,output_tokens\n"
			       "2026-11-03T14:05:10Z,\"gpt-4o,1,1\n";

	(void)state;
	cap_init(&c);
	assert_int_equal(cap_read_text(&c, "u.csv", unknown, strlen(unknown), PC_USAGE_NATIVE),
			 PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "u.csv:1: unknown column 'colour'"));
	assert_int_equal(cap_read_text(&c, "s.csv", shortrow, strlen(shortrow), PC_USAGE_NATIVE),
			 PC_EINPUT);
	assert_non_null(strstr(pc_error_message(),
			       "s.csv:3: 3 fields where the header has 4 columns"));
	assert_int_equal(c.n, 1);
	assert_int_equal(cap_read_text(&c, "b.csv", badcount, strlen(badcount), PC_USAGE_NATIVE),
			 PC_EINPUT);
	assert_non_null(strstr(pc_error_message(),
			       "b.csv:2: field 'input_tokens': negative count -1"));
	assert_int_equal(cap_read_text(&c, "q.csv", unclosed, strlen(unclosed), PC_USAGE_NATIVE),
			 PC_EINPUT);
	assert_non_null(strstr(pc_error_message(),
			       "q.csv:2: the quoted field is not closed before the end"));
	cap_release(&c);
}

static void test_usage_native__bad_lines_can_be_set_aside_with_their_numbers(void **state)
{
	struct capture c;
	const char *text =
		OK_HEAD "\"input_tokens\":5}\n"
		OK_HEAD "\"input_tokens\":-5}\n"
		"not json\n"
		OK_HEAD "\"input_tokens\":7}\n";

	(void)state;
	cap_init(&c);
	c.set_aside = true;
	assert_int_equal(cap_read_text(&c, "x.jsonl", text, strlen(text), PC_USAGE_NATIVE), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.records[1].line, 4);
	assert_int_equal(c.nbad, 2);
	assert_int_equal(c.bad_lines[0], 2);
	assert_string_equal(c.bad_messages[0],
			    "field 'input_tokens': negative count -5 (column 82)");
	assert_int_equal(c.bad_lines[1], 3);
	cap_release(&c);
}

/*
 * The fuzz target's corpus (fuzz/corpus/usage_native/), replayed: every input that
 * once grew the fuzzer's coverage keeps being checked under its properties
 * (the target aborts when one fails).
 */
static void test_usage_native__the_fuzz_corpus_reads_under_the_fuzzer_s_properties(void **state)
{
	DIR *d = opendir("fuzz/corpus/usage_native");
	struct dirent *e;
	size_t n = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		struct pc_buf input = PC_BUF_INIT;
		char path[1024];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "fuzz/corpus/usage_native/%s", e->d_name);
		assert_int_equal(pc_file_read(&input, path, 64 * 1024 * 1024), 0);
		fuzz_usage_native_one((const uint8_t *)input.ptr, input.len);
		pc_buf_release(&input);
		n++;
	}
	closedir(d);
	assert_true(n >= 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage_native__the_jsonl_sample_reads_every_field),
		cmocka_unit_test(test_usage_native__the_csv_sample_reads_quoted_fields_and_empty_ones),
		cmocka_unit_test(test_usage_native__unknown_keys_and_wrong_types_are_located_errors),
		cmocka_unit_test(test_usage_native__negative_absurd_and_inconsistent_counts_are_refused),
		cmocka_unit_test(test_usage_native__a_time_without_a_zone_is_refused),
		cmocka_unit_test(test_usage_native__csv_refuses_unknown_columns_and_short_rows),
		cmocka_unit_test(test_usage_native__bad_lines_can_be_set_aside_with_their_numbers),
		cmocka_unit_test(test_usage_native__the_fuzz_corpus_reads_under_the_fuzzer_s_properties),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
