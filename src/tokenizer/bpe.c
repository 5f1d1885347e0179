/*
 * Byte-pair encoding of one piece, exactly as tiktoken does it: repeatedly
 * merge the adjacent pair of parts whose concatenation has the lowest rank,
 * the leftmost on ties. Short pieces use a plain scan; long ones a binary
 * heap over a doubly linked list of parts, O(n log n) in the piece length.
 */
#include "tokenizer_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "promptcost/common.h"
#include "vocab_hash.h"

/* Probes one table for p[0..n) (3 <= n <= max_token_len) given its hash and head. */
static inline uint32_t probe(const struct pc_vocab_slot *slots, size_t n_slots,
			     const struct pc_vocab *v, uint64_t hash, uint64_t head,
			     const unsigned char *p, size_t n)
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
	if (n <= 2)
		return n == 2 ? v->byte_pairs[p[0] << 8 | p[1]] : n == 1 ? v->byte_ranks[p[0]] : PC_RANK_NONE;
	if (n > v->max_token_len)
		return PC_RANK_NONE;
	return pc_vocab_rank_hashed(v, p, n, pc_vocab_hash(p, n), pc_vocab_head(p, n));
}

uint32_t pc_vocab_rank_hashed(const struct pc_vocab *v, const unsigned char *p, size_t n,
			      uint64_t hash, uint64_t head)
{
	uint32_t rank;

	if (n <= 2)
		return n == 2 ? v->byte_pairs[p[0] << 8 | p[1]] : v->byte_ranks[p[0]];
	if (n > v->max_token_len)
		return PC_RANK_NONE;
	/* Most pairs tried during BPE are not tokens: answer those from the cached filter. */
	for (int k = 0; k < 2; k++) {
		size_t bit = pc_vocab_bloom_bit(hash, k, v->bloom_bits);

		if (!(v->bloom[bit / 64] >> (bit % 64) & 1))
			return PC_RANK_NONE;
	}
	rank = probe(v->hot_slots, v->n_hot_slots, v, hash, head, p, n);
	if (rank == PC_RANK_NONE)
		rank = probe(v->slots, v->n_slots, v, hash, head, p, n);
	return rank;
}

void pc_sink_push(struct pc_token_sink *sink, uint32_t rank)
{
	if (sink->keep_ids) {
		if (sink->n == sink->cap)
			PC_GROW(sink->ids, sink->cap, sink->n + 1);
		sink->ids[sink->n] = rank;
	}
	sink->n++;
}

/*
 * A direct-mapped memo of (left token, right token) -> rank of the two
 * merged: the parts of a piece are tokens, so the pair's bytes are fixed by
 * the two ids. Text repeats the same pairs (the bytes of one CJK character, a
 * run of one character), which then skip the hashing and the table probes.
 *
 * One memo per vocabulary for the whole process: a pair's rank never
 * changes, so the memo stays valid from one call to the next, and short texts
 * (a check counts a thousand 2 KB templates) do not pay 48 KB of set-up per
 * call. Keys are stored plus one, so static zeroed memory means empty. This
 * makes the tokenizer single-threaded, as promptcost is.
 */
#define PAIR_MEMO_BITS 12

struct pc_pair_memo {
	uint64_t key[1u << PAIR_MEMO_BITS];
	uint32_t rank[1u << PAIR_MEMO_BITS];
};

static struct {
	const struct pc_vocab *vocab;
	struct pc_pair_memo memo;
} memos[2]; /* cl100k_base and o200k_base */

static struct pc_pair_memo *pair_memo(const struct pc_vocab *v)
{
	for (size_t i = 0; i < sizeof(memos) / sizeof(memos[0]); i++) {
		if (!memos[i].vocab)
			memos[i].vocab = v;
		if (memos[i].vocab == v)
			return &memos[i].memo;
	}
	assert(!"more vocabularies than encodings");
	return &memos[0].memo;
}

/* The rank of p[0..n), the bytes of token left followed by those of token right. */
static inline uint32_t merged_rank(struct pc_pair_memo *memo, const struct pc_vocab *v,
				   uint32_t left, uint32_t right, const unsigned char *p, size_t n)
{
	uint64_t key = ((uint64_t)left << 32 | right) + 1; /* 0 is an empty slot */
	size_t slot = (size_t)((key * 0x9E3779B97F4A7C15ull) >> (64 - PAIR_MEMO_BITS));

	if (memo->key[slot] != key) {
		memo->key[slot] = key;
		memo->rank[slot] = pc_vocab_rank(v, p, n);
	}
	return memo->rank[slot];
}

/*
 * Pieces up to this many bytes use tiktoken's own scan: find the lowest
 * pair, merge, rescan. Quadratic, but on a handful of parts it beats a heap.
 */
#define SMALL_PIECE 48

static void bpe_small(struct pc_token_sink *sink, const struct pc_vocab *v, const unsigned char *p,
		      size_t n)
{
	/*
	 * start[k] is where part k begins, token[k] its rank; pair[k] the rank
	 * of parts k and k + 1 merged.
	 */
	uint32_t start[SMALL_PIECE + 1], token[SMALL_PIECE], pair[SMALL_PIECE];
	struct pc_pair_memo *memo = pair_memo(v);
	size_t parts = n;

	for (size_t k = 0; k <= n; k++)
		start[k] = (uint32_t)k;
	for (size_t k = 0; k < n; k++)
		token[k] = v->byte_ranks[p[k]];
	for (size_t k = 0; k + 1 < n; k++)
		pair[k] = v->byte_pairs[p[k] << 8 | p[k + 1]];
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
		/* Parts at and at + 1 become one: drop start[at + 1], token[at + 1], pair[at + 1]. */
		token[at] = best;
		memmove(start + at + 1, start + at + 2, (parts - at - 1) * sizeof(*start));
		memmove(token + at + 1, token + at + 2, (parts - at - 2) * sizeof(*token));
		memmove(pair + at + 1, pair + at + 2,
			(parts > at + 3 ? parts - at - 3 : 0) * sizeof(*pair));
		parts--;
		if (at + 1 < parts)
			pair[at] = merged_rank(memo, v, token[at], token[at + 1], p + start[at],
					       start[at + 2] - start[at]);
		if (at > 0)
			pair[at - 1] = merged_rank(memo, v, token[at - 1], token[at], p + start[at - 1],
						   start[at + 1] - start[at - 1]);
	}
	for (size_t k = 0; k < parts; k++)
		pc_sink_push(sink, token[k]);
}

/*
 * A min-heap of (rank, position) packed in 64 bits so one comparison orders
 * by rank, then leftmost. Entries go stale when their pair changes; they are
 * recognised and dropped when popped (lazy deletion).
 */
struct heap {
	uint64_t *keys;
	size_t n;
	size_t cap;
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
	size_t i;

	if (h->n == h->cap)
		PC_GROW(h->keys, h->cap, h->n + 1);
	i = h->n++;

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

/* A part of a long piece, indexed by the byte offset where it starts. */
struct part {
	uint32_t next;   /* where the next part starts (the piece length after the last) */
	uint32_t prev;   /* where the previous part starts (UINT32_MAX before the first) */
	uint32_t token;  /* this part's own rank */
	uint32_t queued; /* the pair rank of this part's latest heap entry */
};

/*
 * The pieces' state: parts, and apart from them (so the check of every heap
 * entry popped touches a dense array that stays in cache) pair[i], the rank
 * of the part at i merged with the next one, or PC_RANK_NONE.
 */
struct parts {
	struct part *at;
	uint32_t *pair;
};

/* (rank, position) of the pair at i; a missing pair sorts after every real one. */
static inline uint64_t pair_key(const uint32_t *pair, uint32_t i)
{
	return i == UINT32_MAX || pair[i] == PC_RANK_NONE ? UINT64_MAX : heap_key(pair[i], i);
}

/*
 * Queues the pair at i if it is a local minimum: lower (rank, position) than
 * both neighbouring pairs. Only a local minimum can be the global one, so the
 * heap holds a fraction of the pairs: one or two on a run of one character.
 */
static inline void queue_if_local_min(struct heap *h, struct parts *st, uint32_t i)
{
	uint64_t key;

	if (i == UINT32_MAX || st->pair[i] == PC_RANK_NONE || st->at[i].queued == st->pair[i])
		return;
	key = heap_key(st->pair[i], i);
	if (key > pair_key(st->pair, st->at[i].prev) || key > pair_key(st->pair, st->at[i].next))
		return;
	st->at[i].queued = st->pair[i];
	heap_push(h, key);
}

/*
 * The general case: the parts are a doubly linked list, and a heap yields the
 * pair of lowest (rank, position). The heap holds every pair that is a local
 * minimum (the global minimum is one); a merge changes two pairs, so only the
 * four pairs around it are re-examined. Entries whose pair has changed since
 * are dropped when popped. Each merge costs O(1) heap operations of O(log n):
 * O(n log n) over the piece, near-linear when the heap stays small.
 */
static void bpe_large(struct pc_token_sink *sink, const struct pc_vocab *v, const unsigned char *p,
		      size_t n)
{
	struct parts st;
	struct part *parts;
	uint32_t *pair;
	struct pc_pair_memo *memo = pair_memo(v);
	struct heap h;
	const uint32_t end = (uint32_t)n;

	/* Positions are 32-bit: a single piece of 4 GiB is treated like exhausted memory. */
	if (n >= UINT32_MAX) {
		fputs("promptcost: a single piece of 4 GiB or more is too large\n", stderr);
		abort();
	}
	parts = st.at = pc_xmalloc(n * sizeof(*parts));
	pair = st.pair = pc_xmalloc(n * sizeof(*pair));
	/* At most one pair in two is a local minimum at the start; pushes grow it as needed. */
	h.cap = n / 2 + 16;
	h.keys = pc_xmalloc(h.cap * sizeof(*h.keys));
	h.n = 0;

	for (uint32_t i = 0; i < end; i++) {
		parts[i].next = i + 1;
		parts[i].prev = i - 1; /* wraps to UINT32_MAX for the first part */
		parts[i].token = v->byte_ranks[p[i]];
		pair[i] = i + 1 < end ? v->byte_pairs[p[i] << 8 | p[i + 1]] : PC_RANK_NONE;
		parts[i].queued = PC_RANK_NONE;
	}
	for (uint32_t i = 0; i + 1 < end; i++)
		queue_if_local_min(&h, &st, i);

	while (h.n > 0) {
		uint64_t key = heap_pop(&h);
		uint32_t rank = (uint32_t)(key >> 32), at = (uint32_t)key;
		uint32_t gone, after, before;

		/* Stale: the part was absorbed, or its pair changed since this entry was pushed. */
		if (pair[at] != rank)
			continue;
		gone = parts[at].next;
		after = parts[gone].next;
		before = parts[at].prev;
		parts[at].token = rank;
		parts[at].next = after;
		pair[gone] = PC_RANK_NONE;
		pair[at] = PC_RANK_NONE;
		if (after < end) {
			parts[after].prev = at;
			pair[at] = merged_rank(memo, v, rank, parts[after].token, p + at,
					       parts[after].next - at);
		}
		if (before != UINT32_MAX) {
			pair[before] = merged_rank(memo, v, parts[before].token, rank, p + before,
						   after - before);
			queue_if_local_min(&h, &st, parts[before].prev);
			queue_if_local_min(&h, &st, before);
		}
		queue_if_local_min(&h, &st, at);
		if (after < end)
			queue_if_local_min(&h, &st, after);
	}
	for (uint32_t i = 0; i < end; i = parts[i].next)
		pc_sink_push(sink, parts[i].token);

	free(h.keys);
	free(pair);
	free(parts);
}

void pc_bpe_merge(struct pc_token_sink *sink, const struct pc_vocab *v, const unsigned char *p,
		  size_t n)
{
	if (n <= SMALL_PIECE)
		bpe_small(sink, v, p, n);
	else
		bpe_large(sink, v, p, n);
}

void pc_bpe_piece(struct pc_token_sink *sink, const struct pc_vocab *v, const unsigned char *p,
		  size_t n)
{
	uint32_t rank = pc_vocab_rank(v, p, n);

	if (rank != PC_RANK_NONE)
		pc_sink_push(sink, rank);
	else
		pc_bpe_merge(sink, v, p, n);
}
