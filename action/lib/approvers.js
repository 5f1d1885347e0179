// Who may approve a cost event by reviewing the pull request: the
// `policy.approvers` of the base branch's .promptcost.yml (its tip, the world
// as it is now), read with a small reader for just that key (block or flow
// sequence of plain or quoted scalars, or of mappings `{id: ..., key: ...}`
// whose id is taken), and the pull request's reviews reduced to the logins
// whose latest review approves the head commit. promptcost itself checks the approvers
// again; this keeps the action from passing an identity it has no reason to.
'use strict';

class ApproversError extends Error {}

// Strips a comment that starts with " #" outside quotes.
function stripComment(line) {
	let quote = null;
	for (let i = 0; i < line.length; i++) {
		const c = line[i];
		if (quote) {
			if (c === quote) {
				if (quote === "'" && line[i + 1] === "'") i++;
				else quote = null;
			} else if (c === '\\' && quote === '"') {
				i++;
			}
		} else if (c === '"' || c === "'") {
			quote = c;
		} else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
			return line.slice(0, i);
		}
	}
	return line;
}

function scalar(text, where) {
	const t = text.trim();
	if (t === '') throw new ApproversError(`${where}: empty approver`);
	if (t[0] === '"') {
		if (!t.endsWith('"') || t.length < 2) throw new ApproversError(`${where}: unterminated quoted approver`);
		try {
			return JSON.parse(t);
		} catch (e) {
			throw new ApproversError(`${where}: unsupported quoted approver ${t}`);
		}
	}
	if (t[0] === "'") {
		if (!t.endsWith("'") || t.length < 2) throw new ApproversError(`${where}: unterminated quoted approver`);
		return t.slice(1, -1).replace(/''/g, "'");
	}
	if (/^[&*!|>{[]/.test(t)) throw new ApproversError(`${where}: unsupported YAML in approvers: ${t}`);
	return t;
}

// Splits "a, 'b, c', {id: d, key: e}" at commas outside quotes and braces.
function splitTop(text, where) {
	const items = [];
	let quote = null;
	let depth = 0;
	let start = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quote) {
			if (c === '\\' && quote === '"') i++;
			else if (c === quote) quote = null;
		} else if (c === '"' || c === "'") {
			quote = c;
		} else if (c === '{') {
			depth++;
		} else if (c === '}') {
			if (--depth < 0) throw new ApproversError(`${where}: unbalanced '}' in approvers`);
		} else if (c === ',' && depth === 0) {
			items.push(text.slice(start, i));
			start = i + 1;
		}
	}
	if (quote || depth) throw new ApproversError(`${where}: unterminated approvers list`);
	const last = text.slice(start);
	if (last.trim() !== '') items.push(last);
	return items;
}

// The id of a flow mapping "{id: x, key: y}" (an approver with a signing key).
function flowMappingId(text, where) {
	const inner = text.trim().slice(1, -1);
	let id = null;
	for (const pair of splitTop(inner, where)) {
		const m = pair.trim().match(/^("id"|'id'|id)\s*:(.*)$/s);
		if (m) id = scalar(m[2], where);
	}
	if (id === null) throw new ApproversError(`${where}: an approver mapping needs 'id'`);
	return id;
}

function item(text, where) {
	const t = text.trim();
	if (t.startsWith('{')) {
		if (!t.endsWith('}')) throw new ApproversError(`${where}: unterminated approver mapping`);
		return flowMappingId(t, where);
	}
	return scalar(t, where);
}

function splitFlow(text, where) {
	return splitTop(text, where).map((s) => item(s, where));
}

const indentOf = (line) => line.match(/^ */)[0].length;

// The list under policy.approvers in the YAML text, or [] when there is none.
// Throws ApproversError on a form this reader does not understand.
function readApprovers(yamlText, file = '.promptcost.yml') {
	const lines = yamlText.replace(/\r\n?/g, '\n').split('\n').map(stripComment);
	let inPolicy = false;
	let policyChildIndent = -1;
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i];
		if (line.trim() === '' || line.trim() === '---') continue;
		const indent = indentOf(line);
		if (indent === 0) {
			inPolicy = /^policy\s*:\s*$/.test(line);
			policyChildIndent = -1;
			continue;
		}
		if (!inPolicy) continue;
		if (policyChildIndent < 0) policyChildIndent = indent;
		if (indent !== policyChildIndent) continue;
		const m = line.trim().match(/^(approvers|"approvers"|'approvers')\s*:(.*)$/);
		if (!m) continue;
		const where = `${file}:${i + 1}`;
		let rest = m[2].trim();
		if (rest.startsWith('[')) {
			// A flow sequence, possibly over several lines.
			let j = i;
			while (!rest.includes(']') && ++j < lines.length) rest += ' ' + lines[j].trim();
			const close = rest.lastIndexOf(']');
			if (close < 0) throw new ApproversError(`${where}: unterminated approvers list`);
			return splitFlow(rest.slice(1, close), where);
		}
		if (rest !== '') return [item(rest, where)];
		const items = [];
		// A block mapping item ("- id: x" then "  key: y") keeps its id in
		// `pending` until the item ends.
		let pending = null;
		let itemIndent = -1;
		const close = (where) => {
			if (!pending) return;
			if (pending.id === null) throw new ApproversError(`${where}: an approver mapping needs 'id'`);
			items.push(pending.id);
			pending = null;
		};
		const mappingKey = (text, where) => {
			const km = text.match(/^("id"|'id'|id|"key"|'key'|key)\s*:(.*)$/s);
			if (!km) return false;
			if (/id/.test(km[1])) pending.id = scalar(km[2], where);
			return true;
		};
		for (let j = i + 1; j < lines.length; j++) {
			const l = lines[j];
			const where = `${file}:${j + 1}`;
			if (l.trim() === '') continue;
			if (indentOf(l) < indent || (indentOf(l) === indent && !l.trim().startsWith('-'))) break;
			const entry = l.trim().match(/^-\s*(.*)$/);
			if (pending && indentOf(l) > itemIndent) {
				// a line of the mapping: its id or key, or one key of a list of keys
				if (!mappingKey(l.trim(), where) && !entry) {
					throw new ApproversError(`${where}: unsupported YAML in approvers`);
				}
				continue;
			}
			if (!entry) throw new ApproversError(`${where}: unsupported YAML in approvers`);
			close(where);
			if (/^("id"|'id'|id|"key"|'key'|key)\s*:/.test(entry[1])) {
				pending = { id: null };
				itemIndent = indentOf(l);
				mappingKey(entry[1], where);
				continue;
			}
			items.push(item(entry[1], where));
		}
		close(`${file}:${lines.length}`);
		return items;
	}
	return [];
}

// The GitHub logins among the approvers ("github:octo-release" gives
// "octo-release"), as written in the config.
function githubLogins(approvers) {
	return approvers
		.filter((a) => /^github:/i.test(a))
		.map((a) => a.slice('github:'.length).trim())
		.filter((a) => a !== '');
}

// Decides, for each reviewer, whether their review approves the head commit:
// the latest review that is not a plain comment counts (a later "changes
// requested" or a dismissal withdraws an approval), and it must be APPROVED on
// headSha by a listed login. Returns { approved: [login as configured],
// ignored: [{ login, why }] }.
function approvalsFromReviews(reviews, headSha, logins) {
	const listed = new Map(logins.map((l) => [l.toLowerCase(), l]));
	const latest = new Map();
	for (const r of reviews) {
		if (!r || !r.user || !r.user.login) continue;
		if (!['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED'].includes(r.state)) continue;
		latest.set(r.user.login.toLowerCase(), r);
	}
	const approved = [];
	const ignored = [];
	for (const [key, r] of latest) {
		const login = r.user.login;
		if (r.state !== 'APPROVED') continue;
		if (!listed.has(key)) {
			ignored.push({ login, why: 'not listed as github:' + login + ' in the base config\'s policy.approvers' });
		} else if (r.commit_id !== headSha) {
			ignored.push({ login, why: `the approval is for commit ${String(r.commit_id).slice(0, 12)}, not the head commit ${headSha.slice(0, 12)}` });
		} else {
			approved.push(listed.get(key));
		}
	}
	approved.sort();
	return { approved, ignored };
}

module.exports = { readApprovers, githubLogins, approvalsFromReviews, ApproversError };
