/*
 * Tests of the YAML module on its own: the tree (kinds, positions, quoted or
 * plain), the strict loading rules, and a reader written the way yaml.h's
 * header shows, over the shape of .promptcost/volumes.yml, so that its
 * example stays true.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "promptcost/yaml.h"

#define PATH ".promptcost/volumes.yml"

static const char volumes[] =
	"# .promptcost/volumes.yml: recorded usage per template\n"
	"version: 1\n"
	"window:\n"
	"  from: 2026-11-01        # first day, UTC, included\n"
	"  until: 2026-11-30\n"
	"  days: 30\n"
	"records: 1234\n"
	"templates:\n"
	"  document-summarization:\n"
	"    days: 30\n"
	"    calls: 444360\n"
	"  \"quoted-id\":\n"
	"    calls: 7\n";

static struct pc_yaml_node *load_ok(const char *text)
{
	struct pc_yaml_node *root = NULL;

	if (pc_yaml_load(&root, PATH, text, strlen(text), PC_YAML_MAX_BYTES))
		fail_msg("unexpected error: %s", pc_error_message());
	assert_non_null(root);
	return root;
}

static void load_fails(const char *text, const char *message)
{
	struct pc_yaml_node *root = (struct pc_yaml_node *)1;

	assert_int_equal(pc_yaml_load(&root, PATH, text, strlen(text), PC_YAML_MAX_BYTES),
			 PC_EINPUT);
	assert_null(root);
	assert_string_equal(pc_error_message(), message);
	pc_error_clear();
}

static void test_yaml__the_tree_has_kinds_positions_and_quoting(void **state)
{
	struct pc_yaml_node *root = load_ok(volumes);
	const struct pc_yaml_node *key = NULL, *window, *from, *templates;

	(void)state;
	assert_int_equal(root->kind, PC_YAML_MAPPING);
	assert_int_equal(root->n, 2 * 4);
	window = pc_yaml_find(root, "window", &key);
	assert_non_null(window);
	assert_int_equal(window->kind, PC_YAML_MAPPING);
	assert_int_equal(key->pos.line, 3);
	assert_int_equal(key->pos.col, 1);
	from = pc_yaml_find(window, "from", NULL);
	assert_string_equal(from->text, "2026-11-01"); /* a day is a plain string */
	assert_true(from->plain);
	assert_int_equal(from->pos.line, 4);
	assert_int_equal(from->pos.col, 9);
	templates = pc_yaml_find(root, "templates", NULL);
	assert_string_equal(templates->items[2]->text, "quoted-id");
	assert_false(templates->items[2]->plain);
	assert_null(pc_yaml_find(root, "absent", NULL));
	assert_null(pc_yaml_find(from, "from", NULL)); /* not a mapping: nothing to find */
	pc_yaml_free(root);
}

static void test_yaml__an_empty_stream_is_no_tree(void **state)
{
	struct pc_yaml_node *root = (struct pc_yaml_node *)1;

	(void)state;
	assert_int_equal(pc_yaml_load(&root, PATH, "# only a comment\n", 17, PC_YAML_MAX_BYTES), 0);
	assert_null(root);
}

static void test_yaml__strict_loading_refuses_what_could_be_misread(void **state)
{
	(void)state;
	load_fails("a: 1\nb: 2\na: 3\n", PATH ":3:1: duplicate key 'a' (first at line 1)");
	load_fails("a: &x 1\nb: *x\n", PATH ":1:4: yaml anchors ('&x') are not allowed");
	load_fails("a: !!int 1\n", PATH ":1:4: yaml tags ('tag:yaml.org,2002:int') are not allowed");
	load_fails("a: 1\n---\nb: 2\n",
		   PATH ":2:1: a second yaml document; the configuration is one document");
	load_fails("? [a]\n: 1\n", PATH ":1:3: a key must be a plain name, found a sequence");
	load_fails("a: \"x\ty\"\nb: [\n", PATH ":3:1: yaml syntax error: did not find expected "
		   "node content (while parsing a flow node)");
}

static void test_yaml__input_over_the_limit_is_refused(void **state)
{
	struct pc_yaml_node *root = NULL;

	(void)state;
	assert_int_equal(pc_yaml_load(&root, PATH, "a: 1\n", 5, 4), PC_EINPUT);
	assert_string_equal(pc_error_message(), PATH ":1:1: the file is 5 bytes, over the "
			    "4-byte limit");
	pc_error_clear();
}

/* A reader in the shape of yaml.h's example: total calls over templates. */
static int read_calls(int64_t *out, const char *text)
{
	static const char *const top_keys[] = { "version", "window", "records", "templates",
						NULL };
	static const char *const count_keys[] = { "days", "calls", NULL };
	struct pc_yaml_node *root = NULL;
	const struct pc_yaml_node *v, *templates;
	int64_t version, calls;
	int error;

	*out = 0;
	if ((error = pc_yaml_load(&root, PATH, text, strlen(text), PC_YAML_MAX_BYTES)))
		return error;
	if ((error = pc_yaml_expect_mapping(PATH, root, "the volumes file")) ||
	    (error = pc_yaml_check_keys(PATH, root, top_keys, "at the top level")))
		goto done;
	if (!(v = pc_yaml_find(root, "version", NULL))) {
		error = pc_yaml_fail(PATH, root->pos, "missing 'version: 1'");
		goto done;
	}
	if ((error = pc_yaml_get_count(&version, PATH, v, "version", 1000)))
		goto done;
	templates = pc_yaml_find(root, "templates", NULL);
	if (templates && (error = pc_yaml_expect_mapping(PATH, templates, "'templates'")))
		goto done;
	for (size_t i = 0; templates && i + 1 < templates->n; i += 2) {
		const struct pc_yaml_node *counts = templates->items[i + 1];

		if ((error = pc_yaml_expect_mapping(PATH, counts, "a template")) ||
		    (error = pc_yaml_check_keys(PATH, counts, count_keys, "in a template")))
			goto done;
		if ((v = pc_yaml_find(counts, "calls", NULL))) {
			if ((error = pc_yaml_get_count(&calls, PATH, v, "calls", INT64_MAX)))
				goto done;
			*out += calls;
		}
	}
done:
	pc_yaml_free(root);
	return error;
}

static void reader_fails(const char *text, const char *message)
{
	int64_t calls;

	assert_int_equal(read_calls(&calls, text), PC_EINPUT);
	assert_string_equal(pc_error_message(), message);
	pc_error_clear();
}

static void test_yaml__a_reader_on_top_is_a_few_dozen_lines(void **state)
{
	int64_t calls = 0;

	(void)state;
	assert_int_equal(read_calls(&calls, volumes), 0);
	assert_int_equal(calls, 444360 + 7);
	reader_fails("version: 1\nrecods: 3\n",
		     PATH ":2:1: unknown key 'recods' at the top level (did you mean 'records'?)");
	reader_fails("version: 1\ntemplates:\n  a:\n    calls: 1e3\n",
		     PATH ":4:12: '1e3' has an exponent; write the number out in full");
	reader_fails("version: 1\ntemplates:\n  a:\n    calls: -1\n",
		     PATH ":4:12: '-1' is negative; expected a number of 0 or more");
	reader_fails("version: 1\ntemplates:\n  a:\n    calls: 25,000\n",
		     PATH ":4:12: '25,000' has a digit separator; write 25000");
	reader_fails("version: 1\ntemplates:\n  a: 3\n",
		     PATH ":3:6: a template must be a mapping, found a scalar");
	reader_fails("version: 1\ntemplates:\n  a:\n", PATH ":3:5: a template has no value; "
		     "expected a mapping");
	reader_fails("templates: {}\n", PATH ":1:1: missing 'version: 1'");
	reader_fails("version: 1001\n", PATH ":1:10: '1001' is over the largest allowed version "
		     "(1000)");
}

static void test_yaml__getters_read_exactly(void **state)
{
	struct pc_yaml_node *root = load_ok("money: 0.015\nshare: 80%\npercent: 12.5\n"
					    "choice: warn\nempty: ''\nflag: yes\n");
	static const char *const choices[] = { "block", "warn", NULL };
	int64_t value;
	const char *text;
	int choice;

	(void)state;
	assert_int_equal(pc_yaml_get_decimal(&value, PATH, pc_yaml_find(root, "money", NULL),
					     "money", 6), 0);
	assert_int_equal(value, 15000);
	assert_int_equal(pc_yaml_get_share(&value, PATH, pc_yaml_find(root, "share", NULL),
					   "share"), 0);
	assert_int_equal(value, 800000);
	assert_int_equal(pc_yaml_get_percent(&value, PATH, pc_yaml_find(root, "percent", NULL),
					     "percent"), 0);
	assert_int_equal(value, 125000);
	assert_int_equal(pc_yaml_get_choice(&choice, PATH, pc_yaml_find(root, "choice", NULL),
					    "choice", choices), 0);
	assert_int_equal(choice, 1);
	assert_int_equal(pc_yaml_get_string(&text, PATH, pc_yaml_find(root, "empty", NULL),
					    "empty"), PC_EINPUT);
	assert_string_equal(pc_error_message(), PATH ":5:8: 'empty' is empty");
	assert_int_equal(pc_yaml_get_count(&value, PATH, pc_yaml_find(root, "flag", NULL),
					   "flag", 10), PC_EINPUT);
	assert_string_equal(pc_error_message(), PATH ":6:7: 'yes' is a boolean; expected a number");
	assert_int_equal(pc_yaml_get_choice(&choice, PATH, pc_yaml_find(root, "money", NULL),
					    "choice", choices), PC_EINPUT);
	assert_string_equal(pc_error_message(),
			    PATH ":1:8: '0.015' is not a valid 'choice' (expected one of: block, warn)");
	pc_error_clear();
	pc_yaml_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml__the_tree_has_kinds_positions_and_quoting),
		cmocka_unit_test(test_yaml__an_empty_stream_is_no_tree),
		cmocka_unit_test(test_yaml__strict_loading_refuses_what_could_be_misread),
		cmocka_unit_test(test_yaml__input_over_the_limit_is_refused),
		cmocka_unit_test(test_yaml__a_reader_on_top_is_a_few_dozen_lines),
		cmocka_unit_test(test_yaml__getters_read_exactly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
