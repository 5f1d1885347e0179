#!/usr/bin/env node
// A small fake of GitHub's REST API for the action's tests: the issue-comment
// and pull-request-review endpoints the action calls, on 127.0.0.1 only, with
// scripted failures, every request recorded, and a bounded lifetime so a test
// that dies cannot leave it running.
//
//   node server.js --seed SEED.json --state STATE.json --log REQUESTS.json
//                  --port-file PORT [--control CONTROL.json] [--lifetime SECONDS]
//
// SEED.json (every key optional):
//   { "token": "t0ken",                          requests need "Bearer t0ken" or "token t0ken"
//     "comments": { "7": [ {"body": "...", "user": {"login": "x"}} ] },   by issue number
//     "reviews":  { "7": [ {"user": {"login": "x"}, "state": "APPROVED", "commit_id": "..."} ] },
//     "user": {"login": "pat-owner", "id": 77, "type": "User"},   the token's own user: GET /user
//                  answers it and new comments are by it (a personal token); without it the
//                  token is GitHub Actions' own (GET /user is 403, comments by github-actions[bot])
//     "failures": [ { "method": "PATCH", "path": "^/repos/.*/issues/comments/",
//                     "status": 403, "times": 1, "headers": {...}, "body": {...},
//                     "reset_in": 1, "after": true } ] }
//                                  reset_in: x-ratelimit-reset = now + reset_in; after: the
//                                  request is carried out first, then answered with the failure
//                                  (a POST that GitHub did, though the client saw a 502)
// STATE.json is the seed's comments and reviews as they are now, rewritten after
// every change (it may be the seed of the next server). REQUESTS.json is every
// request so far: method, path, query, auth, body, status, response. PORT is written once
// the server listens; the server exits after --lifetime seconds (default 60),
// on SIGTERM, or on POST /__shutdown. CONTROL.json, when it appears, is read
// (and removed) before the next request is answered: {"failures": [...]}
// replaces the scripted failures, {"reviews": {"7": [...]}} and {"comments":
// {"7": [...]}} set a pull request's reviews and comments, {"user": {...}}
// (or null) the token's own user, so
// one server serves a whole test without a restart per case.
'use strict';

const http = require('http');
const fs = require('fs');

const COMMENT_LIMIT = 65536;

function parseArgs(argv) {
	const args = { lifetime: 60 };
	for (let i = 2; i < argv.length; i += 2) {
		const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
		args[key] = argv[i + 1];
	}
	for (const need of ['seed', 'state', 'log', 'portFile']) {
		if (!args[need]) {
			process.stderr.write(`fake-github: missing --${need}\n`);
			process.exit(2);
		}
	}
	return args;
}

// Written to a temporary name and renamed, so a reader never sees half a file.
function writeJson(path, value) {
	fs.writeFileSync(`${path}.tmp`, JSON.stringify(value, null, 2) + '\n');
	fs.renameSync(`${path}.tmp`, path);
}

const args = parseArgs(process.argv);
const seed = JSON.parse(fs.readFileSync(args.seed, 'utf8'));
const state = { comments: seed.comments || {}, reviews: seed.reviews || {} };
const compileFailures = (list) => (list || []).map((f) => ({ ...f, re: new RegExp(f.path || '') }));
let failures = compileFailures(seed.failures);
const requests = [];
let nextCommentId = 1000;
let nextReviewId = 5000;
let baseUrl = '';

function now() {
	return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

// Seeded objects get the fields GitHub sends, so the action sees real shapes:
// every response is held to the schema GitHub documents for it
// (tests/fake-github/openapi.js), not to what this fake happens to send.
// Users as GitHub's API gives them (simple-user): a numeric id, a node id, a
// type (User or Bot) and their URLs. GitHub Actions' bot is
// github-actions[bot], id 41898282. URLs name github.com, which this fake
// stands for; the action follows only the Link headers, which name the fake.
const ACTIONS_BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
const API = 'https://api.github.com';
const WEB = 'https://github.com';
const userIds = new Map([[ACTIONS_BOT.login, ACTIONS_BOT.id]]);
function completeUser(u) {
	const user = u || { login: 'someone' };
	if (user.id === undefined) {
		if (!userIds.has(user.login)) userIds.set(user.login, 100 + userIds.size);
		user.id = userIds.get(user.login);
	}
	user.type = user.type || (/\[bot\]$/.test(user.login) ? 'Bot' : 'User');
	const url = `${API}/users/${encodeURIComponent(user.login)}`;
	return Object.assign(user, {
		node_id: user.node_id || `U_kgDO${user.id}`,
		avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
		gravatar_id: '',
		url,
		html_url: `${WEB}/${encodeURIComponent(user.login)}`,
		followers_url: `${url}/followers`,
		following_url: `${url}/following{/other_user}`,
		gists_url: `${url}/gists{/gist_id}`,
		starred_url: `${url}/starred{/owner}{/repo}`,
		subscriptions_url: `${url}/subscriptions`,
		organizations_url: `${url}/orgs`,
		repos_url: `${url}/repos`,
		events_url: `${url}/events{/privacy}`,
		received_events_url: `${url}/received_events`,
		site_admin: false,
	}, { ...user });
}
// GET /user for a personal token: the private view of one's own account.
function privateUser(u) {
	return {
		...u, name: null, company: null, blog: '', location: null, email: null, hireable: null, bio: null,
		public_repos: 0, public_gists: 0, followers: 0, following: 0,
		created_at: '2020-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
		private_gists: 0, total_private_repos: 0, owned_private_repos: 0, disk_usage: 0, collaborators: 0,
		two_factor_authentication: true, user_view_type: 'private',
	};
}
let tokenUser = seed.user ? completeUser({ ...seed.user }) : null;

function completeComment(c, issue) {
	if (!c.id) c.id = nextCommentId++;
	nextCommentId = Math.max(nextCommentId, c.id + 1);
	c.node_id = c.node_id || `IC_${c.id}`;
	c.user = completeUser(c.user);
	c.created_at = c.created_at || '2026-01-01T00:00:00Z';
	c.updated_at = c.updated_at || c.created_at;
	c.author_association = c.author_association || 'MEMBER';
	c.issue = Number(issue);
	return c;
}

// A stored comment as the API shows it in repository owner/repo.
function commentView(c, owner, repo) {
	const { issue, ...rest } = c;
	return {
		...rest,
		url: `${API}/repos/${owner}/${repo}/issues/comments/${c.id}`,
		html_url: `${WEB}/${owner}/${repo}/pull/${issue}#issuecomment-${c.id}`,
		issue_url: `${API}/repos/${owner}/${repo}/issues/${issue}`,
	};
}

function completeReview(r) {
	if (!r.id) r.id = nextReviewId++;
	r.node_id = r.node_id || `PRR_${r.id}`;
	r.user = completeUser(r.user);
	r.body = r.body || '';
	r.submitted_at = r.submitted_at || '2026-01-01T00:00:00Z';
	r.author_association = r.author_association || 'MEMBER';
	if (r.commit_id === undefined) r.commit_id = null;
	return r;
}

function reviewView(r, owner, repo, pr) {
	const html = `${WEB}/${owner}/${repo}/pull/${pr}#pullrequestreview-${r.id}`;
	const api = `${API}/repos/${owner}/${repo}/pulls/${pr}`;
	return { ...r, html_url: html, pull_request_url: api, _links: { html: { href: html }, pull_request: { href: api } } };
}

for (const [issue, list] of Object.entries(state.comments)) list.forEach((c) => completeComment(c, issue));
for (const list of Object.values(state.reviews)) list.forEach(completeReview);

function saveState() {
	writeJson(args.state, state);
}

function applyControl() {
	if (!args.control || !fs.existsSync(args.control)) return;
	const control = JSON.parse(fs.readFileSync(args.control, 'utf8'));
	fs.unlinkSync(args.control);
	if (control.failures) failures = compileFailures(control.failures);
	if ('user' in control) tokenUser = control.user ? completeUser({ ...control.user }) : null;
	for (const [pr, list] of Object.entries(control.reviews || {})) state.reviews[pr] = list.map(completeReview);
	for (const [pr, list] of Object.entries(control.comments || {})) {
		state.comments[pr] = list.map((c) => completeComment(c, pr));
	}
	saveState();
}

function send(res, status, body, headers = {}) {
	const text = body === undefined ? '' : JSON.stringify(body);
	res.sentBody = body === undefined ? null : body;
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'x-ratelimit-limit': '1000',
		'x-ratelimit-remaining': '999',
		'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
		'x-github-request-id': `FAKE:${requests.length}`,
		...headers,
	});
	res.end(text);
}

// One page of a list with GitHub's Link header (first, prev, next, last).
function sendPage(res, url, list) {
	const perPage = Math.min(Math.max(parseInt(url.searchParams.get('per_page') || '30', 10) || 30, 1), 100);
	const page = Math.max(parseInt(url.searchParams.get('page') || '1', 10) || 1, 1);
	const last = Math.max(Math.ceil(list.length / perPage), 1);
	const link = (p, rel) => {
		const u = new URL(url.pathname, baseUrl);
		u.searchParams.set('per_page', String(perPage));
		u.searchParams.set('page', String(p));
		return `<${u}>; rel="${rel}"`;
	};
	const links = [];
	if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'));
	if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
	send(res, 200, list.slice((page - 1) * perPage, page * perPage), links.length ? { link: links.join(', ') } : {});
}

function scriptedFailure(method, path) {
	for (const f of failures) {
		if (f.method && f.method !== method) continue;
		if (!f.re.test(path)) continue;
		if (f.times !== undefined) {
			if (f.times <= 0) continue;
			f.times--;
		}
		return f;
	}
	return null;
}

function validBody(res, body) {
	if (!body || typeof body.body !== 'string') {
		send(res, 422, { message: 'Invalid request.\n\n"body" wasn\'t supplied.', status: '422' });
		return false;
	}
	if ([...body.body].length > COMMENT_LIMIT) {
		send(res, 422, {
			message: 'Validation Failed',
			errors: [{ resource: 'IssueComment', code: 'custom', field: 'body',
				message: `body is too long (maximum is ${COMMENT_LIMIT} characters)` }],
			status: '422',
		});
		return false;
	}
	return true;
}

function route(req, res, url, body) {
	const path = url.pathname;
	let m;
	if (req.method === 'POST' && path === '/__shutdown') {
		send(res, 200, { ok: true });
		setImmediate(() => process.exit(0));
		return;
	}
	const failure = scriptedFailure(req.method, path);
	if (failure && failure.after) {
		// carried out, then answered as a failure
		const sink = { writeHead() {}, end() {} };
		handle(req, sink, url, body);
	}
	if (failure) {
		const headers = { ...(failure.headers || {}) };
		if (failure.reset_in !== undefined) {
			headers['x-ratelimit-reset'] = String(Math.floor(Date.now() / 1000) + failure.reset_in);
		}
		send(res, failure.status, failure.body || { message: `scripted ${failure.status}` }, headers);
		return;
	}
	handle(req, res, url, body);
}

function handle(req, res, url, body) {
	const path = url.pathname;
	let m;
	if (seed.token) {
		const auth = req.headers.authorization || '';
		if (auth !== `Bearer ${seed.token}` && auth !== `token ${seed.token}`) {
			send(res, 401, { message: 'Bad credentials', status: '401' });
			return;
		}
	}
	if (path === '/user' && req.method === 'GET') {
		if (tokenUser) return send(res, 200, privateUser(tokenUser));
		return send(res, 403, { message: 'Resource not accessible by integration', status: '403' });
	}
	if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/))) {
		const list = state.comments[m[3]] || (state.comments[m[3]] = []);
		if (req.method === 'GET') return sendPage(res, url, list.map((c) => commentView(c, m[1], m[2])));
		if (req.method === 'POST') {
			if (!validBody(res, body)) return;
			const c = completeComment({ body: body.body, user: { ...(tokenUser || ACTIONS_BOT) },
				created_at: now() }, m[3]);
			list.push(c);
			saveState();
			return send(res, 201, commentView(c, m[1], m[2]));
		}
	}
	if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/))) {
		const id = parseInt(m[3], 10);
		const c = Object.values(state.comments).flat().find((x) => x.id === id);
		if (!c) return send(res, 404, { message: 'Not Found', status: '404' });
		if (req.method === 'GET') return send(res, 200, commentView(c, m[1], m[2]));
		if (req.method === 'PATCH') {
			if (!validBody(res, body)) return;
			c.body = body.body;
			c.updated_at = now();
			saveState();
			return send(res, 200, commentView(c, m[1], m[2]));
		}
	}
	if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/reviews$/)) && req.method === 'GET') {
		return sendPage(res, url, (state.reviews[m[3]] || []).map((r) => reviewView(r, m[1], m[2], m[3])));
	}
	send(res, 404, { message: 'Not Found', status: '404' });
}

const server = http.createServer((req, res) => {
	const chunks = [];
	req.on('data', (c) => chunks.push(c));
	req.on('end', () => {
		const url = new URL(req.url, baseUrl);
		const raw = Buffer.concat(chunks).toString('utf8');
		let body = null;
		try {
			body = raw ? JSON.parse(raw) : null;
		} catch (e) {
			body = { unparsable: raw };
		}
		const record = {
			time: new Date().toISOString(),
			method: req.method,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			auth: req.headers.authorization || null,
			accept: req.headers.accept || null,
			api_version: req.headers['x-github-api-version'] || null,
			body,
		};
		const end = res.end.bind(res);
		res.end = (...a) => {
			record.status = res.statusCode;
			// what was answered, for tests/fake-github/openapi.js to hold to GitHub's description
			record.response = res.sentBody === undefined ? null : res.sentBody;
			requests.push(record);
			writeJson(args.log, requests);
			return end(...a);
		};
		try {
			applyControl();
			route(req, res, url, body);
		} catch (e) {
			send(res, 500, { message: `fake-github: ${e.message}` });
		}
	});
});

server.listen(0, '127.0.0.1', () => {
	const { port } = server.address();
	baseUrl = `http://127.0.0.1:${port}`;
	saveState();
	writeJson(args.log, requests);
	fs.writeFileSync(`${args.portFile}.tmp`, `${port}\n`);
	fs.renameSync(`${args.portFile}.tmp`, args.portFile);
});

const lifetime = setTimeout(() => process.exit(0), Number(args.lifetime) * 1000);
process.on('SIGTERM', () => {
	clearTimeout(lifetime);
	process.exit(0);
});
