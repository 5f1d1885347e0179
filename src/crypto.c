/*
 * SHA digests and signature checks over OpenSSL's libcrypto, the only file
 * that includes it (include/promptcost/crypto.h says what each does).
 * libcrypto's error queue is cleared after every failure: nothing in it is
 * reported, the caller gets one reason of ours.
 */
#include "promptcost/crypto.h"

/*
 * pc_hash uses libcrypto's direct SHA-2 functions, which OpenSSL 3 marks
 * deprecated in favour of EVP: EVP's first digest initializes the provider
 * machinery, 4.6 million instructions, and `check` makes one digest per
 * modified template (the token-count cache's keys), where nothing else
 * needs EVP. The declarations stay visible without the warning.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The digests, fetched from the provider once: EVP_sha256() makes every
 * EVP_Digest fetch the implementation again (OpenSSL 3), which cost more
 * than hashing the 100 bytes of a cache key. Kept for the process's life.
 */
static const EVP_MD *md_of(enum pc_hash hash)
{
	static EVP_MD *fetched[2];
	int k = hash == PC_HASH_SHA512;

	if (!fetched[k])
		fetched[k] = EVP_MD_fetch(NULL, k ? "SHA512" : "SHA256", NULL);
	if (fetched[k])
		return fetched[k];
	return k ? EVP_sha512() : EVP_sha256();
}

/* libcrypto failing to hash memory we hold is not an input error: stop. */
static PC_NORETURN void crypto_abort(const char *what)
{
	fprintf(stderr, "promptcost: libcrypto could not %s\n", what);
	abort();
}

void pc_hash(enum pc_hash hash, unsigned char *out, size_t *out_len, const void *data,
	     size_t len)
{
	if (hash == PC_HASH_SHA1) {
		SHA_CTX c;

		if (!SHA1_Init(&c) || !SHA1_Update(&c, data, len) || !SHA1_Final(out, &c))
			crypto_abort("hash");
		*out_len = SHA_DIGEST_LENGTH;
	} else if (hash == PC_HASH_SHA512) {
		SHA512_CTX c;

		if (!SHA512_Init(&c) || !SHA512_Update(&c, data, len) || !SHA512_Final(out, &c))
			crypto_abort("hash");
		*out_len = SHA512_DIGEST_LENGTH;
	} else {
		SHA256_CTX c;

		if (!SHA256_Init(&c) || !SHA256_Update(&c, data, len) || !SHA256_Final(out, &c))
			crypto_abort("hash");
		*out_len = SHA256_DIGEST_LENGTH;
	}
}

void pc_sha256_init(struct pc_sha256 *s)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		crypto_abort("start a SHA-256");
	s->ctx = ctx;
}

void pc_sha256_update(struct pc_sha256 *s, const void *data, size_t len)
{
	if (len && EVP_DigestUpdate(s->ctx, data, len) != 1)
		crypto_abort("hash");
}

void pc_sha256_peek(const struct pc_sha256 *s, unsigned char out[PC_SHA256_SIZE])
{
	EVP_MD_CTX *copy = EVP_MD_CTX_new();
	unsigned int n = 0;

	if (!copy || EVP_MD_CTX_copy_ex(copy, s->ctx) != 1 ||
	    EVP_DigestFinal_ex(copy, out, &n) != 1)
		crypto_abort("copy a SHA-256");
	EVP_MD_CTX_free(copy);
}

void pc_sha256_final(struct pc_sha256 *s, unsigned char out[PC_SHA256_SIZE])
{
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(s->ctx, out, &n) != 1)
		crypto_abort("finish a SHA-256");
	pc_sha256_release(s);
}

void pc_sha256_release(struct pc_sha256 *s)
{
	EVP_MD_CTX_free(s->ctx);
	s->ctx = NULL;
}

/* Verifies with pkey (taken: freed here) and md (NULL for ed25519). */
static int verify_with(EVP_PKEY *pkey, const EVP_MD *md, const unsigned char *sig,
		       size_t sig_len, const void *msg, size_t len)
{
	EVP_MD_CTX *ctx = NULL;
	int error = 0;

	if (!pkey) {
		error = pc_error_set(PC_EINPUT, "libcrypto refuses the signature's key");
		goto done;
	}
	if (!(ctx = EVP_MD_CTX_new()) || EVP_DigestVerifyInit(ctx, NULL, md, NULL, pkey) != 1) {
		error = pc_error_set(PC_EINTERNAL, "libcrypto could not set up a verification");
		goto done;
	}
	if (EVP_DigestVerify(ctx, sig, sig_len, msg, len) != 1)
		error = pc_error_set(PC_EINPUT, "the signature does not verify");
done:
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return error;
}

/* A public key from parameters, or NULL. */
static EVP_PKEY *key_from_params(const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;

	if (!(ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL)) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)) || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pkey;
}

int pc_crypto_verify_ed25519(const unsigned char *pub, const unsigned char *sig,
			     const void *msg, size_t len)
{
	return verify_with(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32), NULL,
			   sig, 64, msg, len);
}

int pc_crypto_verify_ecdsa_p256(const unsigned char *pub, size_t pub_len,
				const unsigned char *r, size_t r_len,
				const unsigned char *s, size_t s_len, const void *msg, size_t len)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY *pkey = NULL;
	ECDSA_SIG *ecsig = NULL;
	BIGNUM *rn = NULL, *sn = NULL;
	unsigned char *der = NULL;
	int n, error;

	if (bld && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
						   "prime256v1", 0) &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, pub_len))
		pkey = key_from_params("EC", bld);
	OSSL_PARAM_BLD_free(bld);
	ecsig = ECDSA_SIG_new();
	rn = BN_bin2bn(r, (int)r_len, NULL);
	sn = BN_bin2bn(s, (int)s_len, NULL);
	if (!ecsig || !rn || !sn || !ECDSA_SIG_set0(ecsig, rn, sn)) {
		BN_free(rn);
		BN_free(sn);
		ECDSA_SIG_free(ecsig);
		EVP_PKEY_free(pkey);
		ERR_clear_error();
		return pc_error_set(PC_EINTERNAL, "libcrypto could not hold an ECDSA signature");
	}
	n = i2d_ECDSA_SIG(ecsig, &der);
	ECDSA_SIG_free(ecsig);
	if (n <= 0) {
		EVP_PKEY_free(pkey);
		ERR_clear_error();
		return pc_error_set(PC_EINTERNAL, "libcrypto could not encode an ECDSA signature");
	}
	error = verify_with(pkey, EVP_sha256(), der, (size_t)n, msg, len);
	OPENSSL_free(der);
	return error;
}

int pc_crypto_verify_rsa(const unsigned char *n, size_t n_len, const unsigned char *e,
			 size_t e_len, enum pc_hash hash, const unsigned char *sig,
			 size_t sig_len, const void *msg, size_t len)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *nb = BN_bin2bn(n, (int)n_len, NULL), *eb = BN_bin2bn(e, (int)e_len, NULL);
	struct pc_buf padded = PC_BUF_INIT;
	EVP_PKEY *pkey = NULL;
	size_t modulus;
	int error;

	if (bld && nb && eb && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, nb) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, eb))
		pkey = key_from_params("RSA", bld);
	OSSL_PARAM_BLD_free(bld);
	BN_free(nb);
	BN_free(eb);
	if (!pkey) {
		ERR_clear_error();
		return pc_error_set(PC_EINPUT, "libcrypto refuses the signature's ssh-rsa key");
	}
	modulus = (size_t)EVP_PKEY_get_size(pkey);
	if (!sig_len || sig_len > modulus) {
		EVP_PKEY_free(pkey);
		return pc_error_set(PC_EINPUT, "the RSA signature has the wrong length");
	}
	for (size_t i = sig_len; i < modulus; i++)
		pc_buf_addch(&padded, 0);
	pc_buf_add(&padded, sig, sig_len);
	error = verify_with(pkey, md_of(hash), (const unsigned char *)padded.ptr, padded.len,
			    msg, len);
	pc_buf_release(&padded);
	return error;
}
