/*
 * The hand-built spend report of sr_fixture.h. Every figure is derived below
 * from the recorded tokens and the configured prices, so a golden file that
 * prints it can be checked by hand.
 *
 * Configuration (as the engine would read it):
 *   currency USD, days_per_month 30, policy.cache_hit_target 55%
 *   prices per million tokens:
 *     gpt-4-class  input $10.00, cached input $5.00, output $30.00
 *     small-model  input  $1.00, cached input $0.50, output  $2.00
 *   teams:     legal      budget $1,900.00 hard, warn_at 80%
 *              marketing  budget   $100.00 soft
 *              support    no budget
 *   use cases: document-summarization (legal)  $800.00 hard
 *              contract-review (legal)          $1,000.00 hard, warn_at 80%
 *              campaign-copy (marketing)        no budget, cache_hit_target 30%
 *              ticket-triage (support)          $50.00 soft, warn_at 50%, cache_hit_target 55%
 *              faq-bot (support)                $20.00 hard (no calls)
 *   reservations (output weight 3, cached weight 0.5: the same ratios as
 *   gpt-4-class's prices, so an equivalent costs $10.00 per million on demand):
 *     ptu-east  gpt-4-class  2 units x $0.50/h, 1,000 tokens/min/unit
 *               capacity 2 x 1,000 x 60 = 120,000 equivalents an hour
 *     ptu-west  small-model  1 unit  x $0.25/h,   500 tokens/min/unit
 *               capacity 30,000 an hour; nobody uses it
 *
 * The period 2026-11-01..2026-11-02: 2 days, 48 hours.
 *   ptu-east commitment = 2 x 0.50 x 48 = $48.00 ($24.00 a day)
 *   ptu-west commitment = 1 x 0.25 x 48 = $12.00 ($6.00 a day)
 *
 * Charges (day, kind, template, model; effective cost):
 *   11-01 on demand campaign/headline small: 2,000 calls, in 1,000,000, out 500,000
 *         = 1.00 + 1.00 = $2.00
 *   11-01 on demand summarize/document gpt-4 (v1): 1,100 calls (100 hits),
 *         in 2,000,000, out 200,000 = 20.00 + 6.00 = $26.00
 *   11-01 on demand triage/classify small: 3,000 calls (1,500 hits), in 1,500,000
 *         of which cached 750,000, out 150,000 = 0.75 + 0.375 + 0.30 = $1.425
 *   11-01 on demand (unattributed) small: 100 calls, in 500,000, out 100,000
 *         = 0.50 + 0.20 = $0.70
 *   11-01 commitment use ptu-east contract-review/clauses: 400 calls, in 1,314,400
 *         (cached 200,000), out 200,000: equivalents 1,114,400 + 600,000 + 100,000
 *         = 1,814,400; effective 24.00 x 1,814,400 / 2,880,000 = $15.12,
 *         list 1,814,400 x $10/M = $18.144
 *   11-01 commitment use ptu-east (unattributed): 50 calls, in 141,600, out 20,000:
 *         equivalents 201,600; effective 24.00 x 201,600 / 2,880,000 = $1.68, list $2.016
 *   11-01 idle ptu-east: 24.00 - 15.12 - 1.68 = $7.20 (the day used 2,016,000 of
 *         2,880,000: 70.0%)
 *   11-01 idle ptu-west: $6.00
 *   11-01 purchase ptu-east billed $24.00, ptu-west billed $6.00 (effective 0)
 *   (each reservation charge carries its equivalents: use and spill-over as above,
 *   idle the day's unused capacity 864,000 / 720,000, purchase the day's capacity
 *   120,000 x 24 = 2,880,000 / 30,000 x 24 = 720,000)
 *   day total 2 + 26 + 1.425 + 0.70 + 15.12 + 1.68 + 7.20 + 6 = $60.125
 *
 *   11-02 on demand campaign/headline: 5,000 calls, in 2,500,000, out 1,250,000 = $5.00
 *   11-02 on demand summarize/document (v2, +1,000 tokens a call): 1,100 calls
 *         (100 hits), in 3,000,000, out 200,000 = 30.00 + 6.00 = $36.00
 *   11-02 on demand triage/classify: as on 11-01, $1.425
 *   11-02 spill-over ptu-east contract-review/clauses: the 14:00 hour took 180,000
 *         equivalents (in 90,000, out 30,000; 30 calls) of a 120,000 capacity;
 *         1/3 spilled: 10 calls, in 30,000, out 10,000 = 0.30 + 0.30 = $0.60
 *   11-02 commitment use ptu-east clauses: 430 calls, in 1,543,600 (cached 200,000),
 *         out 210,000: equivalents 1,443,600 + 630,000 + 100,000 = 2,073,600;
 *         effective 24.00 x 2,073,600 / 2,880,000 = $17.28, list $20.736
 *   11-02 commitment use ptu-east (unattributed): 60 calls, in 170,400, out 20,000:
 *         equivalents 230,400; $1.92, list $2.304
 *   11-02 idle ptu-east: 24.00 - 17.28 - 1.92 = $4.80 (2,304,000 of 2,880,000: 80.0%)
 *   11-02 idle ptu-west $6.00; purchases as on 11-01
 *   day total 5 + 36 + 1.425 + 0.60 + 17.28 + 1.92 + 4.80 + 6 = $73.025
 *
 * Total = $60.125 + $73.025 = $133.15 = on demand (2 + 26 + 1.425 + 0.70 + 5 + 36
 * + 1.425 + 0.60 = $73.15) + commitments ($60.00). Billed: on demand + purchases
 * = $133.15 as well.
 *
 * ptu-east: consumed 1,814,400 + 201,600 + 2,073,600 + 230,400 = 4,320,000 of
 * 120,000 x 48 = 5,760,000: 75.0%; peak 11-02 14:00, 120,000 / 120,000 = 100.0%;
 * idle 48.00 x (1 - 0.75) = $12.00 (= 7.20 + 4.80); spilled 60,000 ($0.60);
 * on demand equivalent (4,320,000 + 60,000) x $10/M = $43.80.
 * Showback (the whole commitment by within-capacity equivalents): contract-review
 * 3,888,000 (90.0%) $43.20, unattributed 432,000 (10.0%) $4.80.
 * ptu-west: 0.0%, idle $12.00, no shares: its commitment goes to no use case.
 * Posture utilization (commitment-weighted): (48 x 75% + 12 x 0%) / 60 = 60.0%.
 *
 * Templates (cost = on demand + showback share), share of $133.15:
 *   summarize/document      $62.00  46.6%  2,200 calls, 200 hits (9.1%)
 *   contract-review/clauses $43.80  32.9%  0.60 + 43.20; 840 calls, no hits
 *   campaign/headline        $7.00   5.3%  7,000 calls
 *   triage/classify          $2.85   2.1%  6,000 calls, 3,000 hits (50.0%)
 *   faq/answer               $0.00   0.0%  no calls
 *   (unattributed)           $5.50   4.1%  0.70 + 4.80; 210 calls
 *   sum $121.15 + ptu-west's $12.00 shown back to nobody = $133.15
 * Use cases as their templates; teams: legal 62.00 + 43.80 = $105.80 (79.5%),
 * marketing $7.00 (5.3%), support $2.85 (2.1%).
 *
 * Budgets: month to date (11-01..11-02) = the period; projected month end
 * = mtd / 2 x 30 = mtd x 15:
 *   legal 105.80 -> 1,587.00 >= 80% x 1,900 = 1,520: warn
 *   marketing 7.00 -> 105.00 > 100 (soft): over-soft
 *   document-summarization 62.00 -> 930.00 > 800 (hard): over-hard
 *   contract-review 43.80 -> 657.00 < 800: ok
 *   ticket-triage 2.85 -> 42.75 >= 50% x 50 = 25: warn
 *   faq-bot 0 -> 0: ok; campaign-copy, support: no-budget
 *
 * Caching: 3,200 hits of 16,250 calls = 19.7% against 55.0%. Saving at target
 * = (target x calls - hits) x cost per model call x 30 / 2:
 *   document-summarization (1,210 - 200) x 62.00 / 2,000 x 15 = $469.65
 *   contract-review (462 - 0) x 43.80 / 840 x 15 = $361.35
 *   campaign-copy (2,100 - 0) x 7.00 / 7,000 x 15 = $31.50
 *   ticket-triage (3,300 - 3,000) x 2.85 / 3,000 x 15 = $4.275
 *   faq-bot: no calls, $0; teams: the sums of their use cases.
 *
 * Spikes (11-02): campaign/headline $5.00 against a baseline of $2.00 (5 >= 2.4,
 * +3 >= 1), cost per call unchanged: volume. summarize/document $36.00 against
 * $26.00 (36 >= 31.2, +10 >= 1), cost per model call 0.036 >= 1.05 x 0.026:
 * version v2 (its commit, +1,000 tokens).
 * Forecast for v2: check projected +1,000 tokens x 1,000 model calls a day x
 * $10/M x 30 = $300.00 a month; observed (36.00 - 26.40 before) x 30 = $288.00;
 * error (288 - 300) / 300 = -4.0%.
 * Data quality: 6 unattributed records, 210 calls, $5.50; triage/classify's 6,000
 * calls ($2.85) carry no version; summarize/document's 4 records reported
 * $60.14 against $62.00 re-priced: drift -3.0%.
 */
#include "sr_fixture.h"

#include "promptcost/money.h"

#include <stdlib.h>
#include <string.h>

#define M(units_cents) ((int64_t)(units_cents) * (PC_MICROS / 100)) /* cents to micros */

static char *dup(const char *s)
{
	return s ? pc_xstrdup(s) : NULL;
}

static struct pc_ratio ratio(int64_t num, int64_t den)
{
	struct pc_ratio r = { num, den };

	return r;
}

static int64_t *daily(const struct pc_spend_report *r, int64_t day1, int64_t day2)
{
	int64_t *d = pc_xcalloc((size_t)r->ndays, sizeof(*d));

	d[0] = day1;
	d[1] = day2;
	return d;
}

static void period(struct pc_spend_report *r)
{
	strcpy(r->since, "2026-11-01");
	strcpy(r->until, "2026-11-02");
	r->since_day = pc_days_from_civil(2026, 11, 1);
	r->until_day = pc_days_from_civil(2026, 11, 2);
	r->ndays = 2;
	r->hours = 48;
	r->currency = dup("USD");
	r->days_per_month = 30;
	r->price_note = dup("prices from .promptcost.yml (gpt-4-class, small-model)");
}

static void budget(struct pc_sr_budget *b, const char *id, const char *team, bool has_budget,
		   int64_t budget_micros, enum pc_limit limit, int64_t warn_at_ppm)
{
	b->id = dup(id);
	b->team = dup(team);
	b->has_budget = has_budget;
	b->budget_micros = budget_micros;
	b->limit = limit;
	b->has_warn_at = warn_at_ppm > 0;
	b->warn_at_ppm = warn_at_ppm;
	b->has_cache_hit_target = true;
	b->cache_hit_target_ppm = 550000;
}

/* Spend of a budget line: the period is the month to date, projected x 15. */
static void spend(const struct pc_spend_report *r, struct pc_sr_budget *b, int64_t on_demand,
		  int64_t commitment_share, int64_t day1, int64_t day2, enum pc_sr_status status)
{
	b->cost_micros = on_demand + commitment_share;
	b->on_demand_micros = on_demand;
	b->commitment_share_micros = commitment_share;
	b->share = ratio(b->cost_micros, r->posture.total_micros);
	b->month_to_date_micros = b->cost_micros;
	b->projected_month_end_micros = b->cost_micros * 15;
	b->status = status;
	b->daily_micros = daily(r, day1, day2);
}

static void cache(struct pc_sr_budget *b, int64_t calls, int64_t hits, int64_t target_ppm,
		  int64_t saving)
{
	b->calls = calls;
	b->response_cache_hits = hits;
	b->cache_hit_rate = ratio(hits, calls);
	b->cache_hit_target_ppm = target_ppm;
	b->cache_target_saving_micros = saving;
}

static void posture(struct pc_spend_report *r)
{
	struct pc_sr_posture *p = &r->posture;

	p->text = dup("We spent $133.15 across four active use cases, with document-summarization "
		      "accounting for 46.6% of spend, a cache hit rate of 19.7% against a target "
		      "of 55.0%, and provisioned throughput running at 60.0% utilization against "
		      "our commitment.");
	p->total_micros = M(13315);
	p->on_demand_micros = M(7315);
	p->commitment_micros = M(6000);
	p->active_use_cases = 4;
	p->top_use_case = dup("document-summarization");
	p->top_use_case_micros = M(6200);
	p->top_use_case_share = ratio(M(6200), M(13315));
	p->calls = 16250;
	p->response_cache_hits = 3200;
	p->cache_hit_rate = ratio(3200, 16250);
	p->has_cache_hit_target = true;
	p->cache_hit_target_ppm = 550000;
	p->has_reservations = true;
	/* 48.00 x 4,320,000 / 5,760,000 = 36.00 of 60.00 */
	p->reservation_utilization = ratio(M(3600), M(6000));
}

static void teams(struct pc_spend_report *r)
{
	struct pc_sr_budget *t;

	r->nteams = 3;
	r->teams = t = pc_xcalloc(r->nteams, sizeof(*t));
	/* legal: document-summarization 26.00 + 36.00, contract-review 21.60 + 22.20 */
	budget(&t[0], "legal", NULL, true, M(190000), PC_LIMIT_HARD, 800000);
	spend(r, &t[0], M(6260), M(4320), M(4760), M(5820), PC_SR_WARN);
	cache(&t[0], 3040, 200, 550000, M(46965) + M(36135));
	budget(&t[1], "marketing", NULL, true, M(10000), PC_LIMIT_SOFT, 0);
	spend(r, &t[1], M(700), 0, M(200), M(500), PC_SR_OVER_SOFT);
	cache(&t[1], 7000, 0, 550000, M(3150));
	budget(&t[2], "support", NULL, false, 0, PC_LIMIT_HARD, 0);
	spend(r, &t[2], 2850000, 0, 1425000, 1425000, PC_SR_NO_BUDGET);
	cache(&t[2], 6000, 3000, 550000, 4275000);
}

static void use_cases(struct pc_spend_report *r)
{
	struct pc_sr_budget *u;

	r->nuse_cases = 5;
	r->use_cases = u = pc_xcalloc(r->nuse_cases, sizeof(*u));
	budget(&u[0], "document-summarization", "legal", true, M(80000), PC_LIMIT_HARD, 0);
	spend(r, &u[0], M(6200), 0, M(2600), M(3600), PC_SR_OVER_HARD);
	cache(&u[0], 2200, 200, 550000, M(46965));
	/* showback by day: 24.00 x 90% = 21.60 each day, + 0.60 spill-over on 11-02 */
	budget(&u[1], "contract-review", "legal", true, M(100000), PC_LIMIT_HARD, 800000);
	spend(r, &u[1], M(60), M(4320), M(2160), M(2220), PC_SR_OK);
	cache(&u[1], 840, 0, 550000, M(36135));
	budget(&u[2], "campaign-copy", "marketing", false, 0, PC_LIMIT_HARD, 0);
	spend(r, &u[2], M(700), 0, M(200), M(500), PC_SR_NO_BUDGET);
	cache(&u[2], 7000, 0, 300000, M(3150));
	budget(&u[3], "ticket-triage", "support", true, M(5000), PC_LIMIT_SOFT, 500000);
	spend(r, &u[3], 2850000, 0, 1425000, 1425000, PC_SR_WARN);
	cache(&u[3], 6000, 3000, 550000, 4275000);
	/* no calls: inactive, last */
	budget(&u[4], "faq-bot", "support", true, M(2000), PC_LIMIT_HARD, 0);
	spend(r, &u[4], 0, 0, 0, 0, PC_SR_OK);
	cache(&u[4], 0, 0, 550000, 0);
}

struct tokens {
	int64_t calls, hits, input, cached, cache_write, output;
};

static struct pc_sr_version version(const char *name, const char *commit, int64_t first_day,
				    int64_t last_day, struct tokens t, int64_t cost)
{
	struct pc_sr_version v = { dup(name), dup(commit), first_day, last_day, t.calls, t.hits,
				   t.input, t.cached, t.cache_write, t.output, cost };

	return v;
}

static void template(const struct pc_spend_report *r, struct pc_sr_template *t, const char *id,
		     const char *team, const char *use_case, const char *model,
		     const char *deployment, struct tokens k, int64_t cost, int64_t day1,
		     int64_t day2, int64_t previous, int64_t target_ppm)
{
	t->id = dup(id);
	t->team = dup(team);
	t->use_case = dup(use_case);
	t->model = dup(model);
	t->deployment = dup(deployment);
	t->calls = k.calls;
	t->response_cache_hits = k.hits;
	t->input_tokens = k.input;
	t->cached_input_tokens = k.cached;
	t->cache_write_tokens = k.cache_write;
	t->output_tokens = k.output;
	t->cost_micros = cost;
	t->share = ratio(cost, r->posture.total_micros);
	t->tokens_per_call = ratio(k.input + k.output, k.calls - k.hits);
	t->cost_per_call = ratio(cost, k.calls);
	t->has_previous = previous >= 0;
	t->previous_cost_micros = previous >= 0 ? previous : 0;
	t->change = previous > 0 ? ratio(cost - previous, previous) : ratio(0, 0);
	t->cache_hit_rate = ratio(k.hits, k.calls);
	t->has_cache_hit_target = target_ppm > 0;
	t->cache_hit_target_ppm = target_ppm;
	t->prompt_cache_share = ratio(k.cached, k.input);
	t->daily_micros = daily(r, day1, day2);
}

static void templates(struct pc_spend_report *r)
{
	int64_t nov1 = r->since_day, nov2 = r->until_day;
	struct pc_sr_template *t;
	struct tokens k;

	r->ntemplates = 6;
	r->templates = t = pc_xcalloc(r->ntemplates, sizeof(*t));

	/* 2,200 calls, 200 hits; in 2,000,000 + 3,000,000; (5,000,000 + 400,000) / 2,000
	 * = 2,700 tokens a model call; previous period $52.00: +19.2% */
	k = (struct tokens){ 2200, 200, 5000000, 0, 0, 400000 };
	template(r, &t[0], "summarize/document", "legal", "document-summarization",
		 "gpt-4-class", NULL, k, M(6200), M(2600), M(3600), M(5200), 550000);
	t[0].nversions = 2;
	t[0].versions = pc_xcalloc(2, sizeof(*t[0].versions));
	t[0].versions[0] = version("v1", SR_FIXTURE_COMMIT_V1, pc_days_from_civil(2026, 10, 20), nov1,
				   (struct tokens){ 1100, 100, 2000000, 0, 0, 200000 }, M(2600));
	t[0].versions[1] = version("v2", SR_FIXTURE_COMMIT_V2, nov2, nov2,
				   (struct tokens){ 1100, 100, 3000000, 0, 0, 200000 }, M(3600));

	/* in 1,314,400 + 1,543,600 + 30,000 = 2,888,000 (cached 400,000: 13.9%),
	 * out 420,000, 840 calls; previous $40.00: +9.5% */
	k = (struct tokens){ 840, 0, 2888000, 400000, 0, 420000 };
	template(r, &t[1], "contract-review/clauses", "legal", "contract-review", "gpt-4-class",
		 "ptu-east", k, M(4380), M(2160), M(2220), M(4000), 550000);
	t[1].nversions = 1;
	t[1].versions = pc_xcalloc(1, sizeof(*t[1].versions));
	t[1].versions[0] = version("v7", SR_FIXTURE_COMMIT_V7, pc_days_from_civil(2026, 10, 5), nov2,
				   k, M(4380));

	/* previous $4.00: +75.0% */
	k = (struct tokens){ 7000, 0, 3500000, 0, 0, 1750000 };
	template(r, &t[2], "campaign/headline", "marketing", "campaign-copy", "small-model", NULL,
		 k, M(700), M(200), M(500), M(400), 300000);
	t[2].nversions = 1;
	t[2].versions = pc_xcalloc(1, sizeof(*t[2].versions));
	t[2].versions[0] = version("v3", SR_FIXTURE_COMMIT_V3, pc_days_from_civil(2026, 10, 1), nov2,
				   k, M(700));

	/* records with no version; previous $2.85: +0.0% */
	k = (struct tokens){ 6000, 3000, 3000000, 1500000, 0, 300000 };
	template(r, &t[3], "triage/classify", "support", "ticket-triage", "small-model", NULL, k,
		 2850000, 1425000, 1425000, 2850000, 550000);
	t[3].nversions = 1;
	t[3].versions = pc_xcalloc(1, sizeof(*t[3].versions));
	t[3].versions[0] = version(NULL, NULL, pc_days_from_civil(2026, 10, 1), nov2, k, 2850000);

	/* configured on ptu-west, never called: every ratio n/a, no previous period */
	k = (struct tokens){ 0, 0, 0, 0, 0, 0 };
	template(r, &t[4], "faq/answer", "support", "faq-bot", "small-model", "ptu-west", k, 0, 0,
		 0, -1, 550000);

	/* unattributed: small-model on demand 0.70 + ptu-east showback 4.80; previous $5.00 */
	k = (struct tokens){ 210, 0, 812000, 0, 0, 140000 };
	template(r, &t[5], NULL, NULL, NULL, NULL, NULL, k, M(550), M(310), M(240), M(500), 0);
	t[5].nversions = 1;
	t[5].versions = pc_xcalloc(1, sizeof(*t[5].versions));
	t[5].versions[0] = version(NULL, NULL, pc_days_from_civil(2026, 10, 3), nov2, k, M(550));
}

static struct pc_sr_commit commit(const char *id, const char *author, const char *date,
				  const char *subject, int64_t delta_tokens)
{
	struct pc_sr_commit c = { dup(id), dup(author), dup(date), dup(subject), id != NULL,
				  delta_tokens };

	return c;
}

static void spikes_and_forecasts(struct pc_spend_report *r)
{
	static const char author[] = "Dana Reyes <dana@agency.example>";
	static const char subject[] = "summarize: add the house style guide to the system prompt";
	static const char date[] = "2026-11-01T16:20:00Z";
	struct pc_sr_spike *s;
	struct pc_sr_forecast *f;

	r->nspikes = 2;
	r->spikes = s = pc_xcalloc(2, sizeof(*s));
	s[0].template = dup("campaign/headline");
	s[0].day = r->until_day;
	s[0].cost_micros = M(500);
	s[0].baseline_micros = M(200);
	s[0].calls = 5000;
	s[0].baseline_calls = 2000;
	s[0].cause = PC_SR_CAUSE_VOLUME;
	s[1].template = dup("summarize/document");
	s[1].day = r->until_day;
	s[1].cost_micros = M(3600);
	s[1].baseline_micros = M(2600);
	s[1].calls = 1100;
	s[1].baseline_calls = 1100;
	s[1].cause = PC_SR_CAUSE_VERSION;
	s[1].version = dup("v2");
	s[1].commit = commit(SR_FIXTURE_COMMIT_V2, author, date, subject, 1000);

	r->nforecasts = 1;
	r->forecasts = f = pc_xcalloc(1, sizeof(*f));
	f->template = dup("summarize/document");
	f->commit = commit(SR_FIXTURE_COMMIT_V2, author, date, subject, 1000);
	f->live_day = r->until_day;
	f->projected_monthly_delta_micros = M(30000);
	f->before_daily_micros = M(2640);
	f->after_daily_micros = M(3600);
	f->observed_monthly_delta_micros = M(28800);
	f->error = ratio(M(28800) - M(30000), M(30000));
}

static void reservations(struct pc_spend_report *r)
{
	struct pc_sr_reservation *v;

	r->nreservations = 2;
	r->reservations = v = pc_xcalloc(2, sizeof(*v));
	v[0].id = dup("ptu-east");
	v[0].model = dup("gpt-4-class");
	v[0].units = 2;
	v[0].unit_price_per_hour_micros = M(50);
	v[0].hours = 48;
	v[0].commitment_micros = M(4800);
	v[0].capacity_per_hour = 120000;
	v[0].consumed = 4320000;
	v[0].spilled = 60000;
	v[0].utilization = ratio(4320000, 120000 * 48);
	v[0].peak_hour = r->until_day * 24 + 14;
	v[0].peak_utilization = ratio(120000, 120000);
	v[0].idle_micros = M(1200);
	v[0].spillover_micros = M(60);
	v[0].on_demand_equivalent_micros = M(4380);
	v[0].nshares = 2;
	v[0].shares = pc_xcalloc(2, sizeof(*v[0].shares));
	v[0].shares[0] = (struct pc_sr_share){ dup("contract-review"), 3888000,
					       { 3888000, 4320000 }, M(4320) };
	v[0].shares[1] = (struct pc_sr_share){ NULL, 432000, { 432000, 4320000 }, M(480) };
	v[0].daily_utilization = pc_xcalloc(2, sizeof(struct pc_ratio));
	v[0].daily_utilization[0] = ratio(2016000, 2880000);
	v[0].daily_utilization[1] = ratio(2304000, 2880000);

	v[1].id = dup("ptu-west");
	v[1].model = dup("small-model");
	v[1].units = 1;
	v[1].unit_price_per_hour_micros = M(25);
	v[1].hours = 48;
	v[1].commitment_micros = M(1200);
	v[1].capacity_per_hour = 30000;
	v[1].utilization = ratio(0, 30000 * 48);
	v[1].peak_hour = r->since_day * 24;
	v[1].peak_utilization = ratio(0, 30000);
	v[1].idle_micros = M(1200);
	v[1].daily_utilization = pc_xcalloc(2, sizeof(struct pc_ratio));
	v[1].daily_utilization[0] = ratio(0, 720000);
	v[1].daily_utilization[1] = ratio(0, 720000);
}

/* A charge; template, team, use case point into r->templates (borrowed). */
static void charge(struct pc_spend_report *r, enum pc_sr_charge_kind kind, int64_t day,
		   const struct pc_sr_template *t, const char *model, const char *reservation,
		   struct tokens k, int64_t billed, int64_t effective, int64_t list)
{
	struct pc_sr_charge *c = &r->charges[r->ncharges++];
	const struct pc_sr_reservation *v = NULL;

	for (size_t i = 0; reservation && i < r->nreservations; i++)
		if (!strcmp(r->reservations[i].id, reservation))
			v = &r->reservations[i];
	c->kind = kind;
	c->day = day;
	c->template = t ? t->id : NULL;
	c->team = t ? t->team : NULL;
	c->use_case = t ? t->use_case : NULL;
	c->model = v ? v->model : t && t->model ? t->model : model;
	c->reservation = v ? v->id : NULL;
	c->calls = k.calls;
	c->response_cache_hits = k.hits;
	c->input_tokens = k.input;
	c->cached_input_tokens = k.cached;
	c->cache_write_tokens = k.cache_write;
	c->output_tokens = k.output;
	c->billed_micros = billed;
	c->effective_micros = effective;
	c->list_micros = list;
}

/* The last charge's equivalents: its day's share of the reservation's capacity. */
static void equivalents(struct pc_spend_report *r, int64_t n)
{
	r->charges[r->ncharges - 1].equivalents = n;
}

static void charges(struct pc_spend_report *r)
{
	const struct pc_sr_template *summarize = &r->templates[0], *clauses = &r->templates[1],
				    *headline = &r->templates[2], *classify = &r->templates[3],
				    *unattributed = &r->templates[5];
	static const struct tokens none = { 0, 0, 0, 0, 0, 0 };
	const struct tokens triage = { 3000, 1500, 1500000, 750000, 0, 150000 };

	r->charges = pc_xcalloc(20, sizeof(*r->charges));
	for (int d = 0; d < 2; d++) {
		int64_t day = r->since_day + d;

		if (!d) {
			charge(r, PC_SR_CHARGE_ON_DEMAND, day, headline, NULL, NULL,
			       (struct tokens){ 2000, 0, 1000000, 0, 0, 500000 }, M(200), M(200),
			       M(200));
			charge(r, PC_SR_CHARGE_ON_DEMAND, day, summarize, NULL, NULL,
			       (struct tokens){ 1100, 100, 2000000, 0, 0, 200000 }, M(2600),
			       M(2600), M(2600));
			charge(r, PC_SR_CHARGE_ON_DEMAND, day, classify, NULL, NULL, triage,
			       1425000, 1425000, 1425000);
			charge(r, PC_SR_CHARGE_ON_DEMAND, day, unattributed, "small-model", NULL,
			       (struct tokens){ 100, 0, 500000, 0, 0, 100000 }, M(70), M(70),
			       M(70));
			charge(r, PC_SR_CHARGE_COMMITMENT_USE, day, clauses, NULL, "ptu-east",
			       (struct tokens){ 400, 0, 1314400, 200000, 0, 200000 }, 0, M(1512),
			       18144000);
			equivalents(r, 1814400);
			charge(r, PC_SR_CHARGE_COMMITMENT_USE, day, unattributed, NULL, "ptu-east",
			       (struct tokens){ 50, 0, 141600, 0, 0, 20000 }, 0, M(168), 2016000);
			equivalents(r, 201600);
			charge(r, PC_SR_CHARGE_COMMITMENT_IDLE, day, NULL, NULL, "ptu-east", none, 0,
			       M(720), 0);
			equivalents(r, 2880000 - 2016000);
		} else {
			charge(r, PC_SR_CHARGE_ON_DEMAND, day, headline, NULL, NULL,
			       (struct tokens){ 5000, 0, 2500000, 0, 0, 1250000 }, M(500), M(500),
			       M(500));
			charge(r, PC_SR_CHARGE_ON_DEMAND, day, summarize, NULL, NULL,
			       (struct tokens){ 1100, 100, 3000000, 0, 0, 200000 }, M(3600),
			       M(3600), M(3600));
			charge(r, PC_SR_CHARGE_ON_DEMAND, day, classify, NULL, NULL, triage,
			       1425000, 1425000, 1425000);
			charge(r, PC_SR_CHARGE_SPILLOVER, day, clauses, NULL, "ptu-east",
			       (struct tokens){ 10, 0, 30000, 0, 0, 10000 }, M(60), M(60), M(60));
			equivalents(r, 60000);
			charge(r, PC_SR_CHARGE_COMMITMENT_USE, day, clauses, NULL, "ptu-east",
			       (struct tokens){ 430, 0, 1543600, 200000, 0, 210000 }, 0, M(1728),
			       20736000);
			equivalents(r, 2073600);
			charge(r, PC_SR_CHARGE_COMMITMENT_USE, day, unattributed, NULL, "ptu-east",
			       (struct tokens){ 60, 0, 170400, 0, 0, 20000 }, 0, M(192), 2304000);
			equivalents(r, 230400);
			charge(r, PC_SR_CHARGE_COMMITMENT_IDLE, day, NULL, NULL, "ptu-east", none, 0,
			       M(480), 0);
			equivalents(r, 2880000 - 2304000);
		}
		charge(r, PC_SR_CHARGE_COMMITMENT_IDLE, day, NULL, NULL, "ptu-west", none, 0, M(600),
		       0);
		equivalents(r, 720000);
		charge(r, PC_SR_CHARGE_PURCHASE, day, NULL, NULL, "ptu-east", none, M(2400), 0,
		       M(2400));
		equivalents(r, 2880000);
		charge(r, PC_SR_CHARGE_PURCHASE, day, NULL, NULL, "ptu-west", none, M(600), 0,
		       M(600));
		equivalents(r, 720000);
	}
}

static void quality(struct pc_spend_report *r)
{
	struct pc_sr_quality *q = &r->quality;

	q->unattributed_records = 6;
	q->unattributed_calls = 210;
	q->unattributed_micros = M(550);
	q->unversioned_calls = 6000;
	q->unversioned_micros = 2850000;
	q->reported_records = 4;
	q->reported_micros = M(6014);
	q->repriced_micros = M(6200);
	q->drift = ratio(M(6014) - M(6200), M(6200));
}

struct pc_spend_report *sr_fixture_new(void)
{
	struct pc_spend_report *r = pc_xcalloc(1, sizeof(*r));

	period(r);
	posture(r);
	teams(r);
	use_cases(r);
	templates(r);
	spikes_and_forecasts(r);
	reservations(r);
	charges(r);
	quality(r);
	return r;
}

struct pc_spend_report *sr_fixture_empty(void)
{
	struct pc_spend_report *r = pc_xcalloc(1, sizeof(*r));
	struct pc_sr_posture *p = &r->posture;

	period(r);
	p->text = dup("We spent $0.00 across no active use cases: nothing was recorded in the "
		      "period.");
	p->cache_hit_rate = ratio(0, 0);
	p->top_use_case_share = ratio(0, 0);
	p->has_cache_hit_target = true;
	p->cache_hit_target_ppm = 550000;
	teams(r);
	use_cases(r);
	/* no spend: every budget line zero, ok or no-budget, ratios of a zero total */
	for (size_t pass = 0; pass < 2; pass++) {
		struct pc_sr_budget *b = pass ? r->use_cases : r->teams;
		size_t n = pass ? r->nuse_cases : r->nteams;

		for (size_t i = 0; i < n; i++) {
			free(b[i].daily_micros);
			spend(r, &b[i], 0, 0, 0, 0, b[i].has_budget ? PC_SR_OK : PC_SR_NO_BUDGET);
			cache(&b[i], 0, 0, b[i].cache_hit_target_ppm, 0);
		}
	}
	r->quality.drift = ratio(0, 0);
	return r;
}

/* The fixture owns what a built report owns: the report's own free releases it. */
void sr_fixture_free(struct pc_spend_report *r)
{
	pc_spend_report_free(r);
}
