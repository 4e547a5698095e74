#!/usr/bin/env node
// Checks of the TextMate grammar that scope assertions cannot express:
//
// 1. Smoke test: every policy in ../../policies (the live files, not the snapshot copies)
//    and every test file tokenizes without error, without hitting the tokenizer's time
//    limit, and ends back at the top level (no string, list or block left open).
// 2. Keyword coverage: every literal word of grammar/charter.pest is highlighted as a
//    keyword, storage type, constant or unit somewhere in test/grammar/*.charter (so a
//    keyword added to the language and to the tests but not to the TextMate grammar fails).
//
// Usage: node scripts/check-grammar.mjs            run the checks
//        node scripts/check-grammar.mjs --dump F   print the tokens of file F

import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

import { KEYWORD_ONLY } from './build-grammar.mjs';

const require = createRequire(import.meta.url);
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const repoRoot = join(root, '..', '..');
const grammarPath = join(root, 'syntaxes', 'charter.tmLanguage.json');

const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
await oniguruma.loadWASM(wasm);
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async (scopeName) =>
    scopeName === 'source.charter'
      ? vsctm.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath)
      : null,
});
const grammar = await registry.loadGrammar('source.charter');

/** Tokenizes a whole file: [{ line, text, scopes }], plus the final state. */
function tokenize(text) {
  let state = vsctm.INITIAL;
  const tokens = [];
  const problems = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const r = grammar.tokenizeLine(line, state, 5000);
    if (r.stoppedEarly) problems.push(`line ${i + 1}: tokenizer stopped early`);
    for (const t of r.tokens) {
      tokens.push({
        line: i + 1,
        text: line.slice(t.startIndex, t.endIndex),
        scopes: t.scopes,
      });
    }
    state = r.ruleStack;
  });
  if (state.depth !== 1) problems.push(`file ends inside an open construct (depth ${state.depth})`);
  return { tokens, problems };
}

const charterFiles = (dir) =>
  existsSync(dir)
    ? readdirSync(dir).filter((f) => f.endsWith('.charter')).sort().map((f) => join(dir, f))
    : [];

const dumpAt = process.argv.indexOf('--dump');
if (dumpAt !== -1) {
  const { tokens, problems } = tokenize(readFileSync(process.argv[dumpAt + 1], 'utf8'));
  for (const t of tokens) {
    if (t.text.trim() === '') continue;
    console.log(`${String(t.line).padStart(4)} ${JSON.stringify(t.text).padEnd(28)} ${t.scopes.slice(1).join(' ')}`);
  }
  for (const p of problems) console.log(`PROBLEM: ${p}`);
  process.exit(problems.length ? 1 : 0);
}

let passed = 0;
let failed = 0;
const pass = (msg) => { passed++; console.log(`  ok    ${msg}`); };
const fail = (msg) => { failed++; console.log(`  FAIL  ${msg}`); };

// ---------------------------------------------------------------- 1. smoke test

const policies = charterFiles(join(repoRoot, 'policies'));
const testFiles = charterFiles(join(root, 'test', 'grammar'));
const snapFiles = charterFiles(join(root, 'test', 'snap'));
console.log('Tokenizing policies and test files:');
if (policies.length === 0) fail('no policies found in policies/');
const corpus = [];
for (const file of [...policies, ...testFiles, ...snapFiles]) {
  const name = relative(repoRoot, file);
  try {
    const { tokens, problems } = tokenize(readFileSync(file, 'utf8'));
    if (testFiles.includes(file)) corpus.push(...tokens);
    if (problems.length) fail(`${name}: ${problems.join('; ')}`);
    else pass(`${name} (${tokens.length} tokens)`);
  } catch (e) {
    fail(`${name}: ${e.message}`);
  }
}

// ---------------------------------------------------------------- 2. keyword coverage

const pestPath = join(repoRoot, 'grammar', 'charter.pest');
console.log('Every literal word of grammar/charter.pest is highlighted:');
if (!existsSync(pestPath)) {
  fail('grammar/charter.pest not found');
} else {
  const pest = readFileSync(pestPath, 'utf8')
    .split('\n')
    .filter((l) => !l.trim().startsWith('//'))
    .join('\n');
  const literals = new Set();
  for (const m of pest.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    // `s` (the plural of an event kind) and `_` (a digit separator) are not words.
    if (/^[a-z_]+$/.test(m[1]) && m[1] !== 's' && m[1] !== '_') literals.add(m[1]);
  }
  const highlighted = /^(keyword|storage\.type|constant\.language|keyword\.other\.unit)/;
  const seen = new Set();
  for (const t of corpus) {
    if (t.scopes.slice(1).some((s) => highlighted.test(s))) seen.add(t.text);
  }
  const missing = [...literals].filter((w) => !seen.has(w)).sort();
  if (missing.length === 0) pass(`${literals.size} keywords`);
  else fail(`not highlighted as a keyword in test/grammar/*.charter: ${missing.join(', ')}`);

  // Words that can never be names must match pest's `keyword_only`, or names would be
  // highlighted where the parser rejects them (and the other way round).
  const block = /keyword_only\s*=\s*@\{([\s\S]*?)\}/.exec(pest);
  const pestOnly = block ? [...block[1].matchAll(/"([a-z_]+)"/g)].map((m) => m[1]).sort() : [];
  const ours = [...KEYWORD_ONLY].sort();
  if (pestOnly.length && JSON.stringify(pestOnly) === JSON.stringify(ours)) {
    pass(`keyword_only matches (${ours.length} words)`);
  } else {
    fail(`KEYWORD_ONLY in scripts/build-grammar.mjs (${ours.join(' ')}) differs from pest's keyword_only (${pestOnly.join(' ')})`);
  }
}

console.log(`\nchecks: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
