import { describe, expect, it, vi } from 'vitest';
import { CORE_METHOD_NAMES } from '../shared/bridge/names.js';
import { err, ok } from '../shared/result.js';
import { buildPreloadApi, type PreloadDeps } from './build-api.js';
import { wireUnlockForm } from './unlock-form.js';

function harness(answer: PreloadDeps['invoke'] = async (method) => ok(method)) {
  const invoked: Array<[string, unknown[]]> = [];
  let emit: (event: unknown, payload: unknown) => void = () => {};
  const errors: unknown[] = [];
  const api = buildPreloadApi({
    invoke: (method, params) => (invoked.push([method, params]), answer(method, params)),
    listen: (handler) => (emit = handler),
    version: '1.2.3',
    platform: 'linux',
    reportError: (e) => errors.push(e),
  });
  return { api, invoked, emit: (e: unknown, p: unknown) => emit(e, p), errors };
}

describe('window.cairn (buildPreloadApi)', () => {
  it('is one frozen object: the CoreApi methods, onboarding, version, platform and on; nothing else', () => {
    const { api } = harness();
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.keys(api).sort()).toEqual([...CORE_METHOD_NAMES, 'createAccount', 'hasAccount', 'requestLink', 'linkStatus', 'cancelLink', 'on', 'platform', 'version'].sort());
    expect(JSON.stringify(api)).not.toMatch(/cairn:|ipc/i);
  });

  it('sends each call with its positional params, without trailing undefined, and returns main\'s Result', async () => {
    const { api, invoked } = harness();
    const chat = 'c3'.repeat(16);
    expect(await api.send(chat, 'hi', undefined)).toEqual(ok('send'));
    expect(await api.messages(chat, { limit: 5 })).toEqual(ok('messages'));
    expect(await api.createAccount({ name: 'A', relays: ['ws://x'] })).toEqual(ok('createAccount'));
    expect(await api.requestLink({ relay: 'ws://x' })).toEqual(ok('requestLink'));
    expect(await api.linkStatus()).toEqual(ok('linkStatus'));
    expect(await api.approveLink('cairn-link:x', undefined)).toEqual(ok('approveLink'));
    expect(await api.revokeDevice('d2'.repeat(32), { timeoutMs: 9 })).toEqual(ok('revokeDevice'));
    expect(invoked).toEqual([
      ['send', [chat, 'hi']],
      ['messages', [chat, { limit: 5 }]],
      ['createAccount', [{ name: 'A', relays: ['ws://x'] }]],
      ['requestLink', [{ relay: 'ws://x' }]],
      ['linkStatus', []],
      ['approveLink', ['cairn-link:x']],
      ['revokeDevice', ['d2'.repeat(32), { timeoutMs: 9 }]],
    ]);
  });

  it('unwraps hasAccount and turns a failed invoke into INTERNAL', async () => {
    expect(await harness(async () => ok(true)).api.hasAccount()).toBe(true);
    await expect(harness(async () => err('INVALID_ARGUMENT', 'x')).api.hasAccount()).rejects.toThrow('INVALID_ARGUMENT: x');
    const broken = harness(() => Promise.reject(new Error('no handler')));
    expect(await broken.api.whoami()).toEqual({ ok: false, code: 'INTERNAL', message: "the app's main process did not answer: no handler" });
  });

  it('delivers events to their listeners until unsubscribed, isolating a throwing listener', () => {
    const { api, emit, errors } = harness();
    const seen: unknown[] = [];
    api.on('status', () => {
      throw new Error('listener bug');
    });
    const off = api.on('status', (s) => seen.push(s));
    api.on('openInvite', (p) => seen.push(p));
    emit('status', { online: true });
    emit('openInvite', { code: 'cairn:x' });
    emit('unknown', 1);
    emit(42, 1);
    off();
    emit('status', { online: false });
    expect(seen).toEqual([{ online: true }, { code: 'cairn:x' }]);
    expect(errors).toHaveLength(2);
  });

  it('holds a shell event that came before any listener for the first one (a deep link at startup)', () => {
    const { api, emit } = harness();
    emit('openInvite', { code: 'cairn:first' });
    emit('openInvite', { code: 'cairn:latest' });
    emit('status', { online: true });
    const seen: unknown[] = [];
    api.on('status', (s) => seen.push(s));
    api.on('openInvite', (p) => seen.push(p));
    api.on('openInvite', (p) => seen.push(p));
    expect(seen).toEqual([{ code: 'cairn:latest' }]);
  });

  it('refuses unknown events and non-function listeners', () => {
    const { api } = harness();
    expect(() => api.on('nope' as 'status', () => {})).toThrow(TypeError);
    expect(() => api.on('status', 'x' as unknown as () => void)).toThrow(TypeError);
  });
});

describe('the passphrase form', () => {
  function page(withConfirm: boolean) {
    let submit: (e: { preventDefault(): void }) => void = () => {};
    const el = {
      'unlock-form': { addEventListener: (_t: string, l: typeof submit) => (submit = l) },
      passphrase: { value: '', focus: () => {}, select: () => {} },
      confirm: withConfirm ? { value: '', focus: () => {}, select: () => {} } : null,
      'unlock-error': { textContent: '' as string | null },
      'unlock-submit': { disabled: false },
    };
    return { el, submit: () => submit({ preventDefault: () => {} }), doc: { getElementById: (id: string) => el[id as keyof typeof el] } };
  }

  it('checks the confirmation, sends the passphrase and shows main\'s refusal', async () => {
    const sent: unknown[] = [];
    const p = page(true);
    wireUnlockForm(p.doc, async (r) => (sent.push(r), err('WRONG_PASSPHRASE', 'Wrong passphrase.')));
    p.submit();
    expect(p.el['unlock-error'].textContent).toBe('Enter a passphrase.');
    p.el.passphrase.value = 'one';
    p.el.confirm!.value = 'two';
    p.submit();
    expect(p.el['unlock-error'].textContent).toBe('The two passphrases differ.');
    p.el.confirm!.value = 'one';
    p.submit();
    expect(p.el['unlock-submit'].disabled).toBe(true);
    await vi.waitFor(() => expect(p.el['unlock-submit'].disabled).toBe(false));
    expect(sent).toEqual([{ passphrase: 'one' }]);
    expect(p.el['unlock-error'].textContent).toBe('Wrong passphrase.');
  });
});
