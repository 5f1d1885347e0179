/*
 * git's index file, read directly (src/git_index.c), for the index side of
 * `check --staged`. libgit2 1.5 reads an index by copying and validating
 * every entry, sorting them again and checking the file's SHA-1: 8.4 of the
 * 41.5 million instructions of `check --staged` on 1,000 templates (2,001
 * entries), where git itself needs 0.2. This reader keeps one array of
 * entries in the file's order, which git's format guarantees sorted (and
 * the reader checks), and leaves everything it does not know to libgit2:
 * the caller falls back to git_repository_index when pc_index_read says
 * PC_INDEX_FALLBACK, so an unusual index (a split or sparse index, a future
 * version, a damaged file) is read, or refused with libgit2's message,
 * exactly as before.
 */
#ifndef PROMPTCOST_GIT_INDEX_H
#define PROMPTCOST_GIT_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PC_INDEX_OID_SIZE 20

/* git's on-disk extended flags (the second flags word, version 3 and later) */
#define PC_INDEX_INTENT_TO_ADD 0x2000u /* `git add -N` */
#define PC_INDEX_SKIP_WORKTREE 0x4000u /* sparse checkout */

struct pc_index_entry {
	const char *path; /* '/'-separated, NUL-terminated, in pc_index.paths */
	uint32_t mode;    /* git's: 0100644, 0100755, 0120000, 0160000 */
	uint16_t stage;   /* 0, or 1-3 for a conflict */
	uint16_t extended; /* PC_INDEX_INTENT_TO_ADD, PC_INDEX_SKIP_WORKTREE */
	unsigned char id[PC_INDEX_OID_SIZE];
};

/*
 * A folder of the index's cache of tree ids (the TREE extension): the tree
 * its entries would be written as, and how many entries it covers. Only
 * folders whose id is still valid (not invalidated by a later change to the
 * index) are kept.
 */
struct pc_index_tree {
	char *path;                     /* "prompts/a/", with its '/'; "" for the root */
	size_t entries;                 /* the index entries under it */
	unsigned char id[PC_INDEX_OID_SIZE];
};

struct pc_index {
	struct pc_index_entry *entries; /* sorted by path (strcmp), then stage */
	size_t n;
	char *paths;                    /* every entry's path, one block */
	struct pc_index_tree *trees;    /* sorted by path (strcmp); none when damaged or absent */
	size_t ntrees;
};

enum pc_index_result {
	PC_INDEX_OK = 0,
	PC_INDEX_FALLBACK = 1 /* not read here: let libgit2 read (or refuse) the file */
};

/*
 * Reads the index file at path: PC_INDEX_OK, with a missing file read as an
 * empty index (as git and libgit2 do), or PC_INDEX_FALLBACK for anything this
 * reader does not take: a version other than 2, 3 or 4, a mandatory
 * extension (lowercase: "link", a split index; "sdir", a sparse one), a
 * folder entry, entries out of order, or any structural damage (a count or
 * length past the end, a path that is empty or absolute). The trailing
 * checksum is not verified, as git does not on reading; every length is
 * checked against the bytes that remain, and entries and extensions must
 * end exactly at it.
 */
enum pc_index_result pc_index_read(struct pc_index *out, const char *path);

/* The same, from bytes in memory (for tests). */
enum pc_index_result pc_index_parse(struct pc_index *out, const unsigned char *data, size_t size);

/* The position of the first entry whose path does not sort before path (strcmp order). */
size_t pc_index_lower_bound(const struct pc_index *index, const char *path);

/* The entry for path at stage, or NULL. */
const struct pc_index_entry *pc_index_find(const struct pc_index *index, const char *path,
					   unsigned stage);

/*
 * The cache of tree ids' valid entry for folder (ending in '/'), or NULL:
 * the index's entries under it are then exactly that tree's files, as git
 * itself relies on (`git diff --cached` never reads those trees).
 */
const struct pc_index_tree *pc_index_tree_find(const struct pc_index *index, const char *folder);

/* Whether path has an entry at any of stages 1-3 (a conflict). */
bool pc_index_conflicted(const struct pc_index *index, const char *path);

void pc_index_release(struct pc_index *index);

#endif
