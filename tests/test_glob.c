/*
 * Tests of the glob matcher: its rules, inputs that were exponential for the
 * recursive matcher it replaced (cmark's pathological tests are the model:
 * a generous bound on the steps taken, counted, not timed), and a
 * differential test against the reference matcher on random short inputs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "promptcost/common.h"
#include "promptcost/glob.h"

#include "../fuzz/glob_reference.h"

static void test_glob__star_stays_within_a_segment(void **state)
{
	(void)state;
	assert_true(pc_glob_match("prompts/*.md", "prompts/a.md"));
	assert_false(pc_glob_match("prompts/*.md", "prompts/sub/a.md"));
	assert_false(pc_glob_match("prompts/*.md", "prompts/a.txt"));
	assert_true(pc_glob_match("prompts/?.md", "prompts/a.md"));
	assert_false(pc_glob_match("prompts/?.md", "prompts/ab.md"));
}

static void test_glob__double_star_spans_any_number_of_segments(void **state)
{
	(void)state;
	assert_true(pc_glob_match("prompts/**", "prompts/a.md"));
	assert_true(pc_glob_match("prompts/**", "prompts/x/y/z.md"));
	assert_true(pc_glob_match("prompts/**/*.md", "prompts/a.md"));
	assert_true(pc_glob_match("prompts/**/*.md", "prompts/x/y/a.md"));
	assert_true(pc_glob_match("**/system.md", "a/b/system.md"));
	assert_true(pc_glob_match("**/system.md", "system.md"));
	assert_false(pc_glob_match("prompts/**/*.md", "other/a.md"));
}

static void test_glob__classes_and_literal_paths(void **state)
{
	(void)state;
	assert_true(pc_glob_match("p/[ab].md", "p/a.md"));
	assert_false(pc_glob_match("p/[!ab].md", "p/a.md"));
	assert_true(pc_glob_match("p/[a-c].md", "p/b.md"));
	assert_true(pc_glob_match("prompts/summarize/system.md", "prompts/summarize/system.md"));
	assert_false(pc_glob_match("prompts/summarize", "prompts/summarize/system.md"));
}

static void test_glob__escapes_negation_and_brackets_follow_the_documented_rules(void **state)
{
	(void)state;
	assert_true(pc_glob_match("p/\\*.md", "p/*.md"));
	assert_false(pc_glob_match("p/\\*.md", "p/a.md"));
	assert_true(pc_glob_match("p/a\\", "p/a\\"));
	assert_true(pc_glob_match("p/[^ab].md", "p/c.md"));
	assert_false(pc_glob_match("p/[^ab].md", "p/b.md"));
	/* a ']' first is a member, not the end */
	assert_true(pc_glob_match("p/[]a].md", "p/].md"));
	assert_true(pc_glob_match("p/[!]].md", "p/x.md"));
	assert_false(pc_glob_match("p/[!]].md", "p/].md"));
	/* a '-' last is a member */
	assert_true(pc_glob_match("p/[a-].md", "p/-.md"));
	/* a '[' without its ']' in the segment is literal, and a class never spans '/' */
	assert_true(pc_glob_match("p/[a.md", "p/[a.md"));
	assert_true(pc_glob_match("p[/]", "p[/]"));
	assert_false(pc_glob_match("p[/]", "p/"));
	/* bytes above 127 compare unsigned in ranges */
	assert_true(pc_glob_match("[\x80-\xff]", "\xc3"));
	assert_false(pc_glob_match("[\x80-\xff]", "a"));
}

static void test_glob__double_star_is_zero_segments_inside_and_at_least_one_at_the_end(void **state)
{
	(void)state;
	assert_true(pc_glob_match("a/**/b", "a/b"));
	assert_true(pc_glob_match("a/**/b", "a/x/y/b"));
	assert_false(pc_glob_match("a/**/b", "a/x/y/c"));
	assert_false(pc_glob_match("a/**", "a"));
	assert_false(pc_glob_match("a/**/", "a"));
	assert_true(pc_glob_match("a/**/", "a/b/c"));
	assert_true(pc_glob_match("**", "anything/at/all"));
	assert_true(pc_glob_match("**/**", "a"));
	/* '**' inside a segment is two '*': it stays within the segment */
	assert_true(pc_glob_match("a**b", "axyb"));
	assert_false(pc_glob_match("a**b", "ax/yb"));
	assert_true(pc_glob_match("**/x/**/y/*.md", "1/x/2/3/y/z.md"));
	assert_false(pc_glob_match("**/x/**/y/*.md", "1/x/2/3/y/z/w.md"));
}

/*
 * Inputs the recursive matcher took exponential time on. Each must answer
 * within PC_GLOB_MAX_STEPS, and the whole set within a CPU bound a hundred
 * times what it needs (the old matcher ran past a minute on the first one).
 */
static char *repeat(const char *unit, size_t times, const char *sep, const char *tail)
{
	struct pc_buf b = PC_BUF_INIT;

	for (size_t i = 0; i < times; i++) {
		if (i)
			pc_buf_adds(&b, sep);
		pc_buf_adds(&b, unit);
	}
	pc_buf_adds(&b, tail);
	return pc_buf_detach(&b, NULL);
}

struct pathological {
	char *glob, *path;
	bool matches;
};

static void check_bounded(const struct pathological *c)
{
	uint64_t steps = 0;
	bool matched = pc_glob_match_counted(c->glob, c->path, &steps);
	uint64_t bound = PC_GLOB_MAX_STEPS(strlen(c->glob), strlen(c->path));

	if (steps > bound)
		fail_msg("%llu steps for a %zu-byte glob and a %zu-byte path (bound %llu)",
			 (unsigned long long)steps, strlen(c->glob), strlen(c->path),
			 (unsigned long long)bound);
	if (matched != c->matches)
		fail_msg("'%.40s...' against '%.40s...' gave %d", c->glob, c->path, matched);
}

static void test_glob__pathological_inputs_take_a_bounded_number_of_steps(void **state)
{
	char *long_name = repeat("a", 200, "", "");
	struct pathological cases[] = {
		/* five '*' against 20 long names: the denial of service of issue 8 */
		{ repeat("*a*a*a*a*a*b", 20, "/", ""), repeat(long_name, 20, "/", ""), false },
		{ repeat("*a", 50, "", "b"), repeat("a", 5000, "", ""), false },
		{ repeat("*a", 50, "", ""), repeat("a", 5000, "", ""), true },
		/* '**' against many segments, the rest failing at the very end */
		{ repeat("**/a", 30, "/", "/b"), repeat("a", 2000, "/", ""), false },
		{ repeat("**", 100, "/", "/x"), repeat("seg", 2000, "/", "/y"), false },
		{ repeat("**/*a*a*a", 10, "/", "/b"), repeat(long_name, 40, "/", ""), false },
		/* classes and literal brackets, each rescanned per byte by a naive parser */
		{ repeat("*[", 500, "", ""), repeat("[", 2000, "", "x"), false },
		{ repeat("*[", 500, "", "]"), repeat("[", 2000, "", ""), true },
		{ repeat("*[a-z]", 200, "", "!"), repeat("q", 5000, "", ""), false },
		{ repeat("\\*?", 300, "", ""), repeat("*x", 300, "", ""), true },
	};
	clock_t start = clock();

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_bounded(&cases[i]);
		free(cases[i].glob);
		free(cases[i].path);
	}
	free(long_name);
	/* about 0.05 s on the machine the tests were written on */
	assert_true((double)(clock() - start) / CLOCKS_PER_SEC < 5.0);
}

/* Random globs and paths over an alphabet of the bytes that matter. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static unsigned rng(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static void random_string(char *out, size_t max, const char *alphabet)
{
	size_t len = rng((unsigned)max + 1), n = strlen(alphabet);

	for (size_t i = 0; i < len; i++)
		out[i] = alphabet[rng((unsigned)n)];
	out[len] = '\0';
}

static void test_glob__agrees_with_the_reference_matcher_on_random_short_inputs(void **state)
{
	size_t matched = 0;

	(void)state;
	for (int i = 0; i < 300000; i++) {
		char glob[13], path[17];
		uint64_t steps = 0;
		bool got;

		random_string(glob, 12, "ab*?*[]!^-/\\/*");
		random_string(path, 16, "ab/-]![\\*");
		got = pc_glob_match_counted(glob, path, &steps);
		if (got != reference_glob_match(glob, path))
			fail_msg("glob '%s' path '%s': %d, the reference says %d", glob, path, got,
				 !got);
		assert_true(steps <= PC_GLOB_MAX_STEPS(strlen(glob), strlen(path)));
		matched += got;
	}
	/* the inputs are not all trivial misses */
	assert_true(matched > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob__star_stays_within_a_segment),
		cmocka_unit_test(test_glob__double_star_spans_any_number_of_segments),
		cmocka_unit_test(test_glob__classes_and_literal_paths),
		cmocka_unit_test(test_glob__escapes_negation_and_brackets_follow_the_documented_rules),
		cmocka_unit_test(
			test_glob__double_star_is_zero_segments_inside_and_at_least_one_at_the_end),
		cmocka_unit_test(test_glob__pathological_inputs_take_a_bounded_number_of_steps),
		cmocka_unit_test(test_glob__agrees_with_the_reference_matcher_on_random_short_inputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
