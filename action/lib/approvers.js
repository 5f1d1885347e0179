// Who may approve a cost event by reviewing the pull request: the
// `policy.approvers` of the base revision's .promptcost.yml, read with a small
// reader for just that key (block or flow sequence of plain or quoted
// scalars, or of mappings whose `id` is the approver: {id: ..., key: ...}),
// and the pull request's reviews reduced to the logins whose latest review
// approves the head commit. promptcost itself checks the approvers
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

// Splits "a, 'b, c', {id: d, key: e}" at commas outside quotes and braces; raw parts.
function splitRaw(text) {
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
			depth--;
		} else if (c === ',' && depth === 0) {
			items.push(text.slice(start, i));
			start = i + 1;
		}
	}
	const last = text.slice(start);
	if (last.trim() !== '') items.push(last);
	return items;
}

// The id of an approver written as a mapping, from its "key: value" parts
// ({id: release-manager@agency.gov, key: "ssh-ed25519 AAAA..."}).
function idOf(parts, where) {
	for (const part of parts) {
		const m = part.trim().match(/^("id"|'id'|id)\s*:\s*(.*)$/);
		if (m) return scalar(m[2], where);
	}
	throw new ApproversError(`${where}: an approver mapping without 'id'`);
}

// An item of the list: a scalar, or a flow mapping with an id.
function item(text, where) {
	const t = text.trim();
	if (t.startsWith('{')) {
		if (!t.endsWith('}')) throw new ApproversError(`${where}: unsupported YAML in approvers: ${t}`);
		return idOf(splitRaw(t.slice(1, -1)), where);
	}
	return scalar(t, where);
}

function splitFlow(text, where) {
	return splitRaw(text).map((s) => item(s, where));
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
		if (rest !== '') return [scalar(rest, where)];
		const items = [];
		for (let j = i + 1; j < lines.length; j++) {
			const l = lines[j];
			if (l.trim() === '') continue;
			if (indentOf(l) < indent || (indentOf(l) === indent && !l.trim().startsWith('-'))) break;
			const entry = l.trim().match(/^-\s*(.*)$/);
			if (!entry) throw new ApproversError(`${file}:${j + 1}: unsupported YAML in approvers`);
			if (/^("[^"]*"|'[^']*'|[A-Za-z_]+)\s*:(\s|$)/.test(entry[1])) {
				// a block mapping ("- id: x" and its more indented "key: ..." lines)
				const dash = indentOf(l);
				const parts = [entry[1]];
				while (j + 1 < lines.length &&
				       (lines[j + 1].trim() === '' || indentOf(lines[j + 1]) > dash)) {
					j++;
					if (lines[j].trim() !== '') parts.push(lines[j].trim());
				}
				items.push(idOf(parts, `${file}:${j + 1}`));
				continue;
			}
			items.push(item(entry[1], `${file}:${j + 1}`));
		}
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
