/*
 * Tests of the policy stage on hand-made reports: budget statuses and
 * verdicts, cost events by amount and percent, savings, approvals bound to
 * content, delta and the base's approvers; what only the head configures (a
 * model, a template) and a change split over templates; the findings behind
 * every reason (codes, subjects, figures) and that the reasons are their words.
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
	struct pc_spend_line line_before, line_after; /* what the cost stage would have priced */
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
	f->line_before = (struct pc_spend_line){ .kind = PC_SPEND_PROJECTED, .template = "summarize",
						 .team = "records", .cost_micros = before_micros };
	f->line_after = f->line_before;
	f->line_after.cost_micros = after_micros;
	f->report.lines_before = &f->line_before;
	f->report.lines_after = &f->line_after;
}

static void teardown(struct fixture *f)
{
	pc_strlist_release(&f->config.policy.approvers);
	pc_strlist_release(&f->template.reasons);
	pc_findings_release(&f->template.findings);
	free(f->template.id);
	free(f->template.approval.approver);
	free(f->template.approval.approved_at);
	free(f->report.teams);
	free(f->report.use_cases);
	free(f->report.verdict_reason);
	pc_strlist_release(&f->report.pending);
	pc_findings_release(&f->report.findings);
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

/* GitHub logins are case-insensitive: a review shows them as the account spells them */
static void test_policy__a_github_login_approves_whatever_its_case(void **state)
{
	struct pc_strlist verified = PC_STRLIST_INIT;
	struct fixture f;

	(void)state;
	setup(&f, USD(1000), USD(1600));
	pc_strlist_push(&f.config.policy.approvers, "github:Octo-Release");
	pc_strlist_push(&verified, "github:octo-RELEASE");
	assert_int_equal(pc_policy_judge(&f.report, NULL, &verified), 0);
	assert_true(f.template.approved);
	assert_string_equal(f.template.approval.approver, "github:Octo-Release");
	teardown(&f);
	pc_strlist_release(&verified);

	/* only github: ids: an e-mail address (or a prefix that merely differs in case) must match exactly */
	setup(&f, USD(1000), USD(1600));
	pc_strlist_push(&f.config.policy.approvers, "github:octo");
	pc_strlist_push(&verified, "RM@agency.gov");
	pc_strlist_push(&verified, "GitHub:octo");
	pc_strlist_push(&verified, "github:octopus");
	assert_int_equal(pc_policy_judge(&f.report, NULL, &verified), 0);
	assert_false(f.template.approved);
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
	report->lines_before = pc_xcalloc(n, sizeof(*report->lines_before));
	report->lines_after = pc_xcalloc(n, sizeof(*report->lines_after));
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
		report->lines_before[i] = (struct pc_spend_line){ .kind = PC_SPEND_PROJECTED,
								  .template = t->id,
								  .cost_micros = before };
		report->lines_after[i] = report->lines_before[i];
		report->lines_after[i].cost_micros = after;
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
		pc_findings_release(&t->findings);
	}
	pc_strlist_release(&config->policy.approvers);
	pc_strlist_release(&report->pending);
	pc_findings_release(&report->findings);
	free(report->verdict_reason);
	free(report->teams);
	free(report->use_cases);
	free(report->lines_before);
	free(report->lines_after);
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

/* ---- findings: the reasons as data ---- */

/* The first finding with this code, which must be there. */
static const struct pc_finding *finding(const struct pc_findings *list, enum pc_finding_code code)
{
	for (size_t i = 0; i < list->n; i++)
		if (list->items[i].code == code)
			return &list->items[i];
	fail_msg("no finding '%s'", pc_finding_code_name(code));
	return NULL;
}

static bool has_finding(const struct pc_findings *list, enum pc_finding_code code)
{
	for (size_t i = 0; i < list->n; i++)
		if (list->items[i].code == code)
			return true;
	return false;
}

static int64_t figure(const struct pc_finding *f, const char *name)
{
	const struct pc_figure *figure = pc_finding_figure(f, name);

	if (!figure)
		fail_msg("'%s' has no figure '%s'", pc_finding_code_name(f->code), name);
	assert_int_not_equal(figure->kind, PC_FIGURE_TEXT);
	return figure->value;
}

static const char *figure_text(const struct pc_finding *f, const char *name)
{
	const struct pc_figure *figure = pc_finding_figure(f, name);

	if (!figure)
		fail_msg("'%s' has no figure '%s'", pc_finding_code_name(f->code), name);
	assert_int_equal(figure->kind, PC_FIGURE_TEXT);
	return figure->text;
}

/*
 * Every reason is the words of its findings, in order: it starts with the
 * first one's message, ends with the last one's, and holds each; every
 * finding belongs to a reason.
 */
static void assert_reasons_are_findings(const struct pc_template_report *t)
{
	size_t next = 0;

	for (size_t k = 0; k < t->reasons.n; k++) {
		const char *line = t->reasons.items[k];
		size_t first = next, len = strlen(line), last_len;

		while (next < t->findings.n && t->findings.items[next].reason == k)
			next++;
		assert_true(next > first); /* no reason without a finding */
		assert_int_equal(strncmp(line, t->findings.items[first].message,
					 strlen(t->findings.items[first].message)), 0);
		last_len = strlen(t->findings.items[next - 1].message);
		assert_true(last_len <= len);
		assert_string_equal(line + len - last_len, t->findings.items[next - 1].message);
		for (size_t i = first; i < next; i++)
			assert_non_null(strstr(line, t->findings.items[i].message));
	}
	assert_int_equal(next, t->findings.n);
}

static void test_policy__an_unapproved_cost_event_is_two_findings_in_one_reason(void **state)
{
	const struct pc_finding *event, *outcome, *verdict;
	struct fixture f;

	(void)state;
	setup(&f, USD(1000), USD(1600)); /* +$600: over the $500 threshold */
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	assert_int_equal(f.template.findings.n, 2);
	event = &f.template.findings.items[0];
	outcome = &f.template.findings.items[1];
	assert_int_equal(event->code, PC_FINDING_COST_EVENT);
	assert_string_equal(pc_finding_code_name(event->code), "cost_event");
	assert_string_equal(event->subject, "summarize");
	assert_int_equal(figure(event, "monthly_delta"), USD(600));
	assert_string_equal(event->message, "cost event of +$600.00 a month");
	assert_int_equal(outcome->code, PC_FINDING_COST_EVENT_UNAPPROVED);
	assert_string_equal(pc_finding_code_name(outcome->code), "cost_event_unapproved");
	assert_string_equal(figure_text(outcome, "approvers"), "rm@agency.gov");
	assert_string_equal(f.template.reasons.items[0], "cost event of +$600.00 a month needs "
			    "an approval (promptcost approve) by one of: rm@agency.gov");
	assert_reasons_are_findings(&f.template);
	/* the verdict is a finding of the report, naming the template that decided it */
	assert_int_equal(f.report.findings.n, 1);
	verdict = &f.report.findings.items[0];
	assert_int_equal(verdict->code, PC_FINDING_BLOCKED);
	assert_string_equal(verdict->subject, "summarize");
	assert_string_equal(verdict->message, f.report.verdict_reason);
	teardown(&f);

	/* nobody to approve: the figure is empty, the words say so */
	setup(&f, USD(1000), USD(1600));
	pc_strlist_release(&f.config.policy.approvers);
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	outcome = finding(&f.template.findings, PC_FINDING_COST_EVENT_UNAPPROVED);
	assert_string_equal(figure_text(outcome, "approvers"), "");
	assert_true(has_reason(&f.template, "by one of: nobody: policy.approvers is empty"));
	teardown(&f);
}

static void test_policy__budget_findings_carry_spend_budget_and_level(void **state)
{
	const struct pc_finding *b;
	struct fixture f;

	(void)state;
	setup(&f, USD(1000), USD(14000)); /* 26,000 of a hard 25,000 */
	f.config.policy.has_event_delta = f.config.policy.has_event_percent = false;
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	b = finding(&f.template.findings, PC_FINDING_TEAM_OVER_HARD_BUDGET);
	assert_string_equal(pc_finding_code_name(b->code), "team_over_hard_budget");
	assert_string_equal(b->subject, "records");
	assert_int_equal(figure(b, "monthly_spend"), USD(26000));
	assert_int_equal(figure(b, "monthly_budget"), USD(25000));
	assert_int_equal(f.template.main_reason, b->reason);
	assert_reasons_are_findings(&f.template);
	teardown(&f);

	setup(&f, USD(1000), USD(14000));
	f.team.limit = PC_LIMIT_SOFT;
	f.config.policy.has_event_delta = f.config.policy.has_event_percent = false;
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	b = finding(&f.template.findings, PC_FINDING_TEAM_OVER_SOFT_BUDGET);
	assert_int_equal(figure(b, "monthly_spend"), USD(26000));
	assert_int_equal(finding(&f.report.findings, PC_FINDING_PASSED_WITH_WARNINGS)->code,
			 PC_FINDING_PASSED_WITH_WARNINGS);
	teardown(&f);

	setup(&f, USD(1000), USD(8000)); /* 20,000 of 25,000: the 80% warning level */
	f.team.has_warn_at = true;
	f.team.warn_at_ppm = 800000;
	f.config.policy.has_event_delta = f.config.policy.has_event_percent = false;
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	b = finding(&f.template.findings, PC_FINDING_TEAM_WARN_AT);
	assert_string_equal(pc_finding_code_name(b->code), "team_warn_at");
	assert_int_equal(figure(b, "warn_at"), 800000);
	assert_int_equal(pc_finding_figure(b, "warn_at")->kind, PC_FIGURE_PERCENT);
	assert_int_equal(figure(b, "monthly_spend"), USD(20000));
	assert_string_equal(b->message, "team 'records' would spend $20,000.00 a month, past its "
			    "warning level of 80.0% of $25,000.00");
	teardown(&f);
}

static void test_policy__approval_findings_say_which_entry_counted_or_why_not(void **state)
{
	struct pc_side_file approved_file = { .path = (char *)"prompts/s.md",
					      .oid = "1111111111111111111111111111111111111111" };
	struct pc_approval entry = { (char *)"summarize", &approved_file, 1, USD(600),
				     (char *)"rm@agency.gov", (char *)"2026-11-29T16:00:00Z",
				     NULL, NULL, { 1, 1 } };
	struct pc_approvals approvals = { &entry, 1, 1 };
	struct pc_strlist verified = PC_STRLIST_INIT;
	const struct pc_finding *a;
	struct fixture f;

	(void)state;
	setup(&f, USD(1000), USD(1600));
	f.config.policy.file_approvals = PC_FILE_APPROVALS_SIGNED;
	assert_int_equal(pc_policy_judge(&f.report, &approvals, NULL), 0);
	a = &f.template.findings.items[0]; /* the ignored entry: a reason of its own, first */
	assert_int_equal(a->code, PC_FINDING_APPROVAL_IGNORED_UNSIGNED);
	assert_string_equal(figure_text(a, "approver"), "rm@agency.gov");
	assert_int_equal(a->reason, 0);
	assert_true(has_finding(&f.template.findings, PC_FINDING_COST_EVENT_UNAPPROVED));
	assert_reasons_are_findings(&f.template);
	teardown(&f);

	setup(&f, USD(1000), USD(1600));
	entry.approved_by = (char *)"intern@agency.gov";
	assert_int_equal(pc_policy_judge(&f.report, &approvals, NULL), 0);
	a = finding(&f.template.findings, PC_FINDING_APPROVAL_IGNORED_NOT_LISTED);
	assert_string_equal(figure_text(a, "approver"), "intern@agency.gov");
	assert_string_equal(a->message, "approval by intern@agency.gov ignored: "
			    "intern@agency.gov is not in policy.approvers");
	entry.approved_by = (char *)"rm@agency.gov";
	teardown(&f);

	setup(&f, USD(1000), USD(1600)); /* unsigned entries count here */
	assert_int_equal(pc_policy_judge(&f.report, &approvals, NULL), 0);
	a = finding(&f.template.findings, PC_FINDING_APPROVAL_VALID_UNSIGNED);
	assert_string_equal(figure_text(a, "approver"), "rm@agency.gov");
	assert_string_equal(figure_text(a, "approved_at"), "2026-11-29T16:00:00Z");
	assert_int_equal(figure(a, "approved_delta"), USD(600));
	assert_false(has_finding(&f.template.findings, PC_FINDING_COST_EVENT_UNAPPROVED));
	assert_reasons_are_findings(&f.template);
	a = finding(&f.report.findings, PC_FINDING_PASSED_WITH_APPROVALS);
	assert_int_equal(figure(a, "approved_cost_events"), 1);
	assert_int_equal(figure(a, "monthly_delta"), USD(600));
	teardown(&f);

	pc_strlist_push(&verified, "rm@agency.gov");
	setup(&f, USD(1000), USD(1600));
	assert_int_equal(pc_policy_judge(&f.report, NULL, &verified), 0);
	a = finding(&f.template.findings, PC_FINDING_APPROVAL_VERIFIED_ELSEWHERE);
	assert_string_equal(figure_text(a, "approver"), "rm@agency.gov");
	assert_reasons_are_findings(&f.template);
	teardown(&f);
	pc_strlist_release(&verified);
}

static void test_policy__what_only_the_head_brings_is_a_finding_and_pending(void **state)
{
	struct pc_model cheap = { 0 };
	const struct pc_finding *x;
	struct fixture f;

	(void)state;
	cheap.name = (char *)"cheap";
	setup(&f, USD(1000), 0);
	f.template.after.model = &cheap;
	f.template.after.model_name = cheap.name;
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	x = finding(&f.template.findings, PC_FINDING_HEAD_ONLY_MODEL);
	assert_string_equal(pc_finding_code_name(x->code), "head_only_model");
	assert_string_equal(x->subject, "summarize");
	assert_string_equal(figure_text(x, "model"), "cheap");
	assert_int_equal(finding(&f.template.findings, PC_FINDING_SAVING)->code, PC_FINDING_SAVING);
	assert_int_equal(figure(finding(&f.template.findings, PC_FINDING_SAVING), "monthly_delta"),
			 -USD(1000));
	x = finding(&f.report.findings, PC_FINDING_PENDING_NEW_MODEL);
	assert_string_equal(x->subject, "cheap");
	assert_string_equal(x->message, f.report.pending.items[0]);
	assert_reasons_are_findings(&f.template);
	teardown(&f);

	setup(&f, 0, 14000);
	f.template.change = PC_CHANGE_ADDED;
	f.config.ntemplates = 0;
	f.volume.calls_per_day = 1;
	f.volume.output_tokens_per_call = 7;
	assert_int_equal(pc_policy_judge(&f.report, NULL, NULL), 0);
	x = finding(&f.template.findings, PC_FINDING_NEW_TEMPLATE);
	assert_string_equal(pc_finding_code_name(x->code), "new_template");
	assert_int_equal(figure(x, "calls_per_day"), 1);
	/* not a plain increase: the first finding of its reason is the new template */
	assert_int_equal(f.template.findings.items[0].code, PC_FINDING_NEW_TEMPLATE);
	assert_reasons_are_findings(&f.template);
	x = finding(&f.report.findings, PC_FINDING_PENDING_NEW_TEMPLATE);
	assert_int_equal(figure(x, "calls_per_day"), 1);
	assert_int_equal(figure(x, "output_tokens_per_call"), 7);
	/* pending notes first, the verdict last */
	assert_int_equal(f.report.findings.items[f.report.findings.n - 1].code, PC_FINDING_BLOCKED);
	teardown(&f);
}

static void test_policy__a_share_of_the_total_names_the_total_and_threshold(void **state)
{
	struct pc_template_config volumes[10];
	struct pc_template_report templates[10];
	struct pc_config config;
	struct pc_report report;
	const struct pc_finding *x;

	(void)state;
	split_report(&report, &config, volumes, templates, 10, USD(1000), USD(1216));
	assert_int_equal(pc_policy_judge(&report, NULL, NULL), 0);
	x = finding(&templates[3].findings, PC_FINDING_COST_EVENT_IN_TOTAL);
	assert_string_equal(pc_finding_code_name(x->code), "cost_event_in_total");
	assert_int_equal(figure(x, "monthly_delta"), USD(216));
	assert_int_equal(figure(x, "total_increase"), USD(2160));
	assert_int_equal(figure(x, "threshold"), USD(500));
	for (size_t i = 0; i < 10; i++)
		assert_reasons_are_findings(&templates[i]);
	split_release(&report, &config, volumes);

	split_report(&report, &config, volumes, templates, 2, USD(1000), USD(1216));
	assert_int_equal(pc_policy_judge(&report, NULL, NULL), 0);
	x = finding(&report.findings, PC_FINDING_PASSED);
	assert_int_equal(figure(x, "monthly_delta"), USD(432));
	assert_string_equal(x->message, "passed: +$432.00 a month, within budgets and policy");
	assert_int_equal(templates[0].findings.n, 0);
	split_release(&report, &config, volumes);

	split_report(&report, &config, volumes, templates, 2, USD(1000), USD(1000));
	templates[0].change = templates[1].change = PC_CHANGE_UNCHANGED;
	assert_int_equal(pc_policy_judge(&report, NULL, NULL), 0);
	assert_int_equal(finding(&report.findings, PC_FINDING_PASSED_NO_CHANGE)->nfigures, 0);
	split_release(&report, &config, volumes);
}

static void test_policy__every_code_has_a_distinct_name(void **state)
{
	(void)state;
	for (int a = 0; a <= PC_FINDING_PASSED; a++) {
		const char *name = pc_finding_code_name((enum pc_finding_code)a);

		assert_true(strlen(name) > 0);
		for (const char *p = name; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || *p == '_');
		for (int b = 0; b < a; b++)
			assert_string_not_equal(name, pc_finding_code_name((enum pc_finding_code)b));
	}
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
		cmocka_unit_test(test_policy__a_github_login_approves_whatever_its_case),
		cmocka_unit_test(test_policy__an_unapproved_cost_event_is_two_findings_in_one_reason),
		cmocka_unit_test(test_policy__budget_findings_carry_spend_budget_and_level),
		cmocka_unit_test(test_policy__approval_findings_say_which_entry_counted_or_why_not),
		cmocka_unit_test(test_policy__what_only_the_head_brings_is_a_finding_and_pending),
		cmocka_unit_test(test_policy__a_share_of_the_total_names_the_total_and_threshold),
		cmocka_unit_test(test_policy__every_code_has_a_distinct_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
