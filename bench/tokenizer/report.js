#!/usr/bin/env node
// Turns the measurements run.sh left in its work folder into Markdown tables with promptcost's ratios.
//
//   node report.js WORKDIR TEXT_NAME PIECE_NAME
'use strict';
const fs = require('fs');
const path = require('path');

const [work, textName, pieceName] = process.argv.slice(2);
const lines = (f) => fs.readFileSync(path.join(work, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const throughput = lines('throughput.jsonl');
const piece = lines('piece.jsonl');
const startup = JSON.parse(fs.readFileSync(path.join(work, 'startup.json'), 'utf8')).results;

const tools = ['promptcost', 'tiktoken', 'tiktoken-rs', 'gpt-tokenizer', 'ai-tokenizer'];
const names = {
  promptcost: 'promptcost (C, in process)',
  tiktoken: 'tiktoken 1.0.22 (Rust, WASM)',
  'tiktoken-rs': 'tiktoken-rs-node 1.0.6 (Rust, napi)',
  'gpt-tokenizer': 'gpt-tokenizer 4.0.0 (JS)',
  'ai-tokenizer': 'ai-tokenizer 1.0.6 (JS)',
};
const encs = ['cl100k_base', 'o200k_base'];
const find = (rows, tool, enc) => rows.find((r) => r.tool === tool && r.enc === enc);
const fmt = (x, digits) => x.toFixed(digits);
const secs = (r) => (r.timed_out ? `>${r.timed_out} s` : r.seconds < 0.1 ? `${fmt(r.seconds * 1e3, 2)} ms` : `${fmt(r.seconds, 2)} s`);
const times = (x) => (x >= 100 ? `${Math.round(x)}x` : `${fmt(x, 1)}x`);

const out = [];
out.push(`Warm throughput on ${textName} (${throughput[0].bytes} bytes), median of the timed runs,`);
out.push(`and one ${pieceName} piece; "x" is how many times faster promptcost is.`);
out.push('');
out.push('| tool | cl100k MB/s | o200k MB/s | vocab load | 100 kB piece cl100k | 100 kB piece o200k |');
out.push('|---|---:|---:|---:|---:|---:|');
for (const tool of tools) {
  const cells = [names[tool]];
  for (const enc of encs) {
    const r = find(throughput, tool, enc);
    const pc = find(throughput, 'promptcost', enc);
    cells.push(tool === 'promptcost' ? fmt(r.mb_per_s, 1) : `${fmt(r.mb_per_s, 1)} (${times(pc.mb_per_s / r.mb_per_s)})`);
  }
  const loads = encs.map((enc) => find(throughput, tool, enc).load_ms);
  cells.push(tool === 'promptcost' ? 'compiled in' : `${Math.round(Math.min(...loads))}-${Math.round(Math.max(...loads))} ms`);
  for (const enc of encs) {
    const r = find(piece, tool, enc);
    const pc = find(piece, 'promptcost', enc);
    if (tool === 'promptcost') cells.push(secs(r));
    else cells.push(`${secs(r)} (${r.timed_out ? '>' + times(r.timed_out / pc.seconds) : times(r.seconds / pc.seconds)})`);
  }
  out.push(`| ${cells.join(' | ')} |`);
}

// The counts must agree (all are exact on this text); a disagreement is printed, not hidden.
const notes = [];
for (const enc of encs) {
  const pc = find(throughput, 'promptcost', enc).tokens;
  for (const tool of tools.slice(1)) {
    const r = find(throughput, tool, enc);
    if (r.tokens !== pc) notes.push(`- ${tool} counts ${r.tokens} ${enc} tokens of ${textName}, promptcost ${pc}`);
  }
}
if (notes.length) out.push('', 'Disagreements:', ...notes);
else out.push('', `Every tool counts the same tokens of ${textName} (${encs.map((e) => `${e}: ${find(throughput, 'promptcost', e).tokens}`).join(', ')}).`);

out.push('');
out.push('Start-up and count of a 4 KB file in o200k_base, whole process (hyperfine, mean +- sd):');
out.push('');
out.push('| command | time | promptcost is |');
out.push('|---|---:|---:|');
const pcStart = startup[0];
const nodeRuns = startup.slice(1);
const fastest = nodeRuns.reduce((a, b) => (b.mean < a.mean ? b : a));
for (const r of startup) {
  const label = r === pcStart ? '`promptcost tokens`' : `node + ${r.command.split(' ')[3]}${r === fastest ? ' (fastest Node tool)' : ''}`;
  const ratio = r === pcStart ? '' : `${times(r.mean / pcStart.mean)} faster`;
  out.push(`| ${label} | ${fmt(r.mean * 1e3, 1)} +- ${fmt(r.stddev * 1e3, 1)} ms | ${ratio} |`);
}
console.log(out.join('\n'));
