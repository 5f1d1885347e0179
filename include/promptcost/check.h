/*
 * One evaluation of a change, the whole pipeline in order: the repository's
 * two sides, their configurations (the base describes the world), the
 * templates and their tokens, the cost, the approvals and the verdict. Used
 * by `check` and by `approve`, which must see exactly the same comparison.
 */
#ifndef PROMPTCOST_CHECK_H
#define PROMPTCOST_CHECK_H

#include "promptcost/approvals.h"
#include "promptcost/config.h"
#include "promptcost/git.h"
#include "promptcost/quiet.h"
#include "promptcost/report.h"
#include "promptcost/volumes.h"

struct pc_check_options {
	const char *repo_path;          /* NULL: the current directory */
	enum pc_compare_mode mode;
	const char *base_rev;           /* PC_COMPARE_RANGE only */
	const char *head_rev;           /* PC_COMPARE_RANGE only; NULL: HEAD */
	const char *config_path;        /* NULL: .promptcost.yml at the root, read at each side;
					 * else relative to the current directory: inside the
					 * repository it is read at each side, outside it serves
					 * every side */
	const struct pc_strlist *verified; /* identities approved elsewhere (--approved-by) */
	bool no_cache;                  /* --no-cache: count every template, keep no counts */
	/*
	 * The caller renders no report that lists every template (JSON): the
	 * templates a change does not touch may be priced from the
	 * quiet-template snapshot (quiet.h) instead of collected.
	 */
	bool quiet;
};

/* Everything one evaluation owns; the report points into the configs. */
struct pc_check {
	struct pc_repo *repo;
	struct pc_side *base;           /* whose template texts are compared (the merge base) */
	struct pc_side *head;
	struct pc_side *world;          /* whose configuration judges (the base revision's tip) */
	struct pc_config *world_config; /* NULL when the world has none */
	struct pc_config *base_config;  /* NULL when the base has none; world_config itself
					 * when both have the same file */
	struct pc_config *head_config;  /* NULL when the head has none; base_config or
					 * world_config itself when it has the same file */
	bool allow_unconfigured;        /* set by the caller before running: no configuration on
					 * any side is then a success with unconfigured set */
	bool unconfigured;              /* no configuration on any side (allow_unconfigured):
					 * the report is empty, unconfigured_note says why */
	char *unconfigured_note;
	struct pc_volumes *volumes;     /* .promptcost/volumes.yml of the world side, or NULL */
	struct pc_approvals approvals;  /* read from the head side */
	struct pc_report report;
	struct pc_cache *cache;         /* <git-common-dir>/promptcost/tokens.cache, or NULL */
	char *cache_dir;                /* <git-common-dir>/promptcost, or NULL: no caches */
	/* the blob id and path of the one configuration every side shares, or "" and NULL */
	char config_oid[PC_OID_HEXSZ + 1];
	char *config_path;
	/*
	 * The quiet-template snapshot of this run: quiet.h applies when
	 * quiet.visit is set; with quiet.loaded (read from a snapshot), the
	 * configuration is read reduced to the templates the run visits.
	 */
	struct pc_quiet quiet;
	bool quiet_write;       /* no snapshot of this key: the run writes one */
	struct pc_buf quiet_key;
	char base_tree[PC_OID_HEXSZ + 1];
};

/*
 * Runs the pipeline. On success check->report holds the judged report. On
 * error returns a PC_E code (the message is set); check must be released
 * either way with pc_check_release.
 */
int pc_check_run(struct pc_check *check, const struct pc_check_options *options);
void pc_check_release(struct pc_check *check);

#endif
