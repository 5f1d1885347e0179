/*
 * Tests of the Langfuse importer (src/usage/langfuse.c) on sample files
 * written from Langfuse's documented formats:
 *
 * - tests/usage/langfuse-observations.jsonl: observations as Langfuse v3
 *   exports them, with usageDetails / costDetails as documented in
 *   "Model Usage & Cost Tracking", https://langfuse.com/docs/observability/
 *   features/token-and-cost-tracking (langfuse-docs, 2025-2026: usage types
 *   are disjoint, "total ... derived from input + cache_read_input_tokens +
 *   output"; the OpenAI usage schema's prompt_tokens_details are flattened
 *   with an "input_" prefix), the fields of ObservationsView in the JS SDK
 *   reference (https://js.reference.langfuse.com/interfaces/
 *   _langfuse_core.ObservationsView.html: usageDetails and costDetails
 *   Record<string, number>, calculatedTotalCost deprecated), and LangChain's
 *   input_token_details as langfuse-python's CallbackHandler flattens them
 *   (langfuse/langchain/CallbackHandler.py, _parse_usage_model: input_<key>,
 *   subtracted from input).
 * - tests/usage/langfuse-api-page-v2.json: a GET /api/public/observations
 *   page of Langfuse v2, from the API's Fern definition
 *   (langfuse/langfuse fern/apis/server/definition/commons.yml: Observation,
 *   ObservationsView, Usage {input, output, total, unit, inputCost,
 *   outputCost, totalCost}), with a generation in the older
 *   {promptTokens, completionTokens, totalTokens} usage of the v1 SDKs'
 *   documentation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/usage_capture.h"
#include "support/usage_json_capture.h"

#define EXPORT_SAMPLE "tests/usage/langfuse-observations.jsonl"
#define PAGE_SAMPLE "tests/usage/langfuse-api-page-v2.json"

static void map_export(struct uc_capture *capture)
{
	size_t n;
	json_t **lines = uc_load_jsonl(EXPORT_SAMPLE, &n);

	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++)
		if (uc_map(capture, pc_usage_map_langfuse, lines[i], i + 1))
			fail_msg("line %zu: %s", i + 1, pc_error_message());
	uc_free_values(lines, n);
}

static void test_usage_langfuse__generations_are_records_other_observations_are_not(void **state)
{
	struct uc_capture capture;

	(void)state;
	uc_init(&capture);
	map_export(&capture);
	/* 6 observations: a SPAN, an EVENT and an AGENT are not LLM calls */
	assert_int_equal(capture.n, 3);
	assert_int_equal(capture.records[0].line, 1);
	assert_int_equal(capture.records[1].line, 3);
	assert_int_equal(capture.records[2].line, 5);
	uc_release(&capture);
}

static void test_usage_langfuse__v3_usage_details_are_disjoint_parts_summed_into_input(void **state)
{
	struct uc_capture capture;
	const struct pc_usage_record *r;

	(void)state;
	uc_init(&capture);
	map_export(&capture);

	/* OpenAI via Langfuse: input 1800 is what was not cached; 1200 were */
	r = &capture.records[0].r;
	assert_string_equal(r->id, "obs-7f3a9c01");
	assert_int_equal(r->time, INT64_C(1793714710)); /* 2026-11-03T14:05:10Z, fraction cut */
	assert_string_equal(r->model, "gpt-4o-mini");
	assert_string_equal(r->template, "document-summarization");
	assert_string_equal(r->template_version, "3");
	assert_string_equal(r->team, "search");
	assert_string_equal(r->use_case, "summaries");
	assert_null(r->provider);
	assert_int_equal(r->calls, 1);
	assert_int_equal(r->response_cache_hits, 0);
	assert_int_equal(r->input_tokens, 3000);
	assert_int_equal(r->cached_input_tokens, 1200);
	assert_int_equal(r->cache_write_tokens, 0);
	assert_int_equal(r->output_tokens, 250);
	assert_true(r->has_cost);
	assert_int_equal(r->cost_micros, 510); /* costDetails.total 0.00051 */
	assert_int_equal(r->ntags, 0);

	/* Anthropic's names; no costDetails.total: the parts are summed */
	r = &capture.records[1].r;
	assert_string_equal(r->id, "obs-7f3a9c03");
	assert_int_equal(r->time, INT64_C(1793781000)); /* 2026-11-04T08:30:00Z */
	assert_string_equal(r->template, "support-answer");
	assert_string_equal(r->template_version, "12");
	assert_string_equal(r->team, "support"); /* promptcost.team before team */
	assert_string_equal(r->use_case, "chat");
	assert_int_equal(r->input_tokens, 4520);
	assert_int_equal(r->cached_input_tokens, 4000);
	assert_int_equal(r->cache_write_tokens, 500);
	assert_int_equal(r->output_tokens, 300);
	assert_true(r->has_cost);
	assert_int_equal(r->cost_micros, 60 + 1200 + 1875 + 4500);
	assert_int_equal(r->ntags, 2);
	assert_string_equal(r->tags[0], "prompt:support-answer");
	assert_string_equal(r->tags[1], "tier:gold");

	/* LangChain's names; unknown keys by Langfuse's rule (contains input / output) */
	r = &capture.records[2].r;
	assert_int_equal(r->time, INT64_C(1793923199)); /* 2026-11-05T23:59:59Z */
	assert_string_equal(r->model, "gemini-1.5-flash");
	assert_string_equal(r->template, "ticket-triage");
	assert_string_equal(r->template_version, "a3f9c1e");
	assert_null(r->team);
	assert_int_equal(r->input_tokens, 100 + 50 + 8);
	assert_int_equal(r->cached_input_tokens, 50);
	assert_int_equal(r->output_tokens, 20 + 10);
	assert_false(r->has_cost);
	uc_release(&capture);
}

static void test_usage_langfuse__a_v2_api_page_maps_its_older_usage_fields(void **state)
{
	struct uc_capture capture;
	json_t *page = uc_load_json(PAGE_SAMPLE);
	const struct pc_usage_record *r;
	const json_t *observation;
	size_t i;

	(void)state;
	uc_init(&capture);
	/* as the splitter hands them: each element of data */
	json_array_foreach(json_object_get(page, "data"), i, observation)
		if (uc_map(&capture, pc_usage_map_langfuse, observation, 2))
			fail_msg("data[%zu]: %s", i, pc_error_message());
	assert_int_equal(capture.n, 2);

	r = &capture.records[0].r;
	assert_string_equal(r->id, "b1f4d0a2-7c66-4f0b-9d57-0c3a2e1f9a10");
	assert_int_equal(r->time, INT64_C(1728893565)); /* 2024-10-14T08:12:45Z */
	assert_string_equal(r->model, "gpt-4o-2024-08-06");
	assert_string_equal(r->template, "haiku-writer");
	assert_string_equal(r->template_version, "2");
	assert_int_equal(r->input_tokens, 1520);
	assert_int_equal(r->cached_input_tokens, 0);
	assert_int_equal(r->output_tokens, 88);
	assert_true(r->has_cost);
	assert_int_equal(r->cost_micros, 4680); /* calculatedTotalCost */

	r = &capture.records[1].r;
	assert_null(r->template);
	assert_null(r->template_version);
	assert_null(r->team);
	assert_string_equal(r->use_case, "drafts");
	assert_int_equal(r->input_tokens, 400);
	assert_int_equal(r->output_tokens, 60);
	assert_false(r->has_cost);
	uc_release(&capture);

	/* and the whole page, when a page is one line of JSONL */
	uc_init(&capture);
	assert_int_equal(uc_map(&capture, pc_usage_map_langfuse, page, 1), 0);
	assert_int_equal(capture.n, 2);
	uc_release(&capture);
	json_decref(page);
}

/* A generation that maps, with one member replaced (or removed when value is NULL). */
static const char *const GOOD =
	"{\"id\":\"g1\",\"type\":\"GENERATION\",\"startTime\":\"2026-11-03T14:05:10Z\","
	"\"model\":\"gpt-4o\",\"usageDetails\":{\"input\":10,\"output\":5}}";

static void fails_with(const char *key, const char *value, const char *message)
{
	struct uc_capture capture;
	json_t *object = json_loads(GOOD, 0, NULL);
	int error;

	assert_non_null(object);
	if (value) {
		json_t *v = json_loads(value, JSON_DECODE_ANY, NULL);

		assert_non_null(v);
		json_object_set_new(object, key, v);
	} else {
		json_object_del(object, key);
	}
	uc_init(&capture);
	error = uc_map(&capture, pc_usage_map_langfuse, object, 1);
	if (error != PC_EINPUT)
		fail_msg("%s=%s: expected an error '%s', got %d", key, value ? value : "(none)",
			 message, error);
	assert_string_equal(pc_error_message(), message);
	assert_int_equal(capture.n, 0);
	uc_release(&capture);
	json_decref(object);
}

static void test_usage_langfuse__missing_fields_and_wrong_types_name_the_field(void **state)
{
	struct uc_capture capture;

	(void)state;
	uc_init(&capture);
	assert_int_equal(uc_map_text(&capture, pc_usage_map_langfuse, GOOD), 0);
	assert_int_equal(capture.n, 1);
	uc_release(&capture);

	fails_with("id", NULL, "field 'id' is missing");
	fails_with("id", "null", "field 'id' is missing");
	fails_with("id", "42", "field 'id': expected a string, found an integer");
	fails_with("id", "\"\"", "field 'id' is empty"); /* found by fuzz_usage_langfuse */
	fails_with("model", "\"\"", "field 'model' is empty");
	fails_with("type", NULL, "field 'type' is missing (expected GENERATION, SPAN, EVENT...)");
	fails_with("type", "[]", "field 'type': expected a string, found an array");
	fails_with("startTime", NULL, "field 'startTime' is missing");
	fails_with("startTime", "1793714710",
		   "field 'startTime': expected an RFC 3339 time (a string), found an integer");
	fails_with("model", NULL, "field 'model' is missing");
	fails_with("model", "{}", "field 'model': expected a string, found an object");
	fails_with("promptName", "7", "field 'promptName': expected a string, found an integer");
	fails_with("promptVersion", "1.5",
		   "field 'promptVersion': expected a string or an integer, found a number");
	fails_with("usageDetails", NULL,
		   "field 'usageDetails' is missing (nor is there a 'usage' object): the "
		   "generation states no token counts");
	fails_with("usageDetails", "[1,2]",
		   "field 'usageDetails': expected an object, found an array");
	fails_with("usageDetails", "{\"input\":\"many\"}",
		   "field 'usageDetails.input': 'many' is not a count");
	fails_with("usageDetails", "{\"in\\nput\":true}",
		   "field 'usageDetails.in?put': expected a count, found a boolean");
	fails_with("usageDetails", "{\"input\":true}",
		   "field 'usageDetails.input': expected a count, found a boolean");
	fails_with("costDetails", "{\"total\":\"free\"}",
		   "field 'costDetails.total': 'free' is not a decimal amount");
	fails_with("costDetails", "[]", "field 'costDetails': expected an object");
	fails_with("tags", "[\"a\",3]", "field 'tags': element 1 is not a string");
	fails_with("metadata", "{\"team\":[\"x\"]}",
		   "field 'metadata.team': expected a string, found an array");
}

static void test_usage_langfuse__negative_absurd_counts_and_zoneless_times_are_refused(void **state)
{
	(void)state;
	fails_with("usageDetails", "{\"input\":-10,\"output\":5}",
		   "field 'usageDetails.input': negative count -10");
	fails_with("usageDetails", "{\"input\":10,\"output\":5000000000000000}",
		   "field 'usageDetails.output': absurd count 5000000000000000 (more than 10^15)");
	fails_with("usageDetails", "{\"input\":10,\"output\":2.5}",
		   "field 'usageDetails.output': 2.5 is not a whole count");
	fails_with("usageDetails",
		   "{\"input\":900000000000000,\"input_cached_tokens\":900000000000000}",
		   "field 'usageDetails.input_cached_tokens': absurd count (the parts add up to "
		   "more than 10^15)");
	fails_with("startTime", "\"2026-11-03T14:05:10.123\"",
		   "field 'startTime': time '2026-11-03T14:05:10.123' has no zone (expected Z or "
		   "+hh:mm/-hh:mm): it would be read in an unknown zone");
	fails_with("startTime", "\"2026-02-30T10:00:00Z\"",
		   "field 'startTime': time '2026-02-30T10:00:00Z' is out of range");
	fails_with("costDetails", "{\"total\":-0.01}", "field 'costDetails.total': negative cost -0.01");
	fails_with("calculatedTotalCost", "1e12",
		   "field 'calculatedTotalCost': absurd cost 1e+12 (more than 10^9)");
}

static void test_usage_langfuse__the_older_usage_object_is_read_when_usage_details_is_empty(void **state)
{
	struct uc_capture capture;

	(void)state;
	uc_init(&capture);
	assert_int_equal(uc_map_text(&capture, pc_usage_map_langfuse,
		"{\"id\":\"g\",\"type\":\"GENERATION\",\"startTime\":\"2026-11-03T14:05:10Z\","
		"\"model\":\"m\",\"usageDetails\":{},\"usage\":{\"input\":7,\"output\":3}}"), 0);
	/* usageDetails {} and no usage object: zero tokens, as stated */
	assert_int_equal(uc_map_text(&capture, pc_usage_map_langfuse,
		"{\"id\":\"h\",\"type\":\"GENERATION\",\"startTime\":\"2026-11-03T14:05:10Z\","
		"\"model\":\"m\",\"usageDetails\":{}}"), 0);
	/* v1: promptTokens on the observation itself */
	assert_int_equal(uc_map_text(&capture, pc_usage_map_langfuse,
		"{\"id\":\"i\",\"type\":\"GENERATION\",\"startTime\":\"2026-11-03T14:05:10Z\","
		"\"model\":\"m\",\"promptTokens\":11,\"completionTokens\":4,\"totalTokens\":15}"), 0);
	/* an empty promptName names no template */
	assert_int_equal(uc_map_text(&capture, pc_usage_map_langfuse,
		"{\"id\":\"j\",\"type\":\"GENERATION\",\"startTime\":\"2026-11-03T14:05:10Z\","
		"\"model\":\"m\",\"promptName\":\"\",\"usageDetails\":{}}"), 0);
	assert_null(capture.records[3].r.template);
	assert_int_equal(capture.n, 4);
	assert_int_equal(capture.records[0].r.input_tokens, 7);
	assert_int_equal(capture.records[0].r.output_tokens, 3);
	assert_int_equal(capture.records[1].r.input_tokens, 0);
	assert_int_equal(capture.records[2].r.input_tokens, 11);
	assert_int_equal(capture.records[2].r.output_tokens, 4);
	uc_release(&capture);

	uc_init(&capture);
	assert_int_equal(uc_map_text(&capture, pc_usage_map_langfuse,
		"{\"id\":\"g\",\"type\":\"GENERATION\",\"startTime\":\"2026-11-03T14:05:10Z\","
		"\"model\":\"m\",\"usage\":\"x\"}"), PC_EINPUT);
	assert_string_equal(pc_error_message(), "field 'usage': expected an object");
	assert_int_equal(uc_map_text(&capture, pc_usage_map_langfuse,
		"{\"id\":\"g\",\"type\":\"GENERATION\",\"startTime\":\"2026-11-03T14:05:10Z\","
		"\"model\":\"m\",\"usage\":{\"input\":-1}}"), PC_EINPUT);
	assert_string_equal(pc_error_message(), "field 'usage.input': negative count -1");
	assert_int_equal(uc_map_text(&capture, pc_usage_map_langfuse, "[1]"), PC_EINPUT);
	assert_string_equal(pc_error_message(), "expected a Langfuse observation (a JSON object)");
	/* a span missing everything is still only a span */
	assert_int_equal(uc_map_text(&capture, pc_usage_map_langfuse, "{\"type\":\"SPAN\"}"), 0);
	assert_int_equal(capture.n, 0);
	uc_release(&capture);
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

/* Through the input layer: told from its content, split, located. */
static void test_usage_langfuse__the_samples_read_through_pc_usage_read(void **state)
{
	struct capture c;

	(void)state;
	assert_int_equal(detected(EXPORT_SAMPLE), PC_USAGE_LANGFUSE);
	assert_int_equal(detected(PAGE_SAMPLE), PC_USAGE_LANGFUSE);
	cap_init(&c);
	assert_int_equal(cap_read_file(&c, EXPORT_SAMPLE, PC_USAGE_AUTO, 0), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.records[0].line, 1);
	assert_int_equal(c.records[1].line, 3);
	assert_int_equal(c.records[2].line, 5);
	assert_string_equal(c.records[1].r.id, "obs-7f3a9c03");
	assert_int_equal(c.records[1].r.input_tokens, 4520);
	assert_int_equal(c.records[1].r.cost_micros, 7635);
	cap_release(&c);

	/* a pretty-printed page: each element of data at the line it starts on */
	cap_init(&c);
	assert_int_equal(cap_read_file(&c, PAGE_SAMPLE, PC_USAGE_AUTO, 0), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.records[0].line, 3);
	assert_int_equal(c.records[1].line, 34);
	assert_string_equal(c.records[0].r.template, "haiku-writer");
	assert_int_equal(c.records[1].r.input_tokens, 400);
	cap_release(&c);
}

static void test_usage_langfuse__a_bad_observation_is_located_or_set_aside(void **state)
{
	static const char text[] =
		"{\"id\":\"a\",\"type\":\"GENERATION\",\"startTime\":\"2026-11-03T14:05:10Z\","
		"\"model\":\"gpt-4o\",\"usageDetails\":{\"input\":10,\"output\":5}}\n"
		"{\"id\":\"b\",\"type\":\"GENERATION\",\"startTime\":\"2026-11-03T14:05:10\","
		"\"model\":\"gpt-4o\",\"usageDetails\":{\"input\":10,\"output\":5}}\n"
		"{\"id\":\"c\",\"type\":\"GENERATION\",\"startTime\":\"2026-11-03T14:05:11Z\","
		"\"model\":\"gpt-4o\",\"usageDetails\":{\"input\":-1,\"output\":5}}\n"
		"{\"id\":\"d\",\"type\":\"GENERATION\",\"startTime\":\"2026-11-03T14:05:12Z\","
		"\"model\":\"gpt-4o\",\"usageDetails\":{\"input\":10,\"output\":5}}\n";
	struct capture c;

	(void)state;
	cap_init(&c);
	assert_int_equal(cap_read_text(&c, "lf.jsonl", text, sizeof(text) - 1, PC_USAGE_LANGFUSE),
			 PC_EINPUT);
	assert_string_equal(strstr(pc_error_message(), "/lf.jsonl:") + 1,
			    "lf.jsonl:2: field 'startTime': time '2026-11-03T14:05:10' has no zone "
			    "(expected Z or +hh:mm/-hh:mm): it would be read in an unknown zone");
	cap_release(&c);

	cap_init(&c);
	c.set_aside = true;
	assert_int_equal(cap_read_text(&c, "lf.jsonl", text, sizeof(text) - 1, PC_USAGE_AUTO), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.records[0].r.id, "a");
	assert_string_equal(c.records[1].r.id, "d");
	assert_int_equal(c.nbad, 2);
	assert_int_equal(c.bad_lines[0], 2);
	assert_int_equal(c.bad_lines[1], 3);
	assert_string_equal(c.bad_messages[1], "field 'usageDetails.input': negative count -1");
	cap_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage_langfuse__generations_are_records_other_observations_are_not),
		cmocka_unit_test(test_usage_langfuse__v3_usage_details_are_disjoint_parts_summed_into_input),
		cmocka_unit_test(test_usage_langfuse__a_v2_api_page_maps_its_older_usage_fields),
		cmocka_unit_test(test_usage_langfuse__missing_fields_and_wrong_types_name_the_field),
		cmocka_unit_test(test_usage_langfuse__negative_absurd_counts_and_zoneless_times_are_refused),
		cmocka_unit_test(test_usage_langfuse__the_older_usage_object_is_read_when_usage_details_is_empty),
		cmocka_unit_test(test_usage_langfuse__the_samples_read_through_pc_usage_read),
		cmocka_unit_test(test_usage_langfuse__a_bad_observation_is_located_or_set_aside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
