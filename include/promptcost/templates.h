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
 * Fills report->templates from the two sides. world_config (the base
 * revision's tip), base_config (the merge base) and head_config are the
 * configurations read at each side; any may be NULL, not all. Prices,
 * volumes, team and use case come from the world, else the base (DESIGN.md:
 * the base describes the world as it is now). The base side's files are what
 * the base's and the world's globs match there; the head side's what those
 * and the head's globs match at the head, with git's renames followed, so the
 * head cannot point a template at a smaller file. A template the head's
 * configuration drops is judged as the base sees it while its files remain.
 * Input errors (PC_EINPUT): a glob the change introduces that matches nothing
 * on either side or names a directory (with its file:line:col); while the
 * head lists a template, a file of it that is gone from the head (not
 * renamed), or that is binary, a submodule or a Git LFS pointer there;
 * invalid UTF-8 in the head's text. A glob of the base that matches nothing
 * is a warning.
 */
int pc_templates_collect(struct pc_report *report, struct pc_repo *repo, struct pc_side *base,
			 struct pc_side *head, const struct pc_config *world_config,
			 const struct pc_config *base_config, const struct pc_config *head_config,
			 const bool *visit, bool by_path);
/*
 * With visit (quiet.h: only when the three configurations are one object
 * and it has no family), only the templates i of that configuration with
 * visit[i] are collected, and only their folders listed; NULL collects
 * every template. With by_path too (the caller knows that no file under
 * the globs' folders is gone or changed kind between the sides, so no
 * rename can be followed), a glob that names one file is looked up by its
 * path instead of listing its folder: a check of 50 changed templates of
 * 10,000 lists 50 files, not 20,000.
 *
 * The folders every glob of configs lies in (sorted, none inside another,
 * as pc_side_files takes them), appended to out, with the path itself of a
 * glob that names one file at the root ("top.md"); false when some glob
 * has neither ("*.md"): then every file of a side is a candidate.
 */
bool pc_templates_folders(struct pc_strlist *out, const struct pc_config *const configs[3]);

/*
 * The tokens stage: counts tokens before and after, and of the added and
 * removed lines, for every template in the report, exactly or (for an
 * approximate model) as a labelled estimate.
 */
void pc_templates_count_tokens(struct pc_report *report);

#endif
