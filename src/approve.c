/*
 * approve: the check's evaluation, then for each unapproved cost event an
 * entry signed by the approver (sign.c) and verified here against the keys
 * the base lists for them (sshsig.c) before it is written; the approvals
 * file is read and written only as a regular file in a real `.promptcost`
 * folder of the working tree, never through a link.
 */
#include "promptcost/approve.h"

#include "promptcost/sign.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void utc_now(char *out, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *file_kind(mode_t mode)
{
	if (S_ISLNK(mode))
		return "a symbolic link";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISDIR(mode))
		return "a folder";
	return "not a regular file";
}

/*
 * `.promptcost` in the working tree: *exists says whether it is there (it is
 * created only when approve writes), refused when it is there and not a real folder.
 */
static int approvals_dir(struct pc_buf *path, const char *workdir, bool *exists)
{
	struct stat st;

	*exists = false;
	pc_buf_addf(path, "%s.promptcost", workdir);
	if (lstat(path->ptr, &st) < 0) {
		if (errno != ENOENT)
			return pc_error_set(PC_EIO, "%s: %s", path->ptr, strerror(errno));
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		return pc_error_set(PC_EINPUT, "'.promptcost' is %s, not a folder: approve writes "
				    "only inside the repository (git rm it and run approve again)",
				    file_kind(st.st_mode));
	*exists = true;
	return 0;
}

/* The working tree's approvals file, if any, read without following a link. */
static int read_existing(struct pc_approvals *approvals, const char *path)
{
	struct pc_buf text = PC_BUF_INIT;
	struct stat st;
	int fd = -1, error = 0;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return pc_error_set(PC_EIO, "%s: %s", path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return pc_error_set(PC_EINPUT, "'%s' is %s: approve reads and replaces only a "
				    "regular file (remove it and run approve again)",
				    PC_APPROVALS_PATH, file_kind(st.st_mode));
	/* O_NONBLOCK: should it have become a FIFO since, open does not wait for a writer */
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		error = pc_error_set(PC_EINPUT, "'%s' changed while being read, or is not a "
				     "regular file", PC_APPROVALS_PATH);
		goto done;
	}
	if ((error = pc_fd_read(&text, fd, path, PC_CONFIG_MAX_BYTES)) < 0)
		goto done;
	error = pc_approvals_parse(approvals, PC_APPROVALS_PATH, text.ptr, text.len);
done:
	if (fd >= 0)
		close(fd);
	pc_buf_release(&text);
	return error;
}

/* A budget over its hard limit that this template's change raises, or NULL. */
static const struct pc_budget_report *hard_budget_of(const struct pc_report *report,
						     const struct pc_template_report *t,
						     const char **kind)
{
	for (size_t i = 0; t->team && i < report->nteams; i++)
		if (!strcmp(report->teams[i].budget->name, t->team) &&
		    report->teams[i].verdict == PC_VERDICT_BLOCK) {
			*kind = "team";
			return &report->teams[i];
		}
	for (size_t i = 0; t->use_case && i < report->nuse_cases; i++)
		if (!strcmp(report->use_cases[i].budget->name, t->use_case) &&
		    report->use_cases[i].verdict == PC_VERDICT_BLOCK) {
			*kind = "use case";
			return &report->use_cases[i];
		}
	return NULL;
}

/*
 * Signs entry a as `approver` and checks the signature the way check will:
 * it verifies over the payload with a key the base lists for the approver.
 */
static int sign_entry(struct pc_approve *out, struct pc_approval *a,
		      const struct pc_approver *approver, const char *key_path)
{
	struct pc_buf payload = PC_BUF_INIT, armored = PC_BUF_INIT;
	struct pc_sshsig sig;
	bool listed = false;
	int error;

	memset(&sig, 0, sizeof(sig));
	pc_approval_payload(&payload, a);
	if ((error = pc_sign_ssh(&armored, out->check.repo, key_path, PC_SSHSIG_NAMESPACE,
				 payload.ptr, payload.len)) < 0 ||
	    (error = pc_sshsig_parse(&sig, armored.ptr, armored.len)) < 0 ||
	    (error = pc_sshsig_verify(&sig, PC_SSHSIG_NAMESPACE, payload.ptr, payload.len)) < 0)
		goto done;
	for (size_t k = 0; k < approver->nkeys && !listed; k++)
		listed = pc_ssh_key_equal(&sig.signer, &approver->keys[k]);
	if (!listed) {
		memcpy(out->signer_fingerprint, sig.signer.fingerprint, PC_SSH_FINGERPRINT_SIZE);
		out->outcome = PC_APPROVE_KEY_NOT_LISTED;
		goto done;
	}
	error = pc_approval_set_signature(a, armored.ptr);
done:
	pc_sshsig_release(&sig);
	pc_buf_release(&payload);
	pc_buf_release(&armored);
	return error;
}

int pc_approve_run(struct pc_approve *out, const struct pc_approve_options *options)
{
	struct pc_approvals approvals = { NULL, 0, 0 }, again = { NULL, 0, 0 };
	struct pc_buf by = PC_BUF_INIT, path = PC_BUF_INIT, text = PC_BUF_INIT;
	const struct pc_report *report = &out->check.report;
	const struct pc_policy *policy;
	const struct pc_approver *approver;
	struct pc_buf dir = PC_BUF_INIT;
	bool sign, dir_exists;
	char now[32];
	int error;

	memset(out, 0, sizeof(*out));
	out->outcome = PC_APPROVE_NOTHING;
	if ((error = pc_check_run(&out->check, &options->check)) < 0)
		goto done;
	policy = &report->config->policy;
	if (options->by) {
		pc_buf_adds(&by, options->by);
	} else if ((error = pc_repo_config_string(&by, out->check.repo, "user.email")) < 0) {
		error = pc_error_set(PC_EINPUT, "who approves? set git config user.email or pass "
				     "--by ID");
		goto done;
	}
	out->by = pc_buf_detach(&by, NULL);

	/* an approval lifts no hard budget: say so before anyone signs anything */
	for (size_t i = 0; i < report->ntemplates; i++) {
		const struct pc_template_report *t = &report->templates[i];
		const struct pc_budget_report *b;

		if (t->monthly_delta_micros > 0 &&
		    (b = hard_budget_of(report, t, &out->over_budget_kind))) {
			out->over_budget_template = t;
			out->over_budget = b;
			out->outcome = PC_APPROVE_OVER_HARD_BUDGET;
			goto done;
		}
	}
	if (!pc_strlist_contains(&policy->approvers, out->by)) {
		out->outcome = PC_APPROVE_NOT_APPROVER;
		goto done;
	}
	out->entries = pc_xcalloc(report->ntemplates ? report->ntemplates : 1,
				  sizeof(*out->entries));
	for (size_t i = 0; i < report->ntemplates; i++)
		if (report->templates[i].cost_event && !report->templates[i].approved)
			out->entries[out->nentries++].template = &report->templates[i];
	if (!out->nentries)
		goto done; /* PC_APPROVE_NOTHING */

	/* signed, unless the base takes unsigned entries and has no key for this approver */
	approver = pc_policy_approver(policy, out->by);
	sign = policy->file_approvals == PC_FILE_APPROVALS_SIGNED || (approver && approver->nkeys);
	if (sign && (!approver || !approver->nkeys)) {
		out->outcome = PC_APPROVE_KEY_NOT_LISTED;
		goto done;
	}
	if (!pc_repo_workdir(out->check.repo)) {
		error = pc_error_set(PC_EIO, "a bare repository has no working tree to record "
				     "approvals in");
		goto done;
	}
	if ((error = approvals_dir(&dir, pc_repo_workdir(out->check.repo), &dir_exists)) < 0)
		goto done;
	pc_buf_addf(&path, "%s/approvals.yml", dir.ptr);
	if ((error = read_existing(&approvals, path.ptr)) < 0)
		goto done;
	utc_now(now, sizeof(now));
	for (size_t i = 0; i < out->nentries; i++) {
		struct pc_approve_entry *e = &out->entries[i];
		struct pc_approval *a;
		char *reason = NULL;

		/* a new approval replaces the old; without --reason it keeps the old one's */
		for (size_t k = 0; k < approvals.n && !options->reason && !reason; k++)
			if (!strcmp(approvals.items[k].template_id, e->template->id) &&
			    approvals.items[k].reason)
				reason = pc_xstrdup(approvals.items[k].reason);
		if (options->reason)
			reason = pc_xstrdup(options->reason);
		pc_approvals_remove(&approvals, e->template->id);
		error = pc_approvals_add(&approvals, e->template, out->by, now, reason);
		free(reason);
		if (error < 0)
			goto done;
		a = &approvals.items[approvals.n - 1];
		e->approved_delta_micros = a->monthly_delta_micros;
		if (sign && ((error = sign_entry(out, a, approver, options->key_path)) < 0 ||
			     out->outcome == PC_APPROVE_KEY_NOT_LISTED))
			goto done;
		e->is_signed = sign;
	}
	pc_approvals_render(&text, &approvals);
	/* what approve writes, check must read: a file it would refuse is never written */
	if ((error = pc_approvals_parse(&again, PC_APPROVALS_PATH, text.ptr, text.len)) < 0) {
		char *why = pc_xstrdup(pc_error_message());

		error = pc_error_set(PC_EINTERNAL, "approve made an approvals file it cannot read "
				     "back (%s); nothing written", why);
		free(why);
		goto done;
	}
	/* the folder is made only now: a refusal above leaves the working tree as it was */
	if (!dir_exists && mkdir(dir.ptr, 0755) < 0) {
		error = pc_error_set(PC_EIO, "cannot create %s: %s", dir.ptr, strerror(errno));
		goto done;
	}
	if ((error = pc_file_write_atomic(path.ptr, text.ptr, text.len)) < 0)
		goto done;
	out->outcome = PC_APPROVE_WROTE;
done:
	pc_approvals_release(&approvals);
	pc_approvals_release(&again);
	pc_buf_release(&by);
	pc_buf_release(&dir);
	pc_buf_release(&path);
	pc_buf_release(&text);
	return error;
}

void pc_approve_release(struct pc_approve *approve)
{
	pc_check_release(&approve->check);
	free(approve->by);
	free(approve->entries);
	memset(approve, 0, sizeof(*approve));
}
