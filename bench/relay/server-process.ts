// Starts one bench server as a child process (pinned to a core when taskset exists), finds its port from
// its first stdout line, reads its RSS from /proc, asks it for a GC, and stops it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { once } from 'node:events';

export type ServerHandle = {
  url: string;
  pid: number;
  rssBytes(): number;
  /** Full GC in the server (through the preloaded gc-hook), then resolves. */
  gc(): Promise<void>;
  stop(): Promise<void>;
  /** The last few KB the server wrote to stderr (its logs), for error reports. */
  stderrTail(): string;
  exited(): boolean;
};

export type SpawnSpec = {
  /** Script run by node, with its arguments. */
  script: string;
  args: readonly string[];
  /** CPU to pin to with taskset, or null. */
  cpu: number | null;
  /** Extra node flags (e.g. --expose-gc) and preloads. */
  nodeFlags: readonly string[];
  env?: NodeJS.ProcessEnv;
};

const LISTEN_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 3_000;

/** Spawns node (through taskset when cpu is set) with an IPC channel on fd 3. */
export function spawnNode(spec: SpawnSpec): ChildProcess {
  let argv = [process.execPath, ...spec.nodeFlags, spec.script, ...spec.args];
  if (spec.cpu !== null) argv = ['taskset', '-c', String(spec.cpu), ...argv];
  // BENCH_NICE (e.g. -5, needs root) favours the bench's processes over other work on a shared machine.
  // Each child then gets its own session, whose autogroup it re-nices at start (priority.ts).
  const nice = process.env.BENCH_NICE;
  let env = spec.env ?? process.env;
  if (nice !== undefined && /^-?\d+$/.test(nice)) {
    argv = ['nice', '-n', nice, 'setsid', ...argv];
    env = { ...env, BENCH_AUTOGROUP_NICE: nice };
  }
  return spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env });
}

/** Kills a child: SIGTERM, then SIGKILL if it has not exited after a grace period. */
export async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function readRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (match === null) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** Starts a server; `children` holds it until it exits, so the caller can kill whatever is left on exit. */
export async function startServer(name: string, spec: Omit<SpawnSpec, 'nodeFlags'>, gcHook: string, children: Set<ChildProcess>): Promise<ServerHandle> {
  // BENCH_SERVER_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") is for profiling a server under load.
  const extra = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
  const child = spawnNode({ ...spec, nodeFlags: ['--expose-gc', ...extra, '--import', pathToFileURL(gcHook).href] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const stderrTail: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderrTail.push(chunk);
    if (stderrTail.length > 20) stderrTail.shift();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      reject(new Error(`${name}: ${why}\n${stderrTail.join('').slice(-2000)}`));
    };
    const timer = setTimeout(() => fail('never printed its listening line'), LISTEN_TIMEOUT_MS);
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const match = /listening on (ws:\/\/127\.0\.0\.1:\d+)/.exec(buffered);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  child.stdout?.resume();
  const pid = child.pid!;
  return {
    url,
    pid,
    rssBytes: () => readRss(pid),
    gc: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no answer to gc`)), 10_000);
        const onMessage = (message: unknown): void => {
          if (message !== 'bench:gc-done') return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve();
        };
        child.on('message', onMessage);
        child.send('bench:gc');
      }),
    stop: () => killChild(child),
    stderrTail: () => stderrTail.join('').slice(-4000),
    exited: () => child.exitCode !== null || child.signalCode !== null,
  };
}
