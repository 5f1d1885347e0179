/*
 * The spend report as GitHub-flavoured markdown (a pull-request comment, a
 * wiki page): the posture sentence as a quote, a heading per section of the
 * issue, the same tables as the text report (spend_render.c) as markdown
 * tables, and each section's note on where its figures came from.
 */
#include "promptcost/spend_report.h"

#include "promptcost/money.h"
#include "spend_render.h"

/* Text from the configuration or the records: visible, and markdown-inert. */
static void text(struct pc_buf *out, const char *s)
{
	struct pc_buf visible = PC_BUF_INIT;

	pc_buf_add_visible(&visible, s ? s : "-");
	for (const char *p = visible.ptr; *p; p++) {
		if (*p == '\\' || *p == '`' || *p == '*' || *p == '_' || *p == '<' || *p == '>' ||
		    *p == '[' || *p == ']' || *p == '|' || *p == '#')
			pc_buf_addch(out, '\\');
		pc_buf_addch(out, *p);
	}
	pc_buf_release(&visible);
}

static void heading(struct pc_buf *out, const char *title, const char *origin)
{
	pc_buf_addf(out, "## %s\n\n", title);
	if (origin)
		pc_buf_addf(out, "_%s_\n\n", origin);
}

static void table(struct pc_buf *out, struct sr_table *t, const char *none)
{
	if (sr_table_has_rows(t)) {
		sr_table_markdown(out, t);
		pc_buf_addch(out, '\n');
	} else {
		pc_strlist_release(&t->cells);
		if (none)
			pc_buf_addf(out, "%s\n\n", none);
	}
}

static void commit_words(struct pc_buf *out, const struct pc_sr_commit *c, bool inferred)
{
	pc_buf_adds(out, inferred ? " (no version recorded: the last commit to its files "
				    "before), commit `"
				  : ", commit `");
	pc_buf_add_visible(out, c->id);
	pc_buf_adds(out, "`");
	if (c->author) {
		pc_buf_adds(out, " by ");
		text(out, c->author);
	}
	if (c->date) {
		pc_buf_adds(out, " on ");
		text(out, c->date);
	}
	if (c->subject) {
		pc_buf_adds(out, ": \"");
		text(out, c->subject);
		pc_buf_adds(out, "\"");
	}
	if (c->has_delta_tokens) {
		pc_buf_adds(out, " (");
		pc_count_format(out, c->delta_tokens, true);
		pc_buf_adds(out, " tokens)");
	}
}

static void spike_lines(struct pc_buf *out, const struct pc_spend_report *r)
{
	for (size_t i = 0; i < r->nspikes; i++) {
		const struct pc_sr_spike *s = &r->spikes[i];
		char day[11];

		sr_day(day, s->day);
		pc_buf_adds(out, "- **");
		text(out, s->template);
		pc_buf_addf(out, "** on %s: %s", day, pc_sr_cause_name(s->cause));
		if (s->cause == PC_SR_CAUSE_VOLUME) {
			pc_buf_adds(out, ", ");
			pc_count_format(out, s->calls, false);
			pc_buf_adds(out, " calls against ");
			pc_count_format(out, s->baseline_calls, false);
			pc_buf_adds(out, " a day");
		}
		if (s->version) {
			pc_buf_adds(out, " ");
			text(out, s->version);
		}
		if (s->commit.id)
			commit_words(out, &s->commit, s->cause == PC_SR_CAUSE_INFERRED);
		else if (s->cause == PC_SR_CAUSE_UNKNOWN)
			pc_buf_adds(out, ": costlier calls, and no commit found");
		pc_buf_addch(out, '\n');
	}
	if (r->nspikes)
		pc_buf_addch(out, '\n');
}

int pc_spend_report_markdown(struct pc_buf *out, const struct pc_spend_report *r)
{
	const struct pc_sr_quality *q = &r->quality;
	struct sr_table t;
	struct pc_buf note = PC_BUF_INIT;

	pc_buf_adds(out, "# Spend report: ");
	sr_period(out, r);
	pc_buf_adds(out, "\n\n> ");
	text(out, r->posture.text ? r->posture.text : "");
	pc_buf_adds(out, "\n\nTotal **");
	sr_money(out, r, r->posture.total_micros, false);
	pc_buf_adds(out, "** = on demand ");
	sr_money(out, r, r->posture.on_demand_micros, false);
	pc_buf_adds(out, " (recorded) + commitments ");
	sr_money(out, r, r->posture.commitment_micros, false);
	pc_buf_addf(out, " (configured), in %s. ", r->currency ? r->currency : "USD");
	if (r->price_note) {
		text(out, r->price_note);
		pc_buf_adds(out, ". ");
	}
	pc_buf_adds(out, "Figures are recorded (usage priced here) unless marked configured or "
			 "projected (an estimate).\n\n");

	heading(out, "Budgets",
		"Budgets configured; period cost and month to date recorded; month end "
		"projected at the run rate, an estimate.");
	sr_budgets_table(&t, r, false);
	table(out, &t, "No teams configured.");
	sr_budgets_table(&t, r, true);
	table(out, &t, "No use cases configured.");

	pc_buf_addf(&note, "Recorded; change against the previous %lld day%s.",
		    (long long)r->ndays, r->ndays == 1 ? "" : "s");
	heading(out, "Spend by template and version", note.ptr);
	pc_buf_reset(&note);
	sr_templates_table(&t, r);
	table(out, &t, "No usage recorded in the period.");
	sr_versions_table(&t, r);
	table(out, &t, NULL);

	pc_buf_adds(&note, "Recorded; a day at least 1.2 x and ");
	sr_money(&note, r, PC_MICROS, false);
	pc_buf_adds(&note, " above the template's trailing 7-day mean.");
	heading(out, "Spikes", note.ptr);
	pc_buf_reset(&note);
	sr_spikes_table(&t, r);
	table(out, &t, "No spikes.");
	spike_lines(out, r);

	pc_buf_addf(&note,
		    "Projected: what check projected for the commit, an estimate; observed: "
		    "recorded daily cost after minus before, x %lld days.",
		    (long long)r->days_per_month);
	heading(out, "Forecast against actual", note.ptr);
	pc_buf_reset(&note);
	sr_forecasts_table(&t, r);
	table(out, &t, "No template version went live in the period.");
	for (size_t i = 0; i < r->nforecasts; i++) {
		const struct pc_sr_forecast *f = &r->forecasts[i];

		pc_buf_adds(out, "- **");
		text(out, f->template);
		pc_buf_adds(out, "**");
		if (f->commit.id)
			commit_words(out, &f->commit, false);
		pc_buf_addch(out, '\n');
	}
	if (r->nforecasts)
		pc_buf_addch(out, '\n');

	pc_buf_addf(&note,
		    "Recorded; targets configured; savings projected for a %lld-day month.",
		    (long long)r->days_per_month);
	heading(out, "Caching", note.ptr);
	pc_buf_release(&note);
	pc_buf_adds(out, "Response-cache hit rate **");
	sr_percent(out, r->posture.cache_hit_rate, false);
	pc_buf_adds(out, "** of ");
	pc_count_format(out, r->posture.calls, false);
	pc_buf_adds(out, " calls");
	if (r->posture.has_cache_hit_target) {
		pc_buf_adds(out, " against a target of ");
		sr_target(out, r->posture.cache_hit_target_ppm);
	}
	pc_buf_adds(out, ".\n\n");
	sr_cache_use_cases_table(&t, r);
	table(out, &t, NULL);
	sr_cache_templates_table(&t, r);
	table(out, &t, NULL);

	heading(out, "Reservations (showback)",
		"Commitments configured, use recorded; the whole commitment shown back by "
		"equivalents used.");
	sr_reservations_table(&t, r);
	table(out, &t, "No reservations configured.");
	sr_shares_table(&t, r);
	table(out, &t, NULL);
	for (size_t i = 0; i < r->nreservations; i++) {
		const struct pc_sr_reservation *v = &r->reservations[i];

		if (v->nshares)
			continue;
		pc_buf_adds(out, "- **");
		text(out, v->id);
		pc_buf_adds(out, "** unused all period: its commitment ");
		sr_money(out, r, v->commitment_micros, false);
		pc_buf_adds(out, " is idle and shown back to no use case.\n\n");
	}

	heading(out, "Data quality", "Recorded.");
	pc_buf_adds(out, "- Unattributed: ");
	pc_count_format(out, q->unattributed_records, false);
	pc_buf_adds(out, " records, ");
	pc_count_format(out, q->unattributed_calls, false);
	pc_buf_adds(out, " calls, ");
	sr_money(out, r, q->unattributed_micros, false);
	pc_buf_adds(out, "\n- Without a version: ");
	pc_count_format(out, q->unversioned_calls, false);
	pc_buf_adds(out, " calls, ");
	sr_money(out, r, q->unversioned_micros, false);
	pc_buf_adds(out, "\n- Reported by the sources: ");
	pc_count_format(out, q->reported_records, false);
	pc_buf_adds(out, " records, ");
	sr_money(out, r, q->reported_micros, false);
	pc_buf_adds(out, "; re-priced here ");
	sr_money(out, r, q->repriced_micros, false);
	pc_buf_adds(out, "; drift ");
	sr_percent(out, q->drift, true);
	pc_buf_addch(out, '\n');
	return 0;
}
