/*
 * `promptcost tokens`: counts the tokens of files or stdin (like wc, one line
 * per file and a total), or prints their token ids, in an OpenAI encoding
 * chosen by name or by model. Built to start and finish in a few milliseconds.
 */
#include "cli.h"
#include "promptcost/tokenizer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Larger inputs are refused rather than read: nobody bills a gigabyte prompt. */
#define MAX_INPUT_BYTES ((size_t)1 << 30)

#define SYNOPSIS "usage: promptcost tokens [--encoding ENC | --model NAME] [--ids] [FILE...]"

static const char usage[] =
	SYNOPSIS "\n"
	"\n"
	"Counts the tokens of each FILE (none, or '-': standard input) exactly as\n"
	"OpenAI's tiktoken does: 'COUNT<TAB>PATH' per file, a 'total' line for several.\n"
	"\n"
	"  --encoding ENC   o200k_base (the default) or cl100k_base\n"
	"  --model NAME     the encoding of a model as tiktoken maps it (gpt-4o*, gpt-4*...)\n"
	"  --ids            print the token ids, one per line, instead of counts\n"
	"  --               the arguments after it are files\n"
	"  -h, --help       this help\n"
	"\n"
	"exit status: 0 counted, 2 usage error, unknown encoding or model, no such file,\n"
	"an input over 1 GiB, 3 a file or output that cannot be read or written\n"
	"\n"
	"The manual: man promptcost-tokens\n";

struct tokens_opts {
	enum pc_encoding enc;
	const char *encoding_name;
	const char *model;
	bool ids;
	/* Borrowed from argv; "-" is standard input. */
	const char **files;
	size_t n_files;
};

/* The value of "--name VALUE" or "--name=VALUE" at argv[*i], or NULL if argv[*i] is not --name. */
static const char *option_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
	size_t len = strlen(name);
	const char *arg = argv[*i];

	if (strncmp(arg, name, len))
		return NULL;
	if (arg[len] == '=')
		return arg + len + 1;
	if (arg[len] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

/* Fills opts from argv; returns -1 after printing --help, or an exit status > 0 on a usage error. */
static int parse_args(struct tokens_opts *opts, int argc, char **argv)
{
	bool only_files = false;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *value;
		bool missing = false;

		if (only_files || arg[0] != '-' || !strcmp(arg, "-")) {
			opts->files[opts->n_files++] = arg;
		} else if (!strcmp(arg, "--")) {
			only_files = true;
		} else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(usage, stdout);
			return -1;
		} else if (!strcmp(arg, "--ids")) {
			opts->ids = true;
		} else if ((value = option_value(argc, argv, &i, "--encoding", &missing))) {
			opts->encoding_name = value;
		} else if ((value = option_value(argc, argv, &i, "--model", &missing))) {
			opts->model = value;
		} else if (missing) {
			return cli_usage_error(argv[0], "option '%s' needs a value", arg);
		} else {
			return cli_usage_error(argv[0], "unknown option '%s'", arg);
		}
	}
	if (opts->encoding_name && opts->model)
		return cli_usage_error(argv[0], "--encoding and --model cannot be used together");
	return 0;
}

static int read_input(struct pc_buf *out, const char *path)
{
	int error;

	pc_buf_reset(out);
	if (!strcmp(path, "-"))
		return pc_fd_read(out, STDIN_FILENO, "standard input", MAX_INPUT_BYTES);
	error = pc_file_read(out, path, MAX_INPUT_BYTES);
	if (error == PC_ENOTFOUND)
		return pc_error_set(PC_EINPUT, "no such file '%s'", path);
	return error;
}

/* Writes ids one per line through stdio's (enlarged) buffer; printf per id would dominate. */
static void print_ids(const uint32_t *ids, size_t n)
{
	char line[16];

	for (size_t i = 0; i < n; i++) {
		char *p = line + sizeof(line);
		uint32_t id = ids[i];

		*--p = '\n';
		do {
			*--p = (char)('0' + id % 10);
			id /= 10;
		} while (id);
		fwrite(p, 1, (size_t)(line + sizeof(line) - p), stdout);
	}
}

static int run(const struct tokens_opts *opts)
{
	struct pc_buf text = PC_BUF_INIT;
	uint32_t *ids = NULL;
	size_t total_tokens = 0;
	int error = 0;

	for (size_t i = 0; i < opts->n_files; i++) {
		const char *path = opts->files[i];

		if ((error = read_input(&text, path)) < 0)
			goto done;
		if (opts->ids) {
			size_t n_ids;

			pc_tokens_encode(&ids, &n_ids, opts->enc, text.ptr, text.len);
			print_ids(ids, n_ids);
			free(ids);
			ids = NULL;
		} else {
			size_t n_tokens = pc_tokens_count(opts->enc, text.ptr, text.len);

			total_tokens += n_tokens;
			if (opts->n_files == 1 && !strcmp(path, "-"))
				printf("%zu\n", n_tokens);
			else
				printf("%zu\t%s\n", n_tokens, path);
		}
	}
	if (!opts->ids && opts->n_files > 1)
		printf("%zu\ttotal\n", total_tokens);

done:
	free(ids);
	pc_buf_release(&text);
	return error;
}

int cmd_tokens(int argc, char **argv)
{
	static char out_buffer[1 << 16];
	const char *stdin_only[] = { "-" };
	struct tokens_opts opts = { PC_ENC_O200K_BASE, NULL, NULL, false, NULL, 0 };
	int status, error;

	/* argc - 1 bounds the number of files; at least one slot for "-". */
	opts.files = pc_xcalloc((size_t)argc, sizeof(*opts.files));
	if ((status = parse_args(&opts, argc, argv)) != 0) {
		free(opts.files);
		return status < 0 ? PC_EXIT_PASS : status;
	}
	if (opts.n_files == 0) {
		free(opts.files);
		opts.files = stdin_only;
		opts.n_files = 1;
	}
	setvbuf(stdout, out_buffer, _IOFBF, sizeof(out_buffer));

	if (opts.model)
		error = pc_encoding_for_model(&opts.enc, opts.model);
	else if (opts.encoding_name)
		error = pc_encoding_lookup(&opts.enc, opts.encoding_name);
	else
		error = 0;
	if (!error)
		error = run(&opts);

	/* Counts already printed stay printed: flush them before any error line. */
	if (fflush(stdout) || ferror(stdout)) {
		if (!error)
			error = pc_error_set(PC_EIO, "cannot write to standard output: %s",
					     strerror(errno));
	}
	if (opts.files != stdin_only)
		free(opts.files);
	return error ? cli_fail(error) : PC_EXIT_PASS;
}
