/*
 * libFuzzer target for the prompt formats (`make fuzz`): a head's template
 * files are read as front matter, as YAML, JSON, TOML or CSV under a
 * fragment, and with their includes expanded, so none of that may crash,
 * leak or hang on any bytes, and an error is one line located in the file.
 * Input: a first byte choosing the reader, then (for a fragment) the
 * fragment up to the first newline, then the file. For includes every path
 * under "p/" serves the same bytes, so loops, depth and fan-out are reached.
 * Its corpus, fuzz/corpus/formats/, is replayed by tests/test_fuzz_corpora.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "promptcost/formats.h"
#include "promptcost/git.h"
#include "promptcost/includes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct served {
	const char *text;
	size_t len;
};

static int serve(void *ctx, struct pc_buf *out, char *oid, const char *path)
{
	const struct served *s = ctx;

	if (strncmp(path, "p/", 2))
		return PC_ENOTFOUND;
	pc_buf_add(out, s->text, s->len);
	memset(oid, '0', PC_OID_HEXSZ);
	oid[PC_OID_HEXSZ] = '\0';
	return 0;
}

static void check_error(int error, const char *path)
{
	const char *msg = pc_error_message();

	if (!error)
		return;
	if (getenv("FUZZ_SHOW"))
		fprintf(stderr, "error %d: %s\n", error, msg);
	if (error != PC_EINPUT || !*msg || strchr(msg, '\n') || strncmp(msg, path, strlen(path)))
		abort();
	pc_error_clear();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "f.yaml", "f.json", "f.toml", "f.csv" };
	const char *text = (const char *)data + 1;
	size_t len = size ? size - 1 : 0;
	int error;

	if (!size)
		return 0;
	switch (data[0] % 7) {
	case 0:
	case 1: {
		struct pc_front_matter fm;

		error = pc_front_matter_split(&fm, "f.prompt", text, len, data[0] % 7);
		check_error(error, "f.prompt");
		if (!error && fm.body_offset > len)
			abort();
		pc_front_matter_release(&fm);
		break;
	}
	case 2: {
		struct pc_buf out = PC_BUF_INIT;
		struct pc_include_list used = { PC_STRLIST_INIT, PC_STRLIST_INIT };
		struct served s = { text, len };

		error = pc_includes_expand(&out, "p/a.j2", text, len,
					   PC_INCLUDE_JINJA | PC_INCLUDE_HANDLEBARS | PC_INCLUDE_SNIPPETS,
					   serve, &s, &used, data[0] & 8);
		check_error(error, "p/");
		pc_include_list_release(&used);
		pc_buf_release(&out);
		break;
	}
	default: {
		const char *nl = memchr(text, '\n', len);
		size_t flen = nl ? (size_t)(nl - text) : len;
		char *fragment = pc_xstrndup(text, flen);
		const char *path = paths[data[0] % 7 - 3];
		struct pc_fragment f;
		struct pc_fragment_matches m = { NULL, 0, 0 };

		if (memchr(text, '\0', flen) || pc_fragment_parse(&f, fragment) < 0) {
			pc_error_clear();
			free(fragment);
			break;
		}
		error = pc_fragment_select(&m, path, nl ? nl + 1 : text + len,
					   nl ? len - flen - 1 : 0, &f);
		check_error(error, path);
		for (size_t i = 0; i < m.n; i++)
			if (!m.items[i].fragment || !m.items[i].name)
				abort();
		pc_fragment_matches_release(&m);
		pc_fragment_release(&f);
		free(fragment);
		break;
	}
	}
	return 0;
}
