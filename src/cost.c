/*
 * The cost stage: each side of each template becomes a projected spend line
 * (its tokens at its volume over the month, and over one day), priced by
 * the one pricing stage (src/spend/spend.c). Products are formed in 128 bits
 * and divided once, so the only rounding is the final one, half away from
 * zero.
 */
#include "promptcost/cost.h"

#include "promptcost/money.h"
#include "promptcost/spend.h"

#include <stdlib.h>
#include <string.h>

static int project(int64_t *out, const struct pc_model *model, const struct pc_volume *volume,
		   int64_t tokens, int64_t days, const char *id)
{
	struct pc_spend_qty qty;
	int error;

	if ((error = pc_spend_project(&qty, volume, tokens, days)) < 0)
		return pc_error_set(PC_EINTERNAL, "the cost of template '%s' is too large to compute",
				    id);
	return pc_spend_cost(out, model, &qty, id);
}

int pc_cost_compute(int64_t *out, const struct pc_model *model,
		    const struct pc_template_config *volume, int64_t tokens, int64_t days)
{
	struct pc_volume v;

	pc_volume_configured(&v, volume);
	return project(out, model, &v, tokens, days, volume->id);
}

/*
 * The side's month as a projected spend line at the template's volume, priced,
 * and its day. An absent side is a line of nothing.
 */
static int side_cost(struct pc_spend_line *line, struct pc_template_side *side,
		     const struct pc_template_report *t, int64_t days)
{
	int error;

	*line = (struct pc_spend_line){ .kind = PC_SPEND_PROJECTED, .template = t->id,
					.team = t->team, .use_case = t->use_case, .day = -1,
					.model = side->model, .qty = { .per = 1 } };
	if (!side->present) {
		side->cost_micros = side->cost_per_day_micros = 0;
		return 0;
	}
	if ((error = pc_spend_project(&line->qty, &t->rate, side->tokens, days)) < 0)
		return pc_error_set(PC_EINTERNAL, "the cost of template '%s' is too large to compute",
				    t->id);
	if ((error = pc_spend_price(line, 1)) < 0)
		return error;
	side->cost_micros = line->cost_micros;
	return project(&side->cost_per_day_micros, side->model, &t->rate, side->tokens, 1, t->id);
}

int pc_cost_report(struct pc_report *report)
{
	int64_t days = report->config->days_per_month;
	int error;

	report->monthly_delta_micros = report->daily_delta_micros = 0;
	free(report->lines_before);
	free(report->lines_after);
	/* every line is written below: no zeroing first (400 KB for 1,000 templates) */
	report->lines_before = pc_xmalloc((report->ntemplates + 1) * sizeof(*report->lines_before));
	report->lines_after = pc_xmalloc((report->ntemplates + 1) * sizeof(*report->lines_after));
	memset(&report->lines_before[report->ntemplates], 0, sizeof(*report->lines_before));
	memset(&report->lines_after[report->ntemplates], 0, sizeof(*report->lines_after));
	for (size_t i = 0; i < report->ntemplates; i++) {
		struct pc_template_report *t = &report->templates[i];

		if (t->rate.days == 0)
			pc_volume_configured(&t->rate, t->volume);
		if ((error = side_cost(&report->lines_before[i], &t->before, t, days)) < 0)
			return error;
		/*
		 * The same model, tokens and presence on both sides (an unchanged
		 * template's) is the same line: priced once. Everything else a
		 * line holds is the template's own.
		 */
		if (t->after.present == t->before.present && t->after.model == t->before.model &&
		    t->after.tokens == t->before.tokens) {
			report->lines_after[i] = report->lines_before[i];
			t->after.cost_micros = t->before.cost_micros;
			t->after.cost_per_day_micros = t->before.cost_per_day_micros;
		} else if ((error = side_cost(&report->lines_after[i], &t->after, t, days)) < 0) {
			return error;
		}
		t->monthly_delta_micros = t->after.cost_micros - t->before.cost_micros;
		t->daily_delta_micros = t->after.cost_per_day_micros - t->before.cost_per_day_micros;
		if (__builtin_add_overflow(report->monthly_delta_micros, t->monthly_delta_micros,
					   &report->monthly_delta_micros) ||
		    __builtin_add_overflow(report->daily_delta_micros, t->daily_delta_micros,
					   &report->daily_delta_micros))
			return pc_error_set(PC_EINTERNAL, "the total monthly delta is too large");
	}
	return 0;
}
