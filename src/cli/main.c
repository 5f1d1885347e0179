/*
 * promptcost's entry point: global options and dispatch to the subcommands.
 */
#include "cli.h"

#include "promptcost/check.h"
#include "version.h" /* PC_VERSION, generated from the VERSION file */

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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
	"  models         the built-in price catalog: models, encodings, dated prices\n"
	"  prices import  a genai-prices or LiteLLM price file as .promptcost.yml models\n"
	"  init           write a commented starter .promptcost.yml\n"
	"  install-hook   install the pre-commit hook into this repository\n"
	"  usage          recorded usage: import logs, show the store, sync volumes.yml\n"
	"  report         the spend report of a period: posture, budgets, spikes, showback\n"
	"\n"
	"options:\n"
	"  -h, --help     this help; 'promptcost help <command>' (or 'promptcost <command>\n"
	"                 --help') for a command's own\n"
	"  --version      print the version\n"
	"\n"
	"exit status, for every command:\n"
	"  0  pass (warnings allowed)\n"
	"  1  blocked by policy\n"
	"  2  usage, configuration or input error\n"
	"  3  git, I/O or internal error\n"
	"\n"
	"The manual: man promptcost (and man promptcost-<command>, man promptcost.yml)\n";

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "check", cmd_check },
	{ "tokens", cmd_tokens },
	{ "approve", cmd_approve },
	{ "init", cmd_init },
	{ "install-hook", cmd_install_hook },
	{ "models", cmd_models },
	{ "prices", cmd_prices },
	{ "usage", cmd_usage },
	{ "report", cmd_report },
};

int cli_fail(int error)
{
	struct pc_buf line = PC_BUF_INIT;

	cli_print_warnings();
	/* messages quote file names and ids from the head: escape control characters */
	pc_buf_add_visible(&line, *pc_error_message() ? pc_error_message() : "unknown error");
	fprintf(stderr, "promptcost: %s\n", line.ptr);
	pc_buf_release(&line);
	return pc_exit_code(error);
}

void cli_print_warnings(void)
{
	for (size_t i = 0; i < pc_warning_count(); i++) {
		struct pc_buf line = PC_BUF_INIT;

		pc_buf_add_visible(&line, pc_warning(i));
		fprintf(stderr, "promptcost: warning: %s\n", line.ptr);
		pc_buf_release(&line);
	}
	pc_warnings_clear();
}

int cli_usage_error(const char *subcommand, const char *fmt, ...)
{
	struct pc_buf msg = PC_BUF_INIT, line = PC_BUF_INIT;
	va_list ap;

	/* one line, as promptcost(1) promises; arguments are escaped */
	va_start(ap, fmt);
	pc_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	pc_buf_add_visible(&line, msg.ptr);
	fprintf(stderr, "promptcost %s: %s (see 'promptcost %s --help')\n", subcommand, line.ptr,
		subcommand);
	pc_buf_release(&msg);
	pc_buf_release(&line);
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

int cli_compare_option(struct pc_check_options *options, bool *staged, int argc, char **argv,
		       int *i, const char *subcommand)
{
	int r;

	if (!strcmp(argv[*i], "--staged") || !strcmp(argv[*i], "--cached")) {
		*staged = true;
		return 1;
	}
	if ((r = cli_option_value(&options->base_rev, argc, argv, i, "--base", subcommand)) ||
	    (r = cli_option_value(&options->head_rev, argc, argv, i, "--head", subcommand)) ||
	    (r = cli_option_value(&options->config_path, argc, argv, i, "--config", subcommand)))
		return r;
	return 0;
}

int cli_compare_finish(struct pc_check_options *options, bool staged, const char *subcommand)
{
	if (staged && options->base_rev) {
		cli_usage_error(subcommand, "--staged and --base cannot be used together");
		return -1;
	}
	if (options->head_rev && !options->base_rev) {
		cli_usage_error(subcommand, "--head needs --base");
		return -1;
	}
	options->mode = options->base_rev ? PC_COMPARE_RANGE
					  : staged ? PC_COMPARE_STAGED : PC_COMPARE_WORKDIR;
	return 0;
}

/*
 * The heap in transparent huge pages where the system allows them (THP
 * "madvise" or "always"): a check of 1,000 templates touches some 4 MB of
 * heap, and on a virtual machine every 4 KB page's first touch costs about
 * 2 us in the kernel, a quarter of the check; two 2 MB pages cost a tenth
 * of that. The heap is grown in one step of HEAP_RESERVE (address space;
 * only what is touched is memory) and kept whole, large blocks included,
 * so that freed memory is reused rather than returned and touched afresh.
 * Not under a sanitizer, whose allocator is its own.
 */
#define HEAP_RESERVE (32u << 20)
static void *volatile heap_filler; /* volatile: the block must be made */
static void heap_in_huge_pages(void)
{
#if !defined(__SANITIZE_ADDRESS__)
	uintptr_t huge = 2u << 20, start, end, at;
	void *first;

	mallopt(M_MMAP_THRESHOLD, HEAP_RESERVE);
	mallopt(M_TRIM_THRESHOLD, HEAP_RESERVE);
	mallopt(M_TOP_PAD, HEAP_RESERVE);
	if (!(first = malloc(1)))
		return;
	at = (uintptr_t)first;
	start = (at + huge - 1) & ~(huge - 1);
	end = (uintptr_t)sbrk(0) & ~(huge - 1);
	if (end > start) {
		(void)madvise((void *)start, end - start, MADV_HUGEPAGE);
		/*
		 * What lies before the first 2 MB boundary would be small
		 * pages: a block that is never touched nor freed takes it, so
		 * that the heap's blocks start on the boundary.
		 */
		if (start - at > 4096)
			heap_filler = malloc(start - at - 64);
	}
	free(first);
#endif
}

int main(int argc, char **argv)
{
	heap_in_huge_pages();
	if (argc < 2) {
		fputs("promptcost: a command is needed (see 'promptcost --help')\n", stderr);
		return PC_EXIT_INPUT;
	}
	if (!strcmp(argv[1], "help") && argc > 2) {
		/* promptcost help CMD: that command's own help */
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (!strcmp(argv[2], commands[i].name)) {
				char *help_argv[] = { argv[2], (char *)"--help", NULL };

				return commands[i].run(2, help_argv);
			}
		fprintf(stderr, "promptcost: no command '%s' (see 'promptcost --help')\n", argv[2]);
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
	{
		struct pc_buf name = PC_BUF_INIT;

		pc_buf_add_visible(&name, argv[1]);
		fprintf(stderr, "promptcost: unknown command '%s' (see 'promptcost --help')\n",
			name.ptr);
		pc_buf_release(&name);
	}
	return PC_EXIT_INPUT;
}
