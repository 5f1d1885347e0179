/*
 * Tests of the spend report's computation (src/spend/report.c) on small
 * stores built here from native records (real SQLite files in temporary
 * folders, real git repositories for the commits), every expected figure
 * worked out by hand in the comments.
 *
 * Prices: model m at 1.00 per million input tokens and 2.00 per million
 * output tokens, so an input token costs 1 micro-unit and an output token 2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "promptcost/config.h"
#include "promptcost/git.h"
#include "promptcost/spend_report.h"
#include "promptcost/store.h"
#include "support/fixture.h"

#define DAY 86400
#define HOUR 3600

static const char config_text[] =
	"version: 1\n"
	"days_per_month: 30\n"
	"models:\n"
	"  m: {encoding: o200k_base, input_per_1m: 1.00, output_per_1m: 2.00}\n"
	"teams:\n"
	"  alpha: {monthly_budget: 9, warn_at: 80%}\n"
	"use_cases:\n"
	"  summaries: {monthly_budget: 5, cache_hit_target: 50%}\n"
	"  replies: {}\n"
	"  idle-uc: {}\n"
	"reservations:\n"
	"  ptu:\n"
	"    model: m\n"
	"    units: 1\n"
	"    unit_price_per_hour: 0.01\n"
	"    tokens_per_minute_per_unit: 1\n"
	"    output_token_weight: 2\n"
	"    cached_token_weight: 0\n"
	"  ptu-idle:\n"
	"    model: m\n"
	"    units: 2\n"
	"    unit_price_per_hour: 0.005\n"
	"    tokens_per_minute_per_unit: 1\n"
	"policy:\n"
	"  cache_hit_target: 50%\n"
	"templates:\n"
	"  - id: sum\n"
	"    files: [prompts/sum.md]\n"
	"    team: alpha\n"
	"    use_case: summaries\n"
	"    model: m\n"
	"    deployment: ptu\n"
	"    calls_per_day: 1\n"
	"  - id: reply\n"
	"    files: [prompts/reply.md]\n"
	"    team: alpha\n"
	"    use_case: replies\n"
	"    model: m\n"
	"    calls_per_day: 1\n";

struct env {
	char *dir, *path;
	struct pc_config *config;
	struct pc_store *store;
	struct pc_store_import *imp;
	struct pc_import_options options;
	uint64_t line;
	int64_t d0; /* 2026-11-01 */
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	size_t n;

	fx_setup();
	e->dir = fx_tmpdir_new();
	n = strlen(e->dir) + 32;
	e->path = malloc(n);
	snprintf(e->path, n, "%s/usage.db", e->dir);
	if (pc_config_parse(&e->config, ".promptcost.yml", config_text, strlen(config_text)))
		fail_msg("config: %s", pc_error_message());
	if (pc_store_open(&e->store, e->path, true))
		fail_msg("open: %s", pc_error_message());
	e->options.format = PC_USAGE_NATIVE;
	e->options.config = e->config;
	e->d0 = pc_days_from_civil(2026, 11, 1);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	pc_store_close(e->store);
	pc_config_free(e->config);
	fx_remove(e->dir);
	free(e->path);
	free(e->dir);
	free(e);
	return 0;
}

static struct pc_usage_record rec(const char *template, int64_t day, int hour, int64_t calls,
				  int64_t hits, int64_t input, int64_t output)
{
	struct pc_usage_record r;

	memset(&r, 0, sizeof(r));
	r.template = template;
	r.model = "m";
	r.time = day * DAY + hour * HOUR;
	r.calls = calls;
	r.response_cache_hits = hits;
	r.input_tokens = input;
	r.output_tokens = output;
	return r;
}

static void begin(struct env *e)
{
	if (pc_store_import_begin(&e->imp, e->store, &e->options))
		fail_msg("begin: %s", pc_error_message());
}

static void add(struct env *e, const struct pc_usage_record *r)
{
	if (pc_store_import_record(e->imp, r, PC_USAGE_NATIVE, "log.jsonl", ++e->line))
		fail_msg("record: %s", pc_error_message());
}

static void commit(struct env *e)
{
	struct pc_import_summary s;

	if (pc_store_import_commit(e->imp, &s))
		fail_msg("commit: %s", pc_error_message());
	pc_store_import_free(e->imp);
	e->imp = NULL;
}

static struct pc_spend_report *build(struct env *e, int64_t since, int64_t until,
				     struct pc_repo *repo)
{
	struct pc_spend_report_options o = { since, until, e->config, repo };
	struct pc_spend_report *r = NULL;

	if (pc_spend_report_build(&r, e->store, &o))
		fail_msg("report: %s", pc_error_message());
	return r;
}

static void expect_ratio(struct pc_ratio ratio, const char *expected)
{
	char text[32];

	pc_ratio_format(text, ratio);
	assert_string_equal(text, expected);
}

static const struct pc_sr_budget *budget(const struct pc_sr_budget *b, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(b[i].id, id))
			return &b[i];
	fail_msg("no budget line '%s'", id);
	return NULL;
}

static const struct pc_sr_template *tpl(const struct pc_spend_report *r, const char *id)
{
	for (size_t i = 0; i < r->ntemplates; i++)
		if (id ? r->templates[i].id && !strcmp(r->templates[i].id, id) : !r->templates[i].id)
			return &r->templates[i];
	fail_msg("no template '%s'", id ? id : "(unattributed)");
	return NULL;
}

static void test_spend_report__percentages_round_half_away_from_zero(void **state)
{
	(void)state;
	expect_ratio((struct pc_ratio){ 1, 8 }, "12.5");     /* 12.5 exactly */
	expect_ratio((struct pc_ratio){ 1, 16 }, "6.3");     /* 6.25 -> 6.3 */
	expect_ratio((struct pc_ratio){ -1, 16 }, "-6.3");   /* away from zero */
	expect_ratio((struct pc_ratio){ 2, 3 }, "66.7");
	expect_ratio((struct pc_ratio){ 1, 2000 }, "0.1");   /* 0.05 -> 0.1 */
	expect_ratio((struct pc_ratio){ 1, 2001 }, "0.0");
	expect_ratio((struct pc_ratio){ 3, 2 }, "150.0");
	expect_ratio((struct pc_ratio){ 5, 0 }, "n/a");
	assert_string_equal(pc_sr_status_name(PC_SR_OVER_SOFT), "over-soft");
	assert_string_equal(pc_sr_cause_name(PC_SR_CAUSE_INFERRED), "inferred");
}

/*
 * The period is 2026-11-01 (D0) and 2026-11-02 (D1): 2 days, 48 hours.
 *
 *   sum   D0 10:00  2 calls,        100 in, 10 out   on ptu (its template's deployment)
 *   sum   D1 05:00  4 calls, 2 hits, 30 in           on ptu
 *   reply D0 12:00  5 calls, 1 hit, 1000 in, 500 out on demand, reported cost 0.0021
 *   nope  D1 08:00  1 call,         500 in           unattributed (no such template)
 *   reply 10-31     1 call,        1000 in           the previous period
 *
 * ptu: capacity 1 x 1 x 60 = 60 equivalents an hour; commitment 1 x 0.01 x
 * 48 = 0.48 (480,000 micros), 240,000 a day. ptu-idle: 2 x 0.005 x 48 =
 * 480,000, nobody uses it.
 * sum D0: equivalents 100 + 10 x 2 = 120: 60 within, 60 spilled; the hour's
 *   list cost 100 + 20 = 120, the spilled half priced: (100 x 60 x 1 + 10 x
 *   60 x 2) / 120 = 60 micros.
 * sum D1: 30 equivalents, all within; its list cost 30.
 * reply D0: 1000 + 500 x 2 = 2000 micros on demand. nope: 500 micros.
 * Total = 2000 + 500 + 60 + 480,000 + 480,000 = 962,560 micros ($0.96).
 */
static void import_month(struct env *e)
{
	struct pc_usage_record r;

	begin(e);
	r = rec("sum", e->d0, 10, 2, 0, 100, 10);
	add(e, &r);
	r = rec("sum", e->d0 + 1, 5, 4, 2, 30, 0);
	add(e, &r);
	r = rec("reply", e->d0, 12, 5, 1, 1000, 500);
	r.has_cost = true;
	r.cost_micros = 2100;
	add(e, &r);
	r = rec("nope", e->d0 + 1, 8, 1, 0, 500, 0);
	add(e, &r);
	r = rec("reply", e->d0 - 1, 9, 1, 0, 1000, 0);
	add(e, &r);
	commit(e);
}

static void test_spend_report__totals_shares_reservations_and_posture(void **state)
{
	struct env *e = *state;
	struct pc_spend_report *r;
	const struct pc_sr_reservation *ptu, *idle;
	const struct pc_sr_budget *u;
	int64_t sum = 0;

	import_month(e);
	r = build(e, e->d0, e->d0 + 1, NULL);
	assert_string_equal(r->since, "2026-11-01");
	assert_string_equal(r->until, "2026-11-02");
	assert_int_equal(r->ndays, 2);
	assert_int_equal(r->hours, 48);

	assert_int_equal(r->posture.total_micros, 962560);
	assert_int_equal(r->posture.on_demand_micros, 2560);
	assert_int_equal(r->posture.commitment_micros, 960000);
	/* summaries and replies had calls; idle-uc none */
	assert_int_equal(r->posture.active_use_cases, 2);
	/* summaries: 60 spilled + the whole ptu commitment (its only user) = 480,060; / 962,560 = 49.87% */
	assert_string_equal(r->posture.top_use_case, "summaries");
	assert_int_equal(r->posture.top_use_case_micros, 480060);
	expect_ratio(r->posture.top_use_case_share, "49.9");
	/* hits 0 + 2 + 1 + 0 = 3 of 12 calls */
	expect_ratio(r->posture.cache_hit_rate, "25.0");
	/* ptu 90 / (60 x 48) = 3.125%, ptu-idle 0%: weighted by equal commitments, 1.5625% */
	expect_ratio(r->posture.reservation_utilization, "1.6");
	assert_string_equal(r->posture.text,
			    "We spent $0.96 across two active use cases, with summaries accounting "
			    "for 49.9% of spend, a cache hit rate of 25.0% against a target of "
			    "50.0%, and provisioned throughput running at 1.6% utilization against "
			    "our commitment.");

	/* reservations, sorted by id */
	assert_int_equal(r->nreservations, 2);
	ptu = &r->reservations[0];
	idle = &r->reservations[1];
	assert_string_equal(ptu->id, "ptu");
	assert_int_equal(ptu->commitment_micros, 480000);
	assert_int_equal(ptu->capacity_per_hour, 60);
	assert_int_equal(ptu->consumed, 90);
	assert_int_equal(ptu->spilled, 60);
	expect_ratio(ptu->utilization, "3.1");          /* 3.125 -> 3.1 */
	/* the peak hour, D0 10:00: 120 equivalents for a capacity of 60 */
	assert_int_equal(ptu->peak_hour, e->d0 * 24 + 10);
	expect_ratio(ptu->peak_utilization, "200.0");
	/* idle = 480,000 x (1 - 90 / 2,880) = 465,000 */
	assert_int_equal(ptu->idle_micros, 465000);
	assert_int_equal(ptu->spillover_micros, 60);
	assert_int_equal(ptu->on_demand_equivalent_micros, 150); /* 120 + 30 */
	assert_int_equal(ptu->nshares, 1);
	assert_string_equal(ptu->shares[0].use_case, "summaries");
	assert_int_equal(ptu->shares[0].equivalents, 90);
	assert_int_equal(ptu->shares[0].commitment_share_micros, 480000);
	expect_ratio(ptu->shares[0].share, "100.0");
	/* D0: 60 within of 1,440; D1: 30 of 1,440 */
	expect_ratio(ptu->daily_utilization[0], "4.2");
	expect_ratio(ptu->daily_utilization[1], "2.1");
	/* a reservation idle all month: its whole commitment idle, no shares */
	assert_string_equal(idle->id, "ptu-idle");
	assert_int_equal(idle->commitment_micros, 480000);
	assert_int_equal(idle->consumed, 0);
	assert_int_equal(idle->idle_micros, 480000);
	assert_int_equal(idle->nshares, 0);
	expect_ratio(idle->utilization, "0.0");

	/* use cases by cost; the one with no calls last */
	assert_int_equal(r->nuse_cases, 3);
	assert_string_equal(r->use_cases[0].id, "summaries");
	assert_string_equal(r->use_cases[1].id, "replies");
	assert_string_equal(r->use_cases[2].id, "idle-uc");
	assert_int_equal(r->use_cases[2].calls, 0);
	assert_int_equal(r->use_cases[2].cost_micros, 0);
	u = budget(r->use_cases, r->nuse_cases, "summaries");
	assert_int_equal(u->on_demand_micros, 60);
	assert_int_equal(u->commitment_share_micros, 480000);
	assert_string_equal(u->team, "alpha");
	/* month to date = the period (it starts on the 1st); 480,060 / 2 days x 30 = 7,200,900 > 5.00 */
	assert_int_equal(u->month_to_date_micros, 480060);
	assert_int_equal(u->projected_month_end_micros, 7200900);
	assert_int_equal(u->status, PC_SR_OVER_HARD);
	/* (0.50 x 6 - 2) x 60 / 4 model calls x 30 / 2 days = 225 */
	expect_ratio(u->cache_hit_rate, "33.3");
	assert_int_equal(u->cache_target_saving_micros, 225);
	assert_int_equal(u->daily_micros[0], 60 + 10000); /* spill + 240,000 x 60 / 1,440 */
	assert_int_equal(u->daily_micros[1], 5000);       /* 240,000 x 30 / 1,440 */
	u = budget(r->use_cases, r->nuse_cases, "replies");
	assert_int_equal(u->cost_micros, 2000);
	assert_int_equal(u->status, PC_SR_NO_BUDGET);
	/* the policy's 50%: (2.5 - 1) x 2000 / 4 x 15 = 11,250 */
	assert_true(u->has_cache_hit_target);
	assert_int_equal(u->cache_target_saving_micros, 11250);
	expect_ratio(u->share, "0.2");
	/* team alpha: 482,060, projected 7,230,900 >= 80% of 9.00 (7,200,000) but not over */
	u = budget(r->teams, r->nteams, "alpha");
	assert_int_equal(u->cost_micros, 482060);
	assert_int_equal(u->projected_month_end_micros, 7230900);
	assert_int_equal(u->status, PC_SR_WARN);

	/* templates by cost, unattributed last */
	assert_int_equal(r->ntemplates, 3);
	assert_string_equal(r->templates[0].id, "sum");
	assert_string_equal(r->templates[1].id, "reply");
	assert_null(r->templates[2].id);
	assert_int_equal(tpl(r, "sum")->cost_micros, 480060);
	assert_string_equal(tpl(r, "sum")->deployment, "ptu");
	/* (130 + 10) tokens / 4 model calls */
	expect_ratio(tpl(r, "sum")->tokens_per_call, "3500.0");
	assert_true(tpl(r, "reply")->has_previous);
	assert_int_equal(tpl(r, "reply")->previous_cost_micros, 1000);
	expect_ratio(tpl(r, "reply")->change, "100.0");
	assert_false(tpl(r, "sum")->has_previous);
	assert_int_equal(tpl(r, NULL)->cost_micros, 500);
	assert_int_equal(tpl(r, "reply")->nversions, 1);
	assert_null(tpl(r, "reply")->versions[0].version);

	/* data quality */
	assert_int_equal(r->quality.unattributed_records, 1);
	assert_int_equal(r->quality.unattributed_calls, 1);
	assert_int_equal(r->quality.unattributed_micros, 500);
	assert_int_equal(r->quality.unversioned_calls, 11);
	assert_int_equal(r->quality.unversioned_micros, 482060);
	assert_int_equal(r->quality.reported_records, 1);
	assert_int_equal(r->quality.reported_micros, 2100);
	assert_int_equal(r->quality.repriced_micros, 2000);
	expect_ratio(r->quality.drift, "5.0");

	/* the charges' effective costs sum to the total; the purchases bill the commitments */
	for (size_t i = 0; i < r->ncharges; i++)
		sum += r->charges[i].effective_micros;
	assert_int_equal(sum, 962560);
	sum = 0;
	for (size_t i = 0; i < r->ncharges; i++)
		if (r->charges[i].kind == PC_SR_CHARGE_PURCHASE)
			sum += r->charges[i].billed_micros;
	assert_int_equal(sum, 960000);
	pc_spend_report_free(r);
}

/*
 * Spikes. reply (on demand): 1 call of 1,000,000 input tokens (1.00) a day
 * on D0-5..D0-1, then 3 such calls (3.00) on D0 and D0+1. sum, on a
 * deployment that is no reservation ("od", so on demand): version v1, one
 * call of 1,000,000 tokens a day on D0-5..D0-1, then v2 on D0, one call of
 * 2,000,000 tokens (2.00).
 *   reply D0: baseline D0-5..D0-1 (5 days on or after its first, D0-5) =
 *     1.00; 3.00 >= 1.2 x 1.00 and 3.00 - 1.00 >= 1.00: a spike; the cost
 *     per model call (1.00) is the baseline's: volume.
 *   reply D0+1: baseline 8.00 / 6 = 1.33, 3.00 is a spike day again, but
 *     the day after one: the same spike.
 *   sum D0: 2.00 against 1.00, per call 2.00 >= 1.05 x 1.00: the prompt;
 *     v2, first recorded on D0 (within D0-6..D0): cause version v2.
 */
static void test_spend_report__spikes_by_volume_and_by_a_new_version(void **state)
{
	struct env *e = *state;
	struct pc_spend_report *r;
	struct pc_usage_record x;

	begin(e);
	for (int64_t d = e->d0 - 5; d < e->d0; d++) {
		x = rec("reply", d, 9, 1, 0, 1000000, 0);
		add(e, &x);
		x = rec("sum", d, 9, 1, 0, 1000000, 0);
		x.template_version = "v1";
		x.deployment = "od";
		add(e, &x);
	}
	x = rec("reply", e->d0, 9, 3, 0, 3000000, 0);
	add(e, &x);
	x = rec("reply", e->d0 + 1, 9, 3, 0, 3000000, 0);
	add(e, &x);
	x = rec("sum", e->d0, 9, 1, 0, 2000000, 0);
	x.template_version = "v2";
	x.deployment = "od";
	add(e, &x);
	commit(e);

	r = build(e, e->d0, e->d0 + 1, NULL);
	assert_int_equal(r->nspikes, 2);
	assert_string_equal(r->spikes[0].template, "reply");
	assert_int_equal(r->spikes[0].day, e->d0);
	assert_int_equal(r->spikes[0].cost_micros, 3000000);
	assert_int_equal(r->spikes[0].baseline_micros, 1000000);
	assert_int_equal(r->spikes[0].calls, 3);
	assert_int_equal(r->spikes[0].baseline_calls, 1);
	assert_int_equal(r->spikes[0].cause, PC_SR_CAUSE_VOLUME);
	assert_string_equal(r->spikes[1].template, "sum");
	assert_int_equal(r->spikes[1].day, e->d0);
	assert_int_equal(r->spikes[1].cost_micros, 2000000);
	assert_int_equal(r->spikes[1].cause, PC_SR_CAUSE_VERSION);
	assert_string_equal(r->spikes[1].version, "v2");
	/* sum's versions in the period: v2 only, on demand (od is no reservation) */
	assert_int_equal(tpl(r, "sum")->nversions, 1);
	assert_string_equal(tpl(r, "sum")->versions[0].version, "v2");
	assert_int_equal(tpl(r, "sum")->cost_micros, 2000000);
	pc_spend_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spend_report__percentages_round_half_away_from_zero),
		cmocka_unit_test_setup_teardown(test_spend_report__totals_shares_reservations_and_posture,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_spend_report__spikes_by_volume_and_by_a_new_version,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
