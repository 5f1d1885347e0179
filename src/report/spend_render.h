/*
 * Words and numbers shared by the spend report's text, markdown and JSON
 * renderers (spend_text.c, spend_markdown.c, spend_json.c): formatting only,
 * never a figure the report does not hold. Private to src/report/.
 */
#ifndef PROMPTCOST_REPORT_SPEND_RENDER_H
#define PROMPTCOST_REPORT_SPEND_RENDER_H

#include "promptcost/spend_report.h"

/* "$1,234.56" (USD) or "1,234.56 EUR"; with sign, "+$10.00". */
void sr_money(struct pc_buf *out, const struct pc_spend_report *report, int64_t micros,
	      bool sign);
/* "38.0%", or "n/a" when the ratio is undefined; with sign, "+19.2%". */
void sr_percent(struct pc_buf *out, struct pc_ratio ratio, bool sign);
/* A ppm target as "55.0%". */
void sr_target(struct pc_buf *out, int64_t ppm);
/* num / den rounded half away from zero to a whole number with thousands separators, or "n/a". */
void sr_quotient(struct pc_buf *out, struct pc_ratio ratio);
/* The cost of 1,000 calls (micros x 1000 / calls) as money, or "n/a" with no calls. */
void sr_cost_per_1000(struct pc_buf *out, const struct pc_spend_report *report,
		      struct pc_ratio cost_per_call);
/* A day as "YYYY-MM-DD" into out[11]. */
void sr_day(char out[11], int64_t day);
/* An hour as "YYYY-MM-DDTHH:00Z" into out[24]. */
void sr_hour(char out[24], int64_t hour);
/* A commit id's first 7 characters, or "-". */
const char *sr_short(char out[8], const char *commit);
/* "hard", "soft", or "-" without a budget. */
const char *sr_limit(const struct pc_sr_budget *b);
/* "on-demand", "spill-over", "commitment-use", "commitment-idle", "purchase". */
const char *sr_charge_kind_name(enum pc_sr_charge_kind kind);
/* The period's label: "2026-11-01 to 2026-11-02 (2 days)". */
void sr_period(struct pc_buf *out, const struct pc_spend_report *report);


/*
 * A table of cells, filled one cell at a time (a row is complete after
 * ncolumns cells), rendered aligned for a terminal or as a markdown table.
 * Cells are copied; names from the configuration or the records are printed
 * with control characters made visible.
 */
#define SR_MAX_COLUMNS 16
struct sr_table {
	size_t ncolumns;
	bool numeric[SR_MAX_COLUMNS];   /* right-aligned */
	struct pc_strlist cells;        /* row-major, the head first */
};
/* head: ncolumns names; align: one letter a column, 'l' or 'r'. */
void sr_table_init(struct sr_table *t, const char *const *head, const char *align);
bool sr_table_has_rows(const struct sr_table *t);
void sr_cell(struct sr_table *t, const char *s);        /* NULL: "-" */
void sr_cell_money(struct sr_table *t, const struct pc_spend_report *report, int64_t micros,
		   bool sign);
void sr_cell_percent(struct sr_table *t, struct pc_ratio ratio, bool sign);
void sr_cell_count(struct sr_table *t, int64_t n);
void sr_cell_buf(struct sr_table *t, struct pc_buf *b);  /* takes b's text, releases b */
/* Renders and releases the table. */
void sr_table_text(struct pc_buf *out, struct sr_table *t);
void sr_table_markdown(struct pc_buf *out, struct sr_table *t);

/*
 * The report's tables, the same in text and markdown (the renderers add the
 * headings and notes). Each fills t (initialised here).
 */
void sr_budgets_table(struct sr_table *t, const struct pc_spend_report *report, bool use_cases);
void sr_templates_table(struct sr_table *t, const struct pc_spend_report *report);
void sr_versions_table(struct sr_table *t, const struct pc_spend_report *report);
void sr_spikes_table(struct sr_table *t, const struct pc_spend_report *report);
void sr_forecasts_table(struct sr_table *t, const struct pc_spend_report *report);
void sr_cache_use_cases_table(struct sr_table *t, const struct pc_spend_report *report);
void sr_cache_templates_table(struct sr_table *t, const struct pc_spend_report *report);
void sr_reservations_table(struct sr_table *t, const struct pc_spend_report *report);
void sr_shares_table(struct sr_table *t, const struct pc_spend_report *report);

/* id, or "(unattributed)" for a NULL template or use case. */
const char *sr_name(const char *id);

#endif
