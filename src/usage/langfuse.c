/*
 * Langfuse observations onto usage records: the UI's and the blob storage's
 * exports (JSONL or a JSON array of observations) and the public API's
 * `GET /api/public/observations` pages (the splitter hands over each element
 * of `data`). Only generations are LLM calls; spans, events and the agent,
 * tool and chain observations are skipped. The fields moved between Langfuse
 * versions (`usage` -> `usageDetails`, `calculatedTotalCost` ->
 * `costDetails`), so each is read from the first of its names present, in the
 * order of the tables below.
 */
#include "usage_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* What a source key feeds. */
enum target {
	T_ID,
	T_TYPE,
	T_TIME,
	T_MODEL,
	T_TEMPLATE,
	T_VERSION,
	T_TEAM,
	T_USE_CASE,
	T_TAGS,
	T_COST,
	T_COUNT_OF_TARGETS
};

/* How its value is read. */
enum kind { K_STRING, K_TIME, K_LABEL, K_TAGS, K_COST };

/*
 * The observation's fields. Paths name nested keys with '/' (metadata keys
 * may hold dots). For each target the first path present (and not null)
 * wins; a required target with none present is an error naming the first.
 */
static const struct field_rule {
	const char *path;
	enum target target;
	enum kind kind;
	bool required;
} fields[] = {
	{ "id", T_ID, K_STRING, true },
	{ "type", T_TYPE, K_STRING, true },
	{ "startTime", T_TIME, K_TIME, true },
	{ "model", T_MODEL, K_STRING, true },
	{ "promptName", T_TEMPLATE, K_STRING, false },
	{ "metadata/promptcost.template", T_TEMPLATE, K_STRING, false },
	{ "promptVersion", T_VERSION, K_LABEL, false },        /* an integer in Langfuse */
	{ "metadata/promptcost.template_version", T_VERSION, K_LABEL, false },
	{ "metadata/promptcost.team", T_TEAM, K_STRING, false },
	{ "metadata/team", T_TEAM, K_STRING, false },
	{ "metadata/promptcost.use_case", T_USE_CASE, K_STRING, false },
	{ "metadata/use_case", T_USE_CASE, K_STRING, false },
	{ "tags", T_TAGS, K_TAGS, false },                     /* trace tags, when exported with it */
	{ "costDetails/total", T_COST, K_COST, false },        /* Langfuse v3 */
	{ "calculatedTotalCost", T_COST, K_COST, false },      /* v2, deprecated in v3 */
	{ "usage/totalCost", T_COST, K_COST, false },          /* v2's usage object */
	{ "totalCost", T_COST, K_COST, false },                /* v2 observations API */
};

/* What one usage key counts. */
enum part { P_INPUT, P_CACHE_READ, P_CACHE_WRITE, P_OUTPUT, P_IGNORED };

/*
 * Langfuse v3's usageDetails hold disjoint parts: its own total is the sum
 * of all of them (docs: "derived from input + cache_read_input_tokens +
 * output"), and its integrations subtract every detail from `input` when
 * they split one out (the OpenAI schema's prompt_tokens_details become
 * `input_<key>`, LangChain's input_token_details likewise). So the record's
 * input is the sum of the input parts, the cached and cache-write parts
 * included. Keys not listed follow Langfuse's own rule for its UI: a key
 * containing "input" is input, one containing "output" is output.
 */
static const struct usage_key {
	const char *key;
	enum part part;
} usage_details_keys[] = {
	{ "input", P_INPUT },
	{ "output", P_OUTPUT },
	{ "total", P_IGNORED },                         /* the sum of the others */
	{ "input_cached_tokens", P_CACHE_READ },        /* OpenAI prompt_tokens_details.cached_tokens */
	{ "cache_read_input_tokens", P_CACHE_READ },    /* Anthropic's name, as the docs ingest it */
	{ "input_cache_read", P_CACHE_READ },           /* LangChain input_token_details.cache_read */
	{ "cache_creation_input_tokens", P_CACHE_WRITE }, /* Anthropic */
	{ "input_cache_creation", P_CACHE_WRITE },      /* LangChain input_token_details.cache_creation */
	{ "cache_write_input_tokens", P_CACHE_WRITE },  /* some exporters' spelling */
};

/*
 * Before usageDetails (Langfuse v2): `usage` {input, output, total} (older
 * SDKs sent {promptTokens, completionTokens} or {prompt, completion}), and
 * the v1 observation's own promptTokens / completionTokens. There input
 * was all input: no cached part is known.
 */
static const struct legacy_usage {
	const char *path;
	enum part part;
} legacy_usage_keys[] = {
	{ "usage/input", P_INPUT },
	{ "usage/promptTokens", P_INPUT },
	{ "usage/prompt", P_INPUT },
	{ "promptTokens", P_INPUT },
	{ "usage/output", P_OUTPUT },
	{ "usage/completionTokens", P_OUTPUT },
	{ "usage/completion", P_OUTPUT },
	{ "completionTokens", P_OUTPUT },
};

/* The most tags read from one observation (more are passed over). */
#define MAX_TAGS 64

/* The value at a '/'-separated path, or NULL; a null value counts as absent. */
static const json_t *lookup(const json_t *object, const char *path)
{
	char key[128];

	while (object && json_is_object(object)) {
		const char *slash = strchr(path, '/');
		size_t n = slash ? (size_t)(slash - path) : strlen(path);

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		object = json_object_get(object, key);
		if (!slash)
			return json_is_null(object) ? NULL : object;
		path = slash + 1;
	}
	return NULL;
}

/* "metadata/team" as a message names it: "metadata.team". */
static const char *field_name(char buf[160], const char *path)
{
	size_t i;

	for (i = 0; path[i] && i < 159; i++)
		buf[i] = path[i] == '/' ? '.' : path[i];
	buf[i] = '\0';
	return buf;
}

static bool key_contains(const char *key, const char *word)
{
	return strstr(key, word) != NULL;
}

static enum part usage_part(const char *key)
{
	for (size_t i = 0; i < sizeof(usage_details_keys) / sizeof(usage_details_keys[0]); i++)
		if (!strcmp(usage_details_keys[i].key, key))
			return usage_details_keys[i].part;
	if (key_contains(key, "input"))
		return P_INPUT;
	if (key_contains(key, "output"))
		return P_OUTPUT;
	return P_IGNORED;
}

/* Adds value to *sum; beyond PC_USAGE_MAX_COUNT is absurd, never wrapped. */
static int add_count(int64_t *sum, int64_t value, const char *field)
{
	if (value > PC_USAGE_MAX_COUNT - *sum)
		return pc_error_set(PC_EINPUT, "field '%s': absurd count (the parts add up to "
				    "more than 10^15)", field);
	*sum += value;
	return 0;
}

struct usage {
	int64_t input, cache_read, cache_write, output;
};

/* Adds one counted part to the usage. */
static int add_part(struct usage *usage, enum part part, int64_t value, const char *field)
{
	int error;

	switch (part) {
	case P_CACHE_READ:
		if ((error = add_count(&usage->cache_read, value, field)) < 0)
			return error;
		return add_count(&usage->input, value, field);
	case P_CACHE_WRITE:
		if ((error = add_count(&usage->cache_write, value, field)) < 0)
			return error;
		return add_count(&usage->input, value, field);
	case P_INPUT:
		return add_count(&usage->input, value, field);
	case P_OUTPUT:
		return add_count(&usage->output, value, field);
	case P_IGNORED:
		return 0;
	}
	return 0;
}

static int read_usage_details(struct usage *usage, const json_t *details)
{
	const char *key;
	const json_t *value;
	char field[160], quoted[100];
	int error;

	json_object_foreach((json_t *)details, key, value) {
		enum part part = usage_part(key);
		int64_t count;

		snprintf(field, sizeof(field), "usageDetails.%s", pc_usage_quote(quoted, 100, key));
		if (json_is_null(value))
			continue;
		if ((error = pc_usage_json_count(&count, value, field)) < 0)
			return error;
		if ((error = add_part(usage, part, count, field)) < 0)
			return error;
	}
	return 0;
}

/* The first legacy key present of each part. */
static int read_legacy_usage(struct usage *usage, bool *found, const json_t *observation)
{
	bool seen[P_IGNORED + 1] = { false };
	char field[160];
	int error;

	for (size_t i = 0; i < sizeof(legacy_usage_keys) / sizeof(legacy_usage_keys[0]); i++) {
		const struct legacy_usage *rule = &legacy_usage_keys[i];
		const json_t *value = lookup(observation, rule->path);
		int64_t count;

		if (!value || seen[rule->part])
			continue;
		if ((error = pc_usage_json_count(&count, value, field_name(field, rule->path))) < 0)
			return error;
		if ((error = add_part(usage, rule->part, count, field)) < 0)
			return error;
		seen[rule->part] = true;
		*found = true;
	}
	return 0;
}

/* costDetails without a total: Langfuse derives it as the sum of the parts. */
static int sum_cost_details(bool *found, int64_t *out, const json_t *details)
{
	const char *key;
	const json_t *value;
	char field[160], quoted[100];
	int64_t sum = 0;
	int error;

	json_object_foreach((json_t *)details, key, value) {
		int64_t micros;

		if (json_is_null(value))
			continue;
		snprintf(field, sizeof(field), "costDetails.%s", pc_usage_quote(quoted, 100, key));
		if ((error = pc_usage_json_cost(&micros, value, field)) < 0)
			return error;
		if (micros > PC_USAGE_MAX_COUNT - sum)
			return pc_error_set(PC_EINPUT, "field 'costDetails': absurd cost (the parts "
					    "add up to more than 10^9)");
		sum += micros;
		*found = true;
	}
	*out = sum;
	return 0;
}

static int read_tags(const char **tags, size_t *ntags, const json_t *value, const char *field)
{
	size_t i;
	const json_t *tag;

	if (!json_is_array(value))
		return pc_error_set(PC_EINPUT, "field '%s': expected an array of strings", field);
	*ntags = 0;
	json_array_foreach(value, i, tag) {
		if (!json_is_string(tag))
			return pc_error_set(PC_EINPUT, "field '%s': element %zu is not a string",
					    field, i);
		if (*ntags < MAX_TAGS)
			tags[(*ntags)++] = json_string_value(tag);
	}
	return 0;
}

static int map_observation(const json_t *observation, struct pc_usage_emit *emit)
{
	const json_t *found[T_COUNT_OF_TARGETS] = { NULL };
	const struct field_rule *rule_of[T_COUNT_OF_TARGETS] = { NULL };
	const char *strings[T_COUNT_OF_TARGETS] = { NULL };
	const char *tags[MAX_TAGS];
	char field[160], version_buf[PC_USAGE_LABEL_MAX];
	struct pc_usage_record record;
	struct usage usage = { 0, 0, 0, 0 };
	const json_t *details;
	bool have_usage = false;
	int error;

	pc_usage_record_init(&record);
	if (!json_is_object(observation))
		return pc_error_set(PC_EINPUT, "expected a Langfuse observation (a JSON object)");

	/* The first path present for each target. */
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const json_t *value;

		if (found[fields[i].target])
			continue;
		if ((value = lookup(observation, fields[i].path))) {
			found[fields[i].target] = value;
			rule_of[fields[i].target] = &fields[i];
		}
	}

	/* The type first: what is not a generation is no LLM call, whatever else it lacks. */
	if (!found[T_TYPE])
		return pc_error_set(PC_EINPUT, "field 'type' is missing (expected GENERATION, "
				    "SPAN, EVENT...)");
	if ((error = pc_usage_json_string(&strings[T_TYPE], found[T_TYPE], "type")) < 0)
		return error;
	if (strcasecmp(strings[T_TYPE], "GENERATION"))
		return 0;

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct field_rule *rule = &fields[i];

		if (rule->required && !found[rule->target])
			return pc_error_set(PC_EINPUT, "field '%s' is missing",
					    field_name(field, rule->path));
	}
	for (int t = 0; t < T_COUNT_OF_TARGETS; t++) {
		const struct field_rule *rule = rule_of[t];

		if (!rule || t == T_TYPE)
			continue;
		field_name(field, rule->path);
		switch (rule->kind) {
		case K_STRING:
			error = pc_usage_json_string(&strings[t], found[t], field);
			break;
		case K_LABEL:
			error = pc_usage_json_label(&strings[t], version_buf, found[t], field);
			break;
		case K_TIME:
			error = pc_usage_json_time(&record.time, found[t], field);
			break;
		case K_TAGS:
			error = read_tags(tags, &record.ntags, found[t], field);
			break;
		case K_COST:
			error = pc_usage_json_cost(&record.cost_micros, found[t], field);
			record.has_cost = true;
			break;
		default:
			error = 0;
		}
		if (error < 0)
			return error;
		/* "" names nothing: an empty template is no template, an empty id no id */
		if (strings[t] && !*strings[t]) {
			if (rule->required)
				return pc_error_set(PC_EINPUT, "field '%s' is empty", field);
			strings[t] = NULL;
		}
	}
	if (!record.has_cost && (details = lookup(observation, "costDetails"))) {
		if (!json_is_object(details))
			return pc_error_set(PC_EINPUT, "field 'costDetails': expected an object");
		if ((error = sum_cost_details(&record.has_cost, &record.cost_micros, details)) < 0)
			return error;
	}

	/* Usage: usageDetails when it holds anything, else the older fields. */
	details = lookup(observation, "usageDetails");
	if (details && !json_is_object(details))
		return pc_error_set(PC_EINPUT, "field 'usageDetails': expected an object, found %s",
				    json_is_array(details) ? "an array" : "a scalar");
	if (details && json_object_size(details) > 0) {
		if ((error = read_usage_details(&usage, details)) < 0)
			return error;
		have_usage = true;
	} else {
		const json_t *legacy = lookup(observation, "usage");

		if (legacy && !json_is_object(legacy))
			return pc_error_set(PC_EINPUT, "field 'usage': expected an object");
		if ((error = read_legacy_usage(&usage, &have_usage, observation)) < 0)
			return error;
		/* An empty usageDetails is Langfuse saying "no usage": zero tokens, stated. */
		have_usage = have_usage || details;
	}
	if (!have_usage)
		return pc_error_set(PC_EINPUT, "field 'usageDetails' is missing (nor is there a "
				    "'usage' object): the generation states no token counts");

	record.id = strings[T_ID];
	record.model = strings[T_MODEL];
	record.template = strings[T_TEMPLATE];
	record.template_version = strings[T_VERSION];
	record.team = strings[T_TEAM];
	record.use_case = strings[T_USE_CASE];
	record.tags = record.ntags ? tags : NULL;
	record.input_tokens = usage.input;
	record.cached_input_tokens = usage.cache_read;
	record.cache_write_tokens = usage.cache_write;
	record.output_tokens = usage.output;
	return pc_usage_emit_record(emit, &record);
}

int pc_usage_map_langfuse(const json_t *element, struct pc_usage_emit *emit)
{
	const json_t *data, *observation;
	size_t i;
	int error;

	/*
	 * A whole API page ({data: [...], meta: {...}}) when the splitter did
	 * not take it apart (a page saved as one line of JSONL).
	 */
	if (json_is_object(element) && !json_object_get(element, "type") &&
	    json_is_array(data = json_object_get(element, "data"))) {
		json_array_foreach(data, i, observation)
			if ((error = map_observation(observation, emit)) < 0)
				return error;
		return 0;
	}
	return map_observation(element, emit);
}
