/*
 * Tests of the quiet-template snapshot's model (src/quiet.c), below the file
 * that cache.c checksums: a payload is read back only when every part of it
 * is what a full run could have written (the records' models and lines in
 * range, no negative spend, the folders sorted and none inside another, the
 * tables' entries inside the payload and naming its templates and strings),
 * and the templates a run collects are every one the snapshot does not hold
 * plus every one with a glob that matches a changed path, as the templates
 * stage matches globs (a glob without a wildcard is its one path; a
 * wildcard glob only paths under its literal start), found from the
 * snapshot's tables alone. The quiet templates' spend is one line per team
 * and use case. End to end, quiet runs against full ones:
 * tests/e2e/test_quiet.sh.
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
#define HEAD_LEN (8 + 40 + 1 + 16)

/*
 * Five templates of two models: a.md and b.md of team "alpha" (a.md also
 * use case "support"), a wildcard and c.md of "beta", and one glob with a
 * class; a.md's template has a second glob naming b.md too.
 */
struct library {
	struct pc_glob globs[6];
	struct pc_template_config t[5];
	struct pc_config config;
};

static void library_init(struct library *l)
{
	static const char *const patterns[6] = { "prompts/a.md", "prompts/b.md", "prompts/b.md",
						 "prompts/wild/*.md", "prompts/c.md",
						 "prompts/[d].md" };
	static const int owner[6] = { 0, 0, 1, 2, 3, 4 };

	memset(l, 0, sizeof(*l));
	for (int g = 0; g < 6; g++) {
		l->globs[g].pattern = (char *)patterns[g];
		if (!l->t[owner[g]].files)
			l->t[owner[g]].files = &l->globs[g];
		l->t[owner[g]].nfiles++;
	}
	for (int i = 0; i < 5; i++)
		l->t[i].team = (char *)(i < 2 ? "alpha" : "beta");
	l->t[0].use_case = (char *)"support";
	l->config.templates = l->t;
	l->config.ntemplates = 5;
	l->config.nmodels = 2;
}

/* The snapshot of the library with these records' models and costs (lines as indexed). */
static void encoded(struct pc_buf *out, const int32_t models[5], const int64_t costs[5])
{
	struct library l;
	struct pc_quiet q;
	struct pc_quiet_record records[5];

	library_init(&l);
	memset(&q, 0, sizeof(q));
	pc_quiet_index(&q, &l.config);
	pc_strlist_push(&q.dirs, "prompts/");
	for (int i = 0; i < 5; i++)
		records[i] = (struct pc_quiet_record){ models[i], q.records[i].line, costs[i] };
	pc_quiet_encode(out, &q, records, TREE);
	pc_quiet_release(&q);
}

static const int32_t models[5] = { 0, 1, 0, -1, 0 };
static const int64_t costs[5] = { 1, 2, 3, 0, 5 };

static bool parses(const struct pc_buf *b, size_t len)
{
	struct pc_quiet q;
	bool ok = pc_quiet_parse(&q, b->ptr, len);

	if (!ok) {
		assert_false(q.loaded);
		assert_null(q.records);
		assert_int_equal(q.dirs.n, 0);
	}
	pc_quiet_release(&q);
	return ok;
}

/* b with the 4 bytes at at set to v. */
static void patch32(struct pc_buf *b, size_t at, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b->ptr[at + (size_t)i] = (char)(unsigned char)(v >> (8 * i));
}

static void test_quiet__a_payload_reads_back_only_when_whole(void **state)
{
	struct pc_buf b = PC_BUF_INIT, good = PC_BUF_INIT;
	struct pc_quiet q;

	(void)state;
	encoded(&good, models, costs);
	assert_true(pc_quiet_parse(&q, good.ptr, good.len));
	assert_true(q.loaded);
	assert_string_equal(q.tree, TREE);
	assert_int_equal(q.n, 5);
	assert_int_equal(q.nmodels, 2);
	assert_int_equal(q.dirs.n, 1);
	assert_int_equal(q.records[1].model, 1);
	assert_int_equal(q.records[4].cost_micros, 5);
	assert_int_equal(q.nliterals, 4);  /* a.md, b.md twice, c.md */
	assert_int_equal(q.nwildcards, 2); /* the wildcard and the class */
	assert_int_equal(q.nlines, 2 + 1); /* alpha/support, alpha, beta */
	assert_int_equal(q.records[0].line, 0);
	assert_int_equal(q.records[1].line, 1);
	assert_int_equal(q.records[2].line, 2);
	assert_int_equal(q.records[4].line, 2);
	pc_quiet_release(&q);

	/* records a full run could not write: a model the configuration lacks, -2, negative spend, a line past the table */
	for (int k = 0; k < 4; k++) {
		pc_buf_release(&b);
		pc_buf_add(&b, good.ptr, good.len);
		if (k == 0)
			patch32(&b, HEAD_LEN + 16, 2);
		else if (k == 1)
			patch32(&b, HEAD_LEN + 16, (uint32_t)-2);
		else if (k == 2)
			patch32(&b, HEAD_LEN + 16 + 12, 0x80000000u);
		else
			patch32(&b, HEAD_LEN + 16 + 4, 3);
		assert_false(parses(&b, b.len));
	}
	/* a tree id that is not hex */
	pc_buf_release(&b);
	pc_buf_add(&b, good.ptr, good.len);
	b.ptr[10] = 'G';
	assert_false(parses(&b, b.len));
	/* a literal naming a template past the last, a string past the strings */
	{
		size_t tables = HEAD_LEN + 5 * 16 + 8 + strlen("prompts/") + 1;

		pc_buf_release(&b);
		pc_buf_add(&b, good.ptr, good.len);
		patch32(&b, tables + 8, 5);
		assert_false(parses(&b, b.len));
		pc_buf_release(&b);
		pc_buf_add(&b, good.ptr, good.len);
		patch32(&b, tables + 8 + 4, 100000);
		assert_false(parses(&b, b.len));
	}
	/* a byte more at the end: the strings' size no longer says where they end */
	pc_buf_release(&b);
	pc_buf_add(&b, good.ptr, good.len);
	pc_buf_addch(&b, '\0');
	assert_false(parses(&b, b.len));
	/* every truncation */
	for (size_t len = 0; len < good.len; len++)
		assert_false(parses(&good, len));
	assert_true(parses(&good, good.len));
	pc_buf_release(&b);
	pc_buf_release(&good);
}

static void test_quiet__folders_are_sorted_none_inside_another(void **state)
{
	static const char *const cases[][3] = {
		{ "src/", "prompts/", NULL },     /* not sorted */
		{ "prompts/", "prompts/a/", NULL }, /* one inside another */
		{ "prompts/a", NULL, NULL },      /* a file in a folder is no root file */
	};
	struct library l;

	(void)state;
	library_init(&l);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct pc_quiet q;
		struct pc_quiet_record records[5];
		struct pc_buf b = PC_BUF_INIT;

		memset(&q, 0, sizeof(q));
		pc_quiet_index(&q, &l.config);
		for (int d = 0; d < 3 && cases[c][d]; d++)
			pc_strlist_push(&q.dirs, cases[c][d]);
		memcpy(records, q.records, sizeof(records));
		pc_quiet_encode(&b, &q, records, TREE);
		assert_false(parses(&b, b.len));
		pc_quiet_release(&q);
		pc_buf_release(&b);
	}
	/* a root file, and a folder after it that starts with its name, are fine */
	{
		struct pc_quiet q;
		struct pc_buf b = PC_BUF_INIT;

		memset(&q, 0, sizeof(q));
		pc_quiet_index(&q, &l.config);
		pc_strlist_push(&q.dirs, "top.md");
		pc_strlist_push(&q.dirs, "top.md.d/");
		pc_quiet_encode(&b, &q, q.records, TREE);
		assert_true(parses(&b, b.len));
		pc_quiet_release(&q);
		pc_buf_release(&b);
	}
}

static void test_quiet__a_run_collects_what_the_snapshot_cannot_stand_in_for(void **state)
{
	struct pc_buf b = PC_BUF_INIT;
	struct pc_strlist changed = PC_STRLIST_INIT;
	struct pc_quiet q;

	(void)state;
	encoded(&b, models, costs);
	assert_true(pc_quiet_parse(&q, b.ptr, b.len));
	/* a literal glob is its one path; "prompts/a.md.bak" is not it */
	pc_strlist_push(&changed, "prompts/wild/x.md");
	pc_strlist_push(&changed, "prompts/a.md.bak");
	pc_strlist_push(&changed, "prompts/a.md");
	pc_strlist_push(&changed, "prompts/a.md");
	pc_strlist_push(&changed, "prompts/wild/sub/y.md");
	pc_quiet_visit(&q, &changed);
	assert_int_equal(changed.n, 4); /* sorted, the repeat gone */
	assert_true(q.visit[0]);        /* its path changed */
	assert_false(q.visit[1]);
	assert_true(q.visit[2]);        /* the wildcard matches prompts/wild/x.md */
	assert_true(q.visit[3]);        /* not in the snapshot */
	assert_false(q.visit[4]);       /* "[d]" is a class: prompts/d.md did not change */
	assert_int_equal(q.nquiet, 2);
	pc_strlist_release(&changed);
	/* a file two templates name visits both */
	pc_strlist_push(&changed, "prompts/b.md");
	pc_quiet_visit(&q, &changed);
	assert_true(q.visit[0]);
	assert_true(q.visit[1]);
	assert_false(q.visit[2]);
	assert_int_equal(q.nquiet, 2);
	pc_strlist_release(&changed);
	/* a glob's class matches its path */
	pc_strlist_push(&changed, "prompts/d.md");
	pc_quiet_visit(&q, &changed);
	assert_false(q.visit[0]);
	assert_false(q.visit[2]);
	assert_true(q.visit[4]);
	assert_int_equal(q.nquiet, 3);
	/* reduced: the visited ones' places in the whole configuration */
	pc_quiet_keep(&q);
	assert_int_equal(q.kept[0], 3);
	assert_int_equal(q.kept[1], 4);
	pc_strlist_release(&changed);
	pc_quiet_release(&q);
	/* no snapshot: every template */
	q.loaded = false;
	q.n = 5;
	pc_quiet_visit(&q, &changed);
	assert_int_equal(q.nquiet, 0);
	free(q.visit);
	pc_buf_release(&b);
}

static void test_quiet__the_quiet_spend_is_a_line_per_team_and_use_case(void **state)
{
	struct pc_buf b = PC_BUF_INIT;
	struct pc_strlist changed = PC_STRLIST_INIT;
	struct pc_report report;
	struct pc_quiet q;

	(void)state;
	encoded(&b, models, costs);
	assert_true(pc_quiet_parse(&q, b.ptr, b.len));
	pc_strlist_push(&changed, "prompts/c.md"); /* the template of beta with no record */
	pc_quiet_visit(&q, &changed);
	memset(&report, 0, sizeof(report));
	pc_quiet_lines(&report, &q);
	assert_int_equal(report.nquiet, 4);
	assert_int_equal(report.nquiet_lines, 3);
	assert_string_equal(report.lines_before[0].team, "alpha");
	assert_string_equal(report.lines_before[0].use_case, "support");
	assert_int_equal(report.lines_before[0].cost_micros, 1);
	assert_null(report.lines_before[1].use_case);
	assert_int_equal(report.lines_before[1].cost_micros, 2);
	assert_string_equal(report.lines_before[2].team, "beta");
	assert_int_equal(report.lines_before[2].cost_micros, 3 + 5);
	assert_int_equal(report.lines_after[2].cost_micros, 3 + 5);
	assert_int_equal(report.lines_before[3].cost_micros, 0); /* the zeroed line after */
	free(report.lines_before);
	free(report.lines_after);
	pc_strlist_release(&changed);
	pc_quiet_release(&q);
	pc_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quiet__a_payload_reads_back_only_when_whole),
		cmocka_unit_test(test_quiet__folders_are_sorted_none_inside_another),
		cmocka_unit_test(test_quiet__a_run_collects_what_the_snapshot_cannot_stand_in_for),
		cmocka_unit_test(test_quiet__the_quiet_spend_is_a_line_per_team_and_use_case),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
