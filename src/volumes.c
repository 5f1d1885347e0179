/*
 * .promptcost/volumes.yml: read strictly (on top of yaml.h) and written
 * byte for byte the same from the same figures. The file keeps exact
 * integers (calls and days, not an average), so a recorded volume prices
 * exactly; the comment after each template is for people and is not read.
 */
#include "promptcost/volumes.h"

#include "promptcost/money.h"
#include "promptcost/yaml.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const top_keys[] = { "version", "window", "records", "templates", NULL };
static const char *const window_keys[] = { "from", "until", "days", NULL };
static const char *const template_keys[] = { "days", "calls", "response_cache_hits",
					     "input_tokens", "cached_input_tokens",
					     "cache_write_tokens", "output_tokens", "records",
					     NULL };

static int get_day(char out[11], int64_t *day, const char *path, const struct pc_yaml_node *map,
		   const char *key)
{
	const struct pc_yaml_node *v = pc_yaml_find(map, key, NULL);
	const char *s;
	int error;

	if (!v)
		return pc_yaml_fail(path, map->pos, "the window has no '%s' (a day, YYYY-MM-DD)", key);
	if ((error = pc_yaml_get_string(&s, path, v, key)) < 0)
		return error;
	if (!pc_day_parse(day, s))
		return pc_yaml_fail(path, v->pos, "'%s' must be a day as YYYY-MM-DD (UTC), "
				    "found '%s'", key, s);
	memcpy(out, s, 11);
	return 0;
}

static int get_count(int64_t *out, const char *path, const struct pc_yaml_node *map,
		     const char *key, bool required)
{
	const struct pc_yaml_node *v = pc_yaml_find(map, key, NULL);

	*out = 0;
	if (!v)
		return required ? pc_yaml_fail(path, map->pos, "missing '%s'", key) : 0;
	return pc_yaml_get_count(out, path, v, key, INT64_MAX / 4);
}

static int read_template(struct pc_volumes_entry *e, const char *path,
			 const struct pc_yaml_node *key, const struct pc_yaml_node *map,
			 const struct pc_volumes *vol)
{
	struct pc_volume *v = &e->volume;
	int error;

	e->template = pc_xstrdup(key->text);
	v->source = PC_SPEND_RECORDED;
	memcpy(v->from, vol->from, sizeof(v->from));
	memcpy(v->until, vol->until, sizeof(v->until));
	if ((error = pc_yaml_expect_mapping(path, map, "a template's recorded usage")) < 0 ||
	    (error = pc_yaml_check_keys(path, map, template_keys, "in a template's usage")) < 0 ||
	    (error = get_count(&v->days, path, map, "days", true)) < 0 ||
	    (error = get_count(&v->calls, path, map, "calls", true)) < 0 ||
	    (error = get_count(&v->response_cache_hits, path, map, "response_cache_hits", false)) < 0 ||
	    (error = get_count(&v->input_tokens, path, map, "input_tokens", false)) < 0 ||
	    (error = get_count(&v->cached_input_tokens, path, map, "cached_input_tokens", false)) < 0 ||
	    (error = get_count(&v->cache_write_tokens, path, map, "cache_write_tokens", false)) < 0 ||
	    (error = get_count(&v->output_tokens, path, map, "output_tokens", false)) < 0 ||
	    (error = get_count(&v->records, path, map, "records", false)) < 0)
		return error;
	if (v->days < 1 || v->days > vol->days)
		return pc_yaml_fail(path, map->pos, "template '%s': days must be 1 to the window's "
				    "%lld, found %lld", e->template, (long long)vol->days,
				    (long long)v->days);
	if (v->response_cache_hits > v->calls)
		return pc_yaml_fail(path, map->pos, "template '%s': more response-cache hits than "
				    "calls", e->template);
	if (v->cached_input_tokens + v->cache_write_tokens > v->input_tokens)
		return pc_yaml_fail(path, map->pos, "template '%s': cached input and cache writes "
				    "are parts of input_tokens and exceed it", e->template);
	return 0;
}

static int compare_entries(const void *a, const void *b)
{
	return strcmp(((const struct pc_volumes_entry *)a)->template,
		      ((const struct pc_volumes_entry *)b)->template);
}

int pc_volumes_parse(struct pc_volumes **out, const char *path, const char *text, size_t len)
{
	struct pc_yaml_node *root = NULL;
	const struct pc_yaml_node *v, *window, *templates;
	struct pc_volumes *vol = pc_xcalloc(1, sizeof(*vol));
	int64_t version, from, until;
	int error;

	*out = NULL;
	vol->path = pc_xstrdup(path);
	if ((error = pc_yaml_load(&root, path, text, len, PC_VOLUMES_MAX_BYTES)) < 0)
		goto done;
	if (!root) {
		error = pc_yaml_fail(path, (struct pc_pos){ 1, 1 }, "the file is empty; "
				     "'promptcost usage sync' writes it");
		goto done;
	}
	if ((error = pc_yaml_expect_mapping(path, root, "the volumes file")) < 0 ||
	    (error = pc_yaml_check_keys(path, root, top_keys, "at the top level")) < 0)
		goto done;
	if (!(v = pc_yaml_find(root, "version", NULL))) {
		error = pc_yaml_fail(path, root->pos, "missing 'version: 1'");
		goto done;
	}
	if ((error = pc_yaml_get_count(&version, path, v, "version", 1000)) < 0)
		goto done;
	if (version != 1) {
		error = pc_yaml_fail(path, v->pos, "version %lld is not known to this promptcost "
				     "(it reads version 1)", (long long)version);
		goto done;
	}
	if (!(window = pc_yaml_find(root, "window", NULL))) {
		error = pc_yaml_fail(path, root->pos, "missing 'window' (from, until, days)");
		goto done;
	}
	if ((error = pc_yaml_expect_mapping(path, window, "'window'")) < 0 ||
	    (error = pc_yaml_check_keys(path, window, window_keys, "in 'window'")) < 0 ||
	    (error = get_day(vol->from, &from, path, window, "from")) < 0 ||
	    (error = get_day(vol->until, &until, path, window, "until")) < 0 ||
	    (error = get_count(&vol->days, path, window, "days", true)) < 0 ||
	    (error = get_count(&vol->records, path, root, "records", false)) < 0)
		goto done;
	if (until < from || vol->days != until - from + 1) {
		error = pc_yaml_fail(path, window->pos, "the window from %s until %s is %lld days, "
				     "not %lld", vol->from, vol->until,
				     (long long)(until - from + 1), (long long)vol->days);
		goto done;
	}
	templates = pc_yaml_find(root, "templates", NULL);
	if (templates && !pc_yaml_is_null(templates)) {
		if ((error = pc_yaml_expect_mapping(path, templates, "'templates'")) < 0)
			goto done;
		vol->entries = pc_xcalloc(templates->n / 2 + 1, sizeof(*vol->entries));
		for (size_t i = 0; i + 1 < templates->n; i += 2) {
			error = read_template(&vol->entries[vol->n++], path, templates->items[i],
					      templates->items[i + 1], vol);
			if (error < 0)
				goto done;
		}
		qsort(vol->entries, vol->n, sizeof(*vol->entries), compare_entries);
	}
	*out = vol;
	vol = NULL;
done:
	pc_yaml_free(root);
	pc_volumes_free(vol);
	return error;
}

void pc_volumes_free(struct pc_volumes *volumes)
{
	if (!volumes)
		return;
	for (size_t i = 0; i < volumes->n; i++)
		free(volumes->entries[i].template);
	free(volumes->entries);
	free(volumes->path);
	free(volumes);
}

const struct pc_volume *pc_volumes_find(const struct pc_volumes *volumes, const char *template)
{
	size_t lo = 0, hi = volumes ? volumes->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(template, volumes->entries[mid].template);

		if (!c)
			return &volumes->entries[mid].volume;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* n / d with one decimal, rounded half away from zero: "14,812.0". */
static void ratio(struct pc_buf *out, int64_t n, int64_t d)
{
	int64_t tenths = d ? (int64_t)pc_div_round((pc_int128)n * 10, d) : 0;

	pc_count_format(out, tenths / 10, false);
	pc_buf_addf(out, ".%lld", (long long)(tenths % 10));
}

static void share(struct pc_buf *out, int64_t n, int64_t d)
{
	pc_ppm_format(out, d ? (int64_t)pc_div_round((pc_int128)n * PC_PPM, d) : 0);
}

/* A template id as a yaml key: plain when it is safely plain, else double-quoted. */
static void key(struct pc_buf *out, const char *id)
{
	bool plain = *id && strchr("-?:,[]{}#&*!|>'\"%@`~ ", *id) == NULL;

	for (const char *p = id; plain && *p; p++)
		plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || strchr("._-/", *p);
	if (plain && !strcmp(id, "null"))
		plain = false;
	if (plain) {
		pc_buf_adds(out, id);
		return;
	}
	pc_buf_addch(out, '"');
	for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
		if (*p == '"' || *p == '\\')
			pc_buf_addf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			pc_buf_addf(out, "\\x%02x", *p);
		else
			pc_buf_addch(out, (char)*p);
	}
	pc_buf_addch(out, '"');
}

/* "key: value" padded so that its comment starts at column 27, as in the documented shape. */
static void commented(struct pc_buf *out, const char *comment, const char *fmt, ...)
	PC_PRINTF(3, 4);
static void commented(struct pc_buf *out, const char *comment, const char *fmt, ...)
{
	size_t start = out->len, n;
	va_list ap;

	va_start(ap, fmt);
	pc_buf_vaddf(out, fmt, ap);
	va_end(ap);
	n = out->len - start;
	pc_buf_addf(out, "%*s# %s\n", n < 26 ? (int)(26 - n) : 1, "", comment);
}

void pc_volumes_write(struct pc_buf *out, const struct pc_volumes *vol)
{
	pc_buf_adds(out, "# .promptcost/volumes.yml: recorded usage per template, written by "
			 "`promptcost usage sync`.\n"
			 "# `promptcost check` reads it from the base side. Regenerate it; do not "
			 "edit by hand.\n"
			 "version: 1\n"
			 "window:\n");
	commented(out, "first day, UTC, included", "  from: %s", vol->from);
	commented(out, "last day, UTC, included", "  until: %s", vol->until);
	pc_buf_addf(out, "  days: %lld\n", (long long)vol->days);
	commented(out, "records in the window (unattributed included)", "records: %lld",
		  (long long)vol->records);
	pc_buf_adds(out, vol->n ? "templates:\n" : "templates: {}\n");
	for (size_t i = 0; i < vol->n; i++) {
		const struct pc_volume *v = &vol->entries[i].volume;
		int64_t billed = v->calls - v->response_cache_hits;
		size_t start;

		pc_buf_adds(out, "  ");
		start = out->len;
		key(out, vol->entries[i].template);
		/* yaml allows implicit keys of up to 1024 characters: longer is an explicit "? key" */
		if (out->len - start > 1000) {
			pc_buf_grow(out, 2);
			memmove(out->ptr + start + 2, out->ptr + start, out->len - start + 1);
			memcpy(out->ptr + start, "? ", 2);
			out->len += 2;
			pc_buf_adds(out, "\n  ");
		}
		pc_buf_adds(out, ":\n");
		commented(out, "from its first record in the window to `until`, inclusive",
			  "    days: %lld", (long long)v->days);
		commented(out, "every call, response-cache hits included", "    calls: %lld",
			  (long long)v->calls);
		pc_buf_addf(out, "    response_cache_hits: %lld\n    input_tokens: %lld\n"
			    "    cached_input_tokens: %lld\n    cache_write_tokens: %lld\n"
			    "    output_tokens: %lld\n    records: %lld\n",
			    (long long)v->response_cache_hits, (long long)v->input_tokens,
			    (long long)v->cached_input_tokens, (long long)v->cache_write_tokens,
			    (long long)v->output_tokens, (long long)v->records);
		pc_buf_adds(out, "    # ");
		ratio(out, v->calls, v->days);
		pc_buf_adds(out, " calls/day; hit rate ");
		share(out, v->response_cache_hits, v->calls);
		pc_buf_adds(out, "; ");
		if (billed > 0) {
			ratio(out, v->output_tokens, billed);
			pc_buf_adds(out, " output tokens per billed call");
		} else {
			pc_buf_adds(out, "no billed call");
		}
		pc_buf_adds(out, "; cached input ");
		share(out, v->cached_input_tokens, v->input_tokens);
		pc_buf_adds(out, "\n");
	}
}
