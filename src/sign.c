/*
 * Signing with ssh-keygen as git does for gpg.format=ssh: the key from
 * --key, user.signingKey or ssh-agent, the program from gpg.ssh.program,
 * spawned without a shell; the data and any literal key go through files in
 * a private temporary folder, removed afterwards.
 */
#include "promptcost/sign.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* A private folder for the files of one signature. */
struct workdir {
	char path[4096];
	char *files[8];
	size_t nfiles;
};

static int workdir_make(struct workdir *w)
{
	const char *tmp = getenv("TMPDIR");

	memset(w, 0, sizeof(*w));
	if (!tmp || !*tmp)
		tmp = "/tmp";
	if ((size_t)snprintf(w->path, sizeof(w->path), "%s/promptcost-sign-XXXXXX", tmp) >=
	    sizeof(w->path))
		return pc_error_set(PC_EIO, "TMPDIR is too long");
	if (!mkdtemp(w->path))
		return pc_error_set(PC_EIO, "cannot create a temporary folder in %s: %s", tmp,
				    strerror(errno));
	return 0;
}

/* The path of a file in the folder, remembered for removal; owned by w. */
static const char *workdir_file(struct workdir *w, const char *name)
{
	struct pc_buf b = PC_BUF_INIT;

	assert(w->nfiles < sizeof(w->files) / sizeof(w->files[0]));
	pc_buf_addf(&b, "%s/%s", w->path, name);
	w->files[w->nfiles] = pc_buf_detach(&b, NULL);
	return w->files[w->nfiles++];
}

static void workdir_remove(struct workdir *w)
{
	for (size_t i = 0; i < w->nfiles; i++) {
		unlink(w->files[i]);
		free(w->files[i]);
	}
	if (w->path[0])
		rmdir(w->path);
	memset(w, 0, sizeof(*w));
}

static int write_file(const char *path, const void *data, size_t len)
{
	const char *p = data;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);

	if (fd < 0)
		return pc_error_set(PC_EIO, "%s: cannot create: %s", path, strerror(errno));
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return pc_error_set(PC_EIO, "%s: cannot write: %s", path, strerror(errno));
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0)
		return pc_error_set(PC_EIO, "%s: cannot close: %s", path, strerror(errno));
	return 0;
}

/* The last non-empty line of a file, for an error message ("" when none). */
static void last_line(struct pc_buf *out, const char *path)
{
	struct pc_buf text = PC_BUF_INIT;
	size_t end, start;

	if (pc_file_read(&text, path, 65536) < 0) {
		pc_error_clear();
		goto done;
	}
	end = text.len;
	while (end && (text.ptr[end - 1] == '\n' || text.ptr[end - 1] == '\r'))
		end--;
	start = end;
	while (start && text.ptr[start - 1] != '\n')
		start--;
	for (size_t i = start; i < end; i++)
		pc_buf_addch(out, (unsigned char)text.ptr[i] < 0x20 ? ' ' : text.ptr[i]);
done:
	pc_buf_release(&text);
}

/*
 * Runs argv (argv[0] looked up on PATH), stdin inherited (ssh-keygen asks
 * for a passphrase on the terminal), stdout and stderr to files. Sets
 * *status to the exit status, -1 when killed. Fails only when it cannot run.
 */
static int run(int *status, char *const argv[], const char *out_path, const char *err_path)
{
	posix_spawn_file_actions_t actions;
	pid_t pid;
	int wstatus, rc;

	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&actions, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	rc = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	if (rc)
		return pc_error_set(PC_EINPUT, "cannot run '%s': %s", argv[0], strerror(rc));
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return pc_error_set(PC_EIO, "cannot wait for '%s': %s", argv[0],
					    strerror(errno));
	*status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
	return 0;
}

/* git's test for a literal key in user.signingKey: "key::..." or "ssh-..." */
static const char *literal_key(const char *value)
{
	if (!strncmp(value, "key::", 5))
		return value + 5;
	if (!strncmp(value, "ssh-", 4) || !strncmp(value, "ecdsa-", 6) ||
	    !strncmp(value, "sk-", 3))
		return value;
	return NULL;
}

/* The first key ssh-agent holds (ssh-add -L), as a literal public key, into out. */
static int agent_key(struct pc_buf *out, struct workdir *w)
{
	char *argv[] = { (char *)"ssh-add", (char *)"-L", NULL };
	const char *keys = workdir_file(w, "agent-keys"), *errors = workdir_file(w, "agent-err");
	struct pc_buf text = PC_BUF_INIT, why = PC_BUF_INIT;
	int status, error;

	if ((error = run(&status, argv, keys, errors)) < 0)
		goto done;
	if (status == 0 && !(error = pc_file_read(&text, keys, 1 << 20)) &&
	    literal_key(text.ptr)) {
		pc_buf_add(out, text.ptr, strcspn(text.ptr, "\n"));
		goto done;
	}
	pc_error_clear();
	last_line(&why, status ? errors : keys);
	error = pc_error_set(PC_EINPUT, "no key to sign with: pass --key FILE, set git config "
			     "user.signingKey, or add a key to ssh-agent (ssh-add -L: %s)",
			     why.len ? why.ptr : "no keys");
done:
	pc_buf_release(&text);
	pc_buf_release(&why);
	return error;
}

int pc_sign_ssh(struct pc_buf *out, struct pc_repo *repo, const char *key_path,
		const char *namespace, const void *data, size_t len)
{
	struct pc_buf program = PC_BUF_INIT, setting = PC_BUF_INIT, key = PC_BUF_INIT,
		      literal = PC_BUF_INIT, why = PC_BUF_INIT;
	struct workdir w;
	const char *payload, *errors, *output, *lit = NULL;
	char *argv[10];
	size_t argc = 0;
	int status, error;

	if ((error = workdir_make(&w)) < 0)
		return error;
	if ((error = pc_repo_config_string(&program, repo, "gpg.ssh.program")) == PC_ENOTFOUND) {
		pc_error_clear();
		pc_buf_adds(&program, "ssh-keygen");
	} else if (error < 0) {
		goto done;
	}
	if (key_path) {
		pc_buf_adds(&key, key_path);
	} else if (!(error = pc_repo_config_string(&setting, repo, "user.signingKey"))) {
		if ((lit = literal_key(setting.ptr))) {
			pc_buf_adds(&literal, lit);
		} else if (!strncmp(setting.ptr, "~/", 2) && getenv("HOME")) {
			pc_buf_addf(&key, "%s/%s", getenv("HOME"), setting.ptr + 2);
		} else {
			pc_buf_adds(&key, setting.ptr);
		}
	} else if (error == PC_ENOTFOUND) {
		pc_error_clear();
		if ((error = agent_key(&literal, &w)) < 0)
			goto done;
		lit = literal.ptr;
	} else {
		goto done;
	}
	if (lit) {
		/* ssh-keygen signs with the agent's private key for this public one */
		const char *file = workdir_file(&w, "key.pub");

		pc_buf_addch(&literal, '\n');
		if ((error = write_file(file, literal.ptr, literal.len)) < 0)
			goto done;
		pc_buf_adds(&key, file);
	}
	payload = workdir_file(&w, "payload");
	output = workdir_file(&w, "payload.sig");
	errors = workdir_file(&w, "errors");
	if ((error = write_file(payload, data, len)) < 0)
		goto done;
	argv[argc++] = program.ptr;
	argv[argc++] = (char *)"-Y";
	argv[argc++] = (char *)"sign";
	argv[argc++] = (char *)"-n";
	argv[argc++] = (char *)namespace;
	argv[argc++] = (char *)"-f";
	argv[argc++] = key.ptr;
	if (lit)
		argv[argc++] = (char *)"-U";
	argv[argc++] = (char *)payload;
	argv[argc] = NULL;
	/* ssh-keygen writes the signature beside the data; its stdout says nothing we need */
	if ((error = run(&status, argv, "/dev/null", errors)) < 0)
		goto done;
	if (status != 0 || (error = pc_file_read(out, output, 65536)) < 0) {
		pc_error_clear();
		last_line(&why, errors);
		error = pc_error_set(PC_EINPUT, "%s -Y sign with %s failed%s%s", program.ptr,
				     lit ? "an ssh-agent key" : key.ptr,
				     why.len ? ": " : "", why.ptr);
	}
done:
	workdir_remove(&w);
	pc_buf_release(&program);
	pc_buf_release(&setting);
	pc_buf_release(&key);
	pc_buf_release(&literal);
	pc_buf_release(&why);
	return error;
}
