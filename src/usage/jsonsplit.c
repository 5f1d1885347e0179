/*
 * The JSON record splitter: streams the records of a JSON source, never
 * the whole document, and hands each, parsed with jansson, to its source's
 * mapper with the line it starts on. Three shapes are read:
 *   - JSONL: one value a line (a record, or a page, below);
 *   - a top-level array: its elements are the records;
 *   - a page: a top-level object with a "data" array (Langfuse's API and
 *     OpenAI's usage API answer so): the elements of "data" are the records,
 *     its other members are passed over.
 * The shape is told by the first value: '[' is an array; '{' that closes on
 * its first line is JSONL; otherwise a document (a page, pretty-printed).
 * A record's text is held whole (at most PC_USAGE_MAX_ELEMENT bytes); in an
 * array or a multi-line page a syntax error stops the reading (where would
 * the next record start?), in JSONL it sets one line aside.
 */
#include "usage_int.h"

#include <inttypes.h>
#include <string.h>

#define END_OF_INPUT (-1)

struct split {
	struct pc_usage_input *in;
	const struct pc_usage_handler *handler;
	pc_usage_json_mapper map;
	uint64_t line_start;    /* offset of the current line's first byte */
	struct pc_buf text;     /* the record being read */
};

static uint64_t at_of(const struct split *s)
{
	return s->in->offset + s->in->pos;
}

static size_t col_of(const struct split *s)
{
	return (size_t)(at_of(s) - s->line_start) + 1;
}

/* The next byte, not consumed: 0..255, END_OF_INPUT, or an error (< -1). */
static int peek(struct split *s)
{
	struct pc_usage_input *in = s->in;

	if (in->pos == in->end) {
		int error = pc_usage_fill(in, 1);

		if (error < 0)
			return error;
		if (in->pos == in->end)
			return END_OF_INPUT;
	}
	return (unsigned char)in->buf[in->pos];
}

static void consume(struct split *s)
{
	if (s->in->buf[s->in->pos++] == '\n') {
		s->in->line++;
		s->line_start = at_of(s);
	}
}

/* Skips white space; returns the next byte as peek does. */
static int skip_ws(struct split *s)
{
	for (;;) {
		int c = peek(s);

		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			return c;
		consume(s);
	}
}

static int syntax(struct split *s, const char *what)
{
	return pc_error_set(PC_EINPUT, "%s:%" PRIu64 ":%zu: %s", s->in->name, s->in->line,
			    col_of(s), what);
}

/*
 * Reads one JSON value's text (not checked: jansson does that), appending
 * it to out when out is not NULL; at most PC_USAGE_MAX_ELEMENT bytes.
 */
static int take_value(struct split *s, struct pc_buf *out)
{
	struct pc_usage_input *in = s->in;
	int depth = 0, c = peek(s);
	bool in_string = false, escape = false, scalar;

	if (c < 0)
		return c == END_OF_INPUT ? syntax(s, "the JSON ends where a value should be") : c;
	scalar = c != '{' && c != '[' && c != '"';
	for (;;) {
		const char *p = in->buf + in->pos, *e = in->buf + in->end, *start = p;
		bool done = false;

		for (; p < e && !done; p++) {
			char ch = *p;

			if (scalar) {
				if (ch == ',' || ch == ']' || ch == '}' || ch == ' ' || ch == '\t' ||
				    ch == '\r' || ch == '\n') {
					done = true; /* the delimiter is not the value's */
					p--;
				}
				continue;
			}
			if (ch == '\n') {
				in->line++;
				s->line_start = in->offset + (uint64_t)(p - in->buf) + 1;
			}
			if (in_string) {
				if (escape)
					escape = false;
				else if (ch == '\\')
					escape = true;
				else if (ch == '"') {
					in_string = false;
					done = !depth;
				}
				continue;
			}
			if (ch == '"')
				in_string = true;
			else if (ch == '{' || ch == '[')
				depth++;
			else if (ch == '}' || ch == ']')
				done = !--depth;
		}
		if (out) {
			pc_buf_add(out, start, (size_t)(p - start));
			if (out->len > PC_USAGE_MAX_ELEMENT)
				return syntax(s, "a JSON record longer than 16 MiB (the limit)");
		}
		in->pos = (size_t)(p - in->buf);
		if (done)
			return 0;
		if ((c = peek(s)) < 0) {
			if (c != END_OF_INPUT)
				return c;
			if (scalar)
				return 0;
			return syntax(s, "the JSON ends inside a value (a truncated file?)");
		}
	}
}

/* Parses text as one record, starting at line:col, and maps it. */
static int map_text(struct split *s, const char *text, size_t len, uint64_t line, size_t col)
{
	json_error_t jerr;
	struct pc_usage_emit emit = { s->handler, line, 0 };
	size_t bad = pc_usage_utf8_check(text, len);
	json_t *json;
	int error;

	if (bad < len) {
		/* where the bad byte is: lines and columns within the record */
		for (size_t i = 0; i < bad; i++) {
			if (text[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
		pc_error_set(PC_EINPUT, "invalid UTF-8 (byte 0x%02x)", (unsigned char)text[bad]);
		return pc_usage_bad(s->in, s->handler, line, col, text, len);
	}
	json = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json) {
		if (jerr.line > 1) {
			line += (uint64_t)jerr.line - 1;
			col = (size_t)(jerr.column > 0 ? jerr.column : 1);
		} else {
			col += (size_t)(jerr.column > 1 ? jerr.column - 1 : 0);
		}
		pc_error_set(PC_EINPUT, "not JSON: %s", jerr.text);
		return pc_usage_bad(s->in, s->handler, line, col, text, len);
	}
	if (json_is_object(json) && json_is_array(json_object_get(json, "data"))) {
		/* a page on one line (pages fetched in a loop and appended) */
		json_t *data = json_object_get(json, "data"), *element;
		size_t i;

		error = 0;
		json_array_foreach(data, i, element) {
			if ((error = s->map(element, &emit)) < 0)
				break;
		}
	} else {
		error = s->map(json, &emit);
	}
	json_decref(json);
	if (emit.handler_error)
		return emit.handler_error;
	if (error == PC_EINPUT)
		return pc_usage_bad(s->in, s->handler, line, 0, text, len);
	return error;
}

/* Reads the elements of an array whose '[' is next: each a record. */
static int read_elements(struct split *s)
{
	int c, error;

	consume(s); /* '[' */
	if ((c = skip_ws(s)) == ']') {
		consume(s);
		return 0;
	}
	for (;;) {
		uint64_t line = s->in->line;
		size_t col = col_of(s);

		if (c < 0 && c != END_OF_INPUT)
			return c;
		pc_buf_reset(&s->text);
		if ((error = take_value(s, &s->text)) < 0)
			return error;
		if ((error = map_text(s, s->text.ptr, s->text.len, line, col)) < 0)
			return error;
		c = skip_ws(s);
		if (c == ']') {
			consume(s);
			return 0;
		}
		if (c != ',')
			return c < -1 ? c : syntax(s, "expected ',' or ']' after an array element");
		consume(s);
		c = skip_ws(s);
	}
}

/*
 * A top-level object over several lines: a page (its "data" array's
 * elements are the records) or one record.
 */
static int read_document_object(struct split *s)
{
	struct pc_buf key = PC_BUF_INIT;
	uint64_t line = s->in->line;
	size_t col = col_of(s);
	bool page = false;
	int c, error = 0;

	pc_buf_reset(&s->text);
	pc_buf_addch(&s->text, '{');
	consume(s);
	for (c = skip_ws(s); c != '}'; c = skip_ws(s)) {
		if (c != '"') {
			error = c < -1 ? c : syntax(s, "expected a key or '}' in the top-level object");
			goto done;
		}
		pc_buf_reset(&key);
		if ((error = take_value(s, &key)) < 0)
			goto done;
		if (skip_ws(s) != ':') {
			error = syntax(s, "expected ':' after a key");
			goto done;
		}
		consume(s);
		c = skip_ws(s);
		if (!page && !strcmp(key.ptr, "\"data\"") && c == '[') {
			page = true;
			if ((error = read_elements(s)) < 0)
				goto done;
		} else {
			struct pc_buf *into = page ? NULL : &s->text;

			if (into) {
				if (s->text.len > 1)
					pc_buf_addch(into, ',');
				pc_buf_add(into, key.ptr, key.len);
				pc_buf_addch(into, ':');
			}
			if ((error = take_value(s, into)) < 0)
				goto done;
		}
		if (s->text.len > PC_USAGE_MAX_ELEMENT) {
			error = syntax(s, "a JSON record longer than 16 MiB (the limit)");
			goto done;
		}
		c = skip_ws(s);
		if (c == ',') {
			consume(s);
		} else if (c != '}') {
			error = c < -1 ? c : syntax(s, "expected ',' or '}' in the top-level object");
			goto done;
		}
	}
	consume(s);
	if (!page) {
		pc_buf_addch(&s->text, '}');
		error = map_text(s, s->text.ptr, s->text.len, line, col);
	}
done:
	pc_buf_release(&key);
	return error;
}

/* Whether the '{' at the window's position closes on its own line. */
static int first_line_closes(struct split *s, bool *out)
{
	struct pc_usage_input *in = s->in;
	size_t scanned = 0;
	int depth = 0;
	bool in_string = false, escape = false;
	int error;

	*out = false;
	for (;;) {
		for (; in->pos + scanned < in->end; scanned++) {
			char ch = in->buf[in->pos + scanned];

			if (ch == '\n')
				return 0;
			if (in_string) {
				if (escape)
					escape = false;
				else if (ch == '\\')
					escape = true;
				else if (ch == '"')
					in_string = false;
			} else if (ch == '"') {
				in_string = true;
			} else if (ch == '{' || ch == '[') {
				depth++;
			} else if ((ch == '}' || ch == ']') && !--depth) {
				*out = true;
				return 0;
			}
		}
		if (in->eof || scanned > PC_USAGE_MAX_ELEMENT)
			return 0;
		if ((error = pc_usage_fill(in, scanned + (64 << 10))) < 0)
			return error;
	}
}

/* JSONL: a value a line, each a record or a page. */
static int read_lines(struct split *s)
{
	const char *line;
	size_t len, col;
	uint64_t lineno;
	int got;

	s->in->max_line = PC_USAGE_MAX_ELEMENT;
	while ((got = pc_usage_next_line(s->in, &line, &len, &lineno, &col))) {
		size_t lead = 0;

		if (got < 0) {
			if (!lineno) /* the stream itself: no going on */
				return got;
			if ((got = pc_usage_bad(s->in, s->handler, lineno, col, line, len)) < 0)
				return got;
			continue;
		}
		while (lead < len && (line[lead] == ' ' || line[lead] == '\t'))
			lead++;
		if (lead == len)
			continue;
		if ((got = map_text(s, line + lead, len - lead, lineno, lead + 1)) < 0)
			return got;
	}
	return 0;
}

int pc_usage_read_json(struct pc_usage_input *in, uint64_t skip, pc_usage_json_mapper map,
		       const struct pc_usage_handler *handler)
{
	struct split s = { in, handler, map, 0, PC_BUF_INIT };
	bool jsonl;
	int c, error = 0;

	s.line_start = in->offset + in->pos;
	if (skip && (error = pc_usage_skip(in, skip)) < 0)
		return error;
	s.line_start = at_of(&s);
	c = skip_ws(&s);
	if (c == '{') {
		if ((error = first_line_closes(&s, &jsonl)) < 0)
			return error;
		if (jsonl || skip) {
			error = read_lines(&s);
			goto done;
		}
	} else if (skip && c >= 0) {
		return pc_error_set(PC_EINPUT, "%s:%" PRIu64 ": the new part of an appended file "
				    "must be JSON lines", in->name, in->line);
	}
	for (; c != END_OF_INPUT; c = skip_ws(&s)) {
		if (c < 0) {
			error = c;
			break;
		}
		if (c == '[')
			error = read_elements(&s);
		else if (c == '{')
			error = read_document_object(&s);
		else
			error = syntax(&s, "expected a JSON object or array");
		if (error < 0)
			break;
	}
done:
	pc_buf_release(&s.text);
	return error;
}
