/*
 * The tokenizer's public face: encoding names, and the pipeline behind
 * pc_tokens_count and pc_tokens_encode (replace invalid UTF-8, split into
 * pieces with the encoding's pre-tokenizer, byte-pair encode each piece).
 */
#include "promptcost/tokenizer.h"

#include <stdlib.h>
#include <string.h>

#include "tokenizer_int.h"
#include "vocab_hash.h"

static const char *const encoding_names[PC_ENC__COUNT] = {
	[PC_ENC_CL100K_BASE] = "cl100k_base",
	[PC_ENC_O200K_BASE] = "o200k_base",
};

const char *pc_encoding_name(enum pc_encoding enc)
{
	return (unsigned)enc < PC_ENC__COUNT ? encoding_names[enc] : "unknown";
}

int pc_encoding_lookup(enum pc_encoding *out, const char *name)
{
	for (int e = 0; e < PC_ENC__COUNT; e++)
		if (strcmp(name, encoding_names[e]) == 0) {
			*out = (enum pc_encoding)e;
			return 0;
		}
	return pc_error_set(PC_ENOTFOUND, "unknown encoding '%s' (known: cl100k_base, o200k_base)",
			    name);
}

static const struct pc_vocab *vocab_of(enum pc_encoding enc)
{
	return enc == PC_ENC_O200K_BASE ? &pc_vocab_o200k_base : &pc_vocab_cl100k_base;
}

/*
 * The length of the well-formed UTF-8 sequence at s[i] (Unicode table 3-7),
 * or 0 with *bad set to the length of its maximal invalid subpart: the bytes
 * that one U+FFFD replaces.
 */
static size_t utf8_sequence(const unsigned char *s, size_t n, size_t i, size_t *bad)
{
	unsigned b = s[i];
	size_t need;
	unsigned lo = 0x80, hi = 0xBF;

	if (b < 0x80)
		return 1;
	if (b >= 0xC2 && b <= 0xDF)
		need = 2;
	else if (b >= 0xE0 && b <= 0xEF)
		need = 3, lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
	else if (b >= 0xF0 && b <= 0xF4)
		need = 4, lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
	else {
		*bad = 1;
		return 0;
	}
	/* The second byte has a narrower range after E0, ED, F0 and F4 (no overlongs, surrogates). */
	for (size_t k = 1; k < need; k++) {
		unsigned c;

		if (i + k >= n) {
			*bad = k;
			return 0;
		}
		c = s[i + k];
		if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) {
			*bad = k;
			return 0;
		}
	}
	return need;
}

/* The offset of the first byte that is not ASCII, reading eight bytes at a time. */
static size_t ascii_prefix(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i + 8 <= n) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		if (w & 0x8080808080808080ull)
			break;
		i += 8;
	}
	while (i < n && s[i] < 0x80)
		i++;
	return i;
}

unsigned char *pc_utf8_clean(const unsigned char *text, size_t len, size_t *out_len)
{
	struct pc_buf b = PC_BUF_INIT;
	size_t i = 0, copied = 0, bad = 0;

	for (;;) {
		size_t k;

		i += ascii_prefix(text + i, len - i);
		if (i >= len)
			break;
		k = utf8_sequence(text, len, i, &bad);
		if (k) {
			i += k;
			continue;
		}
		pc_buf_add(&b, text + copied, i - copied);
		pc_buf_add(&b, "\xEF\xBF\xBD", 3);
		i += bad;
		copied = i;
	}
	if (copied == 0 && b.len == 0)
		return NULL;
	pc_buf_add(&b, text + copied, len - copied);
	return (unsigned char *)pc_buf_detach(&b, out_len);
}

/*
 * A direct-mapped memo of short pieces (up to 16 bytes, most of them) ->
 * rank or PC_RANK_NONE, for one call. Text repeats a few thousand pieces
 * ("the", " of", ".\n"); the memo keeps them in the L1 cache where the
 * vocabulary's tables would cost a cache miss each.
 */
#define PIECE_MEMO_BITS 12
#define PIECE_MEMO_MAX 16
#define PIECE_MEMO_MIN_TEXT 16384

struct piece_memo_entry {
	uint64_t head[2]; /* the piece's bytes, zero-padded */
	uint32_t len;     /* 0: empty */
	uint32_t rank;
};

/* The low n bytes of a little-endian word (n < 8). */
static inline uint64_t low_bytes(uint64_t w, size_t n)
{
	return w & ((1ull << (8 * n)) - 1);
}

/*
 * Encodes the piece p[0..n) into sink, through memo when there is one
 * (NULL: none). avail is how many bytes can be read from p, n or more.
 */
static void encode_piece(struct pc_token_sink *sink, struct piece_memo_entry *memo,
			 const struct pc_vocab *v, const unsigned char *p, size_t n, size_t avail)
{
	struct piece_memo_entry *e;
	uint64_t h0, h1;
	uint32_t rank;

	if (n > PIECE_MEMO_MAX || !memo) {
		pc_bpe_piece(sink, v, p, n);
		return;
	}
	if (avail >= 16) {
		/* Whole words, masked: no byte-by-byte assembly in the common case. */
		h0 = pc_vocab_load64(p);
		h1 = pc_vocab_load64(p + 8);
		if (n < 8)
			h0 = low_bytes(h0, n), h1 = 0;
		else if (n < 16)
			h1 = n == 8 ? 0 : low_bytes(h1, n - 8);
	} else {
		h0 = pc_vocab_head(p, n);
		h1 = n > 8 ? pc_vocab_head(p + 8, n - 8) : 0;
	}
	e = &memo[(size_t)(((h0 ^ h1 * 31 ^ n) * 0x9E3779B97F4A7C15ull) >> (64 - PIECE_MEMO_BITS))];
	if (e->head[0] == h0 && e->head[1] == h1 && e->len == n) {
		rank = e->rank;
	} else {
		rank = pc_vocab_rank_hashed(v, p, n, pc_vocab_hash16(n, h0, h1), h0);
		e->head[0] = h0;
		e->head[1] = h1;
		e->len = (uint32_t)n;
		e->rank = rank;
	}
	if (rank != PC_RANK_NONE)
		pc_sink_push(sink, rank);
	else
		pc_bpe_merge(sink, v, p, n);
}

static void tokenize(struct pc_token_sink *sink, enum pc_encoding enc, const char *text,
		     size_t len)
{
	const struct pc_vocab *v = vocab_of(enc);
	size_t n = len, i = 0;
	unsigned char *clean = len ? pc_utf8_clean((const unsigned char *)text, len, &n) : NULL;
	const unsigned char *s = clean ? clean : (const unsigned char *)text;
	struct piece_memo_entry *memo = NULL;

	/*
	 * The memo pays for its 96 kB once the text has a few thousand pieces.
	 * Zeroed entries have length 0, which no lookup has, so they never match.
	 */
	if (n >= PIECE_MEMO_MIN_TEXT)
		memo = pc_xcalloc((size_t)1 << PIECE_MEMO_BITS, sizeof(*memo));

	if (enc == PC_ENC_O200K_BASE) {
		while (i < n) {
			size_t e = pc_pretok_o200k(s, n, i);

			encode_piece(sink, memo, v, s + i, e - i, n - i);
			i = e;
		}
	} else {
		while (i < n) {
			size_t e = pc_pretok_cl100k(s, n, i);

			encode_piece(sink, memo, v, s + i, e - i, n - i);
			i = e;
		}
	}
	free(memo);
	free(clean);
}

size_t pc_tokens_count(enum pc_encoding enc, const char *text, size_t len)
{
	struct pc_token_sink sink = { NULL, 0, 0, 0 };

	tokenize(&sink, enc, text, len);
	return sink.n;
}

void pc_tokens_encode(uint32_t **ids_out, size_t *n_out, enum pc_encoding enc, const char *text,
		      size_t len)
{
	struct pc_token_sink sink = { NULL, 0, 0, 1 };

	/* Prose runs at about four bytes a token: one allocation for most inputs. */
	sink.cap = len / 4 + 16;
	sink.ids = pc_xmalloc(sink.cap * sizeof(*sink.ids));
	tokenize(&sink, enc, text, len);
	*ids_out = sink.ids;
	*n_out = sink.n;
}

int pc_tokens_decode(struct pc_buf *out, enum pc_encoding enc, const uint32_t *ids, size_t n)
{
	const struct pc_vocab *v = vocab_of(enc);

	for (size_t i = 0; i < n; i++) {
		if (ids[i] >= v->n_ranks)
			return pc_error_set(PC_EINPUT, "unknown token id %u in '%s'", (unsigned)ids[i],
					    pc_encoding_name(enc));
		pc_buf_add(out, v->bytes + v->offsets[ids[i]], v->offsets[ids[i] + 1] - v->offsets[ids[i]]);
	}
	return 0;
}
