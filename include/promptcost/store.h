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

/*
 * The import one step at a time, for importers of other shapes and for the
 * tests: pc_store_import is begin, then per file the content checks and its
 * records, then commit. Until commit nothing is visible; pc_store_import_free
 * without a commit rolls everything back.
 */
struct pc_store_import;

/* Starts the import's transaction; PC_EIO "...: the store is locked by another import". */
int pc_store_import_begin(struct pc_store_import **out, struct pc_store *store,
			  const struct pc_import_options *options);

/* The lengths of every content imported before, ascending (borrowed until the next call). */
int pc_store_import_lengths(struct pc_store_import *imp, const uint64_t **lengths, size_t *n);

/*
 * Whether content (its SHA-256 and length, and the SHA-256 of its prefixes
 * at lengths[k] where found[k]) was imported before: *already when the whole
 * of it was; else *skip is the length of the longest earlier import that is
 * a prefix of it (0: none), the part not to read again.
 */
int pc_store_import_content(bool *already, uint64_t *skip, struct pc_store_import *imp,
			    const unsigned char digest[PC_SHA256_LEN], uint64_t length,
			    const uint64_t *lengths, const unsigned char (*prefix)[PC_SHA256_LEN],
			    const bool *found, size_t n);

/* Records content as imported (after its records), under name and format. */
int pc_store_import_content_add(struct pc_store_import *imp,
				const unsigned char digest[PC_SHA256_LEN], uint64_t length,
				enum pc_usage_format format, const char *name);

/*
 * One record of input name at line, read as format (which qualifies its id:
 * the same id from two kinds of source is two records). Attributes it and
 * adds it to its buckets. PC_EINPUT "name:line: ..." for a record that
 * cannot be attributed (an unknown model).
 */
int pc_store_import_record(struct pc_store_import *imp, const struct pc_usage_record *record,
			   enum pc_usage_format format, const char *name, uint64_t line);

/*
 * A record that could not be read: set aside in options->skip_bad_path
 * ("name:line: message", then the raw text), or, without one, PC_EINPUT
 * "name:line: message".
 */
int pc_store_import_bad(struct pc_store_import *imp, const char *name, uint64_t line,
			const char *message, const char *raw, size_t rawlen);

/* A file counted (summary->files), and whether it had been imported whole before. */
void pc_store_import_file(struct pc_store_import *imp, bool already);

/* Writes the buckets, resolves versions and commits; fills summary. */
int pc_store_import_commit(struct pc_store_import *imp, struct pc_import_summary *summary);

/* Frees imp; rolls back when it was not committed. NULL-safe. */
void pc_store_import_free(struct pc_store_import *imp);

/* What the store holds, for `promptcost usage show`. */
struct pc_store_version {
	char *version;                  /* as the records name it */
	enum pc_version_kind kind;
	bool resolved;                  /* kind was told (a repository was at hand) */
	char *commit;                   /* the commit that introduced its text, or NULL */
	int64_t records, calls;
	int64_t first_day, last_day;
};

struct pc_store_template {
	char *template;                 /* NULL: records naming no template at all */
	bool attributed;                /* false: named a template the configuration lacked */
	int64_t first_day, last_day;
	int64_t records, calls, response_cache_hits;
	int64_t input_tokens, cached_input_tokens, cache_write_tokens, output_tokens;
	struct pc_store_version *versions; /* sorted by first day, then version */
	size_t nversions;
};

struct pc_store_summary {
	bool empty;                     /* no records: the days below are 0 */
	int64_t first_day, last_day;
	int64_t records, calls;
	int64_t unattributed_records, unattributed_calls;
	int64_t files;                  /* contents imported */
	int64_t record_ids;             /* ids remembered, for duplicates */
	struct pc_store_template *templates; /* attributed sorted by id, then unattributed */
	size_t ntemplates;
};

int pc_store_describe(struct pc_store_summary **out, struct pc_store *store);
void pc_store_summary_free(struct pc_store_summary *summary);

/* The last day with records; PC_ENOTFOUND when the store holds none. */
int pc_store_last_day(int64_t *out, struct pc_store *store);

/*
 * For the spend report. A bucket as stored: a daily one (at: the day) keyed
 * by template, version, team, use case, model and deployment, or an hourly
 * one (at: the hour; template, version, team and use case NULL) keyed by
 * deployment and model. NULL stands for none; known false: the template was
 * not in the configuration at import (unattributed). cost_micros is what the
 * cost_records records that carried their source's cost said they cost.
 */
struct pc_store_bucket {
	int64_t at;
	bool known;
	char *template, *version, *team, *use_case, *model, *deployment;
	int64_t records, calls, response_cache_hits;
	int64_t input_tokens, cached_input_tokens, cache_write_tokens, output_tokens;
	int64_t cost_records, cost_micros;
};

/* Daily buckets of days [from, until], by day, then known first, then their keys. */
int pc_store_daily(struct pc_store *store, int64_t from, int64_t until,
		   struct pc_store_bucket **out, size_t *nout);
/* Hourly buckets of hours [from_hour, until_hour], by deployment, then hour, then model. */
int pc_store_hourly(struct pc_store *store, int64_t from_hour, int64_t until_hour,
		    struct pc_store_bucket **out, size_t *nout);
void pc_store_buckets_free(struct pc_store_bucket *buckets, size_t n);

#endif
