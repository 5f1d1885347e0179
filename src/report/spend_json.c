/*
 * The spend report as JSON, schema promptcost/report/v1 (schema/report-v1.json):
 * money as strings with exactly two decimals ("133.15"), percentages as
 * strings with one decimal ("38.0", null when undefined), counts as integers,
 * days as "YYYY-MM-DD". The posture object is exactly the issue's; where a
 * figure is projected the field's name says so (projected_month_end,
 * projected_monthly_delta, cache_target_saving_a_month), and the schema gives
 * every field's origin. The charges are not repeated here: the FOCUS export
 * (spend_focus.c) has them.
 */
#include "promptcost/spend_report.h"

#include "promptcost/money.h"
#include "spend_render.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *money(int64_t micros)
{
	struct pc_buf b = PC_BUF_INIT;
	json_t *v;

	pc_money_format(&b, micros, false, false);
	v = json_string(b.ptr);
	pc_buf_release(&b);
	return v;
}

static json_t *percent(struct pc_ratio ratio)
{
	char text[32];

	if (!ratio.den)
		return json_null();
	pc_ratio_format(text, ratio);
	return json_string(text);
}

static json_t *ppm_percent(bool has, int64_t ppm)
{
	struct pc_ratio r = { ppm, PC_PPM };

	return has ? percent(r) : json_null();
}

static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *day(int64_t d)
{
	char text[11];

	sr_day(text, d);
	return json_string(text);
}

static json_t *integer(int64_t n)
{
	return json_integer((json_int_t)n);
}

/* A quotient of integers with one decimal ("2700.0"), or null. */
static json_t *decimal(struct pc_ratio ratio)
{
	char text[48];
	int64_t tenths;

	if (!ratio.den)
		return json_null();
	tenths = (int64_t)pc_div_round((pc_int128)ratio.num * 10, ratio.den);
	snprintf(text, sizeof(text), "%s%lld.%lld", tenths < 0 ? "-" : "",
		 (long long)(llabs(tenths) / 10), (long long)(llabs(tenths) % 10));
	return json_string(text);
}

static json_t *daily(const struct pc_spend_report *r, const int64_t *micros)
{
	json_t *a = json_array();

	for (int64_t d = 0; micros && d < r->ndays; d++)
		json_array_append_new(a, money(micros[d]));
	return a;
}

static json_t *budget_line(const struct pc_spend_report *r, const struct pc_sr_budget *b,
			   bool use_case)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_string(b->id));
	if (use_case)
		json_object_set_new(o, "team", string_or_null(b->team));
	json_object_set_new(o, "cost", money(b->cost_micros));
	json_object_set_new(o, "on_demand_cost", money(b->on_demand_micros));
	json_object_set_new(o, "commitment_share", money(b->commitment_share_micros));
	json_object_set_new(o, "share", percent(b->share));
	json_object_set_new(o, "budget", b->has_budget ? money(b->budget_micros) : json_null());
	json_object_set_new(o, "limit", b->has_budget ? json_string(sr_limit(b)) : json_null());
	json_object_set_new(o, "warn_at", ppm_percent(b->has_budget && b->has_warn_at,
						      b->warn_at_ppm));
	json_object_set_new(o, "month_to_date", money(b->month_to_date_micros));
	json_object_set_new(o, "projected_month_end", money(b->projected_month_end_micros));
	json_object_set_new(o, "status", json_string(pc_sr_status_name(b->status)));
	json_object_set_new(o, "calls", integer(b->calls));
	json_object_set_new(o, "response_cache_hits", integer(b->response_cache_hits));
	json_object_set_new(o, "cache_hit_rate", percent(b->cache_hit_rate));
	json_object_set_new(o, "cache_hit_target",
			    ppm_percent(b->has_cache_hit_target, b->cache_hit_target_ppm));
	json_object_set_new(o, "cache_target_saving_a_month",
			    money(b->cache_target_saving_micros));
	json_object_set_new(o, "daily_costs", daily(r, b->daily_micros));
	return o;
}

static json_t *budgets(const struct pc_spend_report *r, const struct pc_sr_budget *b, size_t n,
		       bool use_case)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, budget_line(r, &b[i], use_case));
	return a;
}

static void tokens(json_t *o, int64_t calls, int64_t hits, int64_t input, int64_t cached,
		   int64_t cache_write, int64_t output)
{
	json_object_set_new(o, "calls", integer(calls));
	json_object_set_new(o, "response_cache_hits", integer(hits));
	json_object_set_new(o, "input_tokens", integer(input));
	json_object_set_new(o, "cached_input_tokens", integer(cached));
	json_object_set_new(o, "cache_write_tokens", integer(cache_write));
	json_object_set_new(o, "output_tokens", integer(output));
}

static json_t *versions(const struct pc_sr_template *t)
{
	json_t *a = json_array();

	for (size_t i = 0; i < t->nversions; i++) {
		const struct pc_sr_version *v = &t->versions[i];
		json_t *o = json_object();

		json_object_set_new(o, "version", string_or_null(v->version));
		json_object_set_new(o, "commit", string_or_null(v->commit));
		json_object_set_new(o, "first_day", day(v->first_day));
		json_object_set_new(o, "last_day", day(v->last_day));
		tokens(o, v->calls, v->response_cache_hits, v->input_tokens,
		       v->cached_input_tokens, v->cache_write_tokens, v->output_tokens);
		json_object_set_new(o, "cost", money(v->cost_micros));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *templates(const struct pc_spend_report *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->ntemplates; i++) {
		const struct pc_sr_template *t = &r->templates[i];
		json_t *o = json_object();

		json_object_set_new(o, "id", string_or_null(t->id));
		json_object_set_new(o, "team", string_or_null(t->team));
		json_object_set_new(o, "use_case", string_or_null(t->use_case));
		json_object_set_new(o, "model", string_or_null(t->model));
		json_object_set_new(o, "deployment", string_or_null(t->deployment));
		tokens(o, t->calls, t->response_cache_hits, t->input_tokens,
		       t->cached_input_tokens, t->cache_write_tokens, t->output_tokens);
		json_object_set_new(o, "tokens_per_call", decimal(t->tokens_per_call));
		json_object_set_new(o, "cost_per_1000_calls",
				    t->cost_per_call.den
					    ? money((int64_t)pc_div_round(
						    (pc_int128)t->cost_per_call.num * 1000,
						    t->cost_per_call.den))
					    : json_null());
		json_object_set_new(o, "cost", money(t->cost_micros));
		json_object_set_new(o, "share", percent(t->share));
		json_object_set_new(o, "previous_cost",
				    t->has_previous ? money(t->previous_cost_micros) : json_null());
		json_object_set_new(o, "change", percent(t->change));
		json_object_set_new(o, "cache_hit_rate", percent(t->cache_hit_rate));
		json_object_set_new(o, "cache_hit_target",
				    ppm_percent(t->has_cache_hit_target, t->cache_hit_target_ppm));
		json_object_set_new(o, "prompt_cache_share", percent(t->prompt_cache_share));
		json_object_set_new(o, "daily_costs", daily(r, t->daily_micros));
		json_object_set_new(o, "versions", versions(t));
		json_array_append_new(a, o);
	}
	return a;
}

static void commit_fields(json_t *o, const struct pc_sr_commit *c)
{
	json_object_set_new(o, "commit", string_or_null(c->id));
	json_object_set_new(o, "author", string_or_null(c->author));
	json_object_set_new(o, "date", string_or_null(c->date));
	json_object_set_new(o, "subject", string_or_null(c->subject));
	json_object_set_new(o, "delta_tokens",
			    c->has_delta_tokens ? integer(c->delta_tokens) : json_null());
}

static json_t *spikes(const struct pc_spend_report *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->nspikes; i++) {
		const struct pc_sr_spike *s = &r->spikes[i];
		json_t *o = json_object();

		json_object_set_new(o, "template", json_string(s->template));
		json_object_set_new(o, "day", day(s->day));
		json_object_set_new(o, "cost", money(s->cost_micros));
		json_object_set_new(o, "baseline", money(s->baseline_micros));
		json_object_set_new(o, "calls", integer(s->calls));
		json_object_set_new(o, "baseline_calls", integer(s->baseline_calls));
		json_object_set_new(o, "cause", json_string(pc_sr_cause_name(s->cause)));
		json_object_set_new(o, "version", string_or_null(s->version));
		commit_fields(o, &s->commit);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *forecasts(const struct pc_spend_report *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->nforecasts; i++) {
		const struct pc_sr_forecast *f = &r->forecasts[i];
		json_t *o = json_object();

		json_object_set_new(o, "template", json_string(f->template));
		commit_fields(o, &f->commit);
		json_object_set_new(o, "live_day", day(f->live_day));
		json_object_set_new(o, "projected_monthly_delta",
				    money(f->projected_monthly_delta_micros));
		json_object_set_new(o, "before_daily_cost", money(f->before_daily_micros));
		json_object_set_new(o, "after_daily_cost", money(f->after_daily_micros));
		json_object_set_new(o, "observed_monthly_delta",
				    money(f->observed_monthly_delta_micros));
		json_object_set_new(o, "error_percent", percent(f->error));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *reservations(const struct pc_spend_report *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->nreservations; i++) {
		const struct pc_sr_reservation *v = &r->reservations[i];
		json_t *o = json_object(), *shares = json_array(), *days = json_array();
		char hour[24];

		sr_hour(hour, v->peak_hour);
		for (size_t j = 0; j < v->nshares; j++)
			json_array_append_new(
				shares,
				json_pack("{s:o, s:I, s:o, s:o}", "use_case",
					  string_or_null(v->shares[j].use_case), "equivalents",
					  (json_int_t)v->shares[j].equivalents, "share",
					  percent(v->shares[j].share), "commitment_share",
					  money(v->shares[j].commitment_share_micros)));
		for (int64_t d = 0; v->daily_utilization && d < r->ndays; d++)
			json_array_append_new(days, percent(v->daily_utilization[d]));
		json_object_set_new(o, "id", json_string(v->id));
		json_object_set_new(o, "model", string_or_null(v->model));
		json_object_set_new(o, "units", integer(v->units));
		json_object_set_new(o, "unit_price_per_hour", money(v->unit_price_per_hour_micros));
		json_object_set_new(o, "hours", integer(v->hours));
		json_object_set_new(o, "commitment", money(v->commitment_micros));
		json_object_set_new(o, "capacity_per_hour", integer(v->capacity_per_hour));
		json_object_set_new(o, "consumed_equivalents", integer(v->consumed));
		json_object_set_new(o, "spilled_equivalents", integer(v->spilled));
		json_object_set_new(o, "utilization", percent(v->utilization));
		json_object_set_new(o, "peak_hour",
				    v->peak_utilization.num ? json_string(hour) : json_null());
		json_object_set_new(o, "peak_utilization", percent(v->peak_utilization));
		json_object_set_new(o, "idle_cost", money(v->idle_micros));
		json_object_set_new(o, "spillover_cost", money(v->spillover_micros));
		json_object_set_new(o, "on_demand_equivalent", money(v->on_demand_equivalent_micros));
		json_object_set_new(o, "shares", shares);
		json_object_set_new(o, "daily_utilization", days);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *posture(const struct pc_spend_report *r)
{
	const struct pc_sr_posture *p = &r->posture;
	json_t *o = json_object();

	json_object_set_new(o, "text", json_string(p->text ? p->text : ""));
	json_object_set_new(o, "total_cost", money(p->total_micros));
	json_object_set_new(o, "active_use_cases", integer(p->active_use_cases));
	json_object_set_new(o, "top_use_case",
			    p->top_use_case
				    ? json_pack("{s:s, s:o, s:o}", "id", p->top_use_case, "cost",
						money(p->top_use_case_micros), "share",
						percent(p->top_use_case_share))
				    : json_null());
	json_object_set_new(o, "cache_hit_rate", percent(p->cache_hit_rate));
	json_object_set_new(o, "cache_hit_target",
			    ppm_percent(p->has_cache_hit_target, p->cache_hit_target_ppm));
	json_object_set_new(o, "reservation_utilization",
			    p->has_reservations ? percent(p->reservation_utilization)
						: json_null());
	return o;
}

int pc_spend_report_json(struct pc_buf *out, const struct pc_spend_report *r)
{
	const struct pc_sr_quality *q = &r->quality;
	json_t *root = json_object();
	char *text;

	json_object_set_new(root, "schema", json_string("promptcost/report/v1"));
	json_object_set_new(root, "period",
			    json_pack("{s:s, s:s, s:I}", "since", r->since, "until", r->until,
				      "days", (json_int_t)r->ndays));
	json_object_set_new(root, "currency", json_string(r->currency ? r->currency : "USD"));
	json_object_set_new(root, "days_per_month", integer(r->days_per_month));
	json_object_set_new(root, "prices", string_or_null(r->price_note));
	json_object_set_new(root, "posture", posture(r));
	json_object_set_new(root, "totals",
			    json_pack("{s:o, s:o, s:o, s:I, s:I}", "cost",
				      money(r->posture.total_micros), "on_demand_cost",
				      money(r->posture.on_demand_micros), "commitment_cost",
				      money(r->posture.commitment_micros), "calls",
				      (json_int_t)r->posture.calls, "response_cache_hits",
				      (json_int_t)r->posture.response_cache_hits));
	json_object_set_new(root, "teams", budgets(r, r->teams, r->nteams, false));
	json_object_set_new(root, "use_cases", budgets(r, r->use_cases, r->nuse_cases, true));
	json_object_set_new(root, "templates", templates(r));
	json_object_set_new(root, "spikes", spikes(r));
	json_object_set_new(root, "forecasts", forecasts(r));
	json_object_set_new(root, "reservations", reservations(r));
	json_object_set_new(root, "unattributed",
			    json_pack("{s:I, s:I, s:o}", "records",
				      (json_int_t)q->unattributed_records, "calls",
				      (json_int_t)q->unattributed_calls, "cost",
				      money(q->unattributed_micros)));
	json_object_set_new(root, "reconciliation",
			    json_pack("{s:I, s:o, s:I, s:o, s:o, s:o}", "unversioned_calls",
				      (json_int_t)q->unversioned_calls, "unversioned_cost",
				      money(q->unversioned_micros), "reported_records",
				      (json_int_t)q->reported_records, "reported_cost",
				      money(q->reported_micros), "repriced_cost",
				      money(q->repriced_micros), "drift", percent(q->drift)));
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return pc_error_set(PC_EINTERNAL, "the spend report's JSON could not be written");
	pc_buf_adds(out, text);
	pc_buf_addch(out, '\n');
	free(text);
	return 0;
}
