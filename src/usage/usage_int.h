/*
 * Shared by the importers under src/usage/, not part of the library's
 * contract. The input layer (input.c) splits a source into records (lines
 * of JSONL or CSV, or the top-level elements of a JSON document) and hands
 * each JSON record to its source's mapper, which turns it into native
 * records (an OTLP line or an OpenAI page holds many).
 */
#ifndef PROMPTCOST_USAGE_INT_H
#define PROMPTCOST_USAGE_INT_H

#include "promptcost/usage.h"

#include <jansson.h>

/* Where mapped records go: the reader's handler, at the record's first line. */
struct pc_usage_emit {
	const struct pc_usage_handler *handler;
	uint64_t line;
};

/* Hands one mapped record to the handler (after the checks every record gets). */
int pc_usage_emit_record(struct pc_usage_emit *emit, const struct pc_usage_record *record);

/*
 * A mapper: one top-level JSON element of a source onto records. On bad
 * content returns PC_EINPUT with a message without a location (the reader
 * adds "name:line: "); records already emitted for the element stand.
 */
typedef int (*pc_usage_json_mapper)(const json_t *element, struct pc_usage_emit *emit);

int pc_usage_map_native_json(const json_t *element, struct pc_usage_emit *emit);
int pc_usage_map_litellm_json(const json_t *element, struct pc_usage_emit *emit);
int pc_usage_map_langfuse(const json_t *element, struct pc_usage_emit *emit);
int pc_usage_map_otlp(const json_t *element, struct pc_usage_emit *emit);
int pc_usage_map_openai(const json_t *element, struct pc_usage_emit *emit);

/* Field readers every importer uses (fields.c): one rule for each kind of value. */

/*
 * An RFC 3339 timestamp with a zone ("2026-11-03T14:05:10Z", "...+01:00",
 * fractions allowed and truncated to the second) into UTC seconds. A time
 * without a zone is an error: it would be read in some unknown zone.
 */
int pc_usage_parse_time(int64_t *out, const char *text);

/*
 * Nanoseconds since 1970 as OTLP writes them (decimal digits, no sign) into
 * UTC seconds, truncated. 0 is an error: OTLP writes it for "not set".
 */
int pc_usage_parse_unix_nanos(int64_t *out, const char *text);

/* The largest count a record may carry: more is "absurd", an error, never wrapped. */
#define PC_USAGE_MAX_COUNT ((int64_t)1000000000000000) /* 1e15 */

/* A non-negative integer count no larger than PC_USAGE_MAX_COUNT, from decimal text. */
int pc_usage_parse_count(int64_t *out, const char *text, const char *field);

/*
 * A money amount in decimal text ("0.0055", "1.5e-05") into micro-units,
 * exactly, rounded half away from zero beyond six decimals. Negative or more
 * than 10^9 (10^15 micro-units) is an error.
 */
int pc_usage_parse_cost(int64_t *out, const char *text, const char *field);

/*
 * The same rules on a JSON value, for mappers: value may be NULL (the field
 * is missing: an error naming it) or of a wrong type (an error naming it and
 * the type found). Messages start "field 'name': ".
 *   time: a string. unix_nanos: a string or an integer. count: an integer,
 *   a whole number or a decimal string. cost: a number (read back from the
 *   shortest text that gives the same double, never scaled in floating
 *   point) or a decimal string. string: a string, borrowed from value.
 */
int pc_usage_json_time(int64_t *out, const json_t *value, const char *field);
int pc_usage_json_unix_nanos(int64_t *out, const json_t *value, const char *field);
int pc_usage_json_count(int64_t *out, const json_t *value, const char *field);
int pc_usage_json_cost(int64_t *out, const json_t *value, const char *field);
int pc_usage_json_string(const char **out, const json_t *value, const char *field);

#endif
