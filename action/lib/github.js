// The few GitHub REST calls the action makes (issue comments, pull-request
// reviews), with retries: a 5xx or a network error is retried with exponential
// backoff, a rate limit (429, or 403 with x-ratelimit-remaining: 0 or a
// retry-after) waits as long as GitHub asks when that is not too long. Uses
// node's built-in fetch; no dependencies.
'use strict';

class GitHubError extends Error {
	constructor(message, status, rateLimited) {
		super(message);
		this.status = status;
		this.rateLimited = !!rateLimited;
	}
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

// How long GitHub asks us to wait, in milliseconds, or null when the response
// is not a rate limit. Secondary limits without headers: at least a minute.
function rateLimitWait(status, headers, message) {
	if (status !== 429 && status !== 403) return null;
	const retryAfter = headers.get('retry-after');
	if (retryAfter !== null && /^\d+$/.test(retryAfter.trim())) return parseInt(retryAfter, 10) * 1000;
	if (headers.get('x-ratelimit-remaining') === '0') {
		const reset = parseInt(headers.get('x-ratelimit-reset') || '', 10);
		if (!Number.isNaN(reset)) return Math.max(reset * 1000 - Date.now(), 0) + 1000;
		return 60000;
	}
	if (status === 429 || /rate limit/i.test(message || '')) return 60000;
	return null;
}

class GitHub {
	// options: apiUrl, token, repository ("owner/name"), log (a function for
	// one-line notes), backoffMs (first retry delay), maxWaitMs (longest wait
	// for a rate limit before giving up), attempts.
	constructor(options) {
		this.apiUrl = (options.apiUrl || 'https://api.github.com').replace(/\/+$/, '');
		this.token = options.token;
		this.repository = options.repository;
		this.log = options.log || (() => {});
		this.backoffMs = options.backoffMs ?? 1000;
		this.maxWaitMs = options.maxWaitMs ?? 120000;
		this.attempts = options.attempts ?? 5;
		this.timeoutMs = options.timeoutMs ?? 30000;
	}

	// One call, retried; returns { status, headers, data }. Throws GitHubError
	// for a final failure (after retries, or a 4xx that is not a rate limit).
	// options.idempotent false: a 5xx or a network error is final (thrown),
	// since the request may have taken effect; rate limits are still waited
	// for, as GitHub refused those before doing anything.
	async request(method, pathOrUrl, body, options = {}) {
		const idempotent = options.idempotent !== false;
		const url = /^https?:/.test(pathOrUrl) ? pathOrUrl : this.apiUrl + pathOrUrl;
		let lastError = null;
		for (let attempt = 1; attempt <= this.attempts; attempt++) {
			let res;
			let text = '';
			try {
				res = await fetch(url, {
					method,
					headers: {
						accept: 'application/vnd.github+json',
						authorization: `Bearer ${this.token}`,
						'x-github-api-version': '2022-11-28',
						'user-agent': 'promptcost-action',
						...(body === undefined ? {} : { 'content-type': 'application/json' }),
					},
					body: body === undefined ? undefined : JSON.stringify(body),
					signal: AbortSignal.timeout(this.timeoutMs),
				});
				text = await res.text();
			} catch (e) {
				lastError = new GitHubError(`${method} ${url}: ${e.cause?.code || e.message}`, 0, false);
				if (!idempotent) throw lastError;
				if (attempt < this.attempts) {
					const wait = this.backoffMs * 2 ** (attempt - 1);
					this.log(`${lastError.message}; retrying in ${wait} ms`);
					await sleep(wait);
				}
				continue;
			}
			let data = null;
			try {
				data = text ? JSON.parse(text) : null;
			} catch (e) {
				data = { message: text.slice(0, 200) };
			}
			const message = (data && data.message) || res.statusText;
			if (res.status < 400) return { status: res.status, headers: res.headers, data };

			const wait = rateLimitWait(res.status, res.headers, message);
			if (wait !== null) {
				lastError = new GitHubError(`${method} ${url}: HTTP ${res.status}: ${message}`, res.status, true);
				if (wait > this.maxWaitMs) {
					lastError.message += ` (rate limited for ${Math.ceil(wait / 1000)} s more; not waiting)`;
					throw lastError;
				}
				if (attempt < this.attempts) {
					this.log(`rate limited (HTTP ${res.status}); waiting ${Math.ceil(wait / 1000)} s`);
					await sleep(wait);
				}
				continue;
			}
			lastError = new GitHubError(`${method} ${url}: HTTP ${res.status}: ${message}`, res.status, false);
			if (res.status >= 500) {
				if (!idempotent) throw lastError;
				if (attempt < this.attempts) {
					const backoff = this.backoffMs * 2 ** (attempt - 1);
					this.log(`HTTP ${res.status} from GitHub; retrying in ${backoff} ms`);
					await sleep(backoff);
				}
				continue;
			}
			throw lastError;
		}
		throw lastError;
	}

	// Every item of a paginated list, following the Link header's rel="next".
	async list(path) {
		const items = [];
		let next = `${path}${path.includes('?') ? '&' : '?'}per_page=100`;
		for (let pages = 0; next && pages < 100; pages++) {
			const res = await this.request('GET', next);
			if (!Array.isArray(res.data)) throw new GitHubError(`GET ${next}: expected a list`, res.status, false);
			items.push(...res.data);
			const link = res.headers.get('link') || '';
			const m = link.match(/<([^>]+)>\s*;\s*rel="next"/);
			// The token goes to the API's own origin only, wherever a Link points.
			next = m && new URL(m[1]).origin === new URL(this.apiUrl).origin ? m[1] : null;
		}
		return items;
	}

	listIssueComments(number) {
		return this.list(`/repos/${this.repository}/issues/${number}/comments`);
	}

	// Not retried on a 5xx or a broken connection: GitHub may have created
	// the comment before failing; the caller looks before posting again.
	async createIssueComment(number, body) {
		return (await this.request('POST', `/repos/${this.repository}/issues/${number}/comments`, { body },
			{ idempotent: false })).data;
	}

	async getAuthenticatedUser() {
		return (await this.request('GET', '/user')).data;
	}

	async updateIssueComment(id, body) {
		return (await this.request('PATCH', `/repos/${this.repository}/issues/comments/${id}`, { body })).data;
	}

	listReviews(number) {
		return this.list(`/repos/${this.repository}/pulls/${number}/reviews`);
	}
}

module.exports = { GitHub, GitHubError, rateLimitWait };
