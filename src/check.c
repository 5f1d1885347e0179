/*
 * One evaluation of a change: resolves the sides (base, head and world),
 * reads each side's configuration, applies the trust boundary (the base describes the world,
 * the head only the change), and runs the stages in order.
 */
#include "promptcost/check.h"

#include "promptcost/cache.h"
#include "promptcost/cost.h"
#include "promptcost/money.h"
#include "promptcost/policy.h"
#include "promptcost/spend.h"
#include "promptcost/templates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "1a2b3c4:.promptcost.yml" for a commit (git's rev:path), the bare path otherwise. */
static char *side_path(struct pc_side *side, const char *path)
{
	struct pc_buf b = PC_BUF_INIT;
	const char *commit = pc_side_commit(side);

	if (commit)
		pc_buf_addf(&b, "%.7s:%s", commit, path);
	else
		pc_buf_adds(&b, path);
	return pc_buf_detach(&b, NULL);
}

static bool inside_repository(const char *path)
{
	return path[0] != '/' && strncmp(path, "../", 3) && strcmp(path, "..");
}

/*
 * Reads and parses path on side; its blob id goes to oid ("" when absent).
 * When that is the id of a file already parsed (same[k], from same_oid[k]),
 * that configuration is shared instead: most changes leave the
 * configuration alone, and parsing a large one twice was an eighth of
 * `check`'s time. On the head side the configuration is never read through
 * a symbolic link: a pull request could point it anywhere.
 */
/*
 * Parses a configuration; with a cache folder, the interpreted configuration
 * is stored in the parsed-configuration cache (cache.h) under its blob id,
 * for the next check to read instead.
 */
static int parse_config(struct pc_config **out, const char *cache_dir, const char *shown,
			const char *oid, const char *text, size_t len)
{
	int error = pc_config_parse(out, shown, text, len);

	if (!error && cache_dir && *oid)
		pc_cache_config_store(cache_dir, oid, *out);
	return error;
}

static int read_config(struct pc_config **out, char *oid, struct pc_side *side, const char *path,
		       bool is_head, struct pc_config *const *same, const char *const *same_oid,
		       size_t nsame, const char *cache_dir, struct pc_quiet *reduce)
{
	struct pc_buf text = PC_BUF_INIT;
	struct pc_file_info info;
	char *shown = side_path(side, path);
	int error;

	*out = NULL;
	oid[0] = '\0';
	error = pc_side_stat(&info, side, path);
	if (error == PC_ENOTFOUND) {
		pc_error_clear();
		error = 0;
		goto done;
	}
	if (error < 0)
		goto done;
	if (is_head && info.kind == PC_FILE_SYMLINK) {
		error = pc_error_set(PC_EINPUT, "%s: the configuration is a symbolic link in the %s "
				     "(it is never read through a link; commit the file itself)",
				     path, pc_side_label(side));
		goto done;
	}
	if (info.kind == PC_FILE_REGULAR && info.size > PC_CONFIG_MAX_BYTES) {
		error = pc_error_set(PC_EINPUT, "%s: the configuration is %llu bytes, over the "
				     "%d-byte limit for a configuration", shown, info.size,
				     PC_CONFIG_MAX_BYTES);
		goto done;
	}
	/*
	 * With the parsed-configuration cache, the blob id from the tree or the
	 * index (without inflating the file: 1.5 MB for 10,000 templates) may be
	 * all that is needed: a configuration seen before, or one cached.
	 */
	if (cache_dir && info.kind == PC_FILE_REGULAR && pc_side_blob_id(oid, side, path) == 0) {
		for (size_t k = 0; k < nsame; k++)
			if (same[k] && !strcmp(oid, same_oid[k])) {
				*out = same[k];
				goto done;
			}
		/* a quiet run (quiet.h): the templates it visits, when the snapshot's key is this id */
		if (reduce && (*out = pc_cache_config_load_some(cache_dir, oid, shown, reduce->visit,
								reduce->n)) != NULL) {
			if ((*out)->nmodels == reduce->nmodels) {
				pc_quiet_keep(reduce);
				goto done;
			}
			pc_config_free(*out); /* not the snapshot's: read whole, and quiet_prepare sees */
			*out = NULL;
		}
		if ((*out = pc_cache_config_load(cache_dir, oid, shown)) != NULL)
			goto done;
	}
	error = pc_side_read(&text, oid, side, path, PC_CONFIG_MAX_BYTES);
	if (error == PC_ENOTFOUND) {
		pc_error_clear();
		oid[0] = '\0';
		error = 0;
		goto done;
	}
	if (error < 0)
		goto done;
	for (size_t k = 0; k < nsame; k++)
		if (same[k] && !strcmp(oid, same_oid[k])) {
			*out = same[k];
			goto done;
		}
	error = parse_config(out, cache_dir, shown, oid, text.ptr, text.len);
done:
	free(shown);
	pc_buf_release(&text);
	return error;
}

/*
 * --config is relative to the current directory, as every tool's file
 * argument is: a path inside the working tree becomes the repository path to
 * read at each side (returned, owned); NULL when it is outside, or when the
 * folder it names does not exist here (then a relative path is read at each
 * side from the root, as before).
 */
static char *repository_path(struct pc_repo *repo, const char *config_path)
{
	const char *root = pc_repo_workdir(repo);
	const char *slash = strrchr(config_path, '/');
	struct pc_buf dir = PC_BUF_INIT, out = PC_BUF_INIT;
	char *real_dir = NULL, *real_root = NULL, *result = NULL;
	size_t n;

	if (!root)
		return NULL;
	if (slash)
		pc_buf_add(&dir, config_path, (size_t)(slash - config_path) + 1);
	else
		pc_buf_adds(&dir, ".");
	real_dir = realpath(dir.ptr, NULL);
	real_root = realpath(root, NULL);
	if (real_dir && real_root) {
		n = strlen(real_root);
		if (!strcmp(real_dir, real_root) ||
		    (!strncmp(real_dir, real_root, n) && real_dir[n] == '/')) {
			if (real_dir[n] == '/')
				pc_buf_addf(&out, "%s/", real_dir + n + 1);
			pc_buf_adds(&out, slash ? slash + 1 : config_path);
			result = pc_buf_detach(&out, NULL);
		}
	}
	free(real_dir);
	free(real_root);
	pc_buf_release(&dir);
	pc_buf_release(&out);
	return result;
}

static void quiet_load(struct pc_check *check, const struct pc_check_options *options,
		       const char *config_path);

static int read_configs(struct pc_check *check, const struct pc_check_options *options)
{
	const char *config_path = options->config_path;
	bool allow_unconfigured = check->allow_unconfigured;
	struct pc_buf text = PC_BUF_INIT;
	char world_oid[PC_OID_HEXSZ + 1], base_oid[PC_OID_HEXSZ + 1], head_oid[PC_OID_HEXSZ + 1];
	struct pc_config *same[2];
	const char *same_oid[2] = { world_oid, base_oid };
	char *in_repository = config_path ? repository_path(check->repo, config_path) : NULL;
	int error;

	if (in_repository)
		config_path = in_repository;
	if (config_path && !in_repository && !inside_repository(config_path)) {
		/* a configuration outside the repository describes every side: one parse */
		if ((error = pc_file_read(&text, config_path, PC_CONFIG_MAX_BYTES)) < 0 ||
		    (error = pc_config_parse(&check->world_config, config_path, text.ptr,
					     text.len)) < 0)
			goto done;
		check->base_config = check->head_config = check->world_config;
		goto done;
	}
	if (!config_path)
		config_path = PC_CONFIG_PATH;
	quiet_load(check, options, config_path);
	if ((error = read_config(&check->world_config, world_oid, check->world, config_path, false,
				 NULL, NULL, 0, check->cache_dir,
				 check->quiet.loaded ? &check->quiet : NULL)) < 0)
		goto done;
	same[0] = check->world_config;
	if ((error = read_config(&check->base_config, base_oid, check->base, config_path, false,
				 same, same_oid, 1, check->cache_dir, NULL)) < 0)
		goto done;
	same[1] = check->base_config;
	if ((error = read_config(&check->head_config, head_oid, check->head, config_path, true,
				 same, same_oid, 2, check->cache_dir, NULL)) < 0)
		goto done;
	if (check->world_config && check->world_config == check->base_config &&
	    check->base_config == check->head_config && strlen(world_oid) == PC_OID_HEXSZ) {
		memcpy(check->config_oid, world_oid, sizeof(check->config_oid));
		check->config_path = pc_xstrdup(config_path);
	}
	if (!check->world_config && !check->base_config && !check->head_config) {
		struct pc_buf note_text = PC_BUF_INIT;

		pc_buf_addf(&note_text, "no %s on either side of the comparison (%s, %s): nothing "
			    "to check; 'promptcost init' writes a starter", config_path,
			    pc_side_label(check->base), pc_side_label(check->head));
		if (allow_unconfigured) {
			check->unconfigured = true;
			check->unconfigured_note = pc_buf_detach(&note_text, NULL);
		} else {
			error = pc_error_set(PC_EINPUT, "%s", note_text.ptr);
		}
		pc_buf_release(&note_text);
	}
done:
	free(in_repository);
	pc_buf_release(&text);
	return error;
}

static int read_approvals(struct pc_check *check)
{
	struct pc_buf text = PC_BUF_INIT;
	char oid[PC_OID_HEXSZ + 1];
	char *shown = side_path(check->head, PC_APPROVALS_PATH);
	int error = pc_side_read(&text, oid, check->head, PC_APPROVALS_PATH, PC_CONFIG_MAX_BYTES);

	if (error == PC_ENOTFOUND) {
		pc_error_clear();
		error = 0;
	} else if (!error) {
		error = pc_approvals_parse(&check->approvals, shown, text.ptr, text.len);
	}
	free(shown);
	pc_buf_release(&text);
	return error;
}

static void note(struct pc_strlist *out, const char *fmt, ...) PC_PRINTF(2, 3);

/*
 * Reads .promptcost/volumes.yml on side: its blob id goes to oid ("" when
 * absent) and, when out is not NULL, the parsed file to *out (NULL when
 * absent). A link is never followed on the head side, as for the
 * configuration.
 */
static int read_volumes_at(struct pc_volumes **out, char *oid, struct pc_side *side, bool is_head)
{
	struct pc_buf text = PC_BUF_INIT;
	struct pc_file_info info;
	char *shown = side_path(side, PC_VOLUMES_PATH);
	int error;

	if (out)
		*out = NULL;
	oid[0] = '\0';
	error = pc_side_stat(&info, side, PC_VOLUMES_PATH);
	if (!error && is_head && info.kind == PC_FILE_SYMLINK)
		error = pc_error_set(PC_EINPUT, "%s: the recorded volumes are a symbolic link in "
				     "the %s (never read through a link; commit the file itself)",
				     PC_VOLUMES_PATH, pc_side_label(side));
	if (!error)
		error = pc_side_read(&text, oid, side, PC_VOLUMES_PATH, PC_VOLUMES_MAX_BYTES);
	if (error == PC_ENOTFOUND) {
		pc_error_clear();
		oid[0] = '\0';
		error = 0;
	} else if (!error && out) {
		error = pc_volumes_parse(out, shown, text.ptr, text.len);
	}
	free(shown);
	pc_buf_release(&text);
	return error;
}

/*
 * The recorded volumes describe the world, like the configuration: the
 * world side's file prices the change. When the change itself edits the
 * file (the head's differs from the merge base's), the head's is checked
 * (a broken file must not merge) and listed as taking effect after merge.
 */
static int read_volumes(struct pc_check *check)
{
	char world_oid[PC_OID_HEXSZ + 1], base_oid[PC_OID_HEXSZ + 1], head_oid[PC_OID_HEXSZ + 1];
	struct pc_volumes *head = NULL;
	int error;

	if ((error = read_volumes_at(&check->volumes, world_oid, check->world, false)) < 0 ||
	    (error = read_volumes_at(NULL, base_oid, check->base, false)) < 0 ||
	    (error = read_volumes_at(NULL, head_oid, check->head, true)) < 0)
		return error;
	if (!strcmp(head_oid, base_oid) || !strcmp(head_oid, world_oid))
		return 0; /* the change does not edit it (or brings the base's own) */
	if (head_oid[0] &&
	    (error = read_volumes_at(&head, head_oid, check->head, true)) < 0)
		return error;
	if (!head_oid[0])
		note(&check->report.pending, "%s: removed (check uses the base's recorded volumes)",
		     PC_VOLUMES_PATH);
	else {
		struct pc_buf records = PC_BUF_INIT;

		pc_count_format(&records, head->records, false);
		note(&check->report.pending, "%s: recorded volumes of the %lld days to %s "
		     "(%s records)", PC_VOLUMES_PATH, (long long)head->days, head->until,
		     records.ptr);
		pc_buf_release(&records);
	}
	pc_volumes_free(head);
	return 0;
}

/*
 * A template with run-time variables and recorded usage: the variables'
 * tokens come from what was recorded, not from the configured sizes. The
 * recorded input per billed call, less the static prompt's tokens at the
 * base, is what the variables brought per call; each side's variables are
 * that amount scaled by the side's configured sizes (so a change that adds
 * a variable use still adds its share). Still an estimate, and labelled so.
 */
static void recorded_variables(struct pc_template_report *t)
{
	const struct pc_volume *v = &t->rate;
	int64_t billed = v->calls - v->response_cache_hits, per_call, recorded;
	struct pc_buf note = PC_BUF_INIT;

	if (v->source != PC_SPEND_RECORDED || billed <= 0 || v->input_tokens <= 0 ||
	    !t->volume || !t->volume->nvariables || !t->before.present ||
	    t->before.variable_tokens <= 0)
		return;
	per_call = (int64_t)pc_div_round(v->input_tokens, billed);
	recorded = per_call - (t->before.tokens - t->before.variable_tokens);
	if (recorded <= 0)
		return; /* the records are smaller than the static prompt: keep the configured sizes */
	for (int k = 0; k < 2; k++) {
		struct pc_template_side *side = k ? &t->after : &t->before;
		int64_t scaled;

		if (!side->present)
			continue;
		scaled = (int64_t)pc_div_round((pc_int128)recorded * side->variable_tokens,
					       t->before.variable_tokens);
		side->tokens += scaled - side->variable_tokens;
		side->variable_tokens = scaled;
	}
	t->delta_tokens = t->after.tokens - t->before.tokens;
	pc_buf_addf(&note, "the variables' tokens are recorded: %lld a call (%lld recorded input "
		    "tokens per billed call less the %lld of the static prompt), an estimate",
		    (long long)recorded, (long long)per_call,
		    (long long)(per_call - recorded));
	pc_strlist_push_owned(&t->notes, pc_buf_detach(&note, NULL));
}

/* The volume that prices each template: recorded where the world's file has it. */
static void set_rates(struct pc_report *report, const struct pc_volumes *volumes)
{
	for (size_t i = 0; i < report->ntemplates; i++) {
		struct pc_template_report *t = &report->templates[i];
		const struct pc_volume *v = pc_volumes_find(volumes, t->id);

		if (v)
			t->rate = *v;
		else
			pc_volume_configured(&t->rate, t->volume);
		recorded_variables(t);
	}
}

/* ---- what the head's configuration changes, which waits for merge ---- */

static void note(struct pc_strlist *out, const char *fmt, ...) PC_PRINTF(2, 3);
static void note(struct pc_strlist *out, const char *fmt, ...)
{
	struct pc_buf b = PC_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pc_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	pc_strlist_push_owned(out, pc_buf_detach(&b, NULL));
}

static char *amount(int64_t micros)
{
	struct pc_buf b = PC_BUF_INIT;

	pc_money_format(&b, micros, true, false);
	return pc_buf_detach(&b, NULL);
}

static void money_change(struct pc_strlist *out, const char *what, int64_t before, int64_t after)
{
	char *a, *b;

	if (before == after)
		return;
	a = amount(before);
	b = amount(after);
	note(out, "%s: %s -> %s", what, a, b);
	free(a);
	free(b);
}

static void number_change(struct pc_strlist *out, const char *what, int64_t before, int64_t after)
{
	if (before != after)
		note(out, "%s: %lld -> %lld", what, (long long)before, (long long)after);
}

static void share_change(struct pc_strlist *out, const char *what, int64_t before, int64_t after)
{
	struct pc_buf a = PC_BUF_INIT, b = PC_BUF_INIT;

	if (before == after)
		return;
	pc_ppm_format(&a, before);
	pc_ppm_format(&b, after);
	note(out, "%s: %s -> %s", what, a.ptr, b.ptr);
	pc_buf_release(&a);
	pc_buf_release(&b);
}

static void text_change(struct pc_strlist *out, const char *what, const char *before,
			const char *after)
{
	if ((before == NULL) != (after == NULL) || (before && strcmp(before, after)))
		note(out, "%s: %s -> %s", what, before ? before : "(none)", after ? after : "(none)");
}

static void budget_changes(struct pc_strlist *out, const char *kind, const struct pc_budget *base,
			   size_t nbase, const struct pc_budget *head, size_t nhead)
{
	char what[512];

	for (size_t i = 0; i < nhead; i++) {
		const struct pc_budget *h = &head[i], *b = NULL;

		for (size_t k = 0; k < nbase && !b; k++)
			if (!strcmp(base[k].name, h->name))
				b = &base[k];
		if (!b) {
			note(out, "%s '%s' is new", kind, h->name);
			continue;
		}
		snprintf(what, sizeof(what), "%s '%s' monthly_budget", kind, h->name);
		money_change(out, what, b->has_budget ? b->monthly_budget_micros : 0,
			     h->has_budget ? h->monthly_budget_micros : 0);
		snprintf(what, sizeof(what), "%s '%s' limit", kind, h->name);
		text_change(out, what, b->limit == PC_LIMIT_HARD ? "hard" : "soft",
			    h->limit == PC_LIMIT_HARD ? "hard" : "soft");
		snprintf(what, sizeof(what), "%s '%s' warn_at", kind, h->name);
		share_change(out, what, b->has_warn_at ? b->warn_at_ppm : 0,
			     h->has_warn_at ? h->warn_at_ppm : 0);
		snprintf(what, sizeof(what), "%s '%s' other_monthly_spend", kind, h->name);
		money_change(out, what, b->other_monthly_spend_micros, h->other_monthly_spend_micros);
	}
}

/* Keys the head adds to or removes from an approver both sides list. */
static void approver_key_changes(struct pc_strlist *out, const struct pc_policy *bp,
				 const struct pc_policy *hp)
{
	for (size_t i = 0; i < hp->napprover_keys; i++) {
		const struct pc_approver *h = &hp->approver_keys[i];
		const struct pc_approver *b = pc_policy_approver(bp, h->id);

		for (size_t k = 0; b && k < h->nkeys; k++) {
			bool listed = false;

			for (size_t j = 0; j < b->nkeys && !listed; j++)
				listed = pc_ssh_key_equal(&h->keys[k], &b->keys[j]);
			if (!listed)
				note(out, "policy.approvers: adds key %s for '%s'",
				     h->keys[k].fingerprint, h->id);
		}
		for (size_t j = 0; b && j < b->nkeys; j++) {
			bool kept = false;

			for (size_t k = 0; k < h->nkeys && !kept; k++)
				kept = pc_ssh_key_equal(&h->keys[k], &b->keys[j]);
			if (!kept)
				note(out, "policy.approvers: removes key %s of '%s'",
				     b->keys[j].fingerprint, h->id);
		}
	}
}

static void pending_changes(struct pc_strlist *out, const struct pc_config *base,
			    const struct pc_config *head)
{
	const struct pc_policy *bp = &base->policy, *hp = &head->policy;
	char what[512];

	text_change(out, "currency", base->currency, head->currency);
	number_change(out, "days_per_month", base->days_per_month, head->days_per_month);
	for (size_t i = 0; i < head->nmodels; i++) {
		const struct pc_model *h = &head->models[i];
		const struct pc_model *b = pc_config_model(base, h->name);

		if (!b)
			continue; /* a new model is reported where a template uses it */
		snprintf(what, sizeof(what), "model '%s' input price per 1M tokens", h->name);
		money_change(out, what, b->input_micros_per_mtok, h->input_micros_per_mtok);
		snprintf(what, sizeof(what), "model '%s' output price per 1M tokens", h->name);
		money_change(out, what, b->output_micros_per_mtok, h->output_micros_per_mtok);
		snprintf(what, sizeof(what), "model '%s' cached input price per 1M tokens", h->name);
		money_change(out, what, b->has_cached_input_price ? b->cached_input_micros_per_mtok : 0,
			     h->has_cached_input_price ? h->cached_input_micros_per_mtok : 0);
		snprintf(what, sizeof(what), "model '%s' cache write price per 1M tokens", h->name);
		money_change(out, what, b->has_cache_write_price ? b->cache_write_micros_per_mtok : 0,
			     h->has_cache_write_price ? h->cache_write_micros_per_mtok : 0);
		snprintf(what, sizeof(what), "model '%s' prices", h->name);
		text_change(out, what, b->price_source == PC_PRICE_CATALOG ? "the catalog's"
				       : "configured",
			    h->price_source == PC_PRICE_CATALOG ? "the catalog's" : "configured");
	}
	budget_changes(out, "team", base->teams, base->nteams, head->teams, head->nteams);
	budget_changes(out, "use case", base->use_cases, base->nuse_cases, head->use_cases,
		       head->nuse_cases);
	for (size_t i = 0; i < head->ntemplates; i++) {
		const struct pc_template_config *h = &head->templates[i];
		const struct pc_template_config *b = pc_config_template(base, h->id);

		if (!b)
			continue;
		snprintf(what, sizeof(what), "template '%s' calls_per_day", h->id);
		number_change(out, what, b->calls_per_day, h->calls_per_day);
		snprintf(what, sizeof(what), "template '%s' output_tokens_per_call", h->id);
		number_change(out, what, b->output_tokens_per_call, h->output_tokens_per_call);
		snprintf(what, sizeof(what), "template '%s' cache_hit_rate", h->id);
		share_change(out, what, b->cache_hit_ppm, h->cache_hit_ppm);
		snprintf(what, sizeof(what), "template '%s' cached_input_share", h->id);
		share_change(out, what, b->cached_input_ppm, h->cached_input_ppm);
		snprintf(what, sizeof(what), "template '%s' team", h->id);
		text_change(out, what, b->team, h->team);
		snprintf(what, sizeof(what), "template '%s' use_case", h->id);
		text_change(out, what, b->use_case, h->use_case);
	}
	if (bp->has_event_delta != hp->has_event_delta || bp->event_delta_micros != hp->event_delta_micros)
		money_change(out, "policy.cost_event.monthly_delta",
			     bp->has_event_delta ? bp->event_delta_micros : 0,
			     hp->has_event_delta ? hp->event_delta_micros : 0);
	share_change(out, "policy.cost_event.percent", bp->has_event_percent ? bp->event_ppm : 0,
		     hp->has_event_percent ? hp->event_ppm : 0);
	money_change(out, "policy.cost_event.min_monthly_delta", bp->event_min_delta_micros,
		     hp->event_min_delta_micros);
	text_change(out, "policy.unapproved_cost_event",
		    bp->unapproved == PC_UNAPPROVED_BLOCK ? "block" : "warn",
		    hp->unapproved == PC_UNAPPROVED_BLOCK ? "block" : "warn");
	for (size_t i = 0; i < hp->approvers.n; i++)
		if (!pc_strlist_contains(&bp->approvers, hp->approvers.items[i]))
			note(out, "policy.approvers: adds '%s'", hp->approvers.items[i]);
	for (size_t i = 0; i < bp->approvers.n; i++)
		if (!pc_strlist_contains(&hp->approvers, bp->approvers.items[i]))
			note(out, "policy.approvers: removes '%s'", bp->approvers.items[i]);
	approver_key_changes(out, bp, hp);
	text_change(out, "policy.file_approvals",
		    bp->file_approvals == PC_FILE_APPROVALS_SIGNED ? "signed" : "unsigned",
		    hp->file_approvals == PC_FILE_APPROVALS_SIGNED ? "signed" : "unsigned");
}

/* ---- prices: the date of the comparison, where each price comes from ---- */

/*
 * Catalog prices are those in force on the date of the comparison: the
 * head commit's (committer) date, or today (UTC) for the index or the
 * working tree. Every side's configuration is priced at that one date. The
 * head's date is its author's to choose, so it never goes back before the
 * base tip's (the world's): a pull request cannot backdate itself into older
 * prices.
 */
static void price_date(struct pc_check *check)
{
	int64_t when = pc_side_commit_time(check->head);
	int64_t world = pc_side_commit_time(check->world);

	if (when >= 0 && world > when)
		when = world;
	if (when >= 0)
		pc_catalog_date_of(check->report.price_date, when);
	else
		pc_catalog_today(check->report.price_date);
}

/* Every side's configuration priced at the date of the comparison (price_date). */
static int price_configs(struct pc_check *check)
{
	struct pc_config *configs[3] = { check->world_config, check->base_config,
					 check->head_config };
	int error;

	for (int k = 0; k < 3; k++) {
		bool seen = false;

		for (int j = 0; j < k; j++)
			seen = seen || configs[j] == configs[k];
		if (configs[k] && !seen &&
		    (error = pc_config_price_at(configs[k], check->report.price_date)) < 0)
			return error;
	}
	return 0;
}

/* A price per 1M tokens as "$2.50" (USD: the catalog's currency and the configuration's). */
static void price_text(struct pc_buf *out, const struct pc_report *report, int64_t micros)
{
	pc_report_money_display(out, report->config, micros, false);
}

static void price_note(struct pc_report *report, const struct pc_model *m)
{
	struct pc_buf b = PC_BUF_INIT, source = PC_BUF_INIT;

	for (size_t i = 0; i < report->prices.n; i++)
		if (!strncmp(report->prices.items[i], m->name, strlen(m->name)) &&
		    report->prices.items[i][strlen(m->name)] == ':')
			return; /* one note a model */
	if (m->price_source != PC_PRICE_CATALOG && !m->catalog)
		return; /* a model the catalog does not know: configured, as always */
	pc_model_price_source(&source, m);
	pc_buf_addf(&b, "%s: %s", m->name, source.ptr);
	if (m->price_source != PC_PRICE_CATALOG)
		pc_buf_addf(&b, ", overriding the catalog's (%s %s, '%s')", pc_catalog_source,
			    pc_catalog_version, pc_catalog_str(m->catalog->id));
	pc_buf_adds(&b, ": input ");
	price_text(&b, report, m->input_micros_per_mtok);
	if (m->has_cached_input_price) {
		pc_buf_adds(&b, ", cached input ");
		price_text(&b, report, m->cached_input_micros_per_mtok);
	}
	if (m->has_cache_write_price || (m->cache_ttl_1h && m->has_cache_write_1h_price)) {
		pc_buf_addf(&b, ", cache write (%s) ", m->cache_ttl_1h ? "1h" : "5m");
		price_text(&b, report, m->cache_ttl_1h && m->has_cache_write_1h_price
				       ? m->cache_write_1h_micros_per_mtok
				       : m->cache_write_micros_per_mtok);
	}
	pc_buf_adds(&b, ", output ");
	price_text(&b, report, m->output_micros_per_mtok);
	pc_buf_adds(&b, " per 1M tokens");
	if (m->ntiers)
		pc_buf_addf(&b, "; higher long-context prices above %lld input tokens a request",
			    (long long)m->tiers[0].start);
	if (m->approximate)
		pc_buf_adds(&b, "; tokens estimated (no public tokenizer)");
	pc_strlist_push_owned(&report->prices, pc_buf_detach(&b, NULL));
	pc_buf_release(&source);
}

/* Micro-units exactly, "0.000027" (a one-off can be far under a cent). */
static void micros_exact(struct pc_buf *out, int64_t micros)
{
	pc_buf_addf(out, "%s%lld.%06lld", micros < 0 ? "-" : "+",
		    (long long)(micros < 0 ? -micros : micros) / PC_MICROS,
		    (long long)(micros < 0 ? -micros : micros) % PC_MICROS);
}

/*
 * A change to the cached prefix of a template invalidates the provider's
 * prompt cache. The model: the cached share of each call (recorded, or
 * configured) is its leading tokens; the leading tokens both sides share
 * stay cached, the rest of the old cached prefix is written again (at the
 * cache-write price) by the first call after the change instead of read,
 * and every later call reads the new prefix as before. So the steady-state
 * monthly projection is unchanged and the invalidation is a one-off,
 * priced here for one warm cache (a provider keeps several: a lower bound).
 */
static int cache_finding(struct pc_report *report, const struct pc_template_report *t)
{
	const struct pc_model *m = t->after.model;
	const struct pc_volume *v = &t->rate;
	pc_int128 cached;
	int64_t kept, rewritten, write_cost, read_cost;
	struct pc_spend_qty q;
	struct pc_buf msg = PC_BUF_INIT, money = PC_BUF_INIT;
	int error;

	if (!t->before.present || !t->after.present || !m || t->change != PC_CHANGE_MODIFIED)
		return 0;
	if (v->source == PC_SPEND_RECORDED)
		cached = v->input_tokens > 0 ? (pc_int128)t->before.tokens * v->cached_input_tokens /
					       v->input_tokens : 0;
	else
		cached = (pc_int128)t->before.tokens * v->cached_input_ppm / PC_PPM;
	if (cached <= 0)
		return 0;
	/* the last token of the shared bytes may merge with what follows: not counted as kept */
	kept = t->shared_prefix_tokens > 0 ? t->shared_prefix_tokens - 1 : 0;
	if (kept >= cached)
		return 0;
	rewritten = (int64_t)cached - kept;
	/* in millionths of a micro-unit (exact: tokens x price), so the difference is rounded once */
	memset(&q, 0, sizeof(q));
	q.per = 1;
	q.calls = 1;
	q.input_tokens = (pc_int128)rewritten * PC_PPM;
	q.request_input_tokens = t->after.tokens;
	q.cache_write_tokens = q.input_tokens;
	if ((error = pc_spend_cost(&write_cost, m, &q, t->id)) < 0)
		return error;
	q.cache_write_tokens = 0;
	q.cached_input_tokens = q.input_tokens;
	if ((error = pc_spend_cost(&read_cost, m, &q, t->id)) < 0)
		return error;
	micros_exact(&money, (int64_t)pc_div_round(write_cost - read_cost, PC_PPM));
	pc_buf_addf(&msg, "%s: the change edits the cached prefix (%lld of its %lld cached "
		    "tokens a call are unchanged): the first call after it writes %lld tokens to the "
		    "provider's cache instead of reading them, a one-off %s %s a warm cache (%s); "
		    "the monthly projection assumes the cache is warm again after that",
		    t->id, (long long)kept, (long long)cached, (long long)rewritten, money.ptr,
		    report->config->currency,
		    m->has_cache_write_price ? "at the model's cache-write price"
					  : "the model has no cache-write price: at its input price");
	pc_strlist_push_owned(&report->prices, pc_buf_detach(&msg, NULL));
	pc_buf_release(&money);
	return 0;
}

static void row_price_notes(struct pc_report *report, const struct pc_template_report *t)
{
	if (t->before.present && t->before.model)
		price_note(report, t->before.model);
	if (t->after.present && t->after.model)
		price_note(report, t->after.model);
}

/*
 * Each model's price note in the order its first template comes, the quiet
 * templates of a quiet run (report->nquiet of q's: not collected, so not in
 * the report) in their places of the configuration's order, the report's.
 */
static int price_notes(struct pc_report *report, const struct pc_quiet *q)
{
	size_t row = 0;
	bool *noted = report->nquiet ? pc_xcalloc(q->nmodels + 1, sizeof(*noted)) : NULL;
	int error;

	for (size_t i = 0; report->nquiet && i < q->n; i++) {
		if (row < report->ntemplates &&
		    pc_quiet_position(q, report->config, report->templates[row].volume) == i) {
			row_price_notes(report, &report->templates[row++]);
		} else if (!q->visit[i] && !noted[q->records[i].model]) {
			noted[q->records[i].model] = true; /* one note a model, as price_note keeps */
			price_note(report, &report->config->models[q->records[i].model]);
		}
	}
	free(noted);
	for (; row < report->ntemplates; row++)
		row_price_notes(report, &report->templates[row]);
	for (size_t i = 0; i < report->ntemplates; i++)
		if ((error = cache_finding(report, &report->templates[i])) < 0)
			return error;
	return 0;
}

/*
 * The token-count cache, where git keeps its own caches (the common git
 * directory, shared by worktrees): off with --no-cache or PROMPTCOST_NO_CACHE.
 */
static void open_cache(struct pc_check *check, const struct pc_check_options *options)
{
	struct pc_buf path = PC_BUF_INIT;

	if (options->no_cache || pc_cache_disabled_by_env())
		return;
	if (pc_repo_common_dir(&path, check->repo) < 0) {
		pc_error_clear();
	} else {
		pc_buf_adds(&path, "/promptcost");
		check->cache_dir = pc_xstrdup(path.ptr);
		pc_buf_adds(&path, "/" PC_CACHE_FILE);
		check->cache = pc_cache_open(path.ptr);
	}
	pc_buf_release(&path);
}

/* ---- the quiet-template snapshot (quiet.h) ---- */

/*
 * Before the configurations are read: whether quiet.h can apply (one
 * configuration file of one blob id on every side, read from the
 * repository; caches on; a base commit), its key, and the snapshot of that
 * key. With a snapshot whose records still describe the base and a change
 * that deletes nothing, the templates the run visits are known here, from
 * the snapshot's tables (quiet.loaded), and read_config reads the parsed
 * configuration reduced to them. Without a snapshot, quiet_write: the run
 * collects everything and writes one. Anything unexpected leaves the run
 * the full one.
 */
static void quiet_load(struct pc_check *check, const struct pc_check_options *options,
		       const char *config_path)
{
	struct pc_quiet *q = &check->quiet;
	struct pc_side *sides[3] = { check->world, check->base, check->head };
	char oids[3][PC_OID_HEXSZ + 1];
	struct pc_strlist changed = PC_STRLIST_INIT;
	struct pc_buf payload = PC_BUF_INIT;
	struct pc_side *snapshot = NULL;
	struct pc_file_info info;
	char volumes_oid[PC_OID_HEXSZ + 1] = "";
	bool removed = false;

	if (!options->quiet || !check->cache || !check->cache_dir ||
	    !pc_side_commit(check->base) || pc_side_tree_id(check->base_tree, check->base) < 0)
		goto done;
	/* a link, a file changed on disk, or none: read_config tells; not quiet */
	for (int k = 0; k < 3; k++)
		if (pc_side_blob_id(oids[k], sides[k], config_path) != 0 || strcmp(oids[k], oids[0]))
			goto done;
	/* the world's recorded volumes price every template: their blob id is in the key */
	if (pc_side_blob_id(volumes_oid, check->world, PC_VOLUMES_PATH) != 0 &&
	    pc_side_stat(&info, check->world, PC_VOLUMES_PATH) != PC_ENOTFOUND)
		goto done; /* a link, or unreadable: not known without reading */
	pc_quiet_key(&check->quiet_key, config_path, oids[0], volumes_oid,
		     check->report.price_date);
	/* absent, damaged or another key's: not loaded (an empty payload is none) */
	pc_cache_quiet_load(&payload, check->cache_dir, check->quiet_key.ptr, check->quiet_key.len);
	pc_quiet_parse(q, payload.ptr, payload.len);
	/* what changed since the snapshot's tree, which may be an older base */
	if (q->loaded && strcmp(q->tree, check->base_tree) &&
	    (pc_side_from_tree(&snapshot, check->repo, q->tree) < 0 ||
	     pc_side_changes(&changed, &removed, snapshot, check->base, &q->dirs) < 0))
		pc_quiet_release(q); /* gone, or unreadable: a full run, stored anew */
	pc_error_clear();
	if (!q->loaded) {
		check->quiet_write = true;
		goto done;
	}
	/* a deletion or a change of kind may pair with an addition: rename detection, a full run */
	removed = false;
	if (pc_side_changes(&changed, &removed, check->base, check->head, &q->dirs) < 0 ||
	    removed) {
		pc_quiet_release(q);
		goto done;
	}
	pc_quiet_visit(q, &changed);
done:
	pc_error_clear();
	pc_side_free(snapshot);
	pc_strlist_release(&changed);
	pc_buf_release(&payload);
}

/*
 * After the configurations are read: the snapshot read must fit the one
 * configuration every side shares (reduced, or whole when the parsed
 * configuration was not cached); without a snapshot, its tables and the
 * globs' folders are made for the one the run writes (a family, or a glob
 * without a folder: none). Else check->quiet.visit is left NULL: the run
 * is the full one.
 */
static int quiet_prepare(struct pc_check *check)
{
	const struct pc_config *config = check->world_config;
	const struct pc_config *configs[3] = { config, config, config };
	struct pc_quiet *q = &check->quiet;
	struct pc_strlist none = PC_STRLIST_INIT;
	bool fits = check->config_oid[0] && config;

	/*
	 * A reduced configuration lacks the quiet templates: a full run over it
	 * would leave their spend out of every budget. It is read only for a
	 * snapshot of this very blob id, which every side then shares; should
	 * that not hold, the run stops rather than judge a part of the library.
	 */
	if (q->reduced)
		return fits ? 0 : pc_error_set(PC_EINTERNAL, "the quiet-template snapshot does not "
					       "fit the configuration it was read for");
	for (size_t i = 0; fits && i < config->ntemplates; i++)
		fits = !config->templates[i].family;
	if (fits && q->loaded && config->ntemplates == q->n && config->nmodels == q->nmodels)
		return 0; /* the parsed configuration was not cached: read whole, and visit applies */
	if (fits && check->quiet_write) {
		pc_quiet_release(q);
		if (pc_templates_folders(&q->dirs, configs)) {
			pc_quiet_index(q, config);
			pc_quiet_visit(q, &none);
			return 0;
		}
	}
	pc_quiet_release(q);
	check->quiet_write = false;
	return 0;
}

/* Stores the snapshot this run leaves, when it differs from the one it read. */
static void quiet_store(struct pc_check *check)
{
	struct pc_buf payload = PC_BUF_INIT;

	if (pc_quiet_payload(&payload, &check->quiet, &check->report, check->base_tree))
		pc_cache_quiet_store(check->cache_dir, check->quiet_key.ptr, check->quiet_key.len,
				     payload.ptr, payload.len);
	pc_buf_release(&payload);
}

int pc_check_run(struct pc_check *check, const struct pc_check_options *options)
{
	struct pc_report *report = &check->report;
	const struct pc_config *own_base;
	bool *all = NULL;
	int error;

	pc_report_init(report);
	if ((error = pc_repo_open(&check->repo, options->repo_path)) < 0 ||
	    (error = pc_repo_compare(&check->base, &check->head, &check->world, check->repo,
				     options->mode, options->base_rev, options->head_rev)) < 0)
		return error;
	open_cache(check, options);
	report->cache = check->cache;
	/* the date first: the quiet-template snapshot's key has it (read_configs) */
	price_date(check);
	if ((error = read_configs(check, options)) < 0)
		return error;
	if (check->unconfigured)
		return 0;
	if ((error = price_configs(check)) < 0 || (error = read_approvals(check)) < 0)
		return error;

	report->base_label = pc_xstrdup(pc_side_label(check->base));
	report->head_label = pc_xstrdup(pc_side_label(check->head));
	report->policy_label = pc_xstrdup(pc_side_label(check->world));
	if (pc_side_commit(check->base))
		report->base_commit = pc_xstrdup(pc_side_commit(check->base));
	if (pc_side_commit(check->head))
		report->head_commit = pc_xstrdup(pc_side_commit(check->head));
	if (pc_side_commit(check->world))
		report->policy_commit = pc_xstrdup(pc_side_commit(check->world));
	/*
	 * The base describes the world as it is now: the base revision's tip,
	 * not the merge base the author chose by branching; the head's only on
	 * first adoption.
	 */
	report->config = check->world_config ? check->world_config
		       : check->base_config ? check->base_config : check->head_config;
	report->config_from_head = !check->world_config && !check->base_config;
	/* what the change itself edits: the head against the configuration it started from */
	own_base = check->base_config ? check->base_config : check->world_config;
	if (own_base && check->head_config && own_base != check->head_config)
		pending_changes(&report->pending, own_base, check->head_config);

	if ((error = quiet_prepare(check)) < 0)
		return error;
	/* a reduced configuration is all visited (quiet.h) */
	if (check->quiet.reduced)
		all = pc_xcalloc(check->world_config->ntemplates + 1, sizeof(*all));
	for (size_t i = 0; all && i < check->world_config->ntemplates; i++)
		all[i] = true;
	error = pc_templates_collect(report, check->repo, check->base, check->head,
				     check->world_config, check->base_config, check->head_config,
				     all ? all : check->quiet.visit, check->quiet.loaded);
	free(all);
	if (error < 0)
		return error;
	pc_templates_count_tokens(report);
	if (check->cache && pc_cache_save(check->cache) < 0)
		pc_error_clear(); /* a cache only saves time: a read-only repository still checks */
	if ((error = read_volumes(check)) < 0)
		return error;
	set_rates(report, check->volumes);
	if ((error = pc_cost_report(report)) < 0)
		return error;
	pc_quiet_lines(report, &check->quiet);
	if ((error = price_notes(report, &check->quiet)) < 0 ||
	    (error = pc_policy_judge(report, &check->approvals, options->verified)) < 0)
		return error;
	if (check->quiet.visit)
		quiet_store(check);
	return 0;
}

void pc_check_release(struct pc_check *check)
{
	pc_report_release(&check->report);
	pc_approvals_release(&check->approvals);
	pc_volumes_free(check->volumes);
	/* configurations are shared between sides that have the same file (read_configs) */
	if (check->head_config != check->base_config && check->head_config != check->world_config)
		pc_config_free(check->head_config);
	if (check->base_config != check->world_config)
		pc_config_free(check->base_config);
	pc_config_free(check->world_config);
	free(check->unconfigured_note);
	pc_side_free(check->world);
	pc_side_free(check->base);
	pc_side_free(check->head);
	pc_repo_free(check->repo);
	pc_cache_free(check->cache);
	free(check->cache_dir);
	free(check->config_path);
	pc_quiet_release(&check->quiet);
	pc_buf_release(&check->quiet_key);
	memset(check, 0, sizeof(*check));
}
