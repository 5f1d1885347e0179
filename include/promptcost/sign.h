/*
 * Signing as git signs with gpg.format=ssh: `ssh-keygen -Y sign` (or git
 * config gpg.ssh.program) run without a shell, with the key git would use.
 * The only code that starts another program for a signature.
 */
#ifndef PROMPTCOST_SIGN_H
#define PROMPTCOST_SIGN_H

#include "promptcost/common.h"
#include "promptcost/git.h"

/*
 * Signs data[0..len) with namespace and appends the armored signature
 * ssh-keygen writes to out. The key is chosen as git chooses it: key_path
 * when not NULL (a private key file, or a public one whose private key is in
 * ssh-agent), else git config user.signingKey (a path, "~/" expanded, or a
 * literal "key::ssh-ed25519 AAAA..." / "ssh-ed25519 AAAA..." public key
 * whose private key is in ssh-agent), else the first key `ssh-add -L` lists.
 * The key that signed is whatever ssh-keygen used: callers verify the
 * signature and its key themselves (sshsig.h).
 * PC_EINPUT with a message when no key is found or ssh-keygen fails (its
 * last line of errors quoted), PC_EIO when a temporary file cannot be made.
 */
int pc_sign_ssh(struct pc_buf *out, struct pc_repo *repo, const char *key_path,
		const char *namespace, const void *data, size_t len);

#endif
