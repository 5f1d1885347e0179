/*
 * `promptcost check`: evaluates a change and prints the report in the chosen
 * format; the exit status is the verdict (0 pass or warn, 1 block).
 */
#include "cli.h"

#include "promptcost/check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: promptcost check [--staged | --base REV [--head REV]] [--config FILE]\n"
	"                        [--format FMT] [--output FILE] [--max-size BYTES]\n"
	"                        [--approved-by ID...]\n"
	"\n"
	"Reports what a change to the prompt templates costs: tokens before and after,\n"
	"tokens added and removed, the projected change per day and per month, team and\n"
	"use-case budgets, cost events and their approvals, and a verdict.\n"
	"\n"
	"what is compared (the base describes the world: prices, volumes, budgets and\n"
	"approvers are read from the base revision's tip; the head contributes the\n"
	"template texts, the template-to-model assignment and new templates):\n"
	"  (default)          the working tree (tracked and untracked, not ignored) against HEAD\n"
	"  --staged           the index against HEAD (what a commit would record)\n"
	"  --base REV         merge-base(REV, HEAD) against HEAD, as 'git diff REV...HEAD',\n"
	"                     judged by the configuration of REV itself\n"
	"  --head REV         with --base: another head instead of HEAD\n"
	"  An unborn HEAD (no commit yet) compares against the empty tree.\n"
	"\n"
	"options:\n"
	"  --config FILE      the configuration (default .promptcost.yml at the root, read\n"
	"                     at each side); FILE is relative to the current directory; a\n"
	"                     file outside the repository serves both sides\n"
	"  --format FMT       text (default), markdown (a pull-request comment), json\n"
	"                     (schema promptcost/check/v1), github (workflow annotations)\n"
	"  --output FILE      write the report to FILE (atomically) instead of stdout\n"
	"  --max-size BYTES   markdown: never more than BYTES (128 to 1073741824);\n"
	"                     the details, then the tables, are cut with a note\n"
	"  --approved-by ID   an identity verified elsewhere (e.g. github:LOGIN from a pull\n"
	"                     request review); approves cost events when the base policy\n"
	"                     lists it in approvers (repeatable)\n"
	"\n"
	"Colour is used for text on a terminal only, never with NO_COLOR set.\n"
	"\n"
	"exit status: 0 pass (warnings allowed), 1 blocked by policy, 2 usage,\n"
	"configuration or input error, 3 git, I/O or internal error\n";

int cmd_check(int argc, char **argv)
{
	struct pc_check_options options = { NULL, PC_COMPARE_WORKDIR, NULL, NULL, NULL, NULL };
	struct pc_strlist verified = PC_STRLIST_INIT;
	struct pc_render_options render = { false, 0 };
	struct pc_check check;
	struct pc_buf out = PC_BUF_INIT;
	const char *format_name = "text", *output = NULL, *value = NULL;
	enum pc_format format;
	bool staged = false;
	int status = PC_EXIT_INPUT, error, r;

	memset(&check, 0, sizeof(check));
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(usage, stdout);
			status = PC_EXIT_PASS;
			goto done;
		} else if ((r = cli_compare_option(&options, &staged, argc, argv, &i, "check")) != 0) {
			if (r < 0)
				goto done;
		} else if ((r = cli_option_value(&format_name, argc, argv, &i, "--format",
						 "check")) != 0) {
			if (r < 0)
				goto done;
		} else if ((r = cli_option_value(&output, argc, argv, &i, "--output", "check")) != 0) {
			if (r < 0)
				goto done;
		} else if ((r = cli_option_value(&value, argc, argv, &i, "--approved-by",
						 "check")) != 0) {
			if (r < 0)
				goto done;
			pc_strlist_push(&verified, value);
		} else if ((r = cli_option_value(&value, argc, argv, &i, "--max-size", "check")) != 0) {
			char *end;
			unsigned long long bytes;

			if (r < 0)
				goto done;
			/* strtoull would take "-1" as the largest number: digits only */
			errno = 0;
			bytes = strtoull(value, &end, 10);
			if (*value < '0' || *value > '9' || *end || errno ||
			    bytes < PC_MAX_SIZE_MIN || bytes > PC_MAX_SIZE_MAX) {
				status = cli_usage_error("check", "--max-size needs a number of bytes "
							 "from %d to %d, not '%s'", PC_MAX_SIZE_MIN,
							 PC_MAX_SIZE_MAX, value);
				goto done;
			}
			render.max_bytes = (size_t)bytes;
		} else {
			status = cli_usage_error("check", "unknown argument '%s'", arg);
			goto done;
		}
	}
	if (cli_compare_finish(&options, staged, "check") < 0)
		goto done;
	if (pc_format_lookup(&format, format_name) < 0) {
		status = cli_usage_error("check", "%s", pc_error_message());
		goto done;
	}
	options.verified = &verified;
	check.allow_unconfigured = true;

	render.color = format == PC_FORMAT_TEXT && !output && isatty(STDOUT_FILENO) &&
		       !getenv("NO_COLOR");
	if ((error = pc_check_run(&check, &options)) < 0) {
		status = cli_fail(error);
		goto done;
	}
	if (check.unconfigured) {
		/* a repository that never adopted promptcost (a shared hooks folder): a pass */
		fprintf(stderr, "promptcost: note: %s\n", check.unconfigured_note);
		status = PC_EXIT_PASS;
		goto done;
	}
	if ((error = pc_report_render(&out, &check.report, format, &render)) < 0) {
		status = cli_fail(error);
		goto done;
	}
	cli_print_warnings();
	if (output) {
		if ((error = pc_file_write_atomic(output, out.ptr, out.len)) < 0) {
			status = cli_fail(error);
			goto done;
		}
	} else if (fwrite(out.ptr, 1, out.len, stdout) != out.len || fflush(stdout)) {
		fprintf(stderr, "promptcost: cannot write the report to stdout\n");
		status = PC_EXIT_ERROR;
		goto done;
	}
	status = check.report.verdict == PC_VERDICT_BLOCK ? PC_EXIT_BLOCKED : PC_EXIT_PASS;
done:
	pc_check_release(&check);
	pc_strlist_release(&verified);
	pc_buf_release(&out);
	return status;
}
