/*
 * `.promptcost/volumes.yml`: the recorded usage per template that `promptcost
 * usage sync` writes from the store and commits, so that `check` (a
 * pre-commit hook, CI) prices with recorded volumes without a database or a
 * network. Like the configuration, check reads it from the world side (the
 * base tip); the head's edits take effect after merge.
 *
 * The shape (keys in this order, templates sorted by id, deterministic bytes):
 *
 *   version: 1
 *   window: {from: 2026-11-01, until: 2026-11-30, days: 30}   (block style)
 *   records: 1234
 *   templates:
 *     <id>: {days, calls, response_cache_hits, input_tokens,
 *            cached_input_tokens, cache_write_tokens, output_tokens, records}
 */
#ifndef PROMPTCOST_VOLUMES_H
#define PROMPTCOST_VOLUMES_H

#include "promptcost/common.h"
#include "promptcost/spend.h"

#define PC_VOLUMES_PATH ".promptcost/volumes.yml"
#define PC_VOLUMES_MAX_BYTES (16 * 1024 * 1024)

struct pc_volumes_entry {
	char *template;
	struct pc_volume volume;        /* source PC_SPEND_RECORDED, the window's dates */
};

struct pc_volumes {
	char *path;                     /* as shown in messages */
	char from[11], until[11];       /* the window, UTC days included */
	int64_t days;
	int64_t records;
	struct pc_volumes_entry *entries; /* sorted by template */
	size_t n;
};

/*
 * Parses text as volumes.yml version 1, strictly: every count a
 * non-negative integer, hits <= calls, cached + writes <= input, a template's
 * days within the window's; errors "path:line:col: what". *out belongs to
 * the caller.
 */
int pc_volumes_parse(struct pc_volumes **out, const char *path, const char *text, size_t len);
void pc_volumes_free(struct pc_volumes *volumes);

/* The recorded volume of a template, or NULL. */
const struct pc_volume *pc_volumes_find(const struct pc_volumes *volumes, const char *template);

/* Renders volumes as the file's bytes (the writer behind `usage sync`). */
void pc_volumes_write(struct pc_buf *out, const struct pc_volumes *volumes);

#endif
