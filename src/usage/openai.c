/*
 * OpenAI's organization usage API onto usage records: the pages of
 * GET /v1/organization/usage/completions ({object: "page", data: [buckets],
 * has_more, next_page}), each bucket's results one record, its calls
 * num_model_requests, its time the bucket's start. The API groups by
 * project, user, API key, model, batch (and service tier, API source) only
 * when asked (group_by); the configuration maps projects and keys to
 * templates.
 *
 * The source has no record id. Each record's id is made from what
 * identifies a result: the bucket's start and end and the grouping values
 * the result carries, so that importing a page again, or a later page that
 * overlaps it, counts each bucket once. The id never contains the counts:
 * a bucket still open when it was fetched (today's) is not replaced by the
 * same bucket fetched complete later; fetch closed buckets only (end_time
 * before now).
 */
#include "usage_int.h"

#include <stdio.h>
#include <string.h>

/* What a result's key feeds. */
enum target {
	T_OBJECT,
	T_INPUT,
	T_CACHE_READ,
	T_CACHE_WRITE,
	T_CACHE_WRITE_12H,
	T_OUTPUT,
	T_CALLS,
	T_PROJECT,
	T_USER,
	T_API_KEY,
	T_MODEL,
	T_BATCH,
	T_SERVICE_TIER,
	T_API_SOURCE,
	T_COUNT_OF_TARGETS
};

enum kind { K_STRING, K_COUNT, K_BOOL };

/*
 * A result's fields. input_tokens is all input ("including cached and
 * cache-write tokens"); input_cached_tokens and the cache writes are parts of
 * it. Audio and image tokens are parts of input_tokens and output_tokens in
 * the current reference and are not counted again. `group` marks the
 * grouping fields, in the order they make the id.
 */
static const struct result_rule {
	const char *key;
	enum target target;
	enum kind kind;
	bool required;
	bool group;
} results[] = {
	{ "object", T_OBJECT, K_STRING, true, false },
	{ "input_tokens", T_INPUT, K_COUNT, true, false },
	{ "input_cached_tokens", T_CACHE_READ, K_COUNT, false, false },
	{ "input_cache_write_tokens", T_CACHE_WRITE, K_COUNT, false, false },
	{ "input_cache_write_12h_tokens", T_CACHE_WRITE_12H, K_COUNT, false, false },
	{ "output_tokens", T_OUTPUT, K_COUNT, true, false },
	{ "num_model_requests", T_CALLS, K_COUNT, true, false },
	{ "project_id", T_PROJECT, K_STRING, false, true },
	{ "user_id", T_USER, K_STRING, false, true },
	{ "api_key_id", T_API_KEY, K_STRING, false, true },
	{ "model", T_MODEL, K_STRING, false, true },
	{ "batch", T_BATCH, K_BOOL, false, true },
	{ "service_tier", T_SERVICE_TIER, K_STRING, false, true },
	{ "api_source", T_API_SOURCE, K_STRING, false, true },
};
#define NRESULTS (sizeof(results) / sizeof(results[0]))

#define RESULT_OBJECT "organization.usage.completions.result"

/* The id: "openai:<start>-<end>" and "|key=value" for each grouping value present. */
#define ID_MAX 1024

/*
 * Appends "|key=value" to id, with '|' and '%' in value escaped as %7C, %25.
 * False when the id would not fit: never a cut id, which could name two
 * results alike.
 */
static bool id_append(char *id, size_t *len, const char *key, const char *value)
{
	int n = snprintf(id + *len, ID_MAX - *len, "|%s=", key);

	if (n < 0 || (size_t)n >= ID_MAX - *len)
		return false;
	*len += (size_t)n;
	for (const char *p = value; *p; p++) {
		if (*len + 4 >= ID_MAX)
			return false;
		if (*p == '|' || *p == '%')
			*len += (size_t)snprintf(id + *len, ID_MAX - *len, "%%%02X",
						 (unsigned)(unsigned char)*p);
		else
			id[(*len)++] = *p;
	}
	id[*len] = '\0';
	return true;
}

static int map_result(const json_t *result, int64_t start, int64_t end, const char *bucket,
		      size_t index, struct pc_usage_emit *emit)
{
	const char *strings[T_COUNT_OF_TARGETS] = { NULL };
	int64_t counts[T_COUNT_OF_TARGETS] = { 0 };
	struct pc_usage_record record;
	char field[160], id[ID_MAX];
	size_t id_len;
	int error;

	pc_usage_record_init(&record);
	if (!json_is_object(result))
		return pc_error_set(PC_EINPUT, "field '%sresults[%zu]': expected an object",
				    bucket, index);
	for (size_t i = 0; i < NRESULTS; i++) {
		const struct result_rule *rule = &results[i];
		const json_t *value = json_object_get(result, rule->key);

		snprintf(field, sizeof(field), "%sresults[%zu].%s", bucket, index, rule->key);
		if (!value || json_is_null(value)) {
			if (rule->required)
				return pc_error_set(PC_EINPUT, "field '%s' is missing", field);
			continue;
		}
		switch (rule->kind) {
		case K_STRING:
			error = pc_usage_json_string(&strings[rule->target], value, field);
			break;
		case K_COUNT:
			error = pc_usage_json_count(&counts[rule->target], value, field);
			break;
		case K_BOOL:
			if (!json_is_boolean(value))
				return pc_error_set(PC_EINPUT, "field '%s': expected true, false or "
						    "null", field);
			strings[rule->target] = json_is_true(value) ? "true" : "false";
			error = 0;
			break;
		default:
			error = 0;
		}
		if (error < 0)
			return error;
		if (strings[rule->target] && !*strings[rule->target])
			strings[rule->target] = NULL; /* "" groups nothing: as null */
	}
	if (!strings[T_OBJECT] || strcmp(strings[T_OBJECT], RESULT_OBJECT)) {
		char quoted[64];

		return pc_error_set(PC_EINPUT, "field '%sresults[%zu].object': '%s' is not a "
				    "completions result (expected '" RESULT_OBJECT "')", bucket, index,
				    pc_usage_quote(quoted, sizeof(quoted),
						   strings[T_OBJECT] ? strings[T_OBJECT] : ""));
	}

	if (counts[T_CALLS] == 0) {
		/* a group with no requests is nothing; tokens without a request are a contradiction */
		if (counts[T_INPUT] || counts[T_OUTPUT])
			return pc_error_set(PC_EINPUT, "field '%sresults[%zu].num_model_requests'"
					    ": 0 requests, yet %lld input and %lld output tokens",
					    bucket, index, (long long)counts[T_INPUT],
					    (long long)counts[T_OUTPUT]);
		return 0;
	}
	if (!strings[T_MODEL])
		return pc_error_set(PC_EINPUT, "field '%sresults[%zu].model' is null: usage "
				    "not grouped by model cannot be priced (fetch it with "
				    "group_by=model)", bucket, index);
	record.cache_write_tokens = counts[T_CACHE_WRITE] + counts[T_CACHE_WRITE_12H];
	if (counts[T_CACHE_READ] + record.cache_write_tokens > counts[T_INPUT])
		return pc_error_set(PC_EINPUT, "field '%sresults[%zu].input_tokens': %lld "
				    "cached and cache-write tokens are more than the %lld input "
				    "tokens, which include them", bucket, index,
				    (long long)(counts[T_CACHE_READ] + record.cache_write_tokens),
				    (long long)counts[T_INPUT]);

	id_len = (size_t)snprintf(id, sizeof(id), "openai:%lld-%lld", (long long)start,
				  (long long)end);
	for (size_t i = 0; i < NRESULTS; i++)
		if (results[i].group && strings[results[i].target] &&
		    !id_append(id, &id_len, results[i].key, strings[results[i].target]))
			return pc_error_set(PC_EINPUT, "field '%sresults[%zu].%s': the grouping values "
					    "are too long to identify the result (more than %d bytes)",
					    bucket, index, results[i].key, ID_MAX);

	record.time = start;
	record.id = id;
	record.provider = "openai";
	record.model = strings[T_MODEL];
	record.project = strings[T_PROJECT];
	record.api_key = strings[T_API_KEY];
	record.calls = counts[T_CALLS];
	record.input_tokens = counts[T_INPUT];
	record.cached_input_tokens = counts[T_CACHE_READ];
	record.output_tokens = counts[T_OUTPUT];
	return pc_usage_emit_record(emit, &record);
}

/* A bucket's bound: Unix seconds, an integer. */
static int bucket_time(int64_t *out, const json_t *bucket, const char *key, const char *index)
{
	const json_t *value = json_object_get(bucket, key);

	if (!value || json_is_null(value))
		return pc_error_set(PC_EINPUT, "field '%s%s' is missing", index, key);
	if (!json_is_integer(value))
		return pc_error_set(PC_EINPUT, "field '%s%s': expected Unix seconds (an "
				    "integer)", index, key);
	*out = json_integer_value(value);
	if (*out <= 0 || *out > INT64_C(253402300799)) /* 9999-12-31T23:59:59Z */
		return pc_error_set(PC_EINPUT, "field '%s%s': %lld is not a time in Unix "
				    "seconds", index, key, (long long)*out);
	return 0;
}

/* where: "data[3]." in a page, "" for a bucket on its own. */
static int map_bucket(const json_t *bucket, const char *index, struct pc_usage_emit *emit)
{
	const json_t *object, *list, *result;
	int64_t start, end;
	size_t i;
	int error;

	if (!json_is_object(bucket))
		return pc_error_set(PC_EINPUT, "field '%.*s': expected a bucket (an object)",
				    (int)(strlen(index) ? strlen(index) - 1 : 0), index);
	object = json_object_get(bucket, "object");
	if (object && !(json_is_string(object) && !strcmp(json_string_value(object), "bucket")))
		return pc_error_set(PC_EINPUT, "field '%sobject': expected \"bucket\"", index);
	if ((error = bucket_time(&start, bucket, "start_time", index)) < 0 ||
	    (error = bucket_time(&end, bucket, "end_time", index)) < 0)
		return error;
	if (end <= start)
		return pc_error_set(PC_EINPUT, "field '%send_time': %lld is not after "
				    "start_time %lld", index, (long long)end, (long long)start);
	list = json_object_get(bucket, "results");
	if (!list)
		return pc_error_set(PC_EINPUT, "field '%sresults' is missing", index);
	if (!json_is_array(list))
		return pc_error_set(PC_EINPUT, "field '%sresults': expected an array", index);
	json_array_foreach(list, i, result)
		if ((error = map_result(result, start, end, index, i, emit)) < 0)
			return error;
	return 0;
}

int pc_usage_map_openai(const json_t *element, struct pc_usage_emit *emit)
{
	const json_t *object, *data, *bucket;
	size_t i;
	int error;

	if (!json_is_object(element))
		return pc_error_set(PC_EINPUT, "expected an OpenAI usage page (a JSON object)");
	object = json_object_get(element, "object");
	/*
	 * A bucket on its own: the splitter hands over each element of a
	 * pretty-printed page's data, and scripts save data[] one per line.
	 */
	if ((json_is_string(object) && !strcmp(json_string_value(object), "bucket")) ||
	    (!object && !json_object_get(element, "data") && json_object_get(element, "results")))
		return map_bucket(element, "", emit);
	if (object && !(json_is_string(object) && !strcmp(json_string_value(object), "page")))
		return pc_error_set(PC_EINPUT, "field 'object': expected \"page\"");
	data = json_object_get(element, "data");
	if (!data)
		return pc_error_set(PC_EINPUT, "field 'data' is missing");
	if (!json_is_array(data))
		return pc_error_set(PC_EINPUT, "field 'data': expected an array of buckets");
	json_array_foreach(data, i, bucket) {
		char where[32];

		snprintf(where, sizeof(where), "data[%zu].", i);
		if ((error = map_bucket(bucket, where, emit)) < 0)
			return error;
	}
	return 0;
}
