/*
 * Build-time generator: compiles genai-prices' data file (a JSON array of
 * providers, each with models, match rules and dated prices) into the C
 * tables of include/promptcost/catalog.h.
 *
 *   gen_prices FILE.json VERSION OUT.c
 *
 * Numbers are read from their decimal text (src/json_text.h), never through double: a price
 * in USD per million tokens becomes integer micro-units per million tokens,
 * exactly when it has at most six decimals, else rounded half away from zero
 * (counted in pc_catalog_rounded; 0.1.8 has a few float artefacts such as
 * 0.18000000000000002). Only token prices are kept (input, output, cache
 * read, cache write, 1-hour cache write); time-of-day price lists are
 * skipped and flagged. Python regexes are translated to POSIX extended ones
 * ((?: -> (, \d -> [0-9], a leading (?!X) -> not ^X) and checked with regcomp.
 */
#include <ctype.h>
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"

static const char *input_path;

static void die(const char *fmt, const char *what)
{
	fprintf(stderr, "gen_prices: %s: ", input_path);
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("%s", "out of memory");
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *r = xrealloc(NULL, n + 1);

	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

#define node jt_node
#define get jt_get
#define J_NUM JT_NUM
#define J_STR JT_STR
#define J_ARR JT_ARR
#define J_OBJ JT_OBJ
#define J_BOOL JT_BOOL

static size_t rounded;

/* The decimal text s times 10^scale (rounded half away, counted); -2 when it is no number. */
static int64_t decimal(const char *s, int scale)
{
	int64_t v;
	bool r;

	if (!jt_decimal(&v, &r, s, scale))
		return -2;
	rounded += r;
	return v;
}

/* ---- the tables being built ---- */

struct prices {
	int64_t f[5];
};

static const char *const fields[5] = { "input_mtok", "output_mtok", "cache_read_mtok",
				       "cache_write_mtok", "cache_write_1h_mtok" };

struct tier {
	int64_t start;
	struct prices p;
};

struct entry {
	char *date;
	struct prices base;
	size_t tier, ntiers;
};

struct clause {
	int op;
	size_t n;
	char *text;
};

struct model {
	size_t provider;
	char *id, *name;
	int64_t context;
	size_t match, entry, nentries;
	unsigned flags;
};

struct provider {
	char *id, *name;
	long match;
};

static struct tier *tiers;
static size_t ntiers;
static struct entry *entries;
static size_t nentries;
static struct clause *clauses;
static size_t nclauses;
static struct model *models;
static size_t nmodels;
static struct provider *providers;
static size_t nproviders;

static size_t add_clause(int op, size_t n, const char *text)
{
	clauses = xrealloc(clauses, (nclauses + 1) * sizeof(*clauses));
	clauses[nclauses] = (struct clause){ op, n, text ? xstrndup(text, strlen(text)) : NULL };
	return nclauses++;
}

enum { OP_EQUALS, OP_STARTS, OP_ENDS, OP_CONTAINS, OP_REGEX, OP_NOT, OP_OR, OP_AND };

static void check_regex(const char *ere)
{
	regex_t re;

	if (regcomp(&re, ere, REG_EXTENDED | REG_NOSUB))
		die("a regex does not translate to POSIX: '%s'", ere);
	regfree(&re);
}

/* A Python regex as POSIX ERE clauses. */
static void add_regex(const char *py)
{
	char *ere = xrealloc(NULL, strlen(py) * 5 + 8);
	const char *p = py;
	size_t n = 0;
	const char *look = NULL, *look_end = NULL;

	if (!strncmp(p, "^(?!", 4)) {
		int depth = 1;

		look = p + 4;
		for (look_end = look; *look_end && depth; look_end++) {
			if (*look_end == '\\' && look_end[1]) {
				look_end++;
				continue;
			}
			if (*look_end == '(')
				depth++;
			else if (*look_end == ')')
				depth--;
		}
		look_end--; /* at its ')' */
		p = look_end + 1;
	}
	for (int part = look ? 0 : 1; part < 2; part++) {
		const char *s = part == 0 ? look : p;
		const char *end = part == 0 ? look_end : p + strlen(p);

		n = 0;
		ere[n++] = '^';
		if (part == 1 && *s == '^')
			s++;
		if (part == 1 && s == end) {
			if (look)
				break;
		}
		for (; s < end; s++) {
			if (s[0] == '(' && s[1] == '?' && s[2] == ':') {
				ere[n++] = '(';
				s += 2;
			} else if (s[0] == '\\' && s[1] == 'd') {
				memcpy(ere + n, "[0-9]", 5);
				n += 5;
				s++;
			} else if (s[0] == '(' && s[1] == '?') {
				die("an unsupported regex construct: '%s'", py);
			} else if (s[0] == '\\' && s[1]) {
				ere[n++] = *s++;
				ere[n++] = *s;
			} else {
				ere[n++] = *s;
			}
		}
		ere[n] = '\0';
		check_regex(ere);
		if (part == 0) {
			bool rest = *p != '\0';

			if (rest)
				add_clause(OP_AND, 2, NULL);
			add_clause(OP_NOT, 1, NULL);
			add_clause(OP_REGEX, 0, ere);
			if (!rest)
				break;
		} else {
			add_clause(OP_REGEX, 0, ere);
		}
	}
	free(ere);
}

static size_t add_match(const struct node *m)
{
	size_t first = nclauses;
	static const char *const simple[] = { "equals", "starts_with", "ends_with", "contains" };

	if (!m || m->kind != J_OBJ || m->n != 2)
		die("%s", "a match clause is not an object of one key");
	for (int i = 0; i < 4; i++)
		if (!strcmp(m->items[0]->text, simple[i])) {
			if (m->items[1]->kind != J_STR)
				die("match '%s' needs a string", simple[i]);
			add_clause(i, 0, m->items[1]->text);
			return first;
		}
	if (!strcmp(m->items[0]->text, "regex")) {
		add_regex(m->items[1]->text);
		return first;
	}
	if (!strcmp(m->items[0]->text, "or") || !strcmp(m->items[0]->text, "and")) {
		const struct node *list = m->items[1];

		if (list->kind != J_ARR)
			die("%s", "and/or needs a list");
		add_clause(m->items[0]->text[0] == 'o' ? OP_OR : OP_AND, list->n, NULL);
		for (size_t i = 0; i < list->n; i++)
			add_match(list->items[i]);
		return first;
	}
	die("an unknown match clause '%s'", m->items[0]->text);
	return first;
}

/* A field's price (a number or {base, tiers}) at a request of `at` input tokens (0: base). */
static int64_t field_price(const struct node *v, int64_t at)
{
	const struct node *list;
	int64_t price;

	if (!v)
		return -1;
	if (v->kind == J_NUM)
		return decimal(v->text, 6);
	if (v->kind != J_OBJ || !get(v, "base"))
		die("%s", "a price is neither a number nor {base, tiers}");
	price = decimal(get(v, "base")->text, 6);
	list = get(v, "tiers");
	for (size_t i = 0; list && i < list->n; i++) {
		const struct node *start = get(list->items[i], "start");
		int64_t s = decimal(start->text, 0);

		if (at > 0 && s <= at)
			price = decimal(get(list->items[i], "price")->text, 6);
	}
	return price;
}

static void add_entry(const struct node *prices, const char *date)
{
	struct entry e = { xstrndup(date, strlen(date)), { { 0 } }, ntiers, 0 };
	int64_t starts[32];
	size_t nstarts = 0;

	for (int f = 0; f < 5; f++) {
		const struct node *v = get(prices, fields[f]);
		const struct node *list = v && v->kind == J_OBJ ? get(v, "tiers") : NULL;

		e.base.f[f] = field_price(v, 0);
		if (e.base.f[f] == -2)
			die("a price is not a non-negative decimal in '%s'", fields[f]);
		for (size_t i = 0; list && i < list->n; i++) {
			int64_t s = decimal(get(list->items[i], "start")->text, 0);
			size_t k = 0;

			while (k < nstarts && starts[k] != s)
				k++;
			if (k == nstarts) {
				if (nstarts == 32)
					die("%s", "too many tiers");
				starts[nstarts++] = s;
			}
		}
	}
	/* ascending starts */
	for (size_t i = 1; i < nstarts; i++)
		for (size_t k = i; k > 0 && starts[k - 1] > starts[k]; k--) {
			int64_t t = starts[k];

			starts[k] = starts[k - 1];
			starts[k - 1] = t;
		}
	for (size_t i = 0; i < nstarts; i++) {
		struct tier t = { starts[i], { { 0 } } };

		for (int f = 0; f < 5; f++)
			t.p.f[f] = field_price(get(prices, fields[f]), starts[i]);
		tiers = xrealloc(tiers, (ntiers + 1) * sizeof(*tiers));
		tiers[ntiers++] = t;
	}
	e.ntiers = nstarts;
	entries = xrealloc(entries, (nentries + 1) * sizeof(*entries));
	entries[nentries++] = e;
}

static void add_model(size_t provider, const struct node *m)
{
	const struct node *id = get(m, "id"), *name = get(m, "name"), *cw = get(m, "context_window");
	const struct node *prices = get(m, "prices"), *deprecated = get(m, "deprecated");
	struct model out;

	if (!id || id->kind != J_STR || !prices)
		die("%s", "a model without an id or prices");
	out.provider = provider;
	out.id = id->text;
	out.name = name && name->kind == J_STR ? name->text : "";
	out.context = cw && cw->kind == J_NUM ? decimal(cw->text, 0) : 0;
	out.flags = deprecated && deprecated->kind == J_BOOL && !strcmp(deprecated->text, "true")
		    ? 2u : 0u;
	out.match = add_match(get(m, "match"));
	out.entry = nentries;
	if (prices->kind == J_OBJ) {
		add_entry(prices, "");
	} else {
		for (size_t i = 0; i < prices->n; i++) {
			const struct node *c = get(prices->items[i], "constraint");
			const struct node *type = get(c, "type");

			if (!c) {
				add_entry(get(prices->items[i], "prices"), "");
			} else if (type && !strcmp(type->text, "start_date")) {
				const struct node *d = get(c, "start_date");

				if (!d || d->kind != J_STR || strlen(d->text) != 10)
					die("a start_date that is not YYYY-MM-DD in model '%s'", out.id);
				if (nentries > out.entry &&
				    strcmp(entries[nentries - 1].date, d->text) >= 0)
					die("start dates out of order in model '%s'", out.id);
				add_entry(get(prices->items[i], "prices"), d->text);
			} else if (type && !strcmp(type->text, "time_of_date")) {
				out.flags |= 1u;
			} else {
				die("an unknown price constraint in model '%s'", out.id);
			}
		}
	}
	out.nentries = nentries - out.entry;
	models = xrealloc(models, (nmodels + 1) * sizeof(*models));
	models[nmodels++] = out;
}

/* ---- output ---- */

/*
 * Every string of the tables, in one array: the tables hold offsets into
 * it, not pointers, so that they need no relocation when the program is
 * loaded (a pointer in a position-independent executable is one, and
 * relocating the tables wrote 57 pages of every run's memory). Offset 0 is
 * the empty string, which also stands for "none".
 */
static char *pool;
static size_t pool_len, pool_cap;

static size_t pool_add(const char *s)
{
	size_t n, at;

	if (!s || !*s)
		return 0;
	if (!pool_len) { /* the empty string first */
		pool = xrealloc(pool, pool_cap = 4096);
		pool[pool_len++] = '\0';
	}
	n = strlen(s) + 1;
	while (pool_len + n > pool_cap)
		pool = xrealloc(pool, pool_cap *= 2);
	at = pool_len;
	memcpy(pool + at, s, n);
	pool_len += n;
	return at;
}

static void c_pool(FILE *f)
{
	if (!pool_len)
		pool_add("x"); /* never empty: the array has at least the empty string */
	fprintf(f, "const char pc_catalog_strings[] = {");
	for (size_t i = 0; i < pool_len; i++)
		fprintf(f, "%s'\\%03o',", i % 16 ? " " : "\n\t", (unsigned)(unsigned char)pool[i]);
	fprintf(f, "\n};\n\n");
}

static void c_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\%03o", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void c_prices(FILE *f, const struct prices *p)
{
	fprintf(f, "{ %lld, %lld, %lld, %lld, %lld }", (long long)p->f[0], (long long)p->f[1],
		(long long)p->f[2], (long long)p->f[3], (long long)p->f[4]);
}

int main(int argc, char **argv)
{
	static const char *const ops[] = { "PC_MATCH_EQUALS", "PC_MATCH_STARTS_WITH",
		"PC_MATCH_ENDS_WITH", "PC_MATCH_CONTAINS", "PC_MATCH_REGEX", "PC_MATCH_NOT",
		"PC_MATCH_OR", "PC_MATCH_AND" };
	struct node *root;
	FILE *in, *out;
	long size;
	char *text;

	if (argc != 4) {
		fprintf(stderr, "usage: gen_prices FILE.json VERSION OUT.c\n");
		return 2;
	}
	input_path = argv[1];
	if (!(in = fopen(argv[1], "rb")))
		die("%s", "cannot open");
	fseek(in, 0, SEEK_END);
	size = ftell(in);
	rewind(in);
	text = xrealloc(NULL, (size_t)size + 1);
	if (fread(text, 1, (size_t)size, in) != (size_t)size)
		die("%s", "cannot read");
	text[size] = '\0';
	fclose(in);
	{
		char err[200];

		root = jt_parse(text, (size_t)size, err, sizeof(err));
		if (!root)
			die("%s", err);
		if (root->kind != J_ARR)
			die("%s", "not a JSON array of providers");
	}

	for (size_t i = 0; i < root->n; i++) {
		const struct node *p = root->items[i];
		const struct node *id = get(p, "id"), *name = get(p, "name");
		const struct node *match = get(p, "model_match"), *list = get(p, "models");
		struct provider pr;

		if (!id || id->kind != J_STR || !list || list->kind != J_ARR)
			die("%s", "a provider without an id or models");
		pr.id = id->text;
		pr.name = name && name->kind == J_STR ? name->text : id->text;
		pr.match = match && match->kind == J_OBJ ? (long)add_match(match) : -1;
		providers = xrealloc(providers, (nproviders + 1) * sizeof(*providers));
		providers[nproviders++] = pr;
		for (size_t k = 0; k < list->n; k++)
			add_model(nproviders - 1, list->items[k]);
	}

	if (!(out = fopen(argv[3], "w")))
		die("%s", "cannot write the output");
	fprintf(out, "/* Generated by tools/gen_prices.c from %s: do not edit. */\n", argv[1]);
	fprintf(out, "#include \"promptcost/catalog.h\"\n\n");
	fprintf(out, "const char pc_catalog_source[] = \"genai-prices\";\n");
	fprintf(out, "const char pc_catalog_version[] = ");
	c_string(out, argv[2]);
	fprintf(out, ";\nconst size_t pc_catalog_rounded = %zu;\n\n", rounded);

	fprintf(out, "const struct pc_catalog_clause pc_catalog_clauses[] = {\n");
	for (size_t i = 0; i < nclauses; i++) {
		fprintf(out, "\t{ %s, %zu, %zu },\n", ops[clauses[i].op], clauses[i].n,
			pool_add(clauses[i].text));
	}
	fprintf(out, "};\n\nconst struct pc_catalog_tier pc_catalog_tiers[] = {\n");
	for (size_t i = 0; i < ntiers; i++) {
		fprintf(out, "\t{ %lld, ", (long long)tiers[i].start);
		c_prices(out, &tiers[i].p);
		fputs(" },\n", out);
	}
	if (!ntiers)
		fputs("\t{ 0, { 0, 0, 0, 0, 0 } },\n", out);
	fprintf(out, "};\n\nconst struct pc_catalog_entry pc_catalog_entries[] = {\n");
	for (size_t i = 0; i < nentries; i++) {
		fprintf(out, "\t{ %zu, ", pool_add(entries[i].date));
		c_prices(out, &entries[i].base);
		fprintf(out, ", %zu, %zu },\n", entries[i].tier, entries[i].ntiers);
	}
	fprintf(out, "};\nconst size_t pc_catalog_nentries = %zu;\n\n", nentries);
	fprintf(out, "const struct pc_catalog_model pc_catalog_models[] = {\n");
	for (size_t i = 0; i < nmodels; i++) {
		fprintf(out, "\t{ %zu, %zu, %zu", models[i].provider, pool_add(models[i].id),
			pool_add(models[i].name));
		fprintf(out, ", %lld, %zu, %zu, %zu, %u },\n", (long long)models[i].context,
			models[i].match, models[i].entry, models[i].nentries, models[i].flags);
	}
	fprintf(out, "};\nconst size_t pc_catalog_nmodels = %zu;\n\n", nmodels);
	fprintf(out, "const struct pc_catalog_provider pc_catalog_providers[] = {\n");
	for (size_t i = 0; i < nproviders; i++) {
		fprintf(out, "\t{ %zu, %zu, %ld },\n", pool_add(providers[i].id),
			pool_add(providers[i].name), providers[i].match);
	}
	fprintf(out, "};\nconst size_t pc_catalog_nproviders = %zu;\n\n", nproviders);
	c_pool(out);
	if (fclose(out))
		die("%s", "cannot write the output");
	fprintf(stderr, "gen_prices: %zu providers, %zu models, %zu price lists, %zu tiers, "
		"%zu prices rounded\n", nproviders, nmodels, nentries, ntiers, rounded);
	return 0;
}
