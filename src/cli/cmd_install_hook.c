/*
 * `promptcost install-hook`: writes the pre-commit hook (hooks/pre-commit,
 * compiled in by hooks/hooks.mk) into the repository's hooks folder. It never
 * replaces somebody else's hook unless told how to keep it (--chain, --force),
 * and touches no other file.
 */
#include "cli.h"

#include "promptcost/git.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The hook's text, one line per element with its newline, then NULL (hooks/hooks.mk). */
extern const char *const pc_hook_pre_commit_lines[];

/* These names are also in hooks/pre-commit, which runs the chained hook. */
#define HOOK_NAME "pre-commit"
#define CHAINED_NAME "pre-commit.chained"
#define BACKUP_NAME "pre-commit.backup"
/* The second line of every version of our hook: tells an older copy of ours from a stranger. */
#define HOOK_MARKER "# promptcost pre-commit hook"
/* An existing hook larger than this is not read to look for the marker: it is not ours. */
#define HOOK_READ_MAX (1024 * 1024)
/* pre-commit.backup, then .1 to .99: enough for anyone who runs --force by hand. */
#define BACKUP_TRIES 100

static const char usage[] =
	"usage: promptcost install-hook [--chain | --force]\n"
	"\n"
	"Installs the pre-commit hook (core.hooksPath, else .git/hooks), so that every\n"
	"'git commit' first runs 'promptcost check --staged'. An existing different\n"
	"hook is left alone (exit 2) unless:\n"
	"\n"
	"  --chain      keep it (as pre-commit.chained) and run it before the check\n"
	"  --force      replace it, keeping a backup copy (pre-commit.backup)\n"
	"  -h, --help   this help\n"
	"\n"
	"exit status: 0 installed (or already installed), 2 usage error or a different\n"
	"hook in the way, 3 not in a git repository or the hooks folder not writable\n"
	"\n"
	"The manual: man promptcost-install-hook\n";

enum existing_hook {
	HOOK_ABSENT,
	HOOK_SAME,		  /* byte for byte the hook we install, executable */
	HOOK_SAME_NOT_EXECUTABLE, /* our text, but git would ignore it: rewriting loses nothing */
	HOOK_OURS_OTHER_VERSION,  /* another version (or an edited copy) of our hook */
	HOOK_OTHER
};

static void hook_text(struct pc_buf *out)
{
	for (size_t i = 0; pc_hook_pre_commit_lines[i]; i++)
		pc_buf_adds(out, pc_hook_pre_commit_lines[i]);
}

/* Creates path and its missing parents, as mkdir -p does. */
static int make_folders(const char *path)
{
	char *copy = pc_xstrdup(path);
	int error = 0;

	for (char *p = copy + 1;; p++) {
		char saved = *p;

		if (saved != '/' && saved != '\0')
			continue;
		*p = '\0';
		if (mkdir(copy, 0777) < 0 && errno != EEXIST) {
			error = pc_error_set(PC_EIO, "cannot create folder '%s': %s", copy,
					     strerror(errno));
			goto done;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	if (access(path, W_OK) < 0)
		error = pc_error_set(PC_EIO, "cannot write in folder '%s': %s", path,
				     strerror(errno));
done:
	free(copy);
	return error;
}

/* Whether something (a file, a link, even a dangling one, a folder) is at path. */
static int path_taken(bool *out, const char *path)
{
	struct stat st;

	*out = false;
	if (lstat(path, &st) == 0) {
		*out = true;
		return 0;
	}
	if (errno == ENOENT)
		return 0;
	return pc_error_set(PC_EIO, "cannot inspect '%s': %s", path, strerror(errno));
}

static int inspect_hook(enum existing_hook *out, const char *path, const struct pc_buf *text)
{
	struct pc_buf current = PC_BUF_INIT;
	struct stat st;
	bool taken;
	int error;

	*out = HOOK_ABSENT;
	if ((error = path_taken(&taken, path)) < 0 || !taken)
		return error;
	*out = HOOK_OTHER;
	/* stat, not lstat: a link to a copy of our hook is our hook. */
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > HOOK_READ_MAX)
		return 0;
	error = pc_file_read(&current, path, HOOK_READ_MAX);
	if (error < 0)
		goto done;
	if (current.len == text->len && !memcmp(current.ptr, text->ptr, text->len))
		*out = (st.st_mode & S_IXUSR) ? HOOK_SAME : HOOK_SAME_NOT_EXECUTABLE;
	else if (strstr(current.ptr, HOOK_MARKER))
		*out = HOOK_OURS_OTHER_VERSION;
done:
	pc_buf_release(&current);
	return error;
}

/* The first of pre-commit.backup, pre-commit.backup.1, ... that is free. */
static int backup_path(struct pc_buf *out, const char *hooks_dir)
{
	for (int i = 0; i < BACKUP_TRIES; i++) {
		bool taken;
		int error;

		pc_buf_reset(out);
		pc_buf_addf(out, "%s/%s", hooks_dir, BACKUP_NAME);
		if (i)
			pc_buf_addf(out, ".%d", i);
		if ((error = path_taken(&taken, out->ptr)) < 0)
			return error;
		if (!taken)
			return 0;
	}
	return pc_error_set(PC_EIO, "'%s/%s' and its %d numbered variants are all taken",
			    hooks_dir, BACKUP_NAME, BACKUP_TRIES - 1);
}

/*
 * Moves the existing hook to keep_path, then writes ours. Should the write
 * fail, the old hook is moved back, so a failure loses nothing.
 */
static int move_aside_and_install(const char *hook_path, const char *keep_path,
				  const struct pc_buf *text)
{
	int error;

	if (rename(hook_path, keep_path) < 0)
		return pc_error_set(PC_EIO, "cannot rename '%s' to '%s': %s", hook_path, keep_path,
				    strerror(errno));
	error = pc_file_write_atomic_mode(hook_path, text->ptr, text->len, 0755);
	if (error < 0)
		(void)rename(keep_path, hook_path);
	return error;
}

static int refuse_other_hook(const char *hook_path, enum existing_hook state)
{
	int error;

	if (state == HOOK_OURS_OTHER_VERSION) {
		error = pc_error_set(PC_EINPUT,
				     "'%s' is another version of the promptcost hook (or an edited "
				     "copy); nothing changed",
				     hook_path);
		cli_fail(error);
		fputs("hint: 'promptcost install-hook --force' replaces it, keeping a copy as '"
		      BACKUP_NAME "'\n",
		      stderr);
		return PC_EXIT_INPUT;
	}
	error = pc_error_set(PC_EINPUT, "'%s' is a different pre-commit hook; nothing changed",
			     hook_path);
	cli_fail(error);
	fputs("hint: 'promptcost install-hook --chain' keeps it as '" CHAINED_NAME
	      "' and runs it before the cost check\n"
	      "hint: 'promptcost install-hook --force' replaces it, keeping a copy as '"
	      BACKUP_NAME "'\n",
	      stderr);
	return PC_EXIT_INPUT;
}

int cmd_install_hook(int argc, char **argv)
{
	struct pc_repo *repo = NULL;
	struct pc_buf hooks_dir = PC_BUF_INIT;
	struct pc_buf hook_path = PC_BUF_INIT;
	struct pc_buf keep_path = PC_BUF_INIT;
	struct pc_buf text = PC_BUF_INIT;
	enum existing_hook state;
	bool force = false, chain = false, taken;
	int status = PC_EXIT_PASS;
	int error = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return PC_EXIT_PASS;
		} else if (!strcmp(argv[i], "--force")) {
			force = true;
		} else if (!strcmp(argv[i], "--chain")) {
			chain = true;
		} else {
			return cli_usage_error(argv[0], "unknown argument '%s'", argv[i]);
		}
	}
	if (force && chain)
		return cli_usage_error(argv[0], "--chain and --force cannot be used together");

	if ((error = pc_repo_open(&repo, NULL)) < 0)
		goto done;
	if (!pc_repo_workdir(repo)) {
		/* git never runs pre-commit there: nothing is committed from a bare repository. */
		error = pc_error_set(PC_EGIT,
				     "bare repository: it has no working tree to commit from, so "
				     "no pre-commit hook");
		goto done;
	}
	if ((error = pc_repo_hooks_dir(&hooks_dir, repo)) < 0 ||
	    (error = make_folders(hooks_dir.ptr)) < 0)
		goto done;
	pc_buf_addf(&hook_path, "%s/%s", hooks_dir.ptr, HOOK_NAME);
	hook_text(&text);
	if ((error = inspect_hook(&state, hook_path.ptr, &text)) < 0)
		goto done;

	switch (state) {
	case HOOK_SAME:
		printf("the promptcost pre-commit hook is already installed in '%s'\n",
		       hook_path.ptr);
		break;
	case HOOK_ABSENT:
	case HOOK_SAME_NOT_EXECUTABLE:
		/* The same text is already there when not executable: rewriting loses nothing. */
		if ((error = pc_file_write_atomic_mode(hook_path.ptr, text.ptr, text.len, 0755)) < 0)
			goto done;
		printf("installed the promptcost pre-commit hook in '%s'\n", hook_path.ptr);
		break;
	case HOOK_OURS_OTHER_VERSION:
	case HOOK_OTHER:
		if (!force && (!chain || state == HOOK_OURS_OTHER_VERSION)) {
			/* Chaining our own older hook would run the check twice. */
			status = refuse_other_hook(hook_path.ptr, state);
			break;
		}
		if (chain) {
			pc_buf_addf(&keep_path, "%s/%s", hooks_dir.ptr, CHAINED_NAME);
			if ((error = path_taken(&taken, keep_path.ptr)) < 0)
				goto done;
			if (taken) {
				error = pc_error_set(PC_EINPUT,
						     "cannot chain '%s': '%s' already exists; "
						     "nothing changed",
						     hook_path.ptr, keep_path.ptr);
				goto done;
			}
		} else if ((error = backup_path(&keep_path, hooks_dir.ptr)) < 0) {
			goto done;
		}
		if ((error = move_aside_and_install(hook_path.ptr, keep_path.ptr, &text)) < 0)
			goto done;
		printf("installed the promptcost pre-commit hook in '%s'\n", hook_path.ptr);
		if (chain)
			printf("the previous hook is now '%s'; it runs first, and its failure "
			       "stops the commit\n",
			       keep_path.ptr);
		else
			printf("the previous hook is kept as '%s'\n", keep_path.ptr);
		break;
	}

done:
	if (error < 0)
		status = cli_fail(error);
	pc_buf_release(&text);
	pc_buf_release(&keep_path);
	pc_buf_release(&hook_path);
	pc_buf_release(&hooks_dir);
	pc_repo_free(repo);
	return status;
}
