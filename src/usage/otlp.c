/*
 * OpenTelemetry GenAI spans onto usage records. The input is OTLP/JSON as
 * the collector's file exporter writes it: one ExportTraceServiceRequest
 * ({resourceSpans: [{resource, scopeSpans: [{scope, spans: [...]}]}]}) per
 * line, so one line holds many records. A span is a model call when it
 * carries GenAI attributes (an operation name or token usage); the
 * attribute names changed across versions of the semantic conventions, so
 * each record field is read from the first of its attributes present, in
 * the order of the table below.
 */
#include "usage_int.h"

#include <stdio.h>
#include <string.h>

/* What an attribute feeds. */
enum target {
	T_OPERATION,
	T_MODEL,
	T_PROVIDER,
	T_INPUT,
	T_OUTPUT,
	T_CACHE_READ,
	T_CACHE_WRITE,
	T_TEMPLATE,
	T_VERSION,
	T_TEAM,
	T_USE_CASE,
	T_COUNT_OF_TARGETS
};

enum kind { K_STRING, K_COUNT, K_LABEL };

/*
 * Attributes, most preferred first for each target. The span's attributes
 * are looked at before the resource's (a promptcost.team set for a whole
 * service through OTEL_RESOURCE_ATTRIBUTES applies to every span that does
 * not say otherwise); service.version is a resource attribute, the deployed
 * commit, the version of last resort.
 */
static const struct attribute_rule {
	const char *key;
	enum target target;
	enum kind kind;
} attributes[] = {
	{ "gen_ai.operation.name", T_OPERATION, K_STRING },
	/* the model asked for: what the configuration prices; the response's may be a dated snapshot */
	{ "gen_ai.request.model", T_MODEL, K_STRING },
	{ "gen_ai.response.model", T_MODEL, K_STRING },
	{ "gen_ai.provider.name", T_PROVIDER, K_STRING },            /* semconv 1.37 and later */
	{ "gen_ai.system", T_PROVIDER, K_STRING },                   /* before, deprecated */
	{ "gen_ai.usage.input_tokens", T_INPUT, K_COUNT },
	{ "gen_ai.usage.prompt_tokens", T_INPUT, K_COUNT },          /* deprecated, renamed */
	{ "gen_ai.usage.output_tokens", T_OUTPUT, K_COUNT },
	{ "gen_ai.usage.completion_tokens", T_OUTPUT, K_COUNT },     /* deprecated, renamed */
	/* "SHOULD be included in gen_ai.usage.input_tokens" (semconv) */
	{ "gen_ai.usage.cache_read.input_tokens", T_CACHE_READ, K_COUNT },
	{ "gen_ai.usage.cache_read_input_tokens", T_CACHE_READ, K_COUNT }, /* OpenLLMetry, older */
	{ "gen_ai.usage.input_tokens.cached", T_CACHE_READ, K_COUNT },     /* Sentry's alias */
	{ "gen_ai.usage.cache_creation.input_tokens", T_CACHE_WRITE, K_COUNT },
	{ "gen_ai.usage.cache_creation_input_tokens", T_CACHE_WRITE, K_COUNT },
	{ "gen_ai.usage.input_tokens.cache_write", T_CACHE_WRITE, K_COUNT },
	{ "gen_ai.prompt.name", T_TEMPLATE, K_STRING },
	{ "promptcost.template", T_TEMPLATE, K_STRING },
	{ "gen_ai.prompt.version", T_VERSION, K_LABEL },
	{ "promptcost.template_version", T_VERSION, K_LABEL },
	{ "service.version", T_VERSION, K_LABEL },
	{ "promptcost.team", T_TEAM, K_STRING },
	{ "promptcost.use_case", T_USE_CASE, K_STRING },
};
#define NATTRIBUTES (sizeof(attributes) / sizeof(attributes[0]))

/*
 * gen_ai.operation.name values. A model call is a record; an agent or a
 * tool is not (an invoke_agent span's usage, when it has any, is the sum
 * of the model calls under it, which are spans of their own). Embeddings
 * have no output. Other values with usage are taken as model calls.
 */
static const struct operation_rule {
	const char *name;
	bool record;
	bool has_output;
} operations[] = {
	{ "chat", true, true },
	{ "text_completion", true, true },
	{ "generate_content", true, true },
	{ "embeddings", true, false },
	{ "invoke_agent", false, false },
	{ "create_agent", false, false },
	{ "execute_tool", false, false },
};

/*
 * OTLP/JSON's own keys: lowerCamelCase as the exporters write them, and the
 * protobuf field names, which protobuf's JSON parsers accept too.
 * instrumentationLibrarySpans is OTLP before 0.15's rename to scopeSpans.
 */
static const char *const resource_spans_keys[] = { "resourceSpans", "resource_spans" };
static const char *const scope_spans_keys[] = { "scopeSpans", "scope_spans",
						"instrumentationLibrarySpans" };
static const char *const spans_keys[] = { "spans" };
static const char *const resource_keys[] = { "resource" };
static const char *const attributes_keys[] = { "attributes" };
static const char *const trace_id_keys[] = { "traceId", "trace_id" };
static const char *const span_id_keys[] = { "spanId", "span_id" };
static const char *const start_keys[] = { "startTimeUnixNano", "start_time_unix_nano" };
static const char *const string_value_keys[] = { "stringValue", "string_value" };
static const char *const int_value_keys[] = { "intValue", "int_value" };
static const char *const double_value_keys[] = { "doubleValue", "double_value" };

#define N(keys) (sizeof(keys) / sizeof(keys[0]))

/* The first of keys present and not null in object, or NULL; *name the key found. */
static const json_t *member(const json_t *object, const char *const *keys, size_t n,
			    const char **name)
{
	for (size_t i = 0; i < n; i++) {
		const json_t *value = json_object_get(object, keys[i]);

		if (value && !json_is_null(value)) {
			if (name)
				*name = keys[i];
			return value;
		}
	}
	if (name)
		*name = keys[0];
	return NULL;
}

/* Where a span is, for messages: "resourceSpans[0].scopeSpans[1].spans[2]". */
struct where {
	size_t resource, scope, span;
};

static const char *path(char buf[256], const struct where *at, const char *rest)
{
	snprintf(buf, 256, "resourceSpans[%zu].scopeSpans[%zu].spans[%zu]%s%.150s", at->resource,
		 at->scope, at->span, *rest ? "." : "", rest);
	return buf;
}

/* An attribute list's values for the table: found[i] for attributes[i], or NULL. */
static int index_attributes(const json_t *found[NATTRIBUTES], const json_t *list,
			    const char *where)
{
	const json_t *attribute;
	size_t i;

	if (!list)
		return 0;
	if (!json_is_array(list))
		return pc_error_set(PC_EINPUT, "field '%s': expected an array of attributes", where);
	json_array_foreach(list, i, attribute) {
		const json_t *key = json_object_get(attribute, "key");

		if (!json_is_object(attribute) || !json_is_string(key))
			return pc_error_set(PC_EINPUT, "field '%s[%zu]': expected an attribute "
					    "{key, value}", where, i);
		for (size_t a = 0; a < NATTRIBUTES; a++)
			if (!found[a] && !strcmp(attributes[a].key, json_string_value(key))) {
				const json_t *value = json_object_get(attribute, "value");

				/* an attribute without a value is as if absent (AnyValue empty) */
				found[a] = json_is_object(value) && json_object_size(value) ? value : NULL;
				break;
			}
	}
	return 0;
}

/* Reads one AnyValue as the table's kind says. */
static int read_value(const char **string, int64_t *count, char label[PC_USAGE_LABEL_MAX],
		      const json_t *any, enum kind kind, const char *field)
{
	const json_t *v;

	switch (kind) {
	case K_STRING:
		if (!(v = member(any, string_value_keys, N(string_value_keys), NULL)))
			return pc_error_set(PC_EINPUT, "field '%s': expected a stringValue", field);
		return pc_usage_json_string(string, v, field);
	case K_LABEL:
		if ((v = member(any, int_value_keys, N(int_value_keys), NULL))) {
			int64_t n;
			int error;

			/* an int64 is a decimal string in OTLP/JSON, or a number */
			if (json_is_string(v)) {
				if ((error = pc_usage_parse_count(&n, json_string_value(v), field)) < 0)
					return error;
			} else if ((error = pc_usage_json_count(&n, v, field)) < 0) {
				return error;
			}
			snprintf(label, PC_USAGE_LABEL_MAX, "%lld", (long long)n);
			*string = label;
			return 0;
		}
		if (!(v = member(any, string_value_keys, N(string_value_keys), NULL)))
			return pc_error_set(PC_EINPUT, "field '%s': expected a stringValue or an "
					    "intValue", field);
		return pc_usage_json_string(string, v, field);
	case K_COUNT:
		/* intValue (a decimal string or a number); doubleValue when a JS SDK wrote 120.0 */
		if (!(v = member(any, int_value_keys, N(int_value_keys), NULL)) &&
		    !(v = member(any, double_value_keys, N(double_value_keys), NULL)))
			return pc_error_set(PC_EINPUT, "field '%s': expected an intValue", field);
		return pc_usage_json_count(count, v, field);
	}
	return 0;
}

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int base64_digit(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/*
 * An id of nbytes bytes as lowercase hex into out (2 * nbytes + 1). OTLP/JSON
 * writes ids in hex; exporters that use protobuf's JSON mapping write base64:
 * both are read (their lengths never coincide). All zeros is "no id".
 */
static int read_id(char *out, size_t nbytes, const json_t *value, const char *field)
{
	const char *text;
	size_t len;
	unsigned char bytes[16];
	bool nonzero = false;
	int error;

	if ((error = pc_usage_json_string(&text, value, field)) < 0)
		return error;
	len = strlen(text);
	if (len == 2 * nbytes) {
		for (size_t i = 0; i < nbytes; i++) {
			int hi = hex_digit(text[2 * i]), lo = hex_digit(text[2 * i + 1]);

			if (hi < 0 || lo < 0)
				goto bad;
			bytes[i] = (unsigned char)(hi << 4 | lo);
		}
	} else if (len == (nbytes + 2) / 3 * 4) {
		uint32_t acc = 0;
		size_t got = 0, bits = 0;

		for (size_t i = 0; i < len; i++) {
			int d;

			if (text[i] == '=' && i >= len - 2)
				break;
			if ((d = base64_digit((unsigned char)text[i])) < 0)
				goto bad;
			acc = acc << 6 | (uint32_t)d;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				if (got == nbytes)
					goto bad;
				bytes[got++] = (unsigned char)(acc >> bits);
			}
		}
		if (got != nbytes)
			goto bad;
	} else {
		goto bad;
	}
	for (size_t i = 0; i < nbytes; i++) {
		snprintf(out + 2 * i, 3, "%02x", bytes[i]);
		nonzero |= bytes[i] != 0;
	}
	if (!nonzero)
		return pc_error_set(PC_EINPUT, "field '%s': the id is all zeros (not set)", field);
	return 0;
bad: {
		char quoted[44];

		return pc_error_set(PC_EINPUT, "field '%s': '%s' is not a %zu-byte id in hex", field,
				    pc_usage_quote(quoted, sizeof(quoted), text), nbytes);
	}
}

static const struct operation_rule *operation_of(const char *name)
{
	for (size_t i = 0; i < sizeof(operations) / sizeof(operations[0]); i++)
		if (!strcmp(operations[i].name, name))
			return &operations[i];
	return NULL;
}

static int map_span(const json_t *span, const json_t *resource_found[NATTRIBUTES],
		    const struct where *at, struct pc_usage_emit *emit)
{
	const json_t *found[NATTRIBUTES] = { NULL };
	const json_t *chosen[T_COUNT_OF_TARGETS] = { NULL };
	const struct attribute_rule *rule_of[T_COUNT_OF_TARGETS] = { NULL };
	const char *strings[T_COUNT_OF_TARGETS] = { NULL };
	int64_t counts[T_COUNT_OF_TARGETS] = { 0 };
	char labels[T_COUNT_OF_TARGETS][PC_USAGE_LABEL_MAX];
	char field[256], trace_id[33], span_id[17], id[33 + 1 + 17];
	const struct operation_rule *operation = NULL;
	struct pc_usage_record record;
	const json_t *value;
	const char *name;
	bool has_usage = false, has_operation = false, has_output = true;
	int error;

	pc_usage_record_init(&record);
	if (!json_is_object(span))
		return pc_error_set(PC_EINPUT, "field '%s': expected a span (an object)",
				    path(field, at, ""));
	if ((error = index_attributes(found, json_object_get(span, "attributes"),
				      path(field, at, "attributes"))) < 0)
		return error;
	/* per target: the first attribute of the span in table order, then of the resource */
	for (size_t a = 0; a < NATTRIBUTES; a++)
		if (found[a] && !chosen[attributes[a].target]) {
			chosen[attributes[a].target] = found[a];
			rule_of[attributes[a].target] = &attributes[a];
		}
	for (size_t a = 0; a < NATTRIBUTES; a++)
		if (resource_found[a] && !chosen[attributes[a].target]) {
			chosen[attributes[a].target] = resource_found[a];
			rule_of[attributes[a].target] = &attributes[a];
		}
	/* Not GenAI (no operation, no usage of its own): no record, whatever else it holds. */
	for (size_t a = 0; a < NATTRIBUTES; a++) {
		if (found[a] && attributes[a].kind == K_COUNT)
			has_usage = true;
		if (found[a] && attributes[a].target == T_OPERATION)
			has_operation = true;
	}
	if (!has_operation && !has_usage)
		return 0;
	for (int t = 0; t < T_COUNT_OF_TARGETS; t++) {
		const struct attribute_rule *rule = rule_of[t];
		char attr[200];

		if (!rule)
			continue;
		snprintf(attr, sizeof(attr), "attributes[%s]", rule->key);
		if ((error = read_value(&strings[t], &counts[t], labels[t], chosen[t], rule->kind,
					path(field, at, attr))) < 0)
			return error;
		if (strings[t] && !*strings[t])
			strings[t] = NULL; /* "" names nothing */
	}
	/* An agent or a tool is not a model call. */
	if (strings[T_OPERATION] && (operation = operation_of(strings[T_OPERATION]))) {
		if (!operation->record)
			return 0;
		has_output = operation->has_output;
	}

	if (!rule_of[T_INPUT])
		return pc_error_set(PC_EINPUT, "field '%s' is missing (a GenAI span without its "
				    "token usage)", path(field, at, "attributes[gen_ai.usage.input_tokens]"));
	if (!rule_of[T_OUTPUT] && has_output)
		return pc_error_set(PC_EINPUT, "field '%s' is missing",
				    path(field, at, "attributes[gen_ai.usage.output_tokens]"));
	if (!strings[T_MODEL])
		return pc_error_set(PC_EINPUT, "field '%s' is missing (nor is gen_ai.response.model "
				    "set)", path(field, at, "attributes[gen_ai.request.model]"));
	if (counts[T_CACHE_READ] + counts[T_CACHE_WRITE] > counts[T_INPUT])
		return pc_error_set(PC_EINPUT, "field '%s': %lld cached and cache-write tokens are "
				    "more than the %lld input tokens, which include them",
				    path(field, at, "attributes[gen_ai.usage.input_tokens]"),
				    (long long)(counts[T_CACHE_READ] + counts[T_CACHE_WRITE]),
				    (long long)counts[T_INPUT]);

	if (!(value = member(span, start_keys, N(start_keys), &name)))
		return pc_error_set(PC_EINPUT, "field '%s' is missing", path(field, at, name));
	if ((error = pc_usage_json_unix_nanos(&record.time, value, path(field, at, name))) < 0)
		return error;
	if (!(value = member(span, trace_id_keys, N(trace_id_keys), &name)))
		return pc_error_set(PC_EINPUT, "field '%s' is missing", path(field, at, name));
	if ((error = read_id(trace_id, 16, value, path(field, at, name))) < 0)
		return error;
	if (!(value = member(span, span_id_keys, N(span_id_keys), &name)))
		return pc_error_set(PC_EINPUT, "field '%s' is missing", path(field, at, name));
	if ((error = read_id(span_id, 8, value, path(field, at, name))) < 0)
		return error;
	snprintf(id, sizeof(id), "%s:%s", trace_id, span_id);

	record.id = id;
	record.model = strings[T_MODEL];
	record.provider = strings[T_PROVIDER];
	record.template = strings[T_TEMPLATE];
	record.template_version = strings[T_VERSION];
	record.team = strings[T_TEAM];
	record.use_case = strings[T_USE_CASE];
	record.input_tokens = counts[T_INPUT];
	record.cached_input_tokens = counts[T_CACHE_READ];
	record.cache_write_tokens = counts[T_CACHE_WRITE];
	record.output_tokens = counts[T_OUTPUT];
	return pc_usage_emit_record(emit, &record);
}

/* A JSON array member of object, or an error naming where; NULL (0) when absent. */
static int array_member(const json_t **out, const json_t *object, const char *const *keys,
			size_t n, const char *where)
{
	const char *name;

	*out = member(object, keys, n, &name);
	if (*out && !json_is_array(*out))
		return pc_error_set(PC_EINPUT, "field '%s%s': expected an array", where, name);
	return 0;
}

int pc_usage_map_otlp(const json_t *element, struct pc_usage_emit *emit)
{
	const json_t *resource_spans, *rs;
	struct where at = { 0, 0, 0 };
	char where[128];
	int error;

	if (!json_is_object(element))
		return pc_error_set(PC_EINPUT, "expected an OTLP ExportTraceServiceRequest "
				    "(a JSON object with 'resourceSpans')");
	if ((error = array_member(&resource_spans, element, resource_spans_keys,
				  N(resource_spans_keys), "")) < 0)
		return error;
	if (!resource_spans) {
		/* the file exporter writes metrics and logs to the same kind of file */
		if (json_object_get(element, "resourceMetrics") ||
		    json_object_get(element, "resourceLogs"))
			return 0;
		return pc_error_set(PC_EINPUT, "field 'resourceSpans' is missing (not an OTLP "
				    "trace export)");
	}
	json_array_foreach(resource_spans, at.resource, rs) {
		const json_t *resource_found[NATTRIBUTES] = { NULL };
		const json_t *resource, *scope_spans, *ss;

		snprintf(where, sizeof(where), "resourceSpans[%zu].", at.resource);
		if (!json_is_object(rs))
			return pc_error_set(PC_EINPUT, "field 'resourceSpans[%zu]': expected an "
					    "object", at.resource);
		resource = member(rs, resource_keys, N(resource_keys), NULL);
		if (resource) {
			char attrs[160];

			if (!json_is_object(resource))
				return pc_error_set(PC_EINPUT, "field '%sresource': expected an "
						    "object", where);
			snprintf(attrs, sizeof(attrs), "%sresource.attributes", where);
			if ((error = index_attributes(resource_found,
						      member(resource, attributes_keys,
							     N(attributes_keys), NULL), attrs)) < 0)
				return error;
		}
		if ((error = array_member(&scope_spans, rs, scope_spans_keys, N(scope_spans_keys),
					  where)) < 0)
			return error;
		if (!scope_spans)
			continue;
		json_array_foreach(scope_spans, at.scope, ss) {
			const json_t *spans, *span;
			char swhere[200];

			snprintf(swhere, sizeof(swhere), "%sscopeSpans[%zu].", where, at.scope);
			if (!json_is_object(ss))
				return pc_error_set(PC_EINPUT, "field '%sscopeSpans[%zu]': expected "
						    "an object", where, at.scope);
			if ((error = array_member(&spans, ss, spans_keys, N(spans_keys), swhere)) < 0)
				return error;
			if (!spans)
				continue;
			json_array_foreach(spans, at.span, span)
				if ((error = map_span(span, resource_found, &at, emit)) < 0)
					return error;
		}
	}
	return 0;
}
