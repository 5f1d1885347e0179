/*
 * Approvals of cost events: building entries from a judged report, their
 * canonical payload (what the approver signs), and writing them as the YAML
 * text of `.promptcost/approvals.yml`, which must read back exactly, and
 * reading that file strictly (with yaml.h).
 */
#include "promptcost/approvals.h"

#include "promptcost/money.h"
#include "promptcost/yaml.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Decodes the UTF-8 sequence at s (strict: no overlong forms, no surrogates,
 * nothing past U+10FFFF). Returns its length and sets *cp, or 0 when the
 * bytes are not UTF-8.
 */
static size_t utf8_decode(uint32_t *cp, const unsigned char *s)
{
	size_t n;
	uint32_t c = s[0], min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		n = 2, c &= 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3, c &= 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

static bool is_utf8(const char *s)
{
	uint32_t cp;
	size_t n;

	for (; *s; s += n)
		if (!(n = utf8_decode(&cp, (const unsigned char *)s)))
			return false;
	return true;
}

/*
 * A YAML double-quoted scalar that libyaml reads back as exactly s (valid
 * UTF-8, checked by pc_approvals_add and by the reader): quotes and
 * backslashes escaped, and every character YAML would not keep as it is
 * (controls, the line breaks NEL, LS and PS, which a quoted scalar folds
 * into spaces, the BOM and the non-characters U+FFFE and U+FFFF) as an
 * escape.
 */
static void quoted(struct pc_buf *out, const char *s)
{
	pc_buf_addch(out, '"');
	while (*s) {
		uint32_t c;
		size_t n = utf8_decode(&c, (const unsigned char *)s);

		assert(n);
		if (c == '"' || c == '\\')
			pc_buf_addf(out, "\\%c", (int)c);
		else if (c == '\n')
			pc_buf_adds(out, "\\n");
		else if (c == '\t')
			pc_buf_adds(out, "\\t");
		else if (c == 0x85)
			pc_buf_adds(out, "\\N");
		else if (c == 0x2028)
			pc_buf_adds(out, "\\L");
		else if (c == 0x2029)
			pc_buf_adds(out, "\\P");
		else if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
			pc_buf_addf(out, "\\x%02x", (unsigned)c);
		else if (c == 0xfeff || c == 0xfffe || c == 0xffff)
			pc_buf_addf(out, "\\u%04x", (unsigned)c);
		else
			pc_buf_add(out, s, n);
		s += n;
	}
	pc_buf_addch(out, '"');
}

/* A payload value: a backslash and the bytes below 0x20 and 0x7f escaped, so it stays one line. */
static void payload_value(struct pc_buf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\')
			pc_buf_adds(out, "\\\\");
		else if (c < 0x20 || c == 0x7f)
			pc_buf_addf(out, "\\x%02x", c);
		else
			pc_buf_addch(out, (char)c);
	}
}

/* An amount exactly: two decimals, more only where it has them ("2160.00", "0.015"). */
static void exact_amount(struct pc_buf *out, int64_t micros)
{
	uint64_t m = micros < 0 ? (uint64_t)0 - (uint64_t)micros : (uint64_t)micros;
	char frac[7];
	int digits = 6;

	snprintf(frac, sizeof(frac), "%06llu", (unsigned long long)(m % 1000000));
	while (digits > 2 && frac[digits - 1] == '0')
		digits--;
	pc_buf_addf(out, "%s%llu.%.*s", micros < 0 ? "-" : "", (unsigned long long)(m / 1000000),
		    digits, frac);
}

static int compare_file_refs(const void *a, const void *b)
{
	return strcmp((*(const struct pc_side_file *const *)a)->path,
		      (*(const struct pc_side_file *const *)b)->path);
}

void pc_approval_payload(struct pc_buf *out, const struct pc_approval *a)
{
	const struct pc_side_file **files = pc_xcalloc(a->nfiles ? a->nfiles : 1, sizeof(*files));

	for (size_t i = 0; i < a->nfiles; i++)
		files[i] = &a->files[i];
	qsort(files, a->nfiles, sizeof(*files), compare_file_refs);
	pc_buf_adds(out, "promptcost-approval v1\ntemplate ");
	payload_value(out, a->template_id);
	for (size_t i = 0; i < a->nfiles; i++) {
		pc_buf_addf(out, "\nfile %s ", files[i]->oid);
		payload_value(out, files[i]->path);
	}
	pc_buf_adds(out, "\nmonthly_delta ");
	exact_amount(out, a->monthly_delta_micros);
	pc_buf_adds(out, "\napproved_by ");
	payload_value(out, a->approved_by);
	pc_buf_adds(out, "\napproved_at ");
	payload_value(out, a->approved_at);
	if (a->reason) {
		pc_buf_adds(out, "\nreason ");
		payload_value(out, a->reason);
	}
	pc_buf_addch(out, '\n');
	free(files);
}

#define ARMOR_BEGIN "-----BEGIN SSH SIGNATURE-----\n"
#define ARMOR_END "-----END SSH SIGNATURE-----\n"

bool pc_approval_signature_is_armored(const char *text)
{
	const char *p = text, *end;
	size_t len = strlen(text), lines = 0;

	if (len < strlen(ARMOR_BEGIN) + strlen(ARMOR_END) ||
	    strncmp(text, ARMOR_BEGIN, strlen(ARMOR_BEGIN)) ||
	    strcmp(text + len - strlen(ARMOR_END), ARMOR_END))
		return false;
	p += strlen(ARMOR_BEGIN);
	end = text + len - strlen(ARMOR_END);
	while (p < end) {
		size_t n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				  "0123456789+/=");

		if (!n || p[n] != '\n')
			return false;
		p += n + 1;
		lines++;
	}
	return lines > 0;
}

int pc_approval_set_signature(struct pc_approval *a, const char *armored)
{
	if (!pc_approval_signature_is_armored(armored))
		return pc_error_set(PC_EINPUT, "the signature is not an armored SSH signature "
				    "('%s' ... '%.27s')", "-----BEGIN SSH SIGNATURE-----",
				    "-----END SSH SIGNATURE-----");
	free(a->signature);
	a->signature = pc_xstrdup(armored);
	return 0;
}

/* Text that is shown where it is not UTF-8: every byte of 0x80 and over as \xHH. */
static char *shown(const char *s)
{
	struct pc_buf b = PC_BUF_INIT;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f)
			pc_buf_addf(&b, "\\x%02x", c);
		else
			pc_buf_addch(&b, (char)c);
	}
	return pc_buf_detach(&b, NULL);
}

void pc_approvals_render(struct pc_buf *out, const struct pc_approvals *approvals)
{
	pc_buf_adds(out,
		"# Approvals of cost events, written by 'promptcost approve'. Each entry binds an\n"
		"# approver to the exact content of a template (the git blob ids of its files)\n"
		"# and to the largest monthly delta approved; any later edit needs a new approval.\n"
		"version: 1\n"
		"approvals:\n");
	if (!approvals->n)
		pc_buf_adds(out, "  []\n");
	for (size_t i = 0; i < approvals->n; i++) {
		const struct pc_approval *a = &approvals->items[i];

		pc_buf_adds(out, "  - template: ");
		quoted(out, a->template_id);
		pc_buf_adds(out, "\n    files:\n");
		for (size_t f = 0; f < a->nfiles; f++) {
			pc_buf_adds(out, "      - path: ");
			quoted(out, a->files[f].path);
			pc_buf_addf(out, "\n        blob: \"%s\"\n", a->files[f].oid);
		}
		pc_buf_adds(out, "    monthly_delta: \"");
		/* exactly what was read (approve writes cents): the payload signs this amount */
		exact_amount(out, a->monthly_delta_micros);
		pc_buf_adds(out, "\"\n    approved_by: ");
		quoted(out, a->approved_by);
		pc_buf_adds(out, "\n    approved_at: ");
		quoted(out, a->approved_at);
		if (a->reason) {
			pc_buf_adds(out, "\n    reason: ");
			quoted(out, a->reason);
		}
		pc_buf_addch(out, '\n');
		if (a->signature) {
			/* a literal block: the armor's lines as ssh-keygen wrote them */
			const char *line = a->signature;

			assert(pc_approval_signature_is_armored(a->signature));
			pc_buf_adds(out, "    signature: |\n");
			while (*line) {
				size_t n = strcspn(line, "\n");

				pc_buf_adds(out, "      ");
				pc_buf_add(out, line, n);
				pc_buf_addch(out, '\n');
				line += n + (line[n] == '\n');
			}
		}
	}
}

static int compare_side_files(const void *a, const void *b)
{
	return strcmp(((const struct pc_side_file *)a)->path, ((const struct pc_side_file *)b)->path);
}

size_t pc_approval_content(struct pc_side_file **out, const struct pc_template_side *side)
{
	size_t n = side->nfiles + side->partials.paths.n, k = 0;
	struct pc_side_file *files = pc_xcalloc(n ? n : 1, sizeof(*files));

	for (size_t i = 0; i < side->nfiles; i++)
		files[k++] = side->files[i];
	for (size_t i = 0; i < side->partials.paths.n; i++) {
		bool seen = false;

		for (size_t j = 0; j < side->nfiles && !seen; j++)
			seen = !strcmp(side->files[j].path, side->partials.paths.items[i]);
		if (seen)
			continue;
		memset(&files[k], 0, sizeof(files[k]));
		files[k].path = side->partials.paths.items[i];
		snprintf(files[k].oid, sizeof(files[k].oid), "%s", side->partials.oids.items[i]);
		k++;
	}
	qsort(files, k, sizeof(*files), compare_side_files);
	*out = files;
	return k;
}

int pc_approvals_add(struct pc_approvals *approvals, const struct pc_template_report *t,
		     const char *by, const char *approved_at, const char *reason)
{
	struct pc_approval *a;

	if (reason && !*reason)
		reason = NULL; /* the file says "no reason" by leaving the key out */
	if (!*t->id || !*by || !*approved_at || !t->after.nfiles)
		return pc_error_set(PC_EINPUT, "an approval needs a template, its files, an approver "
				    "and a time");
	if (!is_utf8(t->id) || !is_utf8(by) || !is_utf8(approved_at))
		return pc_error_set(PC_EINPUT, "the approver and the template id must be UTF-8 text");
	if (reason && !is_utf8(reason))
		return pc_error_set(PC_EINPUT, "the reason is not valid UTF-8 text (--reason)");
	for (size_t i = 0; i < t->after.nfiles; i++) {
		const char *path = t->after.files[i].path;

		if (!*path || !is_utf8(path)) {
			char *s = shown(path);
			int error = pc_error_set(PC_EINPUT, "the path '%s' of template '%s' must be "
						 "UTF-8 to be approved (.promptcost/approvals.yml "
						 "holds UTF-8 text): rename the file", s, t->id);

			free(s);
			return error;
		}
	}
	PC_GROW(approvals->items, approvals->cap, approvals->n + 1);
	a = &approvals->items[approvals->n++];
	memset(a, 0, sizeof(*a));
	a->template_id = pc_xstrdup(t->id);
	{
		/* the files and the partials the prompt includes: an edit of either needs a new one */
		struct pc_side_file *content;

		a->nfiles = pc_approval_content(&content, &t->after);
		a->files = pc_xcalloc(a->nfiles ? a->nfiles : 1, sizeof(*a->files));
		for (size_t i = 0; i < a->nfiles; i++) {
			a->files[i].path = pc_xstrdup(content[i].path);
			memcpy(a->files[i].oid, content[i].oid, sizeof(a->files[i].oid));
		}
		free(content);
	}
	/*
	 * The file keeps cents; round the approved delta up to the cent so that
	 * the very change approved still fits under it when read back.
	 */
	a->monthly_delta_micros = t->monthly_delta_micros;
	if (a->monthly_delta_micros % 10000 > 0)
		a->monthly_delta_micros += 10000 - a->monthly_delta_micros % 10000;
	a->approved_by = pc_xstrdup(by);
	a->approved_at = pc_xstrdup(approved_at);
	a->reason = reason ? pc_xstrdup(reason) : NULL;
	return 0;
}

static void approval_release(struct pc_approval *a)
{
	free(a->template_id);
	for (size_t f = 0; f < a->nfiles; f++)
		free(a->files[f].path);
	free(a->files);
	free(a->approved_by);
	free(a->approved_at);
	free(a->reason);
	free(a->signature);
}

void pc_approvals_remove(struct pc_approvals *approvals, const char *template_id)
{
	size_t kept = 0;

	for (size_t i = 0; i < approvals->n; i++) {
		if (strcmp(approvals->items[i].template_id, template_id))
			approvals->items[kept++] = approvals->items[i];
		else
			approval_release(&approvals->items[i]);
	}
	approvals->n = kept;
}

void pc_approvals_release(struct pc_approvals *approvals)
{
	for (size_t i = 0; i < approvals->n; i++)
		approval_release(&approvals->items[i]);
	free(approvals->items);
	memset(approvals, 0, sizeof(*approvals));
}

/* ------------------------------------------------------------------ */
/* Reading .promptcost/approvals.yml, strictly, with yaml.h.            */

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

static int read_approval_file(struct pc_side_file *file, const char *path,
			      const struct pc_yaml_node *map)
{
	const struct pc_yaml_node *value;
	const char *text;
	int error;

	if ((error = pc_yaml_expect_mapping(path, map, "an approved file")) ||
	    (error = pc_yaml_check_keys(path, map, approval_file_keys, "in an approved file")))
		return error;
	if (!(value = pc_yaml_find(map, "path", NULL)))
		return pc_yaml_fail(path, map->pos, "an approved file needs 'path'");
	if ((error = pc_yaml_get_string(&text, path, value, "path")))
		return error;
	file->path = pc_xstrdup(text);
	if (!(value = pc_yaml_find(map, "blob", NULL)))
		return pc_yaml_fail(path, map->pos, "an approved file needs 'blob'");
	if ((error = pc_yaml_get_string(&text, path, value, "blob")))
		return error;
	if (!is_blob_id(text))
		return pc_yaml_fail(path, value->pos,
				    "'%s' is not a git blob id (40 lower-case hex digits)",
				    text);
	memcpy(file->oid, text, PC_OID_HEXSZ + 1);
	return 0;
}

static int compare_approved_files(const void *a, const void *b)
{
	return strcmp(((const struct pc_side_file *)a)->path,
		      ((const struct pc_side_file *)b)->path);
}

static int read_approval(struct pc_approval *a, const char *path, const struct pc_yaml_node *map)
{
	static const char *const required[] = { "template", "files", "monthly_delta",
						"approved_by", "approved_at" };
	const struct pc_yaml_node *value;
	const char *text;
	int error;

	a->pos = map->pos;
	if ((error = pc_yaml_expect_mapping(path, map, "an approval")) ||
	    (error = pc_yaml_check_keys(path, map, approval_keys, "in an approval")))
		return error;
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!pc_yaml_find(map, required[i], NULL))
			return pc_yaml_fail(path, map->pos, "an approval needs '%s'", required[i]);
	if ((error = pc_yaml_get_string(&text, path, pc_yaml_find(map, "template", NULL),
					"template")))
		return error;
	a->template_id = pc_xstrdup(text);
	value = pc_yaml_find(map, "files", NULL);
	if (value->kind != PC_YAML_SEQUENCE || !value->n)
		return pc_yaml_fail(path, value->pos,
				    "'files' of an approval must be a non-empty list");
	a->files = pc_xcalloc(value->n, sizeof(*a->files));
	/* counted before it is read, so that a half-read entry is still released */
	for (size_t i = 0; i < value->n; i++)
		if ((error = read_approval_file(&a->files[a->nfiles++], path, value->items[i])))
			return error;
	qsort(a->files, a->nfiles, sizeof(*a->files), compare_approved_files);
	if ((error = pc_yaml_get_decimal(&a->monthly_delta_micros, path,
					 pc_yaml_find(map, "monthly_delta", NULL), "monthly_delta",
					 6)) ||
	    (error = pc_yaml_get_string(&text, path, pc_yaml_find(map, "approved_by", NULL),
					"approved_by")))
		return error;
	a->approved_by = pc_xstrdup(text);
	if ((error = pc_yaml_get_string(&text, path, pc_yaml_find(map, "approved_at", NULL),
					"approved_at")))
		return error;
	a->approved_at = pc_xstrdup(text);
	if ((value = pc_yaml_find(map, "reason", NULL)) && !pc_yaml_is_null(value)) {
		if ((error = pc_yaml_get_string(&text, path, value, "reason")))
			return error;
		a->reason = pc_xstrdup(text);
	}
	if ((value = pc_yaml_find(map, "signature", NULL)) && !pc_yaml_is_null(value)) {
		if ((error = pc_yaml_get_string(&text, path, value, "signature")))
			return error;
		if (!pc_approval_signature_is_armored(text))
			return pc_yaml_fail(path, value->pos,
					    "'signature' is not an SSH signature as ssh-keygen -Y "
					    "sign writes it (a literal block from '-----BEGIN SSH "
					    "SIGNATURE-----' to '-----END SSH SIGNATURE-----')");
		a->signature = pc_xstrdup(text);
	}
	return 0;
}

int pc_approvals_parse(struct pc_approvals *out, const char *path, const char *text, size_t len)
{
	const struct pc_yaml_node *value;
	struct pc_yaml_node *root = NULL;
	int64_t version;
	int error;

	if ((error = pc_yaml_load(&root, path, text, len, PC_CONFIG_MAX_BYTES)))
		goto done;
	if (!root || pc_yaml_is_null(root))
		goto done; /* an empty file approves nothing */
	if ((error = pc_yaml_expect_mapping(path, root, "the approvals file")) ||
	    (error = pc_yaml_check_keys(path, root, approvals_keys, "at the top level")))
		goto done;
	if (!(value = pc_yaml_find(root, "version", NULL))) {
		error = pc_yaml_fail(path, root->pos, "missing 'version: 1'");
		goto done;
	}
	if ((error = pc_yaml_get_count(&version, path, value, "version", 1000)))
		goto done;
	if (version != 1) {
		error = pc_yaml_fail(path, value->pos,
				     "unsupported version %lld (this promptcost reads 1)",
				     (long long)version);
		goto done;
	}
	value = pc_yaml_find(root, "approvals", NULL);
	if (!value || pc_yaml_is_null(value))
		goto done;
	if (value->kind != PC_YAML_SEQUENCE) {
		error = pc_yaml_fail(path, value->pos, "'approvals' must be a list, found %s",
				     pc_yaml_kind_name(value));
		goto done;
	}
	for (size_t i = 0; i < value->n; i++) {
		PC_GROW(out->items, out->cap, out->n + 1);
		memset(&out->items[out->n], 0, sizeof(out->items[out->n]));
		error = read_approval(&out->items[out->n++], path, value->items[i]);
		if (error)
			goto done;
	}
done:
	pc_yaml_free(root);
	return error;
}
