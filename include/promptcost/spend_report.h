/*
 * The spend report (`promptcost report`): what the store's recorded usage
 * cost over a period, computed once by src/spend/report.c from the store,
 * the configuration (prices, budgets, reservations, cache targets) and the
 * repository (commits behind versions and spikes). Every renderer (text,
 * markdown, json, html, focus under src/report/) prints this struct and
 * computes nothing but formatting: two renderers can never disagree.
 *
 * Money is integer micro-units of the configuration's currency. A share or
 * a rate is a ratio (num / den, den == 0: undefined, shown as "n/a");
 * pc_ratio_format() words it as a percentage with one decimal, rounded half
 * away from zero, so "38.0" is exactly what the integers say.
 *
 * Days are UTC days since 1970-01-01 (pc_day_format), hours UTC hours since
 * 1970-01-01T00:00Z.
 */
#ifndef PROMPTCOST_SPEND_REPORT_H
#define PROMPTCOST_SPEND_REPORT_H

#include "promptcost/common.h"
#include "promptcost/config.h"
#include "promptcost/git.h"

#include <stdint.h>

struct pc_store;

struct pc_ratio {
	int64_t num;
	int64_t den;            /* 0: undefined */
};

/* "38.0" (num/den as a percentage, one decimal, half away from zero), or "n/a" when den is 0. */
void pc_ratio_format(char out[32], struct pc_ratio ratio);

/* Where a figure came from (every figure says so). */
enum pc_sr_origin {
	PC_SR_RECORDED,         /* summed from recorded usage, priced here */
	PC_SR_CONFIGURED,       /* from the configuration (budgets, commitments, targets) */
	PC_SR_PROJECTED         /* a run rate or a forecast: an estimate */
};

enum pc_sr_status {
	PC_SR_NO_BUDGET,
	PC_SR_OK,
	PC_SR_WARN,             /* projected month end at or over warn_at of the budget */
	PC_SR_OVER_SOFT,        /* projected month end over a soft limit */
	PC_SR_OVER_HARD         /* projected month end over a hard limit */
};
const char *pc_sr_status_name(enum pc_sr_status status);   /* "ok", "warn", "over-soft"... */

/* One budget line: a team or a use case. */
struct pc_sr_budget {
	char *id;
	char *team;                     /* use cases: the team of its templates, or NULL */
	int64_t cost_micros;            /* the period: on demand + its share of commitments */
	int64_t on_demand_micros;
	int64_t commitment_share_micros;
	struct pc_ratio share;          /* of the period's total */
	bool has_budget;
	int64_t budget_micros;          /* monthly */
	enum pc_limit limit;
	bool has_warn_at;
	int64_t warn_at_ppm;
	int64_t month_to_date_micros;   /* the month of `until`, from its 1st to `until` */
	int64_t projected_month_end_micros; /* run rate: mtd / days elapsed x days in that month */
	enum pc_sr_status status;
	int64_t calls, response_cache_hits;
	struct pc_ratio cache_hit_rate; /* hits / calls */
	bool has_cache_hit_target;      /* its own, else policy.cache_hit_target */
	int64_t cache_hit_target_ppm;
	int64_t cache_target_saving_micros; /* a month's saving at the target (0 at or above it) */
	int64_t *daily_micros;          /* ndays entries (the report's days): cost per day */
};

struct pc_sr_version {
	char *version;                  /* as the records name it; NULL: records with none */
	char *commit;                   /* the commit that introduced its text, or NULL */
	int64_t first_day, last_day;
	int64_t calls, response_cache_hits;
	int64_t input_tokens, cached_input_tokens, cache_write_tokens, output_tokens;
	int64_t cost_micros;
};

struct pc_sr_template {
	char *id;                       /* NULL: unattributed */
	char *team, *use_case, *model, *deployment; /* as configured, or NULL */
	int64_t calls, response_cache_hits;
	int64_t input_tokens, cached_input_tokens, cache_write_tokens, output_tokens;
	int64_t cost_micros;            /* on demand + share of commitments */
	struct pc_ratio share;          /* of the total */
	struct pc_ratio tokens_per_call;        /* (input + output) / model calls */
	struct pc_ratio cost_per_call;          /* micros / calls */
	bool has_previous;              /* the store has records in the previous period */
	int64_t previous_cost_micros;   /* the previous period of the same length */
	struct pc_ratio change;         /* (cost - previous) / previous */
	struct pc_ratio cache_hit_rate;
	bool has_cache_hit_target;
	int64_t cache_hit_target_ppm;
	struct pc_ratio prompt_cache_share;     /* cached input / input */
	int64_t *daily_micros;          /* ndays entries, for sparklines and spikes */
	struct pc_sr_version *versions; /* by first day */
	size_t nversions;
};

enum pc_sr_cause {
	PC_SR_CAUSE_VERSION,            /* a version that went live that day (from the records) */
	PC_SR_CAUSE_INFERRED,           /* records carry no version: the last commit to its files before */
	PC_SR_CAUSE_VOLUME,             /* more calls, not a costlier prompt */
	PC_SR_CAUSE_UNKNOWN             /* costlier calls, and no commit found */
};
const char *pc_sr_cause_name(enum pc_sr_cause cause);      /* "version", "inferred", "volume", "unknown" */

/* A commit, as the report names it. */
struct pc_sr_commit {
	char *id;                       /* full hex id; NULL: none */
	char *author;                   /* "Name <email>" */
	char *date;                     /* ISO 8601, UTC */
	char *subject;
	bool has_delta_tokens;
	int64_t delta_tokens;           /* the template's prompt tokens after minus before it */
};

struct pc_sr_spike {
	char *template;
	int64_t day;
	int64_t cost_micros;            /* that day */
	int64_t baseline_micros;        /* trailing baseline (README "Spikes") */
	int64_t calls, baseline_calls;  /* baseline_calls: the same trailing mean, rounded */
	enum pc_sr_cause cause;
	char *version;                  /* PC_SR_CAUSE_VERSION */
	struct pc_sr_commit commit;
};

struct pc_sr_forecast {
	char *template;
	struct pc_sr_commit commit;
	int64_t live_day;               /* the first day its version was recorded */
	int64_t projected_monthly_delta_micros; /* what check projects, with the volumes recorded before */
	int64_t before_daily_micros, after_daily_micros; /* mean daily cost before and after */
	int64_t observed_monthly_delta_micros;  /* (after - before) x days_per_month */
	struct pc_ratio error;          /* (observed - projected) / |projected| */
};

struct pc_sr_share {
	char *use_case;                 /* NULL: unattributed */
	int64_t equivalents;            /* input-token equivalents consumed on the reservation */
	struct pc_ratio share;
	int64_t commitment_share_micros;
};

struct pc_sr_reservation {
	char *id;
	char *model;
	int64_t units;
	int64_t unit_price_per_hour_micros;
	int64_t hours;                  /* in the period */
	int64_t commitment_micros;      /* units x price x hours, used or not */
	int64_t capacity_per_hour;      /* equivalents: units x tokens_per_minute_per_unit x 60 */
	int64_t consumed;               /* equivalents within capacity, over the period */
	int64_t spilled;                /* equivalents above capacity, priced on demand */
	struct pc_ratio utilization;    /* consumed / (capacity_per_hour x hours) */
	int64_t peak_hour;              /* the hour of the highest use */
	struct pc_ratio peak_utilization;
	int64_t idle_micros;            /* the commitment's unused part */
	int64_t spillover_micros;       /* on-demand cost of the spilled traffic */
	int64_t on_demand_equivalent_micros; /* all its traffic at on-demand prices */
	struct pc_sr_share *shares;     /* by use case, sorted by id, unattributed last */
	size_t nshares;
	struct pc_ratio *daily_utilization; /* ndays entries */
};

/*
 * The charges behind every figure: one per day, template, model and kind
 * (and reservation), summing exactly to the totals: the effective costs of
 * all charges sum to posture.total_micros. The FOCUS export prints these;
 * the daily chart sums them.
 *
 * A reservation's commitment for a day is split (largest remainder, so the
 * parts sum exactly) into COMMITMENT_USE charges, each priced at its share
 * of the day's capacity (its equivalents within capacity / the day's
 * capacity), and one COMMITMENT_IDLE charge for the rest. (Showback to use
 * cases, struct pc_sr_share, instead spreads the whole commitment over the
 * consumers, idle part included: both views are given.)
 */
enum pc_sr_charge_kind {
	PC_SR_CHARGE_ON_DEMAND,         /* usage priced at list prices */
	PC_SR_CHARGE_SPILLOVER,         /* reservation traffic above capacity, at list prices */
	PC_SR_CHARGE_COMMITMENT_USE,    /* reservation traffic within capacity: billed 0, effective = its share */
	PC_SR_CHARGE_COMMITMENT_IDLE,   /* the unused part of a commitment (template NULL) */
	PC_SR_CHARGE_PURCHASE           /* a commitment, once per reservation per day: billed, effective 0 */
};

struct pc_sr_charge {
	enum pc_sr_charge_kind kind;
	int64_t day;
	const char *template;           /* borrowed from the report; NULL: unattributed or none */
	const char *team, *use_case, *model, *reservation;
	int64_t calls, response_cache_hits;
	int64_t input_tokens, cached_input_tokens, cache_write_tokens, output_tokens;
	int64_t equivalents;            /* input-token equivalents on the reservation: COMMITMENT_USE
					   within capacity, SPILLOVER spilled, COMMITMENT_IDLE the day's
					   unused capacity, PURCHASE the day's capacity; 0 on demand
					   (FOCUS's CommitmentDiscountQuantity) */
	int64_t billed_micros;          /* what is invoiced for it */
	int64_t effective_micros;       /* amortized: sums to the report's total */
	int64_t list_micros;            /* at on-demand list prices */
};

struct pc_sr_posture {
	char *text;                     /* the sentence, words from the figures below */
	int64_t total_micros;           /* on demand of every record + every commitment */
	int64_t on_demand_micros;
	int64_t commitment_micros;
	int64_t active_use_cases;       /* with at least one call */
	char *top_use_case;             /* NULL: none */
	int64_t top_use_case_micros;
	struct pc_ratio top_use_case_share;
	int64_t calls, response_cache_hits;
	struct pc_ratio cache_hit_rate;
	bool has_cache_hit_target;      /* policy.cache_hit_target */
	int64_t cache_hit_target_ppm;
	bool has_reservations;
	struct pc_ratio reservation_utilization; /* commitment-weighted */
};

struct pc_sr_quality {
	int64_t unattributed_records, unattributed_calls, unattributed_micros;
	int64_t unversioned_calls, unversioned_micros;  /* attributed records with no version */
	int64_t reported_records;       /* records that carried their source's cost */
	int64_t reported_micros;        /* what the sources said those cost */
	int64_t repriced_micros;        /* the same records priced here */
	struct pc_ratio drift;          /* (reported - repriced) / repriced */
};

struct pc_spend_report {
	char since[11], until[11];      /* the period, inclusive, "YYYY-MM-DD" */
	int64_t since_day, until_day;
	int64_t ndays;                  /* until - since + 1 */
	int64_t hours;                  /* ndays x 24 */
	char *currency;
	int64_t days_per_month;
	char *price_note;               /* where the prices came from (catalog date, configuration) */
	struct pc_sr_posture posture;
	struct pc_sr_budget *teams;     /* sorted by id */
	size_t nteams;
	struct pc_sr_budget *use_cases; /* sorted by cost, descending, then id; inactive ones last */
	size_t nuse_cases;
	struct pc_sr_template *templates; /* sorted by cost descending, then id; unattributed last */
	size_t ntemplates;
	struct pc_sr_spike *spikes;     /* by day, then template */
	size_t nspikes;
	struct pc_sr_forecast *forecasts; /* by live day, then template */
	size_t nforecasts;
	struct pc_sr_reservation *reservations; /* sorted by id */
	size_t nreservations;
	struct pc_sr_quality quality;
	struct pc_sr_charge *charges;   /* by day, kind, template, model */
	size_t ncharges;
	struct pc_strlist strings;      /* owns the strings the charges borrow */
};

struct pc_spend_report_options {
	int64_t since_day, until_day;   /* inclusive */
	const struct pc_config *config; /* the configuration of the repository's HEAD */
	struct pc_repo *repo;           /* commits for versions, spikes and forecasts; NULL: none named */
};

/*
 * Computes the report from the store. PC_EINPUT naming the model for a
 * record whose model the configuration cannot price; PC_EINTERNAL when a sum
 * overflows.
 */
int pc_spend_report_build(struct pc_spend_report **out, struct pc_store *store,
			  const struct pc_spend_report_options *options);
void pc_spend_report_free(struct pc_spend_report *report);

/* The renderers (src/report/), each appending to out; PC_EINTERNAL only on a bug. */
int pc_spend_report_text(struct pc_buf *out, const struct pc_spend_report *report);
int pc_spend_report_markdown(struct pc_buf *out, const struct pc_spend_report *report);
int pc_spend_report_json(struct pc_buf *out, const struct pc_spend_report *report);
int pc_spend_report_html(struct pc_buf *out, const struct pc_spend_report *report);
int pc_spend_report_focus(struct pc_buf *out, const struct pc_spend_report *report);

#endif
