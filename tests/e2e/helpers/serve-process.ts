// Runs `cairn serve --port 0` (bin/cairn.js → dist/src/cli/main.js) on a temp home and reads the URL it
// prints as its first stdout line.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, type Exit } from '../../integration/helpers/relay-process.js';
import { within } from '../../integration/helpers/wait.js';

const BIN = join(REPO_ROOT, 'bin', 'cairn.js');
const BUILT_CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
const BUILT_UI = join(REPO_ROOT, 'out', 'renderer', 'index.html');
export const SERVE_URL = /^(http:\/\/127\.0\.0\.1:(\d+))\/#token=([A-Za-z0-9_-]{43})$/;

export type ServeProcess = {
  /** The whole first stdout line: http://127.0.0.1:PORT/#token=... */
  url: string;
  origin: string;
  port: number;
  token: string;
  home: string;
  stderr(): string;
  /** SIGTERM, then the exit status (SIGKILL after 10 s). */
  stop(): Promise<Exit>;
  exited: Promise<Exit>;
};

export type StartServeOptions = {
  /** Reuse a home (the caller removes it); default: a fresh temp dir removed on stop. */
  home?: string;
  passphrase?: string;
  args?: string[];
  env?: Record<string, string>;
};

export function assertServeBuilt(): void {
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: build with \`npx tsc -p tsconfig.node.json\` (npm test does it).`);
  if (!existsSync(BUILT_UI)) throw new Error(`${BUILT_UI} is missing: build the UI with \`npm run build:app\` (npm test does it).`);
}

function exitOf(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('close', (code, signal) => resolve({ code, signal }));
  });
}

export async function startServe(options: StartServeOptions = {}): Promise<ServeProcess> {
  assertServeBuilt();
  const ownHome = options.home === undefined;
  const root = ownHome ? mkdtempSync(join(tmpdir(), 'cairn-e2e-')) : null;
  const home = options.home ?? join(root!, 'home');
  const env: NodeJS.ProcessEnv = { ...process.env, CAIRN_KDF_FAST: '1', CAIRN_PASSPHRASE: options.passphrase ?? 'e2e passphrase', ...options.env };
  delete env['CAIRN_HOME'];
  const child = spawn(process.execPath, [BIN, '--home', home, 'serve', '--port', '0', ...(options.args ?? [])], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = exitOf(child).then((exit) => {
    if (root) rmSync(root, { recursive: true, force: true });
    return exit;
  });
  const firstLine = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    void exited.then((e) => reject(new Error(`cairn serve exited (code ${e.code}, signal ${e.signal}) before printing its URL; stderr:\n${stderr}`)));
  });
  let line: string;
  try {
    line = await within(firstLine, 30_000, 'cairn serve to print its URL');
  } catch (e) {
    child.kill('SIGKILL');
    await exited;
    throw e;
  }
  const m = SERVE_URL.exec(line);
  if (m === null) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`unexpected first stdout line from cairn serve: ${JSON.stringify(line)}`);
  }
  return {
    url: line,
    origin: m[1]!,
    port: Number(m[2]),
    token: m[3]!,
    home,
    stderr: () => stderr,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
