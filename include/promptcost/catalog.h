/*
 * The built-in price catalog: genai-prices' data (data/pricing/, MIT) compiled
 * into C tables at build time by tools/gen_prices.c. Every price is exact
 * integer micro-units of USD per million tokens; prices are dated (a model's
 * price list changes at start dates) and may have long-context tiers. A
 * model name is found by the catalog's own match rules (equals, starts_with,
 * ends_with, contains, regex, and, or), providers in the catalog's order.
 */
#ifndef PROMPTCOST_CATALOG_H
#define PROMPTCOST_CATALOG_H

#include "promptcost/common.h"

#include <stdint.h>

/* One clause of a match rule; and/or/not are followed by their n children (prefix order). */
enum pc_catalog_op {
	PC_MATCH_EQUALS,
	PC_MATCH_STARTS_WITH,
	PC_MATCH_ENDS_WITH,
	PC_MATCH_CONTAINS,
	PC_MATCH_REGEX,         /* POSIX extended, translated from the catalog's Python regex */
	PC_MATCH_NOT,           /* a Python (?!...) lookahead: one child */
	PC_MATCH_OR,
	PC_MATCH_AND
};

/*
 * The tables' strings are offsets into pc_catalog_strings (pc_catalog_str),
 * not pointers: pointers in a position-independent program are relocated
 * at every start, which wrote 57 pages of these tables on every run.
 */
struct pc_catalog_clause {
	uint8_t op;
	uint16_t n;             /* children of and/or/not */
	uint32_t text;          /* "" for and/or/not */
};

/* Prices in micro-units per million tokens; -1 when the catalog gives none. */
struct pc_catalog_prices {
	int64_t input;
	int64_t output;
	int64_t cache_read;
	int64_t cache_write;    /* a 5-minute cache write (Anthropic's 1.25x) */
	int64_t cache_write_1h; /* a 1-hour cache write (Anthropic's 2x) */
};

/* Above `start` input tokens in one request, the whole request is at these prices. */
struct pc_catalog_tier {
	int64_t start;
	struct pc_catalog_prices prices;
};

/* A price list in force from start_date ("" from the model's first listing). */
struct pc_catalog_entry {
	uint32_t start_date;    /* "YYYY-MM-DD", or "" */
	struct pc_catalog_prices base;
	uint32_t tier;          /* index into the tier table */
	uint16_t ntiers;
};

#define PC_CATALOG_TIME_OF_DAY 1u  /* has time-of-day prices, not modelled (the default is used) */
#define PC_CATALOG_DEPRECATED 2u

struct pc_catalog_model {
	uint16_t provider;
	uint32_t id;
	uint32_t name;          /* "" when the catalog gives none */
	int64_t context_window; /* 0 when unknown */
	uint32_t match;         /* index of its first clause */
	uint32_t entry;         /* index of its first dated price list */
	uint16_t nentries;
	uint8_t flags;
};

struct pc_catalog_provider {
	uint32_t id;
	uint32_t name;
	int32_t match;          /* -1: no model_match of its own */
};

/* The compiled tables (build/gen/catalog_prices.c). */
extern const char pc_catalog_source[];          /* "genai-prices" */
extern const char pc_catalog_version[];         /* "0.1.8" */
extern const struct pc_catalog_provider pc_catalog_providers[];
extern const size_t pc_catalog_nproviders;
extern const struct pc_catalog_model pc_catalog_models[];
extern const size_t pc_catalog_nmodels;
extern const struct pc_catalog_entry pc_catalog_entries[];
extern const size_t pc_catalog_nentries;
extern const struct pc_catalog_tier pc_catalog_tiers[];
extern const struct pc_catalog_clause pc_catalog_clauses[];
extern const size_t pc_catalog_rounded;         /* prices rounded to micro-units by the generator */
extern const char pc_catalog_strings[];

/* A string of the tables by its offset. */
static inline const char *pc_catalog_str(uint32_t at)
{
	return pc_catalog_strings + at;
}

/*
 * The catalog model a name means: "provider/name" when provider is a catalog
 * provider whose models match name; else the first provider (in the
 * catalog's order) whose own model_match matches and that has a matching
 * model; else the first matching model of any provider. NULL when none.
 */
const struct pc_catalog_model *pc_catalog_find(const char *name);

/* Whether model's match rule matches name. */
bool pc_catalog_matches(const struct pc_catalog_model *model, const char *name);

const struct pc_catalog_provider *pc_catalog_provider_of(const struct pc_catalog_model *model);

/*
 * The price list of model in force on `date` ("YYYY-MM-DD"): the last whose
 * start date is on or before it. NULL when the model's first listed price
 * starts after date.
 */
const struct pc_catalog_entry *pc_catalog_price_at(const struct pc_catalog_model *model,
						   const char *date);

/*
 * A price in micro-units as a decimal with two to six decimals: 2500000 ->
 * "2.50", 75000 -> "0.075", 3625 -> "0.003625".
 */
void pc_price_format(struct pc_buf *out, int64_t micros);

/*
 * `promptcost prices import`: converts a price file to the configuration's
 * `models:` section (YAML text appended to out): a genai-prices data file
 * (a JSON array of providers, as data/pricing/) priced on `date`, or
 * LiteLLM's model_prices_and_context_window.json (an object of models with
 * per-token costs; batch, flex and priority prices become models named
 * "NAME:batch", "NAME:flex", "NAME:priority", which a template's
 * service_tier selects). Only models named in `only` when it has any;
 * only `provider`'s when not NULL (genai-prices). Numbers are read from their
 * decimal text, never through double. PC_EINPUT "path: line N: what" when
 * the file is neither, or a named model is not in it.
 */
int pc_prices_import(struct pc_buf *out, const char *path, const char *text, size_t len,
		     const char *date, const char *provider, const struct pc_strlist *only);

/* Today's date, UTC, "YYYY-MM-DD" into out[11]. */
void pc_catalog_today(char out[11]);

/* The date "YYYY-MM-DD" of a time in seconds since 1970 (UTC) into out[11]. */
void pc_catalog_date_of(char out[11], int64_t seconds);

#endif
