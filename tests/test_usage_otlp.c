/*
 * Tests of the OpenTelemetry GenAI importer (src/usage/otlp.c) on
 * tests/usage/otlp-genai-spans.jsonl, written from:
 *
 * - OTLP/JSON as specified in opentelemetry-proto, docs/specification.md,
 *   "JSON Protobuf Encoding" (ids in hex, not base64; int64 values such as
 *   intValue and startTimeUnixNano as decimal strings, numbers accepted;
 *   lowerCamelCase keys), one ExportTraceServiceRequest per line as the
 *   collector's file exporter writes (opentelemetry-collector-contrib,
 *   exporter/fileexporter), its metrics lines beside the traces.
 * - The GenAI semantic conventions of open-telemetry/semantic-conventions
 *   (v1.40 and the registry after it): model/gen-ai/registry.yaml
 *   (gen_ai.operation.name, gen_ai.provider.name, gen_ai.request.model,
 *   gen_ai.response.model, gen_ai.usage.input_tokens / output_tokens,
 *   gen_ai.usage.cache_read.input_tokens and
 *   gen_ai.usage.cache_creation.input_tokens, which "SHOULD be included in
 *   gen_ai.usage.input_tokens", gen_ai.prompt.name) and
 *   model/gen-ai/deprecated/registry-deprecated.yaml (gen_ai.usage.prompt_tokens
 *   and completion_tokens renamed to input_tokens / output_tokens,
 *   gen_ai.system renamed to gen_ai.provider.name); OpenLLMetry's
 *   gen_ai.usage.cache_creation_input_tokens / cache_read_input_tokens (the
 *   underscore spellings Sentry's relay conventions list as deprecated
 *   aliases).
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

#define SAMPLE "tests/usage/otlp-genai-spans.jsonl"

static void map_sample(struct uc_capture *capture)
{
	size_t n;
	json_t **lines = uc_load_jsonl(SAMPLE, &n);

	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++)
		if (uc_map(capture, pc_usage_map_otlp, lines[i], i + 1))
			fail_msg("line %zu: %s", i + 1, pc_error_message());
	uc_free_values(lines, n);
}

static void test_usage_otlp__model_call_spans_are_records_others_are_not(void **state)
{
	struct uc_capture capture;

	(void)state;
	uc_init(&capture);
	map_sample(&capture);
	/*
	 * line 1: a chat span (a record), an HTTP span and an execute_tool span
	 * (not); line 2: a chat span of the older conventions (a record) and the
	 * invoke_agent span above it (its usage is the chat's: not); line 3:
	 * metrics; line 4: an embeddings span.
	 */
	assert_int_equal(capture.n, 3);
	assert_int_equal(capture.records[0].line, 1);
	assert_int_equal(capture.records[1].line, 2);
	assert_int_equal(capture.records[2].line, 4);
	uc_release(&capture);
}

static void test_usage_otlp__current_and_deprecated_attribute_names_map_alike(void **state)
{
	struct uc_capture capture;
	const struct pc_usage_record *r;

	(void)state;
	uc_init(&capture);
	map_sample(&capture);

	r = &capture.records[0].r;
	assert_string_equal(r->id, "5b8efff798038103d269b633813fc60c:eee19b7ec3c1b174");
	assert_int_equal(r->time, INT64_C(1793714710)); /* startTimeUnixNano, truncated */
	assert_string_equal(r->model, "gpt-4o-mini");   /* the request's, not the snapshot */
	assert_string_equal(r->provider, "openai");
	assert_string_equal(r->template, "refund-reply");
	assert_string_equal(r->template_version, "9f1c2ab"); /* the resource's service.version */
	assert_string_equal(r->team, "payments");            /* the resource's promptcost.team */
	assert_string_equal(r->use_case, "refunds");
	assert_int_equal(r->calls, 1);
	assert_int_equal(r->input_tokens, 1200);
	assert_int_equal(r->cached_input_tokens, 1024);
	assert_int_equal(r->cache_write_tokens, 0);
	assert_int_equal(r->output_tokens, 180);
	assert_false(r->has_cost);
	assert_null(r->project);
	assert_null(r->api_key);

	r = &capture.records[1].r;
	assert_string_equal(r->id, "0af7651916cd43dd8448eb211c80319c:b7ad6b7169203331");
	assert_int_equal(r->time, INT64_C(1793781000)); /* a number, not a string */
	assert_string_equal(r->model, "claude-3-5-sonnet-20241022");
	assert_string_equal(r->provider, "anthropic");        /* gen_ai.system */
	assert_string_equal(r->template, "contract-review");  /* promptcost.template */
	assert_string_equal(r->template_version, "v14");      /* before service.version */
	assert_string_equal(r->team, "legal");
	assert_null(r->use_case);
	assert_int_equal(r->input_tokens, 5400);              /* gen_ai.usage.prompt_tokens */
	assert_int_equal(r->cached_input_tokens, 0);
	assert_int_equal(r->cache_write_tokens, 4000);
	assert_int_equal(r->output_tokens, 310);              /* gen_ai.usage.completion_tokens */

	r = &capture.records[2].r;
	assert_int_equal(r->time, INT64_C(1793923199));
	assert_string_equal(r->model, "text-embedding-005");
	assert_string_equal(r->provider, "gcp.vertex_ai");
	assert_string_equal(r->template, "doc-embedding");
	assert_string_equal(r->template_version, "7");        /* an intValue */
	assert_null(r->team);
	assert_int_equal(r->input_tokens, 64);
	assert_int_equal(r->output_tokens, 0);                /* embeddings have none */
	uc_release(&capture);
}

/*
 * One line with one span: attrs are its attributes (a JSON fragment), the
 * span's other members as given.
 */
static char *one_span(const char *span_members, const char *attrs)
{
	char *text = NULL;

	if (asprintf(&text,
		     "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{"
		     "\"scope\":{\"name\":\"t\"},\"spans\":[{%s\"attributes\":[%s]}]}]}]}",
		     span_members, attrs) < 0)
		abort();
	return text;
}

#define IDS "\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\","
#define START "\"startTimeUnixNano\":\"1793714710000000000\","
#define CHAT "{\"key\":\"gen_ai.operation.name\",\"value\":{\"stringValue\":\"chat\"}}," \
	"{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"gpt-4o\"}}"
#define IN(v) ",{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":" v "}}"
#define OUT(v) ",{\"key\":\"gen_ai.usage.output_tokens\",\"value\":{\"intValue\":" v "}}"
#define AT "resourceSpans[0].scopeSpans[0].spans[0]."

static int map_one(struct uc_capture *capture, const char *members, const char *attrs)
{
	char *text = one_span(members, attrs);
	int result = uc_map_text(capture, pc_usage_map_otlp, text);

	free(text);
	return result;
}

static void span_fails(const char *members, const char *attrs, const char *message)
{
	struct uc_capture capture;
	int error;

	uc_init(&capture);
	error = map_one(&capture, members, attrs);
	if (error != PC_EINPUT)
		fail_msg("expected '%s', got %d", message, error);
	assert_string_equal(pc_error_message(), message);
	assert_int_equal(capture.n, 0);
	uc_release(&capture);
}

static void test_usage_otlp__missing_fields_and_wrong_types_name_the_field(void **state)
{
	struct uc_capture capture;

	(void)state;
	uc_init(&capture);
	assert_int_equal(map_one(&capture, IDS START, CHAT IN("\"10\"") OUT("5")), 0);
	assert_int_equal(capture.n, 1);
	uc_release(&capture);

	span_fails(IDS START, CHAT OUT("5"),
		   "field '" AT "attributes[gen_ai.usage.input_tokens]' is missing (a GenAI span "
		   "without its token usage)");
	span_fails(IDS START, CHAT IN("10"),
		   "field '" AT "attributes[gen_ai.usage.output_tokens]' is missing");
	span_fails(IDS START, "{\"key\":\"gen_ai.operation.name\",\"value\":{\"stringValue\":\"chat\"}}"
		   IN("10") OUT("5"),
		   "field '" AT "attributes[gen_ai.request.model]' is missing (nor is "
		   "gen_ai.response.model set)");
	span_fails(IDS, CHAT IN("10") OUT("5"), "field '" AT "startTimeUnixNano' is missing");
	span_fails("\"spanId\":\"eee19b7ec3c1b174\"," START, CHAT IN("10") OUT("5"),
		   "field '" AT "traceId' is missing");
	span_fails("\"traceId\":\"5b8efff798038103d269b633813fc60c\"," START, CHAT IN("10") OUT("5"),
		   "field '" AT "spanId' is missing");
	span_fails("\"traceId\":\"xyz\",\"spanId\":\"eee19b7ec3c1b174\"," START, CHAT IN("10") OUT("5"),
		   "field '" AT "traceId': 'xyz' is not a 16-byte id in hex");
	span_fails("\"traceId\":\"00000000000000000000000000000000\",\"spanId\":\"eee19b7ec3c1b174\","
		   START, CHAT IN("10") OUT("5"),
		   "field '" AT "traceId': the id is all zeros (not set)");
	span_fails("\"traceId\":7,\"spanId\":\"eee19b7ec3c1b174\"," START, CHAT IN("10") OUT("5"),
		   "field '" AT "traceId': expected a string, found an integer");
	span_fails(IDS START, CHAT IN("10")
		   ",{\"key\":\"gen_ai.usage.output_tokens\",\"value\":{\"stringValue\":\"5\"}}",
		   "field '" AT "attributes[gen_ai.usage.output_tokens]': expected an intValue");
	span_fails(IDS START, CHAT IN("true") OUT("5"),
		   "field '" AT "attributes[gen_ai.usage.input_tokens]': expected a count, found a "
		   "boolean");
	span_fails(IDS START, "{\"key\":\"gen_ai.operation.name\",\"value\":{\"intValue\":\"3\"}}"
		   IN("10") OUT("5"),
		   "field '" AT "attributes[gen_ai.operation.name]': expected a stringValue");
	span_fails(IDS START, "7", "field '" AT "attributes[0]': expected an attribute {key, value}");

	uc_init(&capture);
	assert_int_equal(uc_map_text(&capture, pc_usage_map_otlp, "{\"resourceSpans\":{}}"), PC_EINPUT);
	assert_string_equal(pc_error_message(), "field 'resourceSpans': expected an array");
	assert_int_equal(uc_map_text(&capture, pc_usage_map_otlp, "{\"spans\":[]}"), PC_EINPUT);
	assert_string_equal(pc_error_message(),
			    "field 'resourceSpans' is missing (not an OTLP trace export)");
	assert_int_equal(uc_map_text(&capture, pc_usage_map_otlp, "[]"), PC_EINPUT);
	assert_int_equal(uc_map_text(&capture, pc_usage_map_otlp,
				     "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[3]}]}]}"),
			 PC_EINPUT);
	assert_string_equal(pc_error_message(),
			    "field 'resourceSpans[0].scopeSpans[0].spans[0]': expected a span (an "
			    "object)");
	assert_int_equal(uc_map_text(&capture, pc_usage_map_otlp,
				     "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":{}}]}]}"),
			 PC_EINPUT);
	assert_string_equal(pc_error_message(),
			    "field 'resourceSpans[0].scopeSpans[0].spans': expected an array");
	assert_int_equal(capture.n, 0);
	uc_release(&capture);
}

static void test_usage_otlp__bad_counts_and_invalid_nanos_are_refused(void **state)
{
	(void)state;
	span_fails(IDS START, CHAT IN("\"-10\"") OUT("5"),
		   "field '" AT "attributes[gen_ai.usage.input_tokens]': negative count -10");
	span_fails(IDS START, CHAT IN("-10") OUT("5"),
		   "field '" AT "attributes[gen_ai.usage.input_tokens]': negative count -10");
	span_fails(IDS START, CHAT IN("\"2000000000000000\"") OUT("5"),
		   "field '" AT "attributes[gen_ai.usage.input_tokens]': absurd count "
		   "2000000000000000 (more than 10^15)");
	span_fails(IDS START, CHAT IN("\"12.5\"") OUT("5"),
		   "field '" AT "attributes[gen_ai.usage.input_tokens]': '12.5' is not a count");
	span_fails(IDS START, CHAT IN("10") OUT("5")
		   ",{\"key\":\"gen_ai.usage.cache_read.input_tokens\",\"value\":{\"intValue\":\"11\"}}",
		   "field '" AT "attributes[gen_ai.usage.input_tokens]': 11 cached and cache-write "
		   "tokens are more than the 10 input tokens, which include them");
	span_fails(IDS "\"startTimeUnixNano\":\"0\",", CHAT IN("10") OUT("5"),
		   "field '" AT "startTimeUnixNano': time is 0 (not set)");
	span_fails(IDS "\"startTimeUnixNano\":\"-1793714710000000000\",", CHAT IN("10") OUT("5"),
		   "field '" AT "startTimeUnixNano': '-1793714710000000000' is not a time in "
		   "nanoseconds since 1970 (digits only)");
	span_fails(IDS "\"startTimeUnixNano\":\"2026-11-03T14:05:10Z\",", CHAT IN("10") OUT("5"),
		   "field '" AT "startTimeUnixNano': '2026-11-03T14:05:10Z' is not a time in "
		   "nanoseconds since 1970 (digits only)");
	span_fails(IDS "\"startTimeUnixNano\":\"99999999999999999999\",", CHAT IN("10") OUT("5"),
		   "field '" AT "startTimeUnixNano': time '99999999999999999999' nanoseconds is out "
		   "of range");
	span_fails(IDS "\"startTimeUnixNano\":1.7937147e18,", CHAT IN("10") OUT("5"),
		   "field '" AT "startTimeUnixNano': expected nanoseconds since 1970 (a string or an "
		   "integer), found a number");
}

static void test_usage_otlp__ids_in_base64_and_counts_as_doubles_are_read(void **state)
{
	struct uc_capture capture;

	(void)state;
	uc_init(&capture);
	/* protobuf's JSON mapping writes bytes in base64: the same ids as IDS */
	assert_int_equal(map_one(&capture,
		"\"traceId\":\"W47/95gDgQPSabYzgT/GDA==\",\"spanId\":\"7uGbfsPBsXQ=\"," START,
		CHAT ",{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"doubleValue\":120.0}}"
		OUT("5")), 0);
	assert_int_equal(capture.n, 1);
	assert_string_equal(capture.records[0].r.id,
			    "5b8efff798038103d269b633813fc60c:eee19b7ec3c1b174");
	assert_int_equal(capture.records[0].r.input_tokens, 120);
	/* usage without an operation name (conventions before it): a model call */
	assert_int_equal(map_one(&capture, IDS START,
		"{\"key\":\"gen_ai.response.model\",\"value\":{\"stringValue\":\"gpt-4o-2024-08-06\"}}"
		IN("1") OUT("2")), 0);
	assert_int_equal(capture.n, 2);
	assert_string_equal(capture.records[1].r.model, "gpt-4o-2024-08-06");
	/* a span with only a model and no usage or operation is not GenAI usage */
	assert_int_equal(map_one(&capture, IDS START,
		"{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"gpt-4o\"}}"), 0);
	/* nor does a bad value on a span that is not GenAI stop the import */
	assert_int_equal(map_one(&capture, "", "{\"key\":\"promptcost.team\",\"value\":{\"intValue\":1}}"), 0);
	assert_int_equal(capture.n, 2);
	/* an empty name names no template */
	assert_int_equal(map_one(&capture, IDS START, CHAT IN("1") OUT("2")
		",{\"key\":\"gen_ai.prompt.name\",\"value\":{\"stringValue\":\"\"}}"), 0);
	assert_int_equal(capture.n, 3);
	assert_null(capture.records[2].r.template);
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

/* Through the input layer: told from its content, one line a batch, located. */
static void test_usage_otlp__the_sample_reads_through_pc_usage_read(void **state)
{
	struct capture c;
	char *line0 = one_span(IDS START, CHAT IN("10") OUT("5"));
	char *line1 = one_span(IDS "\"startTimeUnixNano\":\"0\",", CHAT IN("10") OUT("5"));
	struct pc_buf text = PC_BUF_INIT;

	(void)state;
	assert_int_equal(detected(SAMPLE), PC_USAGE_OTLP);
	cap_init(&c);
	assert_int_equal(cap_read_file(&c, SAMPLE, PC_USAGE_AUTO, 0), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.records[0].line, 1);
	assert_int_equal(c.records[1].line, 2);
	assert_int_equal(c.records[2].line, 4);
	assert_string_equal(c.records[0].r.template_version, "9f1c2ab");
	assert_int_equal(c.records[1].r.cache_write_tokens, 4000);
	cap_release(&c);

	/* a file exporter's metrics line first: still OTLP, passed over */
	{
		static const char metrics[] =
			"{\"resourceMetrics\":[{\"resource\":{\"attributes\":[]},\"scopeMetrics\":[]}]}\n";
		struct pc_buf both = PC_BUF_INIT;

		pc_buf_addf(&both, "%s%s\n", metrics, line0);
		cap_init(&c);
		assert_int_equal(cap_read_text(&c, "mixed.json", metrics, sizeof(metrics) - 1,
					       PC_USAGE_AUTO), 0);
		assert_int_equal(c.n, 0);
		assert_int_equal(cap_read_text(&c, "mixed.json", both.ptr, both.len, PC_USAGE_AUTO), 0);
		assert_int_equal(c.n, 1);
		assert_int_equal(c.records[0].line, 2);
		cap_release(&c);
		pc_buf_release(&both);
	}

	pc_buf_addf(&text, "%s\n%s\n%s\n", line0, line1, line0);
	cap_init(&c);
	assert_int_equal(cap_read_text(&c, "spans.json", text.ptr, text.len, PC_USAGE_AUTO),
			 PC_EINPUT);
	assert_string_equal(strstr(pc_error_message(), "/spans.json:") + 1,
			    "spans.json:2: field 'resourceSpans[0].scopeSpans[0]."
			    "spans[0].startTimeUnixNano': time is 0 (not set)");
	assert_int_equal(c.n, 1);
	cap_release(&c);
	cap_init(&c);
	c.set_aside = true;
	assert_int_equal(cap_read_text(&c, "spans.json", text.ptr, text.len, PC_USAGE_OTLP), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.nbad, 1);
	assert_int_equal(c.bad_lines[0], 2);
	cap_release(&c);
	pc_buf_release(&text);
	free(line0);
	free(line1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage_otlp__model_call_spans_are_records_others_are_not),
		cmocka_unit_test(test_usage_otlp__current_and_deprecated_attribute_names_map_alike),
		cmocka_unit_test(test_usage_otlp__missing_fields_and_wrong_types_name_the_field),
		cmocka_unit_test(test_usage_otlp__bad_counts_and_invalid_nanos_are_refused),
		cmocka_unit_test(test_usage_otlp__ids_in_base64_and_counts_as_doubles_are_read),
		cmocka_unit_test(test_usage_otlp__the_sample_reads_through_pc_usage_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
