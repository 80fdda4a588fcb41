// Runs the real `cairn` CLI (bin/cairn.js → dist/src/cli/main.js) as child processes, each with --home.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, type Exit } from '../helpers/relay-process.js';
import { waitFor, within } from '../helpers/wait.js';

const BIN = join(REPO_ROOT, 'bin', 'cairn.js');
const BUILT = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

export type CairnResult = Exit & { stdout: string; stderr: string };

export function assertCliBuilt(): void {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: build first with \`npx tsc -p tsconfig.node.json\` (npm test does it).`);
}

/** The environment of every cairn child: cheap test-only KDF costs and no inherited home. */
export function cairnEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CAIRN_KDF_FAST: '1' };
  delete env.CAIRN_HOME;
  delete env.CAIRN_PASSPHRASE;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs `cairn --home HOME ...args` to completion (stdin closed, so no terminal); SIGKILL after timeoutMs. */
export async function cairn(home: string, args: string[], options: { env?: Record<string, string | undefined>; timeoutMs?: number } = {}): Promise<CairnResult> {
  assertCliBuilt();
  const child = spawn(process.execPath, [BIN, '--home', home, ...args], { cwd: REPO_ROOT, env: cairnEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  // 'close' (unlike 'exit') fires only after both pipes have drained.
  const exit = await new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  clearTimeout(timer);
  return { ...exit, stdout, stderr };
}

/** Parses the single JSON document a successful command printed, failing with its stderr otherwise. */
export function jsonOf<T = unknown>(r: CairnResult): T {
  if (r.code !== 0) throw new Error(`cairn exited ${r.code} (signal ${r.signal}): ${r.stderr}`);
  const lines = r.stdout.trimEnd().split('\n');
  if (lines.length !== 1) throw new Error(`expected one JSON line on stdout, got ${lines.length}: ${r.stdout}`);
  return JSON.parse(lines[0]!) as T;
}

export type Owner = {
  pid: number;
  stderr(): string;
  /** SIGTERM (or another signal), then the exit status. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
  exited: Promise<Exit>;
};

/** Starts `cairn run` on a home and resolves once it listens on its control socket and logged "running". */
export async function startOwner(home: string, env: Record<string, string | undefined>, timeoutMs = 30_000): Promise<Owner> {
  assertCliBuilt();
  const child = spawn(process.execPath, [BIN, '--home', home, 'run'], { cwd: REPO_ROOT, env: cairnEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdout!.resume();
  const exited = new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  let done = false;
  const early = exited.then((e) => {
    done = true;
    throw new Error(`cairn run exited early (code ${e.code}, signal ${e.signal}): ${stderr}`);
  });
  early.catch(() => {}); // observed below while starting; ignored once the owner is up
  try {
    await Promise.race([
      waitFor(() => existsSync(join(home, 'cairn.sock')) && stderr.includes('"msg":"running"'), { timeoutMs, message: 'cairn run to listen on its socket' }),
      early,
    ]);
  } catch (e) {
    child.kill('SIGKILL');
    await exited;
    throw e;
  }
  return {
    pid: child.pid!,
    stderr: () => stderr,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (!done) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      try {
        return await within(exited, 20_000, 'cairn run to exit');
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
