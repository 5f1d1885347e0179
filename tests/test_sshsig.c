/*
 * Tests of the SSH signature verifier against the real thing: keys and
 * signatures are made by ssh-keygen at test time in a temporary folder, then
 * verified, tampered with (message, signature, namespace, armor, key type)
 * and refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "promptcost/sshsig.h"

static char dir[] = "/tmp/pc-sshsig-XXXXXX";
static const char message[] = "promptcost-approval v1\ntemplate document-summarization\n";

static void sh(const char *fmt, ...) PC_PRINTF(1, 2);
static void sh(const char *fmt, ...)
{
	struct pc_buf cmd = PC_BUF_INIT;
	va_list ap;

	pc_buf_addf(&cmd, "{ cd '%s' && ", dir);
	va_start(ap, fmt);
	pc_buf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	pc_buf_adds(&cmd, "; } >/dev/null 2>&1");
	if (system(cmd.ptr) != 0)
		fail_msg("failed: %s", cmd.ptr);
	pc_buf_release(&cmd);
}

/* The contents of dir/name, NUL-terminated; the caller releases it. */
static void slurp(struct pc_buf *out, const char *name)
{
	struct pc_buf path = PC_BUF_INIT;

	pc_buf_addf(&path, "%s/%s", dir, name);
	if (pc_file_read(out, path.ptr, 1 << 20) < 0)
		fail_msg("cannot read %s: %s", path.ptr, pc_error_message());
	pc_buf_release(&path);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	sh("printf 'promptcost-approval v1\\ntemplate document-summarization\\n' > msg");
	sh("ssh-keygen -q -t ed25519 -N '' -C approver -f ed");
	sh("ssh-keygen -q -t ed25519 -N '' -C author -f ed2");
	sh("ssh-keygen -q -t ecdsa -b 256 -N '' -f ec");
	sh("ssh-keygen -q -t rsa -b 3072 -N '' -f rsa");
	sh("ssh-keygen -q -t rsa -b 1024 -N '' -f rsa1024");
	sh("ssh-keygen -Y sign -n promptcost-approval -f ed msg && mv msg.sig ed.sig");
	sh("ssh-keygen -Y sign -n promptcost-approval -O hashalg=sha256 -f ed msg && mv msg.sig ed256.sig");
	sh("ssh-keygen -Y sign -n git -f ed msg && mv msg.sig ed-git.sig");
	sh("ssh-keygen -Y sign -n promptcost-approval -f ec msg && mv msg.sig ec.sig");
	sh("ssh-keygen -Y sign -n promptcost-approval -f rsa msg && mv msg.sig rsa.sig");
	sh("ssh-keygen -Y sign -n promptcost-approval -O hashalg=sha256 -f rsa msg && mv msg.sig rsa256.sig");
	sh("ssh-keygen -lf ed.pub | cut -d' ' -f2 > ed.fp");
	return 0;
}

static int teardown(void **state)
{
	struct pc_buf cmd = PC_BUF_INIT;

	(void)state;
	pc_buf_addf(&cmd, getenv("PC_TEST_KEEP") ? "true %s" : "rm -rf '%s'", dir);
	if (system(cmd.ptr) != 0)
		return -1;
	pc_buf_release(&cmd);
	return 0;
}

static void key_of(struct pc_ssh_key *out, const char *pubfile)
{
	struct pc_buf text = PC_BUF_INIT;

	slurp(&text, pubfile);
	if (text.len && text.ptr[text.len - 1] == '\n')
		text.ptr[--text.len] = '\0';
	if (pc_ssh_key_parse(out, text.ptr) < 0)
		fail_msg("%s: %s", pubfile, pc_error_message());
	pc_buf_release(&text);
}

/* Verifies sigfile over msg with the key pubfile must be its signer: 0 or the error. */
static int verify(const char *sigfile, const char *pubfile, const char *msg, const char *ns)
{
	struct pc_buf sigtext = PC_BUF_INIT;
	struct pc_ssh_key key;
	struct pc_sshsig sig;
	int error;

	slurp(&sigtext, sigfile);
	key_of(&key, pubfile);
	if ((error = pc_sshsig_parse(&sig, sigtext.ptr, sigtext.len)) == 0) {
		assert_true(pc_ssh_key_equal(&sig.signer, &key));
		error = pc_sshsig_verify(&sig, ns, msg, strlen(msg));
	}
	if (getenv("PC_TEST_VERBOSE") && error)
		fprintf(stderr, "%s: %s\n", sigfile, pc_error_message());
	pc_sshsig_release(&sig);
	pc_ssh_key_release(&key);
	pc_buf_release(&sigtext);
	return error;
}

static void test_sshsig__ssh_keygen_signatures_verify_for_each_key_type(void **state)
{
	(void)state;
	assert_int_equal(verify("ed.sig", "ed.pub", message, PC_SSHSIG_NAMESPACE), 0);
	assert_int_equal(verify("ed256.sig", "ed.pub", message, PC_SSHSIG_NAMESPACE), 0);
	assert_int_equal(verify("ec.sig", "ec.pub", message, PC_SSHSIG_NAMESPACE), 0);
	assert_int_equal(verify("rsa.sig", "rsa.pub", message, PC_SSHSIG_NAMESPACE), 0);
	assert_int_equal(verify("rsa256.sig", "rsa.pub", message, PC_SSHSIG_NAMESPACE), 0);
}

static void test_sshsig__an_edited_message_does_not_verify(void **state)
{
	(void)state;
	assert_int_equal(verify("ed.sig", "ed.pub", "promptcost-approval v1\ntemplate other\n",
				PC_SSHSIG_NAMESPACE), PC_EINPUT);
	assert_string_equal(pc_error_message(), "the signature does not verify");
	assert_int_equal(verify("ec.sig", "ec.pub", "x", PC_SSHSIG_NAMESPACE), PC_EINPUT);
	assert_int_equal(verify("rsa.sig", "rsa.pub", "x", PC_SSHSIG_NAMESPACE), PC_EINPUT);
}

static void test_sshsig__another_namespace_is_refused(void **state)
{
	(void)state;
	assert_int_equal(verify("ed-git.sig", "ed.pub", message, PC_SSHSIG_NAMESPACE), PC_EINPUT);
	assert_string_equal(pc_error_message(),
			    "the signature is for namespace 'git', not 'promptcost-approval'");
}

/* Flips one base64 digit of the armored body at offset from its start. */
static int tampered(const char *sigfile, size_t offset)
{
	struct pc_buf text = PC_BUF_INIT;
	struct pc_sshsig sig;
	size_t at = strlen("-----BEGIN SSH SIGNATURE-----\n") + offset;
	int error;

	slurp(&text, sigfile);
	assert_true(at < text.len);
	if (text.ptr[at] == '\n')
		at++;
	text.ptr[at] = text.ptr[at] == 'A' ? 'B' : 'A';
	if ((error = pc_sshsig_parse(&sig, text.ptr, text.len)) == 0)
		error = pc_sshsig_verify(&sig, PC_SSHSIG_NAMESPACE, message, strlen(message));
	pc_sshsig_release(&sig);
	pc_buf_release(&text);
	return error;
}

static void test_sshsig__a_tampered_signature_is_refused(void **state)
{
	struct pc_buf text = PC_BUF_INIT;
	size_t body;

	(void)state;
	slurp(&text, "ed.sig");
	body = text.len - strlen("-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----\n");
	/* anywhere: the header, the key, the signature bytes near the end */
	for (size_t off = 0; off < body - 8; off += 7)
		assert_int_equal(tampered("ed.sig", off), PC_EINPUT);
	assert_int_equal(tampered("ec.sig", 150), PC_EINPUT);
	assert_int_equal(tampered("rsa.sig", 600), PC_EINPUT);
	pc_buf_release(&text);
}

static void test_sshsig__truncated_or_malformed_armor_is_refused(void **state)
{
	struct pc_buf text = PC_BUF_INIT, cut = PC_BUF_INIT;
	struct pc_sshsig sig;
	const char *end = "-----END SSH SIGNATURE-----\n";

	(void)state;
	slurp(&text, "ed.sig");
	/* every shorter body, closed again by the end line */
	for (size_t n = strlen("-----BEGIN SSH SIGNATURE-----\n"); n + strlen(end) < text.len;
	     n++) {
		pc_buf_reset(&cut);
		pc_buf_add(&cut, text.ptr, n);
		pc_buf_adds(&cut, end);
		assert_int_equal(pc_sshsig_parse(&sig, cut.ptr, cut.len), PC_EINPUT);
	}
	/* no end line at all */
	assert_int_equal(pc_sshsig_parse(&sig, text.ptr, text.len - strlen(end)), PC_EINPUT);
	/* a character that is not base64 */
	pc_buf_reset(&cut);
	pc_buf_add(&cut, text.ptr, text.len);
	cut.ptr[40] = '*';
	assert_int_equal(pc_sshsig_parse(&sig, cut.ptr, cut.len), PC_EINPUT);
	assert_string_equal(pc_error_message(), "not an SSH signature: its body is not valid base64");
	assert_int_equal(pc_sshsig_parse(&sig, "", 0), PC_EINPUT);
	assert_int_equal(pc_sshsig_parse(&sig, "ssh-ed25519 AAAA", 16), PC_EINPUT);
	pc_buf_release(&text);
	pc_buf_release(&cut);
}

static void test_sshsig__a_signature_by_another_key_names_its_signer(void **state)
{
	struct pc_buf text = PC_BUF_INIT, fp = PC_BUF_INIT;
	struct pc_ssh_key approver, author;
	struct pc_sshsig sig;

	(void)state;
	sh("ssh-keygen -Y sign -n promptcost-approval -f ed2 msg && mv msg.sig ed2.sig");
	slurp(&text, "ed2.sig");
	key_of(&approver, "ed.pub");
	key_of(&author, "ed2.pub");
	assert_int_equal(pc_sshsig_parse(&sig, text.ptr, text.len), 0);
	/* it verifies, but with the author's key, which is not the approver's */
	assert_int_equal(pc_sshsig_verify(&sig, PC_SSHSIG_NAMESPACE, message, strlen(message)), 0);
	assert_false(pc_ssh_key_equal(&sig.signer, &approver));
	assert_true(pc_ssh_key_equal(&sig.signer, &author));
	/* the fingerprint is ssh-keygen -l's */
	slurp(&fp, "ed.fp");
	assert_string_equal(approver.fingerprint, fp.ptr[fp.len - 1] == '\n'
				  ? (fp.ptr[fp.len - 1] = '\0', fp.ptr) : fp.ptr);
	pc_sshsig_release(&sig);
	pc_ssh_key_release(&approver);
	pc_ssh_key_release(&author);
	pc_buf_release(&text);
	pc_buf_release(&fp);
}

static void test_sshsig__public_keys_are_checked_when_parsed(void **state)
{
	struct pc_buf text = PC_BUF_INIT, forged = PC_BUF_INIT;
	struct pc_ssh_key key;
	const char *data;

	(void)state;
	slurp(&text, "ed.pub");
	data = strchr(text.ptr, ' ') + 1;
	/* another type's name in front of an ed25519 blob */
	pc_buf_addf(&forged, "ssh-rsa %s", data);
	assert_int_equal(pc_ssh_key_parse(&key, forged.ptr), PC_EINPUT);
	assert_string_equal(pc_error_message(), "the key data is a ssh-ed25519 key, not ssh-rsa");
	assert_int_equal(pc_ssh_key_parse(&key, "ssh-dss AAAAB3NzaC1kc3MAAACBAP"), PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "'ssh-dss' is not a supported public key type"));
	assert_int_equal(pc_ssh_key_parse(&key, "ssh-ed25519"), PC_EINPUT);
	assert_int_equal(pc_ssh_key_parse(&key, "ssh-ed25519 AAAA!!!"), PC_EINPUT);
	assert_string_equal(pc_error_message(), "the ssh-ed25519 key data is not valid base64");
	/* truncated key data: every shorter prefix of the base64 */
	for (size_t n = 1; data[n] != ' '; n++) {
		pc_buf_reset(&forged);
		pc_buf_addf(&forged, "ssh-ed25519 %.*s", (int)n, data);
		assert_int_equal(pc_ssh_key_parse(&key, forged.ptr), PC_EINPUT);
	}
	pc_buf_release(&text);
	slurp(&text, "rsa1024.pub");
	assert_int_equal(pc_ssh_key_parse(&key, text.ptr), PC_EINPUT);
	assert_string_equal(pc_error_message(),
			    "an RSA key of 1024 bits (promptcost accepts 2048 to 16384)");
	pc_buf_release(&text);
	pc_buf_release(&forged);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sshsig__ssh_keygen_signatures_verify_for_each_key_type),
		cmocka_unit_test(test_sshsig__an_edited_message_does_not_verify),
		cmocka_unit_test(test_sshsig__another_namespace_is_refused),
		cmocka_unit_test(test_sshsig__a_tampered_signature_is_refused),
		cmocka_unit_test(test_sshsig__truncated_or_malformed_armor_is_refused),
		cmocka_unit_test(test_sshsig__a_signature_by_another_key_names_its_signer),
		cmocka_unit_test(test_sshsig__public_keys_are_checked_when_parsed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
