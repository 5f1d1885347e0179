/*
 * The token-count cache: what `check` counted before, so that a template
 * whose files did not change costs a lookup instead of inflating and
 * tokenizing its blobs again. Keys are 32-byte digests the caller makes of
 * everything a count depends on (the files' blob ids, the encoding, the
 * variables, the program's version); values are three integers. A modified
 * one-file template also has a record of its diff, keyed by its two sides'
 * keys (templates.c, diff_key): tokens added, removed, and the shared
 * prefix's tokens with the first changed line packed in the third.
 *
 * The cache lives where git keeps its own: <git-common-dir>/promptcost/
 * tokens.cache, never in the working tree. The file is a header and
 * fixed-size records, each with its own checksum: a record that does not
 * verify, a truncated tail, a wrong header or an oversized file is ignored
 * (never trusted) and the file is rewritten without it. Saving re-reads the
 * file, merges, and replaces it with a temporary file and rename(), so
 * concurrent runs can lose each other's additions but never see a torn file.
 * A cache can only make a run faster: every failure to read or write it is
 * silent and the counts are computed.
 */
#ifndef PROMPTCOST_CACHE_H
#define PROMPTCOST_CACHE_H

#include "promptcost/common.h"

#define PC_CACHE_KEY_SIZE 32
#define PC_CACHE_FILE "tokens.cache"
/* The environment variable that turns the cache off (set to anything but "" or "0"). */
#define PC_CACHE_ENV "PROMPTCOST_NO_CACHE"

struct pc_cache;

struct pc_cache_value {
	int64_t v[3];
};

/*
 * Opens the cache file at path (created on save; its folder too), loading
 * the records that verify. Never fails: an unreadable file is an empty cache.
 */
struct pc_cache *pc_cache_open(const char *path);
/* Whether key is cached; its value into out. */
bool pc_cache_get(const struct pc_cache *cache, const unsigned char key[PC_CACHE_KEY_SIZE],
		  struct pc_cache_value *out);
/* Adds (or replaces) key's value, kept in memory until pc_cache_save. */
void pc_cache_put(struct pc_cache *cache, const unsigned char key[PC_CACHE_KEY_SIZE],
		  const struct pc_cache_value *value);
/* Writes the file when something was added or something read was damaged; 0 or PC_EIO. */
int pc_cache_save(struct pc_cache *cache);
/* How many records were loaded, and how many of the file's were dropped as damaged. */
size_t pc_cache_loaded(const struct pc_cache *cache);
size_t pc_cache_dropped(const struct pc_cache *cache);
void pc_cache_free(struct pc_cache *cache);
/* Whether PROMPTCOST_NO_CACHE asks for no cache. */
bool pc_cache_disabled_by_env(void);

/*
 * The parsed-configuration cache: the interpreted configuration
 * (config.h's snapshot) whose blob id is oid (40 hex digits), kept in dir as
 * config-OID-BUILD.snap (the 8 newest) under this program's build id, with a
 * checksum; parsing and interpreting a 1,000-template configuration was
 * nearly a third of a warm check. pc_cache_config_load returns NULL when it
 * is absent, damaged or another build's (then the text is parsed), never a
 * configuration that does not verify; shown is its path as messages show it.
 * Storing never fails the caller: the cache only saves time.
 */
struct pc_config;
struct pc_config *pc_cache_config_load(const char *dir, const char *oid, const char *shown);
/* The same, reduced to the templates keep says of n (pc_config_snapshot_read_some). */
struct pc_config *pc_cache_config_load_some(const char *dir, const char *oid, const char *shown,
					    const bool *keep, size_t n);
void pc_cache_config_store(const char *dir, const char *oid, const struct pc_config *config);

/*
 * The quiet-template snapshot's file (quiet.h) in dir, one per build of the
 * program, under a key: pc_cache_quiet_load appends the payload stored
 * under key to out, and is false when the file is absent, damaged, another
 * build's or another key's. Storing replaces the file atomically and never
 * fails the caller.
 */
bool pc_cache_quiet_load(struct pc_buf *out, const char *dir, const char *key, size_t key_len);
void pc_cache_quiet_store(const char *dir, const char *key, size_t key_len, const void *data,
			  size_t len);

#endif
