/*
 * The spend report's charges as a FOCUS CSV (`promptcost report --format
 * focus`): one row per charge of struct pc_spend_report (a day, template,
 * model and kind), so the EffectiveCost column sums exactly to the report's
 * total.
 *
 * The columns follow FOCUS 1.2, read in the specification's repository at
 * its tag v1.2 (github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec,
 * specification/columns/ and specification/attributes/; published at
 * https://focus.finops.org/focus-specification/v1-2/): all 21 mandatory
 * columns, the conditional ones a commitment needs (CommitmentDiscount*,
 * ConsumedQuantity/Unit, PricingCategory, Resource*, Tags), the recommended
 * ChargeFrequency and ServiceSubcategory, then x_ columns for what FOCUS
 * lacks. The rules kept, as the specification words them:
 *   - a reservation's commitment is a "Purchase" row per day (BilledCost the
 *     day's commitment, EffectiveCost 0), amortised over "Usage" rows with
 *     CommitmentDiscountStatus "Used" (BilledCost 0, EffectiveCost its share)
 *     and one "Unused" row for the idle rest (Discount Handling; EffectiveCost:
 *     per CommitmentDiscountId, Usage effective cost = Purchase billed cost);
 *   - ConsumedQuantity/ConsumedUnit null for Purchase and Unused rows;
 *     PricingQuantity/PricingUnit never null on Usage and Purchase rows;
 *   - CommitmentDiscountStatus null on the Purchase row, CommitmentDiscountId
 *     and ResourceId the reservation on Purchase and Unused rows;
 *   - ContractedCost = ListCost (no negotiated discounts); ChargeClass null
 *     (no corrections);
 *   - numbers without signs for positives, separators or units (Numeric
 *     Format), times as YYYY-MM-DDTHH:mm:ssZ in UTC (Date/Time Format), null
 *     as an empty field (Null Handling), Tags a JSON object of strings
 *     (Key-Value Format), units capitalised (Unit Format);
 *   - custom columns prefixed x_ (Column Handling).
 * Money is printed exactly, in micro-units (six decimals), so sums are exact.
 * The CSV is RFC 4180: CRLF line ends, a field with a comma, quote, CR or LF
 * quoted with its quotes doubled.
 */
#include "promptcost/spend_report.h"

#include "promptcost/money.h"
#include "spend_render.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum column {
	BILLED_COST,
	BILLING_ACCOUNT_ID,
	BILLING_ACCOUNT_NAME,
	BILLING_CURRENCY,
	BILLING_PERIOD_END,
	BILLING_PERIOD_START,
	CHARGE_CATEGORY,
	CHARGE_CLASS,
	CHARGE_DESCRIPTION,
	CHARGE_FREQUENCY,
	CHARGE_PERIOD_END,
	CHARGE_PERIOD_START,
	COMMITMENT_DISCOUNT_CATEGORY,
	COMMITMENT_DISCOUNT_ID,
	COMMITMENT_DISCOUNT_NAME,
	COMMITMENT_DISCOUNT_QUANTITY,
	COMMITMENT_DISCOUNT_STATUS,
	COMMITMENT_DISCOUNT_TYPE,
	COMMITMENT_DISCOUNT_UNIT,
	CONSUMED_QUANTITY,
	CONSUMED_UNIT,
	CONTRACTED_COST,
	EFFECTIVE_COST,
	INVOICE_ISSUER_NAME,
	LIST_COST,
	PRICING_CATEGORY,
	PRICING_QUANTITY,
	PRICING_UNIT,
	PROVIDER_NAME,
	PUBLISHER_NAME,
	RESOURCE_ID,
	RESOURCE_NAME,
	RESOURCE_TYPE,
	SERVICE_CATEGORY,
	SERVICE_NAME,
	SERVICE_SUBCATEGORY,
	TAGS,
	X_CHARGE_KIND,
	X_ORIGIN,
	X_RESERVATION_ID,
	X_CALLS,
	X_RESPONSE_CACHE_HITS,
	X_INPUT_TOKENS,
	X_CACHED_INPUT_TOKENS,
	X_CACHE_WRITE_TOKENS,
	X_OUTPUT_TOKENS,
	NCOLUMNS
};

static const char *const names[NCOLUMNS] = {
	"BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency",
	"BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory", "ChargeClass",
	"ChargeDescription", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart",
	"CommitmentDiscountCategory", "CommitmentDiscountId", "CommitmentDiscountName",
	"CommitmentDiscountQuantity", "CommitmentDiscountStatus", "CommitmentDiscountType",
	"CommitmentDiscountUnit", "ConsumedQuantity", "ConsumedUnit", "ContractedCost",
	"EffectiveCost", "InvoiceIssuerName", "ListCost", "PricingCategory", "PricingQuantity",
	"PricingUnit", "ProviderName", "PublisherName", "ResourceId", "ResourceName",
	"ResourceType", "ServiceCategory", "ServiceName", "ServiceSubcategory", "Tags",
	"x_ChargeKind", "x_Origin", "x_ReservationId", "x_Calls", "x_ResponseCacheHits",
	"x_InputTokens", "x_CachedInputTokens", "x_CacheWriteTokens", "x_OutputTokens",
};

/* promptcost re-prices recorded usage: it is the data generator, not a provider's invoice. */
#define GENERATOR "promptcost"

/* One row's fields; NULL is FOCUS's null (an empty field). */
struct row {
	char *field[NCOLUMNS];
};

static void set(struct row *row, enum column c, const char *value)
{
	free(row->field[c]);
	row->field[c] = value ? pc_xstrdup(value) : NULL;
}

static void set_owned(struct row *row, enum column c, char *value)
{
	free(row->field[c]);
	row->field[c] = value;
}

/* Micro-units exactly, as a FOCUS decimal: 15120000 -> "15.120000", -5 -> "-0.000005". */
static void set_micros(struct row *row, enum column c, int64_t micros)
{
	char text[40];
	uint64_t mag = micros < 0 ? (uint64_t)0 - (uint64_t)micros : (uint64_t)micros;

	snprintf(text, sizeof(text), "%s%llu.%06llu", micros < 0 ? "-" : "",
		 (unsigned long long)(mag / PC_MICROS), (unsigned long long)(mag % PC_MICROS));
	set(row, c, text);
}

static void set_count(struct row *row, enum column c, int64_t n)
{
	char text[24];

	snprintf(text, sizeof(text), "%lld", (long long)n);
	set(row, c, text);
}

static void set_time(struct row *row, enum column c, int64_t day)
{
	char d[11], text[24];

	pc_day_format(d, day);
	snprintf(text, sizeof(text), "%sT00:00:00Z", d);
	set(row, c, text);
}

/* A number as this file writes them: [-]digits[.digits]. */
static bool is_number(const char *s)
{
	bool digits = false;

	if (*s == '-')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits = true;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			digits = true;
	return digits && !*s;
}

/*
 * RFC 4180: quoted when it holds a comma, a quote, CR or LF (or is an empty
 * string). A name that a spreadsheet would run as a formula (=, +, -, @, a
 * tab or CR first: OWASP's "CSV injection") gets a leading apostrophe: names
 * reach this file from usage logs (a record's team or use case), which
 * anybody who can call the model writes, and a CFO opens it in a
 * spreadsheet. Numbers are left as they are.
 */
static void csv_field(struct pc_buf *out, const char *s)
{
	struct pc_buf guarded = PC_BUF_INIT;

	if (!s)
		return;
	if (strchr("=+-@\t\r", *s) && *s && !is_number(s)) {
		pc_buf_addch(&guarded, '\'');
		pc_buf_adds(&guarded, s);
		csv_field(out, guarded.ptr);
		pc_buf_release(&guarded);
		return;
	}
	if (*s && !strpbrk(s, ",\"\r\n")) {
		pc_buf_adds(out, s);
		return;
	}
	pc_buf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			pc_buf_addch(out, '"');
		pc_buf_addch(out, *s);
	}
	pc_buf_addch(out, '"');
}

static void csv_row(struct pc_buf *out, char *const *fields)
{
	for (size_t c = 0; c < NCOLUMNS; c++) {
		if (c)
			pc_buf_addch(out, ',');
		csv_field(out, fields[c]);
	}
	pc_buf_adds(out, "\r\n");
}

/* {"team":"...","use_case":"...","template":"..."}, the keys it has; NULL for none. */
static char *tags(const struct pc_sr_charge *ch)
{
	json_t *o = json_object();
	char *text = NULL;

	if (ch->team)
		json_object_set_new(o, "team", json_string(ch->team));
	if (ch->use_case)
		json_object_set_new(o, "use_case", json_string(ch->use_case));
	if (ch->template)
		json_object_set_new(o, "template", json_string(ch->template));
	if (json_object_size(o))
		text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return text;
}

static char *prefixed(const char *prefix, const char *id)
{
	struct pc_buf b = PC_BUF_INIT;

	pc_buf_addf(&b, "%s%s", prefix, id);
	return pc_buf_detach(&b, NULL);
}

static const struct pc_sr_reservation *reservation(const struct pc_spend_report *r,
						    const char *id)
{
	for (size_t i = 0; id && i < r->nreservations; i++)
		if (!strcmp(r->reservations[i].id, id))
			return &r->reservations[i];
	return NULL;
}

static char *description(const struct pc_sr_charge *ch)
{
	struct pc_buf b = PC_BUF_INIT;
	const char *model = ch->model ? ch->model : "model";

	switch (ch->kind) {
	case PC_SR_CHARGE_ON_DEMAND:
	case PC_SR_CHARGE_SPILLOVER:
	case PC_SR_CHARGE_COMMITMENT_USE:
		pc_buf_addf(&b, "%s tokens ", model);
		if (ch->template)
			pc_buf_addf(&b, "for %s", ch->template);
		else
			pc_buf_adds(&b, "unattributed");
		if (ch->kind == PC_SR_CHARGE_ON_DEMAND)
			pc_buf_adds(&b, ", on demand");
		else if (ch->kind == PC_SR_CHARGE_SPILLOVER)
			pc_buf_addf(&b, ", above %s's capacity, on demand", ch->reservation);
		else
			pc_buf_addf(&b, ", within %s's capacity", ch->reservation);
		break;
	case PC_SR_CHARGE_COMMITMENT_IDLE:
		pc_buf_addf(&b, "unused capacity of %s (%s)", ch->reservation, model);
		break;
	case PC_SR_CHARGE_PURCHASE:
		pc_buf_addf(&b, "%s provisioned throughput commitment (%s), one day",
			    ch->reservation, model);
		break;
	}
	return pc_buf_detach(&b, NULL);
}

static void charge_row(struct row *row, const struct pc_spend_report *r,
		       const struct pc_sr_charge *ch)
{
	bool usage = ch->kind != PC_SR_CHARGE_PURCHASE;
	bool consumed = ch->kind == PC_SR_CHARGE_ON_DEMAND || ch->kind == PC_SR_CHARGE_SPILLOVER ||
			ch->kind == PC_SR_CHARGE_COMMITMENT_USE;
	bool commitment = ch->kind == PC_SR_CHARGE_COMMITMENT_USE ||
			  ch->kind == PC_SR_CHARGE_COMMITMENT_IDLE ||
			  ch->kind == PC_SR_CHARGE_PURCHASE;
	const struct pc_sr_reservation *v = reservation(r, ch->reservation);
	int64_t tokens = ch->input_tokens + ch->output_tokens;

	set_micros(row, BILLED_COST, ch->billed_micros);
	set(row, BILLING_ACCOUNT_ID, GENERATOR);
	set(row, BILLING_ACCOUNT_NAME, GENERATOR);
	set(row, BILLING_CURRENCY, r->currency ? r->currency : "USD");
	set_time(row, BILLING_PERIOD_START, r->since_day);
	set_time(row, BILLING_PERIOD_END, r->until_day + 1);
	set(row, CHARGE_CATEGORY, usage ? "Usage" : "Purchase");
	set_owned(row, CHARGE_DESCRIPTION, description(ch));
	set(row, CHARGE_FREQUENCY, consumed ? "Usage-Based" : "Recurring");
	set_time(row, CHARGE_PERIOD_START, ch->day);
	set_time(row, CHARGE_PERIOD_END, ch->day + 1);
	if (commitment) {
		set(row, COMMITMENT_DISCOUNT_CATEGORY, "Usage");
		set(row, COMMITMENT_DISCOUNT_ID, ch->reservation);
		set(row, COMMITMENT_DISCOUNT_NAME, ch->reservation);
		set_count(row, COMMITMENT_DISCOUNT_QUANTITY, ch->equivalents);
		if (usage)
			set(row, COMMITMENT_DISCOUNT_STATUS,
			    ch->kind == PC_SR_CHARGE_COMMITMENT_USE ? "Used" : "Unused");
		set(row, COMMITMENT_DISCOUNT_TYPE, "Provisioned Throughput");
		set(row, COMMITMENT_DISCOUNT_UNIT, "Equivalent Tokens");
	}
	if (consumed) {
		set_count(row, CONSUMED_QUANTITY, tokens);
		set(row, CONSUMED_UNIT, "Tokens");
	}
	set_micros(row, CONTRACTED_COST, ch->list_micros);
	set_micros(row, EFFECTIVE_COST, ch->effective_micros);
	set(row, INVOICE_ISSUER_NAME, GENERATOR);
	set_micros(row, LIST_COST, ch->list_micros);
	set(row, PRICING_CATEGORY,
	    ch->kind == PC_SR_CHARGE_COMMITMENT_USE || ch->kind == PC_SR_CHARGE_COMMITMENT_IDLE
		    ? "Committed"
		    : "Standard");
	if (consumed) {
		set_count(row, PRICING_QUANTITY, tokens);
		set(row, PRICING_UNIT, "Tokens");
	} else if (usage) {
		set_count(row, PRICING_QUANTITY, ch->equivalents);
		set(row, PRICING_UNIT, "Equivalent Tokens");
	} else {
		/* a commitment is priced per unit and hour: a day's purchase is units x 24 */
		set_count(row, PRICING_QUANTITY, v ? v->units * 24 : 24);
		set(row, PRICING_UNIT, "Unit-Hours");
	}
	set(row, PROVIDER_NAME, GENERATOR);
	set(row, PUBLISHER_NAME, GENERATOR);
	if (consumed && ch->template) {
		set_owned(row, RESOURCE_ID, prefixed("template:", ch->template));
		set(row, RESOURCE_NAME, ch->template);
		set(row, RESOURCE_TYPE, "Prompt Template");
	} else if (!consumed && ch->reservation) {
		set_owned(row, RESOURCE_ID, prefixed("reservation:", ch->reservation));
		set(row, RESOURCE_NAME, ch->reservation);
		set(row, RESOURCE_TYPE, "Provisioned Throughput Reservation");
	}
	set(row, SERVICE_CATEGORY, "AI and Machine Learning");
	set(row, SERVICE_NAME, ch->model ? ch->model : "unknown model");
	set(row, SERVICE_SUBCATEGORY, "Generative AI");
	set_owned(row, TAGS, tags(ch));
	set(row, X_CHARGE_KIND, sr_charge_kind_name(ch->kind));
	set(row, X_ORIGIN, consumed ? "recorded" : "configured");
	set(row, X_RESERVATION_ID, ch->reservation);
	if (consumed) {
		set_count(row, X_CALLS, ch->calls);
		set_count(row, X_RESPONSE_CACHE_HITS, ch->response_cache_hits);
		set_count(row, X_INPUT_TOKENS, ch->input_tokens);
		set_count(row, X_CACHED_INPUT_TOKENS, ch->cached_input_tokens);
		set_count(row, X_CACHE_WRITE_TOKENS, ch->cache_write_tokens);
		set_count(row, X_OUTPUT_TOKENS, ch->output_tokens);
	}
}

int pc_spend_report_focus(struct pc_buf *out, const struct pc_spend_report *report)
{
	csv_row(out, (char *const *)names);
	for (size_t i = 0; i < report->ncharges; i++) {
		struct row row;

		memset(&row, 0, sizeof(row));
		charge_row(&row, report, &report->charges[i]);
		csv_row(out, row.field);
		for (size_t c = 0; c < NCOLUMNS; c++)
			free(row.field[c]);
	}
	return 0;
}
