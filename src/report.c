/*
 * The report model's lifecycle, the names of its enums, money as shown to
 * people, and dispatch to the one renderer per output format.
 */
#include "promptcost/report.h"

#include "promptcost/money.h"

#include <stdlib.h>
#include <string.h>

void pc_report_init(struct pc_report *report)
{
	memset(report, 0, sizeof(*report));
}

void pc_side_file_release(struct pc_side_file *file)
{
	free(file->path);
	free(file->fragment);
	free(file->fm_model);
	free(file->max_tokens_key);
}

static void release_side(struct pc_template_side *side)
{
	for (size_t i = 0; i < side->nfiles; i++)
		pc_side_file_release(&side->files[i]);
	free(side->files);
	pc_buf_release(&side->text);
	pc_include_list_release(&side->partials);
}

void pc_report_release(struct pc_report *report)
{
	for (size_t i = 0; i < report->ntemplates; i++) {
		struct pc_template_report *t = &report->templates[i];

		free(t->id);
		release_side(&t->before);
		release_side(&t->after);
		pc_buf_release(&t->added_lines);
		pc_buf_release(&t->removed_lines);
		free(t->approval.approver);
		free(t->approval.approved_at);
		pc_strlist_release(&t->reasons);
		pc_findings_release(&t->findings);
		pc_strlist_release(&t->notes);
	}
	free(report->templates);
	free(report->lines_before);
	free(report->lines_after);
	for (size_t i = 0; i < report->ngenerated; i++)
		pc_template_config_release(&report->generated[i]);
	free(report->generated);
	free(report->teams);
	free(report->use_cases);
	free(report->base_label);
	free(report->base_commit);
	free(report->policy_label);
	free(report->policy_commit);
	free(report->head_label);
	free(report->head_commit);
	free(report->verdict_reason);
	pc_strlist_release(&report->pending);
	pc_strlist_release(&report->skipped);
	pc_findings_release(&report->findings);
	pc_strlist_release(&report->prices);
	pc_report_init(report);
}

const char *pc_change_name(enum pc_change change)
{
	static const char *const names[] = { "added", "modified", "deleted", "renamed",
					     "unchanged" };

	return names[change];
}

const char *pc_verdict_name(enum pc_verdict verdict)
{
	static const char *const names[] = { "pass", "warn", "block" };

	return names[verdict];
}

const char *pc_status_name(enum pc_status status)
{
	static const char *const names[] = { "ok", "warn", "over" };

	return names[status];
}

const char *pc_finding_code_name(enum pc_finding_code code)
{
	/* in the order of enum pc_finding_code; promptcost-check(1), FINDINGS, lists them */
	static const char *const names[] = {
		"saving",
		"approval_ignored_not_listed",
		"approval_ignored_unsigned",
		"approval_ignored_unknown_key",
		"approval_ignored_bad_signature",
		"cost_event",
		"cost_event_in_total",
		"new_template",
		"head_only_model",
		"approval_valid",
		"approval_valid_unsigned",
		"approval_verified_elsewhere",
		"cost_event_unapproved",
		"cost_event_over_hard_budget",
		"team_over_hard_budget",
		"team_over_soft_budget",
		"team_warn_at",
		"use_case_over_hard_budget",
		"use_case_over_soft_budget",
		"use_case_warn_at",
		"estimated_tokens",
		"pending_new_template",
		"pending_new_model",
		"blocked",
		"passed_with_warnings",
		"passed_no_change",
		"passed_with_approvals",
		"passed",
	};

	_Static_assert(sizeof(names) / sizeof(names[0]) == PC_FINDING_PASSED + 1,
		       "a name for every finding code");
	return names[code];
}

const struct pc_figure *pc_finding_figure(const struct pc_finding *finding, const char *name)
{
	for (size_t i = 0; i < finding->nfigures; i++)
		if (!strcmp(finding->figures[i].name, name))
			return &finding->figures[i];
	return NULL;
}

void pc_finding_release(struct pc_finding *finding)
{
	for (size_t k = 0; k < finding->nfigures; k++)
		free(finding->figures[k].text);
	free(finding->subject);
	free(finding->message);
	memset(finding, 0, sizeof(*finding));
}

void pc_findings_release(struct pc_findings *findings)
{
	for (size_t i = 0; i < findings->n; i++)
		pc_finding_release(&findings->items[i]);
	free(findings->items);
	memset(findings, 0, sizeof(*findings));
}

int pc_format_lookup(enum pc_format *out, const char *name)
{
	static const char *const names[] = { "text", "markdown", "json", "github" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(name, names[i])) {
			*out = (enum pc_format)i;
			return 0;
		}
	}
	return pc_error_set(PC_EINPUT, "unknown format '%s' (known: text, markdown, json, github)",
			    name);
}

void pc_report_money(struct pc_buf *out, int64_t micros)
{
	pc_money_format(out, micros, false, false);
}

void pc_report_money_display(struct pc_buf *out, const struct pc_config *config, int64_t micros,
			     bool sign)
{
	const char *currency = config ? config->currency : "USD";
	struct pc_buf number = PC_BUF_INIT;

	pc_money_format(&number, micros, true, sign);
	/* "+$2,160.00", "-$3.00"; other currencies: "+2,160.00 EUR" */
	if (!strcmp(currency, "USD")) {
		const char *digits = number.ptr;

		if (*digits == '+' || *digits == '-')
			pc_buf_addch(out, *digits++);
		pc_buf_addf(out, "$%s", digits);
	} else {
		pc_buf_addf(out, "%s %s", number.ptr, currency);
	}
	pc_buf_release(&number);
}

void pc_report_used(struct pc_buf *out, const struct pc_budget_report *budget, bool after)
{
	int64_t spend = after ? budget->spend_after_micros : budget->spend_before_micros;

	if (!budget->budget->has_budget || budget->budget->monthly_budget_micros <= 0)
		return;
	pc_ppm_format(out, (int64_t)((pc_int128)spend * PC_PPM /
				     budget->budget->monthly_budget_micros));
}

int pc_report_render(struct pc_buf *out, const struct pc_report *report, enum pc_format format,
		     const struct pc_render_options *options)
{
	static const struct pc_render_options defaults = { false, 0 };

	if (!options)
		options = &defaults;
	switch (format) {
	case PC_FORMAT_TEXT:
		pc_report_text(out, report, options);
		return 0;
	case PC_FORMAT_MARKDOWN:
		pc_report_markdown(out, report, options);
		return 0;
	case PC_FORMAT_JSON:
		return pc_report_json(out, report);
	case PC_FORMAT_GITHUB:
		pc_report_github(out, report);
		return 0;
	}
	return pc_error_set(PC_EINTERNAL, "unknown report format %d", (int)format);
}

void pc_report_volume_source(struct pc_buf *out, const struct pc_template_report *t)
{
	const struct pc_volume *v = &t->rate;

	if (v->source == PC_SPEND_RECORDED) {
		pc_buf_adds(out, "recorded: ");
		pc_count_format(out, pc_volume_calls_per_day(v), false);
		pc_buf_addf(out, " calls/day over %lld day%s to %s", (long long)v->days,
			    v->days == 1 ? "" : "s", v->until);
		return;
	}
	pc_buf_adds(out, "configured (estimate): ");
	pc_count_format(out, pc_volume_calls_per_day(v), false);
	pc_buf_adds(out, " calls/day");
}
