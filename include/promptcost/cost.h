/*
 * The cost stage: the DESIGN.md cost model in integer micro-units, with the
 * intermediate products in 128 bits and an error (not a wrapped number) when a
 * result does not fit.
 */
#ifndef PROMPTCOST_COST_H
#define PROMPTCOST_COST_H

#include "promptcost/config.h"
#include "promptcost/report.h"

/*
 * The cost of one template over `days` days, in micro-units, rounded half
 * away from zero:
 *   billable_calls = calls_per_day * (1 - cache_hit_rate) * days
 *   input  = tokens * billable_calls * (input price, cached share at the cached price)
 *   output = output_tokens_per_call * billable_calls * output price
 * PC_EINTERNAL when the result does not fit in int64_t.
 */
int pc_cost_compute(int64_t *out, const struct pc_model *model,
		    const struct pc_template_config *volume, int64_t tokens, int64_t days);

/* Fills every template's costs and deltas, and the report's total delta. */
int pc_cost_report(struct pc_report *report);

#endif
