/*
 * `promptcost report`: the spend report of a period from the usage store,
 * computed once (pc_spend_report_build) and printed in one of five formats.
 */
#include "cli.h"

#include "promptcost/config.h"
#include "promptcost/git.h"
#include "promptcost/spend_report.h"
#include "promptcost/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
	"usage: promptcost report [--period MONTH | --since DATE --until DATE]\n"
	"                         [--format F] [--output FILE] [--store P] [--config F]\n"
	"\n"
	"The spend report from the usage store: the governance posture, budgets, spend\n"
	"by template and version, spikes traced to commits, forecast against actual,\n"
	"caching, reservations (showback) and data quality.\n"
	"\n"
	"  --period MONTH    a calendar month, YYYY-MM\n"
	"  --since DATE      the first day, YYYY-MM-DD (UTC; with --until)\n"
	"  --until DATE      the last day, inclusive (default: the current month to today)\n"
	"  --format F        text (default), markdown, json, html or focus (FOCUS CSV)\n"
	"  --output FILE     write FILE (atomically) instead of standard output\n"
	"  --store P         the store (default $PROMPTCOST_STORE, else\n"
	"                    <git-common-dir>/promptcost/usage.db)\n"
	"  --config F        the configuration (default .promptcost.yml)\n"
	"  -h, --help        this help\n"
	"\n"
	"exit status: 0 done, 2 usage, configuration or input error (a bad period, a\n"
	"model the configuration cannot price, no store), 3 git, I/O or internal error\n"
	"\n"
	"The manual: man promptcost-report\n";

static const char *const formats[] = { "text", "markdown", "json", "html", "focus" };
static int (*const renderers[])(struct pc_buf *, const struct pc_spend_report *) = {
	pc_spend_report_text, pc_spend_report_markdown, pc_spend_report_json,
	pc_spend_report_html, pc_spend_report_focus
};

static int open_repo(struct pc_repo **out)
{
	int error = pc_repo_open(out, NULL);

	if (error == PC_EGIT) {
		pc_error_clear();
		*out = NULL;
		return 0;
	}
	return error;
}

static int store_path(struct pc_buf *out, const char *option, struct pc_repo *repo)
{
	const char *env = getenv("PROMPTCOST_STORE");
	int error;

	if (option) {
		pc_buf_adds(out, option);
		return 0;
	}
	if (env && *env) {
		pc_buf_adds(out, env);
		return 0;
	}
	if (!repo)
		return pc_error_set(PC_EINPUT, "not inside a git repository: name the usage store "
				    "with --store PATH (or PROMPTCOST_STORE)");
	if ((error = pc_repo_common_dir(out, repo)))
		return error;
	pc_buf_adds(out, "/" PC_STORE_DEFAULT);
	return 0;
}

static int load_config(struct pc_config **out, const char *option, struct pc_repo *repo)
{
	struct pc_buf path = PC_BUF_INIT, text = PC_BUF_INIT;
	int error;

	*out = NULL;
	if (option)
		pc_buf_adds(&path, option);
	else if (repo && pc_repo_workdir(repo))
		pc_buf_addf(&path, "%s%s", pc_repo_workdir(repo), PC_CONFIG_PATH);
	else
		pc_buf_adds(&path, PC_CONFIG_PATH);
	error = pc_file_read(&text, path.ptr, PC_CONFIG_MAX_BYTES);
	if (error == PC_ENOTFOUND)
		error = pc_error_set(PC_EINPUT, "%s: no configuration; the report prices with its "
				     "models (name it with --config)", path.ptr);
	if (!error)
		error = pc_config_parse(out, option ? option : PC_CONFIG_PATH, text.ptr, text.len);
	pc_buf_release(&text);
	pc_buf_release(&path);
	return error;
}

/* "YYYY-MM" into its first and last day; false when it is not a real month. */
static bool parse_period(int64_t *since, int64_t *until, const char *text)
{
	char first[11];
	int64_t next;
	int year, month;

	if (strlen(text) != 7 || text[4] != '-')
		return false;
	snprintf(first, sizeof(first), "%s-01", text);
	if (!pc_day_parse(since, first))
		return false;
	year = atoi(text);
	month = atoi(text + 5);
	next = month == 12 ? pc_days_from_civil(year + 1, 1, 1)
			   : pc_days_from_civil(year, (unsigned)month + 1, 1);
	*until = next - 1;
	return true;
}

int cmd_report(int argc, char **argv)
{
	const char *period = NULL, *since_opt = NULL, *until_opt = NULL, *format_opt = NULL;
	const char *output = NULL, *store_opt = NULL, *config_opt = NULL;
	struct pc_buf path = PC_BUF_INIT, out = PC_BUF_INIT;
	struct pc_spend_report_options options;
	struct pc_spend_report *report = NULL;
	struct pc_config *config = NULL;
	struct pc_store *store = NULL;
	struct pc_repo *repo = NULL;
	int64_t since, until, today = (int64_t)time(NULL) / 86400;
	size_t format = 0;
	int error, r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return PC_EXIT_PASS;
		}
		if ((r = cli_option_value(&period, argc, argv, &i, "--period", "report")) ||
		    (r = cli_option_value(&since_opt, argc, argv, &i, "--since", "report")) ||
		    (r = cli_option_value(&until_opt, argc, argv, &i, "--until", "report")) ||
		    (r = cli_option_value(&format_opt, argc, argv, &i, "--format", "report")) ||
		    (r = cli_option_value(&output, argc, argv, &i, "--output", "report")) ||
		    (r = cli_option_value(&store_opt, argc, argv, &i, "--store", "report")) ||
		    (r = cli_option_value(&config_opt, argc, argv, &i, "--config", "report"))) {
			if (r < 0)
				return PC_EXIT_INPUT;
			continue;
		}
		return cli_usage_error("report", "unknown argument '%s'", argv[i]);
	}
	if (format_opt) {
		for (format = 0; format < sizeof(formats) / sizeof(formats[0]); format++)
			if (!strcmp(format_opt, formats[format]))
				break;
		if (format == sizeof(formats) / sizeof(formats[0]))
			return cli_usage_error("report", "unknown format '%s' (text, markdown, json, "
					       "html or focus)", format_opt);
	}
	if (period && (since_opt || until_opt))
		return cli_usage_error("report", "--period and --since/--until cannot be used "
				       "together");
	if (period) {
		if (!parse_period(&since, &until, period))
			return cli_usage_error("report", "--period '%s' is not a month YYYY-MM",
					       period);
	} else {
		char first[11];

		until = today;
		if (until_opt && !pc_day_parse(&until, until_opt))
			return cli_usage_error("report", "--until '%s' is not a date YYYY-MM-DD",
					       until_opt);
		pc_day_format(first, until);
		memcpy(first + 8, "01", 3);
		pc_day_parse(&since, first);
		if (since_opt && !pc_day_parse(&since, since_opt))
			return cli_usage_error("report", "--since '%s' is not a date YYYY-MM-DD",
					       since_opt);
		if (since > until)
			return cli_usage_error("report", "--since %s is after --until %s",
					       since_opt ? since_opt : first,
					       until_opt ? until_opt : "(today)");
	}

	if ((error = open_repo(&repo)) || (error = load_config(&config, config_opt, repo)) ||
	    (error = store_path(&path, store_opt, repo)) ||
	    (error = pc_store_open(&store, path.ptr, false)))
		goto done;
	options.since_day = since;
	options.until_day = until;
	options.config = config;
	options.repo = repo;
	if ((error = pc_spend_report_build(&report, store, &options)) ||
	    (error = renderers[format](&out, report)))
		goto done;
	if (output)
		error = pc_file_write_atomic(output, out.ptr, out.len);
	else if (fwrite(out.ptr, 1, out.len, stdout) != out.len || fflush(stdout) != 0)
		error = pc_error_set(PC_EIO, "cannot write the report to standard output");
done:
	pc_spend_report_free(report);
	pc_store_close(store);
	pc_config_free(config);
	pc_repo_free(repo);
	pc_buf_release(&path);
	pc_buf_release(&out);
	if (error)
		return cli_fail(error);
	cli_print_warnings();
	return PC_EXIT_PASS;
}
