// `npm run package`: a platform-specific .vsix with the `charter` binary inside.
//
//   CHARTER_BIN   the binary to bundle (default: ../../target/release/charter, built by
//                 `cargo build --release -p charter-cli`; CI passes the one it built)
//   VSCE_TARGET   the VS Code target (default: this machine's, e.g. linux-x64)
//
// The binary is copied to server/charter (server/charter.exe for win32 targets), the
// package is written as charter-policy-<target>-<version>.vsix, and its listing is
// checked for the binary. For the other targets, build `charter` for that platform
// (e.g. `cargo build --release --target aarch64-apple-darwin -p charter-cli`) and run
// this with CHARTER_BIN and VSCE_TARGET set (README.md lists the targets).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const root = path.resolve(here, '..', '..');

/** VS Code's name for this machine's platform. */
function hostTarget() {
  const os = { linux: 'linux', darwin: 'darwin', win32: 'win32' }[process.platform];
  const arch = { x64: 'x64', arm64: 'arm64', arm: 'armhf' }[process.arch];
  if (!os || !arch) {
    fail(`no VS Code target for ${process.platform}-${process.arch}: set VSCE_TARGET`);
  }
  return `${os}-${arch}`;
}

function fail(message) {
  console.error(`npm run package: ${message}`);
  process.exit(1);
}

const target = process.env.VSCE_TARGET || hostTarget();
const windows = target.startsWith('win32-');
const exe = windows ? 'charter.exe' : 'charter';
const bin = path.resolve(process.env.CHARTER_BIN || path.join(root, 'target', 'release', exe));
if (!fs.existsSync(bin) || !fs.statSync(bin).isFile()) {
  fail(
    `no charter binary at ${bin}: build it with \`cargo build --release -p charter-cli\` ` +
      'from the root of the checkout, or set CHARTER_BIN',
  );
}

const serverDir = path.join(here, 'server');
fs.rmSync(serverDir, { recursive: true, force: true });
fs.mkdirSync(serverDir);
const bundled = path.join(serverDir, exe);
fs.copyFileSync(bin, bundled);
fs.chmodSync(bundled, 0o755);
// The release profile keeps line tables for backtraces; users do not need them in the
// package (most of its size). Stripped when packaging for this Linux machine's platform.
if (process.platform === 'linux' && target === `linux-${process.arch}`) {
  try {
    execFileSync('strip', ['--strip-debug', bundled], { stdio: 'ignore' });
  } catch {
    console.log('strip is not available: the binary is bundled with its debug line tables');
  }
}

const { version } = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8'));
const out = `charter-policy-${target}-${version}.vsix`;
const vsce = path.join(here, 'node_modules', '.bin', windows && process.platform === 'win32' ? 'vsce.cmd' : 'vsce');
console.log(`packaging ${out} with ${bin}`);
execFileSync(vsce, ['package', '--target', target, '--out', out], { cwd: here, stdio: 'inherit' });

// The package must hold the server, executable: read the .vsix's own listing (its zip
// central directory).
const entry = zipEntries(fs.readFileSync(path.join(here, out))).find((e) => e.name === `extension/server/${exe}`);
if (!entry) {
  fail(`${out} does not hold extension/server/${exe}`);
}
if (!windows && (entry.mode & 0o111) === 0) {
  fail(`extension/server/${exe} is not executable in ${out}`);
}
console.log(
  `${out}: ${(fs.statSync(path.join(here, out)).size / 1e6).toFixed(1)} MB, ` +
    `extension/server/${exe} inside (${(entry.size / 1e6).toFixed(1)} MB, mode ${entry.mode.toString(8)})`,
);

/** The names, sizes and Unix modes of a zip file's entries. */
function zipEntries(zip) {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) {
    fail(`${out} is not a zip file`);
  }
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) {
      fail(`${out}: damaged central directory`);
    }
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const mode = (zip.readUInt32LE(at + 38) >>> 16) & 0o7777;
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    entries.push({ name, size, mode });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
