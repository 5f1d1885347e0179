/*
 * libFuzzer target for the native usage source and the input layer under
 * it (`make fuzz`): any bytes as an imported file read as native
 * JSONL or CSV (gzip when the bytes say so), under the properties of
 * fuzz/usage_input_fuzz.h; and, line by line, the small JSONL parser
 * against jansson with the same field table: whatever the small parser
 * accepts, jansson's reading must accept with the same record (the small
 * parser may only be stricter). Its corpus, fuzz/corpus/usage_native/, is
 * replayed by tests/test_usage_native.c.
 */
#include "usage_input_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_one {
	bool seen;
	struct pc_usage_record r;
	char *strings[10];
};

static int fuzz_keep(void *ctx, const struct pc_usage_record *r, uint64_t line)
{
	struct fuzz_one *one = ctx;
	const char *from[] = { r->id, r->template, r->template_version, r->team, r->use_case,
			       r->provider, r->model, r->deployment, r->project, r->api_key };

	(void)line;
	one->seen = true;
	one->r = *r;
	for (size_t i = 0; i < 10; i++)
		one->strings[i] = from[i] ? pc_xstrdup(from[i]) : NULL;
	return 0;
}

static bool same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The small parser against jansson on one line. */
static void fuzz_line(const char *line, size_t len)
{
	struct pc_usage_record flat;
	struct fuzz_one one = { false };
	struct pc_usage_handler handler = { &one, fuzz_keep, NULL };
	struct pc_usage_emit emit = { &handler, 1, 0 };
	char *scratch = pc_xmalloc(len + 1);
	size_t col;
	json_t *json;
	json_error_t jerr;
	int error;

	error = pc_usage_native_line(&flat, line, len, scratch, &col);
	if (error < 0) {
		if (error != PC_EINPUT || col > len + 1)
			abort();
		pc_error_clear();
		free(scratch);
		return;
	}
	json = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json)
		abort(); /* the small parser took what is not JSON */
	if (pc_usage_map_native_json(json, &emit) < 0) {
		/* only the record checks may refuse it, and the same way both */
		struct pc_usage_handler quiet = { &one, fuzz_keep, NULL };
		struct pc_usage_emit again = { &quiet, 1, 0 };

		if (pc_usage_emit_record(&again, &flat) >= 0)
			abort();
		pc_error_clear();
	} else {
		const char *a[] = { flat.id, flat.template, flat.template_version, flat.team,
				    flat.use_case, flat.provider, flat.model, flat.deployment,
				    flat.project, flat.api_key };

		if (!one.seen || one.r.time != flat.time || one.r.calls != flat.calls ||
		    one.r.response_cache_hits != flat.response_cache_hits ||
		    one.r.input_tokens != flat.input_tokens ||
		    one.r.cached_input_tokens != flat.cached_input_tokens ||
		    one.r.cache_write_tokens != flat.cache_write_tokens ||
		    one.r.output_tokens != flat.output_tokens || one.r.has_cost != flat.has_cost ||
		    (flat.has_cost && one.r.cost_micros != flat.cost_micros))
			abort();
		for (size_t i = 0; i < 10; i++)
			if (!same_text(a[i], one.strings[i]))
				abort();
	}
	for (size_t i = 0; i < 10; i++)
		free(one.strings[i]);
	json_decref(json);
	free(scratch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	fuzz_usage_input(PC_USAGE_NATIVE, data, size);
	fuzz_usage_input(PC_USAGE_AUTO, data, size);
	/* the first lines, one by one, where they are UTF-8 (the reader checks that first) */
	for (int n = 0; p < end && n < 16; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (pc_usage_utf8_check(p, len) == len)
			fuzz_line(p, len);
		p += len + 1;
	}
	return 0;
}
