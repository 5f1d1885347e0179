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
/* Name indexes: sorted, so a large configuration's lookups stay fast.  */

struct name_ref {
	const char *name;
	size_t index;
};

struct name_index {
	struct name_ref *refs;
	size_t n;
	const char **names; /* in file order, for suggestions */
};

static int compare_name_refs(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Indexes n names read by name_at(base, i) at stride bytes apart. */
static void name_index_build(struct name_index *idx, const void *base, size_t n, size_t stride)
{
	idx->refs = pc_xcalloc(n, sizeof(*idx->refs));
	idx->names = pc_xcalloc(n, sizeof(*idx->names));
	idx->n = n;
	for (size_t i = 0; i < n; i++) {
		/* every indexed struct starts with its `char *name` (or id) */
		const char *name = *(char *const *)((const char *)base + i * stride);

		idx->refs[i].name = name;
		idx->refs[i].index = i;
		idx->names[i] = name;
	}
	qsort(idx->refs, n, sizeof(*idx->refs), compare_name_refs);
}

/* The file-order index of name, or SIZE_MAX. */
static size_t name_index_find(const struct name_index *idx, const char *name)
{
	size_t lo = 0, hi = idx->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, idx->refs[mid].name);

		if (!c)
			return idx->refs[mid].index;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return SIZE_MAX;
}

static void name_index_release(struct name_index *idx)
{
	free(idx->refs);
	free(idx->names);
	memset(idx, 0, sizeof(*idx));
}

/* name must be in idx; otherwise "unknown <what> 'x' (did you mean 'y'?)" at value. */
static int check_reference(const struct ctx *c, const struct name_index *idx,
			   const struct pc_yaml_node *value, const char *name, const char *what,
			   const char *section)
{
	struct pc_buf msg = PC_BUF_INIT;
	char known[64];
	int error;

	if (name_index_find(idx, name) != SIZE_MAX)
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
	"policy", NULL
};
static const char *const model_keys[] = {
	"encoding", "approximate_base", "approximate_factor", "input_per_1k", "input_per_1m",
	"output_per_1k", "output_per_1m", "cached_input_per_1k", "cached_input_per_1m", NULL
};
static const char *const budget_keys[] = {
	"monthly_budget", "limit", "warn_at", "other_monthly_spend", NULL
};
static const char *const template_keys[] = {
	"id", "family", "files", "team", "use_case", "model", "calls_per_day",
	"output_tokens_per_call", "cache_hit_rate", "cached_input_share", "format", "includes",
	"variables", NULL
};
static const char *const format_choices[] = { "auto", "text", "front-matter", NULL };
static const char *const include_choices[] = { "jinja", "handlebars", "snippets", NULL };
static const char *const policy_keys[] = {
	"cost_event", "unapproved_cost_event", "approvers", "file_approvals", NULL
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

static int read_model(struct pc_model *model, const struct ctx *c, const struct pc_yaml_node *name,
		      const struct pc_yaml_node *map)
{
	const struct pc_yaml_node *encoding = pc_yaml_find(map, "encoding", NULL);
	const struct pc_yaml_node *base_key = NULL, *factor_key = NULL;
	const struct pc_yaml_node *base = pc_yaml_find(map, "approximate_base", &base_key);
	const struct pc_yaml_node *factor = pc_yaml_find(map, "approximate_factor", &factor_key);
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
	} else if (pc_encoding_for_model(&model->encoding, name->text) < 0) {
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

	if ((error = read_price(&model->input_micros_per_mtok, &present, c, map, name,
				"input_per_1k", "input_per_1m", "input")) ||
	    (error = read_price(&model->output_micros_per_mtok, &present, c, map, name,
				"output_per_1k", "output_per_1m", "output")) ||
	    (error = read_price(&model->cached_input_micros_per_mtok,
				&model->has_cached_input_price, c, map, name,
				"cached_input_per_1k", "cached_input_per_1m", NULL)))
		return error;
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
	error = check_keys(c, map, budget_keys, where.ptr);
	pc_buf_release(&where);
	if (error)
		return error;
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
	const struct name_index *models;
	const struct name_index *teams;
	const struct name_index *use_cases;
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
	if ((error = get_string(&text, c, value, "model")) ||
	    (error = check_reference(c, refs->models, value, text, "model", "models")))
		return error;
	t->model = pc_xstrdup(text);
	t->model_pos = value->pos;

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
		model = &c->config->models[name_index_find(refs->models, t->model)];
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
	struct name_index idx = { NULL, 0, NULL };
	const struct name_ref *repeat = NULL, *first = NULL;
	int error = 0;

	name_index_build(&idx, config->templates, config->ntemplates, sizeof(*config->templates));
	for (size_t i = 1, group = 0; i < idx.n; i++) {
		if (strcmp(idx.refs[i].name, idx.refs[group].name)) {
			group = i;
			continue;
		}
		if (!repeat || idx.refs[i].index < repeat->index) {
			repeat = &idx.refs[i];
			first = &idx.refs[group];
		}
	}
	if (repeat)
		error = fail(c, config->templates[repeat->index].pos,
			     "duplicate template id '%s' (first at line %u)", repeat->name,
			     config->templates[first->index].pos.line);
	name_index_release(&idx);
	return error;
}

static int read_templates(const struct ctx *c, const struct pc_yaml_node *section)
{
	struct pc_config *config = c->config;
	struct name_index models = { NULL, 0, NULL }, teams = { NULL, 0, NULL };
	struct name_index use_cases = { NULL, 0, NULL };
	struct template_refs refs = { &models, &teams, &use_cases };
	int error = 0;

	if (pc_yaml_is_null(section))
		return 0;
	if (section->kind != PC_YAML_SEQUENCE)
		return fail(c, section->pos,
			    "'templates' must be a sequence ('- id: ...' entries), found %s",
			    pc_yaml_kind_name(section));
	/* struct pc_model, pc_budget and pc_template_config all begin with their name */
	name_index_build(&models, config->models, config->nmodels, sizeof(*config->models));
	name_index_build(&teams, config->teams, config->nteams, sizeof(*config->teams));
	name_index_build(&use_cases, config->use_cases, config->nuse_cases,
			 sizeof(*config->use_cases));
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
	name_index_release(&use_cases);
	name_index_release(&teams);
	name_index_release(&models);
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
	if ((value = pc_yaml_find(root, "templates", NULL)) && (error = read_templates(c, value)))
		return error;
	return read_policy(c, pc_yaml_find(root, "policy", NULL));
}

int pc_config_parse(struct pc_config **out, const char *path, const char *text, size_t len)
{
	struct pc_config *config = NULL;
	struct pc_yaml_node *root = NULL;
	struct ctx c;
	int error;

	*out = NULL;
	if ((error = pc_yaml_load(&root, path, text, len, PC_CONFIG_MAX_BYTES)))
		goto done;
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
	pc_yaml_free(root);
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
	for (size_t i = 0; i < config->nmodels; i++)
		free(config->models[i].name);
	free(config->models);
	budgets_free(config->teams, config->nteams);
	budgets_free(config->use_cases, config->nuse_cases);
	for (size_t i = 0; i < config->ntemplates; i++)
		pc_template_config_release(&config->templates[i]);
	free(config->templates);
	pc_strlist_release(&config->policy.approvers);
	for (size_t i = 0; i < config->policy.napprover_keys; i++) {
		struct pc_approver *a = &config->policy.approver_keys[i];

		for (size_t k = 0; k < a->nkeys; k++)
			pc_ssh_key_release(&a->keys[k]);
		free(a->keys);
		free(a->id);
	}
	free(config->policy.approver_keys);
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
