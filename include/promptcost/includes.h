/*
 * Partials and includes: Jinja `{% include "x" %}`, Handlebars and Dotprompt
 * `{{> name}}`, Markdown snippets `--8<-- "x"`, resolved inside the
 * repository and spliced into the template's text, recursively. An include
 * that leaves the repository, a loop, one deeper than PC_INCLUDE_MAX_DEPTH,
 * or more than PC_INCLUDE_MAX_COUNT of them (a hostile head's exponential
 * fan-out) is PC_EINPUT located at the directive.
 */
#ifndef PROMPTCOST_INCLUDES_H
#define PROMPTCOST_INCLUDES_H

#include "promptcost/common.h"

#define PC_INCLUDE_MAX_DEPTH 16
/* At most this many includes expanded for one file, all levels together. */
#define PC_INCLUDE_MAX_COUNT 4096

enum {
	PC_INCLUDE_JINJA = 1,
	PC_INCLUDE_HANDLEBARS = 2,
	PC_INCLUDE_SNIPPETS = 4
};

/* The syntaxes read by default in a file of this name (by extension). */
unsigned pc_includes_for_path(const char *path);

/*
 * Reads path (relative to the repository root, normalised) into out, its
 * blob id into oid (PC_OID_HEXSZ + 1 bytes). PC_ENOTFOUND when absent.
 */
typedef int (*pc_include_read_fn)(void *ctx, struct pc_buf *out, char *oid, const char *path);

/* The partials a text used, each once: paths and their blob ids, in first-use order. */
struct pc_include_list {
	struct pc_strlist paths;
	struct pc_strlist oids;
};

void pc_include_list_release(struct pc_include_list *list);

/*
 * Appends text[0..len) of the file path to out with every include of the
 * given syntaxes replaced by the included file's text (its front matter
 * removed for a .prompt or .prompty partial), recursively with each
 * partial's own syntaxes. An include whose file does not exist, or that
 * names no literal file (a variable), is PC_EINPUT when strict, else a
 * warning and the directive is kept as text. Escapes and loops are always
 * PC_EINPUT.
 */
int pc_includes_expand(struct pc_buf *out, const char *path, const char *text, size_t len,
		       unsigned syntaxes, pc_include_read_fn read, void *ctx,
		       struct pc_include_list *used, bool strict);

/*
 * The normalised repository path of name as written in from's folder (or
 * from the root when from_root): NULL (error set) when it leaves the
 * repository.
 */
char *pc_include_resolve(const char *from, const char *name, bool from_root);

#endif
