// What a user installs: package.json's manifest (trust, validation, snippets, icon,
// repository, license) and the files it names, which must exist and agree with the
// repository's own (the scenario schema, the license texts).
// Run with `node --test test/extension/`.

'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

const here = path.join(__dirname, '..', '..');
const root = path.join(here, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8'));
const read = (...p) => fs.readFileSync(path.join(...p), 'utf8');

test('untrusted workspaces are supported in part, without the server settings', () => {
  const trust = manifest.capabilities.untrustedWorkspaces;
  assert.strictEqual(trust.supported, 'limited');
  const settings = Object.keys(manifest.contributes.configuration.properties).filter((k) => k.startsWith('charter.server.'));
  assert.deepStrictEqual([...trust.restrictedConfigurations].sort(), settings.sort());
});

test('scenario files are validated with the project schema, kept in step', () => {
  const [validation] = manifest.contributes.jsonValidation;
  assert.ok(validation.fileMatch.includes('**/tests/scenarios/**/*.json'));
  const copy = read(here, validation.url);
  assert.strictEqual(copy, read(root, 'crates', 'charter-scenario', 'schema', 'scenario.schema.json'),
    'schemas/scenario.schema.json differs from crates/charter-scenario/schema/scenario.schema.json: copy it again');
});

test('snippets: one file, each with a prefix and a body, and tab stops that close', () => {
  const [entry] = manifest.contributes.snippets;
  const snippets = JSON.parse(read(here, entry.path));
  assert.ok(Object.keys(snippets).length >= 10);
  for (const [name, s] of Object.entries(snippets)) {
    assert.ok(s.prefix && Array.isArray(s.body) && s.description, name);
    const body = s.body.join('\n');
    assert.strictEqual((body.match(/\$\{/g) || []).length <= (body.match(/\}/g) || []).length, true, name);
    assert.ok(body.includes('$0'), `${name} ends at $0`);
  }
});

test('icon, changelog, repository and license', () => {
  const icon = fs.readFileSync(path.join(here, manifest.icon));
  assert.strictEqual(icon.subarray(1, 4).toString(), 'PNG');
  assert.ok(icon.readUInt32BE(16) >= 128, 'the icon is at least 128 pixels wide');
  assert.match(read(here, 'CHANGELOG.md'), new RegExp(`## ${manifest.version.replace(/\./g, '\\.')}`));
  assert.match(manifest.repository.url, /^https:\/\//);
  assert.strictEqual(manifest.repository.directory, 'editors/vscode');
  assert.strictEqual(manifest.license, '(MIT OR Apache-2.0)');
  const license = read(here, 'LICENSE');
  assert.ok(license.includes(read(root, 'LICENSE-MIT')), 'LICENSE holds LICENSE-MIT');
  assert.ok(license.includes(read(root, 'LICENSE-APACHE')), 'LICENSE holds LICENSE-APACHE');
});

test('npm run package builds a platform package', () => {
  assert.strictEqual(manifest.scripts.package, 'node scripts/package.mjs');
  const ignore = read(here, '.vscodeignore');
  assert.ok(!/^server\//m.test(ignore), '.vscodeignore keeps server/ in the package');
});
