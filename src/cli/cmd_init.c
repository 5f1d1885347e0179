/*
 * `promptcost init`: writes the commented starter .promptcost.yml at the root
 * of the repository (or in the current folder outside one), atomically, and
 * never over an existing file.
 */
#include "cli.h"

#include "promptcost/config.h"
#include "promptcost/git.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
	"usage: promptcost init\n"
	"\n"
	"Writes a commented starter .promptcost.yml at the root of the git repository\n"
	"(in the current folder when not inside one). It never overwrites an existing\n"
	"file.\n"
	"\n"
	"  -h, --help     this help\n"
	"\n"
	"exit status: 0 written, 2 usage error or the file already exists, 3 git or\n"
	"I/O error\n"
	"\n"
	"The manual: man promptcost-init\n";

/* The folder to write in, with a trailing '/' (or "" for the current folder), into out. */
static int find_root(struct pc_buf *out, bool *in_repo)
{
	struct pc_repo *repo = NULL;
	const char *workdir;
	int error;

	*in_repo = false;
	error = pc_repo_open(&repo, NULL);
	if (error == PC_EGIT) {
		/* not a repository: the current folder is the only sensible place */
		pc_error_clear();
		return 0;
	}
	if (error)
		return error;
	workdir = pc_repo_workdir(repo);
	if (!workdir) {
		error = pc_error_set(PC_EINPUT, "this is a bare repository; run 'promptcost init' "
						"in a working tree");
		goto done;
	}
	pc_buf_adds(out, workdir);
	*in_repo = true;
done:
	pc_repo_free(repo);
	return error;
}

int cmd_init(int argc, char **argv)
{
	struct pc_buf path = PC_BUF_INIT;
	const char *starter = pc_config_starter();
	struct stat st;
	bool in_repo;
	int error, status = PC_EXIT_PASS;

	if (argc > 1) {
		if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			fputs(usage, stdout);
			return PC_EXIT_PASS;
		}
		if (argv[1][0] == '-')
			return cli_usage_error(argv[0], "unknown option '%s'", argv[1]);
		return cli_usage_error(argv[0], "unexpected argument '%s'", argv[1]);
	}

	if ((error = find_root(&path, &in_repo)))
		goto done;
	pc_buf_adds(&path, PC_CONFIG_PATH);
	if (lstat(path.ptr, &st) == 0) {
		error = pc_error_set(PC_EINPUT, "'%s' already exists; init never overwrites it "
						"(edit it, or move it away first)", path.ptr);
		goto done;
	}
	if (errno != ENOENT) {
		error = pc_error_set(PC_EIO, "%s: cannot check: %s", path.ptr, strerror(errno));
		goto done;
	}
	if (!in_repo)
		pc_warn("not inside a git repository; writing %s in the current folder",
			PC_CONFIG_PATH);
	if ((error = pc_file_write_atomic(path.ptr, starter, strlen(starter))))
		goto done;
	cli_print_warnings();
	printf("wrote %s\n", path.ptr);
	printf("next: point each template's 'files' at your prompt files, set your models' "
	       "prices and your teams' budgets, then run 'promptcost check'\n");
done:
	if (error)
		status = cli_fail(error);
	pc_buf_release(&path);
	return status;
}
