/*
 * Partials and includes spliced into a template's text. Paths resolve inside
 * the repository only; a stack of the files being expanded catches loops.
 */
#include "promptcost/includes.h"

#include "promptcost/formats.h"
#include "promptcost/git.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *extension(const char *path)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');

	return dot && (!slash || dot > slash) ? dot : "";
}

unsigned pc_includes_for_path(const char *path)
{
	static const struct {
		const char *ext;
		size_t len;
		unsigned syntaxes;
	} table[] = {
#define EXT(e) e, sizeof(e) - 1
		{ EXT(".j2"), PC_INCLUDE_JINJA }, { EXT(".jinja"), PC_INCLUDE_JINJA },
		{ EXT(".jinja2"), PC_INCLUDE_JINJA }, { EXT(".prompty"), PC_INCLUDE_JINJA },
		{ EXT(".md"), PC_INCLUDE_JINJA | PC_INCLUDE_SNIPPETS },
		{ EXT(".prompt"), PC_INCLUDE_HANDLEBARS }, { EXT(".hbs"), PC_INCLUDE_HANDLEBARS },
		{ EXT(".handlebars"), PC_INCLUDE_HANDLEBARS },
		{ EXT(".mustache"), PC_INCLUDE_HANDLEBARS },
#undef EXT
	};
	const char *ext = extension(path);
	size_t len = strlen(ext);

	/* by length first: this runs for every template file on every check */
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (len == table[i].len && !strcasecmp(ext, table[i].ext))
			return table[i].syntaxes;
	return 0;
}

void pc_include_list_release(struct pc_include_list *list)
{
	pc_strlist_release(&list->paths);
	pc_strlist_release(&list->oids);
}

char *pc_include_resolve(const char *from, const char *name, bool from_root)
{
	struct pc_strlist segs = PC_STRLIST_INIT;
	struct pc_buf joined = PC_BUF_INIT, out = PC_BUF_INIT;
	const char *slash = strrchr(from, '/');
	char *p, *save = NULL;

	if (*name == '/' || strchr(name, '\\') || (isalpha((unsigned char)name[0]) && name[1] == ':')) {
		pc_error_set(PC_EINPUT, "'%s' is an absolute path: includes must stay inside the "
			     "repository", name);
		return NULL;
	}
	if (!from_root && slash)
		pc_buf_add(&joined, from, (size_t)(slash - from + 1));
	pc_buf_adds(&joined, name);
	for (p = strtok_r(joined.ptr, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (!strcmp(p, "."))
			continue;
		if (!strcmp(p, "..")) {
			if (!segs.n) {
				pc_error_set(PC_EINPUT, "'%s' leaves the repository (includes must stay "
					     "inside it)", name);
				pc_buf_release(&joined);
				pc_strlist_release(&segs);
				return NULL;
			}
			free(segs.items[--segs.n]);
			continue;
		}
		pc_strlist_push(&segs, p);
	}
	for (size_t i = 0; i < segs.n; i++)
		pc_buf_addf(&out, "%s%s", i ? "/" : "", segs.items[i]);
	pc_buf_release(&joined);
	pc_strlist_release(&segs);
	if (!out.len) {
		pc_buf_release(&out);
		pc_error_set(PC_EINPUT, "'%s' names no file", name);
		return NULL;
	}
	return pc_buf_detach(&out, NULL);
}

struct expand {
	pc_include_read_fn read;
	void *ctx;
	struct pc_include_list *used;
	bool strict;
	struct pc_strlist stack;
	size_t count;           /* includes expanded so far, all levels */
};

static void position(const char *text, size_t at, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < at; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

/* One directive found in a text: [start, end) and the name it includes. */
struct directive {
	size_t start, end;
	char *name;
	bool literal;           /* a quoted file name (Jinja, snippets) or a partial name */
	unsigned syntax;
};

static size_t skip_ws(const char *s, size_t i, size_t len)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* `{% include "x" ... %}` at i (text[i] == '{'); 0 when there is none. */
static bool jinja_at(struct directive *d, const char *s, size_t i, size_t len)
{
	size_t j = i + 2, close;
	const char *end;

	if (i + 2 > len || s[i + 1] != '%')
		return false;
	if (j < len && (s[j] == '-' || s[j] == '+'))
		j++;
	j = skip_ws(s, j, len);
	if (j + 7 > len || memcmp(s + j, "include", 7) || (j + 7 < len && !isspace((unsigned char)s[j + 7]) && s[j + 7] != '"' && s[j + 7] != '\''))
		return false;
	j = skip_ws(s, j + 7, len);
	end = NULL;
	for (size_t k = j; k + 1 < len; k++)
		if (s[k] == '%' && s[k + 1] == '}') {
			end = s + k;
			break;
		}
	if (!end)
		return false;
	close = (size_t)(end - s) + 2;
	d->start = i;
	d->end = close;
	d->syntax = PC_INCLUDE_JINJA;
	if (j < len && (s[j] == '"' || s[j] == '\'')) {
		const char *q = memchr(s + j + 1, s[j], (size_t)(end - s) - j - 1);

		if (q) {
			d->name = pc_xstrndup(s + j + 1, (size_t)(q - s) - j - 1);
			d->literal = true;
			return true;
		}
	}
	d->name = pc_xstrndup(s + j, (size_t)(end - s) - j);
	d->literal = false;
	return true;
}

/* `{{> name ...}}` or `{{~> name}}` at i. */
static bool handlebars_at(struct directive *d, const char *s, size_t i, size_t len)
{
	size_t j = i + 2, n;
	const char *end;

	if (i + 3 > len || s[i + 1] != '{')
		return false;
	if (j < len && s[j] == '~')
		j++;
	if (j >= len || s[j] != '>')
		return false;
	j = skip_ws(s, j + 1, len);
	end = NULL;
	for (size_t k = j; k + 1 < len; k++)
		if (s[k] == '}' && s[k + 1] == '}') {
			end = s + k;
			break;
		}
	if (!end)
		return false;
	d->start = i;
	d->end = (size_t)(end - s) + 2;
	d->syntax = PC_INCLUDE_HANDLEBARS;
	if (j < len && (s[j] == '"' || s[j] == '\'')) {
		const char *q = memchr(s + j + 1, s[j], (size_t)(end - s) - j - 1);

		if (q) {
			d->name = pc_xstrndup(s + j + 1, (size_t)(q - s) - j - 1);
			d->literal = true;
			return true;
		}
	}
	n = 0;
	while (j + n < (size_t)(end - s) && !isspace((unsigned char)s[j + n]) && s[j + n] != '~' &&
	       s[j + n] != '(')
		n++;
	d->name = pc_xstrndup(s + j, n);
	d->literal = n > 0 && s[j + n] != '(';
	return true;
}

/* A line `--8<-- "x"` (pymdownx snippets) starting at i, the start of a line. */
static bool snippet_at(struct directive *d, const char *s, size_t i, size_t len)
{
	size_t j = i, e;
	const char *q;

	if (j + 6 > len || memcmp(s + j, "--8<--", 6))
		return false;
	j = i + 6;
	while (j < len && (s[j] == ' ' || s[j] == '\t'))
		j++;
	if (j >= len || (s[j] != '"' && s[j] != '\''))
		return false;
	e = j + 1;
	while (e < len && s[e] != '\n')
		e++;
	q = memchr(s + j + 1, s[j], e - j - 1);
	if (!q)
		return false;
	d->start = i;
	d->end = (size_t)(q - s) + 1;
	d->syntax = PC_INCLUDE_SNIPPETS;
	d->name = pc_xstrndup(s + j + 1, (size_t)(q - s) - j - 1);
	d->literal = true;
	return true;
}

static int expand_text(struct expand *e, struct pc_buf *out, const char *path, const char *text,
		       size_t len, unsigned syntaxes);

/* Reads a candidate; 1 when found (content in buf), 0 when absent, < 0 on error. */
static int try_read(struct expand *e, struct pc_buf *buf, char *oid, const char *path)
{
	int error;

	pc_buf_reset(buf);
	error = e->read(e->ctx, buf, oid, path);
	if (error == PC_ENOTFOUND) {
		pc_error_clear();
		return 0;
	}
	return error < 0 ? error : 1;
}

static int located(const char *path, const char *text, size_t at, const char *fmt, ...)
	PC_PRINTF(4, 5);

static int located(const char *path, const char *text, size_t at, const char *fmt, ...)
{
	struct pc_buf msg = PC_BUF_INIT;
	unsigned line, col;
	va_list ap;
	int error;

	struct pc_buf shown = PC_BUF_INIT;

	position(text, at, &line, &col);
	va_start(ap, fmt);
	pc_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	/* names come from the head's text: one line, control characters shown */
	pc_buf_add_visible(&shown, path);
	pc_buf_addf(&shown, ":%u:%u: ", line, col);
	pc_buf_add_visible(&shown, msg.ptr);
	error = pc_error_set(PC_EINPUT, "%s", shown.ptr);
	pc_buf_release(&shown);
	pc_buf_release(&msg);
	return error;
}

/* Candidate paths for a directive, in the order they are tried. */
static void candidates(struct pc_strlist *out, const char *from, const struct directive *d,
		       int *error)
{
	char *p;

	*error = 0;
	if (d->syntax != PC_INCLUDE_HANDLEBARS || strchr(d->name, '/') || strchr(d->name, '.')) {
		if (!(p = pc_include_resolve(from, d->name, false))) {
			*error = PC_EINPUT;
			return;
		}
		pc_strlist_push_owned(out, p);
		if (d->syntax != PC_INCLUDE_HANDLEBARS && (p = pc_include_resolve(from, d->name, true)))
			pc_strlist_push_owned(out, p);
		pc_error_clear();
		return;
	}
	{
		static const char *const dirs[] = { "", "partials/" };
		const char *exts[5] = { extension(from), ".hbs", ".handlebars", ".mustache",
					".prompt" };

		for (size_t di = 0; di < 2; di++)
			for (size_t x = 0; x < 5; x++) {
				if (!*exts[x] || (x && !strcmp(exts[x], exts[0])))
					continue;
				for (int underscore = 1; underscore >= 0; underscore--) {
					struct pc_buf name = PC_BUF_INIT;

					pc_buf_addf(&name, "%s%s%s%s", dirs[di], underscore ? "_" : "",
						    d->name, exts[x]);
					if ((p = pc_include_resolve(from, name.ptr, false)))
						pc_strlist_push_owned(out, p);
					pc_error_clear();
					pc_buf_release(&name);
				}
			}
	}
}

static int include_one(struct expand *e, struct pc_buf *out, const char *path, const char *text,
		       const struct directive *d)
{
	struct pc_strlist cands = PC_STRLIST_INIT;
	struct pc_buf content = PC_BUF_INIT;
	char oid[PC_OID_HEXSZ + 1] = "";
	const char *found = NULL;
	int error = 0, r;

	if (!d->literal) {
		if (e->strict) {
			error = located(path, text, d->start, "'%s' includes no literal file name: "
					"promptcost cannot price it (write the file name, or set "
					"'includes: none' on the template)", d->name);
			goto done;
		}
		pc_buf_add(out, text + d->start, d->end - d->start);
		goto done;
	}
	candidates(&cands, path, d, &error);
	if (error) {
		struct pc_buf why = PC_BUF_INIT;

		pc_buf_adds(&why, pc_error_message());
		error = located(path, text, d->start, "include %s", why.ptr);
		pc_buf_release(&why);
		goto done;
	}
	for (size_t i = 0; i < cands.n && !found; i++) {
		if ((r = try_read(e, &content, oid, cands.items[i])) < 0) {
			error = r;
			goto done;
		}
		if (r)
			found = cands.items[i];
	}
	if (!found) {
		if (e->strict) {
			error = located(path, text, d->start, "include '%s' not found (looked for %s)",
					d->name, cands.n ? cands.items[0] : d->name);
			goto done;
		}
		{
			struct pc_buf name = PC_BUF_INIT;

			pc_buf_add_visible(&name, d->name);
			pc_buf_adds(&name, "' not found: kept as text");
			pc_warn("%s: include '%s", path, name.ptr);
			pc_buf_release(&name);
		}
		pc_buf_add(out, text + d->start, d->end - d->start);
		goto done;
	}
	if (pc_strlist_contains(&e->stack, found)) {
		struct pc_buf chain = PC_BUF_INIT;

		for (size_t i = 0; i < e->stack.n; i++)
			pc_buf_addf(&chain, "%s -> ", e->stack.items[i]);
		pc_buf_adds(&chain, found);
		error = located(path, text, d->start, "include loop: %s", chain.ptr);
		pc_buf_release(&chain);
		goto done;
	}
	/* a partial included ten times by a partial included ten times... is exponential */
	if (++e->count > PC_INCLUDE_MAX_COUNT) {
		error = located(path, text, d->start, "more than %d includes in one template "
				"(partials that include each other many times)", PC_INCLUDE_MAX_COUNT);
		goto done;
	}
	if (e->stack.n >= PC_INCLUDE_MAX_DEPTH) {
		error = located(path, text, d->start, "includes nested deeper than %d (at '%s')",
				PC_INCLUDE_MAX_DEPTH, found);
		goto done;
	}
	if (!pc_strlist_contains(&e->used->paths, found)) {
		pc_strlist_push(&e->used->paths, found);
		pc_strlist_push(&e->used->oids, oid);
	}
	{
		const char *body = content.ptr ? content.ptr : "";
		size_t blen = content.len;
		const char *ext = extension(found);

		if (!strcasecmp(ext, ".prompt") || !strcasecmp(ext, ".prompty")) {
			struct pc_front_matter fm;

			if ((error = pc_front_matter_split(&fm, found, body, blen,
							   !strcasecmp(ext, ".prompt"))) < 0)
				goto done;
			body += fm.body_offset;
			blen -= fm.body_offset;
			pc_front_matter_release(&fm);
		}
		pc_strlist_push(&e->stack, found);
		error = expand_text(e, out, found, body, blen, pc_includes_for_path(found));
		free(e->stack.items[--e->stack.n]);
	}
done:
	pc_buf_release(&content);
	pc_strlist_release(&cands);
	return error;
}

static int expand_text(struct expand *e, struct pc_buf *out, const char *path, const char *text,
		       size_t len, unsigned syntaxes)
{
	size_t i = 0, copied = 0;
	int error;

	while (i < len) {
		struct directive d;
		bool hit = false;

		memset(&d, 0, sizeof(d));
		if (text[i] == '{' && (syntaxes & PC_INCLUDE_JINJA) && jinja_at(&d, text, i, len))
			hit = true;
		else if (text[i] == '{' && (syntaxes & PC_INCLUDE_HANDLEBARS) &&
			 handlebars_at(&d, text, i, len))
			hit = true;
		else if (text[i] == '-' && (syntaxes & PC_INCLUDE_SNIPPETS) &&
			 (i == 0 || text[i - 1] == '\n') && snippet_at(&d, text, i, len))
			hit = true;
		if (!hit) {
			i++;
			continue;
		}
		pc_buf_add(out, text + copied, i - copied);
		error = include_one(e, out, path, text, &d);
		free(d.name);
		if (error < 0)
			return error;
		i = copied = d.end;
		if (out->len > 8 * 1024 * 1024)
			return pc_error_set(PC_EINPUT, "%s: the text with its includes is over 8 MB",
					    path);
	}
	pc_buf_add(out, text + copied, len - copied);
	return 0;
}

int pc_includes_expand(struct pc_buf *out, const char *path, const char *text, size_t len,
		       unsigned syntaxes, pc_include_read_fn read, void *ctx,
		       struct pc_include_list *used, bool strict)
{
	struct expand e;
	int error;

	memset(&e, 0, sizeof(e));
	e.read = read;
	e.ctx = ctx;
	e.used = used;
	e.strict = strict;
	pc_strlist_push(&e.stack, path);
	error = expand_text(&e, out, path, text, len, syntaxes);
	pc_strlist_release(&e.stack);
	return error;
}
