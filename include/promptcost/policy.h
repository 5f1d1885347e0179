/*
 * The policy stage: team and use-case budgets before and after the change,
 * cost events and their approvals, and the verdict with its reasons.
 */
#ifndef PROMPTCOST_POLICY_H
#define PROMPTCOST_POLICY_H

#include "promptcost/approvals.h"
#include "promptcost/report.h"

/*
 * Judges the report against report->config (the base's): fills teams,
 * use cases, every template's cost-event flag, approval, verdict, reasons
 * and findings (each reason is the words of one or more findings), and the
 * overall verdict (also the last of report->findings). approvals may be NULL; verified holds identities
 * approved elsewhere (check --approved-by), which count when the base policy
 * lists them. A template is a cost event when its increase, or the sum of
 * all the report's increases, reaches a threshold, and, unless the head's
 * configuration is the only one (config_from_head), whenever it is priced by
 * a model report->config does not define or is a template report->config
 * does not configure, unless it has no text and no output (those are also
 * added to report->pending). Returns 0, or PC_EINTERNAL when a sum overflows.
 */
int pc_policy_judge(struct pc_report *report, const struct pc_approvals *approvals,
		    const struct pc_strlist *verified);

#endif
