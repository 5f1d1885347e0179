/*
 * The spend model under every report (DESIGN.md "One spend model under
 * every report"): spend lines, one pricing stage, and rollups.
 *
 * A line is what some calls consumed: projected by `check` from a template's
 * tokens and a volume, recorded in usage logs, or configured (a typed-in
 * estimate). Its quantities are exact rationals over one common denominator
 * (`per`), so a volume recorded as calls over days, or a share in parts per
 * million, is never rounded before the money is: pricing divides once.
 * Pricing knows nothing about git or templates: a line and its prices.
 */
#ifndef PROMPTCOST_SPEND_H
#define PROMPTCOST_SPEND_H

#include "promptcost/common.h"
#include "promptcost/config.h"

#include <stdint.h>

enum pc_spend_kind {
	PC_SPEND_PROJECTED,     /* what a change would consume (check) */
	PC_SPEND_RECORDED,      /* what usage logs say was consumed */
	PC_SPEND_CONFIGURED     /* what the configuration estimates */
};

const char *pc_spend_kind_name(enum pc_spend_kind kind);

/*
 * Quantities, each num / per. input_tokens is all input; cached_input_tokens
 * and cache_write_tokens are parts of it; response_cache_hits are calls
 * answered without a model call (no tokens, no cost).
 */
struct pc_spend_qty {
	pc_int128 calls;
	pc_int128 response_cache_hits;
	pc_int128 input_tokens;
	pc_int128 cached_input_tokens;
	pc_int128 cache_write_tokens;
	pc_int128 output_tokens;
	pc_int128 per;          /* > 0 */
	/*
	 * The input tokens of one request, which decide a long-context tier
	 * (a request above a tier's start is priced whole at that tier); 0:
	 * unknown, the base prices.
	 */
	int64_t request_input_tokens;
};

struct pc_spend_line {
	enum pc_spend_kind kind;
	const char *template;   /* NULL: unattributed */
	const char *version;
	const char *team;
	const char *use_case;
	const char *deployment;
	int64_t day;            /* UTC days since 1970; -1 for a projected period */
	const struct pc_model *model;
	struct pc_spend_qty qty;
	int64_t cost_micros;    /* set by pc_spend_price */
};

/*
 * The money of qty at model's prices, in micro-units, rounded once, half
 * away from zero: uncached input at the input price, cached input at the
 * cached price (the input price when the model has none), cache writes at
 * the cache-write price (the 1-hour one for cache_ttl 1h; the input price
 * when the model has none), output at the output price; all at the
 * long-context tier of qty->request_input_tokens when the model has tiers.
 * PC_EINTERNAL (naming what) when it does not fit.
 */
int pc_spend_cost(int64_t *out, const struct pc_model *model, const struct pc_spend_qty *qty,
		  const char *what);

/* Prices every line (sets cost_micros). */
int pc_spend_price(struct pc_spend_line *lines, size_t n);

/*
 * A volume: how often a template is called and what each call brings
 * besides its prompt, recorded or configured, as exact integers.
 *   recorded:   calls (hits included) and hits over `days` days; the output,
 *               input, cached-input and cache-write tokens of those records
 *               (the shares of cached input and cache writes are of input)
 *   configured: calls_per_day, cache hit rate, output tokens per call and
 *               cached-input share of the configuration
 */
struct pc_volume {
	enum pc_spend_kind source;      /* PC_SPEND_RECORDED or PC_SPEND_CONFIGURED */
	int64_t calls;
	int64_t days;
	int64_t response_cache_hits;
	int64_t input_tokens;
	int64_t cached_input_tokens;
	int64_t cache_write_tokens;
	int64_t output_tokens;
	int64_t records;
	char from[11], until[11];       /* recorded: the window, "YYYY-MM-DD" */
	/* configured */
	int64_t cache_hit_ppm;
	int64_t cached_input_ppm;
	int64_t output_tokens_per_call;
};

/* The configured volume of a template's configuration. */
void pc_volume_configured(struct pc_volume *out, const struct pc_template_config *config);

/* Calls per day, rounded half away from zero (for display and the integer field). */
int64_t pc_volume_calls_per_day(const struct pc_volume *volume);

/*
 * The quantities of `days` days of calls at volume, each call sending
 * `tokens` prompt tokens. PC_EINTERNAL when a product does not fit.
 */
int pc_spend_project(struct pc_spend_qty *out, const struct pc_volume *volume, int64_t tokens,
		     int64_t days);

/* Rollups: lines summed by one dimension. */
enum pc_rollup_by {
	PC_ROLLUP_TEAM,
	PC_ROLLUP_USE_CASE,
	PC_ROLLUP_TEMPLATE,
	PC_ROLLUP_VERSION,      /* template and version */
	PC_ROLLUP_DAY,
	PC_ROLLUP_DEPLOYMENT
};

struct pc_rollup_row {
	const char *key;        /* borrowed from the lines; NULL: none (unattributed, on demand) */
	const char *key2;       /* PC_ROLLUP_VERSION: the version */
	int64_t day;            /* PC_ROLLUP_DAY; 0 otherwise */
	int64_t cost_micros;
	int64_t lines;
};

/*
 * Sums priced lines by `by` into *out (sorted by key, NULL last; by day for
 * PC_ROLLUP_DAY). PC_EINTERNAL when a sum overflows.
 */
int pc_spend_rollup(struct pc_rollup_row **out, size_t *nout, const struct pc_spend_line *lines,
		    size_t n, enum pc_rollup_by by);

#endif
