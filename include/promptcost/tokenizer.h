/*
 * The tokenizer: exact token counts and ids for OpenAI's cl100k_base and
 * o200k_base encodings, identical to tiktoken's encode_ordinary for every
 * byte string (invalid UTF-8 included), in time linear in the input except
 * within one very long piece (a run of letters, say), where merging is
 * O(n log n) in the piece's length (src/tokenizer/README.md).
 */
#ifndef PROMPTCOST_TOKENIZER_H
#define PROMPTCOST_TOKENIZER_H

#include "promptcost/common.h"

enum pc_encoding {
	PC_ENC_CL100K_BASE,
	PC_ENC_O200K_BASE,
	PC_ENC__COUNT
};

/* "cl100k_base" or "o200k_base"; a static string. */
const char *pc_encoding_name(enum pc_encoding enc);

/* Looks an encoding up by name. PC_ENOTFOUND (with a message listing the known ones) when unknown. */
int pc_encoding_lookup(enum pc_encoding *out, const char *name);

/*
 * Maps a model name to its encoding as tiktoken does: the gpt-4o, gpt-4.1,
 * o1/o3/o4 and gpt-5 families to o200k_base; gpt-4, gpt-3.5-turbo and
 * text-embedding-3 to cl100k_base. PC_ENOTFOUND, with a message listing the
 * known models, when the name is not one of them.
 */
int pc_encoding_for_model(enum pc_encoding *out, const char *model);

/* The number of tokens of text[0..len) in enc. Never fails. */
size_t pc_tokens_count(enum pc_encoding enc, const char *text, size_t len);

/*
 * The token ids of text[0..len) in enc. *ids_out is malloc'ed and belongs to
 * the caller (free() it); *n_out is its length. Never fails.
 */
void pc_tokens_encode(uint32_t **ids_out, size_t *n_out, enum pc_encoding enc,
		      const char *text, size_t len);

/*
 * Appends the bytes of the tokens ids[0..n) of enc to out: the inverse of
 * pc_tokens_encode, whose output decodes to the input with each invalid UTF-8
 * sequence replaced by U+FFFD. PC_EINPUT when an id is not a token of enc
 * (what was decoded before it stays in out).
 */
int pc_tokens_decode(struct pc_buf *out, enum pc_encoding enc, const uint32_t *ids, size_t n);

#endif
