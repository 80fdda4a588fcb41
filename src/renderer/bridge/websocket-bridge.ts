// The browser transport to `cairn serve`: one WebSocket to /bridge on the page's own origin, authenticated
// by the access token as its first message, then the shared frames (src/shared/bridge/frames.ts).
import type { CoreApi, OnboardingApi } from '../../shared/core-api.js';
import { callParams, encodeRequest, parseServerFrame, type BridgeResult } from '../../shared/bridge/frames.js';
import { CORE_METHOD_NAMES, isCoreEventName } from '../../shared/bridge/names.js';
import { err } from '../../shared/result.js';
import type { Bridge } from './types.js';

export const BRIDGE_PATH = '/bridge';
/** cairn serve closes a socket with this code when the token is wrong or missing. */
export const CLOSE_UNAUTHORIZED = 4401;

/** The auth step failed because the server refused the token (not because it was unreachable). */
export class BridgeRefusedError extends Error {
  override name = 'BridgeRefusedError';
}

type SocketLike = {
  send(text: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
};

export type WebSocketBridgeOptions = {
  /** ws://host:port/bridge */
  url: string;
  token: string;
  /** Default: the browser's WebSocket. */
  createSocket?: (url: string) => SocketLike;
  timeoutMs?: number;
};

/** ws:// or wss:// /bridge on the page's own origin. */
export function bridgeUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${BRIDGE_PATH}`;
}

export function connectWebSocketBridge(options: WebSocketBridgeOptions): Promise<Bridge> {
  const socket = options.createSocket ? options.createSocket(options.url) : (new WebSocket(options.url) as unknown as SocketLike);
  const pending = new Map<number, (result: BridgeResult) => void>();
  const listeners = new Map<string, Set<(payload: never) => void>>();
  const disconnected = new Set<() => void>();
  let nextId = 1;
  let closedReason: string | null = null;

  const call = (method: string, args: readonly unknown[]): Promise<BridgeResult> => {
    if (closedReason !== null) return Promise.resolve(err('INTERNAL', closedReason));
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      socket.send(encodeRequest({ id, method, params: callParams(args) }));
    });
  };

  const methods = Object.fromEntries(CORE_METHOD_NAMES.map((name) => [name, (...args: unknown[]) => call(name, args)])) as unknown as Omit<CoreApi, 'on'>;
  const api: CoreApi = {
    ...methods,
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const l = listener as (payload: never) => void;
      set.add(l);
      return () => void set.delete(l);
    },
  };
  const onboarding: OnboardingApi = {
    async hasAccount() {
      const r = await call('hasAccount', []);
      if (!r.ok) throw new Error(r.message);
      return r.value === true;
    },
    createAccount: (opts) => call('createAccount', [opts]) as ReturnType<OnboardingApi['createAccount']>,
    requestLink: (opts) => call('requestLink', [opts]) as ReturnType<OnboardingApi['requestLink']>,
    linkStatus: () => call('linkStatus', []) as ReturnType<OnboardingApi['linkStatus']>,
    cancelLink: () => call('cancelLink', []) as ReturnType<OnboardingApi['cancelLink']>,
  };

  return new Promise<Bridge>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
      socket.close();
    };
    const timer = setTimeout(() => fail(new Error('cairn serve did not answer in time')), options.timeoutMs ?? 10_000);

    socket.onopen = () => socket.send(encodeRequest({ id: 0, method: 'auth', params: [options.token] }));
    socket.onerror = () => fail(new Error('cannot reach cairn serve'));
    socket.onmessage = (ev) => {
      const frame = typeof ev.data === 'string' ? parseServerFrame(ev.data) : null;
      if (frame === null) return;
      if (frame.kind === 'event') {
        if (!isCoreEventName(frame.event)) return;
        for (const l of listeners.get(frame.event) ?? []) l(frame.payload as never);
        return;
      }
      if (frame.id === 0 && !settled) {
        settled = true;
        clearTimeout(timer);
        if (!frame.result.ok) {
          reject(new BridgeRefusedError(`cairn serve refused this page's access token (${frame.result.message})`));
          return;
        }
        const info = frame.result.value as { version?: unknown; platform?: unknown };
        resolve({
          api,
          onboarding,
          info: { version: String(info.version ?? 'unknown'), platform: String(info.platform ?? 'unknown'), surface: 'browser' },
          onDisconnect(cb) {
            disconnected.add(cb);
            return () => void disconnected.delete(cb);
          },
        });
        return;
      }
      if (typeof frame.id !== 'number') return;
      const settle = pending.get(frame.id);
      pending.delete(frame.id);
      settle?.(frame.result);
    };
    socket.onclose = (ev) => {
      closedReason = `the connection to cairn serve was closed (${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`;
      for (const settle of pending.values()) settle(err('INTERNAL', closedReason));
      pending.clear();
      if (!settled) return fail(ev.code === CLOSE_UNAUTHORIZED ? new BridgeRefusedError("cairn serve refused this page's access token") : new Error(closedReason));
      for (const cb of [...disconnected]) cb();
    };
  });
}
