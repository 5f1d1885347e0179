/*
 * The hash of a token's bytes, shared by the build-time generator
 * (tools/gen_vocab.c, which lays the table out) and the run-time lookup
 * (bpe.c, which probes it): the two must agree bit for bit, on any host.
 */
#ifndef PROMPTCOST_VOCAB_HASH_H
#define PROMPTCOST_VOCAB_HASH_H

#include <stddef.h>
#include <stdint.h>

/*
 * A slot of the open-addressing table is two 64-bit words: the token's first
 * eight bytes (pc_vocab_head), then its rank (low PC_VOCAB_RANK_BITS bits),
 * length (the 8 bits above) and the offset of its bytes (high 32 bits). The
 * low half of an empty slot's second word is PC_VOCAB_EMPTY.
 */
#define PC_VOCAB_RANK_BITS 20
#define PC_VOCAB_RANK_MASK ((1u << PC_VOCAB_RANK_BITS) - 1)
#define PC_VOCAB_MAX_LEN 255
#define PC_VOCAB_EMPTY 0xFFFFFFFFu
/* The ranks below this also go in the small "hot" table, probed first. */
#define PC_VOCAB_HOT 4096

/* Loads 8 bytes little-endian whatever the host, so the table is portable. */
static inline uint64_t pc_vocab_load64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	       (uint64_t)p[7] << 56;
}

/*
 * A 64-bit multiply-xorshift hash of p[0..n): a seed from n, one round per
 * 8-byte word (the last one zero-padded), a final mix. Tokens are short, so
 * it reads 8 bytes a step.
 */
static inline uint64_t pc_vocab_hash_seed(size_t n)
{
	return 0x9E3779B97F4A7C15ull ^ ((uint64_t)n * 0xFF51AFD7ED558CCDull);
}

static inline uint64_t pc_vocab_hash_round(uint64_t h, uint64_t word)
{
	h = (h ^ word) * 0xBF58476D1CE4E5B9ull;
	return h ^ h >> 29;
}

static inline uint64_t pc_vocab_hash_final(uint64_t h)
{
	h *= 0x94D049BB133111EBull;
	return h ^ h >> 32;
}

static inline uint64_t pc_vocab_hash(const unsigned char *p, size_t n)
{
	uint64_t h = pc_vocab_hash_seed(n);

	while (n >= 8) {
		h = pc_vocab_hash_round(h, pc_vocab_load64(p));
		p += 8;
		n -= 8;
	}
	if (n > 0) {
		uint64_t w = 0;

		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)p[i] << (8 * i);
		h = pc_vocab_hash_round(h, w);
	}
	return pc_vocab_hash_final(h);
}

/* The same hash of a string of 1 to 16 bytes given as two zero-padded little-endian words. */
static inline uint64_t pc_vocab_hash16(size_t n, uint64_t w0, uint64_t w1)
{
	uint64_t h = pc_vocab_hash_round(pc_vocab_hash_seed(n), w0);

	if (n > 8)
		h = pc_vocab_hash_round(h, w1);
	return pc_vocab_hash_final(h);
}

/* The first min(n, 8) bytes of p, little-endian, zero-padded: the slot's first word. */
static inline uint64_t pc_vocab_head(const unsigned char *p, size_t n)
{
	unsigned char buf[8] = { 0 };

	if (n >= 8)
		return pc_vocab_load64(p);
	for (size_t i = 0; i < n; i++)
		buf[i] = p[i];
	return pc_vocab_load64(buf);
}

/* The home slot of hash h in a table of n slots (any n, not only powers of two). */
static inline size_t pc_vocab_slot_index(uint64_t h, size_t n)
{
	return (size_t)(((h >> 32) * (uint64_t)n) >> 32);
}

/* The k-th (0 or 1) bit of hash h in a Bloom filter of n_bits (a power of two). */
static inline size_t pc_vocab_bloom_bit(uint64_t h, int k, size_t n_bits)
{
	return (size_t)(k ? h >> 24 : h) & (n_bits - 1);
}

#endif
