/*
 * Strict YAML for promptcost's files: a document loaded into a small tree of
 * nodes (mappings, sequences, scalars, each with its line:col), and the typed
 * getters every reader shares. Loading refuses what a reviewer could misread:
 * duplicate keys, anchors, aliases, tags, a second document, nesting deeper
 * than 32. Every error is one line "path:line:col: message" set with
 * pc_error_set (PC_EINPUT). Only yaml.c sees libyaml.
 *
 * A reader is a walk over the tree with these getters. For example, a reader
 * of a file of counts per template (`version: 1`, `templates:` id -> mapping
 * of counts) is:
 *
 *     static const char *const top_keys[] = { "version", "templates", NULL };
 *     static const char *const count_keys[] = { "days", "calls", NULL };
 *
 *     struct pc_yaml_node *root = NULL;
 *     const struct pc_yaml_node *v, *templates;
 *     int64_t version, calls;
 *     int error;
 *
 *     if ((error = pc_yaml_load(&root, path, text, len, PC_YAML_MAX_BYTES)))
 *             return error;
 *     if ((error = pc_yaml_expect_mapping(path, root, "the volumes file")) ||
 *         (error = pc_yaml_check_keys(path, root, top_keys, "at the top level")))
 *             goto done;
 *     if (!(v = pc_yaml_find(root, "version", NULL))) {
 *             error = pc_yaml_fail(path, root->pos, "missing 'version: 1'");
 *             goto done;
 *     }
 *     if ((error = pc_yaml_get_count(&version, path, v, "version", 1000)))
 *             goto done;
 *     templates = pc_yaml_find(root, "templates", NULL);
 *     if (templates && (error = pc_yaml_expect_mapping(path, templates, "'templates'")))
 *             goto done;
 *     for (size_t i = 0; templates && i + 1 < templates->n; i += 2) {
 *             const struct pc_yaml_node *id = templates->items[i];
 *             const struct pc_yaml_node *counts = templates->items[i + 1];
 *
 *             if ((error = pc_yaml_expect_mapping(path, counts, "a template")) ||
 *                 (error = pc_yaml_check_keys(path, counts, count_keys, "in a template")))
 *                     goto done;
 *             if ((v = pc_yaml_find(counts, "calls", NULL)) &&
 *                 (error = pc_yaml_get_count(&calls, path, v, "calls", INT64_MAX)))
 *                     goto done;
 *             ... id->text, calls ...
 *     }
 *     done:
 *     pc_yaml_free(root);
 *
 * A day such as `2026-11-01` is a plain scalar: read it with
 * pc_yaml_get_string and check its form; comments are never in the tree.
 */
#ifndef PROMPTCOST_YAML_H
#define PROMPTCOST_YAML_H

#include "promptcost/common.h"

/* The largest file pc_yaml_load reads by default; hostile input stays cheap. */
#define PC_YAML_MAX_BYTES (1024 * 1024)

/* A place in a file, 1-based; columns count characters. */
struct pc_pos {
	unsigned line;
	unsigned col;
};

enum pc_yaml_kind {
	PC_YAML_SCALAR,
	PC_YAML_SEQUENCE,
	PC_YAML_MAPPING
};

struct pc_yaml_node {
	enum pc_yaml_kind kind;
	struct pc_pos pos;
	char *text;  /* scalar: its value, never NULL, NUL-free; NULL for collections */
	bool plain;  /* scalar: unquoted, so null, true and .inf keep their yaml sense */
	/*
	 * A sequence's items, or a mapping's keys and values alternating (key,
	 * value, key, value...: n is twice the number of pairs). Keys are
	 * scalars and unique within their mapping.
	 */
	struct pc_yaml_node **items;
	size_t n;
	size_t cap;
};

/*
 * Loads the one document of text[0..len) (a leading UTF-8 byte order mark is
 * skipped) into *out, which belongs to the caller (pc_yaml_free). An empty
 * stream gives 0 and *out NULL. Input over max_bytes, invalid UTF-8, a yaml
 * syntax error, or anything the strict rules refuse gives PC_EINPUT (out of
 * memory in libyaml PC_EINTERNAL) with a located message and *out NULL.
 */
int pc_yaml_load(struct pc_yaml_node **out, const char *path, const char *text, size_t len,
		 size_t max_bytes);
void pc_yaml_free(struct pc_yaml_node *node);

/*
 * Sets the error "path:line:col: message" (control characters in it written
 * as \n, \t, \xNN, so the message stays one line) and returns PC_EINPUT.
 */
int pc_yaml_fail(const char *path, struct pc_pos pos, const char *fmt, ...) PC_PRINTF(3, 4);
int pc_yaml_vfail(const char *path, struct pc_pos pos, const char *fmt, va_list ap)
	PC_PRINTF(3, 0);

/* "a scalar", "a sequence", "a mapping": for messages. */
const char *pc_yaml_kind_name(const struct pc_yaml_node *node);

/* A plain `~`, `null` (Null, NULL) or nothing at all: yaml's null. */
bool pc_yaml_is_null(const struct pc_yaml_node *node);

/*
 * The value of key in map, or NULL (also when map is not a mapping);
 * *key_out (when not NULL) is set to the key's node when found. Borrowed
 * from the tree.
 */
const struct pc_yaml_node *pc_yaml_find(const struct pc_yaml_node *map, const char *key,
					const struct pc_yaml_node **key_out);

/*
 * Appends " (did you mean 'x'?)" for the name of names[0..n) nearest to word,
 * or, when none is close, " (<known>: a, b, c...)" listing at most 8.
 */
void pc_yaml_add_hint(struct pc_buf *msg, const char *word, const char *const *names, size_t n,
		      const char *known);

/*
 * Every key of map must be one of allowed (NULL-terminated); otherwise
 * "unknown key 'x' <where> (did you mean 'y'?)" at the first unknown key.
 */
int pc_yaml_check_keys(const char *path, const struct pc_yaml_node *map,
		       const char *const *allowed, const char *where);
/* Whether every key of map is one of allowed: the same test, without a message. */
bool pc_yaml_keys_known(const struct pc_yaml_node *map, const char *const *allowed);

/* value must be a mapping: "<what> must be a mapping, found ..." or "has no value". */
int pc_yaml_expect_mapping(const char *path, const struct pc_yaml_node *value, const char *what);

/*
 * The typed getters. key names the value in messages. Each returns 0 and
 * sets *out, or PC_EINPUT with a located message saying what to write.
 * Numbers are read exactly: no exponents, digit separators, booleans,
 * infinities or negative numbers.
 */
/* A non-empty, non-null scalar; *out is borrowed from the tree. */
int pc_yaml_get_string(const char **out, const char *path, const struct pc_yaml_node *value,
		       const char *key);
/* A decimal scaled by 10^scale: 6 gives micro-units; more digits than scale is an error. */
int pc_yaml_get_decimal(int64_t *out, const char *path, const struct pc_yaml_node *value,
			const char *key, unsigned scale);
/* A whole number 0..max. */
int pc_yaml_get_count(int64_t *out, const char *path, const struct pc_yaml_node *value,
		      const char *key, int64_t max);
/* A share of a whole, "80%" or "0.8", at most 100%, in parts per million. */
int pc_yaml_get_share(int64_t *out_ppm, const char *path, const struct pc_yaml_node *value,
		      const char *key);
/* A percent, "10" or "10%" (ten percent), may exceed 100, in parts per million. */
int pc_yaml_get_percent(int64_t *out_ppm, const char *path, const struct pc_yaml_node *value,
			const char *key);
/* One of choices (NULL-terminated); *out is its index. */
int pc_yaml_get_choice(int *out, const char *path, const struct pc_yaml_node *value,
		       const char *key, const char *const *choices);

#endif
