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
 * A slot of the open-addressing table holds the token's rank in the low
 * PC_VOCAB_RANK_BITS bits and PC_VOCAB_TAG_BITS of its hash above them, so
 * most probes that miss are rejected without touching the token bytes.
 */
#define PC_VOCAB_RANK_BITS 20
#define PC_VOCAB_TAG_BITS 12
#define PC_VOCAB_RANK_MASK ((1u << PC_VOCAB_RANK_BITS) - 1)
#define PC_VOCAB_EMPTY 0xFFFFFFFFu

/* Loads 8 bytes little-endian whatever the host, so the table is portable. */
static inline uint64_t pc_vocab_load64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	       (uint64_t)p[7] << 56;
}

/* A 64-bit multiply-xorshift hash of p[0..n); tokens are short, so it reads 8 bytes a step. */
static inline uint64_t pc_vocab_hash(const unsigned char *p, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ ((uint64_t)n * 0xFF51AFD7ED558CCDull);

	while (n >= 8) {
		h = (h ^ pc_vocab_load64(p)) * 0xBF58476D1CE4E5B9ull;
		h ^= h >> 29;
		p += 8;
		n -= 8;
	}
	if (n > 0) {
		uint64_t w = 0;

		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)p[i] << (8 * i);
		h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
		h ^= h >> 29;
	}
	h *= 0x94D049BB133111EBull;
	h ^= h >> 32;
	return h;
}

#endif
