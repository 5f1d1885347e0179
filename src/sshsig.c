/*
 * SSH signatures (OpenSSH PROTOCOL.sshsig) verified offline: armor, base64,
 * the SSH wire format (RFC 4251 strings and mpints) read with a length check
 * before every byte. The cryptography itself is crypto.c's (libcrypto).
 */
#include "promptcost/sshsig.h"

#include "promptcost/crypto.h"

#include <stdlib.h>
#include <string.h>

#define MAGIC "SSHSIG"
#define MAGIC_LEN 6
#define SIG_VERSION 1
#define ARMOR_BEGIN "-----BEGIN SSH SIGNATURE-----"
#define ARMOR_END "-----END SSH SIGNATURE-----"
/* far above any real signature (an RSA-16384 one is about 4.5 KB armored) */
#define MAX_ARMORED 65536
#define RSA_MIN_BITS 2048
#define RSA_MAX_BITS 16384

/* ---- base64 ------------------------------------------------------------ */

static int b64_value(unsigned char c)
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

/*
 * Decodes base64 (RFC 4648, padded with '=' to a multiple of 4), skipping
 * line breaks when skip_breaks. Returns false on any other character, on a
 * padding that is not at the end, or on leftover bits that are not zero.
 */
static bool b64_decode(struct pc_buf *out, const char *s, size_t len, bool skip_breaks)
{
	unsigned acc = 0, bits = 0, pad = 0;
	size_t digits = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int v;

		if (skip_breaks && (c == '\n' || c == '\r'))
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad || (v = b64_value(c)) < 0)
			return false;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		digits++;
		if (bits >= 8) {
			bits -= 8;
			pc_buf_addch(out, (int)((acc >> bits) & 0xff));
		}
	}
	/* ssh-keygen always pads: a missing '=' is a cut, not a style */
	if ((digits + pad) % 4 || pad > 2)
		return false;
	return (acc & ((1u << bits) - 1)) == 0;
}

static void b64_encode(struct pc_buf *out, const unsigned char *p, size_t n, bool padding)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		size_t k = n - i < 3 ? n - i : 3;

		if (k > 1)
			v |= (unsigned)p[i + 1] << 8;
		if (k > 2)
			v |= p[i + 2];
		for (size_t d = 0; d < 4; d++) {
			if (d <= k)
				pc_buf_addch(out, digits[(v >> (18 - 6 * d)) & 63]);
			else if (padding)
				pc_buf_addch(out, '=');
		}
	}
}

/* ---- the wire format ---------------------------------------------------- */

struct reader {
	const unsigned char *p;
	size_t left;
};

static bool get_bytes(const unsigned char **out, struct reader *r, size_t n)
{
	if (n > r->left)
		return false;
	*out = r->p;
	r->p += n;
	r->left -= n;
	return true;
}

static bool get_u32(uint32_t *out, struct reader *r)
{
	const unsigned char *p;

	if (!get_bytes(&p, r, 4))
		return false;
	*out = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return true;
}

/* An RFC 4251 string: a 32-bit length and that many bytes. */
static bool get_string(struct reader *out, struct reader *r)
{
	uint32_t n;

	if (!get_u32(&n, r) || !get_bytes(&out->p, r, n))
		return false;
	out->left = n;
	return true;
}

/* A string that must equal want. */
static bool get_name(struct reader *r, const char *want)
{
	struct reader s;

	return get_string(&s, r) && s.left == strlen(want) && !memcmp(s.p, want, s.left);
}

/* A string as a NUL-terminated copy; false when it holds a NUL. */
static bool get_text(char **out, struct reader *r)
{
	struct reader s;

	if (!get_string(&s, r) || memchr(s.p, 0, s.left))
		return false;
	*out = pc_xstrndup((const char *)s.p, s.left);
	return true;
}

/*
 * A positive mpint in its minimal form (RFC 4251 5): no needless leading
 * zero byte, not negative, not zero. Its magnitude goes to out.
 */
static bool get_mpint(struct reader *out, struct reader *r)
{
	if (!get_string(out, r) || !out->left || out->p[0] & 0x80)
		return false;
	if (out->p[0] == 0) {
		if (out->left < 2 || !(out->p[1] & 0x80))
			return false;
		out->p++;
		out->left--;
	}
	return true;
}

static void put_u32(struct pc_buf *b, size_t n)
{
	pc_buf_addch(b, (int)(n >> 24 & 0xff));
	pc_buf_addch(b, (int)(n >> 16 & 0xff));
	pc_buf_addch(b, (int)(n >> 8 & 0xff));
	pc_buf_addch(b, (int)(n & 0xff));
}

static void put_string(struct pc_buf *b, const void *p, size_t n)
{
	put_u32(b, n);
	pc_buf_add(b, p, n);
}

/* ---- public keys ---------------------------------------------------------- */

static const char *const key_types[] = { "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa" };

/* The key of blob is well-formed for its type and nothing follows it. */
static int check_key_blob(const char *type, const unsigned char *blob, size_t len)
{
	struct reader r = { blob, len }, a, b;

	if (!get_name(&r, type))
		return pc_error_set(PC_EINPUT, "the key data is not a '%s' key", type);
	if (!strcmp(type, "ssh-ed25519")) {
		if (!get_string(&a, &r) || a.left != 32 || r.left)
			return pc_error_set(PC_EINPUT, "malformed ssh-ed25519 key data");
	} else if (!strcmp(type, "ecdsa-sha2-nistp256")) {
		if (!get_name(&r, "nistp256") || !get_string(&a, &r) || a.left != 65 ||
		    a.p[0] != 0x04 || r.left)
			return pc_error_set(PC_EINPUT, "malformed ecdsa-sha2-nistp256 key data");
	} else {
		size_t bits;

		if (!get_mpint(&a, &r) || !get_mpint(&b, &r) || r.left || a.left > 8)
			return pc_error_set(PC_EINPUT, "malformed ssh-rsa key data");
		bits = b.left * 8;
		for (unsigned char top = b.p[0]; !(top & 0x80); top <<= 1)
			bits--;
		if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS)
			return pc_error_set(PC_EINPUT, "an RSA key of %zu bits (promptcost accepts "
					    "%d to %d)", bits, RSA_MIN_BITS, RSA_MAX_BITS);
	}
	return 0;
}

static void fingerprint(char out[PC_SSH_FINGERPRINT_SIZE], const unsigned char *blob, size_t len)
{
	unsigned char digest[PC_SHA256_SIZE];
	size_t n = 0;
	struct pc_buf b = PC_BUF_INIT;

	pc_hash(PC_HASH_SHA256, digest, &n, blob, len);
	pc_buf_adds(&b, "SHA256:");
	b64_encode(&b, digest, n, false);
	memcpy(out, b.ptr, b.len + 1 < PC_SSH_FINGERPRINT_SIZE ? b.len + 1 : PC_SSH_FINGERPRINT_SIZE);
	out[PC_SSH_FINGERPRINT_SIZE - 1] = '\0';
	pc_buf_release(&b);
}

/* Fills key from a wire-format blob (checked); type is read from the blob. */
static int key_from_blob(struct pc_ssh_key *key, const unsigned char *blob, size_t len)
{
	struct reader r = { blob, len }, type;
	int error;

	if (!get_string(&type, &r))
		return pc_error_set(PC_EINPUT, "malformed key data");
	for (size_t i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++) {
		if (type.left != strlen(key_types[i]) || memcmp(type.p, key_types[i], type.left))
			continue;
		if ((error = check_key_blob(key_types[i], blob, len)) < 0)
			return error;
		key->type = pc_xstrdup(key_types[i]);
		key->blob = pc_xmalloc(len ? len : 1);
		memcpy(key->blob, blob, len);
		key->blob_len = len;
		fingerprint(key->fingerprint, blob, len);
		return 0;
	}
	return pc_error_set(PC_EINPUT, "unsupported key type (promptcost verifies ssh-ed25519, "
			    "ecdsa-sha2-nistp256 and ssh-rsa keys)");
}

int pc_ssh_key_parse(struct pc_ssh_key *out, const char *text)
{
	struct pc_buf blob = PC_BUF_INIT;
	const char *type = text, *data, *end;
	size_t type_len;
	bool known = false;
	int error = 0;

	memset(out, 0, sizeof(*out));
	type_len = strcspn(type, " \t");
	for (size_t i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
		known |= type_len == strlen(key_types[i]) && !strncmp(type, key_types[i], type_len);
	if (!known) {
		error = pc_error_set(PC_EINPUT, "'%.*s' is not a supported public key type "
				     "(expected \"ssh-ed25519 AAAA...\", ecdsa-sha2-nistp256 or "
				     "ssh-rsa, in authorized_keys form)",
				     (int)(type_len > 40 ? 40 : type_len), type);
		goto done;
	}
	data = type + type_len;
	data += strspn(data, " \t");
	end = data + strcspn(data, " \t");
	if (end == data) {
		error = pc_error_set(PC_EINPUT, "the %.*s key has no key data after its type",
				     (int)type_len, type);
		goto done;
	}
	if (!b64_decode(&blob, data, (size_t)(end - data), false)) {
		error = pc_error_set(PC_EINPUT, "the %.*s key data is not valid base64",
				     (int)type_len, type);
		goto done;
	}
	if ((error = key_from_blob(out, (const unsigned char *)blob.ptr, blob.len)) < 0)
		goto done;
	if (strlen(out->type) != type_len || strncmp(out->type, type, type_len)) {
		error = pc_error_set(PC_EINPUT, "the key data is a %s key, not %.*s", out->type,
				     (int)type_len, type);
		pc_ssh_key_release(out);
	}
done:
	pc_buf_release(&blob);
	return error;
}

void pc_ssh_key_release(struct pc_ssh_key *key)
{
	free(key->type);
	free(key->blob);
	memset(key, 0, sizeof(*key));
}

bool pc_ssh_key_equal(const struct pc_ssh_key *a, const struct pc_ssh_key *b)
{
	return a->blob_len == b->blob_len && !memcmp(a->blob, b->blob, a->blob_len);
}

/* ---- signatures -------------------------------------------------------- */

int pc_sshsig_parse(struct pc_sshsig *out, const char *armored, size_t len)
{
	struct pc_buf raw = PC_BUF_INIT;
	struct reader r, pub, reserved, inner;
	const unsigned char *magic;
	const char *body, *end;
	uint32_t version;
	int error = 0;

	memset(out, 0, sizeof(*out));
	if (len > MAX_ARMORED) {
		error = pc_error_set(PC_EINPUT, "not an SSH signature: over %d bytes", MAX_ARMORED);
		goto done;
	}
	/* the armor: the begin line, base64 lines, the end line (a final line break optional) */
	while (len && (armored[len - 1] == '\n' || armored[len - 1] == '\r'))
		len--;
	if (len < strlen(ARMOR_BEGIN) + strlen(ARMOR_END) ||
	    memcmp(armored, ARMOR_BEGIN, strlen(ARMOR_BEGIN)) ||
	    memcmp(armored + len - strlen(ARMOR_END), ARMOR_END, strlen(ARMOR_END))) {
		error = pc_error_set(PC_EINPUT, "not an SSH signature: it must start with '"
				     ARMOR_BEGIN "' and end with '" ARMOR_END "'");
		goto done;
	}
	body = armored + strlen(ARMOR_BEGIN);
	end = armored + len - strlen(ARMOR_END);
	/* each marker on a line of its own */
	if (end <= body || (*body != '\n' && *body != '\r') || end[-1] != '\n') {
		error = pc_error_set(PC_EINPUT, "not an SSH signature: its markers must be lines "
				     "of their own");
		goto done;
	}
	if (!b64_decode(&raw, body, (size_t)(end - body), true)) {
		error = pc_error_set(PC_EINPUT, "not an SSH signature: its body is not valid base64");
		goto done;
	}
	r.p = (const unsigned char *)raw.ptr;
	r.left = raw.len;
	if (!get_bytes(&magic, &r, MAGIC_LEN) || memcmp(magic, MAGIC, MAGIC_LEN) ||
	    !get_u32(&version, &r)) {
		error = pc_error_set(PC_EINPUT, "not an SSH signature: no SSHSIG header");
		goto done;
	}
	if (version != SIG_VERSION) {
		error = pc_error_set(PC_EINPUT, "not an SSH signature: version %lu (promptcost "
				     "reads version 1)", (unsigned long)version);
		goto done;
	}
	if (!get_string(&pub, &r) || !get_text(&out->namespace, &r) ||
	    !get_string(&reserved, &r) || !get_text(&out->hash_algorithm, &r) ||
	    !get_string(&inner, &r) || r.left) {
		error = pc_error_set(PC_EINPUT, "not an SSH signature: truncated or malformed");
		goto done;
	}
	if ((error = key_from_blob(&out->signer, pub.p, pub.left)) < 0) {
		struct pc_buf msg = PC_BUF_INIT;

		pc_buf_addf(&msg, "the signature's public key: %s", pc_error_message());
		error = pc_error_set(PC_EINPUT, "%s", msg.ptr);
		pc_buf_release(&msg);
		goto done;
	}
	out->signature = pc_xmalloc(inner.left ? inner.left : 1);
	memcpy(out->signature, inner.p, inner.left);
	out->signature_len = inner.left;
done:
	if (error)
		pc_sshsig_release(out);
	pc_buf_release(&raw);
	return error;
}

void pc_sshsig_release(struct pc_sshsig *sig)
{
	pc_ssh_key_release(&sig->signer);
	free(sig->namespace);
	free(sig->hash_algorithm);
	free(sig->signature);
	memset(sig, 0, sizeof(*sig));
}

/*
 * Checks the inner signature (string alg, string bytes) against the
 * signer's checked key blob (check_key_blob) over signed_data.
 */
static int verify_inner(const struct pc_sshsig *sig, const struct pc_buf *signed_data)
{
	struct reader r = { sig->signature, sig->signature_len }, alg, bytes;
	struct reader k = { sig->signer.blob, sig->signer.blob_len }, ktype, a, b;
	const char *type = sig->signer.type;
	const unsigned char *msg = (const unsigned char *)signed_data->ptr;

	if (!get_string(&alg, &r) || !get_string(&bytes, &r) || r.left)
		return pc_error_set(PC_EINPUT, "the signature blob is malformed");
	if (!get_string(&ktype, &k))
		return pc_error_set(PC_EINPUT, "the signature's %s key is malformed", type);
#define ALG_IS(s) (alg.left == strlen(s) && !memcmp(alg.p, s, alg.left))
	if (!strcmp(type, "ssh-ed25519")) {
		if (!ALG_IS("ssh-ed25519") || bytes.left != 64)
			return pc_error_set(PC_EINPUT, "the signature is not an ssh-ed25519 one");
		if (!get_string(&a, &k) || a.left != 32)
			return pc_error_set(PC_EINPUT, "the signature's %s key is malformed", type);
		return pc_crypto_verify_ed25519(a.p, bytes.p, msg, signed_data->len);
	}
	if (!strcmp(type, "ecdsa-sha2-nistp256")) {
		struct reader rr, ss;

		if (!ALG_IS("ecdsa-sha2-nistp256") || !get_mpint(&rr, &bytes) ||
		    !get_mpint(&ss, &bytes) || bytes.left || rr.left > 32 || ss.left > 32)
			return pc_error_set(PC_EINPUT, "the signature is not an ecdsa-sha2-nistp256 one");
		if (!get_string(&a, &k) || !get_string(&b, &k))
			return pc_error_set(PC_EINPUT, "the signature's %s key is malformed", type);
		return pc_crypto_verify_ecdsa_p256(b.p, b.left, rr.p, rr.left, ss.p, ss.left, msg,
						   signed_data->len);
	}
	if (!get_mpint(&a, &k) || !get_mpint(&b, &k))
		return pc_error_set(PC_EINPUT, "the signature's %s key is malformed", type);
	if (!ALG_IS("rsa-sha2-256") && !ALG_IS("rsa-sha2-512"))
		return pc_error_set(PC_EINPUT, "the RSA signature is not rsa-sha2-256 or "
				    "rsa-sha2-512 (SHA-1 signatures are refused)");
	return pc_crypto_verify_rsa(b.p, b.left, a.p, a.left,
				    ALG_IS("rsa-sha2-512") ? PC_HASH_SHA512 : PC_HASH_SHA256,
				    bytes.p, bytes.left, msg, signed_data->len);
#undef ALG_IS
}

int pc_sshsig_verify(const struct pc_sshsig *sig, const char *namespace, const void *message,
		     size_t len)
{
	struct pc_buf signed_data = PC_BUF_INIT;
	unsigned char digest[PC_SHA512_SIZE];
	size_t digest_len = 0;
	enum pc_hash hash;
	int error = 0;

	if (strcmp(sig->namespace, namespace))
		return pc_error_set(PC_EINPUT, "the signature is for namespace '%s', not '%s'",
				    sig->namespace, namespace);
	if (!strcmp(sig->hash_algorithm, "sha256"))
		hash = PC_HASH_SHA256;
	else if (!strcmp(sig->hash_algorithm, "sha512"))
		hash = PC_HASH_SHA512;
	else
		return pc_error_set(PC_EINPUT, "the signature's hash algorithm is '%s', not "
				    "sha256 or sha512", sig->hash_algorithm);
	pc_hash(hash, digest, &digest_len, message, len);
	pc_buf_add(&signed_data, MAGIC, MAGIC_LEN);
	put_string(&signed_data, sig->namespace, strlen(sig->namespace));
	put_string(&signed_data, "", 0); /* reserved */
	put_string(&signed_data, sig->hash_algorithm, strlen(sig->hash_algorithm));
	put_string(&signed_data, digest, digest_len);
	error = verify_inner(sig, &signed_data);
	pc_buf_release(&signed_data);
	return error;
}
