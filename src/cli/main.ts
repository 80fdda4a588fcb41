// The `cairn` process: parse the command line, find the home's core (its owner's socket, or opened here), run
// the command, print, and return the exit code. bin/cairn.js imports the built file and exits with it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { resolveHomeDir } from '../main/home/index.js';
import { loadSodium } from '../main/crypto/index.js';
import type { Sodium } from '../shared/crypto/sodium.js';
import type { Result } from '../shared/result.js';
import { parseCommandLine, type Command } from './args.js';
import { loadCoreBackend, type CoreBackend } from './backend.js';
import { executeCommand, failure, needsNetwork, type Outcome } from './commands.js';
import { EXIT } from './exit-codes.js';
import { initHome } from './init.js';
import { runOwner } from './owner.js';
import { defaultRendererDir, runServe } from './serve.js';
import { resolveSecret, type SecretSources } from './passphrase.js';
import { openSession } from './session.js';
import { commandHelp, overviewHelp } from './usage.js';
import { jsonLine } from './format.js';
import { runDeviceCommand, runLinkRequest } from './link.js';

export type CliDeps = {
  env?: Record<string, string | undefined>;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  tty?: SecretSources['tty'];
  backend?: () => Promise<Result<CoreBackend, string>>;
  sodium?: () => Promise<Sodium>;
  /** Resolves with a signal name when `cairn run` should stop (default: SIGTERM or SIGINT). */
  stopSignal?: () => Promise<string>;
  /** The built renderer `cairn serve` serves (default: out/renderer of this package). */
  rendererDir?: string;
};

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (text === '') return Promise.resolve();
  return new Promise((resolve) => stream.write(text, () => resolve()));
}

function version(): string {
  // src/cli in tests, dist/src/cli when built: walk up to the package.json.
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) return String((JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown }).version ?? 'unknown');
  }
  return 'unknown';
}

function processTty(): SecretSources['tty'] {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return null;
  return { input: process.stdin, output: process.stderr };
}

/** pino JSON lines on stderr; one-shot commands stay silent unless CAIRN_LOG_LEVEL asks, so stderr keeps to one line. */
function logger(env: Record<string, string | undefined>, level: string): pino.Logger {
  return pino({ name: 'cairn', level: env.CAIRN_LOG_LEVEL ?? level }, pino.destination({ fd: 2, sync: true }));
}

function signals(): Promise<string> {
  return new Promise((resolve) => {
    let seen = false;
    const on = (signal: string) => () => {
      // A second signal while shutting down means "now".
      if (seen) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
      seen = true;
      resolve(signal);
    };
    process.on('SIGTERM', on('SIGTERM'));
    process.on('SIGINT', on('SIGINT'));
  });
}

type RunDeps = Required<Omit<CliDeps, 'stdout' | 'stderr' | 'rendererDir'>> & { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; rendererDir: string };

async function runCommand(command: Command, dir: string, deps: RunDeps, secretSources: SecretSources): Promise<Outcome> {
  const secret = (confirm = false) => () => resolveSecret(secretSources, { confirm });
  switch (command.name) {
    case 'help':
      return { stdout: command.topic === null ? overviewHelp() : commandHelp(command.topic), exit: EXIT.OK, error: null };
    case 'version':
      return { stdout: `cairn ${version()}\n`, exit: EXIT.OK, error: null };
    case 'init': {
      const r = await initHome({ dir, name: command.displayName, relays: command.relays, secret: secret(true), sodium: deps.sodium, backend: deps.backend, env: deps.env });
      return r.ok ? { stdout: jsonLine({ accountId: r.value.accountId, deviceId: r.value.deviceId }), exit: EXIT.OK, error: null } : failure(r.code, r.message);
    }
    case 'run': {
      const r = await runOwner({ dir, secret: secret(), sodium: deps.sodium, backend: deps.backend, log: logger(deps.env, 'info'), stopSignal: deps.stopSignal() });
      return r.ok ? { stdout: '', exit: EXIT.OK, error: null } : failure(r.code, r.message);
    }
    case 'serve': {
      const r = await runServe({
        dir,
        host: command.host,
        port: command.port,
        secret: (o) => resolveSecret(secretSources, o),
        sodium: deps.sodium,
        backend: deps.backend,
        env: deps.env,
        log: logger(deps.env, 'info'),
        stopSignal: deps.stopSignal(),
        rendererDir: deps.rendererDir,
        print: (text) => write(deps.stdout, text),
        version: version(),
      });
      return r.ok ? { stdout: '', exit: EXIT.OK, error: null } : failure(r.code, r.message);
    }
    case 'link request':
      return runLinkRequest({ ...command, dir, secret: secret(true), sodium: deps.sodium, env: deps.env, print: (t) => write(deps.stdout, t), printErr: (t) => write(deps.stderr, t) });
    default: {
      const log = deps.env.CAIRN_LOG_LEVEL ? logger(deps.env, 'silent') : undefined;
      const network = command.name === 'link approve' || command.name === 'devices revoke' || (command.name !== 'devices' && needsNetwork(command));
      const session = await openSession({ dir, secret: secret(), sodium: deps.sodium, backend: deps.backend, network, ...(log ? { log } : {}) });
      if (!session.ok) return failure(session.code, session.message);
      try {
        if (command.name === 'link approve' || command.name === 'devices' || command.name === 'devices revoke') return await runDeviceCommand(command, session.value, { tty: deps.tty, printErr: (t) => write(deps.stderr, t) });
        return await executeCommand(command, session.value.core, { progress: (line) => void write(deps.stderr, `${line}\n`), direct: session.value.via === 'direct' });
      } finally {
        await session.value.close();
      }
    }
  }
}

/** Runs one cairn command line; resolves with the exit code once its output is written. */
export async function main(argv: readonly string[], options: CliDeps = {}): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  const deps = {
    env,
    tty: options.tty === undefined ? processTty() : options.tty,
    backend: options.backend ?? loadCoreBackend,
    sodium: options.sodium ?? (() => loadSodium('native')),
    stopSignal: options.stopSignal ?? signals,
    stdout,
    stderr,
    rendererDir: options.rendererDir ?? defaultRendererDir(),
  };
  const parsed = parseCommandLine(argv);
  if (!parsed.ok) {
    await write(stderr, `cairn: ${parsed.message}\n`);
    return EXIT.USAGE;
  }
  const { globals, command } = parsed.value;
  const dir = resolveHomeDir({ flag: globals.home, env });
  let outcome: Outcome;
  try {
    outcome = await runCommand(command, dir, deps, { keyFile: globals.keyFile, env, tty: deps.tty });
  } catch (e) {
    outcome = failure('INTERNAL', `internal error: ${e instanceof Error ? e.message : String(e)}`);
    if (env.CAIRN_DEBUG === '1' && e instanceof Error && e.stack) await write(stderr, `${e.stack}\n`);
  }
  await write(stdout, outcome.stdout);
  if (outcome.error !== null) await write(stderr, `cairn: ${outcome.error}\n`);
  return outcome.exit;
}
