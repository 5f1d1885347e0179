/*
 * Internal to the tokenizer: the compiled-in tables (generated at build time
 * by tools/gen_unicode.c and tools/gen_vocab.c), character classes, and the
 * interfaces between the UTF-8 cleaner, the pre-tokenizers and BPE.
 */
#ifndef PROMPTCOST_TOKENIZER_INT_H
#define PROMPTCOST_TOKENIZER_INT_H

#include <stddef.h>
#include <stdint.h>

/* Character-class bits of a code point (Unicode 16.0); tools/gen_unicode.c writes them. */
#define PC_UC_LU 0x01u
#define PC_UC_LL 0x02u
#define PC_UC_LT 0x04u
#define PC_UC_LM 0x08u
#define PC_UC_LO 0x10u
#define PC_UC_M 0x20u  /* \p{M}, combining marks */
#define PC_UC_N 0x40u  /* \p{N} */
#define PC_UC_WS 0x80u /* \s: White_Space */
#define PC_UC_L (PC_UC_LU | PC_UC_LL | PC_UC_LT | PC_UC_LM | PC_UC_LO)

/*
 * Two-stage table: the class of cp is pc_uc_stage2[pc_uc_stage1[cp >> 8] * 256 + (cp & 255)].
 * The generator numbers blocks in order of first use, so block 0 is first:
 * the classes of U+0000..U+00FF are pc_uc_stage2[0..255].
 */
extern const uint16_t pc_uc_stage1[0x110000 / 256];
extern const uint8_t pc_uc_stage2[];

static inline unsigned pc_uc_class(uint32_t cp)
{
	return pc_uc_stage2[(size_t)pc_uc_stage1[cp >> 8] * 256 + (cp & 255)];
}

/* A slot of a vocabulary's hash table; the layout is in vocab_hash.h. */
struct pc_vocab_slot {
	uint64_t head;
	uint64_t meta;
};

/*
 * A vocabulary: token i has the bytes bytes[offsets[i] .. offsets[i + 1]);
 * slots is an open-addressing table (vocab_hash.h) of n_slots entries.
 */
struct pc_vocab {
	const unsigned char *bytes;
	const uint32_t *offsets;
	const struct pc_vocab_slot *slots;
	const struct pc_vocab_slot *hot_slots; /* the PC_VOCAB_HOT most frequent tokens only */
	const uint32_t *byte_ranks; /* the token of each single byte */
	const uint32_t *byte_pairs; /* the token of each two bytes b0 << 8 | b1, or PC_RANK_NONE */
	const uint64_t *bloom;      /* a Bloom filter of all tokens (vocab_hash.h) */
	uint32_t bloom_bits;
	uint32_t n_slots;
	uint32_t n_hot_slots;
	uint32_t n_ranks;
	uint32_t max_token_len;
};

extern const struct pc_vocab pc_vocab_cl100k_base;
extern const struct pc_vocab pc_vocab_o200k_base;

#define PC_RANK_NONE 0xFFFFFFFFu

/* The rank of the token whose bytes are p[0..n), or PC_RANK_NONE. */
uint32_t pc_vocab_rank(const struct pc_vocab *v, const unsigned char *p, size_t n);

/* The same, n >= 1, given pc_vocab_hash(p, n) and pc_vocab_head(p, n) (vocab_hash.h). */
uint32_t pc_vocab_rank_hashed(const struct pc_vocab *v, const unsigned char *p, size_t n,
			      uint64_t hash, uint64_t head);



/*
 * Where the tokens of one call go: appended to ids (when keep_ids) and
 * counted. It also carries the call's memo of merged pairs (bpe.c), made on
 * first use and freed by pc_sink_release.
 */
struct pc_token_sink {
	uint32_t *ids;
	size_t n;
	size_t cap;
	int keep_ids;
};

/* Appends one token to sink. */
void pc_sink_push(struct pc_token_sink *sink, uint32_t rank);

/* Encodes one pre-tokenized piece p[0..n) (n >= 1) by byte-pair merging into sink. */
void pc_bpe_piece(struct pc_token_sink *sink, const struct pc_vocab *v, const unsigned char *p,
		  size_t n);

/* The same for a piece known not to be a token itself (skips that lookup). */
void pc_bpe_merge(struct pc_token_sink *sink, const struct pc_vocab *v, const unsigned char *p,
		  size_t n);

/*
 * The pre-tokenizers: given valid UTF-8 s[0..n) and a piece start i < n,
 * the end of the piece the encoding's regex would match there.
 */
size_t pc_pretok_cl100k(const unsigned char *s, size_t n, size_t i);
size_t pc_pretok_o200k(const unsigned char *s, size_t n, size_t i);

/*
 * Replaces each maximal invalid UTF-8 subsequence of text[0..len) with U+FFFD
 * (EF BF BD), as Python's errors="replace" and the WHATWG decoder do. Returns
 * NULL when text is valid UTF-8 already (use it as it is); otherwise a
 * malloc'ed copy with its length in *out_len.
 */
unsigned char *pc_utf8_clean(const unsigned char *text, size_t len, size_t *out_len);

#endif
