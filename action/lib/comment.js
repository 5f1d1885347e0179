// The pull-request comment: a hidden marker the action finds its own comment
// by (with the run's time, so an older run never overwrites a newer one's)
// and the markdown `promptcost check` wrote (headline, tables, how to
// unblock, details), kept under GitHub's comment limit without ever failing.
// Also the escaping of the action's own messages. Money is never formatted
// here: every amount shown is one the binary wrote.
'use strict';

// GitHub refuses a comment body over 65,536 characters. JavaScript lengths
// count UTF-16 units and --max-size counts bytes, neither ever fewer than
// GitHub's characters; the margin keeps the marker and the note inside.
const GITHUB_COMMENT_LIMIT = 65536;
const COMMENT_BUDGET = GITHUB_COMMENT_LIMIT - 512;
// A step summary may be at most 1 MiB.
const SUMMARY_BYTES = 1024 * 1024 - 4096;

const MARKER_PREFIX = '<!-- promptcost-comment ';

// Markdown and HTML specials in text from outside (file names, messages):
// rendered literally, never a table break or a tag.
function escapeMarkdown(text) {
	return String(text ?? '')
		.replace(/[\r\n\t]+/g, ' ')
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/([\\`*_{}[\]()#+!|~])/g, '\\$1');
}

// Marker attributes: key (which configuration the comment reports on, so two
// uses of the action on one pull request keep two comments), time (ISO 8601),
// run (the run id). Values are URI-encoded: never a space, quote or "-->".
function makeMarker({ key, time, run }) {
	const enc = (v) => encodeURIComponent(String(v ?? ''));
	return `${MARKER_PREFIX}key=${enc(key)} time=${enc(time)} run=${enc(run)} -->`;
}

function parseMarker(body) {
	const first = String(body || '').split('\n', 1)[0];
	if (!first.startsWith(MARKER_PREFIX)) return null;
	const attrs = {};
	for (const m of first.matchAll(/(\w+)=(\S*)/g)) {
		try {
			attrs[m[1]] = decodeURIComponent(m[2]);
		} catch (e) {
			attrs[m[1]] = m[2];
		}
	}
	return attrs;
}

// The body without its marker line: what "unchanged" compares.
function withoutMarker(body) {
	const text = String(body || '');
	return text.startsWith(MARKER_PREFIX) ? text.slice(text.indexOf('\n') + 1) : text;
}

// Was marker `theirs` written by a newer run than `ours`? Times compare
// first, then run ids; a marker with a time beats one without.
function isNewer(theirs, ours) {
	const t = Date.parse(theirs.time || '');
	const o = Date.parse(ours.time || '');
	if (!Number.isNaN(t) && !Number.isNaN(o) && t !== o) return t > o;
	if (Number.isNaN(t) !== Number.isNaN(o)) return !Number.isNaN(t);
	const tr = Number(theirs.run);
	const or = Number(ours.run);
	return Number.isFinite(tr) && Number.isFinite(or) && tr > or;
}

// Closes what a cut left open: a code fence, <details> blocks.
function closeOpen(text) {
	let out = text;
	const fences = (out.match(/^\s*```/gm) || []).length;
	if (fences % 2) out += '\n```\n';
	const open = (out.match(/<details\b/g) || []).length - (out.match(/<\/details>/g) || []).length;
	for (let i = 0; i < open; i++) out += '\n</details>\n';
	return out;
}

// The longest prefix of text that ends a line and has at most max units.
function cutAtLine(text, max) {
	if (text.length <= max) return text;
	const cut = text.lastIndexOf('\n', max - 1);
	return cut > 0 ? text.slice(0, cut + 1) : '';
}

function summaryNote(ctx) {
	const where = ctx.summaryUrl ? `the [job summary](${ctx.summaryUrl})` : 'the job summary of this workflow run';
	return `\n> [!NOTE]\n> This comment was cut to fit GitHub's limit of 65,536 characters; ` +
		`the whole report is in ${where}.\n`;
}

// The comment body: the marker, then the markdown `promptcost check` wrote
// (cut by check itself, details first, to the --max-size it was given).
// ctx: marker, markdown, note (instead of the default one), fullLength (the uncut markdown's length: when it is
// larger, a note points to the job summary), summaryUrl, limit. Should the
// tables alone be too long, they are cut at a line and whatever the cut left
// open is closed. Returns { body, truncated }; body.length <= limit always.
function composeComment(ctx) {
	const limit = ctx.limit || COMMENT_BUDGET;
	const markdown = String(ctx.markdown || '').replace(/\s+$/, '') + '\n';
	const top = ctx.marker ? `${ctx.marker}\n` : '';
	const cutByCheck = (ctx.fullLength || 0) > markdown.length;
	const note = ctx.note ?? summaryNote(ctx);
	const whole = top + markdown + (cutByCheck ? note : '');
	if (whole.length <= limit) return { body: whole, truncated: cutByCheck };
	// Room for the note and for closing a fence and a few <details>.
	const room = limit - top.length - note.length - 128;
	let kept = closeOpen(cutAtLine(markdown, Math.max(room, 0)) + '…\n');
	if (top.length + kept.length + note.length > limit) kept = '';
	return { body: top + kept + note, truncated: true };
}

module.exports = {
	GITHUB_COMMENT_LIMIT,
	COMMENT_BUDGET,
	SUMMARY_BYTES,
	MARKER_PREFIX,
	escapeMarkdown,
	makeMarker,
	parseMarker,
	withoutMarker,
	isNewer,
	composeComment,
};
