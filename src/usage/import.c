/*
 * Importing files into the store (store.h, pc_store_import): each file's
 * content is fingerprinted first, so a file imported before is skipped and
 * an appended log is read only past its earlier part; then its records are
 * read by the importers (usage.h) and handed to the store, one transaction
 * for all the files.
 */
#include "promptcost/store.h"

#include <stdlib.h>
#include <string.h>

/* ---- importing files ----------------------------------------------------- */

struct file_reader {
	struct pc_store_import *imp;
	enum pc_usage_format format;
	const char *name;
};

static int on_record(void *ctx, const struct pc_usage_record *record, uint64_t line)
{
	struct file_reader *fr = ctx;

	return pc_store_import_record(fr->imp, record, fr->format, fr->name, line);
}

static int on_bad(void *ctx, uint64_t line, const char *message, const char *raw, size_t rawlen)
{
	struct file_reader *fr = ctx;

	return pc_store_import_bad(fr->imp, fr->name, line, message, raw, rawlen);
}

static int import_file(struct pc_store_import *imp, const struct pc_import_options *options,
		       const char *path)
{
	struct pc_usage_input *in = NULL;
	unsigned char digest[PC_SHA256_LEN];
	unsigned char (*prefix)[PC_SHA256_LEN] = NULL;
	bool *found = NULL, already = false, fingerprinted = false;
	const uint64_t *lengths;
	uint64_t length = 0, skip = 0;
	size_t n;
	struct file_reader fr;
	struct pc_usage_handler handler;
	int error;

	/* stdin cannot be read twice: its records' ids still guard against repeats */
	if (strcmp(path, "-")) {
		pc_store_import_lengths(imp, &lengths, &n);
		prefix = pc_xcalloc(n ? n : 1, sizeof(*prefix));
		found = pc_xcalloc(n ? n : 1, sizeof(*found));
		if ((error = pc_usage_open(&in, path)) ||
		    (error = pc_usage_fingerprint(in, &length, digest, lengths, n, prefix, found)) ||
		    (error = pc_store_import_content(&already, &skip, imp, digest, length, lengths,
						     (const unsigned char(*)[PC_SHA256_LEN])prefix,
						     found, n)))
			goto done;
		pc_usage_close(in);
		in = NULL;
		fingerprinted = true;
	}
	pc_store_import_file(imp, already);
	if (already)
		goto done;
	if ((error = pc_usage_open(&in, path)))
		goto done;
	fr.imp = imp;
	fr.name = pc_usage_input_name(in);
	fr.format = options->format;
	if (fr.format == PC_USAGE_AUTO && (error = pc_usage_detect(&fr.format, in)))
		goto done;
	handler.ctx = &fr;
	handler.record = on_record;
	handler.bad = options->skip_bad_path ? on_bad : NULL;
	if ((error = pc_usage_read(in, fr.format, skip, &handler)))
		goto done;
	if (fingerprinted)
		error = pc_store_import_content_add(imp, digest, length, fr.format, fr.name);
done:
	pc_usage_close(in);
	free(prefix);
	free(found);
	return error;
}

int pc_store_import(struct pc_store *store, const char *const *paths, size_t npaths,
		    const struct pc_import_options *options, struct pc_import_summary *summary)
{
	struct pc_store_import *imp = NULL;
	int error;

	memset(summary, 0, sizeof(*summary));
	if ((error = pc_store_import_begin(&imp, store, options)))
		return error;
	for (size_t i = 0; i < npaths && !error; i++)
		error = import_file(imp, options, paths[i]);
	if (!error)
		error = pc_store_import_commit(imp, summary);
	pc_store_import_free(imp);
	return error;
}

