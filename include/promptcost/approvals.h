/*
 * Approvals of cost events, kept in `.promptcost/approvals.yml`: each entry
 * binds an approver to a template's exact content (git blob ids of its
 * files) and to a monthly delta that later changes may not exceed, and is
 * signed by the approver (ssh-keygen -Y sign -n promptcost-approval) over
 * its canonical payload:
 *
 *     promptcost-approval v1
 *     template document-summarization
 *     file 3b18e512dba79e4c8300dd08aeb37f8e728b8dad prompts/summarize/system.md
 *     monthly_delta 2160.00
 *     approved_by release-manager@agency.gov
 *     approved_at 2026-11-29T16:00:00Z
 *     reason budgeted in Q4
 *
 * One field per line, each line "name value", ending in a line break; one
 * `file` line per file, sorted by path (byte order), blob id first; the
 * `reason` line only when the entry has a reason. In values a backslash is
 * written "\\" and a byte below 0x20 or 0x7f "\xHH", so that no value can
 * add a line. monthly_delta is the exact amount: two decimals, more only
 * where the amount has them (2160.00, 0.015).
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
	char *signature;                /* the armored SSH signature; NULL: unsigned */
	struct pc_pos pos;
};

struct pc_approvals {
	struct pc_approval *items;
	size_t n;
	size_t cap;
};

/*
 * Parses the approvals file (YAML, read with yaml.h). PC_EINPUT with
 * "path:line:col: ..." when malformed.
 * out is filled; release it with pc_approvals_release.
 */
int pc_approvals_parse(struct pc_approvals *out, const char *path, const char *text, size_t len);

/* Renders the approvals as the YAML text of the file, appended to out. */
void pc_approvals_render(struct pc_buf *out, const struct pc_approvals *approvals);

/*
 * Appends an unsigned entry (copied) for a template of the report approved
 * by `by`, and returns 0. Refuses (PC_EINPUT, nothing appended) what the
 * file cannot hold: text that is not valid UTF-8, an empty template id,
 * path, approver or time.
 */
int pc_approvals_add(struct pc_approvals *approvals, const struct pc_template_report *t,
		     const char *by, const char *approved_at, const char *reason);

/* The canonical payload of an entry, the text its signature signs, appended to out. */
void pc_approval_payload(struct pc_buf *out, const struct pc_approval *a);

/*
 * True when text is an armored SSH signature exactly as ssh-keygen writes
 * it: the begin line, lines of base64, the end line, one final line break.
 * Only such text is read or written as an entry's `signature`.
 */
bool pc_approval_signature_is_armored(const char *text);

/* Sets an entry's signature (copied); PC_EINPUT when it is not armored. */
int pc_approval_set_signature(struct pc_approval *a, const char *armored);

/* Removes every entry for a template (a new approval supersedes them). */
void pc_approvals_remove(struct pc_approvals *approvals, const char *template_id);

void pc_approvals_release(struct pc_approvals *approvals);

/*
 * What an approval binds to on a side: the template's files and every
 * partial its text includes (a partial is part of the prompt sent), each as
 * (path, blob id), sorted by path, into *out (the caller frees the array;
 * the paths are borrowed from side). Returns how many.
 */
size_t pc_approval_content(struct pc_side_file **out, const struct pc_template_side *side);

#endif
