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
	"                        [--approved-by ID...] [--output-format FMT[:BYTES]=FILE...]\n"
	"                        [--no-cache]\n"
	"\n"
	"Reports what a change to the prompt templates costs, per template and per\n"
	"budget, and a verdict. The base describes the world (prices, volumes, budgets,\n"
	"approvers); the head contributes the template texts.\n"
	"\n"
	"  (default)              the working tree against HEAD\n"
	"  --staged, --cached     the index against HEAD (what a commit would record)\n"
	"  --base REV             merge-base(REV, HEAD) against HEAD, judged by REV's tip\n"
	"  --head REV             with --base: another head instead of HEAD\n"
	"  --config FILE          the configuration (default .promptcost.yml at the root)\n"
	"  --format FMT           text (default), markdown, json (promptcost/check/v1), github\n"
	"  --output FILE          write the report to FILE (atomically) instead of stdout\n"
	"  --max-size BYTES       markdown: never more than BYTES (128 to 1073741824)\n"
	"  --approved-by ID       an identity verified elsewhere (github:LOGIN); repeatable\n"
	"  --output-format FMT[:BYTES]=FILE\n"
	"                         also write the report in FMT to FILE ('-': stdout); repeatable\n"
	"  --no-cache             read and keep no cache (also PROMPTCOST_NO_CACHE=1)\n"
	"  -h, --help             this help\n"
	"\n"
	"exit status: 0 pass (warnings allowed), 1 blocked by policy, 2 usage,\n"
	"configuration or input error, 3 git, I/O or internal error\n"
	"\n"

	"The manual: man promptcost-check\n";

/*
 * An extra output (--output-format FMT[:BYTES]=FILE). Several formats come
 * from one run rather than from a renderer that reads the JSON report back:
 * every renderer works on the one in-memory report model, so the formats
 * agree by construction, and no second reader of the JSON (that would have
 * to rebuild every field the renderers use, and drift from the writer)
 * exists. The GitHub Action asks for its four outputs this way.
 */
struct extra_output {
	enum pc_format format;
	size_t max_bytes;
	const char *path;       /* "-": stdout */
};

static int parse_max_size(size_t *out, const char *value, const char *what)
{
	char *end;
	unsigned long long bytes;

	/* strtoull would take "-1" as the largest number: digits only */
	errno = 0;
	bytes = strtoull(value, &end, 10);
	if (*value < '0' || *value > '9' || *end || errno || bytes < PC_MAX_SIZE_MIN ||
	    bytes > PC_MAX_SIZE_MAX)
		return cli_usage_error("check", "%s needs a number of bytes from %d to %d, not '%s'",
				       what, PC_MAX_SIZE_MIN, PC_MAX_SIZE_MAX, value);
	*out = (size_t)bytes;
	return 0;
}

/* FMT[:BYTES]=FILE; FILE is everything after the first '=' */
static int parse_extra(struct extra_output *out, const char *value)
{
	const char *eq = strchr(value, '='), *colon;
	char *name = NULL;
	int status = 0;

	if (!eq || eq == value || !eq[1])
		return cli_usage_error("check", "--output-format needs FMT[:BYTES]=FILE, not '%s'",
				       value);
	name = pc_xstrndup(value, (size_t)(eq - value));
	out->max_bytes = 0;
	out->path = eq + 1;
	if ((colon = strchr(name, ':')) != NULL) {
		name[colon - name] = '\0';
		if ((status = parse_max_size(&out->max_bytes, colon + 1, "--output-format")) != 0)
			goto done;
	}
	if (pc_format_lookup(&out->format, name) < 0)
		status = cli_usage_error("check", "--output-format: %s", pc_error_message());
done:
	free(name);
	return status;
}

static int write_report(const char *path, const struct pc_buf *text)
{
	int error;

	if (path) {
		if ((error = pc_file_write_atomic(path, text->ptr, text->len)) < 0)
			return cli_fail(error);
	} else if (fwrite(text->ptr, 1, text->len, stdout) != text->len || fflush(stdout)) {
		fprintf(stderr, "promptcost: cannot write the report to stdout\n");
		return PC_EXIT_ERROR;
	}
	return 0;
}

int cmd_check(int argc, char **argv)
{
	struct pc_check_options options = { NULL, PC_COMPARE_WORKDIR, NULL, NULL, NULL, NULL,
					    false, false };
	struct pc_strlist verified = PC_STRLIST_INIT;
	struct pc_render_options render = { false, 0 };
	struct pc_check check;
	struct pc_buf out = PC_BUF_INIT;
	struct extra_output *extras = NULL;
	size_t nextras = 0;
	bool to_stdout;
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
		} else if (!strcmp(arg, "--no-cache")) {
			options.no_cache = true;
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
			if (r < 0 || (status = parse_max_size(&render.max_bytes, value, "--max-size")))
				goto done;
		} else if ((r = cli_option_value(&value, argc, argv, &i, "--output-format",
						 "check")) != 0) {
			if (r < 0)
				goto done;
			extras = pc_xrealloc(extras, (nextras + 1) * sizeof(*extras));
			if ((status = parse_extra(&extras[nextras], value)) != 0)
				goto done;
			nextras++;
		} else {
			status = cli_usage_error("check", "unknown argument '%s'", arg);
			goto done;
		}
	}
	status = PC_EXIT_INPUT; /* the parsers above set 0 on success */
	if (cli_compare_finish(&options, staged, "check") < 0)
		goto done;
	if (pc_format_lookup(&format, format_name) < 0) {
		status = cli_usage_error("check", "%s", pc_error_message());
		goto done;
	}
	/* one report on stdout at most: two would run together */
	to_stdout = !output;
	for (size_t i = 0; i < nextras; i++) {
		if (strcmp(extras[i].path, "-"))
			continue;
		if (to_stdout) {
			status = cli_usage_error("check", "only one report can go to stdout: give "
						 "--output FILE, or FILE for --output-format");
			goto done;
		}
		to_stdout = true;
	}
	options.verified = &verified;
	check.allow_unconfigured = true;
	/* quiet templates (quiet.h) are not news in any report but JSON, which lists them all */
	options.quiet = format != PC_FORMAT_JSON;
	for (size_t i = 0; i < nextras; i++)
		options.quiet = options.quiet && extras[i].format != PC_FORMAT_JSON;

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
	/* for tests and benchmarks: how much of the run the quiet snapshot (quiet.h) stood in for */
	if (getenv("PROMPTCOST_TRACE_QUIET"))
		fprintf(stderr, "promptcost: quiet: %zu templates priced from the snapshot, %zu "
			"collected\n", check.report.nquiet, check.report.ntemplates);
	if ((error = pc_report_render(&out, &check.report, format, &render)) < 0) {
		status = cli_fail(error);
		goto done;
	}
	cli_print_warnings();
	if ((status = write_report(output, &out)) != 0)
		goto done;
	for (size_t i = 0; i < nextras; i++) {
		struct pc_render_options extra = { false, extras[i].max_bytes };
		bool std = !strcmp(extras[i].path, "-");

		pc_buf_release(&out);
		if ((error = pc_report_render(&out, &check.report, extras[i].format, &extra)) < 0) {
			status = cli_fail(error);
			goto done;
		}
		if ((status = write_report(std ? NULL : extras[i].path, &out)) != 0)
			goto done;
	}
	status = check.report.verdict == PC_VERDICT_BLOCK ? PC_EXIT_BLOCKED : PC_EXIT_PASS;
done:
	pc_check_release(&check);
	pc_strlist_release(&verified);
	pc_buf_release(&out);
	free(extras);
	return status;
}
