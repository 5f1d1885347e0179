#!/usr/bin/env node
// Holds the action's tests to GitHub's own description of its API, not to
// our fake's: tests/fake-github/server.js is ours, so it can agree with our
// mistakes. From tests/node_modules (tests/package.json):
//   @octokit/openapi           GitHub's REST API description (OpenAPI 3.0,
//                              api.github.com, dereferenced)
//   @octokit/openapi-webhooks  GitHub's webhook payload schemas (OpenAPI 3.1)
//   @octokit/webhooks-examples payloads GitHub sent, the bases of the tests' events
//
//   openapi.js requests REQUESTS.json  every request the action made (the fake's log):
//                                      the operation exists, its path and query
//                                      parameters and its body are valid; and every
//                                      response the fake sent matches the documented
//                                      schema of that status
//   openapi.js events NAME=FILE...     each event payload against its webhook schema
//                                      (NAME: pull_request.synchronize, push, ...)
//   openapi.js reads                   every field the action reads (READS below) is
//                                      one GitHub documents in that response or payload
//   openapi.js example NAME [ACTION]   prints a payload GitHub sent, for a test to edit
//
// Prints TAP-like "PASS name" / "FAIL name" lines (details indented with
// "  ") for tests/e2e/test_action.sh; exits 0 when nothing failed, 1 otherwise.
'use strict';

const fs = require('fs');
const path = require('path');

const modules = path.resolve(__dirname, '..', 'node_modules');
const need = (m) => {
	try {
		return require(path.join(modules, m));
	} catch (e) {
		console.log(`FAIL ${m} is installed in tests/node_modules (make test runs npm ci there)`);
		process.exit(1);
	}
};

let failed = 0;
function pass(name) {
	console.log(`PASS ${name}`);
}
function fail(name, details = []) {
	failed++;
	console.log(`FAIL ${name}`);
	for (const d of details.slice(0, 12)) console.log(`  ${String(d).replace(/\n/g, ' ')}`);
}
const ajvErrors = (errors) => (errors || []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);

// OpenAPI 3.0 schema objects are not quite JSON Schema: `nullable: true`
// allows null, and a few keywords (example, discriminator, xml, x-...) are
// annotations. This turns one into draft-07 JSON Schema.
function fromOpenApi30(s) {
	if (Array.isArray(s)) return s.map(fromOpenApi30);
	if (!s || typeof s !== 'object') return s;
	const out = {};
	for (const [k, v] of Object.entries(s)) {
		if (k === 'example' || k === 'discriminator' || k === 'xml' || k === 'externalDocs' || k.startsWith('x-')) continue;
		if (k === 'nullable') continue;
		out[k] = k === 'properties' || k === 'patternProperties' || k === 'definitions'
			? Object.fromEntries(Object.entries(v).map(([p, ps]) => [p, fromOpenApi30(ps)]))
			: fromOpenApi30(v);
	}
	if (s.nullable === true) {
		if (typeof out.type === 'string') {
			out.type = [out.type, 'null'];
			if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
			return out;
		}
		return { anyOf: [out, { type: 'null' }] };
	}
	return out;
}

function restAjv() {
	const Ajv = need('ajv').default;
	const addFormats = need('ajv-formats').default;
	const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
	addFormats(ajv);
	return ajv;
}

function loadRest() {
	return JSON.parse(fs.readFileSync(path.join(modules, '@octokit/openapi/generated/api.github.com.deref.json'), 'utf8'));
}

// The operation a request is: the path templates that match, literal
// segments preferred over parameters (/user before /{owner}).
function findOperation(spec, method, urlPath) {
	let best = null;
	for (const [template, item] of Object.entries(spec.paths)) {
		const names = [];
		const re = new RegExp('^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&')
			.replace(/\{([^}]+)\}/g, (_, n) => { names.push(n); return '([^/]+)'; }) + '$');
		const m = urlPath.match(re);
		if (!m) continue;
		if (best && best.names.length <= names.length) continue;
		best = { template, item, names, values: m.slice(1).map(decodeURIComponent) };
	}
	if (!best) return null;
	const op = best.item[method.toLowerCase()];
	if (!op) return { template: best.template, op: null };
	const params = Object.fromEntries(best.names.map((n, i) => [n, best.values[i]]));
	return { template: best.template, op, params, shared: best.item.parameters || [] };
}

// A parameter's text as its schema's type wants it ("7" -> 7 for an integer).
function coerce(text, schema) {
	const t = Array.isArray(schema.type) ? schema.type[0] : schema.type;
	if (t === 'integer' || t === 'number') return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
	if (t === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
	return text;
}

function checkRequests(file) {
	const log = JSON.parse(fs.readFileSync(file, 'utf8')).filter((r) => r.path !== '/__shutdown');
	if (!log.length) {
		fail('the action made requests to validate', [file]);
		return;
	}
	const spec = loadRest();
	const ajv = restAjv();
	const cache = new Map();
	const compile = (key, schema) => {
		if (!cache.has(key)) cache.set(key, ajv.compile(fromOpenApi30(schema)));
		return cache.get(key);
	};
	// the dereferenced description has no components: basic-error from the plain one
	const basicError = JSON.parse(fs.readFileSync(path.join(modules, '@octokit/openapi/generated/api.github.com.json'), 'utf8'))
		.components.schemas['basic-error'];
	// one line per operation: how many requests and responses were valid, or what was not
	const seen = new Map();
	for (const r of log) {
		const found = findOperation(spec, r.method, r.path);
		const name = found ? `${r.method} ${found.template}` : `${r.method} ${r.path}`;
		if (!seen.has(name)) seen.set(name, { n: 0, problems: [], undocumented: new Set() });
		const entry = seen.get(name);
		entry.n++;
		const problem = (p) => entry.problems.push(`${r.method} ${r.path}${Object.keys(r.query || {}).length ? '?' + new URLSearchParams(r.query) : ''} -> ${r.status}: ${p}`);
		if (!found || !found.op) {
			problem('no such operation in GitHub\'s REST API');
			continue;
		}
		const { op, template } = found;
		const params = [...found.shared, ...(op.parameters || [])];
		// path parameters
		for (const [n, v] of Object.entries(found.params)) {
			const p = params.find((x) => x.in === 'path' && x.name === n);
			if (!p) { problem(`path parameter ${n} is not documented`); continue; }
			const validate = compile(`${template} path ${n}`, p.schema || {});
			if (!validate(coerce(v, p.schema || {}))) problem(`path parameter ${n}=${v}: ${ajvErrors(validate.errors).join('; ')}`);
		}
		// query parameters: each documented and valid, every required one given
		for (const [n, v] of Object.entries(r.query || {})) {
			const p = params.find((x) => x.in === 'query' && x.name === n);
			if (!p) { problem(`query parameter ${n} is not documented for this operation`); continue; }
			const validate = compile(`${template} ${r.method} query ${n}`, p.schema || {});
			if (!validate(coerce(v, p.schema || {}))) problem(`query parameter ${n}=${v}: ${ajvErrors(validate.errors).join('; ')}`);
		}
		for (const p of params.filter((x) => x.in === 'query' && x.required)) {
			if (!(p.name in (r.query || {}))) problem(`required query parameter ${p.name} is missing`);
		}
		// the request body
		const reqSchema = op.requestBody && op.requestBody.content && op.requestBody.content['application/json'];
		if (r.body !== null && r.body !== undefined) {
			if (!reqSchema) {
				problem('a body was sent to an operation that takes none');
			} else {
				const validate = compile(`${template} ${r.method} body`, reqSchema.schema);
				if (!validate(r.body)) problem(`request body: ${ajvErrors(validate.errors).join('; ')}`);
			}
		} else if (op.requestBody && op.requestBody.required) {
			problem('the operation requires a body; none was sent');
		}
		if (r.accept !== undefined && r.accept !== null && !/application\/(vnd\.github(\.[a-z0-9-]+)?\+)?json/.test(r.accept)) {
			problem(`accept: ${r.accept} is not a JSON media type GitHub serves`);
		}
		// the response the fake sent
		if (!('response' in r)) {
			problem('the fake did not record its response');
			continue;
		}
		const documented = op.responses[String(r.status)];
		if (documented) {
			const content = documented.content && documented.content['application/json'];
			if (content && content.schema) {
				const validate = compile(`${template} ${r.method} ${r.status}`, content.schema);
				if (!validate(r.response)) problem(`response ${r.status}: ${ajvErrors(validate.errors).join('; ')}`);
			} else if (r.response !== null && r.response !== undefined) {
				problem(`response ${r.status} is documented without a body, and the fake sent one`);
			}
		} else {
			// GitHub answers any operation with 5xx, 429 or a 401 for a bad token
			// though the description lists only some; its error bodies are basic-error.
			entry.undocumented.add(r.status);
			if (r.status < 400) {
				problem(`status ${r.status} is not one GitHub documents for this operation`);
			} else {
				const validate = compile('basic-error', basicError);
				if (!validate(r.response)) problem(`error response ${r.status}: ${ajvErrors(validate.errors).join('; ')}`);
			}
		}
	}
	for (const [name, e] of seen) {
		const extra = e.undocumented.size ? ` (and errors ${[...e.undocumented].join(', ')} GitHub may send though not documented here)` : '';
		if (e.problems.length) fail(`${name}: every request and response is valid against GitHub's OpenAPI description`, e.problems);
		else pass(`${name}: ${e.n} requests and responses valid against GitHub's OpenAPI description${extra}`);
	}
}

// The webhook schemas: OpenAPI 3.1, whose schema objects are JSON Schema 2020-12.
function checkEvents(pairs) {
	const Ajv2020 = need('ajv/dist/2020').default;
	const addFormats = need('ajv-formats').default;
	const spec = JSON.parse(fs.readFileSync(path.join(modules, '@octokit/openapi-webhooks/generated/api.github.com.json'), 'utf8'));
	const ajv = new Ajv2020({ allErrors: true, strict: false });
	addFormats(ajv);
	ajv.addSchema({ $id: 'webhooks', components: spec.components });
	for (const pair of pairs) {
		const eq = pair.indexOf('=');
		const name = pair.slice(0, eq);
		const file = pair.slice(eq + 1);
		// pull_request.synchronize -> webhook pull-request-synchronize; push -> push
		const hook = name.replace(/[._]/g, '-');
		const item = spec.webhooks[hook];
		const ref = item && item.post.requestBody.content['application/json'].schema.$ref;
		if (!ref) {
			fail(`${name} is a webhook GitHub documents`, [`no webhooks['${hook}']`]);
			continue;
		}
		let payload;
		try {
			payload = JSON.parse(fs.readFileSync(file, 'utf8'));
		} catch (e) {
			fail(`the ${name} payload ${path.basename(file)} is readable`, [e.message]);
			continue;
		}
		const validate = ajv.getSchema(`webhooks${ref}`) || ajv.compile({ $ref: `webhooks${ref}` });
		if (validate(payload)) pass(`the ${name} payload ${path.basename(file)} is valid against GitHub's webhook schema`);
		else fail(`the ${name} payload ${path.basename(file)} is valid against GitHub's webhook schema`, ajvErrors(validate.errors));
	}
}

// A payload GitHub sent (webhooks-examples, captured years ago) completed
// with the properties GitHub's current schema requires and the old capture
// lacks (has_discussions, topics, visibility...): each filled with the
// plainest value its schema allows (null where nullable, false, [], the first
// enum value), until the payload validates. The tests then set the fields the
// action reads (shas, numbers, times) on top.
function example(name, action) {
	const all = need('@octokit/webhooks-examples');
	const entry = all.find((e) => e.name === name);
	const ex = entry && entry.examples.find((e) => !action || e.action === action);
	if (!ex) {
		console.error(`openapi.js: no example of ${name}${action ? '.' + action : ''}`);
		process.exit(2);
	}
	const Ajv2020 = need('ajv/dist/2020').default;
	const addFormats = need('ajv-formats').default;
	const spec = JSON.parse(fs.readFileSync(path.join(modules, '@octokit/openapi-webhooks/generated/api.github.com.json'), 'utf8'));
	const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
	addFormats(ajv);
	ajv.addSchema({ $id: 'webhooks', components: spec.components });
	const hook = `${name}${action ? '-' + action : ''}`.replace(/[._]/g, '-');
	const validate = ajv.compile({ $ref: `webhooks${spec.webhooks[hook].post.requestBody.content['application/json'].schema.$ref}` });
	const resolve = (sch) => {
		let x = sch;
		while (x && x.$ref) x = x.$ref.split('/').slice(1).reduce((o, k) => o[k], spec);
		return x || {};
	};
	const plainest = (sch) => {
		const x = resolve(sch);
		const alts = x.anyOf || x.oneOf;
		if (alts) {
			const nul = alts.find((a) => resolve(a).type === 'null');
			return nul ? null : plainest(alts[0]);
		}
		if (x.allOf) return plainest(x.allOf[0]);
		if ('const' in x) return x.const;
		if (Array.isArray(x.enum)) return x.enum.includes(null) ? null : x.enum[0];
		const types = Array.isArray(x.type) ? x.type : [x.type];
		if (types.includes('null')) return null;
		if (types.includes('boolean')) return false;
		if (types.includes('array')) return [];
		if (types.includes('integer') || types.includes('number')) return 0;
		if (types.includes('string')) return x.format === 'date-time' ? '2026-01-01T00:00:00Z' : x.format === 'uri' ? 'https://github.com' : '';
		if (types.includes('object') || x.properties) {
			const o = {};
			for (const k of x.required || []) o[k] = plainest((x.properties || {})[k] || {});
			return o;
		}
		return null;
	};
	for (let round = 0; round < 20 && !validate(ex); round++) {
		let changed = false;
		for (const e of validate.errors) {
			if (e.keyword !== 'required') continue;
			const at = e.instancePath.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
				.reduce((o, k) => (o == null ? o : o[k]), ex);
			const prop = e.params.missingProperty;
			if (!at || typeof at !== 'object' || prop in at) continue;
			at[prop] = plainest(((e.parentSchema || {}).properties || {})[prop] || {});
			changed = true;
		}
		if (!changed) break;
	}
	process.stdout.write(JSON.stringify(ex, null, 2) + '\n');
}

// The fields the action reads, where it reads them: each must be one GitHub
// documents in that response or payload. A field the fake sends and GitHub
// does not would pass every other test here and fail on GitHub.
const READS = {
	rest: [
		// commentAuthor(): who the token is
		['GET', '/user', '200', ['id', 'login', 'type']],
		// upsertComment(), ourComments(), byAuthor(), createOnce()
		['GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments', '200',
			['[].id', '[].body', '[].user.id', '[].user.login', '[].user.type']],
		['POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', '201', ['id']],
		['PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}', '200', ['id']],
		// approvalsFromReviews()
		['GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', '200',
			['[].user.login', '[].state', '[].commit_id']],
	],
	// readEvent()
	webhooks: [
		['pull-request-synchronize', ['pull_request.number', 'pull_request.base.sha', 'pull_request.head.sha', 'pull_request.updated_at']],
		['pull-request-opened', ['pull_request.number', 'pull_request.base.sha', 'pull_request.head.sha', 'pull_request.updated_at']],
		['pull-request-reopened', ['pull_request.number', 'pull_request.base.sha', 'pull_request.head.sha', 'pull_request.updated_at']],
		['pull-request-review-submitted', ['pull_request.number', 'pull_request.base.sha', 'pull_request.head.sha', 'pull_request.updated_at', 'review.submitted_at']],
		['pull-request-review-dismissed', ['pull_request.number', 'pull_request.base.sha', 'pull_request.head.sha', 'pull_request.updated_at', 'review.submitted_at']],
		['push', ['before', 'after', 'deleted', 'ref', 'head_commit.timestamp']],
	],
};

// Whether a dotted path ("[].user.login") is a documented property of a
// schema: through arrays' items, $refs (resolve) and any alternative.
function hasPath(schema, steps, resolve) {
	const x = resolve(schema);
	if (!x || typeof x !== 'object') return false;
	for (const key of ['oneOf', 'anyOf', 'allOf']) {
		if (x[key] && x[key].some((alt) => hasPath(alt, steps, resolve))) return true;
	}
	if (!steps.length) return true;
	const [step, ...more] = steps;
	if (step === '[]') return x.items ? hasPath(x.items, more, resolve) : false;
	return !!(x.properties && step in x.properties) && hasPath(x.properties[step], more, resolve);
}

function checkReads() {
	const rest = loadRest();
	for (const [method, template, status, fields] of READS.rest) {
		const op = rest.paths[template] && rest.paths[template][method.toLowerCase()];
		const content = op && op.responses[status] && op.responses[status].content;
		const schema = content && content['application/json'] && content['application/json'].schema;
		const missing = schema ? fields.filter((f) => !hasPath(schema, f.split(/\.|(?=\[\])/).filter(Boolean), (y) => y)) : fields;
		const name = `the fields the action reads from ${method} ${template} (${fields.join(', ')}) are ones GitHub documents`;
		if (missing.length) fail(name, missing.map((f) => `not in the ${status} response: ${f}`));
		else pass(name);
	}
	const spec = JSON.parse(fs.readFileSync(path.join(modules, '@octokit/openapi-webhooks/generated/api.github.com.json'), 'utf8'));
	const resolve = (sch) => {
		let y = sch;
		while (y && y.$ref) y = y.$ref.split('/').slice(1).reduce((o, k) => o[k], spec);
		return y;
	};
	for (const [hook, fields] of READS.webhooks) {
		const item = spec.webhooks[hook];
		const schema = item && item.post.requestBody.content['application/json'].schema;
		const missing = schema ? fields.filter((f) => !hasPath(schema, f.split('.'), resolve)) : fields;
		const name = `the fields the action reads from the ${hook} event (${fields.join(', ')}) are ones GitHub documents`;
		if (missing.length) fail(name, missing.map((f) => `not in the payload: ${f}`));
		else pass(name);
	}
}

const [cmd, ...rest] = process.argv.slice(2);
if (cmd === 'requests' && rest.length === 1) checkRequests(rest[0]);
else if (cmd === 'reads' && !rest.length) checkReads();
else if (cmd === 'events' && rest.length) checkEvents(rest);
else if (cmd === 'example' && rest.length) { example(rest[0], rest[1]); process.exit(0); }
else {
	console.error('usage: openapi.js requests REQUESTS.json | events NAME=FILE... | example NAME [ACTION]');
	process.exit(2);
}
process.exit(failed ? 1 : 0);
