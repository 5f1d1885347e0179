/*
 * The text report: aligned tables for a terminal (the pre-commit hook, a
 * developer's shell), with colour only when the caller asks for it.
 */
#include "promptcost/report.h"

#include "promptcost/money.h"

#include <stdlib.h>
#include <string.h>

#define MAX_COLUMNS 12

/* A table of text cells; columns flagged numeric are right-aligned. */
struct table {
	size_t ncolumns;
	bool numeric[MAX_COLUMNS];
	struct pc_strlist cells; /* row-major */
};

static void table_row(struct table *t, const char *const *cells)
{
	for (size_t c = 0; c < t->ncolumns; c++) {
		struct pc_buf cell = PC_BUF_INIT;

		/* names and ids come from the head: never a raw control character */
		pc_buf_add_visible(&cell, cells[c] ? cells[c] : "");
		pc_strlist_push(&t->cells, cell.ptr);
		pc_buf_release(&cell);
	}
}

/* Display width: code points, not bytes (the ≈ sign is three bytes, one column). */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

static void table_render(struct pc_buf *out, struct table *t)
{
	size_t widths[MAX_COLUMNS] = { 0 };
	size_t rows = t->cells.n / t->ncolumns;

	for (size_t i = 0; i < t->cells.n; i++) {
		size_t w = width(t->cells.items[i]);

		if (w > widths[i % t->ncolumns])
			widths[i % t->ncolumns] = w;
	}
	for (size_t r = 0; r < rows; r++) {
		struct pc_buf line = PC_BUF_INIT;

		for (size_t c = 0; c < t->ncolumns; c++) {
			const char *cell = t->cells.items[r * t->ncolumns + c];
			size_t pad = widths[c] - width(cell);

			if (c)
				pc_buf_adds(&line, "  ");
			if (t->numeric[c] && r > 0)
				for (size_t k = 0; k < pad; k++)
					pc_buf_addch(&line, ' ');
			pc_buf_adds(&line, cell);
			if (!(t->numeric[c] && r > 0))
				for (size_t k = 0; k < pad; k++)
					pc_buf_addch(&line, ' ');
		}
		while (line.len && line.ptr[line.len - 1] == ' ')
			line.len--;
		pc_buf_add(out, line.ptr, line.len);
		pc_buf_addch(out, '\n');
		pc_buf_release(&line);
	}
	pc_strlist_release(&t->cells);
}

static const char *colour(enum pc_verdict v)
{
	static const char *const codes[] = { "\033[32m", "\033[33m", "\033[1;31m" };

	return codes[v];
}

static char *count_cell(int64_t n, bool exact, bool sign)
{
	struct pc_buf b = PC_BUF_INIT;

	if (!exact)
		pc_buf_adds(&b, "≈");
	pc_count_format(&b, n, sign);
	return pc_buf_detach(&b, NULL);
}

static char *money_cell(const struct pc_report *report, int64_t micros, bool sign)
{
	struct pc_buf b = PC_BUF_INIT;

	pc_report_money_display(&b, report->config, micros, sign);
	return pc_buf_detach(&b, NULL);
}

/* Where each shown template's calls/day comes from: recorded, or a configured estimate. */
static void volumes(struct pc_buf *out, const struct pc_report *report)
{
	bool any = false;

	for (size_t i = 0; i < report->ntemplates; i++) {
		const struct pc_template_report *r = &report->templates[i];

		if (r->change == PC_CHANGE_UNCHANGED)
			continue;
		pc_buf_adds(out, any ? "  " : "\nvolumes:\n  ");
		any = true;
		pc_buf_add_visible(out, r->id);
		pc_buf_adds(out, ": ");
		pc_report_volume_source(out, r);
		pc_buf_addch(out, '\n');
	}
}

static void templates_table(struct pc_buf *out, const struct pc_report *report)
{
	static const char *const head[] = { "template", "change", "model", "tokens before",
					    "after", "added", "removed", "calls/day",
					    "per day", "per month", "cost event", "verdict" };
	struct table t = { 12, { false, false, false, true, true, true, true, true, true, true,
				 false, false }, PC_STRLIST_INIT };

	size_t unchanged = report->nquiet; /* quiet ones are unchanged (report.h) */

	table_row(&t, head);
	for (size_t i = 0; i < report->ntemplates; i++) {
		const struct pc_template_report *r = &report->templates[i];
		const char *model = r->after.present ? r->after.model_name : r->before.model_name;
		char *cells[12] = { NULL };
		struct pc_buf calls = PC_BUF_INIT;

		/* an unchanged template still counts in its team's spend, but is not news */
		if (r->change == PC_CHANGE_UNCHANGED) {
			unchanged++;
			continue;
		}
		pc_count_format(&calls, pc_volume_calls_per_day(&r->rate), false);
		cells[0] = pc_xstrdup(r->id);
		cells[1] = pc_xstrdup(pc_change_name(r->change));
		cells[2] = pc_xstrdup(model);
		cells[3] = count_cell(r->before.tokens, r->exact, false);
		cells[4] = count_cell(r->after.tokens, r->exact, false);
		cells[5] = count_cell(r->tokens_added, r->exact, true);
		cells[6] = count_cell(-r->tokens_removed, r->exact, false);
		cells[7] = pc_buf_detach(&calls, NULL);
		cells[8] = money_cell(report, r->daily_delta_micros, true);
		cells[9] = money_cell(report, r->monthly_delta_micros, true);
		cells[10] = pc_xstrdup(r->cost_event ? (r->approved ? "approved" : "unapproved")
					 : r->monthly_delta_micros < 0 ? "saving" : "-");
		cells[11] = pc_xstrdup(pc_verdict_name(r->verdict));
		table_row(&t, (const char *const *)cells);
		for (size_t c = 0; c < 12; c++)
			free(cells[c]);
	}
	if (t.cells.n > t.ncolumns)
		table_render(out, &t);
	else
		pc_strlist_release(&t.cells);
	if (unchanged)
		pc_buf_addf(out, "%zu unchanged template%s not shown\n", unchanged,
			    unchanged == 1 ? "" : "s");
	volumes(out, report);
}

static void budgets_table(struct pc_buf *out, const struct pc_report *report,
			  const struct pc_budget_report *budgets, size_t n, const char *kind)
{
	const char *head[] = { kind, "limit", "budget", "spend before", "after", "used",
			       "status" };
	struct table t = { 7, { false, false, true, true, true, true, false }, PC_STRLIST_INIT };

	if (!n)
		return;
	table_row(&t, head);
	for (size_t i = 0; i < n; i++) {
		const struct pc_budget_report *b = &budgets[i];
		struct pc_buf used = PC_BUF_INIT;
		char *cells[7];

		pc_report_used(&used, b, true);
		cells[0] = pc_xstrdup(b->budget->name);
		cells[1] = pc_xstrdup(!b->budget->has_budget ? "-" :
				      b->budget->limit == PC_LIMIT_HARD ? "hard" : "soft");
		cells[2] = b->budget->has_budget
				   ? money_cell(report, b->budget->monthly_budget_micros, false)
				   : pc_xstrdup("-");
		cells[3] = money_cell(report, b->spend_before_micros, false);
		cells[4] = money_cell(report, b->spend_after_micros, false);
		cells[5] = pc_buf_detach(&used, NULL);
		cells[6] = pc_xstrdup(pc_status_name(b->status));
		table_row(&t, (const char *const *)cells);
		for (size_t c = 0; c < 7; c++)
			free(cells[c]);
	}
	pc_buf_addch(out, '\n');
	table_render(out, &t);
}

void pc_report_text(struct pc_buf *out, const struct pc_report *report,
		    const struct pc_render_options *options)
{
	bool any_reason = false;

	pc_buf_adds(out, "promptcost: ");
	pc_buf_add_visible(out, report->base_label);
	pc_buf_adds(out, " -> ");
	pc_buf_add_visible(out, report->head_label);
	pc_buf_addch(out, '\n');
	if (report->policy_commit &&
	    (!report->base_commit || strcmp(report->policy_commit, report->base_commit))) {
		pc_buf_adds(out, "policy: ");
		pc_buf_add_visible(out, report->policy_label);
		pc_buf_adds(out, " (prices, volumes, budgets and approvers)\n");
	}
	if (report->config_from_head)
		pc_buf_adds(out, "note: the base has no .promptcost.yml; using the head's "
				 "(first adoption)\n");
	pc_buf_addch(out, '\n');
	if (report->ntemplates || report->nquiet)
		templates_table(out, report);
	else
		pc_buf_adds(out, "no templates configured\n");
	for (size_t i = 0; i < report->ntemplates; i++) {
		const struct pc_template_report *r = &report->templates[i];

		for (size_t k = 0; k < r->reasons.n; k++) {
			if (!any_reason)
				pc_buf_addch(out, '\n');
			any_reason = true;
			pc_buf_adds(out, "  ");
			pc_buf_add_visible(out, r->id);
			pc_buf_adds(out, ": ");
			pc_buf_add_visible(out, r->reasons.items[k]);
			pc_buf_addch(out, '\n');
		}
		for (size_t k = 0; k < r->notes.n; k++) {
			if (!any_reason)
				pc_buf_addch(out, '\n');
			any_reason = true;
			pc_buf_adds(out, "  ");
			pc_buf_add_visible(out, r->id);
			pc_buf_adds(out, ": note: ");
			pc_buf_add_visible(out, r->notes.items[k]);
			pc_buf_addch(out, '\n');
		}
	}
	budgets_table(out, report, report->teams, report->nteams, "team");
	budgets_table(out, report, report->use_cases, report->nuse_cases, "use case");
	if (report->pending.n) {
		pc_buf_adds(out, "\ntakes effect after merge (not used for this verdict):\n");
		for (size_t i = 0; i < report->pending.n; i++) {
			pc_buf_adds(out, "  ");
			pc_buf_add_visible(out, report->pending.items[i]);
			pc_buf_addch(out, '\n');
		}
	}
	if (report->prices.n) {
		pc_buf_addf(out, "\nprices (catalog prices at %s):\n", report->price_date);
		for (size_t i = 0; i < report->prices.n; i++) {
			pc_buf_adds(out, "  ");
			pc_buf_add_visible(out, report->prices.items[i]);
			pc_buf_addch(out, '\n');
		}
	}
	for (size_t i = 0; i < report->skipped.n; i++) {
		pc_buf_addf(out, "%sskipped binary file: ", i ? "" : "\n");
		pc_buf_add_visible(out, report->skipped.items[i]);
		pc_buf_addch(out, '\n');
	}
	if (!report->exact)
		pc_buf_adds(out, "\n≈ marks estimated token counts (models without a public "
				 "tokenizer)\n");
	pc_buf_adds(out, "\n");
	{
		struct pc_buf total = PC_BUF_INIT, day = PC_BUF_INIT;

		pc_report_money_display(&total, report->config, report->monthly_delta_micros, true);
		pc_report_money_display(&day, report->config, report->daily_delta_micros, true);
		pc_buf_addf(out, "monthly delta: %s a month (%s a day)%s\n", total.ptr, day.ptr,
			    report->exact ? "" : ", estimated");
		pc_buf_release(&total);
		pc_buf_release(&day);
	}
	pc_buf_adds(out, "verdict: ");
	if (options->color)
		pc_buf_adds(out, colour(report->verdict));
	pc_buf_add_visible(out, report->verdict_reason);
	pc_buf_adds(out, options->color ? "\033[0m\n" : "\n");
}
