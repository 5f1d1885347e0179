/*
 * For the usage importers' tests: a handler that keeps what it is given
 * (records as copies, bad records with their lines and messages), and a
 * reader of a file or a string through pc_usage_read.
 */
#ifndef TESTS_USAGE_CAPTURE_H
#define TESTS_USAGE_CAPTURE_H

#include "promptcost/usage.h"

struct cap_record {
	struct pc_usage_record r; /* its strings point at the copies below */
	char *strings[11];
	char **tags;
	uint64_t line;
};

struct capture {
	struct cap_record *records;
	size_t n, cap;
	uint64_t *bad_lines;
	char **bad_messages;
	size_t nbad, bad_cap;
	bool keep;      /* keep copies (false: only count, for large inputs) */
	bool set_aside; /* pass bad records to the bad callback */
	int64_t input_tokens_total;
};

void cap_init(struct capture *c);
void cap_release(struct capture *c);
struct pc_usage_handler cap_handler(struct capture *c);

/* Reads path in format (skip bytes first) into c; returns pc_usage_read's result. */
int cap_read_file(struct capture *c, const char *path, enum pc_usage_format format,
		  uint64_t skip);
/* The same for content written to a temporary file named name (kept for messages). */
int cap_read_text(struct capture *c, const char *name, const void *data, size_t len,
		  enum pc_usage_format format);

/* A temporary file with content; returns its path (free it; unlink it). */
char *cap_temp_file(const char *name, const void *data, size_t len);

#endif
