/*
 * The github report: workflow commands that GitHub Actions turns into
 * annotations on the changed template files, one per template with news.
 */
#include "promptcost/report.h"

/* Escapes a workflow command's message (%, CR, LF) or property (also : and ,). */
static void escaped(struct pc_buf *out, const char *s, bool property)
{
	for (; *s; s++) {
		if (*s == '%')
			pc_buf_adds(out, "%25");
		else if (*s == '\r')
			pc_buf_adds(out, "%0D");
		else if (*s == '\n')
			pc_buf_adds(out, "%0A");
		else if (property && *s == ':')
			pc_buf_adds(out, "%3A");
		else if (property && *s == ',')
			pc_buf_adds(out, "%2C");
		else
			pc_buf_addch(out, *s);
	}
}

void pc_report_github(struct pc_buf *out, const struct pc_report *report)
{
	static const char *const levels[] = { "notice", "warning", "error" };

	for (size_t i = 0; i < report->ntemplates; i++) {
		const struct pc_template_report *t = &report->templates[i];
		const struct pc_template_side *side = t->after.present ? &t->after : &t->before;
		struct pc_buf msg = PC_BUF_INIT;

		if (t->change == PC_CHANGE_UNCHANGED)
			continue;
		pc_buf_addf(out, "::%s ", levels[t->verdict]);
		if (side->nfiles) {
			pc_buf_adds(out, "file=");
			escaped(out, side->files[0].path, true);
			pc_buf_adds(out, ",");
		}
		pc_buf_adds(out, "title=promptcost ");
		escaped(out, t->id, true);
		pc_buf_adds(out, "::");
		pc_buf_addf(&msg, "%s: %s%lld tokens, ", pc_change_name(t->change),
			    t->delta_tokens > 0 ? "+" : "", (long long)t->delta_tokens);
		pc_report_money_display(&msg, report->config, t->monthly_delta_micros, true);
		pc_buf_adds(&msg, " a month");
		for (size_t r = 0; r < t->reasons.n; r++)
			pc_buf_addf(&msg, "\n%s", t->reasons.items[r]);
		escaped(out, msg.ptr, false);
		pc_buf_addch(out, '\n');
		pc_buf_release(&msg);
	}
	pc_buf_addf(out, "::%s title=promptcost::", levels[report->verdict]);
	escaped(out, report->verdict_reason, false);
	pc_buf_addch(out, '\n');
}
