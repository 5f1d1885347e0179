/*
 * CSV as RFC 4180 writes it, record by record over the input's lines: a
 * field may be quoted, a quote inside one is doubled, and a quoted field
 * may hold newlines, so a record can span lines (it is located at the line
 * it starts on). Spreadsheets and databases (psql's \copy ... csv header)
 * write this form. A quote inside an unquoted field is taken as it is.
 */
#include "usage_int.h"

#include <stdlib.h>
#include <string.h>

void pc_csv_init(struct pc_csv *csv, struct pc_usage_input *in)
{
	memset(csv, 0, sizeof(*csv));
	csv->in = in;
	pc_buf_init(&csv->text);
	pc_buf_init(&csv->raw);
}

void pc_csv_release(struct pc_csv *csv)
{
	pc_buf_release(&csv->text);
	pc_buf_release(&csv->raw);
	free(csv->starts);
	memset(csv, 0, sizeof(*csv));
}

static void start_field(struct pc_csv *csv)
{
	PC_GROW(csv->starts, csv->cap, csv->nfields + 1);
	csv->starts[csv->nfields++] = csv->text.len;
}

int pc_csv_next(struct pc_csv *csv)
{
	const char *line;
	size_t len, col, i = 0;
	uint64_t lineno;
	bool quoted = false;
	int got;

	csv->col = 0;
	/* the first line: blank lines are passed over */
	do {
		got = pc_usage_next_line(csv->in, &line, &len, &lineno, &col);
		if (got <= 0) {
			csv->line = lineno;
			csv->col = col;
			return got;
		}
	} while (!len);
	csv->line = lineno;
	pc_buf_reset(&csv->text);
	pc_buf_reset(&csv->raw);
	pc_buf_add(&csv->raw, line, len);
	csv->nfields = 0;
	start_field(csv);
	for (;;) {
		for (; i < len; i++) {
			char c = line[i];
			size_t run = i;

			/* a run of plain bytes at once: the usual case */
			if (quoted) {
				while (run < len && line[run] != '"')
					run++;
			} else if (c != '"') {
				while (run < len && line[run] != ',' && line[run] != '"')
					run++;
			}
			if (run > i) {
				pc_buf_add(&csv->text, line + i, run - i);
				i = run - 1;
				continue;
			}
			if (quoted) {
				if (c != '"') {
					pc_buf_addch(&csv->text, c);
				} else if (i + 1 < len && line[i + 1] == '"') {
					pc_buf_addch(&csv->text, '"');
					i++;
				} else {
					quoted = false;
					if (i + 1 < len && line[i + 1] != ',') {
						csv->col = i + 2;
						return pc_error_set(PC_EINPUT, "text after a quoted field's "
								    "closing quote (a quote inside one "
								    "must be doubled)");
					}
				}
			} else if (c == ',') {
				pc_buf_addch(&csv->text, '\0');
				start_field(csv);
			} else if (c == '"' && csv->text.len == csv->starts[csv->nfields - 1]) {
				quoted = true;
			} else {
				pc_buf_addch(&csv->text, c);
			}
		}
		if (!quoted)
			break;
		/* a newline inside quotes: the record goes on on the next line */
		got = pc_usage_next_line(csv->in, &line, &len, &lineno, &col);
		if (got < 0) {
			if (!lineno)
				csv->line = 0;
			csv->col = col;
			return got;
		}
		if (!got)
			return pc_error_set(PC_EINPUT, "the quoted field is not closed before the end");
		if (csv->raw.len + len > PC_USAGE_MAX_LINE)
			return pc_error_set(PC_EINPUT, "a record longer than %zu bytes (the limit)",
					    PC_USAGE_MAX_LINE);
		pc_buf_addch(&csv->raw, '\n');
		pc_buf_add(&csv->raw, line, len);
		pc_buf_addch(&csv->text, '\n');
		i = 0;
	}
	pc_buf_addch(&csv->text, '\0');
	return 1;
}

int pc_csv_columns(const struct pc_csv *csv, const char *const *names, size_t nnames,
		   int *column_of, bool strict)
{
	for (size_t i = 0; i < csv->nfields; i++) {
		const char *name = pc_csv_field(csv, i);

		column_of[i] = -1;
		for (size_t k = 0; k < nnames; k++)
			if (!strcmp(name, names[k]))
				column_of[i] = (int)k;
		if (column_of[i] < 0) {
			if (strict)
				return pc_error_set(PC_EINPUT, "unknown column '%s'", name);
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (column_of[j] == column_of[i])
				return pc_error_set(PC_EINPUT, "column '%s' is named twice", name);
	}
	return 0;
}
