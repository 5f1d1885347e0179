/*
 * The github report: workflow commands that GitHub Actions turns into
 * annotations on the changed template files, one per template with news.
 */
#include "promptcost/report.h"

#include <string.h>

/*
 * Escapes a workflow command's message (%, CR, LF) or property (also : and ,)
 * as GitHub documents; other control characters are written visibly (\x1b).
 */
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
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			/* the log is shown as a terminal: no raw control characters */
			pc_buf_addf(out, "\\x%02x", (unsigned char)*s);
		else if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] >= 0x80 &&
			 (unsigned char)s[1] <= 0x9f)
			pc_buf_addf(out, "\\xc2\\x%02x", (unsigned char)s[1]), s++;
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
			/* where the change starts, as the templates stage found it */
			unsigned line = t->after.present ? t->changed_line : 0;
			size_t k = t->after.present ? t->changed_file : 0;

			pc_buf_adds(out, "file=");
			escaped(out, side->files[k].path, true);
			/* the prompt's line in the file: after a front matter, or none for a key path */
			if (line && side->files[k].text_line)
				pc_buf_addf(out, ",line=%u", line + side->files[k].text_line - 1);
			pc_buf_adds(out, ",");
		}
		pc_buf_adds(out, "title=promptcost ");
		escaped(out, t->id, true);
		pc_buf_adds(out, "::");
		pc_buf_addf(&msg, "%s: %s%lld tokens, ", pc_change_name(t->change),
			    t->delta_tokens > 0 ? "+" : "", (long long)t->delta_tokens);
		pc_report_money_display(&msg, report->config, t->monthly_delta_micros, true);
		pc_buf_adds(&msg, " a month; ");
		pc_report_volume_source(&msg, t);
		for (size_t r = 0; r < t->reasons.n; r++)
			pc_buf_addf(&msg, "\n%s", t->reasons.items[r]);
		for (size_t r = 0; r < t->notes.n; r++)
			pc_buf_addf(&msg, "\nnote: %s", t->notes.items[r]);
		escaped(out, msg.ptr, false);
		pc_buf_addch(out, '\n');
		pc_buf_release(&msg);
	}
	pc_buf_addf(out, "::%s title=promptcost::", levels[report->verdict]);
	escaped(out, report->verdict_reason, false);
	pc_buf_addch(out, '\n');
}
