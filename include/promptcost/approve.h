/*
 * `promptcost approve` as a library: evaluates exactly what `check`
 * evaluates and, for each cost event without a valid approval, records an
 * entry in .promptcost/approvals.yml signed by the approver, bound to the
 * template's content and monthly delta. Writes that one file, atomically,
 * and only inside the repository.
 */
#ifndef PROMPTCOST_APPROVE_H
#define PROMPTCOST_APPROVE_H

#include "promptcost/check.h"
#include "promptcost/sshsig.h"

struct pc_approve_options {
	struct pc_check_options check;
	const char *by;       /* NULL: git config user.email */
	const char *reason;   /* NULL: the previous entry's reason, if any */
	const char *key_path; /* NULL: the key git would sign with (sign.h) */
};

enum pc_approve_outcome {
	PC_APPROVE_WROTE,            /* entries added and the file written */
	PC_APPROVE_NOTHING,          /* no unapproved cost event: nothing written */
	PC_APPROVE_NOT_APPROVER,     /* `by` is not in the base's policy.approvers */
	PC_APPROVE_KEY_NOT_LISTED,   /* the base lists no key, or not the signing key, for `by` */
	PC_APPROVE_OVER_HARD_BUDGET  /* the change is over a hard budget: no approval lifts it */
};

/* One entry approve wrote; the template is borrowed from check.report. */
struct pc_approve_entry {
	const struct pc_template_report *template;
	int64_t approved_delta_micros;
	bool is_signed;
};

struct pc_approve {
	struct pc_check check;
	enum pc_approve_outcome outcome;
	char *by;
	struct pc_approve_entry *entries;
	size_t nentries;
	/* PC_APPROVE_KEY_NOT_LISTED: the key that signed ("" when none was tried) */
	char signer_fingerprint[PC_SSH_FINGERPRINT_SIZE];
	/* PC_APPROVE_OVER_HARD_BUDGET: the first template and the budget it breaks */
	const struct pc_template_report *over_budget_template;
	const struct pc_budget_report *over_budget;
	const char *over_budget_kind;   /* "team" or "use case" */
};

/*
 * Runs approve. Returns 0 with out->outcome set (PC_APPROVE_WROTE and
 * PC_APPROVE_NOTHING succeed; the others are refusals the caller reports
 * from out's fields and out->check.report.config's policy), or a PC_E code
 * with the message set: PC_EINPUT for no approver identity, text the file
 * cannot hold, a `.promptcost` or approvals file that is not a plain folder
 * and file inside the repository, or a signing failure. Release out with
 * pc_approve_release either way.
 */
int pc_approve_run(struct pc_approve *out, const struct pc_approve_options *options);
void pc_approve_release(struct pc_approve *approve);

#endif
