/*
 * The quiet-template snapshot (quiet.h): its key, its records, which
 * templates a run must collect, and the spend lines of those it need not.
 *
 * Payload (the cache file around it, with the build id, the key and a
 * checksum, is cache.c's), integers little-endian:
 *
 *   "quiet 2 " | base tree id (40 hex) | "\n"
 *   templates (8) | models (8)
 *   per template, in the configuration's order: model (4, -1: not
 *   eligible) | line (4) | month's cost in micro-units (8)
 *   the globs' folders and root files (pc_templates_folders): count (8),
 *   then each one NUL-terminated (finding them again was 4 million
 *   instructions at 10,000 templates)
 *   the tables (the same on every write of one key, copied as they are):
 *     globs that name one path: count (8), then per glob, sorted by path:
 *       template (4) | path (4, an offset into the strings)
 *     the other globs: count (8), then per glob: template (4) | glob (4)
 *     lines: count (8), then per line: team (4) | use case (4) (an offset
 *       into the strings; NONE: no team, or no use case)
 *     strings: size (8), then the strings, each NUL-terminated
 *
 * The tables are read where they lie, never copied into structures: a run
 * looks up its changed paths in the first by bisection, matches the second
 * (few, in most libraries), and sums the records by line, so that a quiet
 * template costs a few instructions, not a parse of its configuration.
 * They are checked for bounds when read; their order is the writer's (a
 * snapshot is trusted as the token-count cache is: quiet.h).
 */
#include "promptcost/quiet.h"

#include "promptcost/glob.h"
#include "promptcost/spend.h"

#include <stdlib.h>
#include <string.h>

#define MAGIC "quiet 2 "
#define MAGIC_LEN 8
#define HEAD_LEN (MAGIC_LEN + PC_OID_HEXSZ + 1 + 16)
#define RECORD_LEN 16
#define NONE UINT32_MAX

static void put_u64(struct pc_buf *out, uint64_t v)
{
	unsigned char b[8];

	pc_put_le64(b, v);
	pc_buf_add(out, b, 8);
}

static void put_u32(struct pc_buf *out, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 24) };

	pc_buf_add(out, b, 4);
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void pc_quiet_key(struct pc_buf *key, const char *config_path, const char *config_oid,
		  const char *volumes_oid, const char *price_date)
{
	/* NUL-separated text, compared whole by cache.c: no field can run into the next */
	pc_buf_adds(key, "promptcost quiet 2");
	pc_buf_addch(key, '\0');
	pc_buf_adds(key, config_path);
	pc_buf_addch(key, '\0');
	pc_buf_adds(key, config_oid);
	pc_buf_addch(key, '\0');
	pc_buf_adds(key, volumes_oid);
	pc_buf_addch(key, '\0');
	pc_buf_adds(key, price_date);
}

/* Table k's entry i: two words (template or team, then a string's offset). */
static const unsigned char *entry_at(const struct pc_quiet *q, size_t at, size_t i)
{
	return (const unsigned char *)q->tables.ptr + at + 8 + 8 * i;
}

static const char *string_at(const struct pc_quiet *q, uint32_t offset)
{
	return offset == NONE ? NULL : q->tables.ptr + q->strings_at + 8 + offset;
}

/*
 * Checks the tables of q->tables (bounds, templates, offsets) and finds
 * where each one starts; false when they are not whole.
 */
static bool tables_read(struct pc_quiet *q)
{
	const unsigned char *p = (const unsigned char *)q->tables.ptr;
	size_t len = q->tables.len, at = 0, counts[3], where[3];
	uint64_t nstrings;

	for (int k = 0; k < 3; k++) {
		if (len - at < 8 || (counts[k] = (size_t)pc_get_le64(p + at)) > (len - at - 8) / 8)
			return false;
		where[k] = at;
		at += 8 + 8 * counts[k];
	}
	if (len - at < 8 || (nstrings = pc_get_le64(p + at)) != len - at - 8 ||
	    (nstrings && p[len - 1] != '\0') || nstrings >= NONE)
		return false;
	q->nliterals = counts[0];
	q->nwildcards = counts[1];
	q->nlines = counts[2];
	q->literals_at = where[0];
	q->wildcards_at = where[1];
	q->lines_at = where[2];
	q->strings_at = at;
	for (int k = 0; k < 3; k++)
		for (size_t i = 0; i < counts[k]; i++) {
			const unsigned char *e = entry_at(q, where[k], i);
			uint32_t first = get_u32(e), offset = get_u32(e + 4);

			if ((k < 2 && first >= q->n) || (k == 2 && first != NONE && first >= nstrings) ||
			    (offset != NONE && offset >= nstrings) || (k < 2 && offset == NONE))
				return false;
		}
	return true;
}

bool pc_quiet_parse(struct pc_quiet *q, const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data, *end = p + len, *records;
	uint64_t ndirs, n, nmodels;

	memset(q, 0, sizeof(*q));
	if (len < HEAD_LEN || memcmp(p, MAGIC, MAGIC_LEN) || p[MAGIC_LEN + PC_OID_HEXSZ] != '\n')
		return false;
	n = pc_get_le64(p + HEAD_LEN - 16);
	nmodels = pc_get_le64(p + HEAD_LEN - 8);
	if (n > (len - HEAD_LEN) / RECORD_LEN || len - HEAD_LEN - n * RECORD_LEN < 8 ||
	    nmodels > INT32_MAX)
		return false;
	for (size_t i = 0; i < PC_OID_HEXSZ; i++) {
		char c = (char)p[MAGIC_LEN + i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
		q->tree[i] = c;
	}
	q->tree[PC_OID_HEXSZ] = '\0';
	q->n = (size_t)n;
	q->nmodels = (size_t)nmodels;
	records = p + HEAD_LEN;
	p = records + n * RECORD_LEN;
	/*
	 * The folders (each ending in '/') and root files: sorted, none inside
	 * a folder before it.
	 */
	ndirs = pc_get_le64(p);
	p += 8;
	for (uint64_t d = 0; d < ndirs; d++) {
		const unsigned char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *prev = q->dirs.n ? q->dirs.items[q->dirs.n - 1] : NULL;
		size_t np = prev ? strlen(prev) : 0;

		if (!nul || nul == p || (nul[-1] != '/' && memchr(p, '/', (size_t)(nul - p))) ||
		    (prev && (strcmp(prev, (const char *)p) >= 0 ||
			      (prev[np - 1] == '/' && !strncmp((const char *)p, prev, np)))))
			goto bad;
		pc_strlist_push(&q->dirs, (const char *)p);
		p = nul + 1;
	}
	if (!ndirs)
		goto bad;
	pc_buf_add(&q->tables, p, (size_t)(end - p));
	if (!tables_read(q))
		goto bad;
	q->records = pc_xcalloc(q->n ? q->n : 1, sizeof(*q->records));
	for (size_t i = 0; i < q->n; i++, records += RECORD_LEN) {
		int32_t model = (int32_t)get_u32(records);
		uint32_t line = get_u32(records + 4);
		int64_t cost = (int64_t)pc_get_le64(records + 8);

		/* a record a full run could not have written: the whole snapshot is not trusted */
		if (model < -1 || (model >= 0 && (size_t)model >= q->nmodels) || cost < 0 ||
		    line >= q->nlines)
			goto bad;
		q->records[i] = (struct pc_quiet_record){ model, line, cost };
	}
	q->loaded = true;
	return true;
bad:
	pc_quiet_release(q);
	return false;
}

struct literal {
	const char *path;
	uint32_t template;
};

static int compare_literals(const void *a, const void *b)
{
	const struct literal *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c ? c : (x->template > y->template) - (x->template < y->template);
}

static bool same_name(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Appends s to the strings: its offset (NONE for NULL; pc_quiet_index checks the size). */
static uint32_t add_string(struct pc_buf *strings, const char *s)
{
	size_t at = strings->len;

	if (!s)
		return NONE;
	pc_buf_adds(strings, s);
	pc_buf_addch(strings, '\0');
	return (uint32_t)at;
}

/* The slot where template t's line (its team and use case) is looked for first. */
static size_t line_slot(const struct pc_template_config *t, size_t mask)
{
	return (size_t)(pc_hash_str(t->team ? t->team : "") * 31 +
			pc_hash_str(t->use_case ? t->use_case : "")) & mask;
}

void pc_quiet_index(struct pc_quiet *q, const struct pc_config *config)
{
	struct literal *lits = NULL;
	struct pc_buf wild = PC_BUF_INIT, lines = PC_BUF_INIT, strings = PC_BUF_INIT;
	size_t nlits = 0, lits_cap = 0, nwild = 0, nlines = 0, mask = 63;
	/* each line's first template (+1; 0 is empty), by the two names' hash */
	size_t *slots = pc_xcalloc(mask + 1, sizeof(*slots)), *first = NULL, first_cap = 0;

	q->n = config->ntemplates;
	q->nmodels = config->nmodels;
	free(q->records);
	q->records = pc_xcalloc(q->n ? q->n : 1, sizeof(*q->records));
	for (size_t i = 0; i < q->n; i++) {
		const struct pc_template_config *t = &config->templates[i];
		size_t m = line_slot(t, mask);

		for (size_t g = 0; g < t->nfiles; g++) {
			if (!t->files[g].pattern[pc_glob_literal_len(t->files[g].pattern)]) {
				PC_GROW(lits, lits_cap, nlits + 1);
				lits[nlits++] = (struct literal){ t->files[g].pattern, (uint32_t)i };
			} else {
				put_u32(&wild, (uint32_t)i);
				put_u32(&wild, add_string(&strings, t->files[g].pattern));
				nwild++;
			}
		}
		while (slots[m] && !(same_name(config->templates[first[slots[m] - 1]].team, t->team) &&
				     same_name(config->templates[first[slots[m] - 1]].use_case,
					       t->use_case)))
			m = (m + 1) & mask;
		if (!slots[m]) {
			PC_GROW(first, first_cap, nlines + 1);
			first[nlines++] = i;
			slots[m] = nlines;
			put_u32(&lines, add_string(&strings, t->team));
			put_u32(&lines, add_string(&strings, t->use_case));
		}
		q->records[i] = (struct pc_quiet_record){ -1, (uint32_t)(slots[m] - 1), 0 };
		if (2 * nlines > mask) { /* half full: twice the slots, every line again */
			mask = 2 * mask + 1;
			free(slots);
			slots = pc_xcalloc(mask + 1, sizeof(*slots));
			for (size_t k = 0; k < nlines; k++) {
				m = line_slot(&config->templates[first[k]], mask);
				while (slots[m])
					m = (m + 1) & mask;
				slots[m] = k + 1;
			}
		}
	}
	if (nlits > 1)
		qsort(lits, nlits, sizeof(*lits), compare_literals);
	pc_buf_release(&q->tables);
	put_u64(&q->tables, nlits);
	for (size_t k = 0; k < nlits; k++) {
		put_u32(&q->tables, lits[k].template);
		put_u32(&q->tables, add_string(&strings, lits[k].path));
	}
	put_u64(&q->tables, nwild);
	pc_buf_add(&q->tables, wild.ptr, wild.len);
	put_u64(&q->tables, nlines);
	pc_buf_add(&q->tables, lines.ptr, lines.len);
	put_u64(&q->tables, strings.len);
	pc_buf_add(&q->tables, strings.ptr, strings.len);
	/* a library whose strings outgrow the offsets (4 GB) gets no snapshot: read as damaged */
	if (strings.len >= NONE || !tables_read(q))
		pc_buf_release(&q->tables);
	free(lits);
	free(first);
	free(slots);
	pc_buf_release(&wild);
	pc_buf_release(&lines);
	pc_buf_release(&strings);
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The first of the sorted paths that does not sort before prefix[0..len). */
static size_t first_from(const struct pc_strlist *paths, const char *prefix, size_t len)
{
	size_t lo = 0, hi = paths->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strncmp(paths->items[mid], prefix, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Whether a glob matches one of the sorted paths, as the templates stage
 * matches it: a glob without a wildcard is the one path equal to it; any
 * other matches only paths that start with its literal start.
 */
static bool matches_any(const char *glob, const struct pc_strlist *paths)
{
	size_t len = pc_glob_literal_len(glob);

	for (size_t i = first_from(paths, glob, len);
	     i < paths->n && !strncmp(paths->items[i], glob, len); i++)
		if (glob[len] ? pc_glob_match(glob, paths->items[i]) : !strcmp(glob, paths->items[i]))
			return true;
	return false;
}

/* The first literal entry whose path does not sort before path. */
static size_t literal_from(const struct pc_quiet *q, const char *path)
{
	size_t lo = 0, hi = q->nliterals;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(string_at(q, get_u32(entry_at(q, q->literals_at, mid) + 4)), path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void pc_quiet_visit(struct pc_quiet *q, struct pc_strlist *changed)
{
	size_t kept = 0;

	if (changed->n > 1)
		qsort(changed->items, changed->n, sizeof(*changed->items), compare_strings);
	for (size_t i = 0; i < changed->n; i++) {
		if (kept && !strcmp(changed->items[kept - 1], changed->items[i]))
			free(changed->items[i]);
		else
			changed->items[kept++] = changed->items[i];
	}
	changed->n = kept;
	free(q->visit);
	q->visit = pc_xcalloc(q->n ? q->n : 1, sizeof(*q->visit));
	for (size_t i = 0; i < q->n; i++)
		q->visit[i] = !q->loaded || q->records[i].model < 0;
	/* a changed path visits the templates whose globs name it */
	for (size_t c = 0; q->loaded && c < changed->n; c++)
		for (size_t k = literal_from(q, changed->items[c]); k < q->nliterals; k++) {
			const unsigned char *e = entry_at(q, q->literals_at, k);

			if (strcmp(string_at(q, get_u32(e + 4)), changed->items[c]))
				break;
			q->visit[get_u32(e)] = true;
		}
	/* and a glob with a wildcard the templates whose glob matches one */
	for (size_t k = 0; q->loaded && k < q->nwildcards; k++) {
		const unsigned char *e = entry_at(q, q->wildcards_at, k);
		uint32_t t = get_u32(e);

		if (!q->visit[t])
			q->visit[t] = matches_any(string_at(q, get_u32(e + 4)), changed);
	}
	q->nquiet = 0;
	for (size_t i = 0; i < q->n; i++)
		q->nquiet += !q->visit[i];
}

void pc_quiet_keep(struct pc_quiet *q)
{
	size_t k = 0;

	free(q->kept);
	q->kept = pc_xcalloc(q->n ? q->n : 1, sizeof(*q->kept));
	for (size_t i = 0; i < q->n; i++)
		if (q->visit[i])
			q->kept[k++] = i;
	q->reduced = true;
}

size_t pc_quiet_position(const struct pc_quiet *q, const struct pc_config *config,
			 const struct pc_template_config *t)
{
	size_t k = (size_t)(t - config->templates);

	return q->reduced ? q->kept[k] : k;
}

/* A spend line of the snapshot's line l: its team and use case, and cost. */
static struct pc_spend_line quiet_line(const struct pc_quiet *q, uint32_t l, int64_t cost)
{
	const unsigned char *e = entry_at(q, q->lines_at, l);

	/* the line of several templates: no one template or model */
	return (struct pc_spend_line){ .kind = PC_SPEND_PROJECTED, .team = string_at(q, get_u32(e)),
				       .use_case = string_at(q, get_u32(e + 4)), .day = -1,
				       .qty = { .per = 1 }, .cost_micros = cost };
}

void pc_quiet_lines(struct pc_report *report, const struct pc_quiet *q)
{
	size_t at = report->ntemplates, first = report->ntemplates, nlines = 0;
	int64_t *sums;
	size_t *counts;
	bool whole = true;

	report->nquiet = q->nquiet;
	if (!q->nquiet)
		return;
	/*
	 * Policy rolls the lines up by team and by use case only, so the quiet
	 * templates of one team and use case are one line: the snapshot's.
	 */
	sums = pc_xcalloc(q->nlines, sizeof(*sums));
	counts = pc_xcalloc(q->nlines, sizeof(*counts));
	for (size_t i = 0; i < q->n && whole; i++) {
		const struct pc_quiet_record *r = &q->records[i];

		if (q->visit[i])
			continue;
		whole = !__builtin_add_overflow(sums[r->line], r->cost_micros, &sums[r->line]);
		nlines += !counts[r->line]++;
	}
	/* a sum that would not fit: a line per template, for the roll-up to refuse as in full */
	nlines = whole ? nlines : q->nquiet;
	/* one zeroed line after the last, as the cost stage leaves it */
	report->lines_before = pc_xrealloc(report->lines_before, (at + nlines + 1) *
					   sizeof(*report->lines_before));
	for (size_t l = 0; whole && l < q->nlines; l++)
		if (counts[l])
			report->lines_before[at++] = quiet_line(q, (uint32_t)l, sums[l]);
	for (size_t i = 0; !whole && i < q->n; i++)
		if (!q->visit[i])
			report->lines_before[at++] = quiet_line(q, q->records[i].line,
								q->records[i].cost_micros);
	free(sums);
	free(counts);
	memset(&report->lines_before[at], 0, sizeof(*report->lines_before));
	/* a quiet template is unchanged: its line is the same on both sides */
	report->lines_after = pc_xrealloc(report->lines_after,
					  (at + 1) * sizeof(*report->lines_after));
	memcpy(report->lines_after + first, report->lines_before + first,
	       (at + 1 - first) * sizeof(*report->lines_after));
	report->nquiet_lines = at - first;
}

bool pc_quiet_eligible_row(const struct pc_report *report, size_t row)
{
	const struct pc_config *config = report->config;
	const struct pc_template_report *t = &report->templates[row];
	const struct pc_model *m = t->before.model;

	return t->quiet_able && t->change == PC_CHANGE_UNCHANGED && t->before.present &&
	       t->after.present && t->before.cache_keyed && t->after.cache_keyed &&
	       !t->notes.n && !t->reasons.n && !t->findings.n && t->verdict == PC_VERDICT_PASS &&
	       !t->cost_event && !t->monthly_delta_micros && m && m == t->after.model &&
	       m >= config->models && m < config->models + config->nmodels &&
	       t->volume >= config->templates && t->volume < config->templates + config->ntemplates &&
	       report->lines_before[row].cost_micros == report->lines_after[row].cost_micros &&
	       report->lines_before[row].cost_micros >= 0;
}

/* The record a judged row leaves in the snapshot (its line is the template's). */
static struct pc_quiet_record row_record(const struct pc_report *report, size_t row,
					 uint32_t line)
{
	struct pc_quiet_record r = { -1, line, 0 };

	if (pc_quiet_eligible_row(report, row)) {
		r.model = (int32_t)(report->templates[row].before.model - report->config->models);
		r.cost_micros = report->lines_before[row].cost_micros;
	}
	return r;
}

void pc_quiet_encode(struct pc_buf *out, const struct pc_quiet *q,
		     const struct pc_quiet_record *records, const char *tree)
{
	pc_buf_adds(out, MAGIC);
	pc_buf_adds(out, tree);
	pc_buf_addch(out, '\n');
	put_u64(out, q->n);
	put_u64(out, q->nmodels);
	for (size_t i = 0; i < q->n; i++) {
		put_u32(out, (uint32_t)records[i].model);
		put_u32(out, records[i].line);
		put_u64(out, (uint64_t)records[i].cost_micros);
	}
	put_u64(out, q->dirs.n);
	for (size_t d = 0; d < q->dirs.n; d++) {
		pc_buf_adds(out, q->dirs.items[d]);
		pc_buf_addch(out, '\0');
	}
	pc_buf_add(out, q->tables.ptr, q->tables.len);
}

bool pc_quiet_payload(struct pc_buf *out, const struct pc_quiet *q, const struct pc_report *report,
		      const char *tree)
{
	const struct pc_config *config = report->config;
	struct pc_quiet_record *records;
	/* a visited template without a row (nothing on either side) must lose its record too */
	bool changed = !q->loaded || strcmp(q->tree, tree) ||
		       report->ntemplates != q->n - q->nquiet;

	if (!q->tables.len || !q->dirs.n)
		return false; /* no tables (pc_quiet_index could not make them): no snapshot */
	for (size_t k = 0; k < report->ntemplates; k++)
		if (report->templates[k].volume < config->templates ||
		    report->templates[k].volume >= config->templates + config->ntemplates)
			return false; /* a row that is no template of the configuration: none is */
	/* only the collected rows can differ from the loaded records: most runs stop here */
	for (size_t k = 0; !changed && k < report->ntemplates; k++) {
		size_t i = pc_quiet_position(q, config, report->templates[k].volume);
		struct pc_quiet_record r = row_record(report, k, q->records[i].line);

		changed = r.model != q->records[i].model || r.cost_micros != q->records[i].cost_micros;
	}
	if (!changed)
		return false;
	records = pc_xcalloc(q->n ? q->n : 1, sizeof(*records));
	for (size_t i = 0; i < q->n; i++) {
		records[i] = q->records[i];
		if (q->visit[i])
			records[i].model = -1, records[i].cost_micros = 0;
	}
	for (size_t k = 0; k < report->ntemplates; k++) {
		size_t i = pc_quiet_position(q, config, report->templates[k].volume);

		records[i] = row_record(report, k, q->records[i].line);
	}
	pc_quiet_encode(out, q, records, tree);
	free(records);
	return true;
}

void pc_quiet_release(struct pc_quiet *q)
{
	free(q->records);
	free(q->visit);
	free(q->kept);
	pc_strlist_release(&q->dirs);
	pc_buf_release(&q->tables);
	memset(q, 0, sizeof(*q));
}
