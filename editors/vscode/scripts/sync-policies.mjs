#!/usr/bin/env node
// Copies the example policies (../../policies/*.charter) into test/snap/, where
// vscode-tmgrammar-snap keeps their token snapshots (`*.charter.snap`, committed).
// `npm run snap:update` runs this, then rewrites the snapshots: review the diff.
// The live policies are also smoke-tested directly by scripts/check-grammar.mjs, so a
// policy edit never needs a snapshot update to keep `npm test` green.

import { copyFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const from = join(here, '..', '..', '..', 'policies');
const to = join(here, '..', 'test', 'snap');
mkdirSync(to, { recursive: true });
for (const f of readdirSync(to)) {
  if (f.endsWith('.charter') || f.endsWith('.charter.snap')) rmSync(join(to, f));
}
for (const f of readdirSync(from).filter((f) => f.endsWith('.charter')).sort()) {
  copyFileSync(join(from, f), join(to, f));
  console.log(`copied policies/${f}`);
}
