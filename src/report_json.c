/*
 * The JSON report, schema promptcost/check/v1 (DESIGN.md): the fields listed
 * there, money as strings with exactly two decimals, tokens as integers, and
 * the policy's findings as codes with their figures. The
 * only file of the check pipeline that sees jansson.
 */
#include "promptcost/report.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static json_t *money(int64_t micros)
{
	struct pc_buf b = PC_BUF_INIT;
	json_t *v;

	pc_report_money(&b, micros);
	v = json_string(b.ptr);
	pc_buf_release(&b);
	return v;
}

static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *strings(const struct pc_strlist *list)
{
	json_t *a = json_array();

	for (size_t i = 0; i < list->n; i++)
		json_array_append_new(a, json_string(list->items[i]));
	return a;
}

/* A percent in parts per million, exactly, as a decimal string: "80", "12.5", "0.0125". */
static json_t *percent(int64_t ppm)
{
	uint64_t mag = ppm < 0 ? (uint64_t)0 - (uint64_t)ppm : (uint64_t)ppm;
	char digits[32];
	size_t len;

	/* a percent is ppm / 10^4: up to four decimals, trailing zeros dropped */
	len = (size_t)snprintf(digits, sizeof(digits), "%s%llu.%04llu", ppm < 0 ? "-" : "",
			       (unsigned long long)(mag / 10000),
			       (unsigned long long)(mag % 10000));
	while (digits[len - 1] == '0')
		digits[--len] = '\0';
	if (digits[len - 1] == '.')
		digits[--len] = '\0';
	return json_string(digits);
}

/* {code, subject, figures: {name: value...}, message}: money and percents as strings. */
static json_t *findings_json(const struct pc_findings *findings)
{
	json_t *a = json_array();

	for (size_t i = 0; i < findings->n; i++) {
		const struct pc_finding *f = &findings->items[i];
		json_t *o = json_object(), *figures = json_object();

		for (size_t k = 0; k < f->nfigures; k++) {
			const struct pc_figure *figure = &f->figures[k];
			json_t *v;

			switch (figure->kind) {
			case PC_FIGURE_MONEY:
				v = money(figure->value);
				break;
			case PC_FIGURE_PERCENT:
				v = percent(figure->value);
				break;
			case PC_FIGURE_COUNT:
				v = json_integer(figure->value);
				break;
			default:
				v = json_string(figure->text);
			}
			json_object_set_new(figures, figure->name, v);
		}
		json_object_set_new(o, "code", json_string(pc_finding_code_name(f->code)));
		json_object_set_new(o, "subject", string_or_null(f->subject));
		json_object_set_new(o, "figures", figures);
		json_object_set_new(o, "message", string_or_null(f->message));
		json_array_append_new(a, o);
	}
	return a;
}

/*
 * Where calls_per_day comes from. Recorded: the exact figures of the window
 * (calls over days; hits and tokens as recorded), so a script can redo the
 * arithmetic; configured: an estimate typed into the configuration.
 */
static json_t *volume_source(const struct pc_volume *v)
{
	if (v->source != PC_SPEND_RECORDED)
		return json_pack("{s:s, s:b}", "kind", "configured", "estimate", 1);
	return json_pack("{s:s, s:b, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "kind",
			 "recorded", "estimate", 0, "from", v->from, "until", v->until, "days",
			 (json_int_t)v->days, "calls", (json_int_t)v->calls, "response_cache_hits",
			 (json_int_t)v->response_cache_hits, "input_tokens",
			 (json_int_t)v->input_tokens, "cached_input_tokens",
			 (json_int_t)v->cached_input_tokens, "cache_write_tokens",
			 (json_int_t)v->cache_write_tokens, "output_tokens",
			 (json_int_t)v->output_tokens, "records", (json_int_t)v->records);
}

static json_t *template_json(const struct pc_template_report *t)
{
	const struct pc_template_side *side = t->after.present ? &t->after : &t->before;
	json_t *o = json_object(), *files = json_array(), *approval = json_null();

	json_t *partials = json_array();

	for (size_t i = 0; i < side->nfiles; i++) {
		struct pc_buf name = PC_BUF_INIT;

		/* a part of a structured file is named as in the configuration: path#fragment */
		pc_buf_addf(&name, "%s%s%s", side->files[i].path, side->files[i].fragment ? "#" : "",
			    side->files[i].fragment ? side->files[i].fragment : "");
		json_array_append_new(files, json_string(name.ptr));
		pc_buf_release(&name);
	}
	for (size_t i = 0; i < side->partials.paths.n; i++)
		json_array_append_new(partials, json_string(side->partials.paths.items[i]));
	if (t->approved) {
		approval = json_object();
		json_object_set_new(approval, "by", json_string(t->approval.approver));
		json_object_set_new(approval, "at", string_or_null(t->approval.approved_at));
		json_object_set_new(approval, "monthly_delta",
				    t->approval.approved_delta_micros < 0
					    ? json_null()
					    : money(t->approval.approved_delta_micros));
	}
	json_object_set_new(o, "id", json_string(t->id));
	json_object_set_new(o, "files", files);
	json_object_set_new(o, "change", json_string(pc_change_name(t->change)));
	json_object_set_new(o, "team", string_or_null(t->team));
	json_object_set_new(o, "use_case", string_or_null(t->use_case));
	json_object_set_new(o, "model", json_string(side->model_name));
	json_object_set_new(o, "encoding", json_string(side->model->approximate
							       ? "approximate"
							       : pc_encoding_name(side->model->encoding)));
	json_object_set_new(o, "exact", json_boolean(t->exact));
	json_object_set_new(o, "tokens_before", json_integer(t->before.tokens));
	json_object_set_new(o, "tokens_after", json_integer(t->after.tokens));
	json_object_set_new(o, "tokens_added", json_integer(t->tokens_added));
	json_object_set_new(o, "tokens_removed", json_integer(t->tokens_removed));
	json_object_set_new(o, "delta_tokens", json_integer(t->delta_tokens));
	json_object_set_new(o, "calls_per_day", json_integer(pc_volume_calls_per_day(&t->rate)));
	json_object_set_new(o, "volume_source", volume_source(&t->rate));
	json_object_set_new(o, "monthly_cost_before", money(t->before.cost_micros));
	json_object_set_new(o, "monthly_cost_after", money(t->after.cost_micros));
	json_object_set_new(o, "monthly_delta", money(t->monthly_delta_micros));
	json_object_set_new(o, "cost_event", json_boolean(t->cost_event));
	json_object_set_new(o, "approved_by",
			    string_or_null(t->approved ? t->approval.approver : NULL));
	json_object_set_new(o, "approval", approval);
	json_object_set_new(o, "verdict", json_string(pc_verdict_name(t->verdict)));
	json_object_set_new(o, "reasons", strings(&t->reasons));
	json_object_set_new(o, "findings", findings_json(&t->findings));
	json_object_set_new(o, "partials", partials);
	json_object_set_new(o, "notes", strings(&t->notes));
	return o;
}

static json_t *budgets_json(const struct pc_budget_report *budgets, size_t n, const char *key)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		const struct pc_budget_report *b = &budgets[i];
		json_t *o = json_object();

		json_object_set_new(o, key, json_string(b->budget->name));
		json_object_set_new(o, "monthly_budget", b->budget->has_budget
					? money(b->budget->monthly_budget_micros) : json_null());
		json_object_set_new(o, "monthly_spend_before", money(b->spend_before_micros));
		json_object_set_new(o, "monthly_spend_after", money(b->spend_after_micros));
		json_object_set_new(o, "limit", json_string(b->budget->limit == PC_LIMIT_HARD
								    ? "hard" : "soft"));
		json_object_set_new(o, "status", json_string(pc_status_name(b->status)));
		json_array_append_new(a, o);
	}
	return a;
}

int pc_report_json(struct pc_buf *out, const struct pc_report *report)
{
	json_t *root = json_object(), *templates = json_array();
	char *text;

	for (size_t i = 0; i < report->ntemplates; i++)
		json_array_append_new(templates, template_json(&report->templates[i]));
	json_object_set_new(root, "schema", json_string("promptcost/check/v1"));
	json_object_set_new(root, "base", string_or_null(report->base_commit));
	json_object_set_new(root, "head", string_or_null(report->head_commit));
	json_object_set_new(root, "base_label", json_string(report->base_label));
	json_object_set_new(root, "policy", string_or_null(report->policy_commit));
	json_object_set_new(root, "policy_label", json_string(report->policy_label));
	json_object_set_new(root, "head_label", json_string(report->head_label));
	/* who may approve a cost event: the judging policy's ids (the Action logs which reviews count) */
	json_object_set_new(root, "approvers", strings(&report->config->policy.approvers));
	json_object_set_new(root, "currency", json_string(report->config->currency));
	json_object_set_new(root, "days_per_month", json_integer(report->config->days_per_month));
	json_object_set_new(root, "templates", templates);
	json_object_set_new(root, "teams", budgets_json(report->teams, report->nteams, "team"));
	json_object_set_new(root, "use_cases",
			    budgets_json(report->use_cases, report->nuse_cases, "use_case"));
	json_object_set_new(root, "monthly_delta", money(report->monthly_delta_micros));
	json_object_set_new(root, "exact", json_boolean(report->exact));
	json_object_set_new(root, "config_from_head", json_boolean(report->config_from_head));
	json_object_set_new(root, "pending", strings(&report->pending));
	json_object_set_new(root, "skipped", strings(&report->skipped));
	json_object_set_new(root, "price_date", json_string(report->price_date));
	json_object_set_new(root, "prices", strings(&report->prices));
	json_object_set_new(root, "verdict", json_string(pc_verdict_name(report->verdict)));
	json_object_set_new(root, "verdict_reason", json_string(report->verdict_reason));
	json_object_set_new(root, "findings", findings_json(&report->findings));
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return pc_error_set(PC_EINTERNAL, "cannot serialise the JSON report");
	pc_buf_adds(out, text);
	pc_buf_addch(out, '\n');
	free(text);
	return 0;
}
