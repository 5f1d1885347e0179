/*
 * Tests of the token-count cache file (src/cache.c) on real files in a
 * temporary folder: values round-trip; every single damaged byte, every
 * truncation and a wrong header drop what they touch and nothing else (no
 * damaged value is ever returned); a save merges what another run saved
 * meanwhile; and processes saving at once leave a file that verifies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "promptcost/cache.h"
#include "promptcost/common.h"
#include "promptcost/yaml.h"

#define NKEYS 8
#define HEADER_SIZE 16
#define RECORD_SIZE 64

static char dir[64];
static char path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/pc-cache-test-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/promptcost/" PC_CACHE_FILE, dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void key_of(unsigned char key[PC_CACHE_KEY_SIZE], int i)
{
	/* distinct for every i: its bytes first, then filler */
	for (int b = 0; b < PC_CACHE_KEY_SIZE; b++)
		key[b] = b < 4 ? (unsigned char)((unsigned)i >> (8 * b)) : (unsigned char)(b * 11 + i);
}

static struct pc_cache_value value_of(int i)
{
	struct pc_cache_value v = { { 1000 + i, -i, 7 * i } };

	return v;
}

/* A saved cache of NKEYS records; the file's bytes into *out. */
static void write_cache(struct pc_buf *out)
{
	struct pc_cache *c;
	unsigned char key[PC_CACHE_KEY_SIZE];

	unlink(path);
	c = pc_cache_open(path);
	assert_int_equal(pc_cache_loaded(c), 0);
	for (int i = 0; i < NKEYS; i++) {
		struct pc_cache_value v = value_of(i);

		key_of(key, i);
		pc_cache_put(c, key, &v);
	}
	assert_int_equal(pc_cache_save(c), 0);
	pc_cache_free(c);
	pc_buf_reset(out);
	assert_int_equal(pc_file_read(out, path, 1 << 20), 0);
	assert_int_equal(out->len, HEADER_SIZE + NKEYS * RECORD_SIZE);
}

/* Every key the cache returns has its true value; how many it returns. */
static int check_values(const struct pc_cache *c)
{
	unsigned char key[PC_CACHE_KEY_SIZE];
	int found = 0;

	for (int i = 0; i < NKEYS; i++) {
		struct pc_cache_value v, want = value_of(i);

		key_of(key, i);
		if (!pc_cache_get(c, key, &v))
			continue;
		assert_memory_equal(&v, &want, sizeof(v));
		found++;
	}
	return found;
}

static void write_bytes(const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_cache__values_round_trip_in_the_folder_it_makes(void **state)
{
	struct pc_buf bytes = PC_BUF_INIT;
	struct pc_cache *c;

	(void)state;
	write_cache(&bytes);
	c = pc_cache_open(path);
	assert_int_equal(pc_cache_loaded(c), NKEYS);
	assert_int_equal(pc_cache_dropped(c), 0);
	assert_int_equal(check_values(c), NKEYS);
	/* nothing new: no write (the file keeps its bytes and time) */
	assert_int_equal(pc_cache_save(c), 0);
	pc_cache_free(c);
	pc_buf_release(&bytes);
}

static void test_cache__every_damaged_byte_drops_its_record_only(void **state)
{
	struct pc_buf good = PC_BUF_INIT, back = PC_BUF_INIT;

	(void)state;
	write_cache(&good);
	for (size_t at = 0; at < good.len; at++) {
		for (int flip = 0; flip < 2; flip++) {
			struct pc_cache *c;
			char *bad = pc_xmalloc(good.len);

			memcpy(bad, good.ptr, good.len);
			bad[at] = (char)(flip ? bad[at] ^ 0x01 : bad[at] ^ 0xFF);
			write_bytes(bad, good.len);
			c = pc_cache_open(path);
			if (at < HEADER_SIZE) {
				/* a wrong header: nothing is trusted */
				assert_int_equal(check_values(c), 0);
			} else {
				assert_int_equal(check_values(c), NKEYS - 1);
				assert_int_equal(pc_cache_dropped(c), 1);
			}
			/* the damage is repaired on the next save */
			assert_int_equal(pc_cache_save(c), 0);
			pc_cache_free(c);
			c = pc_cache_open(path);
			assert_int_equal(pc_cache_dropped(c), 0);
			assert_int_equal(check_values(c), at < HEADER_SIZE ? 0 : NKEYS - 1);
			pc_cache_free(c);
			free(bad);
		}
	}
	assert_int_equal(pc_file_read(&back, path, 1 << 20), 0);
	pc_buf_release(&good);
	pc_buf_release(&back);
}

static void test_cache__every_truncation_keeps_the_whole_records(void **state)
{
	struct pc_buf good = PC_BUF_INIT;

	(void)state;
	write_cache(&good);
	for (size_t len = 0; len < good.len; len++) {
		struct pc_cache *c;
		size_t whole = len < HEADER_SIZE ? 0 : (len - HEADER_SIZE) / RECORD_SIZE;

		write_bytes(good.ptr, len);
		c = pc_cache_open(path);
		assert_int_equal(check_values(c), (int)whole);
		assert_int_equal(pc_cache_loaded(c), whole);
		pc_cache_free(c);
	}
	pc_buf_release(&good);
}

static void test_cache__garbage_and_other_files_are_not_trusted(void **state)
{
	struct pc_buf good = PC_BUF_INIT;
	struct pc_cache *c;
	char junk[HEADER_SIZE + 3 * RECORD_SIZE];

	(void)state;
	write_cache(&good);
	/* random bytes after a right header: every record fails its checksum */
	memcpy(junk, good.ptr, HEADER_SIZE);
	for (size_t i = HEADER_SIZE; i < sizeof(junk); i++)
		junk[i] = (char)(i * 131 + 7);
	write_bytes(junk, sizeof(junk));
	c = pc_cache_open(path);
	assert_int_equal(pc_cache_loaded(c), 0);
	assert_int_equal(pc_cache_dropped(c), 3);
	pc_cache_free(c);
	/* a folder where the file should be: an empty cache, and a save fails quietly */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	c = pc_cache_open(path);
	assert_int_equal(pc_cache_loaded(c), 0);
	{
		unsigned char key[PC_CACHE_KEY_SIZE];
		struct pc_cache_value v = value_of(1);

		key_of(key, 1);
		pc_cache_put(c, key, &v);
	}
	assert_true(pc_cache_save(c) < 0);
	pc_error_clear();
	pc_cache_free(c);
	assert_int_equal(rmdir(path), 0);
	pc_buf_release(&good);
}

static void test_cache__a_save_keeps_what_another_run_saved(void **state)
{
	struct pc_cache *a, *b;
	unsigned char key[PC_CACHE_KEY_SIZE];
	struct pc_cache_value v;

	(void)state;
	unlink(path);
	a = pc_cache_open(path);
	b = pc_cache_open(path);
	for (int i = 0; i < NKEYS; i++) {
		v = value_of(i);
		key_of(key, i);
		pc_cache_put(i % 2 ? a : b, key, &v);
	}
	assert_int_equal(pc_cache_save(a), 0);
	assert_int_equal(pc_cache_save(b), 0);
	pc_cache_free(a);
	pc_cache_free(b);
	a = pc_cache_open(path);
	assert_int_equal(check_values(a), NKEYS);
	pc_cache_free(a);
}

static void test_cache__processes_saving_at_once_leave_a_sound_file(void **state)
{
	enum { NPROC = 6, PER = 200 };
	pid_t pids[NPROC];
	struct pc_cache *c;
	int found = 0;

	(void)state;
	unlink(path);
	for (int p = 0; p < NPROC; p++) {
		pids[p] = fork();
		assert_true(pids[p] >= 0);
		if (pids[p] == 0) {
			for (int round = 0; round < 5; round++) {
				struct pc_cache *mine = pc_cache_open(path);

				for (int i = 0; i < PER; i++) {
					unsigned char key[PC_CACHE_KEY_SIZE];
					struct pc_cache_value v = { { p, i, round } };

					key_of(key, 1000 + p * PER + i);
					pc_cache_put(mine, key, &v);
				}
				pc_cache_save(mine);
				pc_cache_free(mine);
			}
			_exit(0);
		}
	}
	for (int p = 0; p < NPROC; p++) {
		int st;

		assert_int_equal(waitpid(pids[p], &st, 0), pids[p]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	c = pc_cache_open(path);
	assert_int_equal(pc_cache_dropped(c), 0);
	/* each run's records are its own keys with its own values, whole */
	for (int p = 0; p < NPROC; p++)
		for (int i = 0; i < PER; i++) {
			unsigned char key[PC_CACHE_KEY_SIZE];
			struct pc_cache_value v;

			key_of(key, 1000 + p * PER + i);
			if (pc_cache_get(c, key, &v)) {
				assert_int_equal(v.v[0], p);
				assert_int_equal(v.v[1], i);
				found++;
			}
		}
	/* the last process to save saw at least its own records */
	assert_true(found >= PER);
	pc_cache_free(c);
}

static bool same_tree(const struct pc_yaml_node *a, const struct pc_yaml_node *b)
{
	if (a->kind != b->kind || a->plain != b->plain || a->pos.line != b->pos.line ||
	    a->pos.col != b->pos.col || a->n != b->n)
		return false;
	if (a->kind == PC_YAML_SCALAR)
		return !strcmp(a->text, b->text);
	for (size_t i = 0; i < a->n; i++)
		if (!same_tree(a->items[i], b->items[i]))
			return false;
	return true;
}

static void test_cache__a_parsed_configuration_round_trips_or_is_refused(void **state)
{
	static const char yaml[] =
		"version: 1\nmodels:\n  m: {encoding: o200k_base, input_per_1m: \"0.15\"}\n"
		"templates:\n  - id: a\n    files: [p/a.md, 'p/b c.md']\n    calls_per_day: 10\n"
		"  - id: b\n    empty:\n    text: |\n      two\n      lines\n";
	const char *oid = "0123456789abcdef0123456789abcdef01234567";
	struct pc_yaml_node *root = NULL, *back;
	struct pc_buf tpath = PC_BUF_INIT, good = PC_BUF_INIT;
	char tdir[160];

	(void)state;
	snprintf(tdir, sizeof(tdir), "%s/trees", dir);
	assert_int_equal(pc_yaml_load(&root, "c.yml", yaml, strlen(yaml), 1 << 20), 0);
	assert_null(pc_cache_tree_load(tdir, oid));
	pc_cache_tree_store(tdir, oid, root);
	back = pc_cache_tree_load(tdir, oid);
	assert_non_null(back);
	assert_true(same_tree(root, back));
	pc_yaml_free(back);
	/* another blob id: not this tree */
	assert_null(pc_cache_tree_load(tdir, "1123456789abcdef0123456789abcdef01234567"));
	pc_buf_addf(&tpath, "%s/config-%s.tree", tdir, oid);
	assert_int_equal(pc_file_read(&good, tpath.ptr, 1 << 20), 0);
	for (size_t at = 0; at < good.len; at++) {
		char *bad = pc_xmalloc(good.len);
		FILE *f;

		memcpy(bad, good.ptr, good.len);
		bad[at] = (char)(bad[at] ^ 0x20);
		f = fopen(tpath.ptr, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(bad, 1, good.len, f), good.len);
		assert_int_equal(fclose(f), 0);
		assert_null(pc_cache_tree_load(tdir, oid));
		free(bad);
	}
	for (size_t len = 0; len < good.len; len++) {
		FILE *f = fopen(tpath.ptr, "wb");

		assert_non_null(f);
		assert_int_equal(fwrite(good.ptr, 1, len, f), len);
		assert_int_equal(fclose(f), 0);
		assert_null(pc_cache_tree_load(tdir, oid));
	}
	/* the 8 newest trees are kept */
	for (int i = 0; i < 12; i++) {
		char other[41];

		snprintf(other, sizeof(other), "%040d", i);
		pc_cache_tree_store(tdir, other, root);
	}
	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "test $(ls '%s' | grep -c '^config-.*\\.tree$') -eq 8", tdir);
		assert_int_equal(system(cmd), 0);
	}
	pc_yaml_free(root);
	pc_buf_release(&tpath);
	pc_buf_release(&good);
}

static void test_cache__the_environment_turns_it_off(void **state)
{
	(void)state;
	unsetenv(PC_CACHE_ENV);
	assert_false(pc_cache_disabled_by_env());
	setenv(PC_CACHE_ENV, "0", 1);
	assert_false(pc_cache_disabled_by_env());
	setenv(PC_CACHE_ENV, "", 1);
	assert_false(pc_cache_disabled_by_env());
	setenv(PC_CACHE_ENV, "1", 1);
	assert_true(pc_cache_disabled_by_env());
	unsetenv(PC_CACHE_ENV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache__values_round_trip_in_the_folder_it_makes),
		cmocka_unit_test(test_cache__every_damaged_byte_drops_its_record_only),
		cmocka_unit_test(test_cache__every_truncation_keeps_the_whole_records),
		cmocka_unit_test(test_cache__garbage_and_other_files_are_not_trusted),
		cmocka_unit_test(test_cache__a_save_keeps_what_another_run_saved),
		cmocka_unit_test(test_cache__processes_saving_at_once_leave_a_sound_file),
		cmocka_unit_test(test_cache__a_parsed_configuration_round_trips_or_is_refused),
		cmocka_unit_test(test_cache__the_environment_turns_it_off),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
