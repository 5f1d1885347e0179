/*
 * `promptcost approve`: a release manager's approval of the cost events of a
 * change. Evaluates exactly what `check` evaluates and, for each cost event
 * not yet approved, records an entry in .promptcost/approvals.yml bound to
 * the template's content and monthly delta. Writes that one file, atomically.
 */
#include "cli.h"

#include "promptcost/check.h"
#include "promptcost/money.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char usage[] =
	"usage: promptcost approve [--staged | --base REV [--head REV]] [--by ID]\n"
	"                          [--reason TEXT] [--config FILE]\n"
	"\n"
	"Approves the cost events of a change: evaluates the same comparison as\n"
	"'promptcost check' and, for every cost event without a valid approval, adds an\n"
	"entry to .promptcost/approvals.yml in the working tree (created when absent;\n"
	"entries of other templates are kept; written atomically; nothing else is\n"
	"touched). Commit that file with the change.\n"
	"\n"
	"An entry binds the approval to the exact content of the template's files (their\n"
	"git blob ids at the head) and to the monthly delta, rounded up to the cent: any\n"
	"later edit of the template, or a larger delta, needs a new approval.\n"
	"\n"
	"options:\n"
	"  --staged, --base REV, --head REV, --config FILE   as for 'promptcost check'\n"
	"  --by ID         who approves (default: git config user.email); must be listed\n"
	"                  in policy.approvers of the base's configuration\n"
	"  --reason TEXT   why, kept in the entry\n"
	"\n"
	"An approval never lifts a hard budget: that needs a budget change merged first.\n"
	"\n"
	"exit status: 0 approved (or nothing to approve), 1 the identity may not approve,\n"
	"2 usage, configuration or input error, 3 git, I/O or internal error\n";

static void utc_now(char *out, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Reads the working tree's approvals file, if any, into approvals. */
static int read_existing(struct pc_approvals *approvals, const char *path)
{
	struct pc_buf text = PC_BUF_INIT;
	int error = pc_file_read(&text, path, PC_CONFIG_MAX_BYTES);

	if (error == PC_ENOTFOUND) {
		pc_error_clear();
		error = 0;
	} else if (!error) {
		error = pc_approvals_parse(approvals, PC_APPROVALS_PATH, text.ptr, text.len);
	}
	pc_buf_release(&text);
	return error;
}

int cmd_approve(int argc, char **argv)
{
	struct pc_check_options options = { NULL, PC_COMPARE_WORKDIR, NULL, NULL, NULL, NULL };
	struct pc_approvals approvals = { NULL, 0, 0 };
	struct pc_buf by = PC_BUF_INIT, path = PC_BUF_INIT, text = PC_BUF_INIT;
	struct pc_check check;
	const char *by_option = NULL, *reason = NULL;
	const struct pc_policy *policy;
	char now[32];
	bool staged = false;
	size_t approved = 0;
	int status = PC_EXIT_INPUT, error, r;

	memset(&check, 0, sizeof(check));
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(usage, stdout);
			status = PC_EXIT_PASS;
			goto done;
		} else if (!strcmp(arg, "--staged") || !strcmp(arg, "--cached")) {
			staged = true;
		} else if ((r = cli_option_value(&options.base_rev, argc, argv, &i, "--base",
						 "approve")) ||
			   (r = cli_option_value(&options.head_rev, argc, argv, &i, "--head",
						 "approve")) ||
			   (r = cli_option_value(&options.config_path, argc, argv, &i, "--config",
						 "approve")) ||
			   (r = cli_option_value(&by_option, argc, argv, &i, "--by", "approve")) ||
			   (r = cli_option_value(&reason, argc, argv, &i, "--reason", "approve"))) {
			if (r < 0)
				goto done;
		} else {
			status = cli_usage_error("approve", "unknown argument '%s'", arg);
			goto done;
		}
	}
	if (staged && options.base_rev) {
		status = cli_usage_error("approve", "--staged and --base cannot be used together");
		goto done;
	}
	if (options.head_rev && !options.base_rev) {
		status = cli_usage_error("approve", "--head needs --base");
		goto done;
	}
	options.mode = options.base_rev ? PC_COMPARE_RANGE
					: staged ? PC_COMPARE_STAGED : PC_COMPARE_WORKDIR;

	if ((error = pc_check_run(&check, &options)) < 0) {
		status = cli_fail(error);
		goto done;
	}
	cli_print_warnings();
	if (by_option) {
		pc_buf_adds(&by, by_option);
	} else if ((error = pc_repo_config_string(&by, check.repo, "user.email")) < 0) {
		status = cli_usage_error("approve", "who approves? set git config user.email or "
					 "pass --by ID");
		goto done;
	}
	policy = &check.report.config->policy;
	if (!pc_strlist_contains(&policy->approvers, by.ptr)) {
		fprintf(stderr, "promptcost: '%s' may not approve cost events; policy.approvers "
			"of the base's configuration lists: ", by.ptr);
		for (size_t i = 0; i < policy->approvers.n; i++)
			fprintf(stderr, "%s%s", i ? ", " : "", policy->approvers.items[i]);
		fprintf(stderr, "%s\n", policy->approvers.n ? "" : "nobody");
		status = PC_EXIT_BLOCKED;
		goto done;
	}
	if (!pc_repo_workdir(check.repo)) {
		fprintf(stderr, "promptcost: a bare repository has no working tree to record "
			"approvals in\n");
		status = PC_EXIT_ERROR;
		goto done;
	}
	pc_buf_addf(&path, "%s.promptcost", pc_repo_workdir(check.repo));
	if (mkdir(path.ptr, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "promptcost: cannot create %s: %s\n", path.ptr, strerror(errno));
		status = PC_EXIT_ERROR;
		goto done;
	}
	pc_buf_adds(&path, "/approvals.yml");
	if ((error = read_existing(&approvals, path.ptr)) < 0) {
		status = cli_fail(error);
		goto done;
	}
	utc_now(now, sizeof(now));
	for (size_t i = 0; i < check.report.ntemplates; i++) {
		const struct pc_template_report *t = &check.report.templates[i];
		struct pc_buf amount = PC_BUF_INIT;

		if (!t->cost_event || t->approved)
			continue;
		pc_approvals_remove(&approvals, t->id);
		pc_approvals_add(&approvals, t, by.ptr, now, reason);
		pc_report_money_display(&amount, check.report.config,
					approvals.items[approvals.n - 1].monthly_delta_micros, true);
		printf("approved %s: up to %s a month, by %s\n", t->id, amount.ptr, by.ptr);
		pc_buf_release(&amount);
		approved++;
	}
	if (!approved) {
		printf("nothing to approve: no unapproved cost event in this change\n");
		status = PC_EXIT_PASS;
		goto done;
	}
	pc_approvals_render(&text, &approvals);
	if ((error = pc_file_write_atomic(path.ptr, text.ptr, text.len)) < 0) {
		status = cli_fail(error);
		goto done;
	}
	printf("wrote %s; commit it with the change%s\n", PC_APPROVALS_PATH,
	       staged ? " (git add " PC_APPROVALS_PATH ")" : "");
	status = PC_EXIT_PASS;
done:
	pc_check_release(&check);
	pc_approvals_release(&approvals);
	pc_buf_release(&by);
	pc_buf_release(&path);
	pc_buf_release(&text);
	return status;
}
