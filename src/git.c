/*
 * The repository, through libgit2 (the only file that includes git2.h): the
 * two sides of a comparison and their files, contents and renames, a line
 * diff of two texts, and a few configuration lookups. Nothing here writes to
 * the repository: the index is read, never refreshed or written back.
 */
#include "promptcost/git.h"
#include "promptcost/git_index.h"

#include "promptcost/crypto.h"
#include "promptcost/glob.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

/* Links followed in a row before we call it a loop (Linux's own limit). */
#define MAX_LINK_DEPTH 40
/* Longest symbolic link target we accept; a longer one is not a path. */
#define MAX_LINK_TARGET 4096
/* Largest tree or blob kept in libgit2's object cache (a tree: a folder of about 25,000 files). */
#define OBJECT_CACHE_LIMIT (1024 * 1024)
/* Ancestors deep enough to hold the commits of a few months of pull requests. */
#define SHALLOW_DEEPEN_HINT 100

struct pc_repo {
	git_repository *git;
	char *workdir; /* with a trailing '/', NULL when bare */
	char *index_file; /* GIT_INDEX_FILE when opened from the environment, else NULL */
};

enum side_kind {
	SIDE_EMPTY,  /* the empty tree (an unborn HEAD) */
	SIDE_TREE,   /* a commit's tree */
	SIDE_INDEX,  /* the index, as it would be committed */
	SIDE_WORKDIR /* the working tree, seen through the index */
};

#define REAL_FOLDERS 32

struct pc_side {
	enum side_kind kind;
	struct pc_repo *repo;
	git_tree *tree;   /* SIDE_TREE */
	git_index *index; /* SIDE_WORKDIR; SIDE_INDEX when not own_index, or once a diff needs it */
	struct pc_index own; /* the index file as git_index.c read it (own_index or own_trees) */
	bool own_index;      /* SIDE_INDEX: own is what the side lists and reads */
	bool own_trees;      /* SIDE_WORKDIR: own only lists HEAD's folders (index_twin) */
	/*
	 * SIDE_TREE, for `check --staged` and `check`: the index or working
	 * tree side compared with it, whose cache of tree ids lists this tree's
	 * unchanged folders without reading them (list_from_index). Borrowed;
	 * NULL otherwise.
	 */
	const struct pc_side *index_twin;
	git_odb *odb;
	char *label;
	char commit_hex[PC_OID_HEXSZ + 1]; /* "" unless the side is a commit's tree */
	/* SIDE_WORKDIR: the last folders seen to be no link (templates alternate between folders) */
	struct pc_buf real_folders[REAL_FOLDERS];
	unsigned next_real;
	int index_stat_known;      /* SIDE_WORKDIR: 0 not looked at, 1 index_st holds, -1 none */
	struct stat index_st;      /* the index file's, for git's racy-clean test */
};

/* What a path names on a side, found before anything is read. */
struct found {
	enum pc_file_kind kind;
	bool on_disk;   /* read from the working tree, else from the object database */
	git_oid id;     /* when !on_disk */
	git_filemode_t mode;
};

/* ---- errors and setup ---------------------------------------------------- */

/* Records a libgit2 failure as one PC_EGIT line: what we were doing, then libgit2's reason. */
static int git_fail(const char *what)
{
	const git_error *e = git_error_last();

	if (e && e->message && *e->message)
		return pc_error_set(PC_EGIT, "%s: %s", what, e->message);
	return pc_error_set(PC_EGIT, "%s", what);
}

/*
 * promptcost never talks to a network, but libgit2's initialisation (with
 * Debian's mbedTLS build) parses every system CA certificate for HTTPS it will
 * never open: 90% of the instructions of a check on a small repository (about
 * 55 million, 10 ms). When libgit2 is linked statically, the Makefile wraps
 * that one mbedTLS call (-Wl,--wrap=mbedtls_x509_crt_parse_file) to this
 * function, which loads nothing. It fails closed: with no trusted certificate
 * loaded, any TLS verification would fail, never pass. (With STATIC_GIT=0 the
 * wrap does not apply and this function is unused.)
 */
int __wrap_mbedtls_x509_crt_parse_file(void *chain, const char *path);
int __wrap_mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}

/*
 * The same for the rest of libgit2's network set-up, 2.4 million
 * instructions of every run: seeding mbedTLS's random generator for HTTPS
 * (1.4 million) and initialising libssh2 (1 million). Skipped, neither is
 * usable, so a network transport could only fail, never connect; promptcost
 * opens none (a partial clone's missing objects are git's to fetch).
 */
int __wrap_git_mbedtls_stream_global_init(void);
int __wrap_git_mbedtls_stream_global_init(void)
{
	return 0;
}

int __wrap_git_transport_ssh_global_init(void);
int __wrap_git_transport_ssh_global_init(void)
{
	return 0;
}

/*
 * libgit2's Negotiate (Kerberos) authentication for HTTP, which needs
 * libgssapi_krb5 and six more shared libraries (krb5, k5crypto, com_err,
 * krb5support, keyutils, resolv) that Debian has only as shared objects:
 * loading and relocating them was about 0.6 ms of every run, the pre-commit
 * hook's included, for a transport promptcost never opens. Its eight GSSAPI
 * calls are wrapped (-Wl,--wrap=gss_...) to these, which fail as GSSAPI
 * does (GSS_S_FAILURE, 13 << 16) and touch nothing, so the libraries are not
 * linked. The types are the calls' own: OM_uint32 and pointers.
 */
#define PC_GSS_FAILURE (13u << 16)
/* The name type libgit2 passes to gss_import_name, which ignores it. */
extern void *GSS_C_NT_HOSTBASED_SERVICE;
void *GSS_C_NT_HOSTBASED_SERVICE = NULL;
unsigned int __wrap_gss_import_name(unsigned int *minor, void *name, void *type, void **out);
unsigned int __wrap_gss_import_name(unsigned int *minor, void *name, void *type, void **out)
{
	(void)name, (void)type;
	*minor = 0;
	*out = NULL;
	return PC_GSS_FAILURE;
}

unsigned int __wrap_gss_indicate_mechs(unsigned int *minor, void **mechs);
unsigned int __wrap_gss_indicate_mechs(unsigned int *minor, void **mechs)
{
	*minor = 0;
	*mechs = NULL;
	return PC_GSS_FAILURE;
}

unsigned int __wrap_gss_init_sec_context(unsigned int *minor, void *cred, void **ctx, void *name,
					 void *mech, unsigned int flags, unsigned int time,
					 void *bindings, void *input, void **actual_mech,
					 void *output, unsigned int *ret_flags,
					 unsigned int *time_rec);
unsigned int __wrap_gss_init_sec_context(unsigned int *minor, void *cred, void **ctx, void *name,
					 void *mech, unsigned int flags, unsigned int time,
					 void *bindings, void *input, void **actual_mech,
					 void *output, unsigned int *ret_flags,
					 unsigned int *time_rec)
{
	(void)cred, (void)ctx, (void)name, (void)mech, (void)flags, (void)time, (void)bindings;
	(void)input, (void)actual_mech, (void)output, (void)ret_flags, (void)time_rec;
	*minor = 0;
	return PC_GSS_FAILURE;
}

unsigned int __wrap_gss_display_status(unsigned int *minor, unsigned int status, int type,
				       void *mech, unsigned int *context, void *text);
unsigned int __wrap_gss_display_status(unsigned int *minor, unsigned int status, int type,
				       void *mech, unsigned int *context, void *text)
{
	(void)status, (void)type, (void)mech, (void)text;
	*minor = 0;
	*context = 0;
	return PC_GSS_FAILURE;
}

/* Nothing was ever made, so releasing is a success with nothing to do. */
unsigned int __wrap_gss_delete_sec_context(unsigned int *minor, void **ctx, void *output);
unsigned int __wrap_gss_delete_sec_context(unsigned int *minor, void **ctx, void *output)
{
	(void)ctx, (void)output;
	*minor = 0;
	return 0;
}

unsigned int __wrap_gss_release_buffer(unsigned int *minor, void *buffer);
unsigned int __wrap_gss_release_buffer(unsigned int *minor, void *buffer)
{
	(void)buffer;
	*minor = 0;
	return 0;
}

unsigned int __wrap_gss_release_name(unsigned int *minor, void **name);
unsigned int __wrap_gss_release_name(unsigned int *minor, void **name)
{
	(void)name;
	*minor = 0;
	return 0;
}

unsigned int __wrap_gss_release_oid_set(unsigned int *minor, void **set);
unsigned int __wrap_gss_release_oid_set(unsigned int *minor, void **set)
{
	(void)set;
	*minor = 0;
	return 0;
}

/*
 * libgit2 checks the index file's SHA-1 on every read (git itself does not;
 * 1.5 has no option to skip it), and does it with its collision-detecting
 * SHA-1, about 35 instructions a byte: 7 million of the 49 million of
 * `check --staged` on 1,000 templates. git_hash_buf hashes whole local
 * files only (the index, the configuration files and the commit-graph,
 * for their checksums and change detection), where collision detection
 * guards nothing, so it is wrapped (-Wl,--wrap=git_hash_buf) to the same
 * digest from libcrypto (7.1 million instructions to 2.5 on that index).
 * Object ids go through git_hash_vec and keep libgit2's own SHA-1.
 * Algorithm 1 is SHA-1 and 2 SHA-256 in libgit2 1.5's git_hash_algorithm_t.
 */
int __wrap_git_hash_buf(unsigned char *out, const void *data, size_t len, int algorithm);
int __wrap_git_hash_buf(unsigned char *out, const void *data, size_t len, int algorithm)
{
	size_t n;

	if (algorithm != 1 && algorithm != 2) {
		git_error_set_str(GIT_ERROR_INVALID, "unknown hash algorithm");
		return -1;
	}
	pc_hash(algorithm == 1 ? PC_HASH_SHA1 : PC_HASH_SHA256, out, &n, data, len);
	return 0;
}

static void libgit2_shutdown(void)
{
	git_libgit2_shutdown();
}

/*
 * libgit2 is initialised once per process and shut down at exit, so that
 * repeated opens (and pc_diff_lines, which needs no repository) stay cheap
 * and leak checkers see its global state released.
 */
static int libgit2_init_once(void)
{
	static bool initialised;

	if (initialised)
		return 0;
	if (git_libgit2_init() < 0)
		return git_fail("cannot initialise libgit2");
	/*
	 * libgit2 caches no tree over 4 KB (a folder of about 100 files) and no
	 * blob, so reading each file of such a folder inflated and hashed the
	 * folder's tree again, and an unchanged template's blob was inflated and
	 * hashed once per side: most of `check`'s time on a library of a
	 * thousand prompts. The cache's total stays bounded (256 MB by default).
	 */
	if (git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE,
			     (size_t)OBJECT_CACHE_LIMIT) < 0 ||
	    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_BLOB,
			     (size_t)OBJECT_CACHE_LIMIT) < 0)
		return git_fail("cannot configure libgit2's cache");
	/*
	 * Nor does it re-hash every object it reads, as git does not: zlib's
	 * checksum still catches a damaged object, and the hashing (SHA-1 with
	 * collision detection) cost as much as inflating.
	 */
	if (git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0) < 0)
		return git_fail("cannot configure libgit2's object reading");
	atexit(libgit2_shutdown);
	initialised = true;
	return 0;
}

/* ---- the repository ------------------------------------------------------ */

/*
 * Why there is no repository to open. libgit2 1.5.1 reports a repository
 * owned by another user (which git refuses too: CI runners often check out
 * as another user) as "not found" with a message about safe.directory.
 */
static int open_failed(const char *path, int git_error_code)
{
	const git_error *e = git_error_last();
	char *where = realpath(path ? path : ".", NULL);
	const char *shown = where ? where : (path ? path : ".");
	int error;

	if (git_error_code == GIT_EOWNER ||
	    (e && e->message && strstr(e->message, "safe.directory")))
		error = pc_error_set(PC_EGIT,
				     "the repository at %s is owned by another user (trust it with "
				     "'git config --global --add safe.directory <path>')",
				     shown);
	else
		error = pc_error_set(PC_EGIT, "not a git repository (or any parent up to /): %s",
				     shown);
	free(where);
	return error;
}

int pc_repo_open(struct pc_repo **out, const char *path)
{
	git_repository *git = NULL;
	struct pc_repo *repo;
	int error;

	*out = NULL;
	if ((error = libgit2_init_once()) < 0)
		return error;
	/*
	 * Without a path we behave as git does from the environment: a
	 * pre-commit hook runs with GIT_INDEX_FILE pointing at the index that
	 * is about to be committed (e.g. `git commit -a`), and GIT_DIR or
	 * GIT_WORK_TREE may be set.
	 */
	if (path) {
		error = git_repository_open_ext(&git, path, 0, NULL);
	} else {
		const char *index_file = getenv("GIT_INDEX_FILE");
		struct stat st;

		/*
		 * libgit2 reads a missing index as an empty one: a hook given a
		 * wrong index path would then see nothing staged and pass all.
		 */
		if (index_file && *index_file && stat(index_file, &st) < 0)
			return pc_error_set(PC_EGIT, "GIT_INDEX_FILE names '%s', which does not exist",
					    index_file);
		error = git_repository_open_ext(&git, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	}
	if (error == GIT_ENOTFOUND || error == GIT_EOWNER)
		return open_failed(path, error);
	if (error < 0)
		return git_fail("cannot open the repository");

	repo = pc_xcalloc(1, sizeof(*repo));
	repo->git = git;
	if (!path && getenv("GIT_INDEX_FILE"))
		repo->index_file = pc_xstrdup(getenv("GIT_INDEX_FILE"));
	if (!git_repository_is_bare(git) && git_repository_workdir(git)) {
		struct pc_buf wd = PC_BUF_INIT;

		pc_buf_adds(&wd, git_repository_workdir(git));
		if (wd.len == 0 || wd.ptr[wd.len - 1] != '/')
			pc_buf_addch(&wd, '/');
		repo->workdir = pc_buf_detach(&wd, NULL);
	}
	*out = repo;
	return 0;
}

void pc_repo_free(struct pc_repo *repo)
{
	if (!repo)
		return;
	git_repository_free(repo->git);
	free(repo->workdir);
	free(repo->index_file);
	free(repo);
}

const char *pc_repo_workdir(const struct pc_repo *repo)
{
	return repo->workdir;
}

/* ---- revisions ----------------------------------------------------------- */

/*
 * The configured remotes (every "remote.<name>.url"), read with a plain
 * configuration iterator: libgit2 1.5's git_remote_list matches keys with a
 * regular expression and leaks the match data of every key that does not match.
 */
static void list_remotes(struct pc_strlist *out, git_repository *git)
{
	git_config *config = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *entry;

	if (git_repository_config_snapshot(&config, git) < 0)
		return;
	if (git_config_iterator_new(&it, config) == 0) {
		while (git_config_next(&entry, it) == 0) {
			const char *name = entry->name;
			size_t len = strlen(name);
			char *remote;

			if (len <= 11 || strncasecmp(name, "remote.", 7) ||
			    strcasecmp(name + len - 4, ".url"))
				continue;
			remote = pc_xstrndup(name + 7, len - 11);
			if (pc_strlist_contains(out, remote))
				free(remote);
			else
				pc_strlist_push_owned(out, remote);
		}
	}
	git_config_iterator_free(it);
	git_config_free(config);
}

/*
 * Splits rev into the remote and branch to fetch when it names one:
 * "origin/main" (a configured remote's tracking branch) or a plain branch
 * name, fetched from "origin" or else the only remote. False for anything
 * else (an id, HEAD~3...), which only deepening reaches.
 */
static bool fetchable_ref(char **remote_out, char **branch_out, git_repository *git,
			  const char *rev)
{
	struct pc_strlist remotes = PC_STRLIST_INIT;
	const char *name = rev;

	*remote_out = *branch_out = NULL;
	if (strpbrk(rev, "~^:@{} \\") || !strcmp(rev, "HEAD"))
		return false;
	list_remotes(&remotes, git);
	if (!strncmp(name, "refs/remotes/", 13))
		name += 13;
	for (size_t i = 0; i < remotes.n && !*remote_out; i++) {
		size_t n = strlen(remotes.items[i]);

		if (!strncmp(name, remotes.items[i], n) && name[n] == '/' && name[n + 1]) {
			*remote_out = pc_xstrdup(remotes.items[i]);
			*branch_out = pc_xstrdup(name + n + 1);
		}
	}
	if (!*remote_out && strncmp(rev, "refs/", 5) != 0) {
		if (pc_strlist_contains(&remotes, "origin"))
			*remote_out = pc_xstrdup("origin");
		else if (remotes.n == 1)
			*remote_out = pc_xstrdup(remotes.items[0]);
		if (*remote_out)
			*branch_out = pc_xstrdup(rev);
	} else if (!*remote_out && !strncmp(rev, "refs/heads/", 11) && remotes.n) {
		*remote_out = pc_xstrdup(pc_strlist_contains(&remotes, "origin") ? "origin"
										 : remotes.items[0]);
		*branch_out = pc_xstrdup(rev + 11);
	}
	pc_strlist_release(&remotes);
	return *remote_out != NULL;
}

/*
 * The fetch command that brings rev's branch into a shallow clone, into
 * hint: with an explicit destination, because a single-branch clone
 * (`git clone --depth 1 -b BRANCH`) fetches only BRANCH by its refspec, so
 * `git fetch origin main` alone would leave no origin/main to compare with.
 * use is set to the name to pass as --base afterwards when it differs from
 * rev (a local branch name becomes the remote's tracking branch).
 */
static bool fetch_hint(struct pc_buf *hint, struct pc_buf *use, git_repository *git,
		       const char *rev)
{
	char *remote = NULL, *branch = NULL;

	if (!fetchable_ref(&remote, &branch, git, rev))
		return false;
	pc_buf_addf(hint, "git fetch --deepen=%d %s %s:refs/remotes/%s/%s", SHALLOW_DEEPEN_HINT,
		    remote, branch, remote, branch);
	pc_buf_addf(use, "%s/%s", remote, branch);
	if (!strcmp(use->ptr, rev) || !strncmp(rev, "refs/remotes/", 13))
		pc_buf_reset(use);
	free(remote);
	free(branch);
	return true;
}

/* "unknown revision 'x'", with how to fetch it when the clone is shallow. */
static int unknown_revision(struct pc_repo *repo, const char *rev)
{
	struct pc_buf hint = PC_BUF_INIT, use = PC_BUF_INIT;
	int error;

	if (git_repository_is_shallow(repo->git) != 1)
		return pc_error_set(PC_EGIT, "unknown revision '%s'", rev);
	if (fetch_hint(&hint, &use, repo->git, rev) && use.len)
		error = pc_error_set(PC_EGIT,
				     "unknown revision '%s' (this is a shallow clone: fetch it with "
				     "'%s' and compare with --base %s)",
				     rev, hint.ptr, use.ptr);
	else if (hint.len)
		error = pc_error_set(PC_EGIT,
				     "unknown revision '%s' (this is a shallow clone: fetch it with "
				     "'%s' or 'git fetch --unshallow')",
				     rev, hint.ptr);
	else
		error = pc_error_set(PC_EGIT,
				     "unknown revision '%s' (this is a shallow clone: deepen it with "
				     "'git fetch --deepen=%d' or 'git fetch --unshallow')",
				     rev, SHALLOW_DEEPEN_HINT);
	pc_buf_release(&hint);
	pc_buf_release(&use);
	return error;
}

/* Resolves rev to a commit. A name that does not resolve is "unknown revision". */
static int resolve_commit(git_commit **out, struct pc_repo *repo, const char *rev)
{
	git_object *obj = NULL;
	int error;

	*out = NULL;
	error = git_revparse_single(&obj, repo->git, rev);
	if (error == GIT_EAMBIGUOUS)
		return pc_error_set(PC_EGIT, "ambiguous revision '%s'", rev);
	if (error == GIT_ENOTFOUND || error == GIT_EINVALIDSPEC || error == GIT_EUNBORNBRANCH)
		return unknown_revision(repo, rev);
	if (error < 0) {
		/* A shallow clone fails walking past its boundary (HEAD~5) with other codes. */
		if (git_repository_is_shallow(repo->git) == 1)
			return unknown_revision(repo, rev);
		return git_fail("cannot resolve a revision");
	}
	error = git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (error < 0)
		return pc_error_set(PC_EGIT, "revision '%s' is not a commit", rev);
	return 0;
}

/* HEAD's commit, or NULL in *out (and 0) when HEAD is unborn. */
static int head_commit(git_commit **out, struct pc_repo *repo)
{
	git_reference *head = NULL;
	int error;

	*out = NULL;
	error = git_repository_head(&head, repo->git);
	if (error == GIT_EUNBORNBRANCH || error == GIT_ENOTFOUND)
		return 0;
	if (error < 0)
		return git_fail("cannot read HEAD");
	error = git_reference_peel((git_object **)out, head, GIT_OBJECT_COMMIT);
	git_reference_free(head);
	if (error < 0)
		return git_fail("cannot read HEAD's commit");
	return 0;
}

/* ---- sides --------------------------------------------------------------- */

static struct pc_side *side_new(struct pc_repo *repo, enum side_kind kind)
{
	struct pc_side *side = pc_xcalloc(1, sizeof(*side));

	side->kind = kind;
	side->repo = repo;
	for (int i = 0; i < REAL_FOLDERS; i++)
		pc_buf_init(&side->real_folders[i]);
	return side;
}

void pc_side_free(struct pc_side *side)
{
	if (!side)
		return;
	git_tree_free(side->tree);
	git_index_free(side->index);
	pc_index_release(&side->own);
	git_odb_free(side->odb);
	for (int i = 0; i < REAL_FOLDERS; i++)
		pc_buf_release(&side->real_folders[i]);
	free(side->label);
	free(side);
}

static int side_attach_odb(struct pc_side *side)
{
	if (git_repository_odb(&side->odb, side->repo->git) < 0)
		return git_fail("cannot open the object database");
	return 0;
}

/* A side for commit's tree (NULL: the empty tree), labelled "<name> (<short id>)". */
static int side_from_commit(struct pc_side **out, struct pc_repo *repo, git_commit *commit,
			    const char *name)
{
	struct pc_side *side;
	struct pc_buf label = PC_BUF_INIT;
	char short_id[8];
	int error;

	*out = NULL;
	if (!commit) {
		side = side_new(repo, SIDE_EMPTY);
		side->label = pc_xstrdup("empty tree");
		*out = side;
		return 0;
	}
	side = side_new(repo, SIDE_TREE);
	if (git_commit_tree(&side->tree, commit) < 0) {
		error = git_fail("cannot read a commit's tree");
		goto done;
	}
	if ((error = side_attach_odb(side)) < 0)
		goto done;
	git_oid_tostr(side->commit_hex, sizeof(side->commit_hex), git_commit_id(commit));
	git_oid_tostr(short_id, sizeof(short_id), git_commit_id(commit));
	pc_buf_addf(&label, "%s (%s)", name, short_id);
	side->label = pc_buf_detach(&label, NULL);
	*out = side;
	side = NULL;
done:
	pc_side_free(side);
	return error;
}

/* The index (or the working tree through it) as a side. */
static int side_from_index(struct pc_side **out, struct pc_repo *repo, enum side_kind kind)
{
	struct pc_side *side;
	int error = 0;

	*out = NULL;
	if (!repo->workdir && kind == SIDE_WORKDIR)
		return pc_error_set(PC_EGIT, "this operation must be run in a work tree");
	side = side_new(repo, kind);
	side->label = pc_xstrdup(kind == SIDE_WORKDIR ? "working tree" : "index");
	/*
	 * The index side reads the file itself (git_index.h says why), the
	 * working tree libgit2's index, which its working-tree diff needs; so
	 * does the index side of anything git_index.c leaves to libgit2.
	 */
	if (repo->workdir && (!repo->index_file || *repo->index_file)) {
		struct pc_buf path = PC_BUF_INIT;
		bool read;

		if (repo->index_file)
			pc_buf_adds(&path, repo->index_file);
		else
			pc_buf_addf(&path, "%sindex", git_repository_path(repo->git));
		read = pc_index_read(&side->own, path.ptr) == PC_INDEX_OK;
		side->own_index = read && kind == SIDE_INDEX;
		/* the working tree: for its cache of tree ids alone (HEAD's listing) */
		side->own_trees = read && kind == SIDE_WORKDIR;
		pc_buf_release(&path);
	}
	/*
	 * Else the repository's own index object: loaded from disk (or from
	 * GIT_INDEX_FILE), and never written back, since nothing here calls
	 * git_index_write or asks a diff to update it.
	 */
	if (!side->own_index && git_repository_index(&side->index, repo->git) < 0) {
		error = git_fail("cannot read the index");
		goto done;
	}
	if ((error = side_attach_odb(side)) < 0)
		goto done;
	*out = side;
	side = NULL;
done:
	pc_side_free(side);
	return error;
}

/* A set of commit ids: open addressing on the id's first bytes, which are already random. */
struct oid_set {
	git_oid *slots;
	bool *used;
	size_t cap, n;
};

static size_t oid_slot(const struct oid_set *set, const git_oid *id)
{
	size_t h;

	memcpy(&h, id->id, sizeof(h));
	for (h &= set->cap - 1; set->used[h] && git_oid_cmp(&set->slots[h], id);
	     h = (h + 1) & (set->cap - 1))
		;
	return h;
}

static bool oid_set_contains(const struct oid_set *set, const git_oid *id)
{
	return set->cap && set->used[oid_slot(set, id)];
}

/* Adds id; false when it was already there. */
static bool oid_set_add(struct oid_set *set, const git_oid *id)
{
	size_t h;

	if (2 * (set->n + 1) > set->cap) {
		struct oid_set bigger = { NULL, NULL, set->cap ? set->cap * 2 : 64, 0 };

		bigger.slots = pc_xcalloc(bigger.cap, sizeof(*bigger.slots));
		bigger.used = pc_xcalloc(bigger.cap, sizeof(*bigger.used));
		for (size_t i = 0; i < set->cap; i++)
			if (set->used[i])
				oid_set_add(&bigger, &set->slots[i]);
		free(set->slots);
		free(set->used);
		*set = bigger;
	}
	h = oid_slot(set, id);
	if (set->used[h])
		return false;
	set->used[h] = true;
	git_oid_cpy(&set->slots[h], id);
	set->n++;
	return true;
}

static void oid_set_release(struct oid_set *set)
{
	free(set->slots);
	free(set->used);
	memset(set, 0, sizeof(*set));
}

/*
 * Walks the history of start as far as this clone has it (a parent that is
 * not in the object database is where a shallow clone was cut). Every
 * visited commit is added to seen; when stop_at is given, a commit in it is
 * recorded as a common ancestor (the newest by commit time wins) and not
 * walked past.
 */
static int walk_visible(struct oid_set *seen, git_oid *best, git_time_t *best_time,
			git_repository *git, git_odb *odb, const git_oid *start,
			const struct oid_set *stop_at)
{
	git_oid *queue = NULL;
	size_t queue_cap = 0, head = 0, tail = 0;
	int error = 0;

	PC_GROW(queue, queue_cap, 1);
	oid_set_add(seen, start);
	git_oid_cpy(&queue[tail++], start);
	while (head < tail) {
		git_commit *commit = NULL;
		unsigned int parents;

		if (git_commit_lookup(&commit, git, &queue[head++]) < 0) {
			error = git_fail("cannot read a commit");
			break;
		}
		if (stop_at && oid_set_contains(stop_at, git_commit_id(commit))) {
			if (git_commit_time(commit) > *best_time || git_oid_is_zero(best)) {
				*best_time = git_commit_time(commit);
				git_oid_cpy(best, git_commit_id(commit));
			}
			git_commit_free(commit);
			continue;
		}
		parents = git_commit_parentcount(commit);
		for (unsigned int i = 0; i < parents; i++) {
			const git_oid *parent = git_commit_parent_id(commit, i);

			if (!git_odb_exists(odb, parent) || !oid_set_add(seen, parent))
				continue;
			PC_GROW(queue, queue_cap, tail + 1);
			git_oid_cpy(&queue[tail++], parent);
		}
		git_commit_free(commit);
	}
	free(queue);
	return error;
}

/*
 * The merge base in a shallow clone, within the history the clone has:
 * the newest commit (by commit time) that both sides reach. libgit2 1.5
 * knows nothing of shallow clones; its merge-base walk fails on the first
 * missing parent (and leaks). *out is the zero id when the histories do not meet.
 */
static int shallow_merge_base(git_oid *out, struct pc_repo *repo, const git_oid *one,
			      const git_oid *two)
{
	struct oid_set head_history = { NULL, NULL, 0, 0 }, base_history = { NULL, NULL, 0, 0 };
	git_time_t best_time = 0;
	git_odb *odb = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if (git_repository_odb(&odb, repo->git) < 0)
		return git_fail("cannot open the object database");
	error = walk_visible(&head_history, out, &best_time, repo->git, odb, two, NULL);
	if (!error)
		error = walk_visible(&base_history, out, &best_time, repo->git, odb, one,
				     &head_history);
	oid_set_release(&base_history);
	oid_set_release(&head_history);
	git_odb_free(odb);
	return error;
}

/* The error for two commits without a common ancestor we can see. */
static int no_merge_base(struct pc_repo *repo, const char *base_rev, const char *head_name)
{
	struct pc_buf hint = PC_BUF_INIT, use = PC_BUF_INIT;
	int error;

	if (git_repository_is_shallow(repo->git) == 1) {
		/* --deepen moves every shallow boundary, the head's and the base's */
		if (!fetch_hint(&hint, &use, repo->git, base_rev))
			pc_buf_addf(&hint, "git fetch --deepen=%d", SHALLOW_DEEPEN_HINT);
		error = pc_error_set(PC_EGIT,
				     "no merge base between '%s' and '%s' in this shallow clone; "
				     "deepen it with '%s' or 'git fetch --unshallow'",
				     base_rev, head_name, hint.ptr);
		pc_buf_release(&hint);
		pc_buf_release(&use);
		return error;
	}
	return pc_error_set(PC_EGIT, "no merge base between '%s' and '%s': they share no history",
			    base_rev, head_name);
}

static int compare_range(struct pc_side **base_out, struct pc_side **head_out,
			 struct pc_side **world_out, struct pc_repo *repo, const char *base_rev,
			 const char *head_rev)
{
	const char *head_name = head_rev ? head_rev : "HEAD";
	git_commit *base = NULL, *head = NULL, *fork_point = NULL;
	struct pc_buf label = PC_BUF_INIT;
	git_oid fork_id;
	int error;

	if ((error = resolve_commit(&base, repo, base_rev)) < 0)
		goto done;
	if (head_rev)
		error = resolve_commit(&head, repo, head_rev);
	else if ((error = head_commit(&head, repo)) == 0 && !head)
		error = pc_error_set(PC_EGIT, "no merge base between '%s' and 'HEAD': "
					      "HEAD has no commits yet", base_rev);
	if (error < 0)
		goto done;

	if (git_repository_is_shallow(repo->git) == 1) {
		error = shallow_merge_base(&fork_id, repo, git_commit_id(base), git_commit_id(head));
		if (error < 0)
			goto done;
		if (git_oid_is_zero(&fork_id)) {
			error = no_merge_base(repo, base_rev, head_name);
			goto done;
		}
	} else {
		/* libgit2 codes are not ours (GIT_ENOTFOUND is PC_EGIT's value): map them here. */
		error = git_merge_base(&fork_id, repo->git, git_commit_id(base),
				       git_commit_id(head));
		if (error == GIT_ENOTFOUND) {
			error = no_merge_base(repo, base_rev, head_name);
			goto done;
		}
		if (error < 0) {
			error = git_fail("cannot compute the merge base");
			goto done;
		}
	}
	if (git_commit_lookup(&fork_point, repo->git, &fork_id) < 0) {
		error = git_fail("cannot read the merge base");
		goto done;
	}

	/* on a branch that has not diverged, the merge base is simply the base */
	if (git_oid_equal(&fork_id, git_commit_id(base)))
		pc_buf_adds(&label, base_rev);
	else
		pc_buf_addf(&label, "merge-base of %s and %s", base_rev, head_name);
	if ((error = side_from_commit(base_out, repo, fork_point, label.ptr)) < 0 ||
	    (error = side_from_commit(head_out, repo, head, head_name)) < 0 ||
	    (world_out && (error = side_from_commit(world_out, repo, base, base_rev)) < 0))
		goto done;
done:
	if (error < 0) {
		pc_side_free(*base_out);
		pc_side_free(*head_out);
		*base_out = *head_out = NULL;
	}
	pc_buf_release(&label);
	git_commit_free(fork_point);
	git_commit_free(base);
	git_commit_free(head);
	return error;
}

int pc_repo_compare(struct pc_side **base_out, struct pc_side **head_out,
		    struct pc_side **world_out, struct pc_repo *repo, enum pc_compare_mode mode,
		    const char *base_rev, const char *head_rev)
{
	git_commit *head = NULL;
	int error;

	*base_out = *head_out = NULL;
	if (world_out)
		*world_out = NULL;
	if (mode == PC_COMPARE_RANGE) {
		if (!base_rev)
			return pc_error_set(PC_EINTERNAL, "a range comparison needs a base revision");
		return compare_range(base_out, head_out, world_out, repo, base_rev, head_rev);
	}
	if ((error = head_commit(&head, repo)) < 0)
		goto done;
	/* the working tree and the index are judged by HEAD's world: the base itself */
	if ((error = side_from_commit(base_out, repo, head, "HEAD")) < 0 ||
	    (world_out && (error = side_from_commit(world_out, repo, head, "HEAD")) < 0) ||
	    (error = side_from_index(head_out, repo,
				     mode == PC_COMPARE_STAGED ? SIDE_INDEX : SIDE_WORKDIR)) < 0)
		goto done;
	if ((*base_out)->kind == SIDE_TREE && ((*head_out)->own_index || (*head_out)->own_trees))
		(*base_out)->index_twin = *head_out;
done:
	if (error < 0) {
		pc_side_free(*base_out);
		*base_out = NULL;
		if (world_out) {
			pc_side_free(*world_out);
			*world_out = NULL;
		}
	}
	git_commit_free(head);
	return error;
}

const char *pc_side_label(const struct pc_side *side)
{
	return side->label;
}

const char *pc_side_commit(const struct pc_side *side)
{
	return side->commit_hex[0] ? side->commit_hex : NULL;
}

int64_t pc_side_commit_time(const struct pc_side *side)
{
	git_oid oid;
	git_commit *commit = NULL;
	int64_t when;

	if (!side->commit_hex[0] || git_oid_fromstr(&oid, side->commit_hex) < 0 ||
	    git_commit_lookup(&commit, side->repo->git, &oid) < 0)
		return -1;
	when = (int64_t)git_commit_time(commit);
	git_commit_free(commit);
	return when;
}

/* ---- listing files ------------------------------------------------------- */

/*
 * A list's paths are copied into blocks of 16 KB (or one of a longer
 * path's size), freed together: a path each from malloc, and each freed,
 * was a tenth of listing a thousand templates' files.
 */
struct pc_path_pool {
	struct pc_path_pool *next;
	size_t used, cap;
	char bytes[];
};

#define PATH_POOL_BLOCK (16u << 10)

static char *pool_copy(struct pc_path_pool **pool, const char *path, size_t len)
{
	struct pc_path_pool *p = *pool;
	char *copy;

	if (!p || p->cap - p->used < len + 1) {
		size_t cap = len + 1 > PATH_POOL_BLOCK ? len + 1 : PATH_POOL_BLOCK;

		p = pc_xmalloc(sizeof(*p) + cap);
		p->next = *pool;
		p->used = 0;
		p->cap = cap;
		*pool = p;
	}
	copy = p->bytes + p->used;
	memcpy(copy, path, len);
	copy[len] = '\0';
	p->used += len + 1;
	return copy;
}

static void file_list_push(struct pc_file_list *list, const char *path, size_t len,
			   enum pc_file_kind kind)
{
	PC_GROW(list->items, list->cap, list->n + 1);
	memset(&list->items[list->n], 0, sizeof(list->items[list->n]));
	list->items[list->n].path = pool_copy(&list->pool, path, len);
	list->items[list->n].kind = kind;
	list->n++;
}

/* The same, with the entry's blob id. */
static void file_list_push_id(struct pc_file_list *list, const char *path, size_t len,
			      enum pc_file_kind kind, const git_oid *id)
{
	file_list_push(list, path, len, kind);
	list->items[list->n - 1].has_id = true;
	memcpy(list->items[list->n - 1].id, id->id, 20);
}

bool pc_file_entry_oid(char *oid_hex, const struct pc_file_entry *entry)
{
	/* two hex digits per byte from one table: twice a template per check */
	static char pairs[256][2];

	if (!entry->has_id)
		return false;
	if (!pairs[0][0])
		for (int b = 0; b < 256; b++) {
			pairs[b][0] = "0123456789abcdef"[b >> 4];
			pairs[b][1] = "0123456789abcdef"[b & 15];
		}
	for (int i = 0; i < 20; i++)
		memcpy(oid_hex + 2 * i, pairs[entry->id[i]], 2);
	oid_hex[40] = '\0';
	return true;
}

static int compare_entries(const void *a, const void *b)
{
	return strcmp(((const struct pc_file_entry *)a)->path,
		      ((const struct pc_file_entry *)b)->path);
}

/* The kind of a blob or gitlink entry by its mode; false for a tree. */
static bool kind_of_mode(enum pc_file_kind *out, git_filemode_t mode)
{
	switch (mode) {
	case GIT_FILEMODE_BLOB:
	case GIT_FILEMODE_BLOB_EXECUTABLE:
		*out = PC_FILE_REGULAR;
		return true;
	case GIT_FILEMODE_LINK:
		*out = PC_FILE_SYMLINK;
		return true;
	case GIT_FILEMODE_COMMIT:
		*out = PC_FILE_SUBMODULE;
		return true;
	default:
		return false;
	}
}

/* The last of dirs (sorted) that sorts at or before path[0..len), or -1. */
static ptrdiff_t folder_at_or_before(const struct pc_strlist *dirs, const char *path, size_t len)
{
	size_t lo = 0, hi = dirs->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *d = dirs->items[mid];
		size_t n = strlen(d);
		int cmp = strncmp(d, path, n < len ? n : len);

		if (cmp < 0 || (cmp == 0 && n <= len))
			lo = mid + 1;
		else
			hi = mid;
	}
	return (ptrdiff_t)lo - 1;
}

/* Whether an entry of dirs is a folder ("prompts/"), not one file's path. */
static bool is_folder(const char *dir)
{
	size_t n = strlen(dir);

	return n && dir[n - 1] == '/';
}

/*
 * Every folder of dirs that path is inside sorts at or before path, and,
 * as none of dirs is inside another, the last such one is the only one that
 * can hold it.
 */
bool pc_folders_hold(const struct pc_strlist *dirs, const char *path)
{
	size_t len = strlen(path);
	ptrdiff_t k = folder_at_or_before(dirs, path, len);

	if (k < 0)
		return false;
	return is_folder(dirs->items[k]) ? !strncmp(path, dirs->items[k], strlen(dirs->items[k]))
					 : !strcmp(path, dirs->items[k]);
}

/*
 * Whether the walk goes into folder[0..len) (ending in '/'): one of dirs is
 * inside it (the next of dirs after it starts with it) or it is inside one.
 */
static bool folder_wanted(const char *folder, size_t len, const struct pc_strlist *dirs)
{
	ptrdiff_t k;

	if (!dirs)
		return true;
	k = folder_at_or_before(dirs, folder, len);
	if (k >= 0 && is_folder(dirs->items[k]) &&
	    !strncmp(folder, dirs->items[k], strlen(dirs->items[k])))
		return true;
	return (size_t)(k + 1) < dirs->n && !strncmp(dirs->items[k + 1], folder, len);
}

/*
 * The entries from..to of the index as the index side lists them: sorted
 * by path and stage, so a conflicted path (stages 1-3) comes in a row and is
 * listed once; no `git add -N` entry.
 */
static void list_own_entries(struct pc_file_list *out, const struct pc_index *index, size_t from,
			     size_t to)
{
	const char *previous = NULL;

	for (size_t i = from; i < to; i++) {
		const struct pc_index_entry *entry = &index->entries[i];
		enum pc_file_kind kind;
		git_oid id;

		if (entry->extended & PC_INDEX_INTENT_TO_ADD)
			continue;
		if (previous && !strcmp(previous, entry->path))
			continue;
		previous = entry->path;
		if (!kind_of_mode(&kind, entry->mode))
			continue;
		/*
		 * A conflict has no one blob id (stage 1 is the merge base's, 2
		 * ours): none is listed, so that whoever needs one asks the side
		 * and learns the path is unmerged.
		 */
		if (entry->stage) {
			file_list_push(out, entry->path, strlen(entry->path), kind);
		} else {
			memcpy(id.id, entry->id, sizeof(id.id));
			file_list_push_id(out, entry->path, strlen(entry->path), kind, &id);
		}
	}
}

/* The entries whose path starts with prefix[0..len): one run, the entries being sorted. */
static void index_range(const struct pc_index *index, const char *prefix, size_t len, size_t *from,
			size_t *to)
{
	*from = *to = pc_index_lower_bound(index, prefix);
	while (*to < index->n && !strncmp(index->entries[*to].path, prefix, len))
		(*to)++;
}

/*
 * A folder whose tree id the index's cache of tree ids gives too: the
 * index's entries under it are exactly that tree's files, so they are
 * listed from the index without reading the tree or any tree below it, as
 * `git diff --cached` does. Only a folder listed whole (at or inside one of
 * dirs), and only when the entries under it are all committed as they are
 * (no conflict, no `git add -N`) and are as many as the cache says; false
 * otherwise, and the tree is read.
 */
static bool list_from_index(struct pc_file_list *out, const struct pc_index *index,
			    const char *folder, size_t len, const git_oid *id,
			    const struct pc_strlist *dirs)
{
	const struct pc_index_tree *tree;
	size_t from, to;

	if (!index || !index->ntrees || (dirs && !pc_folders_hold(dirs, folder)))
		return false;
	tree = pc_index_tree_find(index, folder);
	if (!tree || memcmp(tree->id, id->id, GIT_OID_RAWSZ))
		return false;
	index_range(index, folder, len, &from, &to);
	if (to - from != tree->entries)
		return false;
	for (size_t i = from; i < to; i++)
		if (index->entries[i].stage || (index->entries[i].extended & PC_INDEX_INTENT_TO_ADD))
			return false;
	list_own_entries(out, index, from, to);
	return true;
}

/*
 * The blobs, links and submodules of tree, whose path is path (ending in
 * '/', or empty at the root), in the folders dirs asks for. Entries come in
 * git's tree order, which a walk into each folder where it stands makes
 * the order of strcmp over the full paths (a folder sorts as its name and
 * a '/', and everything in it starts with that), so no sort is needed.
 */
static int list_tree_in(struct pc_file_list *out, struct pc_repo *repo, const git_tree *tree,
			struct pc_buf *path, const struct pc_strlist *dirs, int depth,
			const struct pc_index *index)
{
	size_t count = git_tree_entrycount(tree), at = path->len;
	int error = 0;

	if (depth > 4096)
		return pc_error_set(PC_EINPUT, "%s: folders nested too deep to list", path->ptr);
	for (size_t i = 0; i < count && !error; i++) {
		const git_tree_entry *entry = git_tree_entry_byindex(tree, i);
		git_filemode_t mode = git_tree_entry_filemode(entry);
		enum pc_file_kind kind;

		path->len = at;
		pc_buf_adds(path, git_tree_entry_name(entry));
		if (mode == GIT_FILEMODE_TREE) {
			git_tree *sub = NULL;

			pc_buf_addch(path, '/');
			if (!folder_wanted(path->ptr, path->len, dirs) ||
			    list_from_index(out, index, path->ptr, path->len, git_tree_entry_id(entry),
					    dirs))
				continue;
			if (git_tree_lookup(&sub, repo->git, git_tree_entry_id(entry)) < 0)
				error = git_fail("cannot list a tree");
			else
				error = list_tree_in(out, repo, sub, path, dirs, depth + 1, index);
			git_tree_free(sub);
		} else if (kind_of_mode(&kind, mode)) {
			file_list_push_id(out, path->ptr, path->len, kind, git_tree_entry_id(entry));
		}
	}
	path->len = at;
	if (path->ptr)
		path->ptr[at] = '\0';
	return error;
}

/*
 * Whether the walk of list_tree_in lists the files of path's folder: it
 * lists those of every folder it enters.
 */
static bool walked_into(const char *path, const struct pc_strlist *folders)
{
	const char *slash = strrchr(path, '/');

	return !slash || folder_wanted(path, (size_t)(slash - path) + 1, folders);
}

/*
 * The entries of dirs that name one file each are looked up by path, not
 * listed with their folder's other files (1,250 of them per folder on
 * bench/check's 10,000 templates): the tree walk sees the folders only.
 */
static int list_tree(struct pc_file_list *out, struct pc_side *side, const struct pc_strlist *dirs)
{
	struct pc_buf path = PC_BUF_INIT;
	struct pc_strlist folders = PC_STRLIST_INIT;
	bool exact = false;
	int error;

	for (size_t d = 0; dirs && d < dirs->n; d++)
		if (is_folder(dirs->items[d]))
			pc_strlist_push(&folders, dirs->items[d]);
		else
			exact = true;
	error = list_tree_in(out, side->repo, side->tree, &path, exact ? &folders : dirs, 0,
			     side->index_twin ? &side->index_twin->own : NULL);
	for (size_t d = 0; exact && !error && d < dirs->n; d++) {
		git_tree_entry *entry = NULL;
		enum pc_file_kind kind;
		int found;

		if (is_folder(dirs->items[d]))
			continue;
		found = git_tree_entry_bypath(&entry, side->tree, dirs->items[d]);
		if (found == GIT_ENOTFOUND)
			continue;
		if (found < 0)
			error = git_fail("cannot look up a file in a tree");
		else if (kind_of_mode(&kind, git_tree_entry_filemode(entry)) &&
			 !walked_into(dirs->items[d], &folders))
			file_list_push_id(out, dirs->items[d], strlen(dirs->items[d]), kind,
					  git_tree_entry_id(entry));
		git_tree_entry_free(entry);
	}
	pc_strlist_release(&folders);
	pc_buf_release(&path);
	return error;
}

/* An entry that will not be committed as it is: added with `git add -N`. */
static bool intent_to_add(const git_index_entry *entry)
{
	return (entry->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD) != 0;
}

/*
 * The entries are sorted, so each folder's are one run, found by bisection:
 * the rest of the index (half of it on bench/check) is never looked at.
 * The folders are sorted and none is inside another, so the runs come in
 * order and do not overlap.
 */
static void list_own_index(struct pc_file_list *out, const struct pc_index *index,
			   const struct pc_strlist *dirs)
{
	if (!dirs) {
		list_own_entries(out, index, 0, index->n);
		return;
	}
	for (size_t d = 0; d < dirs->n; d++) {
		size_t from, to;

		index_range(index, dirs->items[d], strlen(dirs->items[d]), &from, &to);
		/* one file's path: its own entries (all its stages), not those it starts */
		if (!is_folder(dirs->items[d]))
			while (to > from && strcmp(index->entries[to - 1].path, dirs->items[d]))
				to--;
		list_own_entries(out, index, from, to);
	}
}

static int list_index(struct pc_file_list *out, struct pc_side *side, const struct pc_strlist *dirs)
{
	size_t count;
	const char *previous = NULL;

	if (side->own_index) {
		list_own_index(out, &side->own, dirs);
		return 0;
	}
	count = git_index_entrycount(side->index);
	for (size_t i = 0; i < count; i++) {
		const git_index_entry *entry = git_index_get_byindex(side->index, i);
		enum pc_file_kind kind;

		if (!entry || intent_to_add(entry) || (dirs && !pc_folders_hold(dirs, entry->path)))
			continue;
		if (previous && !strcmp(previous, entry->path))
			continue;
		previous = entry->path;
		if (kind_of_mode(&kind, entry->mode))
			file_list_push_id(out, entry->path, strlen(entry->path), kind, &entry->id);
	}
	return 0;
}

/* The kind of a file in the working tree; false when it is not a file we list. */
static bool kind_on_disk(enum pc_file_kind *out, const struct stat *st, git_filemode_t index_mode)
{
	if (S_ISLNK(st->st_mode))
		*out = PC_FILE_SYMLINK;
	else if (S_ISREG(st->st_mode))
		*out = PC_FILE_REGULAR;
	else if (S_ISDIR(st->st_mode) && index_mode == GIT_FILEMODE_COMMIT)
		*out = PC_FILE_SUBMODULE;
	else
		return false;
	return true;
}

static int compare_path_with_entry(const void *key, const void *entry)
{
	return strcmp(key, ((const struct pc_file_entry *)entry)->path);
}

/* The entry of a sorted list with that path, or NULL. */
static const struct pc_file_entry *file_list_find(const struct pc_file_list *list,
						  const char *path)
{
	if (!list->n)
		return NULL;
	return bsearch(path, list->items, list->n, sizeof(*list->items), compare_path_with_entry);
}

/* How the working tree differs from the index, as far as listing files is concerned. */
struct workdir_changes {
	struct pc_file_list gone;    /* deleted, or no longer a file (sorted) */
	struct pc_file_list retyped; /* a file that became a link or the reverse (sorted) */
	struct pc_file_list modified; /* its content or mode differs from the index's (sorted) */
};

/*
 * One walk of the working tree: libgit2's index-to-workdir diff stats every
 * indexed file and reads every folder (knowing each .gitignore), so an entry
 * it does not report is on disk as the index has it. Untracked files go
 * straight to out. Submodules are not opened and no content is read to tell
 * binary from text (racily clean files may still be hashed, as git does).
 */
static int scan_workdir(struct workdir_changes *changes, struct pc_file_list *out,
			struct pc_side *side, const struct pc_strlist *dirs)
{
	git_diff_options opts;
	git_diff *diff = NULL;
	size_t count;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS |
		     GIT_DIFF_INCLUDE_TYPECHANGE | GIT_DIFF_SKIP_BINARY_CHECK;
	opts.ignore_submodules = GIT_SUBMODULE_IGNORE_ALL;
	/*
	 * Only the folders asked for: libgit2 neither reads the other folders
	 * nor stats the files there (on bench/check, half the working tree).
	 * Literal paths, not patterns: a folder named "[a]" is that folder.
	 */
	if (dirs && !dirs->n)
		return 0; /* no folder asked for (libgit2 reads no pathspec as every path) */
	if (dirs) {
		opts.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
		opts.pathspec.strings = dirs->items;
		opts.pathspec.count = dirs->n;
	}
	if (git_diff_index_to_workdir(&diff, side->repo->git, side->index, &opts) < 0)
		return git_fail("cannot list the working tree");
	count = git_diff_num_deltas(diff);
	for (size_t i = 0; i < count; i++) {
		const git_diff_delta *delta = git_diff_get_delta(diff, i);
		const char *path = delta->new_file.path;
		size_t len = strlen(path);
		enum pc_file_kind kind;

		switch (delta->status) {
		case GIT_DELTA_UNTRACKED:
			/* A nested repository shows as a folder: not a file. */
			if (len && path[len - 1] != '/' && kind_of_mode(&kind, delta->new_file.mode))
				file_list_push(out, path, len, kind);
			break;
		case GIT_DELTA_DELETED:
			file_list_push(&changes->gone, delta->old_file.path,
				       strlen(delta->old_file.path), PC_FILE_REGULAR);
			break;
		case GIT_DELTA_TYPECHANGE:
			if (kind_of_mode(&kind, delta->new_file.mode))
				file_list_push(&changes->retyped, path, len, kind);
			else
				file_list_push(&changes->gone, path, len, PC_FILE_REGULAR);
			break;
		case GIT_DELTA_UNMODIFIED:
			break;
		default:
			file_list_push(&changes->modified, path, len, PC_FILE_REGULAR);
			break;
		}
	}
	git_diff_free(diff);
	if (changes->modified.n > 1)
		qsort(changes->modified.items, changes->modified.n, sizeof(*changes->modified.items),
		      compare_entries);
	if (changes->gone.n > 1)
		qsort(changes->gone.items, changes->gone.n, sizeof(*changes->gone.items),
		      compare_entries);
	if (changes->retyped.n > 1)
		qsort(changes->retyped.items, changes->retyped.n, sizeof(*changes->retyped.items),
		      compare_entries);
	return 0;
}

static int list_workdir(struct pc_file_list *out, struct pc_side *side, const struct pc_strlist *dirs)
{
	struct workdir_changes changes = { PC_FILE_LIST_INIT, PC_FILE_LIST_INIT, PC_FILE_LIST_INIT };
	size_t count = git_index_entrycount(side->index);
	struct pc_buf full = PC_BUF_INIT;
	size_t root_len = strlen(side->repo->workdir);
	const char *previous = NULL;
	int error;

	if ((error = scan_workdir(&changes, out, side, dirs)) < 0)
		goto done;
	pc_buf_adds(&full, side->repo->workdir);
	for (size_t i = 0; i < count; i++) {
		const git_index_entry *entry = git_index_get_byindex(side->index, i);
		const struct pc_file_entry *retyped;
		enum pc_file_kind kind;
		struct stat st;

		if (!entry || (previous && !strcmp(previous, entry->path)) ||
		    (dirs && !pc_folders_hold(dirs, entry->path)))
			continue;
		previous = entry->path;
		/* Sparse checkout: a skip-worktree file is absent on purpose and unchanged. */
		if (entry->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE) {
			if (kind_of_mode(&kind, entry->mode))
				file_list_push(out, entry->path, strlen(entry->path), kind);
			continue;
		}
		/* The diff says nothing of ignored submodules or of conflicts: look. */
		if (entry->mode == GIT_FILEMODE_COMMIT || git_index_entry_is_conflict(entry)) {
			full.len = root_len;
			pc_buf_adds(&full, entry->path);
			if (lstat(full.ptr, &st) == 0 && kind_on_disk(&kind, &st, entry->mode))
				file_list_push(out, entry->path, strlen(entry->path), kind);
			continue;
		}
		if (file_list_find(&changes.gone, entry->path))
			continue;
		if ((retyped = file_list_find(&changes.retyped, entry->path)) != NULL)
			file_list_push(out, entry->path, strlen(entry->path), retyped->kind);
		else if (!kind_of_mode(&kind, entry->mode))
			continue;
		/*
		 * One the diff did not report is on disk as the index has it (it
		 * looked at the file's stat data and, when racily clean, at its
		 * content, as `git status` does): its blob id is the index's.
		 */
		else if (!file_list_find(&changes.modified, entry->path) && !intent_to_add(entry))
			file_list_push_id(out, entry->path, strlen(entry->path), kind, &entry->id);
		else
			file_list_push(out, entry->path, strlen(entry->path), kind);
	}
done:
	pc_buf_release(&full);
	pc_file_list_release(&changes.modified);
	pc_file_list_release(&changes.retyped);
	pc_file_list_release(&changes.gone);
	return error;
}

int pc_side_files(struct pc_file_list *out, struct pc_side *side, const struct pc_strlist *dirs)
{
	size_t first = out->n;
	bool sorted = true;
	int error = 0;

	switch (side->kind) {
	case SIDE_EMPTY:
		break;
	case SIDE_TREE:
		error = list_tree(out, side, dirs);
		break;
	case SIDE_INDEX:
		error = list_index(out, side, dirs);
		break;
	case SIDE_WORKDIR:
		error = list_workdir(out, side, dirs);
		break;
	}
	/* sorted as listed but for the working tree's untracked files: one pass to tell */
	for (size_t i = first + 1; !error && sorted && i < out->n; i++)
		sorted = strcmp(out->items[i - 1].path, out->items[i].path) < 0;
	if (!error && !sorted)
		qsort(out->items + first, out->n - first, sizeof(*out->items), compare_entries);
	return error;
}

/* ---- what changed between two sides ------------------------------------ */

int pc_side_tree_id(char *hex, const struct pc_side *side)
{
	if (side->kind != SIDE_TREE)
		return pc_error_set(PC_EINTERNAL, "%s has no tree", side->label);
	git_oid_tostr(hex, PC_OID_HEXSZ + 1, git_tree_id(side->tree));
	return 0;
}

int pc_side_from_tree(struct pc_side **out, struct pc_repo *repo, const char *tree_hex)
{
	struct pc_side *side;
	git_oid id;
	int error = 0;

	*out = NULL;
	if (git_oid_fromstr(&id, tree_hex) < 0)
		return pc_error_set(PC_EINTERNAL, "'%s' is not a tree id", tree_hex);
	side = side_new(repo, SIDE_TREE);
	side->label = pc_xstrdup(tree_hex);
	if (git_tree_lookup(&side->tree, repo->git, &id) < 0)
		error = git_fail("cannot read a tree");
	else
		error = side_attach_odb(side);
	if (error < 0)
		pc_side_free(side);
	else
		*out = side;
	return error;
}

/*
 * The tree id of folder dir (ending in '/') on side, when it is known
 * without listing: 1 with its id, 0 when the side has no such folder, -1
 * when only a listing can tell (the index's cache of tree ids does not hold
 * it, or the side is the working tree).
 */
static int folder_id(git_oid *id, struct pc_side *side, const char *dir)
{
	switch (side->kind) {
	case SIDE_EMPTY:
		return 0;
	case SIDE_TREE: {
		git_tree_entry *entry = NULL;
		char *path = pc_xstrndup(dir, strlen(dir) - 1);
		int error = git_tree_entry_bypath(&entry, side->tree, path);
		int found = -1;

		free(path);
		if (error == GIT_ENOTFOUND)
			found = 0;
		else if (error == 0 && git_tree_entry_type(entry) == GIT_OBJECT_TREE) {
			git_oid_cpy(id, git_tree_entry_id(entry));
			found = 1;
		}
		git_tree_entry_free(entry);
		git_error_clear();
		return found;
	}
	case SIDE_INDEX: {
		/* as list_from_index trusts the cache: whole, committed entries only */
		const struct pc_index_tree *tree;
		size_t from, to;

		if (!side->own_index || !(tree = pc_index_tree_find(&side->own, dir)))
			return -1;
		index_range(&side->own, dir, strlen(dir), &from, &to);
		if (to - from != tree->entries)
			return -1;
		for (size_t i = from; i < to; i++)
			if (side->own.entries[i].stage ||
			    (side->own.entries[i].extended & PC_INDEX_INTENT_TO_ADD))
				return -1;
		memcpy(id->id, tree->id, GIT_OID_RAWSZ);
		return 1;
	}
	default:
		return -1;
	}
}

/*
 * The files that differ between trees a and b (either NULL: no such
 * folder), whose path is path (ending in '/'), into out: the two trees'
 * entries walked side by side in git's order, a subtree of the same id on
 * both sides skipped unread, as git's own tree diff does. Nothing is listed
 * that is the same on both sides.
 */
static int tree_changes(struct pc_strlist *out, bool *removed, struct pc_repo *repo,
			const git_tree *a, const git_tree *b, struct pc_buf *path, int depth)
{
	size_t na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0;
	size_t i = 0, k = 0, at = path->len;
	int error = 0;

	if (depth > 4096)
		return pc_error_set(PC_EINPUT, "%s: folders nested too deep to list", path->ptr);
	while (!error && (i < na || k < nb)) {
		const git_tree_entry *x = i < na ? git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *y = k < nb ? git_tree_entry_byindex(b, k) : NULL;
		int cmp = !x ? 1 : !y ? -1 : git_tree_entry_cmp(x, y);
		const git_tree_entry *ex = cmp <= 0 ? x : NULL, *ey = cmp >= 0 ? y : NULL;
		const git_tree_entry *e = ex ? ex : ey;
		enum pc_file_kind kx, ky;

		i += ex != NULL;
		k += ey != NULL;
		if (ex && ey && git_tree_entry_filemode(ex) == git_tree_entry_filemode(ey) &&
		    git_oid_equal(git_tree_entry_id(ex), git_tree_entry_id(ey)))
			continue;
		path->len = at;
		pc_buf_adds(path, git_tree_entry_name(e));
		if (git_tree_entry_filemode(e) == GIT_FILEMODE_TREE) {
			/* the same name sorts as a tree on both sides or on neither */
			git_tree *ta = NULL, *tb = NULL;

			pc_buf_addch(path, '/');
			if ((ex && git_tree_lookup(&ta, repo->git, git_tree_entry_id(ex)) < 0) ||
			    (ey && git_tree_lookup(&tb, repo->git, git_tree_entry_id(ey)) < 0))
				error = git_fail("cannot read a tree");
			else
				error = tree_changes(out, removed, repo, ta, tb, path, depth + 1);
			git_tree_free(ta);
			git_tree_free(tb);
			continue;
		}
		if (ex && !kind_of_mode(&kx, git_tree_entry_filemode(ex)))
			ex = NULL;
		if (ey && !kind_of_mode(&ky, git_tree_entry_filemode(ey)))
			ey = NULL;
		if (!ex && !ey)
			continue;
		/* gone from b, or a file that became a link or the reverse */
		if (!ey || (ex && kx != ky))
			*removed = true;
		pc_strlist_push(out, path->ptr);
	}
	path->len = at;
	if (path->ptr)
		path->ptr[at] = '\0';
	return error;
}

/* The tree of folder dir on a tree side, or NULL when it has none. */
static int folder_tree(git_tree **out, struct pc_side *side, const char *dir)
{
	git_oid id;

	*out = NULL;
	if (folder_id(&id, side, dir) <= 0)
		return 0;
	if (git_tree_lookup(out, side->repo->git, &id) < 0)
		return git_fail("cannot read a tree");
	return 0;
}

int pc_side_changes(struct pc_strlist *out, bool *removed, struct pc_side *a, struct pc_side *b,
		    const struct pc_strlist *dirs)
{
	/* the folders only a listing can compare: listed once for all (a working tree's scan) */
	struct pc_strlist listed = PC_STRLIST_INIT;
	struct pc_file_list la = PC_FILE_LIST_INIT, lb = PC_FILE_LIST_INIT;
	size_t i = 0, k = 0;
	int error = 0;

	*removed = false;
	for (size_t d = 0; d < dirs->n && !error; d++) {
		const char *dir = dirs->items[d];
		git_oid ia, ib;
		git_tree *ta = NULL, *tb = NULL;
		struct pc_buf path = PC_BUF_INIT;
		int ka, kb;

		if (!is_folder(dir)) { /* one file's path: compared as listed, by blob id */
			pc_strlist_push(&listed, dir);
			continue;
		}
		ka = folder_id(&ia, a, dir);
		kb = folder_id(&ib, b, dir);
		/* git's own shortcut: a folder of the same tree id holds the same files */
		if (ka >= 0 && kb >= 0 && (ka == kb && (!ka || git_oid_equal(&ia, &ib))))
			continue;
		if (a->kind != SIDE_TREE || b->kind != SIDE_TREE) {
			pc_strlist_push(&listed, dir);
			continue;
		}
		/* two trees: walked side by side, without listing what they share */
		pc_buf_adds(&path, dir);
		if (!(error = folder_tree(&ta, a, dir)) && !(error = folder_tree(&tb, b, dir)))
			error = tree_changes(out, removed, a->repo, ta, tb, &path, 0);
		git_tree_free(ta);
		git_tree_free(tb);
		pc_buf_release(&path);
	}
	if (error || !listed.n || (error = pc_side_files(&la, a, &listed)) < 0 ||
	    (error = pc_side_files(&lb, b, &listed)) < 0)
		goto done;
	/* both sorted: a merge of the entries that lie in those folders */
	for (;;) {
		const struct pc_file_entry *x, *y;
		int cmp;

		while (i < la.n && !pc_folders_hold(&listed, la.items[i].path))
			i++;
		while (k < lb.n && !pc_folders_hold(&listed, lb.items[k].path))
			k++;
		x = i < la.n ? &la.items[i] : NULL;
		y = k < lb.n ? &lb.items[k] : NULL;
		if (!x && !y)
			break;
		cmp = !x ? 1 : !y ? -1 : strcmp(x->path, y->path);
		if (cmp < 0) {
			*removed = true; /* gone from b */
			pc_strlist_push(out, x->path);
			i++;
		} else if (cmp > 0) {
			pc_strlist_push(out, y->path);
			k++;
		} else {
			if (x->kind != y->kind)
				*removed = true; /* a file became a link, or the reverse */
			if (x->kind != y->kind || !x->has_id || !y->has_id ||
			    memcmp(x->id, y->id, sizeof(x->id)))
				pc_strlist_push(out, x->path);
			i++;
			k++;
		}
	}
done:
	pc_strlist_release(&listed);
	pc_file_list_release(&la);
	pc_file_list_release(&lb);
	return error;
}

void pc_file_list_release(struct pc_file_list *list)
{
	while (list->pool) {
		struct pc_path_pool *next = list->pool->next;

		free(list->pool);
		list->pool = next;
	}
	free(list->items);
	list->items = NULL;
	list->n = list->cap = 0;
}

/* ---- reading files ------------------------------------------------------- */

static int not_found(struct pc_side *side, const char *path)
{
	return pc_error_set(PC_ENOTFOUND, "no file '%s' in %s", path, side->label);
}

/* Paths are relative, '/'-separated and stay inside the repository. */
static bool path_is_valid(const char *path)
{
	const char *p = path;

	if (!*path || *path == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.') ||
		    (n == 4 && !strncasecmp(p, ".git", 4)))
			return false;
		p += n;
		if (*p == '/' && !*++p)
			return false;
	}
	return true;
}

static int find_in_tree(struct found *out, struct pc_side *side, const char *path)
{
	git_tree_entry *entry = NULL;
	int error = git_tree_entry_bypath(&entry, side->tree, path);

	if (error == GIT_ENOTFOUND)
		return not_found(side, path);
	if (error < 0)
		return git_fail("cannot read a tree");
	out->mode = git_tree_entry_filemode(entry);
	git_oid_cpy(&out->id, git_tree_entry_id(entry));
	git_tree_entry_free(entry);
	if (!kind_of_mode(&out->kind, out->mode))
		return not_found(side, path); /* a folder */
	return 0;
}

static int unmerged(const char *path)
{
	return pc_error_set(PC_EINPUT, "%s: unmerged in the index (resolve the conflict first)",
			    path);
}

static int find_in_own_index(struct found *out, struct pc_side *side, const char *path)
{
	const struct pc_index_entry *entry = pc_index_find(&side->own, path, 0);

	if (!entry)
		return pc_index_conflicted(&side->own, path) ? unmerged(path) : not_found(side, path);
	if (entry->extended & PC_INDEX_INTENT_TO_ADD)
		return not_found(side, path);
	out->mode = entry->mode;
	memcpy(out->id.id, entry->id, sizeof(out->id.id));
	if (!kind_of_mode(&out->kind, out->mode))
		return not_found(side, path);
	return 0;
}

/* Looks path up in the index as the index side does (no `git add -N` entries). */
static int find_in_index(struct found *out, struct pc_side *side, const char *path)
{
	const git_index_entry *entry;

	if (side->own_index)
		return find_in_own_index(out, side, path);
	entry = git_index_get_bypath(side->index, path, 0);

	if (!entry) {
		const git_index_entry *ancestor, *ours, *theirs;

		if (git_index_conflict_get(&ancestor, &ours, &theirs, side->index, path) == 0)
			return unmerged(path);
		return not_found(side, path);
	}
	if (intent_to_add(entry))
		return not_found(side, path);
	out->mode = entry->mode;
	git_oid_cpy(&out->id, &entry->id);
	if (!kind_of_mode(&out->kind, out->mode))
		return not_found(side, path);
	return 0;
}

/*
 * Whether every folder on the way to full (a working-tree path; root_len
 * bytes of it are the root) is a real folder, not a link to one. The last
 * folder found real is remembered: files are mostly read folder by folder.
 */
static bool seen_real(const struct pc_side *side, const char *dir, size_t len)
{
	for (int i = 0; i < REAL_FOLDERS; i++)
		if (side->real_folders[i].len == len && !memcmp(side->real_folders[i].ptr, dir, len))
			return true;
	return false;
}

static bool folders_are_real(struct pc_side *side, struct pc_buf *full, size_t root_len)
{
	const char *last_slash = strrchr(full->ptr + root_len, '/');
	size_t dir_len = last_slash ? (size_t)(last_slash - full->ptr) : 0;
	struct stat st;

	if (!last_slash)
		return true;
	if (seen_real(side, full->ptr, dir_len))
		return true;
	for (char *slash = strchr(full->ptr + root_len, '/'); slash; slash = strchr(slash + 1, '/')) {
		size_t len = (size_t)(slash - full->ptr);
		bool real;

		if (seen_real(side, full->ptr, len))
			continue;
		*slash = '\0';
		real = lstat(full->ptr, &st) == 0 && S_ISDIR(st.st_mode);
		*slash = '/';
		if (!real)
			return false;
		pc_buf_reset(&side->real_folders[side->next_real]);
		pc_buf_add(&side->real_folders[side->next_real], full->ptr, len);
		side->next_real = (side->next_real + 1) % REAL_FOLDERS;
	}
	return true;
}

/*
 * Looks path up in the working tree: a file of the index (as it is on disk)
 * or an untracked file that is not ignored. A path through a symbolic link to
 * a folder is not in the repository (git does not follow those either).
 */
static int find_in_workdir(struct found *out, struct pc_side *side, const char *path,
			   struct pc_buf *full)
{
	const git_index_entry *entry = git_index_get_bypath(side->index, path, 0);
	git_filemode_t index_mode = entry ? entry->mode : 0;
	size_t root_len = strlen(side->repo->workdir);
	struct stat st;

	if (entry && (entry->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE))
		return find_in_index(out, side, path);
	pc_buf_reset(full);
	pc_buf_adds(full, side->repo->workdir);
	pc_buf_adds(full, path);
	if (!folders_are_real(side, full, root_len))
		return not_found(side, path);
	if (lstat(full->ptr, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return not_found(side, path);
		return pc_error_set(PC_EIO, "%s: cannot stat: %s", full->ptr, strerror(errno));
	}
	if (!entry && git_index_get_bypath(side->index, path, 1) == NULL &&
	    git_index_get_bypath(side->index, path, 2) == NULL) {
		int ignored = 0;

		if (git_ignore_path_is_ignored(&ignored, side->repo->git, path) < 0)
			return git_fail("cannot read the ignore rules");
		if (ignored)
			return not_found(side, path);
	}
	if (!kind_on_disk(&out->kind, &st, index_mode))
		return not_found(side, path);
	out->on_disk = true;
	out->mode = index_mode;
	return 0;
}

static int find_file(struct found *out, struct pc_side *side, const char *path, struct pc_buf *full)
{
	memset(out, 0, sizeof(*out));
	switch (side->kind) {
	case SIDE_TREE:
		return find_in_tree(out, side, path);
	case SIDE_INDEX:
		return find_in_index(out, side, path);
	case SIDE_WORKDIR:
		return find_in_workdir(out, side, path, full);
	case SIDE_EMPTY:
		break;
	}
	return not_found(side, path);
}

static int too_large(const char *path, unsigned long long size, size_t max_bytes)
{
	return pc_error_set(PC_EINPUT, "%s: file is %llu bytes, over the %zu-byte limit for a template",
			    path, size, max_bytes);
}

/* ---- partial clones ------------------------------------------------------ */

/*
 * Whether the repository is a partial clone (`git clone --filter=...`): a
 * remote is its promisor (remote.NAME.promisor), or extensions.partialClone
 * names one. Objects the filter left out are fetched by git on demand;
 * libgit2 (1.5) has no promisor support and sees them as missing.
 */
static bool is_partial_clone(struct pc_repo *repo)
{
	git_config *config = NULL;
	const char *value = NULL;
	bool partial = false;

	if (git_repository_config_snapshot(&config, repo->git) < 0) {
		git_error_clear();
		return false;
	}
	if (git_config_get_string(&value, config, "extensions.partialclone") == 0 && *value) {
		partial = true;
	} else {
		/* remote.NAME.promisor, compared by hand: libgit2's regex matching leaks (pcre2) */
		git_config_iterator *it = NULL;
		git_config_entry *entry;

		if (git_config_iterator_new(&it, config) == 0) {
			while (!partial && git_config_next(&entry, it) == 0) {
				size_t n = strlen(entry->name);
				int yes = 0;

				if (!strncmp(entry->name, "remote.", 7) && n > 16 &&
				    !strcmp(entry->name + n - 9, ".promisor") &&
				    git_config_parse_bool(&yes, entry->value) == 0 && yes)
					partial = true;
			}
			git_config_iterator_free(it);
		}
	}
	git_config_free(config);
	git_error_clear();
	return partial;
}

/*
 * An object missing from a partial clone, fetched through git, which does
 * it on demand: `git cat-file -e ID` (no shell; quiet). 0 when the object
 * database now has it; otherwise PC_EGIT naming the object and the command
 * that fetches it. Not a partial clone: PC_EGIT as libgit2 said.
 */
static int fetch_missing(struct pc_side *side, const git_oid *id, const char *path)
{
	char hex[GIT_OID_HEXSZ + 1], git[] = "git", opt[] = "--git-dir", cmd[] = "cat-file",
	     exists[] = "-e";
	char *gitdir, *argv[] = { git, opt, NULL, cmd, exists, hex, NULL };
	posix_spawn_file_actions_t actions;
	extern char **environ;
	pid_t pid;
	int status = -1;

	if (!is_partial_clone(side->repo))
		return git_fail("cannot read a file's object");
	argv[2] = gitdir = pc_xstrdup(git_repository_path(side->repo->git));
	git_error_clear();
	git_oid_tostr(hex, sizeof(hex), id);
	if (posix_spawn_file_actions_init(&actions) == 0) {
		posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
		posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
		posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
		if (posix_spawnp(&pid, "git", &actions, NULL, argv, environ) == 0)
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
		posix_spawn_file_actions_destroy(&actions);
	}
	free(gitdir);
	if (status == 0 && git_odb_refresh(side->odb) == 0 && git_odb_exists(side->odb, id))
		return 0;
	git_error_clear();
	return pc_error_set(PC_EGIT, "%s: object %s is not in this partial clone and git could "
			    "not fetch it: run 'git cat-file -e %s' (or 'git fetch') and check again",
			    path, hex, hex);
}

/* The size and type of an object, fetched first when a partial clone lacks it. */
static int read_header(size_t *size, git_object_t *type, struct pc_side *side, const git_oid *id,
		       const char *path)
{
	int error = git_odb_read_header(size, type, side->odb, id);

	if (error == GIT_ENOTFOUND) {
		if ((error = fetch_missing(side, id, path)) < 0)
			return error;
		error = git_odb_read_header(size, type, side->odb, id);
	}
	return error < 0 ? git_fail("cannot read a file's object") : 0;
}

/* Reads a blob, checking its size from the object header before inflating it. */
static int read_blob(struct pc_buf *out, struct pc_side *side, const git_oid *id,
		     const char *path, size_t max_bytes)
{
	git_odb_object *obj = NULL;
	git_object_t type;
	size_t size;
	int error;

	if ((error = read_header(&size, &type, side, id, path)) < 0)
		return error;
	if (type != GIT_OBJECT_BLOB)
		return pc_error_set(PC_EGIT, "%s: the object is not a blob", path);
	if (size > max_bytes)
		return too_large(path, size, max_bytes);
	if (git_odb_read(&obj, side->odb, id) < 0)
		return git_fail("cannot read a file's object");
	pc_buf_add(out, git_odb_object_data(obj), git_odb_object_size(obj));
	git_odb_object_free(obj);
	return 0;
}

/*
 * The file's bytes as `git add` would store them: git's clean filters
 * (CRLF to LF with core.autocrlf or a text attribute, ident) are applied, so
 * the tokens and the id of a checked-out file that has not changed are those
 * of its blob. Filters libgit2 does not run itself (an external
 * filter.<driver>.clean, such as Git LFS) are left out.
 */
static int clean_filter(struct pc_buf *out, size_t start, struct pc_side *side, const char *path)
{
	git_filter_list *filters = NULL;
	git_buf cleaned = { NULL, 0, 0 };
	const char *data = out->ptr + start;
	size_t len = out->len - start;

	/*
	 * libgit2's clean filters are CRLF (which only removes '\r') and ident
	 * (which only rewrites "$Id...$"): bytes with neither come out the same,
	 * and looking the attributes up costs more than reading a small file.
	 */
	if (!memchr(data, '\r', len) && !memmem(data, len, "$Id", 3))
		return 0;
	if (git_filter_list_load(&filters, side->repo->git, NULL, path, GIT_FILTER_TO_ODB,
				 GIT_FILTER_DEFAULT) < 0)
		return git_fail("cannot load the filters of a file");
	if (!filters)
		return 0;
	if (git_filter_list_apply_to_buffer(&cleaned, filters, data, len) < 0) {
		/* core.safecrlf refusing an irreversible conversion: still count the file. */
		const git_error *e = git_error_last();

		pc_warn("%s: read without git's clean filter (%s)", path,
			e && e->message ? e->message : "it failed");
	} else {
		out->len = start;
		pc_buf_add(out, cleaned.ptr, cleaned.size);
		if (out->cap)
			out->ptr[out->len] = '\0';
	}
	git_buf_dispose(&cleaned);
	git_filter_list_free(filters);
	return 0;
}

/*
 * Reads a working-tree file (full is its path on disk, path its path in the
 * repository), checking its size before reading, then cleans it as git
 * would and hashes the result as a blob.
 */
static int read_disk(struct pc_buf *out, git_oid *id, struct pc_side *side, const char *full,
		     const char *repo_path, const char *path, size_t max_bytes)
{
	size_t start = out->len;
	struct stat st;
	int error = 0;
	int fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return pc_error_set(PC_EIO, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		error = pc_error_set(PC_EIO, "%s: cannot stat: %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		error = pc_error_set(PC_EINPUT, "%s: not a regular file", path);
		goto done;
	}
	if ((unsigned long long)st.st_size > max_bytes) {
		error = too_large(path, (unsigned long long)st.st_size, max_bytes);
		goto done;
	}
	pc_buf_grow(out, (size_t)st.st_size);
	if ((error = pc_fd_read(out, fd, path, max_bytes)) < 0 ||
	    (error = clean_filter(out, start, side, repo_path)) < 0)
		goto done;
	if (git_odb_hash(id, out->ptr + start, out->len - start, GIT_OBJECT_BLOB) < 0)
		error = git_fail("cannot hash a file");
done:
	close(fd);
	return error;
}

/* The text of the symbolic link at path (found on side) into out. */
static int read_link_target(struct pc_buf *out, struct pc_side *side, const struct found *link,
			    const char *path, const char *full)
{
	if (!link->on_disk)
		return read_blob(out, side, &link->id, path, MAX_LINK_TARGET);
	pc_buf_grow(out, MAX_LINK_TARGET);
	ssize_t n = readlink(full, out->ptr, MAX_LINK_TARGET);
	if (n < 0)
		return pc_error_set(PC_EIO, "%s: cannot read the link: %s", path, strerror(errno));
	if (n >= MAX_LINK_TARGET)
		return pc_error_set(PC_EINPUT, "%s: symbolic link target is too long", path);
	out->len = (size_t)n;
	out->ptr[n] = '\0';
	return 0;
}

/*
 * The repository path a link at link_path points to, into out: its target
 * read from the link's folder, with "." and ".." resolved. False when the
 * target is absolute or climbs above the repository's root.
 */
static bool resolve_link(struct pc_buf *out, const char *link_path, const char *target)
{
	const char *slash = strrchr(link_path, '/');
	const char *p;

	pc_buf_reset(out);
	if (*target == '/' || !*target)
		return false;
	if (slash)
		pc_buf_add(out, link_path, (size_t)(slash - link_path));
	for (p = target; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *up;

			if (!out->len)
				return false;
			up = strrchr(out->ptr, '/');
			out->len = up ? (size_t)(up - out->ptr) : 0;
			out->ptr[out->len] = '\0';
		} else if (n && !(n == 1 && p[0] == '.')) {
			if (out->len)
				pc_buf_addch(out, '/');
			pc_buf_add(out, p, n);
		}
		p += n;
		while (*p == '/')
			p++;
	}
	return out->len > 0;
}

static int read_path(struct pc_buf *out, char *oid_hex, struct pc_side *side, const char *path,
		     const char *asked, size_t max_bytes, int depth)
{
	struct pc_buf full = PC_BUF_INIT, target = PC_BUF_INIT, resolved = PC_BUF_INIT;
	struct found file;
	git_oid id;
	int error;

	if ((error = find_file(&file, side, path, &full)) < 0)
		goto done;
	switch (file.kind) {
	case PC_FILE_SUBMODULE:
		error = pc_error_set(PC_EINPUT, "%s: is a submodule, not a file", asked);
		break;
	case PC_FILE_SYMLINK:
		if (depth >= MAX_LINK_DEPTH) {
			error = pc_error_set(PC_EINPUT, "%s: too many levels of symbolic links", asked);
			break;
		}
		if ((error = read_link_target(&target, side, &file, path, full.ptr)) < 0)
			break;
		if (memchr(target.ptr, '\0', target.len) ||
		    !resolve_link(&resolved, path, target.ptr) || !path_is_valid(resolved.ptr)) {
			error = pc_error_set(PC_EINPUT,
					     "%s: symbolic link points outside the repository", asked);
			break;
		}
		error = read_path(out, oid_hex, side, resolved.ptr, asked, max_bytes, depth + 1);
		if (error == PC_ENOTFOUND)
			error = pc_error_set(PC_EINPUT,
					     "%s: symbolic link points to '%s', which is not in the %s",
					     asked, resolved.ptr, side->label);
		break;
	case PC_FILE_REGULAR:
		if (file.on_disk)
			error = read_disk(out, &id, side, full.ptr, path, asked, max_bytes);
		else
			error = read_blob(out, side, &file.id, asked, max_bytes);
		if (!error)
			git_oid_tostr(oid_hex, PC_OID_HEXSZ + 1, file.on_disk ? &id : &file.id);
		break;
	}
done:
	pc_buf_release(&resolved);
	pc_buf_release(&target);
	pc_buf_release(&full);
	return error;
}

int pc_side_stat(struct pc_file_info *out, struct pc_side *side, const char *path)
{
	struct pc_buf full = PC_BUF_INIT;
	struct found file;
	struct stat st;
	git_object_t type;
	size_t size;
	int error;

	memset(out, 0, sizeof(*out));
	if (!path_is_valid(path))
		return pc_error_set(PC_EINPUT, "'%s' is not a path inside the repository", path);
	if ((error = find_file(&file, side, path, &full)) < 0)
		goto done;
	out->kind = file.kind;
	if (file.kind == PC_FILE_SUBMODULE)
		goto done;
	if (file.on_disk) {
		if (lstat(full.ptr, &st) < 0)
			error = pc_error_set(PC_EIO, "%s: cannot stat: %s", path, strerror(errno));
		else
			out->size = (unsigned long long)st.st_size;
	} else if ((error = read_header(&size, &type, side, &file.id, path)) == 0) {
		out->size = size;
	}
done:
	pc_buf_release(&full);
	return error;
}

int pc_side_read(struct pc_buf *out, char *oid_hex, struct pc_side *side, const char *path,
		 size_t max_bytes)
{
	size_t start = out->len;
	int error;

	if (!path_is_valid(path))
		return pc_error_set(PC_EINPUT, "'%s' is not a path inside the repository", path);
	error = read_path(out, oid_hex, side, path, path, max_bytes, 0);
	if (error < 0) { /* leave out as it was */
		out->len = start;
		if (out->cap)
			out->ptr[start] = '\0';
	}
	return error;
}

/*
 * Whether the index entry's stat data says the file on disk (st) is what the
 * entry records, as git's "stat clean" test does: size, modification and
 * change times, inode, device and mode; and the entry is not "racily clean"
 * (modified in the same second the index was written, when the times cannot
 * tell an edit apart: git re-reads such files, and so do we).
 */
static bool stat_clean(const git_index_entry *entry, const struct stat *st,
		       const struct stat *index_st)
{
	if ((uint32_t)st->st_size != entry->file_size ||
	    (int32_t)st->st_mtim.tv_sec != entry->mtime.seconds ||
	    (uint32_t)st->st_mtim.tv_nsec != entry->mtime.nanoseconds ||
	    (int32_t)st->st_ctim.tv_sec != entry->ctime.seconds ||
	    (uint32_t)st->st_ctim.tv_nsec != entry->ctime.nanoseconds ||
	    (uint32_t)st->st_ino != entry->ino || (uint32_t)st->st_dev != entry->dev ||
	    !S_ISREG(st->st_mode) ||
	    ((st->st_mode & 0100) ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB) != entry->mode)
		return false;
	if (!index_st)
		return false;
	return (int64_t)entry->mtime.seconds < (int64_t)index_st->st_mtim.tv_sec ||
	       ((int64_t)entry->mtime.seconds == (int64_t)index_st->st_mtim.tv_sec &&
		entry->mtime.nanoseconds < (uint32_t)index_st->st_mtim.tv_nsec);
}

/*
 * The working tree's side of pc_side_blob_id: a tracked file (not skipped,
 * not intent-to-add) under real folders whose stat data the index entry
 * matches. One lstat per file, the index file's stat once per run.
 */
static int workdir_blob_id(git_oid *id, struct pc_side *side, const char *path)
{
	const git_index_entry *entry = git_index_get_bypath(side->index, path, 0);
	struct pc_buf full = PC_BUF_INIT;
	struct stat st;
	int result = 1;

	if (!entry || intent_to_add(entry) ||
	    (entry->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE))
		return 1;
	if (!side->index_stat_known) {
		const char *index_path = git_index_path(side->index);

		side->index_stat_known = index_path && stat(index_path, &side->index_st) == 0 ? 1 : -1;
	}
	pc_buf_adds(&full, side->repo->workdir);
	pc_buf_adds(&full, path);
	if (folders_are_real(side, &full, strlen(side->repo->workdir)) &&
	    lstat(full.ptr, &st) == 0 &&
	    stat_clean(entry, &st, side->index_stat_known > 0 ? &side->index_st : NULL)) {
		git_oid_cpy(id, &entry->id);
		result = 0;
	}
	pc_buf_release(&full);
	return result;
}

int pc_side_blob_id(char *oid_hex, struct pc_side *side, const char *path)
{
	struct pc_buf full = PC_BUF_INIT;
	struct found file;
	int error;

	oid_hex[0] = '\0';
	if (!path_is_valid(path))
		return 1;
	if (side->kind == SIDE_WORKDIR) {
		git_oid id;

		if (workdir_blob_id(&id, side, path))
			return 1;
		git_oid_tostr(oid_hex, PC_OID_HEXSZ + 1, &id);
		return 0;
	}
	error = find_file(&file, side, path, &full);
	if (error < 0 || file.kind != PC_FILE_REGULAR) {
		pc_error_clear();
		error = 1;
		goto done;
	}
	git_oid_tostr(oid_hex, PC_OID_HEXSZ + 1, &file.id);
	error = 0;
done:
	pc_buf_release(&full);
	return error;
}

/* ---- renames ------------------------------------------------------------- */

/* The diff from base to head as libgit2 sees them (the working tree includes untracked files). */
static int diff_sides(git_diff **out, git_diff_find_options *find, struct pc_repo *repo,
		      struct pc_side *base, struct pc_side *head)
{
	git_diff_options opts;
	git_tree *base_tree = base->tree; /* NULL: the empty tree */
	int error;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.ignore_submodules = GIT_SUBMODULE_IGNORE_ALL;
	if (head->kind == SIDE_WORKDIR) {
		/* A template moved with plain `mv` is an untracked file: a rename target too. */
		opts.flags |= GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
		find->flags |= GIT_DIFF_FIND_FOR_UNTRACKED;
	}
	if (base->kind == SIDE_INDEX && head->kind == SIDE_WORKDIR) {
		error = git_diff_index_to_workdir(out, repo->git, head->index, &opts);
	} else if (base->kind != SIDE_TREE && base->kind != SIDE_EMPTY) {
		return pc_error_set(PC_EINTERNAL, "cannot compare the %s with the %s", base->label,
				    head->label);
	} else if (head->kind == SIDE_TREE || head->kind == SIDE_EMPTY) {
		error = git_diff_tree_to_tree(out, repo->git, base_tree, head->tree, &opts);
	} else if (head->kind == SIDE_INDEX) {
		/* libgit2's diff needs its own index object, read now (renames are rare) */
		if (!head->index && git_repository_index(&head->index, repo->git) < 0)
			return git_fail("cannot read the index");
		error = git_diff_tree_to_index(out, repo->git, base_tree, head->index, &opts);
	} else {
		/* The repository's index, the same object as head->index. */
		error = git_diff_tree_to_workdir_with_index(out, repo->git, base_tree, &opts);
	}
	if (error < 0)
		return git_fail("cannot compare the two sides");
	return 0;
}

/*
 * In a partial clone, the blobs rename detection compares (the files added
 * and deleted) are fetched through git first: libgit2 would stop at the
 * first one missing.
 */
static int fetch_rename_candidates(git_diff *diff, struct pc_side *base)
{
	size_t count = git_diff_num_deltas(diff);
	bool partial = false, asked = false;

	for (size_t i = 0; i < count; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const git_diff_file *f = d->status == GIT_DELTA_DELETED ? &d->old_file
				       : d->status == GIT_DELTA_ADDED  ? &d->new_file : NULL;
		int error;

		if (!f || git_oid_is_zero(&f->id) || git_odb_exists(base->odb, &f->id))
			continue;
		if (!asked) {
			partial = is_partial_clone(base->repo);
			asked = true;
		}
		if (!partial)
			return 0; /* as before: libgit2 says what is missing */
		if ((error = fetch_missing(base, &f->id, f->path)) < 0)
			return error;
	}
	return 0;
}

int pc_repo_renames(struct pc_rename_list *out, struct pc_repo *repo, struct pc_side *base,
		    struct pc_side *head)
{
	git_diff_find_options find;
	git_diff *diff = NULL;
	size_t count;
	int error;

	/* git's defaults: renames only, 50% similarity, no copies, no rewrites broken up. */
	git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
	find.flags = GIT_DIFF_FIND_RENAMES;
	if ((error = diff_sides(&diff, &find, repo, base, head)) < 0 ||
	    (error = fetch_rename_candidates(diff, base)) < 0)
		goto done;
	if (git_diff_find_similar(diff, &find) < 0) {
		error = git_fail("cannot find renames");
		goto done;
	}
	count = git_diff_num_deltas(diff);
	for (size_t i = 0; i < count; i++) {
		const git_diff_delta *delta = git_diff_get_delta(diff, i);

		if (delta->status != GIT_DELTA_RENAMED)
			continue;
		PC_GROW(out->items, out->cap, out->n + 1);
		out->items[out->n].old_path = pc_xstrdup(delta->old_file.path);
		out->items[out->n].new_path = pc_xstrdup(delta->new_file.path);
		out->n++;
	}
done:
	git_diff_free(diff);
	return error;
}

void pc_rename_list_release(struct pc_rename_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->items[i].old_path);
		free(list->items[i].new_path);
	}
	free(list->items);
	list->items = NULL;
	list->n = list->cap = 0;
}

/* ---- line diff ----------------------------------------------------------- */

int pc_diff_lines(struct pc_buf *added, struct pc_buf *removed, const char *old_text,
		  size_t old_len, const char *new_text, size_t new_len)
{
	git_diff_options opts;
	git_patch *patch = NULL;
	size_t hunks;
	int error;

	if ((error = libgit2_init_once()) < 0)
		return error;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	/* A prompt with a NUL or odd bytes is still text to us: never "Binary files differ". */
	opts.flags = GIT_DIFF_FORCE_TEXT;
	opts.context_lines = 0;
	/* Empty strings, not NULL: NULL would be "no file", the same lines but a different header. */
	if (git_patch_from_buffers(&patch, old_text ? old_text : "", old_len, "a",
				   new_text ? new_text : "", new_len, "b", &opts) < 0)
		return git_fail("cannot diff two texts");
	hunks = git_patch_num_hunks(patch);
	for (size_t h = 0; h < hunks; h++) {
		int lines = git_patch_num_lines_in_hunk(patch, h);

		for (int l = 0; l < lines; l++) {
			const git_diff_line *line = NULL;

			if (git_patch_get_line_in_hunk(&line, patch, h, (size_t)l) < 0) {
				error = git_fail("cannot read a line of a diff");
				goto done;
			}
			/* '<' and '>' are the "\ No newline at end of file" markers, not lines. */
			if (line->origin == GIT_DIFF_LINE_ADDITION)
				pc_buf_add(added, line->content, line->content_len);
			else if (line->origin == GIT_DIFF_LINE_DELETION)
				pc_buf_add(removed, line->content, line->content_len);
		}
	}
done:
	git_patch_free(patch);
	return error;
}

/* ---- configuration ------------------------------------------------------- */

int pc_repo_config_string(struct pc_buf *out, struct pc_repo *repo, const char *key)
{
	git_config *config = NULL;
	const char *value = NULL;
	int error;

	if (git_repository_config_snapshot(&config, repo->git) < 0)
		return git_fail("cannot read the git configuration");
	error = git_config_get_string(&value, config, key);
	if (error == GIT_ENOTFOUND)
		error = pc_error_set(PC_ENOTFOUND, "git configuration '%s' is not set", key);
	else if (error < 0)
		error = git_fail("cannot read the git configuration");
	else
		pc_buf_adds(out, value);
	git_config_free(config);
	return error;
}

int pc_repo_hooks_dir(struct pc_buf *out, struct pc_repo *repo)
{
	git_config *config = NULL;
	git_buf value = { NULL, 0, 0 };
	size_t start = out->len;
	int error;

	if (git_repository_config_snapshot(&config, repo->git) < 0)
		return git_fail("cannot read the git configuration");
	/* A path value: git expands a leading "~/" and so does git_config_get_path. */
	error = git_config_get_path(&value, config, "core.hooksPath");
	if (error == 0 && value.size) {
		if (value.ptr[0] != '/')
			pc_buf_adds(out, repo->workdir ? repo->workdir
						       : git_repository_path(repo->git));
		pc_buf_adds(out, value.ptr);
	} else if (error == 0 || error == GIT_ENOTFOUND) {
		/* A linked worktree shares its hooks with the main repository. */
		error = 0;
		pc_buf_adds(out, git_repository_commondir(repo->git));
		if (out->len > start && out->ptr[out->len - 1] != '/')
			pc_buf_addch(out, '/');
		pc_buf_adds(out, "hooks");
	} else {
		error = git_fail("cannot read core.hooksPath");
	}
	while (!error && out->len > start + 1 && out->ptr[out->len - 1] == '/')
		out->ptr[--out->len] = '\0';
	git_buf_dispose(&value);
	git_config_free(config);
	return error;
}

int pc_repo_common_dir(struct pc_buf *out, struct pc_repo *repo)
{
	const char *dir = git_repository_commondir(repo->git);
	size_t start = out->len;

	if (!dir || !*dir)
		return pc_error_set(PC_EGIT, "cannot tell the repository's git directory");
	pc_buf_adds(out, dir);
	while (out->len > start + 1 && out->ptr[out->len - 1] == '/')
		out->ptr[--out->len] = '\0';
	return 0;
}

/* ---- template versions --------------------------------------------------- */

/*
 * The files of a tree that match a template's globs, walked without entering
 * folders no glob can reach: every path a glob matches starts with the
 * glob's literal prefix (up to its first wildcard), so a folder whose path
 * is not a prefix of it (nor it of the folder's) holds no match.
 */
struct version_walk {
	const char *const *globs;
	size_t nglobs;
	struct pc_buf path;
	const git_oid *want;  /* a blob to look for, or NULL */
	bool found;
	struct pc_buf *sig;   /* when set: every match's path and id, in tree order */
};

static bool folder_may_match(const char *folder, size_t len, const char *glob)
{
	size_t lit = pc_glob_literal_len(glob);
	size_t n = len < lit ? len : lit;

	return strncmp(folder, glob, n) == 0;
}

static int version_walk_entry(const char *root, const git_tree_entry *entry, void *payload)
{
	struct version_walk *walk = payload;
	git_filemode_t mode = git_tree_entry_filemode(entry);
	bool match = false;

	pc_buf_reset(&walk->path);
	pc_buf_adds(&walk->path, root);
	pc_buf_adds(&walk->path, git_tree_entry_name(entry));
	if (mode == GIT_FILEMODE_TREE) {
		pc_buf_addch(&walk->path, '/');
		for (size_t i = 0; i < walk->nglobs && !match; i++)
			match = folder_may_match(walk->path.ptr, walk->path.len, walk->globs[i]);
		return match ? 0 : 1; /* 1: skip the folder */
	}
	if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE &&
	    mode != GIT_FILEMODE_LINK)
		return 0;
	for (size_t i = 0; i < walk->nglobs && !match; i++)
		match = pc_glob_match(walk->globs[i], walk->path.ptr);
	if (!match)
		return 0;
	if (walk->want && git_oid_equal(git_tree_entry_id(entry), walk->want)) {
		walk->found = true;
		return -1; /* stop: found */
	}
	if (walk->sig) {
		char hex[PC_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), git_tree_entry_id(entry));
		pc_buf_add(walk->sig, walk->path.ptr, walk->path.len + 1);
		pc_buf_adds(walk->sig, hex);
	}
	return 0;
}

/* Walks tree; a stop by the callback (found) is not an error. */
static int version_walk_tree(struct version_walk *walk, const git_tree *tree)
{
	int error = git_tree_walk(tree, GIT_TREEWALK_PRE, version_walk_entry, walk);

	if (error < 0 && !walk->found)
		return git_fail("cannot walk a tree");
	return 0;
}

/* The oldest commit of HEAD's history whose matching files include blob. */
static int resolve_blob(char *commit_hex, struct pc_repo *repo, struct version_walk *walk,
			const git_oid *blob)
{
	git_revwalk *rw = NULL;
	git_commit *commit = NULL, *head = NULL;
	git_oid id, last_tree;
	bool have_last = false;
	int error;

	if ((error = head_commit(&head, repo)) || !head)
		goto done;
	if (git_revwalk_new(&rw, repo->git) < 0 ||
	    git_revwalk_sorting(rw, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE) < 0 ||
	    git_revwalk_push(rw, git_commit_id(head)) < 0) {
		error = git_fail("cannot walk the history");
		goto done;
	}
	walk->want = blob;
	while (!error && git_revwalk_next(&id, rw) == 0) {
		git_tree *tree = NULL;

		if (git_commit_lookup(&commit, repo->git, &id) < 0 ||
		    git_commit_tree(&tree, commit) < 0) {
			error = git_fail("cannot read a commit");
			break;
		}
		/* a tree seen before held no match (or the walk would have stopped) */
		if (!have_last || !git_oid_equal(&last_tree, git_tree_id(tree))) {
			git_oid_cpy(&last_tree, git_tree_id(tree));
			have_last = true;
			error = version_walk_tree(walk, tree);
		}
		git_tree_free(tree);
		if (!error && walk->found) {
			git_oid_tostr(commit_hex, PC_OID_HEXSZ + 1, &id);
			break;
		}
		git_commit_free(commit);
		commit = NULL;
	}
done:
	git_commit_free(commit);
	git_commit_free(head);
	git_revwalk_free(rw);
	return error;
}

/* The matching files of commit (paths and blob ids) into sig. */
static int commit_signature(struct pc_buf *sig, struct version_walk *walk, git_commit *commit)
{
	git_tree *tree = NULL;
	int error;

	pc_buf_reset(sig);
	if (git_commit_tree(&tree, commit) < 0)
		return git_fail("cannot read a commit's tree");
	walk->want = NULL;
	walk->sig = sig;
	error = version_walk_tree(walk, tree);
	walk->sig = NULL;
	git_tree_free(tree);
	return error;
}

/* The newest commit at or before start, on its first-parent line, that changed the files. */
static int resolve_commit_version(char *commit_hex, struct version_walk *walk,
				  git_commit *start)
{
	struct pc_buf sig = PC_BUF_INIT, parent_sig = PC_BUF_INIT;
	git_commit *commit = start, *parent = NULL;
	int error;

	if ((error = commit_signature(&sig, walk, commit)))
		goto done;
	for (;;) {
		struct pc_buf swap;

		if (git_commit_parentcount(commit) == 0) {
			if (sig.len)
				git_oid_tostr(commit_hex, PC_OID_HEXSZ + 1, git_commit_id(commit));
			break;
		}
		if (git_commit_parent(&parent, commit, 0) < 0) {
			/* a shallow clone's boundary: the change is at or before here */
			if (sig.len)
				git_oid_tostr(commit_hex, PC_OID_HEXSZ + 1, git_commit_id(commit));
			git_error_clear();
			break;
		}
		if (git_oid_equal(git_commit_tree_id(parent), git_commit_tree_id(commit))) {
			/* the same tree: the same files */
			pc_buf_reset(&parent_sig);
			pc_buf_add(&parent_sig, sig.ptr, sig.len);
		} else if ((error = commit_signature(&parent_sig, walk, parent))) {
			goto done;
		}
		if (parent_sig.len != sig.len || memcmp(parent_sig.ptr, sig.ptr, sig.len)) {
			if (sig.len)
				git_oid_tostr(commit_hex, PC_OID_HEXSZ + 1, git_commit_id(commit));
			break;
		}
		if (commit != start)
			git_commit_free(commit);
		commit = parent;
		parent = NULL;
		swap = sig;
		sig = parent_sig;
		parent_sig = swap;
	}
done:
	git_commit_free(parent);
	if (commit != start)
		git_commit_free(commit);
	pc_buf_release(&sig);
	pc_buf_release(&parent_sig);
	return error;
}

static bool is_hex_id(const char *s, size_t *len)
{
	size_t n = strspn(s, "0123456789abcdefABCDEF");

	*len = n;
	/* 7 digits is git's shortest abbreviation; "3" or "2024" are labels */
	return s[n] == '\0' && n >= 7 && n <= PC_OID_HEXSZ;
}

int pc_repo_version_commit(char *commit_hex, enum pc_version_kind *kind, struct pc_repo *repo,
			   const char *const *globs, size_t nglobs, const char *version)
{
	struct version_walk walk = { globs, nglobs, PC_BUF_INIT, NULL, false, NULL };
	git_object *obj = NULL;
	git_commit *commit = NULL;
	git_oid id;
	size_t len;
	int error = 0;

	commit_hex[0] = '\0';
	*kind = PC_VERSION_LABEL;
	if (!is_hex_id(version, &len) || git_oid_fromstrn(&id, version, len) < 0)
		return 0;
	error = git_object_lookup_prefix(&obj, repo->git, &id, len, GIT_OBJECT_ANY);
	if (error == GIT_ENOTFOUND || error == GIT_EAMBIGUOUS) {
		/* not an object here (or too short to tell): the source's own label */
		git_error_clear();
		return 0;
	}
	if (error < 0)
		return git_fail("cannot look up a template version");
	switch (git_object_type(obj)) {
	case GIT_OBJECT_BLOB:
		*kind = PC_VERSION_BLOB;
		error = resolve_blob(commit_hex, repo, &walk, git_object_id(obj));
		break;
	case GIT_OBJECT_COMMIT:
	case GIT_OBJECT_TAG:
		if (git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
			git_error_clear();
			break; /* a tag of a tree or blob: a label */
		}
		*kind = PC_VERSION_COMMIT;
		error = resolve_commit_version(commit_hex, &walk, commit);
		break;
	default:
		break; /* a tree: not a version of a file */
	}
	git_commit_free(commit);
	git_object_free(obj);
	pc_buf_release(&walk.path);
	return error;
}

/* ---- commits the spend report names -------------------------------------- */

int pc_repo_commit_at(char *commit_hex, struct pc_repo *repo, int64_t time)
{
	git_reference *ref = NULL;
	git_commit *commit = NULL, *parent = NULL;
	int error = 0;

	commit_hex[0] = '\0';
	if (git_repository_head(&ref, repo->git) < 0 ||
	    git_commit_lookup(&commit, repo->git, git_reference_target(ref)) < 0) {
		git_error_clear(); /* an unborn or detached-to-nothing HEAD: no commit */
		git_reference_free(ref);
		return 0;
	}
	while (commit) {
		if ((int64_t)git_commit_time(commit) <= time) {
			git_oid_tostr(commit_hex, PC_OID_HEXSZ + 1, git_commit_id(commit));
			break;
		}
		if (git_commit_parentcount(commit) == 0 || git_commit_parent(&parent, commit, 0) < 0) {
			git_error_clear(); /* the root, or a shallow clone's boundary */
			break;
		}
		git_commit_free(commit);
		commit = parent;
		parent = NULL;
	}
	git_commit_free(commit);
	git_reference_free(ref);
	return error;
}

int pc_repo_commit_info(struct pc_buf *author, struct pc_buf *date, struct pc_buf *subject,
			struct pc_repo *repo, const char *commit_hex)
{
	git_oid id;
	git_commit *commit = NULL;
	const git_signature *sig;
	const char *summary;
	char day[11];
	int64_t t;

	if (git_oid_fromstr(&id, commit_hex) < 0 || git_commit_lookup(&commit, repo->git, &id) < 0) {
		git_error_clear();
		return PC_ENOTFOUND;
	}
	sig = git_commit_author(commit);
	pc_buf_addf(author, "%s <%s>", sig->name, sig->email);
	t = (int64_t)sig->when.time;
	pc_day_format(day, t >= 0 ? t / 86400 : (t - 86399) / 86400);
	{
		int64_t s = ((t % 86400) + 86400) % 86400;

		pc_buf_addf(date, "%sT%02d:%02d:%02dZ", day, (int)(s / 3600), (int)(s / 60 % 60),
			    (int)(s % 60));
	}
	summary = git_commit_summary(commit);
	pc_buf_adds(subject, summary ? summary : "");
	git_commit_free(commit);
	return 0;
}
