import { describe, expect, it } from 'vitest';
import { decodeJson, encodeJson } from '../../shared/bridge/json-bytes.js';
import type { PreloadApi } from '../../shared/bridge/electron-api.js';
import { CORE_METHOD_NAMES } from '../../shared/bridge/names.js';
import { ok } from '../../shared/result.js';
import { forgetAccessToken, takeAccessToken } from './access-token.js';
import { electronBridge, preloadApi } from './electron-bridge.js';
import { BridgeRefusedError, bridgeUrl, connectWebSocketBridge } from './websocket-bridge.js';

/** A scripted WebSocket: records what the bridge sends and lets the test play the server. */
class FakeSocket {
  readyState = 0;
  sent: Array<{ id: number; method: string; params: unknown[] }> = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  send(text: string) {
    this.sent.push(decodeJson(text)!.value as FakeSocket['sent'][number]);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(value: unknown) {
    this.onmessage?.({ data: encodeJson(value) });
  }
  drop(code: number, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

function start() {
  const socket = new FakeSocket();
  const bridge = connectWebSocketBridge({ url: 'ws://127.0.0.1:1/bridge', token: 'TOKEN', createSocket: () => socket });
  socket.open();
  return { socket, bridge };
}

describe('the WebSocket bridge', () => {
  it('authenticates first, then carries calls (bytes included) and events', async () => {
    const { socket, bridge } = start();
    expect(socket.sent).toEqual([{ id: 0, method: 'auth', params: ['TOKEN'] }]);
    socket.receive({ id: 0, result: { ok: true, value: { protocol: 1, version: '1.0.0', platform: 'linux' } } });
    const b = await bridge;
    expect(b.info).toEqual({ version: '1.0.0', platform: 'linux', surface: 'browser' });

    const sent = b.api.setProfile({ avatar: { mime: 'image/png', bytes: new Uint8Array([1, 2]) } });
    const has = b.onboarding.hasAccount();
    expect(socket.sent.slice(1)).toEqual([
      { id: 1, method: 'setProfile', params: [{ avatar: { mime: 'image/png', bytes: new Uint8Array([1, 2]) } }] },
      { id: 2, method: 'hasAccount', params: [] },
    ]);
    socket.receive({ id: 2, result: { ok: true, value: true } });
    socket.receive({ id: 1, result: { ok: false, code: 'TOO_LARGE', message: 'm' } });
    expect(await has).toBe(true);
    expect(await sent).toEqual({ ok: false, code: 'TOO_LARGE', message: 'm' });

    void b.api.send('c3', 'hi', undefined);
    expect(socket.sent.at(-1)).toEqual({ id: 3, method: 'send', params: ['c3', 'hi'] });
    void b.onboarding.requestLink({ relay: 'ws://r' });
    expect(socket.sent.at(-1)).toEqual({ id: 4, method: 'requestLink', params: [{ relay: 'ws://r' }] });
    const status = b.onboarding.linkStatus();
    expect(socket.sent.at(-1)).toEqual({ id: 5, method: 'linkStatus', params: [] });
    socket.receive({ id: 5, result: { ok: true, value: { state: 'comparing', code: 'cairn-link:x', sas: '123 456', expiresAt: 1, error: null } } });
    expect(await status).toMatchObject({ ok: true, value: { state: 'comparing', sas: '123 456' } });
    void b.api.confirmLink('ab', false, undefined);
    expect(socket.sent.at(-1)).toEqual({ id: 6, method: 'confirmLink', params: ['ab', false] });

    const events: unknown[] = [];
    const off = b.api.on('chatRemoved', (p) => events.push(p));
    socket.receive({ event: 'chatRemoved', payload: { chatId: 'c' } });
    socket.receive({ event: 'notAnEvent', payload: 1 });
    off();
    socket.receive({ event: 'chatRemoved', payload: { chatId: 'd' } });
    expect(events).toEqual([{ chatId: 'c' }]);
  });

  it('rejects with BridgeRefusedError when the token is refused', async () => {
    const { socket, bridge } = start();
    socket.receive({ id: 0, result: { ok: false, code: 'UNAUTHORIZED', message: 'a wrong or missing access token' } });
    await expect(bridge).rejects.toBeInstanceOf(BridgeRefusedError);
    const closed = start();
    closed.socket.drop(4401, 'unauthorized');
    await expect(closed.bridge).rejects.toBeInstanceOf(BridgeRefusedError);
    const unreachable = start();
    unreachable.socket.drop(1006);
    await expect(unreachable.bridge).rejects.not.toBeInstanceOf(BridgeRefusedError);
  });

  it('reports a dropped connection once established and fails pending and later calls', async () => {
    const { socket, bridge } = start();
    socket.receive({ id: 0, result: { ok: true, value: {} } });
    const b = await bridge;
    let drops = 0;
    b.onDisconnect(() => drops++);
    const pending = b.api.whoami();
    socket.drop(1001, 'cairn serve is stopping');
    expect(await pending).toMatchObject({ ok: false, code: 'INTERNAL', message: expect.stringContaining('1001') });
    expect(await b.api.chats()).toMatchObject({ ok: false, code: 'INTERNAL' });
    expect(drops).toBe(1);
  });

  it('targets /bridge on the page\'s own origin', () => {
    expect(bridgeUrl({ protocol: 'http:', host: '127.0.0.1:8370' })).toBe('ws://127.0.0.1:8370/bridge');
    expect(bridgeUrl({ protocol: 'https:', host: 'cairn.example' })).toBe('wss://cairn.example/bridge');
  });
});

describe('the access token', () => {
  function place(hash: string) {
    const store = new Map<string, string>();
    const replaced: string[] = [];
    return {
      replaced,
      store,
      location: { hash, pathname: '/', search: '?x=1' },
      history: { replaceState: (_d: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) },
      storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) },
    };
  }

  it('moves the fragment token into session storage and off the address bar', () => {
    const p = place('#token=abc_-1');
    expect(takeAccessToken(p)).toBe('abc_-1');
    expect(p.replaced).toEqual(['/?x=1']);
    p.location.hash = '';
    expect(takeAccessToken(p)).toBe('abc_-1');
    forgetAccessToken(p);
    expect(takeAccessToken(p)).toBeNull();
    expect(takeAccessToken(place('#other=1'))).toBeNull();
  });
});

describe('the Electron bridge', () => {
  it('takes only a complete window.cairn and delegates to it', async () => {
    expect(preloadApi({})).toBeNull();
    expect(preloadApi({ cairn: { version: '1', platform: 'linux' } })).toBeNull();
    const calls: string[] = [];
    const fake = Object.fromEntries([...CORE_METHOD_NAMES, 'createAccount', 'requestLink', 'linkStatus', 'cancelLink'].map((n) => [n, async () => (calls.push(n), ok(n))])) as unknown as PreloadApi;
    const preload = { ...fake, version: '2.0.0', platform: 'darwin', hasAccount: async () => false, on: () => () => calls.push('off') } as PreloadApi;
    const found = preloadApi({ cairn: preload });
    expect(found).toBe(preload);
    const b = electronBridge(found!);
    expect(b.info).toEqual({ version: '2.0.0', platform: 'darwin', surface: 'electron' });
    expect(await b.api.invite()).toEqual(ok('invite'));
    expect(await b.onboarding.hasAccount()).toBe(false);
    expect(await b.onboarding.linkStatus()).toEqual(ok('linkStatus'));
    expect(await b.api.devices()).toEqual(ok('devices'));
    b.api.on('status', () => {})();
    b.shell.on('openInvite', () => {})();
    expect(calls).toEqual(['invite', 'linkStatus', 'devices', 'off', 'off']);
  });
});
