/*
 * Tests of common.c's shared helpers that no other module's tests reach
 * directly: the sorted name index config.c, templates.c and policy.c share.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "promptcost/common.h"

struct named {
	int weight;
	const char *name; /* not the first member: the index reads it at its offset */
};

static void test_common__name_index_finds_every_name_and_the_first_of_equals(void **state)
{
	static const struct named items[] = {
		{ 1, "summarize" }, { 2, "classify" }, { 3, "extract" }, { 4, "classify" },
		{ 5, "answer" },
	};
	struct pc_name_index idx = PC_NAME_INDEX_INIT;

	(void)state;
	pc_name_index_init(&idx, items, 5, sizeof(items[0]), offsetof(struct named, name));
	assert_int_equal(pc_name_index_find(&idx, "summarize"), 0);
	assert_int_equal(pc_name_index_find(&idx, "classify"), 1); /* not 3 */
	assert_int_equal(pc_name_index_find(&idx, "extract"), 2);
	assert_int_equal(pc_name_index_find(&idx, "answer"), 4);
	assert_int_equal(pc_name_index_find(&idx, "classif"), SIZE_MAX);
	assert_int_equal(pc_name_index_find(&idx, "zzz"), SIZE_MAX);
	assert_int_equal(pc_name_index_find(&idx, NULL), SIZE_MAX);
	/* names keep the array's order (for suggestions) */
	assert_string_equal(idx.names[0], "summarize");
	assert_string_equal(idx.names[3], "classify");
	assert_string_equal(idx.names[4], "answer");
	pc_name_index_release(&idx);
	assert_int_equal(idx.n, 0);
}

static void test_common__an_empty_name_index_finds_nothing(void **state)
{
	struct pc_name_index idx = PC_NAME_INDEX_INIT;

	(void)state;
	pc_name_index_init(&idx, NULL, 0, sizeof(struct named), offsetof(struct named, name));
	assert_int_equal(pc_name_index_find(&idx, "a"), SIZE_MAX);
	pc_name_index_release(&idx);
	pc_name_index_release(&idx); /* released twice is harmless */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_common__name_index_finds_every_name_and_the_first_of_equals),
		cmocka_unit_test(test_common__an_empty_name_index_finds_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
