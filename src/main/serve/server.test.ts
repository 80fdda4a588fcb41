import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { decodeJson, encodeJson } from '../../shared/bridge/json-bytes.js';
import { silentLogger } from '../sync/logger.js';
import type { Home } from '../home/index.js';
import { createAccountHost, type AccountHost } from './account-host.js';
import { CLOSE } from './bridge-socket.js';
import { startServeServer, type ServeServer } from './server.js';
import { FAKE_ACCOUNT, fakeFactory, type EventfulFakeCore } from './test-fakes.js';

let parent: string;
let root: string;
let server: ServeServer;
let host: AccountHost;
let cores: EventfulFakeCore[];
const open: WebSocket[] = [];

beforeEach(async () => {
  parent = mkdtempSync(join(tmpdir(), 'cairn-serve-'));
  root = join(parent, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Cairn</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(parent, 'cairn-serve-secret.txt'), 'secret');
  cores = [];
  host = createAccountHost({ home: { dir: root } as Home, sodium: {} as Sodium, factory: fakeFactory({ cores }) });
  await host.open();
  const s = await startServeServer({ host: '127.0.0.1', port: 0, rendererDir: root, core: host.api, onboarding: host.onboarding, info: { version: '9.9.9', platform: 'linux' }, log: silentLogger, authTimeoutMs: 300 });
  if (!s.ok) throw new Error(s.message);
  server = s.value;
});

afterEach(async () => {
  for (const ws of open) ws.terminate();
  open.length = 0;
  await server.close();
  await host.stop();
  rmSync(parent, { recursive: true, force: true });
});

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** A raw HTTP request to the server with any Host and Origin (fetch cannot set Host). */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers: { Host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function socket(headers: Record<string, string> = {}): WebSocket {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/bridge`, { headers: { Origin: `http://127.0.0.1:${server.port}`, ...headers } });
  open.push(ws);
  return ws;
}

/** Resolves with the next text frame, decoded. */
const next = (ws: WebSocket): Promise<unknown> => new Promise((resolve) => ws.once('message', (d) => resolve(decodeJson(String(d))?.value)));
const closed = (ws: WebSocket): Promise<{ code: number }> => new Promise((resolve) => ws.once('close', (code) => resolve({ code })));
const opened = (ws: WebSocket): Promise<void> => new Promise((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
const unexpected = (ws: WebSocket): Promise<number> => new Promise((resolve) => (ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)), ws.once('error', () => undefined)));

async function authed(): Promise<WebSocket> {
  const ws = socket();
  await opened(ws);
  ws.send(encodeJson({ id: 0, method: 'auth', params: [server.token] }));
  expect(await next(ws)).toEqual({ id: 0, result: { ok: true, value: { protocol: 1, version: '9.9.9', platform: 'linux' } } });
  return ws;
}

async function call(ws: WebSocket, id: number, method: string, params: unknown[]): Promise<unknown> {
  const answer = next(ws);
  ws.send(encodeJson({ id, method, params }));
  return answer;
}

describe('cairn serve: HTTP', () => {
  it('prints a URL with a 32-byte token in the fragment', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
    expect(Buffer.from(server.token, 'base64url')).toHaveLength(32);
  });

  it('serves the renderer with the CSP and nosniff on every response', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>Cairn</title>');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    const js = await get('/assets/app.js', { Origin: `http://127.0.0.1:${server.port}` });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    for (const a of [index, js, await get('/missing.js'), await get('/', { Host: 'evil.example' })]) {
      expect(a.headers['content-security-policy']).toMatch(/^default-src 'self'; script-src 'self';/);
      expect(a.headers['x-content-type-options']).toBe('nosniff');
    }
    expect((await get('/', {}, 'HEAD')).body).toBe('');
    expect((await get('/', {}, 'POST')).status).toBe(405);
  });

  it('serves nothing outside its root and lists no directory', async () => {
    for (const p of ['/../cairn-serve-secret.txt', '/%2e%2e/cairn-serve-secret.txt', '/..%2fcairn-serve-secret.txt', '/assets/..%2f..%2fcairn-serve-secret.txt']) {
      const a = await get(p);
      expect(a.status, p).toBeGreaterThanOrEqual(400);
      expect(a.body).not.toContain('secret');
    }
    expect((await get('/assets')).status).toBe(404);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin on every request', async () => {
    expect((await get('/', { Host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get('/', { Host: `127.0.0.1:${server.port + 1}` })).status).toBe(403);
    expect((await get('/', { Host: `localhost:${server.port}` })).status).toBe(200);
    expect((await get('/assets/app.js', { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await get('/assets/app.js', { Origin: 'null' })).status).toBe(403);
  });
});

describe('cairn serve: the WebSocket bridge', () => {
  it('refuses upgrades with a foreign Origin, no Origin, a foreign Host or another path', async () => {
    expect(await unexpected(socket({ Origin: 'http://evil.example' }))).toBe(403);
    const noOrigin = new WebSocket(`ws://127.0.0.1:${server.port}/bridge`);
    open.push(noOrigin);
    expect(await unexpected(noOrigin)).toBe(403);
    expect(await unexpected(socket({ Host: `evil.example:${server.port}`, Origin: `http://evil.example:${server.port}` }))).toBe(403);
    const other = new WebSocket(`ws://127.0.0.1:${server.port}/other`, { headers: { Origin: `http://127.0.0.1:${server.port}` } });
    open.push(other);
    expect(await unexpected(other)).toBe(404);
  });

  it('closes a socket that presents a wrong token, calls before auth, or nothing in time', async () => {
    const wrong = socket();
    await opened(wrong);
    const wrongClosed = closed(wrong);
    wrong.send(encodeJson({ id: 0, method: 'auth', params: ['A'.repeat(43)] }));
    expect(await next(wrong)).toMatchObject({ id: 0, result: { ok: false, code: 'UNAUTHORIZED' } });
    expect((await wrongClosed).code).toBe(CLOSE.UNAUTHORIZED);

    const early = socket();
    await opened(early);
    const earlyClosed = closed(early);
    early.send(encodeJson({ id: 1, method: 'whoami', params: [] }));
    expect((await earlyClosed).code).toBe(CLOSE.UNAUTHORIZED);

    const silent = socket();
    await opened(silent);
    expect((await closed(silent)).code).toBe(CLOSE.AUTH_TIMEOUT);
    expect(server.sockets()).toBe(0);
  });

  it('carries onboarding, then core calls, validating every argument', async () => {
    const ws = await authed();
    expect(await call(ws, 1, 'hasAccount', [])).toEqual({ id: 1, result: { ok: true, value: false } });
    expect(await call(ws, 2, 'whoami', [])).toMatchObject({ id: 2, result: { ok: false, code: 'NOT_ALLOWED' } });
    expect(await call(ws, 3, 'createAccount', [{ name: '', relays: ['ws://127.0.0.1:1'] }])).toMatchObject({ id: 3, result: { ok: false, code: 'INVALID_ARGUMENT' } });
    expect(await call(ws, 4, 'createAccount', [{ name: 'Alice', relays: ['ws://127.0.0.1:1'] }])).toMatchObject({ id: 4, result: { ok: true, value: { accountId: FAKE_ACCOUNT } } });
    expect(await call(ws, 5, 'whoami', [])).toMatchObject({ id: 5, result: { ok: true, value: { name: 'Alice' } } });
    const malformed: Array<[string, unknown[]]> = [
      ['send', ['not-hex', 'hi']],
      ['send', ['c3'.repeat(16)]],
      ['messages', ['c3'.repeat(16), { limit: -1 }]],
      ['setProfile', [{ avatar: { mime: 'image/png', bytes: 'AQI=' } }]],
      ['createChat', [{ with: ['a1'.repeat(32)], admin: true }]],
    ];
    for (const [i, [method, params]] of malformed.entries()) expect(await call(ws, 10 + i, method, params), method).toMatchObject({ result: { ok: false, code: 'INVALID_ARGUMENT' } });
    expect(await call(ws, 20, 'on', ['status'])).toMatchObject({ result: { ok: false, code: 'UNKNOWN_METHOD' } });
    expect(await call(ws, 21, '__proto__', [])).toMatchObject({ result: { ok: false, code: 'UNKNOWN_METHOD' } });
    expect(await call(ws, 22, 'addContact', ['throw'])).toMatchObject({ result: { ok: false, code: 'INTERNAL' } });
    const bad = next(ws);
    ws.send('{"id":23}');
    expect(await bad).toMatchObject({ id: 23, result: { ok: false, code: 'BAD_REQUEST' } });
    expect(cores[0]!.calls.map(([m]) => m)).toEqual(['whoami', 'whoami', 'addContact']);
  });

  it('carries the devices API (link, revoke, backfill, chat sync) and checks its arguments', async () => {
    const ws = await authed();
    await call(ws, 1, 'createAccount', [{ name: 'Alice', relays: ['ws://127.0.0.1:1'] }]);
    const linkId = 'e4'.repeat(16);
    const device = 'd2'.repeat(32);
    const good: Array<[string, unknown[]]> = [
      ['devices', []],
      ['approveLink', ['cairn-link:abc', { timeoutMs: 5000 }]],
      ['confirmLink', [linkId, true]],
      ['backfillProgress', []],
      ['revokeDevice', [device]],
      ['chatSyncStatus', ['c3'.repeat(16)]],
      ['addRelay', ['ws://127.0.0.1:2']],
    ];
    for (const [i, [method, params]] of good.entries()) expect(await call(ws, 2 + i, method, params), method).toMatchObject({ result: { ok: true, value: method } });
    expect(cores[0]!.calls.slice(-good.length)).toEqual(good);
    const bad: Array<[string, unknown[]]> = [
      ['approveLink', []],
      ['confirmLink', [linkId, 'yes']],
      ['revokeDevice', ['nope']],
      ['chatSyncStatus', []],
      ['devices', [1]],
      ['requestLink', [{ relay: 'ws://x', extra: 1 }]],
    ];
    for (const [i, [method, params]] of bad.entries()) expect(await call(ws, 20 + i, method, params), method).toMatchObject({ result: { ok: false, code: 'INVALID_ARGUMENT' } });
    expect(await call(ws, 30, 'linkStatus', [])).toMatchObject({ result: { ok: true, value: { state: 'idle' } } });
    expect(await call(ws, 31, 'requestLink', [{ relay: 'ws://127.0.0.1:1' }])).toMatchObject({ result: { ok: false, code: 'NOT_ALLOWED' } });
  });

  it('carries bytes both ways and forwards core events to authenticated sockets only', async () => {
    const ws = await authed();
    await call(ws, 1, 'createAccount', [{ name: 'Alice', relays: ['ws://127.0.0.1:1'] }]);
    const avatar = { mime: 'image/png', bytes: new Uint8Array([137, 80, 78, 71]) };
    expect(await call(ws, 2, 'setProfile', [{ avatar }])).toMatchObject({ result: { ok: true } });
    expect(cores[0]!.calls.at(-1)).toEqual(['setProfile', [{ avatar }]]);

    const other = socket();
    await opened(other);
    const otherFrames: unknown[] = [];
    other.on('message', (d) => otherFrames.push(String(d)));
    const event = next(ws);
    cores[0]!.emit('chatRemoved', { chatId: 'c3'.repeat(16) });
    expect(await event).toEqual({ event: 'chatRemoved', payload: { chatId: 'c3'.repeat(16) } });
    expect(otherFrames).toEqual([]);
  });

  it('closes its sockets and stops forwarding when the server closes', async () => {
    const ws = await authed();
    const done = closed(ws);
    await server.close();
    expect((await done).code).toBe(CLOSE.SHUTDOWN);
  });
});
