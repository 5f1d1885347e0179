/*
 * The input layer of the usage importers: opens a file or stdin, inflates
 * gzip (told by its magic bytes; zlib is used here only), hands out the
 * decompressed content in a bounded sliding window, split into lines with
 * their numbers and checked as UTF-8, tells the format of a source from
 * its first bytes, dispatches to the source's reader, fingerprints content,
 * and checks every record before it reaches the handler.
 */
#include "usage_int.h"

#include "promptcost/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define READ_CHUNK ((size_t)64 << 10)
#define INITIAL_CAP ((size_t)256 << 10)
/* How much of the start of a source pc_usage_detect looks at. */
#define DETECT_BYTES ((size_t)64 << 10)
/* 2000-01-01 and 2100-01-01, UTC: a record's time lies between. */
#define TIME_MIN INT64_C(946684800)
#define TIME_MAX INT64_C(4102444800)

static const char *const format_names[] = {
	[PC_USAGE_AUTO] = "auto",
	[PC_USAGE_NATIVE] = "native",
	[PC_USAGE_LITELLM] = "litellm",
	[PC_USAGE_LANGFUSE] = "langfuse",
	[PC_USAGE_OTLP] = "otlp",
	[PC_USAGE_OPENAI] = "openai",
	[PC_USAGE_CLICKHOUSE] = "clickhouse",
};

int pc_usage_format_lookup(enum pc_usage_format *out, const char *name)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (!strcmp(name, format_names[i])) {
			*out = (enum pc_usage_format)i;
			return 0;
		}
	}
	return PC_ENOTFOUND;
}

const char *pc_usage_format_name(enum pc_usage_format format)
{
	if ((size_t)format < sizeof(format_names) / sizeof(format_names[0]))
		return format_names[format];
	return "unknown";
}

/* ---- opening and reading ------------------------------------------------ */

/* Reads up to n raw bytes into p: the count, 0 at the end, or PC_EIO. */
static ssize_t read_raw(struct pc_usage_input *in, void *p, size_t n)
{
	for (;;) {
		ssize_t got = read(in->fd, p, n);

		if (got >= 0)
			return got;
		if (errno != EINTR)
			return pc_error_set(PC_EIO, "%s: cannot read: %s", in->name, strerror(errno));
	}
}

int pc_usage_open(struct pc_usage_input **out, const char *path)
{
	struct pc_usage_input *in = pc_xcalloc(1, sizeof(*in));
	ssize_t got;

	*out = NULL;
	in->line = 1;
	in->max_line = PC_USAGE_MAX_LINE;
	if (!strcmp(path, "-")) {
		in->name = pc_xstrdup("<stdin>");
		in->fd = STDIN_FILENO;
	} else {
		in->name = pc_xstrdup(path);
		in->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (in->fd < 0) {
			int error = pc_error_set(PC_EIO, "%s: cannot open: %s", path, strerror(errno));

			free(in->name);
			free(in);
			return error;
		}
		in->close_fd = true;
	}
	in->raw = pc_xmalloc(READ_CHUNK);
	/* the magic bytes: two, unless the input is shorter */
	while (in->raw_len < 2) {
		got = read_raw(in, in->raw + in->raw_len, READ_CHUNK - in->raw_len);
		if (got < 0) {
			pc_usage_close(in);
			return (int)got;
		}
		if (!got) {
			in->raw_eof = true;
			break;
		}
		in->raw_len += (size_t)got;
	}
	in->gzip = in->raw_len >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b;
	if (in->gzip) {
		z_stream *z = pc_xcalloc(1, sizeof(*z));

		if (inflateInit2(z, 16 + MAX_WBITS) != Z_OK) {
			free(z);
			pc_usage_close(in);
			return pc_error_set(PC_EINTERNAL, "zlib could not start inflating");
		}
		in->z = z;
	}
	in->cap = INITIAL_CAP;
	in->buf = pc_xmalloc(in->cap);
	*out = in;
	return 0;
}

void pc_usage_close(struct pc_usage_input *in)
{
	if (!in)
		return;
	if (in->z) {
		inflateEnd(in->z);
		free(in->z);
	}
	if (in->close_fd)
		close(in->fd);
	free(in->raw);
	free(in->buf);
	free(in->name);
	free(in);
}

const char *pc_usage_input_name(const struct pc_usage_input *in)
{
	return in->name;
}

/* The line on which the window's content runs out (for an early end of gzip). */
static uint64_t line_at_end(const struct pc_usage_input *in)
{
	uint64_t line = in->line;

	for (size_t i = in->pos; i < in->end; i++)
		line += in->buf[i] == '\n';
	return line;
}

/* Adds at most the free space of buf to the window: inflated or read as is. */
static int read_more(struct pc_usage_input *in)
{
	z_stream *z = in->z;

	if (!in->gzip) {
		ssize_t got;

		if (in->raw_pos < in->raw_len) { /* the magic bytes read by open */
			size_t n = in->raw_len - in->raw_pos;

			if (n > in->cap - in->end)
				n = in->cap - in->end;
			memcpy(in->buf + in->end, in->raw + in->raw_pos, n);
			in->raw_pos += n;
			in->end += n;
			return 0;
		}
		if (in->raw_eof) {
			in->eof = true;
			return 0;
		}
		got = read_raw(in, in->buf + in->end, in->cap - in->end);
		if (got < 0)
			return (int)got;
		if (!got)
			in->raw_eof = in->eof = true;
		in->end += (size_t)got;
		return 0;
	}
	for (;;) {
		size_t before = in->end;
		int ret;

		if (in->raw_pos == in->raw_len && !in->raw_eof) {
			ssize_t got = read_raw(in, in->raw, READ_CHUNK);

			if (got < 0)
				return (int)got;
			in->raw_pos = 0;
			in->raw_len = (size_t)got;
			in->raw_eof = !got;
		}
		if (in->raw_pos == in->raw_len && in->raw_eof) {
			if (in->truncated)
				return pc_error_set(PC_EINPUT, "%s:%" PRIu64 ": the gzip data ends early "
						    "(the file is truncated)", in->name, line_at_end(in));
			in->eof = true;
			return 0;
		}
		z->next_in = in->raw + in->raw_pos;
		z->avail_in = (uInt)(in->raw_len - in->raw_pos);
		z->next_out = (Bytef *)in->buf + in->end;
		z->avail_out = (uInt)(in->cap - in->end);
		ret = inflate(z, Z_NO_FLUSH);
		in->raw_pos = in->raw_len - z->avail_in;
		in->end = in->cap - z->avail_out;
		if (ret == Z_STREAM_END) {
			/* another member may follow (gzip files concatenate) */
			in->truncated = false;
			inflateReset(z);
		} else if (ret == Z_OK || ret == Z_BUF_ERROR) {
			in->truncated = true; /* until the stream's end is seen */
		} else {
			return pc_error_set(PC_EINPUT, "%s:%" PRIu64 ": corrupt gzip data (%s)", in->name,
					    line_at_end(in), z->msg ? z->msg : "zlib error");
		}
		if (in->end > before)
			return 0;
	}
}

int pc_usage_fill(struct pc_usage_input *in, size_t want)
{
	while (in->end - in->pos < want && !in->eof) {
		int error;

		if (in->pos) { /* slide the window to the start */
			memmove(in->buf, in->buf + in->pos, in->end - in->pos);
			in->offset += in->pos;
			in->end -= in->pos;
			in->pos = 0;
		}
		if (in->cap - in->end < READ_CHUNK && in->cap < want + READ_CHUNK) {
			in->cap = want + READ_CHUNK;
			in->buf = pc_xrealloc(in->buf, in->cap);
		}
		if ((error = read_more(in)) < 0)
			return error;
	}
	return 0;
}

/* ---- lines and UTF-8 ------------------------------------------------------ */

size_t pc_usage_utf8_check(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			/* ASCII runs, eight bytes at a time */
			while (i + 8 <= len) {
				uint64_t w;

				memcpy(&w, s + i, 8);
				if (w & UINT64_C(0x8080808080808080))
					break;
				i += 8;
			}
			if (i < len && s[i] < 0x80)
				i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (i + n >= len)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		/* overlong forms, surrogates, beyond U+10FFFF */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

int pc_usage_next_line(struct pc_usage_input *in, const char **line, size_t *len,
		       uint64_t *lineno, size_t *col)
{
	size_t scanned = 0, n, bad;
	const char *nl = NULL;
	int error;

	*col = 0;
	*lineno = 0;
	for (;;) {
		size_t have = in->end - in->pos;

		nl = memchr(in->buf + in->pos + scanned, '\n', have - scanned);
		if (nl || in->eof)
			break;
		if (have > in->max_line) {
			/* too long: consume the rest of the line without keeping it */
			*lineno = in->line++;
			for (;;) {
				in->pos = in->end;
				if ((error = pc_usage_fill(in, READ_CHUNK)) < 0) {
					*lineno = 0;
					return error;
				}
				nl = memchr(in->buf + in->pos, '\n', in->end - in->pos);
				if (nl) {
					in->pos = (size_t)(nl - in->buf) + 1;
					break;
				}
				if (in->eof)
					break;
			}
			*line = "";
			*len = 0;
			return pc_error_set(PC_EINPUT, "a line longer than %zu bytes (the limit)",
					    in->max_line);
		}
		scanned = have;
		if ((error = pc_usage_fill(in, have + READ_CHUNK)) < 0)
			return error;
	}
	if (!nl && in->pos == in->end)
		return 0;
	*line = in->buf + in->pos;
	n = nl ? (size_t)(nl - *line) : in->end - in->pos;
	in->pos += n + (nl != NULL);
	*lineno = in->line++;
	if (n > in->max_line) {
		*len = 0;
		return pc_error_set(PC_EINPUT, "a line longer than %zu bytes (the limit)",
				    in->max_line);
	}
	if (n && (*line)[n - 1] == '\r')
		n--;
	*len = n;
	if ((bad = pc_usage_utf8_check(*line, n)) < n) {
		*col = bad + 1;
		return pc_error_set(PC_EINPUT, "invalid UTF-8 (byte 0x%02x)",
				    (unsigned char)(*line)[bad]);
	}
	return 1;
}

int pc_usage_skip(struct pc_usage_input *in, uint64_t n)
{
	uint64_t at = in->offset + in->pos;
	char last = '\n';
	int error;

	if (n < at)
		return n ? pc_error_set(PC_EINPUT, "%s: cannot start at byte %" PRIu64 ", within "
					"the part read first", in->name, n) : 0;
	while (at < n) {
		size_t step;

		if ((error = pc_usage_fill(in, 1)) < 0)
			return error;
		if (in->pos == in->end)
			return pc_error_set(PC_EINPUT, "%s: the input has %" PRIu64 " bytes, fewer than "
					    "the %" PRIu64 " imported before (was it replaced?)",
					    in->name, at, n);
		step = in->end - in->pos;
		if (step > n - at)
			step = (size_t)(n - at);
		for (const char *p = in->buf + in->pos, *e = p + step;
		     (p = memchr(p, '\n', (size_t)(e - p))); p++)
			in->line++;
		last = in->buf[in->pos + step - 1];
		in->pos += step;
		at += step;
	}
	if (last != '\n')
		return pc_error_set(PC_EINPUT, "%s:%" PRIu64 ": the part imported before ends within "
				    "this line (was the file edited?)", in->name, in->line);
	return 0;
}

int pc_usage_bad(struct pc_usage_input *in, const struct pc_usage_handler *handler,
		 uint64_t line, size_t col, const char *raw, size_t rawlen)
{
	struct pc_buf visible = PC_BUF_INIT;
	char *message;
	int error;

	/* one line, whatever a parser quoted from the input (jansson quotes raw bytes) */
	pc_buf_add_visible(&visible, pc_error_message());
	message = pc_buf_detach(&visible, NULL);
	if (handler->bad) {
		if (col) {
			struct pc_buf b = PC_BUF_INIT;

			pc_buf_addf(&b, "%s (column %zu)", message, col);
			free(message);
			message = pc_buf_detach(&b, NULL);
		}
		pc_error_clear();
		error = handler->bad(handler->ctx, line, message, raw, rawlen);
	} else if (col) {
		error = pc_error_set(PC_EINPUT, "%s:%" PRIu64 ":%zu: %s", in->name, line, col,
				     message);
	} else {
		error = pc_error_set(PC_EINPUT, "%s:%" PRIu64 ": %s", in->name, line, message);
	}
	free(message);
	return error;
}

/* ---- records ---------------------------------------------------------------- */

void pc_usage_record_init(struct pc_usage_record *record)
{
	memset(record, 0, sizeof(*record));
	record->time = PC_USAGE_NO_TIME;
	record->calls = 1;
}

static int check_count(int64_t value, const char *name)
{
	if (value < 0)
		return pc_error_set(PC_EINPUT, "'%s' is negative (%" PRId64 ")", name, value);
	if (value > PC_USAGE_MAX_COUNT)
		return pc_error_set(PC_EINPUT, "'%s' is absurd (%" PRId64 ", more than %" PRId64 ")",
				    name, value, PC_USAGE_MAX_COUNT);
	return 0;
}

int pc_usage_emit_record(struct pc_usage_emit *emit, const struct pc_usage_record *r)
{
	const struct { int64_t value; const char *name; } counts[] = {
		{ r->calls, "calls" },
		{ r->response_cache_hits, "response_cache_hits" },
		{ r->input_tokens, "input_tokens" },
		{ r->cached_input_tokens, "cached_input_tokens" },
		{ r->cache_write_tokens, "cache_write_tokens" },
		{ r->output_tokens, "output_tokens" },
	};
	int error;

	if (r->time == PC_USAGE_NO_TIME)
		return pc_error_set(PC_EINPUT, "the record has no time");
	if (r->time < TIME_MIN || r->time >= TIME_MAX)
		return pc_error_set(PC_EINPUT, "the record's time (%" PRId64 " seconds since 1970) is "
				    "not in 2000..2099 (milliseconds read as seconds?)", r->time);
	if (!r->model || !*r->model)
		return pc_error_set(PC_EINPUT, "the record names no model");
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		if ((error = check_count(counts[i].value, counts[i].name)) < 0)
			return error;
	if (r->calls < 1)
		return pc_error_set(PC_EINPUT, "'calls' is %" PRId64 " (a record is at least one call)",
				    r->calls);
	if (r->response_cache_hits > r->calls)
		return pc_error_set(PC_EINPUT, "'response_cache_hits' (%" PRId64 ") is more than "
				    "'calls' (%" PRId64 ")", r->response_cache_hits, r->calls);
	if (r->cached_input_tokens + r->cache_write_tokens > r->input_tokens)
		return pc_error_set(PC_EINPUT, "'cached_input_tokens' + 'cache_write_tokens' (%" PRId64
				    ") is more than 'input_tokens' (%" PRId64 "), which includes them",
				    r->cached_input_tokens + r->cache_write_tokens, r->input_tokens);
	if (r->has_cost && (r->cost_micros < 0 || r->cost_micros > PC_USAGE_MAX_COUNT))
		return pc_error_set(PC_EINPUT, "the record's cost is negative or absurd");
	if ((error = emit->handler->record(emit->handler->ctx, r, emit->line)) < 0)
		emit->handler_error = error;
	return error;
}

/* ---- telling formats apart ---------------------------------------------------- */

/* Skips a UTF-8 byte order mark at the start of the content (spreadsheets write one). */
static int skip_bom(struct pc_usage_input *in)
{
	int error;

	if (in->offset + in->pos)
		return 0;
	if ((error = pc_usage_fill(in, 3)) < 0)
		return error;
	if (in->end - in->pos >= 3 && !memcmp(in->buf + in->pos, "\xef\xbb\xbf", 3))
		in->pos += 3;
	return 0;
}

/* The first byte that is not white space in the first DETECT_BYTES, or 0. */
static int first_char(struct pc_usage_input *in, size_t *at)
{
	size_t start = in->pos;

	if (start + 3 <= in->end && !memcmp(in->buf + start, "\xef\xbb\xbf", 3))
		start += 3;
	for (size_t i = start; i < in->end; i++) {
		char c = in->buf[i];

		if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
			*at = i;
			return (unsigned char)c;
		}
	}
	*at = in->end;
	return 0;
}

/* Keys that tell JSON sources apart; a bit each. */
enum {
	K_RESOURCE_SPANS = 1 << 0, K_NUM_MODEL_REQUESTS = 1 << 1, K_INPUT_CACHED_TOKENS = 1 << 2,
	K_USAGE_DETAILS = 1 << 3, K_PROMPT_NAME = 1 << 4, K_TRACE_ID = 1 << 5,
	K_REQUEST_ID = 1 << 6, K_PROMPT_TOKENS = 1 << 7, K_SPEND = 1 << 8, K_CACHE_HIT = 1 << 9,
	K_TIME = 1 << 10, K_MODEL = 1 << 11, K_INPUT_TOKENS = 1 << 12, K_OUTPUT_TOKENS = 1 << 13,
	K_COST_DETAILS = 1 << 14, K_START_TIME = 1 << 15,
	K_RESOURCE_OTHER = 1 << 16, K_RESULTS = 1 << 17, K_END_TIME = 1 << 18,
};

static const struct { const char *name; unsigned bit; } detect_keys[] = {
	{ "resourceSpans", K_RESOURCE_SPANS }, { "resource_spans", K_RESOURCE_SPANS },
	{ "num_model_requests", K_NUM_MODEL_REQUESTS },
	{ "input_cached_tokens", K_INPUT_CACHED_TOKENS },
	{ "usageDetails", K_USAGE_DETAILS }, { "costDetails", K_COST_DETAILS },
	{ "promptName", K_PROMPT_NAME }, { "traceId", K_TRACE_ID },
	{ "startTime", K_START_TIME },
	/* an OTLP file exporter's metrics or logs lines (the OTLP reader passes them over) */
	{ "resourceMetrics", K_RESOURCE_OTHER }, { "resourceLogs", K_RESOURCE_OTHER },
	/* an OpenAI usage bucket, even one whose results are empty */
	{ "results", K_RESULTS }, { "end_time", K_END_TIME },
	{ "request_id", K_REQUEST_ID }, { "prompt_tokens", K_PROMPT_TOKENS },
	{ "completion_tokens", K_PROMPT_TOKENS }, { "spend", K_SPEND },
	{ "cache_hit", K_CACHE_HIT }, { "time", K_TIME }, { "model", K_MODEL },
	{ "input_tokens", K_INPUT_TOKENS }, { "output_tokens", K_OUTPUT_TOKENS },
};

static unsigned key_bit(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(detect_keys) / sizeof(detect_keys[0]); i++)
		if (strlen(detect_keys[i].name) == n && !memcmp(detect_keys[i].name, s, n))
			return detect_keys[i].bit;
	return 0;
}

/* The keys (strings followed by ':') of s[0..len), as bits. */
static unsigned json_keys(const char *s, size_t len)
{
	unsigned keys = 0;

	for (size_t i = 0; i < len; i++) {
		size_t start, j;

		if (s[i] != '"')
			continue;
		start = ++i;
		while (i < len && s[i] != '"')
			i += s[i] == '\\' ? 2 : 1;
		if (i >= len)
			break;
		for (j = i + 1; j < len && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' ||
					    s[j] == '\n'); j++)
			;
		if (j < len && s[j] == ':')
			keys |= key_bit(s + start, i - start);
	}
	return keys;
}

/* The column names of a CSV header line, as bits. */
static unsigned csv_keys(const char *s, size_t len)
{
	unsigned keys = 0;
	size_t i = 0;

	while (i <= len) {
		size_t start, end;

		while (i < len && s[i] == ' ')
			i++;
		if (i < len && s[i] == '"') {
			start = ++i;
			while (i < len && s[i] != '"')
				i++;
			end = i;
			while (i < len && s[i] != ',')
				i++;
		} else {
			start = i;
			while (i < len && s[i] != ',')
				i++;
			end = i;
			while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\r'))
				end--;
		}
		keys |= key_bit(s + start, end - start);
		i++;
	}
	return keys;
}

int pc_usage_detect(enum pc_usage_format *out, struct pc_usage_input *in)
{
	size_t at;
	unsigned keys;
	int c, error;

	if ((error = pc_usage_fill(in, DETECT_BYTES)) < 0)
		return error;
	c = first_char(in, &at);
	if (!c)
		return pc_error_set(PC_EINPUT, "cannot tell the format of %s (it is empty); "
				    "pass --format", in->name);
	if (c == '{' || c == '[') {
		keys = json_keys(in->buf + at, in->end - at);
		if (keys & (K_RESOURCE_SPANS | K_RESOURCE_OTHER))
			*out = PC_USAGE_OTLP;
		/* Langfuse's usageDetails may hold OpenAI's key names: Langfuse first */
		else if (keys & (K_USAGE_DETAILS | K_PROMPT_NAME | K_TRACE_ID | K_COST_DETAILS))
			*out = PC_USAGE_LANGFUSE;
		else if ((keys & (K_NUM_MODEL_REQUESTS | K_INPUT_CACHED_TOKENS)) ||
			 ((keys & K_RESULTS) && (keys & K_END_TIME)))
			*out = PC_USAGE_OPENAI;
		else if ((keys & K_REQUEST_ID) && (keys & (K_SPEND | K_PROMPT_TOKENS | K_CACHE_HIT)))
			*out = PC_USAGE_LITELLM;
		else if ((keys & K_TIME) && (keys & K_MODEL) && (keys & K_INPUT_TOKENS))
			*out = PC_USAGE_NATIVE;
		else
			return pc_error_set(PC_EINPUT, "cannot tell the format of %s: its first JSON "
					    "record has none of the keys that name a source; pass "
					    "--format", in->name);
		return 0;
	}
	{
		const char *line = in->buf + at, *nl = memchr(line, '\n', in->end - at);

		keys = csv_keys(line, nl ? (size_t)(nl - line) : in->end - at);
	}
	if ((keys & K_REQUEST_ID) && (keys & (K_SPEND | K_PROMPT_TOKENS)))
		*out = PC_USAGE_LITELLM;
	else if ((keys & K_TIME) && (keys & K_MODEL) && (keys & K_INPUT_TOKENS))
		*out = PC_USAGE_NATIVE;
	else
		return pc_error_set(PC_EINPUT, "cannot tell the format of %s: it is not JSON and its "
				    "first line is not a CSV header of a known source; pass --format",
				    in->name);
	return 0;
}

/* ---- reading ------------------------------------------------------------------ */

int pc_usage_read(struct pc_usage_input *in, enum pc_usage_format format, uint64_t skip,
		  const struct pc_usage_handler *handler)
{
	size_t at;
	int c, error;

	if ((error = pc_usage_fill(in, DETECT_BYTES)) < 0)
		return error;
	c = first_char(in, &at);
	if (format == PC_USAGE_AUTO) {
		if (!c)
			return 0; /* nothing to read is not an error */
		if ((error = pc_usage_detect(&format, in)) < 0)
			return error;
	}
	if ((error = skip_bom(in)) < 0)
		return error;
	switch (format) {
	case PC_USAGE_NATIVE:
		if (c == '{' || c == '[' || !c)
			return pc_usage_read_native_jsonl(in, skip, handler);
		return pc_usage_read_native_csv(in, skip, handler);
	case PC_USAGE_LITELLM:
		if (c == '{' || c == '[' || !c)
			return pc_usage_read_json(in, skip, pc_usage_map_litellm_json, handler);
		return pc_usage_read_litellm_csv(in, skip, handler);
	case PC_USAGE_LANGFUSE:
		return pc_usage_read_json(in, skip, pc_usage_map_langfuse, handler);
	case PC_USAGE_OTLP:
		return pc_usage_read_json(in, skip, pc_usage_map_otlp, handler);
	case PC_USAGE_OPENAI:
		return pc_usage_read_json(in, skip, pc_usage_map_openai, handler);
	case PC_USAGE_CLICKHOUSE:
		return pc_error_set(PC_EINPUT, "%s: ClickHouse is read from a server "
				    "(usage import --from clickhouse://...), not from a file",
				    pc_usage_input_name(in));
	case PC_USAGE_AUTO:
		break;
	}
	return pc_error_set(PC_EINTERNAL, "no reader for format %d", (int)format);
}

/* ---- fingerprints ----------------------------------------------------------------- */

int pc_usage_fingerprint(struct pc_usage_input *in, uint64_t *length,
			 unsigned char digest[PC_SHA256_LEN], const uint64_t *lengths, size_t n,
			 unsigned char (*prefix)[PC_SHA256_LEN], bool *prefix_found)
{
	struct pc_sha256 sha;
	uint64_t at = 0;
	int error = 0;

	if (in->offset + in->pos)
		return pc_error_set(PC_EINTERNAL, "%s: fingerprint of an input already read from",
				    in->name);
	pc_sha256_init(&sha);
	for (size_t k = 0; k < n; k++) {
		prefix_found[k] = !lengths[k];
		if (!lengths[k])
			pc_sha256_peek(&sha, prefix[k]);
	}
	for (;;) {
		size_t avail;

		if ((error = pc_usage_fill(in, READ_CHUNK)) < 0)
			goto done;
		avail = in->end - in->pos;
		if (!avail)
			break;
		/* hash up to each prefix length that ends in this piece, in order */
		while (avail) {
			uint64_t cut = at + avail;
			size_t step;

			for (size_t k = 0; k < n; k++)
				if (!prefix_found[k] && lengths[k] > at && lengths[k] < cut)
					cut = lengths[k];
			step = (size_t)(cut - at);
			pc_sha256_update(&sha, in->buf + in->pos, step);
			for (const char *p = in->buf + in->pos, *e = p + step;
			     (p = memchr(p, '\n', (size_t)(e - p))); p++)
				in->line++;
			in->pos += step;
			avail -= step;
			at = cut;
			for (size_t k = 0; k < n; k++) {
				if (!prefix_found[k] && lengths[k] == at) {
					pc_sha256_peek(&sha, prefix[k]);
					prefix_found[k] = true;
				}
			}
		}
	}
	*length = at;
	pc_sha256_final(&sha, digest);
	return 0;
done:
	pc_sha256_release(&sha);
	return error;
}
