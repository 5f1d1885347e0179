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
#include <stddef.h>
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
/* A configuration's templates by id. */
struct template_index {
	const struct pc_config *config;
	struct pc_name_index ids;
};

/* Who configures a template's glob: the world or the base (trusted), or the change. */
enum glob_origin {
	GLOB_BASE,       /* the merge base's configuration: a glob that matches nothing warns */
	GLOB_WORLD,      /* only the base revision's tip: describes its tree, not this one */
	GLOB_INTRODUCED  /* the head's, new in this change: matching nothing is a typo */
};

struct glob_ref {
	const struct pc_glob *glob;
	const struct pc_config *config; /* where it is written, for file:line:col */
	enum glob_origin origin;
};

struct collect {
	struct pc_side *sides[2];        /* base, head */
	struct pc_file_list lists[2];
	const struct pc_config *configs[3]; /* world, base, head */
	struct template_index index[3];
	struct pc_rename_list renames;
};

enum { CFG_WORLD, CFG_BASE, CFG_HEAD };

static void template_index_build(struct template_index *index, const struct pc_config *config)
{
	index->config = config;
	pc_name_index_init(&index->ids, config ? config->templates : NULL,
			   config ? config->ntemplates : 0, sizeof(*config->templates),
			   offsetof(struct pc_template_config, id));
}

/* The template with this id, or NULL (ids are unique within a configuration). */
static const struct pc_template_config *template_index_find(const struct template_index *index,
							    const char *id)
{
	size_t i = pc_name_index_find(&index->ids, id);

	return i == SIZE_MAX ? NULL : &index->config->templates[i];
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

static const struct pc_file_entry *list_find(const struct pc_file_list *list, const char *path)
{
	size_t i = first_with_prefix(list, path, strlen(path) + 1);

	return i < list->n && !strcmp(list->items[i].path, path) ? &list->items[i] : NULL;
}

/*
 * Matches globs against one side's files; counts matches per glob in hits.
 * The list is sorted, so the files a glob can match (those starting with its
 * literal prefix) are one run, found by binary search: matching every file
 * against every glob of every template was most of `check`'s time on a
 * library of a thousand templates. A submodule is no prompt: at the base it
 * is skipped with a warning; at the head (unless the base has it too) it is
 * an input error, since skipping it would make the prompt vanish.
 */
static int match_side(struct pc_template_side *side, const char *id, const struct glob_ref *globs,
		      size_t nglobs, const struct pc_file_list *list, size_t *hits,
		      const struct pc_file_list *base_list)
{
	size_t *found = NULL, nfound = 0, found_cap = 0;
	size_t cap = 0;
	int error = 0;

	for (size_t g = 0; g < nglobs; g++) {
		const char *glob = globs[g].glob->pattern;
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
			const struct pc_file_entry *before =
				base_list ? list_find(base_list, entry->path) : NULL;

			if (base_list && !(before && before->kind == PC_FILE_SUBMODULE)) {
				error = pc_error_set(PC_EINPUT,
					"%s: is a submodule, not a prompt (template '%s'): commit the "
					"file itself, or remove the template from %s in the same change",
					entry->path, id, PC_CONFIG_PATH);
				break;
			}
			pc_warn("%s: submodule skipped (template '%s')", entry->path, id);
			continue;
		}
		PC_GROW(side->files, cap, side->nfiles + 1);
		side->files[side->nfiles].path = pc_xstrdup(entry->path);
		side->files[side->nfiles].oid[0] = '\0';
		side->nfiles++;
	}
	free(found);
	return error;
}

static void side_add_file(struct pc_template_side *side, const char *path)
{
	side->files = pc_xrealloc(side->files, (side->nfiles + 1) * sizeof(*side->files));
	side->files[side->nfiles].path = pc_xstrdup(path);
	side->files[side->nfiles].oid[0] = '\0';
	side->nfiles++;
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

#define LFS_POINTER "version https://git-lfs.github.com/spec/v1"

/* Whether the base side has path with exactly the blob oid (the file is not part of the change). */
static bool base_has_blob(struct pc_side *base, const char *path, const char *oid)
{
	struct pc_buf ignored = PC_BUF_INIT;
	char base_oid[PC_OID_HEXSZ + 1];
	bool same = pc_side_read(&ignored, base_oid, base, path, PC_TEMPLATE_MAX_BYTES) == 0 &&
		    !strcmp(base_oid, oid);

	pc_error_clear();
	pc_buf_release(&ignored);
	return same;
}

/*
 * Reads a side's files into its text. At the base a binary file is skipped
 * with a warning. At the head (base_side set) a binary file or a Git LFS
 * pointer that the change brings is an input error: skipping or counting a
 * pointer would make the prompt vanish.
 */
static int read_side(struct pc_report *report, struct pc_template_side *side,
		     struct pc_side *git_side, const char *template_id, struct pc_side *base_side)
{
	struct pc_buf content = PC_BUF_INIT;
	size_t kept = 0, i;
	int error = 0;

	/* files[0..kept) are read, skipped binary files are freed, files[i..) are still to do */
	for (i = 0; i < side->nfiles; i++) {
		struct pc_side_file *file = &side->files[i];
		size_t bad;
		bool binary, lfs;

		pc_buf_reset(&content);
		error = pc_side_read(&content, file->oid, git_side, file->path,
				     PC_TEMPLATE_MAX_BYTES);
		if (error == PC_ENOTFOUND)
			error = pc_error_set(PC_EGIT, "%s: listed but cannot be read", file->path);
		if (error)
			goto done;
		/* git's own test: a NUL in the first 8000 bytes means binary */
		binary = memchr(content.ptr, '\0', content.len < 8000 ? content.len : 8000) != NULL;
		lfs = content.len >= strlen(LFS_POINTER) &&
		      !memcmp(content.ptr, LFS_POINTER, strlen(LFS_POINTER));
		if (base_side && (binary || lfs) &&
		    !base_has_blob(base_side, file->path, file->oid)) {
			error = pc_error_set(PC_EINPUT,
				"%s: %s in the %s, not a prompt (template '%s'): commit the text "
				"itself, or remove the template from %s in the same change",
				file->path, binary ? "is a binary file" : "is a Git LFS pointer",
				pc_side_label(git_side), template_id, PC_CONFIG_PATH);
			goto done;
		}
		if (binary) {
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
			if (base_side) {
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
 * Prices come from the world's configuration (the base revision's tip) when
 * it knows the model, else the merge base's; a model that only the head
 * defines is priced from the head, and the report says so.
 */
static const struct pc_model *price_model(struct pc_report *report, const struct collect *c,
					  const char *name)
{
	const struct pc_model *model = NULL;

	for (int k = CFG_WORLD; k <= CFG_BASE && !model; k++)
		if (c->configs[k])
			model = pc_config_model(c->configs[k], name);
	if (!model && c->configs[CFG_HEAD]) {
		model = pc_config_model(c->configs[CFG_HEAD], name);
		if (model && (c->configs[CFG_WORLD] || c->configs[CFG_BASE])) {
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

static size_t count_matches(const struct pc_file_list *list, const char *glob)
{
	size_t n = 0;

	for (size_t i = 0; i < list->n; i++)
		n += pc_glob_match(glob, list->items[i].path);
	return n;
}

/*
 * A glob that matches nothing on either side: a typo when the change
 * introduces it (a new template, or a pattern the base does not have); a
 * warning when the base has it (its files were deleted, earlier or now:
 * an error would jam every later commit); silence for a glob only the base
 * revision's tip has (it describes that tree, which this branch may predate).
 */
static int check_glob(const struct glob_ref *ref, const char *id, size_t hits,
		      const struct collect *c)
{
	const struct pc_glob *glob = ref->glob;

	if (hits)
		return 0;
	if (ref->origin == GLOB_INTRODUCED && count_matches(&c->lists[0], glob->pattern))
		return 0;
	if (ref->origin == GLOB_WORLD)
		return 0;
	if (ref->origin == GLOB_BASE) {
		pc_warn("%s:%u:%u: '%s' in template '%s' matches no file on either side of the "
			"comparison", ref->config->path, glob->pos.line, glob->pos.col,
			glob->pattern, id);
		return 0;
	}
	if (!has_wildcard(glob->pattern) &&
	    (is_directory_prefix(&c->lists[0], glob->pattern) ||
	     is_directory_prefix(&c->lists[1], glob->pattern)))
		return pc_error_set(PC_EINPUT,
			"%s:%u:%u: '%s' in template '%s' names a directory (did you mean '%s/**'?)",
			ref->config->path, glob->pos.line, glob->pos.col, glob->pattern, id,
			glob->pattern);
	return pc_error_set(PC_EINPUT,
		"%s:%u:%u: '%s' in template '%s' matches no file on either side of the comparison",
		ref->config->path, glob->pos.line, glob->pos.col, glob->pattern, id);
}

/* Appends tmpl's globs not yet in globs[0..*n), with their origin. */
static void add_globs(struct glob_ref **globs, size_t *n, size_t *cap,
		      const struct pc_template_config *tmpl, const struct pc_config *config,
		      enum glob_origin origin)
{
	if (!tmpl)
		return;
	for (size_t f = 0; f < tmpl->nfiles; f++) {
		bool known = false;

		for (size_t k = 0; k < *n && !known; k++)
			known = !strcmp((*globs)[k].glob->pattern, tmpl->files[f].pattern);
		if (known)
			continue;
		PC_GROW(*globs, *cap, *n + 1);
		(*globs)[*n].glob = &tmpl->files[f];
		(*globs)[*n].config = config;
		(*globs)[*n].origin = origin;
		(*n)++;
	}
}

static void files_text(struct pc_buf *out, const struct pc_template_config *tmpl)
{
	for (size_t f = 0; f < tmpl->nfiles; f++)
		pc_buf_addf(out, "%s%s", f ? ", " : "", tmpl->files[f].pattern);
}

static bool same_patterns(const struct pc_template_config *a, const struct pc_template_config *b)
{
	if (a->nfiles != b->nfiles)
		return false;
	for (size_t f = 0; f < a->nfiles; f++)
		if (strcmp(a->files[f].pattern, b->files[f].pattern))
			return false;
	return true;
}

static void pending_note(struct pc_report *report, const char *text)
{
	if (!pc_strlist_contains(&report->pending, text))
		pc_strlist_push(&report->pending, text);
}

/*
 * A base file of the template that the head's globs no longer match: git's
 * rename data says where it went (the prompt is still there, and is priced
 * at its new path); a file that went nowhere while the head still lists the
 * template is an input error, unless a wildcard glob that matched it still
 * matches other files (deleting some files of a folder is a modification).
 */
static int follow_files(struct pc_template_report *t, const struct collect *c,
			const struct glob_ref *globs, size_t nglobs, const size_t *hits_after,
			bool head_lists_it)
{
	for (size_t i = 0; i < t->before.nfiles; i++) {
		const char *path = t->before.files[i].path;
		const char *moved = NULL;
		bool covered = false;

		if (side_has_path(&t->after, path) || list_find(&c->lists[1], path))
			continue;
		for (size_t r = 0; r < c->renames.n && !moved; r++)
			if (!strcmp(c->renames.items[r].old_path, path))
				moved = c->renames.items[r].new_path;
		if (moved && list_find(&c->lists[1], moved)) {
			if (!side_has_path(&t->after, moved)) {
				side_add_file(&t->after, moved);
				pc_warn("%s: renamed to '%s', which template '%s' does not list: "
					"priced at its new path; update the template's files in %s",
					path, moved, t->id, PC_CONFIG_PATH);
			}
			continue;
		}
		if (!head_lists_it)
			continue;
		for (size_t g = 0; g < nglobs && !covered; g++)
			covered = has_wildcard(globs[g].glob->pattern) && hits_after[g] > 0 &&
				  pc_glob_match(globs[g].glob->pattern, path);
		if (!covered)
			return pc_error_set(PC_EINPUT,
				"%s: a file of template '%s' is gone from the %s: restore the file, "
				"or remove the template from %s in the same change",
				path, t->id, pc_side_label(c->sides[1]), PC_CONFIG_PATH);
	}
	return 0;
}

static void template_discard(struct pc_template_report *t)
{
	struct pc_template_side *sides[2] = { &t->before, &t->after };

	free(t->id);
	for (int s = 0; s < 2; s++) {
		for (size_t i = 0; i < sides[s]->nfiles; i++)
			free(sides[s]->files[i].path);
		free(sides[s]->files);
		pc_buf_release(&sides[s]->text);
	}
	pc_buf_release(&t->added_lines);
	pc_buf_release(&t->removed_lines);
	memset(t, 0, sizeof(*t));
}

/*
 * One template. The base side's files are what the base's globs (the merge
 * base's and the world's) match at the base; the head side's are what those
 * globs and the head's own match at the head, so a head that points its
 * globs elsewhere cannot make the judged prompt smaller. A template the head
 * no longer configures is deleted only when its files are gone too.
 */
static int collect_template(struct pc_report *report, struct collect *c, const char *id)
{
	const struct pc_template_config *cw, *cb, *ch, *own;
	struct pc_template_report *t;
	struct glob_ref *globs = NULL;
	size_t nold = 0, nglobs = 0, globs_cap = 0;
	size_t *hits[2] = { NULL, NULL };
	const char *model_before, *model_after;
	int error = 0;

	cw = template_index_find(&c->index[CFG_WORLD], id);
	cb = template_index_find(&c->index[CFG_BASE], id);
	ch = template_index_find(&c->index[CFG_HEAD], id);
	own = cb ? cb : cw; /* what the change started from */

	t = &report->templates[report->ntemplates++];
	memset(t, 0, sizeof(*t));
	t->id = pc_xstrdup(id);
	pc_buf_init(&t->before.text);
	pc_buf_init(&t->after.text);
	pc_buf_init(&t->added_lines);
	pc_buf_init(&t->removed_lines);
	/* the base describes the world: volumes, team and use case */
	t->volume = cw ? cw : cb ? cb : ch;
	t->team = t->volume->team;
	t->use_case = t->volume->use_case;

	add_globs(&globs, &nglobs, &globs_cap, cb, c->configs[CFG_BASE], GLOB_BASE);
	add_globs(&globs, &nglobs, &globs_cap, cw, c->configs[CFG_WORLD], GLOB_WORLD);
	if (!nglobs) /* a template new in this change: its own globs on both sides */
		add_globs(&globs, &nglobs, &globs_cap, ch, c->configs[CFG_HEAD],
			  GLOB_INTRODUCED);
	nold = nglobs;
	add_globs(&globs, &nglobs, &globs_cap, ch, c->configs[CFG_HEAD], GLOB_INTRODUCED);

	hits[0] = pc_xcalloc(nglobs ? nglobs : 1, sizeof(size_t));
	hits[1] = pc_xcalloc(nglobs ? nglobs : 1, sizeof(size_t));
	if ((error = match_side(&t->before, id, globs, nold, &c->lists[0], hits[0], NULL)) < 0 ||
	    (error = match_side(&t->after, id, globs, nglobs, &c->lists[1], hits[1],
				&c->lists[0])) < 0 ||
	    (error = follow_files(t, c, globs, nglobs, hits[1], ch != NULL)) < 0)
		goto done;
	for (size_t g = 0; g < nglobs; g++)
		if ((error = check_glob(&globs[g], id, hits[0][g] + hits[1][g], c)) < 0)
			goto done;

	model_before = (cb ? cb : cw ? cw : ch)->model;
	model_after = (ch ? ch : cb ? cb : cw)->model;
	for (int s = 0; s < 2; s++) {
		const struct pc_template_config *tmpl = s ? (ch ? ch : own) : (own ? own : ch);
		struct pc_template_side *side = s ? &t->after : &t->before;

		side->model_name = s ? model_after : model_before;
		side->model = price_model(report, c, side->model_name);
		if (!side->model) {
			const struct pc_config *config =
				tmpl == ch ? c->configs[CFG_HEAD]
					   : tmpl == cb ? c->configs[CFG_BASE] : c->configs[CFG_WORLD];

			error = pc_error_set(PC_EINPUT, "%s:%u:%u: unknown model '%s' in template '%s'",
					     config->path, tmpl->model_pos.line, tmpl->model_pos.col,
					     tmpl->model, id);
			goto done;
		}
	}
	if ((error = read_side(report, &t->before, c->sides[0], id, NULL)) < 0 ||
	    (error = read_side(report, &t->after, c->sides[1], id, c->sides[0])) < 0)
		goto done;
	t->before.present = t->before.nfiles > 0;
	t->after.present = t->after.nfiles > 0;
	if (!t->before.present && !t->after.present) {
		/* nothing on either side (warned above): no row */
		template_discard(t);
		report->ntemplates--;
		goto done;
	}
	if (cb && !ch && t->after.present) {
		struct pc_buf note = PC_BUF_INIT;

		pc_buf_addf(&note, "template '%s' removed from the configuration (its files are "
			    "still there: judged as the base sees it until they are removed)", id);
		pending_note(report, note.ptr);
		pc_buf_release(&note);
	}
	if (own && ch && !same_patterns(own, ch)) {
		struct pc_buf note = PC_BUF_INIT;

		pc_buf_addf(&note, "template '%s' files: ", id);
		files_text(&note, own);
		pc_buf_adds(&note, " -> ");
		files_text(&note, ch);
		pc_buf_adds(&note, " (until merged, the head is judged by both)");
		pending_note(report, note.ptr);
		pc_buf_release(&note);
	}
	t->change = classify(c, t);
	if (t->change != PC_CHANGE_UNCHANGED)
		error = pc_diff_lines(&t->added_lines, &t->removed_lines, t->before.text.ptr,
				      t->before.text.len, t->after.text.ptr, t->after.text.len);
done:
	free(globs);
	free(hits[0]);
	free(hits[1]);
	return error;
}

int pc_templates_collect(struct pc_report *report, struct pc_repo *repo, struct pc_side *base,
			 struct pc_side *head, const struct pc_config *world_config,
			 const struct pc_config *base_config, const struct pc_config *head_config)
{
	struct collect c;
	struct pc_strlist ids = PC_STRLIST_INIT;
	int error = 0;

	assert(world_config || base_config || head_config);
	memset(&c, 0, sizeof(c));
	c.sides[0] = base;
	c.sides[1] = head;
	c.configs[CFG_WORLD] = world_config;
	c.configs[CFG_BASE] = base_config;
	c.configs[CFG_HEAD] = head_config;

	if ((error = pc_side_files(&c.lists[0], base)) < 0 ||
	    (error = pc_side_files(&c.lists[1], head)) < 0 ||
	    (error = pc_repo_renames(&c.renames, repo, base, head)) < 0)
		goto done;

	/* every template any side configures, world order first (ids are unique on a side) */
	for (int k = 0; k < 3; k++)
		template_index_build(&c.index[k], c.configs[k]);
	for (int k = 0; k < 3; k++) {
		if (!c.configs[k])
			continue;
		for (size_t i = 0; i < c.configs[k]->ntemplates; i++) {
			const char *id = c.configs[k]->templates[i].id;
			bool seen = false;

			for (int e = 0; e < k && !seen; e++)
				seen = template_index_find(&c.index[e], id) != NULL;
			if (!seen)
				pc_strlist_push(&ids, id);
		}
	}
	report->templates = pc_xcalloc(ids.n ? ids.n : 1, sizeof(*report->templates));
	for (size_t i = 0; i < ids.n; i++)
		if ((error = collect_template(report, &c, ids.items[i])) < 0)
			goto done;
done:
	pc_strlist_release(&ids);
	for (int k = 0; k < 3; k++)
		pc_name_index_release(&c.index[k].ids);
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
