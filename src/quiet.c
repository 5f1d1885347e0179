/*
 * The quiet-template snapshot (quiet.h): its key, its records, which
 * templates a run must collect, and the spend lines of those it need not.
 *
 * Payload (the cache file around it, with the build id, the key and a
 * checksum, is cache.c's), integers little-endian:
 *
 *   "quiet 1 " | base tree id (40 hex) | "\n"
 *   templates (8) | models (8)
 *   per template, in the configuration's order: model (4, -1: not
 *   eligible) | month's cost in micro-units (8)
 *   the globs' folders (pc_templates_folders): count (8), then each one
 *   NUL-terminated (finding them again was 4 million instructions at
 *   10,000 templates)
 */
#include "promptcost/quiet.h"

#include "promptcost/glob.h"
#include "promptcost/spend.h"

#include <stdlib.h>
#include <string.h>

#define MAGIC "quiet 1 "
#define MAGIC_LEN 8
#define HEAD_LEN (MAGIC_LEN + PC_OID_HEXSZ + 1 + 16)
#define RECORD_LEN 12

static void put_u64(struct pc_buf *out, uint64_t v)
{
	unsigned char b[8];

	pc_put_le64(b, v);
	pc_buf_add(out, b, 8);
}

void pc_quiet_key(struct pc_buf *key, const char *config_path, const char *config_oid,
		  const char *volumes_oid, const char *price_date)
{
	/* NUL-separated text, compared whole by cache.c: no field can run into the next */
	pc_buf_adds(key, "promptcost quiet 1");
	pc_buf_addch(key, '\0');
	pc_buf_adds(key, config_path);
	pc_buf_addch(key, '\0');
	pc_buf_adds(key, config_oid);
	pc_buf_addch(key, '\0');
	pc_buf_adds(key, volumes_oid);
	pc_buf_addch(key, '\0');
	pc_buf_adds(key, price_date);
}

bool pc_quiet_parse(struct pc_quiet *q, const char *data, size_t len, size_t n, size_t nmodels)
{
	const unsigned char *p = (const unsigned char *)data, *end = p + len;
	uint64_t ndirs;

	memset(q, 0, sizeof(*q));
	q->n = n;

	if (len < HEAD_LEN + n * RECORD_LEN + 8 || memcmp(p, MAGIC, MAGIC_LEN) ||
	    p[MAGIC_LEN + PC_OID_HEXSZ] != '\n' || pc_get_le64(p + HEAD_LEN - 16) != n ||
	    pc_get_le64(p + HEAD_LEN - 8) != nmodels)
		return false;
	for (size_t i = 0; i < PC_OID_HEXSZ; i++) {
		char c = (char)p[MAGIC_LEN + i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
		q->tree[i] = c;
	}
	q->tree[PC_OID_HEXSZ] = '\0';
	q->records = pc_xcalloc(n ? n : 1, sizeof(*q->records));
	p += HEAD_LEN;
	for (size_t i = 0; i < n; i++, p += RECORD_LEN) {
		int32_t model = (int32_t)(uint32_t)(p[0] | p[1] << 8 | p[2] << 16 |
						    (uint32_t)p[3] << 24);
		int64_t cost = (int64_t)pc_get_le64(p + 4);

		/* a record a full run could not have written: the whole snapshot is not trusted */
		if (model < -1 || (model >= 0 && (size_t)model >= nmodels) || cost < 0) {
			free(q->records);
			q->records = NULL;
			return false;
		}
		q->records[i].model = model;
		q->records[i].cost_micros = cost;
	}
	/* the folders: sorted, each ending in '/', none inside the one before, nothing after */
	ndirs = pc_get_le64(p);
	p += 8;
	for (uint64_t d = 0; d < ndirs; d++) {
		const unsigned char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *prev = q->dirs.n ? q->dirs.items[q->dirs.n - 1] : NULL;

		if (!nul || nul == p || nul[-1] != '/' ||
		    (prev && (strcmp(prev, (const char *)p) >= 0 ||
			      !strncmp((const char *)p, prev, strlen(prev))))) {
			pc_quiet_release(q);
			q->n = n;
			return false;
		}
		pc_strlist_push(&q->dirs, (const char *)p);
		p = nul + 1;
	}
	if (p != end || !ndirs) {
		pc_quiet_release(q);
		q->n = n;
		return false;
	}
	q->loaded = true;
	return true;
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
	size_t len = strcspn(glob, "*?[\\");

	for (size_t i = first_from(paths, glob, len);
	     i < paths->n && !strncmp(paths->items[i], glob, len); i++)
		if (glob[len] ? pc_glob_match(glob, paths->items[i]) : !strcmp(glob, paths->items[i]))
			return true;
	return false;
}

void pc_quiet_visit(struct pc_quiet *q, const struct pc_config *config,
		    struct pc_strlist *changed)
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
	q->nquiet = 0;
	for (size_t i = 0; i < q->n; i++) {
		const struct pc_template_config *t = &config->templates[i];
		bool visit = !q->loaded || q->records[i].model < 0;

		for (size_t g = 0; !visit && g < t->nfiles; g++)
			visit = matches_any(t->files[g].pattern, changed);
		q->visit[i] = visit;
		q->nquiet += !visit;
	}
}

static bool same_name(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/*
 * A name's hash, remembered by its pointer: templates share their team's
 * and use case's names with the budgets (config_snapshot.c), so ten
 * thousand templates hash a few names.
 */
struct name_hashes {
	const char *name[64];
	uint64_t hash[64];
};

static uint64_t name_hash(struct name_hashes *h, const char *name)
{
	size_t k = ((uintptr_t)name >> 4) & 63;

	if (!name)
		return 0;
	if (h->name[k] != name) {
		h->name[k] = name;
		h->hash[k] = pc_hash_str(name);
	}
	return h->hash[k];
}

static size_t pair_slot(struct name_hashes *h, const char *team, const char *use_case,
			size_t mask)
{
	return (size_t)(name_hash(h, team) * 31 + name_hash(h, use_case)) & mask;
}

void pc_quiet_lines(struct pc_report *report, const struct pc_quiet *q)
{
	const struct pc_config *config = report->config;
	size_t at = report->ntemplates, first = report->ntemplates, mask = 255;
	/*
	 * Policy rolls the lines up by team and by use case only, so the quiet
	 * templates of one team and use case are one line, found by the two
	 * names in a table of line positions (+1; 0 is empty) that grows.
	 */
	size_t *slots;
	struct name_hashes hashes;

	report->nquiet = q->nquiet;
	if (!q->nquiet)
		return;
	slots = pc_xcalloc(mask + 1, sizeof(*slots));
	memset(&hashes, 0, sizeof(hashes));
	/* one zeroed line after the last, as the cost stage leaves it */
	report->lines_before = pc_xrealloc(report->lines_before, (report->ntemplates + q->nquiet + 1) *
					   sizeof(*report->lines_before));
	for (size_t i = 0; i < q->n; i++) {
		const struct pc_template_config *t = &config->templates[i];
		size_t m;
		struct pc_spend_line *l = NULL;
		int64_t sum;

		if (q->visit[i])
			continue;
		m = pair_slot(&hashes, t->team, t->use_case, mask);
		while (slots[m] && !(same_name(report->lines_before[slots[m] - 1].team, t->team) &&
				     same_name(report->lines_before[slots[m] - 1].use_case, t->use_case)))
			m = (m + 1) & mask;
		if (slots[m])
			l = &report->lines_before[slots[m] - 1];
		/* a sum that would not fit is left to the roll-up to refuse: a line of its own */
		if (l && !__builtin_add_overflow(l->cost_micros, q->records[i].cost_micros, &sum)) {
			l->cost_micros = sum;
			continue;
		}
		/* the line of several templates: no one template or model */
		report->lines_before[at] = (struct pc_spend_line){
			.kind = PC_SPEND_PROJECTED, .team = t->team, .use_case = t->use_case,
			.day = -1, .qty = { .per = 1 }, .cost_micros = q->records[i].cost_micros };
		at++;
		if (!slots[m])
			slots[m] = at;
		if (2 * (at - first) > mask) { /* half full: twice the slots, every line again */
			mask = 2 * mask + 1;
			free(slots);
			slots = pc_xcalloc(mask + 1, sizeof(*slots));
			for (size_t k = first; k < at; k++) {
				const struct pc_spend_line *x = &report->lines_before[k];

				m = pair_slot(&hashes, x->team, x->use_case, mask);
				while (slots[m])
					m = (m + 1) & mask;
				slots[m] = k + 1;
			}
		}
	}
	free(slots);
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

/* The record a judged row leaves in the snapshot. */
static struct pc_quiet_record row_record(const struct pc_report *report, size_t row)
{
	struct pc_quiet_record r = { -1, 0 };

	if (pc_quiet_eligible_row(report, row)) {
		r.model = (int32_t)(report->templates[row].before.model - report->config->models);
		r.cost_micros = report->lines_before[row].cost_micros;
	}
	return r;
}

bool pc_quiet_payload(struct pc_buf *out, const struct pc_quiet *q, const struct pc_report *report,
		      const char *tree)
{
	const struct pc_config *config = report->config;
	struct pc_quiet_record *records;
	/* a visited template without a row (nothing on either side) must lose its record too */
	bool changed = !q->loaded || strcmp(q->tree, tree) ||
		       report->ntemplates != q->n - q->nquiet;
	size_t row = 0;

	/* only the collected rows can differ from the loaded records: most runs stop here */
	for (size_t k = 0; !changed && k < report->ntemplates; k++) {
		struct pc_quiet_record r = row_record(report, k);
		size_t i = (size_t)(report->templates[k].volume - config->templates);

		changed = r.model != q->records[i].model || r.cost_micros != q->records[i].cost_micros;
	}
	if (!changed)
		return false;
	records = pc_xcalloc(q->n ? q->n : 1, sizeof(*records));
	for (size_t i = 0; i < q->n; i++) {
		records[i].model = -1;
		if (row < report->ntemplates &&
		    report->templates[row].volume == &config->templates[i])
			records[i] = row_record(report, row++);
		else if (q->loaded && !q->visit[i])
			records[i] = q->records[i];
	}
	pc_buf_adds(out, MAGIC);
	pc_buf_adds(out, tree);
	pc_buf_addch(out, '\n');
	put_u64(out, q->n);
	put_u64(out, config->nmodels);
	for (size_t i = 0; i < q->n; i++) {
		uint32_t m = (uint32_t)records[i].model;
		unsigned char b[4] = { (unsigned char)m, (unsigned char)(m >> 8),
				       (unsigned char)(m >> 16), (unsigned char)(m >> 24) };

		pc_buf_add(out, b, 4);
		put_u64(out, (uint64_t)records[i].cost_micros);
	}
	put_u64(out, q->dirs.n);
	for (size_t d = 0; d < q->dirs.n; d++) {
		pc_buf_adds(out, q->dirs.items[d]);
		pc_buf_addch(out, '\0');
	}
	free(records);
	return true;
}

void pc_quiet_release(struct pc_quiet *q)
{
	free(q->records);
	free(q->visit);
	pc_strlist_release(&q->dirs);
	memset(q, 0, sizeof(*q));
}
