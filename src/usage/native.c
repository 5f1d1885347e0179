/*
 * The native source, promptcost/usage/v1: one flat JSON object a line
 * (DESIGN.md "Usage records"), or CSV with the same column names. Strict:
 * an unknown key or column is an error naming it, and so is a value of the
 * wrong type. This is the format bulk imports use, so JSONL lines are read
 * by a small parser for flat objects of strings, integers and nulls, not
 * by jansson (pc_usage_map_native_json applies the same table to a value
 * jansson has parsed, for native records inside JSON documents).
 */
#include "usage_int.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum field_kind { KIND_STRING, KIND_COUNT, KIND_TIME, KIND_COST };

/* The native record's fields: name, kind, where it goes, whether it must be given. */
static const struct native_field {
	const char *name;
	size_t name_len;
	enum field_kind kind;
	size_t offset;
	bool required;
} fields[] = {
#define F(name, kind, member, required) \
	{ name, sizeof(name) - 1, kind, offsetof(struct pc_usage_record, member), required }
	F("time", KIND_TIME, time, true),
	F("id", KIND_STRING, id, false),
	F("template", KIND_STRING, template, false),
	F("template_version", KIND_STRING, template_version, false),
	F("team", KIND_STRING, team, false),
	F("use_case", KIND_STRING, use_case, false),
	F("provider", KIND_STRING, provider, false),
	F("model", KIND_STRING, model, true),
	F("deployment", KIND_STRING, deployment, false),
	F("project", KIND_STRING, project, false),
	F("api_key", KIND_STRING, api_key, false),
	F("calls", KIND_COUNT, calls, false),
	F("response_cache_hits", KIND_COUNT, response_cache_hits, false),
	F("input_tokens", KIND_COUNT, input_tokens, true),
	F("cached_input_tokens", KIND_COUNT, cached_input_tokens, false),
	F("cache_write_tokens", KIND_COUNT, cache_write_tokens, false),
	F("output_tokens", KIND_COUNT, output_tokens, true),
	F("cost", KIND_COST, cost_micros, false),
#undef F
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static const char *const *field_names(void)
{
	static const char *names[NFIELDS];

	if (!names[0])
		for (size_t i = 0; i < NFIELDS; i++)
			names[i] = fields[i].name;
	return names;
}

/*
 * The field named key, or -1. Lines of one file give their keys in one
 * order, so the field after the previous one (hint) is tried first.
 */
static int find_field(const char *key, size_t len, int hint)
{
	if (hint >= 0 && (size_t)hint < NFIELDS && fields[hint].name_len == len &&
	    !memcmp(fields[hint].name, key, len))
		return hint;
	for (size_t i = 0; i < NFIELDS; i++)
		if (fields[i].name_len == len && !memcmp(fields[i].name, key, len))
			return (int)i;
	return -1;
}

/* Stores text (a string, decoded) as field f of r; NULL text is null. */
static int set_text(struct pc_usage_record *r, const struct native_field *f, const char *text)
{
	char *at = (char *)r + f->offset;
	int error;

	switch (f->kind) {
	case KIND_STRING:
		memcpy(at, &text, sizeof(text));
		return 0;
	case KIND_COUNT:
		return pc_usage_parse_count((int64_t *)(void *)at, text, f->name);
	case KIND_TIME:
		if ((error = pc_usage_parse_time(&r->time, text)) < 0) {
			char *message = pc_xstrdup(pc_error_message());

			error = pc_error_set(PC_EINPUT, "field 'time': %s", message);
			free(message);
		}
		return error;
	case KIND_COST:
		r->has_cost = true;
		return pc_usage_parse_cost(&r->cost_micros, text, "cost");
	}
	return 0;
}

/* After every field: the required ones are there. */
static int check_required(uint32_t seen)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (fields[i].required && !(seen & (UINT32_C(1) << i)))
			return pc_error_set(PC_EINPUT, "field '%s' is missing", fields[i].name);
	return 0;
}

/* ---- JSONL: a small strict parser for one flat object --------------------- */

/* The bytes a string holds as they are: not '"', not '\\', not a control character. */
static const unsigned char plain[256] = {
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
	R16(0), R16(0),                                   /* 0x00..0x1f: control */
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x20..0x2f: '"' */
	R16(1), R16(1),                                   /* 0x30..0x4f */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,  /* 0x50..0x5f: '\\' */
	R16(1), R16(1), R16(1), R16(1), R16(1), R16(1), R16(1), R16(1), R16(1), R16(1),
#undef R16
};

struct flat {
	const char *p, *end, *start;
	char *out;      /* decoded strings go here, NUL-terminated; never longer than the line */
};

static void skip_space(struct flat *f)
{
	while (f->p < f->end && (*f->p == ' ' || *f->p == '\t'))
		f->p++;
}

static int flat_error(struct flat *f, size_t *col, const char *what)
{
	*col = (size_t)(f->p - f->start) + 1;
	return pc_error_set(PC_EINPUT, "%s", what);
}

static int hex4(const char *p)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static char *put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* A string at f->p ('"'), decoded into f->out; *text its start there. */
static int flat_string(struct flat *f, const char **text, size_t *text_len, size_t *col)
{
	char *o = f->out;

	f->p++;
	for (;;) {
		const char *run = f->p;

		while (f->p < f->end && plain[(unsigned char)*f->p])
			f->p++;
		memcpy(o, run, (size_t)(f->p - run));
		o += f->p - run;
		if (f->p == f->end)
			return flat_error(f, col, "the line ends inside a string");
		if (*f->p == '"')
			break;
		if ((unsigned char)*f->p < 0x20)
			return flat_error(f, col, "a control character inside a string (write it "
					  "escaped)");
		/* an escape */
		if (f->end - f->p < 2)
			return flat_error(f, col, "the line ends inside a string");
		switch (f->p[1]) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			int hi = f->end - f->p >= 6 ? hex4(f->p + 2) : -1, lo;
			unsigned cp;

			if (hi < 0)
				return flat_error(f, col, "a bad \\u escape");
			cp = (unsigned)hi;
			if (hi >= 0xd800 && hi <= 0xdbff) {
				if (f->end - f->p < 12 || f->p[6] != '\\' || f->p[7] != 'u' ||
				    (lo = hex4(f->p + 8)) < 0xdc00 || lo > 0xdfff)
					return flat_error(f, col, "a lone surrogate in a \\u escape");
				cp = 0x10000 + (((unsigned)hi - 0xd800) << 10) + ((unsigned)lo - 0xdc00);
				f->p += 6;
			} else if (hi >= 0xdc00 && hi <= 0xdfff) {
				return flat_error(f, col, "a lone surrogate in a \\u escape");
			}
			if (!cp)
				return flat_error(f, col, "a NUL character in a string");
			o = put_utf8(o, cp);
			f->p += 4;
			break;
		}
		default:
			return flat_error(f, col, "a bad escape in a string");
		}
		f->p += 2;
	}
	f->p++; /* the closing quote */
	*text = f->out;
	*text_len = (size_t)(o - f->out);
	*o++ = '\0';
	f->out = o;
	return 0;
}

/* Whether s[0..len) is a number as JSON writes one: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)? */
static bool json_number(const char *s, size_t len)
{
	size_t i = 0, digits;

	if (i < len && s[i] == '-')
		i++;
	if (i < len && s[i] == '0') {
		i++;
	} else {
		for (digits = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
		if (!digits)
			return false;
	}
	if (i < len && s[i] == '.') {
		for (i++, digits = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
		if (!digits)
			return false;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (digits = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
		if (!digits)
			return false;
	}
	return i == len;
}

static const char *const kind_wants[] = {
	[KIND_STRING] = "a string or null",
	[KIND_COUNT] = "an integer",
	[KIND_TIME] = "an RFC 3339 time (a string)",
	[KIND_COST] = "an amount (a decimal string or a number) or null",
};

static int wrong_type(const struct native_field *nf, const char *found)
{
	return pc_error_set(PC_EINPUT, "field '%s': expected %s, found %s", nf->name,
			    kind_wants[nf->kind], found);
}

int pc_usage_native_line(struct pc_usage_record *r, const char *line, size_t len,
			 char *scratch, size_t *col)
{
	struct flat f = { line, line + len, line, scratch };
	uint32_t seen = 0;
	int hint = 0;
	int error;

	*col = 0;
	pc_usage_record_init(r);
	skip_space(&f);
	if (f.p == f.end || *f.p != '{')
		return flat_error(&f, col, "expected a JSON object (a native record)");
	f.p++;
	skip_space(&f);
	if (f.p < f.end && *f.p == '}') {
		f.p++;
	} else {
		for (;;) {
			const char *key, *text;
			size_t key_len, text_len, at_value;
			const struct native_field *nf;
			int k;

			size_t at_key = (size_t)(f.p - f.start) + 1;

			if (f.p == f.end || *f.p != '"')
				return flat_error(&f, col, "expected a key (a string)");
			if ((error = flat_string(&f, &key, &key_len, col)) < 0)
				return error;
			if ((k = find_field(key, key_len, hint)) < 0) {
				*col = at_key;
				return pc_error_set(PC_EINPUT, "unknown field '%s'", key);
			}
			hint = k + 1;
			nf = &fields[k];
			if (seen & (UINT32_C(1) << k)) {
				*col = at_key;
				return pc_error_set(PC_EINPUT, "field '%s' given twice", nf->name);
			}
			seen |= UINT32_C(1) << k;
			skip_space(&f);
			if (f.p == f.end || *f.p != ':')
				return flat_error(&f, col, "expected ':' after a key");
			f.p++;
			skip_space(&f);
			at_value = (size_t)(f.p - f.start) + 1;
			if (f.p == f.end)
				return flat_error(&f, col, "the line ends where a value should be");
			if (*f.p == '"') {
				if ((error = flat_string(&f, &text, &text_len, col)) < 0)
					return error;
				(void)text_len; /* no NUL inside: \\u0000 is refused */
				if (nf->kind == KIND_COUNT) {
					*col = at_value;
					return wrong_type(nf, "a string");
				}
			} else if (*f.p == '-' || (*f.p >= '0' && *f.p <= '9')) {
				const char *start = f.p;

				while (f.p < f.end && (*f.p == '-' || *f.p == '+' || *f.p == '.' ||
						       *f.p == 'e' || *f.p == 'E' ||
						       (*f.p >= '0' && *f.p <= '9')))
					f.p++;
				if (nf->kind != KIND_COUNT && nf->kind != KIND_COST) {
					*col = at_value;
					return wrong_type(nf, "a number");
				}
				if (!json_number(start, (size_t)(f.p - start))) {
					*col = at_value;
					return pc_error_set(PC_EINPUT, "field '%s': '%.*s' is not a JSON "
							    "number", nf->name, (int)(f.p - start) > 40 ?
							    40 : (int)(f.p - start), start);
				}
				memcpy(f.out, start, (size_t)(f.p - start));
				text = f.out;
				f.out[f.p - start] = '\0';
				f.out += f.p - start + 1;
			} else if (f.end - f.p >= 4 && !memcmp(f.p, "null", 4)) {
				f.p += 4;
				if (nf->kind != KIND_STRING && nf->kind != KIND_COST) {
					*col = at_value;
					return wrong_type(nf, "null");
				}
				text = NULL;
			} else {
				const char *found = *f.p == '{' ? "an object" : *f.p == '[' ? "an array" :
						    *f.p == 't' || *f.p == 'f' ? "a boolean" : NULL;

				*col = at_value;
				if (!found)
					return pc_error_set(PC_EINPUT, "field '%s': not a JSON value",
							    nf->name);
				return wrong_type(nf, found);
			}
			if (text && (error = set_text(r, nf, text)) < 0) {
				*col = at_value;
				return error;
			}
			if (!text)
				set_text(r, nf, NULL); /* null: a string left out; a cost not given */
			skip_space(&f);
			if (f.p < f.end && *f.p == ',') {
				f.p++;
				skip_space(&f);
				continue;
			}
			if (f.p < f.end && *f.p == '}') {
				f.p++;
				break;
			}
			return flat_error(&f, col, "expected ',' or '}' after a value");
		}
	}
	skip_space(&f);
	if (f.p != f.end)
		return flat_error(&f, col, "text after the record's closing '}'");
	return check_required(seen);
}

int pc_usage_read_native_jsonl(struct pc_usage_input *in, uint64_t skip,
			       const struct pc_usage_handler *handler)
{
	char *scratch = NULL;
	size_t scratch_cap = 0;
	const char *line;
	size_t len, col;
	uint64_t lineno;
	int got, error = 0;

	if (skip && (error = pc_usage_skip(in, skip)) < 0)
		return error;
	while ((got = pc_usage_next_line(in, &line, &len, &lineno, &col))) {
		struct pc_usage_record r;
		struct pc_usage_emit emit = { handler, lineno, 0 };

		if (got < 0) {
			if (!lineno) {
				error = got;
				break;
			}
			if ((error = pc_usage_bad(in, handler, lineno, col, line, len)) < 0)
				break;
			continue;
		}
		if (!len)
			continue; /* a blank line */
		if (scratch_cap < len + 1) {
			scratch_cap = len + 1 < 4096 ? 4096 : len + 1;
			free(scratch);
			scratch = pc_xmalloc(scratch_cap);
		}
		if ((error = pc_usage_native_line(&r, line, len, scratch, &col)) < 0 ||
		    (error = pc_usage_emit_record(&emit, &r)) < 0) {
			if (emit.handler_error || error != PC_EINPUT)
				break;
			if ((error = pc_usage_bad(in, handler, lineno, col, line, len)) < 0)
				break;
		}
	}
	free(scratch);
	return error;
}

/* ---- CSV ---------------------------------------------------------------------- */

int pc_usage_read_native_csv(struct pc_usage_input *in, uint64_t skip,
			     const struct pc_usage_handler *handler)
{
	struct pc_csv csv;
	int *column_of = NULL;
	size_t ncolumns;
	int got, error = 0;

	pc_csv_init(&csv, in);
	if ((got = pc_csv_next(&csv)) <= 0) {
		if (got < 0 && csv.line)
			error = pc_usage_bad(in, &(struct pc_usage_handler){ NULL, NULL, NULL },
					     csv.line, csv.col, NULL, 0);
		else
			error = got;
		goto done;
	}
	ncolumns = csv.nfields;
	column_of = pc_xcalloc(ncolumns, sizeof(*column_of));
	if ((error = pc_csv_columns(&csv, field_names(), NFIELDS, column_of, true)) < 0) {
		error = pc_usage_bad(in, &(struct pc_usage_handler){ NULL, NULL, NULL }, csv.line, 0,
				     NULL, 0);
		goto done;
	}
	if (skip && (error = pc_usage_skip(in, skip)) < 0)
		goto done;
	while ((got = pc_csv_next(&csv))) {
		struct pc_usage_record r;
		struct pc_usage_emit emit = { handler, csv.line, 0 };
		uint32_t seen = 0;

		if (got < 0) {
			if (!csv.line) {
				error = got;
				break;
			}
			goto bad;
		}
		if (csv.nfields != ncolumns) {
			error = pc_error_set(PC_EINPUT, "%zu fields where the header has %zu columns",
					     csv.nfields, ncolumns);
			goto bad;
		}
		pc_usage_record_init(&r);
		for (size_t i = 0; i < ncolumns && error >= 0; i++) {
			const char *text = pc_csv_field(&csv, i);

			if (column_of[i] < 0 || !*text)
				continue; /* an empty field is one not given */
			seen |= UINT32_C(1) << column_of[i];
			error = set_text(&r, &fields[column_of[i]], text);
		}
		if (error >= 0)
			error = check_required(seen);
		if (error >= 0)
			error = pc_usage_emit_record(&emit, &r);
		if (error >= 0)
			continue;
		if (emit.handler_error || error != PC_EINPUT)
			break;
bad:
		if ((error = pc_usage_bad(in, handler, csv.line, csv.col, csv.raw.ptr,
					  csv.raw.len)) < 0)
			break;
	}
done:
	free(column_of);
	pc_csv_release(&csv);
	return error;
}

/* ---- a native record parsed by jansson ---------------------------------------- */

int pc_usage_map_native_json(const json_t *element, struct pc_usage_emit *emit)
{
	struct pc_usage_record r;
	const char *key;
	json_t *value;
	uint32_t seen = 0;
	char number[64];
	int error;

	if (!json_is_object(element))
		return pc_error_set(PC_EINPUT, "expected a JSON object (a native record)");
	pc_usage_record_init(&r);
	json_object_foreach((json_t *)element, key, value) {
		int k = find_field(key, strlen(key), -1);
		const struct native_field *nf;
		const char *text = NULL;

		if (k < 0)
			return pc_error_set(PC_EINPUT, "unknown field '%s'", key);
		nf = &fields[k];
		seen |= UINT32_C(1) << k;
		if (json_is_string(value) && nf->kind != KIND_COUNT) {
			text = json_string_value(value);
		} else if (json_is_integer(value) && (nf->kind == KIND_COUNT || nf->kind == KIND_COST)) {
			snprintf(number, sizeof(number), "%" JSON_INTEGER_FORMAT,
				 json_integer_value(value));
			text = number;
		} else if (json_is_real(value) && nf->kind == KIND_COST) {
			if ((error = pc_usage_json_cost(&r.cost_micros, value, "cost")) < 0)
				return error;
			r.has_cost = true;
			continue;
		} else if (json_is_null(value) && (nf->kind == KIND_STRING || nf->kind == KIND_COST)) {
			continue;
		} else {
			return pc_error_set(PC_EINPUT, "field '%s': expected %s, found %s", key,
					    kind_wants[nf->kind],
					    json_is_string(value) ? "a string" :
					    json_is_number(value) ? "a number" :
					    json_is_null(value) ? "null" :
					    json_is_object(value) ? "an object" :
					    json_is_array(value) ? "an array" : "a boolean");
		}
		if ((error = set_text(&r, nf, text)) < 0)
			return error;
	}
	if ((error = check_required(seen)) < 0)
		return error;
	return pc_usage_emit_record(emit, &r);
}
