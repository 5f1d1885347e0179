/*
 * The importers' test handler and sample readers (usage_json_capture.h).
 */
#include "usage_json_capture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static char *copy(const char *s)
{
	return s ? pc_xstrdup(s) : NULL;
}

static int keep_record(void *ctx, const struct pc_usage_record *record, uint64_t line)
{
	struct uc_capture *capture = ctx;
	struct uc_record *kept;
	const char *const in[10] = {
		record->id, record->template, record->template_version, record->team,
		record->use_case, record->provider, record->model, record->deployment,
		record->project, record->api_key,
	};

	PC_GROW(capture->records, capture->cap, capture->n + 1);
	kept = &capture->records[capture->n++];
	memset(kept, 0, sizeof(*kept));
	kept->r = *record;
	kept->line = line;
	for (int i = 0; i < 10; i++)
		kept->strings[i] = copy(in[i]);
	kept->r.id = kept->strings[0];
	kept->r.template = kept->strings[1];
	kept->r.template_version = kept->strings[2];
	kept->r.team = kept->strings[3];
	kept->r.use_case = kept->strings[4];
	kept->r.provider = kept->strings[5];
	kept->r.model = kept->strings[6];
	kept->r.deployment = kept->strings[7];
	kept->r.project = kept->strings[8];
	kept->r.api_key = kept->strings[9];
	if (record->ntags) {
		kept->tags = pc_xcalloc(record->ntags, sizeof(char *));
		for (size_t i = 0; i < record->ntags; i++)
			kept->tags[i] = copy(record->tags[i]);
		kept->r.tags = (const char *const *)kept->tags;
	} else {
		kept->r.tags = NULL;
	}
	return 0;
}

static int count_bad(void *ctx, uint64_t line, const char *message, const char *raw, size_t rawlen)
{
	struct uc_capture *capture = ctx;

	(void)raw;
	(void)rawlen;
	capture->bad++;
	snprintf(capture->last_bad, sizeof(capture->last_bad), "%llu: %s",
		 (unsigned long long)line, message);
	return 0;
}

void uc_init(struct uc_capture *capture)
{
	memset(capture, 0, sizeof(*capture));
	capture->handler.ctx = capture;
	capture->handler.record = keep_record;
}

void uc_count_bad(struct uc_capture *capture)
{
	capture->handler.bad = count_bad;
}

void uc_release(struct uc_capture *capture)
{
	for (size_t i = 0; i < capture->n; i++) {
		for (int k = 0; k < 10; k++)
			free(capture->records[i].strings[k]);
		for (size_t t = 0; t < capture->records[i].r.ntags; t++)
			free(capture->records[i].tags[t]);
		free(capture->records[i].tags);
	}
	free(capture->records);
	memset(capture, 0, sizeof(*capture));
}

json_t *uc_load_json(const char *path)
{
	json_error_t error;
	json_t *value = json_load_file(path, JSON_DECODE_ANY, &error);

	if (!value)
		fail_msg("%s:%d:%d: %s", path, error.line, error.column, error.text);
	return value;
}

json_t **uc_load_jsonl(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	json_t **values = NULL;
	size_t cap = 0;
	char *line = NULL;
	size_t linecap = 0;
	ssize_t len;
	unsigned lineno = 0;

	if (!f)
		fail_msg("cannot open %s", path);
	*n = 0;
	while ((len = getline(&line, &linecap, f)) >= 0) {
		json_error_t error;
		json_t *value;

		lineno++;
		if (len == 0 || line[0] == '\n')
			continue;
		if (!(value = json_loadb(line, (size_t)len, 0, &error)))
			fail_msg("%s:%u: %s", path, lineno, error.text);
		PC_GROW(values, cap, *n + 1);
		values[(*n)++] = value;
	}
	free(line);
	fclose(f);
	return values;
}

void uc_free_values(json_t **values, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_decref(values[i]);
	free(values);
}

int uc_map(struct uc_capture *capture, pc_usage_json_mapper map, const json_t *value,
	   uint64_t line)
{
	struct pc_usage_emit emit;

	memset(&emit, 0, sizeof(emit));
	emit.handler = &capture->handler;
	emit.line = line;
	return map(value, &emit);
}

int uc_map_text(struct uc_capture *capture, pc_usage_json_mapper map, const char *text)
{
	json_error_t error;
	json_t *value = json_loads(text, JSON_DECODE_ANY, &error);
	int result;

	if (!value)
		fail_msg("bad JSON in the test (%s): %s", error.text, text);
	result = uc_map(capture, map, value, 1);
	json_decref(value);
	return result;
}
