/*
 * The spend report as one self-contained HTML page (`promptcost report
 * --format html`): the posture sentence on top, then charts drawn as inline
 * SVG, each with its figures in words and in a table beside it. No script,
 * font, image or style sheet is fetched (a Content Security Policy says so
 * to the browser too), so the file can be opened from an e-mail attachment.
 * Every string from the data (template ids, commit subjects, authors) is
 * written by whoever commits and is escaped, in text and in attributes.
 */
#include "promptcost/spend_report.h"

#include "promptcost/money.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The charts' colours, one per use case in cost order, then "other" and "no use case".
 * Each has at least 3:1 contrast on white (WCAG 1.4.11 for graphics). */
static const char *const palette[] = {
	"#2563eb", "#c2410c", "#047857", "#9333ea", "#be185d", "#0e7490", "#4d7c0f",
};
#define NPALETTE (sizeof(palette) / sizeof(palette[0]))
#define COLOUR_OTHER "#6b7280"
#define COLOUR_NONE "#44403c"
#define COLOUR_SPIKE "#b91c1c"

/* Writes s for HTML text or a quoted attribute; control characters visibly as \xNN. */
static void esc(struct pc_buf *out, const char *s)
{
	if (!s)
		return;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '<': pc_buf_adds(out, "&lt;"); break;
		case '>': pc_buf_adds(out, "&gt;"); break;
		case '&': pc_buf_adds(out, "&amp;"); break;
		case '"': pc_buf_adds(out, "&quot;"); break;
		case '\'': pc_buf_adds(out, "&#39;"); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				pc_buf_addf(out, "\\x%02x", c);
			} else if (c == 0xc2 && (unsigned char)s[1] >= 0x80 &&
				   (unsigned char)s[1] <= 0x9f) {
				pc_buf_addf(out, "\\xc2\\x%02x", (unsigned char)s[1]);
				s++;
			} else {
				pc_buf_addch(out, *s);
			}
		}
	}
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Appends at most max_chars characters of s (UTF-8 sequences kept whole), "…" when cut. */
static void cut(struct pc_buf *out, const char *s, size_t max_chars)
{
	size_t chars = 0, i = 0;

	if (!s)
		return;
	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && chars++ == max_chars)
			break;
	pc_buf_add(out, s, i);
	if (s[i])
		pc_buf_adds(out, "…");
}

/* "$2,160.00" for USD, "2,160.00 EUR" otherwise (as the check report writes money). */
static void money(struct pc_buf *out, const struct pc_spend_report *r, int64_t micros, bool sign)
{
	struct pc_buf number = PC_BUF_INIT;
	const char *digits;

	pc_money_format(&number, micros, true, sign);
	digits = number.ptr;
	if (r->currency && !strcmp(r->currency, "USD")) {
		if (*digits == '+' || *digits == '-')
			pc_buf_addch(out, *digits++);
		pc_buf_addf(out, "$%s", digits);
	} else {
		pc_buf_adds(out, digits);
		pc_buf_addch(out, ' ');
		esc(out, r->currency ? r->currency : "");
	}
	pc_buf_release(&number);
}

/* A ratio as "38.0%", or "n/a". */
static void percent(struct pc_buf *out, struct pc_ratio ratio)
{
	char text[32];

	pc_ratio_format(text, ratio);
	pc_buf_adds(out, text);
	if (ratio.den != 0)
		pc_buf_addch(out, '%');
}

static void day(struct pc_buf *out, int64_t d)
{
	char text[11];

	pc_day_format(text, d);
	pc_buf_adds(out, text);
}

static void count(struct pc_buf *out, int64_t n)
{
	pc_count_format(out, n, false);
}

/* The first 7 characters of a commit id. */
static void short_id(struct pc_buf *out, const char *id)
{
	char text[8];

	if (!id)
		return;
	snprintf(text, sizeof(text), "%s", id);
	esc(out, text);
}

/* A coordinate in tenths, as "12.3". */
static void coord(struct pc_buf *out, int64_t tenths)
{
	if (tenths < 0) {
		pc_buf_addch(out, '-');
		tenths = -tenths;
	}
	pc_buf_addf(out, "%" PRId64 ".%" PRId64, tenths / 10, tenths % 10);
}

/* value / max of length, in tenths of a unit (0 when max <= 0), clamped to [0, length]. */
static int64_t scale(int64_t value, int64_t max, int64_t length)
{
	pc_int128 t;

	if (max <= 0 || value <= 0)
		return 0;
	t = pc_div_round((pc_int128)value * length * 10, max);
	return t > length * 10 ? length * 10 : (int64_t)t;
}

/* A ratio as parts per thousand, clamped to [0, max_permille] (for bars). */
static int64_t permille(struct pc_ratio ratio, int64_t max_permille)
{
	pc_int128 t;

	if (ratio.den == 0 || ratio.num <= 0)
		return 0;
	t = pc_div_round((pc_int128)ratio.num * 1000, ratio.den);
	return t > max_permille ? max_permille : (int64_t)t;
}

static const char *status_words(enum pc_sr_status status)
{
	switch (status) {
	case PC_SR_NO_BUDGET: return "no budget";
	case PC_SR_OK: return "on track";
	case PC_SR_WARN: return "warning";
	case PC_SR_OVER_SOFT: return "over soft limit";
	case PC_SR_OVER_HARD: return "over hard limit";
	}
	return "?";
}

static const char *status_colour(enum pc_sr_status status)
{
	switch (status) {
	case PC_SR_OK: return "#047857";
	case PC_SR_WARN: return "#b45309";
	case PC_SR_OVER_SOFT: case PC_SR_OVER_HARD: return "#b91c1c";
	case PC_SR_NO_BUDGET: break;
	}
	return COLOUR_OTHER;
}

static const char *cause_words(enum pc_sr_cause cause)
{
	switch (cause) {
	case PC_SR_CAUSE_VERSION: return "a new template version";
	case PC_SR_CAUSE_INFERRED: return "a template change (inferred from git)";
	case PC_SR_CAUSE_VOLUME: return "more calls (volume)";
	case PC_SR_CAUSE_UNKNOWN: return "costlier calls, no commit found";
	}
	return "?";
}

/* Chart ids come from a counter, never from the data. */
struct page {
	struct pc_buf *out;
	const struct pc_spend_report *r;
	unsigned next_id;
};

/* Opens an accessible SVG: role img, labelled by its <title> and described by its <desc>. */
static unsigned svg_open(struct page *p, const char *cls, int64_t width, int64_t height,
			 const char *aspect)
{
	unsigned id = ++p->next_id;

	pc_buf_addf(p->out, "<svg class=\"%s\" role=\"img\" viewBox=\"0 0 %" PRId64 " %" PRId64
		    "\"%s%s%s aria-labelledby=\"c%u-t c%u-d\">",
		    cls, width, height, aspect ? " preserveAspectRatio=\"" : "",
		    aspect ? aspect : "", aspect ? "\"" : "", id, id);
	return id;
}

/* ---- the posture ---- */

static void kpi(struct pc_buf *out, const char *label, const char *value_html, const char *note_html)
{
	pc_buf_adds(out, "<div class=\"kpi\"><dt>");
	pc_buf_adds(out, label);
	pc_buf_adds(out, "</dt><dd><span class=\"big\">");
	pc_buf_adds(out, value_html);
	pc_buf_adds(out, "</span>");
	if (note_html && *note_html) {
		pc_buf_adds(out, "<span class=\"note\">");
		pc_buf_adds(out, note_html);
		pc_buf_adds(out, "</span>");
	}
	pc_buf_adds(out, "</dd></div>\n");
}

static void posture(struct page *p)
{
	const struct pc_spend_report *r = p->r;
	const struct pc_sr_posture *ps = &r->posture;
	struct pc_buf v = PC_BUF_INIT, n = PC_BUF_INIT;

	pc_buf_adds(p->out, "<header>\n<p class=\"kicker\">promptcost spend report · ");
	esc(p->out, r->since);
	pc_buf_adds(p->out, " to ");
	esc(p->out, r->until);
	pc_buf_addf(p->out, " (%" PRId64 " days) · ", r->ndays);
	esc(p->out, r->currency);
	pc_buf_adds(p->out, "</p>\n<h1>Governance posture</h1>\n<p class=\"posture\" id=\"posture\">");
	esc(p->out, ps->text);
	pc_buf_adds(p->out, "</p>\n<dl class=\"kpis\">\n");

	money(&v, r, ps->total_micros, false);
	pc_buf_adds(&n, "on demand ");
	money(&n, r, ps->on_demand_micros, false);
	pc_buf_adds(&n, " + commitments ");
	money(&n, r, ps->commitment_micros, false);
	kpi(p->out, "Total spend", v.ptr, n.ptr);

	pc_buf_reset(&v);
	pc_buf_reset(&n);
	count(&v, ps->active_use_cases);
	pc_buf_addf(&n, "with at least one call");
	kpi(p->out, "Active use cases", v.ptr, n.ptr);

	pc_buf_reset(&v);
	pc_buf_reset(&n);
	if (ps->top_use_case) {
		percent(&v, ps->top_use_case_share);
		esc(&n, ps->top_use_case);
		pc_buf_adds(&n, ": ");
		money(&n, r, ps->top_use_case_micros, false);
	} else {
		pc_buf_adds(&v, "none");
	}
	kpi(p->out, "Top use case", v.ptr, n.ptr);

	pc_buf_reset(&v);
	pc_buf_reset(&n);
	percent(&v, ps->cache_hit_rate);
	if (ps->has_cache_hit_target) {
		pc_buf_adds(&n, "target ");
		pc_ppm_format(&n, ps->cache_hit_target_ppm);
		pc_buf_adds(&n, "; ");
	}
	count(&n, ps->response_cache_hits);
	pc_buf_adds(&n, " hits of ");
	count(&n, ps->calls);
	pc_buf_adds(&n, " calls");
	kpi(p->out, "Cache hit rate", v.ptr, n.ptr);

	pc_buf_reset(&v);
	pc_buf_reset(&n);
	if (ps->has_reservations) {
		percent(&v, ps->reservation_utilization);
		pc_buf_adds(&n, "commitment-weighted, ");
		pc_buf_addf(&n, "%zu reservation%s", r->nreservations, r->nreservations == 1 ? "" : "s");
	} else {
		pc_buf_adds(&v, "n/a");
		pc_buf_adds(&n, "no reservations");
	}
	kpi(p->out, "Reserved capacity used", v.ptr, n.ptr);

	pc_buf_adds(p->out, "</dl>\n</header>\n");
	pc_buf_release(&v);
	pc_buf_release(&n);
}

static void contents(struct pc_buf *out)
{
	pc_buf_adds(out, "<nav aria-label=\"Sections\"><ul>"
		    "<li><a href=\"#daily\">Daily spend</a></li>"
		    "<li><a href=\"#budgets\">Budgets</a></li>"
		    "<li><a href=\"#templates\">Templates</a></li>"
		    "<li><a href=\"#spikes\">Spikes</a></li>"
		    "<li><a href=\"#forecasts\">Forecast against actual</a></li>"
		    "<li><a href=\"#caching\">Caching</a></li>"
		    "<li><a href=\"#reservations\">Reservations</a></li>"
		    "<li><a href=\"#quality\">Data quality</a></li>"
		    "</ul></nav>\n");
}

/* ---- daily spend stacked by use case ---- */

/* The chart's series: the top use cases by cost, the rest as "other", templates of no use case. */
struct series {
	const char *label;      /* borrowed */
	const char *colour;
	int64_t *daily;         /* owned, ndays */
	int64_t total;
};

static size_t daily_series(struct series **out, const struct pc_spend_report *r)
{
	struct series *s = pc_xcalloc(NPALETTE + 2, sizeof(*s));
	size_t n = 0, active = 0;
	int64_t nd = r->ndays;

	for (size_t i = 0; i < r->nuse_cases; i++)
		if (r->use_cases[i].cost_micros != 0)
			active++;
	for (size_t i = 0; i < r->nuse_cases; i++) {
		const struct pc_sr_budget *u = &r->use_cases[i];
		struct series *target;

		if (u->cost_micros == 0 || !u->daily_micros)
			continue;
		/* the last colour is kept for "other" when more use cases than colours */
		if (n < NPALETTE - (active > NPALETTE ? 1 : 0)) {
			target = &s[n];
			target->label = u->id;
			target->colour = palette[n];
			n++;
		} else {
			target = &s[NPALETTE];
			target->label = "other use cases";
			target->colour = COLOUR_OTHER;
		}
		if (!target->daily)
			target->daily = pc_xcalloc((size_t)nd, sizeof(int64_t));
		for (int64_t d = 0; d < nd; d++)
			target->daily[d] += u->daily_micros[d];
		target->total += u->cost_micros;
	}
	if (s[NPALETTE].daily)
		s[n++] = s[NPALETTE];
	memset(&s[NPALETTE], 0, sizeof(s[NPALETTE]));
	/* templates charged to no use case (and unattributed records) */
	for (size_t i = 0; i < r->ntemplates; i++) {
		const struct pc_sr_template *t = &r->templates[i];

		if (t->use_case || !t->daily_micros || t->cost_micros == 0)
			continue;
		if (!s[n].daily) {
			s[n].daily = pc_xcalloc((size_t)nd, sizeof(int64_t));
			s[n].label = "no use case or unattributed";
			s[n].colour = COLOUR_NONE;
		}
		for (int64_t d = 0; d < nd; d++)
			s[n].daily[d] += t->daily_micros[d];
		s[n].total += t->cost_micros;
	}
	if (s[n].daily)
		n++;
	*out = s;
	return n;
}

/* A step of 1, 2 or 5 x 10^k micros so that max fits in 5 steps (at least 1 cent). */
static int64_t axis_step(int64_t max)
{
	int64_t step = 10000;

	for (;;) {
		if (step * 5 >= max)
			return step;
		if (step * 2 * 5 >= max)
			return step * 2;
		if (step * 5 * 5 >= max)
			return step * 5;
		if (step > INT64_MAX / 100)
			return step * 10;
		step *= 10;
	}
}

/* An axis label: whole units when the step is, else cents. */
static void axis_money(struct pc_buf *out, const struct pc_spend_report *r, int64_t micros,
		       int64_t step)
{
	struct pc_buf b = PC_BUF_INIT;

	money(&b, r, micros, false);
	if (step % PC_MICROS == 0) {
		/* "$1,200.00" -> "$1,200" */
		char *dot = strrchr(b.ptr, '.');

		if (dot) {
			memmove(dot, dot + 3, strlen(dot + 3) + 1);
			b.len -= 3;
		}
	}
	pc_buf_adds(out, b.ptr);
	pc_buf_release(&b);
}

/* The chart is drawn twice, wide and narrow, so that its text stays readable on a phone;
 * CSS shows one (the other is display:none, out of the accessibility tree too). */
struct geometry {
	const char *cls;        /* "wide" or "narrow" */
	int64_t width, height;
	size_t label_chars;     /* of a spike's commit subject */
};
static const struct geometry wide = { "wide", 720, 300, 48 };
static const struct geometry narrow = { "narrow", 360, 280, 22 };

#define DAILY_LEFT 60
#define DAILY_RIGHT 10
#define DAILY_BOTTOM 28
#define SPIKE_ROWS 3
#define SPIKE_ROW_H 18

static void daily_svg(struct page *p, const struct series *s, size_t ns, const struct geometry *g)
{
	const struct pc_spend_report *r = p->r;
	struct pc_buf *out = p->out;
	int64_t nd = r->ndays > 0 ? r->ndays : 0, max = 0, charted = 0, step, top;
	int64_t rows = r->nspikes < SPIKE_ROWS ? (int64_t)r->nspikes : SPIKE_ROWS;
	int64_t daily_top = 14 + rows * SPIKE_ROW_H;
	int64_t plot_w = g->width - DAILY_LEFT - DAILY_RIGHT;
	int64_t plot_h = g->height - daily_top - DAILY_BOTTOM;
	int64_t peak_day = 0, peak = -1, every, label_x, room_left, room_right, room;
	size_t want;
	struct pc_buf label = PC_BUF_INIT;
	unsigned id;

	for (int64_t d = 0; d < nd; d++) {
		int64_t sum = 0;

		for (size_t i = 0; i < ns; i++)
			sum += s[i].daily[d];
		if (sum > max)
			max = sum;
		if (sum > peak) {
			peak = sum;
			peak_day = d;
		}
		charted += sum;
	}
	step = axis_step(max);
	top = max <= 0 ? step : (max + step - 1) / step * step;

	pc_buf_addf(out, "<div class=\"only-%s\">", g->cls);
	id = svg_open(p, "daily", g->width, g->height, NULL);
	pc_buf_addf(out, "<title id=\"c%u-t\">Daily spend by use case, ", id);
	esc(out, r->since);
	pc_buf_adds(out, " to ");
	esc(out, r->until);
	pc_buf_addf(out, "</title><desc id=\"c%u-d\">", id);
	if (nd == 0 || ns == 0) {
		pc_buf_adds(out, "No spend recorded in the period.");
	} else {
		pc_buf_adds(out, "Charted: ");
		money(out, r, charted, false);
		pc_buf_adds(out, " in all; the highest day ");
		day(out, r->since_day + peak_day);
		pc_buf_adds(out, " at ");
		money(out, r, peak, false);
		pc_buf_adds(out, ". ");
		for (size_t i = 0; i < ns; i++) {
			esc(out, s[i].label);
			pc_buf_adds(out, ": ");
			money(out, r, s[i].total, false);
			pc_buf_adds(out, i + 1 < ns ? "; " : ". ");
		}
		if (r->posture.total_micros != charted) {
			money(out, r, r->posture.total_micros - charted, false);
			pc_buf_adds(out, " of the total is not charted (reserved capacity no use case "
				    "used). ");
		}
		pc_buf_addf(out, "%zu spike%s marked", r->nspikes, r->nspikes == 1 ? "" : "s");
		for (size_t k = 0; k < r->nspikes; k++) {
			const struct pc_sr_spike *sp = &r->spikes[k];

			pc_buf_addf(out, "%s%zu: ", k ? "; " : ": ", k + 1);
			day(out, sp->day);
			pc_buf_adds(out, ", ");
			esc(out, sp->template);
			pc_buf_adds(out, ", ");
			if (sp->commit.id) {
				pc_buf_adds(out, "commit ");
				short_id(out, sp->commit.id);
				pc_buf_adds(out, " ");
				esc(out, sp->commit.subject);
			} else {
				pc_buf_adds(out, cause_words(sp->cause));
			}
		}
		pc_buf_adds(out, ".");
	}
	pc_buf_adds(out, "</desc>\n");

	/* grid and axis */
	for (int64_t v = 0; v <= top; v += step) {
		int64_t y = (daily_top + plot_h) * 10 - scale(v, top, plot_h);

		pc_buf_addf(out, "<line class=\"grid\" x1=\"%d\" x2=\"%" PRId64 "\" y1=\"", DAILY_LEFT,
			    g->width - DAILY_RIGHT);
		coord(out, y);
		pc_buf_adds(out, "\" y2=\"");
		coord(out, y);
		pc_buf_addf(out, "\"/><text class=\"axis\" x=\"%d\" y=\"", DAILY_LEFT - 6);
		coord(out, y + 40);
		pc_buf_adds(out, "\" text-anchor=\"end\">");
		axis_money(out, r, v, step);
		pc_buf_adds(out, "</text>\n");
		if (v > INT64_MAX - step)
			break;
	}

	/* bars: a column per day, stacked */
	for (int64_t d = 0; d < nd; d++) {
		int64_t x = DAILY_LEFT * 10 + plot_w * 10 * d / nd;
		int64_t w = plot_w * 10 / nd, gap = w > 40 ? w / 5 : 0, base = 0;

		pc_buf_adds(out, "<g>");
		for (size_t i = 0; i < ns; i++) {
			int64_t v = s[i].daily[d], y0, y1;

			if (v <= 0)
				continue;
			y0 = scale(base, top, plot_h);
			y1 = scale(base + v, top, plot_h);
			base += v;
			if (y1 == y0)
				continue;
			pc_buf_adds(out, "<rect x=\"");
			coord(out, x + gap / 2);
			pc_buf_adds(out, "\" y=\"");
			coord(out, (daily_top + plot_h) * 10 - y1);
			pc_buf_adds(out, "\" width=\"");
			coord(out, w - gap);
			pc_buf_adds(out, "\" height=\"");
			coord(out, y1 - y0);
			pc_buf_addf(out, "\" fill=\"%s\"/>", s[i].colour);
		}
		pc_buf_adds(out, "</g>\n");
	}
	/* day labels: about every week, the last day when not too near the one before */
	every = nd > 14 ? 7 : (nd > 7 ? 2 : 1);
	for (int64_t d = 0; d < nd; d++) {
		char text[11];

		if (d % every != 0 && (d != nd - 1 || d % every < (every + 1) / 2))
			continue;
		pc_day_format(text, r->since_day + d);
		pc_buf_adds(out, "<text class=\"axis\" x=\"");
		coord(out, DAILY_LEFT * 10 + plot_w * 10 * d / nd + plot_w * 10 / nd / 2);
		pc_buf_addf(out, "\" y=\"%" PRId64 "\" text-anchor=\"middle\">%s</text>\n",
			    g->height - DAILY_BOTTOM + 18, text + 5);
	}
	/* spikes: a numbered marker on its own row above the bars, the commit beside it */
	for (size_t k = 0; k < r->nspikes; k++) {
		const struct pc_sr_spike *sp = &r->spikes[k];
		int64_t d = sp->day - r->since_day, x, cy;
		bool right_half;

		if (d < 0 || d >= nd)
			continue;
		x = DAILY_LEFT * 10 + plot_w * 10 * d / nd + plot_w * 10 / nd / 2;
		right_half = d * 2 > nd;
		cy = (14 + (int64_t)(k % SPIKE_ROWS) * SPIKE_ROW_H + 2) * 10;
		pc_buf_adds(out, "<g class=\"spike\"><line x1=\"");
		coord(out, x);
		pc_buf_adds(out, "\" x2=\"");
		coord(out, x);
		pc_buf_adds(out, "\" y1=\"");
		coord(out, cy);
		pc_buf_addf(out, "\" y2=\"%" PRId64 "\"/>", daily_top + plot_h);
		pc_buf_adds(out, "<circle cx=\"");
		coord(out, x);
		pc_buf_adds(out, "\" cy=\"");
		coord(out, cy);
		pc_buf_adds(out, "\" r=\"8\"/><text class=\"num\" x=\"");
		coord(out, x);
		pc_buf_adds(out, "\" y=\"");
		coord(out, cy + 40);
		pc_buf_addf(out, "\" text-anchor=\"middle\">%zu</text>", k + 1);
		/* the label, on the side where it fits, cut to the room there (12px text:
		 * about 7.5px a character) */
		room_right = (g->width * 10 - x - 120) / 75;
		room_left = (x - 120) / 75;
		pc_buf_reset(&label);
		if (sp->commit.id) {
			char idtext[8];

			snprintf(idtext, sizeof(idtext), "%s", sp->commit.id);
			pc_buf_addf(&label, "%s ", idtext);
		} else {
			cut(&label, sp->template, g->label_chars / 2 + 4);
			pc_buf_adds(&label, sp->cause == PC_SR_CAUSE_VOLUME ? ": volume" : ": no commit");
		}
		want = utf8_chars(label.ptr) + (sp->commit.id ? utf8_chars(sp->commit.subject ?
			sp->commit.subject : "") : 0);
		if (sp->commit.id && want > g->label_chars + 8)
			want = g->label_chars + 8;
		/* the preferred side (away from the nearer edge) when it fits, else the roomier one */
		if ((int64_t)want > (right_half ? room_left : room_right))
			right_half = room_left > room_right;
		room = right_half ? room_left : room_right;
		if (sp->commit.id) {
			size_t left = utf8_chars(label.ptr);
			int64_t subject_room = (room < (int64_t)want ? room : (int64_t)want) - (int64_t)left - 1;

			cut(&label, sp->commit.subject, subject_room > 3 ? (size_t)subject_room : 3);
		}
		label_x = right_half ? x - 120 : x + 120;
		pc_buf_adds(out, "<text class=\"label\" x=\"");
		coord(out, label_x);
		pc_buf_adds(out, "\" y=\"");
		coord(out, cy + 40);
		pc_buf_addf(out, "\" text-anchor=\"%s\">", right_half ? "end" : "start");
		esc(out, label.ptr);
		pc_buf_adds(out, "</text></g>\n");
	}
	pc_buf_adds(out, "</svg></div>\n");
	pc_buf_release(&label);
}

static void daily_chart(struct page *p)
{
	const struct pc_spend_report *r = p->r;
	struct pc_buf *out = p->out;
	struct series *s = NULL;
	size_t ns = daily_series(&s, r);
	int64_t nd = r->ndays > 0 ? r->ndays : 0;

	pc_buf_adds(out, "<section id=\"daily\">\n<h2>Daily spend by use case</h2>\n"
		    "<p class=\"lede\">Each day's cost (on demand plus the use case's share of reserved "
		    "capacity), stacked by use case. Spikes are marked with the commit behind them.</p>\n");
	pc_buf_adds(out, "<figure class=\"chart\">");
	daily_svg(p, s, ns, &wide);
	daily_svg(p, s, ns, &narrow);

	/* the legend, in HTML so that it wraps */
	pc_buf_adds(out, "<figcaption><ul class=\"legend\">");
	for (size_t i = 0; i < ns; i++) {
		pc_buf_addf(out, "<li><span class=\"swatch\" style=\"background:%s\"></span>", s[i].colour);
		esc(out, s[i].label);
		pc_buf_adds(out, " <span class=\"fig\">");
		money(out, r, s[i].total, false);
		pc_buf_adds(out, "</span></li>");
	}
	if (r->nspikes)
		pc_buf_adds(out, "<li><span class=\"swatch spike-swatch\"></span>spike (see below)</li>");
	{
		int64_t charted = 0;

		for (size_t i = 0; i < ns; i++)
			charted += s[i].total;
		/* a reservation nobody used: its commitment is in the total, not in any use case */
		if (charted != r->posture.total_micros) {
			pc_buf_adds(out, "<li>not charted: reserved capacity no use case used <span class=\"fig\">");
			money(out, r, r->posture.total_micros - charted, false);
			pc_buf_adds(out, "</span></li>");
		}
	}
	pc_buf_adds(out, "</ul></figcaption>\n</figure>\n");

	/* the figures behind the chart */
	pc_buf_adds(out, "<details><summary>The figures behind the chart (a row per day)</summary>\n"
		    "<div class=\"table-wrap\"><table class=\"num\">\n<thead><tr><th scope=\"col\">Day</th>");
	for (size_t i = 0; i < ns; i++) {
		pc_buf_adds(out, "<th scope=\"col\">");
		esc(out, s[i].label);
		pc_buf_adds(out, "</th>");
	}
	pc_buf_adds(out, "<th scope=\"col\">Charted</th></tr></thead>\n<tbody>\n");
	for (int64_t d = 0; d < nd; d++) {
		int64_t sum = 0;

		pc_buf_adds(out, "<tr><th scope=\"row\">");
		day(out, r->since_day + d);
		pc_buf_adds(out, "</th>");
		for (size_t i = 0; i < ns; i++) {
			pc_buf_adds(out, "<td>");
			money(out, r, s[i].daily[d], false);
			pc_buf_adds(out, "</td>");
			sum += s[i].daily[d];
		}
		pc_buf_adds(out, "<td>");
		money(out, r, sum, false);
		pc_buf_adds(out, "</td></tr>\n");
	}
	pc_buf_adds(out, "</tbody>\n</table></div>\n</details>\n</section>\n");

	for (size_t i = 0; i < ns; i++)
		free(s[i].daily);
	free(s);
}

/* ---- budgets ---- */

#define BAR_W 1000
#define BAR_H 28

static void budget_bar(struct page *p, const struct pc_sr_budget *b, const char *kind)
{
	struct pc_buf *out = p->out;
	const struct pc_spend_report *r = p->r;
	int64_t max = b->budget_micros, warn = 0;
	unsigned id;

	if (b->projected_month_end_micros > max)
		max = b->projected_month_end_micros;
	if (b->month_to_date_micros > max)
		max = b->month_to_date_micros;
	max += max / 10;
	if (b->has_warn_at)
		warn = (int64_t)pc_div_round((pc_int128)b->budget_micros * b->warn_at_ppm, PC_PPM);

	pc_buf_adds(out, "<li class=\"bar-row\"><div class=\"bar-head\"><span class=\"name\">");
	esc(out, b->id);
	pc_buf_addf(out, "</span> <span class=\"badge\" style=\"background:%s\">%s</span></div>\n",
		    status_colour(b->status), status_words(b->status));
	id = svg_open(p, "bar", BAR_W, BAR_H, "none");
	pc_buf_addf(out, "<title id=\"c%u-t\">Budget of %s ", id, kind);
	esc(out, b->id);
	pc_buf_addf(out, "</title><desc id=\"c%u-d\">Month to date ", id);
	money(out, r, b->month_to_date_micros, false);
	pc_buf_adds(out, ", projected month end ");
	money(out, r, b->projected_month_end_micros, false);
	pc_buf_adds(out, " against a monthly budget of ");
	money(out, r, b->budget_micros, false);
	pc_buf_addf(out, " (%s limit)", b->limit == PC_LIMIT_HARD ? "hard" : "soft");
	if (b->has_warn_at) {
		pc_buf_adds(out, ", warning at ");
		pc_ppm_format(out, b->warn_at_ppm);
	}
	pc_buf_addf(out, ": %s.</desc>", status_words(b->status));
	pc_buf_addf(out, "<rect class=\"track\" x=\"0\" y=\"4\" width=\"%d\" height=\"20\"/>", BAR_W);
	pc_buf_adds(out, "<rect class=\"projected\" x=\"0\" y=\"4\" width=\"");
	coord(out, scale(b->projected_month_end_micros, max, BAR_W));
	pc_buf_addf(out, "\" height=\"20\" fill=\"%s\"/>", status_colour(b->status));
	pc_buf_adds(out, "<rect x=\"0\" y=\"4\" width=\"");
	coord(out, scale(b->month_to_date_micros, max, BAR_W));
	pc_buf_addf(out, "\" height=\"20\" fill=\"%s\"/>", status_colour(b->status));
	if (b->has_warn_at) {
		pc_buf_adds(out, "<line class=\"warn\" x1=\"");
		coord(out, scale(warn, max, BAR_W));
		pc_buf_adds(out, "\" x2=\"");
		coord(out, scale(warn, max, BAR_W));
		pc_buf_adds(out, "\" y1=\"0\" y2=\"28\"/>");
	}
	pc_buf_adds(out, "<line class=\"limit\" x1=\"");
	coord(out, scale(b->budget_micros, max, BAR_W));
	pc_buf_adds(out, "\" x2=\"");
	coord(out, scale(b->budget_micros, max, BAR_W));
	pc_buf_adds(out, "\" y1=\"0\" y2=\"28\"/></svg>\n<p class=\"bar-figs\">");
	money(out, r, b->month_to_date_micros, false);
	pc_buf_adds(out, " month to date · ");
	money(out, r, b->projected_month_end_micros, false);
	pc_buf_adds(out, " projected · budget ");
	money(out, r, b->budget_micros, false);
	pc_buf_addf(out, " (%s)", b->limit == PC_LIMIT_HARD ? "hard" : "soft");
	if (b->has_warn_at) {
		pc_buf_adds(out, " · warn at ");
		pc_ppm_format(out, b->warn_at_ppm);
	}
	pc_buf_adds(out, "</p></li>\n");
}

static void budget_table(struct page *p, const struct pc_sr_budget *lines, size_t n, const char *kind,
			 bool teams)
{
	struct pc_buf *out = p->out;
	const struct pc_spend_report *r = p->r;

	pc_buf_addf(out, "<div class=\"table-wrap\"><table class=\"num\"><caption>Budgets by %s</caption>\n"
		    "<thead><tr><th scope=\"col\">%s</th>%s<th scope=\"col\">Spend in period</th>"
		    "<th scope=\"col\">Share</th><th scope=\"col\">Monthly budget</th>"
		    "<th scope=\"col\">Month to date</th><th scope=\"col\">Projected month end</th>"
		    "<th scope=\"col\">Limit</th><th scope=\"col\">Warn at</th>"
		    "<th scope=\"col\" class=\"text\">Status</th></tr></thead>\n<tbody>\n",
		    kind, teams ? "Team" : "Use case", teams ? "" : "<th scope=\"col\" class=\"text\">Team</th>");
	for (size_t i = 0; i < n; i++) {
		const struct pc_sr_budget *b = &lines[i];

		pc_buf_adds(out, "<tr><th scope=\"row\">");
		esc(out, b->id);
		pc_buf_adds(out, "</th>");
		if (!teams) {
			pc_buf_adds(out, "<td class=\"text\">");
			esc(out, b->team ? b->team : "—");
			pc_buf_adds(out, "</td>");
		}
		pc_buf_adds(out, "<td>");
		money(out, r, b->cost_micros, false);
		pc_buf_adds(out, "</td><td>");
		percent(out, b->share);
		pc_buf_adds(out, "</td><td>");
		if (b->has_budget)
			money(out, r, b->budget_micros, false);
		else
			pc_buf_adds(out, "—");
		pc_buf_adds(out, "</td><td>");
		money(out, r, b->month_to_date_micros, false);
		pc_buf_adds(out, "</td><td>");
		money(out, r, b->projected_month_end_micros, false);
		pc_buf_adds(out, "</td><td>");
		pc_buf_adds(out, !b->has_budget ? "—" : b->limit == PC_LIMIT_HARD ? "hard" : "soft");
		pc_buf_adds(out, "</td><td>");
		if (b->has_budget && b->has_warn_at)
			pc_ppm_format(out, b->warn_at_ppm);
		else
			pc_buf_adds(out, "—");
		pc_buf_addf(out, "</td><td class=\"text nowrap\"><span class=\"status-%s\">%s</span></td></tr>\n",
			    pc_sr_status_name(b->status), status_words(b->status));
	}
	pc_buf_adds(out, "</tbody>\n</table></div>\n");
}

static void budgets(struct page *p)
{
	const struct pc_spend_report *r = p->r;
	struct pc_buf *out = p->out;
	size_t with = 0;

	pc_buf_adds(out, "<section id=\"budgets\">\n<h2>Budgets</h2>\n<p class=\"lede\">Spend of the month of ");
	esc(out, r->until);
	pc_buf_adds(out, " to date (solid) and its projection to the month's end at the same daily rate "
		    "(lighter), against the monthly budget (black line) and its warning level (dashed).</p>\n");
	for (int group = 0; group < 2; group++) {
		const struct pc_sr_budget *lines = group ? r->use_cases : r->teams;
		size_t n = group ? r->nuse_cases : r->nteams, shown = 0;
		const char *kind = group ? "use case" : "team";

		for (size_t i = 0; i < n; i++)
			if (lines[i].has_budget)
				shown++;
		if (shown) {
			pc_buf_addf(out, "<h3>By %s</h3>\n<ul class=\"bars\">\n", kind);
			for (size_t i = 0; i < n; i++)
				if (lines[i].has_budget)
					budget_bar(p, &lines[i], kind);
			pc_buf_adds(out, "</ul>\n");
		}
		with += shown;
		if (n)
			budget_table(p, lines, n, group ? "use case" : "team", !group);
	}
	if (!with)
		pc_buf_adds(out, "<p>No team or use case has a budget.</p>\n");
	pc_buf_adds(out, "</section>\n");
}

/* ---- templates, with sparklines ---- */

#define SPARK_W 120
#define SPARK_H 28

static void sparkline(struct page *p, const struct pc_sr_template *t)
{
	const struct pc_spend_report *r = p->r;
	struct pc_buf *out = p->out;
	int64_t nd = r->ndays, max = 0, min = INT64_MAX, maxd = 0, mind = 0;
	unsigned id;

	if (!t->daily_micros || nd <= 0)
		return;
	for (int64_t d = 0; d < nd; d++) {
		if (t->daily_micros[d] > max) {
			max = t->daily_micros[d];
			maxd = d;
		}
		if (t->daily_micros[d] < min) {
			min = t->daily_micros[d];
			mind = d;
		}
	}
	id = svg_open(p, "spark", SPARK_W, SPARK_H, NULL);
	pc_buf_addf(out, "<title id=\"c%u-t\">Daily cost of ", id);
	esc(out, t->id ? t->id : "unattributed records");
	pc_buf_addf(out, "</title><desc id=\"c%u-d\">From ", id);
	esc(out, r->since);
	pc_buf_adds(out, " to ");
	esc(out, r->until);
	pc_buf_adds(out, ": lowest ");
	money(out, r, min, false);
	pc_buf_adds(out, " on ");
	day(out, r->since_day + mind);
	pc_buf_adds(out, ", highest ");
	money(out, r, max, false);
	pc_buf_adds(out, " on ");
	day(out, r->since_day + maxd);
	pc_buf_adds(out, ", last day ");
	money(out, r, t->daily_micros[nd - 1], false);
	pc_buf_adds(out, ".</desc><polyline points=\"");
	for (int64_t d = 0; d < nd; d++) {
		int64_t x = nd == 1 ? SPARK_W * 5 : (SPARK_W - 4) * 10 * d / (nd - 1) + 20;

		if (d)
			pc_buf_addch(out, ' ');
		coord(out, x);
		pc_buf_addch(out, ',');
		coord(out, (SPARK_H - 2) * 10 - scale(t->daily_micros[d], max, SPARK_H - 4));
	}
	pc_buf_adds(out, "\"/>");
	/* this template's spikes, as dots */
	for (size_t k = 0; k < r->nspikes; k++) {
		const struct pc_sr_spike *sp = &r->spikes[k];
		int64_t d = sp->day - r->since_day;

		if (!t->id || !sp->template || strcmp(sp->template, t->id) || d < 0 || d >= nd)
			continue;
		pc_buf_adds(out, "<circle class=\"spike-dot\" cx=\"");
		coord(out, nd == 1 ? SPARK_W * 5 : (SPARK_W - 4) * 10 * d / (nd - 1) + 20);
		pc_buf_adds(out, "\" cy=\"");
		coord(out, (SPARK_H - 2) * 10 - scale(t->daily_micros[d], max, SPARK_H - 4));
		pc_buf_adds(out, "\" r=\"2.5\"/>");
	}
	pc_buf_adds(out, "</svg>");
}

static void templates(struct page *p)
{
	const struct pc_spend_report *r = p->r;
	struct pc_buf *out = p->out;

	pc_buf_adds(out, "<section id=\"templates\">\n<h2>Spend by template and version</h2>\n"
		    "<p class=\"lede\">Cost includes the template's share of reserved capacity. "
		    "Change is against the previous period of the same length. The trend line is the "
		    "daily cost; red dots are spikes.</p>\n");
	if (!r->ntemplates) {
		pc_buf_adds(out, "<p>No template was called in the period.</p>\n</section>\n");
		return;
	}
	pc_buf_adds(out, "<div class=\"table-wrap\"><table class=\"num\"><caption>Templates by cost</caption>\n"
		    "<thead><tr><th scope=\"col\" class=\"text\">Template</th><th scope=\"col\" class=\"text\">Use case</th>"
		    "<th scope=\"col\" class=\"text\">Model</th><th scope=\"col\">Calls</th>"
		    "<th scope=\"col\">Tokens per call</th><th scope=\"col\">Cost per 1,000 calls</th>"
		    "<th scope=\"col\">Cost</th><th scope=\"col\">Share</th><th scope=\"col\">Change</th>"
		    "<th scope=\"col\">Daily cost</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < r->ntemplates; i++) {
		const struct pc_sr_template *t = &r->templates[i];
		char text[32];

		pc_buf_adds(out, "<tr><th scope=\"row\">");
		if (t->id)
			esc(out, t->id);
		else
			pc_buf_adds(out, "<em>unattributed</em>");
		pc_buf_adds(out, "</th><td class=\"text\">");
		esc(out, t->use_case ? t->use_case : "—");
		pc_buf_adds(out, "</td><td class=\"text nowrap\">");
		esc(out, t->model ? t->model : "—");
		pc_buf_adds(out, "</td><td>");
		count(out, t->calls);
		pc_buf_adds(out, "</td><td>");
		if (t->tokens_per_call.den) {
			count(out, (int64_t)pc_div_round(t->tokens_per_call.num, t->tokens_per_call.den));
		} else {
			pc_buf_adds(out, "n/a");
		}
		pc_buf_adds(out, "</td><td>");
		/* per 1,000 calls, as the text and markdown reports say it */
		if (t->cost_per_call.den)
			money(out, r, (int64_t)pc_div_round((pc_int128)t->cost_per_call.num * 1000,
							    t->cost_per_call.den), false);
		else
			pc_buf_adds(out, "n/a");
		pc_buf_adds(out, "</td><td>");
		money(out, r, t->cost_micros, false);
		pc_buf_adds(out, "</td><td>");
		percent(out, t->share);
		pc_buf_adds(out, "</td><td>");
		if (t->has_previous && t->change.den) {
			pc_ratio_format(text, t->change);
			pc_buf_addf(out, "%s%s%%", t->change.num >= 0 ? "+" : "", text);
		} else {
			pc_buf_adds(out, "new");
		}
		pc_buf_adds(out, "</td><td class=\"spark-cell\">");
		sparkline(p, t);
		pc_buf_adds(out, "</td></tr>\n");
		for (size_t v = 0; v < t->nversions; v++) {
			const struct pc_sr_version *ver = &t->versions[v];

			pc_buf_adds(out, "<tr class=\"version\"><th scope=\"row\">version ");
			if (ver->version)
				esc(out, ver->version);
			else
				pc_buf_adds(out, "<em>none recorded</em>");
			pc_buf_adds(out, "</th><td class=\"text\" colspan=\"2\">");
			if (ver->commit) {
				pc_buf_adds(out, "commit <code>");
				short_id(out, ver->commit);
				pc_buf_adds(out, "</code>, ");
			}
			day(out, ver->first_day);
			pc_buf_adds(out, " to ");
			day(out, ver->last_day);
			pc_buf_adds(out, "</td><td>");
			count(out, ver->calls);
			pc_buf_adds(out, "</td><td></td><td></td><td>");
			money(out, r, ver->cost_micros, false);
			pc_buf_adds(out, "</td><td></td><td></td><td></td></tr>\n");
		}
	}
	pc_buf_adds(out, "</tbody>\n</table></div>\n");

	/* the sparklines' figures */
	pc_buf_adds(out, "<details><summary>The figures behind the trend lines (a row per day)</summary>\n"
		    "<div class=\"table-wrap\"><table class=\"num\">\n<thead><tr><th scope=\"col\">Day</th>");
	for (size_t i = 0; i < r->ntemplates; i++) {
		pc_buf_adds(out, "<th scope=\"col\">");
		if (r->templates[i].id)
			esc(out, r->templates[i].id);
		else
			pc_buf_adds(out, "<em>unattributed</em>");
		pc_buf_adds(out, "</th>");
	}
	pc_buf_adds(out, "</tr></thead>\n<tbody>\n");
	for (int64_t d = 0; d < r->ndays; d++) {
		pc_buf_adds(out, "<tr><th scope=\"row\">");
		day(out, r->since_day + d);
		pc_buf_adds(out, "</th>");
		for (size_t i = 0; i < r->ntemplates; i++) {
			pc_buf_adds(out, "<td>");
			if (r->templates[i].daily_micros)
				money(out, r, r->templates[i].daily_micros[d], false);
			pc_buf_adds(out, "</td>");
		}
		pc_buf_adds(out, "</tr>\n");
	}
	pc_buf_adds(out, "</tbody>\n</table></div>\n</details>\n</section>\n");
}

/* ---- spikes ---- */

static void commit_cell(struct pc_buf *out, const struct pc_sr_commit *c)
{
	if (!c->id) {
		pc_buf_adds(out, "—");
		return;
	}
	pc_buf_adds(out, "<code title=\"");
	esc(out, c->id);
	pc_buf_adds(out, "\">");
	short_id(out, c->id);
	pc_buf_adds(out, "</code> ");
	esc(out, c->subject);
	pc_buf_adds(out, "<br><span class=\"who\">");
	esc(out, c->author);
	if (c->date) {
		pc_buf_adds(out, ", ");
		esc(out, c->date);
	}
	pc_buf_adds(out, "</span>");
}

static void delta_tokens(struct pc_buf *out, const struct pc_sr_commit *c)
{
	if (c->id && c->has_delta_tokens)
		pc_count_format(out, c->delta_tokens, true);
	else
		pc_buf_adds(out, "—");
}

static void spikes(struct page *p)
{
	const struct pc_spend_report *r = p->r;
	struct pc_buf *out = p->out;

	pc_buf_adds(out, "<section id=\"spikes\">\n<h2>Spikes</h2>\n"
		    "<p class=\"lede\">A day on which a template cost at least 20% and at least one "
		    "currency unit more than its mean over the 7 days before, traced to the commit that "
		    "made its calls costlier, or said to be volume.</p>\n");
	if (!r->nspikes) {
		pc_buf_adds(out, "<p>No spikes in the period.</p>\n</section>\n");
		return;
	}
	pc_buf_adds(out, "<div class=\"table-wrap\"><table class=\"num\"><caption>Spikes by day</caption>\n"
		    "<thead><tr><th scope=\"col\">#</th><th scope=\"col\">Day</th>"
		    "<th scope=\"col\" class=\"text\">Template</th><th scope=\"col\">Cost</th>"
		    "<th scope=\"col\">Baseline</th><th scope=\"col\">Calls (baseline)</th>"
		    "<th scope=\"col\" class=\"text\">Cause</th><th scope=\"col\" class=\"text\">Commit</th>"
		    "<th scope=\"col\">Token change</th></tr></thead>\n<tbody>\n");
	for (size_t k = 0; k < r->nspikes; k++) {
		const struct pc_sr_spike *sp = &r->spikes[k];

		pc_buf_addf(out, "<tr><td>%zu</td><th scope=\"row\">", k + 1);
		day(out, sp->day);
		pc_buf_adds(out, "</th><td class=\"text nowrap\">");
		esc(out, sp->template);
		pc_buf_adds(out, "</td><td>");
		money(out, r, sp->cost_micros, false);
		pc_buf_adds(out, "</td><td>");
		money(out, r, sp->baseline_micros, false);
		pc_buf_adds(out, "</td><td>");
		count(out, sp->calls);
		pc_buf_adds(out, " (");
		count(out, sp->baseline_calls);
		pc_buf_adds(out, ")</td><td class=\"text\">");
		pc_buf_adds(out, cause_words(sp->cause));
		if (sp->cause == PC_SR_CAUSE_VERSION && sp->version) {
			pc_buf_adds(out, ": ");
			esc(out, sp->version);
		}
		pc_buf_adds(out, "</td><td class=\"text commit\">");
		commit_cell(out, &sp->commit);
		pc_buf_adds(out, "</td><td>");
		delta_tokens(out, &sp->commit);
		pc_buf_adds(out, "</td></tr>\n");
	}
	pc_buf_adds(out, "</tbody>\n</table></div>\n</section>\n");
}

/* ---- forecast against actual ---- */

static void forecasts(struct page *p)
{
	const struct pc_spend_report *r = p->r;
	struct pc_buf *out = p->out;

	pc_buf_adds(out, "<section id=\"forecasts\">\n<h2>Forecast against actual</h2>\n"
		    "<p class=\"lede\">For each template change that went live in the period: the monthly "
		    "change that <code>promptcost check</code> projected before the merge, beside the "
		    "change observed since (mean daily cost after minus before, scaled to a month).</p>\n");
	if (!r->nforecasts) {
		pc_buf_adds(out, "<p>No template change went live in the period.</p>\n</section>\n");
		return;
	}
	pc_buf_adds(out, "<div class=\"table-wrap\"><table class=\"num\"><caption>Forecasts by live day</caption>\n"
		    "<thead><tr><th scope=\"col\" class=\"text\">Template</th><th scope=\"col\" class=\"text\">Commit</th>"
		    "<th scope=\"col\">Live from</th><th scope=\"col\">Daily before</th>"
		    "<th scope=\"col\">Daily after</th><th scope=\"col\">Projected a month</th>"
		    "<th scope=\"col\">Observed a month</th><th scope=\"col\">Error</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < r->nforecasts; i++) {
		const struct pc_sr_forecast *f = &r->forecasts[i];
		char text[32];

		pc_buf_adds(out, "<tr><th scope=\"row\">");
		esc(out, f->template);
		pc_buf_adds(out, "</th><td class=\"text commit\">");
		commit_cell(out, &f->commit);
		pc_buf_adds(out, "</td><td>");
		day(out, f->live_day);
		pc_buf_adds(out, "</td><td>");
		money(out, r, f->before_daily_micros, false);
		pc_buf_adds(out, "</td><td>");
		money(out, r, f->after_daily_micros, false);
		pc_buf_adds(out, "</td><td>");
		money(out, r, f->projected_monthly_delta_micros, true);
		pc_buf_adds(out, "</td><td>");
		money(out, r, f->observed_monthly_delta_micros, true);
		pc_buf_adds(out, "</td><td>");
		pc_ratio_format(text, f->error);
		if (f->error.den)
			pc_buf_addf(out, "%s%s%%", f->error.num >= 0 ? "+" : "", text);
		else
			pc_buf_adds(out, text);
		pc_buf_adds(out, "</td></tr>\n");
	}
	pc_buf_adds(out, "</tbody>\n</table></div>\n</section>\n");
}

/* ---- caching ---- */

static void cache_bar(struct page *p, const struct pc_sr_budget *u)
{
	const struct pc_spend_report *r = p->r;
	struct pc_buf *out = p->out;
	int64_t rate = permille(u->cache_hit_rate, 1000), target;
	bool below = u->has_cache_hit_target &&
		(int64_t)pc_div_round((pc_int128)u->cache_hit_target_ppm, 1000) > rate;
	unsigned id;

	pc_buf_adds(out, "<li class=\"bar-row\"><div class=\"bar-head\"><span class=\"name\">");
	esc(out, u->id);
	pc_buf_adds(out, "</span> <span class=\"fig\">");
	percent(out, u->cache_hit_rate);
	if (u->has_cache_hit_target) {
		pc_buf_adds(out, " against ");
		pc_ppm_format(out, u->cache_hit_target_ppm);
	}
	pc_buf_adds(out, "</span></div>\n");
	id = svg_open(p, "bar", BAR_W, BAR_H, "none");
	pc_buf_addf(out, "<title id=\"c%u-t\">Cache hit rate of ", id);
	esc(out, u->id);
	pc_buf_addf(out, "</title><desc id=\"c%u-d\">", id);
	percent(out, u->cache_hit_rate);
	pc_buf_adds(out, " of ");
	count(out, u->calls);
	pc_buf_adds(out, " calls were answered from the response cache");
	if (u->has_cache_hit_target) {
		pc_buf_adds(out, "; the target is ");
		pc_ppm_format(out, u->cache_hit_target_ppm);
		if (u->cache_target_saving_micros > 0) {
			pc_buf_adds(out, "; reaching it would save ");
			money(out, r, u->cache_target_saving_micros, false);
			pc_buf_adds(out, " a month");
		}
	}
	pc_buf_adds(out, ".</desc>");
	pc_buf_addf(out, "<rect class=\"track\" x=\"0\" y=\"4\" width=\"%d\" height=\"20\"/>", BAR_W);
	pc_buf_addf(out, "<rect x=\"0\" y=\"4\" width=\"%" PRId64 "\" height=\"20\" fill=\"%s\"/>",
		    rate, below ? "#b45309" : "#047857");
	if (u->has_cache_hit_target) {
		target = (int64_t)pc_div_round((pc_int128)u->cache_hit_target_ppm, 1000);
		if (target > 1000)
			target = 1000;
		pc_buf_addf(out, "<line class=\"limit\" x1=\"%" PRId64 "\" x2=\"%" PRId64
			    "\" y1=\"0\" y2=\"28\"/>", target, target);
	}
	pc_buf_adds(out, "</svg>\n");
	if (u->has_cache_hit_target && u->cache_target_saving_micros > 0) {
		pc_buf_adds(out, "<p class=\"bar-figs\">Reaching the target would save ");
		money(out, r, u->cache_target_saving_micros, false);
		pc_buf_adds(out, " a month</p>");
	}
	pc_buf_adds(out, "</li>\n");
}

static void caching(struct page *p)
{
	const struct pc_spend_report *r = p->r;
	struct pc_buf *out = p->out;
	size_t shown = 0;

	pc_buf_adds(out, "<section id=\"caching\">\n<h2>Caching</h2>\n"
		    "<p class=\"lede\">Calls answered from the response cache, per use case, against its "
		    "target (black line). A call answered from the cache costs nothing.</p>\n");
	for (size_t i = 0; i < r->nuse_cases; i++)
		if (r->use_cases[i].calls > 0)
			shown++;
	if (shown) {
		pc_buf_adds(out, "<ul class=\"bars compact\">\n");
		for (size_t i = 0; i < r->nuse_cases; i++)
			if (r->use_cases[i].calls > 0)
				cache_bar(p, &r->use_cases[i]);
		pc_buf_adds(out, "</ul>\n");
	}
	pc_buf_adds(out, "<div class=\"table-wrap\"><table class=\"num\"><caption>Response cache by use case</caption>\n"
		    "<thead><tr><th scope=\"col\" class=\"text\">Use case</th><th scope=\"col\">Calls</th>"
		    "<th scope=\"col\">Cache hits</th><th scope=\"col\">Hit rate</th>"
		    "<th scope=\"col\">Target</th><th scope=\"col\">Saving at target a month</th>"
		    "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < r->nuse_cases; i++) {
		const struct pc_sr_budget *u = &r->use_cases[i];

		pc_buf_adds(out, "<tr><th scope=\"row\">");
		esc(out, u->id);
		pc_buf_adds(out, "</th><td>");
		count(out, u->calls);
		pc_buf_adds(out, "</td><td>");
		count(out, u->response_cache_hits);
		pc_buf_adds(out, "</td><td>");
		percent(out, u->cache_hit_rate);
		pc_buf_adds(out, "</td><td>");
		if (u->has_cache_hit_target)
			pc_ppm_format(out, u->cache_hit_target_ppm);
		else
			pc_buf_adds(out, "—");
		pc_buf_adds(out, "</td><td>");
		money(out, r, u->cache_target_saving_micros, false);
		pc_buf_adds(out, "</td></tr>\n");
	}
	pc_buf_adds(out, "</tbody>\n</table></div>\n");

	pc_buf_adds(out, "<div class=\"table-wrap\"><table class=\"num\"><caption>Caching by template "
		    "(the provider's prompt cache: cached input over input)</caption>\n"
		    "<thead><tr><th scope=\"col\" class=\"text\">Template</th><th scope=\"col\">Calls</th>"
		    "<th scope=\"col\">Response cache hit rate</th><th scope=\"col\">Target</th>"
		    "<th scope=\"col\">Prompt cache share</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < r->ntemplates; i++) {
		const struct pc_sr_template *t = &r->templates[i];

		pc_buf_adds(out, "<tr><th scope=\"row\">");
		if (t->id)
			esc(out, t->id);
		else
			pc_buf_adds(out, "<em>unattributed</em>");
		pc_buf_adds(out, "</th><td>");
		count(out, t->calls);
		pc_buf_adds(out, "</td><td>");
		percent(out, t->cache_hit_rate);
		pc_buf_adds(out, "</td><td>");
		if (t->has_cache_hit_target)
			pc_ppm_format(out, t->cache_hit_target_ppm);
		else
			pc_buf_adds(out, "—");
		pc_buf_adds(out, "</td><td>");
		percent(out, t->prompt_cache_share);
		pc_buf_adds(out, "</td></tr>\n");
	}
	pc_buf_adds(out, "</tbody>\n</table></div>\n</section>\n");
}

/* ---- reservations ---- */

#define UTIL_H 200
#define UTIL_LEFT 48
#define UTIL_TOP 30
#define UTIL_BOTTOM 30

static void hour(struct pc_buf *out, int64_t h)
{
	int64_t d = h >= 0 ? h / 24 : (h - 23) / 24;

	day(out, d);
	pc_buf_addf(out, " %02" PRId64 ":00 UTC", h - d * 24);
}

static void util_svg(struct page *p, const struct pc_sr_reservation *res, int64_t util_w,
		     const char *cls)
{
	const struct pc_spend_report *r = p->r;
	struct pc_buf *out = p->out;
	int64_t nd = r->ndays, plot_w = util_w - UTIL_LEFT - 12, plot_h = UTIL_H - UTIL_TOP - UTIL_BOTTOM;
	int64_t base = (UTIL_TOP + plot_h) * 10, lo = INT64_MAX, hi = -1, lod = 0, hid = 0;
	unsigned id;

	if (!res->daily_utilization || nd <= 0)
		return;
	for (int64_t d = 0; d < nd; d++) {
		int64_t v = permille(res->daily_utilization[d], 1000);

		if (v < lo) {
			lo = v;
			lod = d;
		}
		if (v > hi) {
			hi = v;
			hid = d;
		}
	}
	pc_buf_addf(out, "<div class=\"only-%s\">", cls);
	id = svg_open(p, "util", util_w, UTIL_H, NULL);
	pc_buf_addf(out, "<title id=\"c%u-t\">Daily utilization of reservation ", id);
	esc(out, res->id);
	pc_buf_addf(out, "</title><desc id=\"c%u-d\">Average ", id);
	percent(out, res->utilization);
	pc_buf_adds(out, " of capacity over the period; the lowest day ");
	day(out, r->since_day + lod);
	pc_buf_adds(out, " at ");
	percent(out, res->daily_utilization[lod]);
	pc_buf_adds(out, ", the highest ");
	day(out, r->since_day + hid);
	pc_buf_adds(out, " at ");
	percent(out, res->daily_utilization[hid]);
	if (res->peak_utilization.num > 0) {
		pc_buf_adds(out, "; the peak hour ");
		hour(out, res->peak_hour);
		pc_buf_adds(out, " at ");
		percent(out, res->peak_utilization);
	} else {
		pc_buf_adds(out, "; no traffic in any hour");
	}
	pc_buf_adds(out, ".</desc>\n");
	for (int64_t pct = 0; pct <= 100; pct += 50) {
		int64_t y = base - plot_h * pct / 10;

		pc_buf_addf(out, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"", UTIL_LEFT, (int)(util_w - 12));
		coord(out, y);
		pc_buf_adds(out, "\" y2=\"");
		coord(out, y);
		pc_buf_addf(out, "\"/><text class=\"axis\" x=\"%d\" y=\"", UTIL_LEFT - 6);
		coord(out, y + 40);
		pc_buf_addf(out, "\" text-anchor=\"end\">%" PRId64 "%%</text>\n", pct);
	}
	for (int64_t d = 0; d < nd; d++) {
		int64_t x = UTIL_LEFT * 10 + plot_w * 10 * d / nd, w = plot_w * 10 / nd;
		int64_t gap = w > 40 ? w / 5 : 0;
		int64_t h = plot_h * permille(res->daily_utilization[d], 1000) / 100;

		pc_buf_adds(out, "<rect class=\"used\" x=\"");
		coord(out, x + gap / 2);
		pc_buf_adds(out, "\" y=\"");
		coord(out, base - h);
		pc_buf_adds(out, "\" width=\"");
		coord(out, w - gap);
		pc_buf_adds(out, "\" height=\"");
		coord(out, h);
		pc_buf_adds(out, "\"/>");
	}
	{
		int64_t y = base - plot_h * permille(res->utilization, 1000) / 100;

		pc_buf_addf(out, "\n<line class=\"avg\" x1=\"%d\" x2=\"%d\" y1=\"", UTIL_LEFT, (int)(util_w - 12));
		coord(out, y);
		pc_buf_adds(out, "\" y2=\"");
		coord(out, y);
		pc_buf_addf(out, "\"/><text class=\"axis avg-label\" x=\"%d\" y=\"", (int)(util_w - 14));
		coord(out, (int64_t)(UTIL_TOP - 12) * 10);
		pc_buf_adds(out, "\" text-anchor=\"end\">dashed line: average ");
		percent(out, res->utilization);
		pc_buf_adds(out, "</text>\n");
	}
	for (int64_t d = 0; d < nd; d += nd > 14 ? 7 : 1) {
		char text[11];

		pc_day_format(text, r->since_day + d);
		pc_buf_adds(out, "<text class=\"axis\" x=\"");
		coord(out, UTIL_LEFT * 10 + plot_w * 10 * d / nd + plot_w * 10 / nd / 2);
		pc_buf_addf(out, "\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", UTIL_H - 10, text + 5);
	}
	pc_buf_adds(out, "</svg></div>\n");
}

static void utilization_chart(struct page *p, const struct pc_sr_reservation *res)
{
	const struct pc_spend_report *r = p->r;
	struct pc_buf *out = p->out;
	int64_t nd = r->ndays;

	if (!res->daily_utilization || nd <= 0)
		return;
	pc_buf_adds(out, "<figure class=\"chart\">");
	util_svg(p, res, 720, "wide");
	util_svg(p, res, 360, "narrow");
	pc_buf_adds(out, "</figure>\n");

	pc_buf_adds(out, "<details><summary>Daily utilization (a row per day)</summary>\n"
		    "<div class=\"table-wrap\"><table class=\"num\"><thead><tr><th scope=\"col\">Day</th>"
		    "<th scope=\"col\">Utilization</th></tr></thead>\n<tbody>\n");
	for (int64_t d = 0; d < nd; d++) {
		pc_buf_adds(out, "<tr><th scope=\"row\">");
		day(out, r->since_day + d);
		pc_buf_adds(out, "</th><td>");
		percent(out, res->daily_utilization[d]);
		pc_buf_adds(out, "</td></tr>\n");
	}
	pc_buf_adds(out, "</tbody>\n</table></div>\n</details>\n");
}

static void fig(struct pc_buf *out, const char *label)
{
	pc_buf_adds(out, "<div><dt>");
	pc_buf_adds(out, label);
	pc_buf_adds(out, "</dt><dd>");
}

static void reservations(struct page *p)
{
	const struct pc_spend_report *r = p->r;
	struct pc_buf *out = p->out;

	pc_buf_adds(out, "<section id=\"reservations\">\n<h2>Reservations (showback)</h2>\n"
		    "<p class=\"lede\">Provisioned throughput is paid for by the hour, used or not; traffic "
		    "above its capacity spills over to on-demand prices. Each use case is shown back its "
		    "share of the commitment in proportion to what it used.</p>\n");
	if (!r->nreservations) {
		pc_buf_adds(out, "<p>No reservations are configured.</p>\n</section>\n");
		return;
	}
	for (size_t i = 0; i < r->nreservations; i++) {
		const struct pc_sr_reservation *res = &r->reservations[i];

		pc_buf_adds(out, "<article class=\"reservation\">\n<h3>");
		esc(out, res->id);
		pc_buf_adds(out, " <span class=\"sub\">");
		esc(out, res->model);
		pc_buf_addf(out, ", %" PRId64 " unit%s at ", res->units, res->units == 1 ? "" : "s");
		money(out, r, res->unit_price_per_hour_micros, false);
		pc_buf_adds(out, " an hour</span></h3>\n<dl class=\"figs\">");
		fig(out, "Commitment");
		money(out, r, res->commitment_micros, false);
		pc_buf_addf(out, " <span class=\"note\">%" PRId64 " hours</span></dd></div>", res->hours);
		fig(out, "Utilization");
		percent(out, res->utilization);
		pc_buf_adds(out, "</dd></div>");
		fig(out, "Peak hour");
		percent(out, res->peak_utilization);
		pc_buf_adds(out, " <span class=\"note\">");
		if (res->peak_utilization.num > 0)
			hour(out, res->peak_hour);
		else
			pc_buf_adds(out, "no traffic");
		pc_buf_adds(out, "</span></dd></div>");
		fig(out, "Idle");
		money(out, r, res->idle_micros, false);
		pc_buf_adds(out, "</dd></div>");
		fig(out, "Spill-over");
		money(out, r, res->spillover_micros, false);
		pc_buf_adds(out, "</dd></div>");
		fig(out, "Same traffic on demand");
		money(out, r, res->on_demand_equivalent_micros, false);
		pc_buf_adds(out, "</dd></div></dl>\n");
		utilization_chart(p, res);

		pc_buf_adds(out, "<div class=\"table-wrap\"><table class=\"num\"><caption>Showback of ");
		esc(out, res->id);
		pc_buf_adds(out, "</caption>\n<thead><tr><th scope=\"col\" class=\"text\">Use case</th>"
			    "<th scope=\"col\">Token equivalents</th><th scope=\"col\">Share</th>"
			    "<th scope=\"col\">Commitment shown back</th></tr></thead>\n<tbody>\n");
		for (size_t k = 0; k < res->nshares; k++) {
			const struct pc_sr_share *sh = &res->shares[k];

			pc_buf_adds(out, "<tr><th scope=\"row\">");
			if (sh->use_case)
				esc(out, sh->use_case);
			else
				pc_buf_adds(out, "<em>unattributed</em>");
			pc_buf_adds(out, "</th><td>");
			count(out, sh->equivalents);
			pc_buf_adds(out, "</td><td>");
			percent(out, sh->share);
			pc_buf_adds(out, "</td><td>");
			money(out, r, sh->commitment_share_micros, false);
			pc_buf_adds(out, "</td></tr>\n");
		}
		if (!res->nshares)
			pc_buf_adds(out, "<tr><td colspan=\"4\" class=\"text\">Nobody used it: the whole "
				    "commitment is idle.</td></tr>\n");
		pc_buf_adds(out, "</tbody>\n</table></div>\n</article>\n");
	}
	pc_buf_adds(out, "</section>\n");
}

/* ---- data quality ---- */

static void quality_row(struct pc_buf *out, const char *label, const char *value)
{
	pc_buf_adds(out, "<tr><th scope=\"row\">");
	pc_buf_adds(out, label);
	pc_buf_adds(out, "</th><td>");
	pc_buf_adds(out, value);
	pc_buf_adds(out, "</td></tr>\n");
}

static void quality(struct page *p)
{
	const struct pc_spend_report *r = p->r;
	const struct pc_sr_quality *q = &r->quality;
	struct pc_buf *out = p->out, v = PC_BUF_INIT;

	pc_buf_adds(out, "<section id=\"quality\">\n<h2>Data quality</h2>\n"
		    "<p class=\"lede\">Spend no template claims, records that name no version, and the "
		    "cost the sources reported against the same records priced here (a drift says a "
		    "price is out of date).</p>\n<div class=\"table-wrap\"><table class=\"num kv\">"
		    "<caption>Data quality</caption>\n<tbody>\n");
	count(&v, q->unattributed_records);
	quality_row(out, "Unattributed records", v.ptr);
	pc_buf_reset(&v);
	count(&v, q->unattributed_calls);
	quality_row(out, "Unattributed calls", v.ptr);
	pc_buf_reset(&v);
	money(&v, r, q->unattributed_micros, false);
	quality_row(out, "Unattributed cost", v.ptr);
	pc_buf_reset(&v);
	count(&v, q->unversioned_calls);
	quality_row(out, "Calls with no version", v.ptr);
	pc_buf_reset(&v);
	money(&v, r, q->unversioned_micros, false);
	quality_row(out, "Cost of calls with no version", v.ptr);
	pc_buf_reset(&v);
	count(&v, q->reported_records);
	quality_row(out, "Records with a reported cost", v.ptr);
	pc_buf_reset(&v);
	money(&v, r, q->reported_micros, false);
	quality_row(out, "Cost the sources reported", v.ptr);
	pc_buf_reset(&v);
	money(&v, r, q->repriced_micros, false);
	quality_row(out, "The same records priced here", v.ptr);
	pc_buf_reset(&v);
	if (q->drift.den) {
		char text[32];

		pc_ratio_format(text, q->drift);
		pc_buf_addf(&v, "%s%s%%", q->drift.num >= 0 ? "+" : "", text);
	} else {
		pc_buf_adds(&v, "n/a");
	}
	quality_row(out, "Drift", v.ptr);
	pc_buf_adds(out, "</tbody>\n</table></div>\n</section>\n");
	pc_buf_release(&v);
}

/* The page's style: system fonts only, charts scale to the width, tables scroll inside their box. */
static const char *const style[] = {
	":root{--ink:#1c1917;--muted:#57534e;--line:#d6d3d1;--bg:#ffffff;--panel:#f5f5f4}\n"
	"*{box-sizing:border-box}\n"
	"html{-webkit-text-size-adjust:100%}\n"
	"body{margin:0;background:var(--bg);color:var(--ink);"
	"font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Liberation Sans\",Arial,sans-serif}\n"
	".page{max-width:1100px;margin:0 auto;padding:24px 16px 48px}\n"
	"header{border-bottom:1px solid var(--line);padding-bottom:16px}\n"
	".kicker{margin:0;color:var(--muted);font-size:14px;overflow-wrap:anywhere}\n"
	"h1{font-size:18px;margin:8px 0 4px;color:var(--muted);font-weight:600;text-transform:uppercase;"
	"letter-spacing:.04em}\n"
	".posture{font-size:24px;line-height:1.35;margin:0 0 20px;max-width:60em;font-weight:500;"
	"overflow-wrap:anywhere}\n"
	".kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin:0}\n"
	".kpi{background:var(--panel);border-radius:8px;padding:12px 14px}\n"
	".kpi dt{font-size:13px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}\n"
	".kpi dd{margin:0}\n"
	".big{display:block;font-size:26px;font-weight:650;font-variant-numeric:tabular-nums}\n"
	".note{display:block;font-size:13px;color:var(--muted);overflow-wrap:anywhere}\n"
	"nav ul{list-style:none;padding:0;margin:16px 0 0;display:flex;flex-wrap:wrap;gap:6px 16px;"
	"font-size:14px}\n"
	"nav a{color:#1d4ed8}\n"
	"section{margin-top:36px}\n"
	"h2{font-size:22px;margin:0 0 4px}\n"
	"h3{font-size:17px;margin:20px 0 8px}\n"
	"h3 .sub{font-weight:400;color:var(--muted);font-size:15px}\n"
	".lede{color:var(--muted);margin:0 0 12px;max-width:60em}\n"
	"figure{margin:0}\n"
	".chart svg{display:block;width:100%;height:auto;max-width:100%}\n"
	"svg text{font-family:inherit;fill:var(--ink)}\n"
	".only-narrow{display:none}\n"
	"svg .axis{font-size:12px;fill:var(--muted)}\n"
	"svg .grid{stroke:var(--line);stroke-width:1}\n"
	".spike line{stroke:" COLOUR_SPIKE ";stroke-width:1.5;stroke-dasharray:4 3}\n"
	".spike circle{fill:" COLOUR_SPIKE "}\n"
	".spike .num{fill:#fff;font-size:11px;font-weight:700}\n"
	".spike .label{font-size:12px;fill:" COLOUR_SPIKE ";font-weight:600}\n"
	".legend{list-style:none;padding:0;margin:8px 0 0;display:flex;flex-wrap:wrap;gap:4px 16px;"
	"font-size:14px}\n"
	".legend li{overflow-wrap:anywhere}\n"
	".swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;"
	"vertical-align:-1px;print-color-adjust:exact;-webkit-print-color-adjust:exact}\n"
	".spike-swatch{background:" COLOUR_SPIKE ";border-radius:50%}\n"
	".fig{color:var(--muted);font-variant-numeric:tabular-nums}\n"
	,
	"details{margin:12px 0}\n"
	"summary{cursor:pointer;color:#1d4ed8}\n"
	".table-wrap{overflow-x:auto;margin:12px 0;max-width:100%}\n"
	"table{border-collapse:collapse;font-size:14px;min-width:100%}\n"
	"caption{text-align:left;font-weight:600;padding:4px 0;color:var(--muted)}\n"
	"th,td{padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}\n"
	"thead th{font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);"
	"text-align:right;vertical-align:bottom}\n"
	"thead th:first-child,thead th.text{text-align:left}\n"
	"tbody th{text-align:left;font-weight:600;white-space:nowrap}\n"
	"table.num td{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	"table.num td.text{text-align:left;white-space:normal}\n"
	"td.commit{min-width:16em}\n"
	"table.num td.nowrap{white-space:nowrap}\n"
	"table.kv{min-width:0}\n"
	"tr.version th{font-weight:400;padding-left:24px;color:var(--muted)}\n"
	"tr.version td{color:var(--muted)}\n"
	".who{color:var(--muted);font-size:13px}\n"
	"code{font-family:\"DejaVu Sans Mono\",Menlo,Consolas,monospace;font-size:.92em}\n"
	".spark-cell{padding-top:2px;padding-bottom:2px}\n"
	"svg.spark{width:120px;height:28px;display:block}\n"
	".spark polyline{fill:none;stroke:#2563eb;stroke-width:1.5}\n"
	".spike-dot{fill:" COLOUR_SPIKE "}\n"
	".bars{list-style:none;padding:0;margin:0}\n"
	".bar-row{margin:10px 0 14px}\n"
	".bar-head{display:flex;flex-wrap:wrap;justify-content:space-between;gap:4px 12px}\n"
	".bar-head .name{font-weight:600;overflow-wrap:anywhere}\n"
	"svg.bar{display:block;width:100%;height:28px;margin-top:4px}\n"
	".bar .track{fill:#e7e5e4}\n"
	".bar .projected{opacity:.35}\n"
	".bar .limit{stroke:#000;stroke-width:3;vector-effect:non-scaling-stroke}\n"
	".bar .warn{stroke:#000;stroke-width:2;stroke-dasharray:3 3;vector-effect:non-scaling-stroke}\n"
	/* the cache bars on a wide screen: one line each, name | bar | figure */
	"@media (min-width:601px){.compact .bar-row{display:grid;grid-template-columns:minmax(8em,16em) 1fr "
	"13em;grid-template-areas:'name bar fig' '. note note';align-items:center;"
	"gap:0 12px;margin:4px 0}"
	".compact .bar-head{display:contents}.compact .name{grid-area:name}.compact .fig{grid-area:fig;"
	"text-align:right}.compact svg.bar{grid-area:bar;margin:0}.compact .bar-figs{grid-area:note}}\n"
	".bar-figs{margin:2px 0 0;font-size:14px;color:var(--muted);font-variant-numeric:tabular-nums}\n"
	".badge{color:#fff;border-radius:10px;padding:0 8px;font-size:13px;font-weight:600;"
	"print-color-adjust:exact;-webkit-print-color-adjust:exact}\n"
	".status-ok{color:#047857}.status-warn{color:#b45309}\n"
	".status-over-soft,.status-over-hard{color:#b91c1c;font-weight:600}\n"
	,
	".figs{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px;margin:0 0 8px}\n"
	".figs dt{font-size:13px;color:var(--muted)}\n"
	".figs dd{margin:0;font-size:18px;font-weight:600;font-variant-numeric:tabular-nums}\n"
	".figs .note{font-weight:400}\n"
	".util .used{fill:#0e7490}\n"
	".util .avg{stroke:#000;stroke-width:1.5;stroke-dasharray:6 4}\n"
	".util .avg-label{fill:var(--ink)}\n"
	".spike .label{paint-order:stroke;stroke:#fff;stroke-width:3px}\n"
	"footer{margin-top:40px;border-top:1px solid var(--line);padding-top:12px;font-size:13px;"
	"color:var(--muted);overflow-wrap:anywhere}\n"
	"@media (max-width:600px){.only-wide{display:none}.only-narrow{display:block}"
	".posture{font-size:20px}.big{font-size:20px}.kpi{padding:10px}"
	".page{padding:16px 12px 32px}th,td{padding:5px 7px}}\n"
	"@media print{body{font-size:11pt}.page{max-width:none;padding:0}nav,summary{display:none}"
	"details{display:none}"
	"figure,.bar-row,.kpi,tr,dl{break-inside:avoid}h2,h3,.lede{break-after:avoid}"
	"section{margin-top:18px}.posture{font-size:16pt}"
	".table-wrap{overflow:visible}table{font-size:9pt}"
	"svg,.kpi{print-color-adjust:exact;-webkit-print-color-adjust:exact}a{color:inherit}}\n",
};

int pc_spend_report_html(struct pc_buf *out, const struct pc_spend_report *report)
{
	struct page p = { out, report, 0 };

	pc_buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		    /* nothing may be fetched: no script, no font, no image but data: */
		    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		    "style-src 'unsafe-inline'; img-src data:\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<meta name=\"generator\" content=\"promptcost\">\n<title>Spend report ");
	esc(out, report->since);
	pc_buf_adds(out, " to ");
	esc(out, report->until);
	pc_buf_adds(out, "</title>\n<style>\n");
	for (size_t i = 0; i < sizeof(style) / sizeof(style[0]); i++)
		pc_buf_adds(out, style[i]);
	pc_buf_adds(out, "</style>\n</head>\n<body>\n<div class=\"page\">\n");
	posture(&p);
	contents(out);
	pc_buf_adds(out, "<main>\n");
	daily_chart(&p);
	budgets(&p);
	templates(&p);
	spikes(&p);
	forecasts(&p);
	caching(&p);
	reservations(&p);
	quality(&p);
	pc_buf_adds(out, "</main>\n<footer><p>Made by promptcost from recorded usage. ");
	if (report->price_note) {
		pc_buf_adds(out, "Prices: ");
		esc(out, report->price_note);
		pc_buf_adds(out, ". ");
	}
	pc_buf_adds(out, "Money in ");
	esc(out, report->currency);
	pc_buf_addf(out, "; a month is %" PRId64 " days. Projections are run rates, not forecasts.</p>"
		    "</footer>\n</div>\n</body>\n</html>\n", report->days_per_month);
	return 0;
}
