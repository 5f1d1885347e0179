/*
 * A small JSON reader that keeps every number as its decimal text, for
 * price files: a price must never pass through double. Header-only (static
 * functions) because two programs use it: the build-time generator
 * tools/gen_prices.c and `promptcost prices import` (src/prices_import.c).
 * It never exits: on error jt_parse returns NULL with a message naming the
 * line. jt_decimal scales decimal text exactly.
 */
#ifndef PROMPTCOST_JSON_TEXT_H
#define PROMPTCOST_JSON_TEXT_H

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum jt_kind { JT_NULL, JT_BOOL, JT_NUM, JT_STR, JT_ARR, JT_OBJ };

struct jt_node {
	enum jt_kind kind;
	char *text;             /* JT_NUM (as written), JT_STR (decoded UTF-8), JT_BOOL */
	struct jt_node **items; /* JT_ARR items; JT_OBJ alternating key (JT_STR), value */
	size_t n;
	unsigned line;
};

struct jt_parser {
	const char *pos, *end, *start;
	char *err;
	size_t errlen;
	bool failed;
};

static void jt_free(struct jt_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		jt_free(n->items[i]);
	free(n->items);
	free(n->text);
	free(n);
}

static unsigned jt_line(const struct jt_parser *p)
{
	unsigned line = 1;

	for (const char *s = p->start; s < p->pos && s < p->end; s++)
		line += *s == '\n';
	return line;
}

static void jt_fail(struct jt_parser *p, const char *what)
{
	if (!p->failed)
		snprintf(p->err, p->errlen, "line %u: %s", jt_line(p), what);
	p->failed = true;
}

static bool jt_grow(void **ptr, size_t size)
{
	void *q = realloc(*ptr, size ? size : 1);

	if (!q)
		return false;
	*ptr = q;
	return true;
}

static void jt_ws(struct jt_parser *p)
{
	while (p->pos < p->end && (*p->pos == ' ' || *p->pos == '\t' || *p->pos == '\n' ||
				   *p->pos == '\r'))
		p->pos++;
}

static bool jt_put(struct jt_parser *p, char **out, size_t *len, unsigned long cp)
{
	char b[4];
	size_t k;

	if (cp < 0x80) {
		b[0] = (char)cp;
		k = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		k = 4;
	}
	if (!jt_grow((void **)out, *len + k + 1)) {
		jt_fail(p, "out of memory");
		return false;
	}
	memcpy(*out + *len, b, k);
	*len += k;
	return true;
}

static unsigned long jt_hex4(struct jt_parser *p)
{
	unsigned long v = 0;

	for (int i = 0; i < 4; i++) {
		int c = p->pos < p->end ? *p->pos++ : 0;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned long)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned long)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned long)(c - 'A' + 10);
		else {
			jt_fail(p, "a bad \\u escape");
			return 0;
		}
	}
	return v;
}

static char *jt_string(struct jt_parser *p)
{
	char *out = NULL;
	size_t len = 0;

	if (!jt_grow((void **)&out, 1)) {
		jt_fail(p, "out of memory");
		return NULL;
	}
	p->pos++; /* the opening quote */
	while (!p->failed) {
		unsigned char c;
		unsigned long cp;

		if (p->pos >= p->end) {
			jt_fail(p, "an unterminated string");
			break;
		}
		c = (unsigned char)*p->pos++;
		if (c == '"') {
			out[len] = '\0';
			return out;
		}
		if (c < 0x20) {
			jt_fail(p, "a control character in a string");
			break;
		}
		if (c >= 0x80) {
			/* JSON is UTF-8 (RFC 8259): a sequence is decoded and checked, never passed blind */
			unsigned long min = c >= 0xf0 ? 0x10000 : c >= 0xe0 ? 0x800 : 0x80;
			int more = c >= 0xf8 ? -1 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : -1;

			cp = more == 3 ? c & 0x07 : more == 2 ? c & 0x0f : c & 0x1f;
			for (int k = 0; k < more; k++) {
				unsigned char d = p->pos < p->end ? (unsigned char)*p->pos : 0;

				if ((d & 0xc0) != 0x80) {
					more = -1;
					break;
				}
				cp = (cp << 6) | (d & 0x3f);
				p->pos++;
			}
			if (more < 0 || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) {
				jt_fail(p, "invalid UTF-8 in a string");
				break;
			}
			jt_put(p, &out, &len, cp);
			continue;
		}
		if (c != '\\') {
			jt_put(p, &out, &len, c);
			continue;
		}
		c = p->pos < p->end ? (unsigned char)*p->pos++ : 0;
		switch (c) {
		case '"': case '\\': case '/': cp = c; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			cp = jt_hex4(p);
			if (cp >= 0xd800 && cp < 0xdc00 && p->end - p->pos >= 6 && p->pos[0] == '\\' &&
			    p->pos[1] == 'u') {
				unsigned long lo;

				p->pos += 2;
				lo = jt_hex4(p);
				if (lo < 0xdc00 || lo > 0xdfff) {
					jt_fail(p, "a bad surrogate pair");
					break;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xd800 && cp < 0xe000) {
				jt_fail(p, "a lone surrogate in a string");
			}
			break;
		default:
			jt_fail(p, "a bad escape in a string");
			cp = 0;
		}
		if (!p->failed)
			jt_put(p, &out, &len, cp);
	}
	free(out);
	return NULL;
}

static struct jt_node *jt_value(struct jt_parser *p, int depth);

static bool jt_push(struct jt_parser *p, struct jt_node *n, struct jt_node *item)
{
	if (!item)
		return false;
	if (!jt_grow((void **)&n->items, (n->n + 1) * sizeof(*n->items))) {
		jt_free(item);
		jt_fail(p, "out of memory");
		return false;
	}
	n->items[n->n++] = item;
	return true;
}

static struct jt_node *jt_new(struct jt_parser *p, enum jt_kind kind)
{
	struct jt_node *n = calloc(1, sizeof(*n));

	if (!n) {
		jt_fail(p, "out of memory");
		return NULL;
	}
	n->kind = kind;
	n->line = jt_line(p);
	return n;
}

static struct jt_node *jt_container(struct jt_parser *p, int depth)
{
	char close = *p->pos == '{' ? '}' : ']';
	struct jt_node *n = jt_new(p, close == '}' ? JT_OBJ : JT_ARR);

	if (!n)
		return NULL;
	p->pos++;
	jt_ws(p);
	if (p->pos < p->end && *p->pos == close) {
		p->pos++;
		return n;
	}
	while (!p->failed) {
		jt_ws(p);
		if (n->kind == JT_OBJ) {
			struct jt_node *key;

			if (p->pos >= p->end || *p->pos != '"') {
				jt_fail(p, "expected a key (a string)");
				break;
			}
			if (!(key = jt_new(p, JT_STR)))
				break;
			key->text = jt_string(p);
			if (!key->text) {
				jt_free(key);
				break;
			}
			if (!jt_push(p, n, key))
				break;
			jt_ws(p);
			if (p->pos >= p->end || *p->pos++ != ':') {
				jt_fail(p, "expected ':' after a key");
				break;
			}
		}
		if (!jt_push(p, n, jt_value(p, depth + 1)))
			break;
		jt_ws(p);
		if (p->pos < p->end && *p->pos == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->end && *p->pos++ == close)
			return n;
		jt_fail(p, "expected ',' or a closing bracket");
	}
	jt_free(n);
	return NULL;
}

static struct jt_node *jt_value(struct jt_parser *p, int depth)
{
	struct jt_node *n;

	if (depth > 64) {
		jt_fail(p, "nested too deep");
		return NULL;
	}
	jt_ws(p);
	if (p->pos >= p->end) {
		jt_fail(p, "a value is missing");
		return NULL;
	}
	if (*p->pos == '{' || *p->pos == '[')
		return jt_container(p, depth);
	if (*p->pos == '"') {
		if (!(n = jt_new(p, JT_STR)))
			return NULL;
		if (!(n->text = jt_string(p))) {
			jt_free(n);
			return NULL;
		}
		return n;
	}
	if ((p->end - p->pos >= 4 && !strncmp(p->pos, "true", 4)) ||
	    (p->end - p->pos >= 5 && !strncmp(p->pos, "false", 5))) {
		size_t len = *p->pos == 't' ? 4 : 5;

		if (!(n = jt_new(p, JT_BOOL)) || !(n->text = strndup(p->pos, len))) {
			jt_free(n);
			jt_fail(p, "out of memory");
			return NULL;
		}
		p->pos += len;
		return n;
	}
	if (p->end - p->pos >= 4 && !strncmp(p->pos, "null", 4)) {
		p->pos += 4;
		return jt_new(p, JT_NULL);
	}
	if (*p->pos == '-' || isdigit((unsigned char)*p->pos)) {
		const char *s = p->pos;

		p->pos++;
		while (p->pos < p->end && (isdigit((unsigned char)*p->pos) || *p->pos == '.' ||
					   *p->pos == 'e' || *p->pos == 'E' || *p->pos == '+' ||
					   *p->pos == '-'))
			p->pos++;
		if (!(n = jt_new(p, JT_NUM)) || !(n->text = strndup(s, (size_t)(p->pos - s)))) {
			jt_free(n);
			jt_fail(p, "out of memory");
			return NULL;
		}
		return n;
	}
	jt_fail(p, "an unexpected character");
	return NULL;
}

/* Parses text[0..len); NULL with "line N: what" in err on error. */
static struct jt_node *jt_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct jt_parser p = { text, text + len, text, err, errlen, false };
	struct jt_node *root = jt_value(&p, 0);

	if (root) {
		jt_ws(&p);
		if (p.pos != p.end) {
			jt_fail(&p, "text after the JSON value");
			jt_free(root);
			root = NULL;
		}
	}
	return root;
}

static const struct jt_node *jt_get(const struct jt_node *obj, const char *key)
{
	if (!obj || obj->kind != JT_OBJ)
		return NULL;
	for (size_t i = 0; i + 1 < obj->n; i += 2)
		if (!strcmp(obj->items[i]->text, key))
			return obj->items[i + 1];
	return NULL;
}

/*
 * The non-negative decimal text s ("2.5", "0.075", "2.5e-06") times
 * 10^scale as an integer into *out, rounded half away from zero when it
 * has more digits than that (then *rounded is set). Returns false when s is
 * not such a number or the result exceeds int64.
 */
static bool jt_decimal(int64_t *out, bool *rounded, const char *s, int scale)
{
	char digits[64];
	size_t nd = 0;
	long frac = 0, exp = 0, shift, keep;
	bool dot = false, rest = false;
	const char *q = s;
	int64_t v = 0;

	*rounded = false;
	for (; *q && *q != 'e' && *q != 'E'; q++) {
		if (*q == '.' && !dot) {
			dot = true;
			continue;
		}
		if (!isdigit((unsigned char)*q) || nd + 1 >= sizeof(digits))
			return false;
		digits[nd++] = *q;
		frac += dot;
	}
	if (!nd)
		return false;
	if (*q) {
		char *end;

		exp = strtol(q + 1, &end, 10);
		if (*end || end == q + 1 || exp > 40 || exp < -40)
			return false;
	}
	shift = scale + exp - frac; /* value = digits x 10^shift */
	keep = shift >= 0 ? (long)nd : (long)nd + shift;
	for (long i = 0; i < keep; i++) {
		if (v > (INT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (digits[i] - '0');
	}
	for (long i = 0; i < shift; i++) {
		if (v > INT64_MAX / 10)
			return false;
		v *= 10;
	}
	if (shift < 0) {
		for (size_t i = keep > 0 ? (size_t)keep : 0; i < nd; i++)
			rest = rest || digits[i] != '0';
		*rounded = rest;
		if (keep >= 0 && (size_t)keep < nd && digits[keep] >= '5')
			v++;
	}
	*out = v;
	return true;
}

#endif
