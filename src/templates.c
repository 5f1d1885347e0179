/*
 * The templates stage: matches each configured template's globs against the
 * files of both sides, reads and concatenates its files, classifies the
 * change (added, modified, deleted, renamed, unchanged) and keeps the line
 * diff; then counts the tokens of all of it.
 */
#include "promptcost/templates.h"

#include "promptcost/cache.h"
#include "promptcost/crypto.h"
#include "promptcost/formats.h"
#include "promptcost/glob.h"
#include "promptcost/includes.h"
#include "promptcost/tokenizer.h"

#include <assert.h>
#include <stddef.h>
#include <ctype.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "version.h" /* PC_VERSION: a new build counts afresh */

/* ---- globs ---- */

static bool has_wildcard(const char *glob)
{
	return strpbrk(glob, "*?[") != NULL;
}

/* ---- collecting ---- */

static bool same_fragment(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/*
 * A configuration's templates by id, in an open-addressing hash table (ids
 * are unique within a configuration): with a thousand templates, finding
 * each one by a linear search (pc_config_template) took a tenth of
 * `check`'s time, and sorting them for a binary search three times a run,
 * with five searches per template, was still 3 million instructions.
 */
struct template_index {
	struct pc_name_index ids;                    /* items' ids, the first of equal ones */
	const struct pc_template_config *const *items;
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
	struct pc_name_index by_path[2]; /* lists[s] by path, for literal globs and look-ups */
	/*
	 * A few templates of a large listing (the quiet snapshot's run,
	 * quiet.h): lists are searched by bisection instead, as hashing ten
	 * thousand paths for fifty look-ups cost more than the look-ups.
	 */
	bool bisect;
	const struct pc_config *configs[3]; /* world, base, head */
	/* each configuration's templates in its order, families' members after them */
	const struct pc_template_config **order[3];
	size_t norder[3];
	struct template_index index[3];
	/*
	 * same_as[k]: an earlier configuration k shares (the same object, as
	 * check.c passes one parsed file for sides that have the same blob), so
	 * that its templates are the same structs and need no look-up of their
	 * own; k itself otherwise. Not with families, whose members are made
	 * per configuration.
	 */
	int same_as[3];
	/*
	 * git's renames between the sides, found the first time a template's
	 * file is gone from the head (the only case where one counts: classify,
	 * follow_files): most changes move no template file, and rename
	 * detection over a whole repository was most of a check's time.
	 */
	struct pc_repo *repo;
	bool renames_found;
	struct pc_rename_list renames;
	/*
	 * The folders every glob's literal start lies in (glob_folders): the
	 * lists hold every file under them, and may hold others. all_dirs: some
	 * glob starts with no folder, so the lists are whole.
	 */
	struct pc_strlist dirs;
	bool all_dirs;
};

enum { CFG_WORLD, CFG_BASE, CFG_HEAD };

static void template_index_build(struct template_index *index,
				 const struct pc_template_config *const *items, size_t n)
{
	const char **ids = pc_xcalloc(n ? n : 1, sizeof(*ids));

	for (size_t i = 0; i < n; i++)
		ids[i] = items[i]->id;
	pc_name_index_init(&index->ids, ids, n, sizeof(*ids), 0);
	index->items = items;
	free(ids); /* the index keeps the ids themselves, not the array */
}

/* The template with this id, or NULL. */
static const struct pc_template_config *template_index_find(const struct template_index *index,
							    const char *id)
{
	size_t k = pc_name_index_find(&index->ids, id);

	return k == SIZE_MAX ? NULL : index->items[k];
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
	const struct pc_side_file *x = a, *y = b;
	int cmp = strcmp(x->path, y->path);

	if (cmp || same_fragment(x->fragment, y->fragment))
		return cmp;
	return !x->fragment ? -1 : !y->fragment ? 1 : strcmp(x->fragment, y->fragment);
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

/*
 * The entry of side s's list with this path, or NULL: most globs name one
 * file, and finding it by binary search over a thousand paths (with the
 * look-ups of blob ids and renames) was a tenth of the templates stage.
 */
static const struct pc_file_entry *list_find(const struct collect *c, int s, const char *path)
{
	size_t k;

	if (c->bisect) {
		const struct pc_file_list *list = &c->lists[s];
		size_t at = first_with_prefix(list, path, strlen(path) + 1);

		return at < list->n && !strcmp(list->items[at].path, path) ? &list->items[at] : NULL;
	}
	k = pc_name_index_find(&c->by_path[s], path);

	return k == SIZE_MAX ? NULL : &c->lists[s].items[k];
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
struct found_file {
	size_t file;            /* index in the side's list */
	size_t glob;            /* the first glob that matched it with this fragment */
};

static int compare_found(const void *a, const void *b)
{
	const struct found_file *x = a, *y = b;

	if (x->file != y->file)
		return (x->file > y->file) - (x->file < y->file);
	return (x->glob > y->glob) - (x->glob < y->glob);
}

static int match_side(struct pc_template_side *side, const char *id, const struct glob_ref *globs,
		      size_t nglobs, const struct collect *c, int s, size_t *hits)
{
	const struct pc_file_list *list = &c->lists[s];
	struct found_file few[8], *found = few; /* most globs name a file or two */
	size_t nfound = 0, found_cap = sizeof(few) / sizeof(few[0]);
	size_t cap = 0;
	int error = 0;

	for (size_t g = 0; g < nglobs; g++) {
		const char *glob = globs[g].glob->pattern;
		size_t len = pc_glob_literal_len(glob);

		if (!glob[len]) { /* no wildcard: the one file of that path, if any */
			const struct pc_file_entry *entry = list_find(c, s, glob);

			if (entry) { /* found by equality, which is what a literal glob matches */
				hits[g]++;
				PC_GROW_LOCAL(found, few, found_cap, nfound + 1);
				found[nfound].file = (size_t)(entry - list->items);
				found[nfound].glob = g;
				nfound++;
			}
			continue;
		}
		for (size_t i = first_with_prefix(list, glob, len);
		     i < list->n && !strncmp(list->items[i].path, glob, len); i++) {
			if (!pc_glob_match(glob, list->items[i].path))
				continue;
			hits[g]++;
			PC_GROW_LOCAL(found, few, found_cap, nfound + 1);
			found[nfound].file = i;
			found[nfound].glob = g;
			nfound++;
		}
	}
	/* back in list order, each file (and fragment) once even when several globs match it */
	if (nfound > 1)
		qsort(found, nfound, sizeof(*found), compare_found);
	for (size_t k = 0; k < nfound; k++) {
		const struct pc_file_entry *entry = &list->items[found[k].file];
		const char *fragment = globs[found[k].glob].glob->fragment;
		bool seen = false;

		for (size_t e = k; e-- > 0 && found[e].file == found[k].file && !seen;)
			seen = same_fragment(globs[found[e].glob].glob->fragment, fragment);
		if (seen)
			continue;
		if (entry->kind == PC_FILE_SUBMODULE) {
			const struct pc_file_entry *before = s ? list_find(c, 0, entry->path) : NULL;

			if (s && !(before && before->kind == PC_FILE_SUBMODULE)) {
				error = pc_error_set(PC_EINPUT,
					"%s: is a submodule, not a prompt (template '%s'): commit the "
					"file itself, or remove the template from %s in the same change",
					entry->path, id, PC_CONFIG_PATH);
				break;
			}
			pc_warn("%s: submodule skipped (template '%s')", entry->path, id);
			continue;
		}
		/* a side has a file or two: room for what was found, not a growth step of 8 */
		if (!cap) {
			cap = nfound - k;
			side->files = pc_xrealloc(side->files, cap * sizeof(*side->files));
		}
		PC_GROW(side->files, cap, side->nfiles + 1);
		memset(&side->files[side->nfiles], 0, sizeof(side->files[side->nfiles]));
		side->files[side->nfiles].path = pc_xstrdup(entry->path);
		side->files[side->nfiles].fragment = fragment ? pc_xstrdup(fragment) : NULL;
		side->nfiles++;
	}
	if (found != few)
		free(found);
	return error;
}

static void side_add_file(struct pc_template_side *side, const char *path)
{
	side->files = pc_xrealloc(side->files, (side->nfiles + 1) * sizeof(*side->files));
	memset(&side->files[side->nfiles], 0, sizeof(side->files[side->nfiles]));
	side->files[side->nfiles].path = pc_xstrdup(path);
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

static int read_from_side(void *ctx, struct pc_buf *out, char *oid, const char *path)
{
	return pc_side_read(out, oid, ctx, path, PC_TEMPLATE_MAX_BYTES);
}

static bool has_extension(const char *path, const char *ext)
{
	size_t n = strlen(path), m = strlen(ext);

	return n > m && !strcasecmp(path + n - m, ext);
}

/* Whether a file's front matter is removed: by extension, or as the template's `format` says. */
static bool strips_front_matter(const struct pc_template_config *how, const char *path)
{
	if (how->format == PC_TEXT_FRONT_MATTER)
		return true;
	return how->format == PC_TEXT_AUTO &&
	       (has_extension(path, ".prompt") || has_extension(path, ".prompty"));
}

/*
 * The prompt of one file (content[0..len)), appended to the side's text:
 * the fragment's text, or the body after the front matter, or the whole
 * file; then its includes spliced in. PC_ENOTFOUND when the fragment
 * selects nothing here. strict (the head): what cannot be read is an error;
 * at the base a warning, and the whole file (or nothing) is used.
 */
static int file_prompt(struct pc_template_side *side, struct pc_side_file *file,
		       const char *content, size_t len, const struct pc_template_config *how,
		       struct pc_side *git_side, bool strict, const char *template_id)
{
	struct pc_buf selected = PC_BUF_INIT;
	const char *body = content;
	size_t blen = len;
	unsigned syntaxes;
	int error = 0;

	if (file->fragment) {
		struct pc_fragment f;
		struct pc_fragment_matches m = { NULL, 0, 0 };

		if ((error = pc_fragment_parse(&f, file->fragment)) < 0)
			return error;
		error = pc_fragment_select(&m, file->path, content, len, &f);
		for (size_t k = 0; !error && k < m.n; k++)
			pc_buf_add(&selected, m.items[k].text, m.items[k].len);
		if (!error && !m.n)
			error = PC_ENOTFOUND;
		pc_fragment_matches_release(&m);
		pc_fragment_release(&f);
		if (error == PC_ENOTFOUND && strict && !how->generated)
			error = pc_error_set(PC_EINPUT,
				"%s: no '#%s' in the %s (template '%s'): restore it, or change the "
				"template's files in %s in the same change", file->path, file->fragment,
				pc_side_label(git_side), template_id, PC_CONFIG_PATH);
		if (error < 0 && !strict) {
			pc_warn("%s (template '%s', %s): nothing of the file is priced",
				pc_error_message(), template_id, pc_side_label(git_side));
			pc_error_clear();
			error = PC_ENOTFOUND;
		}
		if (error)
			goto done;
		body = selected.ptr ? selected.ptr : "";
		blen = selected.len;
	} else if (strips_front_matter(how, file->path)) {
		struct pc_front_matter fm;

		error = pc_front_matter_split(&fm, file->path, content, len,
					      has_extension(file->path, ".prompt"));
		if (error < 0 && !strict) {
			pc_warn("%s (%s): the whole file is priced", pc_error_message(),
				pc_side_label(git_side));
			pc_error_clear();
			error = 0;
		} else if (error < 0) {
			goto done;
		} else {
			if (fm.unread && strict)
				pc_warn("%s: %s", file->path, fm.unread);
			file->front_matter = fm.present;
			file->fm_model = fm.model;
			fm.model = NULL;
			file->has_max_tokens = fm.has_max_tokens;
			file->max_tokens = fm.max_tokens;
			file->max_tokens_key = fm.max_tokens_key;
			fm.max_tokens_key = NULL;
			body = content + fm.body_offset;
			blen = len - fm.body_offset;
			file->text_line = fm.body_line;
		}
		pc_front_matter_release(&fm);
	}
	syntaxes = how->includes == PC_INCLUDES_AUTO ? pc_includes_for_path(file->path)
						     : (unsigned)how->includes;
	if (!file->fragment && !file->text_line)
		file->text_line = 1;
	if (syntaxes) {
		size_t used = side->partials.paths.n, at = side->text.len;

		error = pc_includes_expand(&side->text, file->path, body, blen, syntaxes,
					   read_from_side, git_side, &side->partials, strict);
		/* a spliced partial moves the lines: no one place in the file */
		if (side->partials.paths.n != used ||
		    side->text.len - at != blen || memcmp(side->text.ptr + at, body, blen))
			file->text_line = 0;
	} else {
		pc_buf_add(&side->text, body, blen);
	}
done:
	pc_buf_release(&selected);
	return error;
}

/*
 * Reads a side's files into its text. At the base a binary file is skipped
 * with a warning. At the head (base_side set) a binary file or a Git LFS
 * pointer that the change brings is an input error: skipping or counting a
 * pointer would make the prompt vanish.
 */
static int read_side(struct pc_report *report, struct pc_template_side *side,
		     struct pc_side *git_side, const char *template_id, struct pc_side *base_side,
		     const struct pc_template_config *how)
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
			pc_side_file_release(file);
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
		{
			size_t at = side->text.len;

			error = file_prompt(side, file, content.ptr, content.len, how, git_side,
					    base_side != NULL, template_id);
			if (error == PC_ENOTFOUND) {
				/* the key or row is not in this side's file: not part of this side */
				error = 0;
				pc_side_file_release(file);
				continue;
			}
			if (error)
				goto done;
			file->len = side->text.len - at;
		}
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
		if (strcmp(a->files[i].path, b->files[i].path) ||
		    !same_fragment(a->files[i].fragment, b->files[i].fragment))
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
	if (t->diff_from_cache)
		return PC_CHANGE_MODIFIED; /* different blob ids: the texts were not read */
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
static void add_globs(struct glob_ref **globs, size_t *n, size_t *cap, struct glob_ref *few,
		      const struct pc_template_config *tmpl, const struct pc_config *config,
		      enum glob_origin origin)
{
	if (!tmpl)
		return;
	for (size_t f = 0; f < tmpl->nfiles; f++) {
		bool known = false;

		for (size_t k = 0; k < *n && !known; k++)
			known = !strcmp((*globs)[k].glob->pattern, tmpl->files[f].pattern) &&
				same_fragment((*globs)[k].glob->fragment, tmpl->files[f].fragment);
		if (known)
			continue;
		PC_GROW_LOCAL(*globs, few, *cap, *n + 1);
		(*globs)[*n].glob = &tmpl->files[f];
		(*globs)[*n].config = config;
		(*globs)[*n].origin = origin;
		(*n)++;
	}
}

static void files_text(struct pc_buf *out, const struct pc_template_config *tmpl)
{
	for (size_t f = 0; f < tmpl->nfiles; f++)
		pc_buf_addf(out, "%s%s%s%s", f ? ", " : "", tmpl->files[f].pattern,
			    tmpl->files[f].fragment ? "#" : "",
			    tmpl->files[f].fragment ? tmpl->files[f].fragment : "");
}

static bool same_patterns(const struct pc_template_config *a, const struct pc_template_config *b)
{
	if (a->nfiles != b->nfiles)
		return false;
	for (size_t f = 0; f < a->nfiles; f++)
		if (strcmp(a->files[f].pattern, b->files[f].pattern) ||
		    !same_fragment(a->files[f].fragment, b->files[f].fragment))
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
static bool side_has_file(const struct collect *c, int s, const char *path);
static int follow_files(struct pc_template_report *t, const struct collect *c,
			const struct glob_ref *globs, size_t nglobs, const size_t *hits_after,
			bool head_lists_it, bool follow_renames)
{
	for (size_t i = 0; i < t->before.nfiles; i++) {
		const char *path = t->before.files[i].path;
		const char *moved = NULL;
		bool covered = false;

		if (side_has_path(&t->after, path) || list_find(c, 1, path))
			continue;
		/* a family's member is its path: renamed, it is another member */
		for (size_t r = 0; follow_renames && r < c->renames.n && !moved; r++)
			if (!strcmp(c->renames.items[r].old_path, path))
				moved = c->renames.items[r].new_path;
		if (moved && side_has_file(c, 1, moved)) {
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
			pc_side_file_release(&sides[s]->files[i]);
		free(sides[s]->files);
		pc_buf_release(&sides[s]->text);
		pc_include_list_release(&sides[s]->partials);
	}
	pc_buf_release(&t->added_lines);
	pc_buf_release(&t->removed_lines);
	memset(t, 0, sizeof(*t));
}

static const struct pc_side_file *side_find(const struct pc_template_side *side,
					     const struct pc_side_file *file)
{
	for (size_t i = 0; i < side->nfiles; i++)
		if (!strcmp(side->files[i].path, file->path) &&
		    same_fragment(side->files[i].fragment, file->fragment))
			return &side->files[i];
	return NULL;
}

static void add_setting(struct pc_buf *out, const char *name, const char *before,
			const char *after)
{
	if (before && after && !strcmp(before, after))
		return;
	pc_buf_addf(out, "%s%s %s -> %s", out->len ? ", " : "", name, before ? before : "(none)",
		    after ? after : "(none)");
}

static void max_text(char *out, size_t size, const struct pc_side_file *f)
{
	if (f && f->has_max_tokens)
		snprintf(out, size, "%lld", (long long)f->max_tokens);
	else
		snprintf(out, size, "(none)");
}

/* Whether a front matter's model is the configured one ("googleai/gemini-pro" is "gemini-pro"). */
static bool same_model(const char *front, const char *configured)
{
	const char *slash = strrchr(front, '/');

	return !strcmp(front, configured) || (slash && !strcmp(slash + 1, configured));
}

/*
 * What the prompt format says about a template, as notes: partials that
 * changed (a change there is priced in every template that includes it),
 * front-matter settings and their changes (a change to the front matter only
 * is no prompt change), a front matter's model that is not the configured
 * one, an output bound below the configured output.
 */
static void format_notes(struct pc_template_report *t, const struct pc_template_config *volume)
{
	const struct pc_template_side *b = &t->before, *a = &t->after;

	for (size_t i = 0; i < a->partials.paths.n; i++) {
		const char *path = a->partials.paths.items[i];
		const char *oid = a->partials.oids.items[i];
		bool found = false, same = false;

		for (size_t k = 0; k < b->partials.paths.n && !found; k++)
			if (!strcmp(b->partials.paths.items[k], path)) {
				found = true;
				same = !strcmp(b->partials.oids.items[k], oid);
			}
		if (same || !b->present)
			continue;
		{
			struct pc_buf note = PC_BUF_INIT;

			pc_buf_addf(&note, "partial %s %s%s", path, found ? "changed" : "added",
				    t->change == PC_CHANGE_UNCHANGED ? " (no change to the text)" : "");
			pc_strlist_push_owned(&t->notes, pc_buf_detach(&note, NULL));
		}
	}
	for (size_t i = 0; a->present && i < b->partials.paths.n; i++)
		if (!pc_strlist_contains(&a->partials.paths, b->partials.paths.items[i])) {
			struct pc_buf note = PC_BUF_INIT;

			pc_buf_addf(&note, "partial %s no longer included", b->partials.paths.items[i]);
			pc_strlist_push_owned(&t->notes, pc_buf_detach(&note, NULL));
		}
	for (size_t i = 0; i < a->nfiles; i++) {
		const struct pc_side_file *fa = &a->files[i], *fb = side_find(b, fa);
		struct pc_buf changed = PC_BUF_INIT, note = PC_BUF_INIT;
		char mb[32], ma[32];

		if (!fa->front_matter)
			continue;
		max_text(mb, sizeof(mb), fb);
		max_text(ma, sizeof(ma), fa);
		if (fb && fb->front_matter) {
			add_setting(&changed, "model", fb->fm_model, fa->fm_model);
			add_setting(&changed, fa->max_tokens_key ? fa->max_tokens_key
					      : fb->max_tokens_key ? fb->max_tokens_key : "max_tokens",
				    mb, ma);
		}
		if (fb && t->change == PC_CHANGE_UNCHANGED && strcmp(fb->oid, fa->oid)) {
			pc_buf_addf(&note, "%s: front matter only: %s (the prompt is unchanged)",
				    fa->path, changed.len ? changed.ptr : "no cost setting changed");
		} else if (changed.len) {
			pc_buf_addf(&note, "%s: front matter %s", fa->path, changed.ptr);
		} else if (t->change != PC_CHANGE_UNCHANGED && (fa->fm_model || fa->has_max_tokens)) {
			pc_buf_addf(&note, "%s: front matter:", fa->path);
			if (fa->fm_model)
				pc_buf_addf(&note, " model %s", fa->fm_model);
			if (fa->has_max_tokens)
				pc_buf_addf(&note, "%s %s %s", fa->fm_model ? "," : "",
					    fa->max_tokens_key, ma);
		}
		if (note.len)
			pc_strlist_push_owned(&t->notes, pc_buf_detach(&note, NULL));
		pc_buf_release(&note);
		pc_buf_release(&changed);
		if (t->change == PC_CHANGE_UNCHANGED && (!fb || !strcmp(fb->oid, fa->oid)))
			continue;
		if (fa->fm_model && a->model_name && !same_model(fa->fm_model, a->model_name)) {
			struct pc_buf n2 = PC_BUF_INIT;

			pc_buf_addf(&n2, "%s: front matter names model '%s'; priced as '%s' (the "
				    "template's model in %s)", fa->path, fa->fm_model, a->model_name,
				    PC_CONFIG_PATH);
			pc_strlist_push_owned(&t->notes, pc_buf_detach(&n2, NULL));
		}
		if (fa->has_max_tokens && volume && volume->output_tokens_per_call > fa->max_tokens) {
			struct pc_buf n2 = PC_BUF_INIT;

			pc_buf_addf(&n2, "%s: output_tokens_per_call %lld is over the front matter's "
				    "%s %lld (a call cannot return more)", fa->path,
				    (long long)volume->output_tokens_per_call, fa->max_tokens_key,
				    (long long)fa->max_tokens);
			pc_strlist_push_owned(&t->notes, pc_buf_detach(&n2, NULL));
		}
	}
}

/*
 * One template. The base side's files are what the base's globs (the merge
 * base's and the world's) match at the base; the head side's are what those
 * globs and the head's own match at the head, so a head that points its
 * globs elsewhere cannot make the judged prompt smaller. A template the head
 * no longer configures is deleted only when its files are gone too.
 */
/* ---- the token-count cache ---- */

/*
 * A side's count can be cached when it depends on its files' blob ids only:
 * no fragment and no front matter to cut (includes are checked after
 * reading: a text with none spliced is its files' bytes).
 */
static bool side_keyable(const struct pc_template_side *side, const struct pc_template_config *how)
{
	if (!side->nfiles)
		return false;
	for (size_t i = 0; i < side->nfiles; i++)
		if (side->files[i].fragment || strips_front_matter(how, side->files[i].path))
			return false;
	return true;
}

/*
 * The cache key of a side's count, from its files' blob ids (oids[i], or
 * the files' own): the program's version, the encoding, the variables'
 * sizes, and each file's include syntaxes and blob id, in path order.
 */
static void side_key(unsigned char key[PC_CACHE_KEY_SIZE], const struct pc_template_side *side,
		     char (*oids)[PC_OID_HEXSZ + 1], const struct pc_template_config *how,
		     const struct pc_template_config *vars)
{
	struct pc_buf b = PC_BUF_INIT;
	size_t n;

	/*
	 * One file and no variables, the common case: the key is the blob id
	 * itself (a digest of the bytes already), then a marker, the encoding,
	 * the include syntaxes and 6 bytes of an FNV-1a hash of the program's
	 * version; no hashing per template (SHA-256 through EVP costs 7,000
	 * instructions a call, and libcrypto's first one 4 million to set up).
	 * Other keys are SHA-256 digests, which such a layout matches with the
	 * odds of a preimage.
	 */
	if (side->nfiles == 1 && (!vars || !vars->nvariables)) {
		static const char version_text[] = "promptcost token count 1\n" PC_VERSION;
		static uint64_t version;
		const char *hex = oids ? oids[0] : side->files[0].oid;
		unsigned syntaxes = how->includes == PC_INCLUDES_AUTO
					    ? pc_includes_for_path(side->files[0].path)
					    : (unsigned)how->includes;

		if (strlen(hex) == 40) {
			if (!version) { /* once a run */
				version = 0xcbf29ce484222325ULL;
				for (const char *v = version_text; *v; v++)
					version = (version ^ (unsigned char)*v) * 0x100000001b3ULL;
			}
			for (int i = 0; i < 20; i++) {
				int hi = hex[2 * i], lo = hex[2 * i + 1];

				hi = hi <= '9' ? hi - '0' : (hi | 0x20) - 'a' + 10;
				lo = lo <= '9' ? lo - '0' : (lo | 0x20) - 'a' + 10;
				key[i] = (unsigned char)(hi << 4 | lo);
			}
			key[20] = 0xB1;
			key[21] = (unsigned char)side->model->encoding;
			memcpy(key + 22, &syntaxes, 4);
			for (int i = 0; i < 6; i++)
				key[26 + i] = (unsigned char)(version >> (8 * i));
			return;
		}
	}
	/* without printf: this runs for every template on every run */
	pc_buf_grow(&b, 256);
	pc_buf_adds(&b, "promptcost token count 1\n" PC_VERSION "\n");
	pc_buf_adds(&b, pc_encoding_name(side->model->encoding));
	pc_buf_addch(&b, '\n');
	for (size_t v = 0; vars && v < vars->nvariables; v++)
		pc_buf_addf(&b, "var %s %lld\n", vars->variables[v].name,
			    (long long)vars->variables[v].tokens);
	for (size_t i = 0; i < side->nfiles; i++) {
		unsigned syntaxes = how->includes == PC_INCLUDES_AUTO
					    ? pc_includes_for_path(side->files[i].path)
					    : (unsigned)how->includes;

		pc_buf_addch(&b, 'f');
		pc_buf_add(&b, &syntaxes, sizeof(syntaxes));
		pc_buf_adds(&b, oids ? oids[i] : side->files[i].oid);
		pc_buf_addch(&b, '\n');
	}
	pc_hash(PC_HASH_SHA256, key, &n, b.ptr, b.len);
	pc_buf_release(&b);
}

/* A file's blob id on side s (0 base, 1 head): its list entry's, or asked of the side. */
static int listed_blob_id(char *oid, const struct collect *c, int s, const char *path)
{
	const struct pc_file_entry *entry = list_find(c, s, path);

	if (entry && pc_file_entry_oid(oid, entry))
		return 0;
	return pc_side_blob_id(oid, c->sides[s], path);
}

/* The key of a modified template's diff figures, from its two sides' keys. */
static void diff_key(unsigned char key[PC_CACHE_KEY_SIZE],
		     const unsigned char before[PC_CACHE_KEY_SIZE],
		     const unsigned char after[PC_CACHE_KEY_SIZE])
{
	unsigned char text[18 + 2 * PC_CACHE_KEY_SIZE];
	size_t n;

	memcpy(text, "promptcost diff 1\n", 18);
	memcpy(text + 18, before, PC_CACHE_KEY_SIZE);
	memcpy(text + 18 + PC_CACHE_KEY_SIZE, after, PC_CACHE_KEY_SIZE);
	pc_hash(PC_HASH_SHA256, key, &n, text, sizeof(text));
}

/*
 * A diff's cached figures: tokens added and removed, and, in the third
 * value, the shared prefix's tokens (high 32 bits) and the first changed
 * line (low 32 bits). Both fit: a template is at most a few megabytes.
 */
static void diff_value(struct pc_cache_value *v, const struct pc_template_report *t)
{
	v->v[0] = t->diff_raw[0];
	v->v[1] = t->diff_raw[1];
	v->v[2] = (int64_t)((uint64_t)(uint32_t)t->diff_raw[2] << 32 | t->changed_line);
}

/*
 * Before reading: when both sides have the same files, their blob ids are
 * known without reading them, and the cache has both counts, nothing of
 * the template is read. Same ids: the template is unchanged. Different ids
 * of a one-file template: modified, and the cache must also have the
 * diff's figures (diff_key), which the run that read both sides stored.
 * True then.
 */
static bool sides_from_cache(struct pc_report *report, struct pc_template_report *t,
			     const struct collect *c, const struct pc_template_config *how,
			     const struct pc_template_config *vars)
{
	struct pc_template_side *sides[2] = { &t->before, &t->after };
	char (*oids[2])[PC_OID_HEXSZ + 1];
	char few[2][4][PC_OID_HEXSZ + 1]; /* most templates are a file or two: no allocation */
	struct pc_cache_value v[2], d;
	unsigned char key[2][PC_CACHE_KEY_SIZE];
	bool ok = true, differ = false;

	if (!report->cache || !side_keyable(&t->before, how) || !same_files(&t->before, &t->after))
		return false;
	for (int s = 0; s < 2; s++)
		oids[s] = t->before.nfiles <= 4 ? few[s]
						 : pc_xcalloc(t->before.nfiles, sizeof(*oids[s]));
	for (size_t i = 0; ok && i < t->before.nfiles; i++) {
		ok = listed_blob_id(oids[0][i], c, 0, t->before.files[i].path) == 0 &&
		     listed_blob_id(oids[1][i], c, 1, t->after.files[i].path) == 0;
		differ = differ || strcmp(oids[0][i], oids[1][i]);
	}
	if (differ && t->before.nfiles != 1)
		ok = false; /* the diff's figures are cached for one-file templates */
	for (int s = 0; ok && s < 2; s++) {
		/* an unchanged template's two sides have one key when one encoding counts them */
		if (s == 1 && !differ && sides[1]->model->encoding == sides[0]->model->encoding) {
			memcpy(key[1], key[0], PC_CACHE_KEY_SIZE);
			v[1] = v[0];
			break;
		}
		side_key(key[s], sides[s], oids[s], how, vars);
		ok = pc_cache_get(report->cache, key[s], &v[s]);
	}
	if (ok && differ) {
		diff_key(t->diff_key, key[0], key[1]);
		ok = pc_cache_get(report->cache, t->diff_key, &d);
	}
	for (int s = 0; ok && s < 2; s++) {
		struct pc_template_side *side = sides[s];

		for (size_t i = 0; i < side->nfiles; i++) {
			memcpy(side->files[i].oid, oids[s][i], sizeof(oids[s][i]));
			side->files[i].text_line = 1;
		}
		side->from_cache = side->cache_keyed = true;
		memcpy(side->cache_key, key[s], PC_CACHE_KEY_SIZE);
		side->cached_raw_tokens = v[s].v[0];
		side->variable_tokens = v[s].v[1];
		side->variable_uses = v[s].v[2];
	}
	if (ok && differ) {
		t->diff_from_cache = t->diff_keyed = true;
		t->diff_raw[0] = d.v[0];
		t->diff_raw[1] = d.v[1];
		t->diff_raw[2] = (int64_t)((uint64_t)d.v[2] >> 32);
		t->changed_file = 0;
		t->changed_line = (unsigned)((uint64_t)d.v[2] & 0xffffffffu);
	}
	for (int s = 0; s < 2; s++)
		if (oids[s] != few[s])
			free(oids[s]);
	return ok;
}

/*
 * After reading: the side's count can be cached when its text is its files'
 * bytes as read (nothing skipped, spliced, cut or warned about).
 */
static void key_side_read(struct pc_report *report, struct pc_template_side *side,
			  size_t nfiles_listed, size_t warnings_before,
			  const struct pc_template_config *how, const struct pc_template_config *vars)
{
	side->cache_keyed = false;
	if (!report->cache || side->nfiles != nfiles_listed || !side_keyable(side, how) ||
	    pc_warning_count() != warnings_before || side->partials.paths.n)
		return;
	for (size_t i = 0; i < side->nfiles; i++)
		if (side->files[i].text_line != 1 || side->files[i].front_matter)
			return;
	side_key(side->cache_key, side, NULL, how, vars);
	side->cache_keyed = true;
}

/*
 * Where the change starts (changed_file, changed_line in report.h): the
 * after side's first file that is new or whose blob differs from the before
 * side's file of the same path, and its first line that differs.
 */
static void change_place(struct pc_template_report *t)
{
	const struct pc_template_side *a = &t->after, *b = &t->before;
	size_t off_a = 0;

	t->changed_file = 0;
	t->changed_line = 0;
	if (!a->present)
		return;
	for (size_t k = 0; k < a->nfiles; off_a += a->files[k].len, k++) {
		const struct pc_side_file *f = &a->files[k];
		size_t j = 0, off_b = 0;

		while (j < b->nfiles && strcmp(b->files[j].path, f->path))
			off_b += b->files[j++].len;
		if (j < b->nfiles && !strcmp(b->files[j].oid, f->oid))
			continue;
		t->changed_file = k;
		t->changed_line = 1;
		if (j < b->nfiles) {
			const char *x = a->text.ptr + off_a, *y = b->text.ptr + off_b;
			size_t n = f->len < b->files[j].len ? f->len : b->files[j].len;

			for (size_t i = 0; i < n && x[i] == y[i]; i++)
				if (x[i] == '\n')
					t->changed_line++;
		}
		return;
	}
}

/* The renames, when one of the side's files is not in the head's list (once per run). */
static int find_renames_if_gone(struct collect *c, const struct pc_template_side *before)
{
	if (c->renames_found)
		return 0;
	for (size_t i = 0; i < before->nfiles; i++)
		if (!list_find(c, 1, before->files[i].path)) {
			c->renames_found = true;
			return pc_repo_renames(&c->renames, c->repo, c->sides[0], c->sides[1]);
		}
	return 0;
}

/*
 * One template, by id; own_entry, when not NULL, is its entry in the one
 * configuration every side shares (no look-up then).
 */
static int collect_template(struct pc_report *report, struct collect *c, const char *id,
			    const struct pc_template_config *own_entry)
{
	const struct pc_template_config *cw, *cb, *ch, *own, *how, *vars;
	struct pc_template_report *t;
	struct glob_ref few_globs[8], *globs = few_globs; /* a template has a glob or two */
	size_t nold = 0, nglobs = 0, globs_cap = sizeof(few_globs) / sizeof(few_globs[0]);
	size_t *hits[2] = { NULL, NULL }, few_hits[2][8] = { { 0 } };
	const char *model_before, *model_after;
	int error = 0;

	cw = own_entry ? own_entry : template_index_find(&c->index[CFG_WORLD], id);
	cb = c->same_as[CFG_BASE] == CFG_WORLD ? cw : template_index_find(&c->index[CFG_BASE], id);
	ch = c->same_as[CFG_HEAD] == CFG_WORLD  ? cw
	     : c->same_as[CFG_HEAD] == CFG_BASE ? cb
						: template_index_find(&c->index[CFG_HEAD], id);
	own = cb ? cb : cw; /* what the change started from */

	/* zeroed: by the calloc of pc_templates_collect, or by template_discard */
	t = &report->templates[report->ntemplates++];
	t->id = pc_xstrdup(id);
	pc_buf_init(&t->before.text);
	pc_buf_init(&t->after.text);
	pc_buf_init(&t->added_lines);
	pc_buf_init(&t->removed_lines);
	/* the base describes the world: volumes, team and use case */
	t->volume = cw ? cw : cb ? cb : ch;
	t->team = t->volume->team;
	t->use_case = t->volume->use_case;

	add_globs(&globs, &nglobs, &globs_cap, few_globs, cb, c->configs[CFG_BASE], GLOB_BASE);
	add_globs(&globs, &nglobs, &globs_cap, few_globs, cw, c->configs[CFG_WORLD], GLOB_WORLD);
	if (!nglobs) /* a template new in this change: its own globs on both sides */
		add_globs(&globs, &nglobs, &globs_cap, few_globs, ch, c->configs[CFG_HEAD],
			  GLOB_INTRODUCED);
	nold = nglobs;
	add_globs(&globs, &nglobs, &globs_cap, few_globs, ch, c->configs[CFG_HEAD], GLOB_INTRODUCED);

	for (int s = 0; s < 2; s++)
		hits[s] = nglobs <= 8 ? few_hits[s] : pc_xcalloc(nglobs, sizeof(size_t));
	if ((error = match_side(&t->before, id, globs, nold, c, 0, hits[0])) < 0 ||
	    (error = match_side(&t->after, id, globs, nglobs, c, 1, hits[1])) < 0 ||
	    (error = find_renames_if_gone(c, &t->before)) < 0 ||
	    (error = follow_files(t, c, globs, nglobs, hits[1], ch != NULL && !ch->generated,
				  ch == NULL || !ch->generated)) < 0)
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
	/* how files become the prompt: as the configuration the change started from says */
	how = own ? own : ch;
	vars = t->volume && t->volume->nvariables ? t->volume : NULL;
	if (!sides_from_cache(report, t, c, how, vars)) {
		size_t listed[2] = { t->before.nfiles, t->after.nfiles }, warnings;

		warnings = pc_warning_count();
		if ((error = read_side(report, &t->before, c->sides[0], id, NULL, how)) < 0)
			goto done;
		key_side_read(report, &t->before, listed[0], warnings, how, vars);
		warnings = pc_warning_count();
		if ((error = read_side(report, &t->after, c->sides[1], id, c->sides[0], how)) < 0)
			goto done;
		key_side_read(report, &t->after, listed[1], warnings, how, vars);
	}
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
	format_notes(t, t->volume);
	if (t->change != PC_CHANGE_UNCHANGED && !t->diff_from_cache) {
		change_place(t);
		/* a one-file template whose both sides are keyed: its diff's figures can be cached */
		if (t->change == PC_CHANGE_MODIFIED && t->before.cache_keyed &&
		    t->after.cache_keyed && t->before.nfiles == 1 && t->after.nfiles == 1 &&
		    !strcmp(t->before.files[0].path, t->after.files[0].path)) {
			t->diff_keyed = true;
			diff_key(t->diff_key, t->before.cache_key, t->after.cache_key);
		}
		error = pc_diff_lines(&t->added_lines, &t->removed_lines, t->before.text.ptr,
				      t->before.text.len, t->after.text.ptr, t->after.text.len);
	}
done:
	if (globs != few_globs)
		free(globs);
	for (int s = 0; s < 2; s++)
		if (hits[s] != few_hits[s])
			free(hits[s]);
	return error;
}

/* ---- families ---- */

static bool is_wildcard_char(char ch)
{
	return ch == '*' || ch == '?' || ch == '[' || ch == '\\';
}

/*
 * The name a family gives a file: its path less the glob's literal folder
 * and literal ending ("patterns/" and "/system.md" of the glob
 * "patterns/STAR/system.md"), less an extension the ending did not remove,
 * folders joined by '.'.
 */
static void member_name(struct pc_buf *out, const char *glob, const char *path)
{
	size_t first = pc_glob_literal_len(glob), dir = 0, plen = strlen(path), start, end;
	const char *suffix = "";
	bool wild = glob[first] != '\0';

	for (size_t i = 0; i < first; i++)
		if (glob[i] == '/')
			dir = i + 1;
	if (!wild) {
		const char *slash = strrchr(path, '/');

		dir = slash ? (size_t)(slash - path) + 1 : 0;
	} else {
		for (size_t i = strlen(glob); i-- > 0;)
			if (is_wildcard_char(glob[i]) || glob[i] == ']') {
				suffix = glob + i + 1;
				break;
			}
	}
	start = dir < plen ? dir : plen;
	end = plen;
	if (*suffix && strlen(suffix) <= end - start && !strcmp(path + end - strlen(suffix), suffix))
		end -= strlen(suffix);
	if (!strchr(suffix, '.')) {
		for (size_t i = end; i-- > start && path[i] != '/';)
			if (path[i] == '.' && i > start && path[i - 1] != '/') {
				end = i;
				break;
			}
	}
	for (size_t i = start; i < end; i++)
		pc_buf_addch(out, path[i] == '/' ? '.' : path[i]);
}

/* An id from a name: letters, digits, '.', '_', '-' kept; any other run becomes one '-'. */
static void add_id_text(struct pc_buf *out, const char *name)
{
	bool dash = false;

	for (const char *p = name; *p; p++) {
		if (isalnum((unsigned char)*p) || *p == '.' || *p == '_' || *p == '-') {
			if (dash && out->len && out->ptr[out->len - 1] != '.')
				pc_buf_addch(out, '-');
			dash = false;
			pc_buf_addch(out, *p);
		} else {
			dash = true;
		}
	}
}

static void glob_escape(struct pc_buf *out, const char *path)
{
	for (; *path; path++) {
		if (is_wildcard_char(*path))
			pc_buf_addch(out, '\\');
		pc_buf_addch(out, *path);
	}
}

struct members {
	struct pc_template_config *items;
	int *config;            /* which configuration each belongs to */
	size_t n, cap, config_cap;
};

static int add_member(struct members *m, int k, const struct pc_config *config,
		      const struct pc_template_config *family, const struct pc_glob *glob,
		      const char *path, const char *fragment, const char *name)
{
	struct pc_buf id = PC_BUF_INIT, pattern = PC_BUF_INIT;
	struct pc_template_config *t;

	pc_buf_adds(&id, family->id);
	if (*name) {
		pc_buf_addch(&id, '.');
		add_id_text(&id, name);
	}
	for (size_t i = 0; i < config->ntemplates; i++)
		if (!config->templates[i].family && !strcmp(config->templates[i].id, id.ptr)) {
			/* a template of its own with this id says more than the family */
			pc_buf_release(&id);
			return 0;
		}
	for (size_t i = 0; i < m->n; i++) {
		if (m->config[i] != k || strcmp(m->items[i].id, id.ptr))
			continue;
		t = &m->items[i];
		if (!pc_glob_match(t->files[0].pattern, path))
			goto clash;
		if (!same_fragment(t->files[0].fragment, fragment))
			goto clash;
		pc_buf_release(&id);
		return 0;
clash:
		{
			int error = pc_error_set(PC_EINPUT,
				"%s:%u:%u: family '%s' makes template id '%s' for both %s%s%s and "
				"%s%s%s: give one of them a template of its own", config->path,
				glob->pos.line, glob->pos.col, family->id, id.ptr, path,
				fragment ? "#" : "", fragment ? fragment : "", t->files[0].pattern,
				t->files[0].fragment ? "#" : "",
				t->files[0].fragment ? t->files[0].fragment : "");

			pc_buf_release(&id);
			return error;
		}
	}
	PC_GROW(m->items, m->cap, m->n + 1);
	PC_GROW(m->config, m->config_cap, m->n + 1);
	t = &m->items[m->n];
	m->config[m->n] = k;
	m->n++;
	pc_template_config_copy(t, family);
	free(t->id);
	t->id = pc_buf_detach(&id, NULL);
	t->family = false;
	t->generated = true;
	for (size_t f = 0; f < t->nfiles; f++) {
		free(t->files[f].pattern);
		free(t->files[f].fragment);
	}
	glob_escape(&pattern, path);
	t->nfiles = 1;
	t->files[0].pattern = pc_buf_detach(&pattern, NULL);
	t->files[0].fragment = fragment ? pc_xstrdup(fragment) : NULL;
	t->files[0].pos = glob->pos;
	return 0;
}

/* The members one glob of a family makes on one side. */
static int expand_glob(struct members *m, struct collect *c, int k,
		       const struct pc_template_config *family, const struct pc_glob *glob, int s)
{
	const struct pc_file_list *list = &c->lists[s];
	struct pc_fragment f;
	bool wild = false;
	int error = 0;

	if (glob->fragment) {
		if ((error = pc_fragment_parse(&f, glob->fragment)) < 0)
			return error;
		wild = pc_fragment_is_wild(&f);
	}
	for (size_t i = 0; i < list->n && !error; i++) {
		const struct pc_file_entry *entry = &list->items[i];
		struct pc_buf name = PC_BUF_INIT;

		if (entry->kind == PC_FILE_SUBMODULE || !pc_glob_match(glob->pattern, entry->path))
			continue;
		/* one file named outright: its keys (or rows) name the members alone */
		if (!wild || glob->pattern[pc_glob_literal_len(glob->pattern)])
			member_name(&name, glob->pattern, entry->path);
		if (!wild) {
			error = add_member(m, k, c->configs[k], family, glob, entry->path,
					   glob->fragment, name.ptr ? name.ptr : "");
		} else {
			struct pc_buf content = PC_BUF_INIT;
			struct pc_fragment_matches found = { NULL, 0, 0 };
			char oid[PC_OID_HEXSZ + 1];

			error = pc_side_read(&content, oid, c->sides[s], entry->path,
					     PC_TEMPLATE_MAX_BYTES);
			if (!error)
				error = pc_fragment_select(&found, entry->path,
							   content.ptr ? content.ptr : "", content.len,
							   &f);
			if (error < 0 && s == 0) { /* the base's file: warned, its members skipped */
				pc_warn("%s (family '%s', %s)", pc_error_message(), family->id,
					pc_side_label(c->sides[s]));
				pc_error_clear();
				error = 0;
			}
			for (size_t j = 0; !error && j < found.n; j++) {
				struct pc_buf full = PC_BUF_INIT;

				pc_buf_addf(&full, "%s%s%s", name.ptr ? name.ptr : "",
					    name.len && *found.items[j].name ? "." : "",
					    found.items[j].name);
				error = add_member(m, k, c->configs[k], family, glob, entry->path,
						   found.items[j].fragment, full.ptr ? full.ptr : "");
				pc_buf_release(&full);
			}
			pc_fragment_matches_release(&found);
			pc_buf_release(&content);
		}
		pc_buf_release(&name);
	}
	if (glob->fragment)
		pc_fragment_release(&f);
	return error;
}

/* Whether the world's or the base's configuration declares this family. */
static bool family_known(const struct collect *c, const char *id)
{
	for (int k = CFG_WORLD; k <= CFG_BASE; k++)
		for (size_t i = 0; c->configs[k] && i < c->configs[k]->ntemplates; i++)
			if (c->configs[k]->templates[i].family &&
			    !strcmp(c->configs[k]->templates[i].id, id))
				return true;
	return false;
}

/*
 * Every configuration's templates in order, each family replaced by its
 * members: what its globs match on either side (a file the change adds to
 * a family of the base is a new template with the family's volumes).
 */
static int expand_families(struct pc_report *report, struct collect *c)
{
	struct members m = { NULL, NULL, 0, 0, 0 };
	int error = 0;

	for (int k = 0; k < 3 && !error; k++) {
		const struct pc_config *config = c->configs[k];

		for (size_t i = 0; config && i < config->ntemplates && !error; i++) {
			const struct pc_template_config *t = &config->templates[i];

			for (size_t g = 0; t->family && g < t->nfiles && !error; g++) {
				size_t before = m.n;

				for (int s = 0; s < 2 && !error; s++)
					error = expand_glob(&m, c, k, t, &t->files[g], s);
				if (error || m.n > before)
					continue;
				if (k == CFG_HEAD && !family_known(c, t->id))
					error = pc_error_set(PC_EINPUT,
						"%s:%u:%u: '%s' in family '%s' matches no file (or key) "
						"on either side of the comparison", config->path,
						t->files[g].pos.line, t->files[g].pos.col,
						t->files[g].pattern, t->id);
				else if (k == CFG_BASE)
					pc_warn("%s:%u:%u: '%s' in family '%s' matches no file (or key) on "
						"either side of the comparison", config->path,
						t->files[g].pos.line, t->files[g].pos.col,
						t->files[g].pattern, t->id);
			}
		}
	}
	for (int k = 0; k < 3; k++) {
		const struct pc_config *config = c->configs[k];
		size_t n = 0;

		c->order[k] = pc_xcalloc((config ? config->ntemplates : 0) + m.n + 1,
					 sizeof(*c->order[k]));
		for (size_t i = 0; config && i < config->ntemplates; i++)
			if (!config->templates[i].family)
				c->order[k][n++] = &config->templates[i];
		for (size_t i = 0; !error && i < m.n; i++)
			if (m.config[i] == k)
				c->order[k][n++] = &m.items[i];
		c->norder[k] = n;
	}
	/* the report owns the members: templates' volumes point into them */
	report->generated = m.items;
	report->ngenerated = m.n;
	free(m.config);
	return error;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Whether a glob without wildcard or escape names a path as the listings
 * spell them: no leading '/', no empty, "." or ".." part, not a folder.
 */
static bool plain_path(const char *glob)
{
	const char *part = glob;

	if (glob[pc_glob_literal_len(glob)])
		return false;
	for (;;) {
		size_t n = strcspn(part, "/");

		if (!n || (n == 1 && part[0] == '.') || (n == 2 && part[0] == '.' && part[1] == '.'))
			return false;
		if (!part[n])
			return true;
		part += n + 1;
	}
}

/* How glob_folders names the place of a glob that names one file (plain_path). */
enum literal_globs {
	AS_FOLDERS,     /* its folder; none at the root: every file counts (a full listing) */
	ROOT_AS_FILES,  /* its folder, or the file itself when it is at the root */
	AS_FILES,       /* the file itself */
};

/*
 * The folders of every glob of every configuration: the literal start of
 * each up to its last '/' (the "prompts/" of a glob "prompts/" "*.md"),
 * sorted, without repeats or folders inside one listed (pc_side_files).
 * False when a glob has no folder there ("*.md", or one starting with "**"):
 * then every file counts. A glob that names one file may stand as that file
 * instead, as literal says.
 */
static bool glob_folders(struct pc_strlist *out, const struct pc_config *const configs[3],
			 const bool *visit, enum literal_globs literal)
{
	struct pc_strlist all = PC_STRLIST_INIT;
	/* all by folder (positions + 1): templates of one folder need not come in a row */
	size_t *seen = NULL, mask = 0;
	bool ok = true;

	for (int k = 0; k < 3 && ok; k++) {
		if ((k > 0 && configs[k] == configs[0]) || (k > 1 && configs[k] == configs[1]))
			continue; /* sides that share one configuration */
		for (size_t i = 0; ok && configs[k] && i < configs[k]->ntemplates; i++) {
			const struct pc_template_config *tmpl = &configs[k]->templates[i];

			if (visit && !visit[i])
				continue;
			for (size_t g = 0; ok && g < tmpl->nfiles; g++) {
				const char *glob = tmpl->files[g].pattern;
				size_t len = pc_glob_literal_len(glob), slot;

				bool file = literal != AS_FOLDERS && plain_path(glob);

				if (!(file && (literal == AS_FILES || !strchr(glob, '/'))))
					while (len && glob[len - 1] != '/')
						len--;
				if (!(ok = len > 0))
					break;
				if (2 * (all.n + 1) > mask) { /* grown: every folder again */
					mask = mask ? 2 * mask + 1 : 63;
					free(seen);
					seen = pc_xcalloc(mask + 1, sizeof(*seen));
					for (size_t f = 0; f < all.n; f++) {
						slot = (size_t)pc_hash_str(all.items[f]) & mask;
						while (seen[slot])
							slot = (slot + 1) & mask;
						seen[slot] = f + 1;
					}
				}
				slot = (size_t)pc_hash_bytes(glob, len) & mask;
				while (seen[slot] && (strncmp(all.items[seen[slot] - 1], glob, len) ||
						   all.items[seen[slot] - 1][len]))
					slot = (slot + 1) & mask;
				if (!seen[slot]) { /* each folder once */
					pc_strlist_push_owned(&all, pc_xstrndup(glob, len));
					seen[slot] = all.n;
				}
			}
		}
	}
	if (ok && all.n > 1)
		qsort(all.items, all.n, sizeof(*all.items), compare_strings);
	/* none inside a folder before it ("prompts/x.md" after "prompts/" is listed with it) */
	for (size_t i = 0; ok && i < all.n; i++) {
		const char *last = out->n ? out->items[out->n - 1] : NULL;
		size_t n = last ? strlen(last) : 0;

		if (!last || last[n - 1] != '/' || strncmp(all.items[i], last, n))
			pc_strlist_push(out, all.items[i]);
	}
	pc_strlist_release(&all);
	free(seen);
	return ok;
}

bool pc_templates_folders(struct pc_strlist *out, const struct pc_config *const configs[3])
{
	return glob_folders(out, configs, NULL, ROOT_AS_FILES);
}

/* Whether the lists of collect hold every file at path's place (see dirs). */
static bool listed_here(const struct collect *c, const char *path)
{
	return c->all_dirs || pc_folders_hold(&c->dirs, path);
}

/* Whether side s (0 base, 1 head) has a file at path: from its list, or asked. */
static bool side_has_file(const struct collect *c, int s, const char *path)
{
	struct pc_file_info info;

	if (list_find(c, s, path))
		return true;
	if (listed_here(c, path))
		return false;
	if (pc_side_stat(&info, c->sides[s], path) < 0) {
		pc_error_clear();
		return false;
	}
	return true;
}

int pc_templates_collect(struct pc_report *report, struct pc_repo *repo, struct pc_side *base,
			 struct pc_side *head, const struct pc_config *world_config,
			 const struct pc_config *base_config, const struct pc_config *head_config,
			 const bool *visit, bool by_path)
{
	struct collect c;
	/* every side's ids, borrowed from the configurations and families (which outlive this) */
	const char **ids = NULL;
	const struct pc_template_config **entries = NULL; /* with visit: each id's entry */
	size_t nids = 0, ids_cap = 0, entries_cap = 0;
	int error = 0;

	assert(world_config || base_config || head_config);
	memset(&c, 0, sizeof(c));
	c.sides[0] = base;
	c.sides[1] = head;
	c.configs[CFG_WORLD] = world_config;
	c.configs[CFG_BASE] = base_config;
	c.configs[CFG_HEAD] = head_config;

	c.repo = repo;
	assert(!visit || (world_config == base_config && base_config == head_config));
	c.all_dirs = !glob_folders(&c.dirs, c.configs, visit,
				   visit && by_path ? AS_FILES : AS_FOLDERS);
	if ((error = pc_side_files(&c.lists[0], base, c.all_dirs ? NULL : &c.dirs)) < 0 ||
	    (error = pc_side_files(&c.lists[1], head, c.all_dirs ? NULL : &c.dirs)) < 0)
		goto done;
	if (visit) {
		/*
		 * One configuration and no family (quiet.h): its templates are the
		 * ids, in its order, and each one's entry is known without a look-up.
		 */
		for (size_t i = 0; i < world_config->ntemplates; i++)
			if (visit[i]) {
				PC_GROW(ids, ids_cap, nids + 1);
				PC_GROW(entries, entries_cap, nids + 1);
				entries[nids] = &world_config->templates[i];
				ids[nids++] = world_config->templates[i].id;
			}
		c.same_as[CFG_BASE] = c.same_as[CFG_HEAD] = CFG_WORLD;
		c.bisect = nids * 8 < c.lists[0].n + c.lists[1].n;
	}
	for (int s = 0; s < 2 && !c.bisect; s++)
		pc_name_index_init(&c.by_path[s], c.lists[s].items, c.lists[s].n,
				   sizeof(*c.lists[s].items), offsetof(struct pc_file_entry, path));
	if (!visit && (error = expand_families(report, &c)) < 0)
		goto done;
	/* every template any side configures, world order first (ids are unique on a side) */
	for (int k = 0; k < 3 && !visit; k++) {
		c.same_as[k] = k;
		for (int e = 0; e < k && c.same_as[k] == k && !report->ngenerated; e++)
			if (c.configs[e] && c.configs[e] == c.configs[k])
				c.same_as[k] = e;
		if (c.same_as[k] == k)
			template_index_build(&c.index[k], c.order[k], c.norder[k]);
	}
	for (int k = 0; k < 3 && !visit; k++) {
		for (size_t i = 0; c.same_as[k] == k && i < c.norder[k]; i++) {
			const char *id = c.order[k][i]->id;
			bool seen = false;

			for (int e = 0; e < k && !seen; e++)
				seen = template_index_find(&c.index[c.same_as[e]], id) != NULL;
			if (!seen) {
				PC_GROW(ids, ids_cap, nids + 1);
				ids[nids++] = id;
			}
		}
	}
	report->templates = pc_xcalloc(nids ? nids : 1, sizeof(*report->templates));
	for (size_t i = 0; i < nids; i++) {
		size_t warnings = pc_warning_count(), n = report->ntemplates;
		size_t pending = report->pending.n, skipped = report->skipped.n;

		if ((error = collect_template(report, &c, ids[i], entries ? entries[i] : NULL)) < 0)
			goto done;
		/* it said nothing beyond its row: what the quiet snapshot can stand in for */
		if (report->ntemplates > n)
			report->templates[n].quiet_able = warnings == pc_warning_count() &&
							  pending == report->pending.n &&
							  skipped == report->skipped.n &&
							  !c.renames_found;
	}
done:
	free(ids);
	free(entries);
	for (int k = 0; k < 3; k++) {
		pc_name_index_release(&c.index[k].ids);
		free(c.order[k]);
	}
	pc_file_list_release(&c.lists[0]);
	pc_file_list_release(&c.lists[1]);
	pc_name_index_release(&c.by_path[0]);
	pc_name_index_release(&c.by_path[1]);
	pc_strlist_release(&c.dirs);
	pc_rename_list_release(&c.renames);
	return error;
}

/* ---- tokens ---- */

/* The model's count from its encoding's: an approximate model's scaled, rounded up. */
static int64_t model_count(const struct pc_model *model, int64_t n)
{
	if (n && model->approximate) /* an estimate: the base encoding's count scaled */
		n = (int64_t)(((pc_int128)n * model->approx_factor_ppm + 999999) / 1000000);
	return n;
}

static size_t identifier_len(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '.'))
		n++;
	return n;
}

static const struct pc_variable *find_variable(const struct pc_template_config *tmpl,
					       const char *name, size_t len)
{
	for (size_t v = 0; v < tmpl->nvariables; v++)
		if (strlen(tmpl->variables[v].name) == len &&
		    !memcmp(tmpl->variables[v].name, name, len))
			return &tmpl->variables[v];
	return NULL;
}

/*
 * A placeholder of a configured variable at text[i] ('{'): `{{ name }}`,
 * `{{{name}}}`, `{{ name | filter }}` or `{name}`; its length, or 0.
 */
static size_t placeholder_at(const char *text, size_t len, size_t i,
			     const struct pc_template_config *tmpl, const struct pc_variable **var)
{
	size_t j = i + 1, n;
	int braces = 1;

	while (j < len && text[j] == '{' && braces < 3) {
		braces++;
		j++;
	}
	if (braces == 1 && i > 0 && text[i - 1] == '{')
		return 0;
	while (braces > 1 && j < len && (text[j] == ' ' || text[j] == '\t'))
		j++;
	n = identifier_len(text + j, len - j);
	if (!n || !(*var = find_variable(tmpl, text + j, n)))
		return 0;
	j += n;
	if (braces == 1)
		return j < len && text[j] == '}' && (j + 1 >= len || text[j + 1] != '}') ? j + 1 - i
											  : 0;
	while (j < len && (text[j] == ' ' || text[j] == '\t'))
		j++;
	if (j < len && text[j] == '|')
		while (j < len && text[j] != '}' && text[j] != '\n')
			j++;
	for (int b = 0; b < braces; b++, j++)
		if (j >= len || text[j] != '}')
			return 0;
	return j - i;
}

/*
 * The rendered prompt of a side: its text less the placeholders of the
 * configured variables (into out), their expected tokens and uses.
 */
static void render_variables(struct pc_buf *out, struct pc_template_side *side,
			     const struct pc_template_config *tmpl)
{
	const char *text = side->text.ptr ? side->text.ptr : "";
	size_t len = side->text.len, copied = 0;

	side->variable_tokens = side->variable_uses = 0;
	for (size_t i = 0; i < len; i++) {
		const struct pc_variable *var = NULL;
		size_t n;

		if (text[i] != '{' || !(n = placeholder_at(text, len, i, tmpl, &var)))
			continue;
		pc_buf_add(out, text + copied, i - copied);
		side->variable_tokens += var->tokens;
		side->variable_uses++;
		i += n - 1;
		copied = i + 1;
	}
	pc_buf_add(out, text + copied, len - copied);
}

static void variable_note(struct pc_template_report *t, const struct pc_template_config *tmpl)
{
	struct pc_buf note = PC_BUF_INIT;
	const struct pc_template_side *side = t->after.present ? &t->after : &t->before;

	pc_buf_addf(&note, "tokens per call are the rendered prompt's, an estimate: %lld of %lld "
		    "tokens are %lld variable use%s at their expected sizes (", 
		    (long long)side->variable_tokens, (long long)side->tokens,
		    (long long)side->variable_uses, side->variable_uses == 1 ? "" : "s");
	for (size_t v = 0; v < tmpl->nvariables; v++)
		pc_buf_addf(&note, "%s%s %lld", v ? ", " : "", tmpl->variables[v].name,
			    (long long)tmpl->variables[v].tokens);
	if (t->before.present && t->after.present &&
	    t->before.variable_tokens == t->after.variable_tokens)
		pc_buf_adds(&note, "); the delta is exact: the variables did not change");
	else if (t->before.present && t->after.present)
		pc_buf_addf(&note, "); the delta is an estimate: the variables' tokens went %lld -> "
			    "%lld", (long long)t->before.variable_tokens,
			    (long long)t->after.variable_tokens);
	else
		pc_buf_adds(&note, ")");
	pc_strlist_push_owned(&t->notes, pc_buf_detach(&note, NULL));
}

/*
 * A side's tokens: of its text, or of its rendered prompt when variables are
 * configured. The encoding's count of that text (and the variables' figures)
 * come from the cache when the side is keyed and the cache has them; a
 * count made here is added to it.
 */
static int64_t side_tokens(struct pc_cache *cache, struct pc_template_side *side,
			   const struct pc_template_config *tmpl)
{
	struct pc_buf rendered = PC_BUF_INIT;
	struct pc_cache_value v;
	int64_t raw;

	if (side->from_cache)
		return model_count(side->model, side->cached_raw_tokens) + side->variable_tokens;
	if (cache && side->cache_keyed && pc_cache_get(cache, side->cache_key, &v)) {
		side->variable_tokens = v.v[1];
		side->variable_uses = v.v[2];
		return model_count(side->model, v.v[0]) + side->variable_tokens;
	}
	if (!tmpl || !tmpl->nvariables) {
		raw = side->text.len
			      ? (int64_t)pc_tokens_count(side->model->encoding, side->text.ptr,
							 side->text.len)
			      : 0;
	} else {
		render_variables(&rendered, side, tmpl);
		raw = rendered.len ? (int64_t)pc_tokens_count(side->model->encoding, rendered.ptr,
							      rendered.len)
				   : 0;
		pc_buf_release(&rendered);
	}
	if (cache && side->cache_keyed) {
		v.v[0] = raw;
		v.v[1] = side->variable_tokens;
		v.v[2] = side->variable_uses;
		pc_cache_put(cache, side->cache_key, &v);
	}
	return model_count(side->model, raw) + side->variable_tokens;
}

/* The raw count of text[0..len) in the model's encoding. */
static int64_t raw_tokens(const struct pc_model *model, const char *text, size_t len)
{
	return len ? (int64_t)pc_tokens_count(model->encoding, text, len) : 0;
}

/*
 * The diff's figures of a changed template: the added lines' tokens (the
 * after model's), the removed lines' (the before model's) and, modified,
 * the tokens of the leading bytes both texts share; from the cache, or
 * counted and cached.
 */
static void diff_tokens(struct pc_cache *cache, struct pc_template_report *t)
{
	const struct pc_template_side *b = &t->before, *a = &t->after;

	if (!t->diff_from_cache) {
		size_t shared = 0;

		t->diff_raw[0] = raw_tokens(a->model, t->added_lines.ptr, t->added_lines.len);
		t->diff_raw[1] = raw_tokens(b->model, t->removed_lines.ptr, t->removed_lines.len);
		t->diff_raw[2] = 0;
		if (t->change == PC_CHANGE_MODIFIED && b->present && a->present) {
			while (shared < b->text.len && shared < a->text.len &&
			       b->text.ptr[shared] == a->text.ptr[shared])
				shared++;
			t->diff_raw[2] = raw_tokens(a->model, b->text.ptr, shared);
		}
		if (cache && t->diff_keyed && t->diff_raw[2] <= UINT32_MAX) {
			struct pc_cache_value v;

			diff_value(&v, t);
			pc_cache_put(cache, t->diff_key, &v);
		}
	}
	t->tokens_added = model_count(a->model, t->diff_raw[0]);
	t->tokens_removed = model_count(b->model, t->diff_raw[1]);
	t->shared_prefix_tokens = model_count(a->model, t->diff_raw[2]);
}

void pc_templates_count_tokens(struct pc_report *report)
{
	report->exact = true;
	for (size_t i = 0; i < report->ntemplates; i++) {
		struct pc_template_report *t = &report->templates[i];
		const struct pc_model *after_model = t->after.model;
		const struct pc_template_config *vars =
			t->volume && t->volume->nvariables ? t->volume : NULL;

		t->before.tokens = side_tokens(report->cache, &t->before, vars);
		/* the same text in the same encoding needs counting once */
		if (t->change == PC_CHANGE_UNCHANGED && t->before.model == after_model) {
			t->after.tokens = t->before.tokens;
			t->after.variable_tokens = t->before.variable_tokens;
			t->after.variable_uses = t->before.variable_uses;
		} else {
			t->after.tokens = side_tokens(report->cache, &t->after, vars);
		}
		diff_tokens(report->cache, t);
		t->delta_tokens = t->after.tokens - t->before.tokens;
		t->exact = !t->before.model->approximate && !after_model->approximate;
		if (vars && (t->before.variable_uses || t->after.variable_uses)) {
			if (t->change != PC_CHANGE_UNCHANGED)
				variable_note(t, vars);
			/* the variables' own tokens moved: the delta is theirs too, an estimate */
			if (t->before.present && t->after.present &&
			    t->before.variable_tokens != t->after.variable_tokens)
				t->exact = false;
		}
		/* the report shows the changed templates' figures: only theirs make it estimated */
		if (!t->exact && t->change != PC_CHANGE_UNCHANGED)
			report->exact = false;
	}
}
