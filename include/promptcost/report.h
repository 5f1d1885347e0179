/*
 * The report model: one struct that the pipeline's stages fill in turn
 * (templates -> tokens -> cost -> policy) and that every output format
 * renders. Renderers never compute; they only format what is here.
 */
#ifndef PROMPTCOST_REPORT_H
#define PROMPTCOST_REPORT_H

#include "promptcost/common.h"
#include "promptcost/config.h"
#include "promptcost/git.h"
#include "promptcost/includes.h"
#include "promptcost/spend.h"

enum pc_change {
	PC_CHANGE_ADDED,
	PC_CHANGE_MODIFIED,
	PC_CHANGE_DELETED,
	PC_CHANGE_RENAMED,
	PC_CHANGE_UNCHANGED
};

enum pc_verdict {
	PC_VERDICT_PASS,
	PC_VERDICT_WARN,
	PC_VERDICT_BLOCK
};

enum pc_status {
	PC_STATUS_OK,
	PC_STATUS_WARN,
	PC_STATUS_OVER
};

/* One file of a template on one side. */
struct pc_cache;

struct pc_side_file {
	char *path;
	char oid[PC_OID_HEXSZ + 1];
	size_t len;                     /* its bytes in the side's text, which follow the previous file's */
	char *fragment;                 /* the part of it that is the prompt (formats.h), or NULL */
	unsigned text_line;             /* the file's line where those bytes start; 0: not one place */
	/* its front matter's cost settings (formats.h), when it has one */
	bool front_matter;
	char *fm_model;
	bool has_max_tokens;
	int64_t max_tokens;
	char *max_tokens_key;
};

/* What a template is on one side of the comparison. */
struct pc_template_side {
	bool present;                   /* its files matched something here */
	struct pc_side_file *files;     /* sorted by path */
	size_t nfiles;
	struct pc_buf text;             /* the files' prompts (includes spliced in), in path order */
	struct pc_include_list partials; /* the partials the text includes, with their blob ids */
	int64_t variable_tokens;        /* the expected tokens of its variables (`variables`) */
	int64_t variable_uses;          /* how many placeholders of configured variables it has */
	const struct pc_model *model;   /* prices: from the base config where it has the model */
	const char *model_name;
	int64_t tokens;
	int64_t cost_micros;            /* per month */
	int64_t cost_per_day_micros;
	/*
	 * The token-count cache (cache.h): the key of this side's count when it
	 * can be cached (its files' blob ids, no fragment, front matter or
	 * include), and whether the count came from it (then text is empty:
	 * the files were not read, only their blob ids).
	 */
	bool cache_keyed;
	bool from_cache;
	unsigned char cache_key[32];
	int64_t cached_raw_tokens;      /* the encoding's count of the rendered text */
};

struct pc_approval_match {
	char *approver;
	char *approved_at;              /* UTC, ISO 8601; NULL for --approved-by */
	int64_t approved_delta_micros;  /* -1 for --approved-by (not bound to a delta) */
	bool unsigned_entry;            /* an unsigned entry, counted by file_approvals: unsigned */
};

/*
 * What the policy stage found, as data: a stable code, the subject it is
 * about, its figures, and the English the renderers show (made from the rest
 * by policy.c, once). Codes are documented in the README ("JSON report").
 */
enum pc_finding_code {
	/* of a template */
	PC_FINDING_SAVING,                      /* its cost goes down */
	PC_FINDING_APPROVAL_IGNORED_NOT_LISTED, /* an entry for this content, by a non-approver */
	PC_FINDING_APPROVAL_IGNORED_UNSIGNED,   /* ...unsigned where entries must be signed */
	PC_FINDING_APPROVAL_IGNORED_UNKNOWN_KEY, /* ...signed by a key the base does not list */
	PC_FINDING_APPROVAL_IGNORED_BAD_SIGNATURE, /* ...whose signature does not verify */
	PC_FINDING_COST_EVENT,                  /* its increase reaches a threshold */
	PC_FINDING_COST_EVENT_IN_TOTAL,         /* the change's summed increases reach it */
	PC_FINDING_NEW_TEMPLATE,                /* only the head configures it: volumes unvouched */
	PC_FINDING_HEAD_ONLY_MODEL,             /* only the head prices its model */
	PC_FINDING_APPROVAL_VALID,              /* the cost event is approved by an entry */
	PC_FINDING_APPROVAL_VALID_UNSIGNED,     /* ...an unsigned one, which the base allows */
	PC_FINDING_APPROVAL_VERIFIED_ELSEWHERE, /* ...by --approved-by */
	PC_FINDING_COST_EVENT_UNAPPROVED,       /* the cost event needs an approval */
	PC_FINDING_COST_EVENT_OVER_HARD_BUDGET, /* ...but a hard budget blocks it anyway */
	PC_FINDING_TEAM_OVER_HARD_BUDGET,
	PC_FINDING_TEAM_OVER_SOFT_BUDGET,
	PC_FINDING_TEAM_WARN_AT,
	PC_FINDING_USE_CASE_OVER_HARD_BUDGET,
	PC_FINDING_USE_CASE_OVER_SOFT_BUDGET,
	PC_FINDING_USE_CASE_WARN_AT,
	PC_FINDING_ESTIMATED_TOKENS,            /* its model has no public tokenizer */
	/* of the report */
	PC_FINDING_PENDING_NEW_TEMPLATE,        /* takes effect after merge */
	PC_FINDING_PENDING_NEW_MODEL,
	PC_FINDING_BLOCKED,                     /* the verdict, and the template that decided it */
	PC_FINDING_PASSED_WITH_WARNINGS,
	PC_FINDING_PASSED_NO_CHANGE,
	PC_FINDING_PASSED_WITH_APPROVALS,
	PC_FINDING_PASSED
};

enum pc_figure_kind {
	PC_FIGURE_MONEY,   /* micro-units of the currency */
	PC_FIGURE_PERCENT, /* parts per million */
	PC_FIGURE_COUNT,
	PC_FIGURE_TEXT     /* a name: an approver, a model, a time */
};

struct pc_figure {
	const char *name;  /* static: "monthly_delta" */
	enum pc_figure_kind kind;
	int64_t value;     /* money, percent or count */
	char *text;        /* PC_FIGURE_TEXT: owned */
};

#define PC_FINDING_MAX_FIGURES 4

struct pc_finding {
	enum pc_finding_code code;
	char *subject;     /* the template id, team, use case or model it is about; may be NULL */
	struct pc_figure figures[PC_FINDING_MAX_FIGURES];
	size_t nfigures;
	char *message;     /* its words; in a template, part of reasons[reason] */
	size_t reason;
};

struct pc_findings {
	struct pc_finding *items;
	size_t n;
	size_t cap;
};

struct pc_template_report {
	char *id;
	enum pc_change change;
	/* Who pays and how often: from the base config, or the head's for a new template. */
	const char *team;
	const char *use_case;
	const struct pc_template_config *volume;
	/*
	 * The volume that prices it: recorded (.promptcost/volumes.yml of the
	 * world side) when that has the template, else configured from volume.
	 * Unset (days 0) until the check sets it; the cost stage then uses the
	 * configured one.
	 */
	struct pc_volume rate;
	bool exact;                     /* every count here is exact for the model's tokenizer */
	struct pc_template_side before;
	struct pc_template_side after;
	struct pc_buf added_lines;      /* the added lines of the line diff */
	struct pc_buf removed_lines;
	int64_t tokens_added;
	int64_t tokens_removed;
	/*
	 * Where a changed template's change starts: the after side's first file
	 * that is new or differs from the before side's file of its path, and
	 * the first line of it that differs (1 for a new file, 0 when no file
	 * of the after side differs); set by the templates stage.
	 */
	size_t changed_file;
	unsigned changed_line;
	/*
	 * A modified template's leading bytes that both texts share, as tokens
	 * of the after side's model (0 when they share none): the part of the
	 * prompt a provider's prompt cache keeps.
	 */
	int64_t shared_prefix_tokens;
	/*
	 * The diff's figures (tokens added and removed, the shared prefix and
	 * where the change starts) came from the token-count cache: both sides
	 * were cached, so neither was read and added_lines, removed_lines and
	 * the texts are empty. diff_raw holds the encodings' counts.
	 */
	bool diff_from_cache;
	bool diff_keyed;                /* both sides keyed: the diff's figures can be cached */
	unsigned char diff_key[32];
	int64_t diff_raw[3];            /* added, removed, shared prefix: the encodings' counts */
	int64_t delta_tokens;           /* after - before: what the cost uses */
	int64_t monthly_delta_micros;
	int64_t daily_delta_micros;
	bool cost_event;                /* an increase that reaches a policy threshold */
	bool approved;
	struct pc_approval_match approval;
	enum pc_verdict verdict;
	struct pc_strlist reasons;      /* one line each, why the verdict is what it is */
	/* one line each: what the prompt format says (partials, front matter, variables) */
	struct pc_strlist notes;
	size_t main_reason;             /* the reason that decided the verdict (when not pass) */
	struct pc_findings findings;    /* the same, as data: each reason is one or more */
	/*
	 * Collecting it raised no warning and added nothing to the report's
	 * pending or skipped notes (templates stage): with the rest of
	 * quiet.h's conditions, the quiet snapshot may stand in for its row.
	 */
	bool quiet_able;
};

/* A team's or a use case's budget before and after the change. */
struct pc_budget_report {
	const struct pc_budget *budget; /* from the base config */
	int64_t spend_before_micros;
	int64_t spend_after_micros;
	enum pc_status status_before;
	enum pc_status status;
	enum pc_verdict verdict;
};

struct pc_report {
	char *base_label;
	char *base_commit;              /* NULL when not a commit */
	char *head_label;
	char *head_commit;
	char *policy_label;             /* the side whose configuration judges: the base tip */
	char *policy_commit;            /* NULL when not a commit */
	/* The configuration that describes the world: the base's, or the head's on first adoption. */
	const struct pc_config *config;
	bool config_from_head;          /* the base had no configuration */
	struct pc_template_report *templates;
	size_t ntemplates;
	/*
	 * Unchanged templates priced from the quiet-template snapshot
	 * (quiet.h) instead of collected: not in templates, but counted in
	 * "N unchanged templates not shown", and in their team's and use
	 * case's spend by nquiet_lines lines after the templates' own (one per
	 * team and use case they share: lines_before and lines_after hold
	 * ntemplates + nquiet_lines lines, each for a team and use case only).
	 * 0 in a full run, and always for the JSON report, which lists every
	 * template.
	 */
	size_t nquiet;
	size_t nquiet_lines;
	struct pc_budget_report *teams;
	size_t nteams;
	struct pc_budget_report *use_cases;
	size_t nuse_cases;
	int64_t monthly_delta_micros;
	int64_t daily_delta_micros;
	/*
	 * The spend lines of the change, one per template and side (a month at
	 * its volume; an absent side costs nothing): what the cost stage
	 * priced, and what policy sums into each team's and use case's spend.
	 */
	struct pc_spend_line *lines_before;
	struct pc_spend_line *lines_after;
	bool exact;                     /* every changed template's count is exact */
	struct pc_strlist pending;      /* config edits of the change that take effect after merge */
	struct pc_strlist skipped;      /* files skipped (binary), shown as notes */
	char price_date[11];            /* the date catalog prices are at: the head commit's, or today */
	struct pc_strlist prices;       /* where models' prices come from; cache findings */
	/* the templates made from families (config.h), owned here; t->volume may point in */
	struct pc_template_config *generated;
	size_t ngenerated;
	enum pc_verdict verdict;
	char *verdict_reason;           /* one line that states the verdict and its reason */
	struct pc_findings findings;    /* the policy's notes of pending, then the verdict */
	struct pc_cache *cache;         /* borrowed, or NULL: token counts of unchanged files */
};

void pc_report_init(struct pc_report *report);
/* Frees what a side file owns (not the struct). */
void pc_side_file_release(struct pc_side_file *file);
/* Frees the contents (not the configs it points into). */
void pc_report_release(struct pc_report *report);

const char *pc_change_name(enum pc_change change);
const char *pc_verdict_name(enum pc_verdict verdict);
const char *pc_status_name(enum pc_status status);
/* The finding's stable snake_case code: "cost_event_unapproved". */
const char *pc_finding_code_name(enum pc_finding_code code);
/* The figure of a finding with this name, or NULL. */
const struct pc_figure *pc_finding_figure(const struct pc_finding *finding, const char *name);
/* Frees a finding's contents. */
void pc_finding_release(struct pc_finding *finding);
void pc_findings_release(struct pc_findings *findings);

enum pc_format {
	PC_FORMAT_TEXT,
	PC_FORMAT_MARKDOWN,
	PC_FORMAT_JSON,
	PC_FORMAT_GITHUB
};

int pc_format_lookup(enum pc_format *out, const char *name);

/* The range --max-size accepts: the smallest leaves room for the closing note. */
#define PC_MAX_SIZE_MIN 128
#define PC_MAX_SIZE_MAX (1 << 30)

struct pc_render_options {
	bool color;             /* text only: ANSI colours */
	size_t max_bytes;       /* markdown: never more than this many bytes (0: no limit) */
};

/* Renders the report in a format, appended to out. */
int pc_report_render(struct pc_buf *out, const struct pc_report *report, enum pc_format format,
		     const struct pc_render_options *options);

/* The renderers behind pc_report_render, one per file (report_<format>.c). */
void pc_report_text(struct pc_buf *out, const struct pc_report *report,
		    const struct pc_render_options *options);
void pc_report_markdown(struct pc_buf *out, const struct pc_report *report,
			const struct pc_render_options *options);
int pc_report_json(struct pc_buf *out, const struct pc_report *report);
void pc_report_github(struct pc_buf *out, const struct pc_report *report);

/* Shared by the renderers: money as "2160.00" (plain) and "+$2,160.00" (display). */
void pc_report_money(struct pc_buf *out, int64_t micros);
void pc_report_money_display(struct pc_buf *out, const struct pc_config *config, int64_t micros,
			     bool sign);
/*
 * Where a template's volume comes from, one phrase: "recorded: 14,812
 * calls/day over 30 days to 2026-11-30" or "configured (estimate): 15,000
 * calls/day".
 */
void pc_report_volume_source(struct pc_buf *out, const struct pc_template_report *t);
/* Spend as a share of a budget: "56.6%", or "" without a budget. */
void pc_report_used(struct pc_buf *out, const struct pc_budget_report *budget, bool after);

#endif
