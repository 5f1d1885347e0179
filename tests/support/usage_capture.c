/* The capturing handler of the usage importers' tests (usage_capture.h). */
#include "usage_capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cap_init(struct capture *c)
{
	memset(c, 0, sizeof(*c));
	c->keep = true;
}

void cap_release(struct capture *c)
{
	for (size_t i = 0; c->records && i < c->n; i++) {
		for (size_t k = 0; k < 11; k++)
			free(c->records[i].strings[k]);
		for (size_t k = 0; k < c->records[i].r.ntags; k++)
			free(c->records[i].tags[k]);
		free(c->records[i].tags);
	}
	free(c->records);
	for (size_t i = 0; i < c->nbad; i++)
		free(c->bad_messages[i]);
	free(c->bad_messages);
	free(c->bad_lines);
	memset(c, 0, sizeof(*c));
}

static char *dup_or_null(const char *s)
{
	return s ? pc_xstrdup(s) : NULL;
}

static int on_record(void *ctx, const struct pc_usage_record *r, uint64_t line)
{
	struct capture *c = ctx;
	struct cap_record *k;
	const char **fields[11];

	c->input_tokens_total += r->input_tokens;
	if (!c->keep) {
		c->n++;
		return 0;
	}
	PC_GROW(c->records, c->cap, c->n + 1);
	k = &c->records[c->n++];
	memset(k, 0, sizeof(*k));
	k->r = *r;
	k->line = line;
	fields[0] = &k->r.id;
	fields[1] = &k->r.template;
	fields[2] = &k->r.template_version;
	fields[3] = &k->r.team;
	fields[4] = &k->r.use_case;
	fields[5] = &k->r.provider;
	fields[6] = &k->r.model;
	fields[7] = &k->r.deployment;
	fields[8] = &k->r.project;
	fields[9] = &k->r.api_key;
	fields[10] = NULL;
	for (size_t i = 0; fields[i]; i++) {
		k->strings[i] = dup_or_null(*fields[i]);
		*fields[i] = k->strings[i];
	}
	if (r->ntags) {
		k->tags = pc_xcalloc(r->ntags, sizeof(*k->tags));
		for (size_t i = 0; i < r->ntags; i++)
			k->tags[i] = pc_xstrdup(r->tags[i]);
	}
	k->r.tags = (const char *const *)k->tags;
	return 0;
}

static int on_bad(void *ctx, uint64_t line, const char *message, const char *raw, size_t len)
{
	struct capture *c = ctx;

	(void)raw;
	(void)len;
	PC_GROW(c->bad_lines, c->bad_cap, c->nbad + 1);
	c->bad_messages = pc_xrealloc(c->bad_messages, c->bad_cap * sizeof(*c->bad_messages));
	c->bad_lines[c->nbad] = line;
	c->bad_messages[c->nbad++] = pc_xstrdup(message);
	return 0;
}

struct pc_usage_handler cap_handler(struct capture *c)
{
	struct pc_usage_handler h = { c, on_record, c->set_aside ? on_bad : NULL };

	return h;
}

int cap_read_file(struct capture *c, const char *path, enum pc_usage_format format,
		  uint64_t skip)
{
	struct pc_usage_input *in = NULL;
	struct pc_usage_handler h = cap_handler(c);
	int error;

	if ((error = pc_usage_open(&in, path)) < 0)
		return error;
	error = pc_usage_read(in, format, skip, &h);
	pc_usage_close(in);
	return error;
}

char *cap_temp_file(const char *name, const void *data, size_t len)
{
	char *dir = pc_xstrdup("/tmp/pc-usage-XXXXXX");
	struct pc_buf path = PC_BUF_INIT;
	FILE *f;

	if (!mkdtemp(dir))
		abort();
	pc_buf_addf(&path, "%s/%s", dir, name);
	free(dir);
	f = fopen(path.ptr, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		abort();
	return pc_buf_detach(&path, NULL);
}

int cap_read_text(struct capture *c, const char *name, const void *data, size_t len,
		  enum pc_usage_format format)
{
	char *path = cap_temp_file(name, data, len);
	int error = cap_read_file(c, path, format, 0);
	char *slash;

	unlink(path);
	slash = strrchr(path, '/');
	*slash = '\0';
	rmdir(path);
	free(path);
	return error;
}
