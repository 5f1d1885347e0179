/*
 * The configuration: `.promptcost.yml` version 1 read strictly, key by key,
 * from the tree yaml.h loads into struct pc_config. Every error is one line
 * "path:line:col: message".
 */
#include "promptcost/config.h"

#include "promptcost/formats.h"
#include "promptcost/includes.h"

#include "promptcost/money.h"
#include "promptcost/yaml.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Reading values: yaml.h's getters, with this file's path.            */

struct ctx {
	const char *path;
	struct pc_config *config;
	bool has_use_cases; /* a `use_cases` section exists: template use cases must name one */
};

static int fail(const struct ctx *c, struct pc_pos pos, const char *fmt, ...) PC_PRINTF(3, 4);

static int fail(const struct ctx *c, struct pc_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pc_yaml_vfail(c->path, pos, fmt, ap);
	va_end(ap);
	return PC_EINPUT;
}

static int check_keys(const struct ctx *c, const struct pc_yaml_node *map,
		      const char *const *allowed, const char *where)
{
	return pc_yaml_check_keys(c->path, map, allowed, where);
}

static int expect_mapping(const struct ctx *c, const struct pc_yaml_node *value,
			  const char *what)
{
	return pc_yaml_expect_mapping(c->path, value, what);
}

static int get_string(const char **out, const struct ctx *c, const struct pc_yaml_node *value,
		      const char *key)
{
	return pc_yaml_get_string(out, c->path, value, key);
}

static int get_decimal(int64_t *out, const struct ctx *c, const struct pc_yaml_node *value,
		       const char *key, unsigned scale)
{
	return pc_yaml_get_decimal(out, c->path, value, key, scale);
}

static int get_count(int64_t *out, const struct ctx *c, const struct pc_yaml_node *value,
		     const char *key, int64_t max)
{
	return pc_yaml_get_count(out, c->path, value, key, max);
}

static int get_share(int64_t *out_ppm, const struct ctx *c, const struct pc_yaml_node *value,
		     const char *key)
{
	return pc_yaml_get_share(out_ppm, c->path, value, key);
}

static int get_percent(int64_t *out_ppm, const struct ctx *c, const struct pc_yaml_node *value,
		       const char *key)
{
	return pc_yaml_get_percent(out_ppm, c->path, value, key);
}

static int get_choice(int *out, const struct ctx *c, const struct pc_yaml_node *value,
		      const char *key, const char *const *choices)
{
	return pc_yaml_get_choice(out, c->path, value, key, choices);
}

/* ------------------------------------------------------------------ */
/* References by name: sorted indexes, so large configurations stay fast. */

/* name must be in idx; otherwise "unknown <what> 'x' (did you mean 'y'?)" at value. */
static int check_reference(const struct ctx *c, const struct pc_name_index *idx,
			   const struct pc_yaml_node *value, const char *name, const char *what,
			   const char *section)
{
	struct pc_buf msg = PC_BUF_INIT;
	char known[64];
	int error;

	if (pc_name_index_find(idx, name) != SIZE_MAX)
		return 0;
	pc_buf_addf(&msg, "unknown %s '%s'", what, name);
	if (!idx->n) {
		pc_buf_addf(&msg, " ('%s' names none)", section);
	} else {
		snprintf(known, sizeof(known), "known %ss", what);
		pc_yaml_add_hint(&msg, name, idx->names, idx->n, known);
	}
	error = fail(c, value->pos, "%s", msg.ptr);
	pc_buf_release(&msg);
	return error;
}

/* ------------------------------------------------------------------ */
/* The sections.                                                       */

static const char *const top_keys[] = {
	"version", "currency", "days_per_month", "models", "teams", "use_cases", "templates",
	"policy", "usage", "reservations", NULL
};
static const char *const model_keys[] = {
	"encoding", "approximate_base", "approximate_factor", "input_per_1k", "input_per_1m",
	"output_per_1k", "output_per_1m", "cached_input_per_1k", "cached_input_per_1m",
	"cache_write_per_1k", "cache_write_per_1m", "cache_write_1h_per_1k", "cache_write_1h_per_1m",
	"cache_ttl", NULL
};
/* The keys that give a model's prices: any of them and the configuration prices it. */
static const char *const price_keys[] = {
	"input_per_1k", "input_per_1m", "output_per_1k", "output_per_1m", "cached_input_per_1k",
	"cached_input_per_1m", "cache_write_per_1k", "cache_write_per_1m", "cache_write_1h_per_1k",
	"cache_write_1h_per_1m", NULL
};
static const char *const cache_ttls[] = { "5m", "1h", NULL };
static const char *const service_tiers[] = { "standard", "batch", "flex", "priority", NULL };
static const char *const budget_keys[] = {
	"monthly_budget", "limit", "warn_at", "other_monthly_spend", NULL
};
static const char *const use_case_keys[] = {
	"monthly_budget", "limit", "warn_at", "other_monthly_spend", "cache_hit_target", NULL
};
static const char *const reservation_keys[] = {
	"model", "units", "unit_price_per_hour", "tokens_per_minute_per_unit",
	"output_token_weight", "cached_token_weight", NULL
};
static const char *const template_keys[] = {
	"id", "family", "files", "team", "use_case", "model", "service_tier", "calls_per_day",
	"output_tokens_per_call", "cache_hit_rate", "cached_input_share", "format", "includes",
	"variables", "deployment", NULL
};
static const char *const format_choices[] = { "auto", "text", "front-matter", NULL };
static const char *const include_choices[] = { "jinja", "handlebars", "snippets", NULL };
static const char *const policy_keys[] = {
	"cost_event", "unapproved_cost_event", "approvers", "file_approvals", "cache_hit_target",
	NULL
};
static const char *const approver_keys[] = { "id", "key", NULL };
static const char *const file_approvals_choices[] = { "signed", "unsigned", NULL };
static const char *const cost_event_keys[] = { "monthly_delta", "percent", "min_monthly_delta",
					       NULL };
static const char *const encodings[] = { "cl100k_base", "o200k_base", "approximate", NULL };
static const char *const base_encodings[] = { "cl100k_base", "o200k_base", NULL };
static const enum pc_encoding encoding_values[] = { PC_ENC_CL100K_BASE, PC_ENC_O200K_BASE };
static const char *const limits[] = { "hard", "soft", NULL };
static const char *const unapproved_choices[] = { "block", "warn", NULL };

/*
 * A price given per thousand or per million tokens (exactly one of the two),
 * as micro-units per million tokens: per-1k text scaled by 10^9, per-1m by 10^6.
 */
static int read_price(int64_t *out, bool *present, const struct ctx *c,
		      const struct pc_yaml_node *map, const struct pc_yaml_node *name,
		      const char *key_1k, const char *key_1m, const char *label)
{
	const struct pc_yaml_node *k1k = NULL, *k1m = NULL;
	const struct pc_yaml_node *v1k = pc_yaml_find(map, key_1k, &k1k);
	const struct pc_yaml_node *v1m = pc_yaml_find(map, key_1m, &k1m);

	*present = v1k || v1m;
	if (v1k && v1m) {
		const struct pc_yaml_node *later = k1k->pos.line > k1m->pos.line ||
			(k1k->pos.line == k1m->pos.line && k1k->pos.col > k1m->pos.col) ? k1k : k1m;

		return fail(c, later->pos, "model '%s' has both '%s' and '%s'; give one",
			    name->text, key_1k, key_1m);
	}
	if (v1k)
		return get_decimal(out, c, v1k, key_1k, 9);
	if (v1m)
		return get_decimal(out, c, v1m, key_1m, 6);
	if (label)
		return fail(c, name->pos,
			    "model '%s' has no %s price: give '%s' or '%s' (a missing price is "
			    "an error, never 0)", name->text, label, key_1k, key_1m);
	return 0;
}

/*
 * The prices of the catalog's model for model on date: the price list in
 * force that day, with its long-context tiers. -1 (the reason in why) when
 * there is none yet on that date or it has no per-token input price.
 */
static int catalog_prices(struct pc_model *model, const char *date, struct pc_buf *why)
{
	const struct pc_catalog_entry *e = pc_catalog_price_at(model->catalog, date);

	if (!e) {
		const struct pc_catalog_entry *first = &pc_catalog_entries[model->catalog->entry];

		pc_buf_addf(why, "the catalog (genai-prices %s) has no price for model '%s' on %s "
			    "(its first starts %s); give its prices in 'models'", pc_catalog_version,
			    model->name, date, pc_catalog_str(first->start_date));
		return -1;
	}
	if (e->base.input < 0) {
		pc_buf_addf(why, "the catalog (genai-prices %s) has no per-token input price for "
			    "model '%s' (catalog id '%s'); give its prices in 'models'",
			    pc_catalog_version, model->name, pc_catalog_str(model->catalog->id));
		return -1;
	}
	model->input_micros_per_mtok = e->base.input;
	/* an embedding model has no output price: it returns no tokens */
	model->output_micros_per_mtok = e->base.output >= 0 ? e->base.output : 0;
	model->has_cached_input_price = e->base.cache_read >= 0;
	model->cached_input_micros_per_mtok = e->base.cache_read >= 0 ? e->base.cache_read : 0;
	model->has_cache_write_price = e->base.cache_write >= 0;
	model->cache_write_micros_per_mtok = e->base.cache_write >= 0 ? e->base.cache_write : 0;
	model->has_cache_write_1h_price = e->base.cache_write_1h >= 0;
	model->cache_write_1h_micros_per_mtok = e->base.cache_write_1h >= 0 ? e->base.cache_write_1h
									     : 0;
	model->tiers = e->ntiers ? &pc_catalog_tiers[e->tier] : NULL;
	model->ntiers = e->ntiers;
	snprintf(model->price_from, sizeof(model->price_from), "%s", pc_catalog_str(e->start_date));
	snprintf(model->price_date, sizeof(model->price_date), "%s", date);
	return 0;
}

int pc_config_price_at(struct pc_config *config, const char *date)
{
	struct pc_buf why = PC_BUF_INIT;
	int error = 0;

	for (size_t i = 0; i < config->nmodels && !error; i++) {
		struct pc_model *m = &config->models[i];

		if (m->price_source == PC_PRICE_CATALOG && catalog_prices(m, date, &why) < 0)
			error = pc_error_set(PC_EINPUT, "%s:%u:%u: %s", config->path, m->pos.line,
					     m->pos.col, why.ptr);
	}
	pc_buf_release(&why);
	return error;
}

void pc_model_price_source(struct pc_buf *out, const struct pc_model *model)
{
	if (model->price_source != PC_PRICE_CATALOG) {
		pc_buf_adds(out, "configuration");
		return;
	}
	pc_buf_addf(out, "catalog (%s %s", pc_catalog_source, pc_catalog_version);
	if (model->price_from[0])
		pc_buf_addf(out, ", from %s", model->price_from);
	if (strcmp(model->name, pc_catalog_str(model->catalog->id)))
		pc_buf_addf(out, ", as '%s'", pc_catalog_str(model->catalog->id));
	pc_buf_adds(out, ")");
}

/*
 * A model's encoding when the configuration gives none: the tokenizer
 * promptcost knows for its name or its catalog id; for a catalog model
 * without a public tokenizer (Claude, Gemini, Llama...) an estimate of
 * cl100k_base at factor 1 (labelled as such everywhere). -1 when neither.
 */
static int default_encoding(struct pc_model *model, const struct pc_catalog_model *cat)
{
	char base[256], *colon;

	if (pc_encoding_for_model(&model->encoding, model->name) == 0)
		return 0;
	pc_error_clear();
	/* a service tier's model, "gpt-4o:batch", has its model's tokenizer */
	snprintf(base, sizeof(base), "%s", model->name);
	if ((colon = strrchr(base, ':')) && (!strcmp(colon, ":batch") || !strcmp(colon, ":flex") ||
					     !strcmp(colon, ":priority"))) {
		*colon = '\0';
		if (pc_encoding_for_model(&model->encoding, base) == 0)
			return 0;
		pc_error_clear();
	}
	if (cat && pc_encoding_for_model(&model->encoding, pc_catalog_str(cat->id)) == 0)
		return 0;
	pc_error_clear();
	if (!cat)
		return -1;
	model->approximate = true;
	model->encoding = PC_ENC_CL100K_BASE;
	return 0;
}

/* A model a template names that `models:` does not: from the catalog. */
static void catalog_model(struct pc_model *model, const char *name, struct pc_pos pos,
			  const struct pc_catalog_model *cat)
{
	memset(model, 0, sizeof(*model));
	model->name = pc_xstrdup(name);
	model->pos = pos;
	model->approx_factor_ppm = PC_PPM;
	model->catalog = cat;
	model->price_source = PC_PRICE_CATALOG;
	model->from_template = true;
	(void)default_encoding(model, cat);
}

static int read_model(struct pc_model *model, const struct ctx *c, const struct pc_yaml_node *name,
		      const struct pc_yaml_node *map)
{
	const struct pc_yaml_node *encoding = pc_yaml_find(map, "encoding", NULL);
	const struct pc_yaml_node *base_key = NULL, *factor_key = NULL;
	const struct pc_yaml_node *base = pc_yaml_find(map, "approximate_base", &base_key);
	const struct pc_yaml_node *factor = pc_yaml_find(map, "approximate_factor", &factor_key);
	const struct pc_yaml_node *ttl;
	struct pc_buf where = PC_BUF_INIT;
	bool present;
	int error, choice;

	model->name = pc_xstrdup(name->text);
	model->pos = name->pos;
	model->approx_factor_ppm = PC_PPM;
	pc_buf_addf(&where, "in model '%s'", name->text);
	error = check_keys(c, map, model_keys, where.ptr);
	pc_buf_release(&where);
	if (error)
		return error;

	if (encoding) {
		if ((error = get_choice(&choice, c, encoding, "encoding", encodings)))
			return error;
		if (encodings[choice] == encodings[2]) {
			model->approximate = true;
			model->encoding = PC_ENC_CL100K_BASE;
		} else {
			model->encoding = encoding_values[choice];
		}
	} else if (default_encoding(model, pc_catalog_find(name->text)) < 0) {
		return fail(c, name->pos,
			    "model '%s' needs an 'encoding' (cl100k_base, o200k_base or "
			    "approximate): promptcost does not know its tokenizer", name->text);
	}
	if (!model->approximate && (base || factor))
		return fail(c, (base ? base_key : factor_key)->pos,
			    "'%s' is only for 'encoding: approximate'",
			    base ? "approximate_base" : "approximate_factor");
	if (base) {
		if ((error = get_choice(&choice, c, base, "approximate_base", base_encodings)))
			return error;
		model->encoding = encoding_values[choice];
	}
	if (factor) {
		if ((error = get_decimal(&model->approx_factor_ppm, c, factor, "approximate_factor",
					 6)))
			return error;
		if (model->approx_factor_ppm == 0)
			return fail(c, factor->pos, "'approximate_factor' must be more than 0");
	}

	if ((ttl = pc_yaml_find(map, "cache_ttl", NULL))) {
		if ((error = get_choice(&choice, c, ttl, "cache_ttl", cache_ttls)))
			return error;
		model->cache_ttl_1h = choice == 1;
	}
	present = false;
	for (size_t k = 0; price_keys[k] && !present; k++)
		present = pc_yaml_find(map, price_keys[k], NULL) != NULL;
	model->catalog = pc_catalog_find(name->text);
	if (!present && model->catalog) {
		/* no prices here: the catalog's, at today's date until check re-prices */
		struct pc_buf why = PC_BUF_INIT;
		char today[11];

		if (strcmp(c->config->currency, "USD"))
			return fail(c, name->pos, "model '%s' has no prices and the catalog's are in "
				    "USD, not %s: give its prices in 'models'", name->text,
				    c->config->currency);

		model->price_source = PC_PRICE_CATALOG;
		pc_catalog_today(today);
		error = catalog_prices(model, today, &why) < 0 ? fail(c, name->pos, "%s", why.ptr) : 0;
		pc_buf_release(&why);
		return error;
	}
	if ((error = read_price(&model->input_micros_per_mtok, &present, c, map, name,
				"input_per_1k", "input_per_1m", "input")) ||
	    (error = read_price(&model->output_micros_per_mtok, &present, c, map, name,
				"output_per_1k", "output_per_1m", "output")) ||
	    (error = read_price(&model->cached_input_micros_per_mtok,
				&model->has_cached_input_price, c, map, name,
				"cached_input_per_1k", "cached_input_per_1m", NULL)) ||
	    (error = read_price(&model->cache_write_micros_per_mtok,
				&model->has_cache_write_price, c, map, name,
				"cache_write_per_1k", "cache_write_per_1m", NULL)) ||
	    (error = read_price(&model->cache_write_1h_micros_per_mtok,
				&model->has_cache_write_1h_price, c, map, name,
				"cache_write_1h_per_1k", "cache_write_1h_per_1m", NULL)))
		return error;
	return 0;
}

/* The model name a template's entry means: its model, with ":tier" for a service tier. */
static char *template_model_name(const struct pc_yaml_node *map)
{
	const struct pc_yaml_node *model = pc_yaml_find(map, "model", NULL);
	const struct pc_yaml_node *tier = pc_yaml_find(map, "service_tier", NULL);
	struct pc_buf b = PC_BUF_INIT;

	if (!model || model->kind != PC_YAML_SCALAR || pc_yaml_is_null(model))
		return NULL;
	pc_buf_adds(&b, model->text);
	if (tier && tier->kind == PC_YAML_SCALAR && strcmp(tier->text, "standard"))
		pc_buf_addf(&b, ":%s", tier->text);
	return pc_buf_detach(&b, NULL);
}

/*
 * The models templates name that `models:` does not list, when the catalog
 * has them, are added to config->models (priced at today's date).
 */
static int add_catalog_models(const struct ctx *c, const struct pc_yaml_node *section)
{
	struct pc_config *config = c->config;
	char today[11];

	pc_catalog_today(today);
	for (size_t i = 0; i < section->n; i++) {
		const struct pc_yaml_node *item = section->items[i];
		const struct pc_catalog_model *cat;
		struct pc_buf why = PC_BUF_INIT;
		struct pc_model *m;
		char *name;

		if (item->kind != PC_YAML_MAPPING || !(name = template_model_name(item)))
			continue;
		if (pc_config_model(config, name) || !(cat = pc_catalog_find(name))) {
			free(name);
			continue;
		}
		if (strcmp(config->currency, "USD")) {
			int error = fail(c, pc_yaml_find(item, "model", NULL)->pos,
					 "model '%s' is not in 'models' and the price catalog's "
					 "prices are in USD, not %s: give its prices in 'models'",
					 name, config->currency);

			free(name);
			return error;
		}
		config->models = pc_xrealloc(config->models,
					     (config->nmodels + 1) * sizeof(*config->models));
		m = &config->models[config->nmodels++];
		catalog_model(m, name, pc_yaml_find(item, "model", NULL)->pos, cat);
		free(name);
		if (catalog_prices(m, today, &why) < 0) {
			int error = fail(c, m->pos, "%s", why.ptr);

			pc_buf_release(&why);
			return error;
		}
	}
	return 0;
}

static int read_models(const struct ctx *c, const struct pc_yaml_node *section)
{
	struct pc_config *config = c->config;
	int error;

	if (pc_yaml_is_null(section))
		return 0;
	if ((error = expect_mapping(c, section, "'models'")))
		return error;
	config->models = pc_xcalloc(section->n / 2, sizeof(*config->models));
	for (size_t i = 0; i + 1 < section->n; i += 2) {
		const struct pc_yaml_node *name = section->items[i], *value = section->items[i + 1];
		struct pc_model *model = &config->models[config->nmodels];

		if (!*name->text || pc_yaml_is_null(name))
			return fail(c, name->pos, "a model needs a name");
		if (value->kind != PC_YAML_MAPPING)
			return fail(c, value->pos,
				    "model '%s' must be a mapping of its encoding and prices, found %s",
				    name->text, pc_yaml_is_null(value) ? "nothing" : pc_yaml_kind_name(value));
		config->nmodels++;
		if ((error = read_model(model, c, name, value)))
			return error;
	}
	return 0;
}

static int read_budget(struct pc_budget *budget, const struct ctx *c,
		       const struct pc_yaml_node *name, const struct pc_yaml_node *map,
		       const char *what)
{
	const struct pc_yaml_node *value, *warn_key = NULL;
	struct pc_buf where = PC_BUF_INIT;
	int error, choice;

	budget->name = pc_xstrdup(name->text);
	budget->pos = name->pos;
	budget->limit = PC_LIMIT_HARD;
	if (!map)
		return 0;
	pc_buf_addf(&where, "in %s '%s'", what, name->text);
	error = check_keys(c, map, strcmp(what, "use case") ? budget_keys : use_case_keys,
			   where.ptr);
	pc_buf_release(&where);
	if (error)
		return error;
	if ((value = pc_yaml_find(map, "cache_hit_target", NULL))) {
		if ((error = get_share(&budget->cache_hit_target_ppm, c, value, "cache_hit_target")))
			return error;
		budget->has_cache_hit_target = true;
	}
	if ((value = pc_yaml_find(map, "monthly_budget", NULL))) {
		if ((error = get_decimal(&budget->monthly_budget_micros, c, value, "monthly_budget",
					 6)))
			return error;
		budget->has_budget = true;
	}
	if ((value = pc_yaml_find(map, "limit", NULL))) {
		if ((error = get_choice(&choice, c, value, "limit", limits)))
			return error;
		budget->limit = choice ? PC_LIMIT_SOFT : PC_LIMIT_HARD;
	}
	if ((value = pc_yaml_find(map, "warn_at", &warn_key))) {
		if ((error = get_share(&budget->warn_at_ppm, c, value, "warn_at")))
			return error;
		if (!budget->has_budget)
			return fail(c, warn_key->pos, "'warn_at' needs a 'monthly_budget' in %s '%s'",
				    what, name->text);
		budget->has_warn_at = true;
	}
	if ((value = pc_yaml_find(map, "other_monthly_spend", NULL)))
		return get_decimal(&budget->other_monthly_spend_micros, c, value,
				   "other_monthly_spend", 6);
	return 0;
}

/* `teams` or `use_cases`: name -> budget; an entry may be empty (a label with no budget). */
static int read_budgets(struct pc_budget **out, size_t *nout, const struct ctx *c,
			const struct pc_yaml_node *section, const char *key, const char *what)
{
	struct pc_buf label = PC_BUF_INIT;
	int error;

	if (pc_yaml_is_null(section))
		return 0;
	pc_buf_addf(&label, "'%s'", key);
	error = expect_mapping(c, section, label.ptr);
	pc_buf_release(&label);
	if (error)
		return error;
	*out = pc_xcalloc(section->n / 2, sizeof(**out));
	for (size_t i = 0; i + 1 < section->n; i += 2) {
		const struct pc_yaml_node *name = section->items[i], *value = section->items[i + 1];

		if (!*name->text || pc_yaml_is_null(name))
			return fail(c, name->pos, "a %s needs a name", what);
		if (!pc_yaml_is_null(value) && value->kind != PC_YAML_MAPPING)
			return fail(c, value->pos, "%s '%s' must be a mapping, found %s", what,
				    name->text, pc_yaml_kind_name(value));
		if ((error = read_budget(&(*out)[(*nout)++], c, name,
					 pc_yaml_is_null(value) ? NULL : value, what)))
			return error;
	}
	return 0;
}

static bool is_valid_id(const char *id)
{
	if (!*id)
		return false;
	for (; *id; id++)
		if (!isalnum((unsigned char)*id) && !strchr("._-", *id))
			return false;
	return true;
}

static int read_files(struct pc_template_config *t, const struct ctx *c,
		      const struct pc_yaml_node *value)
{
	const struct pc_yaml_node *const *items = &value;
	size_t n = 1;
	int error;

	if (value->kind == PC_YAML_MAPPING)
		return fail(c, value->pos, "'files' must be a glob or a list of globs, found a mapping");
	if (value->kind == PC_YAML_SEQUENCE) {
		items = (const struct pc_yaml_node *const *)value->items;
		n = value->n;
		if (!n)
			return fail(c, value->pos, "'files' is empty; list at least one file or glob");
	}
	t->files = pc_xcalloc(n, sizeof(*t->files));
	for (size_t i = 0; i < n; i++) {
		const char *glob, *hash;
		struct pc_fragment fragment;

		if ((error = get_string(&glob, c, items[i], "files")))
			return error;
		hash = pc_fragment_start(glob);
		if (hash && (hash == glob || hash[-1] == '/'))
			return fail(c, items[i]->pos, "'%s' names no file before its '#'", glob);
		if (hash && (error = pc_fragment_parse(&fragment, hash + 1)) < 0) {
			struct pc_buf why = PC_BUF_INIT;

			pc_buf_adds(&why, pc_error_message());
			error = fail(c, items[i]->pos, "'%s': %s", glob, why.ptr);
			pc_buf_release(&why);
			return error;
		}
		if (hash) /* checked here, parsed again where it is used */
			pc_fragment_release(&fragment);
		t->files[t->nfiles].pattern = hash ? pc_xstrndup(glob, (size_t)(hash - glob))
						   : pc_xstrdup(glob);
		t->files[t->nfiles].fragment = hash ? pc_xstrdup(hash + 1) : NULL;
		t->files[t->nfiles].pos = items[i]->pos;
		t->nfiles++;
	}
	return 0;
}

/*
 * t->model: the model a template names, or for a service tier other than
 * standard the model "NAME:TIER" (the catalog lists batch prices as such
 * models, as OpenRouter names them; `models:` may define one too).
 */
static int read_service_tier(struct pc_template_config *t, const struct ctx *c,
			     const struct pc_yaml_node *map, const char *name)
{
	const struct pc_yaml_node *value = pc_yaml_find(map, "service_tier", NULL);
	int error, choice;

	if (!value || pc_yaml_is_null(value)) {
		t->model = pc_xstrdup(name);
		return 0;
	}
	if ((error = get_choice(&choice, c, value, "service_tier", service_tiers)))
		return error;
	if (choice == 0) {
		t->model = pc_xstrdup(name);
		return 0;
	}
	t->service_tier = pc_xstrdup(service_tiers[choice]);
	t->model = template_model_name(map);
	if (!pc_config_model(c->config, t->model))
		return fail(c, value->pos,
			    "no '%s' prices for model '%s': neither 'models' nor the price catalog "
			    "(genai-prices %s) has a model '%s'; declare it in 'models' with the "
			    "provider's %s prices", service_tiers[choice], name, pc_catalog_version,
			    t->model, service_tiers[choice]);
	return 0;
}

/* format, includes and variables: how the files become the prompt that is sent. */
static int read_prompt_keys(struct pc_template_config *t, const struct ctx *c,
			    const struct pc_yaml_node *map)
{
	const struct pc_yaml_node *value;
	int choice, error;

	if ((value = pc_yaml_find(map, "format", NULL))) {
		if ((error = pc_yaml_get_choice(&choice, c->path, value, "format", format_choices)))
			return error;
		t->format = choice == 0 ? PC_TEXT_AUTO : choice == 1 ? PC_TEXT_WHOLE
								     : PC_TEXT_FRONT_MATTER;
	}
	if ((value = pc_yaml_find(map, "includes", NULL))) {
		if (value->kind == PC_YAML_SCALAR && !strcmp(value->text, "auto")) {
			t->includes = PC_INCLUDES_AUTO;
		} else if (value->kind == PC_YAML_SCALAR && !strcmp(value->text, "none")) {
			t->includes = 0;
		} else if (value->kind == PC_YAML_SEQUENCE) {
			t->includes = 0;
			for (size_t i = 0; i < value->n; i++) {
				if ((error = pc_yaml_get_choice(&choice, c->path, value->items[i],
								"includes", include_choices)))
					return error;
				t->includes |= 1 << choice;
			}
		} else {
			return fail(c, value->pos, "'includes' is auto, none, or a list of jinja, "
				    "handlebars, snippets");
		}
	}
	if ((value = pc_yaml_find(map, "variables", NULL))) {
		if (value->kind != PC_YAML_MAPPING)
			return fail(c, value->pos, "'variables' must be a mapping of variable name to "
				    "expected tokens ({document: 1200})");
		t->variables = pc_xcalloc(value->n / 2 + 1, sizeof(*t->variables));
		for (size_t i = 0; i + 1 < value->n; i += 2) {
			const struct pc_yaml_node *name = value->items[i];
			struct pc_variable *v = &t->variables[t->nvariables];
			const char *p = name->text;

			for (; *p; p++)
				if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
					break;
			if (!*name->text || *p || isdigit((unsigned char)*name->text))
				return fail(c, name->pos, "variable name '%s' may use only letters, "
					    "digits, '_' and '.'", name->text);
			if ((error = get_count(&v->tokens, c, value->items[i + 1], name->text,
					       INT64_C(100000000))))
				return error;
			v->name = pc_xstrdup(name->text);
			v->pos = name->pos;
			t->nvariables++;
		}
	}
	return 0;
}

struct template_refs {
	const struct pc_name_index *models;
	const struct pc_name_index *teams;
	const struct pc_name_index *use_cases;
};

static int read_template(struct pc_template_config *t, const struct ctx *c,
			 const struct pc_yaml_node *map, size_t number,
			 const struct template_refs *refs)
{
	const struct pc_yaml_node *value, *id = pc_yaml_find(map, "id", NULL);
	const struct pc_yaml_node *family = pc_yaml_find(map, "family", NULL), *family_key = NULL;
	const struct pc_yaml_node *share_key = NULL;
	const struct pc_model *model;
	struct pc_buf where = PC_BUF_INIT;
	const char *text;
	int error;

	t->pos = map->pos;
	t->includes = PC_INCLUDES_AUTO;
	/* the place in the message is worded only for a message: a thousand templates check clean */
	if (!pc_yaml_keys_known(map, template_keys)) {
		if (id && id->kind == PC_YAML_SCALAR && !pc_yaml_is_null(id))
			pc_buf_addf(&where, "in template '%s'", id->text);
		else if (family && family->kind == PC_YAML_SCALAR && !pc_yaml_is_null(family))
			pc_buf_addf(&where, "in family '%s'", family->text);
		else
			pc_buf_addf(&where, "in template %zu", number);
		error = check_keys(c, map, template_keys, where.ptr);
		pc_buf_release(&where);
		if (error)
			return error;
	}

	pc_yaml_find(map, "family", &family_key);
	if (id && family)
		return fail(c, family_key->pos, "a template has an 'id' or is a 'family', not both");
	if (family) {
		id = family;
		t->family = true;
	}
	if (!id)
		return fail(c, map->pos, "template %zu has no 'id'", number);
	if ((error = get_string(&text, c, id, "id")))
		return error;
	if (!is_valid_id(text))
		return fail(c, id->pos,
			    "%s '%s' may use only letters, digits, '.', '_' and '-'",
			    t->family ? "family name" : "template id", text);
	t->id = pc_xstrdup(text);

	if (!(value = pc_yaml_find(map, "files", NULL)))
		return fail(c, map->pos, "template '%s' has no 'files'", t->id);
	if ((error = read_files(t, c, value)))
		return error;

	if ((value = pc_yaml_find(map, "team", NULL))) {
		if ((error = get_string(&text, c, value, "team")) ||
		    (error = check_reference(c, refs->teams, value, text, "team", "teams")))
			return error;
		t->team = pc_xstrdup(text);
	}
	if ((value = pc_yaml_find(map, "use_case", NULL))) {
		if ((error = get_string(&text, c, value, "use_case")))
			return error;
		if (c->has_use_cases &&
		    (error = check_reference(c, refs->use_cases, value, text, "use case",
					     "use_cases")))
			return error;
		t->use_case = pc_xstrdup(text);
	}

	if (!(value = pc_yaml_find(map, "model", NULL)))
		return fail(c, map->pos, "template '%s' has no 'model'", t->id);
	if ((error = get_string(&text, c, value, "model")))
		return error;
	if ((error = read_service_tier(t, c, map, text)))
		return error;
	if ((error = check_reference(c, refs->models, value, t->model, "model", "models"))) {
		char *msg = pc_xstrdup(pc_error_message());

		error = pc_error_set(error, "%s, nor has the price catalog (genai-prices %s; "
				     "'promptcost models' lists it)", msg, pc_catalog_version);
		free(msg);
		return error;
	}
	t->model_pos = value->pos;
	if ((value = pc_yaml_find(map, "deployment", NULL))) {
		const struct pc_reservation *r;

		if ((error = get_string(&text, c, value, "deployment")))
			return error;
		if (!(r = pc_config_reservation(c->config, text)))
			return fail(c, value->pos, "template '%s': deployment '%s' names no "
				    "reservation (%s)", t->id, text,
				    c->config->nreservations ? "see 'reservations'"
							     : "'reservations' names none");
		/* the reservation serves one model: traffic of another would not run on it */
		if (strcmp(r->model, t->model))
			return fail(c, value->pos, "template '%s' uses model '%s' but its "
				    "deployment '%s' serves model '%s'", t->id, t->model, r->id,
				    r->model);
		t->deployment = pc_xstrdup(text);
	}

	if (!(value = pc_yaml_find(map, "calls_per_day", NULL)))
		return fail(c, map->pos,
			    "template '%s' has no 'calls_per_day' (the calls a day it is used for)",
			    t->id);
	/* a bound that keeps every later product of tokens, calls and prices in int64 range */
	if ((error = get_count(&t->calls_per_day, c, value, "calls_per_day", INT64_C(1000000000000))))
		return error;
	if ((value = pc_yaml_find(map, "output_tokens_per_call", NULL)) &&
	    (error = get_count(&t->output_tokens_per_call, c, value, "output_tokens_per_call",
			       INT64_C(100000000))))
		return error;
	if ((value = pc_yaml_find(map, "cache_hit_rate", NULL)) &&
	    (error = get_share(&t->cache_hit_ppm, c, value, "cache_hit_rate")))
		return error;
	if ((value = pc_yaml_find(map, "cached_input_share", &share_key))) {
		if ((error = get_share(&t->cached_input_ppm, c, value, "cached_input_share")))
			return error;
		model = &c->config->models[pc_name_index_find(refs->models, t->model)];
		if (t->cached_input_ppm && !model->has_cached_input_price)
			return fail(c, share_key->pos,
				    "'cached_input_share' needs a cached input price for model '%s' "
				    "(cached_input_per_1k or cached_input_per_1m)", t->model);
	}
	return read_prompt_keys(t, c, map);
}

/* Template ids are unique: the first repeat in the file is reported. */
static int check_template_ids(const struct ctx *c)
{
	const struct pc_config *config = c->config;
	struct pc_name_index idx = PC_NAME_INDEX_INIT;
	int error = 0;

	pc_name_index_init(&idx, config->templates, config->ntemplates, sizeof(*config->templates),
			   offsetof(struct pc_template_config, id));
	/* the index keeps the first of equal ids: the first template it does not find is a repeat */
	for (size_t i = 0; i < idx.n; i++) {
		size_t first = pc_name_index_find(&idx, idx.names[i]);

		if (first != i) {
			error = fail(c, config->templates[i].pos,
				     "duplicate template id '%s' (first at line %u)", idx.names[i],
				     config->templates[first].pos.line);
			break;
		}
	}
	pc_name_index_release(&idx);
	return error;
}

static int read_templates(const struct ctx *c, const struct pc_yaml_node *section)
{
	struct pc_config *config = c->config;
	struct pc_name_index models = PC_NAME_INDEX_INIT, teams = PC_NAME_INDEX_INIT;
	struct pc_name_index use_cases = PC_NAME_INDEX_INIT;
	struct template_refs refs = { &models, &teams, &use_cases };
	int error = 0;

	if (pc_yaml_is_null(section))
		return 0;
	if (section->kind != PC_YAML_SEQUENCE)
		return fail(c, section->pos,
			    "'templates' must be a sequence ('- id: ...' entries), found %s",
			    pc_yaml_kind_name(section));
	if ((error = add_catalog_models(c, section)))
		return error;
	pc_name_index_init(&models, config->models, config->nmodels, sizeof(*config->models),
			   offsetof(struct pc_model, name));
	pc_name_index_init(&teams, config->teams, config->nteams, sizeof(*config->teams),
			   offsetof(struct pc_budget, name));
	pc_name_index_init(&use_cases, config->use_cases, config->nuse_cases,
			   sizeof(*config->use_cases), offsetof(struct pc_budget, name));
	config->templates = pc_xcalloc(section->n, sizeof(*config->templates));
	for (size_t i = 0; i < section->n; i++) {
		const struct pc_yaml_node *item = section->items[i];

		if (item->kind != PC_YAML_MAPPING) {
			error = fail(c, item->pos, "template %zu must be a mapping (id, files, model...), "
				     "found %s", i + 1, pc_yaml_is_null(item) ? "nothing" : pc_yaml_kind_name(item));
			goto done;
		}
		config->ntemplates++;
		if ((error = read_template(&config->templates[i], c, item, i + 1, &refs)))
			goto done;
	}
	error = check_template_ids(c);
done:
	pc_name_index_release(&use_cases);
	pc_name_index_release(&teams);
	pc_name_index_release(&models);
	return error;
}

/* One public key of an approver, checked now so that a bad key is an error at its place. */
static int read_approver_key(struct pc_approver *a, const struct ctx *c,
			     const struct pc_yaml_node *value)
{
	struct pc_buf msg = PC_BUF_INIT;
	const char *text;
	int error;

	if ((error = get_string(&text, c, value, "key")))
		return error;
	/* one at a time: an approver has a key or two */
	a->keys = pc_xrealloc(a->keys, (a->nkeys + 1) * sizeof(*a->keys));
	if (!(error = pc_ssh_key_parse(&a->keys[a->nkeys], text))) {
		a->nkeys++;
	} else {
		pc_buf_adds(&msg, pc_error_message());
		error = fail(c, value->pos, "the key of approver '%s': %s", a->id, msg.ptr);
		pc_buf_release(&msg);
	}
	return error;
}

/* An item of policy.approvers: "id", or {id: ..., key: "ssh-ed25519 AAAA..." or [keys]}. */
static int read_approver(struct pc_approver *a, const struct ctx *c,
			 const struct pc_yaml_node *item)
{
	const struct pc_yaml_node *value;
	const char *id;
	int error;

	a->pos = item->pos;
	if (item->kind != PC_YAML_MAPPING) {
		if ((error = get_string(&id, c, item, "approvers")))
			return error;
		a->id = pc_xstrdup(id);
		return 0;
	}
	if ((error = check_keys(c, item, approver_keys, "in an approver")))
		return error;
	if (!(value = pc_yaml_find(item, "id", NULL)))
		return fail(c, item->pos, "an approver needs 'id' (and 'key': its public key, "
			    "\"ssh-ed25519 AAAA...\")");
	if ((error = get_string(&id, c, value, "id")))
		return error;
	a->id = pc_xstrdup(id);
	if (!(value = pc_yaml_find(item, "key", NULL)) || pc_yaml_is_null(value))
		return 0;
	if (value->kind != PC_YAML_SEQUENCE)
		return read_approver_key(a, c, value);
	for (size_t i = 0; i < value->n; i++)
		if ((error = read_approver_key(a, c, value->items[i])))
			return error;
	return 0;
}

static int read_policy(const struct ctx *c, const struct pc_yaml_node *section)
{
	struct pc_policy *policy = &c->config->policy;
	const struct pc_yaml_node *value, *event;
	int error, choice;

	policy->unapproved = PC_UNAPPROVED_BLOCK;
	if (!section || pc_yaml_is_null(section))
		return 0;
	if ((error = expect_mapping(c, section, "'policy'")) ||
	    (error = check_keys(c, section, policy_keys, "in 'policy'")))
		return error;
	if ((event = pc_yaml_find(section, "cost_event", NULL)) && !pc_yaml_is_null(event)) {
		if ((error = expect_mapping(c, event, "'cost_event'")) ||
		    (error = check_keys(c, event, cost_event_keys, "in 'cost_event'")))
			return error;
		if ((value = pc_yaml_find(event, "monthly_delta", NULL))) {
			if ((error = get_decimal(&policy->event_delta_micros, c, value,
						 "monthly_delta", 6)))
				return error;
			policy->has_event_delta = true;
		}
		if ((value = pc_yaml_find(event, "percent", NULL))) {
			if ((error = get_percent(&policy->event_ppm, c, value, "percent")))
				return error;
			policy->has_event_percent = true;
		}
		/* a share of a small template's cost is not worth an approval below this */
		if ((value = pc_yaml_find(event, "min_monthly_delta", NULL)) &&
		    (error = get_decimal(&policy->event_min_delta_micros, c, value,
					 "min_monthly_delta", 6)))
			return error;
	}
	if ((value = pc_yaml_find(section, "cache_hit_target", NULL))) {
		if ((error = get_share(&policy->cache_hit_target_ppm, c, value, "cache_hit_target")))
			return error;
		policy->has_cache_hit_target = true;
	}
	if ((value = pc_yaml_find(section, "unapproved_cost_event", NULL))) {
		if ((error = get_choice(&choice, c, value, "unapproved_cost_event",
					unapproved_choices)))
			return error;
		policy->unapproved = choice ? PC_UNAPPROVED_WARN : PC_UNAPPROVED_BLOCK;
	}
	if ((value = pc_yaml_find(section, "file_approvals", NULL))) {
		if ((error = get_choice(&choice, c, value, "file_approvals",
					file_approvals_choices)))
			return error;
		policy->file_approvals = choice ? PC_FILE_APPROVALS_UNSIGNED
						: PC_FILE_APPROVALS_SIGNED;
	}
	if ((value = pc_yaml_find(section, "approvers", NULL)) && !pc_yaml_is_null(value)) {
		if (value->kind != PC_YAML_SEQUENCE)
			return fail(c, value->pos, "'approvers' must be a list of ids, found %s",
				    pc_yaml_kind_name(value));
		policy->approver_keys = pc_xcalloc(value->n ? value->n : 1,
						   sizeof(*policy->approver_keys));
		for (size_t i = 0; i < value->n; i++) {
			struct pc_approver *a = &policy->approver_keys[policy->napprover_keys++];

			if ((error = read_approver(a, c, value->items[i])))
				return error;
			for (size_t k = 0; k + 1 < policy->napprover_keys; k++)
				if (!strcmp(policy->approver_keys[k].id, a->id))
					return fail(c, a->pos, "approver '%s' is listed twice (first "
						    "at %u:%u); list its keys in one entry", a->id,
						    policy->approver_keys[k].pos.line,
						    policy->approver_keys[k].pos.col);
			pc_strlist_push(&policy->approvers, a->id);
		}
	}
	return 0;
}

/*
 * The `usage:` section (config.h): attribution rules and model aliases for
 * recorded usage. Self-contained: it reads only its own section, after the
 * models and templates it refers to.
 */
static const char *const usage_keys[] = { "templates", "models", NULL };
static const char *const usage_rule_keys[] = { "template", "tag", "api_key", "project", NULL };
static const char *const usage_match_keys[] = { "tag", "api_key", "project", NULL };

static int read_usage_rule(struct pc_usage_rule *rule, const struct ctx *c,
			   const struct pc_yaml_node *item, size_t number,
			   const struct pc_name_index *templates)
{
	const struct pc_yaml_node *value, *key, *match_key = NULL, *match_value = NULL;
	const char *text;
	int error;

	if (item->kind != PC_YAML_MAPPING)
		return fail(c, item->pos, "usage template rule %zu must be a mapping ('template: ID' "
			    "and one of tag, api_key, project), found %s", number,
			    pc_yaml_is_null(item) ? "nothing" : pc_yaml_kind_name(item));
	if ((error = check_keys(c, item, usage_rule_keys, "in a 'usage.templates' rule")))
		return error;
	rule->pos = item->pos;
	if (!(value = pc_yaml_find(item, "template", NULL)))
		return fail(c, item->pos, "usage template rule %zu has no 'template'", number);
	if ((error = get_string(&text, c, value, "template")) ||
	    (error = check_reference(c, templates, value, text, "template", "templates")))
		return error;
	rule->template = pc_xstrdup(text);
	for (size_t k = 0; usage_match_keys[k]; k++) {
		if (!(value = pc_yaml_find(item, usage_match_keys[k], &key)))
			continue;
		if (match_key)
			return fail(c, key->pos, "usage template rule %zu has both '%s' and '%s'; give "
				    "one per rule", number, match_key->text, key->text);
		match_key = key;
		match_value = value;
		rule->match = (enum pc_usage_match)k;
	}
	if (!match_key)
		return fail(c, item->pos, "usage template rule %zu says nothing to match: give 'tag', "
			    "'api_key' or 'project'", number);
	if ((error = get_string(&text, c, match_value, match_key->text)))
		return error;
	rule->value = pc_xstrdup(text);
	return 0;
}

static int read_usage(const struct ctx *c, const struct pc_yaml_node *section)
{
	struct pc_config *config = c->config;
	struct pc_usage_config *usage = &config->usage;
	struct pc_name_index templates = PC_NAME_INDEX_INIT, models = PC_NAME_INDEX_INIT;
	const struct pc_yaml_node *value;
	int error = 0;

	if (!section || pc_yaml_is_null(section))
		return 0;
	if ((error = expect_mapping(c, section, "'usage'")) ||
	    (error = check_keys(c, section, usage_keys, "in 'usage'")))
		return error;
	pc_name_index_init(&templates, config->templates, config->ntemplates,
			   sizeof(*config->templates), offsetof(struct pc_template_config, id));
	pc_name_index_init(&models, config->models, config->nmodels, sizeof(*config->models),
			   offsetof(struct pc_model, name));
	if ((value = pc_yaml_find(section, "templates", NULL)) && !pc_yaml_is_null(value)) {
		if (value->kind != PC_YAML_SEQUENCE) {
			error = fail(c, value->pos, "'usage.templates' must be a sequence of rules "
				     "('- template: ID' with tag, api_key or project), found %s",
				     pc_yaml_kind_name(value));
			goto done;
		}
		usage->rules = pc_xcalloc(value->n ? value->n : 1, sizeof(*usage->rules));
		for (size_t i = 0; i < value->n; i++) {
			struct pc_usage_rule *rule = &usage->rules[usage->nrules++];

			if ((error = read_usage_rule(rule, c, value->items[i], i + 1, &templates)))
				goto done;
			for (size_t k = 0; k + 1 < usage->nrules; k++) {
				const struct pc_usage_rule *other = &usage->rules[k];

				if (other->match == rule->match && !strcmp(other->value, rule->value)) {
					error = fail(c, rule->pos, "%s '%s' is already attributed (at "
						     "line %u); a value names one template",
						     usage_match_keys[rule->match], rule->value,
						     other->pos.line);
					goto done;
				}
			}
		}
	}
	if ((value = pc_yaml_find(section, "models", NULL)) && !pc_yaml_is_null(value)) {
		if ((error = expect_mapping(c, value, "'usage.models'")))
			goto done;
		usage->aliases = pc_xcalloc(value->n ? value->n / 2 : 1, sizeof(*usage->aliases));
		for (size_t i = 0; i + 1 < value->n; i += 2) {
			const struct pc_yaml_node *name = value->items[i], *target = value->items[i + 1];
			struct pc_model_alias *alias = &usage->aliases[usage->naliases++];
			const char *text;

			alias->pos = name->pos;
			alias->name = pc_xstrdup(name->text);
			if (pc_name_index_find(&models, name->text) != SIZE_MAX) {
				error = fail(c, name->pos, "'%s' is a model of the configuration "
					     "already; 'usage.models' maps other names onto them",
					     name->text);
				goto done;
			}
			if ((error = get_string(&text, c, target, name->text)) ||
			    (error = check_reference(c, &models, target, text, "model", "models")))
				goto done;
			alias->model = pc_xstrdup(text);
		}
	}
done:
	pc_name_index_release(&models);
	pc_name_index_release(&templates);
	return error;
}

/*
 * `reservations:` ID -> {model, units, unit_price_per_hour,
 * tokens_per_minute_per_unit, output_token_weight, cached_token_weight}:
 * every key required but the weights (1 and 1: an output or cached token
 * uses the capacity of one input token), the model one of `models` (read
 * before: a reservation is priced on demand when it spills over).
 */
static int read_reservations(const struct ctx *c, const struct pc_yaml_node *section)
{
	struct pc_config *config = c->config;
	static const char *const required[] = { "model", "units", "unit_price_per_hour",
						"tokens_per_minute_per_unit" };
	int error;

	if (pc_yaml_is_null(section))
		return 0;
	if ((error = expect_mapping(c, section, "'reservations'")))
		return error;
	config->reservations = pc_xcalloc(section->n / 2 + 1, sizeof(*config->reservations));
	for (size_t i = 0; i + 1 < section->n; i += 2) {
		const struct pc_yaml_node *name = section->items[i], *map = section->items[i + 1];
		const struct pc_yaml_node *value;
		struct pc_reservation *r = &config->reservations[config->nreservations];
		struct pc_buf where = PC_BUF_INIT;
		const char *text;

		if (!*name->text || pc_yaml_is_null(name) || !is_valid_id(name->text))
			return fail(c, name->pos, "a reservation needs an id of letters, digits, "
				    "'.', '_' and '-'");
		if (map->kind != PC_YAML_MAPPING)
			return fail(c, map->pos, "reservation '%s' must be a mapping (model, units, "
				    "unit_price_per_hour, tokens_per_minute_per_unit...), found %s",
				    name->text, pc_yaml_is_null(map) ? "nothing"
								     : pc_yaml_kind_name(map));
		config->nreservations++;
		r->id = pc_xstrdup(name->text);
		r->pos = name->pos;
		r->output_token_weight = 1;
		r->cached_token_weight = 1;
		pc_buf_addf(&where, "in reservation '%s'", r->id);
		error = check_keys(c, map, reservation_keys, where.ptr);
		pc_buf_release(&where);
		if (error)
			return error;
		for (size_t k = 0; k < sizeof(required) / sizeof(required[0]); k++)
			if (!pc_yaml_find(map, required[k], NULL))
				return fail(c, map->pos, "reservation '%s' has no '%s'", r->id,
					    required[k]);
		value = pc_yaml_find(map, "model", NULL);
		if ((error = get_string(&text, c, value, "model")))
			return error;
		if (!pc_config_model(config, text))
			return fail(c, value->pos, "reservation '%s': unknown model '%s' (a "
				    "reservation's model must be one of 'models')", r->id, text);
		r->model = pc_xstrdup(text);
		/* bounds that keep capacity x hours and price x units x hours in int64 */
		if ((error = get_count(&r->units, c, pc_yaml_find(map, "units", NULL), "units",
				       INT64_C(1000000))) ||
		    (error = get_decimal(&r->unit_price_per_hour_micros, c,
					 pc_yaml_find(map, "unit_price_per_hour", NULL),
					 "unit_price_per_hour", 6)) ||
		    (error = get_count(&r->tokens_per_minute_per_unit, c,
				       pc_yaml_find(map, "tokens_per_minute_per_unit", NULL),
				       "tokens_per_minute_per_unit", INT64_C(100000000))))
			return error;
		if (r->units < 1)
			return fail(c, pc_yaml_find(map, "units", NULL)->pos,
				    "reservation '%s': 'units' must be at least 1", r->id);
		if (r->tokens_per_minute_per_unit < 1)
			return fail(c, pc_yaml_find(map, "tokens_per_minute_per_unit", NULL)->pos,
				    "reservation '%s': 'tokens_per_minute_per_unit' must be at "
				    "least 1", r->id);
		if (r->unit_price_per_hour_micros > INT64_C(1000000000000))
			return fail(c, pc_yaml_find(map, "unit_price_per_hour", NULL)->pos,
				    "reservation '%s': 'unit_price_per_hour' is too large", r->id);
		if ((value = pc_yaml_find(map, "output_token_weight", NULL)) &&
		    (error = get_count(&r->output_token_weight, c, value, "output_token_weight",
				       1000)))
			return error;
		if ((value = pc_yaml_find(map, "cached_token_weight", NULL)) &&
		    (error = get_count(&r->cached_token_weight, c, value, "cached_token_weight",
				       1000)))
			return error;
	}
	return 0;
}

static int read_config(const struct ctx *c, const struct pc_yaml_node *root)
{
	struct pc_config *config = c->config;
	const struct pc_yaml_node *value, *version_key = NULL;
	int64_t number;
	int error;

	if (!root || pc_yaml_is_null(root))
		return fail(c, (struct pc_pos){ 1, 1 },
			    "the configuration is empty; it needs at least 'version: 1'");
	if ((error = expect_mapping(c, root, "the configuration")) ||
	    (error = check_keys(c, root, top_keys, "at the top level")))
		return error;

	if (!(value = pc_yaml_find(root, "version", &version_key)))
		return fail(c, root->pos, "no 'version'; start the file with 'version: 1'");
	if ((error = get_count(&number, c, value, "version", INT64_MAX)))
		return error;
	if (number != 1)
		return fail(c, value->pos, "unsupported version '%s'; this promptcost reads version 1",
			    value->text);

	config->currency = pc_xstrdup("USD");
	if ((value = pc_yaml_find(root, "currency", NULL))) {
		const char *text;

		if ((error = get_string(&text, c, value, "currency")))
			return error;
		if (strlen(text) != 3 || !isupper((unsigned char)text[0]) ||
		    !isupper((unsigned char)text[1]) || !isupper((unsigned char)text[2]))
			return fail(c, value->pos,
				    "currency '%s' is not a three-letter upper-case code like USD",
				    text);
		free(config->currency);
		config->currency = pc_xstrdup(text);
	}
	config->days_per_month = 30;
	if ((value = pc_yaml_find(root, "days_per_month", NULL))) {
		if ((error = get_count(&config->days_per_month, c, value, "days_per_month", 31)))
			return error;
		if (config->days_per_month < 1)
			return fail(c, value->pos, "'days_per_month' must be 1 to 31");
	}

	if ((value = pc_yaml_find(root, "models", NULL)) && (error = read_models(c, value)))
		return error;
	if ((value = pc_yaml_find(root, "teams", NULL)) &&
	    (error = read_budgets(&config->teams, &config->nteams, c, value, "teams", "team")))
		return error;
	if ((value = pc_yaml_find(root, "use_cases", NULL)) &&
	    (error = read_budgets(&config->use_cases, &config->nuse_cases, c, value, "use_cases",
				  "use case")))
		return error;
	if ((value = pc_yaml_find(root, "reservations", NULL)) &&
	    (error = read_reservations(c, value)))
		return error;
	if ((value = pc_yaml_find(root, "templates", NULL)) && (error = read_templates(c, value)))
		return error;
	if ((error = read_policy(c, pc_yaml_find(root, "policy", NULL))))
		return error;
	return read_usage(c, pc_yaml_find(root, "usage", NULL));
}

/* The configuration from the YAML tree pc_yaml_load made of its text (NULL: empty). */
static int parse_tree(struct pc_config **out, const char *path, const struct pc_yaml_node *root);

int pc_config_parse(struct pc_config **out, const char *path, const char *text, size_t len)
{
	struct pc_yaml_node *root = NULL;
	int error;

	*out = NULL;
	if (!(error = pc_yaml_load(&root, path, text, len, PC_CONFIG_MAX_BYTES)))
		error = parse_tree(out, path, root);
	pc_yaml_free(root);
	return error;
}

static int parse_tree(struct pc_config **out, const char *path, const struct pc_yaml_node *root)
{
	struct pc_config *config = NULL;
	struct ctx c;
	int error;

	*out = NULL;
	config = pc_xcalloc(1, sizeof(*config));
	config->path = pc_xstrdup(path);
	c.path = path;
	c.config = config;
	if (root && root->kind == PC_YAML_MAPPING) {
		const struct pc_yaml_node *use_cases = pc_yaml_find(root, "use_cases", NULL);

		/* `use_cases:` left empty is no section: use cases stay free labels */
		c.has_use_cases = use_cases && !pc_yaml_is_null(use_cases);
	} else {
		c.has_use_cases = false;
	}
	if ((error = read_config(&c, root)))
		goto done;
	*out = config;
	config = NULL;
done:
	pc_config_free(config);
	return error;
}

static void budgets_free(struct pc_budget *budgets, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(budgets[i].name);
	free(budgets);
}

void pc_config_free(struct pc_config *config)
{
	if (!config)
		return;
	if (config->arena) {
		free(config->arena); /* the configuration is in it */
		return;
	}
	for (size_t i = 0; i < config->nmodels; i++)
		free(config->models[i].name);
	free(config->models);
	budgets_free(config->teams, config->nteams);
	budgets_free(config->use_cases, config->nuse_cases);
	for (size_t i = 0; i < config->ntemplates; i++)
		pc_template_config_release(&config->templates[i]);
	free(config->templates);
	for (size_t i = 0; i < config->nreservations; i++) {
		free(config->reservations[i].id);
		free(config->reservations[i].model);
	}
	free(config->reservations);
	pc_strlist_release(&config->policy.approvers);
	for (size_t i = 0; i < config->policy.napprover_keys; i++) {
		struct pc_approver *a = &config->policy.approver_keys[i];

		for (size_t k = 0; k < a->nkeys; k++)
			pc_ssh_key_release(&a->keys[k]);
		free(a->keys);
		free(a->id);
	}
	free(config->policy.approver_keys);
	for (size_t i = 0; i < config->usage.nrules; i++) {
		free(config->usage.rules[i].template);
		free(config->usage.rules[i].value);
	}
	free(config->usage.rules);
	for (size_t i = 0; i < config->usage.naliases; i++) {
		free(config->usage.aliases[i].name);
		free(config->usage.aliases[i].model);
	}
	free(config->usage.aliases);
	free(config->currency);
	free(config->path);
	free(config);
}

const struct pc_model *pc_config_model(const struct pc_config *config, const char *name)
{
	for (size_t i = 0; i < config->nmodels; i++)
		if (!strcmp(config->models[i].name, name))
			return &config->models[i];
	return NULL;
}

const struct pc_budget *pc_config_team(const struct pc_config *config, const char *name)
{
	for (size_t i = 0; i < config->nteams; i++)
		if (!strcmp(config->teams[i].name, name))
			return &config->teams[i];
	return NULL;
}

const struct pc_budget *pc_config_use_case(const struct pc_config *config, const char *name)
{
	for (size_t i = 0; i < config->nuse_cases; i++)
		if (!strcmp(config->use_cases[i].name, name))
			return &config->use_cases[i];
	return NULL;
}

const struct pc_template_config *pc_config_template(const struct pc_config *config,
						    const char *id)
{
	for (size_t i = 0; i < config->ntemplates; i++)
		if (!strcmp(config->templates[i].id, id))
			return &config->templates[i];
	return NULL;
}

const struct pc_reservation *pc_config_reservation(const struct pc_config *config,
						   const char *id)
{
	for (size_t i = 0; i < config->nreservations; i++)
		if (!strcmp(config->reservations[i].id, id))
			return &config->reservations[i];
	return NULL;
}

const struct pc_approver *pc_policy_approver(const struct pc_policy *policy, const char *id)
{
	for (size_t i = 0; i < policy->napprover_keys; i++)
		if (!strcmp(policy->approver_keys[i].id, id))
			return &policy->approver_keys[i];
	return NULL;
}


void pc_template_config_release(struct pc_template_config *t)
{
	for (size_t j = 0; j < t->nfiles; j++) {
		free(t->files[j].pattern);
		free(t->files[j].fragment);
	}
	free(t->files);
	for (size_t j = 0; j < t->nvariables; j++)
		free(t->variables[j].name);
	free(t->variables);
	free(t->id);
	free(t->team);
	free(t->use_case);
	free(t->model);
	free(t->deployment);
	free(t->service_tier);
	memset(t, 0, sizeof(*t));
}

static char *dup_or_null(const char *s)
{
	return s ? pc_xstrdup(s) : NULL;
}

void pc_template_config_copy(struct pc_template_config *out, const struct pc_template_config *from)
{
	*out = *from;
	out->id = dup_or_null(from->id);
	out->team = dup_or_null(from->team);
	out->use_case = dup_or_null(from->use_case);
	out->model = dup_or_null(from->model);
	out->deployment = dup_or_null(from->deployment);
	out->service_tier = dup_or_null(from->service_tier);
	out->files = pc_xcalloc(from->nfiles ? from->nfiles : 1, sizeof(*out->files));
	for (size_t j = 0; j < from->nfiles; j++) {
		out->files[j].pattern = pc_xstrdup(from->files[j].pattern);
		out->files[j].fragment = dup_or_null(from->files[j].fragment);
		out->files[j].pos = from->files[j].pos;
	}
	out->variables = pc_xcalloc(from->nvariables ? from->nvariables : 1,
				    sizeof(*out->variables));
	for (size_t j = 0; j < from->nvariables; j++) {
		out->variables[j] = from->variables[j];
		out->variables[j].name = pc_xstrdup(from->variables[j].name);
	}
}
