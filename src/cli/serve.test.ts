// `cairn serve` through main(): a real home, lock, control socket and HTTP/WebSocket server, with fake cores.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeJson, encodeJson } from '../shared/bridge/json-bytes.js';
import { parseCommandLine } from './args.js';
import { EXIT } from './exit-codes.js';
import { FAKE_ACCOUNT, fakeBackend, type FakeCore } from './fake-core.js';
import { main, type CliDeps } from './main.js';
import { socketPath } from './session.js';

const ENV = { CAIRN_PASSPHRASE: 'serve pass', CAIRN_KDF_FAST: '1', CAIRN_LOG_LEVEL: 'silent' };
const URL_LINE = /^http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]{43})\n/;

let root: string;
let home: string;
let renderer: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cairn-serve-cli-'));
  home = join(root, 'home');
  renderer = join(root, 'renderer');
  mkdirSync(renderer);
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Cairn UI</title>');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => text };
}

async function until<T>(get: () => T | null | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Starts `cairn serve --port 0` through main(); resolves once the URL line is out. */
async function startServe(cores: FakeCore[], extra: Partial<CliDeps> = {}) {
  const out = sink();
  const err = sink();
  let stop!: (signal: string) => void;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const exit = main(['--home', home, 'serve', '--port', '0'], { env: ENV, stdout: out.stream, stderr: err.stream, tty: null, backend: fakeBackend(cores), stopSignal: () => stopped, rendererDir: renderer, ...extra });
  const line = await Promise.race([until(() => URL_LINE.exec(out.text()), 'the URL line'), exit.then((code) => Promise.reject(new Error(`serve exited ${code}: ${err.text()}`)))]);
  return { url: line[0].trim(), port: Number(line[1]), token: line[2]!, out, err, exit, stop };
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = sink();
  const err = sink();
  return main(['--home', home, ...args], { env: { CAIRN_LOG_LEVEL: 'silent' }, stdout: out.stream, stderr: err.stream, tty: null, backend: fakeBackend() }).then((code) => ({ code, stdout: out.text(), stderr: err.text() }));
}

describe('cairn serve', () => {
  it('parses --port and --host, defaulting to loopback', () => {
    expect(parseCommandLine(['serve'])).toMatchObject({ ok: true, value: { command: { name: 'serve', host: '127.0.0.1', port: 8370 } } });
    expect(parseCommandLine(['serve', '--port', '0', '--host', '0.0.0.0'])).toMatchObject({ ok: true, value: { command: { name: 'serve', host: '0.0.0.0', port: 0 } } });
    for (const bad of [['--port', '65536'], ['--port', '-1'], ['--port', 'x'], ['--host', ''], ['--host', 'a b'], ['extra']]) expect(parseCommandLine(['serve', ...bad]).ok, bad.join(' ')).toBe(false);
  });

  it('says clearly when the UI is not built', async () => {
    const err = sink();
    const code = await main(['--home', home, 'serve', '--port', '0'], { env: ENV, stdout: sink().stream, stderr: err.stream, tty: null, backend: fakeBackend(), rendererDir: join(root, 'nowhere') });
    expect(code).toBe(EXIT.ERROR);
    expect(err.text()).toMatch(/^cairn: the web UI is not built \(.*index\.html is missing\): run npm run build:app\n$/);
    expect(existsSync(home)).toBe(false);
  });

  it('creates a home without an account, owns it, and lets the page create the account', async () => {
    const cores: FakeCore[] = [];
    const s = await startServe(cores);
    expect(s.out.text()).toBe(`${s.url}\n`);
    expect(existsSync(join(home, 'cairn.json'))).toBe(true);
    expect(existsSync(socketPath(home))).toBe(true);

    const page = await fetch(`http://127.0.0.1:${s.port}/`);
    expect(await page.text()).toContain('Cairn UI');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);

    // Other commands go through the owner's socket, and see no account yet.
    const early = await cli(['whoami', '--json']);
    expect(early.code).toBe(EXIT.ERROR);
    expect(early.stderr).toMatch(/no account yet/);
    const second = await cli(['serve', '--port', '0']);
    expect(second.code).toBe(EXIT.BUSY);

    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/bridge`, { headers: { Origin: `http://127.0.0.1:${s.port}` } });
    const frames: unknown[] = [];
    ws.on('message', (d) => frames.push(decodeJson(String(d))?.value));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(encodeJson({ id: 1, method: 'auth', params: [s.token] }));
    ws.send(encodeJson({ id: 2, method: 'createAccount', params: [{ name: 'Alice', relays: ['ws://127.0.0.1:1'] }] }));
    await until(() => frames.length === 2, 'two answers');
    expect(frames[1]).toMatchObject({ id: 2, result: { ok: true, value: { accountId: FAKE_ACCOUNT } } });
    expect(cores).toHaveLength(1);
    expect(cores[0]!.started).toBe(1);
    ws.close();

    const after = await cli(['whoami', '--json']);
    expect(after.code, after.stderr).toBe(EXIT.OK);
    expect(JSON.parse(after.stdout)).toMatchObject({ accountId: FAKE_ACCOUNT });

    s.stop('SIGTERM');
    expect(await s.exit).toBe(EXIT.OK);
    expect(cores[0]!.stopped).toBe(1);
    expect(existsSync(socketPath(home))).toBe(false);
    expect(existsSync(join(home, 'cairn.lock'))).toBe(false);
  });

  it('refuses a wrong passphrase on an existing home (exit 3)', async () => {
    const first = await startServe([]);
    first.stop('SIGTERM');
    expect(await first.exit).toBe(EXIT.OK);
    const err = sink();
    const code = await main(['--home', home, 'serve', '--port', '0'], { env: { ...ENV, CAIRN_PASSPHRASE: 'wrong' }, stdout: sink().stream, stderr: err.stream, tty: null, backend: fakeBackend(), rendererDir: renderer });
    expect(code).toBe(EXIT.UNLOCK);
    expect(existsSync(join(home, 'cairn.lock'))).toBe(false);
  });
});
