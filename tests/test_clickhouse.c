/*
 * Tests of the ClickHouse source's URL and credentials (src/usage/clickhouse.c):
 * what a URL may say, what it may not (credentials), ports, databases, and
 * the credentials file. The import itself runs against a real server in
 * tests/e2e/test_clickhouse.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "promptcost/clickhouse.h"

static void parses(const char *url, bool tls, const char *host, int port, const char *db)
{
	struct pc_ch_source s;

	if (pc_ch_source_parse(&s, url))
		fail_msg("'%s' did not parse: %s", url, pc_error_message());
	assert_int_equal(s.tls, tls);
	assert_string_equal(s.host, host);
	assert_int_equal(s.port, port);
	assert_string_equal(s.database, db);
	pc_ch_source_release(&s);
}

static void refused(const char *url, const char *message)
{
	struct pc_ch_source s;

	assert_int_equal(pc_ch_source_parse(&s, url), PC_EINPUT);
	if (!strstr(pc_error_message(), message))
		fail_msg("'%s': wanted '%s' in '%s'", url, message, pc_error_message());
	pc_ch_source_release(&s);
}

static void test_clickhouse__urls(void **state)
{
	(void)state;
	parses("clickhouse://ch.internal", false, "ch.internal", 8123, "default");
	parses("clickhouse://ch.internal/", false, "ch.internal", 8123, "default");
	parses("clickhouse://127.0.0.1:18123/llm_logs", false, "127.0.0.1", 18123, "llm_logs");
	parses("clickhouses://ch.example.com/langfuse", true, "ch.example.com", 8443, "langfuse");
	parses("clickhouse://[::1]:9123/x", false, "[::1]", 9123, "x");
	refused("http://ch.internal:8123/db", "not a ClickHouse URL");
	refused("clickhouse://", "no host");
	refused("clickhouse://h:0/db", "the port must be 1 to 65535");
	refused("clickhouse://h:65536/db", "the port must be 1 to 65535");
	refused("clickhouse://h:/db", "a ':' without a port");
	refused("clickhouse://h/db;DROP", "a database name is letters");
	refused("clickhouse://h/db?user=x", "no query or fragment");
	refused("clickhouse://h x/db", "a bad character in the host");
	refused("clickhouse://[::1/db", "without its ']'");
}

static void test_clickhouse__credentials_never_in_the_url_nor_in_the_message(void **state)
{
	struct pc_ch_source s;

	(void)state;
	assert_int_equal(pc_ch_source_parse(&s, "clickhouse://reader:hunter2@h/db"), PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "credentials do not go in the URL"));
	assert_null(strstr(pc_error_message(), "hunter2"));
	pc_ch_source_release(&s);
	refused("clickhouse://reader@h/db", "credentials do not go in the URL");
}

static const char *fake_env(const char *name)
{
	if (!strcmp(name, "PROMPTCOST_CLICKHOUSE_USER"))
		return "reader";
	if (!strcmp(name, "PROMPTCOST_CLICKHOUSE_PASSWORD"))
		return "s3cret";
	return NULL;
}

static const char *empty_env(const char *name)
{
	(void)name;
	return NULL;
}

static char *write_file(const char *text, mode_t mode)
{
	char *path = strdup("/tmp/pc-ch-cred-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	chmod(path, mode);
	return path;
}

static void test_clickhouse__credentials(void **state)
{
	struct pc_ch_source s;
	char *path;

	(void)state;
	assert_int_equal(pc_ch_source_parse(&s, "clickhouse://h/db"), 0);
	assert_int_equal(pc_ch_credentials(&s, NULL, empty_env), 0);
	assert_null(s.user);
	assert_null(s.password);
	assert_int_equal(pc_ch_credentials(&s, NULL, fake_env), 0);
	assert_string_equal(s.user, "reader");
	assert_string_equal(s.password, "s3cret");

	/* a file: comments, CRLF, the last line without its newline */
	path = write_file("# for the nightly import\r\nuser=nightly\r\npassword=p=a=s=s", 0600);
	assert_int_equal(pc_ch_credentials(&s, path, empty_env), 0);
	assert_string_equal(s.user, "nightly");
	assert_string_equal(s.password, "p=a=s=s");
	unlink(path);
	free(path);

	path = write_file("user=nightly\n", 0644);
	assert_int_equal(pc_ch_credentials(&s, path, empty_env), PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "chmod 600"));
	unlink(path);
	free(path);

	path = write_file("user=nightly\nsecret: x\n", 0600);
	assert_int_equal(pc_ch_credentials(&s, path, empty_env), PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), ":2: expected user=NAME or password=SECRET"));
	assert_null(strstr(pc_error_message(), "secret: x"));
	unlink(path);
	free(path);

	assert_int_equal(pc_ch_credentials(&s, "/nonexistent/cred", empty_env), PC_EIO);
	pc_ch_source_release(&s);
}

static void test_clickhouse__presets(void **state)
{
	enum pc_ch_preset p;
	struct pc_ch_source s;
	struct pc_buf q = PC_BUF_INIT;

	(void)state;
	assert_int_equal(pc_ch_preset_lookup(&p, "langfuse"), 0);
	assert_int_equal(p, PC_CH_LANGFUSE);
	assert_int_equal(pc_ch_preset_lookup(&p, "helicone"), 0);
	assert_int_equal(pc_ch_preset_lookup(&p, "promptcost"), 0);
	assert_int_equal(pc_ch_preset_lookup(&p, "PromptCost"), PC_ENOTFOUND);
	assert_string_equal(pc_ch_preset_name(PC_CH_HELICONE), "helicone");
	/* the window is whole UTC days, the end exclusive the day after --until */
	assert_int_equal(pc_ch_source_parse(&s, "clickhouse://h/llm"), 0);
	assert_int_equal(pc_ch_query(&q, &s, PC_CH_PROMPTCOST, 20393, 20422), 0);
	assert_non_null(strstr(q.ptr, "time >= toDateTime('2025-11-01 00:00:00', 'UTC') AND time < "
				      "toDateTime('2025-12-01 00:00:00', 'UTC')"));
	assert_non_null(strstr(q.ptr, "FROM `llm`.`promptcost_usage`"));
	assert_non_null(strstr(q.ptr, "WITH TOTALS"));
	pc_buf_release(&q);
	pc_ch_source_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clickhouse__urls),
		cmocka_unit_test(test_clickhouse__credentials_never_in_the_url_nor_in_the_message),
		cmocka_unit_test(test_clickhouse__credentials),
		cmocka_unit_test(test_clickhouse__presets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
