/*
 * Fixture repositories made with git in temporary folders; see fixture.h.
 */
#include "fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static int tick;

void fx_setup(void)
{
	static char home[64];

	if (home[0])
		return;
	strcpy(home, "/tmp/pc-home-XXXXXX");
	assert_non_null(mkdtemp(home));
	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", home, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
	setenv("GIT_AUTHOR_NAME", "Fixture Author", 1);
	setenv("GIT_AUTHOR_EMAIL", "author@example.com", 1);
	setenv("GIT_COMMITTER_NAME", "Fixture Committer", 1);
	setenv("GIT_COMMITTER_EMAIL", "committer@example.com", 1);
	setenv("TZ", "UTC", 1);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_INDEX_FILE");
}

static void set_dates(void)
{
	char date[64];

	snprintf(date, sizeof(date), "@%d +0000", 1700000000 + 60 * tick);
	setenv("GIT_AUTHOR_DATE", date, 1);
	setenv("GIT_COMMITTER_DATE", date, 1);
}

char *fx_tmpdir_new(void)
{
	char *dir = strdup("/tmp/pc-test-XXXXXX");

	fx_setup();
	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

char *fx_repo_new(void)
{
	char *dir = fx_tmpdir_new();

	fx_sh(dir, "git init -q -b main . && git config user.name Fixture && "
		   "git config user.email fixture@example.com");
	return dir;
}

void fx_remove(const char *dir)
{
	char cmd[4200];

	assert_true(strncmp(dir, "/tmp/pc-", 8) == 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void make_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
}

void fx_write_bytes(const char *dir, const char *path, const void *data, size_t len)
{
	char full[4200];
	FILE *f;

	snprintf(full, sizeof(full), "%s/%s", dir, path);
	make_parents(full);
	f = fopen(full, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

void fx_write(const char *dir, const char *path, const char *content)
{
	fx_write_bytes(dir, path, content, strlen(content));
}

static int run_v(const char *dir, const char *fmt, va_list ap)
{
	char line[8192], cmd[12288];

	vsnprintf(line, sizeof(line), fmt, ap);
	snprintf(cmd, sizeof(cmd), "cd '%s' && { %s ; } >/dev/null 2>&1", dir, line);
	set_dates();
	return system(cmd);
}

void fx_sh(const char *dir, const char *fmt, ...)
{
	va_list ap;
	int status;

	va_start(ap, fmt);
	status = run_v(dir, fmt, ap);
	va_end(ap);
	if (status != 0)
		fail_msg("fixture command failed (%d) in %s: %s", status, dir, fmt);
}

int fx_sh_status(const char *dir, const char *fmt, ...)
{
	va_list ap;
	int status;

	va_start(ap, fmt);
	status = run_v(dir, fmt, ap);
	va_end(ap);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void fx_commit_all(const char *dir, const char *msg)
{
	tick++;
	fx_sh(dir, "git add -A && git commit -q --allow-empty -m '%s'", msg);
}

char *fx_capture(const char *dir, const char *fmt, ...)
{
	char line[8192], cmd[12288];
	char *out = NULL;
	size_t len = 0, cap = 0;
	va_list ap;
	FILE *p;
	int c;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "cd '%s' && %s", dir, line);
	set_dates();
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((c = fgetc(p)) != EOF) {
		if (len + 2 > cap) {
			cap = cap ? cap * 2 : 256;
			out = realloc(out, cap);
			assert_non_null(out);
		}
		out[len++] = (char)c;
	}
	pclose(p);
	if (!out)
		out = calloc(1, 1);
	else
		out[len] = '\0';
	while (len && out[len - 1] == '\n')
		out[--len] = '\0';
	return out;
}
