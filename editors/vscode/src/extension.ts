// VS Code client for the Charter language server (`charter lsp`, over stdio).
//
// Everything language-aware (diagnostics, hover, completion, navigation, rename,
// formatting, code actions, inlay hints, outline, semantic tokens) lives in the server;
// this file only finds the `charter` binary, starts it, and restarts it on request.
//
// The binary: the one bundled in a platform-specific package (`server/charter`,
// `npm run package`) unless `charter.server.useBundled` is off, then the
// `charter.server.path` setting, a bare name of which is looked up on PATH. In an
// untrusted workspace VS Code ignores the workspace's values of these settings
// (`capabilities.untrustedWorkspaces.restrictedConfigurations` in package.json), so
// a folder cannot make the extension run a program of its choosing.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  Executable,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

const CLIENT_ID = 'charter';
const CLIENT_NAME = 'Charter Language Server';
const INSTALL_HINT = 'cargo install --path crates/charter-cli';
/** A server command (run by the server's code lens), registered by the client library. */
const SIMULATE_COMMAND = 'charter.simulate';

let client: LanguageClient | undefined;
let outputChannel: vscode.OutputChannel | undefined;
let traceOutputChannel: vscode.OutputChannel | undefined;
/** One watcher for the whole session: the client does not dispose the ones it is given. */
let policyWatcher: vscode.FileSystemWatcher | undefined;
/** Serializes start/stop/restart so that two quick restarts never race. */
let pending: Promise<void> = Promise.resolve();
/** Where the extension is installed (its bundled server is in `server/`). */
let extensionPath: string | undefined;

export function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionPath = context.extensionPath;
  outputChannel = vscode.window.createOutputChannel(CLIENT_NAME);
  traceOutputChannel = vscode.window.createOutputChannel(`${CLIENT_NAME} Trace`);
  // Policies import each other: the server hears when any of them changes on disk.
  policyWatcher = vscode.workspace.createFileSystemWatcher('**/*.charter');
  context.subscriptions.push(outputChannel, traceOutputChannel, policyWatcher);

  context.subscriptions.push(
    vscode.commands.registerCommand('charter.restartServer', () => enqueue(() => restart())),
    vscode.commands.registerCommand('charter.showOutput', () => outputChannel?.show(true)),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (
        event.affectsConfiguration('charter.server.path') ||
        event.affectsConfiguration('charter.server.extraArgs') ||
        event.affectsConfiguration('charter.server.useBundled')
      ) {
        const choice = await vscode.window.showInformationMessage(
          'The Charter language server settings changed.',
          'Restart Server',
        );
        if (choice === 'Restart Server') {
          await enqueue(() => restart());
        }
      }
    }),
  );

  return enqueue(() => start());
}

export function deactivate(): Promise<void> {
  return enqueue(() => stop());
}

function enqueue(task: () => Promise<void>): Promise<void> {
  pending = pending.then(task, task);
  return pending;
}

async function restart(): Promise<void> {
  await stop();
  await start();
  if (client?.state === State.Running) {
    vscode.window.setStatusBarMessage('Charter language server restarted', 3000);
  }
}

async function stop(): Promise<void> {
  const current = client;
  client = undefined;
  if (!current) {
    return;
  }
  try {
    // The client refuses to stop unless it is running (a failed start leaves it in
    // StartFailed): then there is no server to shut down, only the client to dispose.
    if (current.state === State.Running) {
      await current.stop(2000);
    }
  } catch (error) {
    log(`stopping the server failed: ${describe(error)}`);
  }
  await Promise.resolve()
    .then(() => current.dispose())
    .catch(() => undefined);
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration('charter');
  const configuredPath = config.get<string>('server.path', 'charter').trim() || 'charter';
  const extraArgs = config.get<string[]>('server.extraArgs', []).filter((a) => typeof a === 'string');
  const useBundled = config.get<boolean>('server.useBundled', true);

  const command = (useBundled ? bundledServer() : undefined) ?? resolveCommand(configuredPath);
  if (!command) {
    reportMissingBinary(configuredPath);
    return;
  }

  const executable: Executable = {
    command,
    args: ['lsp', ...extraArgs],
    // No `transport` here: TransportKind.stdio would append `--stdio` to the arguments.
    // Without it the client still talks to the server over stdin/stdout.
    options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath },
  };
  const serverOptions: ServerOptions = { run: executable, debug: executable };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'charter' },
      { scheme: 'untitled', language: 'charter' },
    ],
    synchronize: { fileEvents: policyWatcher },
    outputChannel,
    traceOutputChannel,
    middleware: {
      // The server's "simulate" code lens runs `charter.simulate` on the server, which
      // returns the result instead of showing it: show it here, beside the policy.
      executeCommand: async (command, args, next) => {
        if (command !== SIMULATE_COMMAND) {
          return next(command, args);
        }
        try {
          const result = await next(command, args);
          if (result !== undefined && result !== null) {
            await showSimulation(result);
          }
          return result;
        } catch (error) {
          void vscode.window.showErrorMessage(`Charter simulation failed: ${describe(error)}`);
          return undefined;
        }
      },
    },
  };

  log(`starting ${command} ${executable.args?.join(' ')}`);
  const next = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  client = next;
  try {
    await next.start();
  } catch (error) {
    client = undefined;
    await Promise.resolve()
      .then(() => next.dispose())
      .catch(() => undefined);
    if (isNotFound(error)) {
      reportMissingBinary(configuredPath);
    } else {
      void vscode.window
        .showErrorMessage(
          `The Charter language server (${command} lsp) failed to start: ${describe(error)}`,
          'Show Output',
          'Open Settings',
        )
        .then(handleChoice);
    }
  }
}

async function showSimulation(result: unknown): Promise<void> {
  const document = await vscode.workspace.openTextDocument(
    typeof result === 'string'
      ? { language: 'plaintext', content: result }
      : { language: 'json', content: JSON.stringify(result, null, 2) },
  );
  await vscode.window.showTextDocument(document, {
    viewColumn: vscode.ViewColumn.Beside,
    preview: true,
    preserveFocus: true,
  });
}

/** The server shipped inside a platform-specific package, if this is one. */
function bundledServer(): string | undefined {
  if (!extensionPath) {
    return undefined;
  }
  const name = process.platform === 'win32' ? 'charter.exe' : 'charter';
  const bundled = path.join(extensionPath, 'server', name);
  return isExecutableFile(bundled) ? bundled : undefined;
}

/**
 * Turns the `charter.server.path` setting into an executable path, or undefined when
 * it cannot be found. `~` and `${workspaceFolder}` are expanded; a bare name is looked
 * up on PATH (with PATHEXT on Windows), as the operating system would.
 */
function resolveCommand(configured: string): string | undefined {
  let candidate = configured;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder) {
    candidate = candidate.replace(/\$\{workspaceFolder\}/g, folder);
  }
  if (candidate === '~' || candidate.startsWith('~/') || candidate.startsWith('~\\')) {
    candidate = path.join(os.homedir(), candidate.slice(1));
  }

  const extensions =
    process.platform === 'win32'
      ? ['', ...(process.env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)]
      : [''];

  const hasSeparator = candidate.includes('/') || candidate.includes('\\');
  if (hasSeparator || path.isAbsolute(candidate)) {
    const absolute = path.isAbsolute(candidate)
      ? candidate
      : path.resolve(folder ?? process.cwd(), candidate);
    return extensions.map((ext) => absolute + ext).find(isExecutableFile);
  }

  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) {
      continue;
    }
    for (const ext of extensions) {
      const full = path.join(dir, candidate + ext);
      if (isExecutableFile(full)) {
        return full;
      }
    }
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

function reportMissingBinary(configured: string): void {
  const where =
    configured === 'charter'
      ? 'The `charter` binary was not found on your PATH'
      : `The Charter language server binary "${configured}" (setting charter.server.path) was not found or is not executable`;
  const message =
    `${where}, so Charter policies get highlighting only: no diagnostics, hover or completion. ` +
    `Install it from a Charter checkout with \`${INSTALL_HINT}\` (then make sure ~/.cargo/bin is on PATH), ` +
    `or set "charter.server.path" to the binary, then run "Charter: Restart Language Server".`;
  log(message);
  // Not awaited: the message stays until dismissed, and activation must not wait for it.
  void vscode.window
    .showErrorMessage(message, 'Copy Install Command', 'Open Settings')
    .then(handleChoice);
}

function handleChoice(choice: string | undefined): void {
  switch (choice) {
    case 'Copy Install Command':
      void vscode.env.clipboard.writeText(INSTALL_HINT);
      break;
    case 'Open Settings':
      void vscode.commands.executeCommand('workbench.action.openSettings', 'charter.server');
      break;
    case 'Show Output':
      outputChannel?.show(true);
      break;
  }
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'ENOENT' || /ENOENT/.test(describe(error));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function log(message: string): void {
  outputChannel?.appendLine(`[${new Date().toISOString()}] ${message}`);
}
