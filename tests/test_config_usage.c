/*
 * Tests of the configuration's `usage:` section (config.c, read_usage):
 * attribution rules and model aliases read into the config, and every
 * mistake a one-line error at its file:line:col.
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

static const char head[] =
	"version: 1\n"
	"models:\n"
	"  gpt-4o: {encoding: o200k_base, input_per_1m: 2.50, output_per_1m: 10}\n"
	"templates:\n"
	"  - id: support-reply\n"
	"    files: [prompts/support.md]\n"
	"    model: gpt-4o\n"
	"    calls_per_day: 10\n"
	"  - id: summaries\n"
	"    files: [prompts/sum.md]\n"
	"    model: gpt-4o\n"
	"    calls_per_day: 10\n";

/* head followed by tail (the usage section, from line 13) */
static int parse(struct pc_config **out, const char *tail)
{
	char text[4096];

	snprintf(text, sizeof(text), "%s%s", head, tail);
	return pc_config_parse(out, ".promptcost.yml", text, strlen(text));
}

static void fails(const char *tail, const char *message)
{
	struct pc_config *config = NULL;

	assert_int_equal(parse(&config, tail), PC_EINPUT);
	assert_null(config);
	assert_string_equal(pc_error_message(), message);
}

static void test_config_usage__rules_and_aliases_are_read_in_order(void **state)
{
	struct pc_config *config = NULL;

	(void)state;
	assert_int_equal(parse(&config, "usage:\n"
				       "  templates:\n"
				       "    - { template: support-reply, tag: \"prompt:support\" }\n"
				       "    - template: summaries\n"
				       "      api_key: key_8f2\n"
				       "    - { template: support-reply, project: proj_abc }\n"
				       "  models:\n"
				       "    gpt-4o-2024-08-06: gpt-4o\n"), 0);
	assert_int_equal(config->usage.nrules, 3);
	assert_string_equal(config->usage.rules[0].template, "support-reply");
	assert_int_equal(config->usage.rules[0].match, PC_USAGE_MATCH_TAG);
	assert_string_equal(config->usage.rules[0].value, "prompt:support");
	assert_int_equal(config->usage.rules[0].pos.line, 15);
	assert_string_equal(config->usage.rules[1].template, "summaries");
	assert_int_equal(config->usage.rules[1].match, PC_USAGE_MATCH_API_KEY);
	assert_int_equal(config->usage.rules[2].match, PC_USAGE_MATCH_PROJECT);
	assert_string_equal(config->usage.rules[2].value, "proj_abc");
	assert_int_equal(config->usage.naliases, 1);
	assert_string_equal(config->usage.aliases[0].name, "gpt-4o-2024-08-06");
	assert_string_equal(config->usage.aliases[0].model, "gpt-4o");
	pc_config_free(config);
}

static void test_config_usage__no_section_or_an_empty_one_has_no_rules(void **state)
{
	struct pc_config *config = NULL;

	(void)state;
	assert_int_equal(parse(&config, ""), 0);
	assert_int_equal(config->usage.nrules, 0);
	pc_config_free(config);
	assert_int_equal(parse(&config, "usage:\n"), 0);
	assert_int_equal(config->usage.naliases, 0);
	pc_config_free(config);
}

static void test_config_usage__mistakes_are_located_errors(void **state)
{
	(void)state;
	fails("usage:\n  template: []\n",
	      ".promptcost.yml:14:3: unknown key 'template' in 'usage' (did you mean 'templates'?)");
	fails("usage:\n  templates:\n    - { template: support-reply, tags: x }\n",
	      ".promptcost.yml:15:34: unknown key 'tags' in a 'usage.templates' rule (did you mean "
	      "'tag'?)");
	fails("usage:\n  templates:\n    - { template: support-rply, tag: x }\n",
	      ".promptcost.yml:15:19: unknown template 'support-rply' (did you mean "
	      "'support-reply'?)");
	fails("usage:\n  templates:\n    - { template: summaries }\n",
	      ".promptcost.yml:15:7: usage template rule 1 says nothing to match: give 'tag', "
	      "'api_key' or 'project'");
	fails("usage:\n  templates:\n    - { tag: x }\n",
	      ".promptcost.yml:15:7: usage template rule 1 has no 'template'");
	fails("usage:\n  templates:\n    - { template: summaries, tag: a, project: b }\n",
	      ".promptcost.yml:15:38: usage template rule 1 has both 'tag' and 'project'; give one "
	      "per rule");
	fails("usage:\n  templates:\n    - { template: summaries, tag: a }\n"
	      "    - { template: support-reply, tag: a }\n",
	      ".promptcost.yml:16:7: tag 'a' is already attributed (at line 15); a value names one "
	      "template");
	fails("usage:\n  templates: {a: b}\n",
	      ".promptcost.yml:14:14: 'usage.templates' must be a sequence of rules ('- template: "
	      "ID' with tag, api_key or project), found a mapping");
	fails("usage:\n  models:\n    gpt-4o-latest: gpt-5\n",
	      ".promptcost.yml:15:20: unknown model 'gpt-5' (did you mean 'gpt-4o'?)");
	fails("usage:\n  models:\n    gpt-4o: gpt-4o\n",
	      ".promptcost.yml:15:5: 'gpt-4o' is a model of the configuration already; "
	      "'usage.models' maps other names onto them");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_usage__rules_and_aliases_are_read_in_order),
		cmocka_unit_test(test_config_usage__no_section_or_an_empty_one_has_no_rules),
		cmocka_unit_test(test_config_usage__mistakes_are_located_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
