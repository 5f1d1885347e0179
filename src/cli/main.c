/*
 * promptcost's entry point: global options and dispatch to the subcommands.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
	"usage: promptcost <command> [options]\n"
	"\n"
	"Treats a prompt-template change as a cost event: diffs prompt templates between\n"
	"git revisions, counts tokens exactly as the model's tokenizer does, and projects\n"
	"the monthly cost change against team budgets.\n"
	"\n"
	"commands:\n"
	"  check          report the cost of a change (working tree, --staged, or --base REV)\n"
	"  tokens         count tokens of files or stdin (--encoding, --model, --ids)\n"
	"  approve        record a release manager's approval of the cost events of a change\n"
	"  init           write a commented starter .promptcost.yml\n"
	"  install-hook   install the pre-commit hook into this repository\n"
	"\n"
	"options:\n"
	"  -h, --help     this help; 'promptcost <command> --help' for a command's own\n"
	"  --version      print the version\n"
	"\n"
	"exit status, for every command:\n"
	"  0  pass (warnings allowed)\n"
	"  1  blocked by policy\n"
	"  2  usage, configuration or input error\n"
	"  3  git, I/O or internal error\n";

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "check", cmd_check },
	{ "tokens", cmd_tokens },
	{ "approve", cmd_approve },
	{ "init", cmd_init },
	{ "install-hook", cmd_install_hook },
};

int cli_fail(int error)
{
	cli_print_warnings();
	fprintf(stderr, "promptcost: %s\n",
		*pc_error_message() ? pc_error_message() : "unknown error");
	return pc_exit_code(error);
}

void cli_print_warnings(void)
{
	for (size_t i = 0; i < pc_warning_count(); i++)
		fprintf(stderr, "promptcost: warning: %s\n", pc_warning(i));
	pc_warnings_clear();
}

int cli_usage_error(const char *subcommand, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "promptcost %s: ", subcommand);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see 'promptcost %s --help')\n", subcommand);
	return PC_EXIT_INPUT;
}

int cli_option_value(const char **value, int argc, char **argv, int *i, const char *name,
		     const char *subcommand)
{
	size_t len = strlen(name);
	const char *arg = argv[*i];

	if (strncmp(arg, name, len))
		return 0;
	if (arg[len] == '=') {
		*value = arg + len + 1;
		return 1;
	}
	if (arg[len])
		return 0;
	if (*i + 1 >= argc) {
		cli_usage_error(subcommand, "%s needs a value", name);
		return -1;
	}
	*value = argv[++*i];
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return PC_EXIT_INPUT;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return PC_EXIT_PASS;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("promptcost %s\n", PC_VERSION);
		return PC_EXIT_PASS;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "promptcost: unknown command '%s' (see 'promptcost --help')\n", argv[1]);
	return PC_EXIT_INPUT;
}
