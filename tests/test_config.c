/*
 * Tests of the configuration reader: the DESIGN.md example and the starter
 * parse to the right values, every number form is read exactly or refused,
 * and every error is one line with the exact file:line:col.
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

#include "promptcost/approvals.h"
#include "promptcost/config.h"
#include "promptcost/money.h"

#define PATH ".promptcost.yml"

/* Parses text that must be valid; the caller frees the result. */
static struct pc_config *parse_ok(const char *text)
{
	struct pc_config *config = NULL;
	int error = pc_config_parse(&config, PATH, text, strlen(text));

	if (error)
		fail_msg("unexpected error: %s", pc_error_message());
	assert_non_null(config);
	return config;
}

/* Parses text that must fail with exactly message (one line, PC_EINPUT). */
static void parse_fails(const char *text, const char *message)
{
	struct pc_config *config = (struct pc_config *)1;
	int error = pc_config_parse(&config, PATH, text, strlen(text));

	assert_int_equal(error, PC_EINPUT);
	assert_null(config);
	assert_string_equal(pc_error_message(), message);
	assert_null(strchr(pc_error_message(), '\n'));
}

/* Lines 1-13: a minimal valid configuration whose last template lacks calls_per_day. */
#define HEAD \
	"version: 1\n"                   /* 1 */ \
	"models:\n"                      /* 2 */ \
	"  gpt-4o-mini:\n"               /* 3 */ \
	"    encoding: o200k_base\n"     /* 4 */ \
	"    input_per_1m: 0.15\n"       /* 5 */ \
	"    output_per_1m: 0.60\n"      /* 6 */ \
	"teams:\n"                       /* 7 */ \
	"  search:\n"                    /* 8 */ \
	"    monthly_budget: 100\n"      /* 9 */ \
	"templates:\n"                   /* 10 */ \
	"  - id: summarize\n"            /* 11 */ \
	"    files: prompts/a.md\n"      /* 12 */ \
	"    model: gpt-4o-mini\n"       /* 13 */

static const char design_example[] =
	"version: 1\n"
	"currency: USD\n"
	"days_per_month: 30\n"
	"\n"
	"models:\n"
	"  gpt-4-class:\n"
	"    encoding: cl100k_base        # cl100k_base | o200k_base | approximate\n"
	"    input_per_1k: 0.012          # or input_per_1m: 12.00\n"
	"    output_per_1k: 0.024\n"
	"    cached_input_per_1k: 0.006   # optional: provider prompt-cache price\n"
	"\n"
	"teams:\n"
	"  records-management:\n"
	"    monthly_budget: 25000\n"
	"    limit: hard                  # hard: over budget blocks; soft: over budget only warns\n"
	"    warn_at: 80%\n"
	"    other_monthly_spend: 12000   # spend of this team not modelled by its templates\n"
	"\n"
	"templates:\n"
	"  - id: document-summarization\n"
	"    files: [prompts/summarize/system.md]   # files (globs allowed) that together form one prompt\n"
	"    team: records-management\n"
	"    use_case: document-summarization\n"
	"    model: gpt-4-class\n"
	"    calls_per_day: 15000\n"
	"    output_tokens_per_call: 250\n"
	"    cache_hit_rate: 0%           # share of calls answered by a response cache (no model call)\n"
	"\n"
	"policy:\n"
	"  cost_event:                    # a change is a cost event when it reaches either threshold\n"
	"    monthly_delta: 500\n"
	"    percent: 10\n"
	"  unapproved_cost_event: block   # block | warn\n"
	"  approvers: [release-manager@agency.gov, \"github:octo-release\"]\n";

static void test_config__design_example_parses_to_the_right_values(void **state)
{
	struct pc_config *config = parse_ok(design_example);
	const struct pc_model *model;
	const struct pc_budget *team;
	const struct pc_template_config *t;

	(void)state;
	assert_string_equal(config->path, PATH);
	assert_string_equal(config->currency, "USD");
	assert_int_equal(config->days_per_month, 30);

	assert_int_equal(config->nmodels, 1);
	model = pc_config_model(config, "gpt-4-class");
	assert_non_null(model);
	assert_int_equal(model->encoding, PC_ENC_CL100K_BASE);
	assert_false(model->approximate);
	assert_int_equal(model->input_micros_per_mtok, 12000000);
	assert_int_equal(model->output_micros_per_mtok, 24000000);
	assert_true(model->has_cached_input_price);
	assert_int_equal(model->cached_input_micros_per_mtok, 6000000);
	assert_int_equal(model->pos.line, 6);
	assert_int_equal(model->pos.col, 3);

	assert_int_equal(config->nteams, 1);
	team = pc_config_team(config, "records-management");
	assert_non_null(team);
	assert_true(team->has_budget);
	assert_int_equal(team->monthly_budget_micros, INT64_C(25000000000));
	assert_int_equal(team->limit, PC_LIMIT_HARD);
	assert_true(team->has_warn_at);
	assert_int_equal(team->warn_at_ppm, 800000);
	assert_int_equal(team->other_monthly_spend_micros, INT64_C(12000000000));
	assert_int_equal(config->nuse_cases, 0);
	assert_null(pc_config_use_case(config, "document-summarization"));

	assert_int_equal(config->ntemplates, 1);
	t = pc_config_template(config, "document-summarization");
	assert_non_null(t);
	assert_int_equal(t->pos.line, 20);
	assert_int_equal(t->pos.col, 5);
	assert_int_equal(t->nfiles, 1);
	assert_string_equal(t->files[0].pattern, "prompts/summarize/system.md");
	assert_int_equal(t->files[0].pos.line, 21);
	assert_int_equal(t->files[0].pos.col, 13);
	assert_string_equal(t->team, "records-management");
	assert_string_equal(t->use_case, "document-summarization");
	assert_string_equal(t->model, "gpt-4-class");
	assert_int_equal(t->model_pos.line, 24);
	assert_int_equal(t->model_pos.col, 12);
	assert_int_equal(t->calls_per_day, 15000);
	assert_int_equal(t->output_tokens_per_call, 250);
	assert_int_equal(t->cache_hit_ppm, 0);
	assert_int_equal(t->cached_input_ppm, 0);

	assert_true(config->policy.has_event_delta);
	assert_int_equal(config->policy.event_delta_micros, INT64_C(500000000));
	assert_true(config->policy.has_event_percent);
	assert_int_equal(config->policy.event_ppm, 100000);
	assert_int_equal(config->policy.unapproved, PC_UNAPPROVED_BLOCK);
	assert_int_equal(config->policy.approvers.n, 2);
	assert_string_equal(config->policy.approvers.items[0], "release-manager@agency.gov");
	assert_string_equal(config->policy.approvers.items[1], "github:octo-release");
	pc_config_free(config);
}

static void test_config__the_starter_parses(void **state)
{
	struct pc_config *config = parse_ok(pc_config_starter());

	(void)state;
	assert_int_equal(config->nmodels, 1);
	assert_int_equal(config->models[0].input_micros_per_mtok, 12000000);
	assert_int_equal(config->ntemplates, 1);
	assert_int_equal(config->templates[0].calls_per_day, 15000);
	assert_int_equal(config->policy.approvers.n, 1);
	pc_config_free(config);
}

static void test_config__defaults_apply_when_keys_are_left_out(void **state)
{
	struct pc_config *config = parse_ok(HEAD "    calls_per_day: 0\n");
	const struct pc_template_config *t = &config->templates[0];

	(void)state;
	assert_string_equal(config->currency, "USD");
	assert_int_equal(config->days_per_month, 30);
	assert_int_equal(config->teams[0].limit, PC_LIMIT_HARD);
	assert_false(config->teams[0].has_warn_at);
	assert_int_equal(config->teams[0].other_monthly_spend_micros, 0);
	assert_false(config->models[0].has_cached_input_price);
	assert_null(t->team);
	assert_null(t->use_case);
	assert_int_equal(t->calls_per_day, 0);
	assert_int_equal(t->output_tokens_per_call, 0);
	assert_int_equal(t->cache_hit_ppm, 0);
	assert_false(config->policy.has_event_delta);
	assert_false(config->policy.has_event_percent);
	assert_int_equal(config->policy.unapproved, PC_UNAPPROVED_BLOCK);
	assert_int_equal(config->policy.approvers.n, 0);
	pc_config_free(config);
}

/* ---- exact numbers ---- */

/* A configuration whose only team's monthly_budget (line 4, column 21) is value. */
static char *with_budget(const char *value)
{
	char *text = malloc(256);

	assert_non_null(text);
	snprintf(text, 256, "version: 1\nteams:\n  search:\n    monthly_budget: %s\n", value);
	return text;
}

static int64_t budget_of(const char *value)
{
	char *text = with_budget(value);
	struct pc_config *config = parse_ok(text);
	int64_t micros = config->teams[0].monthly_budget_micros;

	pc_config_free(config);
	free(text);
	return micros;
}

static void budget_fails(const char *value, const char *message)
{
	char *text = with_budget(value);

	parse_fails(text, message);
	free(text);
}

static void test_config__price_per_1k_is_micro_units_per_million_tokens(void **state)
{
	struct pc_config *config = parse_ok(
		"version: 1\n"
		"models:\n"
		"  m:\n"
		"    encoding: cl100k_base\n"
		"    input_per_1k: 0.012\n"
		"    output_per_1m: 12.50\n"
		"    cached_input_per_1k: 0.000000001\n");

	(void)state;
	assert_int_equal(config->models[0].input_micros_per_mtok, 12000000);
	assert_int_equal(config->models[0].output_micros_per_mtok, 12500000);
	assert_int_equal(config->models[0].cached_input_micros_per_mtok, 1);
	pc_config_free(config);
}

static void test_config__amounts_are_read_exactly(void **state)
{
	(void)state;
	assert_int_equal(budget_of("25000"), INT64_C(25000000000));
	assert_int_equal(budget_of("12.50"), 12500000);
	assert_int_equal(budget_of("0.012"), 12000);
	assert_int_equal(budget_of("0"), 0);
	assert_int_equal(budget_of("\"25000\""), INT64_C(25000000000));
	assert_int_equal(budget_of("0.1000000000"), 100000);
}

static void test_config__amounts_in_other_forms_are_refused_with_the_reason(void **state)
{
	(void)state;
	budget_fails("1e3", PATH ":4:21: '1e3' has an exponent; write the number out in full");
	budget_fails("-5", PATH ":4:21: '-5' is negative; expected a number of 0 or more");
	budget_fails("25,000", PATH ":4:21: '25,000' has a digit separator; write 25000");
	budget_fails("25_000", PATH ":4:21: '25_000' has a digit separator; write 25000");
	budget_fails("true", PATH ":4:21: 'true' is a boolean; expected a number");
	budget_fails("yes", PATH ":4:21: 'yes' is a boolean; expected a number");
	budget_fails(".nan", PATH ":4:21: '.nan' is not a finite number");
	budget_fails(".inf", PATH ":4:21: '.inf' is not a finite number");
	budget_fails("-.inf", PATH ":4:21: '-.inf' is not a finite number");
	budget_fails("abc", PATH ":4:21: 'abc' is not a decimal number");
	budget_fails("0x10", PATH ":4:21: '0x10' is not a decimal number");
	budget_fails("0.0000001", PATH ":4:21: '0.0000001' has more than 6 decimal places");
	budget_fails("99999999999999999999", PATH ":4:21: '99999999999999999999' is too large");
	budget_fails("", PATH ":4:20: 'monthly_budget' has no value; expected a number");
	budget_fails("[1]", PATH ":4:21: 'monthly_budget' must be a number, found a sequence");
}

static void test_config__abc_as_a_price_is_not_a_decimal_number(void **state)
{
	(void)state;
	parse_fails("version: 1\n"
		    "models:\n"
		    "  m:\n"
		    "    encoding: cl100k_base\n"
		    "    input_per_1k: 1\n"
		    "    output_per_1k: 1\n"
		    "    cached_input_per_1k: abc\n",
		    PATH ":7:26: 'abc' is not a decimal number");
}

/* A configuration whose only team has warn_at (line 5, column 14) = value. */
static char *with_warn_at(const char *value)
{
	char *text = malloc(256);

	assert_non_null(text);
	snprintf(text, 256, "version: 1\nteams:\n  search:\n    monthly_budget: 1\n    warn_at: %s\n",
		 value);
	return text;
}

static int64_t warn_at_of(const char *value)
{
	char *text = with_warn_at(value);
	struct pc_config *config = parse_ok(text);
	int64_t ppm = config->teams[0].warn_at_ppm;

	pc_config_free(config);
	free(text);
	return ppm;
}

static void warn_at_fails(const char *value, const char *message)
{
	char *text = with_warn_at(value);

	parse_fails(text, message);
	free(text);
}

static void test_config__shares_are_percents_or_fractions_up_to_100_percent(void **state)
{
	(void)state;
	assert_int_equal(warn_at_of("80%"), 800000);
	assert_int_equal(warn_at_of("0.8"), 800000);
	assert_int_equal(warn_at_of("100%"), 1000000);
	assert_int_equal(warn_at_of("1"), 1000000);
	assert_int_equal(warn_at_of("0%"), 0);
	assert_int_equal(warn_at_of("12.5%"), 125000);
	warn_at_fails("101%", PATH ":5:14: '101%' is over 100%");
	warn_at_fails("1.5", PATH ":5:14: '1.5' is over 100%");
	warn_at_fails("-5%", PATH ":5:14: '-5%' is negative; expected a number of 0 or more");
	warn_at_fails("eighty", PATH ":5:14: 'eighty' is not a share (write 80% or 0.8)");
}

static void test_config__warn_at_without_a_budget_is_an_error(void **state)
{
	(void)state;
	parse_fails("version: 1\nteams:\n  search:\n    warn_at: 80%\n",
		    PATH ":4:5: 'warn_at' needs a 'monthly_budget' in team 'search'");
}

static void test_config__policy_percent_is_a_number_of_percent(void **state)
{
	struct pc_config *config = parse_ok("version: 1\npolicy:\n  cost_event:\n    percent: 10%\n"
					    "  unapproved_cost_event: warn\n");

	(void)state;
	assert_true(config->policy.has_event_percent);
	assert_int_equal(config->policy.event_ppm, 100000);
	assert_false(config->policy.has_event_delta);
	assert_int_equal(config->policy.unapproved, PC_UNAPPROVED_WARN);
	pc_config_free(config);

	config = parse_ok("version: 1\npolicy:\n  cost_event:\n    percent: 250\n");
	assert_int_equal(config->policy.event_ppm, 2500000);
	pc_config_free(config);

	parse_fails("version: 1\npolicy:\n  cost_event:\n    percent: ten\n",
		    PATH ":4:14: 'ten' is not a percent (write 10 or 10%)");
	parse_fails("version: 1\npolicy:\n  unapproved_cost_event: blok\n",
		    PATH ":3:26: 'blok' is not a valid 'unapproved_cost_event' "
		    "(did you mean 'block'?)");
}

static void test_config__whole_numbers_refuse_fractions_and_bounds(void **state)
{
	(void)state;
	parse_fails(HEAD "    calls_per_day: 1.5\n", PATH ":14:20: '1.5' is not a whole number");
	parse_fails(HEAD "    calls_per_day: -1\n",
		    PATH ":14:20: '-1' is negative; expected a number of 0 or more");
	parse_fails("version: 1\ndays_per_month: 32\n",
		    PATH ":2:17: '32' is over the largest allowed days_per_month (31)");
	parse_fails("version: 1\ndays_per_month: 0\n", PATH ":2:17: 'days_per_month' must be 1 to 31");
	parse_fails("version: 1\ncurrency: usd\n",
		    PATH ":2:11: currency 'usd' is not a three-letter upper-case code like USD");
}

/* ---- keys and names ---- */

static void test_config__unknown_key_suggests_the_nearest(void **state)
{
	(void)state;
	parse_fails(HEAD "    calls_per_dya: 5\n",
		    PATH ":14:5: unknown key 'calls_per_dya' in template 'summarize' "
		    "(did you mean 'calls_per_day'?)");
	parse_fails("version: 1\nmodel:\n  x: 1\n",
		    PATH ":2:1: unknown key 'model' at the top level (did you mean 'models'?)");
	parse_fails("version: 1\nteams:\n  search:\n    monthly_bugdet: 5\n",
		    PATH ":4:5: unknown key 'monthly_bugdet' in team 'search' "
		    "(did you mean 'monthly_budget'?)");
}

static void test_config__unknown_key_far_from_any_lists_the_allowed_ones(void **state)
{
	(void)state;
	parse_fails("version: 1\npolicy:\n  frobnicate: 1\n",
		    PATH ":3:3: unknown key 'frobnicate' in 'policy' (expected one of: "
		    "cost_event, unapproved_cost_event, approvers, file_approvals, "
		    "cache_hit_target)");
}

static void test_config__unknown_model_suggests_the_nearest(void **state)
{
	(void)state;
	parse_fails(HEAD "    calls_per_day: 1\n"
			 "  - id: other\n"
			 "    files: b.md\n"
			 "    model: gpt-4o-mni\n"
			 "    calls_per_day: 1\n",
		    PATH ":17:12: unknown model 'gpt-4o-mni' (did you mean 'gpt-4o-mini'?), nor has "
			 "the price catalog (genai-prices 0.1.8; 'promptcost models' lists it)");
	/* gpt-4o is in the catalog now (test_catalog.c); a house model is in neither */
	parse_fails("version: 1\n"
		    "templates:\n"
		    "  - id: a\n"
		    "    files: a.md\n"
		    "    model: acme-house-model\n"
		    "    calls_per_day: 1\n",
		    PATH ":5:12: unknown model 'acme-house-model' ('models' names none), nor has the "
			 "price catalog (genai-prices 0.1.8; 'promptcost models' lists it)");
}

static void test_config__unknown_team_suggests_the_nearest(void **state)
{
	(void)state;
	parse_fails(HEAD "    team: serch\n",
		    PATH ":14:11: unknown team 'serch' (did you mean 'search'?)");
	parse_fails(HEAD "    team: billing-department\n",
		    PATH ":14:11: unknown team 'billing-department' (known teams: search)");
}

static void test_config__use_case_is_checked_only_when_use_cases_exist(void **state)
{
	struct pc_config *config = parse_ok(HEAD "    calls_per_day: 1\n    use_case: anything\n");

	(void)state;
	assert_string_equal(config->templates[0].use_case, "anything");
	pc_config_free(config);

	config = parse_ok(HEAD "    calls_per_day: 1\n    use_case: search-ux\n"
			       "use_cases:\n  search-ux:\n    monthly_budget: 10\n    limit: soft\n");
	assert_int_equal(config->nuse_cases, 1);
	assert_int_equal(config->use_cases[0].limit, PC_LIMIT_SOFT);
	assert_int_equal(config->use_cases[0].monthly_budget_micros, 10000000);
	pc_config_free(config);

	config = parse_ok(HEAD "    calls_per_day: 1\n    use_case: anything\nuse_cases:\n");
	assert_string_equal(config->templates[0].use_case, "anything");
	pc_config_free(config);

	parse_fails(HEAD "    calls_per_day: 1\n    use_case: anything\nuse_cases: {}\n",
		    PATH ":15:15: unknown use case 'anything' ('use_cases' names none)");
	parse_fails(HEAD "    calls_per_day: 1\n    use_case: search-xu\n"
			 "use_cases:\n  search-ux:\n",
		    PATH ":15:15: unknown use case 'search-xu' (did you mean 'search-ux'?)");
}

static void test_config__missing_required_keys_are_named(void **state)
{
	(void)state;
	parse_fails(HEAD, PATH ":11:5: template 'summarize' has no 'calls_per_day' "
			  "(the calls a day it is used for)");
	parse_fails("currency: USD\n", PATH ":1:1: no 'version'; start the file with 'version: 1'");
	parse_fails("version: 2\n",
		    PATH ":1:10: unsupported version '2'; this promptcost reads version 1");
	parse_fails("version: 1\ntemplates:\n  - files: a.md\n", PATH ":3:5: template 1 has no 'id'");
	parse_fails("version: 1\ntemplates:\n  - id: a\n    model: m\n",
		    PATH ":3:5: template 'a' has no 'files'");
}

static void test_config__a_missing_price_is_an_error_never_zero(void **state)
{
	(void)state;
	parse_fails("version: 1\nmodels:\n  m:\n    encoding: cl100k_base\n    output_per_1k: 1\n",
		    PATH ":3:3: model 'm' has no input price: give 'input_per_1k' or 'input_per_1m' "
		    "(a missing price is an error, never 0)");
	parse_fails("version: 1\nmodels:\n  m:\n    encoding: cl100k_base\n    input_per_1k: 1\n",
		    PATH ":3:3: model 'm' has no output price: give 'output_per_1k' or "
		    "'output_per_1m' (a missing price is an error, never 0)");
	parse_fails("version: 1\nmodels:\n  m:\n", PATH ":3:5: model 'm' must be a mapping of its "
						   "encoding and prices, found nothing");
}

static void test_config__a_price_given_twice_is_an_error(void **state)
{
	(void)state;
	parse_fails("version: 1\nmodels:\n  m:\n    encoding: cl100k_base\n"
		    "    input_per_1m: 12\n    input_per_1k: 0.012\n    output_per_1k: 1\n",
		    PATH ":6:5: model 'm' has both 'input_per_1k' and 'input_per_1m'; give one");
}

static void test_config__encoding_is_optional_only_for_known_model_names(void **state)
{
	struct pc_config *config = parse_ok("version: 1\nmodels:\n  gpt-4o-mini:\n"
					    "    input_per_1m: 0.15\n    output_per_1m: 0.6\n");

	(void)state;
	assert_int_equal(config->models[0].encoding, PC_ENC_O200K_BASE);
	assert_false(config->models[0].approximate);
	pc_config_free(config);

	parse_fails("version: 1\nmodels:\n  house-llm:\n    input_per_1m: 1\n    output_per_1m: 1\n",
		    PATH ":3:3: model 'house-llm' needs an 'encoding' (cl100k_base, o200k_base or "
		    "approximate): promptcost does not know its tokenizer");
	parse_fails("version: 1\nmodels:\n  m:\n    encoding: cl100k\n",
		    PATH ":4:15: 'cl100k' is not a valid 'encoding' (did you mean 'cl100k_base'?)");
}

static void test_config__approximate_encoding_has_a_base_and_a_factor(void **state)
{
	struct pc_config *config = parse_ok(
		"version: 1\nmodels:\n"
		"  a:\n    encoding: approximate\n    input_per_1m: 1\n    output_per_1m: 1\n"
		"  b:\n    encoding: approximate\n    approximate_base: o200k_base\n"
		"    approximate_factor: 1.15\n    input_per_1m: 1\n    output_per_1m: 1\n");

	(void)state;
	assert_true(config->models[0].approximate);
	assert_int_equal(config->models[0].encoding, PC_ENC_CL100K_BASE);
	assert_int_equal(config->models[0].approx_factor_ppm, 1000000);
	assert_true(config->models[1].approximate);
	assert_int_equal(config->models[1].encoding, PC_ENC_O200K_BASE);
	assert_int_equal(config->models[1].approx_factor_ppm, 1150000);
	pc_config_free(config);

	parse_fails("version: 1\nmodels:\n  a:\n    encoding: approximate\n"
		    "    approximate_factor: 0\n",
		    PATH ":5:25: 'approximate_factor' must be more than 0");
	parse_fails("version: 1\nmodels:\n  a:\n    encoding: cl100k_base\n"
		    "    approximate_factor: 2\n",
		    PATH ":5:5: 'approximate_factor' is only for 'encoding: approximate'");
}

static void test_config__cached_input_share_needs_a_cached_price(void **state)
{
	struct pc_config *config;

	(void)state;
	parse_fails(HEAD "    calls_per_day: 1\n    cached_input_share: 50%\n",
		    PATH ":15:5: 'cached_input_share' needs a cached input price for model "
		    "'gpt-4o-mini' (cached_input_per_1k or cached_input_per_1m)");
	config = parse_ok(HEAD "    calls_per_day: 1\n    cached_input_share: 0\n");
	assert_int_equal(config->templates[0].cached_input_ppm, 0);
	pc_config_free(config);
	config = parse_ok(design_example);
	pc_config_free(config);
}

static void test_config__template_ids_are_unique_and_plain(void **state)
{
	(void)state;
	parse_fails(HEAD "    calls_per_day: 1\n"
			 "  - id: summarize\n"
			 "    files: b.md\n"
			 "    model: gpt-4o-mini\n"
			 "    calls_per_day: 1\n",
		    PATH ":15:5: duplicate template id 'summarize' (first at line 11)");
	parse_fails("version: 1\ntemplates:\n  - id: has space\n",
		    PATH ":3:9: template id 'has space' may use only letters, digits, '.', '_' and '-'");
}

static void test_config__files_is_a_glob_or_a_list_and_keeps_positions(void **state)
{
	struct pc_config *config = parse_ok(
		"version: 1\nmodels:\n  gpt-4o:\n    input_per_1m: 1\n    output_per_1m: 1\n"
		"templates:\n"
		"  - id: a\n"
		"    model: gpt-4o\n"
		"    calls_per_day: 1\n"
		"    files:\n"
		"      - prompts/a/*.md\n"
		"      - \"prompts/b.txt\"\n");
	const struct pc_template_config *t = &config->templates[0];

	(void)state;
	assert_int_equal(t->nfiles, 2);
	assert_string_equal(t->files[0].pattern, "prompts/a/*.md");
	assert_int_equal(t->files[0].pos.line, 11);
	assert_int_equal(t->files[0].pos.col, 9);
	assert_string_equal(t->files[1].pattern, "prompts/b.txt");
	assert_int_equal(t->files[1].pos.line, 12);
	pc_config_free(config);

	parse_fails("version: 1\ntemplates:\n  - id: a\n    files: []\n",
		    PATH ":4:12: 'files' is empty; list at least one file or glob");
	parse_fails("version: 1\ntemplates:\n  - id: a\n    files: [a.md, [b.md]]\n",
		    PATH ":4:19: 'files' must be a single value, found a sequence");
}

static void test_config__a_scalar_where_a_mapping_belongs_is_an_error(void **state)
{
	(void)state;
	parse_fails("version: 1\nteams: everyone\n",
		    PATH ":2:8: 'teams' must be a mapping, found a scalar");
	parse_fails("version: 1\ntemplates:\n  id: a\n",
		    PATH ":3:3: 'templates' must be a sequence ('- id: ...' entries), found a mapping");
	parse_fails("- version: 1\n", PATH ":1:1: the configuration must be a mapping, found a sequence");
	parse_fails(HEAD "    calls_per_day: {a: 1}\n",
		    PATH ":14:20: 'calls_per_day' must be a number, found a mapping");
	parse_fails(HEAD "    calls_per_day: 1\n    team: [search]\n",
		    PATH ":15:11: 'team' must be a single value, found a sequence");
}

/* ---- hostile and malformed yaml ---- */

static void test_config__a_line_break_in_a_quoted_key_stays_on_one_line(void **state)
{
	(void)state;
	parse_fails("version: 1\n\"poli\\ncy\": 1\n",
		    PATH ":2:1: unknown key 'poli\\ncy' at the top level (did you mean 'policy'?)");
	parse_fails("version: 1\nteams:\n  ~: {}\n", PATH ":3:3: a team needs a name");
}

static void test_config__duplicate_keys_are_errors(void **state)
{
	(void)state;
	parse_fails("version: 1\nteams:\n  a:\n    monthly_budget: 1\n    monthly_budget: 2\n",
		    PATH ":5:5: duplicate key 'monthly_budget' (first at line 4)");
	parse_fails("version: 1\nversion: 1\n", PATH ":2:1: duplicate key 'version' (first at line 1)");
}

static void test_config__aliases_and_anchors_are_refused(void **state)
{
	(void)state;
	parse_fails("version: 1\nteams:\n  a: &b\n    monthly_budget: 1\n  c: *b\n",
		    PATH ":3:6: yaml anchors ('&b') are not allowed");
	parse_fails("version: 1\nteams:\n  c: *b\n", PATH ":3:6: yaml aliases ('*b') are not allowed");
	parse_fails("version: !!int 1\n", PATH ":1:10: yaml tags ('tag:yaml.org,2002:int') are not allowed");
}

static double seconds_since(struct timespec start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9;
}

static void test_config__a_billion_laughs_fails_fast_at_the_first_anchor(void **state)
{
	struct pc_buf text = PC_BUF_INIT;
	struct timespec start;

	(void)state;
	pc_buf_adds(&text, "version: 1\n");
	pc_buf_adds(&text, "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
	for (int i = 1; i < 10; i++) {
		pc_buf_addf(&text, "a%d: &a%d [", i, i);
		for (int j = 0; j < 9; j++)
			pc_buf_addf(&text, "%s*a%d", j ? "," : "", i - 1);
		pc_buf_adds(&text, "]\n");
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	parse_fails(text.ptr, PATH ":2:5: yaml anchors ('&a0') are not allowed");
	assert_true(seconds_since(start) < 0.5);
	pc_buf_release(&text);
}

static void test_config__ten_thousand_deep_nesting_fails_fast(void **state)
{
	struct pc_buf text = PC_BUF_INIT;
	struct timespec start;

	(void)state;
	pc_buf_adds(&text, "version: 1\nteams: ");
	for (int i = 0; i < 10000; i++)
		pc_buf_addch(&text, '[');
	for (int i = 0; i < 10000; i++)
		pc_buf_addch(&text, ']');
	pc_buf_addch(&text, '\n');
	clock_gettime(CLOCK_MONOTONIC, &start);
	/* the root mapping is level 1, so the 32nd '[' (column 39) is one too many */
	parse_fails(text.ptr, PATH ":2:39: nesting deeper than 32 levels");
	assert_true(seconds_since(start) < 0.5);

	pc_buf_reset(&text);
	pc_buf_adds(&text, "version: 1\nteams: ");
	for (int i = 0; i < 10000; i++)
		pc_buf_adds(&text, "{a: ");
	clock_gettime(CLOCK_MONOTONIC, &start);
	parse_fails(text.ptr, PATH ":2:132: nesting deeper than 32 levels");
	assert_true(seconds_since(start) < 0.5);
	pc_buf_release(&text);
}

static void test_config__a_second_document_is_an_error(void **state)
{
	(void)state;
	parse_fails("version: 1\n---\nversion: 1\n",
		    PATH ":2:1: a second yaml document; the configuration is one document");
}

static void test_config__tabs_are_reported_where_libyaml_finds_them(void **state)
{
	(void)state;
	parse_fails("version: 1\nteams:\n\tsearch:\n",
		    PATH ":3:1: yaml syntax error: found character that cannot start any token "
		    "(while scanning for the next token); indent with spaces, not tabs");
}

static void test_config__invalid_utf8_is_reported_with_its_position(void **state)
{
	(void)state;
	parse_fails("version: 1\ncurrency: \xc3\xa9\xff\n",
		    PATH ":2:12: yaml syntax error: invalid leading UTF-8 octet (byte 0xff); "
		    "the file must be utf-8");
}

static void test_config__other_syntax_errors_carry_libyaml_positions(void **state)
{
	(void)state;
	parse_fails("version: 1\nteams: [a, b\n",
		    PATH ":3:1: yaml syntax error: did not find expected ',' or ']' "
		    "(while parsing a flow sequence)");
}

static void test_config__an_oversized_or_empty_file_is_an_error(void **state)
{
	char *big = malloc(PC_CONFIG_MAX_BYTES + 2);
	struct pc_config *config = NULL;

	(void)state;
	assert_non_null(big);
	memset(big, '#', PC_CONFIG_MAX_BYTES + 1);
	big[PC_CONFIG_MAX_BYTES + 1] = '\0';
	assert_int_equal(pc_config_parse(&config, PATH, big, PC_CONFIG_MAX_BYTES + 1), PC_EINPUT);
	assert_null(config);
	assert_string_equal(pc_error_message(),
			    PATH ":1:1: the file is 16777217 bytes, over the 16777216-byte limit");
	free(big);

	parse_fails("", PATH ":1:1: the configuration is empty; it needs at least 'version: 1'");
	parse_fails("# only a comment\n",
		    PATH ":1:1: the configuration is empty; it needs at least 'version: 1'");
}

static void test_config__a_nul_byte_is_refused(void **state)
{
	static const char text[] = "version: 1\0\n";
	struct pc_config *config = NULL;

	(void)state;
	assert_int_equal(pc_config_parse(&config, PATH, text, sizeof(text) - 1), PC_EINPUT);
	assert_null(config);
	assert_non_null(strstr(pc_error_message(), PATH ":1:11: yaml syntax error: "));
}

static void test_config__lookups_find_by_name_or_return_null(void **state)
{
	struct pc_config *config = parse_ok(design_example);

	(void)state;
	assert_ptr_equal(pc_config_model(config, "gpt-4-class"), &config->models[0]);
	assert_null(pc_config_model(config, "gpt-4"));
	assert_ptr_equal(pc_config_team(config, "records-management"), &config->teams[0]);
	assert_null(pc_config_team(config, "records"));
	assert_ptr_equal(pc_config_template(config, "document-summarization"),
			 &config->templates[0]);
	assert_null(pc_config_template(config, "x"));
	pc_config_free(config);
	pc_config_free(NULL);
}

static void test_config__empty_sections_and_empty_teams_are_allowed(void **state)
{
	struct pc_config *config = parse_ok("version: 1\nmodels:\nteams:\n  labels-only:\n"
					    "templates: []\npolicy:\n");

	(void)state;
	assert_int_equal(config->nmodels, 0);
	assert_int_equal(config->nteams, 1);
	assert_false(config->teams[0].has_budget);
	assert_int_equal(config->ntemplates, 0);
	pc_config_free(config);
}

/* ---- .promptcost/approvals.yml, read by the same strict reader ---- */

#define APPROVALS_PATH ".promptcost/approvals.yml"
#define BLOB_A "0123456789abcdef0123456789abcdef01234567"
#define BLOB_B "89abcdef0123456789abcdef0123456789abcdef"

static void approvals_fail(const char *text, const char *message)
{
	struct pc_approvals approvals = { NULL, 0, 0 };

	assert_int_equal(pc_approvals_parse(&approvals, APPROVALS_PATH, text, strlen(text)),
			 PC_EINPUT);
	assert_string_equal(pc_error_message(), message);
	pc_approvals_release(&approvals);
}

static void test_config__approvals_read_back_what_approve_writes(void **state)
{
	struct pc_side_file files[2] = { { .path = (char *)"prompts/b.md", .oid = BLOB_B },
					  { .path = (char *)"prompts/a.md", .oid = BLOB_A } };
	struct pc_approval entry = { (char *)"summarize", files, 2, INT64_C(2160000000),
				     (char *)"release-manager@agency.gov",
				     (char *)"2026-11-29T16:00:00Z", (char *)"q4 \"launch\"\nok",
				     NULL, { 0, 0 } };
	struct pc_approvals written = { &entry, 1, 1 }, read = { NULL, 0, 0 };
	struct pc_buf text = PC_BUF_INIT;

	(void)state;
	pc_approvals_render(&text, &written);
	if (pc_approvals_parse(&read, APPROVALS_PATH, text.ptr, text.len))
		fail_msg("%s", pc_error_message());
	assert_int_equal(read.n, 1);
	assert_string_equal(read.items[0].template_id, "summarize");
	assert_int_equal(read.items[0].nfiles, 2);
	assert_string_equal(read.items[0].files[0].path, "prompts/a.md");
	assert_string_equal(read.items[0].files[0].oid, BLOB_A);
	assert_string_equal(read.items[0].files[1].path, "prompts/b.md");
	assert_int_equal(read.items[0].monthly_delta_micros, INT64_C(2160000000));
	assert_string_equal(read.items[0].approved_by, "release-manager@agency.gov");
	assert_string_equal(read.items[0].approved_at, "2026-11-29T16:00:00Z");
	assert_string_equal(read.items[0].reason, "q4 \"launch\"\nok");
	pc_approvals_release(&read);
	pc_buf_release(&text);
}

#define ED_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKyWJyFI7yQHs+pUd0tZ9pJO3SYm6YMWersgruR6JSh9"
/* what ssh-keygen -lf prints for ED_KEY */
#define ED_FINGERPRINT "SHA256:RzKuHBeJ1LtWK0vNOgYQkKYDFooz4rNOQnt9RxhsjRk"

static void test_config__approvers_are_ids_or_ids_with_their_keys(void **state)
{
	struct pc_config *config;
	const struct pc_approver *a;

	(void)state;
	config = parse_ok("version: 1\n"
			  "policy:\n"
			  "  approvers:\n"
			  "    - \"github:octo-release\"\n"
			  "    - {id: release-manager@agency.gov, key: \"" ED_KEY " rm@laptop\"}\n"
			  "    - id: cfo@agency.gov\n"
			  "      key: [\"" ED_KEY "\", \"" ED_KEY " backup\"]\n");
	assert_int_equal(config->policy.approvers.n, 3);
	assert_string_equal(config->policy.approvers.items[0], "github:octo-release");
	assert_string_equal(config->policy.approvers.items[1], "release-manager@agency.gov");
	assert_int_equal(config->policy.napprover_keys, 3);
	assert_int_equal(pc_policy_approver(&config->policy, "github:octo-release")->nkeys, 0);
	a = pc_policy_approver(&config->policy, "release-manager@agency.gov");
	assert_int_equal(a->nkeys, 1);
	assert_string_equal(a->keys[0].type, "ssh-ed25519");
	assert_string_equal(a->keys[0].fingerprint, ED_FINGERPRINT);
	assert_int_equal(pc_policy_approver(&config->policy, "cfo@agency.gov")->nkeys, 2);
	assert_null(pc_policy_approver(&config->policy, "intern@agency.gov"));
	/* signed entries only, unless the policy says otherwise */
	assert_int_equal(config->policy.file_approvals, PC_FILE_APPROVALS_SIGNED);
	pc_config_free(config);
	config = parse_ok("version: 1\npolicy:\n  file_approvals: unsigned\n");
	assert_int_equal(config->policy.file_approvals, PC_FILE_APPROVALS_UNSIGNED);
	pc_config_free(config);
}

static void test_config__a_bad_approver_key_is_an_error_at_its_place(void **state)
{
	(void)state;
	parse_fails("version: 1\npolicy:\n  approvers:\n    - id: rm@agency.gov\n"
		    "      key: \"ssh-ed25519 AAAA!!!\"\n",
		    PATH ":5:12: the key of approver 'rm@agency.gov': the ssh-ed25519 key data is "
		    "not valid base64");
	parse_fails("version: 1\npolicy:\n  approvers:\n    - id: rm@agency.gov\n"
		    "      key: [\"" ED_KEY "\", \"ssh-dss AAAAB3NzaC1kc3M=\"]\n",
		    PATH ":5:97: the key of approver 'rm@agency.gov': 'ssh-dss' is not a supported "
		    "public key type (expected \"ssh-ed25519 AAAA...\", ecdsa-sha2-nistp256 or "
		    "ssh-rsa, in authorized_keys form)");
	/* the base64 of an ed25519 key cut short */
	parse_fails("version: 1\npolicy:\n  approvers: [{id: a, key: \"ssh-ed25519 "
		    "AAAAC3NzaC1lZDI1NTE5AAAAIKyWJyFI7yQHs+pUd0tZ9pJO3SYm6YMWersg\"}]\n",
		    PATH ":3:28: the key of approver 'a': malformed ssh-ed25519 key data");
	parse_fails("version: 1\npolicy:\n  approvers:\n    - id: a\n      keys: x\n",
		    PATH ":5:7: unknown key 'keys' in an approver (did you mean 'key'?)");
	parse_fails("version: 1\npolicy:\n  approvers:\n    - key: \"" ED_KEY "\"\n",
		    PATH ":4:7: an approver needs 'id' (and 'key': its public key, "
		    "\"ssh-ed25519 AAAA...\")");
	parse_fails("version: 1\npolicy:\n  approvers: [a, {id: a, key: \"" ED_KEY "\"}]\n",
		    PATH ":3:18: approver 'a' is listed twice (first at 3:15); list its keys in "
		    "one entry");
	parse_fails("version: 1\npolicy:\n  file_approvals: unsinged\n",
		    PATH ":3:19: 'unsinged' is not a valid 'file_approvals' "
		    "(did you mean 'unsigned'?)");
}

#define SIGNATURE \
	"-----BEGIN SSH SIGNATURE-----\n" \
	"U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgrJYnIUjvJAez6lR3S1n2kk7dJi\n" \
	"bpgxZ6uyCu5HolKH0AAAATcHJvbXB0Y29zdC1hcHByb3ZhbAAAAAAAAAAGc2hhNTEyAAAA\n" \
	"UwAAAAtzc2gtZWQyNTUxOQAAAEAXB/4VlU2fY+jfvhNLA9bwEo2P+pHVvMIi7+9dv0q7Tk\n" \
	"gK2Hd94rcd7vkrCEvh+Yzlif7LRN9347iIXKHEyZUD\n" \
	"-----END SSH SIGNATURE-----\n"

static void test_config__a_signed_entry_reads_back_exactly(void **state)
{
	struct pc_side_file file = { .path = (char *)"prompts/a\xc2\x85" "b.md", .oid = BLOB_A };
	struct pc_approval entry = { (char *)"summarize", &file, 1, INT64_C(2160000000),
				     (char *)"release-manager@agency.gov",
				     (char *)"2026-11-29T16:00:00Z", (char *)"line\xe2\x80\xa8sep",
				     (char *)SIGNATURE, { 0, 0 } };
	struct pc_approvals written = { &entry, 1, 1 }, read = { NULL, 0, 0 };
	struct pc_buf text = PC_BUF_INIT, payload = PC_BUF_INIT;

	(void)state;
	pc_approvals_render(&text, &written);
	assert_non_null(strstr(text.ptr, "    signature: |\n      -----BEGIN SSH SIGNATURE-----\n"));
	if (pc_approvals_parse(&read, APPROVALS_PATH, text.ptr, text.len))
		fail_msg("%s", pc_error_message());
	assert_string_equal(read.items[0].signature, SIGNATURE);
	/* NEL and LS would fold into spaces unescaped */
	assert_string_equal(read.items[0].files[0].path, file.path);
	assert_string_equal(read.items[0].reason, entry.reason);
	pc_approval_payload(&payload, &read.items[0]);
	assert_string_equal(payload.ptr,
			    "promptcost-approval v1\n"
			    "template summarize\n"
			    "file " BLOB_A " prompts/a\xc2\x85" "b.md\n"
			    "monthly_delta 2160.00\n"
			    "approved_by release-manager@agency.gov\n"
			    "approved_at 2026-11-29T16:00:00Z\n"
			    "reason line\xe2\x80\xa8sep\n");
	pc_approvals_release(&read);
	pc_buf_release(&text);
	pc_buf_release(&payload);
}

static void test_config__a_signature_that_is_not_armored_is_refused(void **state)
{
	(void)state;
	approvals_fail("version: 1\napprovals:\n"
		       "  - template: s\n    files: [{path: a.md, blob: \"" BLOB_A "\"}]\n"
		       "    monthly_delta: \"1.00\"\n    approved_by: a\n    approved_at: t\n"
		       "    signature: \"-----BEGIN SSH SIGNATURE-----\"\n",
		       APPROVALS_PATH ":8:16: 'signature' is not an SSH signature as ssh-keygen "
		       "-Y sign writes it (a literal block from '-----BEGIN SSH SIGNATURE-----' "
		       "to '-----END SSH SIGNATURE-----')");
}

static void test_config__the_writer_refuses_what_it_cannot_write(void **state)
{
	struct pc_side_file file = { .path = (char *)"prompts/\xff.md", .oid = BLOB_A };
	struct pc_template_report t;
	struct pc_approvals approvals = { NULL, 0, 0 };

	(void)state;
	memset(&t, 0, sizeof(t));
	t.id = (char *)"summarize";
	t.after.files = &file;
	t.after.nfiles = 1;
	t.monthly_delta_micros = 1;
	assert_int_equal(pc_approvals_add(&approvals, &t, "rm", "2026-11-29T16:00:00Z", NULL),
			 PC_EINPUT);
	assert_string_equal(pc_error_message(), "the path 'prompts/\\xff.md' of template "
			    "'summarize' must be UTF-8 to be approved (.promptcost/approvals.yml "
			    "holds UTF-8 text): rename the file");
	file.path = (char *)"prompts/a.md";
	assert_int_equal(pc_approvals_add(&approvals, &t, "rm", "2026-11-29T16:00:00Z",
					  "caf\xe9"), PC_EINPUT);
	assert_string_equal(pc_error_message(), "the reason is not valid UTF-8 text (--reason)");
	assert_int_equal(approvals.n, 0);
	assert_int_equal(pc_approvals_add(&approvals, &t, "rm", "2026-11-29T16:00:00Z", ""), 0);
	assert_null(approvals.items[0].reason);
	assert_int_equal(pc_approval_set_signature(&approvals.items[0], "not armored"), PC_EINPUT);
	pc_approvals_release(&approvals);
}

static void test_config__an_empty_approvals_file_approves_nothing(void **state)
{
	struct pc_approvals approvals = { NULL, 0, 0 };
	struct pc_approvals none = { NULL, 0, 0 };
	struct pc_buf text = PC_BUF_INIT;

	(void)state;
	assert_int_equal(pc_approvals_parse(&approvals, APPROVALS_PATH, "", 0), 0);
	assert_int_equal(approvals.n, 0);
	pc_approvals_render(&text, &none);
	assert_int_equal(pc_approvals_parse(&approvals, APPROVALS_PATH, text.ptr, text.len), 0);
	assert_int_equal(approvals.n, 0);
	pc_approvals_release(&approvals);
	pc_buf_release(&text);
}

static void test_config__malformed_approvals_are_errors_with_positions(void **state)
{
	(void)state;
	approvals_fail("version: 2\n",
		       APPROVALS_PATH ":1:10: unsupported version 2 (this promptcost reads 1)");
	approvals_fail("approvals: []\n", APPROVALS_PATH ":1:1: missing 'version: 1'");
	approvals_fail("version: 1\napprovals:\n  - template: a\n",
		       APPROVALS_PATH ":3:5: an approval needs 'files'");
	approvals_fail("version: 1\napprovals:\n  - template: a\n    files:\n"
		       "      - {path: a.md, blob: ABC}\n    monthly_delta: 1\n"
		       "    approved_by: x\n    approved_at: y\n",
		       APPROVALS_PATH ":5:28: 'ABC' is not a git blob id (40 lower-case hex digits)");
	approvals_fail("version: 1\napprovals:\n  - template: a\n    fils: []\n",
		       APPROVALS_PATH ":4:5: unknown key 'fils' in an approval (did you mean 'files'?)");
	approvals_fail("version: 1\napprovals:\n  - template: a\n    files:\n"
		       "      - {path: a.md, blob: " BLOB_A "}\n    monthly_delta: -1\n"
		       "    approved_by: x\n    approved_at: y\n",
		       APPROVALS_PATH ":6:20: '-1' is negative; expected a number of 0 or more");
	approvals_fail("version: 1\napprovals: &x []\n",
		       APPROVALS_PATH ":2:12: yaml anchors ('&x') are not allowed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config__design_example_parses_to_the_right_values),
		cmocka_unit_test(test_config__the_starter_parses),
		cmocka_unit_test(test_config__defaults_apply_when_keys_are_left_out),
		cmocka_unit_test(test_config__price_per_1k_is_micro_units_per_million_tokens),
		cmocka_unit_test(test_config__amounts_are_read_exactly),
		cmocka_unit_test(test_config__amounts_in_other_forms_are_refused_with_the_reason),
		cmocka_unit_test(test_config__abc_as_a_price_is_not_a_decimal_number),
		cmocka_unit_test(test_config__shares_are_percents_or_fractions_up_to_100_percent),
		cmocka_unit_test(test_config__warn_at_without_a_budget_is_an_error),
		cmocka_unit_test(test_config__policy_percent_is_a_number_of_percent),
		cmocka_unit_test(test_config__whole_numbers_refuse_fractions_and_bounds),
		cmocka_unit_test(test_config__unknown_key_suggests_the_nearest),
		cmocka_unit_test(test_config__unknown_key_far_from_any_lists_the_allowed_ones),
		cmocka_unit_test(test_config__unknown_model_suggests_the_nearest),
		cmocka_unit_test(test_config__unknown_team_suggests_the_nearest),
		cmocka_unit_test(test_config__use_case_is_checked_only_when_use_cases_exist),
		cmocka_unit_test(test_config__missing_required_keys_are_named),
		cmocka_unit_test(test_config__a_missing_price_is_an_error_never_zero),
		cmocka_unit_test(test_config__a_price_given_twice_is_an_error),
		cmocka_unit_test(test_config__encoding_is_optional_only_for_known_model_names),
		cmocka_unit_test(test_config__approximate_encoding_has_a_base_and_a_factor),
		cmocka_unit_test(test_config__cached_input_share_needs_a_cached_price),
		cmocka_unit_test(test_config__template_ids_are_unique_and_plain),
		cmocka_unit_test(test_config__files_is_a_glob_or_a_list_and_keeps_positions),
		cmocka_unit_test(test_config__a_scalar_where_a_mapping_belongs_is_an_error),
		cmocka_unit_test(test_config__a_line_break_in_a_quoted_key_stays_on_one_line),
		cmocka_unit_test(test_config__duplicate_keys_are_errors),
		cmocka_unit_test(test_config__aliases_and_anchors_are_refused),
		cmocka_unit_test(test_config__a_billion_laughs_fails_fast_at_the_first_anchor),
		cmocka_unit_test(test_config__ten_thousand_deep_nesting_fails_fast),
		cmocka_unit_test(test_config__a_second_document_is_an_error),
		cmocka_unit_test(test_config__tabs_are_reported_where_libyaml_finds_them),
		cmocka_unit_test(test_config__invalid_utf8_is_reported_with_its_position),
		cmocka_unit_test(test_config__other_syntax_errors_carry_libyaml_positions),
		cmocka_unit_test(test_config__an_oversized_or_empty_file_is_an_error),
		cmocka_unit_test(test_config__a_nul_byte_is_refused),
		cmocka_unit_test(test_config__lookups_find_by_name_or_return_null),
		cmocka_unit_test(test_config__empty_sections_and_empty_teams_are_allowed),
		cmocka_unit_test(test_config__approvals_read_back_what_approve_writes),
		cmocka_unit_test(test_config__approvers_are_ids_or_ids_with_their_keys),
		cmocka_unit_test(test_config__a_bad_approver_key_is_an_error_at_its_place),
		cmocka_unit_test(test_config__a_signed_entry_reads_back_exactly),
		cmocka_unit_test(test_config__a_signature_that_is_not_armored_is_refused),
		cmocka_unit_test(test_config__the_writer_refuses_what_it_cannot_write),
		cmocka_unit_test(test_config__an_empty_approvals_file_approves_nothing),
		cmocka_unit_test(test_config__malformed_approvals_are_errors_with_positions),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
