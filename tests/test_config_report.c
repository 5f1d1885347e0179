/*
 * The configuration keys of the spend report: `reservations:`, a template's
 * `deployment`, `cache_hit_target` on a use case and in `policy`; read
 * strictly, errors at file:line:col, unknown keys refused.
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

#define PATH ".promptcost.yml"

static int parse(struct pc_config **config, const char *text)
{
	return pc_config_parse(config, PATH, text, strlen(text));
}

/* Lines 1-4: models and a use case; reservations and templates follow. */
#define HEAD \
	"version: 1\n" \
	"models:\n" \
	"  m: {encoding: o200k_base, input_per_1m: 1, output_per_1m: 2}\n" \
	"  n: {encoding: o200k_base, input_per_1m: 1, output_per_1m: 2}\n"

static void expect_fails(const char *text, const char *message)
{
	struct pc_config *config = NULL;

	assert_int_equal(parse(&config, text), PC_EINPUT);
	assert_null(config);
	if (!strstr(pc_error_message(), message))
		fail_msg("wanted '%s' in '%s'", message, pc_error_message());
}

static void test_config_report__reservations_deployment_and_targets_are_read(void **state)
{
	struct pc_config *c = NULL;
	const struct pc_reservation *r;

	(void)state;
	if (parse(&c, HEAD
		  "use_cases:\n"
		  "  summaries: {cache_hit_target: 55%}\n"
		  "  other: {}\n"
		  "reservations:\n"
		  "  ptu-eastus:\n"
		  "    model: m\n"
		  "    units: 100\n"
		  "    unit_price_per_hour: 1.25\n"
		  "    tokens_per_minute_per_unit: 2500\n"
		  "    output_token_weight: 4\n"
		  "    cached_token_weight: 0\n"
		  "  small: {model: n, units: 1, unit_price_per_hour: 0.5, tokens_per_minute_per_unit: 10}\n"
		  "policy:\n"
		  "  cache_hit_target: 0.4\n"
		  "templates:\n"
		  "  - {id: a, files: [a.md], model: m, deployment: ptu-eastus, calls_per_day: 1}\n"
		  "  - {id: b, files: [b.md], model: m, calls_per_day: 1}\n"))
		fail_msg("%s", pc_error_message());
	assert_int_equal(c->nreservations, 2);
	r = pc_config_reservation(c, "ptu-eastus");
	assert_non_null(r);
	assert_string_equal(r->model, "m");
	assert_int_equal(r->units, 100);
	assert_int_equal(r->unit_price_per_hour_micros, 1250000);
	assert_int_equal(r->tokens_per_minute_per_unit, 2500);
	assert_int_equal(r->output_token_weight, 4);
	assert_int_equal(r->cached_token_weight, 0);
	/* the weights default to 1 */
	r = pc_config_reservation(c, "small");
	assert_int_equal(r->output_token_weight, 1);
	assert_int_equal(r->cached_token_weight, 1);
	assert_null(pc_config_reservation(c, "none"));
	assert_string_equal(pc_config_template(c, "a")->deployment, "ptu-eastus");
	assert_null(pc_config_template(c, "b")->deployment);
	assert_true(pc_config_use_case(c, "summaries")->has_cache_hit_target);
	assert_int_equal(pc_config_use_case(c, "summaries")->cache_hit_target_ppm, 550000);
	assert_false(pc_config_use_case(c, "other")->has_cache_hit_target);
	assert_true(c->policy.has_cache_hit_target);
	assert_int_equal(c->policy.cache_hit_target_ppm, 400000);
	pc_config_free(c);
}

static void test_config_report__mistakes_are_located_errors(void **state)
{
	(void)state;
	/* line 8: the deployment names no reservation */
	expect_fails(HEAD "reservations:\n"
		     "  p: {model: m, units: 1, unit_price_per_hour: 1, tokens_per_minute_per_unit: 1}\n"
		     "templates:\n"
		     "  - {id: a, files: [a.md], model: m, deployment: q, calls_per_day: 1}\n",
		     ".promptcost.yml:8:50: template 'a': deployment 'q' names no reservation "
		     "(see 'reservations')");
	/* a reservation of another model */
	expect_fails(HEAD "reservations:\n"
		     "  p: {model: n, units: 1, unit_price_per_hour: 1, tokens_per_minute_per_unit: 1}\n"
		     "templates:\n"
		     "  - {id: a, files: [a.md], model: m, deployment: p, calls_per_day: 1}\n",
		     ".promptcost.yml:8:50: template 'a' uses model 'm' but its deployment 'p' "
		     "serves model 'n'");
	expect_fails(HEAD "templates:\n"
		     "  - {id: a, files: [a.md], model: m, deployment: p, calls_per_day: 1}\n",
		     "deployment 'p' names no reservation ('reservations' names none)");
	/* the reservation's own keys */
	expect_fails(HEAD "reservations:\n"
		     "  p: {model: x, units: 1, unit_price_per_hour: 1, tokens_per_minute_per_unit: 1}\n",
		     ".promptcost.yml:6:14: reservation 'p': unknown model 'x'");
	expect_fails(HEAD "reservations:\n"
		     "  p: {model: m, units: 1, unit_price_per_hour: 1}\n",
		     ".promptcost.yml:6:6: reservation 'p' has no 'tokens_per_minute_per_unit'");
	expect_fails(HEAD "reservations:\n"
		     "  p: {model: m, units: 0, unit_price_per_hour: 1, tokens_per_minute_per_unit: 1}\n",
		     "reservation 'p': 'units' must be at least 1");
	expect_fails(HEAD "reservations:\n"
		     "  p: {model: m, units: 1, unit_price_per_hour: 1, tokens_per_minute_per_unit: 1,"
		     " output_token_weight: 1.5}\n",
		     ".promptcost.yml:6:");
	expect_fails(HEAD "reservations:\n"
		     "  p: {model: m, units: 1, unit_price_per_hour: 1, tokens_per_minute_per_unit: 1,"
		     " unit: 3}\n",
		     "unit");
	expect_fails(HEAD "reservations:\n  p: 3\n", "reservation 'p' must be a mapping");
	/* cache_hit_target: a use case's key, not a team's; a share */
	expect_fails(HEAD "teams:\n  t: {cache_hit_target: 50%}\n", ".promptcost.yml:6:7: unknown key 'cache_hit_target' in team 't'");
	expect_fails(HEAD "use_cases:\n  u: {cache_hit_target: 150%}\n", ".promptcost.yml:6:");
	expect_fails(HEAD "policy:\n  cache_hit_target: lots\n", ".promptcost.yml:6:21:");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_report__reservations_deployment_and_targets_are_read),
		cmocka_unit_test(test_config_report__mistakes_are_located_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
