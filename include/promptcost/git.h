/*
 * The repository: the two sides of a comparison (a commit's tree, the index,
 * the working tree, or the empty tree), their files and contents, the renames
 * between them, and a line diff of two texts. Only git.c sees libgit2. The
 * repository is only ever read.
 */
#ifndef PROMPTCOST_GIT_H
#define PROMPTCOST_GIT_H

#include "promptcost/common.h"

#define PC_OID_HEXSZ 40

struct pc_repo;
struct pc_side;

enum pc_compare_mode {
	PC_COMPARE_WORKDIR, /* working tree (with the index) against HEAD */
	PC_COMPARE_STAGED,  /* index against HEAD */
	PC_COMPARE_RANGE    /* merge-base(base, head) against head, as git diff base...head */
};

enum pc_file_kind {
	PC_FILE_REGULAR, /* also executable files */
	PC_FILE_SYMLINK,
	PC_FILE_SUBMODULE
};

struct pc_file_entry {
	char *path; /* relative to the repository root, '/'-separated */
	enum pc_file_kind kind;
	bool has_id; /* a tree's or the index's entry: its blob id is known without reading */
	unsigned char id[20];
};

struct pc_path_pool; /* where a list's paths live: a few large blocks, freed together */

struct pc_file_list {
	struct pc_file_entry *items; /* sorted by path (strcmp) */
	size_t n;
	size_t cap;
	struct pc_path_pool *pool;   /* the items' paths, owned */
};
#define PC_FILE_LIST_INIT { NULL, 0, 0, NULL }

struct pc_rename {
	char *old_path;
	char *new_path;
};

struct pc_rename_list {
	struct pc_rename *items;
	size_t n;
	size_t cap;
};

/*
 * Opens the repository that contains path (NULL: the current directory),
 * searching upwards as git does. PC_EGIT with a message when there is none.
 * With path NULL the environment is honoured as git does (GIT_DIR,
 * GIT_WORK_TREE, GIT_INDEX_FILE: the index a pre-commit hook must check).
 */
int pc_repo_open(struct pc_repo **out, const char *path);
void pc_repo_free(struct pc_repo *repo);

/* The working tree's root with a trailing '/', or NULL for a bare repository. Borrowed. */
const char *pc_repo_workdir(const struct pc_repo *repo);

/*
 * Resolves the sides of a comparison: the base (whose template texts are
 * compared), the head, and the world (whose configuration judges the change:
 * DESIGN.md, the base describes the world as it is now). With
 * PC_COMPARE_RANGE the base is merge-base(base_rev, head), the world
 * base_rev's commit itself (its tip); with the working tree or the index
 * both are HEAD (the empty tree when HEAD is unborn). world_out may be NULL.
 * base_rev and head_rev are used with PC_COMPARE_RANGE only (head_rev NULL
 * means HEAD). A revision that does not resolve, or a merge base missing from
 * a shallow clone, is PC_EGIT with a message that says how to fetch it. Every
 * side belongs to the caller (pc_side_free) and must be freed before the
 * repository.
 */
int pc_repo_compare(struct pc_side **base_out, struct pc_side **head_out,
		    struct pc_side **world_out, struct pc_repo *repo, enum pc_compare_mode mode,
		    const char *base_rev, const char *head_rev);
void pc_side_free(struct pc_side *side);

/*
 * A short human label: "HEAD~1 (1a2b3c4)", "merge-base of main and HEAD
 * (1a2b3c4)" (just "main (1a2b3c4)" when the merge base is main itself),
 * "index", "working tree", "empty tree". Borrowed from side.
 */
const char *pc_side_label(const struct pc_side *side);

/* The full commit id of a side that is a commit, or NULL (index, working tree, empty). Borrowed. */
const char *pc_side_commit(const struct pc_side *side);
/* The committer time (seconds since 1970) of the side's commit, or -1 when it is no commit. */
int64_t pc_side_commit_time(const struct pc_side *side);

/*
 * Every file on the side, sorted by path: a tree's blobs, links and
 * submodules; the index's entries; for the working tree, the index's entries
 * as they are on disk (deleted ones left out; with the index's blob id
 * where libgit2's diff of the index against the working tree, git status's
 * test, finds the file unchanged) plus untracked files that are not
 * ignored. Directories are not listed. out is filled (appended to).
 *
 * With dirs (folder paths ending in '/'; NULL: the whole side), the files
 * under those folders at least: a tree's other folders are not read, which
 * in a repository whose prompts live in one folder is most of the listing,
 * nor are the working tree's other folders scanned or their files stat'ed.
 * Files elsewhere may be listed too. An entry of dirs without the final '/'
 * is one file's path ("prompts/a.md"): that file, if the side has it, is
 * looked up, not its folder listed (a tree's by path, the index's by
 * bisection).
 */
int pc_side_files(struct pc_file_list *out, struct pc_side *side, const struct pc_strlist *dirs);
/*
 * What the quiet-template snapshot (quiet.h) needs of the sides: the root
 * tree id of a commit's side (PC_EINTERNAL for another side), and a side
 * for a tree by its id (PC_EGIT when the repository no longer has it),
 * freed with pc_side_free.
 */
int pc_side_tree_id(char *hex, const struct pc_side *side);
int pc_side_from_tree(struct pc_side **out, struct pc_repo *repo, const char *tree_hex);
/*
 * The paths under dirs (as pc_side_files takes them) whose file differs
 * between side a and side b: added, modified, deleted, or changed in kind,
 * appended to out in path order within each folder. removed is set when a
 * path is gone from b or changed kind (a rename or a link may then be at
 * play). A folder whose tree id both sides know without listing it (a
 * tree's entry, the index's cache of tree ids) and find equal is not
 * listed, as git's own diff skips it.
 */
int pc_side_changes(struct pc_strlist *out, bool *removed, struct pc_side *a, struct pc_side *b,
		    const struct pc_strlist *dirs);
/*
 * Whether path lies in one of dirs (sorted folder paths ending in '/', or
 * files' paths, none inside another, as pc_side_files takes them): in a
 * folder, or is the file.
 */
bool pc_folders_hold(const struct pc_strlist *dirs, const char *path);
/* The hex blob id of a listed entry that has one (has_id); false otherwise. */
bool pc_file_entry_oid(char *oid_hex, const struct pc_file_entry *entry);

/*
 * Reads the content of path on the side into out (appended), and its git blob
 * id (of the content as read; for the working tree, hashed) into
 * oid_hex[PC_OID_HEXSZ + 1]. A symbolic link is followed when its target is
 * inside the repository and present on the same side; otherwise PC_EINPUT
 * ("path: symbolic link points outside the repository"). PC_ENOTFOUND when
 * the side has no such file, PC_EINPUT when it is larger than max_bytes
 * (checked before reading). A working-tree file is read as `git add` would
 * store it (CRLF and ident clean filters applied), so an unchanged checkout
 * has its blob's content and id.
 */
int pc_side_read(struct pc_buf *out, char *oid_hex, struct pc_side *side, const char *path,
		 size_t max_bytes);

/*
 * The blob id path has on the side, without reading the file: from the tree
 * or the index; for the working tree, the index's id when the index's stat
 * data says the file is unchanged (as `git status` trusts it). 0 with
 * oid_hex set; 1 when it cannot be told so (a link, a submodule, a file
 * changed or racily clean on disk, no such file): read it with pc_side_read.
 */
int pc_side_blob_id(char *oid_hex, struct pc_side *side, const char *path);

struct pc_file_info {
	enum pc_file_kind kind;
	unsigned long long size; /* a file's bytes, a link's target's; 0 for a submodule */
};

/*
 * What path is on the side, without reading it and without following a
 * symbolic link (kind PC_FILE_SYMLINK). PC_ENOTFOUND (message set) when the
 * side has no such file.
 */
int pc_side_stat(struct pc_file_info *out, struct pc_side *side, const char *path);

/* The renames (with git's default similarity) between base and head. out is filled. */
int pc_repo_renames(struct pc_rename_list *out, struct pc_repo *repo, struct pc_side *base,
		    struct pc_side *head);

/*
 * A line diff of old and new text (git's algorithm): appends every removed
 * line of old to removed and every added line of new to added, each with its
 * line ending as in the text.
 */
int pc_diff_lines(struct pc_buf *added, struct pc_buf *removed, const char *old_text,
		  size_t old_len, const char *new_text, size_t new_len);

void pc_file_list_release(struct pc_file_list *list);
void pc_rename_list_release(struct pc_rename_list *list);

/* The value of a git configuration key (e.g. "user.email") into out. PC_ENOTFOUND when unset. */
int pc_repo_config_string(struct pc_buf *out, struct pc_repo *repo, const char *key);

/*
 * The folder git runs hooks from: core.hooksPath (relative to the working
 * tree when relative) when set, else $GIT_DIR/hooks. Appended to out, no
 * trailing '/'. The folder may not exist yet.
 */
int pc_repo_hooks_dir(struct pc_buf *out, struct pc_repo *repo);

/*
 * The repository's common git directory (shared by its worktrees), appended
 * to out without a trailing '/': where the usage store lives by default.
 */
int pc_repo_common_dir(struct pc_buf *out, struct pc_repo *repo);

/* What a template version names (DESIGN.md, "Usage records"). */
enum pc_version_kind {
	PC_VERSION_BLOB,   /* a git blob id of one of the template's files */
	PC_VERSION_COMMIT, /* a commit id (a deployed revision) */
	PC_VERSION_LABEL   /* anything else: a source's own label */
};

/*
 * Resolves a template version to the commit that introduced its text on the
 * files matching globs[0..nglobs) (a template's `files`). version is a blob
 * id, a commit id (full or at least 7 hex digits, as git abbreviates) or a
 * label. For a blob: the oldest commit of HEAD's history where a matching
 * path holds that blob. For a commit: the newest commit at or before it, on
 * its first-parent line, that changed the matching files (their paths or
 * contents). *kind says which it was; commit_hex[PC_OID_HEXSZ + 1] gets the
 * resolved commit, or "" when there is none (a label, a blob no commit of
 * HEAD holds, a commit before the files existed). PC_EGIT on a git failure.
 */
int pc_repo_version_commit(char *commit_hex, enum pc_version_kind *kind, struct pc_repo *repo,
			   const char *const *globs, size_t nglobs, const char *version);

/*
 * The newest commit on HEAD's first-parent line whose committer time is at
 * or before time (seconds since 1970): commit_hex[PC_OID_HEXSZ + 1], or ""
 * when there is none (an unborn HEAD, all of it later, a shallow boundary).
 */
int pc_repo_commit_at(char *commit_hex, struct pc_repo *repo, int64_t time);

/*
 * A commit's author ("Name <email>"), author date (ISO 8601, UTC) and
 * subject (its first paragraph on one line), appended to the buffers;
 * PC_ENOTFOUND when the repository has no such commit.
 */
int pc_repo_commit_info(struct pc_buf *author, struct pc_buf *date, struct pc_buf *subject,
			struct pc_repo *repo, const char *commit_hex);

#endif
