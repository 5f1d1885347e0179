/*
 * Prompt formats: front matter split from the body, and the fragments of
 * structured files (a key path in YAML, JSON or TOML, a cell of a CSV file).
 * YAML through yaml.h, JSON through jansson, TOML and CSV read here.
 */
#include "promptcost/formats.h"

#include "promptcost/yaml.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest structured prompt file read (a library of prompts). */
#define FORMATS_MAX_BYTES (8 * 1024 * 1024)

static int fail_at(const char *path, unsigned line, unsigned col, const char *fmt, ...)
	PC_PRINTF(4, 5);

static int fail_at(const char *path, unsigned line, unsigned col, const char *fmt, ...)
{
	struct pc_pos pos = { line, col };
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = pc_yaml_vfail(path, pos, fmt, ap);
	va_end(ap);
	return error;
}

/* ---- front matter ---- */

/* The end of the line starting at i (the index of its '\n', or len). */
static size_t line_end(const char *text, size_t len, size_t i)
{
	const char *nl = memchr(text + i, '\n', len - i);

	return nl ? (size_t)(nl - text) : len;
}

/* Whether text[i..end) is "---" with only spaces, tabs or a CR after it. */
static bool is_fence(const char *text, size_t i, size_t end)
{
	if (end - i < 3 || memcmp(text + i, "---", 3))
		return false;
	for (i += 3; i < end; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r')
			return false;
	return true;
}

static const char *const max_token_keys[] = {
	"max_tokens", "maxTokens", "max_output_tokens", "maxOutputTokens",
	"max_completion_tokens", "maxCompletionTokens", NULL
};

/* The first max-tokens key anywhere in the tree, in document order. */
static const struct pc_yaml_node *find_max_tokens(const struct pc_yaml_node *node,
						  const char **key, int depth)
{
	if (!node || node->kind == PC_YAML_SCALAR || depth > 32)
		return NULL;
	for (size_t i = 0; i < node->n; i++) {
		const struct pc_yaml_node *item = node->items[i], *found;

		if (node->kind == PC_YAML_MAPPING && i % 2 == 0) {
			for (size_t k = 0; max_token_keys[k]; k++)
				if (!strcmp(item->text, max_token_keys[k]) && i + 1 < node->n &&
				    node->items[i + 1]->kind == PC_YAML_SCALAR) {
					*key = item->text;
					return node->items[i + 1];
				}
			continue;
		}
		if ((found = find_max_tokens(item, key, depth + 1)))
			return found;
	}
	return NULL;
}

/*
 * The model a front matter names: Dotprompt's `model: vendor/name`; Prompty's
 * `model.configuration.azure_deployment` (or `.model`, `.name`) and Prompty
 * 2's `model.id`.
 */
static const char *front_matter_model(const struct pc_yaml_node *root)
{
	static const char *const names[] = { "id", "name", "model", "azure_deployment", NULL };
	const struct pc_yaml_node *model = pc_yaml_find(root, "model", NULL), *v;
	const struct pc_yaml_node *places[2];

	if (!model)
		return NULL;
	if (model->kind == PC_YAML_SCALAR)
		return pc_yaml_is_null(model) || !*model->text ? NULL : model->text;
	places[0] = model;
	places[1] = pc_yaml_find(model, "configuration", NULL);
	for (int p = 0; p < 2; p++)
		for (size_t k = 0; places[p] && names[k]; k++)
			if ((v = pc_yaml_find(places[p], names[k], NULL)) &&
			    v->kind == PC_YAML_SCALAR && *v->text && !pc_yaml_is_null(v))
				return v->text;
	return NULL;
}

static void read_settings(struct pc_front_matter *out, const char *path, const char *yaml,
			  size_t len, unsigned first_line)
{
	struct pc_yaml_node *root = NULL;
	const struct pc_yaml_node *max;
	const char *key = NULL, *model;
	char *end;
	long long n;

	if (pc_yaml_load(&root, path, yaml, len, FORMATS_MAX_BYTES) < 0) {
		struct pc_buf why = PC_BUF_INIT;

		/* the message's line is within the front matter: say it plainly */
		pc_buf_addf(&why, "front matter from line %u is not YAML promptcost reads (%s): "
			    "its settings are not shown", first_line, pc_error_message());
		out->unread = pc_buf_detach(&why, NULL);
		pc_error_clear();
		return;
	}
	if (!root || root->kind != PC_YAML_MAPPING)
		goto done;
	if ((model = front_matter_model(root)))
		out->model = pc_xstrdup(model);
	if ((max = find_max_tokens(root, &key, 0)) && max->plain) {
		n = strtoll(max->text, &end, 10);
		if (*max->text && !*end && n >= 0) {
			out->has_max_tokens = true;
			out->max_tokens = n;
			out->max_tokens_key = pc_xstrdup(key);
		}
	}
done:
	pc_yaml_free(root);
}

int pc_front_matter_split(struct pc_front_matter *out, const char *path, const char *text,
			  size_t len, bool comment_header)
{
	size_t i = 0, end, open_line = 1, line;

	memset(out, 0, sizeof(*out));
	out->body_line = 1;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		i = 3;
	/* Dotprompt's licence headers: '#' lines, and blank lines among them */
	while (comment_header && i < len &&
	       (text[i] == '#' || text[i] == '\n' || (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n'))) {
		i = line_end(text, len, i);
		if (i < len)
			i++;
		open_line++;
	}
	end = line_end(text, len, i);
	if (i >= len || !is_fence(text, i, end))
		return 0;
	{
		size_t start = end < len ? end + 1 : len;
		size_t j = start;

		line = open_line + 1;
		while (j < len) {
			size_t e = line_end(text, len, j);

			if (is_fence(text, j, e)) {
				struct pc_buf yaml = PC_BUF_INIT;

				/* blank lines first, so that a YAML error names the file's line */
				for (size_t k = 0; k < open_line; k++)
					pc_buf_addch(&yaml, '\n');
				pc_buf_add(&yaml, text + start, j - start);
				read_settings(out, path, yaml.ptr, yaml.len, (unsigned)open_line);
				pc_buf_release(&yaml);
				out->present = true;
				out->body_offset = e < len ? e + 1 : len;
				out->body_line = (unsigned)line + 1;
				return 0;
			}
			j = e < len ? e + 1 : len;
			line++;
		}
	}
	return fail_at(path, (unsigned)open_line, 1,
		       "front matter opened here is never closed (a line '---' must end it)");
}

void pc_front_matter_release(struct pc_front_matter *fm)
{
	free(fm->model);
	free(fm->max_tokens_key);
	free(fm->unread);
	memset(fm, 0, sizeof(*fm));
}

/* ---- fragments ---- */

const char *pc_fragment_start(const char *entry)
{
	for (const char *p = strchr(entry, '#'); p; p = strchr(p + 1, '#'))
		if (p[1] == '/' || !strncmp(p + 1, "row=", 4))
			return p;
	return NULL;
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A CSV fragment value with %XX decoded; NULL (error set) when malformed. */
static char *percent_decode(const char *s, size_t len)
{
	struct pc_buf b = PC_BUF_INIT;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%') {
			int hi = i + 2 < len + 1 && i + 1 < len ? hex_value(s[i + 1]) : -1;
			int lo = i + 2 < len ? hex_value(s[i + 2]) : -1;

			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				pc_buf_release(&b);
				pc_error_set(PC_EINPUT, "'%%' must be followed by two hex digits "
					     "(%%26 for '&', %%25 for '%%', %%23 for '#')");
				return NULL;
			}
			pc_buf_addch(&b, hi * 16 + lo);
			i += 2;
			continue;
		}
		pc_buf_addch(&b, s[i]);
	}
	return pc_buf_detach(&b, NULL);
}

static int parse_key_path(struct pc_fragment *out, const char *text)
{
	const char *p = text + 1;  /* after the leading '/' */
	size_t cap = 0;

	out->kind = PC_FRAGMENT_KEY_PATH;
	for (;;) {
		size_t n = strcspn(p, "/");
		struct pc_buf seg = PC_BUF_INIT;

		for (size_t i = 0; i < n; i++) {
			if (p[i] == '~') {
				if (i + 1 < n && (p[i + 1] == '0' || p[i + 1] == '1')) {
					pc_buf_addch(&seg, p[i + 1] == '0' ? '~' : '/');
					i++;
					continue;
				}
				pc_buf_release(&seg);
				return pc_error_set(PC_EINPUT, "'~' in a key path must be '~0' (for "
						    "'~') or '~1' (for '/')");
			}
			pc_buf_addch(&seg, p[i]);
		}
		PC_GROW(out->keys, cap, out->nkeys + 1);
		out->keys[out->nkeys++] = pc_buf_detach(&seg, NULL);
		if (!p[n])
			break;
		p += n + 1;
	}
	if (out->nkeys == 1 && !*out->keys[0])
		return pc_error_set(PC_EINPUT, "the key path '/' names no key (write '#/key')");
	return 0;
}

static int parse_csv_fragment(struct pc_fragment *out, const char *text)
{
	const char *p = text;

	out->kind = PC_FRAGMENT_CSV;
	while (*p) {
		size_t n = strcspn(p, "&");
		const char *eq = memchr(p, '=', n);
		size_t klen = eq ? (size_t)(eq - p) : n;
		const char *v = eq ? eq + 1 : NULL;
		size_t vlen = eq ? n - klen - 1 : 0;

		if (!eq || !vlen)
			return pc_error_set(PC_EINPUT, "a CSV fragment is 'row=COLUMN:VALUE&column=NAME'"
					    " or 'row=N&column=NAME'");
		if (klen == 3 && !memcmp(p, "row", 3)) {
			const char *colon = memchr(v, ':', vlen);

			if (out->row_column || out->row_number)
				return pc_error_set(PC_EINPUT, "'row' given twice");
			if (colon) {
				if (colon == v)
					return pc_error_set(PC_EINPUT, "'row=:VALUE' needs a column "
							    "name before ':'");
				if (!(out->row_column = percent_decode(v, (size_t)(colon - v))) ||
				    !(out->row_value = percent_decode(colon + 1,
								      vlen - (size_t)(colon - v) - 1)))
					return PC_EINPUT;
			} else if (vlen == 1 && *v == '*') {
				out->row_number = 0;
				out->row_value = pc_xstrdup("*");
			} else {
				int64_t r = 0;

				for (size_t i = 0; i < vlen; i++) {
					if (!isdigit((unsigned char)v[i]) || r > 100000000)
						return pc_error_set(PC_EINPUT,
							"'row=%.*s' must be COLUMN:VALUE, a row number "
							"from 1, or '*'", (int)vlen, v);
					r = r * 10 + (v[i] - '0');
				}
				if (!r)
					return pc_error_set(PC_EINPUT, "rows are numbered from 1 (the "
							    "first row after the header)");
				out->row_number = r;
			}
		} else if (klen == 6 && !memcmp(p, "column", 6)) {
			if (out->column)
				return pc_error_set(PC_EINPUT, "'column' given twice");
			if (!(out->column = percent_decode(v, vlen)))
				return PC_EINPUT;
		} else {
			return pc_error_set(PC_EINPUT, "unknown '%.*s' in a CSV fragment (row, column)",
					    (int)klen, p);
		}
		p += n;
		if (*p == '&')
			p++;
	}
	if (!out->row_column && !out->row_number && !out->row_value)
		return pc_error_set(PC_EINPUT, "a CSV fragment needs 'row=' (COLUMN:VALUE, N or *)");
	if (!out->column)
		return pc_error_set(PC_EINPUT, "a CSV fragment needs '&column=NAME' (the column "
				    "that holds the prompt)");
	return 0;
}

int pc_fragment_parse(struct pc_fragment *out, const char *text)
{
	int error;

	memset(out, 0, sizeof(*out));
	if (*text == '/')
		error = parse_key_path(out, text);
	else if (!strncmp(text, "row=", 4))
		error = parse_csv_fragment(out, text);
	else
		error = pc_error_set(PC_EINPUT, "a fragment is a key path '#/a/b' or a CSV cell "
				     "'#row=COLUMN:VALUE&column=NAME'");
	if (error)
		pc_fragment_release(out);
	return error;
}

void pc_fragment_release(struct pc_fragment *f)
{
	for (size_t i = 0; i < f->nkeys; i++)
		free(f->keys[i]);
	free(f->keys);
	free(f->row_column);
	free(f->row_value);
	free(f->column);
	memset(f, 0, sizeof(*f));
}

bool pc_fragment_is_wild(const struct pc_fragment *f)
{
	if (f->kind == PC_FRAGMENT_CSV)
		return f->row_value && !strcmp(f->row_value, "*");
	for (size_t i = 0; i < f->nkeys; i++)
		if (!strcmp(f->keys[i], "*"))
			return true;
	return false;
}

void pc_fragment_add_key(struct pc_buf *out, const char *key)
{
	for (; *key; key++) {
		if (*key == '~')
			pc_buf_adds(out, "~0");
		else if (*key == '/')
			pc_buf_adds(out, "~1");
		else
			pc_buf_addch(out, *key);
	}
}

void pc_fragment_add_value(struct pc_buf *out, const char *value)
{
	for (; *value; value++) {
		if (strchr("%&#", *value) || (unsigned char)*value < 0x20)
			pc_buf_addf(out, "%%%02X", (unsigned char)*value);
		else
			pc_buf_addch(out, *value);
	}
}

void pc_fragment_matches_release(struct pc_fragment_matches *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->items[i].text);
		free(m->items[i].fragment);
		free(m->items[i].name);
	}
	free(m->items);
	memset(m, 0, sizeof(*m));
}

/* The key path of keys[0..n) as written in a fragment, for messages and matches. */
static void add_pointer(struct pc_buf *out, char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pc_buf_addch(out, '/');
		pc_fragment_add_key(out, keys[i]);
	}
}

static void add_match(struct pc_fragment_matches *out, const char *text, size_t len,
		      char *fragment, char *name)
{
	struct pc_fragment_match *m;

	PC_GROW(out->items, out->cap, out->n + 1);
	m = &out->items[out->n++];
	m->text = pc_xstrndup(text, len);
	m->len = len;
	m->fragment = fragment;
	m->name = name;
}

/* A walk in progress: the concrete segments so far and the wildcards' values. */
struct walk {
	const char *path;
	const struct pc_fragment *f;
	struct pc_fragment_matches *out;
	char **at;              /* concrete segments, borrowed */
	char **wild;            /* the values of '*' segments, borrowed */
	size_t nwild;
};

static void walk_match(struct walk *w, const char *text, size_t len)
{
	struct pc_buf frag = PC_BUF_INIT, name = PC_BUF_INIT;

	add_pointer(&frag, w->at, w->f->nkeys);
	for (size_t i = 0; i < w->nwild; i++)
		pc_buf_addf(&name, "%s%s", i ? "." : "", w->wild[i]);
	add_match(w->out, text, len, pc_buf_detach(&frag, NULL), pc_buf_detach(&name, NULL));
}

static int not_text(struct walk *w, unsigned line, unsigned col, const char *found)
{
	struct pc_buf where = PC_BUF_INIT;
	int error;

	add_pointer(&where, w->at, w->f->nkeys);
	error = fail_at(w->path, line, col, "'#%s' is %s, not a prompt text (name a string under it)",
			where.ptr, found);
	pc_buf_release(&where);
	return error;
}

/* ---- YAML ---- */

static int yaml_walk(struct walk *w, const struct pc_yaml_node *node, size_t depth)
{
	const char *key;
	int error;

	if (depth == w->f->nkeys) {
		if (node->kind != PC_YAML_SCALAR || pc_yaml_is_null(node))
			return not_text(w, node->pos.line, node->pos.col,
					pc_yaml_is_null(node) ? "null" : pc_yaml_kind_name(node));
		walk_match(w, node->text, strlen(node->text));
		return 0;
	}
	key = w->f->keys[depth];
	if (node->kind == PC_YAML_MAPPING) {
		for (size_t i = 0; i + 1 < node->n; i += 2) {
			bool wild = !strcmp(key, "*");

			if (!wild && strcmp(node->items[i]->text, key))
				continue;
			w->at[depth] = node->items[i]->text;
			if (wild)
				w->wild[w->nwild++] = node->items[i]->text;
			error = yaml_walk(w, node->items[i + 1], depth + 1);
			if (wild)
				w->nwild--;
			if (error || !wild)
				return error;
		}
	} else if (node->kind == PC_YAML_SEQUENCE) {
		for (size_t i = 0; i < node->n; i++) {
			char index[24];
			bool wild = !strcmp(key, "*");

			snprintf(index, sizeof(index), "%zu", i);
			if (!wild && strcmp(index, key))
				continue;
			w->at[depth] = index;
			if (wild)
				w->wild[w->nwild++] = index;
			error = yaml_walk(w, node->items[i], depth + 1);
			if (wild)
				w->nwild--;
			if (error || !wild)
				return error;
		}
	}
	return 0;
}

static int select_yaml(struct walk *w, const char *text, size_t len)
{
	struct pc_yaml_node *root = NULL;
	int error;

	if ((error = pc_yaml_load(&root, w->path, text, len, FORMATS_MAX_BYTES)) < 0)
		return error;
	if (root)
		error = yaml_walk(w, root, 0);
	pc_yaml_free(root);
	return error;
}

/* ---- JSON ---- */

static int json_walk(struct walk *w, json_t *node, size_t depth)
{
	const char *key;
	int error = 0;

	if (depth == w->f->nkeys) {
		if (!json_is_string(node))
			return not_text(w, 1, 1,
					json_is_object(node) ? "an object" :
					json_is_array(node) ? "an array" :
					json_is_null(node) ? "null" : "a number or boolean");
		walk_match(w, json_string_value(node), json_string_length(node));
		return 0;
	}
	key = w->f->keys[depth];
	if (json_is_object(node)) {
		const char *k;
		json_t *v;

		if (strcmp(key, "*")) {
			if (!(v = json_object_get(node, key)))
				return 0;
			w->at[depth] = (char *)key;
			return json_walk(w, v, depth + 1);
		}
		json_object_foreach(node, k, v) {
			w->at[depth] = (char *)k;
			w->wild[w->nwild++] = (char *)k;
			error = json_walk(w, v, depth + 1);
			w->nwild--;
			if (error)
				return error;
		}
	} else if (json_is_array(node)) {
		for (size_t i = 0; i < json_array_size(node); i++) {
			char index[24];
			bool wild = !strcmp(key, "*");

			snprintf(index, sizeof(index), "%zu", i);
			if (!wild && strcmp(index, key))
				continue;
			w->at[depth] = index;
			if (wild)
				w->wild[w->nwild++] = index;
			error = json_walk(w, json_array_get(node, i), depth + 1);
			if (wild)
				w->nwild--;
			if (error || !wild)
				return error;
		}
	}
	return 0;
}

static int select_json(struct walk *w, const char *text, size_t len)
{
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	int error;

	if (!root)
		return fail_at(w->path, jerr.line > 0 ? (unsigned)jerr.line : 1,
			       jerr.column > 0 ? (unsigned)jerr.column : 1, "not JSON: %s", jerr.text);
	error = json_walk(w, root, 0);
	json_decref(root);
	return error;
}

/* ---- TOML ---- */

struct toml {
	const char *path;
	const char *s;
	size_t len, i;
	unsigned line;
	size_t line_start;
	char **table;           /* the current table's segments */
	size_t ntable;
	struct pc_strlist arrays; /* "a\x1fb" array-table names and their counts */
	size_t *counts;
	size_t counts_cap;
};

static int toml_fail(struct toml *t, const char *fmt, ...) PC_PRINTF(2, 3);

static int toml_fail(struct toml *t, const char *fmt, ...)
{
	struct pc_pos pos = { t->line, (unsigned)(t->i - t->line_start + 1) };
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = pc_yaml_vfail(t->path, pos, fmt, ap);
	va_end(ap);
	return error;
}

static void toml_newline(struct toml *t)
{
	t->line++;
	t->line_start = t->i;
}

static void toml_skip_space(struct toml *t)
{
	while (t->i < t->len && (t->s[t->i] == ' ' || t->s[t->i] == '\t'))
		t->i++;
}

/* Spaces, then a comment or the end of the line; the newline is consumed. */
static int toml_end_line(struct toml *t)
{
	toml_skip_space(t);
	if (t->i < t->len && t->s[t->i] == '#')
		while (t->i < t->len && t->s[t->i] != '\n')
			t->i++;
	if (t->i < t->len && t->s[t->i] == '\r')
		t->i++;
	if (t->i >= t->len)
		return 0;
	if (t->s[t->i] != '\n')
		return toml_fail(t, "expected the end of the line");
	t->i++;
	toml_newline(t);
	return 0;
}

static void add_utf8(struct pc_buf *b, uint32_t cp)
{
	if (cp < 0x80) {
		pc_buf_addch(b, (int)cp);
	} else if (cp < 0x800) {
		pc_buf_addch(b, (int)(0xC0 | (cp >> 6)));
		pc_buf_addch(b, (int)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		pc_buf_addch(b, (int)(0xE0 | (cp >> 12)));
		pc_buf_addch(b, (int)(0x80 | ((cp >> 6) & 0x3F)));
		pc_buf_addch(b, (int)(0x80 | (cp & 0x3F)));
	} else {
		pc_buf_addch(b, (int)(0xF0 | (cp >> 18)));
		pc_buf_addch(b, (int)(0x80 | ((cp >> 12) & 0x3F)));
		pc_buf_addch(b, (int)(0x80 | ((cp >> 6) & 0x3F)));
		pc_buf_addch(b, (int)(0x80 | (cp & 0x3F)));
	}
}

/* A string at t->i (its opening quote); its value appended to out. */
static int toml_string(struct toml *t, struct pc_buf *out, bool allow_multi)
{
	char q = t->s[t->i];
	bool multi = allow_multi && t->i + 2 < t->len && t->s[t->i + 1] == q && t->s[t->i + 2] == q;

	t->i += multi ? 3 : 1;
	if (multi) { /* a newline right after the opening delimiter is trimmed */
		if (t->i < t->len && t->s[t->i] == '\r' && t->i + 1 < t->len && t->s[t->i + 1] == '\n')
			t->i++;
		if (t->i < t->len && t->s[t->i] == '\n') {
			t->i++;
			toml_newline(t);
		}
	}
	for (;;) {
		char c;

		if (t->i >= t->len)
			return toml_fail(t, "a string is never closed");
		c = t->s[t->i];
		if (c == q && (!multi || (t->i + 2 < t->len && t->s[t->i + 1] == q &&
					  t->s[t->i + 2] == q))) {
			t->i += multi ? 3 : 1;
			/* up to two more quotes belong to the string ("""a"""" is 'a"') */
			for (int k = 0; multi && k < 2 && t->i < t->len && t->s[t->i] == q; k++) {
				pc_buf_addch(out, q);
				t->i++;
			}
			return 0;
		}
		if (c == '\n') {
			if (!multi)
				return toml_fail(t, "a newline in a single-line string (use \"\"\" "
						 "for a multi-line one)");
			pc_buf_addch(out, '\n');
			t->i++;
			toml_newline(t);
			continue;
		}
		if (c == '\\' && q == '"') {
			char e = t->i + 1 < t->len ? t->s[t->i + 1] : '\0';
			const char *simple = strchr("btnfr\"\\", e);

			if (e && simple) {
				static const char values[] = "\b\t\n\f\r\"\\";

				pc_buf_addch(out, values[simple - "btnfr\"\\"]);
				t->i += 2;
				continue;
			}
			if (e == 'u' || e == 'U') {
				size_t n = e == 'u' ? 4 : 8;
				uint32_t cp = 0;

				for (size_t k = 0; k < n; k++) {
					int h = t->i + 2 + k < t->len ? hex_value(t->s[t->i + 2 + k]) : -1;

					if (h < 0)
						return toml_fail(t, "'\\%c' needs %zu hex digits", e, n);
					cp = cp * 16 + (uint32_t)h;
				}
				if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || !cp)
					return toml_fail(t, "'\\%c' names no character", e);
				add_utf8(out, cp);
				t->i += 2 + n;
				continue;
			}
			if (multi) { /* a line-ending backslash trims the whitespace after it */
				size_t j = t->i + 1;

				while (j < t->len && (t->s[j] == ' ' || t->s[j] == '\t' || t->s[j] == '\r'))
					j++;
				if (j < t->len && t->s[j] == '\n') {
					t->i = j;
					while (t->i < t->len && strchr(" \t\r\n", t->s[t->i])) {
						if (t->s[t->i++] == '\n')
							toml_newline(t);
					}
					continue;
				}
			}
			return toml_fail(t, "unknown escape '\\%c'", e ? e : ' ');
		}
		pc_buf_addch(out, c);
		t->i++;
	}
}

/* A key: bare or quoted segments joined by '.'; appended to *keys. */
static int toml_key(struct toml *t, struct pc_strlist *keys)
{
	for (;;) {
		struct pc_buf seg = PC_BUF_INIT;
		int error;

		toml_skip_space(t);
		if (t->i < t->len && (t->s[t->i] == '"' || t->s[t->i] == '\'')) {
			if ((error = toml_string(t, &seg, false)) < 0) {
				pc_buf_release(&seg);
				return error;
			}
		} else {
			while (t->i < t->len && (isalnum((unsigned char)t->s[t->i]) ||
						 t->s[t->i] == '_' || t->s[t->i] == '-'))
				pc_buf_addch(&seg, t->s[t->i++]);
			if (!seg.len) {
				pc_buf_release(&seg);
				return toml_fail(t, "expected a key");
			}
		}
		pc_strlist_push(keys, seg.ptr ? seg.ptr : "");
		pc_buf_release(&seg);
		toml_skip_space(t);
		if (t->i < t->len && t->s[t->i] == '.') {
			t->i++;
			continue;
		}
		return 0;
	}
}

/* Skips a non-string value (number, boolean, date, array, inline table) to the end of line. */
static int toml_skip_value(struct toml *t)
{
	int depth = 0;

	while (t->i < t->len) {
		char c = t->s[t->i];

		if (c == '"' || c == '\'') {
			struct pc_buf ignored = PC_BUF_INIT;
			int error = toml_string(t, &ignored, true);

			pc_buf_release(&ignored);
			if (error < 0)
				return error;
			continue;
		}
		if (c == '[' || c == '{')
			depth++;
		else if (c == ']' || c == '}')
			depth--;
		else if (c == '#' && depth > 0)
			while (t->i < t->len && t->s[t->i] != '\n')
				t->i++;
		else if (c == '\n' && depth == 0)
			return 0;
		else if (c == '#' && depth == 0)
			return 0;
		if (t->i < t->len && t->s[t->i] == '\n') {
			t->i++;
			toml_newline(t);
			continue;
		}
		t->i++;
	}
	return depth ? toml_fail(t, "an array or inline table is never closed") : 0;
}

static size_t toml_array_count(struct toml *t, const struct pc_strlist *keys)
{
	struct pc_buf name = PC_BUF_INIT;
	size_t i, n;

	for (i = 0; i < keys->n; i++)
		pc_buf_addf(&name, "%s%s", i ? "\x1f" : "", keys->items[i]);
	for (i = 0; i < t->arrays.n; i++)
		if (!strcmp(t->arrays.items[i], name.ptr ? name.ptr : ""))
			break;
	if (i == t->arrays.n) {
		pc_strlist_push(&t->arrays, name.ptr ? name.ptr : "");
		PC_GROW(t->counts, t->counts_cap, t->arrays.n);
		t->counts[i] = 0;
	}
	pc_buf_release(&name);
	n = t->counts[i]++;
	return n;
}

static void toml_set_table(struct toml *t, const struct pc_strlist *keys, bool array)
{
	for (size_t i = 0; i < t->ntable; i++)
		free(t->table[i]);
	free(t->table);
	t->ntable = keys->n + (array ? 1 : 0);
	t->table = pc_xcalloc(t->ntable ? t->ntable : 1, sizeof(char *));
	for (size_t i = 0; i < keys->n; i++)
		t->table[i] = pc_xstrdup(keys->items[i]);
	if (array) {
		char index[24];

		snprintf(index, sizeof(index), "%zu", toml_array_count(t, keys));
		t->table[keys->n] = pc_xstrdup(index);
	}
}

int pc_toml_walk(const char *path, const char *text, size_t len, pc_toml_leaf_fn leaf, void *ctx)
{
	struct toml t;
	int error = 0;

	memset(&t, 0, sizeof(t));
	t.path = path;
	t.s = text;
	t.len = len;
	t.line = 1;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		t.i = t.line_start = 3;
	while (t.i < t.len && !error) {
		struct pc_strlist keys = PC_STRLIST_INIT;
		char c;

		toml_skip_space(&t);
		if (t.i >= t.len)
			break;
		c = t.s[t.i];
		if (c == '\n' || c == '\r' || c == '#') {
			error = toml_end_line(&t);
			continue;
		}
		if (c == '[') {
			bool array = t.i + 1 < t.len && t.s[t.i + 1] == '[';

			t.i += array ? 2 : 1;
			if ((error = toml_key(&t, &keys)) < 0)
				goto next;
			if (t.i >= t.len || t.s[t.i] != ']' ||
			    (array && (t.i + 1 >= t.len || t.s[t.i + 1] != ']'))) {
				error = toml_fail(&t, "expected '%s' to close the table name",
						  array ? "]]" : "]");
				goto next;
			}
			t.i += array ? 2 : 1;
			toml_set_table(&t, &keys, array);
			error = toml_end_line(&t);
			goto next;
		}
		if ((error = toml_key(&t, &keys)) < 0)
			goto next;
		if (t.i >= t.len || t.s[t.i] != '=') {
			error = toml_fail(&t, "expected '=' after a key");
			goto next;
		}
		t.i++;
		toml_skip_space(&t);
		{
			char **full = pc_xcalloc(t.ntable + keys.n, sizeof(char *));
			unsigned line = t.line, col = (unsigned)(t.i - t.line_start + 1);
			size_t nfull = 0;

			for (size_t i = 0; i < t.ntable; i++)
				full[nfull++] = t.table[i];
			for (size_t i = 0; i < keys.n; i++)
				full[nfull++] = keys.items[i];
			if (t.i < t.len && (t.s[t.i] == '"' || t.s[t.i] == '\'')) {
				struct pc_buf value = PC_BUF_INIT;

				if ((error = toml_string(&t, &value, true)) == 0)
					error = leaf(ctx, full, nfull, value.ptr ? value.ptr : "",
						     value.len, true, line, col);
				pc_buf_release(&value);
			} else if (t.i >= t.len || t.s[t.i] == '\n' || t.s[t.i] == '#') {
				error = toml_fail(&t, "a key needs a value");
			} else {
				size_t start = t.i;

				if ((error = toml_skip_value(&t)) == 0)
					error = leaf(ctx, full, nfull, t.s + start, t.i - start, false,
						     line, col);
			}
			free(full);
			if (!error)
				error = toml_end_line(&t);
		}
next:
		pc_strlist_release(&keys);
	}
	for (size_t i = 0; i < t.ntable; i++)
		free(t.table[i]);
	free(t.table);
	pc_strlist_release(&t.arrays);
	free(t.counts);
	return error;
}

static int toml_leaf(void *ctx, char **path, size_t npath, const char *value, size_t len,
		     bool is_string, unsigned line, unsigned col)
{
	struct walk *w = ctx;
	size_t nwild = 0;

	if (npath != w->f->nkeys) {
		/* a string above the path (a table named by it) is not what is asked */
		return 0;
	}
	for (size_t i = 0; i < npath; i++) {
		if (!strcmp(w->f->keys[i], "*")) {
			w->wild[nwild++] = path[i];
		} else if (strcmp(w->f->keys[i], path[i])) {
			return 0;
		}
		w->at[i] = path[i];
	}
	w->nwild = nwild;
	if (!is_string)
		return not_text(w, line, col, "not a string");
	walk_match(w, value, len);
	w->nwild = 0;
	return 0;
}

/* ---- CSV ---- */

int pc_csv_table_parse(struct pc_csv_table *out, const char *path, const char *text, size_t len)
{
	size_t i = 0;
	unsigned line = 1;

	memset(out, 0, sizeof(*out));
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len) {
		char **fields = NULL;
		size_t nfields = 0, fcap = 0;
		unsigned first = line;

		for (;;) {
			struct pc_buf field = PC_BUF_INIT;

			if (i < len && text[i] == '"') {
				unsigned qline = line;

				for (i++;; i++) {
					if (i >= len) {
						pc_buf_release(&field);
						for (size_t k = 0; k < nfields; k++)
							free(fields[k]);
						free(fields);
						pc_csv_table_release(out);
						return fail_at(path, qline, 1,
							       "a quoted field from this line is never closed");
					}
					if (text[i] == '"') {
						if (i + 1 < len && text[i + 1] == '"') {
							pc_buf_addch(&field, '"');
							i++;
							continue;
						}
						i++;
						break;
					}
					if (text[i] == '\n')
						line++;
					pc_buf_addch(&field, text[i]);
				}
				/* what follows a closing quote up to the separator is kept, as Python's csv does */
			}
			while (i < len && text[i] != ',' && text[i] != '\n') {
				if (!(text[i] == '\r' && (i + 1 >= len || text[i + 1] == '\n')))
					pc_buf_addch(&field, text[i]);
				i++;
			}
			PC_GROW(fields, fcap, nfields + 1);
			fields[nfields++] = pc_buf_detach(&field, NULL);
			if (i < len && text[i] == ',') {
				i++;
				continue;
			}
			if (i < len) { /* '\n' */
				i++;
				line++;
			}
			break;
		}
		PC_GROW(out->rows, out->cap, out->nrows + 1);
		out->ncols = pc_xrealloc(out->ncols, out->cap * sizeof(*out->ncols));
		out->lines = pc_xrealloc(out->lines, out->cap * sizeof(*out->lines));
		out->rows[out->nrows] = fields;
		out->ncols[out->nrows] = nfields;
		out->lines[out->nrows] = first;
		out->nrows++;
	}
	return 0;
}

void pc_csv_table_release(struct pc_csv_table *csv)
{
	for (size_t r = 0; r < csv->nrows; r++) {
		for (size_t c = 0; c < csv->ncols[r]; c++)
			free(csv->rows[r][c]);
		free(csv->rows[r]);
	}
	free(csv->rows);
	free(csv->ncols);
	free(csv->lines);
	memset(csv, 0, sizeof(*csv));
}

static int csv_column(const struct pc_csv_table *csv, const char *path, const char *name, size_t *out)
{
	for (size_t c = 0; csv->nrows && c < csv->ncols[0]; c++)
		if (!strcmp(csv->rows[0][c], name)) {
			*out = c;
			return 0;
		}
	return fail_at(path, 1, 1, "no column '%s' in the header row", name);
}

static int select_csv(struct pc_fragment_matches *out, const char *path, const char *text,
		      size_t len, const struct pc_fragment *f)
{
	struct pc_csv_table csv;
	size_t col, key = 0, before = out->n;
	int error;

	if ((error = pc_csv_table_parse(&csv, path, text, len)) < 0)
		return error;
	if (!csv.nrows) {
		error = fail_at(path, 1, 1, "an empty CSV file has no header row");
		goto done;
	}
	if ((error = csv_column(&csv, path, f->column, &col)) < 0 ||
	    (f->row_column && (error = csv_column(&csv, path, f->row_column, &key)) < 0))
		goto done;
	for (size_t r = 1; r < csv.nrows; r++) {
		bool every = f->row_value && !strcmp(f->row_value, "*");
		const char *selector = f->row_column && key < csv.ncols[r] ? csv.rows[r][key] : "";
		struct pc_buf frag = PC_BUF_INIT;
		char number[24];

		/* a blank last line is no row */
		if (csv.ncols[r] == 1 && !*csv.rows[r][0])
			continue;
		if (f->row_column ? (!every && strcmp(selector, f->row_value))
				  : (!every && (int64_t)r != f->row_number))
			continue;
		if (col >= csv.ncols[r]) {
			error = fail_at(path, csv.lines[r], 1, "row %zu has no column '%s'", r,
					f->column);
			goto done;
		}
		snprintf(number, sizeof(number), "%zu", r);
		pc_buf_adds(&frag, "row=");
		if (f->row_column) {
			pc_fragment_add_value(&frag, f->row_column);
			pc_buf_addch(&frag, ':');
			pc_fragment_add_value(&frag, selector);
		} else {
			pc_buf_adds(&frag, number);
		}
		pc_buf_adds(&frag, "&column=");
		pc_fragment_add_value(&frag, f->column);
		add_match(out, csv.rows[r][col], strlen(csv.rows[r][col]), pc_buf_detach(&frag, NULL),
			  pc_xstrdup(every ? (f->row_column ? selector : number) : ""));
	}
	/* a value that selects two rows is not one prompt */
	if (f->row_column && strcmp(f->row_value, "*") && out->n - before > 1)
		error = fail_at(path, 1, 1, "'%s' is '%s' in %zu rows: name the row by number "
				"(row=N)", f->row_column, f->row_value, out->n - before);
done:
	pc_csv_table_release(&csv);
	return error;
}

/* ---- selecting ---- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcasecmp(s + n - m, suffix);
}

int pc_fragment_select(struct pc_fragment_matches *out, const char *path, const char *text,
		       size_t len, const struct pc_fragment *f)
{
	struct walk w;
	size_t before = out->n;
	int error;

	if (ends_with(path, ".csv")) {
		if (f->kind != PC_FRAGMENT_CSV)
			return fail_at(path, 1, 1, "a CSV file's prompt is named by "
				       "'#row=COLUMN:VALUE&column=NAME', not a key path");
		error = select_csv(out, path, text, len, f);
		if (!error && out->n - before > 1 && !pc_fragment_is_wild(f))
			error = fail_at(path, 1, 1, "the fragment selects %zu rows", out->n - before);
		return error;
	}
	if (f->kind != PC_FRAGMENT_KEY_PATH)
		return fail_at(path, 1, 1, "'#row=...' names a CSV cell; this file is not .csv");
	memset(&w, 0, sizeof(w));
	w.path = path;
	w.f = f;
	w.out = out;
	w.at = pc_xcalloc(f->nkeys + 1, sizeof(char *));
	w.wild = pc_xcalloc(f->nkeys + 1, sizeof(char *));
	if (ends_with(path, ".yaml") || ends_with(path, ".yml"))
		error = select_yaml(&w, text, len);
	else if (ends_with(path, ".json"))
		error = select_json(&w, text, len);
	else if (ends_with(path, ".toml"))
		error = pc_toml_walk(path, text, len, toml_leaf, &w);
	else
		error = fail_at(path, 1, 1, "a key path needs a .yaml, .yml, .json or .toml file");
	free(w.at);
	free(w.wild);
	return error;
}
