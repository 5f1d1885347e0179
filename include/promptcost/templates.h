/*
 * The templates stage: which files make up each configured template on each
 * side of the comparison, their texts, what kind of change each template
 * underwent, and the line diff of its text. Fills the report model.
 */
#ifndef PROMPTCOST_TEMPLATES_H
#define PROMPTCOST_TEMPLATES_H

#include "promptcost/config.h"
#include "promptcost/git.h"
#include "promptcost/report.h"

/* A template file larger than this is an input error, not a prompt. */
#define PC_TEMPLATE_MAX_BYTES (8 * 1024 * 1024)

/*
 * Fills report->templates from the two sides. base_config and head_config are
 * the configurations read at each side (either may be NULL, not both); each
 * side's files are matched with that side's globs for the template (the other
 * side's when the template is configured on one side only). Prices, volumes,
 * team and use case come from the base configuration when it has the template
 * (DESIGN.md: the base describes the world). Errors: a glob that matches
 * nothing on either side or names a directory (PC_EINPUT with the glob's
 * file:line:col), a file that cannot be read, invalid UTF-8 in the head's text.
 */
int pc_templates_collect(struct pc_report *report, struct pc_repo *repo, struct pc_side *base,
			 struct pc_side *head, const struct pc_config *base_config,
			 const struct pc_config *head_config);

/*
 * The tokens stage: counts tokens before and after, and of the added and
 * removed lines, for every template in the report, exactly or (for an
 * approximate model) as a labelled estimate.
 */
void pc_templates_count_tokens(struct pc_report *report);

#endif
