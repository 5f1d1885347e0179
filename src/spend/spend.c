/*
 * Spend lines, their pricing and their rollups. Every quantity is a 128-bit
 * numerator over the line's common denominator; pricing forms the whole sum
 * of quantity x price and divides once, so the only rounding in a line's
 * money is the last one, half away from zero.
 */
#include "promptcost/spend.h"

#include "promptcost/money.h"

#include <stdlib.h>
#include <string.h>

const char *pc_spend_kind_name(enum pc_spend_kind kind)
{
	switch (kind) {
	case PC_SPEND_PROJECTED: return "projected";
	case PC_SPEND_RECORDED: return "recorded";
	case PC_SPEND_CONFIGURED: return "configured";
	}
	return "?";
}

/* *acc = a * b in 128 bits; false on overflow. */
static bool mul(pc_int128 *acc, pc_int128 a, pc_int128 b)
{
	return !__builtin_mul_overflow(a, b, acc);
}

static bool add(pc_int128 *acc, pc_int128 b)
{
	return !__builtin_add_overflow(*acc, b, acc);
}

/* The prices of one request of `request` input tokens: the highest tier it is above. */
struct request_prices {
	int64_t input, output, cached, write;
};

static int64_t tier_price(int64_t tier, int64_t base)
{
	return tier >= 0 ? tier : base;
}

static void request_prices(struct request_prices *p, const struct pc_model *model,
			   int64_t request)
{
	p->input = model->input_micros_per_mtok;
	p->output = model->output_micros_per_mtok;
	p->cached = model->has_cached_input_price ? model->cached_input_micros_per_mtok : p->input;
	if (model->cache_ttl_1h && model->has_cache_write_1h_price)
		p->write = model->cache_write_1h_micros_per_mtok;
	else if (model->has_cache_write_price)
		p->write = model->cache_write_micros_per_mtok;
	else
		p->write = p->input;
	for (size_t k = 0; k < model->ntiers; k++) {
		const struct pc_catalog_prices *t = &model->tiers[k].prices;

		if (request <= model->tiers[k].start)
			break;
		p->input = tier_price(t->input, p->input);
		p->output = tier_price(t->output, p->output);
		p->cached = tier_price(t->cache_read, p->cached);
		p->write = tier_price(model->cache_ttl_1h && t->cache_write_1h >= 0 ? t->cache_write_1h
										    : t->cache_write,
				      p->write);
	}
}

int pc_spend_cost(int64_t *out, const struct pc_model *model, const struct pc_spend_qty *qty,
		  const char *what)
{
	struct request_prices price;
	pc_int128 uncached = qty->input_tokens - qty->cached_input_tokens - qty->cache_write_tokens;
	pc_int128 sum = 0, term, den, result;

	if (qty->per <= 0 || uncached < 0)
		return pc_error_set(PC_EINTERNAL, "the quantities of %s are inconsistent", what);
	request_prices(&price, model, qty->request_input_tokens);
	/* prices are micro-units per million tokens: the sum is in micro-units x 1e6 x per */
	if (!mul(&term, uncached, price.input) || !add(&sum, term) ||
	    !mul(&term, qty->cached_input_tokens, price.cached) || !add(&sum, term) ||
	    !mul(&term, qty->cache_write_tokens, price.write) || !add(&sum, term) ||
	    !mul(&term, qty->output_tokens, price.output) || !add(&sum, term) ||
	    !mul(&den, qty->per, 1000000))
		return pc_error_set(PC_EINTERNAL, "the cost of %s is too large to compute", what);
	result = pc_div_round(sum, den);
	if (result > (pc_int128)INT64_MAX || result < -(pc_int128)INT64_MAX)
		return pc_error_set(PC_EINTERNAL, "the cost of %s is too large to represent", what);
	*out = (int64_t)result;
	return 0;
}

int pc_spend_price(struct pc_spend_line *lines, size_t n)
{
	int error;

	for (size_t i = 0; i < n; i++) {
		const char *what = lines[i].template ? lines[i].template : "unattributed usage";

		if ((error = pc_spend_cost(&lines[i].cost_micros, lines[i].model, &lines[i].qty,
					   what)) < 0)
			return error;
	}
	return 0;
}

void pc_volume_configured(struct pc_volume *out, const struct pc_template_config *config)
{
	memset(out, 0, sizeof(*out));
	out->source = PC_SPEND_CONFIGURED;
	out->calls = config->calls_per_day;
	out->days = 1;
	out->cache_hit_ppm = config->cache_hit_ppm;
	out->cached_input_ppm = config->cached_input_ppm;
	out->output_tokens_per_call = config->output_tokens_per_call;
}

int64_t pc_volume_calls_per_day(const struct pc_volume *volume)
{
	if (volume->days <= 0)
		return 0;
	return (int64_t)pc_div_round(volume->calls, volume->days);
}

static int64_t gcd(int64_t a, int64_t b)
{
	while (b) {
		int64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * Configured: per = 1e12 (the hit rate's and the cached share's millionths).
 *   billable = calls_per_day * days * (1e6 - hit)           [/ 1e6]
 *   input = tokens * billable * 1e6, cached = tokens * billable * share,
 *   output = output_per_call * billable * 1e6
 * Recorded: per = window days * share denominator (the input tokens of the
 * records, reduced), billable = (calls - hits) * days [/ window days]:
 *   input = tokens * billable * den, cached = tokens * billable * cached,
 *   writes = tokens * billable * writes, output = output tokens * days * den
 *   (the records' output over their billed calls, times the billed calls).
 */
int pc_spend_project(struct pc_spend_qty *out, const struct pc_volume *v, int64_t tokens,
		     int64_t days)
{
	pc_int128 billable, den, cached, writes;
	bool ok;

	memset(out, 0, sizeof(*out));
	if (v->source == PC_SPEND_CONFIGURED) {
		ok = mul(&billable, (pc_int128)v->calls * days, PC_PPM - v->cache_hit_ppm) &&
		     mul(&out->calls, (pc_int128)v->calls * days, (pc_int128)PC_PPM * PC_PPM) &&
		     mul(&out->response_cache_hits, (pc_int128)v->calls * days,
			 (pc_int128)v->cache_hit_ppm * PC_PPM) &&
		     mul(&out->input_tokens, billable, (pc_int128)tokens * PC_PPM) &&
		     mul(&out->cached_input_tokens, billable, (pc_int128)tokens * v->cached_input_ppm) &&
		     mul(&out->output_tokens, billable,
			 (pc_int128)v->output_tokens_per_call * PC_PPM);
		out->per = (pc_int128)PC_PPM * PC_PPM;
	} else {
		int64_t g;

		if (v->days <= 0)
			return pc_error_set(PC_EINTERNAL, "a recorded volume without days");
		den = v->input_tokens > 0 ? v->input_tokens : 1;
		cached = v->input_tokens > 0 ? v->cached_input_tokens : 0;
		writes = v->input_tokens > 0 ? v->cache_write_tokens : 0;
		g = gcd(gcd((int64_t)den, (int64_t)cached), (int64_t)writes);
		if (g > 1) {
			den /= g;
			cached /= g;
			writes /= g;
		}
		billable = (pc_int128)(v->calls - v->response_cache_hits) * days;
		ok = mul(&out->calls, (pc_int128)v->calls * days, den) &&
		     mul(&out->response_cache_hits, (pc_int128)v->response_cache_hits * days, den) &&
		     mul(&out->input_tokens, billable * tokens, den) &&
		     mul(&out->cached_input_tokens, billable * tokens, cached) &&
		     mul(&out->cache_write_tokens, billable * tokens, writes) &&
		     mul(&out->output_tokens, (pc_int128)v->output_tokens * days, den) &&
		     mul(&out->per, v->days, den);
	}
	if (!ok)
		return pc_error_set(PC_EINTERNAL, "a projected volume is too large to compute");
	out->request_input_tokens = tokens;
	return 0;
}

static const char *row_key(const struct pc_spend_line *line, enum pc_rollup_by by)
{
	switch (by) {
	case PC_ROLLUP_TEAM: return line->team;
	case PC_ROLLUP_USE_CASE: return line->use_case;
	case PC_ROLLUP_TEMPLATE:
	case PC_ROLLUP_VERSION: return line->template;
	case PC_ROLLUP_DEPLOYMENT: return line->deployment;
	case PC_ROLLUP_DAY: return NULL;
	}
	return NULL;
}

/* NULL sorts last; otherwise bytewise. */
static int compare_keys(const char *a, const char *b)
{
	if (!a || !b)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

static int compare_rows(const void *pa, const void *pb)
{
	const struct pc_rollup_row *a = pa, *b = pb;
	int c;

	if ((c = compare_keys(a->key, b->key)))
		return c;
	if ((c = compare_keys(a->key2, b->key2)))
		return c;
	return (a->day > b->day) - (a->day < b->day);
}

static uint64_t hash_text(uint64_t h, const char *s)
{
	return (h ^ (s ? pc_hash_str(s) : 0xfe)) * 0x100000001b3ULL;
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/*
 * The hash table of pc_spend_rollup: row positions + 1 (0: empty), cap a
 * power of two, at least twice the rows. It grows with the rows, not with
 * the lines: a check rolls up 10,000 lines into a few teams, and tables
 * sized for the lines were 2.6 MB to zero over its four roll-ups.
 */
struct rollup_table {
	struct pc_rollup_row *rows;
	size_t nrows;
	size_t rows_cap;
	size_t *slots;
	size_t cap;
};

static uint64_t row_hash(const char *key, const char *key2, int64_t day)
{
	return hash_text(hash_text((uint64_t)day * 0x9e3779b97f4a7c15ULL, key), key2);
}

static void rollup_grow(struct rollup_table *t)
{
	free(t->slots);
	t->cap *= 2;
	t->slots = pc_xcalloc(t->cap, sizeof(*t->slots));
	for (size_t r = 0; r < t->nrows; r++) {
		const struct pc_rollup_row *row = &t->rows[r];
		size_t k = (size_t)row_hash(row->key, row->key2, row->day) & (t->cap - 1);

		while (t->slots[k])
			k = (k + 1) & (t->cap - 1);
		t->slots[k] = r + 1;
	}
}

/*
 * The row of these names (made when new), its position in t->rows; day is
 * 0 unless the roll-up is by day.
 */
static size_t row_for(struct rollup_table *t, const char *key, const char *key2, int64_t day)
{
	size_t k = (size_t)row_hash(key, key2, day) & (t->cap - 1);

	for (; t->slots[k]; k = (k + 1) & (t->cap - 1)) {
		const struct pc_rollup_row *row = &t->rows[t->slots[k] - 1];

		if (row->day == day && same_text(row->key, key) && same_text(row->key2, key2))
			return t->slots[k] - 1;
	}
	PC_GROW(t->rows, t->rows_cap, t->nrows + 1);
	memset(&t->rows[t->nrows], 0, sizeof(t->rows[t->nrows]));
	t->rows[t->nrows].key = key;
	t->rows[t->nrows].key2 = key2;
	t->rows[t->nrows].day = day;
	t->slots[k] = ++t->nrows;
	if (2 * t->nrows > t->cap)
		rollup_grow(t);
	return t->nrows - 1;
}

/*
 * The rows are found through a hash table and sorted at the end: a check
 * rolls up every template's line by team and by use case on both sides,
 * and sorting the lines (1,000 and more) was a tenth of a check's time.
 */
int pc_spend_rollup(struct pc_rollup_row **out, size_t *nout, const struct pc_spend_line *lines,
		    size_t n, enum pc_rollup_by by)
{
	struct rollup_table t = { NULL, 0, 0, NULL, 32 };
	/*
	 * Rows by the names' pointers: a check's lines name their team and use
	 * case by the configuration's budget names (config_snapshot.c shares
	 * them), so a pointer seen before finds its row without hashing the
	 * text; an interleaved order of teams defeats a memory of the last line.
	 */
	struct {
		const char *key, *key2;
		int64_t day;
		size_t row;
		bool set;
	} seen[64];

	t.slots = pc_xcalloc(t.cap, sizeof(*t.slots));
	memset(seen, 0, sizeof(seen));
	for (size_t i = 0; i < n; i++) {
		const struct pc_spend_line *l = &lines[i];
		const char *key = row_key(l, by);
		const char *key2 = by == PC_ROLLUP_VERSION ? l->version : NULL;
		int64_t day = by == PC_ROLLUP_DAY ? l->day : 0;
		size_t m = (size_t)(((uintptr_t)key >> 4) ^ ((uintptr_t)key2 >> 6) ^ (uint64_t)day) & 63;
		struct pc_rollup_row *row;

		if (!seen[m].set || seen[m].key != key || seen[m].key2 != key2 || seen[m].day != day) {
			seen[m].key = key;
			seen[m].key2 = key2;
			seen[m].day = day;
			seen[m].row = row_for(&t, key, key2, day);
			seen[m].set = true;
		}
		row = &t.rows[seen[m].row];
		if (__builtin_add_overflow(row->cost_micros, l->cost_micros, &row->cost_micros)) {
			free(t.slots);
			free(t.rows);
			return pc_error_set(PC_EINTERNAL, "a sum of spend is too large");
		}
		row->lines++;
	}
	free(t.slots);
	if (t.nrows > 1)
		qsort(t.rows, t.nrows, sizeof(*t.rows), compare_rows);
	if (!t.rows) /* no lines: an empty array all the same, as callers free it */
		t.rows = pc_xcalloc(1, sizeof(*t.rows));
	*out = t.rows;
	*nout = t.nrows;
	return 0;
}
