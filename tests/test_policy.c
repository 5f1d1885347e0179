/*
 * Tests of the policy stage on hand-made reports: budget statuses and
 * verdicts, cost events by amount and percent, savings, approvals bound to
 * content, delta and the base's approvers; what only the head configures (a
 * model, a template) and a change split over templates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
	/* these tests bind entries to content; signatures: test_gate_approvals.sh */
	f->config.policy.file_approvals = PC_FILE_APPROVALS_UNSIGNED;
	f->volume.id = (char *)"summarize";
	f->volume.calls_per_day = 15000;
	f->model.name = (char *)"gpt-4-class";
	/* the base configures the template and its model */
	f->config.templates = &f->volume;
	f->config.ntemplates = 1;
	f->config.models = &f->model;
	f->config.nmodels = 1;
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
	f->template.after.model_name = f->model.name;
	f->template.after.tokens = 1000;
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
	pc_strlist_release(&f->report.pending);
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
	struct pc_side_file approved_file = {
		.path = (char *)"prompts/s.md", .oid = "1111111111111111111111111111111111111111" };
	struct pc_approval entry = { (char *)"summarize", &approved_file, 1, USD(600),
				     (char *)"rm@agency.gov", (char *)"2026-11-29T16:00:00Z",
				     NULL, NULL, { 1, 1 } };
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

static void test_policy__an_unsigned_entry_counts_only_where_the_base_allows_it(void **state)
{
	struct pc_side_file approved_file = {
		.path = (char *)"prompts/s.md", .oid = "1111111111111111111111111111111111111111" };
	struct pc_approval entry = { (char *)"summarize", &approved_file, 1, USD(600),
				     (char *)"rm@agency.gov", (char *)"2026-11-29T16:00:00Z",
				     NULL, NULL, { 1, 1 } };
	struct pc_approvals approvals = { &entry, 1, 1 };
	struct fixture f;

	(void)state;
	setup(&f, USD(1000), USD(1600));
	f.config.policy.file_approvals = PC_FILE_APPROVALS_SIGNED;
	assert_int_equal(pc_policy_judge(&f.report, &approvals, NULL), 0);
	assert_false(f.template.approved);
	assert_int_equal(f.report.verdict, PC_VERDICT_BLOCK);
	assert_string_equal(f.template.reasons.items[0], "approval by rm@agency.gov ignored: "
			    "unsigned (policy.file_approvals is signed)");
	teardown(&f);

	setup(&f, USD(1000), USD(1600));
	assert_int_equal(pc_policy_judge(&f.report, &approvals, NULL), 0);
	assert_true(f.template.approved);
	assert_true(f.template.approval.unsigned_entry);
	assert_non_null(strstr(f.template.reasons.items[0],
			       "(unsigned entry: policy.file_approvals is unsigned)"));
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

static bool has_reason(const struct pc_template_report *t, const char *text)
{
	for (size_t i = 0; i < t->reasons.n; i++)
		if (strstr(t->reasons.items[i], text))
			return true;
	return false;
}

static void test_policy__a_model_only_the_head_defines_needs_an_approval(void **state)
{
	struct pc_model cheap = { 0 };
	struct fixture f;

	(void)state;
	cheap.name = (char *)"cheap";
	setup(&f, USD(1000), 0); /* a saving, at the head's price of $0 */
	f.template.after.model = &cheap;
	f.template.after.model_name = cheap.name;
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	assert_true(f.template.cost_event);
	assert_int_equal(f.report.verdict, PC_VERDICT_BLOCK);
	assert_true(has_reason(&f.template, "model 'cheap' is not in the base's configuration: "
					    "its prices come from this change"));
	assert_int_equal(f.report.pending.n, 1);
	assert_non_null(strstr(f.report.pending.items[0], "model 'cheap'"));
	teardown(&f);

	/* first adoption: the head's configuration is the only one */
	setup(&f, USD(1000), 0);
	f.template.after.model = &cheap;
	f.template.after.model_name = cheap.name;
	f.report.config_from_head = true;
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	assert_false(f.template.cost_event);
	assert_int_equal(f.report.verdict, PC_VERDICT_PASS);
	teardown(&f);
}

static void test_policy__a_template_only_the_head_configures_needs_an_approval(void **state)
{
	struct pc_strlist verified = PC_STRLIST_INIT;
	struct fixture f;

	(void)state;
	setup(&f, 0, 14000); /* $0.01 a month: far under every threshold */
	f.template.change = PC_CHANGE_ADDED;
	f.config.ntemplates = 0;
	f.volume.calls_per_day = 1;
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	assert_true(f.template.cost_event);
	assert_int_equal(f.report.verdict, PC_VERDICT_BLOCK);
	assert_true(has_reason(&f.template, "template 'summarize' is new in this change: its "
					    "volumes (calls_per_day 1) come from this change"));
	assert_true(has_reason(&f.template, "needs an approval (promptcost approve) by one of: "
					    "rm@agency.gov"));
	teardown(&f);

	/* an approver's approval lets it through */
	pc_strlist_push(&verified, "rm@agency.gov");
	setup(&f, 0, 14000);
	f.template.change = PC_CHANGE_ADDED;
	f.config.ntemplates = 0;
	assert_int_equal(pc_policy_judge(&f.report, NULL, &verified), 0);
	assert_true(f.template.approved);
	assert_int_equal(f.report.verdict, PC_VERDICT_PASS);
	teardown(&f);
	pc_strlist_release(&verified);

	/* no text and no output: it costs nothing at any volume */
	setup(&f, 0, 0);
	f.template.change = PC_CHANGE_ADDED;
	f.config.ntemplates = 0;
	f.template.after.tokens = 0;
	f.volume.calls_per_day = 100000;
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	assert_false(f.template.cost_event);
	assert_int_equal(f.report.verdict, PC_VERDICT_PASS);
	teardown(&f);

	/* but output tokens cost money even without text */
	setup(&f, 0, 14000);
	f.template.change = PC_CHANGE_ADDED;
	f.config.ntemplates = 0;
	f.template.after.tokens = 0;
	f.volume.output_tokens_per_call = 1;
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	assert_true(f.template.cost_event);
	teardown(&f);
}

static struct pc_model split_model = { .name = (char *)"gpt-4-class" };

/* n templates of the base, each changed from before to after */
static void split_report(struct pc_report *report, struct pc_config *config,
			 struct pc_template_config *volumes, struct pc_template_report *templates,
			 size_t n, int64_t before, int64_t after)
{
	memset(config, 0, sizeof(*config));
	config->currency = (char *)"USD";
	config->days_per_month = 30;
	config->policy.has_event_delta = true;
	config->policy.event_delta_micros = USD(500);
	pc_strlist_push(&config->policy.approvers, "rm@agency.gov");
	config->templates = volumes;
	config->ntemplates = n;
	config->models = &split_model;
	config->nmodels = 1;
	pc_report_init(report);
	report->config = config;
	report->templates = templates;
	report->ntemplates = n;
	for (size_t i = 0; i < n; i++) {
		struct pc_template_report *t = &templates[i];
		char id[32];

		memset(t, 0, sizeof(*t));
		snprintf(id, sizeof(id), "part-%05zu", n - i); /* not in sorted order */
		volumes[i].id = pc_xstrdup(id);
		volumes[i].calls_per_day = 1500;
		t->id = pc_xstrdup(id);
		t->change = PC_CHANGE_MODIFIED;
		t->volume = &volumes[i];
		t->exact = true;
		t->before.present = t->after.present = true;
		t->before.cost_micros = before;
		t->after.cost_micros = after;
		t->after.tokens = 1000;
		t->before.model = t->after.model = &split_model;
		t->before.model_name = t->after.model_name = split_model.name;
		t->monthly_delta_micros = after - before;
		report->monthly_delta_micros += after - before;
	}
}

static void split_release(struct pc_report *report, struct pc_config *config,
			  struct pc_template_config *volumes)
{
	for (size_t i = 0; i < report->ntemplates; i++) {
		struct pc_template_report *t = &report->templates[i];

		free(volumes[i].id);
		free(t->id);
		free(t->approval.approver);
		free(t->approval.approved_at);
		pc_strlist_release(&t->reasons);
	}
	pc_strlist_release(&config->policy.approvers);
	pc_strlist_release(&report->pending);
	free(report->verdict_reason);
	free(report->teams);
	free(report->use_cases);
}

static void test_policy__a_change_split_over_templates_is_judged_whole(void **state)
{
	struct pc_template_config volumes[10];
	struct pc_template_report templates[10];
	struct pc_config config;
	struct pc_report report;

	(void)state;
	/* ten increases of $216.00: $2,160.00 in all, each under $500.00 */
	split_report(&report, &config, volumes, templates, 10, USD(1000), USD(1216));
	assert_int_equal(pc_policy_judge(&report, NULL, NULL), 0);
	for (size_t i = 0; i < 10; i++)
		assert_true(templates[i].cost_event);
	assert_int_equal(report.verdict, PC_VERDICT_BLOCK);
	assert_true(has_reason(&templates[3], "cost event of +$216.00 a month, part of "
					      "+$2,160.00 a month of increases in this change "
					      "(threshold $500.00)"));
	assert_int_equal(report.pending.n, 0); /* the base configures every template */
	split_release(&report, &config, volumes);

	/* a saving does not offset the increases, and is no cost event */
	split_report(&report, &config, volumes, templates, 10, USD(1000), USD(1216));
	templates[9].after.cost_micros = 0;
	templates[9].monthly_delta_micros = -USD(1000);
	report.monthly_delta_micros = USD(216) * 9 - USD(1000);
	assert_int_equal(pc_policy_judge(&report, NULL, NULL), 0);
	assert_true(templates[0].cost_event);
	assert_false(templates[9].cost_event);
	assert_int_equal(report.verdict, PC_VERDICT_BLOCK);
	split_release(&report, &config, volumes);

	/* under the threshold in all: no cost event */
	split_report(&report, &config, volumes, templates, 2, USD(1000), USD(1216));
	assert_int_equal(pc_policy_judge(&report, NULL, NULL), 0);
	assert_false(templates[0].cost_event);
	assert_int_equal(report.verdict, PC_VERDICT_PASS);
	split_release(&report, &config, volumes);
}

static void test_policy__base_templates_are_found_among_a_thousand(void **state)
{
	struct pc_template_config *volumes = pc_xcalloc(1000, sizeof(*volumes));
	struct pc_template_report *templates = pc_xcalloc(1000, sizeof(*templates));
	struct pc_config config;
	struct pc_report report;

	(void)state;
	/* every template is the base's, so none is new: one cent each is no event */
	split_report(&report, &config, volumes, templates, 1000, USD(1000), USD(1000) + 10000);
	config.policy.event_delta_micros = USD(1000);
	assert_int_equal(pc_policy_judge(&report, NULL, NULL), 0);
	for (size_t i = 0; i < 1000; i++)
		assert_false(templates[i].cost_event);
	assert_int_equal(report.verdict, PC_VERDICT_PASS);
	split_release(&report, &config, volumes);

	/* the base drops one: that one alone is new */
	split_report(&report, &config, volumes, templates, 1000, USD(1000), USD(1000) + 10000);
	config.policy.event_delta_micros = USD(1000);
	config.templates = volumes + 1; /* part-01000 is left out */
	config.ntemplates = 999;
	assert_int_equal(pc_policy_judge(&report, NULL, NULL), 0);
	assert_true(templates[0].cost_event);
	for (size_t i = 1; i < 1000; i++)
		assert_false(templates[i].cost_event);
	assert_int_equal(report.pending.n, 1);
	split_release(&report, &config, volumes);
	free(volumes);
	free(templates);
}

static void test_policy__a_percentage_counts_from_the_minimum_amount(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, USD(100), USD(116)); /* +16%, +$16.00 */
	f.config.policy.event_min_delta_micros = USD(50);
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	assert_false(f.template.cost_event);
	assert_int_equal(f.report.verdict, PC_VERDICT_PASS);
	teardown(&f);

	setup(&f, USD(100), USD(150)); /* +50%, exactly the minimum */
	f.config.policy.event_min_delta_micros = USD(50);
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	assert_true(f.template.cost_event);
	teardown(&f);

	setup(&f, USD(100), USD(116)); /* the default minimum is 0: any amount */
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	assert_true(f.template.cost_event);
	teardown(&f);
}

static void test_policy__over_a_hard_budget_nobody_is_sent_to_approve(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, USD(1000), USD(14000)); /* a cost event and over the hard budget */
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	assert_true(f.template.cost_event);
	assert_int_equal(f.report.verdict, PC_VERDICT_BLOCK);
	assert_false(has_reason(&f.template, "promptcost approve"));
	assert_null(strstr(f.report.verdict_reason, "promptcost approve"));
	assert_non_null(strstr(f.report.verdict_reason, "merge a budget change first"));
	assert_true(has_reason(&f.template, "over a hard budget, which an approval cannot lift"));
	teardown(&f);
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
		cmocka_unit_test(test_policy__an_unsigned_entry_counts_only_where_the_base_allows_it),
		cmocka_unit_test(test_policy__an_approval_never_lifts_a_hard_budget),
		cmocka_unit_test(test_policy__a_model_only_the_head_defines_needs_an_approval),
		cmocka_unit_test(test_policy__a_template_only_the_head_configures_needs_an_approval),
		cmocka_unit_test(test_policy__a_change_split_over_templates_is_judged_whole),
		cmocka_unit_test(test_policy__base_templates_are_found_among_a_thousand),
		cmocka_unit_test(test_policy__a_percentage_counts_from_the_minimum_amount),
		cmocka_unit_test(test_policy__over_a_hard_budget_nobody_is_sent_to_approve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
