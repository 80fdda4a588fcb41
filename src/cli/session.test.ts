import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadSodium } from '../main/crypto/index.js';
import { acquireHomeLock, createHome, LOCK_FILE } from '../main/home/index.js';
import type { Sodium } from '../shared/crypto/sodium.js';
import { ok } from '../shared/result.js';
import { EXIT } from './exit-codes.js';
import { FAKE_ACCOUNT, FAKE_CHAT, FAKE_DEVICE, fakeBackend, type FakeCore } from './fake-core.js';
import { main } from './main.js';
import { runOwner, type OwnerLog } from './owner.js';
import { openSession, socketPath } from './session.js';

let sodium: Sodium;
let dir: string;
const PASS = 'correct horse';

beforeAll(async () => {
  sodium = await loadSodium('native');
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-cli-'));
  const home = createHome({ dir, sodium, passphrase: PASS, fast: true });
  if (!home.ok) throw new Error(home.message);
  home.value.close();
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const secret = (passphrase = PASS) => async () => ok({ passphrase });
const noSecret = async (): Promise<never> => {
  throw new Error('the secret must not be asked for');
};
const quiet: OwnerLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function deferred(): { promise: Promise<string>; resolve: (s: string) => void } {
  let resolve!: (s: string) => void;
  const promise = new Promise<string>((r) => (resolve = r));
  return { promise, resolve };
}

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => text };
}

describe('a command without an owner opens the home itself', () => {
  it('holds the lock while it runs and releases it after; network commands start the core', async () => {
    const cores: FakeCore[] = [];
    const s = await openSession({ dir, secret: secret(), sodium: async () => sodium, backend: fakeBackend(cores), network: true });
    expect(s.ok && s.value.via).toBe('direct');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    expect(cores[0]!.started).toBe(1);
    if (s.ok) await s.value.close();
    expect(cores[0]!.stopped).toBe(1);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('a wrong passphrase is WRONG_PASSPHRASE and leaves no lock', async () => {
    const s = await openSession({ dir, secret: secret('wrong'), sodium: async () => sodium, backend: fakeBackend(), network: false });
    expect(!s.ok && s.code).toBe('WRONG_PASSPHRASE');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('waits for a lock held by another command, then proceeds; gives up with HOME_BUSY', async () => {
    const lock = acquireHomeLock(dir);
    if (!lock.ok) throw new Error(lock.message);
    const busy = await openSession({ dir, secret: secret(), sodium: async () => sodium, backend: fakeBackend(), network: false, lockWaitMs: 100 });
    expect(!busy.ok && busy.code).toBe('HOME_BUSY');
    const waiting = openSession({ dir, secret: secret(), sodium: async () => sodium, backend: fakeBackend(), network: false, lockWaitMs: 10_000 });
    lock.value.release();
    const s = await waiting;
    expect(s.ok && s.value.via).toBe('direct');
    if (s.ok) await s.value.close();
  });

  it('an uninitialized home is reported before any passphrase is asked', async () => {
    const s = await openSession({ dir: join(dir, 'empty'), secret: noSecret, sodium: async () => sodium, backend: fakeBackend(), network: false });
    expect(!s.ok && s.code).toBe('NOT_INITIALIZED');
  });
});

describe('one process owns a home', () => {
  it('cairn run listens on a 0600 socket; other commands go through it; a second owner is refused; SIGTERM ends it cleanly', async () => {
    const cores: FakeCore[] = [];
    const stop = deferred();
    const owner = runOwner({ dir, secret: secret(), sodium: async () => sodium, backend: fakeBackend(cores), log: quiet, stopSignal: stop.promise });
    await until(() => existsSync(socketPath(dir)) && cores[0]?.started === 1, 'the owner to listen');
    expect(lstatSync(socketPath(dir)).mode & 0o777).toBe(0o600);

    // No passphrase is needed: the command runs in the owner's core.
    const s = await openSession({ dir, secret: noSecret, sodium: async () => sodium, backend: fakeBackend(), network: true });
    expect(s.ok && s.value.via).toBe('socket');
    if (s.ok) {
      const sent = await s.value.core.send(FAKE_CHAT, 'through the owner');
      expect(sent.ok).toBe(true);
      await s.value.close();
    }
    expect(cores).toHaveLength(1);
    expect(cores[0]!.calls.find((c) => c.method === 'send')?.args).toEqual([FAKE_CHAT, 'through the owner']);

    const second = await runOwner({ dir, secret: noSecret, sodium: async () => sodium, backend: fakeBackend(), log: quiet, stopSignal: new Promise(() => {}) });
    expect(!second.ok && second.code).toBe('HOME_BUSY');
    expect(!second.ok && second.message).toContain(`process ${process.pid}`);

    stop.resolve('SIGTERM');
    expect(await owner).toEqual({ ok: true, value: { signal: 'SIGTERM' } });
    expect(cores[0]!.stopped).toBe(1);
    expect(existsSync(socketPath(dir))).toBe(false);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('a stale socket file left by a dead owner is removed when the home is opened', async () => {
    // Simulate a crash: the owner's lock is released but its socket file stays behind.
    const { createServer } = await import('node:net');
    const { linkSync } = await import('node:fs');
    const s = createServer();
    const live = join(dir, 'x.sock');
    await new Promise<void>((r) => s.listen(live, r));
    linkSync(live, socketPath(dir));
    await new Promise<void>((r) => s.close(() => r()));
    const session = await openSession({ dir, secret: secret(), sodium: async () => sodium, backend: fakeBackend(), network: false });
    expect(session.ok && session.value.via).toBe('direct');
    expect(existsSync(socketPath(dir))).toBe(false);
    if (session.ok) await session.value.close();
  });
});

describe('main()', () => {
  const backend = fakeBackend();
  const run = async (argv: string[], env: Record<string, string> = { CAIRN_PASSPHRASE: PASS }) => {
    const out = capture();
    const errOut = capture();
    const code = await main(argv, { env, stdout: out.stream, stderr: errOut.stream, tty: null, backend, sodium: async () => sodium });
    return { code, stdout: out.text(), stderr: errOut.text() };
  };

  it('runs a command against the home and prints one JSON document', async () => {
    const r = await run(['--home', dir, 'send', FAKE_CHAT, 'hello']);
    expect(r).toMatchObject({ code: EXIT.OK, stderr: '' });
    expect(Object.keys(JSON.parse(r.stdout))).toEqual(['messageId']);
  });

  it('init completes a home whose init was interrupted before the account was made', async () => {
    // beforeEach made a home without an account.
    const r = await run(['--home', dir, 'init', '--name', 'Alice', '--relay', 'ws://127.0.0.1:1']);
    expect(r).toMatchObject({ code: EXIT.OK, stderr: '' });
    const wrong = await run(['--home', dir, 'init', '--name', 'Alice', '--relay', 'ws://127.0.0.1:1'], { CAIRN_PASSPHRASE: 'nope' });
    expect(wrong.code).toBe(EXIT.UNLOCK);
  });

  it('init creates a home and prints {accountId, deviceId}; a second init fails', async () => {
    const fresh = join(dir, 'new-home');
    const r = await run(['--home', fresh, 'init', '--name', 'Alice', '--relay', 'ws://127.0.0.1:1'], { CAIRN_PASSPHRASE: PASS, CAIRN_KDF_FAST: '1' });
    expect(r).toEqual({ code: EXIT.OK, stdout: `{"accountId":"${FAKE_ACCOUNT}","deviceId":"${FAKE_DEVICE}"}\n`, stderr: '' });
    expect(existsSync(join(fresh, LOCK_FILE))).toBe(false);
    // CAIRN_KDF_FAST=1 came from main()'s environment, not this process's.
    expect(JSON.parse(readFileSync(join(fresh, 'cairn.json'), 'utf8')).kdf).toMatchObject({ alg: 'argon2id13', ops: 1, mem: 8 * 1024 * 1024 });
    const again = await run(['--home', fresh, 'init', '--name', 'Alice', '--relay', 'ws://127.0.0.1:1']);
    expect(again.code).toBe(EXIT.ERROR);
    expect(again.stderr).toMatch(/^cairn: .*already holds a Cairn account\n$/);
  });

  it('exit codes: usage 2, wrong passphrase 3, no passphrase without a terminal 3', async () => {
    expect((await run(['--home', dir, 'send'])).code).toBe(EXIT.USAGE);
    const wrong = await run(['--home', dir, 'whoami', '--json'], { CAIRN_PASSPHRASE: 'nope' });
    expect(wrong.code).toBe(EXIT.UNLOCK);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr.split('\n')).toHaveLength(2); // one line and its newline
    const none = await run(['--home', dir, 'whoami'], {});
    expect(none.code).toBe(EXIT.UNLOCK);
    expect(none.stderr).toMatch(/CAIRN_PASSPHRASE/);
  });
});
