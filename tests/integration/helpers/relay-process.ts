// Runs the real relay as a child process (bin/cairn-relay.js → dist/relay/cli.js) on 127.0.0.1, port 0.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { within } from './wait.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(REPO_ROOT, 'bin', 'cairn-relay.js');
const BUILT_CLI = join(REPO_ROOT, 'dist', 'relay', 'cli.js');
const FIRST_LINE = /^cairn-relay listening on (ws:\/\/([^:/\s]+):(\d+))$/;

export type RelayStats = { connections: number; topics: number; storedUpdates: number; storedBytes: number; devicesOnline?: number };
export type Exit = { code: number | null; signal: NodeJS.Signals | null };

export type RelayProcess = {
  url: string;
  httpUrl: string;
  port: number;
  dataDir: string;
  /** Everything the relay wrote to stderr so far (pino logs). */
  stderr(): string;
  stats(): Promise<RelayStats>;
  /** SIGTERM, then the exit status (SIGKILL after timeoutMs). */
  stop(timeoutMs?: number): Promise<Exit>;
  /** SIGKILL (kill -9), then the exit status. */
  kill(): Promise<Exit>;
  exited: Promise<Exit>;
};

export type StartRelayOptions = {
  /** Extra CLI flags, e.g. ['--ttl', '300ms']. */
  args?: string[];
  /** Reuse a data directory (e.g. restart after SIGKILL); the caller removes it. Default: a fresh temp dir removed on stop/kill. */
  dataDir?: string;
  env?: Record<string, string>;
  startTimeoutMs?: number;
};

export function assertRelayBuilt(): void {
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: build the relay first with \`npx tsc -p tsconfig.node.json\` (npm test does it).`);
}

export function makeTempDir(prefix = 'cairn-relay-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

function exitOf(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** Starts a relay and resolves once its first stdout line names the URL it listens on. */
export async function startRelay(options: StartRelayOptions = {}): Promise<RelayProcess> {
  assertRelayBuilt();
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? makeTempDir();
  const args = [BIN, '--port', '0', '--host', '127.0.0.1', '--data', dataDir, ...(options.args ?? [])];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = exitOf(child).then((exit) => {
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    return exit;
  });

  const firstLine = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    void exited.then((e) => reject(new Error(`relay exited (code ${e.code}, signal ${e.signal}) before listening; stderr:\n${stderr}`)));
  });
  let line: string;
  try {
    line = await within(firstLine, options.startTimeoutMs ?? 15_000, 'the relay to print its URL');
  } catch (e) {
    child.kill('SIGKILL');
    await exited;
    throw e;
  }
  const m = FIRST_LINE.exec(line);
  if (m === null) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`unexpected first stdout line from the relay: ${JSON.stringify(line)}`);
  }
  const url = m[1]!;
  const httpUrl = url.replace(/^ws:/, 'http:');

  const signal = async (sig: NodeJS.Signals, timeoutMs: number): Promise<Exit> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    url,
    httpUrl,
    port: Number(m[3]),
    dataDir,
    stderr: () => stderr,
    stats: () => fetchStats(httpUrl),
    stop: (timeoutMs = 10_000) => signal('SIGTERM', timeoutMs),
    kill: () => signal('SIGKILL', 5_000),
    exited,
  };
}

export async function fetchStats(httpUrl: string): Promise<RelayStats> {
  const res = await fetch(`${httpUrl}/stats`);
  if (!res.ok) throw new Error(`/stats answered ${res.status}`);
  return (await res.json()) as RelayStats;
}

export type CliRun = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

/** Runs the relay CLI to completion (for --help, bad flags); kills it after timeoutMs. */
export async function runRelayCli(args: string[], timeoutMs = 10_000): Promise<CliRun> {
  assertRelayBuilt();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  // 'close' (unlike 'exit') fires only after both pipes have drained.
  const exit = await new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  clearTimeout(timer);
  return { ...exit, stdout, stderr };
}
