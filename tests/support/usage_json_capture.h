/*
 * For the JSON importers' tests that call a mapper directly: a handler that
 * keeps copies of the records it is given (the reader's strings are borrowed
 * only until the handler returns), and readers of sample files into jansson
 * values. (usage_capture.h reads through pc_usage_read instead.)
 */
#ifndef PROMPTCOST_TESTS_USAGE_JSON_CAPTURE_H
#define PROMPTCOST_TESTS_USAGE_JSON_CAPTURE_H

#include "../../src/usage/usage_int.h"

struct uc_record {
	struct pc_usage_record r;       /* its strings point into the copies below */
	char *strings[10];
	char **tags;
	uint64_t line;
};

struct uc_capture {
	struct uc_record *records;
	size_t n, cap;
	struct pc_usage_handler handler; /* record: copies; bad: NULL */
	uint64_t bad;                    /* how many lines handler.bad was given, when set */
	char last_bad[512];
};

void uc_init(struct uc_capture *capture);
void uc_release(struct uc_capture *capture);
/* Sets capture->handler.bad to one that counts bad lines and keeps the last message. */
void uc_count_bad(struct uc_capture *capture);

/* The whole file as one JSON value; fails the test when it is not JSON. */
json_t *uc_load_json(const char *path);
/* Each non-empty line of a JSONL file as a JSON value; *n of them; free with uc_free_values. */
json_t **uc_load_jsonl(const char *path, size_t *n);
void uc_free_values(json_t **values, size_t n);

/*
 * Calls map on value as the reader would for the element at line; returns
 * what the mapper returned.
 */
int uc_map(struct uc_capture *capture, pc_usage_json_mapper map, const json_t *value,
	   uint64_t line);
/* Parses text (one JSON value) and maps it; a test's inline bad input. */
int uc_map_text(struct uc_capture *capture, pc_usage_json_mapper map, const char *text);

#endif
