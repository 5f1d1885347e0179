/*
 * Formatting shared by the spend report's renderers (spend_render.h): money
 * with thousands separators as check's text report prints it (src/money.c),
 * ratios through pc_ratio_format, days and hours in UTC.
 */
#include "spend_render.h"

#include "promptcost/money.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

void sr_money(struct pc_buf *out, const struct pc_spend_report *report, int64_t micros,
	      bool sign)
{
	const char *currency = report->currency ? report->currency : "USD";
	struct pc_buf number = PC_BUF_INIT;

	pc_money_format(&number, micros, true, sign);
	if (!strcmp(currency, "USD")) {
		const char *digits = number.ptr;

		if (*digits == '+' || *digits == '-')
			pc_buf_addch(out, *digits++);
		pc_buf_addf(out, "$%s", digits);
	} else {
		pc_buf_addf(out, "%s %s", number.ptr, currency);
	}
	pc_buf_release(&number);
}

void sr_percent(struct pc_buf *out, struct pc_ratio ratio, bool sign)
{
	char text[32];

	pc_ratio_format(text, ratio);
	if (!ratio.den) {
		pc_buf_adds(out, text);
		return;
	}
	if (sign && text[0] != '-' && strcmp(text, "0.0"))
		pc_buf_addch(out, '+');
	pc_buf_addf(out, "%s%%", text);
}

void sr_target(struct pc_buf *out, int64_t ppm)
{
	pc_ppm_format(out, ppm);
}

void sr_quotient(struct pc_buf *out, struct pc_ratio ratio)
{
	if (!ratio.den) {
		pc_buf_adds(out, "n/a");
		return;
	}
	pc_count_format(out, (int64_t)pc_div_round(ratio.num, ratio.den), false);
}

void sr_cost_per_1000(struct pc_buf *out, const struct pc_spend_report *report,
		      struct pc_ratio cost_per_call)
{
	if (!cost_per_call.den) {
		pc_buf_adds(out, "n/a");
		return;
	}
	sr_money(out, report,
		 (int64_t)pc_div_round((pc_int128)cost_per_call.num * 1000, cost_per_call.den),
		 false);
}

void sr_day(char out[11], int64_t day)
{
	pc_day_format(out, day);
}

void sr_hour(char out[24], int64_t hour)
{
	char day[11];
	int64_t h = hour % 24;

	if (h < 0)
		h += 24;
	pc_day_format(day, (hour - h) / 24);
	snprintf(out, 24, "%sT%02d:00Z", day, (int)h);
}

const char *sr_short(char out[8], const char *commit)
{
	if (!commit)
		return "-";
	snprintf(out, 8, "%s", commit);
	return out;
}

const char *sr_limit(const struct pc_sr_budget *b)
{
	if (!b->has_budget)
		return "-";
	return b->limit == PC_LIMIT_HARD ? "hard" : "soft";
}

const char *sr_charge_kind_name(enum pc_sr_charge_kind kind)
{
	static const char *const names[] = { "on-demand", "spill-over", "commitment-use",
					     "commitment-idle", "purchase" };

	return names[kind];
}

void sr_period(struct pc_buf *out, const struct pc_spend_report *report)
{
	pc_buf_addf(out, "%s to %s (%lld day%s)", report->since, report->until,
		    (long long)report->ndays, report->ndays == 1 ? "" : "s");
}

const char *sr_name(const char *id)
{
	return id ? id : "(unattributed)";
}

void sr_table_init(struct sr_table *t, const char *const *head, const char *align)
{
	size_t n = strlen(align);

	assert(n <= SR_MAX_COLUMNS);
	memset(t, 0, sizeof(*t));
	t->ncolumns = n;
	for (size_t c = 0; c < n; c++) {
		t->numeric[c] = align[c] == 'r';
		pc_strlist_push(&t->cells, head[c]);
	}
}

bool sr_table_has_rows(const struct sr_table *t)
{
	return t->cells.n > t->ncolumns;
}

void sr_cell(struct sr_table *t, const char *s)
{
	struct pc_buf cell = PC_BUF_INIT;

	/* names come from the configuration and the records: never a raw control character */
	pc_buf_add_visible(&cell, s ? s : "-");
	pc_strlist_push_owned(&t->cells, pc_buf_detach(&cell, NULL));
}

void sr_cell_buf(struct sr_table *t, struct pc_buf *b)
{
	sr_cell(t, b->ptr);
	pc_buf_release(b);
}

void sr_cell_money(struct sr_table *t, const struct pc_spend_report *report, int64_t micros,
		   bool sign)
{
	struct pc_buf b = PC_BUF_INIT;

	sr_money(&b, report, micros, sign);
	sr_cell_buf(t, &b);
}

void sr_cell_percent(struct sr_table *t, struct pc_ratio ratio, bool sign)
{
	struct pc_buf b = PC_BUF_INIT;

	sr_percent(&b, ratio, sign);
	sr_cell_buf(t, &b);
}

void sr_cell_count(struct sr_table *t, int64_t n)
{
	struct pc_buf b = PC_BUF_INIT;

	pc_count_format(&b, n, false);
	sr_cell_buf(t, &b);
}

/* Display width: code points, not bytes. */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

static void pad(struct pc_buf *out, size_t n)
{
	while (n--)
		pc_buf_addch(out, ' ');
}

void sr_table_text(struct pc_buf *out, struct sr_table *t)
{
	size_t widths[SR_MAX_COLUMNS] = { 0 };
	size_t rows = t->cells.n / t->ncolumns;

	assert(t->cells.n % t->ncolumns == 0);
	for (size_t i = 0; i < t->cells.n; i++)
		if (width(t->cells.items[i]) > widths[i % t->ncolumns])
			widths[i % t->ncolumns] = width(t->cells.items[i]);
	for (size_t r = 0; r < rows; r++) {
		struct pc_buf line = PC_BUF_INIT;

		for (size_t c = 0; c < t->ncolumns; c++) {
			const char *cell = t->cells.items[r * t->ncolumns + c];
			bool right = t->numeric[c] && r > 0;

			if (c)
				pc_buf_adds(&line, "  ");
			if (right)
				pad(&line, widths[c] - width(cell));
			pc_buf_adds(&line, cell);
			if (!right)
				pad(&line, widths[c] - width(cell));
		}
		while (line.len && line.ptr[line.len - 1] == ' ')
			line.len--;
		pc_buf_add(out, line.ptr, line.len);
		pc_buf_addch(out, '\n');
		pc_buf_release(&line);
	}
	pc_strlist_release(&t->cells);
}

/* A markdown cell: '|' escaped, so a name cannot add a column. */
static void md_cell(struct pc_buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '`' || *s == '*' || *s == '_' || *s == '<' ||
		    *s == '[' || *s == ']')
			pc_buf_addch(out, '\\');
		pc_buf_addch(out, *s);
	}
}

void sr_table_markdown(struct pc_buf *out, struct sr_table *t)
{
	size_t rows = t->cells.n / t->ncolumns;

	assert(t->cells.n % t->ncolumns == 0);
	for (size_t r = 0; r < rows; r++) {
		pc_buf_addch(out, '|');
		for (size_t c = 0; c < t->ncolumns; c++) {
			pc_buf_addch(out, ' ');
			md_cell(out, t->cells.items[r * t->ncolumns + c]);
			pc_buf_adds(out, " |");
		}
		pc_buf_addch(out, '\n');
		if (r == 0) {
			pc_buf_addch(out, '|');
			for (size_t c = 0; c < t->ncolumns; c++)
				pc_buf_adds(out, t->numeric[c] ? " ---: |" : " --- |");
			pc_buf_addch(out, '\n');
		}
	}
	pc_strlist_release(&t->cells);
}

/* The report's tables ------------------------------------------------------ */

void sr_budgets_table(struct sr_table *t, const struct pc_spend_report *report, bool use_cases)
{
	static const char *const head_teams[] = { "team", "limit", "budget", "warn at",
						  "period cost", "share", "month to date",
						  "month end (projected)", "status" };
	static const char *const head_use_cases[] = { "use case", "team", "limit", "budget",
						      "warn at", "period cost", "share",
						      "month to date", "month end (projected)",
						      "status" };
	const struct pc_sr_budget *b = use_cases ? report->use_cases : report->teams;
	size_t n = use_cases ? report->nuse_cases : report->nteams;

	if (use_cases)
		sr_table_init(t, head_use_cases, "lllrrrrrrl");
	else
		sr_table_init(t, head_teams, "llrrrrrrl");
	for (size_t i = 0; i < n; i++) {
		struct pc_buf warn = PC_BUF_INIT;

		sr_cell(t, b[i].id);
		if (use_cases)
			sr_cell(t, b[i].team);
		sr_cell(t, sr_limit(&b[i]));
		if (b[i].has_budget)
			sr_cell_money(t, report, b[i].budget_micros, false);
		else
			sr_cell(t, "-");
		if (b[i].has_budget && b[i].has_warn_at)
			sr_target(&warn, b[i].warn_at_ppm);
		else
			pc_buf_adds(&warn, "-");
		sr_cell_buf(t, &warn);
		sr_cell_money(t, report, b[i].cost_micros, false);
		sr_cell_percent(t, b[i].share, false);
		sr_cell_money(t, report, b[i].month_to_date_micros, false);
		sr_cell_money(t, report, b[i].projected_month_end_micros, false);
		sr_cell(t, pc_sr_status_name(b[i].status));
	}
}

void sr_templates_table(struct sr_table *t, const struct pc_spend_report *report)
{
	static const char *const head[] = { "template", "use case", "model", "calls",
					    "tokens/call", "cost/1k calls", "cost", "share",
					    "previous period", "change" };

	sr_table_init(t, head, "lllrrrrrrr");
	for (size_t i = 0; i < report->ntemplates; i++) {
		const struct pc_sr_template *r = &report->templates[i];
		struct pc_buf b = PC_BUF_INIT;

		sr_cell(t, sr_name(r->id));
		sr_cell(t, r->use_case);
		sr_cell(t, r->model);
		sr_cell_count(t, r->calls);
		sr_quotient(&b, r->tokens_per_call);
		sr_cell_buf(t, &b);
		sr_cost_per_1000(&b, report, r->cost_per_call);
		sr_cell_buf(t, &b);
		sr_cell_money(t, report, r->cost_micros, false);
		sr_cell_percent(t, r->share, false);
		if (r->has_previous)
			sr_cell_money(t, report, r->previous_cost_micros, false);
		else
			sr_cell(t, "n/a");
		sr_cell_percent(t, r->change, true);
	}
}

void sr_versions_table(struct sr_table *t, const struct pc_spend_report *report)
{
	static const char *const head[] = { "template", "version", "commit", "first recorded",
					    "last recorded", "calls", "cost" };

	sr_table_init(t, head, "lllllrr");
	for (size_t i = 0; i < report->ntemplates; i++) {
		const struct pc_sr_template *r = &report->templates[i];

		for (size_t j = 0; j < r->nversions; j++) {
			const struct pc_sr_version *v = &r->versions[j];
			char first[11], last[11], commit[8];

			sr_day(first, v->first_day);
			sr_day(last, v->last_day);
			sr_cell(t, sr_name(r->id));
			sr_cell(t, v->version ? v->version : "(none recorded)");
			sr_cell(t, sr_short(commit, v->commit));
			sr_cell(t, first);
			sr_cell(t, last);
			sr_cell_count(t, v->calls);
			sr_cell_money(t, report, v->cost_micros, false);
		}
	}
}

void sr_spikes_table(struct sr_table *t, const struct pc_spend_report *report)
{
	static const char *const head[] = { "day", "template", "cost", "baseline", "calls",
					    "baseline calls", "cause", "version", "commit",
					    "tokens" };

	sr_table_init(t, head, "llrrrrlllr");
	for (size_t i = 0; i < report->nspikes; i++) {
		const struct pc_sr_spike *s = &report->spikes[i];
		char day[11], commit[8];
		struct pc_buf tokens = PC_BUF_INIT;

		sr_day(day, s->day);
		sr_cell(t, day);
		sr_cell(t, s->template);
		sr_cell_money(t, report, s->cost_micros, false);
		sr_cell_money(t, report, s->baseline_micros, false);
		sr_cell_count(t, s->calls);
		sr_cell_count(t, s->baseline_calls);
		sr_cell(t, pc_sr_cause_name(s->cause));
		sr_cell(t, s->version);
		sr_cell(t, sr_short(commit, s->commit.id));
		if (s->commit.has_delta_tokens)
			pc_count_format(&tokens, s->commit.delta_tokens, true);
		else
			pc_buf_adds(&tokens, "-");
		sr_cell_buf(t, &tokens);
	}
}

void sr_forecasts_table(struct sr_table *t, const struct pc_spend_report *report)
{
	static const char *const head[] = { "template", "commit", "live", "projected/month",
					    "before/day", "after/day", "observed/month",
					    "error" };

	sr_table_init(t, head, "lllrrrrr");
	for (size_t i = 0; i < report->nforecasts; i++) {
		const struct pc_sr_forecast *f = &report->forecasts[i];
		char day[11], commit[8];

		sr_day(day, f->live_day);
		sr_cell(t, f->template);
		sr_cell(t, sr_short(commit, f->commit.id));
		sr_cell(t, day);
		sr_cell_money(t, report, f->projected_monthly_delta_micros, true);
		sr_cell_money(t, report, f->before_daily_micros, false);
		sr_cell_money(t, report, f->after_daily_micros, false);
		sr_cell_money(t, report, f->observed_monthly_delta_micros, true);
		sr_cell_percent(t, f->error, true);
	}
}

static void target_cell(struct sr_table *t, bool has, int64_t ppm)
{
	struct pc_buf b = PC_BUF_INIT;

	if (has)
		sr_target(&b, ppm);
	else
		pc_buf_adds(&b, "-");
	sr_cell_buf(t, &b);
}

void sr_cache_use_cases_table(struct sr_table *t, const struct pc_spend_report *report)
{
	static const char *const head[] = { "use case", "calls", "cache hits", "hit rate",
					    "target", "saving at target/month (projected)" };

	sr_table_init(t, head, "lrrrrr");
	for (size_t i = 0; i < report->nuse_cases; i++) {
		const struct pc_sr_budget *u = &report->use_cases[i];

		sr_cell(t, u->id);
		sr_cell_count(t, u->calls);
		sr_cell_count(t, u->response_cache_hits);
		sr_cell_percent(t, u->cache_hit_rate, false);
		target_cell(t, u->has_cache_hit_target, u->cache_hit_target_ppm);
		sr_cell_money(t, report, u->cache_target_saving_micros, false);
	}
}

void sr_cache_templates_table(struct sr_table *t, const struct pc_spend_report *report)
{
	static const char *const head[] = { "template", "calls", "cache hits", "hit rate",
					    "target", "prompt cache (cached/input)" };

	sr_table_init(t, head, "lrrrrr");
	for (size_t i = 0; i < report->ntemplates; i++) {
		const struct pc_sr_template *r = &report->templates[i];

		sr_cell(t, sr_name(r->id));
		sr_cell_count(t, r->calls);
		sr_cell_count(t, r->response_cache_hits);
		sr_cell_percent(t, r->cache_hit_rate, false);
		target_cell(t, r->has_cache_hit_target, r->cache_hit_target_ppm);
		sr_cell_percent(t, r->prompt_cache_share, false);
	}
}

void sr_reservations_table(struct sr_table *t, const struct pc_spend_report *report)
{
	static const char *const head[] = { "reservation", "model", "units", "price/unit/hour",
					    "commitment", "utilization", "peak", "peak hour",
					    "idle", "spill-over", "on demand equivalent" };

	sr_table_init(t, head, "llrrrrrlrrr");
	for (size_t i = 0; i < report->nreservations; i++) {
		const struct pc_sr_reservation *v = &report->reservations[i];
		char hour[24];

		sr_hour(hour, v->peak_hour);
		sr_cell(t, v->id);
		sr_cell(t, v->model);
		sr_cell_count(t, v->units);
		sr_cell_money(t, report, v->unit_price_per_hour_micros, false);
		sr_cell_money(t, report, v->commitment_micros, false);
		sr_cell_percent(t, v->utilization, false);
		sr_cell_percent(t, v->peak_utilization, false);
		sr_cell(t, v->peak_utilization.num ? hour : "-");
		sr_cell_money(t, report, v->idle_micros, false);
		sr_cell_money(t, report, v->spillover_micros, false);
		sr_cell_money(t, report, v->on_demand_equivalent_micros, false);
	}
}

void sr_shares_table(struct sr_table *t, const struct pc_spend_report *report)
{
	static const char *const head[] = { "reservation", "use case", "equivalents", "share",
					    "commitment shown back" };

	sr_table_init(t, head, "llrrr");
	for (size_t i = 0; i < report->nreservations; i++) {
		const struct pc_sr_reservation *v = &report->reservations[i];

		for (size_t j = 0; j < v->nshares; j++) {
			sr_cell(t, v->id);
			sr_cell(t, sr_name(v->shares[j].use_case));
			sr_cell_count(t, v->shares[j].equivalents);
			sr_cell_percent(t, v->shares[j].share, false);
			sr_cell_money(t, report, v->shares[j].commitment_share_micros, false);
		}
	}
}
