/*
 * The configuration: `.promptcost.yml` version 1 read strictly. libyaml's
 * event parser builds a small tree of our own (no aliases or anchors, bounded
 * nesting, no duplicate keys, one document), which is then checked key by key
 * into struct pc_config. Every error is one line "path:line:col: message".
 * It also reads .promptcost/approvals.yml, as the only file that includes
 * yaml.h.
 */
#include "promptcost/config.h"

#include "promptcost/approvals.h"

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

enum node_kind {
	NODE_SCALAR,
	NODE_SEQUENCE,
	NODE_MAPPING
};

struct node {
	enum node_kind kind;
	struct pc_pos pos;
	char *text;          /* scalar: its value, NUL-free */
	bool plain;          /* scalar: unquoted, so null, true and .inf keep their yaml sense */
	struct node **items; /* sequence: the items; mapping: key, value, key, value... */
	size_t n;
	size_t cap;
};

static void node_free(struct node *node)
{
	if (!node)
		return;
	/* depth is bounded by MAX_DEPTH, so recursion is safe */
	for (size_t i = 0; i < node->n; i++)
		node_free(node->items[i]);
	free(node->items);
	free(node->text);
	free(node);
}

static struct pc_pos pos_of_mark(yaml_mark_t mark)
{
	struct pc_pos pos = { (unsigned)mark.line + 1, (unsigned)mark.column + 1 };

	return pos;
}

static int fail_v(const char *path, struct pc_pos pos, const char *fmt, va_list ap)
	PC_PRINTF(3, 0);

static int fail_v(const char *path, struct pc_pos pos, const char *fmt, va_list ap)
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

static int fail_at(const char *path, struct pc_pos pos, const char *fmt, ...) PC_PRINTF(3, 4);

static int fail_at(const char *path, struct pc_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_v(path, pos, fmt, ap);
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
	error = fail_at(path, pos, "yaml syntax error: %s", msg.ptr);
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
static int check_duplicate_keys(const char *path, const struct node *map)
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
		error = fail_at(path, repeat->pos, "duplicate key '%s' (first at line %u)",
				repeat->key, first->pos.line);
	free(refs);
	return error;
}

static const char *kind_name(const struct node *node)
{
	switch (node->kind) {
	case NODE_SEQUENCE:
		return "a sequence";
	case NODE_MAPPING:
		return "a mapping";
	default:
		return "a scalar";
	}
}

struct loader {
	const char *path;
	struct node *root;
	struct node *stack[MAX_DEPTH];
	size_t depth;
};

/* Hangs node under the innermost open collection (or makes it the root); takes it. */
static int attach(struct loader *ld, struct node *node)
{
	struct node *parent;

	if (ld->depth == 0) {
		ld->root = node;
		return 0;
	}
	parent = ld->stack[ld->depth - 1];
	if (parent->kind == NODE_MAPPING && parent->n % 2 == 0 && node->kind != NODE_SCALAR) {
		int error = fail_at(ld->path, node->pos,
				    "a key must be a plain name, found %s", kind_name(node));

		node_free(node);
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
		return fail_at(ld->path, pos, "yaml anchors ('&%s') are not allowed",
			       (const char *)anchor);
	if (tag)
		return fail_at(ld->path, pos, "yaml tags ('%s') are not allowed", (const char *)tag);
	return 0;
}

static int load_event(struct loader *ld, const yaml_event_t *event, bool *document_seen)
{
	struct pc_pos pos = pos_of_mark(event->start_mark);
	struct node *node;
	int error;

	switch (event->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (*document_seen)
			return fail_at(ld->path, pos,
				       "a second yaml document; the configuration is one document");
		*document_seen = true;
		return 0;
	case YAML_ALIAS_EVENT:
		return fail_at(ld->path, pos, "yaml aliases ('*%s') are not allowed",
			       (const char *)event->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		if ((error = check_node_props(ld, pos, event->data.scalar.anchor,
					      event->data.scalar.tag)))
			return error;
		if (memchr(event->data.scalar.value, '\0', event->data.scalar.length))
			return fail_at(ld->path, pos, "a value contains a NUL character");
		node = pc_xcalloc(1, sizeof(*node));
		node->kind = NODE_SCALAR;
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
			return fail_at(ld->path, pos, "nesting deeper than %d levels", MAX_DEPTH);
		node = pc_xcalloc(1, sizeof(*node));
		node->kind = event->type == YAML_SEQUENCE_START_EVENT ? NODE_SEQUENCE : NODE_MAPPING;
		node->pos = pos;
		if ((error = attach(ld, node)))
			return error;
		ld->stack[ld->depth++] = node;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		node = ld->stack[--ld->depth];
		return node->kind == NODE_MAPPING ? check_duplicate_keys(ld->path, node) : 0;
	default:
		return 0;
	}
}

/* Reads the one yaml document of text into *out (NULL when the stream is empty). */
static int load_tree(struct node **out, const char *path, const char *text, size_t len)
{
	struct loader ld = { path, NULL, { NULL }, 0 };
	yaml_parser_t parser;
	yaml_event_t event;
	bool document_seen = false, finished = false;
	int error = 0;

	*out = NULL;
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
	node_free(ld.root);
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
static void add_hint(struct pc_buf *msg, const char *word, const char *const *names, size_t n,
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

struct ctx {
	const char *path;
	struct pc_config *config;
	bool has_use_cases; /* a `use_cases` section exists: template use cases must name one */
};

static int fail(const struct ctx *c, struct pc_pos pos, const char *fmt, ...) PC_PRINTF(3, 4);

static int fail(const struct ctx *c, struct pc_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_v(c->path, pos, fmt, ap);
	va_end(ap);
	return PC_EINPUT;
}

/* A plain `~`, `null` or nothing at all: yaml's null. */
static bool is_null(const struct node *node)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };

	if (node->kind != NODE_SCALAR || !node->plain)
		return false;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (!strcmp(node->text, nulls[i]))
			return true;
	return false;
}

/* The value of key in map (and its key node), or NULL. Keys are unique (checked on load). */
static const struct node *find(const struct node *map, const char *key,
			       const struct node **key_out)
{
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		if (!strcmp(map->items[i]->text, key)) {
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
static int check_keys(const struct ctx *c, const struct node *map, const char *const *allowed,
		      const char *where)
{
	size_t nallowed = count_names(allowed);

	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct node *key = map->items[i];
		struct pc_buf msg = PC_BUF_INIT;
		bool known = false;
		int error;

		for (size_t k = 0; k < nallowed && !known; k++)
			known = !strcmp(key->text, allowed[k]);
		if (known)
			continue;
		pc_buf_addf(&msg, "unknown key '%s' %s", key->text, where);
		add_hint(&msg, key->text, allowed, nallowed, "expected one of");
		error = fail(c, key->pos, "%s", msg.ptr);
		pc_buf_release(&msg);
		return error;
	}
	return 0;
}

static int expect_mapping(const struct ctx *c, const struct node *value, const char *what)
{
	if (value->kind == NODE_MAPPING)
		return 0;
	if (is_null(value))
		return fail(c, value->pos, "%s has no value; expected a mapping", what);
	return fail(c, value->pos, "%s must be a mapping, found %s", what, kind_name(value));
}

/* A non-empty string: a scalar that is not null. Borrowed from the tree. */
static int get_string(const char **out, const struct ctx *c, const struct node *value,
		      const char *key)
{
	if (value->kind != NODE_SCALAR)
		return fail(c, value->pos, "'%s' must be a single value, found %s", key,
			    kind_name(value));
	if (is_null(value))
		return fail(c, value->pos, "'%s' has no value", key);
	if (!*value->text)
		return fail(c, value->pos, "'%s' is empty", key);
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
static int check_number_text(const struct ctx *c, const struct node *value, const char *key)
{
	const char *s = value->text;

	if (value->kind != NODE_SCALAR)
		return fail(c, value->pos, "'%s' must be a number, found %s", key, kind_name(value));
	if (is_null(value))
		return fail(c, value->pos, "'%s' has no value; expected a number", key);
	if (value->plain && is_boolean(s))
		return fail(c, value->pos, "'%s' is a boolean; expected a number", s);
	if (is_nonfinite(s))
		return fail(c, value->pos, "'%s' is not a finite number", s);
	if (*s == '-')
		return fail(c, value->pos, "'%s' is negative; expected a number of 0 or more", s);
	if (has_exponent(s))
		return fail(c, value->pos, "'%s' has an exponent; write the number out in full", s);
	if (has_separator(s)) {
		struct pc_buf plain = PC_BUF_INIT;
		int error;

		for (; *s; s++)
			if (*s != ',' && *s != '_')
				pc_buf_addch(&plain, *s);
		error = fail(c, value->pos, "'%s' has a digit separator; write %s", value->text,
			     plain.ptr);
		pc_buf_release(&plain);
		return error;
	}
	return 0;
}

/* A decimal scaled by 10^scale (6: micro-units; 9: per-1k prices as micro-units per Mtok). */
static int get_decimal(int64_t *out, const struct ctx *c, const struct node *value,
		       const char *key, unsigned scale)
{
	int error;

	if ((error = check_number_text(c, value, key)))
		return error;
	if (pc_decimal_parse(out, value->text, scale) < 0)
		return fail(c, value->pos, "%s", pc_error_message());
	return 0;
}

/* A whole number 0..max. */
static int get_count(int64_t *out, const struct ctx *c, const struct node *value,
		     const char *key, int64_t max)
{
	int error;

	if ((error = check_number_text(c, value, key)))
		return error;
	for (const char *p = value->text; *p; p++)
		if (!isdigit((unsigned char)*p) && !(p == value->text && *p == '+'))
			return fail(c, value->pos, "'%s' is not a whole number", value->text);
	if (pc_decimal_parse(out, value->text, 0) < 0)
		return fail(c, value->pos, "%s", pc_error_message());
	if (*out > max)
		return fail(c, value->pos, "'%s' is over the largest allowed %s (%lld)",
			    value->text, key, (long long)max);
	return 0;
}

/* A share of a whole: "80%" or "0.8", at most 100%, in parts per million. */
static int get_share(int64_t *out_ppm, const struct ctx *c, const struct node *value,
		     const char *key)
{
	int error;

	if ((error = check_number_text(c, value, key)))
		return error;
	if (pc_share_parse(out_ppm, value->text, false) < 0)
		return fail(c, value->pos, "%s", pc_error_message());
	return 0;
}

/* A percent: "10" or "10%" both mean ten percent; may exceed 100. */
static int get_percent(int64_t *out_ppm, const struct ctx *c, const struct node *value,
		       const char *key)
{
	size_t len;
	char *number;
	int error;

	if ((error = check_number_text(c, value, key)))
		return error;
	len = strlen(value->text);
	if (len && value->text[len - 1] == '%')
		len--;
	number = pc_xstrndup(value->text, len);
	/* a percent with 4 decimals is exactly parts per million */
	error = pc_decimal_parse(out_ppm, number, 4);
	free(number);
	if (error < 0)
		return fail(c, value->pos, "'%s' is not a percent (write 10 or 10%%)", value->text);
	return 0;
}

/* One of choices (NULL-terminated); *out is its index. */
static int get_choice(int *out, const struct ctx *c, const struct node *value, const char *key,
		      const char *const *choices)
{
	size_t n = count_names(choices);
	const char *text;
	struct pc_buf msg = PC_BUF_INIT;
	int error;

	if ((error = get_string(&text, c, value, key)))
		return error;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(text, choices[i])) {
			*out = (int)i;
			return 0;
		}
	}
	pc_buf_addf(&msg, "'%s' is not a valid '%s'", text, key);
	add_hint(&msg, text, choices, n, "expected one of");
	error = fail(c, value->pos, "%s", msg.ptr);
	pc_buf_release(&msg);
	return error;
}

/* ------------------------------------------------------------------ */
/* Name indexes: sorted, so a large configuration's lookups stay fast.  */

struct name_ref {
	const char *name;
	size_t index;
};

struct name_index {
	struct name_ref *refs;
	size_t n;
	const char **names; /* in file order, for suggestions */
};

static int compare_name_refs(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Indexes n names read by name_at(base, i) at stride bytes apart. */
static void name_index_build(struct name_index *idx, const void *base, size_t n, size_t stride)
{
	idx->refs = pc_xcalloc(n, sizeof(*idx->refs));
	idx->names = pc_xcalloc(n, sizeof(*idx->names));
	idx->n = n;
	for (size_t i = 0; i < n; i++) {
		/* every indexed struct starts with its `char *name` (or id) */
		const char *name = *(char *const *)((const char *)base + i * stride);

		idx->refs[i].name = name;
		idx->refs[i].index = i;
		idx->names[i] = name;
	}
	qsort(idx->refs, n, sizeof(*idx->refs), compare_name_refs);
}

/* The file-order index of name, or SIZE_MAX. */
static size_t name_index_find(const struct name_index *idx, const char *name)
{
	size_t lo = 0, hi = idx->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, idx->refs[mid].name);

		if (!c)
			return idx->refs[mid].index;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return SIZE_MAX;
}

static void name_index_release(struct name_index *idx)
{
	free(idx->refs);
	free(idx->names);
	memset(idx, 0, sizeof(*idx));
}

/* name must be in idx; otherwise "unknown <what> 'x' (did you mean 'y'?)" at value. */
static int check_reference(const struct ctx *c, const struct name_index *idx,
			   const struct node *value, const char *name, const char *what,
			   const char *section)
{
	struct pc_buf msg = PC_BUF_INIT;
	char known[64];
	int error;

	if (name_index_find(idx, name) != SIZE_MAX)
		return 0;
	pc_buf_addf(&msg, "unknown %s '%s'", what, name);
	if (!idx->n) {
		pc_buf_addf(&msg, " ('%s' names none)", section);
	} else {
		snprintf(known, sizeof(known), "known %ss", what);
		add_hint(&msg, name, idx->names, idx->n, known);
	}
	error = fail(c, value->pos, "%s", msg.ptr);
	pc_buf_release(&msg);
	return error;
}

/* ------------------------------------------------------------------ */
/* The sections.                                                       */

static const char *const top_keys[] = {
	"version", "currency", "days_per_month", "models", "teams", "use_cases", "templates",
	"policy", "usage", NULL
};
static const char *const model_keys[] = {
	"encoding", "approximate_base", "approximate_factor", "input_per_1k", "input_per_1m",
	"output_per_1k", "output_per_1m", "cached_input_per_1k", "cached_input_per_1m", NULL
};
static const char *const budget_keys[] = {
	"monthly_budget", "limit", "warn_at", "other_monthly_spend", NULL
};
static const char *const template_keys[] = {
	"id", "files", "team", "use_case", "model", "calls_per_day", "output_tokens_per_call",
	"cache_hit_rate", "cached_input_share", NULL
};
static const char *const policy_keys[] = {
	"cost_event", "unapproved_cost_event", "approvers", "file_approvals", NULL
};
static const char *const approver_keys[] = { "id", "key", NULL };
static const char *const file_approvals_choices[] = { "signed", "unsigned", NULL };
static const char *const cost_event_keys[] = { "monthly_delta", "percent", "min_monthly_delta",
					       NULL };
static const char *const encodings[] = { "cl100k_base", "o200k_base", "approximate", NULL };
static const char *const base_encodings[] = { "cl100k_base", "o200k_base", NULL };
static const enum pc_encoding encoding_values[] = { PC_ENC_CL100K_BASE, PC_ENC_O200K_BASE };
static const char *const limits[] = { "hard", "soft", NULL };
static const char *const unapproved_choices[] = { "block", "warn", NULL };

/*
 * A price given per thousand or per million tokens (exactly one of the two),
 * as micro-units per million tokens: per-1k text scaled by 10^9, per-1m by 10^6.
 */
static int read_price(int64_t *out, bool *present, const struct ctx *c, const struct node *map,
		      const struct node *name, const char *key_1k, const char *key_1m,
		      const char *label)
{
	const struct node *k1k = NULL, *k1m = NULL;
	const struct node *v1k = find(map, key_1k, &k1k), *v1m = find(map, key_1m, &k1m);

	*present = v1k || v1m;
	if (v1k && v1m) {
		const struct node *later = k1k->pos.line > k1m->pos.line ||
			(k1k->pos.line == k1m->pos.line && k1k->pos.col > k1m->pos.col) ? k1k : k1m;

		return fail(c, later->pos, "model '%s' has both '%s' and '%s'; give one",
			    name->text, key_1k, key_1m);
	}
	if (v1k)
		return get_decimal(out, c, v1k, key_1k, 9);
	if (v1m)
		return get_decimal(out, c, v1m, key_1m, 6);
	if (label)
		return fail(c, name->pos,
			    "model '%s' has no %s price: give '%s' or '%s' (a missing price is "
			    "an error, never 0)", name->text, label, key_1k, key_1m);
	return 0;
}

static int read_model(struct pc_model *model, const struct ctx *c, const struct node *name,
		      const struct node *map)
{
	const struct node *encoding = find(map, "encoding", NULL);
	const struct node *base_key = NULL, *factor_key = NULL;
	const struct node *base = find(map, "approximate_base", &base_key);
	const struct node *factor = find(map, "approximate_factor", &factor_key);
	struct pc_buf where = PC_BUF_INIT;
	bool present;
	int error, choice;

	model->name = pc_xstrdup(name->text);
	model->pos = name->pos;
	model->approx_factor_ppm = PC_PPM;
	pc_buf_addf(&where, "in model '%s'", name->text);
	error = check_keys(c, map, model_keys, where.ptr);
	pc_buf_release(&where);
	if (error)
		return error;

	if (encoding) {
		if ((error = get_choice(&choice, c, encoding, "encoding", encodings)))
			return error;
		if (encodings[choice] == encodings[2]) {
			model->approximate = true;
			model->encoding = PC_ENC_CL100K_BASE;
		} else {
			model->encoding = encoding_values[choice];
		}
	} else if (pc_encoding_for_model(&model->encoding, name->text) < 0) {
		return fail(c, name->pos,
			    "model '%s' needs an 'encoding' (cl100k_base, o200k_base or "
			    "approximate): promptcost does not know its tokenizer", name->text);
	}
	if (!model->approximate && (base || factor))
		return fail(c, (base ? base_key : factor_key)->pos,
			    "'%s' is only for 'encoding: approximate'",
			    base ? "approximate_base" : "approximate_factor");
	if (base) {
		if ((error = get_choice(&choice, c, base, "approximate_base", base_encodings)))
			return error;
		model->encoding = encoding_values[choice];
	}
	if (factor) {
		if ((error = get_decimal(&model->approx_factor_ppm, c, factor, "approximate_factor",
					 6)))
			return error;
		if (model->approx_factor_ppm == 0)
			return fail(c, factor->pos, "'approximate_factor' must be more than 0");
	}

	if ((error = read_price(&model->input_micros_per_mtok, &present, c, map, name,
				"input_per_1k", "input_per_1m", "input")) ||
	    (error = read_price(&model->output_micros_per_mtok, &present, c, map, name,
				"output_per_1k", "output_per_1m", "output")) ||
	    (error = read_price(&model->cached_input_micros_per_mtok,
				&model->has_cached_input_price, c, map, name,
				"cached_input_per_1k", "cached_input_per_1m", NULL)))
		return error;
	return 0;
}

static int read_models(const struct ctx *c, const struct node *section)
{
	struct pc_config *config = c->config;
	int error;

	if (is_null(section))
		return 0;
	if ((error = expect_mapping(c, section, "'models'")))
		return error;
	config->models = pc_xcalloc(section->n / 2, sizeof(*config->models));
	for (size_t i = 0; i + 1 < section->n; i += 2) {
		const struct node *name = section->items[i], *value = section->items[i + 1];
		struct pc_model *model = &config->models[config->nmodels];

		if (!*name->text || is_null(name))
			return fail(c, name->pos, "a model needs a name");
		if (value->kind != NODE_MAPPING)
			return fail(c, value->pos,
				    "model '%s' must be a mapping of its encoding and prices, found %s",
				    name->text, is_null(value) ? "nothing" : kind_name(value));
		config->nmodels++;
		if ((error = read_model(model, c, name, value)))
			return error;
	}
	return 0;
}

static int read_budget(struct pc_budget *budget, const struct ctx *c, const struct node *name,
		       const struct node *map, const char *what)
{
	const struct node *value, *warn_key = NULL;
	struct pc_buf where = PC_BUF_INIT;
	int error, choice;

	budget->name = pc_xstrdup(name->text);
	budget->pos = name->pos;
	budget->limit = PC_LIMIT_HARD;
	if (!map)
		return 0;
	pc_buf_addf(&where, "in %s '%s'", what, name->text);
	error = check_keys(c, map, budget_keys, where.ptr);
	pc_buf_release(&where);
	if (error)
		return error;
	if ((value = find(map, "monthly_budget", NULL))) {
		if ((error = get_decimal(&budget->monthly_budget_micros, c, value, "monthly_budget",
					 6)))
			return error;
		budget->has_budget = true;
	}
	if ((value = find(map, "limit", NULL))) {
		if ((error = get_choice(&choice, c, value, "limit", limits)))
			return error;
		budget->limit = choice ? PC_LIMIT_SOFT : PC_LIMIT_HARD;
	}
	if ((value = find(map, "warn_at", &warn_key))) {
		if ((error = get_share(&budget->warn_at_ppm, c, value, "warn_at")))
			return error;
		if (!budget->has_budget)
			return fail(c, warn_key->pos, "'warn_at' needs a 'monthly_budget' in %s '%s'",
				    what, name->text);
		budget->has_warn_at = true;
	}
	if ((value = find(map, "other_monthly_spend", NULL)))
		return get_decimal(&budget->other_monthly_spend_micros, c, value,
				   "other_monthly_spend", 6);
	return 0;
}

/* `teams` or `use_cases`: name -> budget; an entry may be empty (a label with no budget). */
static int read_budgets(struct pc_budget **out, size_t *nout, const struct ctx *c,
			const struct node *section, const char *key, const char *what)
{
	struct pc_buf label = PC_BUF_INIT;
	int error;

	if (is_null(section))
		return 0;
	pc_buf_addf(&label, "'%s'", key);
	error = expect_mapping(c, section, label.ptr);
	pc_buf_release(&label);
	if (error)
		return error;
	*out = pc_xcalloc(section->n / 2, sizeof(**out));
	for (size_t i = 0; i + 1 < section->n; i += 2) {
		const struct node *name = section->items[i], *value = section->items[i + 1];

		if (!*name->text || is_null(name))
			return fail(c, name->pos, "a %s needs a name", what);
		if (!is_null(value) && value->kind != NODE_MAPPING)
			return fail(c, value->pos, "%s '%s' must be a mapping, found %s", what,
				    name->text, kind_name(value));
		if ((error = read_budget(&(*out)[(*nout)++], c, name,
					 is_null(value) ? NULL : value, what)))
			return error;
	}
	return 0;
}

static bool is_valid_id(const char *id)
{
	if (!*id)
		return false;
	for (; *id; id++)
		if (!isalnum((unsigned char)*id) && !strchr("._-", *id))
			return false;
	return true;
}

static int read_files(struct pc_template_config *t, const struct ctx *c, const struct node *value)
{
	const struct node *const *items = &value;
	size_t n = 1;
	int error;

	if (value->kind == NODE_MAPPING)
		return fail(c, value->pos, "'files' must be a glob or a list of globs, found a mapping");
	if (value->kind == NODE_SEQUENCE) {
		items = (const struct node *const *)value->items;
		n = value->n;
		if (!n)
			return fail(c, value->pos, "'files' is empty; list at least one file or glob");
	}
	t->files = pc_xcalloc(n, sizeof(*t->files));
	for (size_t i = 0; i < n; i++) {
		const char *glob;

		if ((error = get_string(&glob, c, items[i], "files")))
			return error;
		t->files[t->nfiles].pattern = pc_xstrdup(glob);
		t->files[t->nfiles].pos = items[i]->pos;
		t->nfiles++;
	}
	return 0;
}

struct template_refs {
	const struct name_index *models;
	const struct name_index *teams;
	const struct name_index *use_cases;
};

static int read_template(struct pc_template_config *t, const struct ctx *c, const struct node *map,
			 size_t number, const struct template_refs *refs)
{
	const struct node *value, *id = find(map, "id", NULL);
	const struct node *share_key = NULL;
	const struct pc_model *model;
	struct pc_buf where = PC_BUF_INIT;
	const char *text;
	int error;

	t->pos = map->pos;
	if (id && id->kind == NODE_SCALAR && !is_null(id))
		pc_buf_addf(&where, "in template '%s'", id->text);
	else
		pc_buf_addf(&where, "in template %zu", number);
	error = check_keys(c, map, template_keys, where.ptr);
	pc_buf_release(&where);
	if (error)
		return error;

	if (!id)
		return fail(c, map->pos, "template %zu has no 'id'", number);
	if ((error = get_string(&text, c, id, "id")))
		return error;
	if (!is_valid_id(text))
		return fail(c, id->pos,
			    "template id '%s' may use only letters, digits, '.', '_' and '-'", text);
	t->id = pc_xstrdup(text);

	if (!(value = find(map, "files", NULL)))
		return fail(c, map->pos, "template '%s' has no 'files'", t->id);
	if ((error = read_files(t, c, value)))
		return error;

	if ((value = find(map, "team", NULL))) {
		if ((error = get_string(&text, c, value, "team")) ||
		    (error = check_reference(c, refs->teams, value, text, "team", "teams")))
			return error;
		t->team = pc_xstrdup(text);
	}
	if ((value = find(map, "use_case", NULL))) {
		if ((error = get_string(&text, c, value, "use_case")))
			return error;
		if (c->has_use_cases &&
		    (error = check_reference(c, refs->use_cases, value, text, "use case",
					     "use_cases")))
			return error;
		t->use_case = pc_xstrdup(text);
	}

	if (!(value = find(map, "model", NULL)))
		return fail(c, map->pos, "template '%s' has no 'model'", t->id);
	if ((error = get_string(&text, c, value, "model")) ||
	    (error = check_reference(c, refs->models, value, text, "model", "models")))
		return error;
	t->model = pc_xstrdup(text);
	t->model_pos = value->pos;

	if (!(value = find(map, "calls_per_day", NULL)))
		return fail(c, map->pos,
			    "template '%s' has no 'calls_per_day' (the calls a day it is used for)",
			    t->id);
	/* a bound that keeps every later product of tokens, calls and prices in int64 range */
	if ((error = get_count(&t->calls_per_day, c, value, "calls_per_day", INT64_C(1000000000000))))
		return error;
	if ((value = find(map, "output_tokens_per_call", NULL)) &&
	    (error = get_count(&t->output_tokens_per_call, c, value, "output_tokens_per_call",
			       INT64_C(100000000))))
		return error;
	if ((value = find(map, "cache_hit_rate", NULL)) &&
	    (error = get_share(&t->cache_hit_ppm, c, value, "cache_hit_rate")))
		return error;
	if ((value = find(map, "cached_input_share", &share_key))) {
		if ((error = get_share(&t->cached_input_ppm, c, value, "cached_input_share")))
			return error;
		model = &c->config->models[name_index_find(refs->models, t->model)];
		if (t->cached_input_ppm && !model->has_cached_input_price)
			return fail(c, share_key->pos,
				    "'cached_input_share' needs a cached input price for model '%s' "
				    "(cached_input_per_1k or cached_input_per_1m)", t->model);
	}
	return 0;
}

/* Template ids are unique: the first repeat in the file is reported. */
static int check_template_ids(const struct ctx *c)
{
	const struct pc_config *config = c->config;
	struct name_index idx = { NULL, 0, NULL };
	const struct name_ref *repeat = NULL, *first = NULL;
	int error = 0;

	name_index_build(&idx, config->templates, config->ntemplates, sizeof(*config->templates));
	for (size_t i = 1, group = 0; i < idx.n; i++) {
		if (strcmp(idx.refs[i].name, idx.refs[group].name)) {
			group = i;
			continue;
		}
		if (!repeat || idx.refs[i].index < repeat->index) {
			repeat = &idx.refs[i];
			first = &idx.refs[group];
		}
	}
	if (repeat)
		error = fail(c, config->templates[repeat->index].pos,
			     "duplicate template id '%s' (first at line %u)", repeat->name,
			     config->templates[first->index].pos.line);
	name_index_release(&idx);
	return error;
}

static int read_templates(const struct ctx *c, const struct node *section)
{
	struct pc_config *config = c->config;
	struct name_index models = { NULL, 0, NULL }, teams = { NULL, 0, NULL };
	struct name_index use_cases = { NULL, 0, NULL };
	struct template_refs refs = { &models, &teams, &use_cases };
	int error = 0;

	if (is_null(section))
		return 0;
	if (section->kind != NODE_SEQUENCE)
		return fail(c, section->pos,
			    "'templates' must be a sequence ('- id: ...' entries), found %s",
			    kind_name(section));
	/* struct pc_model, pc_budget and pc_template_config all begin with their name */
	name_index_build(&models, config->models, config->nmodels, sizeof(*config->models));
	name_index_build(&teams, config->teams, config->nteams, sizeof(*config->teams));
	name_index_build(&use_cases, config->use_cases, config->nuse_cases,
			 sizeof(*config->use_cases));
	config->templates = pc_xcalloc(section->n, sizeof(*config->templates));
	for (size_t i = 0; i < section->n; i++) {
		const struct node *item = section->items[i];

		if (item->kind != NODE_MAPPING) {
			error = fail(c, item->pos, "template %zu must be a mapping (id, files, model...), "
				     "found %s", i + 1, is_null(item) ? "nothing" : kind_name(item));
			goto done;
		}
		config->ntemplates++;
		if ((error = read_template(&config->templates[i], c, item, i + 1, &refs)))
			goto done;
	}
	error = check_template_ids(c);
done:
	name_index_release(&use_cases);
	name_index_release(&teams);
	name_index_release(&models);
	return error;
}

/* One public key of an approver, checked now so that a bad key is an error at its place. */
static int read_approver_key(struct pc_approver *a, const struct ctx *c, const struct node *value)
{
	struct pc_buf msg = PC_BUF_INIT;
	const char *text;
	int error;

	if ((error = get_string(&text, c, value, "key")))
		return error;
	/* one at a time: an approver has a key or two */
	a->keys = pc_xrealloc(a->keys, (a->nkeys + 1) * sizeof(*a->keys));
	if (!(error = pc_ssh_key_parse(&a->keys[a->nkeys], text))) {
		a->nkeys++;
	} else {
		pc_buf_adds(&msg, pc_error_message());
		error = fail(c, value->pos, "the key of approver '%s': %s", a->id, msg.ptr);
		pc_buf_release(&msg);
	}
	return error;
}

/* An item of policy.approvers: "id", or {id: ..., key: "ssh-ed25519 AAAA..." or [keys]}. */
static int read_approver(struct pc_approver *a, const struct ctx *c, const struct node *item)
{
	const struct node *value;
	const char *id;
	int error;

	a->pos = item->pos;
	if (item->kind != NODE_MAPPING) {
		if ((error = get_string(&id, c, item, "approvers")))
			return error;
		a->id = pc_xstrdup(id);
		return 0;
	}
	if ((error = check_keys(c, item, approver_keys, "in an approver")))
		return error;
	if (!(value = find(item, "id", NULL)))
		return fail(c, item->pos, "an approver needs 'id' (and 'key': its public key, "
			    "\"ssh-ed25519 AAAA...\")");
	if ((error = get_string(&id, c, value, "id")))
		return error;
	a->id = pc_xstrdup(id);
	if (!(value = find(item, "key", NULL)) || is_null(value))
		return 0;
	if (value->kind != NODE_SEQUENCE)
		return read_approver_key(a, c, value);
	for (size_t i = 0; i < value->n; i++)
		if ((error = read_approver_key(a, c, value->items[i])))
			return error;
	return 0;
}

static int read_policy(const struct ctx *c, const struct node *section)
{
	struct pc_policy *policy = &c->config->policy;
	const struct node *value, *event;
	int error, choice;

	policy->unapproved = PC_UNAPPROVED_BLOCK;
	if (!section || is_null(section))
		return 0;
	if ((error = expect_mapping(c, section, "'policy'")) ||
	    (error = check_keys(c, section, policy_keys, "in 'policy'")))
		return error;
	if ((event = find(section, "cost_event", NULL)) && !is_null(event)) {
		if ((error = expect_mapping(c, event, "'cost_event'")) ||
		    (error = check_keys(c, event, cost_event_keys, "in 'cost_event'")))
			return error;
		if ((value = find(event, "monthly_delta", NULL))) {
			if ((error = get_decimal(&policy->event_delta_micros, c, value,
						 "monthly_delta", 6)))
				return error;
			policy->has_event_delta = true;
		}
		if ((value = find(event, "percent", NULL))) {
			if ((error = get_percent(&policy->event_ppm, c, value, "percent")))
				return error;
			policy->has_event_percent = true;
		}
		/* a share of a small template's cost is not worth an approval below this */
		if ((value = find(event, "min_monthly_delta", NULL)) &&
		    (error = get_decimal(&policy->event_min_delta_micros, c, value,
					 "min_monthly_delta", 6)))
			return error;
	}
	if ((value = find(section, "unapproved_cost_event", NULL))) {
		if ((error = get_choice(&choice, c, value, "unapproved_cost_event",
					unapproved_choices)))
			return error;
		policy->unapproved = choice ? PC_UNAPPROVED_WARN : PC_UNAPPROVED_BLOCK;
	}
	if ((value = find(section, "file_approvals", NULL))) {
		if ((error = get_choice(&choice, c, value, "file_approvals",
					file_approvals_choices)))
			return error;
		policy->file_approvals = choice ? PC_FILE_APPROVALS_UNSIGNED
						: PC_FILE_APPROVALS_SIGNED;
	}
	if ((value = find(section, "approvers", NULL)) && !is_null(value)) {
		if (value->kind != NODE_SEQUENCE)
			return fail(c, value->pos, "'approvers' must be a list of ids, found %s",
				    kind_name(value));
		policy->approver_keys = pc_xcalloc(value->n ? value->n : 1,
						   sizeof(*policy->approver_keys));
		for (size_t i = 0; i < value->n; i++) {
			struct pc_approver *a = &policy->approver_keys[policy->napprover_keys++];

			if ((error = read_approver(a, c, value->items[i])))
				return error;
			for (size_t k = 0; k + 1 < policy->napprover_keys; k++)
				if (!strcmp(policy->approver_keys[k].id, a->id))
					return fail(c, a->pos, "approver '%s' is listed twice (first "
						    "at %u:%u); list its keys in one entry", a->id,
						    policy->approver_keys[k].pos.line,
						    policy->approver_keys[k].pos.col);
			pc_strlist_push(&policy->approvers, a->id);
		}
	}
	return 0;
}

/*
 * The `usage:` section (config.h): attribution rules and model aliases for
 * recorded usage. Self-contained: it reads only its own section, after the
 * models and templates it refers to.
 */
static const char *const usage_keys[] = { "templates", "models", NULL };
static const char *const usage_rule_keys[] = { "template", "tag", "api_key", "project", NULL };
static const char *const usage_match_keys[] = { "tag", "api_key", "project", NULL };

static int read_usage_rule(struct pc_usage_rule *rule, const struct ctx *c,
			   const struct node *item, size_t number, const struct name_index *templates)
{
	const struct node *value, *key, *match_key = NULL, *match_value = NULL;
	const char *text;
	int error;

	if (item->kind != NODE_MAPPING)
		return fail(c, item->pos, "usage template rule %zu must be a mapping ('template: ID' "
			    "and one of tag, api_key, project), found %s", number,
			    is_null(item) ? "nothing" : kind_name(item));
	if ((error = check_keys(c, item, usage_rule_keys, "in a 'usage.templates' rule")))
		return error;
	rule->pos = item->pos;
	if (!(value = find(item, "template", NULL)))
		return fail(c, item->pos, "usage template rule %zu has no 'template'", number);
	if ((error = get_string(&text, c, value, "template")) ||
	    (error = check_reference(c, templates, value, text, "template", "templates")))
		return error;
	rule->template = pc_xstrdup(text);
	for (size_t k = 0; usage_match_keys[k]; k++) {
		if (!(value = find(item, usage_match_keys[k], &key)))
			continue;
		if (match_key)
			return fail(c, key->pos, "usage template rule %zu has both '%s' and '%s'; give "
				    "one per rule", number, match_key->text, key->text);
		match_key = key;
		match_value = value;
		rule->match = (enum pc_usage_match)k;
	}
	if (!match_key)
		return fail(c, item->pos, "usage template rule %zu says nothing to match: give 'tag', "
			    "'api_key' or 'project'", number);
	if ((error = get_string(&text, c, match_value, match_key->text)))
		return error;
	rule->value = pc_xstrdup(text);
	return 0;
}

static int read_usage(const struct ctx *c, const struct node *section)
{
	struct pc_config *config = c->config;
	struct pc_usage_config *usage = &config->usage;
	struct name_index templates = { NULL, 0, NULL }, models = { NULL, 0, NULL };
	const struct node *value;
	int error = 0;

	if (!section || is_null(section))
		return 0;
	if ((error = expect_mapping(c, section, "'usage'")) ||
	    (error = check_keys(c, section, usage_keys, "in 'usage'")))
		return error;
	name_index_build(&templates, config->templates, config->ntemplates,
			 sizeof(*config->templates));
	name_index_build(&models, config->models, config->nmodels, sizeof(*config->models));
	if ((value = find(section, "templates", NULL)) && !is_null(value)) {
		if (value->kind != NODE_SEQUENCE) {
			error = fail(c, value->pos, "'usage.templates' must be a sequence of rules "
				     "('- template: ID' with tag, api_key or project), found %s",
				     kind_name(value));
			goto done;
		}
		usage->rules = pc_xcalloc(value->n ? value->n : 1, sizeof(*usage->rules));
		for (size_t i = 0; i < value->n; i++) {
			struct pc_usage_rule *rule = &usage->rules[usage->nrules++];

			if ((error = read_usage_rule(rule, c, value->items[i], i + 1, &templates)))
				goto done;
			for (size_t k = 0; k + 1 < usage->nrules; k++) {
				const struct pc_usage_rule *other = &usage->rules[k];

				if (other->match == rule->match && !strcmp(other->value, rule->value)) {
					error = fail(c, rule->pos, "%s '%s' is already attributed (at "
						     "line %u); a value names one template",
						     usage_match_keys[rule->match], rule->value,
						     other->pos.line);
					goto done;
				}
			}
		}
	}
	if ((value = find(section, "models", NULL)) && !is_null(value)) {
		if ((error = expect_mapping(c, value, "'usage.models'")))
			goto done;
		usage->aliases = pc_xcalloc(value->n ? value->n / 2 : 1, sizeof(*usage->aliases));
		for (size_t i = 0; i + 1 < value->n; i += 2) {
			const struct node *name = value->items[i], *target = value->items[i + 1];
			struct pc_model_alias *alias = &usage->aliases[usage->naliases++];
			const char *text;

			alias->pos = name->pos;
			alias->name = pc_xstrdup(name->text);
			if (name_index_find(&models, name->text) != SIZE_MAX) {
				error = fail(c, name->pos, "'%s' is a model of the configuration "
					     "already; 'usage.models' maps other names onto them",
					     name->text);
				goto done;
			}
			if ((error = get_string(&text, c, target, name->text)) ||
			    (error = check_reference(c, &models, target, text, "model", "models")))
				goto done;
			alias->model = pc_xstrdup(text);
		}
	}
done:
	name_index_release(&models);
	name_index_release(&templates);
	return error;
}

static int read_config(const struct ctx *c, const struct node *root)
{
	struct pc_config *config = c->config;
	const struct node *value, *version_key = NULL;
	int64_t number;
	int error;

	if (!root || is_null(root))
		return fail(c, (struct pc_pos){ 1, 1 },
			    "the configuration is empty; it needs at least 'version: 1'");
	if ((error = expect_mapping(c, root, "the configuration")) ||
	    (error = check_keys(c, root, top_keys, "at the top level")))
		return error;

	if (!(value = find(root, "version", &version_key)))
		return fail(c, root->pos, "no 'version'; start the file with 'version: 1'");
	if ((error = get_count(&number, c, value, "version", INT64_MAX)))
		return error;
	if (number != 1)
		return fail(c, value->pos, "unsupported version '%s'; this promptcost reads version 1",
			    value->text);

	config->currency = pc_xstrdup("USD");
	if ((value = find(root, "currency", NULL))) {
		const char *text;

		if ((error = get_string(&text, c, value, "currency")))
			return error;
		if (strlen(text) != 3 || !isupper((unsigned char)text[0]) ||
		    !isupper((unsigned char)text[1]) || !isupper((unsigned char)text[2]))
			return fail(c, value->pos,
				    "currency '%s' is not a three-letter upper-case code like USD",
				    text);
		free(config->currency);
		config->currency = pc_xstrdup(text);
	}
	config->days_per_month = 30;
	if ((value = find(root, "days_per_month", NULL))) {
		if ((error = get_count(&config->days_per_month, c, value, "days_per_month", 31)))
			return error;
		if (config->days_per_month < 1)
			return fail(c, value->pos, "'days_per_month' must be 1 to 31");
	}

	if ((value = find(root, "models", NULL)) && (error = read_models(c, value)))
		return error;
	if ((value = find(root, "teams", NULL)) &&
	    (error = read_budgets(&config->teams, &config->nteams, c, value, "teams", "team")))
		return error;
	if ((value = find(root, "use_cases", NULL)) &&
	    (error = read_budgets(&config->use_cases, &config->nuse_cases, c, value, "use_cases",
				  "use case")))
		return error;
	if ((value = find(root, "templates", NULL)) && (error = read_templates(c, value)))
		return error;
	if ((error = read_policy(c, find(root, "policy", NULL))))
		return error;
	return read_usage(c, find(root, "usage", NULL));
}

int pc_config_parse(struct pc_config **out, const char *path, const char *text, size_t len)
{
	struct pc_config *config = NULL;
	struct node *root = NULL;
	struct ctx c;
	int error;

	*out = NULL;
	if (len > PC_CONFIG_MAX_BYTES)
		return pc_error_set(PC_EINPUT, "%s:1:1: the file is %zu bytes, over the %d-byte limit",
				    path, len, PC_CONFIG_MAX_BYTES);
	if ((error = load_tree(&root, path, text, len)))
		goto done;
	config = pc_xcalloc(1, sizeof(*config));
	config->path = pc_xstrdup(path);
	c.path = path;
	c.config = config;
	if (root && root->kind == NODE_MAPPING) {
		const struct node *use_cases = find(root, "use_cases", NULL);

		/* `use_cases:` left empty is no section: use cases stay free labels */
		c.has_use_cases = use_cases && !is_null(use_cases);
	} else {
		c.has_use_cases = false;
	}
	if ((error = read_config(&c, root)))
		goto done;
	*out = config;
	config = NULL;
done:
	pc_config_free(config);
	node_free(root);
	return error;
}

static void budgets_free(struct pc_budget *budgets, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(budgets[i].name);
	free(budgets);
}

void pc_config_free(struct pc_config *config)
{
	if (!config)
		return;
	for (size_t i = 0; i < config->nmodels; i++)
		free(config->models[i].name);
	free(config->models);
	budgets_free(config->teams, config->nteams);
	budgets_free(config->use_cases, config->nuse_cases);
	for (size_t i = 0; i < config->ntemplates; i++) {
		struct pc_template_config *t = &config->templates[i];

		for (size_t j = 0; j < t->nfiles; j++)
			free(t->files[j].pattern);
		free(t->files);
		free(t->id);
		free(t->team);
		free(t->use_case);
		free(t->model);
	}
	free(config->templates);
	pc_strlist_release(&config->policy.approvers);
	for (size_t i = 0; i < config->policy.napprover_keys; i++) {
		struct pc_approver *a = &config->policy.approver_keys[i];

		for (size_t k = 0; k < a->nkeys; k++)
			pc_ssh_key_release(&a->keys[k]);
		free(a->keys);
		free(a->id);
	}
	free(config->policy.approver_keys);
	for (size_t i = 0; i < config->usage.nrules; i++) {
		free(config->usage.rules[i].template);
		free(config->usage.rules[i].value);
	}
	free(config->usage.rules);
	for (size_t i = 0; i < config->usage.naliases; i++) {
		free(config->usage.aliases[i].name);
		free(config->usage.aliases[i].model);
	}
	free(config->usage.aliases);
	free(config->currency);
	free(config->path);
	free(config);
}

const struct pc_model *pc_config_model(const struct pc_config *config, const char *name)
{
	for (size_t i = 0; i < config->nmodels; i++)
		if (!strcmp(config->models[i].name, name))
			return &config->models[i];
	return NULL;
}

const struct pc_budget *pc_config_team(const struct pc_config *config, const char *name)
{
	for (size_t i = 0; i < config->nteams; i++)
		if (!strcmp(config->teams[i].name, name))
			return &config->teams[i];
	return NULL;
}

const struct pc_budget *pc_config_use_case(const struct pc_config *config, const char *name)
{
	for (size_t i = 0; i < config->nuse_cases; i++)
		if (!strcmp(config->use_cases[i].name, name))
			return &config->use_cases[i];
	return NULL;
}

const struct pc_template_config *pc_config_template(const struct pc_config *config,
						    const char *id)
{
	for (size_t i = 0; i < config->ntemplates; i++)
		if (!strcmp(config->templates[i].id, id))
			return &config->templates[i];
	return NULL;
}

const struct pc_approver *pc_policy_approver(const struct pc_policy *policy, const char *id)
{
	for (size_t i = 0; i < policy->napprover_keys; i++)
		if (!strcmp(policy->approver_keys[i].id, id))
			return &policy->approver_keys[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* .promptcost/approvals.yml: the same strict reading, another shape.   */

static const char *const approvals_keys[] = { "version", "approvals", NULL };
static const char *const approval_keys[] = { "template", "files", "monthly_delta",
					     "approved_by", "approved_at", "reason", "signature",
					     NULL };
static const char *const approval_file_keys[] = { "path", "blob", NULL };

static bool is_blob_id(const char *s)
{
	size_t n = strlen(s);

	if (n != PC_OID_HEXSZ)
		return false;
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s) || isupper((unsigned char)*s))
			return false;
	return true;
}

static int read_approval_file(struct pc_side_file *file, const struct ctx *c,
			      const struct node *map)
{
	const struct node *value;
	const char *text;
	int error;

	if ((error = expect_mapping(c, map, "an approved file")) ||
	    (error = check_keys(c, map, approval_file_keys, "in an approved file")))
		return error;
	if (!(value = find(map, "path", NULL)))
		return fail(c, map->pos, "an approved file needs 'path'");
	if ((error = get_string(&text, c, value, "path")))
		return error;
	file->path = pc_xstrdup(text);
	if (!(value = find(map, "blob", NULL)))
		return fail(c, map->pos, "an approved file needs 'blob'");
	if ((error = get_string(&text, c, value, "blob")))
		return error;
	if (!is_blob_id(text))
		return fail(c, value->pos, "'%s' is not a git blob id (40 lower-case hex digits)",
			    text);
	memcpy(file->oid, text, PC_OID_HEXSZ + 1);
	return 0;
}

static int compare_approved_files(const void *a, const void *b)
{
	return strcmp(((const struct pc_side_file *)a)->path,
		      ((const struct pc_side_file *)b)->path);
}

static int read_approval(struct pc_approval *a, const struct ctx *c, const struct node *map)
{
	static const char *const required[] = { "template", "files", "monthly_delta",
						"approved_by", "approved_at" };
	const struct node *value;
	const char *text;
	int error;

	a->pos = map->pos;
	if ((error = expect_mapping(c, map, "an approval")) ||
	    (error = check_keys(c, map, approval_keys, "in an approval")))
		return error;
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!find(map, required[i], NULL))
			return fail(c, map->pos, "an approval needs '%s'", required[i]);
	if ((error = get_string(&text, c, find(map, "template", NULL), "template")))
		return error;
	a->template_id = pc_xstrdup(text);
	value = find(map, "files", NULL);
	if (value->kind != NODE_SEQUENCE || !value->n)
		return fail(c, value->pos, "'files' of an approval must be a non-empty list");
	a->files = pc_xcalloc(value->n, sizeof(*a->files));
	/* counted before it is read, so that a half-read entry is still released */
	for (size_t i = 0; i < value->n; i++)
		if ((error = read_approval_file(&a->files[a->nfiles++], c, value->items[i])))
			return error;
	qsort(a->files, a->nfiles, sizeof(*a->files), compare_approved_files);
	if ((error = get_decimal(&a->monthly_delta_micros, c, find(map, "monthly_delta", NULL),
				 "monthly_delta", 6)) ||
	    (error = get_string(&text, c, find(map, "approved_by", NULL), "approved_by")))
		return error;
	a->approved_by = pc_xstrdup(text);
	if ((error = get_string(&text, c, find(map, "approved_at", NULL), "approved_at")))
		return error;
	a->approved_at = pc_xstrdup(text);
	if ((value = find(map, "reason", NULL)) && !is_null(value)) {
		if ((error = get_string(&text, c, value, "reason")))
			return error;
		a->reason = pc_xstrdup(text);
	}
	if ((value = find(map, "signature", NULL)) && !is_null(value)) {
		if ((error = get_string(&text, c, value, "signature")))
			return error;
		if (!pc_approval_signature_is_armored(text))
			return fail(c, value->pos, "'signature' is not an SSH signature as "
				    "ssh-keygen -Y sign writes it (a literal block from "
				    "'-----BEGIN SSH SIGNATURE-----' to '-----END SSH SIGNATURE-----')");
		a->signature = pc_xstrdup(text);
	}
	return 0;
}

int pc_approvals_parse(struct pc_approvals *out, const char *path, const char *text, size_t len)
{
	const struct node *value;
	struct node *root = NULL;
	struct ctx c;
	int64_t version;
	int error;

	memset(&c, 0, sizeof(c));
	c.path = path;
	if (len > PC_CONFIG_MAX_BYTES)
		return pc_error_set(PC_EINPUT, "%s:1:1: the file is %zu bytes, over the %d-byte limit",
				    path, len, PC_CONFIG_MAX_BYTES);
	if ((error = load_tree(&root, path, text, len)))
		goto done;
	if (!root || is_null(root))
		goto done; /* an empty file approves nothing */
	if ((error = expect_mapping(&c, root, "the approvals file")) ||
	    (error = check_keys(&c, root, approvals_keys, "at the top level")))
		goto done;
	if (!(value = find(root, "version", NULL))) {
		error = fail(&c, root->pos, "missing 'version: 1'");
		goto done;
	}
	if ((error = get_count(&version, &c, value, "version", 1000)))
		goto done;
	if (version != 1) {
		error = fail(&c, value->pos, "unsupported version %lld (this promptcost reads 1)",
			     (long long)version);
		goto done;
	}
	value = find(root, "approvals", NULL);
	if (!value || is_null(value))
		goto done;
	if (value->kind != NODE_SEQUENCE) {
		error = fail(&c, value->pos, "'approvals' must be a list, found %s", kind_name(value));
		goto done;
	}
	for (size_t i = 0; i < value->n; i++) {
		PC_GROW(out->items, out->cap, out->n + 1);
		memset(&out->items[out->n], 0, sizeof(out->items[out->n]));
		error = read_approval(&out->items[out->n++], &c, value->items[i]);
		if (error)
			goto done;
	}
done:
	node_free(root);
	return error;
}

/*
 * The starter, in two literals: C11 promises only 4,095 characters to one.
 * pc_config_starter joins them once.
 */
static const char starter_world[] =
	"# promptcost configuration, format version 1. promptcost reads it to turn a\n"
	"# prompt-template change into a projected monthly cost before it ships.\n"
	"# Numbers are read exactly as written: plain decimals like 25000 or 0.012;\n"
	"# no exponents (1e3), no digit separators (25,000), never negative.\n"
	"# Every key is described in promptcost's README (Configuration reference).\n"
	"version: 1                       # the format version: always 1\n"
	"currency: USD                    # three-letter code the prices are in\n"
	"days_per_month: 30               # turns calls per day into calls per month (1 to 31)\n"
	"\n"
	"# The models your templates call, with your provider's current prices.\n"
	"# Replace these example prices: promptcost never guesses a price.\n"
	"models:\n"
	"  gpt-4-class:\n"
	"    encoding: cl100k_base        # cl100k_base | o200k_base | approximate; optional\n"
	"                                 # when the model name is one promptcost knows (gpt-4o...)\n"
	"    input_per_1k: 0.012          # price of 1,000 input tokens (or input_per_1m: 12.00)\n"
	"    output_per_1k: 0.024         # price of 1,000 output tokens (or output_per_1m)\n"
	"    cached_input_per_1k: 0.006   # optional: the provider's prompt-cache price\n"
	"  # in-house-model:\n"
	"  #   encoding: approximate      # no public tokenizer: counts are labelled estimates\n"
	"  #   approximate_base: cl100k_base\n"
	"  #   approximate_factor: 1.1    # tokens of the base encoding times this factor\n"
	"  #   input_per_1m: 3.00\n"
	"  #   output_per_1m: 15.00\n"
	"\n"
	"# Who pays: each template is charged to a team.\n"
	"teams:\n"
	"  records-management:\n"
	"    monthly_budget: 25000        # optional; without it the team is only reported\n"
	"    limit: hard                  # hard: over budget blocks; soft: over budget only warns\n"
	"    warn_at: 80%                 # warn when spend reaches this share of the budget\n"
	"    other_monthly_spend: 12000   # spend of this team not modelled by its templates\n"
	"\n"
	"# Optional: use cases with budgets of their own (same keys as a team). When\n"
	"# this section exists, a template's use_case must name one of them.\n"
	"# use_cases:\n"
	"#   document-summarization:\n"
	"#     monthly_budget: 5000\n"
	"\n"
	"# The prompt templates: files that together form one prompt, and how often it runs.\n"
	"templates:\n"
	"  - id: document-summarization   # unique: letters, digits, '.', '_' and '-'\n"
	"    files: [prompts/summarize/system.md]   # files or globs (prompts/summarize/*.md)\n"
	"    team: records-management     # optional: a key of 'teams'\n"
	"    use_case: document-summarization   # optional label (a key of 'use_cases' when it exists)\n"
	"    model: gpt-4-class           # a key of 'models'\n"
	"    calls_per_day: 15000         # how many calls a day use this prompt\n"
	"    output_tokens_per_call: 250  # average tokens of a response (default 0)\n"
	"    cache_hit_rate: 0%           # share of calls a response cache answers (no model call)\n"
	"    cached_input_share: 0%       # share of input tokens billed at the cached price\n"
	"\n";
static const char starter_policy[] =
	"# When a change needs a release manager's approval. A template or a model\n"
	"# that only the change configures always does (its volumes or prices come\n"
	"# from the change itself), whatever it costs.\n"
	"policy:\n"
	"  cost_event:                    # a change is a cost event when it reaches either threshold\n"
	"    monthly_delta: 500           # a monthly cost increase of this amount or more, in one\n"
	"                                 # template or in all of the change's increases together\n"
	"    percent: 10                  # an increase of this percent of the template's cost or more,\n"
	"    min_monthly_delta: 50        # counted from this amount on: a small edit of a small\n"
	"                                 # template is no cost event (default 0: any amount)\n"
	"  unapproved_cost_event: block   # block | warn: what an unapproved cost event does\n"
	"  # Who may approve: an id (an e-mail, or github:LOGIN for approval by review in\n"
	"  # the GitHub Action), or {id: ..., key: \"ssh-ed25519 AAAA...\"} with the public\n"
	"  # key that signs their approvals (promptcost approve signs with it, as git\n"
	"  # signs with gpg.format=ssh); key may also be a list of keys.\n"
	"  approvers:\n"
	"    - release-manager@example.com\n"
	"    # - {id: release-manager@example.com, key: \"ssh-ed25519 AAAA... rm@laptop\"}\n"
	"  file_approvals: signed         # signed | unsigned: whether approvals.yml entries must\n"
	"                                 # be signed by a listed key to count\n";

const char *pc_config_starter(void)
{
	static char joined[sizeof(starter_world) + sizeof(starter_policy)];

	if (!joined[0]) {
		memcpy(joined, starter_world, sizeof(starter_world) - 1);
		memcpy(joined + sizeof(starter_world) - 1, starter_policy, sizeof(starter_policy));
	}
	return joined;
}
