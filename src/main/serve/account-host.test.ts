import { describe, expect, it } from 'vitest';
import type { Sodium } from '../../shared/crypto/sodium.js';
import type { Home } from '../home/index.js';
import { createAccountHost } from './account-host.js';
import { createLateCore, NO_ACCOUNT_MESSAGE } from './late-core.js';
import { FAKE_ACCOUNT, eventfulFakeCore, fakeFactory, type EventfulFakeCore } from './test-fakes.js';

function later<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Polls the host's linkStatus until it reaches `state` (each poll yields to the fake link). */
async function until(host: ReturnType<typeof createAccountHost>, state: string): Promise<unknown> {
  for (let i = 0; i < 100; i++) {
    const s = await host.onboarding.linkStatus();
    if (s.ok && s.value.state === state) return s.value;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`the link never reached ${state}`);
}

const home = { dir: '/tmp/fake-home' } as Home;
const sodium = {} as Sodium;

describe('createLateCore', () => {
  it('answers NOT_ALLOWED before a core is attached, then delegates', async () => {
    const late = createLateCore();
    expect(await late.api.whoami()).toEqual({ ok: false, code: 'NOT_ALLOWED', message: NO_ACCOUNT_MESSAGE });
    const core = eventfulFakeCore();
    late.attach(core);
    expect(await late.api.whoami()).toMatchObject({ ok: true, value: { accountId: FAKE_ACCOUNT } });
    expect(await late.api.send('c3'.repeat(16), 'hi')).toMatchObject({ ok: true });
    expect(core.calls.map(([m]) => m)).toEqual(['whoami', 'send']);
    expect(() => late.attach(core)).toThrow();
  });

  it('carries listeners registered early over to the core, and unsubscribes them there', () => {
    const late = createLateCore();
    const seen: unknown[] = [];
    const off = late.api.on('status', (s) => seen.push(s));
    const core = eventfulFakeCore();
    late.attach(core);
    const off2 = late.api.on('chatRemoved', (c) => seen.push(c));
    core.emit('status', { relays: [], outbox: 1, online: false });
    core.emit('chatRemoved', { chatId: 'c' });
    expect(seen).toEqual([{ relays: [], outbox: 1, online: false }, { chatId: 'c' }]);
    off();
    off();
    off2();
    expect(core.listeners()).toBe(0);
  });
});

describe('createAccountHost', () => {
  it('starts the core of a home that has an account', async () => {
    const cores: EventfulFakeCore[] = [];
    const host = createAccountHost({ home, sodium, factory: fakeFactory({ withAccount: true, cores }) });
    expect(await host.open()).toEqual({ ok: true, value: { hasAccount: true } });
    expect(await host.onboarding.hasAccount()).toBe(true);
    expect(cores[0]!.started).toBe(1);
    expect(await host.api.whoami()).toMatchObject({ ok: true });
    expect(await host.onboarding.createAccount({ name: 'A', relays: ['ws://x'] })).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    await host.stop();
    expect(cores[0]!.stopped).toBe(1);
  });

  it('creates the account through onboarding, then starts its core once', async () => {
    const cores: EventfulFakeCore[] = [];
    const factory = fakeFactory({ cores });
    const started: unknown[] = [];
    const host = createAccountHost({ home, sodium, factory, onStarted: (c) => started.push(c) });
    expect(await host.open()).toEqual({ ok: true, value: { hasAccount: false } });
    expect(await host.onboarding.hasAccount()).toBe(false);
    expect(await host.api.chats()).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });

    expect(await host.onboarding.createAccount({ name: 'fail', relays: ['ws://x'] })).toEqual({ ok: false, code: 'INVALID_ARGUMENT', message: 'a relay URL is not valid' });
    const [first, second] = await Promise.all([
      host.onboarding.createAccount({ name: 'Alice', relays: ['ws://127.0.0.1:1'] }),
      host.onboarding.createAccount({ name: 'Twice', relays: ['ws://127.0.0.1:1'] }),
    ]);
    expect(first).toMatchObject({ ok: true, value: { accountId: FAKE_ACCOUNT, name: 'Alice' } });
    expect(second).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(factory.inits.map((i) => i.name)).toEqual(['fail', 'Alice']);
    expect(cores).toHaveLength(1);
    expect(started).toEqual([cores[0]]);
    expect(await host.onboarding.hasAccount()).toBe(true);
    expect(await host.api.chats()).toEqual({ ok: true, value: 'chats' });
    expect(await host.onboarding.createAccount({ name: 'Again', relays: ['ws://x'] })).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    await host.stop();
  });

  it('links this device through onboarding: code, SAS, then the core of the linked account', async () => {
    const cores: EventfulFakeCore[] = [];
    const sas = later<void>();
    const handover = later<{ code: string; message: string } | null>();
    const factory = fakeFactory({ cores, link: { sas: sas.promise, handover: handover.promise } });
    const started: unknown[] = [];
    const host = createAccountHost({ home, sodium, factory, linkTimeoutMs: 60_000, onStarted: (c) => started.push(c) });
    await host.open();
    expect(await host.onboarding.linkStatus()).toEqual({ ok: true, value: { state: 'idle', code: null, sas: null, expiresAt: null, error: null } });
    expect(await host.onboarding.requestLink({ relay: 'http://nope' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });

    const first = await host.onboarding.requestLink({ relay: ' ws://127.0.0.1:1 ', name: 'Laptop' });
    expect(first).toMatchObject({ ok: true, value: { state: 'waiting', code: 'cairn-link:fake1', sas: null, error: null } });
    expect(first.ok && first.value.expiresAt).toBeGreaterThan(Date.now());
    expect(factory.links).toEqual([{ relay: 'ws://127.0.0.1:1', name: 'Laptop', timeoutMs: 60_000 }]);
    // Asking again while it runs answers the running request; creating an account meanwhile is refused.
    expect(await host.onboarding.requestLink({ relay: 'ws://127.0.0.1:1' })).toMatchObject({ ok: true, value: { code: 'cairn-link:fake1' } });
    expect(factory.links).toHaveLength(1);
    expect(await host.onboarding.createAccount({ name: 'A', relays: ['ws://127.0.0.1:1'] })).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });

    sas.resolve();
    expect(await until(host, 'comparing')).toMatchObject({ sas: '482 193', code: 'cairn-link:fake1' });
    expect(await host.api.whoami()).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    handover.resolve(null);
    expect(await until(host, 'linked')).toMatchObject({ state: 'linked', error: null });
    expect(cores).toHaveLength(1);
    expect(started).toEqual([cores[0]]);
    expect(await host.onboarding.hasAccount()).toBe(true);
    expect(await host.api.whoami()).toMatchObject({ ok: true, value: { accountId: FAKE_ACCOUNT } });
    expect(await host.onboarding.requestLink({ relay: 'ws://127.0.0.1:1' })).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    await host.stop();
  });

  it('reports a failed link (the existing device declined) and lets the user try again', async () => {
    const handover = later<{ code: string; message: string } | null>();
    const factory = fakeFactory({ link: { sas: Promise.resolve(), handover: handover.promise } });
    const host = createAccountHost({ home, sodium, factory });
    await host.open();
    expect(await host.onboarding.requestLink({ relay: 'ws://127.0.0.1:1' })).toMatchObject({ ok: true, value: { code: 'cairn-link:fake1' } });
    handover.resolve({ code: 'NOT_ALLOWED', message: 'the link was declined on the existing device' });
    expect(await until(host, 'failed')).toMatchObject({ error: { code: 'NOT_ALLOWED', message: 'the link was declined on the existing device' } });
    expect(await host.onboarding.hasAccount()).toBe(false);
    // The fake's handover is settled already, so the second attempt fails again right after showing its code.
    const again = await host.onboarding.requestLink({ relay: 'ws://127.0.0.1:1' });
    expect(again.ok ? again.value.code : again.message).toBe('cairn-link:fake2');
    expect(factory.links).toHaveLength(2);
    await host.stop();
  });

  it('cancels a waiting link: the request ends, and the device can create an account instead', async () => {
    const factory = fakeFactory({ link: { sas: new Promise(() => {}), handover: new Promise(() => {}) } });
    const host = createAccountHost({ home, sodium, factory });
    await host.open();
    expect(await host.onboarding.cancelLink()).toMatchObject({ ok: true, value: { state: 'idle' } });
    expect(await host.onboarding.requestLink({ relay: 'ws://127.0.0.1:1' })).toMatchObject({ ok: true, value: { state: 'waiting' } });
    expect(await host.onboarding.createAccount({ name: 'A', relays: ['ws://127.0.0.1:1'] })).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(await host.onboarding.cancelLink()).toEqual({ ok: true, value: { state: 'idle', code: null, sas: null, expiresAt: null, error: null } });
    expect(await host.onboarding.linkStatus()).toMatchObject({ ok: true, value: { state: 'idle' } });
    expect(await host.onboarding.createAccount({ name: 'Alice', relays: ['ws://127.0.0.1:1'] })).toMatchObject({ ok: true, value: { name: 'Alice' } });
    await host.stop();
  });

  it('stopping the host ends a waiting link request first (the home is about to close)', async () => {
    const factory = fakeFactory({ link: { sas: new Promise(() => {}), handover: new Promise(() => {}) } });
    const host = createAccountHost({ home, sodium, factory });
    await host.open();
    expect(await host.onboarding.requestLink({ relay: 'ws://127.0.0.1:1' })).toMatchObject({ ok: true, value: { state: 'waiting' } });
    await host.stop();
    expect(await host.onboarding.linkStatus()).toMatchObject({ ok: true, value: { state: 'idle' } });
    expect(await host.onboarding.requestLink({ relay: 'ws://127.0.0.1:1' })).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
  });

  it('refuses linking where the factory cannot link, and on a device with an account', async () => {
    const none = createAccountHost({ home, sodium, factory: fakeFactory() });
    await none.open();
    expect(await none.onboarding.requestLink({ relay: 'ws://127.0.0.1:1' })).toMatchObject({ ok: false, code: 'NOT_ALLOWED', message: 'linking is not available here' });
    const has = createAccountHost({ home, sodium, factory: fakeFactory({ withAccount: true, link: { sas: Promise.resolve(), handover: Promise.resolve(null) } }) });
    await has.open();
    expect(await has.onboarding.requestLink({ relay: 'ws://127.0.0.1:1' })).toMatchObject({ ok: false, code: 'NOT_ALLOWED', message: 'this device already has an account' });
    await has.stop();
  });
});
