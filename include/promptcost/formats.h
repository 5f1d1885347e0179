/*
 * Prompt formats: which part of a file is the prompt. Front matter (`---`
 * YAML at the top of a Dotprompt `.prompt`, Prompty `.prompty` or Markdown
 * file) is split from the body and its cost-relevant settings read; a
 * fragment of a `files` entry (`lib.yaml#/summarize/system`,
 * `prompts.csv#row=act:Linux Terminal&column=prompt`) names one text inside
 * a YAML, JSON or TOML file or one cell of a CSV file. Pure functions of
 * bytes: no git, no configuration. Errors are PC_EINPUT "path:line:col: ...".
 */
#ifndef PROMPTCOST_FORMATS_H
#define PROMPTCOST_FORMATS_H

#include "promptcost/common.h"

/* ---- front matter ---- */

/* The settings of a front matter that change what a call costs. */
struct pc_front_matter {
	bool present;
	size_t body_offset;     /* the body is text[body_offset..len) */
	unsigned body_line;     /* its first line, 1-based */
	char *model;            /* NULL when none is named */
	bool has_max_tokens;
	int64_t max_tokens;     /* an upper bound on output tokens per call */
	char *max_tokens_key;   /* as written: "maxTokens", "max_tokens"... */
	char *unread;           /* a front matter that is not YAML we read: why (a warning) */
};

/*
 * Splits text into front matter and body. The front matter opens with a
 * line `---` (after a byte order mark and, when comment_header is set, as
 * Dotprompt allows, lines starting with '#' and blank lines) and closes at the next line
 * `---`. Without an opening line: present false, the body is everything.
 * An opening with no closing line is PC_EINPUT (path:line:1). A front
 * matter that is not strict YAML is still stripped; *unread says why its
 * settings could not be read.
 */
int pc_front_matter_split(struct pc_front_matter *out, const char *path, const char *text,
			  size_t len, bool comment_header);
void pc_front_matter_release(struct pc_front_matter *fm);

/* ---- fragments: a part of a structured file ---- */

enum pc_fragment_kind {
	PC_FRAGMENT_KEY_PATH,   /* #/a/b~1c/0: YAML, JSON, TOML */
	PC_FRAGMENT_CSV         /* #row=COLUMN:VALUE&column=NAME or #row=N&column=NAME */
};

struct pc_fragment {
	enum pc_fragment_kind kind;
	char **keys;            /* the key path, unescaped; a segment "*" is any key */
	size_t nkeys;
	char *row_column;       /* CSV: the column that selects the row (NULL: by number) */
	char *row_value;        /* its value; "*" for every row */
	int64_t row_number;     /* 1-based data row when row_column is NULL; 0: every row */
	char *column;           /* the column whose cell is the prompt */
};

/*
 * Where a `files` entry's fragment starts: the first '#' followed by '/' or
 * "row=" (a '#' elsewhere is part of the file name), or NULL.
 */
const char *pc_fragment_start(const char *entry);

/* Parses a fragment (after its '#'); on error returns PC_EINPUT with "what is wrong" only. */
int pc_fragment_parse(struct pc_fragment *out, const char *text);
void pc_fragment_release(struct pc_fragment *f);
/* Whether it has a wildcard ("*" segment or row value "*", or every row). */
bool pc_fragment_is_wild(const struct pc_fragment *f);

/* One text a fragment selects, with what its wildcards matched. */
struct pc_fragment_match {
	char *text;
	size_t len;
	char *fragment;         /* the concrete fragment (no '#'), wildcards replaced */
	char *name;             /* the wildcards' values joined by '.', "" when none */
};

struct pc_fragment_matches {
	struct pc_fragment_match *items; /* in file order */
	size_t n;
	size_t cap;
};

void pc_fragment_matches_release(struct pc_fragment_matches *m);

/*
 * Every text of the file text[0..len) (its kind from path's extension:
 * .yaml/.yml, .json, .toml, .csv) that f selects, appended to *out. A
 * selected value that is not a string (a mapping, a number) is PC_EINPUT
 * located; a file that does not parse is PC_EINPUT located; nothing
 * selected gives 0 with out->n unchanged.
 */
int pc_fragment_select(struct pc_fragment_matches *out, const char *path, const char *text,
		       size_t len, const struct pc_fragment *f);

/* Writes a key path segment escaped for a fragment ('~' as ~0, '/' as ~1). */
void pc_fragment_add_key(struct pc_buf *out, const char *key);
/* Writes a CSV value escaped for a fragment ('%', '&', '#' as %XX). */
void pc_fragment_add_value(struct pc_buf *out, const char *value);

/* ---- TOML ---- */

/*
 * The small strict TOML reader of prompt files: calls leaf(path, npath,
 * value, is_string) for every key in file order, path the table and key
 * segments ([[array]] tables numbered from 0). Reads tables, array tables,
 * dotted and quoted keys, basic and literal strings, multi-line ones, and
 * skips numbers, booleans, dates, arrays and inline tables (their text is
 * passed with is_string false). PC_EINPUT located on anything else.
 */
typedef int (*pc_toml_leaf_fn)(void *ctx, char **path, size_t npath, const char *value,
			       size_t len, bool is_string, unsigned line, unsigned col);
int pc_toml_walk(const char *path, const char *text, size_t len, pc_toml_leaf_fn leaf, void *ctx);

/* ---- CSV ---- */

/* RFC 4180 records: quoted fields with "" escapes, CRLF or LF. */
struct pc_csv_table {
	char ***rows;           /* rows[r][c] */
	size_t *ncols;
	unsigned *lines;        /* each row's first line */
	size_t nrows;
	size_t cap;
};

int pc_csv_table_parse(struct pc_csv_table *out, const char *path, const char *text, size_t len);
void pc_csv_table_release(struct pc_csv_table *csv);

#endif
