/*
 * The spend report's computation (spend_report.h): the store's daily and
 * hourly buckets of the period (and the days before it that the previous
 * period, the budgets' month, the spikes' baselines and the forecasts'
 * volumes need), priced per daily bucket at the prices of its day with
 * pc_spend_cost, reservations applied hour by hour, and every figure of
 * struct pc_spend_report derived from those integers. README "The spend
 * report" states each rule; the comments here say where each is applied.
 *
 * The unit of work is a "cell day": one daily bucket (a template, version,
 * team, use case, model and deployment on one day). Its list cost is its
 * traffic at on-demand prices; on a reservation, part of its equivalents
 * spill over (priced on demand per hour) and the rest is within capacity,
 * which earns it a part of the day's commitment (a charge) and of the
 * period's commitment (showback). Showback over any range of days (the
 * period, the previous period, the budget month) is one function, so a
 * use case's period cost and its month to date are computed alike.
 */
#include "promptcost/spend_report.h"

#include "promptcost/check.h"
#include "promptcost/git.h"
#include "promptcost/money.h"
#include "promptcost/spend.h"
#include "promptcost/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_INDEX SIZE_MAX
#define HOURS_PER_DAY 24
#define SPIKE_WINDOW 7          /* the baseline: days d-7..d-1 */
#define SPIKE_MIN_DAYS 3        /* ...of which at least 3 */
#define FORECAST_WINDOW 30      /* the volume before a version went live */

/* ---- small things -------------------------------------------------------- */

void pc_ratio_format(char out[32], struct pc_ratio ratio)
{
	pc_int128 tenths, num = ratio.num, den = ratio.den;
	bool negative;
	int64_t v;

	if (ratio.den == 0) {
		snprintf(out, 32, "n/a");
		return;
	}
	if (den < 0) {
		num = -num;
		den = -den;
	}
	/* tenths of a percent: num x 1000 / den, half away from zero */
	tenths = pc_div_round(num * 1000, den);
	negative = tenths < 0;
	v = (int64_t)(negative ? -tenths : tenths);
	snprintf(out, 32, "%s%" PRId64 ".%" PRId64, negative ? "-" : "", v / 10, v % 10);
}

const char *pc_sr_status_name(enum pc_sr_status status)
{
	switch (status) {
	case PC_SR_NO_BUDGET: return "no-budget";
	case PC_SR_OK: return "ok";
	case PC_SR_WARN: return "warn";
	case PC_SR_OVER_SOFT: return "over-soft";
	case PC_SR_OVER_HARD: return "over-hard";
	}
	return "unknown";
}

const char *pc_sr_cause_name(enum pc_sr_cause cause)
{
	switch (cause) {
	case PC_SR_CAUSE_VERSION: return "version";
	case PC_SR_CAUSE_INFERRED: return "inferred";
	case PC_SR_CAUSE_VOLUME: return "volume";
	case PC_SR_CAUSE_UNKNOWN: return "unknown";
	}
	return "unknown";
}

static int overflow(const char *what)
{
	return pc_error_set(PC_EINTERNAL, "the spend report: %s does not fit in 64 bits", what);
}

static bool add64(int64_t *sum, int64_t v)
{
	return !__builtin_add_overflow(*sum, v, sum);
}

static int64_t div_round(pc_int128 num, pc_int128 den)
{
	return (int64_t)pc_div_round(num, den);
}

static int strcmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return a ? -1 : b ? 1 : 0; /* NULL last */
	return strcmp(a, b);
}

static char *dup_or_null(const char *s)
{
	return s ? pc_xstrdup(s) : NULL;
}

/*
 * Splits total into n parts in proportion to weights (largest remainder:
 * floors, then one more to the largest remainders, ties to the lower index),
 * so the parts sum to total exactly. A zero sum of weights: all parts 0.
 */
static void split(int64_t *out, int64_t total, const int64_t *weights, size_t n)
{
	pc_int128 sum = 0, given = 0;
	pc_int128 *rem;
	size_t *order;

	for (size_t i = 0; i < n; i++)
		sum += weights[i];
	memset(out, 0, n * sizeof(*out));
	if (sum <= 0 || n == 0)
		return;
	rem = pc_xcalloc(n, sizeof(*rem));
	order = pc_xcalloc(n, sizeof(*order));
	for (size_t i = 0; i < n; i++) {
		pc_int128 p = (pc_int128)total * weights[i];

		out[i] = (int64_t)(p / sum);
		rem[i] = p % sum;
		given += out[i];
		order[i] = i;
	}
	/* insertion sort by remainder descending, then index: n is small per split */
	for (size_t i = 1; i < n; i++) {
		size_t k = order[i], j = i;

		while (j > 0 && rem[order[j - 1]] < rem[k]) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = k;
	}
	for (size_t i = 0; given < total && i < n; i++, given++)
		out[order[i]]++;
	free(rem);
	free(order);
}

/* ---- the working state --------------------------------------------------- */

struct cell_day {
	int64_t day;
	size_t tpl, ver, uc, team;      /* group indexes (uc, team: NO_INDEX for none) */
	size_t res;                     /* reservation index, or NO_INDEX: on demand */
	size_t model;                   /* index into the configuration's models */
	const struct pc_store_bucket *b;
	int64_t list;                   /* all its traffic at on-demand prices */
	int64_t eq;                     /* equivalents, on a reservation */
	int64_t spill_eq, spill_micros; /* its part of the day's spill-over */
	int64_t within;                 /* eq - spill_eq */
	int64_t commit_use;             /* its part of the day's commitment (a charge) */
	int64_t ondemand;               /* what it costs on demand: list, or its spill-over */
};

/* A group: a template, a template version, a use case or a team. */
struct group {
	const char *key, *key2;         /* borrowed from the buckets or the configuration */
};

/* Groups in the order first seen, found through a hash table of their indexes. */
struct groups {
	struct group *items;
	size_t n, cap;
	size_t *slots;                  /* nslots (a power of two), SIZE_MAX: empty */
	size_t nslots;
};

struct res_day {
	int64_t eq, within, spilled, spill_micros;
	int64_t peak_eq;
	int64_t peak_hour;
};

struct tokens_memo;

struct ctx {
	const struct pc_config *config;
	struct pc_store *store;
	struct pc_repo *repo;
	struct pc_spend_report *r;
	int64_t lo, hi;                 /* the days loaded */
	int64_t month_start, month_days;
	struct pc_store_bucket *daily, *hourly;
	size_t ndaily, nhourly;
	struct cell_day *cells;
	size_t ncells;
	struct groups tpls, vers, ucs, teams;
	struct pc_model **prices;       /* per loaded day: the models priced that day */
	struct res_day *rdays;          /* nres x (hi - lo + 1) */
	struct pc_store_summary *summary;
	struct pc_strlist strings;      /* strings the charges borrow */
	char **slots;                   /* a hash table of them (borrowed) */
	size_t nslots;
	struct tokens_memo *memo;       /* commit_tokens(): what each commit did to a template */
	size_t nmemo, memo_cap;
};

static size_t ndays_loaded(const struct ctx *c)
{
	return (size_t)(c->hi - c->lo + 1);
}

static struct res_day *rday(struct ctx *c, size_t res, int64_t day)
{
	return &c->rdays[res * ndays_loaded(c) + (size_t)(day - c->lo)];
}

static uint64_t group_hash(const char *key, const char *key2)
{
	uint64_t h = UINT64_C(1469598103934665603);

	for (const char *p = key ? key : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * UINT64_C(1099511628211);
	h = (h ^ (key ? 1u : 2u)) * UINT64_C(1099511628211);
	for (const char *p = key2 ? key2 : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * UINT64_C(1099511628211);
	return (h ^ (key2 ? 3u : 4u)) * UINT64_C(1099511628211);
}

static void group_rehash(struct groups *g)
{
	size_t n = g->nslots ? g->nslots * 2 : 64;

	free(g->slots);
	g->slots = pc_xmalloc(n * sizeof(*g->slots));
	memset(g->slots, 0xff, n * sizeof(*g->slots));
	g->nslots = n;
	for (size_t i = 0; i < g->n; i++) {
		size_t at = (size_t)group_hash(g->items[i].key, g->items[i].key2) & (n - 1);

		while (g->slots[at] != SIZE_MAX)
			at = (at + 1) & (n - 1);
		g->slots[at] = i;
	}
}

/* A group's index (added when add and new), or NO_INDEX: a hash lookup, not a scan. */
static size_t group_find(struct groups *g, const char *key, const char *key2, bool add)
{
	size_t at;

	if (!g->nslots)
		group_rehash(g);
	at = (size_t)group_hash(key, key2) & (g->nslots - 1);
	for (; g->slots[at] != SIZE_MAX; at = (at + 1) & (g->nslots - 1)) {
		const struct group *it = &g->items[g->slots[at]];

		if (!strcmp_null(it->key, key) && !strcmp_null(it->key2, key2))
			return g->slots[at];
	}
	if (!add)
		return NO_INDEX;
	PC_GROW(g->items, g->cap, g->n + 1);
	g->items[g->n].key = key;
	g->items[g->n].key2 = key2;
	g->slots[at] = g->n;
	if (++g->n * 2 > g->nslots)
		group_rehash(g);
	return g->n - 1;
}

/*
 * The models priced at day (pc_config_price_at on a copy of the models, one
 * copy per day that has buckets): configuration prices never change, catalog
 * ones by their list's start dates.
 */
static int prices_at(const struct pc_model **out, struct ctx *c, int64_t day)
{
	size_t k = (size_t)(day - c->lo);

	if (!c->prices[k]) {
		struct pc_config shell = *c->config;
		char date[11];
		int error;

		shell.models = pc_xcalloc(c->config->nmodels ? c->config->nmodels : 1,
					  sizeof(*shell.models));
		memcpy(shell.models, c->config->models, c->config->nmodels * sizeof(*shell.models));
		pc_day_format(date, day);
		if ((error = pc_config_price_at(&shell, date))) {
			free(shell.models);
			return error;
		}
		c->prices[k] = shell.models;
	}
	*out = c->prices[k];
	return 0;
}

static size_t model_index(const struct ctx *c, const char *name)
{
	for (size_t i = 0; name && i < c->config->nmodels; i++)
		if (!strcmp(c->config->models[i].name, name))
			return i;
	return NO_INDEX;
}

static size_t reservation_index(const struct ctx *c, const char *deployment)
{
	for (size_t i = 0; deployment && i < c->config->nreservations; i++)
		if (!strcmp(c->config->reservations[i].id, deployment))
			return i;
	return NO_INDEX;
}

static void qty_of(struct pc_spend_qty *q, const struct pc_store_bucket *b)
{
	memset(q, 0, sizeof(*q));
	q->calls = b->calls;
	q->response_cache_hits = b->response_cache_hits;
	q->input_tokens = b->input_tokens;
	q->cached_input_tokens = b->cached_input_tokens;
	q->cache_write_tokens = b->cache_write_tokens;
	q->output_tokens = b->output_tokens;
	q->per = 1;
}

/* (input - cached) + output x output weight + cached x cached weight. */
static int equivalents(int64_t *out, const struct pc_reservation *res,
		       const struct pc_store_bucket *b)
{
	pc_int128 v = (pc_int128)(b->input_tokens - b->cached_input_tokens) +
		      (pc_int128)b->output_tokens * res->output_token_weight +
		      (pc_int128)b->cached_input_tokens * res->cached_token_weight;

	if (v > INT64_MAX || v < 0)
		return overflow("a bucket's input-token equivalents");
	*out = (int64_t)v;
	return 0;
}

static int unknown_model(const struct ctx *c, const struct pc_store_bucket *b, bool hourly)
{
	char day[11];

	pc_day_format(day, hourly ? b->at / HOURS_PER_DAY : b->at);
	return pc_error_set(PC_EINPUT, "%s: the store's records of %s name model '%s', which "
			    "the configuration does not price; add it to 'models' (or alias it "
			    "in 'usage.models')", c->config->path, day, b->model ? b->model : "");
}

/* ---- loading and pricing ------------------------------------------------- */

static int load_cells(struct ctx *c)
{
	int error;

	if ((error = pc_store_daily(c->store, c->lo, c->hi, &c->daily, &c->ndaily)))
		return error;
	c->cells = pc_xcalloc(c->ndaily ? c->ndaily : 1, sizeof(*c->cells));
	for (size_t i = 0; i < c->ndaily; i++) {
		const struct pc_store_bucket *b = &c->daily[i];
		struct cell_day *cd = &c->cells[c->ncells++];
		const char *tpl = b->known ? b->template : NULL;
		const struct pc_model *models;
		struct pc_spend_qty q;

		cd->b = b;
		cd->day = b->at;
		if ((cd->model = model_index(c, b->model)) == NO_INDEX)
			return unknown_model(c, b, false);
		cd->tpl = group_find(&c->tpls, tpl, NULL, true);
		cd->ver = group_find(&c->vers, tpl, b->version, true);
		cd->uc = b->use_case ? group_find(&c->ucs, b->use_case, NULL, true) : NO_INDEX;
		cd->team = b->team ? group_find(&c->teams, b->team, NULL, true) : NO_INDEX;
		cd->res = reservation_index(c, b->deployment);
		if ((error = prices_at(&models, c, b->at)))
			return error;
		qty_of(&q, b);
		if ((error = pc_spend_cost(&cd->list, &models[cd->model], &q,
					   tpl ? tpl : "unattributed usage")))
			return error;
		if (cd->res != NO_INDEX) {
			if ((error = equivalents(&cd->eq, &c->config->reservations[cd->res], b)))
				return error;
		} else {
			cd->ondemand = cd->list;
		}
	}
	return 0;
}

/*
 * Per reservation and hour: the equivalents above capacity spill over; each
 * model's traffic of that hour is priced on demand in the proportion
 * spilled / consumed (each token class scaled, rounded once per hour).
 */
static int load_hours(struct ctx *c)
{
	int error;

	if ((error = pc_store_hourly(c->store, c->lo * HOURS_PER_DAY,
				     (c->hi + 1) * HOURS_PER_DAY - 1, &c->hourly, &c->nhourly)))
		return error;
	for (size_t i = 0; i < c->nhourly;) {
		const struct pc_store_bucket *b = &c->hourly[i];
		size_t res = reservation_index(c, b->deployment), end = i;
		const struct pc_reservation *rv;
		int64_t eq = 0, cap, spilled;
		struct res_day *rd;

		while (end < c->nhourly && c->hourly[end].at == b->at &&
		       !strcmp_null(c->hourly[end].deployment, b->deployment))
			end++;
		if (res == NO_INDEX) {
			i = end;
			continue;
		}
		rv = &c->config->reservations[res];
		for (size_t k = i; k < end; k++) {
			int64_t e = 0;

			if ((error = equivalents(&e, rv, &c->hourly[k])))
				return error;
			if (!add64(&eq, e))
				return overflow("an hour's equivalents");
		}
		cap = rv->units * rv->tokens_per_minute_per_unit * 60;
		spilled = eq > cap ? eq - cap : 0;
		rd = rday(c, res, b->at / HOURS_PER_DAY);
		rd->eq += eq;
		rd->within += eq - spilled;
		rd->spilled += spilled;
		if (eq > rd->peak_eq || rd->peak_hour < 0) {
			rd->peak_eq = eq;
			rd->peak_hour = b->at;
		}
		for (size_t k = i; spilled && k < end; k++) {
			const struct pc_store_bucket *h = &c->hourly[k];
			const struct pc_model *models;
			struct pc_spend_qty q;
			size_t m = model_index(c, h->model);
			int64_t cost;

			if (m == NO_INDEX)
				return unknown_model(c, h, true);
			if ((error = prices_at(&models, c, h->at / HOURS_PER_DAY)))
				return error;
			qty_of(&q, h);
			q.calls *= spilled;
			q.response_cache_hits *= spilled;
			q.input_tokens *= spilled;
			q.cached_input_tokens *= spilled;
			q.cache_write_tokens *= spilled;
			q.output_tokens *= spilled;
			q.per = eq;
			if ((error = pc_spend_cost(&cost, &models[m], &q, rv->id)))
				return error;
			rd->spill_micros += cost;
		}
		i = end;
	}
	return 0;
}

static int64_t commitment_per_day(const struct pc_reservation *rv)
{
	return rv->units * rv->unit_price_per_hour_micros * HOURS_PER_DAY;
}

static int64_t capacity_per_hour(const struct pc_reservation *rv)
{
	return rv->units * rv->tokens_per_minute_per_unit * 60;
}

/*
 * Per reservation and day: the day's spilled equivalents and spill-over cost
 * allocated to its cells in proportion to their equivalents; the day's
 * commitment split over its cells by their equivalents within capacity and
 * the idle rest (the charges), all by largest remainder.
 */
static void apply_reservations(struct ctx *c, int64_t *idle_of_day)
{
	size_t nres = c->config->nreservations, nd = ndays_loaded(c);
	size_t *idx = pc_xcalloc(c->ncells + 1, sizeof(*idx));
	int64_t *w = pc_xcalloc(c->ncells + 2, sizeof(*w));
	int64_t *part = pc_xcalloc(c->ncells + 2, sizeof(*part));

	for (size_t res = 0; res < nres; res++) {
		const struct pc_reservation *rv = &c->config->reservations[res];
		size_t at = 0;

		for (size_t d = 0; d < nd; d++) {
			int64_t day = c->lo + (int64_t)d, within = 0;
			struct res_day *rd = rday(c, res, day);
			size_t n = 0;

			/* the cells are by day: find this day's on this reservation */
			while (at < c->ncells && c->cells[at].day < day)
				at++;
			for (size_t k = at; k < c->ncells && c->cells[k].day == day; k++)
				if (c->cells[k].res == res) {
					idx[n] = k;
					w[n++] = c->cells[k].eq;
				}
			split(part, rd->spilled, w, n);
			for (size_t k = 0; k < n; k++)
				c->cells[idx[k]].spill_eq = part[k];
			split(part, rd->spill_micros, w, n);
			for (size_t k = 0; k < n; k++) {
				struct cell_day *cd = &c->cells[idx[k]];

				cd->spill_micros = part[k];
				cd->ondemand = part[k];
				cd->within = cd->eq - cd->spill_eq;
				w[k] = cd->within;
				within += cd->within;
			}
			/* the idle part: the day's capacity not used */
			w[n] = capacity_per_hour(rv) * HOURS_PER_DAY - within;
			if (w[n] < 0)
				w[n] = 0;
			split(part, commitment_per_day(rv), w, n + 1);
			for (size_t k = 0; k < n; k++)
				c->cells[idx[k]].commit_use = part[k];
			idle_of_day[res * nd + d] = part[n];
		}
	}
	free(idx);
	free(w);
	free(part);
}

/* ---- showback over a range of days ---------------------------------------- */

enum by { BY_TEMPLATE, BY_VERSION, BY_USE_CASE, BY_TEAM };

static size_t group_of(const struct cell_day *cd, enum by by)
{
	switch (by) {
	case BY_TEMPLATE: return cd->tpl;
	case BY_VERSION: return cd->ver;
	case BY_USE_CASE: return cd->uc;
	case BY_TEAM: return cd->team;
	}
	return NO_INDEX;
}

/*
 * Over days [a, b]: each group's on-demand cost and its share of every
 * reservation's commitment for those days, in proportion to its equivalents
 * within capacity there (largest remainder; nobody's when nobody used it).
 * res_shares (nres x ngroups, may be NULL) gets the share per reservation,
 * res_eq the within-capacity equivalents per reservation and group.
 */
static int showback(struct ctx *c, int64_t a, int64_t b, enum by by, size_t ngroups,
		    int64_t *ondemand, int64_t *share, int64_t *res_shares, int64_t *res_eq)
{
	size_t nres = c->config->nreservations;
	int64_t *w = pc_xcalloc((ngroups + 1) * (nres + 1), sizeof(*w));
	int64_t *part = pc_xcalloc(ngroups + 1, sizeof(*part));
	int error = 0;

	memset(ondemand, 0, ngroups * sizeof(*ondemand));
	memset(share, 0, ngroups * sizeof(*share));
	for (size_t k = 0; k < c->ncells; k++) {
		const struct cell_day *cd = &c->cells[k];
		size_t g = group_of(cd, by);

		if (cd->day < a || cd->day > b || g == NO_INDEX)
			continue;
		if (!add64(&ondemand[g], cd->ondemand))
			error = overflow("a cost");
		if (cd->res != NO_INDEX)
			w[cd->res * ngroups + g] += cd->within;
	}
	for (size_t res = 0; res < nres; res++) {
		int64_t commitment = commitment_per_day(&c->config->reservations[res]) * (b - a + 1);

		split(part, commitment, &w[res * ngroups], ngroups);
		for (size_t g = 0; g < ngroups; g++) {
			share[g] += part[g];
			if (res_shares)
				res_shares[res * ngroups + g] = part[g];
			if (res_eq)
				res_eq[res * ngroups + g] = w[res * ngroups + g];
		}
	}
	free(w);
	free(part);
	return error;
}

/* ---- sections ------------------------------------------------------------ */

struct counts {
	int64_t records, calls, hits, input, cached, cache_write, output;
};

static void counts_add(struct counts *s, const struct pc_store_bucket *b)
{
	s->records += b->records;
	s->calls += b->calls;
	s->hits += b->response_cache_hits;
	s->input += b->input_tokens;
	s->cached += b->cached_input_tokens;
	s->cache_write += b->cache_write_tokens;
	s->output += b->output_tokens;
}

static bool in_period(const struct ctx *c, int64_t day)
{
	return day >= c->r->since_day && day <= c->r->until_day;
}

/* Per group: the period's counts and daily costs (on demand + commitment use). */
static void group_sums(struct ctx *c, enum by by, size_t ngroups, struct counts *counts,
		       int64_t *daily /* ngroups x ndays loaded, or NULL */)
{
	size_t nd = ndays_loaded(c);

	for (size_t k = 0; k < c->ncells; k++) {
		const struct cell_day *cd = &c->cells[k];
		size_t g = group_of(cd, by);

		if (g == NO_INDEX || g >= ngroups)
			continue;
		if (daily)
			daily[g * nd + (size_t)(cd->day - c->lo)] += cd->ondemand + cd->commit_use;
		if (in_period(c, cd->day))
			counts_add(&counts[g], cd->b);
	}
}

static int64_t target_of_use_case(const struct ctx *c, const char *use_case, bool *has)
{
	const struct pc_budget *u = use_case ? pc_config_use_case(c->config, use_case) : NULL;

	if (u && u->has_cache_hit_target) {
		*has = true;
		return u->cache_hit_target_ppm;
	}
	*has = c->config->policy.has_cache_hit_target;
	return c->config->policy.cache_hit_target_ppm;
}

/*
 * A month's saving at the target: (target - hits/calls) x calls x (on-demand
 * cost / model calls), for days_per_month days of the period's rate; 0 at or
 * above the target.
 */
static int64_t cache_saving(const struct ctx *c, int64_t target_ppm, int64_t calls, int64_t hits,
			    int64_t ondemand)
{
	pc_int128 num, den;

	if (calls <= hits || (pc_int128)target_ppm * calls <= (pc_int128)hits * PC_PPM)
		return 0;
	num = ((pc_int128)target_ppm * calls - (pc_int128)hits * PC_PPM) * ondemand *
	      c->config->days_per_month;
	den = (pc_int128)PC_PPM * (calls - hits) * c->r->ndays;
	return div_round(num, den);
}

static int budget_lines(struct ctx *c, enum by by, struct groups *g,
			struct pc_sr_budget **out, size_t *nout)
{
	struct pc_spend_report *r = c->r;
	size_t n = g->n, nd = ndays_loaded(c);
	int64_t *od = pc_xcalloc(n + 1, sizeof(*od)), *sh = pc_xcalloc(n + 1, sizeof(*sh));
	int64_t *mod = pc_xcalloc(n + 1, sizeof(*mod)), *msh = pc_xcalloc(n + 1, sizeof(*msh));
	int64_t *daily = pc_xcalloc((n + 1) * nd, sizeof(*daily));
	struct counts *counts = pc_xcalloc(n + 1, sizeof(*counts));
	struct pc_sr_budget *lines = pc_xcalloc(n + 1, sizeof(*lines));
	int64_t elapsed = r->until_day - c->month_start + 1;
	int error;

	if ((error = showback(c, r->since_day, r->until_day, by, n, od, sh, NULL, NULL)) ||
	    (error = showback(c, c->month_start, r->until_day, by, n, mod, msh, NULL, NULL)))
		goto done;
	group_sums(c, by, n, counts, daily);
	for (size_t i = 0; i < n; i++) {
		struct pc_sr_budget *l = &lines[i];
		const struct pc_budget *cfg = by == BY_TEAM ? pc_config_team(c->config, g->items[i].key)
							    : pc_config_use_case(c->config, g->items[i].key);

		l->id = pc_xstrdup(g->items[i].key);
		l->on_demand_micros = od[i];
		l->commitment_share_micros = sh[i];
		l->cost_micros = od[i] + sh[i];
		l->calls = counts[i].calls;
		l->response_cache_hits = counts[i].hits;
		l->cache_hit_rate = (struct pc_ratio){ counts[i].hits, counts[i].calls };
		l->month_to_date_micros = mod[i] + msh[i];
		l->projected_month_end_micros =
			div_round((pc_int128)l->month_to_date_micros * c->month_days, elapsed);
		l->status = PC_SR_NO_BUDGET;
		if (cfg && cfg->has_budget) {
			l->has_budget = true;
			l->budget_micros = cfg->monthly_budget_micros;
			l->limit = cfg->limit;
			l->has_warn_at = cfg->has_warn_at;
			l->warn_at_ppm = cfg->warn_at_ppm;
			if (l->projected_month_end_micros > l->budget_micros)
				l->status = cfg->limit == PC_LIMIT_SOFT ? PC_SR_OVER_SOFT
									: PC_SR_OVER_HARD;
			else if (cfg->has_warn_at &&
				 (pc_int128)l->projected_month_end_micros * PC_PPM >=
					 (pc_int128)cfg->warn_at_ppm * l->budget_micros)
				l->status = PC_SR_WARN;
			else
				l->status = PC_SR_OK;
		}
		if (by == BY_USE_CASE) {
			l->cache_hit_target_ppm = target_of_use_case(c, l->id, &l->has_cache_hit_target);
			if (l->has_cache_hit_target)
				l->cache_target_saving_micros =
					cache_saving(c, l->cache_hit_target_ppm, l->calls,
						     l->response_cache_hits, l->on_demand_micros);
		}
		l->daily_micros = pc_xcalloc((size_t)r->ndays, sizeof(int64_t));
		memcpy(l->daily_micros, &daily[i * nd + (size_t)(r->since_day - c->lo)],
		       (size_t)r->ndays * sizeof(int64_t));
	}
	/* a use case's team: the team of its records (the first by name) */
	if (by == BY_USE_CASE)
		for (size_t k = 0; k < c->ncells; k++) {
			const struct cell_day *cd = &c->cells[k];

			if (cd->uc != NO_INDEX && cd->b->team &&
			    (!lines[cd->uc].team || strcmp(cd->b->team, lines[cd->uc].team) < 0)) {
				free(lines[cd->uc].team);
				lines[cd->uc].team = pc_xstrdup(cd->b->team);
			}
		}
	*out = lines;
	*nout = n;
	lines = NULL;
done:
	if (lines)
		free(lines);
	free(od);
	free(sh);
	free(mod);
	free(msh);
	free(daily);
	free(counts);
	return error;
}

static int compare_budget_by_cost(const void *pa, const void *pb)
{
	const struct pc_sr_budget *a = pa, *b = pb;

	if ((a->calls > 0) != (b->calls > 0))
		return a->calls > 0 ? -1 : 1; /* inactive ones last */
	if (a->cost_micros != b->cost_micros)
		return a->cost_micros > b->cost_micros ? -1 : 1;
	return strcmp(a->id, b->id);
}

static int compare_budget_by_id(const void *pa, const void *pb)
{
	return strcmp(((const struct pc_sr_budget *)pa)->id, ((const struct pc_sr_budget *)pb)->id);
}

static const struct pc_store_template *stored_template(const struct ctx *c, const char *id)
{
	for (size_t i = 0; id && i < c->summary->ntemplates; i++)
		if (c->summary->templates[i].attributed && c->summary->templates[i].template &&
		    !strcmp(c->summary->templates[i].template, id))
			return &c->summary->templates[i];
	return NULL;
}

static const struct pc_store_version *stored_version(const struct ctx *c, const char *tpl,
						     const char *version)
{
	const struct pc_store_template *t = stored_template(c, tpl);

	for (size_t i = 0; t && version && i < t->nversions; i++)
		if (!strcmp(t->versions[i].version, version))
			return &t->versions[i];
	return NULL;
}

static int templates_section(struct ctx *c, int64_t *tdaily /* ntpl x nd */)
{
	struct pc_spend_report *r = c->r;
	size_t n = c->tpls.n, nv = c->vers.n;
	int64_t *od = pc_xcalloc(n + 1, sizeof(*od)), *sh = pc_xcalloc(n + 1, sizeof(*sh));
	int64_t *pod = pc_xcalloc(n + 1, sizeof(*pod)), *psh = pc_xcalloc(n + 1, sizeof(*psh));
	int64_t *vod = pc_xcalloc(nv + 1, sizeof(*vod)), *vsh = pc_xcalloc(nv + 1, sizeof(*vsh));
	struct counts *counts = pc_xcalloc(n + 1, sizeof(*counts));
	struct counts *vcounts = pc_xcalloc(nv + 1, sizeof(*vcounts));
	bool *prev = pc_xcalloc(n + 1, sizeof(*prev));
	int64_t *vfirst = NULL, *vlast = NULL;
	size_t *vstart = NULL, *vlist = NULL;
	size_t nd = ndays_loaded(c);
	int error;

	if ((error = showback(c, r->since_day, r->until_day, BY_TEMPLATE, n, od, sh, NULL, NULL)) ||
	    (error = showback(c, r->since_day - r->ndays, r->since_day - 1, BY_TEMPLATE, n, pod,
			      psh, NULL, NULL)) ||
	    (error = showback(c, r->since_day, r->until_day, BY_VERSION, nv, vod, vsh, NULL, NULL)))
		goto done;
	group_sums(c, BY_TEMPLATE, n, counts, tdaily);
	group_sums(c, BY_VERSION, nv, vcounts, NULL);
	for (size_t k = 0; k < c->ncells; k++)
		if (c->cells[k].day < r->since_day && c->cells[k].day >= r->since_day - r->ndays)
			prev[c->cells[k].tpl] = true;
	/*
	 * Each version's first and last day in the period, and the versions of
	 * each template (vstart/vlist, by template): one pass each, not a scan
	 * of every cell per version (that was 96% of a year's report).
	 */
	vfirst = pc_xcalloc(nv + 1, sizeof(*vfirst));
	vlast = pc_xcalloc(nv + 1, sizeof(*vlast));
	vstart = pc_xcalloc(n + 2, sizeof(*vstart));
	vlist = pc_xcalloc(nv + 1, sizeof(*vlist));
	for (size_t v = 0; v < nv; v++) {
		vfirst[v] = INT64_MAX;
		vlast[v] = INT64_MIN;
	}
	for (size_t k = 0; k < c->ncells; k++) {
		size_t v = c->cells[k].ver;

		if (!in_period(c, c->cells[k].day))
			continue;
		if (c->cells[k].day < vfirst[v])
			vfirst[v] = c->cells[k].day;
		if (c->cells[k].day > vlast[v])
			vlast[v] = c->cells[k].day;
	}
	{
		size_t *vtpl = pc_xcalloc(nv + 1, sizeof(*vtpl)), *fill = pc_xcalloc(n + 1, sizeof(*fill));

		for (size_t v = 0; v < nv; v++) {
			vtpl[v] = group_find(&c->tpls, c->vers.items[v].key, NULL, false);
			if (vtpl[v] != NO_INDEX)
				vstart[vtpl[v] + 1]++;
		}
		for (size_t i = 0; i < n; i++)
			vstart[i + 1] += vstart[i];
		for (size_t v = 0; v < nv; v++)
			if (vtpl[v] != NO_INDEX)
				vlist[vstart[vtpl[v]] + fill[vtpl[v]]++] = v;
		free(vtpl);
		free(fill);
	}
	r->templates = pc_xcalloc(n + 1, sizeof(*r->templates));
	for (size_t i = 0; i < n; i++) {
		struct pc_sr_template *t = &r->templates[r->ntemplates];
		const char *id = c->tpls.items[i].key;
		const struct pc_template_config *tc = id ? pc_config_template(c->config, id) : NULL;
		const struct counts *s = &counts[i];
		int64_t model_calls = s->calls - s->hits;

		/* a template with records only before the period is not shown */
		if (!s->records)
			continue;
		r->ntemplates++;
		t->id = dup_or_null(id);
		if (tc) {
			t->team = dup_or_null(tc->team);
			t->use_case = dup_or_null(tc->use_case);
			t->model = dup_or_null(tc->model);
			t->deployment = dup_or_null(tc->deployment);
		}
		t->calls = s->calls;
		t->response_cache_hits = s->hits;
		t->input_tokens = s->input;
		t->cached_input_tokens = s->cached;
		t->cache_write_tokens = s->cache_write;
		t->output_tokens = s->output;
		t->cost_micros = od[i] + sh[i];
		t->tokens_per_call = (struct pc_ratio){ s->input + s->output, model_calls };
		t->cost_per_call = (struct pc_ratio){ t->cost_micros, s->calls };
		t->has_previous = prev[i];
		t->previous_cost_micros = pod[i] + psh[i];
		t->change = (struct pc_ratio){ t->cost_micros - t->previous_cost_micros,
					       prev[i] ? t->previous_cost_micros : 0 };
		t->cache_hit_rate = (struct pc_ratio){ s->hits, s->calls };
		t->cache_hit_target_ppm = target_of_use_case(c, t->use_case,
							     &t->has_cache_hit_target);
		t->prompt_cache_share = (struct pc_ratio){ s->cached, s->input };
		t->daily_micros = pc_xcalloc((size_t)r->ndays, sizeof(int64_t));
		memcpy(t->daily_micros, &tdaily[i * nd + (size_t)(r->since_day - c->lo)],
		       (size_t)r->ndays * sizeof(int64_t));
		t->versions = pc_xcalloc(vstart[i + 1] - vstart[i] + 1, sizeof(*t->versions));
		for (size_t vi = vstart[i]; vi < vstart[i + 1]; vi++) {
			size_t v = vlist[vi];
			struct pc_sr_version *sv;
			const struct pc_store_version *stv;

			if (!vcounts[v].records)
				continue;
			sv = &t->versions[t->nversions++];
			sv->version = dup_or_null(c->vers.items[v].key2);
			stv = stored_version(c, id, sv->version);
			sv->commit = stv ? dup_or_null(stv->commit) : NULL;
			sv->first_day = vfirst[v];
			sv->last_day = vlast[v];
			sv->calls = vcounts[v].calls;
			sv->response_cache_hits = vcounts[v].hits;
			sv->input_tokens = vcounts[v].input;
			sv->cached_input_tokens = vcounts[v].cached;
			sv->cache_write_tokens = vcounts[v].cache_write;
			sv->output_tokens = vcounts[v].output;
			sv->cost_micros = vod[v] + vsh[v];
		}
		/* by first day, then version (none last) */
		for (size_t a = 1; a < t->nversions; a++)
			for (size_t b = a; b > 0; b--) {
				struct pc_sr_version *x = &t->versions[b - 1], *y = &t->versions[b];

				if (x->first_day < y->first_day ||
				    (x->first_day == y->first_day && strcmp_null(x->version, y->version) <= 0))
					break;
				struct pc_sr_version tmp = *x;

				*x = *y;
				*y = tmp;
			}
	}
done:
	free(od);
	free(sh);
	free(pod);
	free(psh);
	free(vod);
	free(vsh);
	free(counts);
	free(vcounts);
	free(prev);
	free(vfirst);
	free(vlast);
	free(vstart);
	free(vlist);
	return error;
}

static int compare_templates(const void *pa, const void *pb)
{
	const struct pc_sr_template *a = pa, *b = pb;

	if (!a->id != !b->id)
		return a->id ? -1 : 1;
	if (a->cost_micros != b->cost_micros)
		return a->cost_micros > b->cost_micros ? -1 : 1;
	return strcmp_null(a->id, b->id);
}

static int reservations_section(struct ctx *c, const int64_t *idle_of_day)
{
	struct pc_spend_report *r = c->r;
	size_t nres = c->config->nreservations, nuc = c->ucs.n + 1, nd = ndays_loaded(c);
	int64_t *od = pc_xcalloc(nuc, sizeof(*od)), *sh = pc_xcalloc(nuc, sizeof(*sh));
	int64_t *rsh = pc_xcalloc(nuc * (nres + 1), sizeof(*rsh));
	int64_t *req = pc_xcalloc(nuc * (nres + 1), sizeof(*req));
	struct groups *g = &c->ucs;
	size_t unattributed;
	int error;

	(void)idle_of_day;
	/* a group for the records of no use case: the showback's "unattributed" */
	unattributed = g->n;
	for (size_t k = 0; k < c->ncells; k++)
		if (c->cells[k].uc == NO_INDEX)
			c->cells[k].uc = unattributed;
	error = showback(c, r->since_day, r->until_day, BY_USE_CASE, nuc, od, sh, rsh, req);
	for (size_t k = 0; k < c->ncells; k++)
		if (c->cells[k].uc == unattributed)
			c->cells[k].uc = NO_INDEX;
	if (error)
		goto done;
	r->reservations = pc_xcalloc(nres + 1, sizeof(*r->reservations));
	r->nreservations = nres;
	for (size_t i = 0; i < nres; i++) {
		const struct pc_reservation *rv = &c->config->reservations[i];
		struct pc_sr_reservation *o = &r->reservations[i];
		int64_t capacity, peak = -1;

		o->id = pc_xstrdup(rv->id);
		o->model = pc_xstrdup(rv->model);
		o->units = rv->units;
		o->unit_price_per_hour_micros = rv->unit_price_per_hour_micros;
		o->hours = r->hours;
		o->commitment_micros = commitment_per_day(rv) * r->ndays;
		o->capacity_per_hour = capacity_per_hour(rv);
		capacity = o->capacity_per_hour * o->hours;
		o->daily_utilization = pc_xcalloc((size_t)r->ndays, sizeof(*o->daily_utilization));
		o->peak_hour = -1;
		for (int64_t d = r->since_day; d <= r->until_day; d++) {
			const struct res_day *rd = rday(c, i, d);

			o->consumed += rd->within;
			o->spilled += rd->spilled;
			o->spillover_micros += rd->spill_micros;
			o->daily_utilization[d - r->since_day] =
				(struct pc_ratio){ rd->within, o->capacity_per_hour * HOURS_PER_DAY };
			if (rd->peak_hour >= 0 && rd->peak_eq > peak) {
				peak = rd->peak_eq;
				o->peak_hour = rd->peak_hour;
			}
		}
		o->utilization = (struct pc_ratio){ o->consumed, capacity };
		o->peak_utilization = (struct pc_ratio){ peak > 0 ? peak : 0, o->capacity_per_hour };
		/* idle = commitment x (1 - consumed / capacity), rounded once */
		o->idle_micros = o->commitment_micros -
				 div_round((pc_int128)o->commitment_micros * o->consumed, capacity);
		for (size_t k = 0; k < c->ncells; k++)
			if (c->cells[k].res == i && in_period(c, c->cells[k].day))
				o->on_demand_equivalent_micros += c->cells[k].list;
		o->shares = pc_xcalloc(nuc, sizeof(*o->shares));
		for (size_t u = 0; u < nuc; u++) {
			struct pc_sr_share *s;

			if (!req[i * nuc + u])
				continue;
			s = &o->shares[o->nshares++];
			s->use_case = u < g->n ? pc_xstrdup(g->items[u].key) : NULL;
			s->equivalents = req[i * nuc + u];
			s->share = (struct pc_ratio){ s->equivalents, o->consumed };
			s->commitment_share_micros = rsh[i * nuc + u];
		}
		for (size_t a = 1; a < o->nshares; a++)
			for (size_t b = a; b > 0 && strcmp_null(o->shares[b - 1].use_case,
								 o->shares[b].use_case) > 0; b--) {
				struct pc_sr_share tmp = o->shares[b - 1];

				o->shares[b - 1] = o->shares[b];
				o->shares[b] = tmp;
			}
	}
	(void)nd;
done:
	free(od);
	free(sh);
	free(rsh);
	free(req);
	return error;
}

/* ---- spikes -------------------------------------------------------------- */

/* ---- commits: who changed the prompt, and by how many tokens ------------ */

/*
 * A template's prompt tokens just before and at a commit, as `check`
 * counts them: the comparison commit^..commit run through the same pipeline
 * (its templates, formats, includes and tokenizer), read from the report.
 * Remembered per commit and template, since a spike and a forecast often
 * name the same one. False when it cannot be told (no working tree, a root
 * commit, a configuration there that does not parse): the figure is left
 * out, never guessed.
 */
struct tokens_memo {
	char *commit, *tpl;
	bool ok;
	int64_t before, after;
};

static bool commit_tokens(struct ctx *c, const char *commit, const char *tpl, int64_t *before,
			  int64_t *after)
{
	struct pc_check check;
	struct pc_check_options o;
	struct pc_buf base = PC_BUF_INIT;
	struct tokens_memo *m;
	const char *workdir = c->repo ? pc_repo_workdir(c->repo) : NULL;

	for (size_t i = 0; i < c->nmemo; i++)
		if (!strcmp(c->memo[i].commit, commit) && !strcmp(c->memo[i].tpl, tpl)) {
			*before = c->memo[i].before;
			*after = c->memo[i].after;
			return c->memo[i].ok;
		}
	PC_GROW(c->memo, c->memo_cap, c->nmemo + 1);
	m = &c->memo[c->nmemo++];
	memset(m, 0, sizeof(*m));
	m->commit = pc_xstrdup(commit);
	m->tpl = pc_xstrdup(tpl);
	if (!workdir)
		return false;
	memset(&check, 0, sizeof(check));
	memset(&o, 0, sizeof(o));
	pc_buf_addf(&base, "%s^", commit);
	o.repo_path = workdir;
	o.mode = PC_COMPARE_RANGE;
	o.base_rev = base.ptr;
	o.head_rev = commit;
	check.allow_unconfigured = true;
	if (pc_check_run(&check, &o) == 0 && !check.unconfigured) {
		for (size_t i = 0; i < check.report.ntemplates; i++) {
			const struct pc_template_report *t = &check.report.templates[i];

			if (strcmp(t->id, tpl))
				continue;
			m->before = t->before.present ? t->before.tokens : 0;
			m->after = t->after.present ? t->after.tokens : 0;
			m->ok = true;
		}
	} else {
		pc_error_clear();
	}
	pc_check_release(&check);
	pc_buf_release(&base);
	*before = m->before;
	*after = m->after;
	return m->ok;
}

/* A commit as the report names it: id, author, date, subject and, for tpl, its token change. */
static void commit_of(struct ctx *c, struct pc_sr_commit *out, const char *id, const char *tpl)
{
	struct pc_buf author = PC_BUF_INIT, date = PC_BUF_INIT, subject = PC_BUF_INIT;
	int64_t before, after;

	memset(out, 0, sizeof(*out));
	out->id = dup_or_null(id);
	if (!id || !*id || !c->repo)
		return;
	if (pc_repo_commit_info(&author, &date, &subject, c->repo, id) == 0) {
		out->author = pc_buf_detach(&author, NULL);
		out->date = pc_buf_detach(&date, NULL);
		out->subject = pc_buf_detach(&subject, NULL);
	}
	pc_buf_release(&author);
	pc_buf_release(&date);
	pc_buf_release(&subject);
	if (tpl && commit_tokens(c, id, tpl, &before, &after)) {
		out->has_delta_tokens = true;
		out->delta_tokens = after - before;
	}
}

/*
 * Where records carry no versions: the last commit to the template's files
 * at or before the end of day d, on HEAD's first-parent line (inferred).
 */
static bool inferred_commit(struct ctx *c, char hex[PC_OID_HEXSZ + 1], const char *tpl,
			    int64_t day)
{
	const struct pc_template_config *tc = pc_config_template(c->config, tpl);
	char at[PC_OID_HEXSZ + 1];
	enum pc_version_kind kind;
	const char **globs;
	bool found;

	hex[0] = '\0';
	if (!c->repo || !tc || !tc->nfiles || pc_repo_commit_at(at, c->repo, (day + 1) * 86400 - 1) ||
	    !at[0]) {
		pc_error_clear();
		return false;
	}
	globs = pc_xcalloc(tc->nfiles, sizeof(*globs));
	for (size_t i = 0; i < tc->nfiles; i++)
		globs[i] = tc->files[i].pattern;
	found = pc_repo_version_commit(hex, &kind, c->repo, globs, tc->nfiles, at) == 0 && hex[0];
	if (!found)
		pc_error_clear();
	free(globs);
	return found;
}

/*
 * README "Spikes": for a template and day d of the period, the baseline is
 * the mean daily cost over d-7..d-1 on or after its first recorded day (at
 * least 3 such days); a spike when cost(d) >= 1.2 x baseline and cost(d) -
 * baseline >= 1.00; consecutive spike days are one spike (the first).
 */
static void spikes_section(struct ctx *c, const int64_t *tdaily, const int64_t *tmodel_calls,
			   const bool *tversioned)
{
	struct pc_spend_report *r = c->r;
	size_t nd = ndays_loaded(c), cap = 0;

	for (size_t t = 0; t < c->tpls.n; t++) {
		const char *id = c->tpls.items[t].key;
		const struct pc_store_template *st = stored_template(c, id);
		bool previous_spike = false;

		if (!id || !st)
			continue;
		for (int64_t d = r->since_day; d <= r->until_day; d++) {
			size_t at = t * nd + (size_t)(d - c->lo);
			int64_t sum = 0, mc = 0, days = 0, cost = tdaily[at];
			struct pc_sr_spike *s;
			char hex[PC_OID_HEXSZ + 1];
			bool spike;

			for (int64_t e = d - SPIKE_WINDOW; e < d; e++)
				if (e >= st->first_day && e >= c->lo) {
					sum += tdaily[t * nd + (size_t)(e - c->lo)];
					mc += tmodel_calls[t * nd + (size_t)(e - c->lo)];
					days++;
				}
			spike = days >= SPIKE_MIN_DAYS &&
				(pc_int128)cost * days * 10 >= (pc_int128)sum * 12 &&
				(pc_int128)cost * days - sum >= (pc_int128)PC_MICROS * days;
			if (!spike || previous_spike) {
				previous_spike = spike;
				continue;
			}
			previous_spike = true;
			PC_GROW(r->spikes, cap, r->nspikes + 1);
			s = &r->spikes[r->nspikes++];
			memset(s, 0, sizeof(*s));
			s->template = pc_xstrdup(id);
			s->day = d;
			s->cost_micros = cost;
			s->baseline_micros = div_round(sum, days);
			s->calls = 0;
			for (size_t k = 0; k < c->ncells; k++)
				if (c->cells[k].tpl == t && c->cells[k].day == d)
					s->calls += c->cells[k].b->calls;
			{
				int64_t bcalls = 0;

				for (size_t k = 0; k < c->ncells; k++)
					if (c->cells[k].tpl == t && c->cells[k].day < d &&
					    c->cells[k].day >= d - SPIKE_WINDOW &&
					    c->cells[k].day >= st->first_day)
						bcalls += c->cells[k].b->calls;
				s->baseline_calls = div_round(bcalls, days);
			}
			/* a costlier model call (>= 1.05 x the baseline's): the prompt */
			if (mc == 0 || (pc_int128)cost * mc * 100 >=
					       (pc_int128)sum * tmodel_calls[at] * 105) {
				const struct pc_store_version *best = NULL;

				for (size_t v = 0; v < st->nversions; v++) {
					const struct pc_store_version *sv = &st->versions[v];

					if (sv->first_day >= d - 6 && sv->first_day <= d &&
					    (!best || sv->first_day >= best->first_day))
						best = sv;
				}
				if (best) {
					s->cause = PC_SR_CAUSE_VERSION;
					s->version = pc_xstrdup(best->version);
					commit_of(c, &s->commit, best->commit, id);
				} else if (!tversioned[at] && inferred_commit(c, hex, id, d)) {
					/* no version on the records: the last commit to its files */
					s->cause = PC_SR_CAUSE_INFERRED;
					commit_of(c, &s->commit, hex, id);
				} else {
					s->cause = PC_SR_CAUSE_UNKNOWN;
				}
			} else {
				s->cause = PC_SR_CAUSE_VOLUME;
			}
		}
	}
	/* by day, then template */
	for (size_t a = 1; a < r->nspikes; a++)
		for (size_t b = a; b > 0; b--) {
			struct pc_sr_spike *x = &r->spikes[b - 1], *y = &r->spikes[b];

			if (x->day < y->day || (x->day == y->day && strcmp(x->template, y->template) <= 0))
				break;
			struct pc_sr_spike tmp = *x;

			*x = *y;
			*y = tmp;
		}
}

/* ---- forecast against actual ---------------------------------------------- */

/*
 * README "Forecast against actual": every version of a template first
 * recorded inside the period after another version of it was recorded, and
 * resolved to a commit. projected: what `check` projects for that commit
 * (its token change, counted as check counts it) at the volume recorded in
 * the up to 30 days before the version went live (calls, response-cache
 * hits, input, cached input and cache writes, as `usage sync` sums them),
 * priced at the template's model on the live day, for days_per_month days;
 * observed: (mean daily cost from the live day to `until` - mean daily cost
 * over those days before) x days_per_month; error: (observed - projected) /
 * |projected|.
 */
static int forecasts_section(struct ctx *c, const int64_t *tdaily)
{
	struct pc_spend_report *r = c->r;
	size_t nd = ndays_loaded(c), cap = 0;

	for (size_t t = 0; t < c->tpls.n; t++) {
		const char *id = c->tpls.items[t].key;
		const struct pc_store_template *st = stored_template(c, id);
		const struct pc_template_config *tc = id ? pc_config_template(c->config, id) : NULL;

		if (!st || !tc)
			continue;
		for (size_t v = 0; v < st->nversions; v++) {
			const struct pc_store_version *sv = &st->versions[v];
			int64_t live = sv->first_day, b0, nb, na, sum_b = 0, sum_a = 0;
			int64_t before_tokens, after_tokens, cost_b, cost_a;
			struct pc_volume vol;
			struct pc_spend_qty qb, qa;
			const struct pc_model *models;
			struct pc_sr_forecast *f;
			size_t mi;
			bool earlier = false;
			int error;

			if (!sv->commit || !*sv->commit || live < r->since_day || live > r->until_day)
				continue;
			for (size_t w = 0; w < st->nversions; w++)
				if (w != v && st->versions[w].first_day < live)
					earlier = true;
			if (!earlier)
				continue;
			b0 = live - FORECAST_WINDOW;
			if (b0 < st->first_day)
				b0 = st->first_day;
			if (b0 < c->lo)
				b0 = c->lo;
			nb = live - b0;
			na = r->until_day - live + 1;
			if (nb < 1 || !commit_tokens(c, sv->commit, id, &before_tokens, &after_tokens))
				continue;
			memset(&vol, 0, sizeof(vol));
			vol.source = PC_SPEND_RECORDED;
			vol.days = nb;
			for (size_t k = 0; k < c->ncells; k++) {
				const struct cell_day *cd = &c->cells[k];

				if (cd->tpl != t || cd->day < b0 || cd->day >= live)
					continue;
				vol.calls += cd->b->calls;
				vol.response_cache_hits += cd->b->response_cache_hits;
				vol.input_tokens += cd->b->input_tokens;
				vol.cached_input_tokens += cd->b->cached_input_tokens;
				vol.cache_write_tokens += cd->b->cache_write_tokens;
				vol.output_tokens += cd->b->output_tokens;
				vol.records += cd->b->records;
			}
			if ((mi = model_index(c, tc->model)) == NO_INDEX)
				continue;
			if ((error = prices_at(&models, c, live)) ||
			    (error = pc_spend_project(&qb, &vol, before_tokens, r->days_per_month)) ||
			    (error = pc_spend_project(&qa, &vol, after_tokens, r->days_per_month)) ||
			    (error = pc_spend_cost(&cost_b, &models[mi], &qb, id)) ||
			    (error = pc_spend_cost(&cost_a, &models[mi], &qa, id)))
				return error;
			for (int64_t d = b0; d < live; d++)
				sum_b += tdaily[t * nd + (size_t)(d - c->lo)];
			for (int64_t d = live; d <= r->until_day; d++)
				sum_a += tdaily[t * nd + (size_t)(d - c->lo)];
			PC_GROW(r->forecasts, cap, r->nforecasts + 1);
			f = &r->forecasts[r->nforecasts++];
			memset(f, 0, sizeof(*f));
			f->template = pc_xstrdup(id);
			commit_of(c, &f->commit, sv->commit, id);
			f->live_day = live;
			f->projected_monthly_delta_micros = cost_a - cost_b;
			f->before_daily_micros = div_round(sum_b, nb);
			f->after_daily_micros = div_round(sum_a, na);
			/* (sum_a / na - sum_b / nb) x days_per_month, divided once */
			f->observed_monthly_delta_micros =
				div_round(((pc_int128)sum_a * nb - (pc_int128)sum_b * na) *
						  r->days_per_month,
					  (pc_int128)na * nb);
			f->error.num = f->observed_monthly_delta_micros - f->projected_monthly_delta_micros;
			f->error.den = f->projected_monthly_delta_micros < 0
					       ? -f->projected_monthly_delta_micros
					       : f->projected_monthly_delta_micros;
		}
	}
	/* by live day, then template */
	for (size_t a = 1; a < r->nforecasts; a++)
		for (size_t b = a; b > 0; b--) {
			struct pc_sr_forecast *x = &r->forecasts[b - 1], *y = &r->forecasts[b];
			struct pc_sr_forecast tmp;

			if (x->live_day < y->live_day ||
			    (x->live_day == y->live_day && strcmp(x->template, y->template) <= 0))
				break;
			tmp = *x;
			*x = *y;
			*y = tmp;
		}
	return 0;
}

/* ---- posture ------------------------------------------------------------- */

static const char *const small_numbers[] = {
	"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
	"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
	"nineteen"
};
static const char *const tens[] = { "", "", "twenty", "thirty", "forty", "fifty", "sixty",
				    "seventy", "eighty", "ninety" };

/* A count in words below 100 ("fourteen", "twenty-one"), in digits from 100. */
static void count_words(struct pc_buf *out, int64_t n)
{
	if (n >= 0 && n < 20)
		pc_buf_adds(out, small_numbers[n]);
	else if (n >= 20 && n < 100)
		pc_buf_addf(out, "%s%s%s", tens[n / 10], n % 10 ? "-" : "",
			    n % 10 ? small_numbers[n % 10] : "");
	else
		pc_count_format(out, n, false);
}

static void money_words(struct pc_buf *out, const char *currency, int64_t micros)
{
	if (!strcmp(currency, "USD"))
		pc_buf_adds(out, "$");
	else if (!strcmp(currency, "EUR"))
		pc_buf_adds(out, "\xe2\x82\xac");
	else if (!strcmp(currency, "GBP"))
		pc_buf_adds(out, "\xc2\xa3");
	else
		pc_buf_addf(out, "%s ", currency);
	pc_money_format(out, micros, true, false);
}

static void posture_text(struct pc_spend_report *r)
{
	struct pc_sr_posture *p = &r->posture;
	struct pc_buf b = PC_BUF_INIT, clause[3];
	char pct[32], target[32];
	size_t n = 0;

	for (size_t i = 0; i < 3; i++)
		pc_buf_init(&clause[i]);
	pc_buf_adds(&b, "We spent ");
	money_words(&b, r->currency, p->total_micros);
	pc_buf_adds(&b, " across ");
	count_words(&b, p->active_use_cases);
	pc_buf_addf(&b, " active use case%s", p->active_use_cases == 1 ? "" : "s");
	if (p->top_use_case && p->top_use_case_share.den) {
		pc_buf_adds(&clause[n], "with ");
		for (const char *s = p->top_use_case; *s; s++)
			pc_buf_addch(&clause[n], *s == '-' || *s == '_' ? ' ' : *s);
		pc_ratio_format(pct, p->top_use_case_share);
		pc_buf_addf(&clause[n++], " accounting for %s%% of spend", pct);
	}
	if (p->calls) {
		pc_ratio_format(pct, p->cache_hit_rate);
		pc_buf_addf(&clause[n], "a cache hit rate of %s%%", pct);
		if (p->has_cache_hit_target) {
			pc_ratio_format(target, (struct pc_ratio){ p->cache_hit_target_ppm, PC_PPM });
			pc_buf_addf(&clause[n], " against a target of %s%%", target);
		}
		n++;
	}
	if (p->has_reservations) {
		pc_ratio_format(pct, p->reservation_utilization);
		pc_buf_addf(&clause[n++], "provisioned throughput running at %s%% utilization "
			    "against our commitment", pct);
	}
	for (size_t i = 0; i < n; i++) {
		pc_buf_adds(&b, ", ");
		if (n > 1 && i == n - 1)
			pc_buf_adds(&b, "and ");
		pc_buf_adds(&b, clause[i].ptr);
	}
	pc_buf_adds(&b, ".");
	for (size_t i = 0; i < 3; i++)
		pc_buf_release(&clause[i]);
	p->text = pc_buf_detach(&b, NULL);
}

static void posture_section(struct ctx *c)
{
	struct pc_spend_report *r = c->r;
	struct pc_sr_posture *p = &r->posture;
	pc_int128 wnum = 0, wden = 0;

	for (size_t k = 0; k < c->ncells; k++)
		if (in_period(c, c->cells[k].day)) {
			p->on_demand_micros += c->cells[k].ondemand;
			p->calls += c->cells[k].b->calls;
			p->response_cache_hits += c->cells[k].b->response_cache_hits;
		}
	for (size_t i = 0; i < r->nreservations; i++)
		p->commitment_micros += r->reservations[i].commitment_micros;
	p->total_micros = p->on_demand_micros + p->commitment_micros;
	for (size_t i = 0; i < r->nuse_cases; i++) {
		const struct pc_sr_budget *u = &r->use_cases[i];

		if (u->calls > 0)
			p->active_use_cases++;
	}
	/* use cases are sorted by cost: the first active one is the top */
	if (r->nuse_cases && r->use_cases[0].calls > 0) {
		p->top_use_case = pc_xstrdup(r->use_cases[0].id);
		p->top_use_case_micros = r->use_cases[0].cost_micros;
		p->top_use_case_share = (struct pc_ratio){ p->top_use_case_micros, p->total_micros };
	}
	p->cache_hit_rate = (struct pc_ratio){ p->response_cache_hits, p->calls };
	p->has_cache_hit_target = c->config->policy.has_cache_hit_target;
	p->cache_hit_target_ppm = c->config->policy.cache_hit_target_ppm;
	p->has_reservations = r->nreservations > 0;
	/*
	 * Commitment-weighted mean of the utilizations: sum(C x consumed /
	 * capacity) / sum(C), in millionths of the commitment so that it stays a
	 * ratio of integers; exact for one reservation.
	 */
	if (r->nreservations == 1) {
		p->reservation_utilization = r->reservations[0].utilization;
	} else {
		for (size_t i = 0; i < r->nreservations; i++) {
			const struct pc_sr_reservation *o = &r->reservations[i];

			if (!o->utilization.den)
				continue;
			wnum += pc_div_round((pc_int128)o->commitment_micros * PC_PPM * o->consumed,
					     o->utilization.den);
			wden += (pc_int128)o->commitment_micros * PC_PPM;
		}
		p->reservation_utilization = (struct pc_ratio){ (int64_t)wnum, (int64_t)wden };
	}
	for (size_t i = 0; i < r->nuse_cases; i++)
		r->use_cases[i].share = (struct pc_ratio){ r->use_cases[i].cost_micros,
							   p->total_micros };
	for (size_t i = 0; i < r->nteams; i++)
		r->teams[i].share = (struct pc_ratio){ r->teams[i].cost_micros, p->total_micros };
	for (size_t i = 0; i < r->ntemplates; i++)
		r->templates[i].share = (struct pc_ratio){ r->templates[i].cost_micros,
							   p->total_micros };
	posture_text(r);
}

/* ---- data quality -------------------------------------------------------- */

static void quality_section(struct ctx *c)
{
	struct pc_spend_report *r = c->r;
	struct pc_sr_quality *q = &r->quality;

	for (size_t k = 0; k < c->ncells; k++) {
		const struct cell_day *cd = &c->cells[k];
		const struct pc_store_bucket *b = cd->b;

		if (!in_period(c, cd->day))
			continue;
		if (!c->tpls.items[cd->tpl].key) {
			q->unattributed_records += b->records;
			q->unattributed_calls += b->calls;
		} else if (!b->version) {
			q->unversioned_calls += b->calls;
		}
		if (b->cost_records > 0) {
			/* the part of the bucket that carried a cost: all of it, or its share */
			q->reported_records += b->cost_records;
			q->reported_micros += b->cost_micros;
			q->repriced_micros += div_round((pc_int128)cd->list * b->cost_records,
							b->records);
		}
	}
	/* costs as the templates show them: on demand + their share of commitments */
	for (size_t i = 0; i < r->ntemplates; i++) {
		const struct pc_sr_template *t = &r->templates[i];

		if (!t->id) {
			q->unattributed_micros = t->cost_micros;
			continue;
		}
		for (size_t v = 0; v < t->nversions; v++)
			if (!t->versions[v].version)
				q->unversioned_micros += t->versions[v].cost_micros;
	}
	q->drift = (struct pc_ratio){ q->reported_micros - q->repriced_micros, q->repriced_micros };
}

/* ---- charges ------------------------------------------------------------- */

static uint64_t hash_text(const char *s)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* The report's own copy of s (one per distinct string, found through an open-addressed table). */
static const char *borrow(struct ctx *c, const char *s)
{
	size_t at;

	if (!s)
		return NULL;
	if (2 * (c->strings.n + 1) > c->nslots) {
		size_t n = c->nslots ? 2 * c->nslots : 64;

		free(c->slots);
		c->slots = pc_xcalloc(n, sizeof(*c->slots));
		c->nslots = n;
		for (size_t i = 0; i < c->strings.n; i++) {
			at = hash_text(c->strings.items[i]) & (n - 1);
			while (c->slots[at])
				at = (at + 1) & (n - 1);
			c->slots[at] = c->strings.items[i];
		}
	}
	at = hash_text(s) & (c->nslots - 1);
	while (c->slots[at]) {
		if (!strcmp(c->slots[at], s))
			return c->slots[at];
		at = (at + 1) & (c->nslots - 1);
	}
	pc_strlist_push(&c->strings, s);
	c->slots[at] = c->strings.items[c->strings.n - 1];
	return c->slots[at];
}

static int compare_charges(const void *pa, const void *pb)
{
	const struct pc_sr_charge *a = pa, *b = pb;
	int d;

	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if ((d = strcmp_null(a->template, b->template)) ||
	    (d = strcmp_null(a->model, b->model)) ||
	    (d = strcmp_null(a->reservation, b->reservation)) ||
	    (d = strcmp_null(a->team, b->team)) || (d = strcmp_null(a->use_case, b->use_case)))
		return d;
	return 0;
}

static void charge_counts(struct pc_sr_charge *ch, const struct pc_store_bucket *b)
{
	ch->calls = b->calls;
	ch->response_cache_hits = b->response_cache_hits;
	ch->input_tokens = b->input_tokens;
	ch->cached_input_tokens = b->cached_input_tokens;
	ch->cache_write_tokens = b->cache_write_tokens;
	ch->output_tokens = b->output_tokens;
}

static int charges_section(struct ctx *c, const int64_t *idle_of_day)
{
	struct pc_spend_report *r = c->r;
	size_t cap = 0, n = 0, nd = ndays_loaded(c);
	struct pc_sr_charge *ch = NULL;
	int64_t sum = 0;

	for (size_t k = 0; k < c->ncells; k++) {
		const struct cell_day *cd = &c->cells[k];
		const char *tpl = borrow(c, c->tpls.items[cd->tpl].key);
		struct pc_sr_charge base = { 0 }, *x;

		if (!in_period(c, cd->day))
			continue;
		base.day = cd->day;
		base.template = tpl;
		base.team = borrow(c, cd->b->team);
		base.use_case = borrow(c, cd->b->use_case);
		base.model = borrow(c, cd->b->model);
		if (cd->res == NO_INDEX) {
			PC_GROW(ch, cap, n + 1);
			x = &ch[n++];
			*x = base;
			x->kind = PC_SR_CHARGE_ON_DEMAND;
			charge_counts(x, cd->b);
			x->billed_micros = x->effective_micros = x->list_micros = cd->list;
			continue;
		}
		base.reservation = borrow(c, c->config->reservations[cd->res].id);
		if (cd->spill_micros || cd->spill_eq) {
			/* the spilled part: money only (the traffic's counts are on the use below) */
			PC_GROW(ch, cap, n + 1);
			x = &ch[n++];
			*x = base;
			x->kind = PC_SR_CHARGE_SPILLOVER;
			x->billed_micros = x->effective_micros = x->list_micros = cd->spill_micros;
		}
		PC_GROW(ch, cap, n + 1);
		x = &ch[n++];
		*x = base;
		x->kind = PC_SR_CHARGE_COMMITMENT_USE;
		charge_counts(x, cd->b);
		x->effective_micros = cd->commit_use;
		x->list_micros = cd->list - cd->spill_micros;
	}
	for (size_t res = 0; res < c->config->nreservations; res++) {
		const struct pc_reservation *rv = &c->config->reservations[res];

		for (int64_t d = r->since_day; d <= r->until_day; d++) {
			struct pc_sr_charge *x;

			PC_GROW(ch, cap, n + 2);
			x = &ch[n++];
			memset(x, 0, sizeof(*x));
			x->kind = PC_SR_CHARGE_COMMITMENT_IDLE;
			x->day = d;
			x->model = borrow(c, rv->model);
			x->reservation = borrow(c, rv->id);
			x->effective_micros = idle_of_day[res * nd + (size_t)(d - c->lo)];
			x = &ch[n++];
			memset(x, 0, sizeof(*x));
			x->kind = PC_SR_CHARGE_PURCHASE;
			x->day = d;
			x->model = borrow(c, rv->model);
			x->reservation = borrow(c, rv->id);
			x->billed_micros = commitment_per_day(rv);
		}
	}
	if (n)
		qsort(ch, n, sizeof(*ch), compare_charges);
	/* one charge per day, kind, template, model, reservation, team and use case */
	r->charges = pc_xcalloc(n + 1, sizeof(*r->charges));
	for (size_t i = 0; i < n; i++) {
		struct pc_sr_charge *last = r->ncharges ? &r->charges[r->ncharges - 1] : NULL;

		if (!add64(&sum, ch[i].effective_micros)) {
			free(ch);
			return overflow("the charges' sum");
		}
		if (last && !compare_charges(last, &ch[i])) {
			last->calls += ch[i].calls;
			last->response_cache_hits += ch[i].response_cache_hits;
			last->input_tokens += ch[i].input_tokens;
			last->cached_input_tokens += ch[i].cached_input_tokens;
			last->cache_write_tokens += ch[i].cache_write_tokens;
			last->output_tokens += ch[i].output_tokens;
			last->billed_micros += ch[i].billed_micros;
			last->effective_micros += ch[i].effective_micros;
			last->list_micros += ch[i].list_micros;
		} else {
			r->charges[r->ncharges++] = ch[i];
		}
	}
	free(ch);
	if (sum != r->posture.total_micros)
		return pc_error_set(PC_EINTERNAL, "the spend report: the charges sum to %" PRId64
				    " micro-units, the total is %" PRId64, sum,
				    r->posture.total_micros);
	return 0;
}

/* ---- the report ---------------------------------------------------------- */

static void month_of(int64_t *start, int64_t *days, int64_t day)
{
	char text[11];
	int year, month;

	pc_day_format(text, day);
	year = atoi(text);
	month = atoi(text + 5);
	*start = pc_days_from_civil(year, (unsigned)month, 1);
	*days = (month == 12 ? pc_days_from_civil(year + 1, 1, 1)
			     : pc_days_from_civil(year, (unsigned)month + 1, 1)) - *start;
}

static void add_config_groups(struct ctx *c)
{
	for (size_t i = 0; i < c->config->nuse_cases; i++)
		group_find(&c->ucs, c->config->use_cases[i].name, NULL, true);
	for (size_t i = 0; i < c->config->nteams; i++)
		group_find(&c->teams, c->config->teams[i].name, NULL, true);
}

int pc_spend_report_build(struct pc_spend_report **out, struct pc_store *store,
			  const struct pc_spend_report_options *options)
{
	struct pc_spend_report *r = pc_xcalloc(1, sizeof(*r));
	struct ctx c;
	int64_t *tdaily = NULL, *tmc = NULL, *idle = NULL;
	bool *tversioned = NULL;
	size_t nd;
	int error;

	*out = NULL;
	if (options->until_day < options->since_day)
		return pc_error_set(PC_EINPUT, "the period ends before it starts");
	memset(&c, 0, sizeof(c));
	c.config = options->config;
	c.store = store;
	c.repo = options->repo;
	c.r = r;
	r->since_day = options->since_day;
	r->until_day = options->until_day;
	pc_day_format(r->since, r->since_day);
	pc_day_format(r->until, r->until_day);
	r->ndays = r->until_day - r->since_day + 1;
	r->hours = r->ndays * HOURS_PER_DAY;
	r->currency = pc_xstrdup(c.config->currency);
	r->days_per_month = c.config->days_per_month;
	r->price_note = pc_xstrdup("prices of each day: the configuration's, or the price catalog's "
				   "list in force that day");
	month_of(&c.month_start, &c.month_days, r->until_day);
	/* the previous period, the spikes' baselines, the forecasts' volumes, the budget month */
	c.lo = r->since_day - (r->ndays > FORECAST_WINDOW ? r->ndays : FORECAST_WINDOW);
	if (c.month_start < c.lo)
		c.lo = c.month_start;
	c.hi = r->until_day;
	nd = ndays_loaded(&c);
	c.prices = pc_xcalloc(nd, sizeof(*c.prices));
	c.rdays = pc_xcalloc(nd * (c.config->nreservations + 1), sizeof(*c.rdays));
	for (size_t i = 0; i < nd * (c.config->nreservations + 1); i++)
		c.rdays[i].peak_hour = -1;
	idle = pc_xcalloc(nd * (c.config->nreservations + 1), sizeof(*idle));
	add_config_groups(&c);
	if ((error = pc_store_describe(&c.summary, store)) || (error = load_cells(&c)) ||
	    (error = load_hours(&c)))
		goto done;
	apply_reservations(&c, idle);

	tdaily = pc_xcalloc((c.tpls.n + 1) * nd, sizeof(*tdaily));
	tmc = pc_xcalloc((c.tpls.n + 1) * nd, sizeof(*tmc));
	tversioned = pc_xcalloc((c.tpls.n + 1) * nd, sizeof(*tversioned));
	for (size_t k = 0; k < c.ncells; k++) {
		size_t at = c.cells[k].tpl * nd + (size_t)(c.cells[k].day - c.lo);

		tmc[at] += c.cells[k].b->calls - c.cells[k].b->response_cache_hits;
		if (c.cells[k].b->version)
			tversioned[at] = true;
	}
	if ((error = budget_lines(&c, BY_USE_CASE, &c.ucs, &r->use_cases, &r->nuse_cases)) ||
	    (error = budget_lines(&c, BY_TEAM, &c.teams, &r->teams, &r->nteams)) ||
	    (error = templates_section(&c, tdaily)) || (error = reservations_section(&c, idle)))
		goto done;
	qsort(r->use_cases, r->nuse_cases, sizeof(*r->use_cases), compare_budget_by_cost);
	qsort(r->teams, r->nteams, sizeof(*r->teams), compare_budget_by_id);
	qsort(r->templates, r->ntemplates, sizeof(*r->templates), compare_templates);
	posture_section(&c);
	spikes_section(&c, tdaily, tmc, tversioned);
	if ((error = forecasts_section(&c, tdaily)))
		goto done;
	quality_section(&c);
	if ((error = charges_section(&c, idle)))
		goto done;
	r->strings = c.strings;
	memset(&c.strings, 0, sizeof(c.strings));
	*out = r;
	r = NULL;
done:
	pc_spend_report_free(r);
	pc_strlist_release(&c.strings);
	free(c.slots);
	for (size_t i = 0; i < c.nmemo; i++) {
		free(c.memo[i].commit);
		free(c.memo[i].tpl);
	}
	free(c.memo);
	for (size_t i = 0; i < nd; i++)
		free(c.prices[i]);
	free(c.prices);
	free(c.rdays);
	free(idle);
	free(tdaily);
	free(tmc);
	free(tversioned);
	free(c.cells);
	free(c.tpls.items);
	free(c.vers.items);
	free(c.ucs.items);
	free(c.teams.items);
	free(c.tpls.slots);
	free(c.vers.slots);
	free(c.ucs.slots);
	free(c.teams.slots);
	pc_store_buckets_free(c.daily, c.ndaily);
	pc_store_buckets_free(c.hourly, c.nhourly);
	pc_store_summary_free(c.summary);
	return error;
}

static void commit_free(struct pc_sr_commit *commit)
{
	free(commit->id);
	free(commit->author);
	free(commit->date);
	free(commit->subject);
}

static void budgets_free(struct pc_sr_budget *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(b[i].id);
		free(b[i].team);
		free(b[i].daily_micros);
	}
	free(b);
}

void pc_spend_report_free(struct pc_spend_report *r)
{
	if (!r)
		return;
	free(r->currency);
	free(r->price_note);
	free(r->posture.text);
	free(r->posture.top_use_case);
	budgets_free(r->teams, r->nteams);
	budgets_free(r->use_cases, r->nuse_cases);
	for (size_t i = 0; i < r->ntemplates; i++) {
		struct pc_sr_template *t = &r->templates[i];

		free(t->id);
		free(t->team);
		free(t->use_case);
		free(t->model);
		free(t->deployment);
		free(t->daily_micros);
		for (size_t v = 0; v < t->nversions; v++) {
			free(t->versions[v].version);
			free(t->versions[v].commit);
		}
		free(t->versions);
	}
	free(r->templates);
	for (size_t i = 0; i < r->nspikes; i++) {
		free(r->spikes[i].template);
		free(r->spikes[i].version);
		commit_free(&r->spikes[i].commit);
	}
	free(r->spikes);
	for (size_t i = 0; i < r->nforecasts; i++) {
		free(r->forecasts[i].template);
		commit_free(&r->forecasts[i].commit);
	}
	free(r->forecasts);
	for (size_t i = 0; i < r->nreservations; i++) {
		struct pc_sr_reservation *o = &r->reservations[i];

		free(o->id);
		free(o->model);
		for (size_t k = 0; k < o->nshares; k++)
			free(o->shares[k].use_case);
		free(o->shares);
		free(o->daily_utilization);
	}
	free(r->reservations);
	free(r->charges);
	pc_strlist_release(&r->strings);
	free(r);
}
