/*
 * The JSON report, schema promptcost/check/v1 (DESIGN.md): the fields listed
 * there, money as strings with exactly two decimals, tokens as integers, and
 * the policy's findings as codes with their figures.
 *
 * Written straight into the output, in the layout jansson's json_dumps
 * gives with JSON_INDENT(2) (which this file used until stop 19, and which
 * the tests compare against): two spaces a level, ": " after a key, one
 * value a line, "[]" and "{}" when empty. Building jansson's tree of a
 * thousand templates and dumping it was 118 of the 139 million
 * instructions of `check --format json`, and the Action always writes it.
 * Strings are escaped as jansson does (\" \\ \b \f \n \r \t, other control
 * characters as \u00XX); a byte that is not UTF-8, which jansson refused
 * (dropping the whole value), is written as U+FFFD.
 */
#include "promptcost/report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct writer {
	struct pc_buf *out;
	int depth;
	bool first; /* no member written yet at this level */
};

static void newline(struct writer *w)
{
	static const char spaces[] = "                                                  ";
	size_t n = 2 * (size_t)w->depth;

	pc_buf_addch(w->out, '\n');
	while (n) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		pc_buf_add(w->out, spaces, k);
		n -= k;
	}
}

/* The length of the UTF-8 sequence at s (at most left bytes), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t left)
{
	unsigned c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (left < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void string(struct writer *w, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t len = strlen(text), run = 0, i = 0;
	struct pc_buf *out = w->out;

	/* room for the quotes and the text as it is: escapes, rare, grow it further */
	pc_buf_grow(out, len + 2);
	out->ptr[out->len++] = '"';
	while (i < len) {
		unsigned c = s[i];
		size_t n;
		char esc[8];

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			run++;
			continue;
		}
		if (c >= 0x80 && (n = utf8_len(s + i, len - i)) > 0) {
			i += n;
			run += n;
			continue;
		}
		pc_buf_add(out, s + i - run, run);
		run = 0;
		switch (c) {
		case '"': pc_buf_add(out, "\\\"", 2); break;
		case '\\': pc_buf_add(out, "\\\\", 2); break;
		case '\b': pc_buf_add(out, "\\b", 2); break;
		case '\f': pc_buf_add(out, "\\f", 2); break;
		case '\n': pc_buf_add(out, "\\n", 2); break;
		case '\r': pc_buf_add(out, "\\r", 2); break;
		case '\t': pc_buf_add(out, "\\t", 2); break;
		default:
			if (c < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04X", c);
				pc_buf_add(out, esc, 6);
			} else {
				pc_buf_add(out, "\\uFFFD", 6); /* not UTF-8 */
			}
		}
		i++;
	}
	pc_buf_add(out, s + len - run, run);
	pc_buf_addch(out, '"');
}

/*
 * Before a member: the comma after the previous one, a new line, the key.
 * Keys are this file's own names (and the findings' figure names, static
 * snake_case too): plain ASCII, written without escaping.
 */
static void member(struct writer *w, const char *key)
{
	if (!w->first)
		pc_buf_addch(w->out, ',');
	w->first = false;
	newline(w);
	if (key) {
		size_t n = strlen(key);

		pc_buf_grow(w->out, n + 4);
		w->out->ptr[w->out->len++] = '"';
		memcpy(w->out->ptr + w->out->len, key, n);
		w->out->len += n;
		memcpy(w->out->ptr + w->out->len, "\": ", 3);
		w->out->len += 3;
		w->out->ptr[w->out->len] = '\0';
	}
}

static void begin(struct writer *w, const char *key, char bracket)
{
	member(w, key);
	pc_buf_addch(w->out, bracket);
	w->depth++;
	w->first = true;
}

static void end(struct writer *w, char bracket)
{
	w->depth--;
	if (!w->first) /* "[]" and "{}" when empty, as jansson writes them */
		newline(w);
	pc_buf_addch(w->out, bracket);
	w->first = false;
}

static void str(struct writer *w, const char *key, const char *value)
{
	member(w, key);
	if (value)
		string(w, value);
	else
		pc_buf_adds(w->out, "null");
}

static void null(struct writer *w, const char *key)
{
	member(w, key);
	pc_buf_adds(w->out, "null");
}

static void boolean(struct writer *w, const char *key, bool value)
{
	member(w, key);
	pc_buf_adds(w->out, value ? "true" : "false");
}

static void integer(struct writer *w, const char *key, int64_t value)
{
	uint64_t mag = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
	char text[24];
	size_t at = sizeof(text);

	member(w, key);
	do { /* backwards, without printf */
		text[--at] = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag);
	if (value < 0)
		text[--at] = '-';
	pc_buf_add(w->out, text + at, sizeof(text) - at);
}

static void money(struct writer *w, const char *key, int64_t micros)
{
	member(w, key);
	pc_buf_addch(w->out, '"');
	pc_report_money(w->out, micros);
	pc_buf_addch(w->out, '"');
}

static void strings(struct writer *w, const char *key, const struct pc_strlist *list)
{
	begin(w, key, '[');
	for (size_t i = 0; i < list->n; i++)
		str(w, NULL, list->items[i]);
	end(w, ']');
}

/* A percent in parts per million, exactly, as a decimal string: "80", "12.5", "0.0125". */
static void percent(struct writer *w, const char *key, int64_t ppm)
{
	uint64_t mag = ppm < 0 ? (uint64_t)0 - (uint64_t)ppm : (uint64_t)ppm;
	char digits[32];
	size_t len;

	/* a percent is ppm / 10^4: up to four decimals, trailing zeros dropped */
	len = (size_t)snprintf(digits, sizeof(digits), "%s%llu.%04llu", ppm < 0 ? "-" : "",
			       (unsigned long long)(mag / 10000),
			       (unsigned long long)(mag % 10000));
	while (digits[len - 1] == '0')
		digits[--len] = '\0';
	if (digits[len - 1] == '.')
		digits[--len] = '\0';
	str(w, key, digits);
}

/* {code, subject, figures: {name: value...}, message}: money and percents as strings. */
static void findings_json(struct writer *w, const char *key, const struct pc_findings *findings)
{
	begin(w, key, '[');
	for (size_t i = 0; i < findings->n; i++) {
		const struct pc_finding *f = &findings->items[i];

		begin(w, NULL, '{');
		str(w, "code", pc_finding_code_name(f->code));
		str(w, "subject", f->subject);
		begin(w, "figures", '{');
		for (size_t k = 0; k < f->nfigures; k++) {
			const struct pc_figure *figure = &f->figures[k];

			switch (figure->kind) {
			case PC_FIGURE_MONEY:
				money(w, figure->name, figure->value);
				break;
			case PC_FIGURE_PERCENT:
				percent(w, figure->name, figure->value);
				break;
			case PC_FIGURE_COUNT:
				integer(w, figure->name, figure->value);
				break;
			default:
				str(w, figure->name, figure->text);
			}
		}
		end(w, '}');
		str(w, "message", f->message);
		end(w, '}');
	}
	end(w, ']');
}

/*
 * Where calls_per_day comes from. Recorded: the exact figures of the window
 * (calls over days; hits and tokens as recorded), so a script can redo the
 * arithmetic; configured: an estimate typed into the configuration.
 */
static void volume_source(struct writer *w, const char *key, const struct pc_volume *v)
{
	begin(w, key, '{');
	if (v->source != PC_SPEND_RECORDED) {
		str(w, "kind", "configured");
		boolean(w, "estimate", true);
	} else {
		str(w, "kind", "recorded");
		boolean(w, "estimate", false);
		str(w, "from", v->from);
		str(w, "until", v->until);
		integer(w, "days", v->days);
		integer(w, "calls", v->calls);
		integer(w, "response_cache_hits", v->response_cache_hits);
		integer(w, "input_tokens", v->input_tokens);
		integer(w, "cached_input_tokens", v->cached_input_tokens);
		integer(w, "cache_write_tokens", v->cache_write_tokens);
		integer(w, "output_tokens", v->output_tokens);
		integer(w, "records", v->records);
	}
	end(w, '}');
}

static void template_json(struct writer *w, const struct pc_template_report *t)
{
	const struct pc_template_side *side = t->after.present ? &t->after : &t->before;

	begin(w, NULL, '{');
	str(w, "id", t->id);
	begin(w, "files", '[');
	for (size_t i = 0; i < side->nfiles; i++) {
		/* a part of a structured file is named as in the configuration: path#fragment */
		if (side->files[i].fragment) {
			struct pc_buf name = PC_BUF_INIT;

			pc_buf_addf(&name, "%s#%s", side->files[i].path, side->files[i].fragment);
			str(w, NULL, name.ptr);
			pc_buf_release(&name);
		} else {
			str(w, NULL, side->files[i].path);
		}
	}
	end(w, ']');
	str(w, "change", pc_change_name(t->change));
	str(w, "team", t->team);
	str(w, "use_case", t->use_case);
	str(w, "model", side->model_name);
	str(w, "encoding", side->model->approximate ? "approximate"
						    : pc_encoding_name(side->model->encoding));
	boolean(w, "exact", t->exact);
	integer(w, "tokens_before", t->before.tokens);
	integer(w, "tokens_after", t->after.tokens);
	integer(w, "tokens_added", t->tokens_added);
	integer(w, "tokens_removed", t->tokens_removed);
	integer(w, "delta_tokens", t->delta_tokens);
	integer(w, "calls_per_day", pc_volume_calls_per_day(&t->rate));
	volume_source(w, "volume_source", &t->rate);
	money(w, "monthly_cost_before", t->before.cost_micros);
	money(w, "monthly_cost_after", t->after.cost_micros);
	money(w, "monthly_delta", t->monthly_delta_micros);
	boolean(w, "cost_event", t->cost_event);
	str(w, "approved_by", t->approved ? t->approval.approver : NULL);
	if (t->approved) {
		begin(w, "approval", '{');
		str(w, "by", t->approval.approver);
		str(w, "at", t->approval.approved_at);
		if (t->approval.approved_delta_micros < 0)
			null(w, "monthly_delta");
		else
			money(w, "monthly_delta", t->approval.approved_delta_micros);
		end(w, '}');
	} else {
		null(w, "approval");
	}
	str(w, "verdict", pc_verdict_name(t->verdict));
	strings(w, "reasons", &t->reasons);
	findings_json(w, "findings", &t->findings);
	strings(w, "partials", &side->partials.paths);
	strings(w, "notes", &t->notes);
	end(w, '}');
}

static void budgets_json(struct writer *w, const char *key,
			 const struct pc_budget_report *budgets, size_t n, const char *name_key)
{
	begin(w, key, '[');
	for (size_t i = 0; i < n; i++) {
		const struct pc_budget_report *b = &budgets[i];

		begin(w, NULL, '{');
		str(w, name_key, b->budget->name);
		if (b->budget->has_budget)
			money(w, "monthly_budget", b->budget->monthly_budget_micros);
		else
			null(w, "monthly_budget");
		money(w, "monthly_spend_before", b->spend_before_micros);
		money(w, "monthly_spend_after", b->spend_after_micros);
		str(w, "limit", b->budget->limit == PC_LIMIT_HARD ? "hard" : "soft");
		str(w, "status", pc_status_name(b->status));
		end(w, '}');
	}
	end(w, ']');
}

int pc_report_json(struct pc_buf *out, const struct pc_report *report)
{
	struct writer w = { out, 0, true };

	/* every template is listed: a report that priced some from the quiet snapshot cannot be */
	if (report->nquiet)
		return pc_error_set(PC_EINTERNAL, "a JSON report needs every template collected "
				    "(check ran without --format json)");

	pc_buf_addch(out, '{');
	w.depth = 1;
	str(&w, "schema", "promptcost/check/v1");
	str(&w, "base", report->base_commit);
	str(&w, "head", report->head_commit);
	str(&w, "base_label", report->base_label);
	str(&w, "policy", report->policy_commit);
	str(&w, "policy_label", report->policy_label);
	str(&w, "head_label", report->head_label);
	/* who may approve a cost event: the judging policy's ids (the Action logs which reviews count) */
	strings(&w, "approvers", &report->config->policy.approvers);
	str(&w, "currency", report->config->currency);
	integer(&w, "days_per_month", report->config->days_per_month);
	begin(&w, "templates", '[');
	for (size_t i = 0; i < report->ntemplates; i++)
		template_json(&w, &report->templates[i]);
	end(&w, ']');
	budgets_json(&w, "teams", report->teams, report->nteams, "team");
	budgets_json(&w, "use_cases", report->use_cases, report->nuse_cases, "use_case");
	money(&w, "monthly_delta", report->monthly_delta_micros);
	boolean(&w, "exact", report->exact);
	boolean(&w, "config_from_head", report->config_from_head);
	strings(&w, "pending", &report->pending);
	strings(&w, "skipped", &report->skipped);
	str(&w, "price_date", report->price_date);
	strings(&w, "prices", &report->prices);
	str(&w, "verdict", pc_verdict_name(report->verdict));
	str(&w, "verdict_reason", report->verdict_reason);
	findings_json(&w, "findings", &report->findings);
	w.depth = 0;
	newline(&w);
	pc_buf_adds(out, "}\n");
	return 0;
}
