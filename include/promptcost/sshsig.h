/*
 * SSH signatures, verified offline: the armored "-----BEGIN SSH SIGNATURE-----"
 * blocks that `ssh-keygen -Y sign -n NAMESPACE` writes (OpenSSH's
 * PROTOCOL.sshsig), and public keys in authorized_keys form. Key types:
 * ssh-ed25519, ecdsa-sha2-nistp256 and ssh-rsa (signatures rsa-sha2-256 and
 * rsa-sha2-512 only, never SHA-1). Every byte read comes from a pull
 * request's head, so every length is checked against what is left.
 * The cryptography is crypto.c's, the one module that sees libcrypto.
 */
#ifndef PROMPTCOST_SSHSIG_H
#define PROMPTCOST_SSHSIG_H

#include "promptcost/common.h"

/* The namespace of promptcost's approvals (ssh-keygen -Y sign -n ...). */
#define PC_SSHSIG_NAMESPACE "promptcost-approval"

/* "SHA256:" and 43 base64 digits, as ssh-keygen -l prints, and a NUL. */
#define PC_SSH_FINGERPRINT_SIZE 51

/* A public key: its type name and its wire-format blob (RFC 4253 6.6). */
struct pc_ssh_key {
	char *type;                 /* "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa" */
	unsigned char *blob;
	size_t blob_len;
	char fingerprint[PC_SSH_FINGERPRINT_SIZE]; /* "SHA256:..." */
};

/*
 * Parses one public key in authorized_keys form: "TYPE BASE64 [COMMENT]".
 * The blob must decode, name the same type and hold a well-formed key of
 * a supported type. On success *out is filled (pc_ssh_key_release); on
 * failure returns PC_EINPUT with a message that names no file (the caller
 * adds where the key was written) and *out is left empty.
 */
int pc_ssh_key_parse(struct pc_ssh_key *out, const char *text);
void pc_ssh_key_release(struct pc_ssh_key *key);

/* True when a and b are the same public key. */
bool pc_ssh_key_equal(const struct pc_ssh_key *a, const struct pc_ssh_key *b);

/* A parsed SSH signature: who claims to have signed, and what. */
struct pc_sshsig {
	struct pc_ssh_key signer;   /* the public key the signature carries */
	char *namespace;
	char *hash_algorithm;       /* "sha256" or "sha512" */
	unsigned char *signature;   /* the inner signature blob: string alg, string sig */
	size_t signature_len;
};

/*
 * Parses an armored SSH signature (the text ssh-keygen -Y sign writes).
 * Returns 0 and fills *out (pc_sshsig_release), or PC_EINPUT with a message
 * ("not an SSH signature: ...") and leaves *out empty.
 */
int pc_sshsig_parse(struct pc_sshsig *out, const char *armored, size_t len);
void pc_sshsig_release(struct pc_sshsig *sig);

/*
 * Verifies that sig, made with namespace, signs message[0..len) with the
 * key sig->signer. Whether that key is one the caller trusts is the
 * caller's question (pc_ssh_key_equal). Returns 0 when it does, PC_EINPUT
 * with a one-line reason when it does not.
 */
int pc_sshsig_verify(const struct pc_sshsig *sig, const char *namespace, const void *message,
		     size_t len);

#endif
