/*
 * Approvals of cost events, kept in `.promptcost/approvals.yml`: each entry
 * binds an approver to a template's exact content (git blob ids of its
 * files) and to a monthly delta that later changes may not exceed.
 */
#ifndef PROMPTCOST_APPROVALS_H
#define PROMPTCOST_APPROVALS_H

#include "promptcost/common.h"
#include "promptcost/config.h"
#include "promptcost/report.h"

#define PC_APPROVALS_PATH ".promptcost/approvals.yml"

struct pc_approval {
	char *template_id;
	struct pc_side_file *files;     /* path and blob id, sorted by path */
	size_t nfiles;
	int64_t monthly_delta_micros;   /* the largest delta approved */
	char *approved_by;
	char *approved_at;              /* UTC, "2026-11-29T16:00:00Z" */
	char *reason;                   /* may be NULL */
	struct pc_pos pos;
};

struct pc_approvals {
	struct pc_approval *items;
	size_t n;
	size_t cap;
};

/*
 * Parses the approvals file (YAML; the parser lives in config.c, the only
 * user of libyaml). PC_EINPUT with "path:line:col: ..." when malformed.
 * out is filled; release it with pc_approvals_release.
 */
int pc_approvals_parse(struct pc_approvals *out, const char *path, const char *text, size_t len);

/* Renders the approvals as the YAML text of the file, appended to out. */
void pc_approvals_render(struct pc_buf *out, const struct pc_approvals *approvals);

/* Appends an entry (copied) for a template of the report approved by `by`. */
void pc_approvals_add(struct pc_approvals *approvals, const struct pc_template_report *t,
		      const char *by, const char *approved_at, const char *reason);

/* Removes every entry for a template (a new approval supersedes them). */
void pc_approvals_remove(struct pc_approvals *approvals, const char *template_id);

void pc_approvals_release(struct pc_approvals *approvals);

#endif
