/*
 * Usage that lives in ClickHouse (src/usage/clickhouse.c, the only user of
 * libcurl): the aggregation is sent to the server over its HTTP interface
 * and only buckets come back (a day per template, version, team, use case,
 * model and deployment; an hour where a deployment is named, since
 * reservations are judged by the hour), which go into the store through
 * the same import as files do (attribution, unknown models, versions, one
 * transaction). Nothing is written until the whole answer has been read and
 * checked complete.
 */
#ifndef PROMPTCOST_CLICKHOUSE_H
#define PROMPTCOST_CLICKHOUSE_H

#include "promptcost/common.h"
#include "promptcost/store.h"

#include <stdint.h>

/* The source schemas a query is written for. */
enum pc_ch_preset {
	PC_CH_PROMPTCOST,       /* promptcost's own table (schema/clickhouse.sql) */
	PC_CH_LANGFUSE,         /* Langfuse v3's observations */
	PC_CH_HELICONE          /* Helicone's request_response_rmt */
};

/* "promptcost", "langfuse", "helicone"; PC_ENOTFOUND otherwise. */
int pc_ch_preset_lookup(enum pc_ch_preset *out, const char *name);
const char *pc_ch_preset_name(enum pc_ch_preset preset);

struct pc_ch_source {
	bool tls;               /* clickhouses:// : HTTPS, the certificate verified */
	char *host;
	int port;               /* default 8123, or 8443 with TLS */
	char *database;         /* default "default" */
	char *table;            /* NULL: the preset's table */
	char *user;             /* NULL: the server's default user */
	char *password;
	char *ca_file;          /* NULL: the system's certificates */
	long connect_timeout_ms;
	long timeout_ms;        /* the whole query */
};

/*
 * Parses "clickhouse://HOST[:PORT][/DATABASE]" (or clickhouses:// for
 * HTTPS). A URL with a user or password in it is refused: credentials come
 * from the environment or a file (pc_ch_credentials), never the command
 * line. PC_EINPUT with what is wrong.
 */
int pc_ch_source_parse(struct pc_ch_source *out, const char *url);
void pc_ch_source_release(struct pc_ch_source *source);

/*
 * Credentials: PROMPTCOST_CLICKHOUSE_USER and PROMPTCOST_CLICKHOUSE_PASSWORD
 * from env (getenv-like; NULL: the process environment), or, when path is
 * not NULL, that file's "user=..." and "password=..." lines (a file others
 * may read is refused). PC_EINPUT "path:line: ..." for a bad file.
 */
int pc_ch_credentials(struct pc_ch_source *source, const char *path,
		      const char *(*env)(const char *name));

/* The query for days [since, until] (UTC days since 1970), as sent. */
int pc_ch_query(struct pc_buf *out, const struct pc_ch_source *source, enum pc_ch_preset preset,
		int64_t since, int64_t until);

struct pc_ch_transfer {
	uint64_t rows;          /* buckets read */
	uint64_t bytes;         /* of the answer, as received */
};

/*
 * Runs the query and imports its buckets into the store, one transaction.
 * Each bucket's record id is made of the server, database, preset and the
 * bucket's key, so importing a window again counts nothing twice (and a
 * bucket that grew since, with late records, is not re-read: import closed
 * days). PC_EIO "clickhouse://...: ..." when the server cannot be reached,
 * times out, fails or drops the answer; PC_EINPUT for a query the server
 * refuses and for a record that cannot be attributed. On any error the
 * store is unchanged.
 */
int pc_ch_import(struct pc_store *store, const struct pc_ch_source *source,
		 enum pc_ch_preset preset, int64_t since, int64_t until,
		 const struct pc_import_options *options, struct pc_import_summary *summary,
		 struct pc_ch_transfer *transfer);

#endif
