/*
 * The spend report for a terminal (`promptcost report`, the default format):
 * the governance posture sentence first, then the sections as aligned
 * tables, money with thousands separators as check's text report prints it.
 * Every figure says where it came from: recorded (usage priced here),
 * configured (budgets, targets, commitments) or projected (an estimate).
 */
#include "promptcost/spend_report.h"

#include "promptcost/money.h"
#include "spend_render.h"

static void heading(struct pc_buf *out, const char *title, const char *origin)
{
	pc_buf_addf(out, "\n%s", title);
	if (origin)
		pc_buf_addf(out, " (%s)", origin);
	pc_buf_adds(out, "\n\n");
}

static void table(struct pc_buf *out, struct sr_table *t, const char *none)
{
	if (sr_table_has_rows(t)) {
		sr_table_text(out, t);
	} else {
		pc_strlist_release(&t->cells);
		if (*none)
			pc_buf_addf(out, "%s\n", none);
	}
}

static void posture(struct pc_buf *out, const struct pc_spend_report *r)
{
	pc_buf_adds(out, "\n");
	pc_buf_add_visible(out, r->posture.text ? r->posture.text : "");
	pc_buf_adds(out, "\n\ntotal ");
	sr_money(out, r, r->posture.total_micros, false);
	pc_buf_adds(out, " = on demand ");
	sr_money(out, r, r->posture.on_demand_micros, false);
	pc_buf_adds(out, " (recorded) + commitments ");
	sr_money(out, r, r->posture.commitment_micros, false);
	pc_buf_adds(out, " (configured)\n");
}

static void budgets(struct pc_buf *out, const struct pc_spend_report *r)
{
	struct sr_table t;

	heading(out, "Budgets",
		"budgets configured; period cost and month to date recorded; month end "
		"projected at the run rate, an estimate");
	sr_budgets_table(&t, r, false);
	table(out, &t, "no teams configured");
	pc_buf_addch(out, '\n');
	sr_budgets_table(&t, r, true);
	table(out, &t, "no use cases configured");
}

static void templates(struct pc_buf *out, const struct pc_spend_report *r)
{
	struct sr_table t;
	struct pc_buf origin = PC_BUF_INIT;

	pc_buf_addf(&origin, "recorded; change against the previous %lld day%s",
		    (long long)r->ndays, r->ndays == 1 ? "" : "s");
	heading(out, "Spend by template and version", origin.ptr);
	pc_buf_release(&origin);
	sr_templates_table(&t, r);
	table(out, &t, "no usage recorded in the period");
	sr_versions_table(&t, r);
	if (sr_table_has_rows(&t))
		pc_buf_addch(out, '\n');
	table(out, &t, "");
}

static void spikes(struct pc_buf *out, const struct pc_spend_report *r)
{
	struct sr_table t;
	struct pc_buf origin = PC_BUF_INIT;

	/* the threshold is one unit of the currency, whichever it is */
	pc_buf_adds(&origin, "recorded; a day at least 1.2 x and ");
	sr_money(&origin, r, PC_MICROS, false);
	pc_buf_adds(&origin, " above the template's trailing 7-day mean");
	heading(out, "Spikes", origin.ptr);
	pc_buf_release(&origin);
	sr_spikes_table(&t, r);
	table(out, &t, "no spikes");
	for (size_t i = 0; i < r->nspikes; i++) {
		const struct pc_sr_spike *s = &r->spikes[i];
		char day[11];

		sr_day(day, s->day);
		pc_buf_adds(out, i ? "" : "\n");
		pc_buf_adds(out, "  ");
		pc_buf_add_visible(out, s->template);
		pc_buf_addf(out, " on %s: %s", day, pc_sr_cause_name(s->cause));
		if (s->cause == PC_SR_CAUSE_VOLUME) {
			pc_buf_adds(out, ", ");
			pc_count_format(out, s->calls, false);
			pc_buf_adds(out, " calls against ");
			pc_count_format(out, s->baseline_calls, false);
			pc_buf_adds(out, " a day");
		}
		if (s->version) {
			pc_buf_adds(out, " ");
			pc_buf_add_visible(out, s->version);
		}
		if (s->commit.id) {
			pc_buf_adds(out, s->cause == PC_SR_CAUSE_INFERRED
						 ? " (no version recorded: the last commit to its "
						   "files before), commit "
						 : ", commit ");
			pc_buf_add_visible(out, s->commit.id);
			if (s->commit.author) {
				pc_buf_adds(out, " by ");
				pc_buf_add_visible(out, s->commit.author);
			}
			if (s->commit.date) {
				pc_buf_adds(out, " on ");
				pc_buf_add_visible(out, s->commit.date);
			}
			if (s->commit.subject) {
				pc_buf_adds(out, ": \"");
				pc_buf_add_visible(out, s->commit.subject);
				pc_buf_adds(out, "\"");
			}
			if (s->commit.has_delta_tokens) {
				pc_buf_adds(out, " (");
				pc_count_format(out, s->commit.delta_tokens, true);
				pc_buf_adds(out, " tokens)");
			}
		} else if (s->cause == PC_SR_CAUSE_UNKNOWN) {
			pc_buf_adds(out, ": costlier calls, and no commit found");
		}
		pc_buf_addch(out, '\n');
	}
}

static void forecasts(struct pc_buf *out, const struct pc_spend_report *r)
{
	struct sr_table t;
	struct pc_buf origin = PC_BUF_INIT;

	pc_buf_addf(&origin,
		    "projected: what check projected for the commit, an estimate; observed: "
		    "recorded daily cost after minus before, x %lld days",
		    (long long)r->days_per_month);
	heading(out, "Forecast against actual", origin.ptr);
	pc_buf_release(&origin);
	sr_forecasts_table(&t, r);
	table(out, &t, "no template version went live in the period");
	for (size_t i = 0; i < r->nforecasts; i++) {
		const struct pc_sr_forecast *f = &r->forecasts[i];

		pc_buf_adds(out, i ? "  " : "\n  ");
		pc_buf_add_visible(out, f->template);
		pc_buf_adds(out, ": ");
		pc_buf_add_visible(out, f->commit.id ? f->commit.id : "-");
		if (f->commit.subject) {
			pc_buf_adds(out, " \"");
			pc_buf_add_visible(out, f->commit.subject);
			pc_buf_adds(out, "\"");
		}
		pc_buf_addch(out, '\n');
	}
}

static void caching(struct pc_buf *out, const struct pc_spend_report *r)
{
	struct sr_table t;
	struct pc_buf origin = PC_BUF_INIT;

	pc_buf_addf(&origin,
		    "recorded; targets configured; savings projected for a %lld-day month",
		    (long long)r->days_per_month);
	heading(out, "Caching", origin.ptr);
	pc_buf_release(&origin);
	pc_buf_adds(out, "response-cache hit rate ");
	sr_percent(out, r->posture.cache_hit_rate, false);
	pc_buf_adds(out, " of ");
	pc_count_format(out, r->posture.calls, false);
	pc_buf_adds(out, " calls");
	if (r->posture.has_cache_hit_target) {
		pc_buf_adds(out, " against a target of ");
		sr_target(out, r->posture.cache_hit_target_ppm);
	}
	pc_buf_adds(out, "\n\n");
	sr_cache_use_cases_table(&t, r);
	table(out, &t, "no use cases configured");
	sr_cache_templates_table(&t, r);
	if (sr_table_has_rows(&t))
		pc_buf_addch(out, '\n');
	table(out, &t, "");
}

static void reservations(struct pc_buf *out, const struct pc_spend_report *r)
{
	struct sr_table t;

	heading(out, "Reservations, showback",
		"commitments configured, use recorded; the whole commitment shown back by "
		"equivalents used");
	sr_reservations_table(&t, r);
	table(out, &t, "no reservations configured");
	sr_shares_table(&t, r);
	if (sr_table_has_rows(&t))
		pc_buf_addch(out, '\n');
	table(out, &t, "");
	for (size_t i = 0; i < r->nreservations; i++) {
		const struct pc_sr_reservation *v = &r->reservations[i];

		if (v->nshares)
			continue;
		pc_buf_adds(out, "\n");
		pc_buf_add_visible(out, v->id);
		pc_buf_adds(out, ": unused all period: its commitment ");
		sr_money(out, r, v->commitment_micros, false);
		pc_buf_adds(out, " is idle and shown back to no use case\n");
	}
}

static void quality(struct pc_buf *out, const struct pc_spend_report *r)
{
	const struct pc_sr_quality *q = &r->quality;

	heading(out, "Data quality", "recorded");
	pc_buf_adds(out, "unattributed:         ");
	pc_count_format(out, q->unattributed_records, false);
	pc_buf_adds(out, " records, ");
	pc_count_format(out, q->unattributed_calls, false);
	pc_buf_adds(out, " calls, ");
	sr_money(out, r, q->unattributed_micros, false);
	pc_buf_adds(out, "\nwithout a version:    ");
	pc_count_format(out, q->unversioned_calls, false);
	pc_buf_adds(out, " calls, ");
	sr_money(out, r, q->unversioned_micros, false);
	pc_buf_adds(out, "\nreported by sources:  ");
	pc_count_format(out, q->reported_records, false);
	pc_buf_adds(out, " records, ");
	sr_money(out, r, q->reported_micros, false);
	pc_buf_adds(out, "; re-priced here ");
	sr_money(out, r, q->repriced_micros, false);
	pc_buf_adds(out, "; drift ");
	sr_percent(out, q->drift, true);
	pc_buf_addch(out, '\n');
}

int pc_spend_report_text(struct pc_buf *out, const struct pc_spend_report *report)
{
	pc_buf_adds(out, "promptcost report: ");
	sr_period(out, report);
	pc_buf_addf(out, ", %s\n", report->currency ? report->currency : "USD");
	if (report->price_note) {
		pc_buf_add_visible(out, report->price_note);
		pc_buf_addch(out, '\n');
	}
	pc_buf_adds(out, "figures are recorded (usage priced here) unless marked configured or "
			 "projected (an estimate)\n");
	posture(out, report);
	budgets(out, report);
	templates(out, report);
	spikes(out, report);
	forecasts(out, report);
	caching(out, report);
	reservations(out, report);
	quality(out, report);
	return 0;
}
