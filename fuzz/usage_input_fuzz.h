/*
 * The body of the usage input layer's libFuzzer targets (fuzz_usage_native.c,
 * fuzz_usage_litellm.c): any bytes as the content of an imported file (in a
 * memfd, opened by its /proc path as a file would be), read whole by
 * pc_usage_read in one format. An import comes from anywhere, so the reader
 * must never crash, leak, hang or grow; and:
 *   - every record it hands on holds the checks of pc_usage_emit_record;
 *   - read with bad records set aside, it fails only on the stream itself
 *     (a corrupt or cut gzip), with a located one-line message;
 *   - read strictly, it fails with one line naming the file ("name:line[:col]:
 *     ..." for content),
 *     after handing on exactly the records before that line, or it succeeds
 *     with what the lenient reading found and nothing set aside;
 *   - the same bytes read twice give the same records (no hidden state).
 */
#ifndef PROMPTCOST_FUZZ_USAGE_INPUT_FUZZ_H
#define PROMPTCOST_FUZZ_USAGE_INPUT_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../src/usage/usage_int.h"

#define FUZZ_NAME "input"

struct fuzz_run {
	size_t records, bad;
	uint64_t digest;          /* of every record handed on, in order */
	uint64_t last_line;       /* lines never go back */
	uint64_t first_bad_line;  /* 0: none */
};

static uint64_t fuzz_mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * UINT64_C(0x100000001b3);
}

static uint64_t fuzz_mix_text(uint64_t h, const char *s)
{
	if (!s)
		return fuzz_mix(h, 0xff);
	for (; *s; s++)
		h = fuzz_mix(h, (unsigned char)*s);
	return fuzz_mix(h, 0);
}

static int fuzz_on_record(void *ctx, const struct pc_usage_record *r, uint64_t line)
{
	struct fuzz_run *run = ctx;
	const char *strings[] = { r->id, r->template, r->template_version, r->team, r->use_case,
				  r->provider, r->model, r->deployment, r->project, r->api_key };

	if (!r->model || !*r->model || r->calls < 1 || r->response_cache_hits < 0 ||
	    r->response_cache_hits > r->calls || r->input_tokens < 0 ||
	    r->input_tokens > PC_USAGE_MAX_COUNT || r->output_tokens < 0 ||
	    r->output_tokens > PC_USAGE_MAX_COUNT || r->cached_input_tokens < 0 ||
	    r->cache_write_tokens < 0 ||
	    r->cached_input_tokens + r->cache_write_tokens > r->input_tokens)
		abort();
	if (line < 1 || line < run->last_line)
		abort();
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		if (strings[i] && pc_usage_utf8_check(strings[i], strlen(strings[i])) !=
				  strlen(strings[i]))
			abort();
	run->last_line = line;
	run->records++;
	run->digest = fuzz_mix(run->digest, (uint64_t)r->time);
	run->digest = fuzz_mix(run->digest, (uint64_t)(r->input_tokens ^ r->output_tokens << 7 ^
						       r->cached_input_tokens << 13 ^ r->calls));
	run->digest = fuzz_mix(run->digest, (uint64_t)r->cost_micros + r->has_cost);
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		run->digest = fuzz_mix_text(run->digest, strings[i]);
	for (size_t i = 0; i < r->ntags; i++)
		run->digest = fuzz_mix_text(run->digest, r->tags[i]);
	return 0;
}

static int fuzz_on_bad(void *ctx, uint64_t line, const char *message, const char *raw,
		       size_t len)
{
	struct fuzz_run *run = ctx;

	(void)raw;
	(void)len;
	if (!*message || strchr(message, '\n') || line < 1)
		abort();
	if (!run->first_bad_line)
		run->first_bad_line = line;
	run->bad++;
	return 0;
}

/* Reads the memfd's content in format; the error, run filled. */
static int fuzz_read(int fd, enum pc_usage_format format, bool set_aside, struct fuzz_run *run)
{
	struct pc_usage_handler handler = { run, fuzz_on_record, set_aside ? fuzz_on_bad : NULL };
	struct pc_usage_input *in = NULL;
	char path[64];
	int error;

	memset(run, 0, sizeof(*run));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (pc_usage_open(&in, path) < 0)
		abort();
	error = pc_usage_read(in, format, 0, &handler);
	pc_usage_close(in);
	if (error) {
		const char *msg = pc_error_message();

		/* located: "name:line..." (or, for detection, "cannot tell the format of name") */
		if (error != PC_EINPUT || !*msg || strchr(msg, '\n') || !strstr(msg, path))
			abort();
	}
	return error;
}

static int fuzz_usage_input(enum pc_usage_format format, const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz", 0);
	struct fuzz_run lenient, lenient2, strict;
	int e_lenient, e_lenient2, e_strict;

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	e_lenient = fuzz_read(fd, format, true, &lenient);
	pc_error_clear();
	e_lenient2 = fuzz_read(fd, format, true, &lenient2);
	pc_error_clear();
	if (e_lenient != e_lenient2 || lenient.records != lenient2.records ||
	    lenient.digest != lenient2.digest || lenient.bad != lenient2.bad)
		abort();
	e_strict = fuzz_read(fd, format, false, &strict);
	pc_error_clear();
	if (!e_strict) {
		/* nothing bad: the same records, nothing set aside */
		if (e_lenient || lenient.bad || strict.records != lenient.records ||
		    strict.digest != lenient.digest)
			abort();
	} else if (!e_lenient && !lenient.bad) {
		abort(); /* strict failed where nothing was bad */
	} else if (strict.records > lenient.records) {
		abort();
	}
	close(fd);
	return 0;
}

#endif
