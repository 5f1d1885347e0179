/*
 * LiteLLM spend logs on the samples in tests/usage/litellm*.
 *
 * The samples follow LiteLLM's documents and code (BerriAI/litellm):
 *   - the LiteLLM_SpendLogs table, schema.prisma (request_id, api_key, spend,
 *     prompt_tokens, completion_tokens, startTime, model, metadata Json,
 *     cache_hit String, request_tags Json, team_id, custom_llm_provider);
 *   - litellm/proxy/_types.py, SpendLogsPayload and SpendLogsMetadata
 *     ("additional_usage_values: covers provider-specific usage information
 *     - e.g. prompt caching"; "spend_logs_metadata: special param to log k,v
 *     pairs to spendlogs for a call"); the proxy UI's log view reads
 *     metadata.additional_usage_values.prompt_tokens_details.cached_tokens
 *     (OpenAI) and .cache_read_input_tokens / .cache_creation_input_tokens
 *     (Anthropic);
 *   - https://docs.litellm.ai/docs/proxy/cost_tracking (the /spend/logs API,
 *     request tags), https://docs.litellm.ai/docs/proxy/ui_logs.
 * The CSV is a database export with a header row; the JSON is /spend/logs's
 * array and a /spend/logs/v2 page ({"data": [...], "total": ...}).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>

#include <cmocka.h>

#define LLVMFuzzerTestOneInput fuzz_usage_litellm_one
#include "../fuzz/fuzz_usage_litellm.c"
#undef LLVMFuzzerTestOneInput

#include "promptcost/usage.h"
#include "support/usage_capture.h"

static void test_usage_litellm__the_csv_export_maps_every_column(void **state)
{
	struct capture c;
	const struct pc_usage_record *r;

	(void)state;
	cap_init(&c);
	assert_int_equal(cap_read_file(&c, "tests/usage/litellm.csv", PC_USAGE_AUTO, 0), 0);
	assert_int_equal(c.n, 3);
	r = &c.records[0].r;
	assert_int_equal(c.records[0].line, 2);
	assert_string_equal(r->id, "chatcmpl-a1");
	assert_int_equal(r->time, 1793714710);
	assert_string_equal(r->model, "gpt-4o");
	assert_string_equal(r->provider, "openai");
	assert_string_equal(r->team, "team-records");
	assert_string_equal(r->api_key,
			    "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b");
	assert_int_equal(r->calls, 1);
	assert_int_equal(r->response_cache_hits, 0);
	assert_int_equal(r->input_tokens, 1200);
	assert_int_equal(r->cached_input_tokens, 1024);
	assert_int_equal(r->output_tokens, 250);
	assert_true(r->has_cost);
	assert_int_equal(r->cost_micros, 5500);
	/* the template and its version from the tags, every tag kept */
	assert_string_equal(r->template, "document-summarization");
	assert_string_equal(r->template_version, "efa1cc46");
	assert_int_equal(r->ntags, 3);
	assert_string_equal(r->tags[2], "env:prod");
	/* Anthropic's cache counts; the template from spend_logs_metadata */
	r = &c.records[1].r;
	assert_int_equal(r->input_tokens, 4000);
	assert_int_equal(r->cached_input_tokens, 3000);
	assert_int_equal(r->cache_write_tokens, 500);
	assert_string_equal(r->template, "intake-triage");
	assert_null(r->template_version);
	assert_int_equal(r->ntags, 0);
	/* a response-cache hit: one call, no tokens */
	r = &c.records[2].r;
	assert_int_equal(r->calls, 1);
	assert_int_equal(r->response_cache_hits, 1);
	assert_int_equal(r->input_tokens, 0);
	assert_int_equal(r->output_tokens, 0);
	assert_int_equal(r->cost_micros, 0);
	cap_release(&c);
}

static void test_usage_litellm__the_json_array_and_a_page_read_like_the_csv(void **state)
{
	struct capture c;
	const struct pc_usage_record *r;

	(void)state;
	cap_init(&c);
	assert_int_equal(cap_read_file(&c, "tests/usage/litellm.json", PC_USAGE_AUTO, 0), 0);
	assert_int_equal(c.n, 2);
	r = &c.records[0].r;
	assert_int_equal(c.records[0].line, 2);
	assert_string_equal(r->id, "chatcmpl-b1");
	assert_int_equal(r->cost_micros, 5500); /* 0.0055 as a JSON number, exactly */
	assert_int_equal(r->cached_input_tokens, 1024);
	assert_string_equal(r->template, "document-summarization");
	/* metadata and tags as JSON text, cache_hit as a boolean, team null */
	r = &c.records[1].r;
	assert_int_equal(c.records[1].line, 22);
	assert_int_equal(r->response_cache_hits, 1);
	assert_int_equal(r->input_tokens, 0);
	assert_string_equal(r->template, "document-summarization");
	assert_null(r->team);
	cap_release(&c);

	cap_init(&c);
	assert_int_equal(cap_read_file(&c, "tests/usage/litellm_page.json", PC_USAGE_AUTO, 0), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.records[0].line, 3);
	assert_int_equal(c.records[1].line, 6);
	assert_string_equal(c.records[1].r.id, "chatcmpl-c2");
	assert_int_equal(c.records[1].r.input_tokens, 810);
	assert_int_equal(c.records[1].r.response_cache_hits, 0);
	cap_release(&c);
}

/* The error of reading one CSV row under the sample's header, or NULL. */
static char *row_error(const char *row)
{
	struct pc_buf text = PC_BUF_INIT;
	struct capture c;
	char *message = NULL;

	pc_buf_adds(&text, "request_id,startTime,model,prompt_tokens,completion_tokens,spend,"
		    "cache_hit,metadata,request_tags\n");
	pc_buf_adds(&text, row);
	cap_init(&c);
	if (cap_read_text(&c, "l.csv", text.ptr, text.len, PC_USAGE_LITELLM) < 0) {
		const char *at = strstr(pc_error_message(), "l.csv:");

		message = pc_xstrdup(at ? at : pc_error_message());
	}
	cap_release(&c);
	pc_buf_release(&text);
	return message;
}

static void assert_row_error(const char *row, const char *want)
{
	char *got = row_error(row);

	if (!got || strcmp(got, want)) {
		print_error("row:  %s\nwant: %s\ngot:  %s\n", row, want, got ? got : "(no error)");
		free(got);
		fail();
	}
	free(got);
}

static void test_usage_litellm__bad_rows_are_located_errors(void **state)
{
	char *ok;

	(void)state;
	ok = row_error("r1,2026-11-03T14:05:10Z,gpt-4o,10,5,0.001,False,{},[]\n");
	assert_null(ok);
	assert_row_error("r1,2026-11-03 14:05:10.123,gpt-4o,10,5,0.001,False,{},[]\n", "l.csv:2: field 'startTime': time '2026-11-03 14:05:10.123' has no "
			 "zone (expected Z or +hh:mm/-hh:mm): it would be read in an unknown zone");
	assert_row_error("r1,2026-11-03T14:05:10Z,gpt-4o,-10,5,0.001,False,{},[]\n", "l.csv:2: field 'prompt_tokens': negative count -10");
	assert_row_error("r1,2026-11-03T14:05:10Z,gpt-4o,10,5e99,0.001,False,{},[]\n", "l.csv:2: field 'completion_tokens': '5e99' is not a count");
	assert_row_error("r1,2026-11-03T14:05:10Z,gpt-4o,10,5,abc,False,{},[]\n", "l.csv:2: field 'spend': 'abc' is not a decimal amount");
	assert_row_error("r1,2026-11-03T14:05:10Z,gpt-4o,10,5,0.001,maybe,{},[]\n", "l.csv:2: field 'cache_hit': expected true or false, found 'maybe'");
	assert_row_error("r1,2026-11-03T14:05:10Z,gpt-4o,10,5,0.001,False,{,[]\n", "l.csv:2: field 'metadata': not JSON (string or '}' expected near end "
			 "of file)");
	assert_row_error("r1,2026-11-03T14:05:10Z,gpt-4o,10,5,0.001,False,[],[]\n", "l.csv:2: field 'metadata': expected an object");
	assert_row_error("r1,2026-11-03T14:05:10Z,gpt-4o,10,5,0.001,False,{},\"[1]\"\n", "l.csv:2: field 'request_tags': element 1 is not a string");
	assert_row_error("r1,2026-11-03T14:05:10Z,,10,5,0.001,False,{},[]\n", "l.csv:2: the record names no model");
	assert_row_error("r1,2026-11-03T14:05:10Z,gpt-4o,10,5,0.001,False,"
			 "\"{\"\"additional_usage_values\"\": {\"\"cache_read_input_tokens\"\": 11}}\","
			 "[]\n", "l.csv:2: 'cached_input_tokens' + 'cache_write_tokens' (11) is more "
			 "than 'input_tokens' (10), which includes them");
	assert_row_error("r1,2026-11-03T14:05:10Z,gpt-4o,10,5,0.001,False,"
			 "\"{\"\"additional_usage_values\"\": {\"\"cache_read_input_tokens\"\": \"\"x\"\"}}\","
			 "[]\n", "l.csv:2: field 'cache_read_input_tokens': 'x' is not a count");
	assert_row_error("r1,2026-11-03T14:05:10Z,gpt-4o,10,5\n", "l.csv:2: 5 fields where the header has 9 columns");
}

static void test_usage_litellm__json_rows_of_wrong_types_are_refused_and_can_be_set_aside(void **state)
{
	const char *text =
		"{\"request_id\":\"r1\",\"startTime\":\"2026-11-03T14:05:10Z\",\"model\":\"gpt-4o\","
		"\"prompt_tokens\":10,\"completion_tokens\":5}\n"
		"{\"request_id\":\"r2\",\"startTime\":\"2026-11-03T14:05:10Z\",\"model\":7,"
		"\"prompt_tokens\":10,\"completion_tokens\":5}\n"
		"{\"request_id\":\"r3\",\"startTime\":1793714710,\"model\":\"gpt-4o\","
		"\"prompt_tokens\":10,\"completion_tokens\":5}\n"
		"{\"request_id\":\"r4\",\"startTime\":\"2026-11-03T14:05:10Z\",\"model\":\"gpt-4o\","
		"\"prompt_tokens\":10.5,\"completion_tokens\":5}\n"
		"{\"request_id\":\"r5\",\"startTime\":\"2026-11-03T14:05:10Z\",\"model\":\"gpt-4o\","
		"\"completion_tokens\":5}\n"
		"{\"request_id\":\"r6\",\"startTime\":\"2026-11-03T14:05:10Z\",\"model\":\"gpt-4o\","
		"\"prompt_tokens\":1,\"completion_tokens\":5}\n";
	struct capture c;

	(void)state;
	cap_init(&c);
	assert_int_equal(cap_read_text(&c, "l.jsonl", text, strlen(text), PC_USAGE_AUTO), PC_EINPUT);
	assert_non_null(strstr(pc_error_message(),
			       "l.jsonl:2: field 'model': expected a string, found an integer"));
	assert_int_equal(c.n, 1);
	cap_release(&c);

	cap_init(&c);
	c.set_aside = true;
	assert_int_equal(cap_read_text(&c, "l.jsonl", text, strlen(text), PC_USAGE_LITELLM), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.records[1].line, 6);
	assert_int_equal(c.nbad, 4);
	assert_int_equal(c.bad_lines[1], 3);
	assert_string_equal(c.bad_messages[1],
			    "field 'startTime': expected an RFC 3339 time (a string), found an integer");
	assert_int_equal(c.bad_lines[2], 4);
	assert_string_equal(c.bad_messages[2], "field 'prompt_tokens': 10.5 is not a whole count");
	assert_string_equal(c.bad_messages[3], "field 'prompt_tokens' is missing");
	cap_release(&c);
}

/*
 * The fuzz target's corpus (fuzz/corpus/usage_litellm/), replayed: every input that
 * once grew the fuzzer's coverage keeps being checked under its properties
 * (the target aborts when one fails).
 */
static void test_usage_litellm__the_fuzz_corpus_reads_under_the_fuzzer_s_properties(void **state)
{
	DIR *d = opendir("fuzz/corpus/usage_litellm");
	struct dirent *e;
	size_t n = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		struct pc_buf input = PC_BUF_INIT;
		char path[1024];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "fuzz/corpus/usage_litellm/%s", e->d_name);
		assert_int_equal(pc_file_read(&input, path, 64 * 1024 * 1024), 0);
		fuzz_usage_litellm_one((const uint8_t *)input.ptr, input.len);
		pc_buf_release(&input);
		n++;
	}
	closedir(d);
	assert_true(n >= 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage_litellm__the_csv_export_maps_every_column),
		cmocka_unit_test(test_usage_litellm__the_json_array_and_a_page_read_like_the_csv),
		cmocka_unit_test(test_usage_litellm__bad_rows_are_located_errors),
		cmocka_unit_test(test_usage_litellm__json_rows_of_wrong_types_are_refused_and_can_be_set_aside),
		cmocka_unit_test(test_usage_litellm__the_fuzz_corpus_reads_under_the_fuzzer_s_properties),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
