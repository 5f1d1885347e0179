/*
 * Tests of the tokenizer against OpenAI's tiktoken: committed cases with
 * their expected ids (tests/tokenizer/cases, made with the conformance kit's
 * reference.js), the whole shared corpus when ../shared/tokenizer is there,
 * long single pieces against a time bound, and the fuzz corpus replayed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "promptcost/tokenizer.h"
#include "tokenizer/utf8_ref.h"

#define CASES_DIR "tests/tokenizer/cases"
#define FUZZ_DIR "fuzz/corpus/tokenizer"
#ifndef SHARED_DIR
#define SHARED_DIR "../shared/tokenizer"
#endif

static const enum pc_encoding encodings[] = { PC_ENC_CL100K_BASE, PC_ENC_O200K_BASE };

/* ---- a small SHA-256 (FIPS 180-4), for the corpus' ids_sha256 ---- */

struct sha256 {
	uint32_t h[8];
	unsigned char block[64];
	size_t used;
	uint64_t total;
};

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror32(uint32_t x, int n)
{
	return x >> n | x << (32 - n);
}

static void sha256_block(struct sha256 *s, const unsigned char *b)
{
	uint32_t w[64], v[8];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
		       (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
	for (int i = 16; i < 64; i++)
		w[i] = w[i - 16] + (ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ w[i - 15] >> 3) +
		       w[i - 7] + (ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ w[i - 2] >> 10);
	memcpy(v, s->h, sizeof(v));
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = v[7] + (ror32(v[4], 6) ^ ror32(v[4], 11) ^ ror32(v[4], 25)) +
			      ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha256_k[i] + w[i];
		uint32_t t2 = (ror32(v[0], 2) ^ ror32(v[0], 13) ^ ror32(v[0], 22)) +
			      ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));

		memmove(v + 1, v, 7 * sizeof(*v));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (int i = 0; i < 8; i++)
		s->h[i] += v[i];
}

static void sha256_init(struct sha256 *s)
{
	static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(s->h, h0, sizeof(h0));
	s->used = 0;
	s->total = 0;
}

static void sha256_add(struct sha256 *s, const void *data, size_t n)
{
	const unsigned char *p = data;

	s->total += n;
	while (n > 0) {
		size_t take = 64 - s->used < n ? 64 - s->used : n;

		memcpy(s->block + s->used, p, take);
		s->used += take;
		p += take;
		n -= take;
		if (s->used == 64) {
			sha256_block(s, s->block);
			s->used = 0;
		}
	}
}

/* Finishes and writes the digest as 64 lower-case hex digits and a NUL. */
static void sha256_hex(struct sha256 *s, char out[65])
{
	uint64_t bits = s->total * 8;
	unsigned char pad = 0x80, len[8];

	sha256_add(s, &pad, 1);
	pad = 0;
	while (s->used != 56)
		sha256_add(s, &pad, 1);
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_add(s, len, 8);
	for (int i = 0; i < 8; i++)
		snprintf(out + 8 * i, 9, "%08x", (unsigned)s->h[i]);
}

/* sha256 of the ids written as little-endian uint32, as the corpus' expected.jsonl has it. */
static void ids_sha256(const uint32_t *ids, size_t n, char out[65])
{
	struct sha256 s;

	sha256_init(&s);
	for (size_t i = 0; i < n; i++) {
		unsigned char le[4] = { (unsigned char)ids[i], (unsigned char)(ids[i] >> 8),
					(unsigned char)(ids[i] >> 16), (unsigned char)(ids[i] >> 24) };

		sha256_add(&s, le, 4);
	}
	sha256_hex(&s, out);
}

/* ---- helpers ---- */

static void read_file(struct pc_buf *out, const char *path)
{
	int error = pc_file_read(out, path, (size_t)1 << 30);

	if (error)
		fail_msg("cannot read '%s': %s", path, pc_error_message());
}

/* The sorted names in dir ending with suffix; NULL when dir does not exist. */
static struct pc_strlist *list_dir(const char *dir, const char *suffix)
{
	struct pc_strlist *names;
	struct dirent *d;
	DIR *dh = opendir(dir);

	if (!dh)
		return NULL;
	names = pc_xcalloc(1, sizeof(*names));
	while ((d = readdir(dh)) != NULL) {
		size_t len = strlen(d->d_name), slen = strlen(suffix);

		if (d->d_name[0] == '.' || len < slen || strcmp(d->d_name + len - slen, suffix) != 0)
			continue;
		pc_strlist_push(names, d->d_name);
	}
	closedir(dh);
	pc_strlist_sort(names);
	return names;
}

static void free_list(struct pc_strlist *l)
{
	if (l) {
		pc_strlist_release(l);
		free(l);
	}
}

/* Fails, showing where, unless ids[0..n) equals want[0..want_n). */
static void assert_same_ids(const char *what, enum pc_encoding enc, const uint32_t *ids, size_t n,
			    const uint32_t *want, size_t want_n)
{
	size_t i = 0;

	while (i < n && i < want_n && ids[i] == want[i])
		i++;
	if (i == n && i == want_n)
		return;
	fail_msg("%s (%s): %zu ids, tiktoken has %zu; first difference at id %zu: got %ld, want %ld",
		 what, pc_encoding_name(enc), n, want_n, i, i < n ? (long)ids[i] : -1L,
		 i < want_n ? (long)want[i] : -1L);
}

/* Checks the invariants that hold for any input: the count, and decoding back to the input. */
static void assert_round_trip(const char *what, enum pc_encoding enc, const char *text, size_t len)
{
	struct pc_buf decoded = PC_BUF_INIT;
	unsigned char *want;
	size_t want_n, n;
	uint32_t *ids;

	pc_tokens_encode(&ids, &n, enc, text, len);
	if (pc_tokens_count(enc, text, len) != n)
		fail_msg("%s (%s): count %zu but %zu ids", what, pc_encoding_name(enc),
			 pc_tokens_count(enc, text, len), n);
	assert_int_equal(pc_tokens_decode(&decoded, enc, ids, n), 0);
	want = utf8_ref_replace((const unsigned char *)text, len, &want_n);
	if (decoded.len != want_n || memcmp(decoded.ptr, want, want_n) != 0)
		fail_msg("%s (%s): the ids do not decode to the input", what, pc_encoding_name(enc));
	free(want);
	pc_buf_release(&decoded);
	free(ids);
}

/* CPU seconds, so a busy machine does not fail the time bounds. */
static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- tests ---- */

static void test_tokenizer__encoding_names_round_trip_through_lookup(void **state)
{
	(void)state;
	for (int e = 0; e < PC_ENC__COUNT; e++) {
		enum pc_encoding got;

		assert_int_equal(pc_encoding_lookup(&got, pc_encoding_name((enum pc_encoding)e)), 0);
		assert_int_equal(got, e);
	}
	assert_string_equal(pc_encoding_name(PC_ENC_CL100K_BASE), "cl100k_base");
	assert_string_equal(pc_encoding_name(PC_ENC_O200K_BASE), "o200k_base");
}

static void test_tokenizer__unknown_encoding_is_not_found_and_lists_the_known_ones(void **state)
{
	enum pc_encoding got;

	(void)state;
	assert_int_equal(pc_encoding_lookup(&got, "p50k_base"), PC_ENOTFOUND);
	assert_non_null(strstr(pc_error_message(), "'p50k_base'"));
	assert_non_null(strstr(pc_error_message(), "cl100k_base"));
	assert_non_null(strstr(pc_error_message(), "o200k_base"));
}

static void test_tokenizer__empty_text_has_no_tokens(void **state)
{
	uint32_t *ids;
	size_t n = 99;

	(void)state;
	for (size_t e = 0; e < 2; e++) {
		assert_int_equal(pc_tokens_count(encodings[e], "", 0), 0);
		pc_tokens_encode(&ids, &n, encodings[e], "", 0);
		assert_int_equal(n, 0);
		free(ids);
	}
}

static void test_tokenizer__hello_world_has_the_ids_tiktoken_gives(void **state)
{
	static const uint32_t cl100k[] = { 15339, 1917 }, o200k[] = { 24912, 2375 };
	/* "I can't DO'ſ it\u2028!": a contraction, LONG S folding to s in cl100k, U+2028 as space. */
	static const char tricky[] = "I can't DO'\xc5\xbf it\xe2\x80\xa8!";
	static const uint32_t tricky_cl100k[] = { 40, 649, 956, 9503, 6, 129, 123, 433, 378, 101, 0 };
	static const uint32_t tricky_o200k[] = { 40, 8535, 13460, 6, 70067, 480, 51008, 0 };
	uint32_t *ids;
	size_t n;

	(void)state;
	pc_tokens_encode(&ids, &n, PC_ENC_CL100K_BASE, "hello world", 11);
	assert_same_ids("hello world", PC_ENC_CL100K_BASE, ids, n, cl100k, 2);
	free(ids);
	pc_tokens_encode(&ids, &n, PC_ENC_O200K_BASE, "hello world", 11);
	assert_same_ids("hello world", PC_ENC_O200K_BASE, ids, n, o200k, 2);
	free(ids);
	pc_tokens_encode(&ids, &n, PC_ENC_CL100K_BASE, tricky, strlen(tricky));
	assert_same_ids("tricky", PC_ENC_CL100K_BASE, ids, n, tricky_cl100k, 11);
	free(ids);
	pc_tokens_encode(&ids, &n, PC_ENC_O200K_BASE, tricky, strlen(tricky));
	assert_same_ids("tricky", PC_ENC_O200K_BASE, ids, n, tricky_o200k, 8);
	free(ids);
}

static void test_tokenizer__each_maximal_invalid_utf8_subpart_becomes_one_replacement_character(
	void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "\x80", "\xEF\xBF\xBD" },
		{ "a\xC3", "a\xEF\xBF\xBD" },                       /* truncated at the end */
		{ "\xC3(", "\xEF\xBF\xBD(" },                       /* bad continuation */
		{ "\xE2\x82", "\xEF\xBF\xBD" },                     /* one subpart, one U+FFFD */
		{ "\xF0\x9F\x98x", "\xEF\xBF\xBDx" },               /* three bytes, one U+FFFD */
		{ "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" }, /* a surrogate: three */
		{ "\xE0\x80\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" }, /* overlong: three */
		{ "\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
		{ "\xC0\xAF\xFF\xFE", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
		{ "\xEF\xBB\xBFok", "\xEF\xBB\xBFok" }, /* a BOM is text, kept */
	};

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(*cases); c++)
		for (size_t e = 0; e < 2; e++) {
			struct pc_buf decoded = PC_BUF_INIT;
			uint32_t *ids;
			size_t n;

			pc_tokens_encode(&ids, &n, encodings[e], cases[c].in, strlen(cases[c].in));
			assert_int_equal(pc_tokens_decode(&decoded, encodings[e], ids, n), 0);
			assert_string_equal(decoded.ptr, cases[c].want);
			pc_buf_release(&decoded);
			free(ids);
		}
}

static void test_tokenizer__nul_bytes_are_ordinary_text(void **state)
{
	static const char text[] = "a\0b\0\0 c";

	(void)state;
	for (size_t e = 0; e < 2; e++) {
		assert_true(pc_tokens_count(encodings[e], text, sizeof(text) - 1) >= 4);
		assert_round_trip("nul bytes", encodings[e], text, sizeof(text) - 1);
	}
}

static void test_tokenizer__decode_rejects_an_id_outside_the_vocabulary(void **state)
{
	struct pc_buf out = PC_BUF_INIT;
	uint32_t ids[] = { 15339, 200000 };

	(void)state;
	assert_int_equal(pc_tokens_decode(&out, PC_ENC_CL100K_BASE, ids, 2), PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "200000"));
	assert_string_equal(out.ptr, "hello");
	pc_buf_release(&out);
}

/* Parses one id a line. */
static uint32_t *parse_ids(const struct pc_buf *text, size_t *n_out)
{
	uint32_t *ids = NULL;
	size_t n = 0, cap = 0;
	const char *p = text->ptr;

	while (*p) {
		char *end;
		unsigned long v = strtoul(p, &end, 10);

		if (end == p)
			fail_msg("bad ids file near '%.20s'", p);
		PC_GROW(ids, cap, n + 1);
		ids[n++] = (uint32_t)v;
		p = end;
		while (*p == '\n' || *p == '\r')
			p++;
	}
	*n_out = n;
	return ids;
}

static void test_tokenizer__committed_cases_have_the_ids_tiktoken_gives(void **state)
{
	struct pc_strlist *names = list_dir(CASES_DIR, ".bin");
	size_t checked = 0;

	(void)state;
	assert_non_null(names);
	for (size_t i = 0; i < names->n; i++) {
		struct pc_buf input = PC_BUF_INIT;
		char path[1024];

		snprintf(path, sizeof(path), CASES_DIR "/%s", names->items[i]);
		read_file(&input, path);
		for (size_t e = 0; e < 2; e++) {
			struct pc_buf want_text = PC_BUF_INIT;
			uint32_t *ids, *want;
			size_t n, want_n;

			snprintf(path, sizeof(path), CASES_DIR "/%.*s.%s.ids",
				 (int)(strlen(names->items[i]) - 4), names->items[i],
				 pc_encoding_name(encodings[e]));
			read_file(&want_text, path);
			want = parse_ids(&want_text, &want_n);
			pc_tokens_encode(&ids, &n, encodings[e], input.ptr, input.len);
			assert_same_ids(names->items[i], encodings[e], ids, n, want, want_n);
			assert_int_equal(pc_tokens_count(encodings[e], input.ptr, input.len), n);
			free(ids);
			free(want);
			pc_buf_release(&want_text);
			checked++;
		}
		pc_buf_release(&input);
	}
	/* The committed set has every adversarial class: losing files must not go unnoticed. */
	assert_true(checked >= 2 * 18);
	free_list(names);
}

/* The corpus' 100 kB files that are one character repeated, rebuilt instead of committed. */
static const struct {
	const char *name, *unit;
	size_t bytes;
	size_t tokens[2];
	const char *sha256[2];
} repeated_100k[] = {
	{ "adv_a_100k.txt", "a", 100000, { 12500, 12500 },
	  { "96e713d7d5b93201ae4eee7deb185555d74f41208eb84121b34390f1457f0126",
	    "5fb5d48775cd3e22df18d37b7caf1fe3a4e807978f8e9b81e4eee75e87d63fa9" } },
	{ "adv_cjk_repeat_100k.txt", "\xe7\x9a\x84", 100002, { 33334, 33334 },
	  { "56a9a605e4cec548457ed36e0b43e0cad0dd32ef471b80d3931366fe176141b0",
	    "79914210359db7b2552cc5090e19156b25559a552d8ab2a568dcaabca5c5074a" } },
	{ "adv_dashes_100k.txt", "-", 100000, { 1562, 1562 },
	  { "b96f4fffe4ba33be74195bb58648721f02c61d6ee575056b17a46dbe0d6047b2",
	    "f74494d45fa6ac29ac0df2cfb6f42241e601bdb15148b1e725095443914d4158" } },
	{ "adv_emoji_repeat_100k.txt", "\xf0\x9f\x98\x80", 100000, { 50000, 25000 },
	  { "2da5fe3c2ab66a360b4c8bbab8c55324be9006a244a2d9023ddc5defc26cce13",
	    "e0828c5c424c736a225d0f3888791443313e8233753c32e56c1f4b4a2e450534" } },
	{ "adv_newlines_100k.txt", "\n", 100000, { 3125, 6250 },
	  { "90d0a4bf79948f0683c95b011b320c3133979a3248bdfa850de6908c1e86612c",
	    "b3160653da4cbd0f34d7d4a328761e339971fefe14e72a03f9bfcb6a99697efc" } },
	{ "adv_spaces_100k.txt", " ", 100000, { 782, 782 },
	  { "823fe6d70bc913fb686e258229e0893f3b2fea36be26b844d1d82f30247b6236",
	    "ca85558ccbaa0e3acee4fa540a91325df83b9965db4a271733e05941f44f9b31" } },
};

static char *repeat(const char *unit, size_t bytes)
{
	size_t u = strlen(unit);
	char *s = pc_xmalloc(bytes + 1);

	for (size_t i = 0; i < bytes; i += u)
		memcpy(s + i, unit, u);
	s[bytes] = '\0';
	return s;
}

static void test_tokenizer__repeated_100k_inputs_have_the_ids_tiktoken_gives(void **state)
{
	(void)state;
	for (size_t r = 0; r < sizeof(repeated_100k) / sizeof(*repeated_100k); r++) {
		char *text = repeat(repeated_100k[r].unit, repeated_100k[r].bytes);

		for (size_t e = 0; e < 2; e++) {
			char sha[65];
			uint32_t *ids;
			size_t n;

			pc_tokens_encode(&ids, &n, encodings[e], text, repeated_100k[r].bytes);
			ids_sha256(ids, n, sha);
			if (n != repeated_100k[r].tokens[e] || strcmp(sha, repeated_100k[r].sha256[e]))
				fail_msg("%s (%s): %zu tokens, sha256 %s; tiktoken: %zu, %s",
					 repeated_100k[r].name, pc_encoding_name(encodings[e]), n, sha,
					 repeated_100k[r].tokens[e], repeated_100k[r].sha256[e]);
			free(ids);
		}
		free(text);
	}
}

/* 1 MB that is a single piece in both encodings: a guard against quadratic behaviour. */
static char *megabyte_piece(const char *kind, size_t *len_out)
{
	size_t len = 1000000;
	char *s = pc_xmalloc(len + 1);
	uint32_t x = 20240601;

	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		if (!strcmp(kind, "letters"))
			s[i] = (char)('a' + (x >> 16) % 26);
		else if (!strcmp(kind, "base64ish")) /* letters and digits: many pieces, many merges */
			s[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[(x >> 16) % 64];
		else
			s[i] = kind[0];
	}
	if (!strcmp(kind, "cjk")) {
		len = 999999;
		for (size_t i = 0; i < len; i += 3)
			memcpy(s + i, "\xe4\xb8\xad", 3);
	}
	s[len] = '\0';
	*len_out = len;
	return s;
}

static void test_tokenizer__one_megabyte_single_pieces_take_under_two_seconds(void **state)
{
	static const char *const kinds[] = { "a", "letters", "cjk", "7", " ", "\n", "-", "base64ish" };
	double limit = 2.0;
	const char *env = getenv("PC_TEST_TIME_LIMIT");

	(void)state;
	/* Sanitizers and valgrind slow everything down; the bound is about growth, not speed. */
#if defined(__SANITIZE_ADDRESS__)
	limit *= 5;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	limit *= 5;
#endif
#endif
	/* Valgrind announces itself through LD_PRELOAD; it runs code some 50 times slower. */
	if (getenv("LD_PRELOAD") && strstr(getenv("LD_PRELOAD"), "vgpreload"))
		limit *= 50;
	if (env && atof(env) > 0)
		limit = atof(env);
	for (size_t k = 0; k < sizeof(kinds) / sizeof(*kinds); k++) {
		size_t len;
		char *text = megabyte_piece(kinds[k], &len);

		for (size_t e = 0; e < 2; e++) {
			double t0 = cpu_seconds(), t;
			size_t n = pc_tokens_count(encodings[e], text, len);

			t = cpu_seconds() - t0;
			if (t > limit)
				fail_msg("1 MB of '%s' took %.2f s in %s (%zu tokens); the bound is %.1f s",
					 kinds[k], t, pc_encoding_name(encodings[e]), n, limit);
			assert_true(n > 0 && n <= len);
		}
		assert_round_trip(kinds[k], PC_ENC_O200K_BASE, text, len);
		free(text);
	}
}

static void test_tokenizer__full_corpus_matches_tiktoken_counts_and_ids_sha256(void **state)
{
	struct pc_buf expected = PC_BUF_INIT;
	size_t checked = 0;
	const char *line;

	(void)state;
	if (pc_file_read(&expected, SHARED_DIR "/expected.jsonl", (size_t)1 << 24) != 0) {
		printf("SKIPPED LOUDLY: %s/expected.jsonl is not there, so the full conformance corpus "
		       "was NOT checked (run from the repository root, beside ../shared)\n",
		       SHARED_DIR);
		skip();
	}
	for (line = expected.ptr; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : "") {
		char file[256], enc_name[32], sha[65], got_sha[65], path[512];
		unsigned long tokens;
		struct pc_buf input = PC_BUF_INIT;
		enum pc_encoding enc;
		uint32_t *ids;
		size_t n;

		if (sscanf(line, "{\"file\":\"%255[^\"]\",\"encoding\":\"%31[^\"]\",\"bytes\":%*u,"
				 "\"tokens\":%lu,\"ids_sha256\":\"%64[0-9a-f]\"",
			   file, enc_name, &tokens, sha) != 4)
			fail_msg("cannot parse expected.jsonl line '%.60s'", line);
		assert_int_equal(pc_encoding_lookup(&enc, enc_name), 0);
		snprintf(path, sizeof(path), SHARED_DIR "/corpus/%s", file);
		read_file(&input, path);
		pc_tokens_encode(&ids, &n, enc, input.ptr, input.len);
		ids_sha256(ids, n, got_sha);
		if (n != tokens || strcmp(sha, got_sha) != 0)
			fail_msg("%s (%s): %zu tokens, sha256 %s; tiktoken: %lu, %s", file, enc_name, n,
				 got_sha, tokens, sha);
		assert_int_equal(pc_tokens_count(enc, input.ptr, input.len), n);
		free(ids);
		pc_buf_release(&input);
		checked++;
	}
	printf("checked %zu corpus files and encodings against tiktoken\n", checked);
	assert_true(checked >= 36);
	pc_buf_release(&expected);
}

static void test_tokenizer__fuzz_corpus_round_trips_in_both_encodings(void **state)
{
	struct pc_strlist *names = list_dir(FUZZ_DIR, "");

	(void)state;
	assert_non_null(names);
	assert_true(names->n >= 10);
	for (size_t i = 0; i < names->n; i++) {
		struct pc_buf input = PC_BUF_INIT;
		char path[1024];

		snprintf(path, sizeof(path), FUZZ_DIR "/%s", names->items[i]);
		read_file(&input, path);
		for (size_t e = 0; e < 2; e++)
			assert_round_trip(names->items[i], encodings[e], input.ptr, input.len);
		pc_buf_release(&input);
	}
	free_list(names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokenizer__encoding_names_round_trip_through_lookup),
		cmocka_unit_test(test_tokenizer__unknown_encoding_is_not_found_and_lists_the_known_ones),
		cmocka_unit_test(test_tokenizer__empty_text_has_no_tokens),
		cmocka_unit_test(test_tokenizer__hello_world_has_the_ids_tiktoken_gives),
		cmocka_unit_test(
			test_tokenizer__each_maximal_invalid_utf8_subpart_becomes_one_replacement_character),
		cmocka_unit_test(test_tokenizer__nul_bytes_are_ordinary_text),
		cmocka_unit_test(test_tokenizer__decode_rejects_an_id_outside_the_vocabulary),
		cmocka_unit_test(test_tokenizer__committed_cases_have_the_ids_tiktoken_gives),
		cmocka_unit_test(test_tokenizer__repeated_100k_inputs_have_the_ids_tiktoken_gives),
		cmocka_unit_test(test_tokenizer__one_megabyte_single_pieces_take_under_two_seconds),
		cmocka_unit_test(test_tokenizer__full_corpus_matches_tiktoken_counts_and_ids_sha256),
		cmocka_unit_test(test_tokenizer__fuzz_corpus_round_trips_in_both_encodings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
