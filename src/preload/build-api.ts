// Builds window.cairn from two primitives the preload gets from ipcRenderer: invoke a method, and receive
// events. Kept free of electron so it is unit-tested; index.ts wires it and exposes the result.
import type { CairnPlatform } from '../shared/api.js';
import type { CoreApi } from '../shared/core-api.js';
import { APP_EVENT_NAMES, SHELL_EVENT_NAMES, type AppEventName, type IpcReply, type PreloadApi } from '../shared/bridge/electron-api.js';
import { callParams } from '../shared/bridge/frames.js';
import { CORE_METHOD_NAMES } from '../shared/bridge/names.js';
import { err } from '../shared/result.js';

export type PreloadDeps = {
  /** ipcRenderer.invoke(IPC_CALL, method, params). */
  invoke(method: string, params: unknown[]): Promise<IpcReply>;
  /** Registers the one handler for IPC_EVENT messages from main. */
  listen(handler: (event: unknown, payload: unknown) => void): void;
  version: string;
  platform: CairnPlatform;
  /** Where a listener's exception goes (it must not stop the other listeners). */
  reportError?: (error: unknown) => void;
};

const knownEvents: ReadonlySet<string> = new Set(APP_EVENT_NAMES);
const shellEvents: ReadonlySet<string> = new Set(SHELL_EVENT_NAMES);

export function buildPreloadApi(deps: PreloadDeps): PreloadApi {
  // A failed invoke (main gone, a handler missing) still answers a Result, as every CoreApi call must.
  const call = (method: string, args: readonly unknown[]): Promise<IpcReply> =>
    deps.invoke(method, callParams(args)).catch((e: unknown) => err('INTERNAL', `the app's main process did not answer: ${e instanceof Error ? e.message : String(e)}`));

  const listeners = new Map<string, Set<(payload: never) => void>>();
  // A deep link can arrive before the page subscribed: the latest one per shell event waits for its first listener.
  const held = new Map<string, unknown>();
  const deliver = (listener: (payload: never) => void, payload: unknown): void => {
    try {
      listener(payload as never);
    } catch (e) {
      deps.reportError?.(e);
    }
  };
  deps.listen((event, payload) => {
    if (typeof event !== 'string') return;
    const set = listeners.get(event);
    if ((set === undefined || set.size === 0) && shellEvents.has(event)) held.set(event, payload);
    for (const listener of set ?? []) deliver(listener, payload);
  });

  const methods = Object.fromEntries(CORE_METHOD_NAMES.map((name) => [name, (...args: unknown[]) => call(name, args)])) as unknown as Omit<CoreApi, 'on'>;

  return Object.freeze({
    ...methods,
    version: deps.version,
    platform: deps.platform,
    async hasAccount(): Promise<boolean> {
      const r = await call('hasAccount', []);
      if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
      return r.value === true;
    },
    createAccount: (opts) => call('createAccount', [opts]) as ReturnType<PreloadApi['createAccount']>,
    requestLink: (opts) => call('requestLink', [opts]) as ReturnType<PreloadApi['requestLink']>,
    linkStatus: () => call('linkStatus', []) as ReturnType<PreloadApi['linkStatus']>,
    cancelLink: () => call('cancelLink', []) as ReturnType<PreloadApi['cancelLink']>,
    on<K extends AppEventName>(event: K, listener: (payload: never) => void) {
      if (!knownEvents.has(event)) throw new TypeError(`unknown event ${JSON.stringify(String(event))}`);
      if (typeof listener !== 'function') throw new TypeError('the listener must be a function');
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      if (held.has(event)) {
        const payload = held.get(event);
        held.delete(event);
        deliver(listener, payload);
      }
      return () => void set.delete(listener);
    },
  } satisfies PreloadApi);
}
