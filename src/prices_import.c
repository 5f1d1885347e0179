/*
 * `promptcost prices import`: a newer genai-prices data file, or LiteLLM's
 * model_prices_and_context_window.json, as the configuration's `models:`
 * section. Read with src/json_text.h, so every price keeps its decimal
 * text: genai-prices gives USD per million tokens (scaled by 10^6 to
 * micro-units), LiteLLM USD per token (scaled by 10^12).
 */
#include "promptcost/catalog.h"
#include "promptcost/tokenizer.h"

#include "json_text.h"

#include <stdlib.h>
#include <string.h>

void pc_price_format(struct pc_buf *out, int64_t micros)
{
	char frac[8];
	int n = 6;

	snprintf(frac, sizeof(frac), "%06lld", (long long)(micros % 1000000));
	while (n > 2 && frac[n - 1] == '0')
		n--;
	frac[n] = '\0';
	pc_buf_addf(out, "%lld.%s", (long long)(micros / 1000000), frac);
}

/* What one imported model is priced at (micro-units per 1M tokens, -1: none). */
struct imported {
	int64_t input, output, cached, write, write_1h;
	int64_t tier_start, tier_input, tier_output; /* long-context: -1 when none */
	const char *since;                           /* genai-prices: the list's start date */
};

struct import {
	struct pc_buf *out;
	const char *path;
	const struct pc_strlist *only;
	struct pc_strlist seen;
	size_t models, rounded, skipped;
	const struct jt_node *bad_value; /* the number that did not read, for its line */
};

/*
 * A model name as a YAML double-quoted key, in ASCII: every other character
 * escaped (\\uXXXX, \\UXXXXXXXX), so no byte of the price file reaches the
 * configuration unescaped. The reader checked the name is UTF-8.
 */
static void yaml_key(struct pc_buf *out, const char *name)
{
	const unsigned char *s = (const unsigned char *)name;

	pc_buf_adds(out, "  \"");
	while (*s) {
		unsigned long cp = *s;
		int more = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;

		if (more)
			cp &= more == 3 ? 0x07 : more == 2 ? 0x0f : 0x1f;
		s++;
		for (int k = 0; k < more && *s; k++)
			cp = (cp << 6) | (*s++ & 0x3f);
		if (cp == '"' || cp == '\\')
			pc_buf_addf(out, "\\%c", (int)cp);
		else if (cp >= 0x20 && cp < 0x7f)
			pc_buf_addch(out, (char)cp);
		else if (cp < 0x10000)
			pc_buf_addf(out, "\\u%04lx", cp);
		else
			pc_buf_addf(out, "\\U%08lx", cp);
	}
	pc_buf_adds(out, "\":\n");
}

static void price_line(struct pc_buf *out, const char *key, int64_t micros)
{
	if (micros < 0)
		return;
	pc_buf_addf(out, "    %s: ", key);
	pc_price_format(out, micros);
	pc_buf_addch(out, '\n');
}

static bool wanted(const struct import *im, const char *name)
{
	return !im->only->n || pc_strlist_contains(im->only, name);
}

static void emit(struct import *im, const char *name, const struct imported *p)
{
	enum pc_encoding enc;
	char base[256], *colon;

	if (!wanted(im, name))
		return;
	if (pc_strlist_contains(&im->seen, name)) {
		im->skipped++;
		return;
	}
	pc_strlist_push(&im->seen, name);
	im->models++;
	/* "gpt-4o:batch" is gpt-4o's tokenizer */
	snprintf(base, sizeof(base), "%s", name);
	if ((colon = strrchr(base, ':')) && (!strcmp(colon, ":batch") || !strcmp(colon, ":flex") ||
					     !strcmp(colon, ":priority")))
		*colon = '\0';
	yaml_key(im->out, name);
	if (pc_encoding_for_model(&enc, name) == 0 || pc_encoding_for_model(&enc, base) == 0) {
		pc_buf_addf(im->out, "    encoding: %s\n", pc_encoding_name(enc));
	} else {
		pc_error_clear();
		pc_buf_adds(im->out, "    encoding: approximate   # no public tokenizer: an estimate\n");
	}
	if (p->since && p->since[0])
		pc_buf_addf(im->out, "    # prices in force from %s\n", p->since);
	price_line(im->out, "input_per_1m", p->input);
	price_line(im->out, "cached_input_per_1m", p->cached);
	price_line(im->out, "cache_write_per_1m", p->write);
	price_line(im->out, "cache_write_1h_per_1m", p->write_1h);
	price_line(im->out, "output_per_1m", p->output >= 0 ? p->output : 0);
	if (p->tier_start >= 0) {
		pc_buf_addf(im->out, "    # above %lld input tokens a request the provider bills more (",
			    (long long)p->tier_start);
		if (p->tier_input >= 0) {
			pc_buf_adds(im->out, "input ");
			pc_price_format(im->out, p->tier_input);
		}
		if (p->tier_output >= 0) {
			pc_buf_adds(im->out, p->tier_input >= 0 ? ", output " : "output ");
			pc_price_format(im->out, p->tier_output);
		}
		pc_buf_adds(im->out, "): the built-in catalog prices such tiers; `models:` has "
				     "one price per kind\n");
	}
}

/* A number at scale into *out (-1 when absent); false when it is not a number. */
static bool number(int64_t *out, struct import *im, const struct jt_node *v, int scale)
{
	bool rounded;

	*out = -1;
	if (!v || v->kind == JT_NULL)
		return true;
	if (v->kind != JT_NUM || !jt_decimal(out, &rounded, v->text, scale)) {
		im->bad_value = v;
		return false;
	}
	im->rounded += rounded;
	return true;
}

static int bad(const struct import *im, const struct jt_node *v, const char *what)
{
	if (im->bad_value)
		v = im->bad_value;
	return pc_error_set(PC_EINPUT, "%s: line %u: %s", im->path, v ? v->line : 0, what);
}

/* ---- genai-prices ---- */

/* A genai-prices price (a number or {base, tiers}): the base, and the first tier's. */
static int genai_price(int64_t *base, int64_t *tier_start, int64_t *tier_price,
		       struct import *im, const struct jt_node *v)
{
	const struct jt_node *tiers;

	*base = -1;
	if (!v)
		return 0;
	if (v->kind == JT_NUM)
		return number(base, im, v, 6) ? 0 : bad(im, v, "a price that is not a number");
	if (v->kind != JT_OBJ || !number(base, im, jt_get(v, "base"), 6) || *base < 0)
		return bad(im, v, "a price that is neither a number nor {base, tiers}");
	tiers = jt_get(v, "tiers");
	if (tiers && tiers->kind == JT_ARR && tiers->n && tier_start) {
		if (!number(tier_start, im, jt_get(tiers->items[0], "start"), 0) ||
		    !number(tier_price, im, jt_get(tiers->items[0], "price"), 6))
			return bad(im, tiers, "a tier without a start and a price");
	}
	return 0;
}

static int genai_model(struct import *im, const struct jt_node *m, const char *date)
{
	const struct jt_node *id = jt_get(m, "id"), *prices = jt_get(m, "prices"), *list = NULL;
	struct imported p;
	int64_t ignore_start, ignore_price;
	int error;

	if (!id || id->kind != JT_STR || !prices)
		return bad(im, m, "a model without an id or prices");
	if (!wanted(im, id->text))
		return 0;
	if (prices->kind == JT_ARR) {
		/* the last list whose start date is on or before date; time-of-day lists are skipped */
		for (size_t i = 0; i < prices->n; i++) {
			const struct jt_node *c = jt_get(prices->items[i], "constraint");
			const struct jt_node *type = jt_get(c, "type"), *start = jt_get(c, "start_date");

			if (!c) {
				list = prices->items[i];
			} else if (type && type->kind == JT_STR && !strcmp(type->text, "start_date") &&
				   start && start->kind == JT_STR && strcmp(start->text, date) <= 0) {
				list = prices->items[i];
			}
		}
		if (!list)
			return 0; /* not yet priced on date */
		prices = jt_get(list, "prices");
	}
	memset(&p, 0, sizeof(p));
	p.tier_start = p.tier_input = p.tier_output = -1;
	p.since = list ? (jt_get(jt_get(list, "constraint"), "start_date")
			  ? jt_get(jt_get(list, "constraint"), "start_date")->text : "") : "";
	if ((error = genai_price(&p.input, &p.tier_start, &p.tier_input, im,
				 jt_get(prices, "input_mtok"))) < 0 ||
	    (error = genai_price(&p.output, &ignore_start, &p.tier_output, im,
				 jt_get(prices, "output_mtok"))) < 0 ||
	    (error = genai_price(&p.cached, NULL, NULL, im, jt_get(prices, "cache_read_mtok"))) < 0 ||
	    (error = genai_price(&p.write, NULL, NULL, im, jt_get(prices, "cache_write_mtok"))) < 0 ||
	    (error = genai_price(&p.write_1h, NULL, NULL, im,
				 jt_get(prices, "cache_write_1h_mtok"))) < 0)
		return error;
	(void)ignore_price;
	if (p.input < 0)
		return 0; /* no per-token price (images, audio, pages): nothing to import */
	emit(im, id->text, &p);
	return 0;
}

static int genai(struct import *im, const struct jt_node *root, const char *date,
		 const char *provider)
{
	bool found_provider = !provider;
	int error;

	for (size_t i = 0; i < root->n; i++) {
		const struct jt_node *pr = root->items[i], *id = jt_get(pr, "id");
		const struct jt_node *models = jt_get(pr, "models");

		if (!id || id->kind != JT_STR || !models || models->kind != JT_ARR)
			return bad(im, pr, "a provider without an id or models");
		if (provider && strcmp(provider, id->text))
			continue;
		found_provider = true;
		for (size_t k = 0; k < models->n; k++)
			if ((error = genai_model(im, models->items[k], date)) < 0)
				return error;
	}
	if (!found_provider)
		return pc_error_set(PC_EINPUT, "%s: no provider '%s' in it", im->path, provider);
	return 0;
}

/* ---- LiteLLM ---- */

static int litellm_tier(struct import *im, const char *name, const struct jt_node *m,
			const char *tier, const struct imported *standard)
{
	char in_key[64], out_key[64], tiered[300];
	struct imported p = *standard;

	snprintf(in_key, sizeof(in_key), "input_cost_per_token_%s", tier);
	snprintf(out_key, sizeof(out_key), "output_cost_per_token_%s", tier);
	if (!number(&p.input, im, jt_get(m, in_key), 12) ||
	    !number(&p.output, im, jt_get(m, out_key), 12))
		return bad(im, m, "a service-tier price that is not a number");
	if (p.input < 0)
		return 0;
	if (p.output < 0)
		p.output = standard->output;
	p.cached = p.write = p.write_1h = -1; /* LiteLLM gives no cache prices per tier */
	p.tier_start = -1;
	snprintf(tiered, sizeof(tiered), "%s:%s", name, strcmp(tier, "batches") ? tier : "batch");
	emit(im, tiered, &p);
	return 0;
}

/*
 * The lowest long-context threshold of an entry: keys
 * "input_cost_per_token_above_<N>k_tokens" and the output's (LiteLLM has
 * 128k, 200k and 272k); the service-tier variants after them are ignored.
 */
static int litellm_long_context(struct imported *p, struct import *im, const struct jt_node *m)
{
	static const char *const kinds[] = { "input_cost_per_token_above_",
					     "output_cost_per_token_above_" };

	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const char *key = m->items[i]->text;

		for (int k = 0; k < 2; k++) {
			size_t len = strlen(kinds[k]);
			char *end;
			long thousands;
			int64_t price;

			if (strncmp(key, kinds[k], len))
				continue;
			thousands = strtol(key + len, &end, 10);
			if (end == key + len || strcmp(end, "k_tokens") || thousands <= 0)
				continue;
			if (!number(&price, im, m->items[i + 1], 12))
				return bad(im, m->items[i + 1], "a price that is not a number");
			if (price < 0)
				continue;
			if (p->tier_start < 0 || thousands * 1000 < p->tier_start) {
				p->tier_start = thousands * 1000;
				p->tier_input = p->tier_output = -1;
			}
			if (thousands * 1000 == p->tier_start)
				*(k ? &p->tier_output : &p->tier_input) = price;
		}
	}
	return 0;
}

static int litellm(struct import *im, const struct jt_node *root)
{
	static const char *const tiers[] = { "batches", "flex", "priority" };
	int error;

	for (size_t i = 0; i + 1 < root->n; i += 2) {
		const char *name = root->items[i]->text;
		const struct jt_node *m = root->items[i + 1];
		struct imported p;

		if (!strcmp(name, "sample_spec") || m->kind != JT_OBJ)
			continue;
		memset(&p, 0, sizeof(p));
		p.tier_start = p.tier_input = p.tier_output = -1;
		if (!number(&p.input, im, jt_get(m, "input_cost_per_token"), 12) ||
		    !number(&p.output, im, jt_get(m, "output_cost_per_token"), 12) ||
		    !number(&p.cached, im, jt_get(m, "cache_read_input_token_cost"), 12) ||
		    !number(&p.write, im, jt_get(m, "cache_creation_input_token_cost"), 12) ||
		    !number(&p.write_1h, im, jt_get(m, "cache_creation_input_token_cost_above_1hr"),
			    12))
			return bad(im, m, "a price that is not a number");
		if (p.input < 0)
			continue; /* priced per image, second or character: nothing to import */
		if ((error = litellm_long_context(&p, im, m)) < 0)
			return error;
		emit(im, name, &p);
		for (size_t k = 0; k < sizeof(tiers) / sizeof(tiers[0]); k++)
			if ((error = litellm_tier(im, name, m, tiers[k], &p)) < 0)
				return error;
	}
	return 0;
}

int pc_prices_import(struct pc_buf *out, const char *path, const char *text, size_t len,
		     const char *date, const char *provider, const struct pc_strlist *only)
{
	struct import im = { NULL, path, only, PC_STRLIST_INIT, 0, 0, 0, NULL };
	struct pc_buf body = PC_BUF_INIT;
	char err[200];
	struct jt_node *root = jt_parse(text, len, err, sizeof(err));
	const char *format;
	int error = 0;

	if (!root)
		return pc_error_set(PC_EINPUT, "%s: %s (not JSON)", path, err);
	im.out = &body;
	if (root->kind == JT_ARR && root->n && jt_get(root->items[0], "models")) {
		format = "genai-prices";
		error = genai(&im, root, date, provider);
	} else if (root->kind == JT_OBJ) {
		format = "LiteLLM model_prices_and_context_window.json";
		if (provider)
			error = pc_error_set(PC_EINPUT, "%s: --provider is for genai-prices files", path);
		else
			error = litellm(&im, root);
	} else {
		error = pc_error_set(PC_EINPUT, "%s: line 1: neither a genai-prices data file (an "
				     "array of providers with models) nor LiteLLM's price file (an "
				     "object of models)", path);
		format = NULL;
	}
	for (size_t i = 0; !error && i < only->n; i++)
		if (!pc_strlist_contains(&im.seen, only->items[i]))
			error = pc_error_set(PC_EINPUT, "%s: no per-token prices for model '%s' in "
					     "it%s%s%s%s", path, only->items[i],
					     provider ? " for provider '" : "", provider ? provider : "",
					     provider ? "'" : "",
					     format && !strcmp(format, "genai-prices") ? " on that date"
					     : "");
	if (!error) {
		pc_buf_addf(out, "# Imported by `promptcost prices import` from %s (%s", path, format);
		if (!strcmp(format, "genai-prices"))
			pc_buf_addf(out, ", prices in force on %s", date);
		pc_buf_addf(out, "): %zu models, USD per 1M tokens.\n", im.models);
		if (im.rounded)
			pc_buf_addf(out, "# %zu prices had more decimals than micro-units and were "
				    "rounded half away from zero.\n", im.rounded);
		if (im.skipped)
			pc_buf_addf(out, "# %zu later listings of a model already imported (another "
				    "provider's) were left out; --provider picks one.\n", im.skipped);
		pc_buf_adds(out, "models:\n");
		pc_buf_add(out, body.ptr, body.len);
	}
	pc_buf_release(&body);
	pc_strlist_release(&im.seen);
	jt_free(root);
	return error;
}
