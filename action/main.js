#!/usr/bin/env node
// The action's one step of logic, run by action.yml (and by the tests with a
// simulated runner): reads the event, makes sure the commits are there, turns
// approving reviews into --approved-by, runs `promptcost check` once, writes
// the step summary, posts or updates the pull-request comment, sets the outputs,
// and exits by `fail-on`. Inputs arrive in environment variables only, so no
// title, branch or file name ever passes through shell code.
//
// Exit status: 0 pass (or a verdict fail-on lets through), 1 failed by
// fail-on, 2 bad input or configuration, 3 git or internal error.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const { spawnSync } = require('child_process');

const { GitHub } = require('./lib/github');
const { ensureRange, ensureCommit, GitError, ZERO_OID, OID } = require('./lib/git');
const { approvalsFromReviews, counted } = require('./lib/approvers');
const C = require('./lib/comment');

const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target', 'pull_request_review'];

class ActionError extends Error {
	constructor(message, status) {
		super(message);
		this.status = status;
	}
}

// Workflow commands: data escaped as the runner unescapes it, so a file name
// with a newline cannot start a command of its own.
function escapeData(text) {
	return String(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(text) {
	return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
function command(kind, message, props = {}) {
	const p = Object.entries(props).map(([k, v]) => `${k}=${escapeProperty(v)}`).join(',');
	process.stdout.write(`::${kind}${p ? ' ' + p : ''}::${escapeData(message)}\n`);
}
// A line of the log. Messages carry names from the head (files, logins,
// git's errors): one line each, so none can start a workflow command.
function log(message) {
	process.stdout.write(`promptcost: ${String(message).replace(/[\r\n]+/g, ' ')}\n`);
}

// name<<DELIMITER lines in $GITHUB_OUTPUT, with a delimiter the value cannot contain.
function setOutput(name, value) {
	const file = process.env.GITHUB_OUTPUT;
	const text = String(value ?? '');
	if (!file) {
		log(`output ${name}=${text}`);
		return;
	}
	let delimiter;
	do delimiter = `ghadelimiter_${crypto.randomUUID()}`; while (text.includes(delimiter));
	fs.appendFileSync(file, `${name}<<${delimiter}${os.EOL}${text}${os.EOL}${delimiter}${os.EOL}`);
}

function appendSummary(markdown) {
	const file = process.env.GITHUB_STEP_SUMMARY;
	if (file) fs.appendFileSync(file, markdown.endsWith('\n') ? markdown : markdown + '\n');
}

function readInputs() {
	const env = process.env;
	const inputs = {
		config: env.PROMPTCOST_CONFIG || '.promptcost.yml',
		comment: (env.PROMPTCOST_COMMENT || 'update').trim(),
		failOn: (env.PROMPTCOST_FAIL_ON || 'block').trim(),
		workingDirectory: env.PROMPTCOST_WORKING_DIRECTORY || '.',
		token: env.PROMPTCOST_GITHUB_TOKEN || env.GITHUB_TOKEN || '',
		bin: env.PROMPTCOST_BIN || 'promptcost',
	};
	if (!['update', 'new', 'off'].includes(inputs.comment)) {
		throw new ActionError(`input 'comment' is '${inputs.comment}'; use update, new or off`, 2);
	}
	if (!['block', 'warn', 'never'].includes(inputs.failOn)) {
		throw new ActionError(`input 'fail-on' is '${inputs.failOn}'; use block, warn or never`, 2);
	}
	return inputs;
}

function laterOf(...times) {
	const valid = times.filter((t) => t && !Number.isNaN(Date.parse(t)));
	if (!valid.length) return null;
	return valid.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
}

// The comparison the event asks for. The run's time is the event's own (a
// pull request's updated_at, a review's submitted_at, a push's head commit
// time), so re-running an old run keeps the old time.
function readEvent() {
	const name = process.env.GITHUB_EVENT_NAME || '';
	const file = process.env.GITHUB_EVENT_PATH;
	if (!file) throw new ActionError('GITHUB_EVENT_PATH is not set: run this inside a GitHub Actions workflow', 2);
	let event;
	try {
		event = JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch (e) {
		throw new ActionError(`cannot read the event payload '${file}': ${e.message}`, 3);
	}
	if (PULL_REQUEST_EVENTS.includes(name)) {
		const pr = event.pull_request;
		if (!pr || !pr.base || !pr.head) throw new ActionError(`the ${name} event has no pull_request`, 2);
		return {
			name, pullRequest: true, number: pr.number, base: pr.base.sha, head: pr.head.sha, emptyBase: false,
			time: laterOf(pr.updated_at, event.review && event.review.submitted_at),
		};
	}
	if (name === 'push') {
		if (event.deleted === true || (event.after && ZERO_OID.test(event.after))) {
			return { name, pullRequest: false, deleted: true, ref: event.ref || '' };
		}
		const emptyBase = !event.before || ZERO_OID.test(event.before);
		return {
			name, pullRequest: false, number: null, base: emptyBase ? null : event.before, head: event.after,
			emptyBase, time: laterOf(event.head_commit && event.head_commit.timestamp),
		};
	}
	throw new ActionError(`unsupported event '${name}': promptcost compares the two sides of a pull_request ` +
		'(or pull_request_review) or a push event', 2);
}

// The configuration's path in the repository (what the comment's key and
// `git show BASE:path` use), or an absolute path when it is outside (one
// file for both sides). The input is relative to the working directory, as
// promptcost's --config is (configArg). The path is worked out from the names alone:
// the checkout is the pull request's head, and following a link there (a
// .promptcost.yml turned into a symlink to a file the base does not have)
// would let the head choose the configuration that judges it.
function configPath(config) {
	const top = spawnSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' });
	if (top.status !== 0) throw new ActionError(`not inside a git repository: ${top.stderr.trim()}`, 3);
	// git prints the top level with its links resolved, and so does getcwd():
	// both are the same kind of path, and nothing below the cwd is resolved.
	const absolute = path.resolve(process.cwd(), config);
	const relative = path.relative(top.stdout.trim(), absolute);
	if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return absolute;
	return relative.split(path.sep).join('/');
}

// --config as promptcost takes it: relative to the directory check runs in
// (the working directory, or the same place in a snapshot of the head).
function configArg(config) {
	const absolute = path.resolve(process.cwd(), config);
	const configured = configPath(config);
	return path.isAbsolute(configured) ? absolute : path.relative(process.cwd(), absolute) || '.';
}

// The approving reviews of the head commit, as --approved-by github:LOGIN.
// Which of them count is the binary's to say: it honours those the base
// branch's configuration as it is now lists in policy.approvers (check
// --base judges by the pull request's base commit, not the merge-base: an
// old branch point must not bring back approvers main has since removed).
// When the base commit has no configuration at all (first adoption), the
// head's would judge, and no review approves what the head itself allows.
async function reviewApprovals(gh, ev, inputs) {
	if (!path.isAbsolute(inputs.configPath)) {
		const there = spawnSync('git', ['cat-file', '-e', `${ev.base}:${inputs.configPath}`], { encoding: 'utf8' });
		if (there.status !== 0) {
			log(`no ${inputs.configPath} at the base commit; no review can approve`);
			return [];
		}
	}
	if (!gh) return [];
	let reviews;
	try {
		reviews = await gh.listReviews(ev.number);
	} catch (e) {
		command('warning', `cannot list the reviews of pull request #${ev.number} (${e.message}); no review counts as an approval`);
		return [];
	}
	const { approved, ignored } = approvalsFromReviews(reviews, ev.head);
	for (const i of ignored) log(`the approving review by ${i.login} does not count: ${i.why}`);
	return approved;
}

// After the run: which approving reviews the report's approvers made count.
function logApprovals(approved, report) {
	const { counted: yes, unlisted } = counted(approved, report.approvers);
	for (const login of unlisted) {
		log(`the approving review by ${login} does not count: not listed as github:${login} in the base config's policy.approvers`);
	}
	for (const c of yes) log(`the approving review by ${c.login} on the head commit counts as ${c.as}`);
}

// Copies text that may hold names from the head (promptcost's warnings and
// errors) to the log with workflow commands turned off around it, as GitHub
// documents (::stop-commands::TOKEN ... ::TOKEN::): a file named
// "x\n::error::..." is shown, never obeyed.
function forwardUntrusted(text) {
	const token = `promptcost-${crypto.randomUUID()}`;
	process.stdout.write(`::stop-commands::${token}\n`);
	process.stdout.write(text.endsWith('\n') ? text : text + '\n');
	process.stdout.write(`::${token}::\n`);
}

// Runs `promptcost check` once in cwd: the JSON report to a file, the other
// formats from the same run (--output-format FMT[:BYTES]=FILE), the
// annotations (format github) to the log, where the runner reads workflow
// commands. Its warnings and errors are shown with commands stopped.
// Returns the exit status.
function runCheck(inputs, cwd, args) {
	const r = spawnSync(inputs.bin, ['check', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'],
		maxBuffer: 256 << 20 });
	if (r.error) throw new ActionError(`cannot run '${inputs.bin}': ${r.error.message}`, 3);
	if (r.stderr) forwardUntrusted(r.stderr);
	if (r.status !== 0 && r.status !== 1) {
		const why = (r.stderr || '').trim().split('\n').pop() || `exit status ${r.status}`;
		throw new ActionError(`promptcost check failed: ${why}`, r.status === 2 ? 2 : 3);
	}
	return r.status;
}

// Who writes the action's comments: the token's own user when GET /user
// answers (a personal or fine-grained token), else GitHub Actions' bot (the
// default GITHUB_TOKEN cannot read /user; its comments are by
// github-actions[bot], of type Bot). Only a comment by that author is ours:
// anyone can write the marker into a comment of their own.
const ACTIONS_BOT = { login: 'github-actions[bot]', type: 'Bot' };

async function commentAuthor(gh) {
	try {
		const me = await gh.getAuthenticatedUser();
		if (me && me.id !== undefined && me.login) return { id: me.id, login: me.login, type: me.type };
	} catch (e) {
		if (e.status !== 403 && e.status !== 404 && e.status !== 401) throw e;
	}
	return ACTIONS_BOT;
}

function byAuthor(comment, author) {
	const u = comment.user || {};
	if (author.id !== undefined) return u.id === author.id;
	return u.login === author.login && u.type === author.type;
}

// Our comments with this configuration's key, oldest first.
function ourComments(comments, ours, author) {
	return comments.filter((c) => {
		const m = C.parseMarker(c.body);
		return m && m.key === ours.key && byAuthor(c, author);
	});
}

// Posts a comment once. A POST that failed with a 5xx or a broken connection
// may still have created it: before posting again, look for this run's
// marker among our comments.
async function createOnce(gh, ev, body, ours, author) {
	const marker = C.makeMarker(ours);
	let lastError = null;
	for (let attempt = 1; attempt <= 3; attempt++) {
		try {
			return await gh.createIssueComment(ev.number, body);
		} catch (e) {
			if (!(e.status === 0 || e.status >= 500)) throw e;
			lastError = e;
			log(`posting the comment failed (${e.message}); looking whether it was created anyway`);
			const made = (await gh.listIssueComments(ev.number))
				.filter((c) => byAuthor(c, author) && String(c.body || '').split('\n', 1)[0] === marker);
			if (made.length) return made[made.length - 1];
		}
	}
	throw lastError;
}

async function upsertComment(gh, ev, inputs, body, ours) {
	const author = await commentAuthor(gh);
	if (inputs.comment === 'new') {
		const c = await createOnce(gh, ev, body, ours, author);
		return { outcome: 'created', id: c && c.id };
	}
	const comments = await gh.listIssueComments(ev.number);
	const others = comments.filter((c) => C.parseMarker(c.body) && !byAuthor(c, author)).length;
	if (others) log(`${others} comment(s) with a promptcost marker by someone else are ignored`);
	const mine = ourComments(comments, ours, author);
	const existing = mine[mine.length - 1];
	if (!existing) {
		const c = await createOnce(gh, ev, body, ours, author);
		return { outcome: 'created', id: c && c.id };
	}
	const theirs = C.parseMarker(existing.body);
	if (C.isNewer(theirs, ours)) {
		log(`comment ${existing.id} was written by a newer run (${theirs.time}, run ${theirs.run}); leaving it`);
		return { outcome: 'kept-newer', id: existing.id };
	}
	if (C.withoutMarker(existing.body) === C.withoutMarker(body)) {
		log(`comment ${existing.id} already says this; not editing it`);
		return { outcome: 'unchanged', id: existing.id };
	}
	await gh.updateIssueComment(existing.id, body);
	return { outcome: 'updated', id: existing.id };
}

// A push that creates a branch has no base: its tree is compared against
// the empty tree by checking it out, with git archive, into a new repository
// with no commit yet (promptcost compares an unborn HEAD against the empty
// tree). Returns the folder to run check in, at the same place in the tree.
function snapshotWithoutBase(head, tmp) {
	const snap = path.join(tmp, 'tree');
	const tarFile = path.join(tmp, 'tree.tar');
	const prefix = spawnSync('git', ['rev-parse', '--show-prefix'], { encoding: 'utf8' });
	const archive = spawnSync('git', ['archive', '--format=tar', '-o', tarFile, head], { encoding: 'utf8' });
	if (archive.status !== 0) throw new ActionError(`cannot read the tree of ${head}: ${archive.stderr.trim()}`, 3);
	fs.mkdirSync(snap);
	const untar = spawnSync('tar', ['-xf', tarFile, '-C', snap], { encoding: 'utf8' });
	if (untar.status !== 0) throw new ActionError(`cannot unpack the tree of ${head}: ${untar.stderr.trim()}`, 3);
	const init = spawnSync('git', ['init', '-q', snap], { encoding: 'utf8' });
	if (init.status !== 0) throw new ActionError(`git init failed: ${init.stderr.trim()}`, 3);
	return path.join(snap, (prefix.stdout || '').trim());
}

function failOnDecides(verdict, failOn) {
	if (failOn === 'never') return false;
	if (failOn === 'warn') return verdict === 'warn' || verdict === 'block';
	return verdict === 'block';
}

// Everything after the inputs and the event: the commits, the approvals, the
// check, the summary, the comment and the outputs. Returns the exit status.
async function checkAndReport(inputs, ev, gh, ours, summaryUrl) {
	// The commits.
	let mergeBase = null;
	try {
		if (ev.emptyBase) {
			ensureCommit(process.cwd(), ev.head, 'head', { log });
		} else {
			mergeBase = ensureRange(process.cwd(), ev.base, ev.head, { log });
		}
	} catch (e) {
		if (e instanceof GitError) throw new ActionError(e.message, 3);
		throw e;
	}

	// Approvals by review.
	let approved = [];
	if (ev.pullRequest && mergeBase) approved = await reviewApprovals(gh, ev, inputs);

	// One check: the JSON report, the comment's markdown (check cuts its own
	// details to the size given), the summary's (the summary's limit), and
	// the annotations on stdout.
	const tmp = fs.mkdtempSync(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'promptcost-'));
	const jsonFile = path.join(tmp, 'report.json');
	const commentFile = path.join(tmp, 'comment.md');
	const summaryFile = path.join(tmp, 'summary.md');
	const marker = C.makeMarker(ours);
	const commentBytes = C.COMMENT_BUDGET - marker.length - 512;
	let cwd = process.cwd();
	let range = ['--base', ev.base, '--head', ev.head];
	if (ev.emptyBase) {
		log(`a new branch: ${ev.head.slice(0, 12)} is compared against the empty tree`);
		cwd = snapshotWithoutBase(ev.head, tmp);
		range = [];
	}
	const status = runCheck(inputs, cwd, [...range, '--config', inputs.configArg,
		...approved.flatMap((login) => ['--approved-by', `github:${login}`]),
		'--format', 'github',
		'--output-format', `json=${jsonFile}`,
		'--output-format', `markdown:${commentBytes}=${commentFile}`,
		'--output-format', `markdown:${C.SUMMARY_BYTES}=${summaryFile}`]);
	if (status === 0 && !fs.existsSync(jsonFile)) {
		// No configuration on any side: a repository that has not adopted
		// promptcost (check said so in a note). Nothing to judge or comment on.
		log('no promptcost configuration on either side: nothing to check');
		setOutput('verdict', 'none');
		setOutput('comment', 'none');
		appendSummary('promptcost: no configuration on either side of this change; nothing was checked.\n');
		return 0;
	}

	let report;
	try {
		report = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
	} catch (e) {
		throw new ActionError(`promptcost check wrote no readable JSON report: ${e.message}`, 3);
	}
	const verdict = report.verdict;
	if (!['pass', 'warn', 'block'].includes(verdict)) throw new ActionError(`unexpected verdict '${verdict}' in the report`, 3);
	if ((status === 1) !== (verdict === 'block')) log(`note: exit status ${status} with verdict ${verdict}`);
	logApprovals(approved, report);

	setOutput('verdict', verdict);
	setOutput('monthly-delta', report.monthly_delta);
	setOutput('report-json', jsonFile);

	const commentMarkdown = fs.readFileSync(commentFile, 'utf8');
	const summaryMarkdown = fs.readFileSync(summaryFile, 'utf8');
	let summary = summaryMarkdown;
	for (let limit = C.SUMMARY_BYTES; Buffer.byteLength(summary, 'utf8') > C.SUMMARY_BYTES; limit = Math.floor(limit / 2)) {
		summary = C.composeComment({ markdown: summaryMarkdown, limit,
			note: '\n> [!NOTE]\n> Cut to fit the 1 MiB limit of a job summary: run `promptcost check` for the whole report.\n' }).body;
	}
	appendSummary(summary);

	// The comment.
	let outcome = 'off';
	if (!ev.pullRequest) {
		outcome = 'none';
	} else if (inputs.comment !== 'off' && gh) {
		const { body, truncated } = C.composeComment({
			marker, markdown: commentMarkdown, fullLength: summaryMarkdown.length, summaryUrl,
		});
		if (truncated) log(`the comment was cut to ${body.length} characters to fit GitHub's limit`);
		try {
			const r = await upsertComment(gh, ev, inputs, body, ours);
			outcome = r.outcome;
			log(`comment ${r.id || ''}: ${outcome}`);
		} catch (e) {
			outcome = 'failed';
			const fork = e.status === 403 || e.status === 404
				? ' (a pull request from a fork gets a token that cannot write)' : '';
			command('warning', `cannot write the cost comment on pull request #${ev.number}: ${e.message}${fork}; ` +
				'the report is in the job summary');
			appendSummary(`\n> [!WARNING]\n> The pull-request comment could not be written: ` +
				`${C.escapeMarkdown(e.message)}.\n`);
		}
	}
	setOutput('comment', outcome);

	// The amount as the report has it: the binary formats money, not the action.
	const money = `${report.monthly_delta} ${report.currency}`;
	if (failOnDecides(verdict, inputs.failOn)) {
		command('error', `promptcost: monthly delta ${money}, verdict ${verdict} (fail-on: ${inputs.failOn})`);
		return 1;
	}
	log(`monthly delta ${money}, verdict ${verdict} (fail-on: ${inputs.failOn})`);
	return 0;
}

async function main() {
	const inputs = readInputs();
	const ev = readEvent();
	if (ev.deleted) {
		// Nothing was pushed: a deleted branch has no change to check.
		log(`a push that deletes ${ev.ref || 'a branch'}: nothing to check`);
		setOutput('verdict', 'none');
		setOutput('comment', 'none');
		return 0;
	}
	try {
		process.chdir(inputs.workingDirectory);
	} catch (e) {
		throw new ActionError(`input 'working-directory' '${inputs.workingDirectory}': ${e.message}`, 2);
	}
	inputs.configPath = configPath(inputs.config);
	inputs.configArg = configArg(inputs.config);
	const runId = process.env.GITHUB_RUN_ID || '0';
	const serverUrl = process.env.GITHUB_SERVER_URL || 'https://github.com';
	const repository = process.env.GITHUB_REPOSITORY || '';
	const summaryUrl = repository && process.env.GITHUB_RUN_ID ? `${serverUrl}/${repository}/actions/runs/${runId}` : null;
	const ours = {
		key: inputs.configPath,
		time: ev.time || new Date().toISOString(),
		run: runId,
	};
	if (!ev.head || !OID.test(ev.head)) throw new ActionError(`the event's head commit '${ev.head}' is not a commit id`, 2);

	const gh = inputs.token && repository ? new GitHub({
		apiUrl: process.env.GITHUB_API_URL,
		token: inputs.token,
		repository,
		log,
		backoffMs: Number(process.env.PROMPTCOST_HTTP_BACKOFF_MS || 1000),
		maxWaitMs: Number(process.env.PROMPTCOST_HTTP_MAX_WAIT_MS || 120000),
	}) : null;
	if (!gh && ev.pullRequest) command('warning', 'no github-token: reviews are not read and no comment is posted');

	try {
		return await checkAndReport(inputs, ev, gh, ours, summaryUrl);
	} catch (e) {
		// A stale report must not stand: the comment says the check could not run.
		if (e instanceof ActionError && ev.pullRequest && inputs.comment !== 'off' && gh) {
			const body = `${C.makeMarker(ours)}\n### ❌ promptcost could not check this pull request\n\n` +
				`${C.escapeMarkdown(e.message)}\n\nThe job log of the run has the details.\n`;
			try {
				const r = await upsertComment(gh, ev, inputs, body, ours);
				setOutput('comment', r.outcome);
			} catch (we) {
				command('warning', `cannot write the error to the pull request: ${we.message}`);
			}
		}
		throw e;
	}
}

main().then(
	(status) => process.exit(status),
	(e) => {
		const status = e instanceof ActionError ? e.status : 3;
		command('error', `promptcost: ${e instanceof ActionError ? e.message : e.stack || e}`);
		try {
			setOutput('verdict', 'error');
			appendSummary(`## ❌ promptcost could not check this change\n\n${C.escapeMarkdown(e.message)}\n`);
		} catch (ignored) {
			// The error above is the one that matters.
		}
		process.exit(status);
	},
);
