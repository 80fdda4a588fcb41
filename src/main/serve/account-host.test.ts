import { describe, expect, it } from 'vitest';
import type { Sodium } from '../../shared/crypto/sodium.js';
import type { Home } from '../home/index.js';
import { createAccountHost } from './account-host.js';
import { createLateCore, NO_ACCOUNT_MESSAGE } from './late-core.js';
import { FAKE_ACCOUNT, eventfulFakeCore, fakeFactory, type EventfulFakeCore } from './test-fakes.js';

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
});
