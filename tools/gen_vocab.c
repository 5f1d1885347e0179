/*
 * Build-time generator: compiles a .tiktoken rank file (base64 token, space,
 * rank per line) into C source holding the token bytes, their offsets and a
 * ready-made open-addressing hash table, so the binary never parses base64 or
 * builds a table at start-up.
 *
 *   gen_vocab FILE.tiktoken NAME OUT.c      (defines pc_vocab_NAME)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vocab_hash.h"

struct token {
	unsigned char *bytes;
	uint32_t len;
};

static void die(const char *msg, const char *what)
{
	fprintf(stderr, "gen_vocab: %s '%s'\n", msg, what);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die("out of memory", "");
	return p;
}

static int b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decodes standard padded base64 from s[0..n) into out; returns the length or -1. */
static long b64_decode(unsigned char *out, const char *s, size_t n)
{
	long len = 0;
	uint32_t acc = 0;
	int bits = 0;

	for (size_t i = 0; i < n; i++) {
		int v;

		if (s[i] == '=')
			break;
		v = b64_value((unsigned char)s[i]);
		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[len++] = (unsigned char)(acc >> bits);
		}
	}
	return len;
}

/* Prints an array of 64-bit words whose memory image is data[0..n) (zero-padded) on this host. */
static void emit_bytes(FILE *out, const char *name, const unsigned char *data, size_t n)
{
	size_t words = (n + 7) / 8;

	fprintf(out, "static const uint64_t %s[%zu] = {", name, words ? words : 1);
	for (size_t w = 0; w < words; w++) {
		unsigned char chunk[8] = { 0 };
		uint64_t v;

		memcpy(chunk, data + w * 8, n - w * 8 < 8 ? n - w * 8 : 8);
		memcpy(&v, chunk, 8);
		fprintf(out, "%s0x%llx,", w % 8 ? "" : "\n", (unsigned long long)v);
	}
	fprintf(out, "%s\n};\n\n", words ? "" : "0");
}

static void emit_u64(FILE *out, const char *name, const uint64_t *data, size_t n)
{
	fprintf(out, "static const uint64_t %s[%zu] = {", name, n);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s0x%llx,", i % 8 ? "" : "\n", (unsigned long long)data[i]);
	fprintf(out, "\n};\n\n");
}

static void emit_u32(FILE *out, const char *name, const uint32_t *data, size_t n)
{
	fprintf(out, "static const uint32_t %s[%zu] = {", name, n);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%u,", i % 12 ? "" : "\n", (unsigned)data[i]);
	fprintf(out, "\n};\n\n");
}

/* An open-addressing table (layout in vocab_hash.h) of n_slots for the tokens of rank < n. */
static uint64_t *build_slots(const struct token *tokens, size_t n, const uint32_t *offsets,
			     size_t n_slots, const char *file)
{
	uint64_t *slots = xrealloc(NULL, n_slots * 2 * sizeof(*slots));

	for (size_t i = 0; i < n_slots; i++) {
		slots[2 * i] = 0;
		slots[2 * i + 1] = PC_VOCAB_EMPTY;
	}
	for (size_t r = 0; r < n; r++) {
		uint64_t h = pc_vocab_hash(tokens[r].bytes, tokens[r].len);
		size_t i = pc_vocab_slot_index(h, n_slots);

		if (tokens[r].len > PC_VOCAB_MAX_LEN)
			die("a token is too long in", file);
		while (slots[2 * i + 1] != PC_VOCAB_EMPTY) {
			uint32_t other = (uint32_t)slots[2 * i + 1] & PC_VOCAB_RANK_MASK;

			if (tokens[other].len == tokens[r].len &&
			    memcmp(tokens[other].bytes, tokens[r].bytes, tokens[r].len) == 0)
				die("duplicate token in", file);
			i = i + 1 == n_slots ? 0 : i + 1;
		}
		slots[2 * i] = pc_vocab_head(tokens[r].bytes, tokens[r].len);
		slots[2 * i + 1] = (uint64_t)r | (uint64_t)tokens[r].len << PC_VOCAB_RANK_BITS |
				   (uint64_t)offsets[r] << 32;
	}
	return slots;
}

/* The slots as {head, meta} pairs (struct pc_vocab_slot). */
static void emit_slots(FILE *out, const char *name, const uint64_t *slots, size_t n)
{
	fprintf(out, "static const struct pc_vocab_slot %s[%zu] = {", name, n);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s{0x%llx,0x%llx},", i % 4 ? "" : "\n", (unsigned long long)slots[2 * i],
			(unsigned long long)slots[2 * i + 1]);
	fprintf(out, "\n};\n\n");
}

int main(int argc, char **argv)
{
	struct token *tokens = NULL;
	size_t n_tokens = 0, cap = 0, total = 0, slots_n = 1, max_len = 0;
	unsigned char *all = NULL;
	uint32_t *offsets, byte_rank[256];
	static uint32_t byte_pairs[65536];
	uint64_t *slots, *hot_slots, *bloom;
	size_t bloom_bits;
	size_t hot_n, hot_slots_n;
	char line[1024];
	FILE *in, *out;

	if (argc != 4) {
		fprintf(stderr, "usage: gen_vocab FILE.tiktoken NAME OUT.c\n");
		return 2;
	}
	in = fopen(argv[1], "r");
	if (!in)
		die("cannot open", argv[1]);
	while (fgets(line, sizeof(line), in)) {
		char *space = strchr(line, ' '), *end;
		unsigned long rank;
		unsigned char buf[1024];
		long len;

		if (!space)
			die("no rank on a line of", argv[1]);
		len = b64_decode(buf, line, (size_t)(space - line));
		rank = strtoul(space + 1, &end, 10);
		if (len <= 0 || (*end != '\n' && *end != '\0'))
			die("bad line in", argv[1]);
		/* The runtime indexes tokens by rank: ranks must be 0, 1, 2... in file order. */
		if (rank != n_tokens)
			die("ranks are not consecutive in", argv[1]);
		if (n_tokens == cap) {
			cap = cap ? 2 * cap : 4096;
			tokens = xrealloc(tokens, cap * sizeof(*tokens));
		}
		tokens[n_tokens].bytes = xrealloc(NULL, (size_t)len);
		memcpy(tokens[n_tokens].bytes, buf, (size_t)len);
		tokens[n_tokens].len = (uint32_t)len;
		total += (size_t)len;
		if ((size_t)len > max_len)
			max_len = (size_t)len;
		n_tokens++;
	}
	fclose(in);
	if (n_tokens == 0 || n_tokens >= PC_VOCAB_RANK_MASK)
		die("unexpected number of ranks in", argv[1]);

	all = xrealloc(NULL, total + 1);
	offsets = xrealloc(NULL, (n_tokens + 1) * sizeof(*offsets));
	total = 0;
	for (size_t r = 0; r < n_tokens; r++) {
		offsets[r] = (uint32_t)total;
		memcpy(all + total, tokens[r].bytes, tokens[r].len);
		total += tokens[r].len;
	}
	offsets[n_tokens] = (uint32_t)total;

	/* Every byte must be a token on its own, or BPE could not start. */
	for (int b = 0; b < 256; b++)
		byte_rank[b] = PC_VOCAB_EMPTY;
	for (size_t r = 0; r < n_tokens; r++)
		if (tokens[r].len == 1)
			byte_rank[tokens[r].bytes[0]] = (uint32_t)r;
	for (int b = 0; b < 256; b++)
		if (byte_rank[b] == PC_VOCAB_EMPTY)
			die("a byte has no rank in", argv[1]);

	/*
	 * Load factor about 0.6, so misses (the common case in BPE) end on an
	 * empty slot within a cache line or two. The hot table holds only the
	 * PC_VOCAB_HOT lowest ranks, the most frequent tokens (BPE ranks follow
	 * frequency), in a table small enough to stay in the L2 cache.
	 */
	slots_n = n_tokens + n_tokens / 4;
	slots = build_slots(tokens, n_tokens, offsets, slots_n, argv[1]);
	hot_n = n_tokens < PC_VOCAB_HOT ? n_tokens : PC_VOCAB_HOT;
	hot_slots_n = hot_n + hot_n * 2 / 3;
	hot_slots = build_slots(tokens, hot_n, offsets, hot_slots_n, argv[1]);

	/* A Bloom filter of every token (two bits each, about 8 bits per token): rejects most misses in cache. */
	bloom_bits = 1;
	while (bloom_bits < 8 * n_tokens)
		bloom_bits <<= 1;
	bloom = xrealloc(NULL, bloom_bits / 8);
	memset(bloom, 0, bloom_bits / 8);
	for (size_t r = 0; r < n_tokens; r++) {
		uint64_t h = pc_vocab_hash(tokens[r].bytes, tokens[r].len);

		for (int k = 0; k < 2; k++) {
			size_t bit = pc_vocab_bloom_bit(h, k, bloom_bits);

			bloom[bit / 64] |= (uint64_t)1 << (bit % 64);
		}
	}

	/* Every pair of bytes, looked up directly: the first step of every BPE. */
	for (size_t i = 0; i < 65536; i++)
		byte_pairs[i] = PC_VOCAB_EMPTY;
	for (size_t r = 0; r < n_tokens; r++)
		if (tokens[r].len == 2)
			byte_pairs[tokens[r].bytes[0] << 8 | tokens[r].bytes[1]] = (uint32_t)r;

	out = fopen(argv[3], "w");
	if (!out)
		die("cannot write", argv[3]);
	fprintf(out, "/* Generated by tools/gen_vocab.c from %s; do not edit. */\n", argv[1]);
	fprintf(out, "#include \"tokenizer_int.h\"\n\n");
	emit_bytes(out, "token_bytes", all, total);
	emit_u32(out, "token_offsets", offsets, n_tokens + 1);
	emit_slots(out, "slots", slots, slots_n);
	emit_slots(out, "hot_slots", hot_slots, hot_slots_n);
	emit_u32(out, "byte_ranks", byte_rank, 256);
	emit_u64(out, "bloom", bloom, bloom_bits / 64);
	emit_u32(out, "byte_pairs", byte_pairs, 65536);
	fprintf(out, "const struct pc_vocab pc_vocab_%s = {\n", argv[2]);
	fprintf(out, "\t(const unsigned char *)token_bytes,\n\ttoken_offsets,\n\tslots,\n");
	fprintf(out, "\thot_slots,\n\tbyte_ranks,\n\tbyte_pairs,\n\tbloom,\n\t%zuu,\n", bloom_bits);
	fprintf(out, "\t%zuu,\n\t%zuu,\n", slots_n, hot_slots_n);
	fprintf(out, "\t%zuu,\n\t%zuu,\n};\n", n_tokens, max_len);
	if (fclose(out) != 0)
		die("cannot write", argv[3]);
	for (size_t r = 0; r < n_tokens; r++)
		free(tokens[r].bytes);
	free(tokens);
	free(all);
	free(offsets);
	free(slots);
	free(hot_slots);
	free(bloom);
	return 0;
}
