/*
 * The command-line front end: one cmd_<name>() per subcommand. This folder is
 * the only code that prints to the terminal or exits; everything below it
 * returns codes and fills structs.
 */
#ifndef PROMPTCOST_CLI_H
#define PROMPTCOST_CLI_H

#include "promptcost/common.h"

/* Each returns the process exit status (PC_EXIT_...). argv[0] is the subcommand's name. */
int cmd_check(int argc, char **argv);
int cmd_tokens(int argc, char **argv);
int cmd_approve(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_install_hook(int argc, char **argv);
int cmd_models(int argc, char **argv);
int cmd_prices(int argc, char **argv);
int cmd_usage(int argc, char **argv);
int cmd_report(int argc, char **argv);

/*
 * Prints "promptcost: <message>" for the last error, then any collected
 * warnings, to stderr; returns the exit status for error.
 */
int cli_fail(int error);
/* Prints collected warnings to stderr as "promptcost: warning: ...". */
void cli_print_warnings(void);
/* Prints "promptcost <subcommand>: <usage message>" and returns PC_EXIT_INPUT. */
int cli_usage_error(const char *subcommand, const char *fmt, ...) PC_PRINTF(2, 3);

/*
 * Option parsing shared by the subcommands: when argv[*i] is `name VALUE` or
 * `name=VALUE`, stores VALUE, advances *i past it and returns 1; returns 0
 * when argv[*i] is another option; -1 (after printing a usage error) when the
 * value is missing.
 */
int cli_option_value(const char **value, int argc, char **argv, int *i, const char *name,
		     const char *subcommand);

struct pc_check_options;

/*
 * The options `check` and `approve` share: --staged (--cached), --base REV,
 * --head REV, --config FILE. Returns 1 when argv[*i] was one of them (and
 * consumed), 0 when not, -1 after printing a usage error.
 */
int cli_compare_option(struct pc_check_options *options, bool *staged, int argc, char **argv,
		       int *i, const char *subcommand);
/* Checks the shared options go together and sets options->mode; -1 after a usage error. */
int cli_compare_finish(struct pc_check_options *options, bool staged, const char *subcommand);

#endif
