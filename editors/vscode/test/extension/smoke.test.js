// Smoke test of out/extension.js without VS Code: a stand-in `vscode` module records
// what the extension asks of the editor. It checks that activation registers the
// restart command, that a missing `charter` binary gives an error message saying how to
// install it, and that an existing binary is started as `<path> lsp <extraArgs>`.
// Run with `node --test test/extension/` after `npm run compile`.

'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');

/** A `vscode` stand-in: any unknown member is a harmless class, so libraries load. */
function fakeVscode(settings) {
  const calls = { errors: [], commands: [], spawned: [] };
  class Anything {
    constructor() {}
    static from() { return new Anything(); }
  }
  const handler = {
    get(target, prop) {
      if (prop in target) return target[prop];
      if (prop === '__esModule' || prop === 'then') return undefined;
      return Anything;
    },
  };
  const disposable = { dispose() {} };
  class EventEmitter {
    constructor() {
      this.listeners = new Set();
      this.event = (listener) => {
        this.listeners.add(listener);
        return { dispose: () => this.listeners.delete(listener) };
      };
    }
    fire(e) { for (const l of this.listeners) l(e); }
    dispose() { this.listeners.clear(); }
  }
  class Disposable {
    constructor(fn) { this.fn = fn; }
    static from(...ds) { return new Disposable(() => ds.forEach((d) => d && d.dispose && d.dispose())); }
    dispose() { if (this.fn) this.fn(); }
  }
  const event = () => disposable;
  const channel = { appendLine() {}, append() {}, show() {}, dispose() {}, name: 'x' };
  const vscode = {
    version: '1.85.0',
    EventEmitter,
    Disposable,
    languages: new Proxy({}, { get: () => () => disposable }),
    window: new Proxy({
      createOutputChannel: () => channel,
      showErrorMessage: (msg) => { calls.errors.push(msg); return new Promise(() => {}); }, // never dismissed
      showInformationMessage: async () => undefined,
      setStatusBarMessage: () => disposable,
    }, handler),
    commands: new Proxy({
      registerCommand: (id, fn) => { calls.commands.push(id); calls[id] = fn; return disposable; },
      executeCommand: async () => undefined,
    }, handler),
    workspace: new Proxy({
      workspaceFolders: undefined,
      getConfiguration: () => ({
        get: (key, dflt) => (key in settings ? settings[key] : dflt),
      }),
      onDidChangeConfiguration: () => disposable,
      onDidOpenTextDocument: event,
      onDidCloseTextDocument: event,
      onDidChangeTextDocument: event,
      onDidSaveTextDocument: event,
      onWillSaveTextDocument: event,
      onDidChangeWorkspaceFolders: event,
      onDidCreateFiles: event,
      onDidRenameFiles: event,
      onDidDeleteFiles: event,
      onWillCreateFiles: event,
      onWillRenameFiles: event,
      onWillDeleteFiles: event,
      textDocuments: [],
      notebookDocuments: [],
      createFileSystemWatcher: () => ({ ...disposable, onDidCreate() {}, onDidChange() {}, onDidDelete() {} }),
    }, handler),
    env: new Proxy({ clipboard: { writeText: async () => undefined } }, handler),
  };
  return { vscode: new Proxy(vscode, handler), calls };
}

function loadExtension(vscode) {
  const out = path.join(__dirname, '..', '..', 'out', 'extension.js');
  for (const key of Object.keys(require.cache)) delete require.cache[key];
  const original = Module._load;
  Module._load = function (request, ...rest) {
    if (request === 'vscode') return vscode;
    return original.call(this, request, ...rest);
  };
  try {
    return require(out);
  } finally {
    Module._load = original;
  }
}

const context = () => ({ subscriptions: [] });

test('a missing binary gives an error message with the install command', async () => {
  const { vscode, calls } = fakeVscode({ 'server.path': path.join(os.tmpdir(), 'no-such-dir', 'charter') });
  const ext = loadExtension(vscode);
  await ext.activate(context());
  assert.ok(calls.commands.includes('charter.restartServer'), 'restart command registered');
  assert.strictEqual(calls.errors.length, 1);
  assert.match(calls.errors[0], /cargo install --path crates\/charter-cli/);
  assert.match(calls.errors[0], /charter\.server\.path/);
  await ext.deactivate();
});

test('a bare name that is not on PATH is reported the same way', async () => {
  const { vscode, calls } = fakeVscode({});
  const savedPath = process.env.PATH;
  process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), 'charter-empty-'));
  try {
    const ext = loadExtension(vscode);
    await ext.activate(context());
    assert.strictEqual(calls.errors.length, 1);
    assert.match(calls.errors[0], /`charter` binary was not found on your PATH/);
    await ext.deactivate();
  } finally {
    process.env.PATH = savedPath;
  }
});

// A minimal language server: records its arguments, answers `initialize` and
// `shutdown`, and exits on `exit`, like `charter lsp` does.
const FAKE_SERVER = `#!/usr/bin/env node
const fs = require('fs');
fs.appendFileSync(process.env.CHARTER_FAKE_LOG, process.argv.slice(2).join(' ') + '\\n');
let buf = Buffer.alloc(0);
const send = (msg) => {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }));
  process.stdout.write('Content-Length: ' + body.length + '\\r\\n\\r\\n');
  process.stdout.write(body);
};
process.stdin.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  for (;;) {
    const end = buf.indexOf('\\r\\n\\r\\n');
    if (end < 0) return;
    const len = Number(/Content-Length: (\\d+)/i.exec(buf.slice(0, end).toString())[1]);
    if (buf.length < end + 4 + len) return;
    const msg = JSON.parse(buf.slice(end + 4, end + 4 + len).toString());
    buf = buf.slice(end + 4 + len);
    if (msg.method === 'initialize') send({ id: msg.id, result: { capabilities: {} } });
    else if (msg.method === 'shutdown') send({ id: msg.id, result: null });
    else if (msg.method === 'exit') process.exit(0);
  }
});
`;

test('an existing binary is started as `<path> lsp <extraArgs>`, and restarted', { skip: process.platform === 'win32' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charter-fake-'));
  const log = path.join(dir, 'argv.txt');
  const bin = path.join(dir, 'charter');
  fs.writeFileSync(bin, FAKE_SERVER, { mode: 0o755 });
  process.env.CHARTER_FAKE_LOG = log;
  const { vscode, calls } = fakeVscode({ 'server.path': bin, 'server.extraArgs': ['--verbose'] });
  const ext = loadExtension(vscode);
  await ext.activate(context());
  assert.deepStrictEqual(calls.errors, []);
  assert.deepStrictEqual(fs.readFileSync(log, 'utf8').trim().split('\n'), ['lsp --verbose']);
  await calls['charter.restartServer']();
  assert.deepStrictEqual(calls.errors, []);
  assert.deepStrictEqual(fs.readFileSync(log, 'utf8').trim().split('\n'), ['lsp --verbose', 'lsp --verbose']);
  await ext.deactivate();
});

test('the bundled server comes first, then the setting', { skip: process.platform === 'win32' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charter-bundled-'));
  fs.mkdirSync(path.join(dir, 'server'));
  const log = path.join(dir, 'argv.txt');
  const bundled = path.join(dir, 'server', 'charter');
  fs.writeFileSync(bundled, FAKE_SERVER.replace("process.argv.slice(2).join(' ')", "'bundled ' + process.argv.slice(2).join(' ')"), { mode: 0o755 });
  const configured = path.join(dir, 'configured');
  fs.writeFileSync(configured, FAKE_SERVER.replace("process.argv.slice(2).join(' ')", "'configured ' + process.argv.slice(2).join(' ')"), { mode: 0o755 });
  process.env.CHARTER_FAKE_LOG = log;

  const first = fakeVscode({ 'server.path': configured });
  let ext = loadExtension(first.vscode);
  await ext.activate({ subscriptions: [], extensionPath: dir });
  assert.deepStrictEqual(first.calls.errors, []);
  await ext.deactivate();

  const off = fakeVscode({ 'server.path': configured, 'server.useBundled': false });
  ext = loadExtension(off.vscode);
  await ext.activate({ subscriptions: [], extensionPath: dir });
  assert.deepStrictEqual(off.calls.errors, []);
  await ext.deactivate();

  // Without a bundled server (a universal package): the setting.
  fs.rmSync(bundled);
  const none = fakeVscode({ 'server.path': configured });
  ext = loadExtension(none.vscode);
  await ext.activate({ subscriptions: [], extensionPath: dir });
  await ext.deactivate();

  assert.deepStrictEqual(fs.readFileSync(log, 'utf8').trim().split('\n'), ['bundled lsp', 'configured lsp', 'configured lsp']);
});
