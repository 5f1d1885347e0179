/*
 * The configuration: `.promptcost.yml` version 1 read strictly into plain
 * structs. Every amount is exact (integer micro-units, parts per million);
 * every error carries file:line:column. The YAML is read with yaml.h.
 */
#ifndef PROMPTCOST_CONFIG_H
#define PROMPTCOST_CONFIG_H

#include "promptcost/catalog.h"
#include "promptcost/common.h"
#include "promptcost/sshsig.h"
#include "promptcost/tokenizer.h"
#include "promptcost/yaml.h"

#define PC_CONFIG_PATH ".promptcost.yml"
/*
 * The largest configuration (and approvals or volumes file) read: 16 MiB,
 * room for 10,000 templates with their settings several times over (the
 * YAML reader's 1 MiB default refused more than about 4,000 templates).
 */
#define PC_CONFIG_MAX_BYTES (16 * 1024 * 1024)

struct pc_model {
	char *name;
	struct pc_pos pos;
	/*
	 * An exact encoding, or (approximate) an estimate: tokens of the base
	 * encoding times approx_factor_ppm / 1e6, rounded up.
	 */
	enum pc_encoding encoding;
	bool approximate;
	int64_t approx_factor_ppm;
	/* Prices in micro-units of the currency per million tokens. */
	int64_t input_micros_per_mtok;
	int64_t output_micros_per_mtok;
	bool has_cached_input_price;
	int64_t cached_input_micros_per_mtok;
	/*
	 * Provider prompt caching: writing the cache (Anthropic's 1.25x input
	 * for 5 minutes, 2x for 1 hour). Writes are at cache_write unless
	 * cache_ttl_1h, then at cache_write_1h; at the input price when the
	 * model has no such price.
	 */
	bool has_cache_write_price;
	int64_t cache_write_micros_per_mtok;
	bool has_cache_write_1h_price;
	int64_t cache_write_1h_micros_per_mtok;
	bool cache_ttl_1h;
	/*
	 * Long-context tiers (from the catalog): a request of more than
	 * tiers[k].start input tokens is priced whole at tiers[k]'s prices
	 * (a price of -1 there: the base price of that kind).
	 */
	const struct pc_catalog_tier *tiers;
	size_t ntiers;
	/* Where the prices come from. */
	enum pc_price_source {
		PC_PRICE_CONFIGURATION,
		PC_PRICE_CATALOG
	} price_source;
	const struct pc_catalog_model *catalog; /* its catalog model, or NULL */
	char price_from[11];    /* catalog: the prices' start date, "" from the first listing */
	char price_date[11];    /* catalog: the date they were looked up at */
	bool from_template;     /* not in `models:`: a template named it and the catalog has it */
};

enum pc_limit {
	PC_LIMIT_HARD, /* over budget blocks */
	PC_LIMIT_SOFT  /* over budget warns */
};

/* A team or a use case: a budget that templates are charged to. */
struct pc_budget {
	char *name;
	struct pc_pos pos;
	bool has_budget;
	int64_t monthly_budget_micros;
	enum pc_limit limit;
	bool has_warn_at;
	int64_t warn_at_ppm;
	int64_t other_monthly_spend_micros;
	/* use cases only: the response-cache hit rate aimed at (`cache_hit_target`) */
	bool has_cache_hit_target;
	int64_t cache_hit_target_ppm;
};

/*
 * A reservation (provisioned throughput, `reservations:`): capacity paid for
 * by the hour, used or not. Equivalents of traffic = (input - cached input)
 * + output x output_token_weight + cached input x cached_token_weight (whole
 * numbers, so every sum is exact).
 */
struct pc_reservation {
	char *id;
	struct pc_pos pos;
	char *model;                    /* a model of the configuration */
	int64_t units;
	int64_t unit_price_per_hour_micros;
	int64_t tokens_per_minute_per_unit;
	int64_t output_token_weight;
	int64_t cached_token_weight;
};

/*
 * One glob of a template's `files`, with its place for error messages. A
 * fragment after the file's glob (`lib.yaml#/a/b`, `p.csv#row=act:X&column=prompt`,
 * formats.h) names the part of each file that is the prompt.
 */
struct pc_glob {
	char *pattern;  /* the files' glob, without the fragment */
	char *fragment; /* after the '#', or NULL: the whole file */
	struct pc_pos pos;
};

/* How a template's files become its text (the `format` key). */
enum pc_text_format {
	PC_TEXT_AUTO,           /* front matter removed from .prompt and .prompty files */
	PC_TEXT_WHOLE,          /* `text`: every byte of every file */
	PC_TEXT_FRONT_MATTER    /* `front-matter`: front matter removed from every file */
};

/* Which include syntaxes are expanded (the `includes` key): includes.h's bits. */
#define PC_INCLUDES_AUTO (-1)

/* An expected size of a run-time variable of the template (`variables`). */
struct pc_variable {
	char *name;
	int64_t tokens;
	struct pc_pos pos;
};

struct pc_template_config {
	char *id;
	struct pc_pos pos;
	struct pc_glob *files;
	size_t nfiles;
	char *team;     /* NULL when not given */
	char *use_case; /* NULL when not given */
	char *model;
	struct pc_pos model_pos;
	char *deployment;           /* a reservation id (`deployment:`), or NULL: on demand */
	int64_t calls_per_day;
	int64_t output_tokens_per_call;
	char *service_tier;         /* NULL (standard), "batch", "flex" or "priority" */
	int64_t cache_hit_ppm;      /* calls answered by a response cache: no model call */
	int64_t cached_input_ppm;   /* input tokens billed at the provider's cached price */
	enum pc_text_format format;
	int includes;               /* PC_INCLUDES_AUTO, or a mask of PC_INCLUDE_* */
	struct pc_variable *variables;
	size_t nvariables;
	/*
	 * A family (`family:` instead of `id:`): id is the family's name; every
	 * file (or key, or row) its globs match is a template of its own, id
	 * "<family>.<name from the path>", made by the templates stage.
	 */
	bool family;
	bool generated;             /* such a member, made from a family */
};

enum pc_unapproved {
	PC_UNAPPROVED_BLOCK,
	PC_UNAPPROVED_WARN
};

/* Whether entries of .promptcost/approvals.yml must be signed to count. */
enum pc_file_approvals {
	PC_FILE_APPROVALS_SIGNED,   /* the default: only entries signed by a listed key */
	PC_FILE_APPROVALS_UNSIGNED  /* unsigned entries count too, marked as unsigned */
};

/* One item of policy.approvers: an id and the public keys that sign for it. */
struct pc_approver {
	char *id;
	struct pc_ssh_key *keys;    /* none: the id approves by review (--approved-by) only */
	size_t nkeys;
	struct pc_pos pos;
};

struct pc_policy {
	bool has_event_delta;
	int64_t event_delta_micros; /* an increase at or over this is a cost event */
	bool has_event_percent;
	int64_t event_ppm;          /* increase / cost before at or over this: a cost event */
	int64_t event_min_delta_micros; /* ...when the increase is also at least this (default 0) */
	enum pc_unapproved unapproved;
	struct pc_strlist approvers;        /* the ids, in the order listed */
	struct pc_approver *approver_keys;  /* the same approvers, with their keys */
	size_t napprover_keys;
	enum pc_file_approvals file_approvals;
	bool has_cache_hit_target;  /* policy.cache_hit_target: the organisation's */
	int64_t cache_hit_target_ppm;
};

/*
 * The `usage:` section: how recorded usage whose record names no template
 * is attributed to one, and how a source's model names map onto the
 * configuration's models.
 *
 *   usage:
 *     templates:
 *       - { template: document-summarization, tag: "prompt:summarize" }
 *       - { template: support-reply, api_key: key_8f2 }
 *       - { template: support-reply, project: proj_abc }
 *     models:
 *       gpt-4o-2024-08-06: gpt-4-class
 */
enum pc_usage_match {
	PC_USAGE_MATCH_TAG,     /* one of a record's tags (LiteLLM request_tags) */
	PC_USAGE_MATCH_API_KEY, /* the record's API key id (OpenAI api_key_id, LiteLLM's key hash) */
	PC_USAGE_MATCH_PROJECT  /* the record's project (OpenAI project_id) */
};

struct pc_usage_rule {
	char *template;         /* a template id of the configuration */
	enum pc_usage_match match;
	char *value;
	struct pc_pos pos;
};

struct pc_model_alias {
	char *name;             /* as a source names the model */
	char *model;            /* a model of the configuration */
	struct pc_pos pos;
};

struct pc_usage_config {
	struct pc_usage_rule *rules;   /* in file order; no two match the same value */
	size_t nrules;
	struct pc_model_alias *aliases;
	size_t naliases;
};

struct pc_config {
	char *path; /* as shown in messages */
	char *currency;
	int64_t days_per_month;
	struct pc_model *models;
	size_t nmodels;
	struct pc_budget *teams;
	size_t nteams;
	struct pc_budget *use_cases;
	size_t nuse_cases;
	struct pc_template_config *templates;
	size_t ntemplates;
	struct pc_reservation *reservations; /* in file order */
	size_t nreservations;
	struct pc_policy policy;
	struct pc_usage_config usage;
	/*
	 * NULL, or the one block holding this configuration and everything it
	 * points to (a snapshot's: pc_config_snapshot_read), freed at once.
	 */
	void *arena;
};

/*
 * Parses text[0..len) as `.promptcost.yml` version 1. path is used in
 * messages only. On success *out belongs to the caller (pc_config_free).
 * On error returns PC_EINPUT with a one-line message
 * "path:line:col: what is wrong" and *out is NULL.
 */
int pc_config_parse(struct pc_config **out, const char *path, const char *text, size_t len);
void pc_config_free(struct pc_config *config);

/*
 * The parsed-configuration cache's form of a configuration
 * (src/config_snapshot.c). pc_config_snapshot_write appends config's bytes
 * to out. pc_config_snapshot_read makes the configuration back, as parsing
 * its text today would (catalog prices looked up at today's date), with
 * path as shown in messages; NULL when the bytes are damaged or not such a
 * snapshot, or when its catalog models have no price today (then the text
 * is to be parsed, for its error). The bytes name neither the text nor the
 * program that wrote them: cache.h keys them by both.
 */
void pc_config_snapshot_write(struct pc_buf *out, const struct pc_config *config);
struct pc_config *pc_config_snapshot_read(const void *data, size_t len, const char *path);
/*
 * The same with only the templates i of the snapshot's n that keep[i]
 * says, in their order (NULL when it does not hold n templates): a
 * *reduced* configuration, whose other parts are whole (quiet.h).
 */
struct pc_config *pc_config_snapshot_read_some(const void *data, size_t len, const char *path,
					       const bool *keep, size_t n);

/*
 * Prices every catalog-priced model of config at date ("YYYY-MM-DD"): the
 * catalog's price list in force that day. pc_config_parse prices at today
 * (UTC); `check` re-prices at the date of the comparison. PC_EINPUT when a
 * model has no catalog price yet on that date.
 */
int pc_config_price_at(struct pc_config *config, const char *date);

/* "catalog (genai-prices 0.1.8, from 2024-08-06)" or "configuration" into out. */
void pc_model_price_source(struct pc_buf *out, const struct pc_model *model);

/* Lookups by name; borrowed pointers into config, or NULL. */
const struct pc_model *pc_config_model(const struct pc_config *config, const char *name);
const struct pc_budget *pc_config_team(const struct pc_config *config, const char *name);
const struct pc_budget *pc_config_use_case(const struct pc_config *config, const char *name);
const struct pc_template_config *pc_config_template(const struct pc_config *config,
						    const char *id);
const struct pc_reservation *pc_config_reservation(const struct pc_config *config,
						   const char *id);

/* A deep copy of a template's settings into out (for a family's members); release with the next. */
void pc_template_config_copy(struct pc_template_config *out, const struct pc_template_config *from);
void pc_template_config_release(struct pc_template_config *t);

/* The approver of policy with this id, or NULL; borrowed from policy. */
const struct pc_approver *pc_policy_approver(const struct pc_policy *policy, const char *id);

/* The commented starter configuration `promptcost init` writes; a static string. */
const char *pc_config_starter(void);

#endif
