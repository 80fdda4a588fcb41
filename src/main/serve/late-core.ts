// A CoreApi that exists before the core does: `cairn serve` and the desktop app start on a home that may hold
// no account yet, and their bridges (and listeners) are set up once. Until a core is attached every method
// answers NOT_ALLOWED; listeners registered early are carried over to the core when it arrives.
import type { CoreApi, CoreEvents, Unsubscribe } from '../../shared/core-api.js';
import { CORE_METHOD_NAMES, type CoreEventName } from '../../shared/bridge/names.js';
import { err } from '../../shared/result.js';

export type LateCore = {
  /** Stable for the process's life: delegates to the attached core. */
  readonly api: CoreApi;
  /** Attaches the core (once); listeners already registered start receiving its events. */
  attach(core: CoreApi): void;
  attached(): boolean;
};

export const NO_ACCOUNT_MESSAGE = 'this device has no account yet: create one first';

type Entry = { event: CoreEventName; listener: (payload: never) => void; detach: Unsubscribe | null };

export function createLateCore(): LateCore {
  let core: CoreApi | null = null;
  const entries = new Set<Entry>();
  const subscribe = (c: CoreApi, e: Entry): Unsubscribe => c.on(e.event, e.listener as (payload: CoreEvents[CoreEventName]) => void);

  const methods = Object.fromEntries(
    CORE_METHOD_NAMES.map((name) => [
      name,
      (...args: unknown[]) => {
        if (core === null) return Promise.resolve(err('NOT_ALLOWED', NO_ACCOUNT_MESSAGE));
        return (core[name] as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as Omit<CoreApi, 'on'>;

  const api: CoreApi = {
    ...methods,
    on(event, listener) {
      const entry: Entry = { event, listener: listener as Entry['listener'], detach: null };
      entries.add(entry);
      if (core !== null) entry.detach = subscribe(core, entry);
      return () => {
        if (!entries.delete(entry)) return;
        entry.detach?.();
      };
    },
  };

  return {
    api,
    attach(c) {
      if (core !== null) throw new Error('a core is already attached');
      core = c;
      for (const e of entries) e.detach = subscribe(c, e);
    },
    attached: () => core !== null,
  };
}
