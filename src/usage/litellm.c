/*
 * LiteLLM's spend logs: rows of its LiteLLM_SpendLogs table, as CSV (a
 * database export, the UI's download) or JSON (the /spend/logs API: an
 * array, JSON lines, or /spend/logs/v2's pages). One row is one call.
 * Which column goes where is the table below; the prompt-cache counts and
 * the template live in the row's metadata, found by the paths of the
 * second table, first match winning.
 */
#include "usage_int.h"

#include <stdlib.h>
#include <string.h>

enum litellm_field {
	LF_ID, LF_TIME, LF_MODEL, LF_INPUT, LF_OUTPUT, LF_COST, LF_CACHE_HIT, LF_TEAM, LF_TAGS,
	LF_METADATA, LF_API_KEY, LF_PROVIDER, LF_COUNT
};

/* The columns read; any other is passed over. */
static const struct litellm_column {
	const char *name;
	enum litellm_field field;
	bool required;
} columns[] = {
	{ "request_id", LF_ID, false },
	{ "startTime", LF_TIME, true },
	{ "model", LF_MODEL, true },
	{ "prompt_tokens", LF_INPUT, true },        /* all input, cached included */
	{ "completion_tokens", LF_OUTPUT, true },
	{ "spend", LF_COST, false },                /* LiteLLM's own price, for reconciliation */
	{ "cache_hit", LF_CACHE_HIT, false },       /* a response-cache hit: no model call */
	{ "team_id", LF_TEAM, false },
	{ "request_tags", LF_TAGS, false },         /* a JSON array of strings */
	{ "metadata", LF_METADATA, false },         /* a JSON object */
	{ "api_key", LF_API_KEY, false },           /* the hash of the virtual key */
	{ "custom_llm_provider", LF_PROVIDER, false },
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

enum meta_target { MT_CACHED, MT_CACHE_WRITE, MT_TEMPLATE, MT_VERSION, MT_COUNT };

/*
 * Where metadata says what the columns do not. LiteLLM writes the
 * provider's usage details in additional_usage_values (older versions: in
 * usage_object): OpenAI's prompt_tokens_details.cached_tokens, Anthropic's
 * cache_read_input_tokens and cache_creation_input_tokens (prompt_tokens
 * already includes both). A template may be named in spend_logs_metadata,
 * the key/value pairs a request asks LiteLLM to keep.
 */
static const struct meta_path {
	enum meta_target target;
	const char *path[4];
} meta_paths[] = {
	{ MT_CACHED, { "additional_usage_values", "prompt_tokens_details", "cached_tokens" } },
	{ MT_CACHED, { "additional_usage_values", "cache_read_input_tokens" } },
	{ MT_CACHE_WRITE, { "additional_usage_values", "cache_creation_input_tokens" } },
	{ MT_CACHED, { "usage_object", "prompt_tokens_details", "cached_tokens" } },
	{ MT_CACHED, { "usage_object", "cache_read_input_tokens" } },
	{ MT_CACHE_WRITE, { "usage_object", "cache_creation_input_tokens" } },
	{ MT_TEMPLATE, { "spend_logs_metadata", "promptcost_template" } },
	{ MT_TEMPLATE, { "spend_logs_metadata", "prompt_id" } },
	{ MT_TEMPLATE, { "prompt_id" } },
	{ MT_VERSION, { "spend_logs_metadata", "promptcost_template_version" } },
	{ MT_VERSION, { "spend_logs_metadata", "prompt_version" } },
};

/* Tags that name the template or its version: "prompt:<id>", "prompt_version:<v>". */
static const struct tag_prefix {
	enum meta_target target;
	const char *prefix;
} tag_prefixes[] = {
	{ MT_TEMPLATE, "prompt:" },
	{ MT_VERSION, "prompt_version:" },
};

/* One row's values: text (CSV, or a JSON string or number) or a JSON value. */
struct row {
	const char *text[LF_COUNT];
	const json_t *json[LF_COUNT];
	bool given[LF_COUNT];
};

static int field_text(const char **out, const struct row *row, enum litellm_field f)
{
	const json_t *v = row->json[f];

	*out = NULL;
	if (!row->given[f])
		return 0;
	if (!v) {
		*out = row->text[f] && *row->text[f] ? row->text[f] : NULL;
		return 0;
	}
	if (json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		*out = *json_string_value(v) ? json_string_value(v) : NULL;
		return 0;
	}
	return pc_error_set(PC_EINPUT, "field '%s': expected a string, found %s",
			    columns[f].name, json_is_object(v) ? "an object" : json_is_array(v) ?
			    "an array" : json_is_integer(v) ? "an integer" : json_is_real(v) ?
			    "a number" : "a boolean");
}

/* A JSON value given as itself or as JSON text (CSV, or LiteLLM's "json str"). */
static int field_json(const json_t **out, json_t **owned, const struct row *row,
		      enum litellm_field f)
{
	const json_t *v = row->json[f];
	const char *text = row->text[f];
	json_error_t jerr;

	*out = NULL;
	if (!row->given[f])
		return 0;
	if (v && !json_is_string(v)) {
		*out = json_is_null(v) ? NULL : v;
		return 0;
	}
	if (v)
		text = json_string_value(v);
	if (!text || !*text)
		return 0;
	if (!(*owned = json_loads(text, JSON_REJECT_DUPLICATES, &jerr)))
		return pc_error_set(PC_EINPUT, "field '%s': not JSON (%s)", columns[f].name,
				    jerr.text);
	*out = *owned;
	return 0;
}

static int row_count(int64_t *out, const struct row *row, enum litellm_field f)
{
	if (row->json[f])
		return pc_usage_json_count(out, row->json[f], columns[f].name);
	return pc_usage_parse_count(out, row->text[f] ? row->text[f] : "", columns[f].name);
}

static int cache_hit_of(bool *out, const struct row *row)
{
	const json_t *v = row->json[LF_CACHE_HIT];
	const char *text = row->text[LF_CACHE_HIT];

	*out = false;
	if (!row->given[LF_CACHE_HIT] || (v && json_is_null(v)))
		return 0;
	if (v && json_is_boolean(v)) {
		*out = json_is_true(v);
		return 0;
	}
	if (v && !json_is_string(v))
		return pc_error_set(PC_EINPUT, "field 'cache_hit': expected true or false");
	if (v)
		text = json_string_value(v);
	/* LiteLLM writes the string of a Python bool, or "" / "None" when unknown */
	if (!strcmp(text, "True") || !strcmp(text, "true"))
		*out = true;
	else if (strcmp(text, "False") && strcmp(text, "false") && strcmp(text, "None") &&
		 strcmp(text, ""))
		return pc_error_set(PC_EINPUT, "field 'cache_hit': expected true or false, "
				    "found '%.40s'", text);
	return 0;
}

/* The value at path in metadata, or NULL. */
static const json_t *meta_get(const json_t *metadata, const char *const *path)
{
	const json_t *v = metadata;

	for (size_t i = 0; i < 4 && path[i]; i++)
		if (!(v = json_object_get(v, path[i])))
			return NULL;
	return json_is_null(v) ? NULL : v;
}

static int map_row(const struct row *row, struct pc_usage_emit *emit)
{
	struct pc_usage_record r;
	const json_t *tags = NULL, *metadata = NULL;
	json_t *tags_owned = NULL, *metadata_owned = NULL;
	const char **tag_list = NULL;
	const char *time_text, *strings[MT_COUNT] = { NULL };
	bool found[MT_COUNT] = { false }, hit;
	int error;

	pc_usage_record_init(&r);
	for (size_t i = 0; i < NCOLUMNS; i++)
		if (columns[i].required && !row->given[columns[i].field])
			return pc_error_set(PC_EINPUT, "field '%s' is missing", columns[i].name);
	if (row->json[LF_TIME])
		error = pc_usage_json_time(&r.time, row->json[LF_TIME], "startTime");
	else if ((error = field_text(&time_text, row, LF_TIME)) >= 0)
		error = pc_usage_parse_time(&r.time, time_text ? time_text : "");
	if (error < 0) {
		if (!row->json[LF_TIME]) {
			char *message = pc_xstrdup(pc_error_message());

			error = pc_error_set(PC_EINPUT, "field 'startTime': %s", message);
			free(message);
		}
		return error;
	}
	if ((error = field_text(&r.id, row, LF_ID)) < 0 ||
	    (error = field_text(&r.model, row, LF_MODEL)) < 0 ||
	    (error = field_text(&r.team, row, LF_TEAM)) < 0 ||
	    (error = field_text(&r.api_key, row, LF_API_KEY)) < 0 ||
	    (error = field_text(&r.provider, row, LF_PROVIDER)) < 0 ||
	    (error = row_count(&r.input_tokens, row, LF_INPUT)) < 0 ||
	    (error = row_count(&r.output_tokens, row, LF_OUTPUT)) < 0 ||
	    (error = cache_hit_of(&hit, row)) < 0)
		goto done;
	if (row->given[LF_COST]) {
		const json_t *v = row->json[LF_COST];

		if (v && !json_is_null(v)) {
			error = pc_usage_json_cost(&r.cost_micros, v, "spend");
			r.has_cost = error >= 0;
		} else if (!v && row->text[LF_COST] && *row->text[LF_COST]) {
			error = pc_usage_parse_cost(&r.cost_micros, row->text[LF_COST], "spend");
			r.has_cost = error >= 0;
		}
		if (error < 0)
			goto done;
	}
	if ((error = field_json(&tags, &tags_owned, row, LF_TAGS)) < 0 ||
	    (error = field_json(&metadata, &metadata_owned, row, LF_METADATA)) < 0)
		goto done;
	if (tags) {
		const json_t *tag;
		size_t i;

		if (!json_is_array(tags)) {
			error = pc_error_set(PC_EINPUT, "field 'request_tags': expected an array of "
					     "strings");
			goto done;
		}
		tag_list = pc_xcalloc(json_array_size(tags) + 1, sizeof(*tag_list));
		json_array_foreach(tags, i, tag) {
			if (!json_is_string(tag)) {
				error = pc_error_set(PC_EINPUT, "field 'request_tags': element %zu is "
						     "not a string", i + 1);
				goto done;
			}
			tag_list[r.ntags++] = json_string_value(tag);
			for (size_t k = 0; k < sizeof(tag_prefixes) / sizeof(tag_prefixes[0]); k++) {
				const struct tag_prefix *tp = &tag_prefixes[k];
				size_t n = strlen(tp->prefix);

				if (!found[tp->target] && !strncmp(tag_list[r.ntags - 1], tp->prefix, n) &&
				    tag_list[r.ntags - 1][n]) {
					strings[tp->target] = tag_list[r.ntags - 1] + n;
					found[tp->target] = true;
				}
			}
		}
		r.tags = tag_list;
	}
	if (metadata && !json_is_object(metadata)) {
		error = pc_error_set(PC_EINPUT, "field 'metadata': expected an object");
		goto done;
	}
	for (size_t i = 0; metadata && i < sizeof(meta_paths) / sizeof(meta_paths[0]); i++) {
		const struct meta_path *mp = &meta_paths[i];
		const json_t *v = meta_get(metadata, mp->path);
		int64_t count;

		if (!v || found[mp->target])
			continue;
		found[mp->target] = true;
		if (mp->target == MT_TEMPLATE || mp->target == MT_VERSION) {
			if ((error = pc_usage_json_string(&strings[mp->target], v,
							  mp->path[1] ? mp->path[1] : mp->path[0])) < 0)
				goto done;
			continue;
		}
		if ((error = pc_usage_json_count(&count, v, mp->path[mp->path[2] ? 2 : 1])) < 0)
			goto done;
		if (mp->target == MT_CACHED)
			r.cached_input_tokens = count;
		else
			r.cache_write_tokens = count;
	}
	r.template = strings[MT_TEMPLATE];
	r.template_version = strings[MT_VERSION];
	if (hit) {
		/* answered from LiteLLM's cache: a call, but no model call, no tokens */
		r.response_cache_hits = 1;
		r.input_tokens = r.cached_input_tokens = r.cache_write_tokens = r.output_tokens = 0;
	}
	error = pc_usage_emit_record(emit, &r);
done:
	free(tag_list);
	json_decref(tags_owned);
	json_decref(metadata_owned);
	return error;
}

int pc_usage_map_litellm_json(const json_t *element, struct pc_usage_emit *emit)
{
	struct row row;

	if (!json_is_object(element))
		return pc_error_set(PC_EINPUT, "expected a JSON object (a LiteLLM_SpendLogs row)");
	memset(&row, 0, sizeof(row));
	for (size_t i = 0; i < NCOLUMNS; i++) {
		const json_t *v = json_object_get(element, columns[i].name);

		if (!v)
			continue;
		row.json[columns[i].field] = v;
		row.given[columns[i].field] = true;
	}
	return map_row(&row, emit);
}

int pc_usage_read_litellm_csv(struct pc_usage_input *in, uint64_t skip,
			      const struct pc_usage_handler *handler)
{
	static const char *names[NCOLUMNS];
	struct pc_csv csv;
	int *column_of = NULL;
	size_t ncolumns;
	bool seen[NCOLUMNS] = { false };
	int got, error = 0;

	for (size_t i = 0; i < NCOLUMNS; i++)
		names[i] = columns[i].name;
	pc_csv_init(&csv, in);
	if ((got = pc_csv_next(&csv)) <= 0) {
		error = got < 0 && csv.line ? pc_usage_bad(in, &(struct pc_usage_handler){ 0 },
							   csv.line, csv.col, NULL, 0) : got;
		goto done;
	}
	ncolumns = csv.nfields;
	column_of = pc_xcalloc(ncolumns, sizeof(*column_of));
	if ((error = pc_csv_columns(&csv, names, NCOLUMNS, column_of, false)) < 0) {
		error = pc_usage_bad(in, &(struct pc_usage_handler){ 0 }, csv.line, 0, NULL, 0);
		goto done;
	}
	for (size_t i = 0; i < ncolumns; i++)
		if (column_of[i] >= 0)
			seen[column_of[i]] = true;
	for (size_t i = 0; i < NCOLUMNS; i++) {
		if (columns[i].required && !seen[i]) {
			pc_error_set(PC_EINPUT, "the header has no column '%s' (is this a "
				     "LiteLLM_SpendLogs export?)", columns[i].name);
			error = pc_usage_bad(in, &(struct pc_usage_handler){ 0 }, csv.line, 0, NULL,
					     0);
			goto done;
		}
	}
	if (skip && (error = pc_usage_skip(in, skip)) < 0)
		goto done;
	while ((got = pc_csv_next(&csv))) {
		struct pc_usage_emit emit = { handler, csv.line, 0 };
		struct row row;

		if (got < 0) {
			if (!csv.line) {
				error = got;
				break;
			}
		} else if (csv.nfields != ncolumns) {
			got = pc_error_set(PC_EINPUT, "%zu fields where the header has %zu columns",
					   csv.nfields, ncolumns);
		} else {
			memset(&row, 0, sizeof(row));
			for (size_t i = 0; i < ncolumns; i++) {
				if (column_of[i] < 0)
					continue;
				row.text[columns[column_of[i]].field] = pc_csv_field(&csv, i);
				row.given[columns[column_of[i]].field] = true;
			}
			if ((got = map_row(&row, &emit)) >= 0)
				continue;
			if (emit.handler_error || got != PC_EINPUT) {
				error = got;
				break;
			}
		}
		if ((error = pc_usage_bad(in, handler, csv.line, csv.col, csv.raw.ptr,
					  csv.raw.len)) < 0)
			break;
	}
done:
	free(column_of);
	pc_csv_release(&csv);
	return error;
}
