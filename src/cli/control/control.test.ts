import { linkSync, lstatSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_ACCOUNT, FAKE_CHAT, FAKE_CONTACT, FAKE_DEVICE, FAKE_INVITE, FAKE_LINK_CODE, FAKE_LINK_ID, FAKE_NEW_DEVICE, FAKE_SAS, createFakeCore, type FakeCore } from '../fake-core.js';
import { connectControl, type RemoteCore } from './client.js';
import { CONTROL_METHODS, MAX_REQUEST_BYTES, decodeLine, encodeLine } from './protocol.js';
import { listenControlSocket, removeStaleSocket, type ControlServer } from './server.js';

let dir: string;
let path: string;
let core: FakeCore;
let server: ControlServer | null;
let remote: RemoteCore | null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-ctl-'));
  path = join(dir, 'cairn.sock');
  core = createFakeCore();
  server = null;
  remote = null;
});

afterEach(async () => {
  remote?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<RemoteCore> {
  const s = await listenControlSocket({ path, core });
  if (!s.ok) throw new Error(s.message);
  server = s.value;
  const r = await connectControl(path);
  if (!r.ok || r.value === null) throw new Error('no connection');
  remote = r.value;
  return remote;
}

/** Sends raw lines and collects parsed answers until `count` arrived. */
async function raw(lines: string[], count: number): Promise<unknown[]> {
  const socket = createConnection(path);
  socket.setEncoding('utf8');
  const answers: unknown[] = [];
  let buffer = '';
  return new Promise((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        answers.push(decodeLine(buffer.slice(0, nl))!.value);
        buffer = buffer.slice(nl + 1);
      }
      if (answers.length >= count) {
        socket.destroy();
        resolve(answers);
      }
    });
    socket.on('connect', () => socket.write(lines.join('')));
  });
}

describe('the socket file', () => {
  it('is a socket with mode 0600 even under a permissive umask, which it restores', async () => {
    const old = process.umask(0o000);
    let during: number;
    try {
      await start();
    } finally {
      during = process.umask(old); // reading the umask means setting it
    }
    expect(during).toBe(0o000);
    const st = lstatSync(path);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
  });

  it('is removed on close, and pending calls then fail as values', async () => {
    const r = await start();
    await server!.close();
    server = null;
    expect(existsSync(path)).toBe(false);
    const after = await r.whoami();
    expect(after.ok).toBe(false);
    expect(!after.ok && after.code).toBe('INTERNAL');
  });

  it('no socket file and a stale one (no listener) both mean "no owner"; a stale file is removed', async () => {
    expect(await connectControl(path)).toEqual({ ok: true, value: null });
    // A socket file whose listener is gone: a hard link survives the server's own unlink.
    const other = join(dir, 'live.sock');
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(other, resolve));
    linkSync(other, path);
    await new Promise<void>((resolve) => s.close(() => resolve()));
    expect(lstatSync(path).isSocket()).toBe(true);
    expect(await connectControl(path)).toEqual({ ok: true, value: null });
    removeStaleSocket(path);
    expect(existsSync(path)).toBe(false);
    removeStaleSocket(path); // missing: nothing to do
  });

  it('refuses a path longer than a unix socket can hold', async () => {
    const long = join(dir, 'x'.repeat(120), 'cairn.sock');
    const s = await listenControlSocket({ path: long, core });
    expect(s.ok).toBe(false);
    expect(!s.ok && s.message).toMatch(/shorter --home/);
  });
});

describe('requests run in the owner', () => {
  it('every CoreApi method round-trips through the socket', async () => {
    const r = await start();
    expect(await r.whoami()).toMatchObject({ ok: true, value: { accountId: FAKE_ACCOUNT } });
    expect(await r.invite()).toEqual({ ok: true, value: { code: FAKE_INVITE } });
    expect(await r.setProfile({ status: 'away' })).toMatchObject({ ok: true, value: { status: 'away' } });
    expect(await r.addContact(FAKE_INVITE)).toMatchObject({ ok: true, value: { accountId: FAKE_CONTACT } });
    expect(await r.addContact('cairn:nope')).toEqual({ ok: false, code: 'UNKNOWN_ACCOUNT', message: 'no relay knows this account' });
    expect(await r.contacts()).toMatchObject({ ok: true, value: [{ name: 'Bob' }] });
    expect(await r.createChat({ with: [FAKE_CONTACT], title: 'T' })).toEqual({ ok: true, value: { chatId: FAKE_CHAT } });
    expect(await r.chats()).toMatchObject({ ok: true, value: [{ chatId: FAKE_CHAT }] });
    expect(await r.acceptRequest(FAKE_CHAT)).toMatchObject({ ok: true });
    expect(await r.blockRequest(FAKE_CHAT)).toEqual({ ok: true, value: { chatId: FAKE_CHAT } });
    const sent = await r.send(FAKE_CHAT, 'via socket', { replyTo: FAKE_CHAT });
    expect(sent.ok).toBe(true);
    expect(await r.editMessage(FAKE_CHAT, FAKE_CHAT, 'x')).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(await r.deleteMessage(FAKE_CHAT, FAKE_CHAT)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    const page = await r.messages(FAKE_CHAT, { limit: 3 });
    expect(page.ok && page.value.map((m) => m.text).at(-1)).toBe('via socket');
    expect(await r.markRead(FAKE_CHAT, FAKE_CHAT)).toEqual({ ok: true, value: { unread: 0 } });
    expect(await r.search('via', { chatId: FAKE_CHAT, limit: 2 })).toMatchObject({ ok: true });
    expect(await r.exportChat(FAKE_CHAT, 'md')).toEqual({ ok: true, value: { text: '# Bob' } });
    expect(await r.status()).toMatchObject({ ok: true, value: { outbox: 0 } });
    expect(await r.sync({ timeoutMs: 1000 })).toEqual({ ok: true, value: { topics: 2 } });
    expect(await r.addRelay('ws://127.0.0.1:2')).toMatchObject({ ok: true, value: { relays: ['ws://127.0.0.1:1', 'ws://127.0.0.1:2'] } });
    expect(await r.addRelay('ws://127.0.0.1:2')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(await r.removeRelay('ws://127.0.0.1:1')).toMatchObject({ ok: true, value: { relays: ['ws://127.0.0.1:2'] } });
    expect(await r.removeRelay('ws://127.0.0.1:2')).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(await r.devices()).toMatchObject({ ok: true, value: [{ deviceId: FAKE_DEVICE, current: true }] });
    expect(await r.approveLink(FAKE_LINK_CODE, { timeoutMs: 5000 })).toEqual({ ok: true, value: { linkId: FAKE_LINK_ID, sas: FAKE_SAS, deviceId: FAKE_NEW_DEVICE, name: 'Laptop' } });
    expect(await r.approveLink('cairn-link:typo')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(await r.confirmLink(FAKE_LINK_ID, true, { timeoutMs: 5000 })).toEqual({ ok: true, value: { deviceId: FAKE_NEW_DEVICE, name: 'Laptop' } });
    expect(await r.backfillProgress()).toEqual({ ok: true, value: { done: 3412, total: 10_000, pendingDocs: 2, complete: false } });
    expect(await r.revokeDevice(FAKE_NEW_DEVICE, { timeoutMs: 5000 })).toEqual({ ok: true, value: { deviceId: FAKE_NEW_DEVICE } });
    expect(await r.revokeDevice(FAKE_DEVICE)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(await r.chatSyncStatus(FAKE_CHAT)).toMatchObject({ ok: true, value: { chatId: FAKE_CHAT, allInSync: true } });
    expect(core.calls.find((c) => c.method === 'confirmLink')?.args).toEqual([FAKE_LINK_ID, true, { timeoutMs: 5000 }]);
    expect(await r.ping()).toEqual({ ok: true, value: { protocol: 1, pid: process.pid } });
    const called = new Set(core.calls.map((c) => c.method));
    for (const m of Object.keys(CONTROL_METHODS)) expect(called, m).toContain(m);
  });

  it('byte arrays travel as base64 and arrive as Uint8Array', async () => {
    const r = await start();
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    expect((await r.setProfile({ name: 'A', avatar: { mime: 'image/png', bytes } })).ok).toBe(true);
    const got = core.calls.at(-1)!.args[0] as { avatar: { bytes: unknown } };
    expect(got.avatar.bytes).toBeInstanceOf(Uint8Array);
    expect(Array.from(got.avatar.bytes as Uint8Array)).toEqual([0, 1, 2, 250, 255]);
    expect(encodeLine({ b: Buffer.from([1, 2]) })).toBe('{"b":{"$bytes":"AQI="}}\n');
  });

  it('answers concurrent requests on one connection by id', async () => {
    const r = await start();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => r.send(FAKE_CHAT, `m${i}`)));
    expect(results.every((x) => x.ok)).toBe(true);
    expect(new Set(results.map((x) => x.ok && x.value.messageId)).size).toBe(20);
  });
});

describe('validation', () => {
  it('refuses unknown methods, including `on` and prototype names, without calling the core', async () => {
    await start();
    const names = ['on', 'start', 'stop', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'nope'];
    const answers = await raw(
      names.map((method, id) => encodeLine({ id, method, params: [] })),
      names.length,
    );
    for (const [i, a] of answers.entries()) expect(a).toEqual({ id: i, result: { ok: false, code: 'UNKNOWN_METHOD', message: `unknown method ${JSON.stringify(names[i])}` } });
    expect(core.calls).toEqual([]);
    expect(core.started + core.stopped).toBe(0);
  });

  it('refuses malformed params with INVALID_ARGUMENT', async () => {
    await start();
    const bad: Array<[string, unknown[]]> = [
      ['send', [FAKE_CHAT]],
      ['send', [FAKE_CHAT, 42]],
      ['send', ['NOT-HEX', 'x']],
      ['send', [FAKE_CHAT, 'x', { replyTo: FAKE_CHAT, extra: 1 }]],
      ['send', [FAKE_CHAT, 'x'.repeat(65537)]],
      ['whoami', [1]],
      ['messages', [FAKE_CHAT, { limit: 0 }]],
      ['messages', [FAKE_CHAT, { limit: 1.5 }]],
      ['createChat', [{ with: [] }]],
      ['exportChat', [FAKE_CHAT, 'html']],
      ['setProfile', [{ avatar: { mime: 'image/png', bytes: 'AAAA' } }]],
      ['setProfile', [{ avatar: { mime: 'image/png', bytes: { $bytes: 'A'.repeat(65 * 1024 * 4 / 3 + 4) } } }]],
      ['sync', [{ timeoutMs: -1 }]],
      ['approveLink', ['']],
      ['confirmLink', [FAKE_CHAT, 'yes']],
      ['revokeDevice', ['not-hex']],
      ['chatSyncStatus', []],
      ['addRelay', [42]],
    ];
    const answers = (await raw(
      bad.map(([method, params], id) => encodeLine({ id, method, params })),
      bad.length,
    )) as Array<{ id: number; result: { ok: boolean; code: string } }>;
    for (const a of answers) expect(a.result, JSON.stringify(bad[a.id])).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(core.calls).toEqual([]);
  });

  it('refuses lines that are not requests with BAD_REQUEST, keeping the connection for the next line', async () => {
    await start();
    const answers = await raw(['not json\n', '{"id":1}\n', '{"id":2,"method":"whoami","params":[],"x":1}\n', '[1,2]\n', encodeLine({ id: 3, method: 'invite', params: [] })], 5);
    expect(answers[0]).toEqual({ id: null, result: { ok: false, code: 'BAD_REQUEST', message: 'the request is not JSON' } });
    expect(answers[1]).toMatchObject({ id: 1, result: { ok: false, code: 'BAD_REQUEST' } });
    expect(answers[2]).toMatchObject({ id: 2, result: { ok: false, code: 'BAD_REQUEST' } });
    expect(answers[3]).toMatchObject({ id: null, result: { ok: false, code: 'BAD_REQUEST' } });
    expect(answers[4]).toEqual({ id: 3, result: { ok: true, value: { code: FAKE_INVITE } } });
  });

  it('ends a connection whose line grows past the limit', async () => {
    await start();
    const answers = await raw(['{"id":1,"method":"send","params":["' + 'a'.repeat(MAX_REQUEST_BYTES + 10)], 1);
    expect(answers[0]).toMatchObject({ id: null, result: { ok: false, code: 'BAD_REQUEST' } });
    expect(core.calls).toEqual([]);
  });

  it('answers INTERNAL when the core throws, and keeps serving', async () => {
    const r = await start();
    core.whoami = async () => {
      throw new Error('boom');
    };
    expect(await r.whoami()).toEqual({ ok: false, code: 'INTERNAL', message: 'the core failed: boom' });
    expect((await r.invite()).ok).toBe(true);
  });
});
