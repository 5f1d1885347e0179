/*
 * The quiet-template snapshot: what a check needs of the templates a change
 * does not touch, kept from an earlier run so that a check costs what the
 * change costs, not what the library costs.
 *
 * A template is quiet in a run when nothing about it can differ from the run
 * that wrote the snapshot: no path its globs match differs between the
 * snapshot's tree and the base, nor between the base and the head. Its row
 * is then unchanged (delta 0, no reason, no note), and all the reports need
 * of it is its month's spend (in its team's and use case's budgets), its
 * model (the order of the price notes) and one in "N unchanged templates
 * not shown". The snapshot holds exactly that, for every template of the
 * configuration that was *eligible* when it was written (eligible_row);
 * every other template is collected in full on every run. It also holds
 * what finds the quiet ones without the configuration: each template's
 * globs (those that name one path, sorted, to be looked up by the changed
 * paths) and its team and use case (its spend line), so that a run with a
 * snapshot reads only the changed templates of the parsed configuration
 * (check.c: the configuration is then *reduced*, and kept gives the
 * position in the whole one of each template it holds).
 *
 * Where it applies (check.c decides; else the run is the full one): the
 * caller allows it (check's text, markdown and github reports; never JSON,
 * which lists every template, nor `approve`); the caches are on; world,
 * base and head share one configuration object read from the repository,
 * with no family (a file added under a family's glob is a new template);
 * the base is a commit (the head a commit, the index or the working tree,
 * whose unchanged files git.c lists with the index's blob ids); every glob
 * has a folder or names one file at the root. With a snapshot to read, the
 * diff from base to head must also delete nothing and change no file's kind
 * under those folders or at those files (rename detection pairs over them),
 * and then each glob that names one file is looked up by its path, not
 * listed with its folder; without one, every template is collected
 * whatever the change, and the run writes the snapshot.
 *
 * The key (pc_quiet_key): the configuration's path and blob id, the world's
 * recorded volumes' blob id (rates) and the price date; the file is kept per
 * build of the program (cache.h), so a new build never trusts an old one's
 * sums. Approvals and --approved-by are not in it: they bear only on cost
 * events, which a quiet template never has.
 *
 * Trust: the same as the token-count cache's. The file lives in the git
 * directory, is written only by promptcost from a run of the same key, and
 * is checksummed, not signed; a damaged or foreign one is ignored and the
 * run is the full one. doc/security.md says what a forged one could do.
 */
#ifndef PROMPTCOST_QUIET_H
#define PROMPTCOST_QUIET_H

#include "promptcost/common.h"
#include "promptcost/config.h"
#include "promptcost/report.h"

/* What the snapshot keeps of one template of the configuration, by position. */
struct pc_quiet_record {
	int32_t model;          /* its model's position in the configuration; -1: not eligible */
	uint32_t line;          /* its team and use case (a line of the snapshot's table) */
	int64_t cost_micros;    /* its month's spend line (the same on both sides) */
};

struct pc_quiet {
	bool loaded;            /* records come from a snapshot of this key */
	bool reduced;           /* check.c: the configuration holds the visited templates only */
	char tree[PC_OID_HEXSZ + 1]; /* the base tree the loaded records describe */
	size_t n;               /* the whole configuration's templates */
	size_t nmodels;         /* and models */
	struct pc_strlist dirs; /* the globs' folders and root files (pc_templates_folders) */
	struct pc_quiet_record *records; /* n */
	/*
	 * The tables (from the payload, or pc_quiet_index): the templates' globs
	 * that name one path, sorted by path; the others; the lines (team and
	 * use case). Entries are little-endian words; strings are offsets into
	 * strings, which ends in a NUL.
	 */
	struct pc_buf tables;
	size_t nliterals, nwildcards, nlines;
	size_t literals_at, wildcards_at, lines_at, strings_at;
	bool *visit;            /* n: the templates this run collects (pc_quiet_visit);
				 * NULL: quiet.h does not apply, every one is */
	size_t nquiet;          /* eligible and not visited: priced from records */
	size_t *kept;           /* reduced: each template's position in the whole configuration */
};

/*
 * The snapshot's key, appended to key: the configuration's path and blob
 * id, the world's volumes blob id ("" without) and the price date.
 */
void pc_quiet_key(struct pc_buf *key, const char *config_path, const char *config_oid,
		  const char *volumes_oid, const char *price_date);

/*
 * Reads a snapshot's payload into q (records, dirs, tables, n, nmodels);
 * false (q unloaded and empty) when it is not one.
 */
bool pc_quiet_parse(struct pc_quiet *q, const char *data, size_t len);

/*
 * With no snapshot loaded: q's tables, n and nmodels made from the whole
 * configuration, for the snapshot the run writes (records all -1).
 */
void pc_quiet_index(struct pc_quiet *q, const struct pc_config *config);

/*
 * Which templates the run collects: every one not eligible in the loaded
 * records, and every one with a glob that matches a path of changed (sorted
 * and without repeats on return). Sets visit and nquiet.
 */
void pc_quiet_visit(struct pc_quiet *q, struct pc_strlist *changed);

/*
 * Reduced: kept from visit (the visited templates, in order), for a
 * configuration that holds those only.
 */
void pc_quiet_keep(struct pc_quiet *q);

/* The position in the whole configuration of a template of config (report->config). */
size_t pc_quiet_position(const struct pc_quiet *q, const struct pc_config *config,
			 const struct pc_template_config *t);

/*
 * Appends the quiet templates' spend to the report's lines, one line per
 * team and use case (report.h's nquiet and nquiet_lines).
 */
void pc_quiet_lines(struct pc_report *report, const struct pc_quiet *q);

/*
 * Whether a judged row can stand in the snapshot: unchanged on both sides
 * of one model, no note, reason or finding, counted from the token cache's
 * keys (its count depends on its files' blob ids only), and quiet_able.
 */
bool pc_quiet_eligible_row(const struct pc_report *report, size_t row);

/*
 * The snapshot after this run, whose base tree is tree, into out: the
 * loaded records of the templates not visited, and each collected row's as
 * it is now. False (out untouched) when that is the loaded snapshot itself:
 * nothing to write.
 */
bool pc_quiet_payload(struct pc_buf *out, const struct pc_quiet *q, const struct pc_report *report,
		      const char *tree);

/* The payload of q with these records (for pc_quiet_payload, and tests). */
void pc_quiet_encode(struct pc_buf *out, const struct pc_quiet *q,
		     const struct pc_quiet_record *records, const char *tree);

void pc_quiet_release(struct pc_quiet *q);

#endif
