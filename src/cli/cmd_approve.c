/*
 * `promptcost approve`: parses the options, runs the library's approve
 * (src/approve.c) and says what it did or why it refused.
 */
#include "cli.h"

#include "promptcost/approve.h"
#include "promptcost/money.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: promptcost approve [--staged | --base REV [--head REV]] [--by ID]\n"
	"                          [--reason TEXT] [--key FILE] [--config FILE]\n"
	"\n"
	"Approves the cost events of a change: for every cost event without a valid\n"
	"approval, adds an entry signed with your SSH key to .promptcost/approvals.yml.\n"
	"Commit that file with the change. An approval never lifts a hard budget.\n"
	"\n"
	"  --staged, --cached, --base REV, --head REV, --config FILE\n"
	"                  what is compared, as for 'promptcost check'\n"
	"  --by ID         who approves (default: git config user.email), as listed in\n"
	"                  the base's policy.approvers\n"
	"  --reason TEXT   why, kept in the entry (default: the previous entry's reason)\n"
	"  --key FILE      the SSH key to sign with (default as git signs: user.signingKey,\n"
	"                  else the first key of ssh-add -L)\n"
	"  -h, --help      this help\n"
	"\n"
	"exit status: 0 approved (or nothing to approve), 1 the identity or key may not\n"
	"approve, or a hard budget blocks the change, 2 usage, configuration or input\n"
	"error, 3 git, I/O or internal error\n"
	"\n"
	"The manual: man promptcost-approve\n";

static void refused(const struct pc_approve *a)
{
	const struct pc_report *report = &a->check.report;
	const struct pc_policy *policy = &report->config->policy;
	const struct pc_approver *approver = pc_policy_approver(policy, a->by);

	switch (a->outcome) {
	case PC_APPROVE_NOT_APPROVER:
		fprintf(stderr, "promptcost: '%s' may not approve cost events; policy.approvers "
			"of the base's configuration lists: ", a->by);
		for (size_t i = 0; i < policy->approvers.n; i++)
			fprintf(stderr, "%s%s", i ? ", " : "", policy->approvers.items[i]);
		fprintf(stderr, "%s\n", policy->approvers.n ? "" : "nobody");
		break;
	case PC_APPROVE_KEY_NOT_LISTED:
		if (!approver || !approver->nkeys) {
			fprintf(stderr, "promptcost: policy.approvers of the base's configuration "
				"lists no key for '%s', so nobody can check an approval by them; "
				"list it there ({id: %s, key: \"ssh-ed25519 AAAA...\"}) and merge "
				"that first\n", a->by, a->by);
			break;
		}
		fprintf(stderr, "promptcost: the key that signed (%s) is not one policy.approvers "
			"of the base's configuration lists for '%s'; it lists: ",
			a->signer_fingerprint, a->by);
		for (size_t k = 0; k < approver->nkeys; k++)
			fprintf(stderr, "%s%s", k ? ", " : "", approver->keys[k].fingerprint);
		fprintf(stderr, " (sign with one of them: --key FILE or git config "
			"user.signingKey)\n");
		break;
	case PC_APPROVE_OVER_HARD_BUDGET: {
		struct pc_buf spend = PC_BUF_INIT, limit = PC_BUF_INIT;

		pc_report_money_display(&spend, report->config, a->over_budget->spend_after_micros,
					false);
		pc_report_money_display(&limit, report->config,
					a->over_budget->budget->monthly_budget_micros, false);
		fprintf(stderr, "promptcost: %s would take %s '%s' to %s a month, over its hard "
			"budget of %s: an approval will not unblock it; merge a budget change "
			"first\n", a->over_budget_template->id, a->over_budget_kind,
			a->over_budget->budget->name, spend.ptr, limit.ptr);
		pc_buf_release(&spend);
		pc_buf_release(&limit);
		break;
	}
	default:
		break;
	}
}

int cmd_approve(int argc, char **argv)
{
	struct pc_approve_options options;
	struct pc_approve approve;
	bool staged = false;
	int status = PC_EXIT_INPUT, error, r;

	memset(&options, 0, sizeof(options));
	memset(&approve, 0, sizeof(approve));
	options.check.mode = PC_COMPARE_WORKDIR;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(usage, stdout);
			return PC_EXIT_PASS;
		} else if ((r = cli_compare_option(&options.check, &staged, argc, argv, &i,
						   "approve")) ||
			   (r = cli_option_value(&options.by, argc, argv, &i, "--by", "approve")) ||
			   (r = cli_option_value(&options.reason, argc, argv, &i, "--reason",
						 "approve")) ||
			   (r = cli_option_value(&options.key_path, argc, argv, &i, "--key",
						 "approve"))) {
			if (r < 0)
				return PC_EXIT_INPUT;
		} else {
			return cli_usage_error("approve", "unknown argument '%s'", arg);
		}
	}
	if (cli_compare_finish(&options.check, staged, "approve") < 0)
		return PC_EXIT_INPUT;

	error = pc_approve_run(&approve, &options);
	cli_print_warnings();
	if (error < 0) {
		status = cli_fail(error);
		goto done;
	}
	switch (approve.outcome) {
	case PC_APPROVE_NOTHING:
		printf("nothing to approve: no unapproved cost event in this change\n");
		status = PC_EXIT_PASS;
		break;
	case PC_APPROVE_WROTE:
		for (size_t i = 0; i < approve.nentries; i++) {
			struct pc_buf amount = PC_BUF_INIT;

			pc_report_money_display(&amount, approve.check.report.config,
						approve.entries[i].approved_delta_micros, true);
			printf("approved %s: up to %s a month, by %s%s\n",
			       approve.entries[i].template->id, amount.ptr, approve.by,
			       approve.entries[i].is_signed ? ", signed"
							    : " (unsigned: policy.file_approvals "
							      "is unsigned)");
			pc_buf_release(&amount);
		}
		printf("wrote %s; commit it with the change%s\n", PC_APPROVALS_PATH,
		       staged ? " (git add " PC_APPROVALS_PATH ")" : "");
		status = PC_EXIT_PASS;
		break;
	default:
		refused(&approve);
		status = PC_EXIT_BLOCKED;
	}
done:
	pc_approve_release(&approve);
	return status;
}
