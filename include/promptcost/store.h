/*
 * The usage store: one SQLite file (src/usage/store.c is the only user of
 * SQLite) of daily buckets per template, version, team, use case, model and
 * deployment, hourly buckets per deployment, the record ids and source
 * contents already imported, and each template version's resolution to the
 * commit that introduced its text. An import is one transaction: on any
 * error nothing is written.
 */
#ifndef PROMPTCOST_STORE_H
#define PROMPTCOST_STORE_H

#include "promptcost/common.h"
#include "promptcost/config.h"
#include "promptcost/git.h"
#include "promptcost/usage.h"

#include <stdint.h>

/*
 * Where the store lives unless --store (or PROMPTCOST_STORE) says otherwise:
 * inside the repository's git directory (the common one, shared by its
 * worktrees), "<git-common-dir>/promptcost/usage.db", where nothing can
 * commit it by accident.
 */
#define PC_STORE_DEFAULT "promptcost/usage.db"

struct pc_store;

/*
 * Opens (create: creating) the store at path. PC_EINPUT when the file is not
 * a promptcost store (or not a database), PC_EIO when it cannot be opened.
 */
int pc_store_open(struct pc_store **out, const char *path, bool create);
void pc_store_close(struct pc_store *store);

struct pc_import_options {
	enum pc_usage_format format;     /* PC_USAGE_AUTO: told per file */
	const struct pc_config *config;  /* attribution, models, team and use-case defaults */
	struct pc_repo *repo;            /* resolves template versions; NULL: left unresolved */
	const char *skip_bad_path;       /* NULL: a bad record aborts the import */
};

struct pc_import_summary {
	uint64_t files;
	uint64_t files_already;          /* whole files imported before */
	uint64_t read;                   /* records read */
	uint64_t imported;
	uint64_t duplicate;              /* record ids already in the store */
	uint64_t set_aside;              /* bad records written to skip_bad_path */
	uint64_t unattributed;           /* imported, naming no known template */
};

/*
 * Imports every path (a file, or "-") in one transaction. On error returns
 * PC_EINPUT "file:line: message" (or PC_EIO, PC_EINTERNAL) and the store is
 * unchanged; the lock held by another import is PC_EIO "...: the store is
 * locked by another import".
 */
int pc_store_import(struct pc_store *store, const char *const *paths, size_t npaths,
		    const struct pc_import_options *options, struct pc_import_summary *summary);

/* Days are UTC days since 1970-01-01. */
struct pc_template_usage {
	char *template;                 /* NULL: the unattributed records */
	int64_t first_day, last_day;    /* of its records in the window */
	int64_t records;
	int64_t calls;
	int64_t response_cache_hits;
	int64_t input_tokens;
	int64_t cached_input_tokens;
	int64_t cache_write_tokens;
	int64_t output_tokens;
};

/* Every template's totals over days [from, until], sorted by template (unattributed last). */
int pc_store_template_usage(struct pc_store *store, int64_t from, int64_t until,
			    struct pc_template_usage **out, size_t *nout);
void pc_template_usage_free(struct pc_template_usage *usage, size_t n);

#endif
