/*
 * Fixture repositories for the tests: real git repositories made with git
 * itself in a temporary folder, with fixed author and committer dates so
 * object ids are reproducible, and the user's own git configuration kept out
 * (HOME, GIT_CONFIG_GLOBAL and GIT_CONFIG_NOSYSTEM point nowhere).
 */
#ifndef PROMPTCOST_TESTS_FIXTURE_H
#define PROMPTCOST_TESTS_FIXTURE_H

#include <stddef.h>

/* Call once before anything else: sets the environment up for reproducible git. */
void fx_setup(void);

/* A new temporary folder with an empty repository (branch main); free() the path. */
char *fx_repo_new(void);
/* A new empty temporary folder; free() the path. */
char *fx_tmpdir_new(void);
/* Removes a folder made by fx_repo_new or fx_tmpdir_new. */
void fx_remove(const char *dir);

/* Writes content to dir/path, making folders as needed. */
void fx_write(const char *dir, const char *path, const char *content);
void fx_write_bytes(const char *dir, const char *path, const void *data, size_t len);
/* Runs a shell command line in dir (with the fixed git environment); fails the test on error. */
void fx_sh(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Runs a shell command line in dir and returns its exit status (no test failure). */
int fx_sh_status(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* `git add -A && git commit -m msg`, with the clock advanced one minute per commit. */
void fx_commit_all(const char *dir, const char *msg);
/* The output of a shell command line in dir, trailing newline removed; free() it. */
char *fx_capture(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
