/*
 * Usage in ClickHouse (clickhouse.h): the only user of libcurl.
 *
 * The query sums in the engine and returns buckets as JSONCompact (the
 * 64-bit counts as strings, so nothing passes through a double). The
 * server is asked to finish the query before it answers
 * (wait_end_of_query=1), so an error is an HTTP error, not a message
 * appended to half an answer; and the answer must parse whole and end with
 * its "rows" count and "statistics", which ClickHouse writes last: a
 * connection dropped midway is an unparsable or short answer, refused
 * before the store is touched.
 *
 * ClickHouse's HTTP interface, as read for 18.16 (Debian's package) and
 * current releases: https://clickhouse.com/docs/en/interfaces/http (the
 * query in the POST body, `database` and settings as URL parameters, basic
 * authentication, HTTP 500 with "Code: N, e.displayText() = ..." on error).
 */
#include "promptcost/clickhouse.h"

#include <curl/curl.h>
#include <jansson.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* An answer of more buckets than this is refused rather than held: narrow the window. */
#define MAX_ANSWER (UINT64_C(1) << 30)

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
	end = p + strcspn(p, "/?#");
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
	if (*p == '?' || *p == '#')
		return pc_error_set(PC_EINPUT, "%s: no query or fragment is read from the URL "
				    "(settings are promptcost's options)", url);
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

static const char GROUP_ORDER[] =
	"GROUP BY day, hour, template, version, team, use_case, model, deployment\n"
	"ORDER BY day, hour, template, version, team, use_case, model, deployment\n"
	"FORMAT JSONCompact\n";

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
		 * Helicone's request_response_rmt (Helicone/helicone,
		 * clickhouse/migrations: 20200101000041 and later, which add the
		 * prompt-cache columns and cache_reference_id): a
		 * ReplacingMergeTree, hence FINAL; successful requests; the
		 * template is the Helicone-Prompt-Id property; prompt_tokens is
		 * all input (OpenAI's convention), the cache columns parts of it;
		 * a response-cache hit (cache_reference_id set) counts as a hit
		 * with no tokens. Needs Map columns: ClickHouse 21.1 or later.
		 */
		pc_buf_addf(out,
			    "SELECT toDate(request_created_at, 'UTC') AS day, toUInt8(0) AS hour,\n"
			    "  properties['Helicone-Prompt-Id'] AS template, '' AS version,\n"
			    "  '' AS team, '' AS use_case, model, '' AS deployment,\n"
			    "  count() AS records, count() AS calls,\n"
			    "  countIf(cache_reference_id != toUUID('00000000-0000-0000-0000-000000000000'))"
			    " AS hits,\n"
			    "  sumIf(ifNull(prompt_tokens, 0), cache_reference_id = toUUID("
			    "'00000000-0000-0000-0000-000000000000')),\n"
			    "  sumIf(ifNull(prompt_cache_read_tokens, 0), cache_reference_id = toUUID("
			    "'00000000-0000-0000-0000-000000000000')),\n"
			    "  sumIf(ifNull(prompt_cache_write_tokens, 0), cache_reference_id = toUUID("
			    "'00000000-0000-0000-0000-000000000000')),\n"
			    "  sumIf(ifNull(completion_tokens, 0), cache_reference_id = toUUID("
			    "'00000000-0000-0000-0000-000000000000')),\n"
			    "  toUInt64(0), toInt64(0)\n"
			    "FROM `%s`.`%s` FINAL\n", source->database,
			    table ? table : "request_response_rmt");
		add_window(out, "request_created_at", since, until);
		pc_buf_adds(out, "  AND status = 200\n");
		break;
	default:
		return pc_error_set(PC_EINTERNAL, "no query for preset %d", (int)preset);
	}
	pc_buf_adds(out, GROUP_ORDER);
	return 0;
}

/* ---- talking to the server ----------------------------------------------- */

struct answer {
	struct pc_buf body;
	bool too_big;
};

static size_t on_data(char *ptr, size_t size, size_t n, void *ctx)
{
	struct answer *a = ctx;
	size_t len = size * n;

	if (a->body.len + len > MAX_ANSWER) {
		a->too_big = true;
		return 0;
	}
	pc_buf_add(&a->body, ptr, len);
	return len;
}

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

static int fetch(struct answer *a, const struct pc_ch_source *s, const char *query,
		 const char *name)
{
	CURL *curl;
	CURLcode rc;
	char errbuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	struct pc_buf url = PC_BUF_INIT;
	int error = 0;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return pc_error_set(PC_EINTERNAL, "libcurl would not start");
	if (!(curl = curl_easy_init()))
		return pc_error_set(PC_EINTERNAL, "libcurl would not start");
	pc_buf_addf(&url, "%s://%s:%d/?database=%s&wait_end_of_query=1"
		    "&output_format_json_quote_64bit_integers=1",
		    s->tls ? "https" : "http", s->host, s->port, s->database);
	curl_easy_setopt(curl, CURLOPT_URL, url.ptr);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, s->tls ? "https" : "http");
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_POST, 1L);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, query);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(query));
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, s->connect_timeout_ms);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, s->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, ""); /* whatever libcurl decodes */
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "promptcost");
	if (s->tls) {
		curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
		if (s->ca_file)
			curl_easy_setopt(curl, CURLOPT_CAINFO, s->ca_file);
	}
	if (s->user || s->password) {
		curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(curl, CURLOPT_USERNAME, s->user ? s->user : "default");
		curl_easy_setopt(curl, CURLOPT_PASSWORD, s->password ? s->password : "");
	}
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	if (a->too_big) {
		error = pc_error_set(PC_EIO, "%s: the answer passed 1 GiB of buckets; import a "
				     "shorter window (--since/--until)", name);
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		error = pc_error_set(PC_EIO, "%s: no complete answer within %ld ms (--timeout); "
				     "nothing was imported", name, s->timeout_ms);
	} else if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST) {
		error = pc_error_set(PC_EIO, "%s: cannot connect: %s", name,
				     *errbuf ? errbuf : curl_easy_strerror(rc));
	} else if (rc != CURLE_OK) {
		error = pc_error_set(PC_EIO, "%s: the answer broke off (%s); nothing was imported",
				     name, *errbuf ? errbuf : curl_easy_strerror(rc));
	} else if (status != 200) {
		struct pc_buf m = PC_BUF_INIT;

		server_message(&m, &a->body);
		error = pc_error_set(PC_EIO, "%s: the server answered HTTP %ld: %s", name, status,
				     m.ptr);
		pc_buf_release(&m);
	}
	curl_easy_cleanup(curl);
	pc_buf_release(&url);
	return error;
}

/* ---- reading the answer -------------------------------------------------- */

static bool cell_int(int64_t *out, json_t *v, bool negative_ok)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;

		if (!*s || (*s == '-' && !negative_ok) || (*s != '-' && (*s < '0' || *s > '9')))
			return false;
		errno = 0;
		*out = strtoll(s, &end, 10);
		if (errno || *end)
			return false;
	} else {
		return false;
	}
	return negative_ok || *out >= 0;
}

static const char *cell_str(json_t *v)
{
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;

	return s && *s ? s : NULL;
}

static void id_part(struct pc_buf *id, const char *s)
{
	pc_buf_addf(id, "|%zu:%s", s ? strlen(s) : (size_t)0, s ? s : "");
}

static int import_rows(struct pc_store_import *imp, json_t *data, const char *name,
		       const struct pc_ch_source *s, enum pc_ch_preset preset)
{
	struct pc_buf id = PC_BUF_INIT;
	size_t i;
	json_t *row;
	int error = 0;

	json_array_foreach(data, i, row) {
		struct pc_usage_record r;
		int64_t v[9], day, hour;
		const char *dims[6];
		json_t *c;
		uint64_t line = (uint64_t)i + 1;

		if (!json_is_array(row) || json_array_size(row) != NCOLUMNS) {
			error = pc_error_set(PC_EIO, "%s: bucket %" PRIu64 ": expected %d columns",
					     name, line, NCOLUMNS);
			break;
		}
		c = json_array_get(row, 0);
		if (!json_is_string(c) || !pc_day_parse(&day, json_string_value(c))) {
			error = pc_error_set(PC_EIO, "%s: bucket %" PRIu64 ": a day that is not "
					     "YYYY-MM-DD", name, line);
			break;
		}
		if (!cell_int(&hour, json_array_get(row, 1), false) || hour > 23) {
			error = pc_error_set(PC_EIO, "%s: bucket %" PRIu64 ": an hour not 0 to 23",
					     name, line);
			break;
		}
		for (int k = 0; k < 6; k++)
			dims[k] = cell_str(json_array_get(row, 2 + (size_t)k));
		for (int k = 0; k < 9; k++) {
			if (!cell_int(&v[k], json_array_get(row, 8 + (size_t)k), k == 8)) {
				error = pc_error_set(PC_EIO, "%s: bucket %" PRIu64 ": column %d is not "
						     "a count", name, line, 9 + k);
				goto done;
			}
		}
		if (v[1] < 1) /* a bucket of no calls says nothing */
			continue;
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
		if (r.response_cache_hits > r.calls || r.cached_input_tokens > r.input_tokens ||
		    r.cache_write_tokens > r.input_tokens) {
			error = pc_error_set(PC_EIO, "%s: bucket %" PRIu64 ": its parts exceed its "
					     "whole (hits over calls, or cached over input)", name, line);
			break;
		}
		/* the bucket's identity: where it came from and its key, never its totals */
		pc_buf_reset(&id);
		pc_buf_addf(&id, "%s:%d/%s#%s/%s@%" PRId64 ":%" PRId64, s->host, s->port,
			    s->database, pc_ch_preset_name(preset), s->table ? s->table : "",
			    day, hour);
		for (int k = 0; k < 6; k++)
			id_part(&id, dims[k]);
		r.id = id.ptr;
		if ((error = pc_store_import_record(imp, &r, PC_USAGE_CLICKHOUSE, name, line)))
			break;
	}
done:
	pc_buf_release(&id);
	return error;
}

int pc_ch_import(struct pc_store *store, const struct pc_ch_source *source,
		 enum pc_ch_preset preset, int64_t since, int64_t until,
		 const struct pc_import_options *options, struct pc_import_summary *summary,
		 struct pc_ch_transfer *transfer)
{
	struct pc_buf query = PC_BUF_INIT, name = PC_BUF_INIT;
	struct answer a = { PC_BUF_INIT, false };
	struct pc_store_import *imp = NULL;
	json_t *root = NULL, *data, *rows, *stats;
	json_error_t jerr;
	int error;

	memset(transfer, 0, sizeof(*transfer));
	url_name(&name, source);
	if ((error = pc_ch_query(&query, source, preset, since, until)) ||
	    (error = fetch(&a, source, query.ptr, name.ptr)))
		goto done;
	transfer->bytes = a.body.len;
	root = json_loadb(a.body.ptr ? a.body.ptr : "", a.body.len, JSON_REJECT_DUPLICATES, &jerr);
	data = json_object_get(root, "data");
	rows = json_object_get(root, "rows");
	stats = json_object_get(root, "statistics");
	if (!root || !json_is_array(data) || !json_is_integer(rows) || !json_is_object(stats) ||
	    (size_t)json_integer_value(rows) != json_array_size(data)) {
		error = pc_error_set(PC_EIO, "%s: the answer is incomplete or not ClickHouse's "
				     "JSONCompact (%s); nothing was imported", name.ptr,
				     root ? "no rows count and statistics at its end" : jerr.text);
		goto done;
	}
	transfer->rows = json_array_size(data);
	{
		int64_t read = 0;

		if (cell_int(&read, json_object_get(stats, "rows_read"), false))
			transfer->rows_read = (uint64_t)read;
	}
	if ((error = pc_store_import_begin(&imp, store, options)) ||
	    (error = import_rows(imp, data, name.ptr, source, preset)) ||
	    (error = pc_store_import_commit(imp, summary)))
		goto done;
done:
	pc_store_import_free(imp);
	json_decref(root);
	pc_buf_release(&a.body);
	pc_buf_release(&query);
	pc_buf_release(&name);
	return error;
}
