/*
 * The body of the JSON importers' libFuzzer targets (fuzz_usage_langfuse.c,
 * fuzz_usage_otlp.c, fuzz_usage_openai.c): any bytes, parsed as JSON the
 * way the splitter parses a record, handed to a mapper. An import's content
 * comes from anywhere, so a mapper must never crash, leak or hang; every
 * record it emits must hold (an id, a model, counts in range, cached parts
 * within the input); every error must be PC_EINPUT with one line of
 * message; and mapping the same value twice must give the same result.
 */
#ifndef PROMPTCOST_FUZZ_USAGE_JSON_FUZZ_H
#define PROMPTCOST_FUZZ_USAGE_JSON_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/usage/usage_int.h"

struct fuzz_usage_count {
	size_t records;
	int64_t tokens; /* a digest of what was emitted, to compare two runs */
};

static int fuzz_usage_record(void *ctx, const struct pc_usage_record *r, uint64_t line)
{
	struct fuzz_usage_count *count = ctx;

	if (line != 1 || !r->id || !*r->id || !r->model || !*r->model)
		abort();
	if (r->calls < 1 || r->input_tokens < 0 || r->input_tokens > PC_USAGE_MAX_COUNT ||
	    r->output_tokens < 0 || r->output_tokens > PC_USAGE_MAX_COUNT ||
	    r->cached_input_tokens < 0 || r->cache_write_tokens < 0 ||
	    r->cached_input_tokens + r->cache_write_tokens > r->input_tokens)
		abort();
	if (r->has_cost && (r->cost_micros < 0 || r->cost_micros > PC_USAGE_MAX_COUNT))
		abort();
	for (size_t i = 0; i < r->ntags; i++)
		if (!r->tags[i])
			abort();
	count->records++;
	count->tokens += r->input_tokens % 1000003 + r->output_tokens % 1000003 + r->calls % 1009;
	return 0;
}

static int fuzz_usage_map_once(pc_usage_json_mapper map, const json_t *value,
			       struct fuzz_usage_count *count)
{
	struct pc_usage_handler handler = { count, fuzz_usage_record, NULL };
	struct pc_usage_emit emit;
	int error;

	memset(&emit, 0, sizeof(emit));
	emit.handler = &handler;
	emit.line = 1;
	error = map(value, &emit);
	if (error) {
		const char *msg = pc_error_message();

		/* bad content is PC_EINPUT with one line that says what, without a location */
		if (error != PC_EINPUT || !*msg || strchr(msg, '\n') || strlen(msg) > 1024)
			abort();
		pc_error_clear();
	}
	return error;
}

static int fuzz_usage_json(pc_usage_json_mapper map, const uint8_t *data, size_t size)
{
	json_error_t json_error;
	json_t *value = json_loadb((const char *)data, size, JSON_DECODE_ANY, &json_error);
	struct fuzz_usage_count first = { 0, 0 }, second = { 0, 0 };
	int a, b;

	if (!value)
		return 0;
	a = fuzz_usage_map_once(map, value, &first);
	b = fuzz_usage_map_once(map, value, &second);
	/* no hidden state: the same value maps the same way */
	if (a != b || first.records != second.records || first.tokens != second.tokens)
		abort();
	json_decref(value);
	return 0;
}

#endif
