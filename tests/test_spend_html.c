/*
 * The HTML dashboard (src/report/spend_html.c): the shared fixture rendered
 * byte for byte against tests/golden/report/dashboard.html (PC_UPDATE_GOLDEN=1
 * rewrites it), every section and chart text alternative present, nothing
 * that a browser would fetch, and hostile strings from commits escaped.
 *
 * `test_spend_html --write FILE [--figures FILE] [--hostile]` writes the
 * fixture's page (and the texts its DOM must show, one a line; with
 * --hostile, commit strings that try to inject markup) for the browser
 * test, tests/e2e/test_dashboard.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "promptcost/spend_report.h"
#include "promptcost/money.h"
#include "support/sr_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN "tests/golden/report/dashboard.html"

static char *render(const struct pc_spend_report *report)
{
	struct pc_buf out = PC_BUF_INIT;

	assert_int_equal(pc_spend_report_html(&out, report), 0);
	return pc_buf_detach(&out, NULL);
}

static size_t occurrences(const char *haystack, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct pc_buf b = PC_BUF_INIT;
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		pc_buf_add(&b, chunk, n);
	fclose(f);
	return pc_buf_detach(&b, NULL);
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void test_spend_html__fixture_matches_golden(void **state)
{
	struct pc_spend_report *report = sr_fixture_new();
	char *html = render(report), *golden;

	(void)state;
	if (getenv("PC_UPDATE_GOLDEN") && !strcmp(getenv("PC_UPDATE_GOLDEN"), "1"))
		assert_int_equal(write_file(GOLDEN, html), 0);
	golden = read_file(GOLDEN);
	assert_non_null(golden);
	if (strcmp(html, golden)) {
		size_t i = 0;

		while (html[i] && html[i] == golden[i])
			i++;
		fprintf(stderr, "differs from %s at byte %zu: ...%.80s\n", GOLDEN, i,
			html + (i > 20 ? i - 20 : 0));
		fail_msg("the dashboard differs from its golden file (PC_UPDATE_GOLDEN=1 rewrites it)");
	}
	free(golden);
	free(html);
	sr_fixture_free(report);
}

static void test_spend_html__has_every_section_and_the_posture_on_top(void **state)
{
	struct pc_spend_report *report = sr_fixture_new();
	char *html = render(report);
	static const char *const sections[] = {
		"<section id=\"daily\">", "<section id=\"budgets\">", "<section id=\"templates\">",
		"<section id=\"spikes\">", "<section id=\"forecasts\">", "<section id=\"caching\">",
		"<section id=\"reservations\">", "<section id=\"quality\">",
	};
	const char *posture, *previous;

	(void)state;
	assert_int_equal(occurrences(html, "<h1>"), 1);
	posture = strstr(html, "<p class=\"posture\" id=\"posture\">");
	assert_non_null(posture);
	/* the sentence comes before any section */
	previous = posture;
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		const char *at = strstr(html, sections[i]);

		assert_non_null(at);
		assert_true(at > previous); /* in the order */
		previous = at;
	}
	assert_true(occurrences(html, "<h2>") >= 8);
	assert_int_equal(occurrences(html, "<html lang=\"en\">"), 1);
	assert_int_equal(occurrences(html, "@media print"), 1);
	assert_int_equal(occurrences(html, "name=\"viewport\""), 1);
	free(html);
	sr_fixture_free(report);
}

/* Every chart: role img, labelled by its own non-empty <title> and <desc>. */
static void test_spend_html__every_chart_has_a_text_alternative(void **state)
{
	struct pc_spend_report *report = sr_fixture_new();
	char *html = render(report);
	size_t charts = 0;

	(void)state;
	for (const char *svg = strstr(html, "<svg"); svg; svg = strstr(svg + 1, "<svg")) {
		const char *end = strstr(svg, "</svg>"), *open_end = strchr(svg, '>');
		unsigned id;
		char want[64];
		const char *title, *desc;

		assert_non_null(end);
		assert_non_null(open_end);
		assert_non_null(strstr(svg, "role=\"img\""));
		assert_true(strstr(svg, "role=\"img\"") < open_end);
		assert_int_equal(sscanf(strstr(svg, "aria-labelledby=\"c"), "aria-labelledby=\"c%u-t", &id), 1);
		snprintf(want, sizeof(want), "<title id=\"c%u-t\">", id);
		title = strstr(svg, want);
		assert_true(title && title < end && title[strlen(want)] != '<');
		snprintf(want, sizeof(want), "<desc id=\"c%u-d\">", id);
		desc = strstr(svg, want);
		assert_true(desc && desc < end && desc[strlen(want)] != '<');
		charts++;
	}
	/* the daily chart (wide and narrow), a sparkline per template, budget and cache bars */
	assert_true(charts >= 2 + report->ntemplates);
	free(html);
	sr_fixture_free(report);
}

/* Nothing a browser would fetch: no URL, no src, no url() but data:, no script or link. */
static void test_spend_html__fetches_nothing(void **state)
{
	struct pc_spend_report *report = sr_fixture_new();
	char *html = render(report);

	(void)state;
	/* "http" only in the policy's own http-equiv; no scheme anywhere */
	assert_int_equal(occurrences(html, "http"), 1);
	assert_int_equal(occurrences(html, "http-equiv"), 1);
	assert_null(strstr(html, "://"));
	assert_null(strstr(html, "//"));
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "href=\"/"));
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<link"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "@import"));
	assert_null(strstr(html, "@font-face"));
	for (const char *u = strstr(html, "url("); u; u = strstr(u + 1, "url("))
		assert_memory_equal(u, "url(data:", 9);
	/* links only to the page's own sections */
	for (const char *a = strstr(html, "href=\""); a; a = strstr(a + 1, "href=\""))
		assert_int_equal(a[6], '#');
	assert_non_null(strstr(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
				     "'none'; style-src 'unsafe-inline'; img-src data:\">"));
	free(html);
	sr_fixture_free(report);
}

/* Hostile strings from a commit and a configuration, swapped into a fixture (and back). */
static char hostile_subject[] = "Add <script>alert('x')</script> & \"examples\"\x1b[31m";
static char hostile_author[] = "Eve \"><img src=x onerror=alert(1)> <eve@example.com>";
static char hostile_id[] = "\"><svg onload=alert(1)>0123456789abcdef";
static char hostile_template[] = "<b onmouseover='x'>t&amp;</b>";

struct hostile_saved {
	struct pc_sr_commit commit;
	char *template;
};

static void make_hostile(struct pc_spend_report *report, struct hostile_saved *saved)
{
	saved->commit = report->spikes[report->nspikes - 1].commit;
	saved->template = report->templates[0].id;
	report->spikes[report->nspikes - 1].commit.subject = hostile_subject;
	report->spikes[report->nspikes - 1].commit.author = hostile_author;
	report->spikes[report->nspikes - 1].commit.id = hostile_id;
	report->templates[0].id = hostile_template;
}

static void unmake_hostile(struct pc_spend_report *report, const struct hostile_saved *saved)
{
	report->spikes[report->nspikes - 1].commit = saved->commit;
	report->templates[0].id = saved->template;
}

/* A commit's subject, author and id, a template id: hostile, in text and attributes. */
static void test_spend_html__escapes_hostile_strings(void **state)
{
	struct pc_spend_report *report = sr_fixture_new();
	struct hostile_saved saved;
	char *html;

	(void)state;
	assert_true(report->nspikes > 0);
	assert_true(report->ntemplates > 0);
	assert_non_null(report->spikes[report->nspikes - 1].commit.id);
	make_hostile(report, &saved);
	html = render(report);

	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "<b onmouseover"));
	assert_null(strstr(html, "<svg onload"));
	assert_null(strstr(html, "\x1b"));
	assert_non_null(strstr(html, "Add &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; "
				     "&quot;examples&quot;\\x1b[31m"));
	assert_non_null(strstr(html, "Eve &quot;&gt;&lt;img src=x onerror=alert(1)&gt; "
				     "&lt;eve@example.com&gt;"));
	assert_non_null(strstr(html, "title=\"&quot;&gt;&lt;svg onload=alert(1)&gt;0123456789abcdef\""));
	assert_non_null(strstr(html, "&lt;b onmouseover=&#39;x&#39;&gt;t&amp;amp;&lt;/b&gt;"));
	/* the daily chart's label too: short id (7 characters of the hostile id) */
	assert_non_null(strstr(html, "&quot;&gt;&lt;svg "));

	unmake_hostile(report, &saved);
	free(html);
	sr_fixture_free(report);
}

/* The fixture with no records renders every section, each saying what is missing. */
static void test_spend_html__empty_fixture_renders_every_section(void **state)
{
	struct pc_spend_report *report = sr_fixture_empty();
	char *html = render(report);

	(void)state;
	assert_non_null(strstr(html, report->posture.text ? report->posture.text : ""));
	assert_non_null(strstr(html, "<section id=\"quality\">"));
	assert_non_null(strstr(html, "No spikes in the period."));
	assert_non_null(strstr(html, "No template change went live in the period."));
	assert_non_null(strstr(html, "n/a"));
	assert_null(strstr(html, "<script"));
	free(html);
	sr_fixture_free(report);
}

/* Each spike's commit labels its marker in the daily chart and is in the spikes table. */
static void test_spend_html__labels_spikes_with_their_commits(void **state)
{
	struct pc_spend_report *report = sr_fixture_new();
	char *html = render(report), *daily, *spikes_at;
	size_t labelled = 0;

	(void)state;
	assert_true(report->nspikes > 0);
	daily = strstr(html, "<section id=\"daily\">");
	assert_non_null(daily);
	daily = pc_xstrndup(daily, (size_t)(strstr(daily, "</section>") - daily));
	spikes_at = strstr(html, "<section id=\"spikes\">");
	assert_non_null(spikes_at);
	for (size_t k = 0; k < report->nspikes; k++) {
		const struct pc_sr_spike *sp = &report->spikes[k];
		char want[96], day_text[11];

		pc_day_format(day_text, sp->day);
		assert_non_null(strstr(spikes_at, day_text));
		if (!sp->commit.id)
			continue;
		/* the marker's label: "<short id> <subject...>" */
		snprintf(want, sizeof(want), "text-anchor=\"start\">%.7s ", sp->commit.id);
		if (!strstr(daily, want)) {
			snprintf(want, sizeof(want), "text-anchor=\"end\">%.7s ", sp->commit.id);
			assert_non_null(strstr(daily, want));
		}
		snprintf(want, sizeof(want), "<code title=\"%s\">%.7s</code>", sp->commit.id, sp->commit.id);
		assert_non_null(strstr(spikes_at, want));
		labelled++;
	}
	assert_true(labelled > 0);
	free(daily);
	free(html);
	sr_fixture_free(report);
}

/* A period with nothing in it still makes a whole page, each section saying so. */
static void test_spend_html__empty_report_says_so_in_every_section(void **state)
{
	struct pc_spend_report report;
	char *html;

	(void)state;
	memset(&report, 0, sizeof(report));
	strcpy(report.since, "2026-11-01");
	strcpy(report.until, "2026-11-01");
	report.since_day = report.until_day = pc_days_from_civil(2026, 11, 1);
	report.ndays = 1;
	report.hours = 24;
	report.currency = (char *)"EUR";
	report.days_per_month = 30;
	report.posture.text = (char *)"Nothing was spent.";
	html = render(&report);
	assert_non_null(strstr(html, "Nothing was spent."));
	assert_non_null(strstr(html, "No spend recorded in the period."));
	assert_non_null(strstr(html, "No team or use case has a budget."));
	assert_non_null(strstr(html, "No template was called in the period."));
	assert_non_null(strstr(html, "No spikes in the period."));
	assert_non_null(strstr(html, "No template change went live in the period."));
	assert_non_null(strstr(html, "No reservations are configured."));
	assert_non_null(strstr(html, "0.00 EUR"));
	assert_non_null(strstr(html, "</html>\n"));
	free(html);
}

/* The texts the browser test looks for in the DOM: the posture, the total, spikes' commits. */
static int write_figures(const char *path, const struct pc_spend_report *report)
{
	struct pc_buf b = PC_BUF_INIT;
	int rc;

	pc_buf_adds(&b, report->posture.text);
	pc_buf_adds(&b, "\n");
	if (!strcmp(report->currency, "USD"))
		pc_buf_addch(&b, '$');
	pc_money_format(&b, report->posture.total_micros, true, false);
	pc_buf_addch(&b, '\n');
	for (size_t k = 0; k < report->nspikes; k++)
		if (report->spikes[k].commit.id)
			pc_buf_addf(&b, "%.7s\n", report->spikes[k].commit.id);
	rc = write_file(path, b.ptr);
	pc_buf_release(&b);
	return rc;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spend_html__fixture_matches_golden),
		cmocka_unit_test(test_spend_html__has_every_section_and_the_posture_on_top),
		cmocka_unit_test(test_spend_html__every_chart_has_a_text_alternative),
		cmocka_unit_test(test_spend_html__fetches_nothing),
		cmocka_unit_test(test_spend_html__escapes_hostile_strings),
		cmocka_unit_test(test_spend_html__empty_fixture_renders_every_section),
		cmocka_unit_test(test_spend_html__labels_spikes_with_their_commits),
		cmocka_unit_test(test_spend_html__empty_report_says_so_in_every_section),
	};

	/* --write FILE [--figures FILE] [--hostile]: the page for the browser test */
	if (argc >= 3 && !strcmp(argv[1], "--write")) {
		struct pc_spend_report *report = sr_fixture_new();
		struct pc_buf html = PC_BUF_INIT;
		struct hostile_saved saved;
		const char *figures = NULL;
		bool hostile = false;
		int rc;

		for (int i = 3; i < argc; i++) {
			if (!strcmp(argv[i], "--figures") && i + 1 < argc)
				figures = argv[++i];
			else if (!strcmp(argv[i], "--hostile"))
				hostile = true;
		}
		if (hostile)
			make_hostile(report, &saved);
		rc = pc_spend_report_html(&html, report);
		if (rc == 0)
			rc = write_file(argv[2], html.ptr);
		if (rc == 0 && figures)
			rc = write_figures(figures, report);
		if (hostile)
			unmake_hostile(report, &saved);
		pc_buf_release(&html);
		sr_fixture_free(report);
		if (rc != 0)
			perror(argv[2]);
		return rc == 0 ? 0 : 3;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
