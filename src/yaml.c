/*
 * Strict YAML: libyaml's event parser builds a small tree of our own (no
 * aliases or anchors, bounded nesting, no duplicate keys, one document), and
 * the typed getters read its values exactly, each error one line
 * "path:line:col: message". The only file that includes libyaml's yaml.h.
 */
#include "promptcost/yaml.h"

#include "promptcost/money.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

/* Deeper than any real configuration (it needs 5); keeps hostile input cheap. */
#define MAX_DEPTH 32
/* How many names an error message lists when nothing is close enough to suggest. */
#define MAX_LISTED 8

/* ------------------------------------------------------------------ */
/* The tree: what libyaml's events describe, with 1-based positions.   */

void pc_yaml_free(struct pc_yaml_node *node)
{
	if (!node)
		return;
	/* depth is bounded by MAX_DEPTH, so recursion is safe */
	for (size_t i = 0; i < node->n; i++)
		pc_yaml_free(node->items[i]);
	free(node->items);
	free(node->text);
	free(node);
}

static struct pc_pos pos_of_mark(yaml_mark_t mark)
{
	struct pc_pos pos = { (unsigned)mark.line + 1, (unsigned)mark.column + 1 };

	return pos;
}

int pc_yaml_vfail(const char *path, struct pc_pos pos, const char *fmt, va_list ap)
{
	struct pc_buf msg = PC_BUF_INIT, line = PC_BUF_INIT;

	pc_buf_addf(&msg, "%s:%u:%u: ", path, pos.line, pos.col);
	pc_buf_vaddf(&msg, fmt, ap);
	/* a quoted key or value may hold a line break: the message stays one line */
	for (size_t i = 0; i < msg.len; i++) {
		unsigned char ch = (unsigned char)msg.ptr[i];

		if (ch == '\n')
			pc_buf_adds(&line, "\\n");
		else if (ch == '\t')
			pc_buf_adds(&line, "\\t");
		else if (ch < 0x20 || ch == 0x7f)
			pc_buf_addf(&line, "\\x%02x", ch);
		else
			pc_buf_addch(&line, ch);
	}
	pc_error_set(PC_EINPUT, "%s", line.ptr);
	pc_buf_release(&line);
	pc_buf_release(&msg);
	return PC_EINPUT;
}

int pc_yaml_fail(const char *path, struct pc_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pc_yaml_vfail(path, pos, fmt, ap);
	va_end(ap);
	return PC_EINPUT;
}

/*
 * The place of a byte offset: libyaml reports invalid UTF-8 by offset only.
 * Columns count characters, as libyaml's marks do; everything before the
 * offset is valid UTF-8, so characters are the bytes that start one.
 */
static struct pc_pos pos_of_offset(const char *text, size_t len, size_t offset)
{
	struct pc_pos pos = { 1, 1 };

	for (size_t i = 0; i < offset && i < len; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (ch == '\n') {
			pos.line++;
			pos.col = 1;
		} else if ((ch & 0xC0) != 0x80) {
			pos.col++;
		}
	}
	return pos;
}

/* The byte at a (1-based) position, or -1; only for hints, so \n line breaks suffice. */
static int byte_at(const char *text, size_t len, struct pc_pos pos)
{
	size_t i = 0;
	unsigned line = 1, col = 1;

	while (i < len && line < pos.line)
		if (text[i++] == '\n')
			line++;
	for (; i < len && text[i] != '\n'; i++) {
		if (((unsigned char)text[i] & 0xC0) == 0x80)
			continue;
		if (col++ == pos.col)
			return (unsigned char)text[i];
	}
	return -1;
}

static int syntax_error(const char *path, const yaml_parser_t *parser, const char *text,
			size_t len)
{
	struct pc_buf msg = PC_BUF_INIT;
	struct pc_pos pos;
	int error;

	if (parser->error == YAML_MEMORY_ERROR)
		return pc_error_set(PC_EINTERNAL, "%s: out of memory reading yaml", path);
	if (parser->error == YAML_READER_ERROR) {
		pos = pos_of_offset(text, len, parser->problem_offset);
		pc_buf_addf(&msg, "%s", parser->problem ? parser->problem : "unreadable input");
		if (parser->problem_value != -1)
			pc_buf_addf(&msg, " (byte 0x%02x); the file must be utf-8",
				    (unsigned)parser->problem_value & 0xFF);
	} else {
		pos = pos_of_mark(parser->problem_mark);
		pc_buf_addf(&msg, "%s", parser->problem ? parser->problem : "invalid yaml");
		if (parser->context)
			pc_buf_addf(&msg, " (%s)", parser->context);
		if (byte_at(text, len, pos) == '\t')
			pc_buf_adds(&msg, "; indent with spaces, not tabs");
	}
	error = pc_yaml_fail(path, pos, "yaml syntax error: %s", msg.ptr);
	pc_buf_release(&msg);
	return error;
}

struct key_ref {
	const char *key;
	size_t index;
	struct pc_pos pos;
};

static int compare_key_refs(const void *a, const void *b)
{
	const struct key_ref *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * A mapping must not repeat a key: yaml says so, and a silently ignored
 * duplicate budget is exactly the mistake this tool exists to catch. Sorting
 * keeps a hostile 100,000-key mapping cheap; the first repeat in the file is
 * the one reported.
 */
static int check_duplicate_keys(const char *path, const struct pc_yaml_node *map)
{
	size_t nkeys = map->n / 2;
	struct key_ref *refs;
	const struct key_ref *repeat = NULL, *first = NULL;
	int error = 0;

	if (nkeys < 2)
		return 0;
	refs = pc_xcalloc(nkeys, sizeof(*refs));
	for (size_t i = 0; i < nkeys; i++) {
		refs[i].key = map->items[2 * i]->text;
		refs[i].index = i;
		refs[i].pos = map->items[2 * i]->pos;
	}
	qsort(refs, nkeys, sizeof(*refs), compare_key_refs);
	for (size_t i = 1, group = 0; i < nkeys; i++) {
		if (strcmp(refs[i].key, refs[group].key)) {
			group = i;
			continue;
		}
		if (!repeat || refs[i].index < repeat->index) {
			repeat = &refs[i];
			first = &refs[group];
		}
	}
	if (repeat)
		error = pc_yaml_fail(path, repeat->pos, "duplicate key '%s' (first at line %u)",
				     repeat->key, first->pos.line);
	free(refs);
	return error;
}

const char *pc_yaml_kind_name(const struct pc_yaml_node *node)
{
	switch (node->kind) {
	case PC_YAML_SEQUENCE:
		return "a sequence";
	case PC_YAML_MAPPING:
		return "a mapping";
	default:
		return "a scalar";
	}
}

struct loader {
	const char *path;
	struct pc_yaml_node *root;
	struct pc_yaml_node *stack[MAX_DEPTH];
	size_t depth;
};

/* Hangs node under the innermost open collection (or makes it the root); takes it. */
static int attach(struct loader *ld, struct pc_yaml_node *node)
{
	struct pc_yaml_node *parent;

	if (ld->depth == 0) {
		ld->root = node;
		return 0;
	}
	parent = ld->stack[ld->depth - 1];
	if (parent->kind == PC_YAML_MAPPING && parent->n % 2 == 0 && node->kind != PC_YAML_SCALAR) {
		int error = pc_yaml_fail(ld->path, node->pos,
				    "a key must be a plain name, found %s", pc_yaml_kind_name(node));

		pc_yaml_free(node);
		return error;
	}
	PC_GROW(parent->items, parent->cap, parent->n + 1);
	parent->items[parent->n++] = node;
	return 0;
}

/* Anchors and tags are refused on every node: aliases need anchors, and tags retype values. */
static int check_node_props(struct loader *ld, struct pc_pos pos, const yaml_char_t *anchor,
			    const yaml_char_t *tag)
{
	if (anchor)
		return pc_yaml_fail(ld->path, pos, "yaml anchors ('&%s') are not allowed",
				    (const char *)anchor);
	if (tag)
		return pc_yaml_fail(ld->path, pos, "yaml tags ('%s') are not allowed",
				    (const char *)tag);
	return 0;
}

static int load_event(struct loader *ld, const yaml_event_t *event, bool *document_seen)
{
	struct pc_pos pos = pos_of_mark(event->start_mark);
	struct pc_yaml_node *node;
	int error;

	switch (event->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (*document_seen)
			return pc_yaml_fail(ld->path, pos,
				       "a second yaml document; the configuration is one document");
		*document_seen = true;
		return 0;
	case YAML_ALIAS_EVENT:
		return pc_yaml_fail(ld->path, pos, "yaml aliases ('*%s') are not allowed",
				    (const char *)event->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		if ((error = check_node_props(ld, pos, event->data.scalar.anchor,
					      event->data.scalar.tag)))
			return error;
		if (memchr(event->data.scalar.value, '\0', event->data.scalar.length))
			return pc_yaml_fail(ld->path, pos, "a value contains a NUL character");
		node = pc_xcalloc(1, sizeof(*node));
		node->kind = PC_YAML_SCALAR;
		node->pos = pos;
		node->text = pc_xstrndup((const char *)event->data.scalar.value,
					 event->data.scalar.length);
		node->plain = event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		return attach(ld, node);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (event->type == YAML_SEQUENCE_START_EVENT)
			error = check_node_props(ld, pos, event->data.sequence_start.anchor,
						 event->data.sequence_start.tag);
		else
			error = check_node_props(ld, pos, event->data.mapping_start.anchor,
						 event->data.mapping_start.tag);
		if (error)
			return error;
		if (ld->depth == MAX_DEPTH)
			return pc_yaml_fail(ld->path, pos, "nesting deeper than %d levels",
					    MAX_DEPTH);
		node = pc_xcalloc(1, sizeof(*node));
		node->kind = event->type == YAML_SEQUENCE_START_EVENT ? PC_YAML_SEQUENCE : PC_YAML_MAPPING;
		node->pos = pos;
		if ((error = attach(ld, node)))
			return error;
		ld->stack[ld->depth++] = node;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		node = ld->stack[--ld->depth];
		return node->kind == PC_YAML_MAPPING ? check_duplicate_keys(ld->path, node) : 0;
	default:
		return 0;
	}
}

int pc_yaml_load(struct pc_yaml_node **out, const char *path, const char *text, size_t len,
		 size_t max_bytes)
{
	struct loader ld = { path, NULL, { NULL }, 0 };
	yaml_parser_t parser;
	yaml_event_t event;
	bool document_seen = false, finished = false;
	int error = 0;

	*out = NULL;
	if (len > max_bytes)
		return pc_error_set(PC_EINPUT,
				    "%s:1:1: the file is %zu bytes, over the %zu-byte limit",
				    path, len, max_bytes);
	/* a UTF-8 byte order mark, as some Windows editors write, is not content */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
		text += 3;
		len -= 3;
	}
	if (!yaml_parser_initialize(&parser))
		return pc_error_set(PC_EINTERNAL, "%s: cannot start the yaml parser", path);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	while (!finished) {
		if (!yaml_parser_parse(&parser, &event)) {
			error = syntax_error(path, &parser, text, len);
			goto done;
		}
		finished = event.type == YAML_STREAM_END_EVENT;
		error = load_event(&ld, &event, &document_seen);
		yaml_event_delete(&event);
		if (error)
			goto done;
	}
	*out = ld.root;
	ld.root = NULL;
done:
	pc_yaml_free(ld.root);
	yaml_parser_delete(&parser);
	return error;
}

/* ------------------------------------------------------------------ */
/* Suggestions: the nearest name by edit distance.                     */

/*
 * The candidate nearest to word, or NULL when none is close enough to be a
 * likely typo: at most 3 edits and at most half the candidate's length, or
 * the start of the candidate.
 */
static const char *nearest(const char *word, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t best_distance = SIZE_MAX;

	for (size_t i = 0; i < n; i++) {
		size_t d = pc_edit_distance(word, names[i]);
		size_t len = strlen(word);

		/* a truncated name ("cl100k" for "cl100k_base") is as likely as a typo */
		if (d > 2 && len >= 3 && len < strlen(names[i]) && !strncasecmp(word, names[i], len))
			d = 2;
		if (d < best_distance && d <= 3 && 2 * d <= strlen(names[i])) {
			best = names[i];
			best_distance = d;
		}
	}
	return best;
}

/* Appends " (did you mean 'x'?)" or " (known: a, b, c...)" for an unknown name. */
void pc_yaml_add_hint(struct pc_buf *msg, const char *word, const char *const *names, size_t n,
		      const char *known)
{
	const char *best = nearest(word, names, n);

	if (best) {
		pc_buf_addf(msg, " (did you mean '%s'?)", best);
		return;
	}
	if (!n)
		return;
	pc_buf_addf(msg, " (%s: ", known);
	for (size_t i = 0; i < n && i < MAX_LISTED; i++)
		pc_buf_addf(msg, "%s%s", i ? ", " : "", names[i]);
	if (n > MAX_LISTED)
		pc_buf_addf(msg, ", and %zu more", n - MAX_LISTED);
	pc_buf_addch(msg, ')');
}

/* ------------------------------------------------------------------ */
/* Reading values.                                                     */

bool pc_yaml_is_null(const struct pc_yaml_node *node)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };

	if (node->kind != PC_YAML_SCALAR || !node->plain)
		return false;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (!strcmp(node->text, nulls[i]))
			return true;
	return false;
}

/* Keys are unique (checked on load), so the first match is the only one. */
const struct pc_yaml_node *pc_yaml_find(const struct pc_yaml_node *map, const char *key,
					const struct pc_yaml_node **key_out)
{
	if (map->kind != PC_YAML_MAPPING)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const char *k = map->items[i]->text;

		/* the first byte decides most comparisons: a configuration's maps are looked up often */
		if (k[0] == key[0] && !strcmp(k, key)) {
			if (key_out)
				*key_out = map->items[i];
			return map->items[i + 1];
		}
	}
	return NULL;
}

static size_t count_names(const char *const *names)
{
	size_t n = 0;

	while (names[n])
		n++;
	return n;
}

/* Every key of map must be one of allowed (NULL-terminated); `where` names the mapping. */
bool pc_yaml_keys_known(const struct pc_yaml_node *map, const char *const *allowed)
{
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const char *key = map->items[i]->text;
		bool known = false;

		for (size_t k = 0; allowed[k] && !known; k++)
			known = key[0] == allowed[k][0] && !strcmp(key, allowed[k]);
		if (!known)
			return false;
	}
	return true;
}

int pc_yaml_check_keys(const char *path, const struct pc_yaml_node *map, const char *const *allowed,
		       const char *where)
{
	size_t nallowed = count_names(allowed);

	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct pc_yaml_node *key = map->items[i];
		struct pc_buf msg = PC_BUF_INIT;
		bool known = false;
		int error;

		for (size_t k = 0; k < nallowed && !known; k++)
			known = !strcmp(key->text, allowed[k]);
		if (known)
			continue;
		pc_buf_addf(&msg, "unknown key '%s' %s", key->text, where);
		pc_yaml_add_hint(&msg, key->text, allowed, nallowed, "expected one of");
		error = pc_yaml_fail(path, key->pos, "%s", msg.ptr);
		pc_buf_release(&msg);
		return error;
	}
	return 0;
}

int pc_yaml_expect_mapping(const char *path, const struct pc_yaml_node *value, const char *what)
{
	if (value->kind == PC_YAML_MAPPING)
		return 0;
	if (pc_yaml_is_null(value))
		return pc_yaml_fail(path, value->pos, "%s has no value; expected a mapping", what);
	return pc_yaml_fail(path, value->pos, "%s must be a mapping, found %s", what,
			    pc_yaml_kind_name(value));
}

/* A non-empty string: a scalar that is not null. Borrowed from the tree. */
int pc_yaml_get_string(const char **out, const char *path, const struct pc_yaml_node *value,
		       const char *key)
{
	if (value->kind != PC_YAML_SCALAR)
		return pc_yaml_fail(path, value->pos, "'%s' must be a single value, found %s", key,
				    pc_yaml_kind_name(value));
	if (pc_yaml_is_null(value))
		return pc_yaml_fail(path, value->pos, "'%s' has no value", key);
	if (!*value->text)
		return pc_yaml_fail(path, value->pos, "'%s' is empty", key);
	*out = value->text;
	return 0;
}

static bool is_boolean(const char *s)
{
	/* yaml 1.1's booleans, which is what many editors and linters still apply */
	static const char *const words[] = { "true", "false", "yes", "no", "on", "off", "y", "n" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcasecmp(s, words[i]))
			return true;
	return false;
}

static bool is_nonfinite(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	if (*s == '.')
		s++;
	return !strcasecmp(s, "inf") || !strcasecmp(s, "nan") || !strcasecmp(s, "infinity");
}

/* "1e3", "2.5E-2": digits with an exponent, which we refuse rather than round. */
static bool has_exponent(const char *s)
{
	const char *e = strpbrk(s, "eE");

	if (!e || e == s)
		return false;
	for (const char *p = s; p < e; p++)
		if (!isdigit((unsigned char)*p) && *p != '.' && *p != '+' && *p != '-')
			return false;
	e++;
	if (*e == '+' || *e == '-')
		e++;
	if (!*e)
		return false;
	for (; *e; e++)
		if (!isdigit((unsigned char)*e))
			return false;
	return true;
}

/* "25,000" or "25_000": digits grouped with a separator. */
static bool has_separator(const char *s)
{
	bool separator = false, digit = false;

	for (; *s; s++) {
		if (*s == ',' || *s == '_')
			separator = true;
		else if (isdigit((unsigned char)*s))
			digit = true;
		else if (*s != '.')
			return false;
	}
	return separator && digit;
}

/*
 * The checks every number shares, before the exact parse: each wrong form
 * gets a message that says what to write instead.
 */
static int check_number_text(const char *path, const struct pc_yaml_node *value, const char *key)
{
	const char *s = value->text;
	size_t digits;

	if (value->kind != PC_YAML_SCALAR)
		return pc_yaml_fail(path, value->pos, "'%s' must be a number, found %s", key,
				    pc_yaml_kind_name(value));
	/* digits, with a fraction or not: none of the refusals below can apply */
	digits = strspn(s, "0123456789");
	if (digits && (!s[digits] || (s[digits] == '.' && !s[digits + 1 + strspn(s + digits + 1,
										   "0123456789")])))
		return 0;
	if (pc_yaml_is_null(value))
		return pc_yaml_fail(path, value->pos, "'%s' has no value; expected a number", key);
	if (value->plain && is_boolean(s))
		return pc_yaml_fail(path, value->pos, "'%s' is a boolean; expected a number", s);
	if (is_nonfinite(s))
		return pc_yaml_fail(path, value->pos, "'%s' is not a finite number", s);
	if (*s == '-')
		return pc_yaml_fail(path, value->pos,
				    "'%s' is negative; expected a number of 0 or more", s);
	if (has_exponent(s))
		return pc_yaml_fail(path, value->pos,
				    "'%s' has an exponent; write the number out in full", s);
	if (has_separator(s)) {
		struct pc_buf plain = PC_BUF_INIT;
		int error;

		for (; *s; s++)
			if (*s != ',' && *s != '_')
				pc_buf_addch(&plain, *s);
		error = pc_yaml_fail(path, value->pos, "'%s' has a digit separator; write %s",
				     value->text, plain.ptr);
		pc_buf_release(&plain);
		return error;
	}
	return 0;
}

/* A decimal scaled by 10^scale (6: micro-units; 9: per-1k prices as micro-units per Mtok). */
int pc_yaml_get_decimal(int64_t *out, const char *path, const struct pc_yaml_node *value,
			const char *key, unsigned scale)
{
	int error;

	if ((error = check_number_text(path, value, key)))
		return error;
	if (pc_decimal_parse(out, value->text, scale) < 0)
		return pc_yaml_fail(path, value->pos, "%s", pc_error_message());
	return 0;
}

/* A whole number 0..max. */
int pc_yaml_get_count(int64_t *out, const char *path, const struct pc_yaml_node *value,
		      const char *key, int64_t max)
{
	int error;

	if ((error = check_number_text(path, value, key)))
		return error;
	for (const char *p = value->text; *p; p++)
		if (!isdigit((unsigned char)*p) && !(p == value->text && *p == '+'))
			return pc_yaml_fail(path, value->pos, "'%s' is not a whole number",
					    value->text);
	if (pc_decimal_parse(out, value->text, 0) < 0)
		return pc_yaml_fail(path, value->pos, "%s", pc_error_message());
	if (*out > max)
		return pc_yaml_fail(path, value->pos, "'%s' is over the largest allowed %s (%lld)",
				    value->text, key, (long long)max);
	return 0;
}

/* A share of a whole: "80%" or "0.8", at most 100%, in parts per million. */
int pc_yaml_get_share(int64_t *out_ppm, const char *path, const struct pc_yaml_node *value,
		      const char *key)
{
	int error;

	if ((error = check_number_text(path, value, key)))
		return error;
	if (pc_share_parse(out_ppm, value->text, false) < 0)
		return pc_yaml_fail(path, value->pos, "%s", pc_error_message());
	return 0;
}

/* A percent: "10" or "10%" both mean ten percent; may exceed 100. */
int pc_yaml_get_percent(int64_t *out_ppm, const char *path, const struct pc_yaml_node *value,
			const char *key)
{
	size_t len;
	char *number;
	int error;

	if ((error = check_number_text(path, value, key)))
		return error;
	len = strlen(value->text);
	if (len && value->text[len - 1] == '%')
		len--;
	number = pc_xstrndup(value->text, len);
	/* a percent with 4 decimals is exactly parts per million */
	error = pc_decimal_parse(out_ppm, number, 4);
	free(number);
	if (error < 0)
		return pc_yaml_fail(path, value->pos, "'%s' is not a percent (write 10 or 10%%)",
				    value->text);
	return 0;
}

/* One of choices (NULL-terminated); *out is its index. */
int pc_yaml_get_choice(int *out, const char *path, const struct pc_yaml_node *value,
		       const char *key, const char *const *choices)
{
	size_t n = count_names(choices);
	const char *text;
	struct pc_buf msg = PC_BUF_INIT;
	int error;

	if ((error = pc_yaml_get_string(&text, path, value, key)))
		return error;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(text, choices[i])) {
			*out = (int)i;
			return 0;
		}
	}
	pc_buf_addf(&msg, "'%s' is not a valid '%s'", text, key);
	pc_yaml_add_hint(&msg, text, choices, n, "expected one of");
	error = pc_yaml_fail(path, value->pos, "%s", msg.ptr);
	pc_buf_release(&msg);
	return error;
}
