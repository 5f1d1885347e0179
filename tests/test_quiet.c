/*
 * Tests of the quiet-template snapshot's model (src/quiet.c), below the file
 * that cache.c checksums: a payload is read back only when every part of it
 * is what a full run could have written (the records' models in range, no
 * negative spend, the folders sorted and none inside another, nothing
 * after them), and the templates a run collects are every one the snapshot
 * does not hold plus every one with a glob that matches a changed path, as
 * the templates stage matches globs (a glob without a wildcard is its one
 * path; a wildcard glob only paths under its literal start). End to end,
 * quiet runs against full ones: tests/e2e/test_quiet.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "promptcost/common.h"
#include "promptcost/quiet.h"

#define TREE "0123456789abcdef0123456789abcdef01234567"

static void put64(struct pc_buf *b, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		pc_buf_addch(b, (char)(unsigned char)(v >> (8 * i)));
}

static void record(struct pc_buf *b, int32_t model, int64_t cost)
{
	uint32_t m = (uint32_t)model;

	for (int i = 0; i < 4; i++)
		pc_buf_addch(b, (char)(unsigned char)(m >> (8 * i)));
	put64(b, (uint64_t)cost);
}

/* A payload of three templates and two models; dirs NUL-separated, ndirs of them. */
static void payload(struct pc_buf *b, int32_t model1, int64_t cost2, const char *dirs,
		    size_t dirs_len, uint64_t ndirs)
{
	pc_buf_adds(b, "quiet 1 " TREE "\n");
	put64(b, 3);
	put64(b, 2);
	record(b, 0, 1500);
	record(b, model1, 0);
	record(b, -1, cost2);
	put64(b, ndirs);
	pc_buf_add(b, dirs, dirs_len);
}

static bool parses(struct pc_buf *b)
{
	struct pc_quiet q;
	bool ok = pc_quiet_parse(&q, b->ptr, b->len, 3, 2);

	if (ok) {
		assert_true(q.loaded);
		assert_string_equal(q.tree, TREE);
		assert_int_equal(q.records[0].cost_micros, 1500);
		assert_int_equal(q.records[2].model, -1);
	} else {
		assert_false(q.loaded);
		assert_null(q.records);
		assert_int_equal(q.dirs.n, 0);
	}
	pc_quiet_release(&q);
	pc_buf_release(b);
	return ok;
}

static void test_quiet__a_payload_reads_back_only_when_whole(void **state)
{
	static const char two[] = "prompts/\0src/a/\0";
	struct pc_buf b = PC_BUF_INIT;
	struct pc_quiet q;

	(void)state;
	payload(&b, 1, 0, two, sizeof(two) - 1, 2);
	assert_true(pc_quiet_parse(&q, b.ptr, b.len, 3, 2));
	assert_int_equal(q.dirs.n, 2);
	assert_string_equal(q.dirs.items[1], "src/a/");
	assert_int_equal(q.records[1].model, 1);
	pc_quiet_release(&q);
	/* another configuration: as many templates and models, or nothing */
	assert_false(pc_quiet_parse(&q, b.ptr, b.len, 4, 2));
	pc_quiet_release(&q);
	assert_false(pc_quiet_parse(&q, b.ptr, b.len, 3, 1));
	pc_quiet_release(&q);
	pc_buf_release(&b);

	payload(&b, 2, 0, two, sizeof(two) - 1, 2); /* a model the configuration lacks */
	assert_false(parses(&b));
	payload(&b, -2, 0, two, sizeof(two) - 1, 2);
	assert_false(parses(&b));
	payload(&b, 1, -1, two, sizeof(two) - 1, 2); /* negative spend */
	assert_false(parses(&b));
	payload(&b, 1, 0, "src/\0prompts/\0", 14, 2); /* not sorted */
	assert_false(parses(&b));
	payload(&b, 1, 0, "prompts/\0prompts/a/\0", 20, 2); /* one inside another */
	assert_false(parses(&b));
	payload(&b, 1, 0, "prompts\0", 8, 1); /* not a folder */
	assert_false(parses(&b));
	payload(&b, 1, 0, two, sizeof(two) - 1, 3); /* more folders than there are */
	assert_false(parses(&b));
	payload(&b, 1, 0, two, sizeof(two) - 1, 1); /* bytes after the last */
	assert_false(parses(&b));
	payload(&b, 1, 0, "", 0, 0); /* no folder at all: a full run never writes that */
	assert_false(parses(&b));
	payload(&b, 1, 0, two, sizeof(two) - 1, 2);
	b.ptr[10] = 'G'; /* a tree id that is not hex */
	assert_false(parses(&b));
	payload(&b, 1, 0, two, sizeof(two) - 1, 2);
	assert_true(parses(&b));
	/* every truncation */
	payload(&b, 1, 0, two, sizeof(two) - 1, 2);
	for (size_t len = 0; len < b.len; len++) {
		assert_false(pc_quiet_parse(&q, b.ptr, len, 3, 2));
		pc_quiet_release(&q);
	}
	pc_buf_release(&b);
}

static void test_quiet__a_run_collects_what_the_snapshot_cannot_stand_in_for(void **state)
{
	struct pc_glob g[5] = {
		{ (char *)"prompts/a.md", NULL, { 0, 0 } },
		{ (char *)"prompts/b.md", NULL, { 0, 0 } },
		{ (char *)"prompts/wild/*.md", NULL, { 0, 0 } },
		{ (char *)"prompts/c.md", NULL, { 0, 0 } },
		{ (char *)"prompts/[d].md", NULL, { 0, 0 } },
	};
	struct pc_template_config t[5];
	struct pc_config config;
	struct pc_quiet_record records[5] = { { 0, 1 }, { 0, 2 }, { 0, 3 }, { -1, 0 }, { 0, 5 } };
	struct pc_strlist changed = PC_STRLIST_INIT;
	struct pc_quiet q;

	(void)state;
	memset(t, 0, sizeof(t));
	memset(&config, 0, sizeof(config));
	for (int i = 0; i < 5; i++) {
		t[i].files = &g[i];
		t[i].nfiles = 1;
	}
	config.templates = t;
	config.ntemplates = 5;
	memset(&q, 0, sizeof(q));
	q.loaded = true;
	q.n = 5;
	q.records = records;
	/* a literal glob is its one path; "prompts/a.md.bak" is not it */
	pc_strlist_push(&changed, "prompts/wild/x.md");
	pc_strlist_push(&changed, "prompts/a.md.bak");
	pc_strlist_push(&changed, "prompts/a.md");
	pc_strlist_push(&changed, "prompts/a.md");
	pc_strlist_push(&changed, "prompts/wild/sub/y.md");
	pc_quiet_visit(&q, &config, &changed);
	assert_int_equal(changed.n, 4); /* sorted, the repeat gone */
	assert_true(q.visit[0]);        /* its path changed */
	assert_false(q.visit[1]);
	assert_true(q.visit[2]);        /* the wildcard matches prompts/wild/x.md */
	assert_true(q.visit[3]);        /* not in the snapshot */
	assert_false(q.visit[4]);       /* "[d]" is a class: prompts/d.md did not change */
	assert_int_equal(q.nquiet, 2);
	pc_strlist_release(&changed);
	/* a glob's class matches its path; nothing changed elsewhere */
	pc_strlist_push(&changed, "prompts/d.md");
	pc_quiet_visit(&q, &config, &changed);
	assert_false(q.visit[0]);
	assert_false(q.visit[2]);
	assert_true(q.visit[4]);
	assert_int_equal(q.nquiet, 3);
	pc_strlist_release(&changed);
	/* no snapshot: every template */
	q.loaded = false;
	pc_quiet_visit(&q, &config, &changed);
	assert_int_equal(q.nquiet, 0);
	free(q.visit);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quiet__a_payload_reads_back_only_when_whole),
		cmocka_unit_test(test_quiet__a_run_collects_what_the_snapshot_cannot_stand_in_for),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
