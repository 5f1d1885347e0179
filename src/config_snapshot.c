/*
 * The interpreted configuration as bytes and back (config.h's
 * pc_config_snapshot_*): what the parsed-configuration cache keeps, so that a
 * check of a configuration seen before neither parses its YAML nor
 * interprets it again. Interpreting a 1,000-template configuration from its
 * YAML tree was a third of a warm check.
 *
 * One walk serves both directions: every io_* function writes the field
 * when io->reading is false and reads it into place when it is true, so the
 * writer and the reader cannot disagree on the layout. The reader trusts
 * nothing: every count is bounded by the bytes left, every enum and flag is
 * range-checked, every string is NUL-free; anything else is damage, and the
 * caller parses the text instead. What is read lives in one block
 * (config->arena), freed at once.
 *
 * The sizes asserted below make a change to the configuration's structs
 * fail to compile until this walk is brought up to date: a field the walk
 * forgot would be zero in every cached check.
 */
#include "promptcost/config.h"

#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#if UINTPTR_MAX == UINT64_MAX
_Static_assert(sizeof(struct pc_model) == 160, "update io_model");
_Static_assert(sizeof(struct pc_budget) == 72, "update io_budget");
_Static_assert(sizeof(struct pc_reservation) == 64, "update io_reservation");
_Static_assert(sizeof(struct pc_glob) == 24, "update io_glob");
_Static_assert(sizeof(struct pc_variable) == 24, "update io_variable");
_Static_assert(sizeof(struct pc_template_config) == 144, "update io_template");
_Static_assert(sizeof(struct pc_ssh_key) == 80, "update io_ssh_key");
_Static_assert(sizeof(struct pc_approver) == 32, "update io_approver");
_Static_assert(sizeof(struct pc_policy) == 104, "update io_policy");
_Static_assert(sizeof(struct pc_usage_rule) == 32, "update io_usage");
_Static_assert(sizeof(struct pc_model_alias) == 24, "update io_usage");
_Static_assert(sizeof(struct pc_usage_config) == 32, "update io_usage");
_Static_assert(sizeof(struct pc_config) == 248, "update io_config");
#endif

#define MAGIC "promptcost-cs-3\n"
#define MAGIC_SIZE 16
#define ALIGN 16

/*
 * The field readers are forced inline: a snapshot of 10,000 templates is
 * 250,000 fields, and the calls (each testing whether it reads or writes)
 * were a third of loading it.
 */
#define PC_INLINE __attribute__((always_inline)) inline

struct io {
	bool reading;
	struct pc_buf *out;                 /* writing */
	const unsigned char *p, *end;       /* reading */
	char *arena;                        /* reading: the block */
	size_t used, cap;                   /* reading: of the block; writing: what it will need */
	bool bad;
	/* reading: the templates to read (pc_config_snapshot_read_some); NULL: all */
	const bool *keep;
	size_t keep_n;
	/* the configuration's teams and use cases, read before its templates (io_budget_ref) */
	const struct pc_budget *teams, *use_cases;
	size_t nteams, nuse_cases;
	struct pc_name_index team_index, use_case_index; /* writing */
};

static size_t rounded(size_t n)
{
	return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

/* Reading: n zeroed bytes of the block (NULL, and damage, when it has none left). */
PC_INLINE static void *take(struct io *io, size_t n)
{
	size_t r = rounded(n ? n : 1);
	void *p;

	if (!io->reading) {
		io->cap += r;
		return NULL;
	}
	if (io->bad || r > io->cap - io->used) {
		io->bad = true;
		return NULL;
	}
	p = io->arena + io->used;
	io->used += r;
	if (io->keep) /* a reduced read takes a part of its block, which is not zeroed whole */
		memset(p, 0, r);
	return p;
}

/*
 * Integers are LEB128 (7 bits a byte, low first; signed ones zigzagged):
 * most fields are small, and a fixed 8 bytes each made the snapshot larger
 * than the YAML it replaces.
 */
PC_INLINE static void io_u64(struct io *io, uint64_t *v)
{
	uint64_t x = *v;
	int shift;

	if (!io->reading) {
		unsigned char b[10];
		size_t n = 0;

		do {
			b[n++] = (unsigned char)((x & 0x7f) | (x > 0x7f ? 0x80 : 0));
			x >>= 7;
		} while (x);
		pc_buf_add(io->out, b, n);
		return;
	}
	*v = 0;
	if (io->bad)
		return;
	if (io->p < io->end && !(*io->p & 0x80)) { /* most numbers are under 128: one byte */
		*v = *io->p++;
		return;
	}
	for (x = 0, shift = 0; io->p < io->end && shift < 64; shift += 7) {
		unsigned char c = *io->p++;

		if (shift == 63 && c > 1)
			break; /* more than 64 bits */
		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = x;
			return;
		}
	}
	io->bad = true;
}

PC_INLINE static void io_i64(struct io *io, int64_t *v)
{
	uint64_t u = ((uint64_t)*v << 1) ^ (uint64_t)(*v >> 63);

	io_u64(io, &u);
	*v = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

PC_INLINE static void io_bool(struct io *io, bool *v)
{
	uint64_t u = *v;

	io_u64(io, &u);
	if (u > 1)
		io->bad = true;
	*v = u == 1;
}

/* An enum field below count, any type: read through a uint64_t. */
#define IO_ENUM(io, field, count)                                                                  \
	do {                                                                                       \
		uint64_t v_ = (uint64_t)(field);                                                   \
		io_u64((io), &v_);                                                                 \
		if (v_ >= (uint64_t)(count))                                                       \
			(io)->bad = true;                                                          \
		else                                                                               \
			(field) = v_;                                                              \
	} while (0)

PC_INLINE static void io_int(struct io *io, int *v)
{
	int64_t w = *v;

	io_i64(io, &w);
	if (w < INT_MIN || w > INT_MAX)
		io->bad = true;
	else
		*v = (int)w;
}

PC_INLINE static void io_pos(struct io *io, struct pc_pos *pos)
{
	uint64_t line = pos->line, col = pos->col;

	io_u64(io, &line);
	io_u64(io, &col);
	if (line > UINT_MAX || col > UINT_MAX)
		io->bad = true;
	pos->line = (unsigned)line;
	pos->col = (unsigned)col;
}

/* n bytes (a string's, with its NUL when text) */
PC_INLINE static void *io_bytes(struct io *io, const void *from, uint64_t n, bool text)
{
	void *to;

	if (!io->reading) {
		pc_buf_add(io->out, from, (size_t)n);
		take(io, (size_t)n + text);
		return (void *)from;
	}
	if (io->bad || (uint64_t)(io->end - io->p) < n ||
	    (text && memchr(io->p, '\0', (size_t)n))) {
		io->bad = true;
		return NULL;
	}
	if (!(to = take(io, (size_t)n + text)))
		return NULL;
	memcpy(to, io->p, (size_t)n);
	io->p += n;
	return to; /* take zeroes: the NUL is there */
}

/* A string or NULL: its length + 1 (0 for NULL), then its bytes. */
PC_INLINE static void io_str(struct io *io, char **s)
{
	uint64_t n = *s ? strlen(*s) + 1 : 0;

	io_u64(io, &n);
	if (io->reading)
		*s = n && !io->bad ? io_bytes(io, NULL, n - 1, true) : NULL;
	else if (n)
		io_bytes(io, *s, n - 1, true);
}

/* A fixed buffer holding a NUL-terminated string. */
static void io_fixed(struct io *io, char *buf, size_t size)
{
	const void *from;

	if (!io->reading) {
		pc_buf_add(io->out, buf, size);
		return;
	}
	from = io->p;
	if (io->bad || (size_t)(io->end - io->p) < size || !memchr(from, '\0', size)) {
		io->bad = true;
		return;
	}
	memcpy(buf, from, size);
	io->p += size;
}

/*
 * An array's count, and reading, its block: every element takes at least a
 * byte of the input, so a count the rest cannot hold is damage.
 */
static void *io_count(struct io *io, void *items, size_t *n, size_t elem)
{
	uint64_t count = *n;

	io_u64(io, &count);
	if (!io->reading) {
		if (count)
			take(io, (size_t)count * elem);
		return items;
	}
	if (io->bad || count > (uint64_t)(io->end - io->p)) {
		io->bad = true;
		*n = 0;
		return NULL;
	}
	*n = (size_t)count;
	return count ? take(io, (size_t)count * elem) : NULL;
}

#define IO_ARRAY(io, items, n, fn)                                                                 \
	do {                                                                                       \
		(items) = io_count((io), (items), &(n), sizeof(*(items)));                         \
		for (size_t i_ = 0; i_ < (n) && !(io)->bad; i_++)                                  \
			fn((io), &(items)[i_]);                                                    \
		if ((io)->reading && (io)->bad)                                                    \
			(n) = 0;                                                                   \
	} while (0)

/* A pointer into a static catalog table, as its index (-1: NULL). */
static const struct pc_catalog_model *io_catalog(struct io *io, const struct pc_catalog_model *m)
{
	int64_t k = m ? (int64_t)(m - pc_catalog_models) : -1;

	io_i64(io, &k);
	if (k < -1 || k >= (int64_t)pc_catalog_nmodels) {
		io->bad = true;
		return NULL;
	}
	return k < 0 ? NULL : &pc_catalog_models[k];
}

static void io_model(struct io *io, struct pc_model *m)
{
	io_str(io, &m->name);
	io_pos(io, &m->pos);
	IO_ENUM(io, m->encoding, PC_ENC__COUNT);
	io_bool(io, &m->approximate);
	io_i64(io, &m->approx_factor_ppm);
	io_i64(io, &m->input_micros_per_mtok);
	io_i64(io, &m->output_micros_per_mtok);
	io_bool(io, &m->has_cached_input_price);
	io_i64(io, &m->cached_input_micros_per_mtok);
	io_bool(io, &m->has_cache_write_price);
	io_i64(io, &m->cache_write_micros_per_mtok);
	io_bool(io, &m->has_cache_write_1h_price);
	io_i64(io, &m->cache_write_1h_micros_per_mtok);
	io_bool(io, &m->cache_ttl_1h);
	/*
	 * Tiers are not kept: only catalog prices have them, and those are
	 * looked up again when the snapshot is read (pc_config_snapshot_read).
	 */
	if (io->reading) {
		m->tiers = NULL;
		m->ntiers = 0;
	}
	IO_ENUM(io, m->price_source, PC_PRICE_CATALOG + 1);
	m->catalog = io_catalog(io, m->catalog);
	io_fixed(io, m->price_from, sizeof(m->price_from));
	io_fixed(io, m->price_date, sizeof(m->price_date));
	io_bool(io, &m->from_template);
	if (io->reading && m->price_source == PC_PRICE_CATALOG && !m->catalog)
		io->bad = true;
}

static void io_budget(struct io *io, struct pc_budget *b)
{
	io_str(io, &b->name);
	io_pos(io, &b->pos);
	io_bool(io, &b->has_budget);
	io_i64(io, &b->monthly_budget_micros);
	IO_ENUM(io, b->limit, PC_LIMIT_SOFT + 1);
	io_bool(io, &b->has_warn_at);
	io_i64(io, &b->warn_at_ppm);
	io_i64(io, &b->other_monthly_spend_micros);
	io_bool(io, &b->has_cache_hit_target);
	io_i64(io, &b->cache_hit_target_ppm);
}

static void io_reservation(struct io *io, struct pc_reservation *r)
{
	io_str(io, &r->id);
	io_pos(io, &r->pos);
	io_str(io, &r->model);
	io_i64(io, &r->units);
	io_i64(io, &r->unit_price_per_hour_micros);
	io_i64(io, &r->tokens_per_minute_per_unit);
	io_i64(io, &r->output_token_weight);
	io_i64(io, &r->cached_token_weight);
}

static void io_glob(struct io *io, struct pc_glob *g)
{
	io_str(io, &g->pattern);
	io_str(io, &g->fragment);
	io_pos(io, &g->pos);
}

static void io_variable(struct io *io, struct pc_variable *v)
{
	io_str(io, &v->name);
	io_i64(io, &v->tokens);
	io_pos(io, &v->pos);
}

/*
 * A template's team or use case: the position + 1 of the budget of that
 * name (0: none, then the string). Read, it is that budget's own name, one
 * string shared by every template of the team, so that roll-ups find a
 * team's row by its pointer instead of hashing its name once a template.
 */
static void io_budget_ref(struct io *io, char **s, const struct pc_budget *budgets, size_t n,
			  struct pc_name_index *index)
{
	uint64_t ref = 0;

	if (!io->reading && *s) {
		size_t k;

		if (!index->slots)
			pc_name_index_init(index, budgets, n, sizeof(*budgets),
					   offsetof(struct pc_budget, name));
		if ((k = pc_name_index_find(index, *s)) != SIZE_MAX)
			ref = k + 1;
	}
	io_u64(io, &ref);
	if (!ref) {
		io_str(io, s);
	} else if (io->reading) {
		if (ref > n || !budgets)
			io->bad = true;
		else
			*s = budgets[ref - 1].name;
	}
}

static void io_template(struct io *io, struct pc_template_config *t)
{
	io_str(io, &t->id);
	io_pos(io, &t->pos);
	IO_ARRAY(io, t->files, t->nfiles, io_glob);
	io_budget_ref(io, &t->team, io->teams, io->nteams, &io->team_index);
	io_budget_ref(io, &t->use_case, io->use_cases, io->nuse_cases, &io->use_case_index);
	io_str(io, &t->model);
	io_pos(io, &t->model_pos);
	io_str(io, &t->deployment);
	io_i64(io, &t->calls_per_day);
	io_i64(io, &t->output_tokens_per_call);
	io_str(io, &t->service_tier);
	io_i64(io, &t->cache_hit_ppm);
	io_i64(io, &t->cached_input_ppm);
	IO_ENUM(io, t->format, PC_TEXT_FRONT_MATTER + 1);
	io_int(io, &t->includes);
	IO_ARRAY(io, t->variables, t->nvariables, io_variable);
	io_bool(io, &t->family);
	io_bool(io, &t->generated);
	if (io->reading && (!t->id || !t->model))
		io->bad = true;
}

/*
 * The templates, each one's bytes after its length, so that a reader of
 * some (io->keep: the changed templates of a quiet check, quiet.h) steps
 * over the others without decoding them: at 10,000 templates, decoding
 * them all was a quarter of a check.
 */
static void io_templates(struct io *io, struct pc_config *c)
{
	uint64_t count = c->ntemplates;

	if (!io->reading) {
		struct pc_buf *out = io->out, one = PC_BUF_INIT;

		io_count(io, c->templates, &c->ntemplates, sizeof(*c->templates));
		for (size_t i = 0; i < c->ntemplates; i++) {
			uint64_t len;

			one.len = 0;
			io->out = &one;
			io_template(io, &c->templates[i]);
			io->out = out;
			len = one.len;
			io_u64(io, &len);
			pc_buf_add(out, one.ptr, one.len);
		}
		pc_buf_release(&one);
		return;
	}
	io_u64(io, &count);
	if (io->bad || count > (uint64_t)(io->end - io->p) || (io->keep && count != io->keep_n)) {
		io->bad = true;
		return;
	}
	c->ntemplates = 0;
	if (io->keep) {
		size_t kept = 0;

		for (size_t i = 0; i < io->keep_n; i++)
			kept += io->keep[i];
		c->templates = kept ? take(io, kept * sizeof(*c->templates)) : NULL;
	} else {
		c->templates = count ? take(io, (size_t)count * sizeof(*c->templates)) : NULL;
	}
	for (size_t i = 0; i < count && !io->bad; i++) {
		const unsigned char *end = io->end;
		uint64_t len = 0;

		io_u64(io, &len);
		if (io->bad || len > (uint64_t)(io->end - io->p)) {
			io->bad = true;
			break;
		}
		if (io->keep && !io->keep[i]) {
			io->p += len;
			continue;
		}
		io->end = io->p + len;
		io_template(io, &c->templates[c->ntemplates++]);
		if (io->p != io->end)
			io->bad = true;
		io->end = end;
	}
	if (io->bad)
		c->ntemplates = 0;
}

static void io_ssh_key(struct io *io, struct pc_ssh_key *k)
{
	uint64_t n = k->blob_len;

	io_str(io, &k->type);
	io_u64(io, &n);
	if (io->reading) {
		k->blob = !io->bad ? io_bytes(io, NULL, n, false) : NULL;
		k->blob_len = k->blob ? (size_t)n : 0;
	} else {
		io_bytes(io, k->blob, n, false);
	}
	io_fixed(io, k->fingerprint, sizeof(k->fingerprint));
}

static void io_approver(struct io *io, struct pc_approver *a)
{
	io_str(io, &a->id);
	IO_ARRAY(io, a->keys, a->nkeys, io_ssh_key);
	io_pos(io, &a->pos);
}

static void io_policy(struct io *io, struct pc_policy *p)
{
	io_bool(io, &p->has_event_delta);
	io_i64(io, &p->event_delta_micros);
	io_bool(io, &p->has_event_percent);
	io_i64(io, &p->event_ppm);
	io_i64(io, &p->event_min_delta_micros);
	IO_ENUM(io, p->unapproved, PC_UNAPPROVED_WARN + 1);
	IO_ARRAY(io, p->approvers.items, p->approvers.n, io_str);
	p->approvers.cap = p->approvers.n;
	IO_ARRAY(io, p->approver_keys, p->napprover_keys, io_approver);
	IO_ENUM(io, p->file_approvals, PC_FILE_APPROVALS_UNSIGNED + 1);
	io_bool(io, &p->has_cache_hit_target);
	io_i64(io, &p->cache_hit_target_ppm);
}

static void io_rule(struct io *io, struct pc_usage_rule *r)
{
	io_str(io, &r->template);
	IO_ENUM(io, r->match, PC_USAGE_MATCH_PROJECT + 1);
	io_str(io, &r->value);
	io_pos(io, &r->pos);
}

static void io_alias(struct io *io, struct pc_model_alias *a)
{
	io_str(io, &a->name);
	io_str(io, &a->model);
	io_pos(io, &a->pos);
}

static void io_config(struct io *io, struct pc_config *c)
{
	io_str(io, &c->currency);
	io_i64(io, &c->days_per_month);
	IO_ARRAY(io, c->models, c->nmodels, io_model);
	IO_ARRAY(io, c->teams, c->nteams, io_budget);
	IO_ARRAY(io, c->use_cases, c->nuse_cases, io_budget);
	io->teams = c->teams;
	io->nteams = c->nteams;
	io->use_cases = c->use_cases;
	io->nuse_cases = c->nuse_cases;
	io_templates(io, c);
	IO_ARRAY(io, c->reservations, c->nreservations, io_reservation);
	io_policy(io, &c->policy);
	IO_ARRAY(io, c->usage.rules, c->usage.nrules, io_rule);
	IO_ARRAY(io, c->usage.aliases, c->usage.naliases, io_alias);
	if (io->reading && !c->currency)
		io->bad = true;
}

void pc_config_snapshot_write(struct pc_buf *out, const struct pc_config *config)
{
	struct io io = { .reading = false, .out = out };
	/* the walk takes its fields' addresses; writing, it stores back only what was there */
	struct pc_config copy = *config;
	size_t at, need;

	pc_buf_add(out, MAGIC, MAGIC_SIZE);
	at = out->len;
	pc_buf_add(out, "\0\0\0\0\0\0\0\0", 8); /* the block's size, filled in below */
	io_config(&io, &copy);
	pc_name_index_release(&io.team_index);
	pc_name_index_release(&io.use_case_index);
	need = io.cap;
	for (int i = 0; i < 8; i++)
		((unsigned char *)out->ptr)[at + (size_t)i] = (unsigned char)(need >> (8 * i));
}

struct pc_config *pc_config_snapshot_read(const void *data, size_t len, const char *path)
{
	return pc_config_snapshot_read_some(data, len, path, NULL, 0);
}

struct pc_config *pc_config_snapshot_read_some(const void *data, size_t len, const char *path,
					       const bool *keep, size_t n)
{
	struct io io = { .reading = true, .p = data, .end = (const unsigned char *)data + len,
			 .keep = keep, .keep_n = n };
	struct pc_config *config;
	uint64_t need = 0;
	size_t path_len = strlen(path);
	char today[11];

	if (len < MAGIC_SIZE || memcmp(data, MAGIC, MAGIC_SIZE))
		return NULL;
	if (len < MAGIC_SIZE + 8)
		return NULL;
	io.p += MAGIC_SIZE;
	for (int i = 0; i < 8; i++)
		need |= (uint64_t)io.p[i] << (8 * i);
	io.p += 8;
	/* a byte read makes at most 24 bytes of the block (a list's string) */
	if (need > (uint64_t)len * 32)
		return NULL;
	io.cap = rounded(sizeof(*config)) + (size_t)need + rounded(path_len + 1);
	/* sized for every template: calloc's zeroing of what a reduced read leaves was 2.8M */
	io.arena = keep ? malloc(io.cap) : calloc(1, io.cap);
	if (!io.arena)
		return NULL;
	config = take(&io, sizeof(*config));
	config->arena = io.arena;
	config->path = take(&io, path_len + 1);
	memcpy(config->path, path, path_len + 1);
	io_config(&io, config);
	if (io.bad || io.p != io.end) {
		free(io.arena);
		return NULL;
	}
	/*
	 * Catalog prices as a parse today has them: a configuration whose
	 * catalog models have no price today is parsed again, for its error.
	 */
	pc_catalog_today(today);
	if (pc_config_price_at(config, today) < 0) {
		pc_error_clear();
		free(io.arena);
		return NULL;
	}
	return config;
}
