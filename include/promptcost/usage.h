/*
 * Usage records: the native record (promptcost/usage/v1, DESIGN.md "Usage
 * records") and the importers that map real sources onto it, one module per
 * source under src/usage/. An importer only parses: it hands each record to
 * a handler and knows nothing about the store, the configuration or git.
 *
 * Input is streamed: a file (or "-" for stdin), gzip-compressed or not
 * (told by its magic bytes, never by its name), read in bounded pieces, so
 * memory never grows with the size of the input.
 */
#ifndef PROMPTCOST_USAGE_H
#define PROMPTCOST_USAGE_H

#include "promptcost/common.h"

#include <stdbool.h>
#include <stdint.h>

enum pc_usage_format {
	PC_USAGE_AUTO,          /* told from the content (pc_usage_detect) */
	PC_USAGE_NATIVE,        /* promptcost/usage/v1: JSONL, or CSV with the same columns */
	PC_USAGE_LITELLM,       /* LiteLLM_SpendLogs rows: CSV, JSONL or a JSON array */
	PC_USAGE_LANGFUSE,      /* Langfuse observations: export (JSONL / array) or API pages */
	PC_USAGE_OTLP,          /* OpenTelemetry GenAI spans, OTLP JSON (the file exporter's lines) */
	PC_USAGE_OPENAI,        /* OpenAI /v1/organization/usage/completions pages */
	PC_USAGE_CLICKHOUSE     /* buckets read from a ClickHouse server (clickhouse.h), never a file */
};

/* "native", "litellm", "langfuse", "otlp", "openai"; PC_ENOTFOUND otherwise. */
int pc_usage_format_lookup(enum pc_usage_format *out, const char *name);
const char *pc_usage_format_name(enum pc_usage_format format);

/*
 * One record as a source states it, before attribution. Strings are
 * borrowed until the handler returns (NULL when the source has none).
 * Counts are totals over the record's calls; input_tokens is all input,
 * cached_input_tokens and cache_write_tokens are parts of it (importers
 * convert sources that count them apart, as Anthropic does).
 */
struct pc_usage_record {
	int64_t time;                   /* UTC seconds since 1970; the bucket start when calls > 1 */
	const char *id;                 /* the source's own record id */
	const char *template;           /* as the record names it */
	const char *template_version;   /* blob id, commit id or a label */
	const char *team;
	const char *use_case;
	const char *provider;
	const char *model;              /* as the source names it */
	const char *deployment;         /* a reservation's name; NULL for on-demand */
	/* What configuration mappings (`usage:`) may attribute by. */
	const char *project;            /* OpenAI project_id */
	const char *api_key;            /* OpenAI api_key_id, LiteLLM api_key (its hash) */
	const char *const *tags;        /* LiteLLM request_tags */
	size_t ntags;
	int64_t calls;                  /* >= 1 */
	int64_t response_cache_hits;    /* of calls: answered without a model call */
	int64_t input_tokens;
	int64_t cached_input_tokens;
	int64_t cache_write_tokens;
	int64_t output_tokens;
	bool has_cost;
	int64_t cost_micros;            /* what the source says it cost (reconciliation only) */
	/*
	 * A bucket a server summed (ClickHouse): how many source records it
	 * stands for, and how many of them carried a cost; 0: one record (and
	 * has_cost says whether it carried one), as every file importer leaves it.
	 */
	int64_t records;
	int64_t cost_records;
};

/* An opened input: its name for messages, its decompressed bytes as a stream. */
struct pc_usage_input;

/*
 * Opens path ("-": stdin). Nothing is read beyond the magic bytes.
 * PC_EIO when it cannot be opened (the message names it).
 */
int pc_usage_open(struct pc_usage_input **out, const char *path);
void pc_usage_close(struct pc_usage_input *in);
const char *pc_usage_input_name(const struct pc_usage_input *in);

/* Tells the format from the first bytes of content; PC_EINPUT (with why) when it cannot. */
int pc_usage_detect(enum pc_usage_format *out, struct pc_usage_input *in);

/*
 * What the handler is given. record: return 0 to go on, or an error to stop
 * (the reader returns it). bad: a record that cannot be read (message is one
 * line without the location; raw its text, possibly cut); return 0 to set it
 * aside and go on, or an error to stop. When bad is NULL, the reader returns
 * PC_EINPUT with "name:line: message" itself.
 */
struct pc_usage_handler {
	void *ctx;
	int (*record)(void *ctx, const struct pc_usage_record *record, uint64_t line);
	int (*bad)(void *ctx, uint64_t line, const char *message, const char *raw, size_t rawlen);
};

/*
 * Reads every record of in in format (PC_USAGE_AUTO: detected), after the
 * first skip bytes of its decompressed content (an appended log's new part,
 * which starts a new line); line numbers count from the start of the file
 * all the same. Errors: PC_EINPUT "name:line[:col]: what" for bad
 * content (a truncated gzip, invalid UTF-8, a wrong type, a negative or
 * absurd count, a timestamp without a zone...), PC_EIO for reading.
 */
int pc_usage_read(struct pc_usage_input *in, enum pc_usage_format format, uint64_t skip,
		  const struct pc_usage_handler *handler);

/*
 * The identity of content, for recognising a file imported before: the
 * SHA-256 of in's whole decompressed content and its length, and of each
 * prefix of the given lengths (prefix[k] for lengths[k] <= the length; the
 * others are left alone). Reads in to the end; reopen it to read records.
 */
#define PC_SHA256_LEN 32
int pc_usage_fingerprint(struct pc_usage_input *in, uint64_t *length,
			 unsigned char digest[PC_SHA256_LEN], const uint64_t *lengths, size_t n,
			 unsigned char (*prefix)[PC_SHA256_LEN], bool *prefix_found);

#endif
