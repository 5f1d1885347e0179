/*
 * The policy stage: sums each team's and use case's spend before and after
 * the change, flags cost events, matches approvals, and states the verdict
 * with one reason per line. What the head's configuration brings in (a model
 * or a template the base does not define) can never lower the judged cost
 * nor avoid a cost event: it needs an approval.
 */
#include "promptcost/policy.h"

#include "promptcost/money.h"
#include "promptcost/sshsig.h"

#include <stddef.h>
#include <stdint.h>
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
	/* an added template is measured by its absolute cost alone; a share of a
	 * small cost counts only from the minimum amount on */
	if (policy->has_event_percent && t->before.present && t->before.cost_micros > 0 &&
	    delta >= policy->event_min_delta_micros &&
	    (pc_int128)delta * PC_PPM >= (pc_int128)policy->event_ppm * t->before.cost_micros)
		return true;
	return false;
}

/* ---- what the base vouches for ---- */

/* What one judgement of a report shares between its templates. */
struct judgement {
	const struct pc_approvals *approvals;
	const struct pc_strlist *verified;
	bool base_rules;                /* the base has a configuration (not first adoption) */
	/*
	 * The base's template ids and model names, sorted: a linear look-up
	 * (pc_config_template) per template is quadratic on a library of a
	 * thousand templates.
	 */
	struct pc_name_index base_templates;
	struct pc_name_index base_models;
	int64_t total_increase_micros;  /* the sum of every increasing template's delta */
	bool total_event;               /* that sum reaches policy.cost_event.monthly_delta */
};

static void judgement_init(struct judgement *j, const struct pc_report *report,
			   const struct pc_approvals *approvals, const struct pc_strlist *verified)
{
	const struct pc_config *config = report->config;

	memset(j, 0, sizeof(*j));
	j->approvals = approvals;
	j->verified = verified;
	j->base_rules = !report->config_from_head;
	pc_name_index_init(&j->base_templates, config->templates, config->ntemplates,
			   sizeof(*config->templates), offsetof(struct pc_template_config, id));
	pc_name_index_init(&j->base_models, config->models, config->nmodels,
			   sizeof(*config->models), offsetof(struct pc_model, name));
}

static void judgement_release(struct judgement *j)
{
	pc_name_index_release(&j->base_templates);
	pc_name_index_release(&j->base_models);
}

/* The sum of the increases, savings left out: a split change is judged whole. */
static int total_increase(struct judgement *j, const struct pc_report *report)
{
	const struct pc_policy *policy = &report->config->policy;

	for (size_t i = 0; i < report->ntemplates; i++) {
		int64_t delta = report->templates[i].monthly_delta_micros;

		if (delta > 0 && __builtin_add_overflow(j->total_increase_micros, delta,
							&j->total_increase_micros))
			return pc_error_set(PC_EINTERNAL, "the total monthly increase is too large");
	}
	j->total_event = policy->has_event_delta && j->total_increase_micros > 0 &&
			 j->total_increase_micros >= policy->event_delta_micros;
	return 0;
}

static const char *after_model_name(const struct pc_template_report *t)
{
	if (t->after.model_name)
		return t->after.model_name;
	return t->after.model ? t->after.model->name : NULL;
}

/*
 * No text and no output: the template costs exactly nothing at any volume and
 * any price, so what the head says of either cannot matter.
 */
static bool nothing_to_price(const struct pc_template_report *t)
{
	return !t->after.present ||
	       (t->after.tokens == 0 && (!t->volume || t->volume->output_tokens_per_call == 0));
}

/* A template only the head configures: its volumes come from the change. */
static bool is_new_template(const struct judgement *j, const struct pc_template_report *t)
{
	return j->base_rules && pc_name_index_find(&j->base_templates, t->id) == SIZE_MAX;
}

/* The head assigns the template to a model the base does not price. */
static bool is_head_model(const struct judgement *j, const struct pc_template_report *t)
{
	return j->base_rules && t->after.present &&
	       pc_name_index_find(&j->base_models, after_model_name(t)) == SIZE_MAX;
}

static void pending_note(struct pc_report *report, const char *fmt, ...) PC_PRINTF(2, 3);
static void pending_note(struct pc_report *report, const char *fmt, ...)
{
	struct pc_buf note = PC_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pc_buf_vaddf(&note, fmt, ap);
	va_end(ap);
	if (!pc_strlist_contains(&report->pending, note.ptr))
		pc_strlist_push(&report->pending, note.ptr);
	pc_buf_release(&note);
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

/* The change raises the spend of a budget over its hard limit: no approval helps. */
static bool breaks_hard_budget(const struct pc_budget_report *r,
			       const struct pc_template_report *t)
{
	return r && r->verdict == PC_VERDICT_BLOCK && t->monthly_delta_micros > 0;
}

static bool over_hard_budget(const struct pc_report *report, const struct pc_template_report *t)
{
	return breaks_hard_budget(budget_of(report->teams, report->nteams, t->team), t) ||
	       breaks_hard_budget(budget_of(report->use_cases, report->nuse_cases, t->use_case), t);
}

/* Says what a budget makes of the template's change; true for a hard budget breach. */
static bool judge_budget_for_template(struct pc_report *report, struct pc_template_report *t,
				      const struct pc_budget_report *r, const char *kind)
{
	struct pc_buf spend = PC_BUF_INIT, limit = PC_BUF_INIT;
	bool hard = false;

	if (!r || r->verdict == PC_VERDICT_PASS || t->monthly_delta_micros <= 0)
		return false;
	money(&spend, report, r->spend_after_micros, false);
	money(&limit, report, r->budget->monthly_budget_micros, false);
	if (r->verdict == PC_VERDICT_BLOCK) {
		add_reason(t, "%s '%s' would spend %s a month, over its hard budget of %s "
			   "(an approval cannot lift a hard budget: merge a budget change first)",
			   kind, r->budget->name, spend.ptr, limit.ptr);
		raise_template(t, PC_VERDICT_BLOCK);
		hard = true;
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
	return hard;
}

/*
 * Why a template is a cost event, as the start of its reason: its own
 * increase, its share of the change's total, and what of it the base does
 * not vouch for. *plain is set when it is the increase alone (the wording
 * "cost event of X a month needs an approval" is kept for it).
 */
static void event_causes(struct pc_buf *out, bool *plain, struct pc_report *report,
			 const struct judgement *j, const struct pc_template_report *t, bool own,
			 bool total, bool new_template, bool head_model)
{
	const struct pc_policy *policy = &report->config->policy;
	struct pc_buf amount = PC_BUF_INIT, sum = PC_BUF_INIT, threshold = PC_BUF_INIT;

	money(&amount, report, t->monthly_delta_micros, true);
	*plain = own && !new_template && !head_model;
	if (own) {
		pc_buf_addf(out, "cost event of %s a month", amount.ptr);
	} else if (total) {
		money(&sum, report, j->total_increase_micros, true);
		money(&threshold, report, policy->event_delta_micros, false);
		pc_buf_addf(out, "cost event of %s a month, part of %s a month of increases in "
			    "this change (threshold %s)", amount.ptr, sum.ptr, threshold.ptr);
	}
	if (new_template)
		pc_buf_addf(out, "%stemplate '%s' is new in this change: its volumes "
			    "(calls_per_day %lld) come from this change", out->len ? "; " : "",
			    t->id, (long long)t->volume->calls_per_day);
	if (head_model)
		pc_buf_addf(out, "%smodel '%s' is not in the base's configuration: its prices "
			    "come from this change", out->len ? "; " : "", after_model_name(t));
	pc_buf_release(&amount);
	pc_buf_release(&sum);
	pc_buf_release(&threshold);
}

static void judge_template(struct pc_report *report, struct pc_template_report *t,
			   const struct judgement *j)
{
	const struct pc_policy *policy = &report->config->policy;
	struct pc_buf amount = PC_BUF_INIT, who = PC_BUF_INIT, why = PC_BUF_INIT;
	bool own, total, new_template, head_model, plain;
	size_t hard_reason = SIZE_MAX;
	/* a tail joins the causes with a space when they are the plain increase */
	const char *sep;

	t->verdict = PC_VERDICT_PASS;
	money(&amount, report, t->monthly_delta_micros, true);
	if (t->monthly_delta_micros < 0)
		add_reason(t, "saves %s a month", amount.ptr + 1);
	own = is_cost_event(policy, t);
	total = j->total_event && t->monthly_delta_micros > 0;
	new_template = is_new_template(j, t);
	head_model = is_head_model(j, t);
	if (new_template)
		pending_note(report, "template '%s' is new: calls_per_day %lld and "
			     "output_tokens_per_call %lld come from this change", t->id,
			     (long long)t->volume->calls_per_day,
			     (long long)t->volume->output_tokens_per_call);
	if (head_model)
		pending_note(report, "model '%s' is new in this change: priced from the head's "
			     "configuration until it is merged", after_model_name(t));
	/* what the base does not vouch for needs an approval whatever it costs */
	new_template = new_template && !nothing_to_price(t);
	head_model = head_model && !nothing_to_price(t);
	t->cost_event = own || total || new_template || head_model;
	if (t->cost_event) {
		event_causes(&why, &plain, report, j, t, own, total, new_template, head_model);
		sep = plain ? " " : "; ";
		approvers_list(&who, policy);
		t->approved = find_approval(t, policy, j->approvals, j->verified);
		if (t->approved && t->approval.approved_at) {
			struct pc_buf limit = PC_BUF_INIT;

			money(&limit, report, t->approval.approved_delta_micros, true);
			add_reason(t, "%s%sapproved by %s at %s, up to %s a month%s", why.ptr, sep,
				   t->approval.approver, t->approval.approved_at, limit.ptr,
				   t->approval.unsigned_entry
					   ? " (unsigned entry: policy.file_approvals is unsigned)"
					   : "");
			pc_buf_release(&limit);
		} else if (t->approved) {
			add_reason(t, "%s%sapproved by %s (verified elsewhere: --approved-by, for "
				   "this head only)", why.ptr, sep, t->approval.approver);
		} else if (over_hard_budget(report, t)) {
			/* an approval would not unblock it: do not send anyone to get one */
			add_reason(t, "%s%sover a hard budget, which an approval cannot lift; merge a "
				   "budget change first (then it needs an approval by one of: %s)",
				   why.ptr, plain ? ": " : "; ", who.ptr);
			raise_template(t, policy->unapproved == PC_UNAPPROVED_BLOCK
							   ? PC_VERDICT_BLOCK
							   : PC_VERDICT_WARN);
		} else {
			add_reason(t, "%s%sneeds an approval (promptcost approve) by one of: %s",
				   why.ptr, sep, who.ptr);
			raise_template(t, policy->unapproved == PC_UNAPPROVED_BLOCK
							   ? PC_VERDICT_BLOCK
							   : PC_VERDICT_WARN);
		}
	}
	if (judge_budget_for_template(report, t,
				      budget_of(report->teams, report->nteams, t->team), "team"))
		hard_reason = t->reasons.n - 1;
	if (judge_budget_for_template(report, t,
				      budget_of(report->use_cases, report->nuse_cases, t->use_case),
				      "use case") &&
	    hard_reason == SIZE_MAX)
		hard_reason = t->reasons.n - 1;
	/* the reason to act on first, even after an unapproved cost event's */
	if (hard_reason != SIZE_MAX)
		t->main_reason = hard_reason;
	/* said where there is news: an unchanged template's estimate changes nothing */
	if (!t->exact && t->change != PC_CHANGE_UNCHANGED)
		add_reason(t, "token counts are estimates: model '%s' has no public tokenizer",
			   t->after.present ? t->after.model_name : t->before.model_name);
	pc_buf_release(&amount);
	pc_buf_release(&who);
	pc_buf_release(&why);
}

static void state_verdict(struct pc_report *report)
{
	const char *first[3] = { NULL, NULL, NULL };
	const char *hard = NULL;
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
		/* a hard budget is what must change first: approvals cannot unblock the change */
		if (!hard && t->verdict == PC_VERDICT_BLOCK && over_hard_budget(report, t))
			hard = t->reasons.items[t->main_reason];
	}
	money(&amount, report, report->monthly_delta_micros, true);
	switch (report->verdict) {
	case PC_VERDICT_BLOCK:
		pc_buf_addf(&line, "blocked: %s", hard ? hard : first[PC_VERDICT_BLOCK]);
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
	struct judgement j;
	int error;

	judgement_init(&j, report, approvals, verified);
	if ((error = judge_budgets(&report->teams, &report->nteams, report, config->teams,
				   config->nteams, false)) < 0 ||
	    (error = judge_budgets(&report->use_cases, &report->nuse_cases, report,
				   config->use_cases, config->nuse_cases, true)) < 0 ||
	    (error = total_increase(&j, report)) < 0)
		goto done;
	for (size_t i = 0; i < report->ntemplates; i++)
		judge_template(report, &report->templates[i], &j);
	state_verdict(report);
done:
	judgement_release(&j);
	return error;
}
