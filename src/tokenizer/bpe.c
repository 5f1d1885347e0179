/*
 * Byte-pair encoding of one piece, exactly as tiktoken does it: repeatedly
 * merge the adjacent pair of parts whose concatenation has the lowest rank,
 * the leftmost on ties. Short pieces use a plain scan; long ones a binary
 * heap over a doubly linked list of parts, O(n log n) in the piece length.
 */
#include "tokenizer_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "promptcost/common.h"
#include "vocab_hash.h"

/* Probes one table for p[0..n) (3 <= n <= max_token_len) given its hash and head. */
static inline uint32_t probe(const struct pc_vocab_slot *slots, size_t n_slots, const struct pc_vocab *v,
			     uint64_t hash, uint64_t head, const unsigned char *p, size_t n)
{
	size_t i = pc_vocab_slot_index(hash, n_slots);

	for (;;) {
		const struct pc_vocab_slot *slot = &slots[i];
		uint32_t meta = (uint32_t)slot->meta;

		if (meta == PC_VOCAB_EMPTY)
			return PC_RANK_NONE;
		if (slot->head == head && meta >> PC_VOCAB_RANK_BITS == n &&
		    (n <= 8 || memcmp(v->bytes + (slot->meta >> 32) + 8, p + 8, n - 8) == 0))
			return meta & PC_VOCAB_RANK_MASK;
		if (++i == n_slots)
			i = 0;
	}
}

uint32_t pc_vocab_rank(const struct pc_vocab *v, const unsigned char *p, size_t n)
{
	uint64_t head, hash;
	uint32_t rank;

	if (n <= 2)
		return n == 2 ? v->byte_pairs[p[0] << 8 | p[1]] : n == 1 ? v->byte_ranks[p[0]] : PC_RANK_NONE;
	if (n > v->max_token_len)
		return PC_RANK_NONE;
	head = pc_vocab_head(p, n);
	hash = pc_vocab_hash(p, n);
	rank = probe(v->hot_slots, v->n_hot_slots, v, hash, head, p, n);
	if (rank == PC_RANK_NONE)
		rank = probe(v->slots, v->n_slots, v, hash, head, p, n);
	return rank;
}

static inline void sink_push(struct pc_token_sink *sink, uint32_t rank)
{
	if (sink->keep_ids) {
		if (sink->n == sink->cap)
			PC_GROW(sink->ids, sink->cap, sink->n + 1);
		sink->ids[sink->n] = rank;
	}
	sink->n++;
}

/*
 * Pieces up to this many bytes use tiktoken's own scan: find the lowest
 * pair, merge, rescan. Quadratic, but on a handful of parts it beats a heap.
 */
#define SMALL_PIECE 48

static void bpe_small(struct pc_token_sink *sink, const struct pc_vocab *v, const unsigned char *p,
		      size_t n)
{
	/* start[k] is where part k begins; pair[k] the rank of parts k and k + 1 merged. */
	uint32_t start[SMALL_PIECE + 1], pair[SMALL_PIECE];
	size_t parts = n;

	for (size_t k = 0; k <= n; k++)
		start[k] = (uint32_t)k;
	for (size_t k = 0; k + 1 < n; k++)
		pair[k] = pc_vocab_rank(v, p + k, 2);
	while (parts > 1) {
		uint32_t best = PC_RANK_NONE;
		size_t at = 0;

		for (size_t k = 0; k + 1 < parts; k++)
			if (pair[k] < best) {
				best = pair[k];
				at = k;
			}
		if (best == PC_RANK_NONE)
			break;
		/* Parts at and at + 1 become one: drop start[at + 1] and pair[at + 1]. */
		memmove(start + at + 1, start + at + 2, (parts - at - 1) * sizeof(*start));
		memmove(pair + at + 1, pair + at + 2,
			(parts > at + 3 ? parts - at - 3 : 0) * sizeof(*pair));
		parts--;
		if (at + 1 < parts)
			pair[at] = pc_vocab_rank(v, p + start[at], start[at + 2] - start[at]);
		if (at > 0)
			pair[at - 1] = pc_vocab_rank(v, p + start[at - 1], start[at + 1] - start[at - 1]);
	}
	for (size_t k = 0; k < parts; k++)
		sink_push(sink, pc_vocab_rank(v, p + start[k], start[k + 1] - start[k]));
}

/*
 * A min-heap of (rank, position) packed in 64 bits so one comparison orders
 * by rank, then leftmost. Entries go stale when their pair changes; they are
 * recognised and dropped when popped (lazy deletion).
 */
struct heap {
	uint64_t *keys;
	size_t n;
};

static inline uint64_t heap_key(uint32_t rank, uint32_t pos)
{
	return (uint64_t)rank << 32 | pos;
}

static void heap_sift_down(struct heap *h, size_t i)
{
	uint64_t key = h->keys[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->keys[c + 1] < h->keys[c])
			c++;
		if (h->keys[c] >= key)
			break;
		h->keys[i] = h->keys[c];
		i = c;
	}
	h->keys[i] = key;
}

static void heap_push(struct heap *h, uint64_t key)
{
	size_t i = h->n++;

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (h->keys[parent] <= key)
			break;
		h->keys[i] = h->keys[parent];
		i = parent;
	}
	h->keys[i] = key;
}

static uint64_t heap_pop(struct heap *h)
{
	uint64_t top = h->keys[0];

	h->keys[0] = h->keys[--h->n];
	if (h->n > 0)
		heap_sift_down(h, 0);
	return top;
}

/*
 * The general case. Parts are a doubly linked list over byte positions
 * (next[i]/prev[i] for a part starting at i); pair[i] is the rank of the
 * part at i merged with its successor, token[i] the part's own rank. Each
 * merge pops one entry and pushes at most two, and the heap starts with at
 * most n - 1 entries, so there are O(n) heap operations of O(log n) each.
 */
static void bpe_large(struct pc_token_sink *sink, const struct pc_vocab *v, const unsigned char *p,
		      size_t n)
{
	uint32_t *next, *prev, *pair, *token;
	struct heap h;
	const uint32_t end = (uint32_t)n;

	/* Positions are 32-bit: a single piece of 4 GiB is treated like exhausted memory. */
	if (n >= UINT32_MAX) {
		fputs("promptcost: a single piece of 4 GiB or more is too large\n", stderr);
		abort();
	}
	next = pc_xmalloc(n * sizeof(*next));
	prev = pc_xmalloc(n * sizeof(*prev));
	pair = pc_xmalloc(n * sizeof(*pair));
	token = pc_xmalloc(n * sizeof(*token));
	h.keys = pc_xmalloc(3 * n * sizeof(*h.keys));
	h.n = 0;

	for (uint32_t i = 0; i < end; i++) {
		next[i] = i + 1;
		prev[i] = i - 1; /* prev[0] wraps to UINT32_MAX: no predecessor */
		token[i] = v->byte_ranks[p[i]];
		pair[i] = i + 1 < end ? pc_vocab_rank(v, p + i, 2) : PC_RANK_NONE;
		if (pair[i] != PC_RANK_NONE)
			h.keys[h.n++] = heap_key(pair[i], i);
	}
	for (size_t i = h.n / 2; i-- > 0;)
		heap_sift_down(&h, i);

	while (h.n > 0) {
		uint64_t key = heap_pop(&h);
		uint32_t rank = (uint32_t)(key >> 32), at = (uint32_t)key, gone, after;

		/* Stale: the part was absorbed, or its pair changed since this entry was pushed. */
		if (pair[at] != rank)
			continue;
		gone = next[at];
		after = next[gone];
		token[at] = rank;
		next[at] = after;
		pair[gone] = PC_RANK_NONE;
		if (after < end) {
			prev[after] = at;
			pair[at] = pc_vocab_rank(v, p + at, next[after] - at);
			if (pair[at] != PC_RANK_NONE)
				heap_push(&h, heap_key(pair[at], at));
		} else {
			pair[at] = PC_RANK_NONE;
		}
		if (at > 0) {
			uint32_t before = prev[at];

			pair[before] = pc_vocab_rank(v, p + before, after - before);
			if (pair[before] != PC_RANK_NONE)
				heap_push(&h, heap_key(pair[before], before));
		}
	}
	for (uint32_t i = 0; i < end; i = next[i])
		sink_push(sink, token[i]);

	free(h.keys);
	free(token);
	free(pair);
	free(prev);
	free(next);
}

void pc_bpe_piece(struct pc_token_sink *sink, const struct pc_vocab *v, const unsigned char *p,
		  size_t n)
{
	uint32_t rank = pc_vocab_rank(v, p, n);

	if (rank != PC_RANK_NONE)
		sink_push(sink, rank);
	else if (n <= SMALL_PIECE)
		bpe_small(sink, v, p, n);
	else
		bpe_large(sink, v, p, n);
}
