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
#include "promptcost/config.h"
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

#define ED_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKyWJyFI7yQHs+pUd0tZ9pJO3SYm6YMWersgruR6JSh9"

/* A configuration with every kind of field the snapshot holds. */
static const char every_field[] =
	"version: 1\n"
	"currency: USD\n"
	"days_per_month: 31\n"
	"models:\n"
	"  m: {encoding: o200k_base, input_per_1m: \"0.15\", output_per_1m: 0.6,\n"
	"      cached_input_per_1m: 0.075, cache_write_per_1m: 0.2, cache_write_1h_per_1m: 0.3,\n"
	"      cache_ttl: 1h}\n"
	"  est: {encoding: approximate, approximate_base: cl100k_base, approximate_factor: 1.25,\n"
	"        input_per_1k: 0.01, output_per_1k: 0.03}\n"
	"  gpt-4o: {}\n"
	"  gpt-4o:batch: {encoding: o200k_base, input_per_1m: 1.25, output_per_1m: 5}\n"
	"teams:\n"
	"  support: {monthly_budget: 1200.50, limit: soft, warn_at: 75%, other_monthly_spend: 3}\n"
	"  search: {monthly_budget: 10}\n"
	"use_cases:\n"
	"  replies: {monthly_budget: 99, cache_hit_target: 40%}\n"
	"reservations:\n"
	"  ptu: {model: m, units: 3, unit_price_per_hour: 1.25, tokens_per_minute_per_unit: 2500,\n"
	"        output_token_weight: 4, cached_token_weight: 0}\n"
	"templates:\n"
	"  - id: reply\n"
	"    files: [p/reply.md, 'p/b c.md', 'lib.yaml#/prompts/x']\n"
	"    team: support\n"
	"    use_case: replies\n"
	"    model: m\n"
	"    deployment: ptu\n"
	"    calls_per_day: 1200\n"
	"    output_tokens_per_call: 300\n"
	"    cache_hit_rate: 12.5%\n"
	"    cached_input_share: 50%\n"
	"    format: front-matter\n"
	"    includes: [jinja, snippets]\n"
	"    variables: {question: 120, context: 800}\n"
	"  - id: batchy\n"
	"    files: [p/batch.md]\n"
	"    model: gpt-4o\n"
	"    service_tier: batch\n"
	"    calls_per_day: 7\n"
	"    format: text\n"
	"  - family: answers\n"
	"    files: ['answers/*.md']\n"
	"    model: est\n"
	"    team: search\n"
	"    calls_per_day: 8\n"
	"  - id: catalog-named\n"
	"    files: [p/c.md]\n"
	"    model: gpt-4o-mini\n"
	"    calls_per_day: 9\n"
	"policy:\n"
	"  cost_event: {monthly_delta: 500, percent: 10, min_monthly_delta: 5}\n"
	"  unapproved_cost_event: warn\n"
	"  file_approvals: unsigned\n"
	"  cache_hit_target: 30%\n"
	"  approvers:\n"
	"    - \"github:octo-release\"\n"
	"    - {id: rm@agency.gov, key: \"" ED_KEY " rm@laptop\"}\n"
	"    - id: cfo@agency.gov\n"
	"      key: [\"" ED_KEY "\", \"" ED_KEY " backup\"]\n"
	"usage:\n"
	"  templates:\n"
	"    - { template: reply, tag: \"prompt:reply\" }\n"
	"    - { template: batchy, api_key: key_8f2 }\n"
	"    - { template: reply, project: proj_abc }\n"
	"  models:\n"
	"    gpt-4o-2024-08-06: gpt-4o\n";

static void snapshot_of(struct pc_buf *out, const struct pc_config *config)
{
	pc_buf_reset(out);
	pc_config_snapshot_write(out, config);
}

static void write_file(const char *to, const void *data, size_t len)
{
	FILE *f = fopen(to, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_cache__a_parsed_configuration_round_trips_or_is_refused(void **state)
{
	const char *oid = "0123456789abcdef0123456789abcdef01234567";
	struct pc_config *config = NULL, *back;
	struct pc_buf tpath = PC_BUF_INIT, good = PC_BUF_INIT, a = PC_BUF_INIT, b = PC_BUF_INIT;
	const struct pc_template_config *t;
	const struct pc_model *m;
	char tdir[160], today[11];

	(void)state;
	snprintf(tdir, sizeof(tdir), "%s/configs", dir);
	assert_int_equal(pc_config_parse(&config, "c.yml", every_field, strlen(every_field)), 0);
	assert_null(pc_cache_config_load(tdir, oid, "c.yml"));
	pc_cache_config_store(tdir, oid, config);
	back = pc_cache_config_load(tdir, oid, "main:c.yml");
	assert_non_null(back);
	/* what is read writes the same bytes: the walk reads back every field it wrote */
	snapshot_of(&a, config);
	snapshot_of(&b, back);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.ptr, b.ptr, a.len);
	/* and the fields are the parse's, from each part of the configuration */
	assert_string_equal(back->path, "main:c.yml");
	assert_string_equal(back->currency, "USD");
	assert_int_equal(back->days_per_month, 31);
	assert_int_equal(back->nmodels, config->nmodels);
	assert_int_equal(back->nmodels, 5); /* gpt-4o-mini from the catalog, named by a template */
	m = pc_config_model(back, "m");
	assert_non_null(m);
	assert_int_equal(m->input_micros_per_mtok, 150000);
	assert_int_equal(m->cache_write_1h_micros_per_mtok, 300000);
	assert_true(m->cache_ttl_1h);
	m = pc_config_model(back, "est");
	assert_true(m->approximate);
	assert_int_equal(m->approx_factor_ppm, 1250000);
	m = pc_config_model(back, "gpt-4o");
	assert_int_equal(m->price_source, PC_PRICE_CATALOG);
	assert_ptr_equal(m->catalog, pc_config_model(config, "gpt-4o")->catalog);
	assert_int_equal(m->input_micros_per_mtok,
			 pc_config_model(config, "gpt-4o")->input_micros_per_mtok);
	pc_catalog_today(today);
	assert_string_equal(m->price_date, today);
	assert_true(pc_config_model(back, "gpt-4o-mini")->from_template);
	assert_int_equal(back->nteams, 2);
	assert_int_equal(back->teams[0].warn_at_ppm, 750000);
	assert_int_equal(back->teams[0].limit, PC_LIMIT_SOFT);
	assert_int_equal(back->teams[0].other_monthly_spend_micros, 3000000);
	assert_int_equal(back->use_cases[0].cache_hit_target_ppm, 400000);
	assert_int_equal(back->nreservations, 1);
	assert_int_equal(back->reservations[0].output_token_weight, 4);
	assert_string_equal(back->reservations[0].model, "m");
	assert_int_equal(back->ntemplates, 4);
	t = &back->templates[0];
	assert_string_equal(t->id, "reply");
	assert_int_equal(t->nfiles, 3);
	assert_string_equal(t->files[1].pattern, "p/b c.md");
	assert_null(t->files[1].fragment);
	assert_string_equal(t->files[2].fragment, "/prompts/x");
	assert_int_equal(t->files[2].pos.line, config->templates[0].files[2].pos.line);
	assert_int_equal(t->files[2].pos.col, config->templates[0].files[2].pos.col);
	assert_string_equal(t->deployment, "ptu");
	/* a team and a use case are their budgets' own names, shared (roll-ups rely on it) */
	assert_ptr_equal(t->team, back->teams[0].name);
	assert_ptr_equal(t->use_case, back->use_cases[0].name);
	assert_ptr_equal(back->templates[2].team, back->teams[1].name);
	assert_null(back->templates[1].team);
	assert_int_equal(t->cache_hit_ppm, 125000);
	assert_int_equal(t->cached_input_ppm, 500000);
	assert_int_equal(t->format, PC_TEXT_FRONT_MATTER);
	assert_int_equal(t->includes, config->templates[0].includes);
	assert_int_equal(t->nvariables, 2);
	assert_int_equal(t->variables[1].tokens, config->templates[0].variables[1].tokens);
	assert_string_equal(back->templates[1].service_tier, "batch");
	assert_null(back->templates[0].service_tier);
	assert_true(back->templates[2].family);
	assert_int_equal(back->policy.event_min_delta_micros, 5000000);
	assert_int_equal(back->policy.unapproved, PC_UNAPPROVED_WARN);
	assert_int_equal(back->policy.file_approvals, PC_FILE_APPROVALS_UNSIGNED);
	assert_int_equal(back->policy.approvers.n, 3);
	assert_string_equal(back->policy.approvers.items[2], "cfo@agency.gov");
	assert_int_equal(back->policy.napprover_keys, 3);
	assert_int_equal(back->policy.approver_keys[2].nkeys, 2);
	assert_int_equal(back->policy.approver_keys[1].keys[0].blob_len,
			 config->policy.approver_keys[1].keys[0].blob_len);
	assert_memory_equal(back->policy.approver_keys[1].keys[0].blob,
			    config->policy.approver_keys[1].keys[0].blob,
			    config->policy.approver_keys[1].keys[0].blob_len);
	assert_string_equal(back->policy.approver_keys[1].keys[0].fingerprint,
			    config->policy.approver_keys[1].keys[0].fingerprint);
	assert_int_equal(back->usage.nrules, 3);
	assert_int_equal(back->usage.rules[1].match, PC_USAGE_MATCH_API_KEY);
	assert_string_equal(back->usage.aliases[0].model, "gpt-4o");
	pc_config_free(back);
	/* another blob id: not this configuration */
	assert_null(pc_cache_config_load(tdir, "1123456789abcdef0123456789abcdef01234567", "c.yml"));
	/* every damaged byte, every truncation: refused (the checksum, or the walk's checks) */
	{
		/* config-OID-BUILD.snap: the one file there */
		char cmd[512];
		FILE *p;
		char name[256];

		snprintf(cmd, sizeof(cmd), "ls '%s' | grep '^config-%s-[0-9a-f]\\{8\\}\\.snap$'", tdir,
			 oid);
		p = popen(cmd, "r");
		assert_non_null(p);
		assert_non_null(fgets(name, sizeof(name), p));
		assert_int_equal(pclose(p), 0);
		name[strcspn(name, "\n")] = '\0';
		pc_buf_addf(&tpath, "%s/%s", tdir, name);
	}
	assert_int_equal(pc_file_read(&good, tpath.ptr, 1 << 20), 0);
	for (size_t at = 0; at < good.len; at++) {
		char *bad = pc_xmalloc(good.len);

		memcpy(bad, good.ptr, good.len);
		bad[at] = (char)(bad[at] ^ 0x20);
		write_file(tpath.ptr, bad, good.len);
		assert_null(pc_cache_config_load(tdir, oid, "c.yml"));
		free(bad);
	}
	for (size_t len = 0; len < good.len; len++) {
		write_file(tpath.ptr, good.ptr, len);
		assert_null(pc_cache_config_load(tdir, oid, "c.yml"));
	}
	/*
	 * Past the checksum, the walk itself trusts nothing: every damaged byte
	 * of the snapshot is refused or makes a configuration that frees
	 * cleanly, never a read or write out of bounds (the sanitizer build
	 * runs this), and every truncation is refused.
	 */
	for (size_t at = 0; at < a.len; at++) {
		char *bad = pc_xmalloc(a.len);

		memcpy(bad, a.ptr, a.len);
		bad[at] = (char)(bad[at] ^ 0x41);
		pc_config_free(pc_config_snapshot_read(bad, a.len, "c.yml"));
		memcpy(bad, a.ptr, a.len);
		bad[at] = (char)0xff;
		pc_config_free(pc_config_snapshot_read(bad, a.len, "c.yml"));
		free(bad);
	}
	for (size_t len = 0; len < a.len; len++)
		assert_null(pc_config_snapshot_read(a.ptr, len, "c.yml"));
	/* the 8 newest are kept; the YAML trees of earlier versions are removed */
	write_file(tpath.ptr, good.ptr, good.len);
	{
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "touch '%s/config-%040d.tree'", tdir, 0);
		assert_int_equal(system(cmd), 0);
		for (int i = 0; i < 12; i++) {
			char other[41];

			snprintf(other, sizeof(other), "%040d", i);
			pc_cache_config_store(tdir, other, config);
		}
		snprintf(cmd, sizeof(cmd), "test $(ls '%s' | grep -c '^config-.*\\.snap$') -eq 8 && "
			 "test $(ls '%s' | grep -c '\\.tree$') -eq 0", tdir, tdir);
		assert_int_equal(system(cmd), 0);
	}
	pc_config_free(config);
	pc_buf_release(&tpath);
	pc_buf_release(&good);
	pc_buf_release(&a);
	pc_buf_release(&b);
}

/* A configuration whose catalog model has no price today is parsed, for its error. */
static void test_cache__a_snapshot_is_priced_today_as_a_parse_is(void **state)
{
	struct pc_config *config = NULL, *back;
	struct pc_buf snap = PC_BUF_INIT;
	const struct pc_model *m;

	(void)state;
	assert_int_equal(pc_config_parse(&config, "c.yml", every_field, strlen(every_field)), 0);
	/* a snapshot written on another day holds that day's prices */
	assert_int_equal(pc_config_price_at(config, "2024-08-01"), 0);
	pc_config_snapshot_write(&snap, config);
	back = pc_config_snapshot_read(snap.ptr, snap.len, "c.yml");
	assert_non_null(back);
	m = pc_config_model(back, "gpt-4o");
	{
		char today[11];

		pc_catalog_today(today);
		assert_string_equal(m->price_date, today);
	}
	/* the same prices as a parse today */
	{
		struct pc_config *fresh = NULL;

		assert_int_equal(pc_config_parse(&fresh, "c.yml", every_field, strlen(every_field)), 0);
		assert_int_equal(m->input_micros_per_mtok,
				 pc_config_model(fresh, "gpt-4o")->input_micros_per_mtok);
		assert_string_equal(m->price_from, pc_config_model(fresh, "gpt-4o")->price_from);
		assert_int_equal(m->ntiers, pc_config_model(fresh, "gpt-4o")->ntiers);
		pc_config_free(fresh);
	}
	pc_config_free(back);
	pc_config_free(config);
	pc_buf_release(&snap);
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
		cmocka_unit_test(test_cache__a_snapshot_is_priced_today_as_a_parse_is),
		cmocka_unit_test(test_cache__the_environment_turns_it_off),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
