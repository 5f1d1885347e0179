/*
 * The templates stage: matches each configured template's globs against the
 * files of both sides, reads and concatenates its files, classifies the
 * change (added, modified, deleted, renamed, unchanged) and keeps the line
 * diff; then counts the tokens of all of it.
 */
#include "promptcost/templates.h"

#include "promptcost/glob.h"
#include "promptcost/tokenizer.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* ---- globs ---- */

static bool has_wildcard(const char *glob)
{
	return strpbrk(glob, "*?[") != NULL;
}

/* ---- collecting ---- */

/*
 * One configuration's templates sorted by id: with a thousand templates,
 * finding each one by a linear search (pc_config_template) took a tenth of
 * `check`'s time.
 */
struct template_index {
	const struct pc_template_config **items;
	size_t n;
};

struct collect {
	struct pc_side *sides[2];        /* base, head */
	struct pc_file_list lists[2];
	const struct pc_config *configs[2];
	struct template_index index[2];
	struct pc_rename_list renames;
};

static int compare_template_ids(const void *a, const void *b)
{
	return strcmp((*(const struct pc_template_config *const *)a)->id,
		      (*(const struct pc_template_config *const *)b)->id);
}

static void template_index_build(struct template_index *index, const struct pc_config *config)
{
	index->n = config ? config->ntemplates : 0;
	index->items = pc_xcalloc(index->n ? index->n : 1, sizeof(*index->items));
	for (size_t i = 0; i < index->n; i++)
		index->items[i] = &config->templates[i];
	qsort(index->items, index->n, sizeof(*index->items), compare_template_ids);
}

/* The template with this id, or NULL (ids are unique within a configuration). */
static const struct pc_template_config *template_index_find(const struct template_index *index,
							    const char *id)
{
	size_t lo = 0, hi = index->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(index->items[mid]->id, id);

		if (!cmp)
			return index->items[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool is_directory_prefix(const struct pc_file_list *list, const char *glob)
{
	size_t len = strlen(glob);

	while (len && glob[len - 1] == '/')
		len--;
	for (size_t i = 0; i < list->n; i++)
		if (!strncmp(list->items[i].path, glob, len) && list->items[i].path[len] == '/')
			return true;
	return false;
}

static int compare_side_files(const void *a, const void *b)
{
	return strcmp(((const struct pc_side_file *)a)->path, ((const struct pc_side_file *)b)->path);
}

/*
 * The literal start of a glob: what comes before its first wildcard or
 * escape. Every path the glob matches starts with exactly these bytes.
 */
static size_t literal_prefix_len(const char *glob)
{
	return strcspn(glob, "*?[\\");
}

/* The first entry of the sorted list whose path does not sort before prefix[0..len). */
static size_t first_with_prefix(const struct pc_file_list *list, const char *prefix, size_t len)
{
	size_t lo = 0, hi = list->n;

	/* truncating keeps strcmp order, so "before the prefix" is a run at the start */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strncmp(list->items[mid].path, prefix, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int compare_indexes(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/*
 * Matches tmpl's globs against one side's files; counts matches per glob in
 * hits. The list is sorted, so the files a glob can match (those starting
 * with its literal prefix) are one run, found by binary search: matching
 * every file against every glob of every template was most of `check`'s
 * time on a library of a thousand templates.
 */
static void match_side(struct pc_template_side *side, const struct pc_template_config *tmpl,
		       const struct pc_file_list *list, size_t *hits)
{
	size_t *found = NULL, nfound = 0, found_cap = 0;
	size_t cap = 0;

	for (size_t g = 0; g < tmpl->nfiles; g++) {
		const char *glob = tmpl->files[g].pattern;
		size_t len = literal_prefix_len(glob);

		for (size_t i = first_with_prefix(list, glob, len);
		     i < list->n && !strncmp(list->items[i].path, glob, len); i++) {
			if (!pc_glob_match(glob, list->items[i].path))
				continue;
			hits[g]++;
			PC_GROW(found, found_cap, nfound + 1);
			found[nfound++] = i;
		}
	}
	/* back in list order, each file once even when several globs match it */
	if (nfound > 1)
		qsort(found, nfound, sizeof(*found), compare_indexes);
	for (size_t k = 0; k < nfound; k++) {
		const struct pc_file_entry *entry = &list->items[found[k]];

		if (k && found[k] == found[k - 1])
			continue;
		if (entry->kind == PC_FILE_SUBMODULE) {
			pc_warn("%s: submodule skipped (template '%s')", entry->path, tmpl->id);
			continue;
		}
		PC_GROW(side->files, cap, side->nfiles + 1);
		side->files[side->nfiles].path = pc_xstrdup(entry->path);
		side->files[side->nfiles].oid[0] = '\0';
		side->nfiles++;
	}
	free(found);
	/* the list is sorted, so the files are in path order already */
	if (side->nfiles > 1)
		qsort(side->files, side->nfiles, sizeof(*side->files), compare_side_files);
}

/* The line and column of byte offset `at` in text, 1-based. */
static void text_position(const char *text, size_t at, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < at; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

/* The offset of the first invalid UTF-8 sequence in s, or len when it is all valid. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp, min;
		uint64_t word;

		/* eight ASCII bytes at a time: prompts are mostly ASCII, and this
		 * loop was a twentieth of `check` on a large library */
		if (i + 8 <= len) {
			memcpy(&word, s + i, 8);
			if (!(word & 0x8080808080808080ULL)) {
				i += 8;
				continue;
			}
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1; cp = c & 0x1F; min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2; cp = c & 0x0F; min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3; cp = c & 0x07; min = 0x10000;
		} else {
			return i;
		}
		if (i + n >= len)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += n + 1;
	}
	return len;
}

/* Reads a side's files into its text; binary files are skipped with a warning. */
static int read_side(struct pc_report *report, struct pc_template_side *side,
		     struct pc_side *git_side, const char *template_id, bool is_head)
{
	struct pc_buf content = PC_BUF_INIT;
	size_t kept = 0, i;
	int error = 0;

	/* files[0..kept) are read, skipped binary files are freed, files[i..) are still to do */
	for (i = 0; i < side->nfiles; i++) {
		struct pc_side_file *file = &side->files[i];
		size_t bad;

		pc_buf_reset(&content);
		error = pc_side_read(&content, file->oid, git_side, file->path,
				     PC_TEMPLATE_MAX_BYTES);
		if (error == PC_ENOTFOUND)
			error = pc_error_set(PC_EGIT, "%s: listed but cannot be read", file->path);
		if (error)
			goto done;
		/* git's own test: a NUL in the first 8000 bytes means binary */
		if (memchr(content.ptr, '\0', content.len < 8000 ? content.len : 8000)) {
			pc_warn("%s: binary file skipped (template '%s', %s)", file->path,
				template_id, pc_side_label(git_side));
			if (!pc_strlist_contains(&report->skipped, file->path))
				pc_strlist_push(&report->skipped, file->path);
			free(file->path);
			continue;
		}
		bad = utf8_invalid_at((const unsigned char *)content.ptr, content.len);
		if (bad < content.len) {
			unsigned line, col;

			text_position(content.ptr, bad, &line, &col);
			if (is_head) {
				error = pc_error_set(PC_EINPUT,
					"%s:%u:%u: invalid UTF-8 in template '%s' (save the file as UTF-8)",
					file->path, line, col, template_id);
				goto done;
			}
			pc_warn("%s:%u:%u: invalid UTF-8 at the base, counted as U+FFFD as tiktoken does",
				file->path, line, col);
		}
		file->len = content.len;
		pc_buf_add(&side->text, content.ptr, content.len);
		side->files[kept++] = *file;
	}
	side->nfiles = kept;
done:
	if (error) {
		/* keep the array consistent for release: the unread files still own their paths */
		for (; i < side->nfiles; i++)
			side->files[kept++] = side->files[i];
		side->nfiles = kept;
	}
	pc_buf_release(&content);
	return error;
}

static bool same_files(const struct pc_template_side *a, const struct pc_template_side *b)
{
	if (a->nfiles != b->nfiles)
		return false;
	for (size_t i = 0; i < a->nfiles; i++)
		if (strcmp(a->files[i].path, b->files[i].path))
			return false;
	return true;
}

static bool side_has_path(const struct pc_template_side *side, const char *path)
{
	for (size_t i = 0; i < side->nfiles; i++)
		if (!strcmp(side->files[i].path, path))
			return true;
	return false;
}

static enum pc_change classify(const struct collect *c, const struct pc_template_report *t)
{
	if (!t->before.present && !t->after.present)
		return PC_CHANGE_UNCHANGED;
	if (!t->before.present)
		return PC_CHANGE_ADDED;
	if (!t->after.present)
		return PC_CHANGE_DELETED;
	if (!same_files(&t->before, &t->after)) {
		for (size_t i = 0; i < c->renames.n; i++)
			if (side_has_path(&t->before, c->renames.items[i].old_path) &&
			    side_has_path(&t->after, c->renames.items[i].new_path))
				return PC_CHANGE_RENAMED;
		return PC_CHANGE_MODIFIED;
	}
	if (t->before.text.len != t->after.text.len ||
	    memcmp(t->before.text.ptr, t->after.text.ptr, t->before.text.len))
		return PC_CHANGE_MODIFIED;
	return PC_CHANGE_UNCHANGED;
}

/*
 * Prices come from the base configuration when it knows the model; a model
 * that only the head defines is priced from the head, and the report says so.
 */
static const struct pc_model *price_model(struct pc_report *report, const struct collect *c,
					  const char *name)
{
	const struct pc_model *model = NULL;

	if (c->configs[0])
		model = pc_config_model(c->configs[0], name);
	if (!model && c->configs[1]) {
		model = pc_config_model(c->configs[1], name);
		if (model && c->configs[0]) {
			struct pc_buf note = PC_BUF_INIT;

			pc_buf_addf(&note, "model '%s' is new in this change: priced from the head's "
				    "configuration until it is merged", name);
			if (!pc_strlist_contains(&report->pending, note.ptr))
				pc_strlist_push(&report->pending, note.ptr);
			pc_buf_release(&note);
		}
	}
	return model;
}

static int check_globs(const struct pc_config *config, const struct pc_template_config *tmpl,
		       const size_t *hits, const struct collect *c)
{
	for (size_t g = 0; g < tmpl->nfiles; g++) {
		const struct pc_glob *glob = &tmpl->files[g];

		if (hits[g])
			continue;
		if (!has_wildcard(glob->pattern) &&
		    (is_directory_prefix(&c->lists[0], glob->pattern) ||
		     is_directory_prefix(&c->lists[1], glob->pattern)))
			return pc_error_set(PC_EINPUT,
				"%s:%u:%u: '%s' in template '%s' names a directory (did you mean '%s/**'?)",
				config->path, glob->pos.line, glob->pos.col, glob->pattern, tmpl->id,
				glob->pattern);
		return pc_error_set(PC_EINPUT,
			"%s:%u:%u: '%s' in template '%s' matches no file on either side of the comparison",
			config->path, glob->pos.line, glob->pos.col, glob->pattern, tmpl->id);
	}
	return 0;
}

static int collect_template(struct pc_report *report, struct collect *c, const char *id)
{
	const struct pc_template_config *cfgs[2] = { NULL, NULL };
	struct pc_template_report *t;
	size_t *hits[2] = { NULL, NULL };
	int error = 0;

	for (int s = 0; s < 2; s++)
		cfgs[s] = template_index_find(&c->index[s], id);

	t = &report->templates[report->ntemplates++];
	memset(t, 0, sizeof(*t));
	t->id = pc_xstrdup(id);
	pc_buf_init(&t->before.text);
	pc_buf_init(&t->after.text);
	pc_buf_init(&t->added_lines);
	pc_buf_init(&t->removed_lines);
	/* the base describes the world: volumes, team and use case */
	t->volume = cfgs[0] ? cfgs[0] : cfgs[1];
	t->team = t->volume->team;
	t->use_case = t->volume->use_case;

	for (int s = 0; s < 2; s++) {
		/* each side's own globs; the other side's when only one configures it */
		const struct pc_template_config *tmpl = cfgs[s] ? cfgs[s] : cfgs[1 - s];
		struct pc_template_side *side = s ? &t->after : &t->before;

		hits[s] = pc_xcalloc(tmpl->nfiles, sizeof(size_t));
		match_side(side, tmpl, &c->lists[s], hits[s]);
		side->model_name = tmpl->model;
		side->model = price_model(report, c, tmpl->model);
		if (!side->model) {
			const struct pc_config *config = cfgs[s] ? c->configs[s] : c->configs[1 - s];

			error = pc_error_set(PC_EINPUT, "%s:%u:%u: unknown model '%s' in template '%s'",
					     config->path, tmpl->model_pos.line, tmpl->model_pos.col,
					     tmpl->model, id);
			goto done;
		}
	}
	for (int s = 0; s < 2; s++) {
		const struct pc_template_config *tmpl = cfgs[s] ? cfgs[s] : cfgs[1 - s];
		const struct pc_config *config = cfgs[s] ? c->configs[s] : c->configs[1 - s];
		size_t *both = pc_xcalloc(tmpl->nfiles, sizeof(size_t));

		/* a glob is a typo only when it matches on neither side */
		for (size_t g = 0; g < tmpl->nfiles; g++) {
			both[g] = hits[s][g];
			if (cfgs[1 - s] == NULL || cfgs[1 - s] == tmpl)
				both[g] += hits[1 - s][g];
			else
				for (size_t h = 0; h < cfgs[1 - s]->nfiles; h++)
					if (!strcmp(cfgs[1 - s]->files[h].pattern, tmpl->files[g].pattern))
						both[g] += hits[1 - s][h];
		}
		error = check_globs(config, tmpl, both, c);
		free(both);
		if (error)
			goto done;
	}
	for (int s = 0; s < 2; s++) {
		struct pc_template_side *side = s ? &t->after : &t->before;

		error = read_side(report, side, c->sides[s], id, s == 1);
		if (error)
			goto done;
		side->present = side->nfiles > 0;
	}
	t->change = classify(c, t);
	if (t->change != PC_CHANGE_UNCHANGED)
		error = pc_diff_lines(&t->added_lines, &t->removed_lines, t->before.text.ptr,
				      t->before.text.len, t->after.text.ptr, t->after.text.len);
done:
	free(hits[0]);
	free(hits[1]);
	return error;
}

int pc_templates_collect(struct pc_report *report, struct pc_repo *repo, struct pc_side *base,
			 struct pc_side *head, const struct pc_config *base_config,
			 const struct pc_config *head_config)
{
	struct collect c;
	struct pc_strlist ids = PC_STRLIST_INIT;
	int error = 0;

	assert(base_config || head_config);
	memset(&c, 0, sizeof(c));
	c.sides[0] = base;
	c.sides[1] = head;
	c.configs[0] = base_config;
	c.configs[1] = head_config;

	if ((error = pc_side_files(&c.lists[0], base)) < 0 ||
	    (error = pc_side_files(&c.lists[1], head)) < 0 ||
	    (error = pc_repo_renames(&c.renames, repo, base, head)) < 0)
		goto done;

	/* every template either side configures, base order first (ids are unique on a side) */
	for (int s = 0; s < 2; s++)
		template_index_build(&c.index[s], c.configs[s]);
	for (int s = 0; s < 2; s++)
		if (c.configs[s])
			for (size_t i = 0; i < c.configs[s]->ntemplates; i++)
				if (s == 0 || !template_index_find(&c.index[0],
								   c.configs[s]->templates[i].id))
					pc_strlist_push(&ids, c.configs[s]->templates[i].id);
	report->templates = pc_xcalloc(ids.n, sizeof(*report->templates));
	for (size_t i = 0; i < ids.n; i++)
		if ((error = collect_template(report, &c, ids.items[i])) < 0)
			goto done;
done:
	pc_strlist_release(&ids);
	free(c.index[0].items);
	free(c.index[1].items);
	pc_file_list_release(&c.lists[0]);
	pc_file_list_release(&c.lists[1]);
	pc_rename_list_release(&c.renames);
	return error;
}

/* ---- tokens ---- */

static int64_t count_tokens(const struct pc_model *model, const char *text, size_t len)
{
	int64_t n;

	if (!len)
		return 0;
	n = (int64_t)pc_tokens_count(model->encoding, text, len);
	if (model->approximate) /* an estimate: the base encoding's count scaled, rounded up */
		n = (int64_t)(((pc_int128)n * model->approx_factor_ppm + 999999) / 1000000);
	return n;
}

void pc_templates_count_tokens(struct pc_report *report)
{
	report->exact = true;
	for (size_t i = 0; i < report->ntemplates; i++) {
		struct pc_template_report *t = &report->templates[i];
		const struct pc_model *after_model = t->after.model;

		t->before.tokens = count_tokens(t->before.model, t->before.text.ptr,
						t->before.text.len);
		/* the same text in the same encoding needs counting once */
		if (t->change == PC_CHANGE_UNCHANGED && t->before.model == after_model)
			t->after.tokens = t->before.tokens;
		else
			t->after.tokens = count_tokens(after_model, t->after.text.ptr,
						       t->after.text.len);
		t->tokens_added = count_tokens(after_model, t->added_lines.ptr, t->added_lines.len);
		t->tokens_removed = count_tokens(t->before.model, t->removed_lines.ptr,
						 t->removed_lines.len);
		t->delta_tokens = t->after.tokens - t->before.tokens;
		t->exact = !t->before.model->approximate && !after_model->approximate;
		/* the report shows the changed templates' figures: only theirs make it estimated */
		if (!t->exact && t->change != PC_CHANGE_UNCHANGED)
			report->exact = false;
	}
}
