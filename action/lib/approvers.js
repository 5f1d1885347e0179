// Approval by review: the pull request's reviews reduced to the logins whose
// latest review approves the head commit. Who may approve is not decided
// here: every such login is passed to `promptcost check --approved-by
// github:LOGIN`, and the binary honours the ones its judging policy (the base
// tip's policy.approvers) lists, GitHub logins compared without case. The
// JSON report names those approvers, so after the run the log can say which
// reviews counted (counted()). No second reader of .promptcost.yml exists.
'use strict';

// Decides, for each reviewer, whether their review approves the head commit:
// the latest review that is not a plain comment counts (a later "changes
// requested" or a dismissal withdraws an approval), and it must be APPROVED
// on headSha. Returns { approved: [login, sorted], ignored: [{ login, why }] }.
function approvalsFromReviews(reviews, headSha) {
	const latest = new Map();
	for (const r of reviews) {
		if (!r || !r.user || !r.user.login) continue;
		if (!['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED'].includes(r.state)) continue;
		latest.set(r.user.login.toLowerCase(), r);
	}
	const approved = [];
	const ignored = [];
	for (const r of latest.values()) {
		const login = r.user.login;
		if (r.state !== 'APPROVED') continue;
		if (r.commit_id !== headSha) {
			ignored.push({ login, why: `the approval is for commit ${String(r.commit_id).slice(0, 12)}, not the head commit ${headSha.slice(0, 12)}` });
		} else {
			approved.push(login);
		}
	}
	approved.sort();
	return { approved, ignored };
}

// Which of the logins passed to check the report's approvers list (as
// github:LOGIN, in any case, as the binary compares them): { counted:
// [{ login, as }], unlisted: [login] }.
function counted(logins, approvers) {
	const listed = new Map();
	for (const a of approvers || []) {
		if (/^github:/.test(a)) listed.set(a.slice('github:'.length).toLowerCase(), a);
	}
	const result = { counted: [], unlisted: [] };
	for (const login of logins) {
		const as = listed.get(login.toLowerCase());
		if (as) result.counted.push({ login, as });
		else result.unlisted.push(login);
	}
	return result;
}

module.exports = { approvalsFromReviews, counted };
