#!/usr/bin/env node
// The npm tokenizers that bench/tokenizer/run.sh measures promptcost against, behind one interface.
//
//   node peers.js throughput TOOL ENCODING FILE RUNS   warm: one warm-up, then the median times of RUNS
//   node peers.js once TOOL ENCODING FILE              one count, timed (run.sh caps it with timeout)
//   node peers.js count TOOL ENCODING FILE             load + count + print, for hyperfine's start-up runs
//
// Each prints one JSON line. TOOL is tiktoken, tiktoken-rs, gpt-tokenizer or ai-tokenizer; each counts
// special-token strings as text where its API allows (tiktoken-rs-node has no such option: it encodes
// them as special tokens, which changes no timing that matters here). The text is read as UTF-8 before
// the clock starts, so only tokenizing is timed.
'use strict';
const fs = require('fs');

const tools = {
  tiktoken(enc) {
    const e = require('tiktoken').get_encoding(enc);
    return (text) => e.encode_ordinary(text).length;
  },
  'tiktoken-rs'(enc) {
    const e = require('tiktoken-rs-node-linux-x64-gnu').getEncoding(enc);
    return (text) => e.encode(text).length;
  },
  'gpt-tokenizer'(enc) {
    const g = require(`gpt-tokenizer/encoding/${enc}`);
    const options = { disallowedSpecial: new Set() };
    return (text) => g.countTokens(text, options);
  },
  'ai-tokenizer'(enc) {
    const Tokenizer = require('ai-tokenizer').default;
    const t = new Tokenizer(require(`ai-tokenizer/encoding/${enc}`));
    return (text) => t.count(text);
  },
};

// Wall time, and the CPU time of the whole process (user + system, every thread: the
// JS tools' garbage collection counts, as it would in their user's process).
const now = () => Number(process.hrtime.bigint()) / 1e9;
const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
function timed(fn) {
  const wall = now();
  const cpu = cpuNow();
  fn();
  return { cpu: cpuNow() - cpu, wall: now() - wall };
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main() {
  const [mode, tool, enc, file, runsArg] = process.argv.slice(2);
  if (!tools[tool] || !file) {
    process.stderr.write('usage: peers.js throughput|once|count TOOL ENCODING FILE [RUNS]\n');
    process.exit(2);
  }
  const text = fs.readFileSync(file, 'utf8');
  const bytes = fs.statSync(file).size;
  let count;
  const load = timed(() => { count = tools[tool](enc); });
  const loadMs = { load_ms: load.wall * 1e3, load_cpu_ms: load.cpu * 1e3 };

  if (mode === 'count') {
    process.stdout.write(`${count(text)}\n`);
    return;
  }
  if (mode === 'once') {
    let tokens;
    const t = timed(() => { tokens = count(text); });
    console.log(JSON.stringify({ tool, enc, bytes, tokens, wall_seconds: t.wall, cpu_seconds: t.cpu,
      ...loadMs }));
    return;
  }
  const runs = Number(runsArg || 5);
  const tokens = count(text); // warm-up: compiles the hot paths, fills the caches
  const times = [];
  for (let i = 0; i < runs; i++) times.push(timed(() => count(text)));
  console.log(JSON.stringify({ tool, enc, bytes, tokens, wall_seconds: median(times.map((t) => t.wall)),
    cpu_seconds: median(times.map((t) => t.cpu)), ...loadMs }));
}

main();
