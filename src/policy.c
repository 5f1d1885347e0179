/*
 * The policy stage: sums each team's and use case's spend before and after
 * the change, flags cost events, matches approvals, and states the verdict
 * with one reason per line. What it finds is data first (struct pc_finding:
 * a code, a subject, figures); the reasons are the findings' words, made in
 * one function (finding_words). What the head's configuration brings in (a model
 * or a template the base does not define) can never lower the judged cost
 * nor avoid a cost event: it needs an approval.
 */
#include "promptcost/policy.h"

#include "promptcost/money.h"
#include "promptcost/spend.h"
#include "promptcost/sshsig.h"

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* ---- findings, and the one place they become words ---- */

static struct pc_finding *finding_add(struct pc_findings *list, enum pc_finding_code code,
				      const char *subject)
{
	struct pc_finding *f;

	PC_GROW(list->items, list->cap, list->n + 1);
	f = &list->items[list->n++];
	memset(f, 0, sizeof(*f));
	f->code = code;
	f->subject = subject ? pc_xstrdup(subject) : NULL;
	return f;
}

static struct pc_figure *figure_add(struct pc_finding *f, const char *name,
				    enum pc_figure_kind kind, int64_t value)
{
	struct pc_figure *figure;

	assert(f->nfigures < PC_FINDING_MAX_FIGURES);
	figure = &f->figures[f->nfigures++];
	figure->name = name;
	figure->kind = kind;
	figure->value = value;
	return figure;
}

static void figure_money(struct pc_finding *f, const char *name, int64_t micros)
{
	figure_add(f, name, PC_FIGURE_MONEY, micros);
}

static void figure_count(struct pc_finding *f, const char *name, int64_t n)
{
	figure_add(f, name, PC_FIGURE_COUNT, n);
}

static void figure_percent(struct pc_finding *f, const char *name, int64_t ppm)
{
	figure_add(f, name, PC_FIGURE_PERCENT, ppm);
}

static void figure_text(struct pc_finding *f, const char *name, const char *text)
{
	figure_add(f, name, PC_FIGURE_TEXT, 0)->text = pc_xstrdup(text ? text : "");
}

/* A figure the finding's code always has. */
static int64_t value_of(const struct pc_finding *f, const char *name)
{
	const struct pc_figure *figure = pc_finding_figure(f, name);

	assert(figure && figure->kind != PC_FIGURE_TEXT);
	return figure->value;
}

static const char *text_of(const struct pc_finding *f, const char *name)
{
	const struct pc_figure *figure = pc_finding_figure(f, name);

	assert(figure && figure->kind == PC_FIGURE_TEXT);
	return figure->text;
}

static void add_money(struct pc_buf *out, const struct pc_report *report,
		      const struct pc_finding *f, const char *name, bool sign)
{
	money(out, report, value_of(f, name), sign);
}

/* The base's approvers, "a, b", as a figure: empty when there are none. */
static void approvers_list(struct pc_buf *out, const struct pc_policy *policy)
{
	for (size_t i = 0; i < policy->approvers.n; i++)
		pc_buf_addf(out, "%s%s", i ? ", " : "", policy->approvers.items[i]);
}

static const char *approvers_words(const struct pc_finding *f)
{
	const char *ids = text_of(f, "approvers");

	return *ids ? ids : "nobody: policy.approvers is empty";
}

/* The reason (its verdict's deciding line) of the template with this id. */
static const char *deciding_reason(const struct pc_report *report, const char *id)
{
	for (size_t i = 0; i < report->ntemplates; i++)
		if (!strcmp(report->templates[i].id, id))
			return report->templates[i].reasons.items[report->templates[i].main_reason];
	assert(!"a verdict names a template of the report");
	return "";
}

/*
 * The English of a finding. Every reason, pending note and verdict line that
 * policy writes is made here from a finding's code, subject and figures (a
 * cost event's reason joins several: see add_reason), so the words and the
 * data cannot disagree.
 */
static void finding_words(struct pc_buf *out, const struct pc_report *report,
			  const struct pc_finding *f)
{
	struct pc_buf a = PC_BUF_INIT, b = PC_BUF_INIT, c = PC_BUF_INIT;
	const char *kind = "team";
	const struct pc_figure *detail;

	switch (f->code) {
	case PC_FINDING_SAVING:
		add_money(&a, report, f, "monthly_delta", true);
		pc_buf_addf(out, "saves %s a month", a.ptr + 1); /* without its '-' */
		break;
	case PC_FINDING_APPROVAL_IGNORED_NOT_LISTED:
		pc_buf_addf(out, "approval by %s ignored: %s is not in policy.approvers",
			    text_of(f, "approver"), text_of(f, "approver"));
		break;
	case PC_FINDING_APPROVAL_IGNORED_UNSIGNED:
		pc_buf_addf(out, "approval by %s ignored: unsigned (policy.file_approvals is signed)",
			    text_of(f, "approver"));
		break;
	case PC_FINDING_APPROVAL_IGNORED_UNKNOWN_KEY:
		pc_buf_addf(out, "approval by %s ignored: signed by a key policy.approvers does not "
			    "list for %s (%s)", text_of(f, "approver"), text_of(f, "approver"),
			    text_of(f, "key"));
		break;
	case PC_FINDING_APPROVAL_IGNORED_BAD_SIGNATURE:
		pc_buf_addf(out, "approval by %s ignored: signature does not verify",
			    text_of(f, "approver"));
		if ((detail = pc_finding_figure(f, "detail")))
			pc_buf_addf(out, " (%s)", detail->text);
		break;
	case PC_FINDING_COST_EVENT:
		add_money(&a, report, f, "monthly_delta", true);
		pc_buf_addf(out, "cost event of %s a month", a.ptr);
		break;
	case PC_FINDING_COST_EVENT_IN_TOTAL:
		add_money(&a, report, f, "monthly_delta", true);
		add_money(&b, report, f, "total_increase", true);
		add_money(&c, report, f, "threshold", false);
		pc_buf_addf(out, "cost event of %s a month, part of %s a month of increases in "
			    "this change (threshold %s)", a.ptr, b.ptr, c.ptr);
		break;
	case PC_FINDING_NEW_TEMPLATE:
		pc_buf_addf(out, "template '%s' is new in this change: its volumes "
			    "(calls_per_day %lld) come from this change", f->subject,
			    (long long)value_of(f, "calls_per_day"));
		break;
	case PC_FINDING_HEAD_ONLY_MODEL:
		pc_buf_addf(out, "model '%s' is not in the base's configuration: its prices "
			    "come from this change", text_of(f, "model"));
		break;
	case PC_FINDING_APPROVAL_VALID:
	case PC_FINDING_APPROVAL_VALID_UNSIGNED:
		add_money(&a, report, f, "approved_delta", true);
		pc_buf_addf(out, "approved by %s at %s, up to %s a month%s", text_of(f, "approver"),
			    text_of(f, "approved_at"), a.ptr,
			    f->code == PC_FINDING_APPROVAL_VALID_UNSIGNED
				    ? " (unsigned entry: policy.file_approvals is unsigned)"
				    : "");
		break;
	case PC_FINDING_APPROVAL_VERIFIED_ELSEWHERE:
		pc_buf_addf(out, "approved by %s (verified elsewhere: --approved-by, for "
			    "this head only)", text_of(f, "approver"));
		break;
	case PC_FINDING_COST_EVENT_OVER_HARD_BUDGET:
		pc_buf_addf(out, "over a hard budget, which an approval cannot lift; merge a "
			    "budget change first (then it needs an approval by one of: %s)",
			    approvers_words(f));
		break;
	case PC_FINDING_COST_EVENT_UNAPPROVED:
		pc_buf_addf(out, "needs an approval (promptcost approve) by one of: %s",
			    approvers_words(f));
		break;
	case PC_FINDING_USE_CASE_OVER_HARD_BUDGET:
	case PC_FINDING_USE_CASE_OVER_SOFT_BUDGET:
	case PC_FINDING_USE_CASE_WARN_AT:
		kind = "use case";
		/* fall through */
	case PC_FINDING_TEAM_OVER_HARD_BUDGET:
	case PC_FINDING_TEAM_OVER_SOFT_BUDGET:
	case PC_FINDING_TEAM_WARN_AT:
		add_money(&a, report, f, "monthly_spend", false);
		add_money(&b, report, f, "monthly_budget", false);
		pc_buf_addf(out, "%s '%s' would spend %s a month, ", kind, f->subject, a.ptr);
		if (f->code == PC_FINDING_TEAM_OVER_HARD_BUDGET ||
		    f->code == PC_FINDING_USE_CASE_OVER_HARD_BUDGET) {
			pc_buf_addf(out, "over its hard budget of %s (an approval cannot lift a "
				    "hard budget: merge a budget change first)", b.ptr);
		} else if (f->code == PC_FINDING_TEAM_OVER_SOFT_BUDGET ||
			   f->code == PC_FINDING_USE_CASE_OVER_SOFT_BUDGET) {
			pc_buf_addf(out, "over its soft budget of %s", b.ptr);
		} else {
			pc_ppm_format(&c, value_of(f, "warn_at"));
			pc_buf_addf(out, "past its warning level of %s of %s", c.ptr, b.ptr);
		}
		break;
	case PC_FINDING_ESTIMATED_TOKENS:
		pc_buf_addf(out, "token counts are estimates: model '%s' has no public tokenizer",
			    text_of(f, "model"));
		break;
	case PC_FINDING_PENDING_NEW_TEMPLATE:
		pc_buf_addf(out, "template '%s' is new: calls_per_day %lld and "
			    "output_tokens_per_call %lld come from this change", f->subject,
			    (long long)value_of(f, "calls_per_day"),
			    (long long)value_of(f, "output_tokens_per_call"));
		break;
	case PC_FINDING_PENDING_NEW_MODEL:
		pc_buf_addf(out, "model '%s' is new in this change: priced from the head's "
			    "configuration until it is merged", f->subject);
		break;
	case PC_FINDING_BLOCKED:
		pc_buf_addf(out, "blocked: %s", deciding_reason(report, f->subject));
		break;
	case PC_FINDING_PASSED_WITH_WARNINGS:
		pc_buf_addf(out, "passed with warnings: %s", deciding_reason(report, f->subject));
		break;
	case PC_FINDING_PASSED_NO_CHANGE:
		pc_buf_adds(out, "passed: no prompt template changed");
		break;
	case PC_FINDING_PASSED_WITH_APPROVALS:
		add_money(&a, report, f, "monthly_delta", true);
		pc_buf_addf(out, "passed: %s a month, within budgets; %lld cost event%s approved",
			    a.ptr, (long long)value_of(f, "approved_cost_events"),
			    value_of(f, "approved_cost_events") == 1 ? "" : "s");
		break;
	case PC_FINDING_PASSED:
		add_money(&a, report, f, "monthly_delta", true);
		pc_buf_addf(out, "passed: %s a month, within budgets and policy", a.ptr);
		break;
	}
	pc_buf_release(&a);
	pc_buf_release(&b);
	pc_buf_release(&c);
}

/*
 * Words the findings of t from `first` on, which say one thing, as one
 * reason line: a cost event's causes joined by "; ", then what became of it
 * (after a plain increase alone, "cost event of X a month needs an
 * approval..." reads as one sentence).
 */
static void add_reason(struct pc_template_report *t, const struct pc_report *report, size_t first)
{
	struct pc_buf line = PC_BUF_INIT;
	bool plain = t->findings.n - first == 2 &&
		     t->findings.items[first].code == PC_FINDING_COST_EVENT;

	for (size_t i = first; i < t->findings.n; i++) {
		struct pc_finding *f = &t->findings.items[i];
		struct pc_buf words = PC_BUF_INIT;

		finding_words(&words, report, f);
		if (i > first && !plain)
			pc_buf_adds(&line, "; ");
		else if (i > first)
			pc_buf_adds(&line, f->code == PC_FINDING_COST_EVENT_OVER_HARD_BUDGET ? ": " : " ");
		pc_buf_add(&line, words.ptr, words.len);
		f->message = pc_buf_detach(&words, NULL);
		f->reason = t->reasons.n;
	}
	pc_strlist_push_owned(&t->reasons, pc_buf_detach(&line, NULL));
}

/* A finding of t: about t itself, unless subject names its team or use case. */
static struct pc_finding *template_finding(struct pc_template_report *t,
					   enum pc_finding_code code, const char *subject)
{
	return finding_add(&t->findings, code, subject ? subject : t->id);
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

/* The rollup row of name, or NULL (rows sorted by key, none last). */
static const struct pc_rollup_row *row_of(const struct pc_rollup_row *rows, size_t n,
					  const char *name)
{
	size_t lo = 0, hi = n;

	while (hi && !rows[hi - 1].key)
		hi--;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, rows[mid].key);

		if (!c)
			return &rows[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/*
 * Spend before and after, status and verdict of each team (or, with
 * use_cases, use case): its other_monthly_spend plus the rollup of the
 * change's spend lines on each side.
 */
static int judge_budgets(struct pc_budget_report **out, size_t *nout, struct pc_report *report,
			 const struct pc_budget *budgets, size_t nbudgets, bool use_cases)
{
	enum pc_rollup_by by = use_cases ? PC_ROLLUP_USE_CASE : PC_ROLLUP_TEAM;
	struct pc_rollup_row *before = NULL, *after = NULL;
	size_t nbefore = 0, nafter = 0;
	int error = 0;

	*out = pc_xcalloc(nbudgets ? nbudgets : 1, sizeof(**out));
	*nout = nbudgets;
	/* the quiet templates' lines (report.h's nquiet_lines) come after the collected ones */
	if ((error = pc_spend_rollup(&before, &nbefore, report->lines_before,
				     report->ntemplates + report->nquiet_lines, by)) < 0 ||
	    (error = pc_spend_rollup(&after, &nafter, report->lines_after,
				     report->ntemplates + report->nquiet_lines, by)) < 0)
		goto done;
	for (size_t b = 0; b < nbudgets; b++) {
		struct pc_budget_report *r = &(*out)[b];
		const struct pc_rollup_row *rb = row_of(before, nbefore, budgets[b].name);
		const struct pc_rollup_row *ra = row_of(after, nafter, budgets[b].name);

		r->budget = &budgets[b];
		r->spend_before_micros = r->spend_after_micros = budgets[b].other_monthly_spend_micros;
		if (__builtin_add_overflow(r->spend_before_micros, rb ? rb->cost_micros : 0,
					   &r->spend_before_micros) ||
		    __builtin_add_overflow(r->spend_after_micros, ra ? ra->cost_micros : 0,
					   &r->spend_after_micros)) {
			error = pc_error_set(PC_EINTERNAL, "the spend of '%s' is too large",
					     budgets[b].name);
			goto done;
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
done:
	free(before);
	free(after);
	return error;
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
	const struct pc_config *config; /* the base's: what it vouches for */
	bool base_rules;                /* the base has a configuration (not first adoption) */
	/*
	 * The base's template ids and model names, hashed, made the first time
	 * a template needs one (a linear look-up per template is quadratic on a
	 * library of a thousand templates). Most never do: a template priced
	 * from the base's own entries is known by its pointers (known_template,
	 * known_model).
	 */
	bool indexed;
	struct pc_name_index base_templates;
	struct pc_name_index base_models;
	int64_t total_increase_micros;  /* the sum of every increasing template's delta */
	bool total_event;               /* that sum reaches policy.cost_event.monthly_delta */
};

static void judgement_init(struct judgement *j, const struct pc_report *report,
			   const struct pc_approvals *approvals, const struct pc_strlist *verified)
{
	memset(j, 0, sizeof(*j));
	j->approvals = approvals;
	j->verified = verified;
	j->config = report->config;
	j->base_rules = !report->config_from_head;
}

static void judgement_index(struct judgement *j)
{
	const struct pc_config *config = j->config;

	if (j->indexed)
		return;
	j->indexed = true;
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

/* Whether the base configures a template of this id. */
static bool known_template(struct judgement *j, const struct pc_template_report *t)
{
	const struct pc_config *config = j->config;

	/* its volumes are the base's own entry: no name to look up */
	if (t->volume >= config->templates && t->volume < config->templates + config->ntemplates)
		return true;
	judgement_index(j);
	return pc_name_index_find(&j->base_templates, t->id) != SIZE_MAX;
}

/* Whether the base prices a model of this name. */
static bool known_model(struct judgement *j, const struct pc_model *model, const char *name)
{
	const struct pc_config *config = j->config;

	if (model && name && model >= config->models && model < config->models + config->nmodels &&
	    !strcmp(model->name, name))
		return true;
	judgement_index(j);
	return pc_name_index_find(&j->base_models, name) != SIZE_MAX;
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
static bool is_new_template(struct judgement *j, const struct pc_template_report *t)
{
	return j->base_rules && !known_template(j, t);
}

/* The head assigns the template to a model the base does not price. */
static bool is_head_model(struct judgement *j, const struct pc_template_report *t)
{
	return j->base_rules && t->after.present &&
	       !known_model(j, t->after.model, after_model_name(t));
}

/*
 * Words a note of what takes effect after merge (the last of report's
 * findings) and lists it as pending, once. The templates stage may have
 * listed the same words already (a model the head defines); the finding is
 * kept all the same, once per code and subject.
 */
static void add_pending(struct pc_report *report)
{
	struct pc_finding *f = &report->findings.items[report->findings.n - 1];
	struct pc_buf note = PC_BUF_INIT;

	for (size_t i = 0; i + 1 < report->findings.n; i++) {
		const struct pc_finding *seen = &report->findings.items[i];

		if (seen->code == f->code && seen->subject && f->subject &&
		    !strcmp(seen->subject, f->subject)) {
			pc_finding_release(f);
			report->findings.n--;
			return;
		}
	}
	finding_words(&note, report, f);
	if (!pc_strlist_contains(&report->pending, note.ptr))
		pc_strlist_push(&report->pending, note.ptr);
	f->message = pc_buf_detach(&note, NULL);
}

/* An entry binds to the template's files and to the partials its prompt includes. */
static bool files_match(const struct pc_approval *a, const struct pc_template_side *side)
{
	struct pc_side_file *content;
	size_t n = pc_approval_content(&content, side);
	bool match = a->nfiles == n;

	for (size_t i = 0; match && i < n; i++)
		match = !strcmp(a->files[i].path, content[i].path) &&
			!strcmp(a->files[i].oid, content[i].oid);
	free(content);
	return match;
}

/*
 * Whether an entry's signature is the approver's: it verifies over the
 * entry's canonical payload with a key the base lists for that approver.
 * When not, a finding for template_id says why (added to ignored).
 */
static bool signed_by_approver(struct pc_findings *ignored, const char *template_id,
			       const struct pc_approval *a, const struct pc_policy *policy)
{
	const struct pc_approver *approver = pc_policy_approver(policy, a->approved_by);
	struct pc_buf payload = PC_BUF_INIT;
	struct pc_finding *f;
	struct pc_sshsig sig;
	bool listed = false, ok = false;

	if (pc_sshsig_parse(&sig, a->signature, strlen(a->signature)) < 0) {
		f = finding_add(ignored, PC_FINDING_APPROVAL_IGNORED_BAD_SIGNATURE, template_id);
		figure_text(f, "approver", a->approved_by);
		figure_text(f, "detail", pc_error_message());
		pc_error_clear();
		return false;
	}
	for (size_t k = 0; approver && k < approver->nkeys && !listed; k++)
		listed = pc_ssh_key_equal(&sig.signer, &approver->keys[k]);
	if (!listed) {
		f = finding_add(ignored, PC_FINDING_APPROVAL_IGNORED_UNKNOWN_KEY, template_id);
		figure_text(f, "approver", a->approved_by);
		figure_text(f, "key", sig.signer.fingerprint);
		goto done;
	}
	pc_approval_payload(&payload, a);
	if (pc_sshsig_verify(&sig, PC_SSHSIG_NAMESPACE, payload.ptr, payload.len) < 0) {
		f = finding_add(ignored, PC_FINDING_APPROVAL_IGNORED_BAD_SIGNATURE, template_id);
		figure_text(f, "approver", a->approved_by);
		/* the usual case is said plainly; another namespace or hash says which */
		if (strcmp(pc_error_message(), "the signature does not verify"))
			figure_text(f, "detail", pc_error_message());
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
 * The approver of the policy a verified identity (--approved-by) is, as the
 * policy spells it, or NULL. GitHub logins are case-insensitive (GitHub
 * treats Octo-Release and octo-release as one account), so a github: id
 * matches whatever case a review shows; every other id matches exactly.
 */
static const char *verified_listed(const struct pc_policy *policy, const char *id)
{
	static const char github[] = "github:";
	size_t prefix = sizeof(github) - 1;

	for (size_t i = 0; i < policy->approvers.n; i++) {
		const char *a = policy->approvers.items[i];

		if (!strcmp(a, id))
			return a;
		if (!strncmp(a, github, prefix) && !strncmp(id, github, prefix) &&
		    !strcasecmp(a + prefix, id + prefix))
			return a;
	}
	return NULL;
}

/*
 * Finds a valid approval: verified identities first, then the approvals
 * file. An entry counts when it names this template, its exact files, a
 * delta at least this change's, an approver the base lists, and carries that
 * approver's signature (or is unsigned where the base allows unsigned
 * entries). An entry for this content that does not count says why, in a
 * reason of its own, when none counts.
 */
static bool find_approval(struct pc_template_report *t, const struct pc_report *report,
			  const struct pc_approvals *approvals, const struct pc_strlist *verified)
{
	const struct pc_policy *policy = &report->config->policy;
	struct pc_findings ignored = { NULL, 0, 0 };
	bool found = false;

	for (size_t i = 0; verified && i < verified->n; i++) {
		const char *listed = verified_listed(policy, verified->items[i]);

		if (!listed)
			continue;
		t->approval.approver = pc_xstrdup(listed);
		t->approval.approved_at = NULL;
		t->approval.approved_delta_micros = -1;
		return true;
	}
	for (size_t i = 0; approvals && i < approvals->n && !found; i++) {
		const struct pc_approval *a = &approvals->items[i];
		struct pc_finding *f;

		if (strcmp(a->template_id, t->id) || !files_match(a, &t->after) ||
		    t->monthly_delta_micros > a->monthly_delta_micros)
			continue;
		if (!pc_strlist_contains(&policy->approvers, a->approved_by)) {
			f = finding_add(&ignored, PC_FINDING_APPROVAL_IGNORED_NOT_LISTED, t->id);
			figure_text(f, "approver", a->approved_by);
		} else if (!a->signature && policy->file_approvals != PC_FILE_APPROVALS_UNSIGNED) {
			f = finding_add(&ignored, PC_FINDING_APPROVAL_IGNORED_UNSIGNED, t->id);
			figure_text(f, "approver", a->approved_by);
		} else if (!a->signature || signed_by_approver(&ignored, t->id, a, policy)) {
			found = true;
		}
		if (found) {
			t->approval.approver = pc_xstrdup(a->approved_by);
			t->approval.approved_at = pc_xstrdup(a->approved_at);
			t->approval.approved_delta_micros = a->monthly_delta_micros;
			t->approval.unsigned_entry = !a->signature;
		}
	}
	/* the reasons an entry for this very content did not count, when none did */
	for (size_t i = 0; !found && i < ignored.n; i++) {
		PC_GROW(t->findings.items, t->findings.cap, t->findings.n + 1);
		t->findings.items[t->findings.n++] = ignored.items[i]; /* moved */
		add_reason(t, report, t->findings.n - 1);
	}
	if (found)
		pc_findings_release(&ignored);
	else
		free(ignored.items);
	return found;
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
				      const struct pc_budget_report *r, bool use_case)
{
	struct pc_finding *f;
	enum pc_finding_code code;
	enum pc_verdict to = PC_VERDICT_WARN;

	if (!r || r->verdict == PC_VERDICT_PASS || t->monthly_delta_micros <= 0)
		return false;
	if (r->verdict == PC_VERDICT_BLOCK) {
		code = use_case ? PC_FINDING_USE_CASE_OVER_HARD_BUDGET
				: PC_FINDING_TEAM_OVER_HARD_BUDGET;
		to = PC_VERDICT_BLOCK;
	} else if (r->status == PC_STATUS_OVER) {
		code = use_case ? PC_FINDING_USE_CASE_OVER_SOFT_BUDGET
				: PC_FINDING_TEAM_OVER_SOFT_BUDGET;
	} else {
		code = use_case ? PC_FINDING_USE_CASE_WARN_AT : PC_FINDING_TEAM_WARN_AT;
	}
	f = template_finding(t, code, r->budget->name);
	figure_money(f, "monthly_spend", r->spend_after_micros);
	figure_money(f, "monthly_budget", r->budget->monthly_budget_micros);
	if (code == PC_FINDING_TEAM_WARN_AT || code == PC_FINDING_USE_CASE_WARN_AT)
		figure_percent(f, "warn_at", r->budget->warn_at_ppm);
	add_reason(t, report, t->findings.n - 1);
	raise_template(t, to);
	return to == PC_VERDICT_BLOCK;
}

/*
 * Why a template is a cost event, as the first findings of its reason: its
 * own increase or its share of the change's total, and what of it the base
 * does not vouch for.
 */
static void add_event_causes(struct pc_report *report, const struct judgement *j,
			     struct pc_template_report *t, bool own, bool total,
			     bool new_template, bool head_model)
{
	struct pc_finding *f;

	if (own) {
		f = template_finding(t, PC_FINDING_COST_EVENT, NULL);
		figure_money(f, "monthly_delta", t->monthly_delta_micros);
	} else if (total) {
		f = template_finding(t, PC_FINDING_COST_EVENT_IN_TOTAL, NULL);
		figure_money(f, "monthly_delta", t->monthly_delta_micros);
		figure_money(f, "total_increase", j->total_increase_micros);
		figure_money(f, "threshold", report->config->policy.event_delta_micros);
	}
	if (new_template) {
		f = template_finding(t, PC_FINDING_NEW_TEMPLATE, NULL);
		figure_count(f, "calls_per_day", t->volume->calls_per_day);
	}
	if (head_model) {
		f = template_finding(t, PC_FINDING_HEAD_ONLY_MODEL, NULL);
		figure_text(f, "model", after_model_name(t));
	}
}

static void judge_template(struct pc_report *report, struct pc_template_report *t,
			   struct judgement *j)
{
	const struct pc_policy *policy = &report->config->policy;
	struct pc_buf who = PC_BUF_INIT;
	bool own, total, new_template, head_model;
	size_t hard_reason = SIZE_MAX, first;
	struct pc_finding *f;

	t->verdict = PC_VERDICT_PASS;
	if (t->monthly_delta_micros < 0) {
		f = template_finding(t, PC_FINDING_SAVING, NULL);
		figure_money(f, "monthly_delta", t->monthly_delta_micros);
		add_reason(t, report, t->findings.n - 1);
	}
	own = is_cost_event(policy, t);
	total = j->total_event && t->monthly_delta_micros > 0;
	new_template = is_new_template(j, t);
	head_model = is_head_model(j, t);
	if (new_template) {
		f = finding_add(&report->findings, PC_FINDING_PENDING_NEW_TEMPLATE, t->id);
		figure_count(f, "calls_per_day", t->volume->calls_per_day);
		figure_count(f, "output_tokens_per_call", t->volume->output_tokens_per_call);
		add_pending(report);
	}
	if (head_model) {
		finding_add(&report->findings, PC_FINDING_PENDING_NEW_MODEL, after_model_name(t));
		add_pending(report);
	}
	/* what the base does not vouch for needs an approval whatever it costs */
	new_template = new_template && !nothing_to_price(t);
	head_model = head_model && !nothing_to_price(t);
	t->cost_event = own || total || new_template || head_model;
	if (t->cost_event) {
		/* the entries that did not count come first, each a reason of its own */
		t->approved = find_approval(t, report, j->approvals, j->verified);
		first = t->findings.n;
		add_event_causes(report, j, t, own, total, new_template, head_model);
		approvers_list(&who, policy);
		if (t->approved && t->approval.approved_at) {
			f = template_finding(t, t->approval.unsigned_entry
							? PC_FINDING_APPROVAL_VALID_UNSIGNED
							: PC_FINDING_APPROVAL_VALID, NULL);
			figure_text(f, "approver", t->approval.approver);
			figure_text(f, "approved_at", t->approval.approved_at);
			figure_money(f, "approved_delta", t->approval.approved_delta_micros);
			add_reason(t, report, first);
		} else if (t->approved) {
			f = template_finding(t, PC_FINDING_APPROVAL_VERIFIED_ELSEWHERE, NULL);
			figure_text(f, "approver", t->approval.approver);
			add_reason(t, report, first);
		} else {
			/* over a hard budget, an approval would not unblock it: do not send
			 * anyone to get one first */
			f = template_finding(t, over_hard_budget(report, t)
							? PC_FINDING_COST_EVENT_OVER_HARD_BUDGET
							: PC_FINDING_COST_EVENT_UNAPPROVED, NULL);
			figure_text(f, "approvers", who.ptr);
			add_reason(t, report, first);
			raise_template(t, policy->unapproved == PC_UNAPPROVED_BLOCK
							   ? PC_VERDICT_BLOCK
							   : PC_VERDICT_WARN);
		}
	}
	/* a budget says nothing of a change that does not raise its spend: no look-up then */
	if (t->monthly_delta_micros > 0 &&
	    judge_budget_for_template(report, t,
				      budget_of(report->teams, report->nteams, t->team), false))
		hard_reason = t->reasons.n - 1;
	if (t->monthly_delta_micros > 0 &&
	    judge_budget_for_template(report, t,
				      budget_of(report->use_cases, report->nuse_cases, t->use_case),
				      true) &&
	    hard_reason == SIZE_MAX)
		hard_reason = t->reasons.n - 1;
	/* the reason to act on first, even after an unapproved cost event's */
	if (hard_reason != SIZE_MAX)
		t->main_reason = hard_reason;
	/* said where there is news: an unchanged template's estimate changes nothing */
	if (!t->exact && t->change != PC_CHANGE_UNCHANGED) {
		f = template_finding(t, PC_FINDING_ESTIMATED_TOKENS, NULL);
		figure_text(f, "model", t->after.present ? t->after.model_name
							 : t->before.model_name);
		add_reason(t, report, t->findings.n - 1);
	}
	pc_buf_release(&who);
}

static void state_verdict(struct pc_report *report)
{
	const char *first[3] = { NULL, NULL, NULL };
	const char *hard = NULL;
	struct pc_buf line = PC_BUF_INIT;
	struct pc_finding *f;
	size_t changed = 0, approved = 0;

	report->verdict = PC_VERDICT_PASS;
	for (size_t i = 0; i < report->ntemplates; i++) {
		const struct pc_template_report *t = &report->templates[i];

		if (t->change != PC_CHANGE_UNCHANGED)
			changed++;
		if (t->cost_event && t->approved)
			approved++;
		raise_verdict(&report->verdict, t->verdict);
		/* the template whose deciding reason states the verdict: the first with it */
		if (t->verdict != PC_VERDICT_PASS && !first[t->verdict])
			first[t->verdict] = t->id;
		/* a hard budget is what must change first: approvals cannot unblock the change */
		if (!hard && t->verdict == PC_VERDICT_BLOCK && over_hard_budget(report, t))
			hard = t->id;
	}
	switch (report->verdict) {
	case PC_VERDICT_BLOCK:
		f = finding_add(&report->findings, PC_FINDING_BLOCKED,
				hard ? hard : first[PC_VERDICT_BLOCK]);
		break;
	case PC_VERDICT_WARN:
		f = finding_add(&report->findings, PC_FINDING_PASSED_WITH_WARNINGS,
				first[PC_VERDICT_WARN]);
		break;
	default:
		if (!changed) {
			f = finding_add(&report->findings, PC_FINDING_PASSED_NO_CHANGE, NULL);
		} else if (approved) {
			f = finding_add(&report->findings, PC_FINDING_PASSED_WITH_APPROVALS, NULL);
			figure_money(f, "monthly_delta", report->monthly_delta_micros);
			figure_count(f, "approved_cost_events", (int64_t)approved);
		} else {
			f = finding_add(&report->findings, PC_FINDING_PASSED, NULL);
			figure_money(f, "monthly_delta", report->monthly_delta_micros);
		}
	}
	finding_words(&line, report, f);
	f->message = pc_xstrdup(line.ptr);
	report->verdict_reason = pc_buf_detach(&line, NULL);
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
