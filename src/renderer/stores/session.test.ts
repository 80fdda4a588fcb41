import { describe, expect, it } from 'vitest';
import type { Bridge } from '../bridge/types.js';
import type { FakeCore } from '../testing/fake-core.js';
import { BOB, withFakeCore } from '../testing/setup.js';
import { useChatsStore } from './chats.js';
import { useContactsStore } from './contacts.js';
import { DEFAULT_RELAY, useOnboardingStore } from './onboarding.js';
import { useProfileStore } from './profile.js';
import { useSessionStore } from './session.js';
import { useStatusStore } from './status.js';
import { useUiStore } from './ui.js';

function bridgeOf(core: FakeCore): Bridge & { drop(): void } {
  const listeners = new Set<() => void>();
  return {
    api: core,
    onboarding: core,
    info: { version: '0.1.0', platform: 'linux', surface: 'browser' },
    onDisconnect(cb) {
      listeners.add(cb);
      return () => void listeners.delete(cb);
    },
    drop: () => listeners.forEach((cb) => cb()),
  };
}

describe('session store', () => {
  it('loads everything the main screen needs when the device has an account', async () => {
    const core = withFakeCore();
    core.seedContact({ accountId: BOB, name: 'Bob' });
    core.seedChat({ chatId: 'c1', with: [BOB] });
    const session = useSessionStore();
    await session.start(bridgeOf(core));
    expect(session.phase).toBe('ready');
    expect(session.info?.surface).toBe('browser');
    expect(useProfileStore().name).toBe('Ada Lovelace');
    expect(useChatsStore().sorted).toHaveLength(1);
    expect(useContactsStore().sorted).toHaveLength(1);
    expect(useContactsStore().inviteCode).toMatch(/^cairn:/);
    expect(useStatusStore().status?.online).toBe(true);
    expect(core.listenerCount()).toBe(7);
  });

  it('onboards a device without an account, then enters the app', async () => {
    const core = withFakeCore({ hasAccount: false });
    const session = useSessionStore();
    await session.start(bridgeOf(core));
    expect(session.phase).toBe('onboarding');
    const onboarding = useOnboardingStore();
    expect(onboarding.relay).toBe(DEFAULT_RELAY);
    onboarding.name = ' Grace ';
    const who = await onboarding.create();
    expect(who?.name).toBe('Grace');
    expect(core.calls.find((c) => c.method === 'createAccount')?.args).toEqual([{ name: 'Grace', relays: [DEFAULT_RELAY] }]);
    await session.enter();
    expect(session.phase).toBe('ready');
    expect(useProfileStore().name).toBe('Grace');
  });

  it('shows a lost bridge and stops listening to the core', async () => {
    const core = withFakeCore();
    const bridge = bridgeOf(core);
    const session = useSessionStore();
    await session.start(bridge);
    bridge.drop();
    expect(session.phase).toBe('disconnected');
    expect(core.listenerCount()).toBe(0);
  });

  it('fails clearly when the core cannot say who this is', async () => {
    const core = withFakeCore();
    core.failNext('whoami', 'INTERNAL', 'database locked');
    const session = useSessionStore();
    await session.start(bridgeOf(core));
    expect(session.phase).toBe('failed');
    expect(session.problem).toMatch(/database locked/);
  });

  it('records a missing bridge', () => {
    withFakeCore();
    const session = useSessionStore();
    session.fail('no-bridge', new Error('No bridge to the Cairn core'));
    expect(session.phase).toBe('no-bridge');
    expect(session.problem).toBe('No bridge to the Cairn core');
  });
});

describe('session store with the desktop shell', () => {
  it('opens the add-contact flow for an invite link and a chat for a notification click', async () => {
    const core = withFakeCore();
    core.seedContact({ accountId: BOB, name: 'Bob' });
    core.seedChat({ chatId: 'c1', with: [BOB] });
    const shell = new Map<string, (payload: never) => void>();
    const bridge: Bridge = {
      ...bridgeOf(core),
      shell: {
        on(event, listener) {
          shell.set(event, listener as (payload: never) => void);
          return () => void shell.delete(event);
        },
      },
    };
    const session = useSessionStore();
    await session.start(bridge);
    const ui = useUiStore();
    ui.openDialog('settings');
    (shell.get('openChat') as (p: { chatId: string }) => void)({ chatId: 'c1' });
    expect(ui.dialog).toBeNull();
    expect(useChatsStore().selectedId).toBe('c1');
    (shell.get('openInvite') as (p: { code: string }) => void)({ code: 'cairn:abc' });
    expect(ui.dialog).toBe('contacts');
    expect(ui.takeInvite()).toBe('cairn:abc');
    expect(ui.takeInvite()).toBeNull();
    session.stop();
    expect(shell.size).toBe(0);
  });
});
