/*
 * The markdown report: a pull-request comment. A headline, a table of the
 * changed templates, the budgets, what would unblock a blocked change, and
 * collapsible details that are cut (with a note) to stay under a size limit.
 */
#include "promptcost/report.h"

#include "promptcost/money.h"

#include <string.h>

/* Escapes text for a table cell or inline text: markdown punctuation, pipes, HTML. */
static void escaped(struct pc_buf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			pc_buf_adds(out, "&lt;");
			break;
		case '>':
			pc_buf_adds(out, "&gt;");
			break;
		case '&':
			pc_buf_adds(out, "&amp;");
			break;
		case '|': case '\\': case '`': case '*': case '_': case '[': case ']':
		case '#': case '~': case '!':
			pc_buf_addch(out, '\\');
			pc_buf_addch(out, *s);
			break;
		case '\n': case '\r':
			pc_buf_addch(out, ' ');
			break;
		default:
			/* other control characters: visible, as in the text report */
			if ((unsigned char)*s < 0x20 || *s == 0x7f) {
				pc_buf_addf(out, "\\\\x%02x", (unsigned char)*s);
			} else if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] >= 0x80 &&
				   (unsigned char)s[1] <= 0x9f) {
				/* a C1 control character, as UTF-8 */
				pc_buf_addf(out, "\\\\xc2\\\\x%02x", (unsigned char)s[1]);
				s++;
			} else
				pc_buf_addch(out, *s);
		}
	}
}

static void money(struct pc_buf *out, const struct pc_report *report, int64_t micros, bool sign)
{
	pc_report_money_display(out, report->config, micros, sign);
}

static const char *verdict_word(enum pc_verdict v)
{
	static const char *const words[] = { "✅ pass", "⚠️ warn", "⛔ block" };

	return words[v];
}

static void count(struct pc_buf *out, int64_t n, bool exact, bool sign)
{
	if (!exact)
		pc_buf_adds(out, "≈");
	pc_count_format(out, n, sign);
}

/* The changed templates, one row each; with max_bytes, rows past it are counted, not shown. */
static void templates_table(struct pc_buf *out, const struct pc_report *report, size_t max_bytes)
{
	size_t unchanged = report->nquiet, omitted = 0, start = out->len; /* quiet: unchanged */
	bool header = false;

	for (size_t i = 0; i < report->ntemplates; i++) {
		const struct pc_template_report *t = &report->templates[i];
		size_t row_start = out->len;

		if (t->change == PC_CHANGE_UNCHANGED) {
			unchanged++;
			continue;
		}
		if (omitted) {
			omitted++;
			continue;
		}
		if (!header) {
			pc_buf_adds(out, "| template | change | tokens before | after | added | "
					 "removed | calls/day | per day | per month | cost event | approval |\n"
					 "|---|---|--:|--:|--:|--:|--:|--:|--:|---|---|\n");
			header = true;
		}
		pc_buf_adds(out, "| ");
		escaped(out, t->id);
		pc_buf_addf(out, " | %s | ", pc_change_name(t->change));
		count(out, t->before.tokens, t->exact, false);
		pc_buf_adds(out, " | ");
		count(out, t->after.tokens, t->exact, false);
		pc_buf_adds(out, " | ");
		count(out, t->tokens_added, t->exact, true);
		pc_buf_adds(out, " | ");
		count(out, -t->tokens_removed, t->exact, false);
		pc_buf_adds(out, " | ");
		pc_count_format(out, pc_volume_calls_per_day(&t->rate), false);
		pc_buf_adds(out, " | ");
		money(out, report, t->daily_delta_micros, true);
		pc_buf_adds(out, " | ");
		money(out, report, t->monthly_delta_micros, true);
		pc_buf_addf(out, " | %s | ", t->cost_event ? "yes" : t->monthly_delta_micros < 0
									? "saving" : "no");
		if (t->approved) {
			pc_buf_adds(out, "approved by ");
			escaped(out, t->approval.approver);
		} else if (t->cost_event) {
			pc_buf_adds(out, "**needed**");
		} else {
			pc_buf_adds(out, "-");
		}
		pc_buf_adds(out, " |\n");
		if (max_bytes && out->len - start > max_bytes) {
			out->len = row_start;
			out->ptr[out->len] = '\0';
			omitted = 1;
		}
	}
	if (omitted)
		pc_buf_addf(out, "\n%zu more changed template%s not shown, to fit the size limit of a "
			    "comment: the JSON report and `promptcost check` have them all.\n", omitted,
			    omitted == 1 ? "" : "s");
	if (!header)
		pc_buf_adds(out, "No prompt template changed.\n");
	if (unchanged)
		pc_buf_addf(out, "\n%zu unchanged template%s not shown.\n", unchanged,
			    unchanged == 1 ? "" : "s");
}

static void budgets_table(struct pc_buf *out, const struct pc_report *report,
			  const struct pc_budget_report *budgets, size_t n, const char *kind)
{
	if (!n)
		return;
	pc_buf_addf(out, "\n| %s | limit | budget | spend before | after | used | status |\n"
			 "|---|---|--:|--:|--:|--:|---|\n", kind);
	for (size_t i = 0; i < n; i++) {
		const struct pc_budget_report *b = &budgets[i];

		pc_buf_adds(out, "| ");
		escaped(out, b->budget->name);
		pc_buf_addf(out, " | %s | ", !b->budget->has_budget ? "-" :
				  b->budget->limit == PC_LIMIT_HARD ? "hard" : "soft");
		if (b->budget->has_budget)
			money(out, report, b->budget->monthly_budget_micros, false);
		else
			pc_buf_adds(out, "-");
		pc_buf_adds(out, " | ");
		money(out, report, b->spend_before_micros, false);
		pc_buf_adds(out, " | ");
		money(out, report, b->spend_after_micros, false);
		pc_buf_adds(out, " | ");
		pc_report_used(out, b, true);
		pc_buf_addf(out, " | %s |\n", pc_status_name(b->status));
	}
}

static void details(struct pc_buf *out, const struct pc_report *report)
{
	for (size_t i = 0; i < report->ntemplates; i++) {
		const struct pc_template_report *t = &report->templates[i];

		if (t->change == PC_CHANGE_UNCHANGED && !t->reasons.n && !t->notes.n)
			continue;
		pc_buf_adds(out, "\n**");
		escaped(out, t->id);
		/* the model's name comes from the head: escaped, not in a code span */
		pc_buf_addf(out, "** (%s, model ", pc_verdict_name(t->verdict));
		escaped(out, t->after.present ? t->after.model_name : t->before.model_name);
		pc_buf_addf(out, ", %s)\n", t->exact ? "exact token counts" : "estimated token counts");
		pc_buf_adds(out, "- ");
		pc_report_volume_source(out, t);
		pc_buf_addch(out, '\n');
		for (size_t f = 0; f < t->after.nfiles; f++) {
			pc_buf_adds(out, "- ");
			escaped(out, t->after.files[f].path);
			pc_buf_addch(out, '\n');
		}
		for (size_t r = 0; r < t->reasons.n; r++) {
			pc_buf_adds(out, "- ");
			escaped(out, t->reasons.items[r]);
			pc_buf_addch(out, '\n');
		}
		for (size_t r = 0; r < t->notes.n; r++) {
			pc_buf_adds(out, "- note: ");
			escaped(out, t->notes.items[r]);
			pc_buf_addch(out, '\n');
		}
	}
	for (size_t i = 0; i < report->pending.n; i++) {
		if (!i)
			pc_buf_adds(out, "\nTakes effect after merge (not used for this verdict):\n");
		pc_buf_adds(out, "- ");
		escaped(out, report->pending.items[i]);
		pc_buf_addch(out, '\n');
	}
	for (size_t i = 0; i < report->prices.n; i++) {
		if (!i)
			pc_buf_addf(out, "\nPrices (catalog prices at %s):\n", report->price_date);
		pc_buf_adds(out, "- ");
		escaped(out, report->prices.items[i]);
		pc_buf_addch(out, '\n');
	}
	for (size_t i = 0; i < report->skipped.n; i++) {
		pc_buf_adds(out, i ? "" : "\nSkipped binary files:\n");
		pc_buf_adds(out, "- ");
		escaped(out, report->skipped.items[i]);
		pc_buf_addch(out, '\n');
	}
}

static void unblock(struct pc_buf *out, const struct pc_report *report)
{
	const struct pc_policy *policy = &report->config->policy;
	bool needs_approval = false, hard = false;

	for (size_t i = 0; i < report->ntemplates; i++)
		if (report->templates[i].cost_event && !report->templates[i].approved)
			needs_approval = true;
	for (size_t i = 0; i < report->nteams; i++)
		hard |= report->teams[i].verdict == PC_VERDICT_BLOCK;
	for (size_t i = 0; i < report->nuse_cases; i++)
		hard |= report->use_cases[i].verdict == PC_VERDICT_BLOCK;
	if (!needs_approval && !hard)
		return;
	pc_buf_adds(out, "\n**To unblock:**\n");
	/* a hard budget first: no approval unblocks it, so nobody is sent to get one first */
	if (hard)
		pc_buf_adds(out, "- a hard budget is exceeded: an approval cannot lift it; merge a "
				 "budget change first, or reduce the cost\n");
	if (needs_approval) {
		pc_buf_adds(out, hard ? "- then, for the cost events, an approver (" : "- an approver (");
		for (size_t i = 0; i < policy->approvers.n; i++) {
			pc_buf_adds(out, i ? ", " : "");
			escaped(out, policy->approvers.items[i]);
		}
		if (!policy->approvers.n)
			pc_buf_adds(out, "none listed in `policy.approvers`");
		pc_buf_adds(out, ") approves this pull request's head commit, or runs "
				 "`promptcost approve --base <base>` and commits "
				 "`.promptcost/approvals.yml`\n");
	}
}

void pc_report_markdown(struct pc_buf *out, const struct pc_report *report,
			const struct pc_render_options *options)
{
	struct pc_buf more = PC_BUF_INIT;
	size_t start = out->len;

	pc_buf_adds(out, "### promptcost: ");
	money(out, report, report->monthly_delta_micros, true);
	pc_buf_addf(out, " a month%s · %s\n\n", report->exact ? "" : " (estimated)",
		    verdict_word(report->verdict));
	escaped(out, report->verdict_reason);
	pc_buf_adds(out, "\n\n");
	if (report->config_from_head)
		pc_buf_adds(out, "_The base has no `.promptcost.yml`; the head's is used (first "
				 "adoption)._\n\n");
	/* half of a size limit for the table leaves room for budgets and details */
	templates_table(out, report, options->max_bytes / 2);
	budgets_table(out, report, report->teams, report->nteams, "team");
	budgets_table(out, report, report->use_cases, report->nuse_cases, "use case");
	unblock(out, report);
	if (!report->exact)
		pc_buf_adds(out, "\n≈ marks estimated token counts (models without a public "
				 "tokenizer).\n");
	pc_buf_adds(out, "\n<sub>");
	escaped(out, report->base_label);
	pc_buf_adds(out, " → ");
	escaped(out, report->head_label);
	if (report->policy_commit &&
	    (!report->base_commit || strcmp(report->policy_commit, report->base_commit))) {
		pc_buf_adds(out, "; policy: ");
		escaped(out, report->policy_label);
	}
	pc_buf_adds(out, "</sub>\n");

	details(&more, report);
	if (more.len) {
		static const char cut[] = "\n_Details cut to fit the size limit of a comment; "
					  "run `promptcost check` for all of them._\n";
		static const char open[] = "\n<details><summary>Details</summary>\n";
		static const char close[] = "\n</details>\n";
		size_t used = out->len - start + sizeof(open) + sizeof(close);

		if (options->max_bytes && used + sizeof(cut) + 1 > options->max_bytes) {
			/* not even a cut details block fits: none at all */
		} else if (options->max_bytes && used + more.len > options->max_bytes) {
			size_t room = options->max_bytes > used + sizeof(cut)
					      ? options->max_bytes - used - sizeof(cut)
					      : 0;

			/* cut at a line end, so no escape or character is split */
			while (room && more.ptr[room - 1] != '\n')
				room--;
			more.len = room;
			pc_buf_adds(out, open);
			pc_buf_add(out, more.ptr, more.len);
			pc_buf_adds(out, cut);
			pc_buf_adds(out, close);
		} else {
			pc_buf_adds(out, open);
			pc_buf_add(out, more.ptr, more.len);
			pc_buf_adds(out, close);
		}
	}
	/*
	 * A hard ceiling: when the tables alone are too long, cut them at a line
	 * end (no details block is open then, and no character is split).
	 */
	if (options->max_bytes && out->len - start > options->max_bytes) {
		static const char note[] = "\n_Report cut to fit the size limit of a comment; run "
					   "`promptcost check` for all of it._\n";
		size_t room = options->max_bytes > sizeof(note) - 1
				      ? options->max_bytes - (sizeof(note) - 1)
				      : 0;

		while (room && out->ptr[start + room - 1] != '\n')
			room--;
		out->len = start + room;
		out->ptr[out->len] = '\0';
		pc_buf_adds(out, note);
	}
	pc_buf_release(&more);
}
