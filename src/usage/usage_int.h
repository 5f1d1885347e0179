/*
 * Shared by the importers under src/usage/, not part of the library's
 * contract. The input layer (input.c) splits a source into records (lines
 * of JSONL or CSV, or the top-level elements of a JSON document) and hands
 * each JSON record to its source's mapper, which turns it into native
 * records (an OTLP line or an OpenAI page holds many).
 */
#ifndef PROMPTCOST_USAGE_INT_H
#define PROMPTCOST_USAGE_INT_H

#include "promptcost/usage.h"

#include <jansson.h>

/* Where mapped records go: the reader's handler, at the record's first line. */
struct pc_usage_emit {
	const struct pc_usage_handler *handler;
	uint64_t line;
	/*
	 * Set by pc_usage_emit_record when the handler itself refused a record:
	 * the reader then stops with that error instead of treating the element
	 * as bad content.
	 */
	int handler_error;
};

/* A record with no fields: no time yet (PC_USAGE_NO_TIME), one call, nothing else. */
#define PC_USAGE_NO_TIME INT64_MIN
void pc_usage_record_init(struct pc_usage_record *record);

/*
 * Hands one mapped record to the handler after the checks every record
 * gets: a time in 2000..2099 (a time outside is a unit mistake: seconds
 * read as milliseconds), a model, calls >= 1, response_cache_hits <=
 * calls, cached + cache_write <= input, every count in
 * 0..PC_USAGE_MAX_COUNT. A failed check is PC_EINPUT without a location.
 */
int pc_usage_emit_record(struct pc_usage_emit *emit, const struct pc_usage_record *record);

/*
 * A mapper: one top-level JSON element of a source onto records. On bad
 * content returns PC_EINPUT with a message without a location (the reader
 * adds "name:line: "); records already emitted for the element stand.
 */
typedef int (*pc_usage_json_mapper)(const json_t *element, struct pc_usage_emit *emit);

int pc_usage_map_native_json(const json_t *element, struct pc_usage_emit *emit);
int pc_usage_map_litellm_json(const json_t *element, struct pc_usage_emit *emit);
int pc_usage_map_langfuse(const json_t *element, struct pc_usage_emit *emit);
int pc_usage_map_otlp(const json_t *element, struct pc_usage_emit *emit);
int pc_usage_map_openai(const json_t *element, struct pc_usage_emit *emit);

/* Field readers every importer uses (fields.c): one rule for each kind of value. */

/*
 * An RFC 3339 timestamp with a zone ("2026-11-03T14:05:10Z", "...+01:00",
 * fractions allowed and truncated to the second) into UTC seconds. A time
 * without a zone is an error: it would be read in some unknown zone.
 */
int pc_usage_parse_time(int64_t *out, const char *text);

/*
 * Nanoseconds since 1970 as OTLP writes them (decimal digits, no sign) into
 * UTC seconds, truncated. 0 is an error: OTLP writes it for "not set".
 */
int pc_usage_parse_unix_nanos(int64_t *out, const char *text);

/* The largest count a record may carry: more is "absurd", an error, never wrapped. */
#define PC_USAGE_MAX_COUNT ((int64_t)1000000000000000) /* 1e15 */

/* A non-negative integer count no larger than PC_USAGE_MAX_COUNT, from decimal text. */
int pc_usage_parse_count(int64_t *out, const char *text, const char *field);

/*
 * A money amount in decimal text ("0.0055", "1.5e-05") into micro-units,
 * exactly, rounded half away from zero beyond six decimals. Negative or more
 * than 10^9 (10^15 micro-units) is an error.
 */
int pc_usage_parse_cost(int64_t *out, const char *text, const char *field);

/*
 * The same rules on a JSON value, for mappers: value may be NULL (the field
 * is missing: an error naming it) or of a wrong type (an error naming it and
 * the type found). Messages start "field 'name': ".
 *   time: a string. unix_nanos: a string or an integer. count: an integer,
 *   a whole number or a decimal string. cost: a number (read back from the
 *   shortest text that gives the same double, never scaled in floating
 *   point) or a decimal string. string: a string, borrowed from value.
 */
int pc_usage_json_time(int64_t *out, const json_t *value, const char *field);
int pc_usage_json_unix_nanos(int64_t *out, const json_t *value, const char *field);
int pc_usage_json_count(int64_t *out, const json_t *value, const char *field);
int pc_usage_json_cost(int64_t *out, const json_t *value, const char *field);
int pc_usage_json_string(const char **out, const json_t *value, const char *field);
/*
 * text for a message: at most size - 4 bytes of it (cut at a character's
 * start, "..." added), control characters shown as '?', so that a message
 * stays one line whatever the source holds. Returns buf.
 */
const char *pc_usage_quote(char *buf, size_t size, const char *text);

/* A string, or NULL when value is missing or null. */
int pc_usage_json_optional_string(const char **out, const json_t *value, const char *field);
/*
 * A label (a version, an id) given as a string or an integer: the string
 * borrowed from value, or the integer written in buf; NULL when value is
 * missing or null.
 */
#define PC_USAGE_LABEL_MAX 24
int pc_usage_json_label(const char **out, char buf[PC_USAGE_LABEL_MAX], const json_t *value,
			const char *field);

/* ---- The input layer's internals, for the splitters (input.c, csv.c, native.c...) ---- */

/* The longest line of JSONL or CSV: longer is a located error, not unbounded growth. */
#define PC_USAGE_MAX_LINE ((size_t)1 << 20)
/* The largest record of a JSON document (an array's element, an OTLP batch). */
#define PC_USAGE_MAX_ELEMENT ((size_t)16 << 20)

/*
 * An opened input: its decompressed bytes in a window buf[pos..end) that
 * pc_usage_fill slides and grows (never beyond the limits above plus one
 * read), line the line number of buf[pos], offset the count of
 * decompressed bytes before buf[0] (so buf[pos] is at offset + pos).
 */
struct pc_usage_input {
	char *name;
	int fd;
	bool close_fd;
	bool gzip;
	void *z;                /* zlib's stream, input.c only */
	unsigned char *raw;     /* compressed bytes read, not yet inflated */
	size_t raw_pos, raw_len;
	bool raw_eof;
	bool truncated;         /* the gzip stream stopped before its end */
	char *buf;
	size_t cap, pos, end;
	bool eof;               /* nothing after buf[end] */
	uint64_t offset;
	uint64_t line;
	size_t max_line;        /* pc_usage_next_line's limit: PC_USAGE_MAX_LINE unless raised */
};

/*
 * Makes at least want bytes available at buf[pos] (fewer only at the end:
 * check end - pos). 0, or PC_EINPUT for a gzip that is corrupt or ends
 * early ("name:line: ..."), PC_EIO for a read error.
 */
int pc_usage_fill(struct pc_usage_input *in, size_t want);

/*
 * The next line (without "\n" or "\r\n"), borrowed until the next call:
 * 1 and *line, *len, *lineno set; 0 at the end; or an error. A line longer
 * than in->max_line or with invalid UTF-8 is PC_EINPUT with the
 * message (without location) and *lineno (and *col, 1-based, 0 for none)
 * set: the line has been consumed and the reader may go on after it.
 * Errors of the stream itself (a truncated gzip, a read error) leave
 * *lineno 0: nothing can be read after them.
 */
int pc_usage_next_line(struct pc_usage_input *in, const char **line, size_t *len,
		       uint64_t *lineno, size_t *col);

/*
 * Consumes n bytes of content, counting their lines; the byte before the
 * new position must end a line (an appended log's new part starts one).
 */
int pc_usage_skip(struct pc_usage_input *in, uint64_t n);

/* The offset of the first invalid UTF-8 sequence in s[0..len), or len when valid. */
size_t pc_usage_utf8_check(const char *s, size_t len);

/*
 * A record the reader cannot read, at line (col 0: none): handed to the
 * handler's bad (0: set aside, go on) or, without one, PC_EINPUT
 * "name:line[:col]: message" with the message pc_error_message() holds.
 */
int pc_usage_bad(struct pc_usage_input *in, const struct pc_usage_handler *handler,
		 uint64_t line, size_t col, const char *raw, size_t rawlen);

/* The JSON splitter (jsonsplit.c): every top-level record, each to map. */
int pc_usage_read_json(struct pc_usage_input *in, uint64_t skip, pc_usage_json_mapper map,
		       const struct pc_usage_handler *handler);

/*
 * RFC 4180 CSV records over the input's lines (csv.c): quoted fields,
 * doubled quotes, newlines inside quotes (a record's line is the line it
 * starts on). Blank lines are passed over.
 */
struct pc_csv {
	struct pc_usage_input *in;
	struct pc_buf text;     /* the fields' unquoted text, each NUL-terminated */
	size_t *starts;         /* where field i starts in text */
	size_t nfields, cap;
	struct pc_buf raw;      /* the record as written, for a bad record */
	uint64_t line;          /* the line the record starts on */
	size_t col;             /* of the last error, 0 for none */
};
void pc_csv_init(struct pc_csv *csv, struct pc_usage_input *in);
void pc_csv_release(struct pc_csv *csv);
/*
 * The next record: 1 (fields in pc_csv_field), 0 at the end, PC_EINPUT for
 * a record that cannot be read, with the message unlocated and csv->line
 * set (the reader may go on after it), or another error (csv->line 0).
 */
int pc_csv_next(struct pc_csv *csv);
static inline const char *pc_csv_field(const struct pc_csv *csv, size_t i)
{
	return csv->text.ptr + csv->starts[i];
}
/*
 * Maps the header record's columns onto names: column_of[i] is the index in
 * names of field i, or -1. Unknown columns are an error when strict; a
 * column named twice always is. column_of has csv->nfields slots.
 */
int pc_csv_columns(const struct pc_csv *csv, const char *const *names, size_t nnames,
		   int *column_of, bool strict);

/*
 * One native JSONL line (not checked by pc_usage_emit_record yet) into
 * *out, its strings decoded into scratch (at least len + 1 bytes). PC_EINPUT
 * with *col the column (0: none) when it is not a native record.
 */
int pc_usage_native_line(struct pc_usage_record *out, const char *line, size_t len,
			 char *scratch, size_t *col);

/* The CSV readers of the sources that have one. */
int pc_usage_read_native_jsonl(struct pc_usage_input *in, uint64_t skip,
			       const struct pc_usage_handler *handler);
int pc_usage_read_native_csv(struct pc_usage_input *in, uint64_t skip,
			     const struct pc_usage_handler *handler);
int pc_usage_read_litellm_csv(struct pc_usage_input *in, uint64_t skip,
			      const struct pc_usage_handler *handler);

#endif
