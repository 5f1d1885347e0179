/*
 * The cryptography promptcost needs, over OpenSSL's libcrypto (the one
 * module that sees it): SHA-256 and SHA-512 digests (and SHA-1 for git.c), SHA-256 incrementally
 * (usage fingerprints), and the signature checks SSH signatures rest on
 * (ed25519, ECDSA P-256 with SHA-256, RSA PKCS#1 v1.5 with SHA-256/512).
 * The SSH wire format itself stays in sshsig.c.
 */
#ifndef PROMPTCOST_CRYPTO_H
#define PROMPTCOST_CRYPTO_H

#include "promptcost/common.h"

#define PC_SHA1_SIZE 20
#define PC_SHA256_SIZE 32
#define PC_SHA512_SIZE 64

/* SHA-1 only for git's own file checksums (git.c), never for anything promptcost signs or keys. */
enum pc_hash { PC_HASH_SHA256, PC_HASH_SHA512, PC_HASH_SHA1 };

/* The digest of data[0..len) into out (20, 32 or 64 bytes); *out_len is set. */
void pc_hash(enum pc_hash hash, unsigned char *out, size_t *out_len, const void *data,
	     size_t len);

/* An incremental SHA-256: pc_sha256_init, any number of updates, then final. */
struct pc_sha256 {
	void *ctx; /* libcrypto's, hidden */
};
void pc_sha256_init(struct pc_sha256 *s);
void pc_sha256_update(struct pc_sha256 *s, const void *data, size_t len);
/* The digest of what was given so far, without ending s (for prefixes). */
void pc_sha256_peek(const struct pc_sha256 *s, unsigned char out[PC_SHA256_SIZE]);
/* The digest; s is released (pc_sha256_init to use it again). */
void pc_sha256_final(struct pc_sha256 *s, unsigned char out[PC_SHA256_SIZE]);
/* Frees s without a digest (NULL-safe contents). */
void pc_sha256_release(struct pc_sha256 *s);

/*
 * Signature checks: 0 when sig signs msg with the public key, PC_EINPUT
 * "the signature does not verify" when not, PC_EINPUT with another reason
 * for a key or signature libcrypto refuses, PC_EINTERNAL when libcrypto fails.
 */
/* pub: 32 bytes; sig: 64 bytes. */
int pc_crypto_verify_ed25519(const unsigned char *pub, const unsigned char *sig,
			     const void *msg, size_t len);
/* pub: the uncompressed point (65 bytes, 0x04 first); r, s: big-endian integers; SHA-256. */
int pc_crypto_verify_ecdsa_p256(const unsigned char *pub, size_t pub_len,
				const unsigned char *r, size_t r_len,
				const unsigned char *s, size_t s_len, const void *msg, size_t len);
/*
 * n, e: big-endian modulus and exponent; sig no longer than the modulus
 * (shorter ones are left-padded with zeros, as OpenSSH accepts).
 */
int pc_crypto_verify_rsa(const unsigned char *n, size_t n_len, const unsigned char *e,
			 size_t e_len, enum pc_hash hash, const unsigned char *sig,
			 size_t sig_len, const void *msg, size_t len);

#endif
