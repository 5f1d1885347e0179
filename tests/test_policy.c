/*
 * Tests of the policy stage on hand-made reports: budget statuses and
 * verdicts, cost events by amount and percent, savings, approvals bound to
 * content, delta and the base's approvers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "promptcost/policy.h"

#define USD(x) ((int64_t)(x) * 1000000)

struct fixture {
	struct pc_config config;
	struct pc_budget team;
	struct pc_template_config volume;
	struct pc_model model;
	struct pc_side_file after_file;
	struct pc_report report;
	struct pc_template_report template;
};

static void setup(struct fixture *f, int64_t before_micros, int64_t after_micros)
{
	memset(f, 0, sizeof(*f));
	f->config.currency = (char *)"USD";
	f->config.days_per_month = 30;
	f->team.name = (char *)"records";
	f->team.has_budget = true;
	f->team.monthly_budget_micros = USD(25000);
	f->team.other_monthly_spend_micros = USD(12000);
	f->config.teams = &f->team;
	f->config.nteams = 1;
	f->config.policy.has_event_delta = true;
	f->config.policy.event_delta_micros = USD(500);
	f->config.policy.has_event_percent = true;
	f->config.policy.event_ppm = 100000; /* 10% */
	pc_strlist_push(&f->config.policy.approvers, "rm@agency.gov");
	f->volume.id = (char *)"summarize";
	f->volume.calls_per_day = 15000;
	f->after_file.path = (char *)"prompts/s.md";
	strcpy(f->after_file.oid, "1111111111111111111111111111111111111111");

	f->template.id = pc_xstrdup("summarize");
	f->template.change = PC_CHANGE_MODIFIED;
	f->template.team = "records";
	f->template.volume = &f->volume;
	f->template.exact = true;
	f->template.before.present = before_micros > 0;
	f->template.before.cost_micros = before_micros;
	f->template.before.model = &f->model;
	f->template.after.present = true;
	f->template.after.cost_micros = after_micros;
	f->template.after.model = &f->model;
	f->template.after.files = &f->after_file;
	f->template.after.nfiles = 1;
	f->template.monthly_delta_micros = after_micros - before_micros;
	pc_buf_init(&f->template.before.text);
	pc_buf_init(&f->template.after.text);
	pc_buf_init(&f->template.added_lines);
	pc_buf_init(&f->template.removed_lines);
	f->report.config = &f->config;
	f->report.templates = &f->template;
	f->report.ntemplates = 1;
	f->report.monthly_delta_micros = f->template.monthly_delta_micros;
}

static void teardown(struct fixture *f)
{
	pc_strlist_release(&f->config.policy.approvers);
	pc_strlist_release(&f->template.reasons);
	free(f->template.id);
	free(f->template.approval.approver);
	free(f->template.approval.approved_at);
	free(f->report.teams);
	free(f->report.use_cases);
	free(f->report.verdict_reason);
}

static void test_policy__a_hard_budget_breach_blocks_and_names_the_budget(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, USD(1000), USD(14000)); /* 12,000 + 14,000 > 25,000 */
	f.config.policy.has_event_delta = f.config.policy.has_event_percent = false;
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	assert_int_equal(f.report.teams[0].spend_before_micros, USD(13000));
	assert_int_equal(f.report.teams[0].spend_after_micros, USD(26000));
	assert_int_equal(f.report.teams[0].status, PC_STATUS_OVER);
	assert_int_equal(f.report.verdict, PC_VERDICT_BLOCK);
	assert_non_null(strstr(f.report.verdict_reason, "over its hard budget of $25,000.00"));
	teardown(&f);
}

static void test_policy__a_soft_budget_breach_only_warns(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, USD(1000), USD(14000));
	f.team.limit = PC_LIMIT_SOFT;
	f.config.policy.has_event_delta = f.config.policy.has_event_percent = false;
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	assert_int_equal(f.report.verdict, PC_VERDICT_WARN);
	teardown(&f);
}

static void test_policy__warn_at_is_reached_at_exactly_the_share(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, USD(1000), USD(8000)); /* 20,000 of 25,000 = 80% */
	f.team.has_warn_at = true;
	f.team.warn_at_ppm = 800000;
	f.config.policy.has_event_delta = f.config.policy.has_event_percent = false;
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	assert_int_equal(f.report.teams[0].status, PC_STATUS_WARN);
	assert_int_equal(f.report.verdict, PC_VERDICT_WARN);
	teardown(&f);
}

static void test_policy__a_cost_event_by_percent_below_the_amount(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, USD(1000), USD(1100)); /* +$100: below $500, but exactly 10% */
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	assert_true(f.template.cost_event);
	assert_int_equal(f.report.verdict, PC_VERDICT_BLOCK);
	teardown(&f);
}

static void test_policy__an_added_template_is_measured_by_its_cost_alone(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, 0, USD(100)); /* infinite percent, but $100 < $500 */
	f.template.change = PC_CHANGE_ADDED;
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	assert_false(f.template.cost_event);
	assert_int_equal(f.report.verdict, PC_VERDICT_PASS);
	teardown(&f);
}

static void test_policy__a_saving_is_never_a_cost_event_nor_blocked(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, USD(30000), USD(20000)); /* over the hard budget after, but cheaper */
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	assert_false(f.template.cost_event);
	assert_int_equal(f.report.teams[0].status, PC_STATUS_OVER);
	assert_int_equal(f.report.verdict, PC_VERDICT_PASS);
	assert_string_equal(f.template.reasons.items[0], "saves $10,000.00 a month");
	teardown(&f);
}

static void test_policy__an_approval_binds_to_content_delta_and_approver(void **state)
{
	struct pc_side_file approved_file = { (char *)"prompts/s.md",
					      "1111111111111111111111111111111111111111", 0 };
	struct pc_approval entry = { (char *)"summarize", &approved_file, 1, USD(600),
				     (char *)"rm@agency.gov", (char *)"2026-11-29T16:00:00Z",
				     NULL, { 1, 1 } };
	struct pc_approvals approvals = { &entry, 1, 1 };
	struct fixture f;

	(void)state;
	setup(&f, USD(1000), USD(1600));
	assert_int_equal(pc_policy_judge(&f.report, &approvals, NULL), 0);
	assert_true(f.template.approved);
	assert_int_equal(f.report.verdict, PC_VERDICT_PASS);
	teardown(&f);

	setup(&f, USD(1000), USD(1600));
	strcpy(approved_file.oid, "2222222222222222222222222222222222222222");
	assert_int_equal(pc_policy_judge(&f.report, &approvals, NULL), 0);
	assert_false(f.template.approved); /* other content */
	teardown(&f);
	strcpy(approved_file.oid, "1111111111111111111111111111111111111111");

	setup(&f, USD(1000), USD(1600) + 1);
	assert_int_equal(pc_policy_judge(&f.report, &approvals, NULL), 0);
	assert_false(f.template.approved); /* one micro-unit over the approved delta */
	teardown(&f);

	setup(&f, USD(1000), USD(1600));
	entry.approved_by = (char *)"intern@agency.gov";
	assert_int_equal(pc_policy_judge(&f.report, &approvals, NULL), 0);
	assert_false(f.template.approved); /* not in the base's approvers */
	teardown(&f);
}

static void test_policy__an_approval_never_lifts_a_hard_budget(void **state)
{
	struct pc_strlist verified = PC_STRLIST_INIT;
	struct fixture f;

	(void)state;
	pc_strlist_push(&verified, "rm@agency.gov");
	setup(&f, USD(1000), USD(14000));
	assert_int_equal(pc_policy_judge(&f.report, NULL, &verified), 0);
	assert_true(f.template.approved);
	assert_int_equal(f.report.verdict, PC_VERDICT_BLOCK);
	assert_non_null(strstr(f.report.verdict_reason, "an approval cannot lift a hard budget"));
	teardown(&f);
	pc_strlist_release(&verified);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy__a_hard_budget_breach_blocks_and_names_the_budget),
		cmocka_unit_test(test_policy__a_soft_budget_breach_only_warns),
		cmocka_unit_test(test_policy__warn_at_is_reached_at_exactly_the_share),
		cmocka_unit_test(test_policy__a_cost_event_by_percent_below_the_amount),
		cmocka_unit_test(test_policy__an_added_template_is_measured_by_its_cost_alone),
		cmocka_unit_test(test_policy__a_saving_is_never_a_cost_event_nor_blocked),
		cmocka_unit_test(test_policy__an_approval_binds_to_content_delta_and_approver),
		cmocka_unit_test(test_policy__an_approval_never_lifts_a_hard_budget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
