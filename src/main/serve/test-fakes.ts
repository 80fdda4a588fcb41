// TEST ONLY: a small CoreApi with events and a CoreFactory around it, for the serve and bridge unit tests.
import type { CoreApi, CoreEvents, WhoAmI } from '../../shared/core-api.js';
import { CORE_METHOD_NAMES } from '../../shared/bridge/names.js';
import { err, ok } from '../../shared/result.js';
import type { CoreFactory, HostedCore } from './account-host.js';

export const FAKE_ACCOUNT = 'a1'.repeat(32);
export const FAKE_DEVICE = 'd1'.repeat(32);

export type EventfulFakeCore = HostedCore & {
  calls: Array<[string, unknown[]]>;
  emit<K extends keyof CoreEvents>(event: K, payload: CoreEvents[K]): void;
  listeners(): number;
  started: number;
  stopped: number;
};

/** Every method records its arguments; whoami answers a fixed account, send an id, the others ok(method name). */
export function eventfulFakeCore(name = 'Alice'): EventfulFakeCore {
  const calls: EventfulFakeCore['calls'] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const who: WhoAmI = { accountId: FAKE_ACCOUNT, deviceId: FAKE_DEVICE, name, status: '', relays: ['ws://127.0.0.1:1'] };
  const methods = Object.fromEntries(
    CORE_METHOD_NAMES.map((m) => [
      m,
      async (...args: unknown[]) => {
        calls.push([m, args]);
        if (m === 'whoami') return ok(who);
        if (m === 'send') return ok({ messageId: 'ab'.repeat(16) });
        if (m === 'addContact' && args[0] === 'throw') throw new Error('boom');
        if (m === 'addContact') return err('MALFORMED_INVITE', 'not a Cairn invite code');
        return ok(m);
      },
    ]),
  ) as unknown as Omit<CoreApi, 'on'>;
  const core: EventfulFakeCore = {
    ...methods,
    calls,
    started: 0,
    stopped: 0,
    start: () => void core.started++,
    stop: () => void core.stopped++,
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => void set.delete(l);
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    listeners: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  };
  return core;
}

/** How a fake link goes: the code at once, the SAS when `sas` resolves, then the account when `handover` resolves
 *  (or the failure it resolves to). */
export type FakeLink = { sas: Promise<void>; handover: Promise<{ code: string; message: string } | null> };

/** A factory whose homes start without an account unless `withAccount`; initAccount fails for the name "fail";
 *  requestLink follows `link` (absent: linking is not offered). */
export function fakeFactory(options: { withAccount?: boolean; cores?: EventfulFakeCore[]; link?: FakeLink } = {}): CoreFactory & {
  inits: Array<{ name: string; relays: string[] }>;
  links: Array<{ relay: string; name?: string; timeoutMs: number }>;
} {
  let has = options.withAccount ?? false;
  const inits: Array<{ name: string; relays: string[] }> = [];
  const links: Array<{ relay: string; name?: string; timeoutMs: number }> = [];
  const link = options.link;
  return {
    inits,
    links,
    ...(link === undefined
      ? {}
      : {
          async requestLink({ relay, name, timeoutMs, onCode, onSas, signal }) {
            links.push({ relay, ...(name === undefined ? {} : { name }), timeoutMs });
            onCode(`cairn-link:fake${links.length}`);
            const aborted = new Promise<'aborted'>((resolve) => signal.addEventListener('abort', () => resolve('aborted'), { once: true }));
            if ((await Promise.race([link.sas, aborted])) === 'aborted') return err('NOT_ALLOWED', 'the link request was cancelled');
            onSas('482 193');
            const failed = await Promise.race([link.handover, aborted]);
            if (failed === 'aborted') return err('NOT_ALLOWED', 'the link request was cancelled');
            if (failed !== null) return err(failed.code, failed.message);
            has = true;
            return ok({ accountId: FAKE_ACCOUNT, deviceId: FAKE_DEVICE });
          },
        }),
    hasAccount: () => has,
    async initAccount({ name, relays }) {
      inits.push({ name, relays });
      if (name === 'fail') return err('INVALID_ARGUMENT', 'a relay URL is not valid');
      has = true;
      return ok({ accountId: FAKE_ACCOUNT, deviceId: FAKE_DEVICE });
    },
    async createCore() {
      const core = eventfulFakeCore();
      options.cores?.push(core);
      return ok(core);
    },
  };
}
