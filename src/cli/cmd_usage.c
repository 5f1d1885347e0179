/*
 * `promptcost usage import | show | sync`: recorded usage into the store,
 * what the store holds, and the committed volumes file `check` reads
 * (.promptcost/volumes.yml), written from the store.
 */
#include "cli.h"

#include "promptcost/config.h"
#include "promptcost/git.h"
#include "promptcost/store.h"
#include "promptcost/volumes.h"
#include "promptcost/usage.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "promptcost/clickhouse.h"

#include <jansson.h>
#include <time.h>

#define VOLUMES_PATH PC_VOLUMES_PATH
#define DEFAULT_DAYS 30
#define MAX_DAYS 3660

static const char usage[] =
	"usage: promptcost usage import [--format F] [--store P] [--config F] [--skip-bad FILE] FILE...\n"
	"       promptcost usage import --from clickhouse://HOST[:PORT][/DB] [--preset P] [--since D]\n"
	"                 [--until D] [--credentials FILE] [--timeout S] [--table T] [--print-query]\n"
	"       promptcost usage show [--store P] [--format text|json]\n"
	"       promptcost usage sync [--days N] [--until DATE] [--store P] [--output F]\n"
	"\n"
	"Recorded usage: 'import' reads usage logs, or buckets a ClickHouse server sums, into\n"
	"a local store (one transaction; the same data twice counts once), 'show' says what\n"
	"it holds, 'sync' writes .promptcost/volumes.yml, which 'promptcost check' prices with.\n"
	"\n"
	"  --format F      import: native, litellm, langfuse, otlp or openai (default:\n"
	"                  from the content); show: text (default) or json\n"
	"  --config F      import: the configuration (default .promptcost.yml)\n"
	"  --skip-bad FILE import: set bad records aside in FILE, import the others\n"
	"  --from URL      import: from ClickHouse (clickhouses:// for HTTPS); --preset\n"
	"                  promptcost, langfuse or helicone; days default to the 30 to\n"
	"                  yesterday; credentials from --credentials FILE or\n"
	"                  $PROMPTCOST_CLICKHOUSE_USER/_PASSWORD, never the URL\n"
	"  --days N        sync: the window's length in days (default 30)\n"
	"  --until DATE    sync: its last day, YYYY-MM-DD (default: the last with records)\n"
	"  --output F      sync: write F instead\n"
	"  --store P       the store (default $PROMPTCOST_STORE, else\n"
	"                  <git-common-dir>/promptcost/usage.db, never committed)\n"
	"  -h, --help      this help\n"
	"exit status: 0 done, 2 usage, configuration or input error, 3 git, I/O, server or\n"
	"internal error (a store locked by another import)\n"
	"\n"
	"The manual: man promptcost-usage\n";

/* ---- shared -------------------------------------------------------------- */

/* Opens the repository around the current directory, or leaves *out NULL outside one. */
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

/* The store's path into out: --store, $PROMPTCOST_STORE, or the repository's default. */
static int store_path(struct pc_buf *out, const char *option, struct pc_repo *repo, bool create)
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
	pc_buf_adds(out, "/promptcost");
	if (create && mkdir(out->ptr, 0777) != 0 && errno != EEXIST)
		return pc_error_set(PC_EIO, "%s: cannot create: %s", out->ptr, strerror(errno));
	pc_buf_adds(out, "/usage.db");
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
		error = pc_error_set(PC_EINPUT, "%s: no configuration; import attributes records to "
				     "its templates and models (write one with 'promptcost init', "
				     "or name it with --config)", path.ptr);
	if (!error)
		error = pc_config_parse(out, option ? option : PC_CONFIG_PATH, text.ptr, text.len);
	pc_buf_release(&text);
	pc_buf_release(&path);
	return error;
}

/* 1234567 -> "1,234,567" */
static void add_count(struct pc_buf *b, int64_t v)
{
	char digits[32];
	size_t n, i;

	if (v < 0) {
		pc_buf_addch(b, '-');
		v = -v;
	}
	n = (size_t)snprintf(digits, sizeof(digits), "%" PRId64, v);
	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			pc_buf_addch(b, ',');
		pc_buf_addch(b, digits[i]);
	}
}

static char *count_text(int64_t v)
{
	struct pc_buf b = PC_BUF_INIT;

	add_count(&b, v);
	return pc_buf_detach(&b, NULL);
}

static void add_date(struct pc_buf *b, int64_t day)
{
	char text[11];

	pc_day_format(text, day);
	pc_buf_adds(b, text);
}

static char *date_text(int64_t day)
{
	char text[11];

	pc_day_format(text, day);
	return pc_xstrdup(text);
}

static int unknown_option(const char *sub, const char *arg)
{
	if (arg[0] == '-' && arg[1])
		return cli_usage_error(sub, "unknown option '%s'", arg);
	return cli_usage_error(sub, "unexpected argument '%s'", arg);
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

/* ---- import -------------------------------------------------------------- */

/* Prints what an import did (files and ClickHouse alike). */
static void print_import_summary(const struct pc_import_summary *s, const char *skip_bad,
				 const char *store_path_text, bool files)
{
	char *f = count_text((int64_t)s->files), *a = count_text((int64_t)s->files_already);
	char *rd = count_text((int64_t)s->read), *im = count_text((int64_t)s->imported);
	char *du = count_text((int64_t)s->duplicate), *sa = count_text((int64_t)s->set_aside);
	char *un = count_text((int64_t)s->unattributed);

	if (files)
		printf("files:        %s (%s imported before, skipped)\n", f, a);
	printf("read:         %s %s\n", rd, files ? "records" : "buckets");
	printf("imported:     %s\n", im);
	printf("duplicate:    %s (ids already in the store, not counted again)\n", du);
	if (files) {
		if (skip_bad)
			printf("set aside:    %s (in %s)\n", sa, skip_bad);
		else
			printf("set aside:    %s\n", sa);
	}
	printf("unattributed: %s (kept; they name no template of the configuration)\n", un);
	printf("store:        %s\n", store_path_text);
	free(f);
	free(a);
	free(rd);
	free(im);
	free(du);
	free(sa);
	free(un);
}

/* What `usage import --from` was told, checked before the store is opened. */
struct ch_request {
	struct pc_ch_source source;
	enum pc_ch_preset preset;
	int64_t since, until;    /* UTC days, inclusive */
};

/*
 * Checks --from's options (the days default to the 30 to yesterday: a day
 * still running would be imported half, and its bucket never again) and
 * reads the credentials. Returns an exit status; PC_EXIT_PASS to go on.
 */
static int clickhouse_prepare(struct ch_request *req, const char *url, const char *preset_opt,
			      const char *since_opt, const char *until_opt,
			      const char *credentials, const char *timeout_opt, const char *table)
{
	int64_t today = (int64_t)time(NULL) / 86400;
	int error;

	memset(req, 0, sizeof(*req));
	req->preset = PC_CH_PROMPTCOST;
	if (preset_opt && pc_ch_preset_lookup(&req->preset, preset_opt))
		return cli_usage_error("usage import", "unknown preset '%s' (expected promptcost, "
				       "langfuse or helicone)", preset_opt);
	req->until = today - 1;
	if (until_opt && !pc_day_parse(&req->until, until_opt))
		return cli_usage_error("usage import", "--until: expected a day, YYYY-MM-DD, not "
				       "'%s'", until_opt);
	req->since = req->until - (DEFAULT_DAYS - 1);
	if (since_opt && !pc_day_parse(&req->since, since_opt))
		return cli_usage_error("usage import", "--since: expected a day, YYYY-MM-DD, not "
				       "'%s'", since_opt);
	if (req->since > req->until)
		return cli_usage_error("usage import", "--since is after --until");
	if (req->until - req->since >= MAX_DAYS)
		return cli_usage_error("usage import", "a window of at most %d days", MAX_DAYS);
	if ((error = pc_ch_source_parse(&req->source, url)))
		return cli_fail(error);
	if (table) {
		if (!*table || strspn(table, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				      "0123456789_") != strlen(table))
			return cli_usage_error("usage import", "--table: letters, digits and '_', "
					       "not '%s'", table);
		req->source.table = pc_xstrdup(table);
	}
	if (timeout_opt) {
		char *end;
		long v = strtol(timeout_opt, &end, 10);

		if (!*timeout_opt || *end || v < 1 || v > 86400)
			return cli_usage_error("usage import", "--timeout: seconds, 1 to 86400, not "
					       "'%s'", timeout_opt);
		req->source.timeout_ms = v * 1000;
		if (req->source.connect_timeout_ms > req->source.timeout_ms)
			req->source.connect_timeout_ms = req->source.timeout_ms;
	}
	if ((error = pc_ch_credentials(&req->source, credentials, NULL)))
		return cli_fail(error);
	return PC_EXIT_PASS;
}

static int import_clickhouse(struct pc_store *store, const struct pc_import_options *options,
			     const struct ch_request *req, const char *url,
			     const char *store_path_text)
{
	struct pc_ch_transfer transfer;
	struct pc_import_summary s;
	char a[11], b[11];
	char *bytes, *rows;
	int error;

	if ((error = pc_ch_import(store, &req->source, req->preset, req->since, req->until,
				  options, &s, &transfer)))
		return cli_fail(error);
	cli_print_warnings();
	pc_day_format(a, req->since);
	pc_day_format(b, req->until);
	bytes = count_text((int64_t)transfer.bytes);
	rows = count_text((int64_t)transfer.rows);
	printf("source:       %s (%s preset), %s to %s\n", url, pc_ch_preset_name(req->preset), a,
	       b);
	printf("transferred:  %s bytes, %s buckets summed by the server\n", bytes, rows);
	free(bytes);
	free(rows);
	print_import_summary(&s, NULL, store_path_text, false);
	return PC_EXIT_PASS;
}

static int usage_import(int argc, char **argv)
{
	const char *store_opt = NULL, *config_opt = NULL, *format_opt = NULL, *skip_bad = NULL;
	const char *from = NULL, *preset = NULL, *since = NULL, *until = NULL;
	const char *credentials = NULL, *timeout = NULL, *table = NULL;
	bool print_query = false;
	struct pc_strlist files = PC_STRLIST_INIT;
	struct ch_request req;
	struct pc_import_options options;
	struct pc_import_summary s;
	struct pc_repo *repo = NULL;
	struct pc_config *config = NULL;
	struct pc_store *store = NULL;
	struct pc_buf path = PC_BUF_INIT;
	bool options_done = false;
	int error = 0, status = PC_EXIT_PASS, r;

	memset(&options, 0, sizeof(options));
	memset(&req, 0, sizeof(req));
	for (int i = 1; i < argc; i++) {
		if (!options_done && argv[i][0] == '-' && argv[i][1]) {
			if (!strcmp(argv[i], "--")) {
				options_done = true;
				continue;
			}
			if (is_help(argv[i])) {
				fputs(usage, stdout);
				goto done;
			}
			if (!strcmp(argv[i], "--print-query")) {
				print_query = true;
				continue;
			}
			if ((r = cli_option_value(&store_opt, argc, argv, &i, "--store", "usage import")) ||
			    (r = cli_option_value(&config_opt, argc, argv, &i, "--config", "usage import")) ||
			    (r = cli_option_value(&format_opt, argc, argv, &i, "--format", "usage import")) ||
			    (r = cli_option_value(&skip_bad, argc, argv, &i, "--skip-bad", "usage import")) ||
			    (r = cli_option_value(&from, argc, argv, &i, "--from", "usage import")) ||
			    (r = cli_option_value(&preset, argc, argv, &i, "--preset", "usage import")) ||
			    (r = cli_option_value(&since, argc, argv, &i, "--since", "usage import")) ||
			    (r = cli_option_value(&until, argc, argv, &i, "--until", "usage import")) ||
			    (r = cli_option_value(&credentials, argc, argv, &i, "--credentials",
						  "usage import")) ||
			    (r = cli_option_value(&timeout, argc, argv, &i, "--timeout", "usage import")) ||
			    (r = cli_option_value(&table, argc, argv, &i, "--table", "usage import"))) {
				if (r < 0) {
					status = PC_EXIT_INPUT;
					goto done;
				}
				continue;
			}
			status = unknown_option("usage import", argv[i]);
			goto done;
		}
		pc_strlist_push(&files, argv[i]);
	}
	if (from && files.n) {
		status = cli_usage_error("usage import", "--from imports from a server: name no "
					 "files with it");
		goto done;
	}
	if (from && (format_opt || skip_bad)) {
		status = cli_usage_error("usage import", "--format and --skip-bad are for files, "
					 "not --from");
		goto done;
	}
	if (!from && (preset || since || until || credentials || timeout || table || print_query)) {
		status = cli_usage_error("usage import", "--preset, --since, --until, --credentials, "
					 "--timeout, --table and --print-query go with --from");
		goto done;
	}
	if (!from && !files.n) {
		status = cli_usage_error("usage import", "name the files to import ('-' for stdin)");
		goto done;
	}
	options.format = PC_USAGE_AUTO;
	if (format_opt && pc_usage_format_lookup(&options.format, format_opt)) {
		status = cli_usage_error("usage import", "unknown format '%s' (expected native, "
					 "litellm, langfuse, otlp or openai)", format_opt);
		goto done;
	}
	options.skip_bad_path = skip_bad;
	if (from && (status = clickhouse_prepare(&req, from, preset, since, until, credentials,
						 timeout, table)) != PC_EXIT_PASS)
		goto done;
	if (print_query) { /* what would be sent; nothing is contacted or opened */
		if ((error = pc_ch_query(&path, &req.source, req.preset, req.since, req.until)))
			goto done;
		fputs(path.ptr, stdout);
		goto done;
	}
	if ((error = open_repo(&repo)) || (error = load_config(&config, config_opt, repo)) ||
	    (error = store_path(&path, store_opt, repo, true)) ||
	    (error = pc_store_open(&store, path.ptr, true)))
		goto done;
	options.config = config;
	options.repo = repo;
	if (from) {
		status = import_clickhouse(store, &options, &req, from, path.ptr);
		goto done;
	}
	if ((error = pc_store_import(store, (const char *const *)files.items, files.n, &options,
				     &s)))
		goto done;
	cli_print_warnings();
	print_import_summary(&s, skip_bad, path.ptr, true);
done:
	if (error)
		status = cli_fail(error);
	pc_store_close(store);
	pc_config_free(config);
	pc_repo_free(repo);
	pc_buf_release(&path);
	pc_strlist_release(&files);
	pc_ch_source_release(&req.source);
	return status;
}

/* ---- show ---------------------------------------------------------------- */

static const char *const kind_words[] = { "blob", "commit", "label" };

static const char *version_kind(const struct pc_store_version *v)
{
	return v->resolved ? kind_words[v->kind] : "unresolved";
}

static void show_text(const struct pc_store_summary *s, const char *path)
{
	struct pc_buf b = PC_BUF_INIT;

	pc_buf_addf(&b, "store: %s\n", path);
	if (s->empty) {
		pc_buf_adds(&b, "no records yet (import some: promptcost usage import FILE)\n");
		goto out;
	}
	pc_buf_adds(&b, "window: ");
	add_date(&b, s->first_day);
	pc_buf_adds(&b, " to ");
	add_date(&b, s->last_day);
	pc_buf_addf(&b, " (%" PRId64 " days)\nrecords: ", s->last_day - s->first_day + 1);
	add_count(&b, s->records);
	pc_buf_adds(&b, ", calls: ");
	add_count(&b, s->calls);
	pc_buf_adds(&b, ", unattributed records: ");
	add_count(&b, s->unattributed_records);
	pc_buf_addf(&b, "\nfiles imported: %" PRId64 ", record ids remembered: ", s->files);
	add_count(&b, s->record_ids);
	pc_buf_adds(&b, "\n");
	for (size_t i = 0; i < s->ntemplates; i++) {
		const struct pc_store_template *t = &s->templates[i];

		pc_buf_adds(&b, "\n");
		if (t->attributed) {
			pc_buf_add_visible(&b, t->template);
		} else if (t->template) {
			pc_buf_adds(&b, "unattributed (names '");
			pc_buf_add_visible(&b, t->template);
			pc_buf_adds(&b, "', not a template of the configuration)");
		} else {
			pc_buf_adds(&b, "unattributed (names no template)");
		}
		pc_buf_adds(&b, "\n  days:     ");
		add_date(&b, t->first_day);
		pc_buf_adds(&b, " to ");
		add_date(&b, t->last_day);
		pc_buf_adds(&b, "\n  records:  ");
		add_count(&b, t->records);
		pc_buf_adds(&b, "\n  calls:    ");
		add_count(&b, t->calls);
		pc_buf_adds(&b, " (");
		add_count(&b, t->response_cache_hits);
		pc_buf_adds(&b, " response-cache hits)\n  input:    ");
		add_count(&b, t->input_tokens);
		pc_buf_adds(&b, " tokens (");
		add_count(&b, t->cached_input_tokens);
		pc_buf_adds(&b, " cached, ");
		add_count(&b, t->cache_write_tokens);
		pc_buf_adds(&b, " cache writes)\n  output:   ");
		add_count(&b, t->output_tokens);
		pc_buf_adds(&b, " tokens\n");
		for (size_t k = 0; k < t->nversions; k++) {
			const struct pc_store_version *v = &t->versions[k];

			pc_buf_adds(&b, "  version ");
			pc_buf_add_visible(&b, v->version);
			pc_buf_addf(&b, " (%s) ", version_kind(v));
			if (v->commit)
				pc_buf_addf(&b, "-> commit %.12s", v->commit);
			else if (v->resolved && v->kind == PC_VERSION_LABEL)
				pc_buf_adds(&b, "-> no commit (a label)");
			else if (v->resolved)
				pc_buf_adds(&b, "-> no commit of HEAD's history");
			else
				pc_buf_adds(&b, "-> not resolved (imported outside the repository)");
			pc_buf_adds(&b, ": ");
			add_count(&b, v->calls);
			pc_buf_adds(&b, " calls, ");
			add_date(&b, v->first_day);
			pc_buf_adds(&b, " to ");
			add_date(&b, v->last_day);
			pc_buf_adds(&b, "\n");
		}
	}
out:
	fputs(b.ptr, stdout);
	pc_buf_release(&b);
}

static json_t *date_json(int64_t day)
{
	char *t = date_text(day);
	json_t *j = json_string(t);

	free(t);
	return j;
}

static int show_json(const struct pc_store_summary *s, const char *path)
{
	json_t *root = json_object(), *templates = json_array();
	char *text;

	json_object_set_new(root, "schema", json_string("promptcost/usage-show/v1"));
	json_object_set_new(root, "store", json_string(path));
	if (s->empty) {
		json_object_set_new(root, "window", json_null());
	} else {
		json_t *w = json_object();

		json_object_set_new(w, "from", date_json(s->first_day));
		json_object_set_new(w, "until", date_json(s->last_day));
		json_object_set_new(w, "days", json_integer(s->last_day - s->first_day + 1));
		json_object_set_new(root, "window", w);
	}
	json_object_set_new(root, "records", json_integer(s->records));
	json_object_set_new(root, "calls", json_integer(s->calls));
	json_object_set_new(root, "unattributed_records", json_integer(s->unattributed_records));
	json_object_set_new(root, "unattributed_calls", json_integer(s->unattributed_calls));
	json_object_set_new(root, "files_imported", json_integer(s->files));
	json_object_set_new(root, "record_ids", json_integer(s->record_ids));
	for (size_t i = 0; i < s->ntemplates; i++) {
		const struct pc_store_template *t = &s->templates[i];
		json_t *o = json_object(), *versions = json_array();

		json_object_set_new(o, "template", t->template ? json_string(t->template) : json_null());
		json_object_set_new(o, "attributed", json_boolean(t->attributed));
		json_object_set_new(o, "first_day", date_json(t->first_day));
		json_object_set_new(o, "last_day", date_json(t->last_day));
		json_object_set_new(o, "records", json_integer(t->records));
		json_object_set_new(o, "calls", json_integer(t->calls));
		json_object_set_new(o, "response_cache_hits", json_integer(t->response_cache_hits));
		json_object_set_new(o, "input_tokens", json_integer(t->input_tokens));
		json_object_set_new(o, "cached_input_tokens", json_integer(t->cached_input_tokens));
		json_object_set_new(o, "cache_write_tokens", json_integer(t->cache_write_tokens));
		json_object_set_new(o, "output_tokens", json_integer(t->output_tokens));
		for (size_t k = 0; k < t->nversions; k++) {
			const struct pc_store_version *v = &t->versions[k];
			json_t *vo = json_object();

			json_object_set_new(vo, "version", json_string(v->version));
			json_object_set_new(vo, "kind", json_string(version_kind(v)));
			json_object_set_new(vo, "commit", v->commit ? json_string(v->commit) : json_null());
			json_object_set_new(vo, "records", json_integer(v->records));
			json_object_set_new(vo, "calls", json_integer(v->calls));
			json_object_set_new(vo, "first_day", date_json(v->first_day));
			json_object_set_new(vo, "last_day", date_json(v->last_day));
			json_array_append_new(versions, vo);
		}
		json_object_set_new(o, "versions", versions);
		json_array_append_new(templates, o);
	}
	json_object_set_new(root, "templates", templates);
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return pc_error_set(PC_EINTERNAL, "cannot write the JSON");
	puts(text);
	free(text);
	return 0;
}

static int usage_show(int argc, char **argv)
{
	const char *store_opt = NULL, *format = "text";
	struct pc_repo *repo = NULL;
	struct pc_store *store = NULL;
	struct pc_store_summary *summary = NULL;
	struct pc_buf path = PC_BUF_INIT;
	int error = 0, status = PC_EXIT_PASS, r;

	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(usage, stdout);
			goto done;
		}
		if ((r = cli_option_value(&store_opt, argc, argv, &i, "--store", "usage show")) ||
		    (r = cli_option_value(&format, argc, argv, &i, "--format", "usage show"))) {
			if (r < 0) {
				status = PC_EXIT_INPUT;
				goto done;
			}
			continue;
		}
		status = unknown_option("usage show", argv[i]);
		goto done;
	}
	if (strcmp(format, "text") && strcmp(format, "json")) {
		status = cli_usage_error("usage show", "unknown format '%s' (expected text or json)",
					 format);
		goto done;
	}
	if ((error = open_repo(&repo)) || (error = store_path(&path, store_opt, repo, false)) ||
	    (error = pc_store_open(&store, path.ptr, false)) ||
	    (error = pc_store_describe(&summary, store)))
		goto done;
	if (!strcmp(format, "json"))
		error = show_json(summary, path.ptr);
	else
		show_text(summary, path.ptr);
done:
	if (error)
		status = cli_fail(error);
	pc_store_summary_free(summary);
	pc_store_close(store);
	pc_repo_free(repo);
	pc_buf_release(&path);
	return status;
}

/* ---- sync ---------------------------------------------------------------- */

/*
 * The window [from, until] of the store as volumes.yml's figures: templates
 * sorted by id (the store's order), unattributed records counted in
 * `records` only. Deterministic: nothing but the store's figures goes in.
 */
static void volumes_of(struct pc_volumes *vol, const struct pc_template_usage *u, size_t n,
		       int64_t from, int64_t until)
{
	memset(vol, 0, sizeof(*vol));
	pc_day_format(vol->from, from);
	pc_day_format(vol->until, until);
	vol->days = until - from + 1;
	vol->entries = pc_xcalloc(n ? n : 1, sizeof(*vol->entries));
	for (size_t i = 0; i < n; i++) {
		struct pc_volume *v;

		vol->records += u[i].records;
		if (!u[i].template)
			continue; /* unattributed: in `records`, never a template */
		vol->entries[vol->n].template = u[i].template;
		v = &vol->entries[vol->n++].volume;
		v->source = PC_SPEND_RECORDED;
		v->days = until - u[i].first_day + 1;
		v->calls = u[i].calls;
		v->response_cache_hits = u[i].response_cache_hits;
		v->input_tokens = u[i].input_tokens;
		v->cached_input_tokens = u[i].cached_input_tokens;
		v->cache_write_tokens = u[i].cache_write_tokens;
		v->output_tokens = u[i].output_tokens;
		v->records = u[i].records;
	}
}

static int parent_dirs(const char *path)
{
	struct pc_buf dir = PC_BUF_INIT;
	int error = 0;

	pc_buf_adds(&dir, path);
	for (size_t i = 1; i < dir.len && !error; i++) {
		if (dir.ptr[i] != '/')
			continue;
		dir.ptr[i] = '\0';
		if (mkdir(dir.ptr, 0777) != 0 && errno != EEXIST)
			error = pc_error_set(PC_EIO, "%s: cannot create: %s", dir.ptr, strerror(errno));
		dir.ptr[i] = '/';
	}
	pc_buf_release(&dir);
	return error;
}

static int usage_sync(int argc, char **argv)
{
	const char *store_opt = NULL, *days_opt = NULL, *until_opt = NULL, *output_opt = NULL;
	struct pc_repo *repo = NULL;
	struct pc_store *store = NULL;
	struct pc_template_usage *u = NULL;
	struct pc_buf path = PC_BUF_INIT, out_path = PC_BUF_INIT, text = PC_BUF_INIT;
	int64_t days = DEFAULT_DAYS, until, from;
	size_t n = 0, ntemplates = 0;
	int error = 0, status = PC_EXIT_PASS, r;

	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(usage, stdout);
			goto done;
		}
		if ((r = cli_option_value(&store_opt, argc, argv, &i, "--store", "usage sync")) ||
		    (r = cli_option_value(&days_opt, argc, argv, &i, "--days", "usage sync")) ||
		    (r = cli_option_value(&until_opt, argc, argv, &i, "--until", "usage sync")) ||
		    (r = cli_option_value(&output_opt, argc, argv, &i, "--output", "usage sync"))) {
			if (r < 0) {
				status = PC_EXIT_INPUT;
				goto done;
			}
			continue;
		}
		status = unknown_option("usage sync", argv[i]);
		goto done;
	}
	if (days_opt) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(days_opt, &end, 10);
		if (!*days_opt || *end || errno || v < 1 || v > MAX_DAYS || days_opt[0] == '+') {
			status = cli_usage_error("usage sync", "--days must be a whole number of days, "
						 "1 to %d (not '%s')", MAX_DAYS, days_opt);
			goto done;
		}
		days = v;
	}
	if (until_opt && !pc_day_parse(&until, until_opt)) {
		status = cli_usage_error("usage sync", "--until must be a date YYYY-MM-DD (not '%s')",
					 until_opt);
		goto done;
	}
	if ((error = open_repo(&repo)) || (error = store_path(&path, store_opt, repo, false)))
		goto done;
	if (output_opt) {
		pc_buf_adds(&out_path, output_opt);
	} else if (repo && pc_repo_workdir(repo)) {
		pc_buf_addf(&out_path, "%s%s", pc_repo_workdir(repo), VOLUMES_PATH);
	} else {
		error = pc_error_set(PC_EINPUT, "not inside a git repository's working tree: say "
				     "where to write with --output FILE");
		goto done;
	}
	if ((error = pc_store_open(&store, path.ptr, false)))
		goto done;
	if (!until_opt) {
		error = pc_store_last_day(&until, store);
		if (error == PC_ENOTFOUND)
			error = pc_error_set(PC_EINPUT, "%s: the store holds no records; import some "
					     "first (promptcost usage import FILE)", path.ptr);
		if (error)
			goto done;
	}
	from = until - days + 1;
	if ((error = pc_store_template_usage(store, from, until, &u, &n)))
		goto done;
	{
		struct pc_volumes vol;

		volumes_of(&vol, u, n, from, until);
		pc_volumes_write(&text, &vol);
		free(vol.entries); /* the template names are u's */
	}
	if ((error = parent_dirs(out_path.ptr)) ||
	    (error = pc_file_write_atomic(out_path.ptr, text.ptr, text.len)))
		goto done;
	for (size_t i = 0; i < n; i++)
		ntemplates += u[i].template != NULL;
	{
		char *a = date_text(from), *b = date_text(until);

		printf("wrote %s: %zu template%s, window %s to %s (%" PRId64 " days)\n",
		       output_opt ? output_opt : VOLUMES_PATH, ntemplates, ntemplates == 1 ? "" : "s",
		       a, b, days);
		free(a);
		free(b);
	}
	if (n && !u[n - 1].template)
		printf("note: %" PRId64 " unattributed records in the window are counted in "
		       "'records' only\n", u[n - 1].records);
done:
	if (error)
		status = cli_fail(error);
	pc_template_usage_free(u, n);
	pc_store_close(store);
	pc_repo_free(repo);
	pc_buf_release(&text);
	pc_buf_release(&out_path);
	pc_buf_release(&path);
	return status;
}

int cmd_usage(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return PC_EXIT_INPUT;
	}
	if (is_help(argv[1]) || !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return PC_EXIT_PASS;
	}
	if (!strcmp(argv[1], "import"))
		return usage_import(argc - 1, argv + 1);
	if (!strcmp(argv[1], "show"))
		return usage_show(argc - 1, argv + 1);
	if (!strcmp(argv[1], "sync"))
		return usage_sync(argc - 1, argv + 1);
	return cli_usage_error("usage", "unknown subcommand '%s' (expected import, show or sync)",
			       argv[1]);
}
