/*
 * Tests of the usage store on real SQLite files in temporary folders, with
 * records built here (the importers have their own tests): buckets and
 * their sums, the transaction rolled back, duplicates by id within and
 * across imports, contents imported before and appended ones, attribution
 * (record, rules, aliases, unattributed kept), template versions resolved
 * on a real git repository, a locked store, a file that is not a store, and
 * a newer schema.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "promptcost/config.h"
#include "promptcost/git.h"
#include "promptcost/store.h"
#include "support/fixture.h"

#define DAY 86400
/* 2026-11-03T14:05:10Z */
#define T0 ((int64_t)1793714710)

static const char config_text[] =
	"version: 1\n"
	"models:\n"
	"  gpt-4o:\n"
	"    encoding: o200k_base\n"
	"    input_per_1m: 2.50\n"
	"    output_per_1m: 10.00\n"
	"  gpt-4o-mini:\n"
	"    encoding: o200k_base\n"
	"    input_per_1m: 0.15\n"
	"    output_per_1m: 0.60\n"
	"teams:\n"
	"  records-management: {}\n"
	"templates:\n"
	"  - id: document-summarization\n"
	"    files: [prompts/summarize/*.md]\n"
	"    team: records-management\n"
	"    use_case: summaries\n"
	"    model: gpt-4o\n"
	"    calls_per_day: 100\n"
	"  - id: support-reply\n"
	"    files: [prompts/support.md]\n"
	"    model: gpt-4o-mini\n"
	"    calls_per_day: 10\n"
	"usage:\n"
	"  templates:\n"
	"    - { template: support-reply, tag: \"prompt:support\" }\n"
	"    - { template: document-summarization, api_key: key_sum }\n"
	"    - { template: support-reply, project: proj_support }\n"
	"  models:\n"
	"    gpt-4o-2024-08-06: gpt-4o\n";

struct env {
	char *dir;
	char *path;
	struct pc_config *config;
	struct pc_store *store;
	struct pc_import_options options;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	size_t n;

	e->dir = fx_tmpdir_new();
	n = strlen(e->dir) + 32;
	e->path = malloc(n);
	snprintf(e->path, n, "%s/usage.db", e->dir);
	if (pc_config_parse(&e->config, ".promptcost.yml", config_text, strlen(config_text)))
		fail_msg("config: %s", pc_error_message());
	if (pc_store_open(&e->store, e->path, true))
		fail_msg("open: %s", pc_error_message());
	e->options.format = PC_USAGE_NATIVE;
	e->options.config = e->config;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	pc_store_close(e->store);
	pc_config_free(e->config);
	fx_remove(e->dir);
	free(e->path);
	free(e->dir);
	free(e);
	return 0;
}

static struct pc_usage_record rec(const char *id, const char *template, const char *model,
				  int64_t time, int64_t input, int64_t output)
{
	struct pc_usage_record r;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.template = template;
	r.model = model;
	r.time = time;
	r.calls = 1;
	r.input_tokens = input;
	r.output_tokens = output;
	return r;
}

static void begin(struct env *e, struct pc_store_import **imp)
{
	if (pc_store_import_begin(imp, e->store, &e->options))
		fail_msg("begin: %s", pc_error_message());
}

static void add(struct pc_store_import *imp, const struct pc_usage_record *r, uint64_t line)
{
	if (pc_store_import_record(imp, r, PC_USAGE_NATIVE, "log.jsonl", line))
		fail_msg("record: %s", pc_error_message());
}

static void commit(struct pc_store_import *imp, struct pc_import_summary *summary)
{
	if (pc_store_import_commit(imp, summary))
		fail_msg("commit: %s", pc_error_message());
	pc_store_import_free(imp);
}

/* The whole store's usage per template, over all days. */
static struct pc_template_usage *usage_of(struct env *e, size_t *n)
{
	struct pc_template_usage *u = NULL;

	if (pc_store_template_usage(e->store, INT64_MIN / 2, INT64_MAX / 2, &u, n))
		fail_msg("usage: %s", pc_error_message());
	return u;
}

static char *dump(struct env *e)
{
	return fx_capture(e->dir, "sqlite3 usage.db .dump");
}

/* The rows of sql on the store, one line each joined by spaces, must be expected. */
static void expect_rows(struct env *e, const char *sql, const char *expected)
{
	char *rows = fx_capture(e->dir, "sqlite3 usage.db \"%s\" | tr '\\n' ' ' | sed 's/ $//'",
				sql);

	assert_string_equal(rows, expected);
	free(rows);
}

static void test_store__records_add_up_in_daily_buckets(void **state)
{
	struct env *e = *state;
	struct pc_store_import *imp;
	struct pc_import_summary s;
	struct pc_usage_record r1 = rec("a", "document-summarization", "gpt-4o", T0, 1200, 250);
	struct pc_usage_record r2 = rec("b", "document-summarization", "gpt-4o", T0 + 60, 1000, 200);
	struct pc_usage_record r3 = rec("c", "document-summarization", "gpt-4o", T0 + DAY, 800, 100);
	struct pc_template_usage *u;
	size_t n;

	r2.calls = 3;
	r2.response_cache_hits = 1;
	r2.cached_input_tokens = 400;
	r2.cache_write_tokens = 100;
	begin(e, &imp);
	add(imp, &r1, 1);
	add(imp, &r2, 2);
	add(imp, &r3, 3);
	commit(imp, &s);
	assert_int_equal(s.read, 3);
	assert_int_equal(s.imported, 3);
	assert_int_equal(s.duplicate, 0);
	assert_int_equal(s.unattributed, 0);

	u = usage_of(e, &n);
	assert_int_equal(n, 1);
	assert_string_equal(u[0].template, "document-summarization");
	assert_int_equal(u[0].records, 3);
	assert_int_equal(u[0].calls, 5);
	assert_int_equal(u[0].response_cache_hits, 1);
	assert_int_equal(u[0].input_tokens, 3000);
	assert_int_equal(u[0].cached_input_tokens, 400);
	assert_int_equal(u[0].cache_write_tokens, 100);
	assert_int_equal(u[0].output_tokens, 550);
	assert_int_equal(u[0].first_day, T0 / DAY);
	assert_int_equal(u[0].last_day, T0 / DAY + 1);
	pc_template_usage_free(u, n);

	/* two days, one bucket each: the day is the key, not the record */
	expect_rows(e, "SELECT count(*) FROM daily", "2");
	/* the window cuts by day */
	assert_int_equal(pc_store_template_usage(e->store, T0 / DAY + 1, T0 / DAY + 1, &u, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(u[0].records, 1);
	assert_int_equal(u[0].output_tokens, 100);
	pc_template_usage_free(u, n);
}

static void test_store__an_import_not_committed_leaves_the_store_as_it_was(void **state)
{
	struct env *e = *state;
	struct pc_store_import *imp;
	struct pc_usage_record r = rec("a", "document-summarization", "gpt-4o", T0, 1, 1);
	char *before, *after;
	size_t n;
	struct pc_template_usage *u;

	begin(e, &imp);
	add(imp, &r, 1);
	commit(imp, NULL);
	before = dump(e);

	begin(e, &imp);
	r.id = "b";
	add(imp, &r, 1);
	r.id = "c";
	r.model = "gpt-5-nonexistent";
	/* an unknown model stops the import: an error naming it, located */
	assert_int_equal(pc_store_import_record(imp, &r, PC_USAGE_NATIVE, "log.jsonl", 7),
			 PC_EINPUT);
	assert_string_equal(pc_error_message(),
			    "log.jsonl:7: unknown model 'gpt-5-nonexistent'; add it to 'models' or "
			    "map it onto one in 'usage.models' of the configuration");
	pc_store_import_free(imp);

	after = dump(e);
	assert_string_equal(before, after);
	u = usage_of(e, &n);
	assert_int_equal(n, 1);
	assert_int_equal(u[0].records, 1);
	pc_template_usage_free(u, n);
	free(before);
	free(after);
}

static void test_store__an_unknown_model_close_to_a_known_one_is_suggested(void **state)
{
	struct env *e = *state;
	struct pc_store_import *imp;
	struct pc_usage_record r = rec("a", "support-reply", "gpt-4o-mnii", T0, 1, 1);

	begin(e, &imp);
	assert_int_equal(pc_store_import_record(imp, &r, PC_USAGE_NATIVE, "x.csv", 12), PC_EINPUT);
	assert_string_equal(pc_error_message(), "x.csv:12: unknown model 'gpt-4o-mnii' (did you "
			    "mean 'gpt-4o-mini'?); map it in 'usage.models' of the configuration");
	pc_store_import_free(imp);
}

static void test_store__a_record_id_counts_once_within_and_across_imports(void **state)
{
	struct env *e = *state;
	struct pc_store_import *imp;
	struct pc_import_summary s;
	struct pc_usage_record a = rec("req_1", "support-reply", "gpt-4o-mini", T0, 100, 10);
	struct pc_usage_record a2 = rec("req_1", "support-reply", "gpt-4o-mini", T0, 999, 999);
	struct pc_usage_record b = rec("req_2", "support-reply", "gpt-4o-mini", T0, 100, 10);
	struct pc_template_usage *u;
	size_t n;

	begin(e, &imp);
	add(imp, &a, 1);
	add(imp, &a2, 2); /* the same id again: the first one counts */
	commit(imp, &s);
	assert_int_equal(s.imported, 1);
	assert_int_equal(s.duplicate, 1);

	begin(e, &imp);
	add(imp, &a, 1);
	add(imp, &b, 2);
	/* the same id from another kind of source is another record */
	assert_int_equal(pc_store_import_record(imp, &a, PC_USAGE_LITELLM, "spend.csv", 2), 0);
	commit(imp, &s);
	assert_int_equal(s.read, 3);
	assert_int_equal(s.imported, 2);
	assert_int_equal(s.duplicate, 1);

	u = usage_of(e, &n);
	assert_int_equal(n, 1);
	assert_int_equal(u[0].records, 3);
	assert_int_equal(u[0].input_tokens, 300);
	assert_int_equal(u[0].output_tokens, 30);
	pc_template_usage_free(u, n);
}

static void test_store__duplicates_are_found_across_chunks_of_ids(void **state)
{
	struct env *e = *state;
	struct pc_store_import *imp;
	struct pc_import_summary s;
	struct pc_template_usage *u;
	char id[32];
	size_t n;
	const int total = 300000; /* more than two chunks of waiting ids */

	begin(e, &imp);
	for (int i = 0; i < total; i++) {
		/* every 100th record repeats the one 200,000 before it */
		int k = (i >= 200000 && i % 100 == 0) ? i - 200000 : i;
		struct pc_usage_record r = rec(id, "support-reply", "gpt-4o-mini", T0 + i, 2, 1);

		snprintf(id, sizeof(id), "req_%d", k);
		add(imp, &r, (uint64_t)i + 1);
	}
	commit(imp, &s);
	assert_int_equal(s.read, total);
	assert_int_equal(s.duplicate, 1000);
	assert_int_equal(s.imported, total - 1000);
	u = usage_of(e, &n);
	assert_int_equal(u[0].records, total - 1000);
	assert_int_equal(u[0].input_tokens, 2 * (total - 1000));
	pc_template_usage_free(u, n);
	expect_rows(e, "SELECT count(*) FROM seen", "299000");
}

static void test_store__records_without_ids_all_count(void **state)
{
	struct env *e = *state;
	struct pc_store_import *imp;
	struct pc_import_summary s;
	struct pc_usage_record r = rec(NULL, "support-reply", "gpt-4o-mini", T0, 5, 5);

	begin(e, &imp);
	add(imp, &r, 1);
	add(imp, &r, 2);
	commit(imp, &s);
	assert_int_equal(s.imported, 2);
	assert_int_equal(s.duplicate, 0);
}

static void fill(unsigned char d[PC_SHA256_LEN], int v)
{
	memset(d, v, PC_SHA256_LEN);
}

static void test_store__a_content_imported_before_is_known_whole_or_as_a_prefix(void **state)
{
	struct env *e = *state;
	struct pc_store_import *imp;
	unsigned char whole[PC_SHA256_LEN], longer[PC_SHA256_LEN], prefix[2][PC_SHA256_LEN];
	const uint64_t *lengths;
	bool already, found[2];
	uint64_t skip, lens[2];
	size_t n;

	fill(whole, 1);
	fill(longer, 2);
	begin(e, &imp);
	assert_int_equal(pc_store_import_content(&already, &skip, imp, whole, 1000, NULL, NULL,
						 NULL, 0), 0);
	assert_false(already);
	assert_int_equal(skip, 0);
	assert_int_equal(pc_store_import_content_add(imp, whole, 1000, PC_USAGE_NATIVE, "a.jsonl"),
			 0);
	commit(imp, NULL);

	begin(e, &imp);
	pc_store_import_lengths(imp, &lengths, &n);
	assert_int_equal(n, 1);
	assert_int_equal(lengths[0], 1000);
	/* the same content again */
	assert_int_equal(pc_store_import_content(&already, &skip, imp, whole, 1000, NULL, NULL,
						 NULL, 0), 0);
	assert_true(already);
	/* a longer file whose first 1000 bytes are that content: only the rest is new */
	lens[0] = 1000;
	memcpy(prefix[0], whole, PC_SHA256_LEN);
	found[0] = true;
	assert_int_equal(pc_store_import_content(&already, &skip, imp, longer, 1500, lens,
						 (const unsigned char(*)[PC_SHA256_LEN])prefix,
						 found, 1), 0);
	assert_false(already);
	assert_int_equal(skip, 1000);
	/* a longer file that starts otherwise: all of it is new */
	fill(prefix[0], 9);
	assert_int_equal(pc_store_import_content(&already, &skip, imp, longer, 1500, lens,
						 (const unsigned char(*)[PC_SHA256_LEN])prefix,
						 found, 1), 0);
	assert_int_equal(skip, 0);
	/* the longest known prefix wins; one within this import counts too */
	fill(prefix[1], 3);
	assert_int_equal(pc_store_import_content_add(imp, prefix[1], 1200, PC_USAGE_NATIVE,
						     "b.jsonl"), 0);
	lens[1] = 1200;
	memcpy(prefix[0], whole, PC_SHA256_LEN);
	found[1] = true;
	assert_int_equal(pc_store_import_content(&already, &skip, imp, longer, 1500, lens,
						 (const unsigned char(*)[PC_SHA256_LEN])prefix,
						 found, 2), 0);
	assert_int_equal(skip, 1200);
	pc_store_import_lengths(imp, &lengths, &n);
	assert_int_equal(n, 2);
	assert_int_equal(lengths[1], 1200);
	pc_store_import_free(imp);
}

static void test_store__a_record_naming_no_known_template_is_kept_unattributed(void **state)
{
	struct env *e = *state;
	struct pc_store_import *imp;
	struct pc_import_summary s;
	struct pc_usage_record a = rec("a", "no-such-template", "gpt-4o", T0, 10, 1);
	struct pc_usage_record b = rec("b", NULL, "gpt-4o", T0, 20, 2);
	struct pc_usage_record c = rec("c", "support-reply", NULL, T0, 30, 3);
	struct pc_template_usage *u;
	struct pc_store_summary *sum;
	size_t n;

	begin(e, &imp);
	add(imp, &a, 1);
	add(imp, &b, 2);
	add(imp, &c, 3); /* no model: the template's */
	commit(imp, &s);
	assert_int_equal(s.imported, 3);
	assert_int_equal(s.unattributed, 2);

	u = usage_of(e, &n);
	assert_int_equal(n, 2);
	assert_string_equal(u[0].template, "support-reply");
	assert_null(u[1].template); /* unattributed, last */
	assert_int_equal(u[1].records, 2);
	assert_int_equal(u[1].input_tokens, 30);
	pc_template_usage_free(u, n);

	assert_int_equal(pc_store_describe(&sum, e->store), 0);
	assert_int_equal(sum->records, 3);
	assert_int_equal(sum->unattributed_records, 2);
	assert_int_equal(sum->ntemplates, 3);
	assert_string_equal(sum->templates[0].template, "support-reply");
	assert_true(sum->templates[0].attributed);
	assert_null(sum->templates[1].template); /* named none */
	assert_false(sum->templates[1].attributed);
	assert_string_equal(sum->templates[2].template, "no-such-template");
	assert_false(sum->templates[2].attributed);
	pc_store_summary_free(sum);
	expect_rows(e, "SELECT model FROM daily WHERE template = 'support-reply'", "gpt-4o-mini");
}

static void test_store__rules_aliases_and_defaults_attribute_a_record(void **state)
{
	struct env *e = *state;
	struct pc_store_import *imp;
	struct pc_import_summary s;
	const char *tags[] = { "env:prod", "prompt:support" };
	struct pc_usage_record by_tag = rec("t", NULL, "gpt-4o-mini", T0, 1, 1);
	struct pc_usage_record by_key = rec("k", NULL, "gpt-4o-2024-08-06", T0, 2, 2);
	struct pc_usage_record by_project = rec("p", "unknown-one", "gpt-4o-mini", T0, 4, 4);
	struct pc_usage_record own_team = rec("o", "document-summarization", "gpt-4o", T0, 8, 8);
	by_tag.tags = tags;
	by_tag.ntags = 2;
	by_key.api_key = "key_sum";
	by_project.project = "proj_support";
	own_team.team = "platform";
	begin(e, &imp);
	add(imp, &by_tag, 1);
	add(imp, &by_key, 2);
	add(imp, &by_project, 3);
	add(imp, &own_team, 4);
	commit(imp, &s);
	assert_int_equal(s.unattributed, 0);
	expect_rows(e, "SELECT template, team, use_case, model, input_tokens FROM daily ORDER BY "
		    "input_tokens", /* by tag and by project: the same bucket, 1 + 4 */
		    "document-summarization|records-management|summaries|gpt-4o|2 "
		    "support-reply|||gpt-4o-mini|5 "
		    "document-summarization|platform|summaries|gpt-4o|8");
}

static void test_store__deployments_get_hourly_buckets(void **state)
{
	struct env *e = *state;
	struct pc_store_import *imp;
	struct pc_usage_record a = rec("a", "support-reply", "gpt-4o-mini", T0, 100, 10);
	struct pc_usage_record b = rec("b", "support-reply", "gpt-4o-mini", T0 + 3600, 50, 5);
	struct pc_usage_record c = rec("c", "support-reply", "gpt-4o-mini", T0 + 10, 25, 1);
	char sql[160];

	a.deployment = b.deployment = "ptu-eastus";
	begin(e, &imp);
	add(imp, &a, 1);
	add(imp, &b, 2);
	add(imp, &c, 3); /* on demand: no hourly bucket */
	commit(imp, NULL);
	snprintf(sql, sizeof(sql), "SELECT hour - %lld, deployment, input_tokens FROM hourly "
		 "ORDER BY hour", (long long)(T0 / 3600));
	expect_rows(e, sql, "0|ptu-eastus|100 1|ptu-eastus|50");
}

static void test_store__a_bad_record_is_set_aside_only_when_asked(void **state)
{
	struct env *e = *state;
	struct pc_store_import *imp;
	struct pc_import_summary s;
	char bad_path[512], *content;

	begin(e, &imp);
	assert_int_equal(pc_store_import_bad(imp, "log.jsonl", 1000000, "'input_tokens' is "
					     "negative", "{\"x\":1}", 7), PC_EINPUT);
	assert_string_equal(pc_error_message(), "log.jsonl:1000000: 'input_tokens' is negative");
	pc_store_import_free(imp);

	snprintf(bad_path, sizeof(bad_path), "%s/bad.txt", e->dir);
	e->options.skip_bad_path = bad_path;
	begin(e, &imp);
	assert_int_equal(pc_store_import_bad(imp, "log.jsonl", 3, "'calls' must be an integer",
					     "{\"calls\":\"x\"}", 14), 0);
	/* nothing shows before the import commits */
	assert_int_equal(fx_sh_status(e->dir, "test -e bad.txt"), 1);
	commit(imp, &s);
	assert_int_equal(s.set_aside, 1);
	content = fx_capture(e->dir, "cat bad.txt");
	assert_string_equal(content, "log.jsonl:3: 'calls' must be an integer\n{\"calls\":\"x\"}");
	free(content);
	assert_int_equal(fx_sh_status(e->dir, "ls | grep -c tmp"), 1); /* no temporary left */
}

static void test_store__a_store_locked_by_another_import_is_refused(void **state)
{
	struct env *e = *state;
	struct pc_store_import *imp, *other;
	struct pc_store *second;

	assert_int_equal(pc_store_open(&second, e->path, true), 0);
	begin(e, &imp);
	assert_int_equal(pc_store_import_begin(&other, second, &e->options), PC_EIO);
	assert_non_null(strstr(pc_error_message(), "usage.db: the store is locked by another "
						   "import"));
	pc_store_import_free(imp);
	/* once the first is done, the second may go */
	assert_int_equal(pc_store_import_begin(&other, second, &e->options), 0);
	pc_store_import_free(other);
	pc_store_close(second);
}

static void test_store__a_file_that_is_not_a_store_is_an_input_error(void **state)
{
	struct env *e = *state;
	struct pc_store *store;
	char *content;

	fx_write(e->dir, "notes.db", "these are my notes, not a database at all\n"
				     "and they go on for a while so that the header is long enough\n");
	fx_sh(e->dir, "sqlite3 other.db 'CREATE TABLE t(x); INSERT INTO t VALUES(1)'");
	assert_int_equal(pc_store_open(&store, "/nonexistent/none.db", false), PC_EINPUT);

	fx_sh(e->dir, "cp notes.db notes.orig");
	{
		char p[512];

		snprintf(p, sizeof(p), "%s/notes.db", e->dir);
		assert_int_equal(pc_store_open(&store, p, true), PC_EINPUT);
		assert_non_null(strstr(pc_error_message(), "notes.db: not a promptcost usage store"));
		snprintf(p, sizeof(p), "%s/other.db", e->dir);
		assert_int_equal(pc_store_open(&store, p, true), PC_EINPUT);
		assert_non_null(strstr(pc_error_message(), "other.db: an SQLite database, but not a "
							   "promptcost usage store"));
	}
	/* neither was touched */
	assert_int_equal(fx_sh_status(e->dir, "cmp -s notes.db notes.orig"), 0);
	content = fx_capture(e->dir, "sqlite3 other.db 'SELECT count(*) FROM sqlite_master'");
	assert_string_equal(content, "1");
	free(content);
}

static void test_store__a_newer_schema_is_refused(void **state)
{
	struct env *e = *state;
	struct pc_store *store;

	pc_store_close(e->store);
	e->store = NULL;
	fx_sh(e->dir, "sqlite3 usage.db 'PRAGMA user_version=2'");
	assert_int_equal(pc_store_open(&store, e->path, true), PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "store schema 2 is newer than this promptcost "
						   "reads (1)"));
	fx_sh(e->dir, "sqlite3 usage.db 'PRAGMA user_version=1'");
	assert_int_equal(pc_store_open(&e->store, e->path, false), 0);
}

static void test_store__an_overflowing_total_is_refused_not_wrapped(void **state)
{
	struct env *e = *state;
	struct pc_store_import *imp;
	struct pc_usage_record r = rec(NULL, "support-reply", "gpt-4o-mini", T0, 0, 1);

	r.output_tokens = INT64_MAX - 1;
	begin(e, &imp);
	add(imp, &r, 1);
	r.output_tokens = 5;
	assert_int_equal(pc_store_import_record(imp, &r, PC_USAGE_NATIVE, "x", 2), PC_EINTERNAL);
	pc_store_import_free(imp);
}

/*
 * Versions on a real repository: summarize/system.md at v1 (commit A), an
 * unrelated commit B, v2 (commit C), another unrelated commit D.
 */
static void test_store__versions_resolve_to_the_commit_that_introduced_the_text(void **state)
{
	struct env *e = *state;
	char *repo_dir = fx_repo_new();
	struct pc_repo *repo = NULL;
	struct pc_store_import *imp;
	struct pc_store_summary *sum;
	char *a, *c, *d, *blob1, *blob2;
	struct pc_usage_record r = rec(NULL, "document-summarization", "gpt-4o", T0, 1, 1);

	fx_write(repo_dir, "prompts/summarize/system.md", "Summarize the document.\n");
	fx_commit_all(repo_dir, "A");
	a = fx_capture(repo_dir, "git rev-parse HEAD");
	blob1 = fx_capture(repo_dir, "git rev-parse HEAD:prompts/summarize/system.md");
	fx_write(repo_dir, "README", "unrelated\n");
	fx_commit_all(repo_dir, "B");
	fx_write(repo_dir, "prompts/summarize/system.md", "Summarize the document briefly.\n");
	fx_commit_all(repo_dir, "C");
	c = fx_capture(repo_dir, "git rev-parse HEAD");
	blob2 = fx_capture(repo_dir, "git rev-parse HEAD:prompts/summarize/system.md");
	fx_write(repo_dir, "README", "unrelated again\n");
	fx_commit_all(repo_dir, "D");
	d = fx_capture(repo_dir, "git rev-parse HEAD");
	assert_int_equal(pc_repo_open(&repo, repo_dir), 0);
	e->options.repo = repo;

	begin(e, &imp);
	r.template_version = blob1;
	add(imp, &r, 1);
	r.template_version = blob2;
	add(imp, &r, 2);
	add(imp, &r, 3);
	r.template_version = d; /* the deployed commit: the text came with C */
	r.time = T0 + DAY;
	add(imp, &r, 4);
	r.template_version = "v7"; /* a source's own label */
	add(imp, &r, 5);
	commit(imp, NULL);

	assert_int_equal(pc_store_describe(&sum, e->store), 0);
	assert_int_equal(sum->ntemplates, 1);
	assert_int_equal(sum->templates[0].nversions, 4);
	{
		const struct pc_store_version *v = sum->templates[0].versions;

		/* sorted by first day, then version text */
		for (size_t i = 0; i < 4; i++) {
			if (!strcmp(v[i].version, blob1)) {
				assert_int_equal(v[i].kind, PC_VERSION_BLOB);
				assert_string_equal(v[i].commit, a);
				assert_int_equal(v[i].calls, 1);
			} else if (!strcmp(v[i].version, blob2)) {
				assert_int_equal(v[i].kind, PC_VERSION_BLOB);
				assert_string_equal(v[i].commit, c);
				assert_int_equal(v[i].calls, 2);
			} else if (!strcmp(v[i].version, d)) {
				assert_int_equal(v[i].kind, PC_VERSION_COMMIT);
				assert_string_equal(v[i].commit, c);
			} else {
				assert_string_equal(v[i].version, "v7");
				assert_int_equal(v[i].kind, PC_VERSION_LABEL);
				assert_null(v[i].commit);
			}
		}
	}
	pc_store_summary_free(sum);
	/* the resolution is kept in the store */
	{
		char sql[160], expected[64];

		snprintf(sql, sizeof(sql), "SELECT kind || ' ' || commit_id FROM versions WHERE "
			 "version = '%s'", d);
		snprintf(expected, sizeof(expected), "commit %s", c);
		expect_rows(e, sql, expected);
	}

	pc_repo_free(repo);
	e->options.repo = NULL;
	fx_remove(repo_dir);
	free(repo_dir);
	free(a);
	free(c);
	free(d);
	free(blob1);
	free(blob2);
}

static void test_store__versions_without_a_repository_wait_unresolved(void **state)
{
	struct env *e = *state;
	struct pc_store_import *imp;
	struct pc_usage_record r = rec(NULL, "document-summarization", "gpt-4o", T0, 1, 1);

	begin(e, &imp);
	r.template_version = "efa1cc46d2b1";
	add(imp, &r, 1);
	r.template_version = "3";
	add(imp, &r, 2);
	commit(imp, NULL);
	expect_rows(e, "SELECT version, kind FROM versions ORDER BY version",
		    "3|label efa1cc46d2b1|unresolved");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_store__records_add_up_in_daily_buckets),
		T(test_store__an_import_not_committed_leaves_the_store_as_it_was),
		T(test_store__an_unknown_model_close_to_a_known_one_is_suggested),
		T(test_store__a_record_id_counts_once_within_and_across_imports),
		T(test_store__duplicates_are_found_across_chunks_of_ids),
		T(test_store__records_without_ids_all_count),
		T(test_store__a_content_imported_before_is_known_whole_or_as_a_prefix),
		T(test_store__a_record_naming_no_known_template_is_kept_unattributed),
		T(test_store__rules_aliases_and_defaults_attribute_a_record),
		T(test_store__deployments_get_hourly_buckets),
		T(test_store__a_bad_record_is_set_aside_only_when_asked),
		T(test_store__a_store_locked_by_another_import_is_refused),
		T(test_store__a_file_that_is_not_a_store_is_an_input_error),
		T(test_store__a_newer_schema_is_refused),
		T(test_store__an_overflowing_total_is_refused_not_wrapped),
		T(test_store__versions_resolve_to_the_commit_that_introduced_the_text),
		T(test_store__versions_without_a_repository_wait_unresolved),
#undef T
	};

	fx_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
