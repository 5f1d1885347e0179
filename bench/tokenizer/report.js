#!/usr/bin/env node
// Turns the measurements run.sh left in its work folder into Markdown tables with promptcost's ratios.
//
//   CLOCK=cpu|wall node report.js WORKDIR TEXT_NAME PIECE_NAME
//
// CLOCK (default cpu) picks which time the throughput, load and piece figures use: CPU time (user +
// system of the process) is what the work costs and moves much less than wall time when other
// jobs share the machine; wall time is what a user waits on an idle machine. Start-up shows both.
'use strict';
const fs = require('fs');
const path = require('path');

const [work, textName, pieceName] = process.argv.slice(2);
const clock = process.env.CLOCK === 'wall' ? 'wall' : 'cpu';
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
const seconds = (r) => r[`${clock}_seconds`];
const mbps = (r) => r.bytes / 1e6 / seconds(r);
const fmt = (x, digits) => x.toFixed(digits);
const secs = (s) => (s < 0.1 ? `${fmt(s * 1e3, 2)} ms` : `${fmt(s, 2)} s`);
const times = (x) => (x >= 100 ? `${Math.round(x)}x` : `${fmt(x, 1)}x`);

const out = [];
out.push(`Warm throughput on ${textName} (${throughput[0].bytes} bytes, median of the timed runs), the time`);
out.push(`to load a vocabulary, and one ${pieceName} single piece (each peer capped by wall time),`);
out.push(`all in ${clock === 'cpu' ? 'CPU' : 'wall'} time; "(Nx)" is how many times faster promptcost is.`);
out.push('');
out.push('| tool | cl100k MB/s | o200k MB/s | vocab load | 100 kB piece, cl100k | 100 kB piece, o200k |');
out.push('|---|---:|---:|---:|---:|---:|');
for (const tool of tools) {
  const cells = [names[tool]];
  for (const enc of encs) {
    const r = find(throughput, tool, enc);
    const pc = find(throughput, 'promptcost', enc);
    cells.push(tool === 'promptcost' ? fmt(mbps(r), 1) : `${fmt(mbps(r), 1)} (${times(mbps(pc) / mbps(r))})`);
  }
  const loads = encs.map((enc) => find(throughput, tool, enc)[clock === 'cpu' ? 'load_cpu_ms' : 'load_ms']);
  cells.push(tool === 'promptcost' ? 'none (compiled in)' : `${Math.round(Math.min(...loads))}-${Math.round(Math.max(...loads))} ms`);
  for (const enc of encs) {
    const r = find(piece, tool, enc);
    const pc = find(piece, 'promptcost', enc);
    if (tool === 'promptcost') cells.push(secs(seconds(r)));
    // The cap is wall time: no sound CPU-time ratio can be drawn from a cut run.
    else if (r.timed_out) cells.push(`cut at ${r.timed_out} s wall`);
    else cells.push(`${secs(seconds(r))} (${times(seconds(r) / seconds(pc))})`);
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
out.push('Start-up and count of a 4 KB file in o200k_base, the whole process (hyperfine):');
out.push('');
out.push('| command | wall, mean +- sd | CPU (user + sys) | promptcost is |');
out.push('|---|---:|---:|---:|');
const pcStart = startup[0];
const cost = (r) => (clock === 'cpu' ? r.user + r.system : r.mean);
const fastest = startup.slice(1).reduce((a, b) => (cost(b) < cost(a) ? b : a));
for (const r of startup) {
  const label = r === pcStart ? '`promptcost tokens`'
    : `node + ${r.command.split(' ')[3]}${r === fastest ? ' (fastest Node tool)' : ''}`;
  const ratio = r === pcStart ? '' : `${times(cost(r) / cost(pcStart))} faster`;
  out.push(`| ${label} | ${fmt(r.mean * 1e3, 1)} +- ${fmt(r.stddev * 1e3, 1)} ms | ${fmt((r.user + r.system) * 1e3, 1)} ms | ${ratio} |`);
}
console.log(out.join('\n'));
