/*
 * Approvals of cost events: building entries from a judged report and
 * writing them as the YAML text of `.promptcost/approvals.yml`. Reading the
 * file is config.c's job (the one user of libyaml).
 */
#include "promptcost/approvals.h"

#include "promptcost/money.h"

#include <stdlib.h>
#include <string.h>

/* A YAML double-quoted scalar: quotes, backslashes and control characters escaped. */
static void quoted(struct pc_buf *out, const char *s)
{
	pc_buf_addch(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			pc_buf_addf(out, "\\%c", c);
		else if (c == '\n')
			pc_buf_adds(out, "\\n");
		else if (c == '\t')
			pc_buf_adds(out, "\\t");
		else if (c < 0x20 || c == 0x7f)
			pc_buf_addf(out, "\\x%02x", c);
		else
			pc_buf_addch(out, (char)c);
	}
	pc_buf_addch(out, '"');
}

void pc_approvals_render(struct pc_buf *out, const struct pc_approvals *approvals)
{
	pc_buf_adds(out,
		"# Approvals of cost events, written by 'promptcost approve'. Each entry binds an\n"
		"# approver to the exact content of a template (the git blob ids of its files)\n"
		"# and to the largest monthly delta approved; any later edit needs a new approval.\n"
		"version: 1\n"
		"approvals:\n");
	if (!approvals->n)
		pc_buf_adds(out, "  []\n");
	for (size_t i = 0; i < approvals->n; i++) {
		const struct pc_approval *a = &approvals->items[i];

		pc_buf_adds(out, "  - template: ");
		quoted(out, a->template_id);
		pc_buf_adds(out, "\n    files:\n");
		for (size_t f = 0; f < a->nfiles; f++) {
			pc_buf_adds(out, "      - path: ");
			quoted(out, a->files[f].path);
			pc_buf_addf(out, "\n        blob: \"%s\"\n", a->files[f].oid);
		}
		pc_buf_adds(out, "    monthly_delta: \"");
		pc_money_format(out, a->monthly_delta_micros, false, false);
		pc_buf_adds(out, "\"\n    approved_by: ");
		quoted(out, a->approved_by);
		pc_buf_adds(out, "\n    approved_at: ");
		quoted(out, a->approved_at);
		if (a->reason) {
			pc_buf_adds(out, "\n    reason: ");
			quoted(out, a->reason);
		}
		pc_buf_addch(out, '\n');
	}
}

void pc_approvals_add(struct pc_approvals *approvals, const struct pc_template_report *t,
		      const char *by, const char *approved_at, const char *reason)
{
	struct pc_approval *a;

	PC_GROW(approvals->items, approvals->cap, approvals->n + 1);
	a = &approvals->items[approvals->n++];
	memset(a, 0, sizeof(*a));
	a->template_id = pc_xstrdup(t->id);
	a->nfiles = t->after.nfiles;
	a->files = pc_xcalloc(a->nfiles, sizeof(*a->files));
	for (size_t i = 0; i < a->nfiles; i++) {
		a->files[i].path = pc_xstrdup(t->after.files[i].path);
		memcpy(a->files[i].oid, t->after.files[i].oid, sizeof(a->files[i].oid));
	}
	/*
	 * The file keeps cents; round the approved delta up to the cent so that
	 * the very change approved still fits under it when read back.
	 */
	a->monthly_delta_micros = t->monthly_delta_micros;
	if (a->monthly_delta_micros % 10000 > 0)
		a->monthly_delta_micros += 10000 - a->monthly_delta_micros % 10000;
	a->approved_by = pc_xstrdup(by);
	a->approved_at = pc_xstrdup(approved_at);
	a->reason = reason ? pc_xstrdup(reason) : NULL;
}

static void approval_release(struct pc_approval *a)
{
	free(a->template_id);
	for (size_t f = 0; f < a->nfiles; f++)
		free(a->files[f].path);
	free(a->files);
	free(a->approved_by);
	free(a->approved_at);
	free(a->reason);
}

void pc_approvals_remove(struct pc_approvals *approvals, const char *template_id)
{
	size_t kept = 0;

	for (size_t i = 0; i < approvals->n; i++) {
		if (strcmp(approvals->items[i].template_id, template_id))
			approvals->items[kept++] = approvals->items[i];
		else
			approval_release(&approvals->items[i]);
	}
	approvals->n = kept;
}

void pc_approvals_release(struct pc_approvals *approvals)
{
	for (size_t i = 0; i < approvals->n; i++)
		approval_release(&approvals->items[i]);
	free(approvals->items);
	memset(approvals, 0, sizeof(*approvals));
}
