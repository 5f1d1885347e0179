// Makes sure the two commits of a comparison, and their merge-base, are in
// the local clone. actions/checkout fetches a single commit by default: the
// missing commits are fetched by id, then the history is deepened step by step
// until git finds the merge-base, and a full fetch is the last resort. git is
// run without a shell: commit ids are validated, and nothing else is passed.
'use strict';

const { spawnSync } = require('child_process');

const ZERO_OID = /^0+$/;
const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
// Commits added below the shallow boundary per attempt, before a full fetch.
const DEEPEN_STEPS = [10, 50, 200, 1000, 5000];

class GitError extends Error {}

function git(cwd, args, options = {}) {
	const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
	if (r.error) throw new GitError(`cannot run git: ${r.error.message}`);
	if (options.check !== false && r.status !== 0) {
		throw new GitError(`git ${args.join(' ')} failed: ${(r.stderr || '').trim().split('\n').pop()}`);
	}
	return { status: r.status, stdout: (r.stdout || '').trim(), stderr: (r.stderr || '').trim() };
}

function hasCommit(cwd, oid) {
	return git(cwd, ['cat-file', '-e', `${oid}^{commit}`], { check: false }).status === 0;
}

function isShallow(cwd) {
	return git(cwd, ['rev-parse', '--is-shallow-repository'], { check: false }).stdout === 'true';
}

function mergeBase(cwd, a, b) {
	const r = git(cwd, ['merge-base', a, b], { check: false });
	return r.status === 0 && OID.test(r.stdout) ? r.stdout : null;
}

// The real parents of a commit, read from the object itself: in a shallow
// clone `git rev-list --parents` hides the ones cut off at the boundary.
function parentsOf(cwd, oid) {
	const r = git(cwd, ['cat-file', 'commit', oid], { check: false });
	if (r.status !== 0) return [];
	const parents = [];
	for (const line of r.stdout.split('\n')) {
		if (line === '') break;
		const m = line.match(/^parent ([0-9a-f]+)$/);
		if (m) parents.push(m[1]);
	}
	return parents;
}

function fetch(cwd, remote, options, refs, log) {
	log(`git fetch ${options.join(' ')} ${remote} ${refs.map((r) => r.slice(0, 12)).join(' ')}`);
	const r = git(cwd, ['fetch', '--no-tags', '--quiet', ...options, remote, ...refs], { check: false });
	if (r.status !== 0) log(`git fetch failed: ${r.stderr.split('\n').pop()}`);
	return r;
}

// Fetches commit oid by id when it is missing: at depth 1 in a shallow clone
// (the deepening below brings what else is needed), fully otherwise.
function fetchCommit(cwd, remote, oid, what, log) {
	if (hasCommit(cwd, oid)) return;
	const r = fetch(cwd, remote, isShallow(cwd) ? ['--depth=1'] : [], [oid], log);
	if (r.status !== 0 || !hasCommit(cwd, oid)) {
		throw new GitError(`cannot fetch the ${what} commit ${oid} from '${remote}': ` +
			`${(r.stderr || 'not found').split('\n').pop()}`);
	}
}

// Ensures base, head and merge-base(base, head) are present, with the
// merge-base's parents too (a tool walking the history from the merge-base
// must not fall off the shallow boundary). Returns the merge-base id. Throws
// GitError with a message that says what to do when it cannot.
function ensureRange(cwd, base, head, options = {}) {
	const remote = options.remote || 'origin';
	const log = options.log || (() => {});
	for (const [oid, what] of [[base, 'base'], [head, 'head']]) {
		if (!OID.test(oid)) throw new GitError(`the ${what} commit '${oid}' is not a commit id`);
	}
	fetchCommit(cwd, remote, head, 'head', log);
	fetchCommit(cwd, remote, base, 'base', log);

	const complete = (mb) => mb && parentsOf(cwd, mb).every((p) => hasCommit(cwd, p));
	let mb = mergeBase(cwd, base, head);
	for (const step of DEEPEN_STEPS) {
		if (complete(mb) || !isShallow(cwd)) break;
		fetch(cwd, remote, [`--deepen=${step}`], [base, head], log);
		mb = mergeBase(cwd, base, head);
	}
	if (!complete(mb) && isShallow(cwd)) {
		fetch(cwd, remote, ['--unshallow'], [base, head], log);
		mb = mergeBase(cwd, base, head);
	}
	if (!mb) {
		throw new GitError(`no merge-base between the base commit ${base.slice(0, 12)} and the head commit ` +
			`${head.slice(0, 12)}, even with the whole history of '${remote}' fetched: ` +
			'the two have no common history (was the branch rebuilt from scratch?)');
	}
	return mb;
}

// Ensures one commit is present (a push that creates a branch has no base).
function ensureCommit(cwd, oid, what, options = {}) {
	if (!OID.test(oid)) throw new GitError(`the ${what} commit '${oid}' is not a commit id`);
	fetchCommit(cwd, options.remote || 'origin', oid, what, options.log || (() => {}));
}

module.exports = { ensureRange, ensureCommit, hasCommit, isShallow, mergeBase, parentsOf, git, GitError, ZERO_OID, OID };
