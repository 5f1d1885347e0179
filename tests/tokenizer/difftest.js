#!/usr/bin/env node
// Differential test against OpenAI's tiktoken (development tool, not run by `make test`).
// Generates random byte strings mixing Unicode classes, case patterns, apostrophes, digits,
// every kind of white space, CR/LF and invalid UTF-8, encodes each with tiktoken's
// encode_ordinary and with promptcost's tokenizer (build/tokbench --raw), and saves every
// disagreement as a regression case in tests/tokenizer/cases/ (input + expected ids).
//
//   mkdir -p /tmp/ref && (cd /tmp/ref && npm install tiktoken@1.0.22)
//   make tokbench && NODE_PATH=/tmp/ref/node_modules node tests/tokenizer/difftest.js [COUNT] [SEED]
'use strict';
const fs = require('fs');
const path = require('path');
const os = require('os');
const { execFileSync } = require('child_process');
const { get_encoding } = require('tiktoken');

const root = path.resolve(__dirname, '../..');
const tokbench = path.join(root, process.env.BUILD || 'build', 'tokbench');
const count = Number(process.argv[2] || 500);
let seed = Number(process.argv[3] || Date.now() % 1000000);
console.log(`seed ${seed}`);
function rnd(n) { // xorshift32, reproducible from the seed
  seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  return seed % n;
}
const pick = (a) => a[rnd(a.length)];

const ws = [' ', ' ', ' ', '\t', '\n', '\r', '\r\n', '\u000b', '\u000c', '\u0085', '\u00a0', '\u1680',
  '\u2000', '\u2009', '\u200b', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u180e'];
const lu = 'ABCDEFGHIJKLMNOPQRSTUVWXYZÉÀÖΩΔДЖԱ'.split('').concat(['\u{1D400}']);
const ll = 'abcdefghijklmnopqrstuvwxyzéàößωδджա'.split('').concat(['\u017f', '\u{1D41A}']);
const lt = ['\u01c5', '\u01c8', '\u1f88', '\u1fbc'];
const lm = ['\u02b0', '\u02c6', '\u30fc', '\u3005', '\uff70'];
const lo = ['中', '文', 'あ', 'カ', 'ا', 'ب', 'א', 'ก', '한', '\u{20000}', 'ª'];
const marks = ['\u0301', '\u0300', '\u0308', '\u064b', '\u0903', '\u20dd', '\u{1d165}', '\ufe0f'];
const nums = '0123456789'.split('').concat(['٣', '०', 'Ⅻ', '½', '²', '\u{1d7ce}', '〇']);
const punct = '.,;:!?-/\\"#$%&()*+<=>@[]^_`{|}~'.split('').concat(['…', '—', '«', '»', '€', '😀', '👍🏽', '\u0000', '\u0001', '\u007f', '\ufffd']);
const apos = ["'", "'", '’'];
const words = ['s', 'S', 't', 'T', 're', 'RE', 'Re', 'rE', 've', 'VE', 'm', 'M', 'll', 'LL', 'lL', 'd', 'D', 'ſ', 'x', 'clock'];
const specials = ['<|endoftext|>', '<|fim_prefix|>', '<|endofprompt|>', '<|im_start|>'];
const unicode17 = ['\u{1C89}', '\u{A7CB}', '\u{10D4A}', '\u{16D40}']; // letters only from Unicode 17 on (unassigned in 16)
const invalid = [[0x80], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80], [0xff], [0xc0, 0xaf],
  [0xe0, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5], [0xc2, 0x41], [0xe1, 0x80, 0x41]];

// A long run from a small alphabet: a single piece long enough for the heap-based merge path.
function longRun() {
  const alphabets = [['a'], ['a', 'b'], ll.slice(0, 26), ['中', '文'], ['的'], [' '], ['-', '='], lu.concat(ll),
    ['\u0301', 'e'], ['😀'], ['x', 'y', 'z', 'X']];
  const a = pick(alphabets);
  let s = '';
  for (let k = rnd(3000) + 49; k > 0; k--) s += pick(a);
  return s;
}

function fragment() {
  if (rnd(40) === 0) return longRun();
  switch (rnd(16)) {
    case 0: case 1: return pick(ws);
    case 2: { let s = ''; for (let k = rnd(6) + 1; k > 0; k--) s += pick(lu); return s; }
    case 3: case 4: { let s = ''; for (let k = rnd(6) + 1; k > 0; k--) s += pick(ll); return s; }
    case 5: return pick(lt) + pick(ll);
    case 6: return pick(lm) + pick(lo);
    case 7: return pick(marks);
    case 8: { let s = ''; for (let k = rnd(5) + 1; k > 0; k--) s += pick(nums); return s; }
    case 9: return pick(punct);
    case 10: case 11: return pick(apos) + pick(words);
    case 12: return pick(specials);
    case 13: return pick(unicode17);
    case 14: return Buffer.from(pick(invalid));
    default: return pick([' ', '\n', '  ', ' \n', '\r\n\r\n', '/', '//']) + pick(ll.concat(lu, punct));
  }
}

function randomCase() {
  const parts = [];
  for (let k = rnd(40) + 1; k > 0; k--) {
    const f = fragment();
    parts.push(Buffer.isBuffer(f) ? f : Buffer.from(f, 'utf8'));
  }
  return Buffer.concat(parts);
}

const encs = { cl100k_base: get_encoding('cl100k_base'), o200k_base: get_encoding('o200k_base') };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'difftest-'));
const casesDir = path.join(root, 'tests/tokenizer/cases');
let failures = 0;
for (let c = 0; c < count; c++) {
  const input = randomCase();
  const file = path.join(tmp, 'case.bin');
  fs.writeFileSync(file, input);
  const text = input.toString('utf8');
  for (const e of Object.keys(encs)) {
    const want = Array.from(encs[e].encode_ordinary(text));
    const raw = execFileSync(tokbench, ['--raw', e, file]);
    const got = [];
    for (let i = 0; i < raw.length; i += 4) got.push(raw.readUInt32LE(i));
    if (want.join(',') !== got.join(',')) {
      failures++;
      const name = `diff_${input.toString('hex').slice(0, 0)}${require('crypto').createHash('sha256').update(input).digest('hex').slice(0, 12)}`;
      fs.mkdirSync(casesDir, { recursive: true });
      fs.writeFileSync(path.join(casesDir, `${name}.bin`), input);
      for (const e2 of Object.keys(encs))
        fs.writeFileSync(path.join(casesDir, `${name}.${e2}.ids`), Array.from(encs[e2].encode_ordinary(text)).join('\n') + '\n');
      console.log(`DIFF ${e} ${name}: ${JSON.stringify(text)}\n  want ${want}\n  got  ${got}`);
      break;
    }
  }
}
fs.rmSync(tmp, { recursive: true });
console.log(`${count} cases, ${failures} disagreements`);
process.exit(failures ? 1 : 0);
