// `cairn serve --port 0` on the bench home, from the compiled bench (the e2e helper finds the repository from
// its TypeScript source's place, which dist/ moves).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export type BenchServe = { url: string; pid: number; stop(): Promise<void> };

export function startBenchServe(repoRoot: string, home: string, keyFile: string, timeoutMs = 60_000): Promise<BenchServe> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'cairn.js'), '--home', home, '--key-file', keyFile, 'serve', '--port', '0'], {
    cwd: repoRoot,
    env: { ...process.env, CAIRN_LOG_LEVEL: process.env['CAIRN_LOG_LEVEL'] ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`cairn serve printed no URL within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      resolve({ url: out.slice(0, nl), pid: child.pid!, stop });
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`cairn serve exited before printing its URL; stderr:\n${stderr}`));
    });
  });
}
