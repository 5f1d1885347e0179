/*
 * The policy stage: sums each team's and use case's spend before and after
 * the change, flags cost events, matches approvals, and states the verdict
 * with one reason per line.
 */
#include "promptcost/policy.h"

#include "promptcost/money.h"
#include "promptcost/sshsig.h"

#include <stdlib.h>
#include <string.h>

static enum pc_status budget_status(const struct pc_budget *budget, int64_t spend)
{
	if (!budget->has_budget)
		return PC_STATUS_OK;
	if (spend > budget->monthly_budget_micros)
		return PC_STATUS_OVER;
	if (budget->has_warn_at &&
	    (pc_int128)spend * PC_PPM >= (pc_int128)budget->warn_at_ppm * budget->monthly_budget_micros)
		return PC_STATUS_WARN;
	return PC_STATUS_OK;
}

static void money(struct pc_buf *out, const struct pc_report *report, int64_t micros, bool sign)
{
	pc_report_money_display(out, report->config, micros, sign);
}

static void add_reason(struct pc_template_report *t, const char *fmt, ...) PC_PRINTF(2, 3);
static void add_reason(struct pc_template_report *t, const char *fmt, ...)
{
	struct pc_buf line = PC_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pc_buf_vaddf(&line, fmt, ap);
	va_end(ap);
	pc_strlist_push_owned(&t->reasons, pc_buf_detach(&line, NULL));
}

static void raise_verdict(enum pc_verdict *v, enum pc_verdict to)
{
	if (to > *v)
		*v = to;
}

/* Raises a template's verdict because of the reason just added. */
static void raise_template(struct pc_template_report *t, enum pc_verdict to)
{
	if (to <= t->verdict)
		return;
	t->verdict = to;
	t->main_reason = t->reasons.n - 1;
}

/* Spend before and after, status and verdict of each team (or, with use_cases, use case). */
static int judge_budgets(struct pc_budget_report **out, size_t *nout, struct pc_report *report,
			 const struct pc_budget *budgets, size_t nbudgets, bool use_cases)
{
	*out = pc_xcalloc(nbudgets, sizeof(**out));
	*nout = nbudgets;
	for (size_t b = 0; b < nbudgets; b++) {
		struct pc_budget_report *r = &(*out)[b];

		r->budget = &budgets[b];
		r->spend_before_micros = r->spend_after_micros = budgets[b].other_monthly_spend_micros;
		for (size_t i = 0; i < report->ntemplates; i++) {
			const struct pc_template_report *t = &report->templates[i];
			const char *name = use_cases ? t->use_case : t->team;

			if (!name || strcmp(name, budgets[b].name))
				continue;
			if (__builtin_add_overflow(r->spend_before_micros, t->before.cost_micros,
						   &r->spend_before_micros) ||
			    __builtin_add_overflow(r->spend_after_micros, t->after.cost_micros,
						   &r->spend_after_micros))
				return pc_error_set(PC_EINTERNAL, "the spend of '%s' is too large",
						    budgets[b].name);
		}
		r->status_before = budget_status(&budgets[b], r->spend_before_micros);
		r->status = budget_status(&budgets[b], r->spend_after_micros);
		/* a budget judges a change only when the change raises its spend */
		r->verdict = PC_VERDICT_PASS;
		if (r->status != PC_STATUS_OK && r->spend_after_micros > r->spend_before_micros)
			r->verdict = r->status == PC_STATUS_OVER && budgets[b].limit == PC_LIMIT_HARD
					     ? PC_VERDICT_BLOCK
					     : PC_VERDICT_WARN;
	}
	return 0;
}

static bool is_cost_event(const struct pc_policy *policy, const struct pc_template_report *t)
{
	int64_t delta = t->monthly_delta_micros;

	if (delta <= 0) /* a saving is never a cost event */
		return false;
	if (policy->has_event_delta && delta >= policy->event_delta_micros)
		return true;
	/* an added template is measured by its absolute cost alone */
	if (policy->has_event_percent && t->before.present && t->before.cost_micros > 0 &&
	    (pc_int128)delta * PC_PPM >= (pc_int128)policy->event_ppm * t->before.cost_micros)
		return true;
	return false;
}

static bool files_match(const struct pc_approval *a, const struct pc_template_side *side)
{
	if (a->nfiles != side->nfiles)
		return false;
	for (size_t i = 0; i < a->nfiles; i++)
		if (strcmp(a->files[i].path, side->files[i].path) ||
		    strcmp(a->files[i].oid, side->files[i].oid))
			return false;
	return true;
}

/*
 * Whether an entry's signature is the approver's: it verifies over the
 * entry's canonical payload with a key the base lists for that approver.
 * When not, why not goes to `why` (appended).
 */
static bool signed_by_approver(struct pc_buf *why, const struct pc_approval *a,
			       const struct pc_policy *policy)
{
	const struct pc_approver *approver = pc_policy_approver(policy, a->approved_by);
	struct pc_buf payload = PC_BUF_INIT;
	struct pc_sshsig sig;
	bool listed = false, ok = false;

	if (pc_sshsig_parse(&sig, a->signature, strlen(a->signature)) < 0) {
		pc_buf_addf(why, "signature does not verify (%s)", pc_error_message());
		pc_error_clear();
		return false;
	}
	for (size_t k = 0; approver && k < approver->nkeys && !listed; k++)
		listed = pc_ssh_key_equal(&sig.signer, &approver->keys[k]);
	if (!listed) {
		pc_buf_addf(why, "signed by a key policy.approvers does not list for %s (%s)",
			    a->approved_by, sig.signer.fingerprint);
		goto done;
	}
	pc_approval_payload(&payload, a);
	if (pc_sshsig_verify(&sig, PC_SSHSIG_NAMESPACE, payload.ptr, payload.len) < 0) {
		/* the usual case is said plainly; another namespace or hash says which */
		if (strcmp(pc_error_message(), "the signature does not verify"))
			pc_buf_addf(why, "signature does not verify (%s)", pc_error_message());
		else
			pc_buf_adds(why, "signature does not verify");
		pc_error_clear();
		goto done;
	}
	ok = true;
done:
	pc_sshsig_release(&sig);
	pc_buf_release(&payload);
	return ok;
}

/*
 * Finds a valid approval: verified identities first, then the approvals
 * file. An entry counts when it names this template, its exact files, a
 * delta at least this change's, an approver the base lists, and carries that
 * approver's signature (or is unsigned where the base allows unsigned
 * entries). An entry for this content that does not count says why.
 */
static bool find_approval(struct pc_template_report *t, const struct pc_policy *policy,
			  const struct pc_approvals *approvals, const struct pc_strlist *verified)
{
	struct pc_strlist ignored = PC_STRLIST_INIT;
	bool found = false;

	for (size_t i = 0; verified && i < verified->n; i++) {
		if (!pc_strlist_contains(&policy->approvers, verified->items[i]))
			continue;
		t->approval.approver = pc_xstrdup(verified->items[i]);
		t->approval.approved_at = NULL;
		t->approval.approved_delta_micros = -1;
		return true;
	}
	for (size_t i = 0; approvals && i < approvals->n && !found; i++) {
		const struct pc_approval *a = &approvals->items[i];
		struct pc_buf why = PC_BUF_INIT;

		if (strcmp(a->template_id, t->id) || !files_match(a, &t->after) ||
		    t->monthly_delta_micros > a->monthly_delta_micros)
			continue;
		if (!pc_strlist_contains(&policy->approvers, a->approved_by))
			pc_buf_addf(&why, "%s is not in policy.approvers", a->approved_by);
		else if (!a->signature && policy->file_approvals != PC_FILE_APPROVALS_UNSIGNED)
			pc_buf_adds(&why, "unsigned (policy.file_approvals is signed)");
		else if (!a->signature || signed_by_approver(&why, a, policy))
			found = true;
		if (found) {
			t->approval.approver = pc_xstrdup(a->approved_by);
			t->approval.approved_at = pc_xstrdup(a->approved_at);
			t->approval.approved_delta_micros = a->monthly_delta_micros;
			t->approval.unsigned_entry = !a->signature;
		} else {
			struct pc_buf line = PC_BUF_INIT;

			pc_buf_addf(&line, "approval by %s ignored: %s", a->approved_by, why.ptr);
			pc_strlist_push_owned(&ignored, pc_buf_detach(&line, NULL));
		}
		pc_buf_release(&why);
	}
	/* the reasons an entry for this very content did not count, when none did */
	for (size_t i = 0; !found && i < ignored.n; i++)
		add_reason(t, "%s", ignored.items[i]);
	pc_strlist_release(&ignored);
	return found;
}

static void approvers_list(struct pc_buf *out, const struct pc_policy *policy)
{
	if (!policy->approvers.n) {
		pc_buf_adds(out, "nobody: policy.approvers is empty");
		return;
	}
	for (size_t i = 0; i < policy->approvers.n; i++)
		pc_buf_addf(out, "%s%s", i ? ", " : "", policy->approvers.items[i]);
}

static const struct pc_budget_report *budget_of(const struct pc_budget_report *reports, size_t n,
						const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (!strcmp(reports[i].budget->name, name))
			return &reports[i];
	return NULL;
}

static void judge_budget_for_template(struct pc_report *report, struct pc_template_report *t,
				      const struct pc_budget_report *r, const char *kind)
{
	struct pc_buf spend = PC_BUF_INIT, limit = PC_BUF_INIT;

	if (!r || r->verdict == PC_VERDICT_PASS || t->monthly_delta_micros <= 0)
		return;
	money(&spend, report, r->spend_after_micros, false);
	money(&limit, report, r->budget->monthly_budget_micros, false);
	if (r->verdict == PC_VERDICT_BLOCK) {
		add_reason(t, "%s '%s' would spend %s a month, over its hard budget of %s "
			   "(an approval cannot lift a hard budget: merge a budget change first)",
			   kind, r->budget->name, spend.ptr, limit.ptr);
		raise_template(t, PC_VERDICT_BLOCK);
	} else if (r->status == PC_STATUS_OVER) {
		add_reason(t, "%s '%s' would spend %s a month, over its soft budget of %s",
			   kind, r->budget->name, spend.ptr, limit.ptr);
		raise_template(t, PC_VERDICT_WARN);
	} else {
		struct pc_buf pct = PC_BUF_INIT;

		pc_ppm_format(&pct, r->budget->warn_at_ppm);
		add_reason(t, "%s '%s' would spend %s a month, past its warning level of %s of %s",
			   kind, r->budget->name, spend.ptr, pct.ptr, limit.ptr);
		raise_template(t, PC_VERDICT_WARN);
		pc_buf_release(&pct);
	}
	pc_buf_release(&spend);
	pc_buf_release(&limit);
}

static void judge_template(struct pc_report *report, struct pc_template_report *t,
			   const struct pc_approvals *approvals, const struct pc_strlist *verified)
{
	const struct pc_policy *policy = &report->config->policy;
	struct pc_buf amount = PC_BUF_INIT, who = PC_BUF_INIT;

	t->verdict = PC_VERDICT_PASS;
	money(&amount, report, t->monthly_delta_micros, true);
	if (t->monthly_delta_micros < 0)
		add_reason(t, "saves %s a month", amount.ptr + 1);
	t->cost_event = is_cost_event(policy, t);
	if (t->cost_event) {
		t->approved = find_approval(t, policy, approvals, verified);
		if (t->approved && t->approval.approved_at) {
			struct pc_buf limit = PC_BUF_INIT;

			money(&limit, report, t->approval.approved_delta_micros, true);
			add_reason(t, "cost event of %s a month approved by %s at %s, up to %s a "
				   "month%s", amount.ptr, t->approval.approver,
				   t->approval.approved_at, limit.ptr,
				   t->approval.unsigned_entry
					   ? " (unsigned entry: policy.file_approvals is unsigned)"
					   : "");
			pc_buf_release(&limit);
		} else if (t->approved) {
			add_reason(t, "cost event of %s a month approved by %s (verified elsewhere: "
				   "--approved-by, for this head only)", amount.ptr,
				   t->approval.approver);
		} else {
			approvers_list(&who, policy);
			add_reason(t, "cost event of %s a month needs an approval (promptcost approve) "
				   "by one of: %s", amount.ptr, who.ptr);
			raise_template(t, policy->unapproved == PC_UNAPPROVED_BLOCK
							   ? PC_VERDICT_BLOCK
							   : PC_VERDICT_WARN);
		}
	}
	judge_budget_for_template(report, t, budget_of(report->teams, report->nteams, t->team),
				  "team");
	judge_budget_for_template(report, t,
				  budget_of(report->use_cases, report->nuse_cases, t->use_case),
				  "use case");
	/* said where there is news: an unchanged template's estimate changes nothing */
	if (!t->exact && t->change != PC_CHANGE_UNCHANGED)
		add_reason(t, "token counts are estimates: model '%s' has no public tokenizer",
			   t->after.present ? t->after.model_name : t->before.model_name);
	pc_buf_release(&amount);
	pc_buf_release(&who);
}

static void state_verdict(struct pc_report *report)
{
	const char *first[3] = { NULL, NULL, NULL };
	struct pc_buf line = PC_BUF_INIT, amount = PC_BUF_INIT;
	size_t changed = 0, approved = 0;

	report->verdict = PC_VERDICT_PASS;
	for (size_t i = 0; i < report->ntemplates; i++) {
		const struct pc_template_report *t = &report->templates[i];

		if (t->change != PC_CHANGE_UNCHANGED)
			changed++;
		if (t->cost_event && t->approved)
			approved++;
		raise_verdict(&report->verdict, t->verdict);
		/* the deciding reason of the first template with this verdict */
		if (t->verdict != PC_VERDICT_PASS && !first[t->verdict])
			first[t->verdict] = t->reasons.items[t->main_reason];
	}
	money(&amount, report, report->monthly_delta_micros, true);
	switch (report->verdict) {
	case PC_VERDICT_BLOCK:
		pc_buf_addf(&line, "blocked: %s", first[PC_VERDICT_BLOCK]);
		break;
	case PC_VERDICT_WARN:
		pc_buf_addf(&line, "passed with warnings: %s", first[PC_VERDICT_WARN]);
		break;
	default:
		if (!changed)
			pc_buf_adds(&line, "passed: no prompt template changed");
		else if (approved)
			pc_buf_addf(&line, "passed: %s a month, within budgets; %zu cost event%s "
				    "approved", amount.ptr, approved, approved == 1 ? "" : "s");
		else
			pc_buf_addf(&line, "passed: %s a month, within budgets and policy", amount.ptr);
	}
	report->verdict_reason = pc_buf_detach(&line, NULL);
	pc_buf_release(&amount);
}

int pc_policy_judge(struct pc_report *report, const struct pc_approvals *approvals,
		    const struct pc_strlist *verified)
{
	const struct pc_config *config = report->config;
	int error;

	if ((error = judge_budgets(&report->teams, &report->nteams, report, config->teams,
				   config->nteams, false)) < 0 ||
	    (error = judge_budgets(&report->use_cases, &report->nuse_cases, report,
				   config->use_cases, config->nuse_cases, true)) < 0)
		return error;
	for (size_t i = 0; i < report->ntemplates; i++)
		judge_template(report, &report->templates[i], approvals, verified);
	state_verdict(report);
	return 0;
}
