/*
 * Tests of the OpenAI usage API importer (src/usage/openai.c) on
 * tests/usage/openai-usage-completions.json (a page) and
 * tests/usage/openai-usage-pages.jsonl (that page and a later one that
 * overlaps it), written from OpenAI's API reference for
 * GET /v1/organization/usage/completions (platform.openai.com/docs/
 * api-reference/usage/completions, and its OpenAPI document 2.3.0 as
 * generated clients carry it): a page {object: "page", data, has_more,
 * next_page}, buckets {object: "bucket", start_time, end_time, results},
 * results {object: "organization.usage.completions.result", input_tokens
 * ("including cached and cache-write tokens"), input_cached_tokens,
 * input_cache_write_tokens, input_cache_write_12h_tokens, output_tokens,
 * input_audio_tokens, output_audio_tokens, num_model_requests, and the
 * grouping fields project_id, user_id, api_key_id, model, batch,
 * service_tier, null unless grouped by}.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/usage_capture.h"
#include "support/usage_json_capture.h"

#define PAGE_SAMPLE "tests/usage/openai-usage-completions.json"
#define PAGES_SAMPLE "tests/usage/openai-usage-pages.jsonl"

static void test_usage_openai__each_result_is_a_record_of_its_requests(void **state)
{
	struct uc_capture capture;
	json_t *page = uc_load_json(PAGE_SAMPLE);
	const struct pc_usage_record *r;

	(void)state;
	uc_init(&capture);
	if (uc_map(&capture, pc_usage_map_openai, page, 1))
		fail_msg("%s", pc_error_message());
	/* 4 results: one has no requests and no tokens, and is no record */
	assert_int_equal(capture.n, 3);

	r = &capture.records[0].r;
	assert_int_equal(r->time, INT64_C(1793491200)); /* the bucket's start, 2026-11-01 */
	assert_string_equal(r->id, "openai:1793491200-1793577600|project_id=proj_summaries"
			    "|api_key_id=key_9a8b7c6d|model=gpt-4o-mini-2024-07-18|batch=false");
	assert_string_equal(r->provider, "openai");
	assert_string_equal(r->model, "gpt-4o-mini-2024-07-18");
	assert_string_equal(r->project, "proj_summaries");
	assert_string_equal(r->api_key, "key_9a8b7c6d");
	assert_null(r->template);
	assert_null(r->team);
	assert_int_equal(r->calls, 444);
	assert_int_equal(r->response_cache_hits, 0);
	assert_int_equal(r->input_tokens, 533232);
	assert_int_equal(r->cached_input_tokens, 409600);
	assert_int_equal(r->cache_write_tokens, 0);
	assert_int_equal(r->output_tokens, 111090);
	assert_false(r->has_cost);

	/* the same group in batch: another record, another id */
	r = &capture.records[1].r;
	assert_string_equal(r->id, "openai:1793491200-1793577600|project_id=proj_summaries"
			    "|api_key_id=key_9a8b7c6d|model=gpt-4o-mini-2024-07-18|batch=true");
	assert_int_equal(r->calls, 1000);

	r = &capture.records[2].r;
	assert_int_equal(r->time, INT64_C(1793577600));
	assert_string_equal(r->id, "openai:1793577600-1793664000|project_id=proj_support"
			    "|user_id=user-abc123|api_key_id=key_1f2e3d4c"
			    "|model=ft:gpt-4o-mini-2024-07-18:acme:support-v2:9xYzAbCd"
			    "|service_tier=default");
	assert_int_equal(r->input_tokens, 90000);
	assert_int_equal(r->cached_input_tokens, 30000);
	assert_int_equal(r->cache_write_tokens, 25000); /* 30-minute and 12-hour writes */
	assert_int_equal(r->output_tokens, 12000);
	uc_release(&capture);
	json_decref(page);
}

static void test_usage_openai__an_overlapping_page_gives_the_same_ids(void **state)
{
	struct uc_capture capture;
	size_t n;
	json_t **pages = uc_load_jsonl(PAGES_SAMPLE, &n);

	(void)state;
	assert_int_equal(n, 2);
	uc_init(&capture);
	for (size_t i = 0; i < n; i++)
		if (uc_map(&capture, pc_usage_map_openai, pages[i], i + 1))
			fail_msg("line %zu: %s", i + 1, pc_error_message());
	/* 3 from the first page, 2 from the second: its first bucket is the first page's last */
	assert_int_equal(capture.n, 5);
	assert_string_equal(capture.records[3].r.id, capture.records[2].r.id);
	assert_int_equal(capture.records[3].r.calls, capture.records[2].r.calls);
	assert_int_equal(capture.records[3].line, 2);
	assert_string_equal(capture.records[4].r.id,
			    "openai:1793664000-1793750400|project_id=proj_support|model=o3-mini");
	assert_null(capture.records[4].r.api_key);
	assert_int_equal(capture.records[4].r.cached_input_tokens, 0); /* null */
	/* all other ids differ */
	for (size_t i = 0; i < capture.n; i++)
		for (size_t j = i + 1; j < capture.n; j++)
			if (!(i == 2 && j == 3))
				assert_string_not_equal(capture.records[i].r.id, capture.records[j].r.id);
	uc_release(&capture);
	uc_free_values(pages, n);
}

/* A page with one bucket with one result whose members are `result`. */
static int map_result(struct uc_capture *capture, const char *result)
{
	char *text = NULL;
	int error;

	if (asprintf(&text, "{\"object\":\"page\",\"data\":[{\"object\":\"bucket\","
		     "\"start_time\":1793491200,\"end_time\":1793577600,\"results\":[{%s}]}],"
		     "\"has_more\":false,\"next_page\":null}", result) < 0)
		abort();
	error = uc_map_text(capture, pc_usage_map_openai, text);
	free(text);
	return error;
}

#define OBJ "\"object\":\"organization.usage.completions.result\","
#define COUNTS "\"input_tokens\":100,\"output_tokens\":20,\"num_model_requests\":2,"
#define MODEL "\"model\":\"gpt-4o\""

static void result_fails(const char *result, const char *message)
{
	struct uc_capture capture;
	int error;

	uc_init(&capture);
	error = map_result(&capture, result);
	if (error != PC_EINPUT)
		fail_msg("expected '%s', got %d", message, error);
	assert_string_equal(pc_error_message(), message);
	assert_int_equal(capture.n, 0);
	uc_release(&capture);
}

static void test_usage_openai__missing_fields_and_wrong_types_name_the_field(void **state)
{
	struct uc_capture capture;

	(void)state;
	uc_init(&capture);
	assert_int_equal(map_result(&capture, OBJ COUNTS MODEL), 0);
	assert_int_equal(capture.n, 1);
	/* '|' and '%' in a grouping value cannot make two ids alike */
	assert_int_equal(map_result(&capture, OBJ COUNTS "\"model\":\"a|b%c\""), 0);
	assert_string_equal(capture.records[1].r.id, "openai:1793491200-1793577600|model=a%7Cb%25c");
	/* "" is as null: no project, and the same id as without it */
	assert_int_equal(map_result(&capture, OBJ COUNTS MODEL ",\"project_id\":\"\""), 0);
	assert_null(capture.records[2].r.project);
	assert_string_equal(capture.records[2].r.id, capture.records[0].r.id);
	{
		/* an id is never cut short (two long values could then make one id) */
		char result[2200];
		char long_model[1100];

		memset(long_model, 'm', sizeof(long_model) - 1);
		long_model[sizeof(long_model) - 1] = '\0';
		snprintf(result, sizeof(result), OBJ COUNTS "\"model\":\"%s\"", long_model);
		assert_int_equal(map_result(&capture, result), PC_EINPUT);
		assert_string_equal(pc_error_message(), "field 'data[0].results[0].model': the grouping "
				    "values are too long to identify the result (more than 1024 bytes)");
	}
	uc_release(&capture);

	result_fails(COUNTS MODEL, "field 'data[0].results[0].object' is missing");
	result_fails("\"object\":\"organization.usage.embeddings.result\"," COUNTS MODEL,
		     "field 'data[0].results[0].object': 'organization.usage.embeddings.result' is "
		     "not a completions result (expected 'organization.usage.completions.result')");
	/* found by fuzz_usage_openai: a value quoted in a message cannot break its line */
	result_fails("\"object\":\"organizatio\\n.usage\"," COUNTS MODEL,
		     "field 'data[0].results[0].object': 'organizatio?.usage' is not a completions "
		     "result (expected 'organization.usage.completions.result')");
	result_fails(OBJ "\"output_tokens\":20,\"num_model_requests\":2," MODEL,
		     "field 'data[0].results[0].input_tokens' is missing");
	result_fails(OBJ "\"input_tokens\":100,\"num_model_requests\":2," MODEL,
		     "field 'data[0].results[0].output_tokens' is missing");
	result_fails(OBJ "\"input_tokens\":100,\"output_tokens\":20," MODEL,
		     "field 'data[0].results[0].num_model_requests' is missing");
	result_fails(OBJ COUNTS "\"model\":null",
		     "field 'data[0].results[0].model' is null: usage not grouped by model cannot "
		     "be priced (fetch it with group_by=model)");
	result_fails(OBJ COUNTS "\"model\":4",
		     "field 'data[0].results[0].model': expected a string, found an integer");
	result_fails(OBJ COUNTS MODEL ",\"project_id\":[\"p\"]",
		     "field 'data[0].results[0].project_id': expected a string, found an array");
	result_fails(OBJ COUNTS MODEL ",\"batch\":\"yes\"",
		     "field 'data[0].results[0].batch': expected true, false or null");
	result_fails(OBJ "\"input_tokens\":\"100\",\"output_tokens\":{},\"num_model_requests\":2,"
		     MODEL, "field 'data[0].results[0].output_tokens': expected a count, found an object");

	uc_init(&capture);
	assert_int_equal(uc_map_text(&capture, pc_usage_map_openai, "[]"), PC_EINPUT);
	assert_string_equal(pc_error_message(), "expected an OpenAI usage page (a JSON object)");
	assert_int_equal(uc_map_text(&capture, pc_usage_map_openai, "{\"object\":\"list\"}"),
			 PC_EINPUT);
	assert_string_equal(pc_error_message(), "field 'object': expected \"page\"");
	assert_int_equal(uc_map_text(&capture, pc_usage_map_openai, "{\"object\":\"page\"}"),
			 PC_EINPUT);
	assert_string_equal(pc_error_message(), "field 'data' is missing");
	assert_int_equal(uc_map_text(&capture, pc_usage_map_openai,
		"{\"data\":[{\"start_time\":\"1793491200\",\"end_time\":1793577600,\"results\":[]}]}"),
		PC_EINPUT);
	assert_string_equal(pc_error_message(),
			    "field 'data[0].start_time': expected Unix seconds (an integer)");
	assert_int_equal(uc_map_text(&capture, pc_usage_map_openai,
		"{\"data\":[{\"start_time\":1793491200,\"results\":[]}]}"), PC_EINPUT);
	assert_string_equal(pc_error_message(), "field 'data[0].end_time' is missing");
	assert_int_equal(uc_map_text(&capture, pc_usage_map_openai,
		"{\"data\":[{\"start_time\":1793491200,\"end_time\":1793491200,\"results\":[]}]}"),
		PC_EINPUT);
	assert_string_equal(pc_error_message(),
			    "field 'data[0].end_time': 1793491200 is not after start_time 1793491200");
	assert_int_equal(uc_map_text(&capture, pc_usage_map_openai,
		"{\"data\":[{\"start_time\":-5,\"end_time\":1793491200,\"results\":[]}]}"), PC_EINPUT);
	assert_string_equal(pc_error_message(),
			    "field 'data[0].start_time': -5 is not a time in Unix seconds");
	assert_int_equal(uc_map_text(&capture, pc_usage_map_openai,
		"{\"data\":[{\"start_time\":1793491200,\"end_time\":1793577600}]}"), PC_EINPUT);
	assert_string_equal(pc_error_message(), "field 'data[0].results' is missing");
	assert_int_equal(uc_map_text(&capture, pc_usage_map_openai, "{\"data\":[7]}"), PC_EINPUT);
	assert_string_equal(pc_error_message(), "field 'data[0]': expected a bucket (an object)");
	/* a bucket alone (data[] saved one per line) */
	assert_int_equal(uc_map_text(&capture, pc_usage_map_openai,
		"{\"object\":\"bucket\",\"start_time\":1793491200,\"end_time\":1793577600,"
		"\"results\":[{" OBJ COUNTS MODEL "}]}"), 0);
	assert_int_equal(capture.n, 1);
	/* its messages name the field within the bucket */
	assert_int_equal(uc_map_text(&capture, pc_usage_map_openai,
		"{\"start_time\":1793491200,\"end_time\":1793577600,"
		"\"results\":[{" OBJ COUNTS "\"model\":null}]}"), PC_EINPUT);
	assert_string_equal(pc_error_message(), "field 'results[0].model' is null: usage not "
			    "grouped by model cannot be priced (fetch it with group_by=model)");
	assert_int_equal(capture.n, 1);
	uc_release(&capture);
}

static void test_usage_openai__negative_absurd_and_contradictory_counts_are_refused(void **state)
{
	(void)state;
	result_fails(OBJ "\"input_tokens\":-1,\"output_tokens\":20,\"num_model_requests\":2," MODEL,
		     "field 'data[0].results[0].input_tokens': negative count -1");
	result_fails(OBJ "\"input_tokens\":1,\"output_tokens\":20,\"num_model_requests\":"
		     "1000000000000001," MODEL,
		     "field 'data[0].results[0].num_model_requests': absurd count 1000000000000001 "
		     "(more than 10^15)");
	result_fails(OBJ "\"input_tokens\":1.5,\"output_tokens\":20,\"num_model_requests\":2," MODEL,
		     "field 'data[0].results[0].input_tokens': 1.5 is not a whole count");
	result_fails(OBJ "\"input_tokens\":100,\"output_tokens\":20,\"num_model_requests\":0," MODEL,
		     "field 'data[0].results[0].num_model_requests': 0 requests, yet 100 input and "
		     "20 output tokens");
	result_fails(OBJ COUNTS "\"input_cached_tokens\":90,\"input_cache_write_tokens\":11," MODEL,
		     "field 'data[0].results[0].input_tokens': 101 cached and cache-write tokens are "
		     "more than the 100 input tokens, which include them");
}

/* What pc_usage_detect tells path to be. */
static enum pc_usage_format detected(const char *path)
{
	struct pc_usage_input *in = NULL;
	enum pc_usage_format format = PC_USAGE_AUTO;

	assert_int_equal(pc_usage_open(&in, path), 0);
	if (pc_usage_detect(&format, in))
		fail_msg("%s", pc_error_message());
	pc_usage_close(in);
	return format;
}

/* Through the input layer: a pretty page's buckets, a JSONL of pages, located errors. */
static void test_usage_openai__the_samples_read_through_pc_usage_read(void **state)
{
	static const char bad[] =
		"{\"object\":\"page\",\"data\":[{\"object\":\"bucket\",\"start_time\":1793491200,"
		"\"end_time\":1793577600,\"results\":[{" OBJ COUNTS MODEL "}]}]}\n"
		"{\"object\":\"page\",\"data\":[{\"object\":\"bucket\",\"start_time\":1793577600,"
		"\"end_time\":1793664000,\"results\":[{" OBJ COUNTS "\"model\":null}]}]}\n";
	struct capture c;

	(void)state;
	assert_int_equal(detected(PAGE_SAMPLE), PC_USAGE_OPENAI);
	assert_int_equal(detected(PAGES_SAMPLE), PC_USAGE_OPENAI);
	cap_init(&c);
	assert_int_equal(cap_read_file(&c, PAGE_SAMPLE, PC_USAGE_AUTO, 0), 0);
	assert_int_equal(c.n, 3);
	/* the splitter hands over each bucket of data, at the line it starts on */
	assert_int_equal(c.records[0].line, 4);
	assert_int_equal(c.records[1].line, 4);
	assert_int_equal(c.records[2].line, 51);
	assert_string_equal(c.records[2].r.id, "openai:1793577600-1793664000|project_id=proj_support"
			    "|user_id=user-abc123|api_key_id=key_1f2e3d4c"
			    "|model=ft:gpt-4o-mini-2024-07-18:acme:support-v2:9xYzAbCd"
			    "|service_tier=default");
	cap_release(&c);

	cap_init(&c);
	assert_int_equal(cap_read_file(&c, PAGES_SAMPLE, PC_USAGE_AUTO, 0), 0);
	assert_int_equal(c.n, 5);
	assert_string_equal(c.records[2].r.id, c.records[3].r.id);
	assert_int_equal(c.records[3].line, 2);
	cap_release(&c);

	/* a page whose buckets are all empty (no usage those days) is still told: nothing to read */
	{
		static const char empty[] =
			"{\"object\":\"page\",\"data\":[{\"object\":\"bucket\",\"start_time\":"
			"1793491200,\"end_time\":1793577600,\"results\":[]}],\"has_more\":false,"
			"\"next_page\":null}\n";

		cap_init(&c);
		assert_int_equal(cap_read_text(&c, "empty.json", empty, sizeof(empty) - 1,
					       PC_USAGE_AUTO), 0);
		assert_int_equal(c.n, 0);
		cap_release(&c);
	}

	cap_init(&c);
	assert_int_equal(cap_read_text(&c, "usage.jsonl", bad, sizeof(bad) - 1, PC_USAGE_AUTO),
			 PC_EINPUT);
	assert_string_equal(strstr(pc_error_message(), "/usage.jsonl:") + 1,
			    "usage.jsonl:2: field 'results[0].model' is "
			    "null: usage not grouped by model cannot be priced (fetch it with "
			    "group_by=model)");
	cap_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage_openai__each_result_is_a_record_of_its_requests),
		cmocka_unit_test(test_usage_openai__an_overlapping_page_gives_the_same_ids),
		cmocka_unit_test(test_usage_openai__missing_fields_and_wrong_types_name_the_field),
		cmocka_unit_test(test_usage_openai__negative_absurd_and_contradictory_counts_are_refused),
		cmocka_unit_test(test_usage_openai__the_samples_read_through_pc_usage_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
