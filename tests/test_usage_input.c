/*
 * The usage importers' input layer (src/usage/input.c, jsonsplit.c,
 * csv.c): gzip told by its magic bytes, a gzip that ends early, invalid
 * UTF-8, a line over the limit, an appended file's new part, fingerprints
 * of content and of its prefixes, telling formats apart, the JSON shapes
 * (lines, arrays, pages), and a large input streamed in bounded memory.
 * Gzip files are made with gzip(1), digests checked with sha256sum(1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../src/usage/usage_int.h"
#include "support/fixture.h"
#include "support/usage_capture.h"

#define REC(n) "{\"time\":\"2026-11-03T14:05:10Z\",\"model\":\"gpt-4o\",\"input_tokens\":" #n \
	",\"output_tokens\":1}\n"

static char *dir;

static int setup(void **state)
{
	(void)state;
	fx_setup();
	dir = fx_tmpdir_new();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fx_remove(dir);
	free(dir);
	return 0;
}

static char *path_of(const char *name)
{
	struct pc_buf b = PC_BUF_INIT;

	pc_buf_addf(&b, "%s/%s", dir, name);
	return pc_buf_detach(&b, NULL);
}

/* Reads dir/name in format into c (skip bytes first). */
static int read_named(struct capture *c, const char *name, enum pc_usage_format format,
		      uint64_t skip)
{
	char *path = path_of(name);
	int error = cap_read_file(c, path, format, skip);

	free(path);
	return error;
}

/* The message of the last error from its file name on ("x.jsonl:3: ..."). */
static const char *located(const char *name)
{
	const char *m = pc_error_message(), *at = strstr(m, name);

	return at ? at : m;
}

static void test_usage_input__gzip_is_told_by_its_magic_bytes_not_its_name(void **state)
{
	struct capture c;

	(void)state;
	fx_write(dir, "plain.gz", REC(1) REC(2));
	fx_write(dir, "packed.jsonl", REC(1) REC(2) REC(3));
	fx_sh(dir, "gzip -c packed.jsonl > p.tmp && mv p.tmp packed.jsonl");
	cap_init(&c);
	assert_int_equal(read_named(&c, "plain.gz", PC_USAGE_AUTO, 0), 0);
	assert_int_equal(c.n, 2);
	cap_release(&c);
	cap_init(&c);
	assert_int_equal(read_named(&c, "packed.jsonl", PC_USAGE_AUTO, 0), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.records[2].line, 3);
	assert_int_equal(c.records[2].r.input_tokens, 3);
	cap_release(&c);
	/* gzip members one after the other are one stream (cat a.gz b.gz) */
	fx_write(dir, "a", REC(1));
	fx_write(dir, "b", REC(2) REC(3));
	fx_sh(dir, "gzip -c a > ab.gz && gzip -c b >> ab.gz");
	cap_init(&c);
	assert_int_equal(read_named(&c, "ab.gz", PC_USAGE_NATIVE, 0), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.records[2].line, 3);
	cap_release(&c);
}

static void test_usage_input__a_gzip_that_ends_early_is_a_located_error(void **state)
{
	struct capture c;
	struct pc_buf text = PC_BUF_INIT;

	(void)state;
	/* enough lines that the cut falls well inside the content */
	for (int i = 0; i < 5000; i++)
		pc_buf_addf(&text, "{\"time\":\"2026-11-03T14:05:10Z\",\"model\":\"m\",\"id\":\"%d-%x\","
			    "\"input_tokens\":%d,\"output_tokens\":1}\n", i, i * 2654435761u, i);
	fx_write(dir, "long.jsonl", text.ptr);
	fx_sh(dir, "gzip -c long.jsonl > long.jsonl.gz && head -c 20000 long.jsonl.gz > cut.gz");
	cap_init(&c);
	assert_int_equal(read_named(&c, "cut.gz", PC_USAGE_AUTO, 0), PC_EINPUT);
	assert_true(c.n > 10 && c.n < 5000);
	{
		char want[128];

		snprintf(want, sizeof(want), "cut.gz:%zu: the gzip data ends early (the file is "
			 "truncated)", c.n + 1);
		assert_string_equal(located("cut.gz"), want);
	}
	cap_release(&c);
	/* and corrupt data inside the stream */
	fx_sh(dir, "cp long.jsonl.gz bad.gz && printf 'XXXXXXXXXXXXXXXX' | "
		   "dd of=bad.gz bs=1 seek=2000 conv=notrunc 2>/dev/null");
	cap_init(&c);
	assert_int_equal(read_named(&c, "bad.gz", PC_USAGE_NATIVE, 0), PC_EINPUT);
	assert_non_null(strstr(located("bad.gz"), ": corrupt gzip data ("));
	cap_release(&c);
	pc_buf_release(&text);
}

static void test_usage_input__invalid_utf8_is_located_by_line_and_column(void **state)
{
	const struct { const char *bytes; size_t bad; } cases[] = {
		{ "ok \xc3\xa9 \xf0\x9f\x98\x80", SIZE_MAX },   /* é and an emoji */
		{ "ab\xff", 2 },                               /* not a UTF-8 byte */
		{ "a\xc0\xaf", 1 },                            /* overlong '/' */
		{ "a\xe0\x80\xaf", 1 },                        /* overlong, three bytes */
		{ "\xed\xa0\x80", 0 },                         /* a surrogate */
		{ "\xf4\x90\x80\x80", 0 },                     /* beyond U+10FFFF */
		{ "abc\xe2\x82", 3 },                          /* cut short */
		{ "12345678\x80", 8 },                         /* a lone continuation byte */
	};
	struct capture c;
	const char *text = REC(1) "{\"time\":\"2026-11-03T14:05:10Z\",\"model\":\"gpt-\xff\"}\n";

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].bytes);

		assert_int_equal(pc_usage_utf8_check(cases[i].bytes, len),
				 cases[i].bad == SIZE_MAX ? len : cases[i].bad);
	}
	fx_write(dir, "u.jsonl", text);
	cap_init(&c);
	assert_int_equal(read_named(&c, "u.jsonl", PC_USAGE_AUTO, 0), PC_EINPUT);
	assert_string_equal(located("u.jsonl"), "u.jsonl:2:45: invalid UTF-8 (byte 0xff)");
	assert_int_equal(c.n, 1);
	cap_release(&c);
	/* in a JSON document too, where jansson would only say "invalid UTF-8" */
	fx_write(dir, "u.json", "[\n {\"request_id\": \"r\",\n  \"model\": \"gpt-\xff\"}\n]\n");
	cap_init(&c);
	assert_int_equal(read_named(&c, "u.json", PC_USAGE_LITELLM, 0), PC_EINPUT);
	assert_string_equal(located("u.json"), "u.json:3:17: invalid UTF-8 (byte 0xff)");
	cap_release(&c);
}

static void test_usage_input__a_line_over_the_limit_is_an_error_not_growth(void **state)
{
	struct pc_buf text = PC_BUF_INIT;
	struct capture c;

	(void)state;
	pc_buf_adds(&text, REC(1));
	pc_buf_adds(&text, "{\"time\":\"2026-11-03T14:05:10Z\",\"id\":\"");
	for (size_t i = 0; i < PC_USAGE_MAX_LINE + 100; i++)
		pc_buf_addch(&text, 'x');
	pc_buf_adds(&text, "\"}\n" REC(3));
	fx_write(dir, "long.jsonl", text.ptr);
	cap_init(&c);
	assert_int_equal(read_named(&c, "long.jsonl", PC_USAGE_NATIVE, 0), PC_EINPUT);
	assert_string_equal(located("long.jsonl"),
			    "long.jsonl:2: a line longer than 1048576 bytes (the limit)");
	cap_release(&c);
	/* set aside, the reading goes on after it */
	cap_init(&c);
	c.set_aside = true;
	assert_int_equal(read_named(&c, "long.jsonl", PC_USAGE_NATIVE, 0), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.records[1].line, 3);
	assert_int_equal(c.nbad, 1);
	assert_int_equal(c.bad_lines[0], 2);
	cap_release(&c);
	pc_buf_release(&text);
}

static void test_usage_input__skip_reads_only_the_appended_part_with_file_line_numbers(void **state)
{
	struct capture c;
	size_t first = strlen(REC(1) REC(2));
	const char *csv = "time,model,input_tokens,output_tokens\n"
			  "2026-11-03T14:05:10Z,gpt-4o,1,1\n"
			  "2026-11-03T14:05:10Z,gpt-4o,2,1\n";
	size_t csv_first = strlen("time,model,input_tokens,output_tokens\n"
				  "2026-11-03T14:05:10Z,gpt-4o,1,1\n");

	(void)state;
	fx_write(dir, "log.jsonl", REC(1) REC(2) "\n" REC(4));
	cap_init(&c);
	assert_int_equal(read_named(&c, "log.jsonl", PC_USAGE_AUTO, first), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.records[0].line, 4);
	assert_int_equal(c.records[0].r.input_tokens, 4);
	cap_release(&c);
	/* a gzip too (the length is of the content, decompressed) */
	fx_sh(dir, "gzip -c log.jsonl > log.jsonl.gz");
	cap_init(&c);
	assert_int_equal(read_named(&c, "log.jsonl.gz", PC_USAGE_NATIVE, first), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.records[0].line, 4);
	cap_release(&c);
	/* CSV: the header is read from the start, then the new rows */
	fx_write(dir, "log.csv", csv);
	cap_init(&c);
	assert_int_equal(read_named(&c, "log.csv", PC_USAGE_AUTO, csv_first), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.records[0].line, 3);
	assert_int_equal(c.records[0].r.input_tokens, 2);
	cap_release(&c);
	/* within a line: the file was not only appended to */
	cap_init(&c);
	assert_int_equal(read_named(&c, "log.jsonl", PC_USAGE_NATIVE, first - 3), PC_EINPUT);
	assert_non_null(strstr(located("log.jsonl"), "log.jsonl:2: the part imported before ends "
			       "within this line"));
	/* beyond the end: replaced by a shorter file */
	assert_int_equal(read_named(&c, "log.jsonl", PC_USAGE_NATIVE, 100000), PC_EINPUT);
	assert_non_null(strstr(located("log.jsonl"), "fewer than the 100000 imported before"));
	cap_release(&c);
}

/* The hex SHA-256 of the first n bytes of dir/name's content (sha256sum). */
static char *sha_of(const char *name, long n)
{
	return n < 0 ? fx_capture(dir, "zcat -f %s | sha256sum | cut -c1-64", name)
		     : fx_capture(dir, "zcat -f %s | head -c %ld | sha256sum | cut -c1-64", name, n);
}

static void hex(char out[65], const unsigned char digest[PC_SHA256_LEN])
{
	for (int i = 0; i < PC_SHA256_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

static void test_usage_input__fingerprints_are_of_the_content_and_its_prefixes(void **state)
{
	const char *names[] = { "f.jsonl", "f.jsonl.gz" };
	struct pc_buf text = PC_BUF_INIT;

	(void)state;
	for (int i = 0; i < 3000; i++)
		pc_buf_addf(&text, "{\"time\":\"2026-11-03T14:05:10Z\",\"model\":\"m\","
			    "\"input_tokens\":%d,\"output_tokens\":1}\n", i);
	fx_write(dir, "f.jsonl", text.ptr);
	fx_sh(dir, "gzip -c f.jsonl > f.jsonl.gz");
	for (size_t f = 0; f < 2; f++) {
		uint64_t lengths[] = { 0, 1, 65536, 65537, 100000, text.len, text.len + 1 };
		unsigned char prefix[7][PC_SHA256_LEN], digest[PC_SHA256_LEN];
		bool found[7];
		uint64_t length = 0;
		struct pc_usage_input *in = NULL;
		char *path = path_of(names[f]), got[65], *want;

		assert_int_equal(pc_usage_open(&in, path), 0);
		assert_int_equal(pc_usage_fingerprint(&in[0], &length, digest, lengths, 7, prefix,
						      found), 0);
		assert_int_equal(length, text.len);
		hex(got, digest);
		want = sha_of(names[f], -1);
		assert_string_equal(got, want);
		free(want);
		for (size_t k = 0; k < 6; k++) {
			assert_true(found[k]);
			hex(got, prefix[k]);
			want = sha_of(names[f], (long)lengths[k]);
			assert_string_equal(got, want);
			free(want);
		}
		assert_false(found[6]); /* longer than the content */
		pc_usage_close(in);
		free(path);
	}
	pc_buf_release(&text);
}

static enum pc_usage_format detected(const char *name, const char *content)
{
	struct pc_usage_input *in = NULL;
	enum pc_usage_format format = PC_USAGE_AUTO;
	char *path;
	int error;

	fx_write(dir, name, content);
	path = path_of(name);
	assert_int_equal(pc_usage_open(&in, path), 0);
	error = pc_usage_detect(&format, in);
	pc_usage_close(in);
	free(path);
	return error < 0 ? PC_USAGE_AUTO : format;
}

static void test_usage_input__formats_are_told_apart_by_their_first_record(void **state)
{
	(void)state;
	assert_int_equal(detected("n.jsonl", REC(1)), PC_USAGE_NATIVE);
	assert_int_equal(detected("n.csv", "\xef\xbb\xbftime,model,input_tokens,output_tokens\n"),
			 PC_USAGE_NATIVE);
	assert_int_equal(detected("l.csv", "request_id,call_type,spend,prompt_tokens,"
				  "completion_tokens,startTime,model\n"), PC_USAGE_LITELLM);
	assert_int_equal(detected("l.json", "[{\"request_id\":\"a\",\"spend\":0.1,"
				  "\"prompt_tokens\":1}]"), PC_USAGE_LITELLM);
	assert_int_equal(detected("lf.json", "{\"data\":[{\"id\":\"o1\",\"type\":\"GENERATION\","
				  "\"traceId\":\"t\",\"startTime\":\"2026-11-03T14:05:10Z\","
				  "\"usageDetails\":{\"input\":1}}],\"meta\":{\"page\":1}}"),
			 PC_USAGE_LANGFUSE);
	assert_int_equal(detected("o.json", "{\"resourceSpans\":[{\"resource\":{},"
				  "\"scopeSpans\":[]}]}\n"), PC_USAGE_OTLP);
	assert_int_equal(detected("oa.json", "{\"object\":\"page\",\"data\":[{\"object\":\"bucket\","
				  "\"start_time\":1,\"results\":[{\"object\":"
				  "\"organization.usage.completions.result\",\"input_tokens\":1,"
				  "\"num_model_requests\":1}]}]}"), PC_USAGE_OPENAI);
	/* the other sources' samples, as their tests read them */
	{
		const struct { const char *path; enum pc_usage_format format; } samples[] = {
			{ "tests/usage/langfuse-api-page-v2.json", PC_USAGE_LANGFUSE },
			{ "tests/usage/langfuse-observations.jsonl", PC_USAGE_LANGFUSE },
			{ "tests/usage/openai-usage-completions.json", PC_USAGE_OPENAI },
			{ "tests/usage/openai-usage-pages.jsonl", PC_USAGE_OPENAI },
			{ "tests/usage/otlp-genai-spans.jsonl", PC_USAGE_OTLP },
			{ "tests/usage/litellm.csv", PC_USAGE_LITELLM },
			{ "tests/usage/litellm.json", PC_USAGE_LITELLM },
			{ "tests/usage/litellm_page.json", PC_USAGE_LITELLM },
			{ "tests/usage/native.csv", PC_USAGE_NATIVE },
			{ "tests/usage/native.jsonl", PC_USAGE_NATIVE },
		};

		for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
			struct pc_usage_input *in = NULL;
			enum pc_usage_format format = PC_USAGE_AUTO;

			assert_int_equal(pc_usage_open(&in, samples[i].path), 0);
			assert_int_equal(pc_usage_detect(&format, in), 0);
			if (format != samples[i].format)
				fail_msg("%s: detected %s", samples[i].path, pc_usage_format_name(format));
			pc_usage_close(in);
		}
	}
	/* what none of them is */
	assert_int_equal(detected("x.csv", "a,b,c\n1,2,3\n"), PC_USAGE_AUTO);
	assert_non_null(strstr(pc_error_message(), "cannot tell the format of "));
	assert_non_null(strstr(pc_error_message(), "x.csv: it is not JSON and its first line is "
			       "not a CSV header of a known source; pass --format"));
	assert_int_equal(detected("x.json", "{\"hello\":1}"), PC_USAGE_AUTO);
	assert_non_null(strstr(pc_error_message(), "; pass --format"));
	assert_int_equal(detected("e.json", "  \n"), PC_USAGE_AUTO);
	assert_non_null(strstr(pc_error_message(), "e.json (it is empty); pass --format"));
}

#define ROW "{\"request_id\":\"r%d\",\"startTime\":\"2026-11-03T14:05:10Z\"," \
	"\"model\":\"gpt-4o\",\"prompt_tokens\":%d,\"completion_tokens\":1}"

static void test_usage_input__json_documents_stream_arrays_pages_and_lines(void **state)
{
	struct capture c;
	struct pc_buf b = PC_BUF_INIT;

	(void)state;
	/* a pretty-printed page: the records are the elements of data */
	pc_buf_adds(&b, "{\n  \"total\": 3,\n  \"data\": [\n");
	for (int i = 1; i <= 3; i++) {
		pc_buf_addf(&b, "    ");
		pc_buf_addf(&b, ROW, i, i);
		pc_buf_adds(&b, i < 3 ? ",\n" : "\n");
	}
	pc_buf_adds(&b, "  ],\n  \"page\": {\"n\": [1, {\"x\": \"]}\"}]}\n}\n");
	fx_write(dir, "page.json", b.ptr);
	cap_init(&c);
	assert_int_equal(read_named(&c, "page.json", PC_USAGE_LITELLM, 0), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.records[0].line, 4);
	assert_int_equal(c.records[2].line, 6);
	assert_int_equal(c.records[2].r.input_tokens, 3);
	cap_release(&c);
	/* pages fetched in a loop and appended, one a line */
	pc_buf_reset(&b);
	for (int i = 1; i <= 2; i++) {
		pc_buf_adds(&b, "{\"data\":[");
		pc_buf_addf(&b, ROW, i, i);
		pc_buf_adds(&b, ",");
		pc_buf_addf(&b, ROW, i + 10, i + 10);
		pc_buf_adds(&b, "],\"has_more\":true}\n");
	}
	fx_write(dir, "pages.jsonl", b.ptr);
	cap_init(&c);
	assert_int_equal(read_named(&c, "pages.jsonl", PC_USAGE_LITELLM, 0), 0);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.records[3].line, 2);
	assert_int_equal(c.records[3].r.input_tokens, 12);
	cap_release(&c);
	/* a syntax error in an array stops the reading where it is */
	fx_write(dir, "bad.json", "[\n{\"request_id\": \"a\"},\n{\"request_id\": \"b\" \"model\": 1}\n]\n");
	cap_init(&c);
	assert_int_equal(read_named(&c, "bad.json", PC_USAGE_LITELLM, 0), PC_EINPUT);
	assert_string_equal(located("bad.json"), "bad.json:2: field 'startTime' is missing");
	cap_release(&c);
	fx_write(dir, "bad2.json", "[\n{\"request_id\": \"b\" \"model\": 1}\n]\n");
	cap_init(&c);
	assert_int_equal(read_named(&c, "bad2.json", PC_USAGE_LITELLM, 0), PC_EINPUT);
	/* jansson's column is where the token it stopped at ends */
	assert_string_equal(located("bad2.json"),
			    "bad2.json:2:26: not JSON: '}' expected near '\"model\"'");
	cap_release(&c);
	fx_write(dir, "cut.json", "[\n{\"request_id\": \"b\",\n");
	cap_init(&c);
	assert_int_equal(read_named(&c, "cut.json", PC_USAGE_LITELLM, 0), PC_EINPUT);
	assert_string_equal(located("cut.json"),
			    "cut.json:3:1: the JSON ends inside a value (a truncated file?)");
	cap_release(&c);
	pc_buf_release(&b);
}

/* Starts the peak resident set (VmHWM) again from the current one. */
static void reset_peak_rss(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");

	assert_non_null(f);
	assert_true(fputs("5", f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static void test_usage_input__csv_quotes_follow_rfc_4180(void **state)
{
	struct capture c;
	const char *good = "\xef\xbb\xbftime,model,id,input_tokens,output_tokens\r\n"
			   "2026-11-03T14:05:10Z,gpt-4o,\"a,b\",1,1\r\n"
			   "\r\n"
			   "2026-11-03T14:05:10Z,\"gpt-4o\",\"say \"\"hi\"\"\",2,1\r\n"
			   "2026-11-03T14:05:10Z,gpt-4o,\"two\r\nlines\",3,1\r\n"
			   "2026-11-03T14:05:10Z,gpt-4o,\"\",4,1";
	const char *bad = "time,model,id,input_tokens,output_tokens\n"
			  "2026-11-03T14:05:10Z,gpt-4o,\"a\"b,1,1\n"
			  "2026-11-03T14:05:10Z,gpt-4o,x,2,1\n";

	(void)state;
	fx_write(dir, "q.csv", good);
	cap_init(&c);
	assert_int_equal(read_named(&c, "q.csv", PC_USAGE_AUTO, 0), 0);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.records[0].r.id, "a,b");
	assert_int_equal(c.records[0].line, 2);
	assert_string_equal(c.records[1].r.id, "say \"hi\"");
	assert_int_equal(c.records[1].line, 4);
	/* a quoted newline: the record is on the line it starts on, the next one after */
	assert_string_equal(c.records[2].r.id, "two\nlines");
	assert_int_equal(c.records[2].line, 5);
	assert_int_equal(c.records[3].line, 7);
	assert_null(c.records[3].r.id); /* "" is empty: not given */
	cap_release(&c);
	fx_write(dir, "b.csv", bad);
	cap_init(&c);
	assert_int_equal(read_named(&c, "b.csv", PC_USAGE_NATIVE, 0), PC_EINPUT);
	assert_string_equal(located("b.csv"), "b.csv:2:32: text after a quoted field's closing "
			    "quote (a quote inside one must be doubled)");
	cap_release(&c);
	cap_init(&c);
	c.set_aside = true;
	assert_int_equal(read_named(&c, "b.csv", PC_USAGE_NATIVE, 0), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.records[0].line, 3);
	assert_int_equal(c.nbad, 1);
	cap_release(&c);
}

/* The process's peak resident set, in KiB (VmHWM). */
static long peak_rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	return kib;
}

static void test_usage_input__a_200_mb_stream_on_stdin_reads_in_bounded_memory(void **state)
{
	const long records = 700000;
	int fds[2], saved, status;
	pid_t pid;
	struct capture c;
	long before, after;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* the writer: about 300 bytes a record, 200 MB in all */
		char line[512];
		FILE *out = fdopen(fds[1], "w");

		close(fds[0]);
		for (long i = 0; i < records; i++) {
			fprintf(out, "{\"time\":\"2026-11-%02ldT%02ld:%02ld:00Z\",\"id\":\"req_%ld\","
				"\"template\":\"template-%ld\",\"team\":\"team-%ld\","
				"\"provider\":\"openai\",\"model\":\"gpt-4o\",\"deployment\":null,"
				"\"calls\":1,\"response_cache_hits\":0,\"input_tokens\":%ld,"
				"\"cached_input_tokens\":0,\"cache_write_tokens\":0,"
				"\"output_tokens\":250,\"cost\":\"0.0055\",\"api_key\":\"%s\"}\n",
				1 + i % 30, i % 24, i % 60, i, i % 50, i % 7, 1000 + i % 100,
				"key-00000000000000000000000000000000000000000");
		}
		(void)line;
		fclose(out);
		_exit(0);
	}
	close(fds[1]);
	saved = dup(0);
	assert_int_equal(dup2(fds[0], 0), 0);
	close(fds[0]);
	reset_peak_rss();
	before = peak_rss_kib();
	cap_init(&c);
	c.keep = false;
	assert_int_equal(cap_read_file(&c, "-", PC_USAGE_AUTO, 0), 0);
	after = peak_rss_kib();
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
	assert_int_equal(c.n, records);
	assert_int_equal(c.input_tokens_total, records / 100 * (100 * 1000 + 99 * 100 / 2));
	/* the window and its buffers: a few MiB at most, never the input */
	print_message("peak RSS %ld KiB before, %ld KiB after reading %ld records\n", before, after,
		      records);
	assert_true(after - before < 8 * 1024);
	cap_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage_input__gzip_is_told_by_its_magic_bytes_not_its_name),
		cmocka_unit_test(test_usage_input__a_gzip_that_ends_early_is_a_located_error),
		cmocka_unit_test(test_usage_input__invalid_utf8_is_located_by_line_and_column),
		cmocka_unit_test(test_usage_input__a_line_over_the_limit_is_an_error_not_growth),
		cmocka_unit_test(test_usage_input__skip_reads_only_the_appended_part_with_file_line_numbers),
		cmocka_unit_test(test_usage_input__fingerprints_are_of_the_content_and_its_prefixes),
		cmocka_unit_test(test_usage_input__formats_are_told_apart_by_their_first_record),
		cmocka_unit_test(test_usage_input__json_documents_stream_arrays_pages_and_lines),
		cmocka_unit_test(test_usage_input__csv_quotes_follow_rfc_4180),
		cmocka_unit_test(test_usage_input__a_200_mb_stream_on_stdin_reads_in_bounded_memory),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
