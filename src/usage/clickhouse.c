/*
 * Usage in ClickHouse (clickhouse.h): the only user of libcurl.
 *
 * The query sums in the engine and returns buckets as TabSeparated, read
 * as they arrive (memory does not grow with the answer: a year of hourly
 * buckets is millions of rows) straight into the store's import, which
 * commits only at the end. The server is asked to finish the query before
 * it answers (wait_end_of_query=1), so an error is an HTTP error, not a
 * message appended to half an answer; and the query asks WITH TOTALS, whose
 * row ClickHouse writes last, after an empty line: an answer is complete
 * only when that row came and its sums equal the sums of the rows read, so
 * a connection dropped midway (or a row lost) is refused and the import
 * rolled back. (JSONCompact, tried first, ends with a row count too, but
 * parsing it whole held 16 bytes of tree per byte of answer.)
 *
 * ClickHouse's HTTP interface, as read for 18.16 (Debian's package) and
 * current releases: https://clickhouse.com/docs/en/interfaces/http (the
 * query in the POST body, `database` and settings as URL parameters, basic
 * authentication, HTTP 500 with "Code: N, e.displayText() = ..." on error).
 */
#include "promptcost/clickhouse.h"

#include <curl/curl.h>
#include <dlfcn.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A bucket's line longer than this is not ClickHouse's answer to our query. */
#define MAX_LINE (1u << 20)

static const char *const preset_names[] = {
	[PC_CH_PROMPTCOST] = "promptcost",
	[PC_CH_LANGFUSE] = "langfuse",
	[PC_CH_HELICONE] = "helicone",
};

int pc_ch_preset_lookup(enum pc_ch_preset *out, const char *name)
{
	for (size_t i = 0; i < sizeof(preset_names) / sizeof(preset_names[0]); i++) {
		if (!strcmp(name, preset_names[i])) {
			*out = (enum pc_ch_preset)i;
			return 0;
		}
	}
	return PC_ENOTFOUND;
}

const char *pc_ch_preset_name(enum pc_ch_preset preset)
{
	return (size_t)preset < sizeof(preset_names) / sizeof(preset_names[0])
		       ? preset_names[preset]
		       : "unknown";
}

/* ---- libcurl, loaded when a server is asked ---------------------------- */

/*
 * libcurl is loaded with dlopen() on the first import from a server, not
 * linked: linked, its dozen dependencies (nghttp2, libssh2, LDAP, Kerberos,
 * libpsl, libidn2...) cost every run of promptcost about 11 million
 * instructions of symbol lookups before main() (measured with callgrind:
 * 2.2M for `promptcost --version` without it, 13.7M with), which the
 * pre-commit hook would pay on every commit. The header still gives the
 * types and constants; only these entry points are looked up.
 */
static struct {
	bool tried, ok;
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
	CURLcode (*easy_perform)(CURL *curl);
	CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *curl);
	const char *(*easy_strerror)(CURLcode code);
} curl;

static int load_curl(void)
{
	void *lib;

	if (curl.tried)
		goto out;
	curl.tried = true;
	if (!(lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL)))
		goto out;
	*(void **)&curl.global_init = dlsym(lib, "curl_global_init");
	*(void **)&curl.easy_init = dlsym(lib, "curl_easy_init");
	*(void **)&curl.easy_setopt = dlsym(lib, "curl_easy_setopt");
	*(void **)&curl.easy_perform = dlsym(lib, "curl_easy_perform");
	*(void **)&curl.easy_getinfo = dlsym(lib, "curl_easy_getinfo");
	*(void **)&curl.easy_cleanup = dlsym(lib, "curl_easy_cleanup");
	*(void **)&curl.easy_strerror = dlsym(lib, "curl_easy_strerror");
	curl.ok = curl.global_init && curl.easy_init && curl.easy_setopt && curl.easy_perform &&
		  curl.easy_getinfo && curl.easy_cleanup && curl.easy_strerror &&
		  curl.global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
out:
	if (!curl.ok)
		return pc_error_set(PC_EIO, "importing from ClickHouse needs libcurl, which is not "
				    "installed here (Debian: apt-get install libcurl4)");
	return 0;
}

/* ---- the URL ------------------------------------------------------------- */

static bool name_char(char c, bool host)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || (host && (c == '-' || c == '.'));
}

int pc_ch_source_parse(struct pc_ch_source *out, const char *url)
{
	const char *p, *host, *end;
	size_t hostlen;

	memset(out, 0, sizeof(*out));
	if (!strncmp(url, "clickhouse://", 13)) {
		p = url + 13;
	} else if (!strncmp(url, "clickhouses://", 14)) {
		out->tls = true;
		p = url + 14;
	} else {
		return pc_error_set(PC_EINPUT, "%s: not a ClickHouse URL (expected "
				    "clickhouse://HOST[:PORT][/DATABASE], or clickhouses:// for HTTPS)",
				    url);
	}
	if (strpbrk(p, "?#"))
		return pc_error_set(PC_EINPUT, "%s: no query or fragment is read from the URL "
				    "(settings are promptcost's options)", url);
	end = p + strcspn(p, "/");
	if (memchr(p, '@', (size_t)(end - p))) /* the message must not repeat the secret */
		return pc_error_set(PC_EINPUT, "--from: credentials do not go in the URL, where "
				    "every process listing shows them: set PROMPTCOST_CLICKHOUSE_USER "
				    "and PROMPTCOST_CLICKHOUSE_PASSWORD, or use --credentials FILE");
	host = p;
	if (*p == '[') { /* an IPv6 literal */
		const char *close = memchr(p, ']', (size_t)(end - p));

		if (!close)
			return pc_error_set(PC_EINPUT, "%s: an IPv6 host without its ']'", url);
		for (const char *q = p + 1; q < close; q++)
			if (!(name_char(*q, false) || *q == ':'))
				return pc_error_set(PC_EINPUT, "%s: a bad IPv6 host", url);
		p = close + 1;
	} else {
		while (p < end && name_char(*p, true))
			p++;
	}
	hostlen = (size_t)(p - host);
	if (!hostlen)
		return pc_error_set(PC_EINPUT, "%s: no host", url);
	out->port = out->tls ? 8443 : 8123;
	if (p < end && *p == ':') {
		long port = 0;

		p++;
		if (p == end)
			return pc_error_set(PC_EINPUT, "%s: a ':' without a port", url);
		for (; p < end; p++) {
			if (*p < '0' || *p > '9' || (port = port * 10 + (*p - '0')) > 65535)
				return pc_error_set(PC_EINPUT, "%s: the port must be 1 to 65535", url);
		}
		if (port < 1)
			return pc_error_set(PC_EINPUT, "%s: the port must be 1 to 65535", url);
		out->port = (int)port;
	}
	if (p != end)
		return pc_error_set(PC_EINPUT, "%s: a bad character in the host", url);
	if (*p == '/' && p[1]) {
		const char *db = p + 1;

		for (p = db; *p; p++)
			if (!name_char(*p, false))
				return pc_error_set(PC_EINPUT, "%s: a database name is letters, digits "
						    "and '_'", url);
		out->database = pc_xstrdup(db);
	} else {
		out->database = pc_xstrdup("default");
	}
	out->host = pc_xstrndup(host, hostlen);
	out->connect_timeout_ms = 10000;
	out->timeout_ms = 300000;
	return 0;
}

void pc_ch_source_release(struct pc_ch_source *source)
{
	free(source->host);
	free(source->database);
	free(source->table);
	free(source->user);
	if (source->password) {
		explicit_bzero(source->password, strlen(source->password));
		free(source->password);
	}
	free(source->ca_file);
	memset(source, 0, sizeof(*source));
}

/* ---- credentials --------------------------------------------------------- */

static void set_str(char **slot, const char *value, size_t len)
{
	free(*slot);
	*slot = pc_xstrndup(value, len);
}

int pc_ch_credentials(struct pc_ch_source *source, const char *path,
		      const char *(*env)(const char *name))
{
	const char *user, *password;
	struct stat st;
	FILE *f;
	char line[4096];
	uint64_t lineno = 0;

	if (!path) {
		user = env ? env("PROMPTCOST_CLICKHOUSE_USER") : getenv("PROMPTCOST_CLICKHOUSE_USER");
		password = env ? env("PROMPTCOST_CLICKHOUSE_PASSWORD")
			       : getenv("PROMPTCOST_CLICKHOUSE_PASSWORD");
		if (user && *user)
			set_str(&source->user, user, strlen(user));
		if (password && *password)
			set_str(&source->password, password, strlen(password));
		return 0;
	}
	if (!(f = fopen(path, "r")))
		return pc_error_set(PC_EIO, "%s: cannot read: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077)) {
		fclose(f);
		return pc_error_set(PC_EINPUT, "%s: others can read this credentials file "
				    "(chmod 600 it)", path);
	}
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);
		char *eq;

		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(f))
			goto bad_len;
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (!len || line[0] == '#')
			continue;
		eq = strchr(line, '=');
		if (eq && (size_t)(eq - line) == 4 && !strncmp(line, "user", 4)) {
			set_str(&source->user, eq + 1, strlen(eq + 1));
		} else if (eq && (size_t)(eq - line) == 8 && !strncmp(line, "password", 8)) {
			set_str(&source->password, eq + 1, strlen(eq + 1));
		} else {
			explicit_bzero(line, sizeof(line));
			fclose(f);
			return pc_error_set(PC_EINPUT, "%s:%" PRIu64 ": expected user=NAME or "
					    "password=SECRET", path, lineno);
		}
		explicit_bzero(line, sizeof(line));
	}
	fclose(f);
	return 0;
bad_len:
	explicit_bzero(line, sizeof(line));
	fclose(f);
	return pc_error_set(PC_EINPUT, "%s:%" PRIu64 ": a line longer than 4,095 bytes", path,
			    lineno);
}

/* ---- the queries --------------------------------------------------------- */

/*
 * Every preset returns the same columns, in this order (the store's daily
 * and hourly buckets): day, hour (0 unless a deployment is named), template,
 * version, team, use case, model, deployment ('' for none), then the sums:
 * records, calls, response-cache hits, input, cached input, cache-write and
 * output tokens, records with a cost, their cost in micro-units.
 */
#define NCOLUMNS 17

static void add_window(struct pc_buf *out, const char *column, int64_t since, int64_t until)
{
	char a[11], b[11];

	pc_day_format(a, since);
	pc_day_format(b, until + 1);
	pc_buf_addf(out, "WHERE %s >= toDateTime('%s 00:00:00', 'UTC') AND %s < toDateTime('%s "
		    "00:00:00', 'UTC')\n", column, a, column, b);
}

/* Helicone: a row not answered from its cache, i.e. a model call */
#define MODEL_CALL "cache_reference_id = toUUID('00000000-0000-0000-0000-000000000000')"

static const char GROUP_ORDER[] =
	"GROUP BY day, hour, template, version, team, use_case, model, deployment\n"
	"WITH TOTALS\n"
	"ORDER BY day, hour, template, version, team, use_case, model, deployment\n"
	"FORMAT TabSeparated\n";

int pc_ch_query(struct pc_buf *out, const struct pc_ch_source *source, enum pc_ch_preset preset,
		int64_t since, int64_t until)
{
	const char *table = source->table;

	switch (preset) {
	case PC_CH_PROMPTCOST:
		/* schema/clickhouse.sql: hourly buckets, summed again here */
		pc_buf_addf(out,
			    "SELECT toDate(time, 'UTC') AS day,\n"
			    "  if(deployment = '', 0, toHour(time, 'UTC')) AS hour,\n"
			    "  template, template_version AS version, team, use_case, model, deployment,\n"
			    "  sum(records), sum(calls), sum(response_cache_hits), sum(input_tokens),\n"
			    "  sum(cached_input_tokens), sum(cache_write_tokens), sum(output_tokens),\n"
			    "  sum(cost_records), sum(cost_micros)\n"
			    "FROM `%s`.`%s`\n", source->database, table ? table : "promptcost_usage");
		add_window(out, "time", since, until);
		break;
	case PC_CH_LANGFUSE:
		/*
		 * Langfuse v3's observations (langfuse/langfuse,
		 * packages/shared/clickhouse/migrations: 0002_observations and
		 * later): a ReplacingMergeTree, hence FINAL; generations only;
		 * the template is the linked prompt's name, the version its
		 * number; usage_details keys as src/usage/langfuse.c reads them
		 * (input is all input, the cache keys are parts of it); the cost
		 * total_cost (Decimal, to micro-units). Needs Map columns:
		 * ClickHouse 21.1 or later.
		 */
		pc_buf_addf(out,
			    "SELECT toDate(start_time, 'UTC') AS day, toUInt8(0) AS hour,\n"
			    "  ifNull(prompt_name, '') AS template,\n"
			    "  if(isNull(prompt_version), '', toString(prompt_version)) AS version,\n"
			    "  '' AS team, '' AS use_case, ifNull(provided_model_name, '') AS model,\n"
			    "  '' AS deployment,\n"
			    "  count() AS records, count() AS calls, toUInt64(0) AS hits,\n"
			    "  sum(arraySum(mapValues(mapFilter((k, v) -> position(k, 'input') > 0,"
			    " usage_details)))),\n"
			    "  sum(usage_details['input_cached_tokens'] + usage_details"
			    "['cache_read_input_tokens'] + usage_details['input_cache_read']),\n"
			    "  sum(usage_details['cache_creation_input_tokens'] + usage_details"
			    "['input_cache_creation'] + usage_details['cache_write_input_tokens']),\n"
			    "  sum(arraySum(mapValues(mapFilter((k, v) -> position(k, 'output') > 0,"
			    " usage_details)))),\n"
			    "  countIf(isNotNull(total_cost)),\n"
			    "  sum(toInt64(round(ifNull(total_cost, 0) * 1000000)))\n"
			    "FROM `%s`.`%s` FINAL\n", source->database, table ? table : "observations");
		add_window(out, "start_time", since, until);
		pc_buf_adds(out, "  AND type = 'GENERATION' AND is_deleted = 0\n");
		break;
	case PC_CH_HELICONE:
		/*
		 * Helicone's request log (Helicone/helicone, clickhouse/migrations:
		 * 20200101000041_request_response_replacing_merge_tree.sql, with
		 * schema_43_cache_tokens.sql, schema_47_cache_to_request_response_rmt.sql
		 * and schema_59_prompt_column.sql): a ReplacingMergeTree(updated_at),
		 * hence FINAL; answered requests only (status 200); prompt_id and
		 * prompt_version are the template and its version; prompt_tokens,
		 * prompt_cache_read_tokens and prompt_cache_write_tokens are disjoint
		 * parts of the input (Helicone prices them apart), so input is their
		 * sum; a row with a cache_reference_id is an answer from Helicone's
		 * cache: a response-cache hit, with no tokens (no model call). Plain
		 * columns only, so it runs on 18.16 as on current releases.
		 */
		pc_buf_addf(out,
			    "SELECT toDate(request_created_at, 'UTC') AS day, toUInt8(0) AS hour,\n"
			    "  prompt_id AS template, prompt_version AS version,\n"
			    "  '' AS team, '' AS use_case, toString(model) AS model, '' AS deployment,\n"
			    "  count() AS records, count() AS calls,\n"
			    "  countIf(cache_reference_id != toUUID('00000000-0000-0000-0000-000000000000'))"
			    " AS hits,\n"
			    "  sumIf(ifNull(prompt_tokens, 0) + prompt_cache_read_tokens"
			    " + prompt_cache_write_tokens, %s),\n"
			    "  sumIf(prompt_cache_read_tokens, %s),\n"
			    "  sumIf(prompt_cache_write_tokens, %s),\n"
			    "  sumIf(ifNull(completion_tokens, 0), %s),\n"
			    "  toUInt64(0), toInt64(0)\n"
			    "FROM `%s`.`%s` FINAL\n", MODEL_CALL, MODEL_CALL, MODEL_CALL, MODEL_CALL,
			    source->database, table ? table : "request_response_rmt");
		add_window(out, "request_created_at", since, until);
		pc_buf_adds(out, "  AND status = 200\n");
		break;
	default:
		return pc_error_set(PC_EINTERNAL, "no query for preset %d", (int)preset);
	}
	pc_buf_adds(out, GROUP_ORDER);
	return 0;
}

/* ---- reading the answer, as it comes -------------------------------------- */

struct reader {
	struct pc_store_import *imp;
	const struct pc_ch_source *source;
	enum pc_ch_preset preset;
	const char *name;
	struct pc_buf line;     /* a row not yet complete */
	struct pc_buf id;
	uint64_t rows, bytes;
	bool blank;             /* the empty line before the totals came */
	bool totals;            /* and the totals row */
	int64_t sums[9];        /* of the rows read, to hold against the totals */
	int64_t totals_sums[9];
	int error;              /* set when a row stopped the transfer */
};

/* Unescapes a TabSeparated field in place (ClickHouse: \b \f \r \n \t \0 \' \\). */
static bool tsv_unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (*r != '\\') {
			*w++ = *r;
			continue;
		}
		switch (*++r) {
		case 'b': *w++ = '\b'; break;
		case 'f': *w++ = '\f'; break;
		case 'r': *w++ = '\r'; break;
		case 'n': *w++ = '\n'; break;
		case 't': *w++ = '\t'; break;
		case '0': return false; /* a NUL names nothing we can keep */
		case '\'': *w++ = '\''; break;
		case '\\': *w++ = '\\'; break;
		default: return false;
		}
	}
	*w = '\0';
	return true;
}

static bool parse_count(int64_t *out, const char *s, bool negative_ok)
{
	char *end;

	if (!*s || (*s == '-' && !negative_ok) || (*s != '-' && (*s < '0' || *s > '9')))
		return false;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return !errno && !*end;
}

static void id_part(struct pc_buf *id, const char *s)
{
	pc_buf_addf(id, "|%zu:%s", s ? strlen(s) : (size_t)0, s ? s : "");
}

static int bad_row(struct reader *rd, const char *what)
{
	return pc_error_set(PC_EIO, "%s: bucket %" PRIu64 ": %s; nothing was imported", rd->name,
			    rd->rows + 1, what);
}

/* One line of the answer: a bucket, the empty line, or the totals. */
static int on_line(struct reader *rd, char *line)
{
	char *cell[NCOLUMNS];
	int n = 0;
	int64_t v[9], day, hour;
	const char *dims[6];
	struct pc_usage_record r;

	if (rd->totals)
		return bad_row(rd, "a line after the totals");
	if (!*line) {
		if (rd->blank)
			return bad_row(rd, "two empty lines");
		rd->blank = true;
		return 0;
	}
	for (char *p = line;; p++) {
		if (n == NCOLUMNS)
			return bad_row(rd, "more columns than the query asked for");
		cell[n++] = p;
		p += strcspn(p, "\t");
		if (!*p)
			break;
		*p = '\0';
	}
	if (n != NCOLUMNS)
		return bad_row(rd, "fewer columns than the query asked for");
	for (int k = 0; k < 9; k++)
		if (!parse_count(&v[k], cell[8 + k], k == 8))
			return bad_row(rd, "a sum that is not a count");
	if (rd->blank) { /* the totals: keys are defaults */
		memcpy(rd->totals_sums, v, sizeof(v));
		rd->totals = true;
		return 0;
	}
	if (!pc_day_parse(&day, cell[0]))
		return bad_row(rd, "a day that is not YYYY-MM-DD");
	if (!parse_count(&hour, cell[1], false) || hour > 23)
		return bad_row(rd, "an hour not 0 to 23");
	for (int k = 0; k < 6; k++) {
		if (!tsv_unescape(cell[2 + k]))
			return bad_row(rd, "a name with an escape promptcost does not keep");
		dims[k] = *cell[2 + k] ? cell[2 + k] : NULL;
	}
	for (int k = 0; k < 9; k++)
		if (__builtin_add_overflow(rd->sums[k], v[k], &rd->sums[k]))
			return bad_row(rd, "sums past 9.2e18");
	rd->rows++;
	if (v[1] < 1) /* a bucket of no calls says nothing */
		return 0;
	if (v[2] > v[1] || v[4] > v[3] || v[5] > v[3])
		return bad_row(rd, "its parts exceed its whole (hits over calls, or cached over input)");
	memset(&r, 0, sizeof(r));
	r.time = day * 86400 + hour * 3600;
	r.template = dims[0];
	r.template_version = dims[1];
	r.team = dims[2];
	r.use_case = dims[3];
	r.model = dims[4];
	r.deployment = dims[5];
	r.records = v[0];
	r.calls = v[1];
	r.response_cache_hits = v[2];
	r.input_tokens = v[3];
	r.cached_input_tokens = v[4];
	r.cache_write_tokens = v[5];
	r.output_tokens = v[6];
	r.cost_records = v[7];
	r.has_cost = v[7] > 0;
	r.cost_micros = v[8];
	/* the bucket's identity: where it came from and its key, never its totals */
	pc_buf_reset(&rd->id);
	pc_buf_addf(&rd->id, "%s:%d/%s#%s/%s@%" PRId64 ":%" PRId64, rd->source->host,
		    rd->source->port, rd->source->database, pc_ch_preset_name(rd->preset),
		    rd->source->table ? rd->source->table : "", day, hour);
	for (int k = 0; k < 6; k++)
		id_part(&rd->id, dims[k]);
	r.id = rd->id.ptr;
	return pc_store_import_record(rd->imp, &r, PC_USAGE_CLICKHOUSE, rd->name, rd->rows);
}

static size_t on_data(char *ptr, size_t size, size_t n, void *ctx)
{
	struct reader *rd = ctx;
	size_t len = size * n, start = 0;

	if (rd->error)
		return 0;
	rd->bytes += len;
	for (size_t i = 0; i < len; i++) {
		if (ptr[i] != '\n')
			continue;
		pc_buf_add(&rd->line, ptr + start, i - start);
		start = i + 1;
		if ((rd->error = on_line(rd, rd->line.ptr ? rd->line.ptr : (char *)"")))
			return 0;
		pc_buf_reset(&rd->line);
	}
	pc_buf_add(&rd->line, ptr + start, len - start);
	if (rd->line.len > MAX_LINE) {
		rd->error = bad_row(rd, "a line over 1 MiB");
		return 0;
	}
	return len;
}

/* ---- talking to the server ----------------------------------------------- */

static void url_name(struct pc_buf *out, const struct pc_ch_source *s)
{
	pc_buf_addf(out, "%s://%s:%d/%s", s->tls ? "clickhouses" : "clickhouse", s->host, s->port,
		    s->database);
}

/* The server's message: its first line, without the stack ClickHouse may append. */
static void server_message(struct pc_buf *out, const struct pc_buf *body)
{
	size_t n = 0;

	while (n < body->len && body->ptr[n] != '\n' && n < 400)
		n++;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)body->ptr[i];

		pc_buf_addch(out, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
	if (!n)
		pc_buf_adds(out, "(no message)");
}

struct transfer {
	CURL *curl;
	struct reader *rd;
	bool checked;           /* the status was looked at */
	bool failed;            /* not 200: the body is the server's message */
	struct pc_buf message;
};

static size_t on_body(char *ptr, size_t size, size_t n, void *ctx)
{
	struct transfer *t = ctx;
	size_t len = size * n;

	if (!t->checked) {
		long status = 0;

		curl.easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
		t->failed = status != 200;
		t->checked = true;
	}
	if (t->failed) {
		if (t->message.len < 4096)
			pc_buf_add(&t->message, ptr, len < 4096 ? len : 4096);
		return len;
	}
	return on_data(ptr, size, n, t->rd);
}

static int fetch(struct reader *rd, const struct pc_ch_source *s, const char *query)
{
	struct transfer t;
	CURLcode rc;
	char errbuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	struct pc_buf url = PC_BUF_INIT;
	int error = 0;

	memset(&t, 0, sizeof(t));
	t.rd = rd;
	if ((error = load_curl()))
		return error;
	if (!(t.curl = curl.easy_init()))
		return pc_error_set(PC_EINTERNAL, "libcurl would not start");
	pc_buf_addf(&url, "%s://%s:%d/?database=%s&wait_end_of_query=1", s->tls ? "https" : "http",
		    s->host, s->port, s->database);
	curl.easy_setopt(t.curl, CURLOPT_URL, url.ptr);
	curl.easy_setopt(t.curl, CURLOPT_PROTOCOLS_STR, s->tls ? "https" : "http");
	curl.easy_setopt(t.curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl.easy_setopt(t.curl, CURLOPT_NOSIGNAL, 1L);
	curl.easy_setopt(t.curl, CURLOPT_POST, 1L);
	curl.easy_setopt(t.curl, CURLOPT_POSTFIELDS, query);
	curl.easy_setopt(t.curl, CURLOPT_POSTFIELDSIZE, (long)strlen(query));
	curl.easy_setopt(t.curl, CURLOPT_CONNECTTIMEOUT_MS, s->connect_timeout_ms);
	curl.easy_setopt(t.curl, CURLOPT_TIMEOUT_MS, s->timeout_ms);
	curl.easy_setopt(t.curl, CURLOPT_ERRORBUFFER, errbuf);
	curl.easy_setopt(t.curl, CURLOPT_WRITEFUNCTION, on_body);
	curl.easy_setopt(t.curl, CURLOPT_WRITEDATA, &t);
	curl.easy_setopt(t.curl, CURLOPT_USERAGENT, "promptcost");
	if (s->tls) {
		curl.easy_setopt(t.curl, CURLOPT_SSL_VERIFYPEER, 1L);
		curl.easy_setopt(t.curl, CURLOPT_SSL_VERIFYHOST, 2L);
		if (s->ca_file)
			curl.easy_setopt(t.curl, CURLOPT_CAINFO, s->ca_file);
	}
	if (s->user || s->password) {
		curl.easy_setopt(t.curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl.easy_setopt(t.curl, CURLOPT_USERNAME, s->user ? s->user : "default");
		curl.easy_setopt(t.curl, CURLOPT_PASSWORD, s->password ? s->password : "");
	}
	rc = curl.easy_perform(t.curl);
	curl.easy_getinfo(t.curl, CURLINFO_RESPONSE_CODE, &status);
	if (rd->error) {
		error = rd->error; /* a row refused: its message is set */
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		error = pc_error_set(PC_EIO, "%s: no complete answer within %ld ms (--timeout); "
				     "nothing was imported", rd->name, s->timeout_ms);
	} else if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST) {
		error = pc_error_set(PC_EIO, "%s: cannot connect: %s", rd->name,
				     *errbuf ? errbuf : curl.easy_strerror(rc));
	} else if (rc != CURLE_OK) {
		error = pc_error_set(PC_EIO, "%s: the answer broke off (%s); nothing was imported",
				     rd->name, *errbuf ? errbuf : curl.easy_strerror(rc));
	} else if (status != 200) {
		struct pc_buf m = PC_BUF_INIT;

		server_message(&m, &t.message);
		error = pc_error_set(PC_EIO, "%s: the server answered HTTP %ld: %s", rd->name,
				     status, m.ptr);
		pc_buf_release(&m);
	}
	curl.easy_cleanup(t.curl);
	pc_buf_release(&t.message);
	pc_buf_release(&url);
	return error;
}

int pc_ch_import(struct pc_store *store, const struct pc_ch_source *source,
		 enum pc_ch_preset preset, int64_t since, int64_t until,
		 const struct pc_import_options *options, struct pc_import_summary *summary,
		 struct pc_ch_transfer *transfer)
{
	struct pc_buf query = PC_BUF_INIT, name = PC_BUF_INIT;
	struct reader rd;
	int error;

	memset(transfer, 0, sizeof(*transfer));
	memset(&rd, 0, sizeof(rd));
	url_name(&name, source);
	rd.source = source;
	rd.preset = preset;
	rd.name = name.ptr;
	if ((error = pc_ch_query(&query, source, preset, since, until)) ||
	    (error = pc_store_import_begin(&rd.imp, store, options)) ||
	    (error = fetch(&rd, source, query.ptr)))
		goto done;
	transfer->bytes = rd.bytes;
	transfer->rows = rd.rows;
	if (rd.line.len || !rd.totals) {
		error = pc_error_set(PC_EIO, "%s: the answer ended before its totals row (%" PRIu64
				     " buckets read); nothing was imported", name.ptr, rd.rows);
		goto done;
	}
	if (memcmp(rd.sums, rd.totals_sums, sizeof(rd.sums))) {
		error = pc_error_set(PC_EIO, "%s: the buckets read do not add up to the server's "
				     "totals; nothing was imported", name.ptr);
		goto done;
	}
	error = pc_store_import_commit(rd.imp, summary);
done:
	pc_store_import_free(rd.imp);
	pc_buf_release(&rd.line);
	pc_buf_release(&rd.id);
	pc_buf_release(&query);
	pc_buf_release(&name);
	return error;
}
