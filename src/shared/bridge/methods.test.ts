import { describe, expect, it } from 'vitest';
import type { CoreApi, OnboardingApi } from '../core-api.js';
import { err, ok } from '../result.js';
import { CORE_METHODS, ONBOARDING_METHODS, runCall, validateCall } from './methods.js';
import { CORE_METHOD_NAMES, ONBOARDING_METHOD_NAMES } from './names.js';

const CHAT = 'c3'.repeat(16);
const MSG = 'ab'.repeat(16);
const ACCOUNT = 'a1'.repeat(32);

/** A CoreApi that records each call's arguments and answers ok(method name). */
function recordingCore(): { core: CoreApi; calls: Array<[string, unknown[]]> } {
  const calls: Array<[string, unknown[]]> = [];
  const core = Object.fromEntries(
    CORE_METHOD_NAMES.map((name) => [
      name,
      async (...args: unknown[]) => {
        calls.push([name, args]);
        return ok(name);
      },
    ]),
  ) as unknown as CoreApi;
  return { core, calls };
}

const VALID: Record<(typeof CORE_METHOD_NAMES)[number], unknown[]> = {
  whoami: [],
  invite: [],
  setProfile: [{ name: 'A', avatar: { mime: 'image/png', bytes: new Uint8Array([1]) } }],
  addContact: ['cairn:abc'],
  contacts: [],
  createChat: [{ with: [ACCOUNT], title: 'T' }],
  chats: [],
  acceptRequest: [CHAT],
  blockRequest: [CHAT],
  send: [CHAT, 'hi', { replyTo: MSG }],
  editMessage: [CHAT, MSG, 'edited'],
  deleteMessage: [CHAT, MSG],
  messages: [CHAT, { limit: 10, before: MSG }],
  markRead: [CHAT, MSG],
  search: ['hello', { chatId: CHAT, limit: 5 }],
  exportChat: [CHAT, 'md'],
  status: [],
  sync: [{ timeoutMs: 1000 }],
  addRelay: ['ws://127.0.0.1:2'],
  removeRelay: ['ws://127.0.0.1:1'],
  devices: [],
  approveLink: ['cairn-link:abcdef', { timeoutMs: 5000 }],
  confirmLink: [MSG, true, { timeoutMs: 5000 }],
  backfillProgress: [],
  revokeDevice: [ACCOUNT, { timeoutMs: 5000 }],
  chatSyncStatus: [CHAT],
};

describe('CORE_METHODS', () => {
  it('passes valid params of every method through to the core unchanged', async () => {
    const { core, calls } = recordingCore();
    for (const name of CORE_METHOD_NAMES) {
      const v = validateCall(CORE_METHODS, name, VALID[name]);
      if (!v.ok) throw new Error(v.message);
      expect(await v.value(core)).toEqual(ok(name));
    }
    expect(calls.map(([n]) => n)).toEqual([...CORE_METHOD_NAMES]);
    expect(Object.fromEntries(calls)).toEqual(VALID);
  });

  it('drops optional keys that are absent rather than passing undefined', async () => {
    const { core, calls } = recordingCore();
    for (const [name, params] of [['messages', [CHAT]], ['search', ['q']], ['sync', []], ['send', [CHAT, 'x']], ['createChat', [{ with: [ACCOUNT] }]]] as const) {
      const v = validateCall(CORE_METHODS, name, params);
      if (!v.ok) throw new Error(v.message);
      await v.value(core);
    }
    expect(calls).toEqual([
      ['messages', [CHAT, {}]],
      ['search', ['q', {}]],
      ['sync', [{}]],
      ['send', [CHAT, 'x']],
      ['createChat', [{ with: [ACCOUNT] }]],
    ]);
  });

  it('refuses malformed params with INVALID_ARGUMENT naming the place', () => {
    const bad: Array<[string, unknown]> = [
      ['whoami', ['extra']],
      ['send', [CHAT]],
      ['send', ['XYZ', 'hi']],
      ['send', [CHAT.toUpperCase(), 'hi']],
      ['send', [CHAT, 42]],
      ['send', [CHAT, 'x'.repeat(70_000)]],
      ['send', [CHAT, 'hi', { replyTo: MSG, extra: 1 }]],
      ['messages', [CHAT, { limit: 0 }]],
      ['messages', [CHAT, { limit: 2.5 }]],
      ['createChat', [{ with: [] }]],
      ['setProfile', [{ avatar: { mime: 'image/png', bytes: 'AQI=' } }]],
      ['setProfile', [{ avatar: { mime: 'image/png', bytes: new Uint8Array(64 * 1024 + 1) } }]],
      ['exportChat', [CHAT, 'html']],
      ['sync', [{ timeoutMs: -1 }]],
      ['addRelay', []],
      ['addRelay', ['']],
      ['addRelay', [42]],
      ['addRelay', ['ws://' + 'a'.repeat(600)]],
      ['removeRelay', ['ws://a', 'ws://b']],
      ['devices', [1]],
      ['approveLink', []],
      ['approveLink', ['   ']],
      ['approveLink', ['x'.repeat(3000)]],
      ['approveLink', ['cairn-link:a', { timeoutMs: 0 }]],
      ['approveLink', ['cairn-link:a', { yes: true }]],
      ['confirmLink', [MSG]],
      ['confirmLink', [MSG, 'yes']],
      ['confirmLink', ['not hex', true]],
      ['revokeDevice', []],
      ['revokeDevice', ['ZZ']],
      ['revokeDevice', [ACCOUNT, { timeoutMs: 'soon' }]],
      ['chatSyncStatus', [42]],
      ['backfillProgress', [{}]],
      ['whoami', 'not an array'],
      ['whoami', null],
    ];
    for (const [name, params] of bad) {
      const v = validateCall(CORE_METHODS, name, params);
      expect(v.ok, `${name} ${JSON.stringify(params)?.slice(0, 60)}`).toBe(false);
      if (!v.ok) expect(v.code).toBe('INVALID_ARGUMENT');
    }
    const placed = validateCall(CORE_METHODS, 'send', [CHAT, 42]);
    expect(!placed.ok && placed.message).toMatch(/^send: params\[1\]: /);
  });

  it('knows only its own methods: not `on`, not prototype names', () => {
    for (const name of ['on', 'start', 'stop', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'hasAccount', '']) {
      const v = validateCall(CORE_METHODS, name, []);
      expect(!v.ok && v.code, name).toBe('UNKNOWN_METHOD');
    }
  });
});

describe('ONBOARDING_METHODS', () => {
  const onboarding = (has: boolean): OnboardingApi & { created: unknown[] } => {
    const created: unknown[] = [];
    return {
      created,
      hasAccount: async () => has,
      createAccount: async (o) => (created.push(o), err('RELAY_UNREACHABLE', 'ws://x')),
      requestLink: async (o) => (created.push(o), ok({ state: 'waiting', code: 'cairn-link:x', sas: null, expiresAt: 1, error: null })),
      linkStatus: async () => ok({ state: 'idle', code: null, sas: null, expiresAt: null, error: null }),
      cancelLink: async () => ok({ state: 'idle', code: null, sas: null, expiresAt: null, error: null }),
    };
  };

  it('carries hasAccount as ok(boolean) and createAccount as its Result', async () => {
    const o = onboarding(true);
    const has = validateCall(ONBOARDING_METHODS, 'hasAccount', []);
    expect(has.ok && (await has.value(o))).toEqual(ok(true));
    const create = validateCall(ONBOARDING_METHODS, 'createAccount', [{ name: ' Alice ', relays: ['ws://127.0.0.1:1'] }]);
    expect(create.ok && (await create.value(o))).toEqual(err('RELAY_UNREACHABLE', 'ws://x'));
    expect(o.created).toEqual([{ name: 'Alice', relays: ['ws://127.0.0.1:1'] }]);
    expect([...ONBOARDING_METHOD_NAMES].sort()).toEqual(Object.keys(ONBOARDING_METHODS).sort());
  });

  it('carries requestLink (name optional, trimmed) and linkStatus', async () => {
    const o = onboarding(false);
    const request = validateCall(ONBOARDING_METHODS, 'requestLink', [{ relay: 'ws://127.0.0.1:1', name: ' Laptop ' }]);
    expect(request.ok && (await request.value(o))).toMatchObject({ ok: true, value: { state: 'waiting', code: 'cairn-link:x' } });
    const bare = validateCall(ONBOARDING_METHODS, 'requestLink', [{ relay: 'ws://127.0.0.1:1' }]);
    expect(bare.ok && (await bare.value(o))).toMatchObject({ ok: true });
    expect(o.created).toEqual([{ relay: 'ws://127.0.0.1:1', name: 'Laptop' }, { relay: 'ws://127.0.0.1:1' }]);
    const status = validateCall(ONBOARDING_METHODS, 'linkStatus', []);
    expect(status.ok && (await status.value(o))).toMatchObject({ ok: true, value: { state: 'idle' } });
    for (const params of [[], [{}], [{ relay: '' }], [{ relay: 'ws://a', name: '' }], [{ relay: 'ws://a', admin: 1 }], [{ relay: 'ws://a' }, 2]]) {
      const v = validateCall(ONBOARDING_METHODS, 'requestLink', params);
      expect(!v.ok && v.code, JSON.stringify(params)).toBe('INVALID_ARGUMENT');
    }
    expect(validateCall(ONBOARDING_METHODS, 'linkStatus', [1])).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    const cancel = validateCall(ONBOARDING_METHODS, 'cancelLink', []);
    expect(cancel.ok && (await cancel.value(o))).toMatchObject({ ok: true, value: { state: 'idle' } });
    expect(validateCall(ONBOARDING_METHODS, 'cancelLink', [true])).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
  });

  it('refuses an empty name, no relays, too many relays and extra keys', () => {
    for (const opts of [{ name: '  ', relays: ['ws://a'] }, { name: 'A', relays: [] }, { name: 'A', relays: Array(9).fill('ws://a') }, { name: 'A', relays: ['ws://a'], admin: true }, { name: 'A' }]) {
      const v = validateCall(ONBOARDING_METHODS, 'createAccount', [opts]);
      expect(!v.ok && v.code, JSON.stringify(opts)).toBe('INVALID_ARGUMENT');
    }
  });
});

describe('runCall', () => {
  it('turns a throwing target into INTERNAL and reports the error', async () => {
    const seen: unknown[] = [];
    const r = await runCall(async () => Promise.reject(new Error('boom')), null, (e) => seen.push(e));
    expect(r).toEqual(err('INTERNAL', 'the core failed: boom'));
    expect(seen).toHaveLength(1);
  });
});

describe('dispatchCall', () => {
  it('routes onboarding and core methods, and refuses non-string methods and non-array params', async () => {
    const { dispatchCall } = await import('./dispatch.js');
    const { core, calls } = recordingCore();
    const onboarding: OnboardingApi = {
      hasAccount: async () => true,
      createAccount: async () => err('NOT_ALLOWED', 'exists'),
      requestLink: async () => err('NOT_ALLOWED', 'exists'),
      linkStatus: async () => ok({ state: 'idle', code: null, sas: null, expiresAt: null, error: null }),
      cancelLink: async () => ok({ state: 'idle', code: null, sas: null, expiresAt: null, error: null }),
    };
    expect(await dispatchCall({ core, onboarding }, 'hasAccount', [])).toEqual(ok(true));
    expect(await dispatchCall({ core, onboarding }, 'createAccount', [{ name: 'A', relays: ['ws://x'] }])).toEqual(err('NOT_ALLOWED', 'exists'));
    expect(await dispatchCall({ core, onboarding }, 'chats', [])).toEqual(ok('chats'));
    expect(await dispatchCall({ core, onboarding }, 42, [])).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(await dispatchCall({ core, onboarding }, 'chats', 'x')).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(await dispatchCall({ core, onboarding }, 'send', ['zz', 'x'])).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(calls.map(([m]) => m)).toEqual(['chats']);
  });
});
