// The sender policy and peer choices the sync engine asks for: a device may write a chat doc when a
// member's signed device list holds it (the account doc: own devices only); an unknown device triggers
// a refetch of the members' device lists (concurrent ones shared; a device that a refetch did not find is
// not looked up again for 10 s), then a decision.
import { getChat, getContact } from '../../shared/docs/account-doc.js';
import { RecordKind } from '../../shared/frames.js';
import type { UpdateFrame } from '../../shared/frames.js';
import type { DeviceKey } from '../../shared/ids.js';
import { bytesEqual, toHex } from '../../shared/ids.js';
import type { DocSpec } from '../sync/doc-registry.js';
import type { Membership, SyncPolicy } from '../sync/engine-options.js';
import type { Step } from '../sync/inbound.js';
import { ACCOUNT_DOC, accountDoc } from './context.js';
import type { CoreContext } from './context.js';

/** How long a device that a refetch did not find counts as a stranger without asking again. */
const STRANGER_MS = 10_000;

export type PolicyHooks = {
  inbox(url: string, frame: UpdateFrame): Step | Promise<Step>;
  /** An update on a topic that is neither a doc's nor the inbox (a topic retired by a key epoch). */
  other?(url: string, frame: UpdateFrame): Step | Promise<Step>;
  keyEpoch?(spec: DocSpec, frame: UpdateFrame, body: Uint8Array): Step | Promise<Step>;
};

export function createPolicy(get: () => CoreContext, hooks: PolicyHooks): SyncPolicy {
  const inFlight = new Map<string, Promise<boolean>>();
  const strangers = new Map<string, number>();

  const members = (spec: DocSpec): string[] => {
    const ctx = get();
    if (spec.id === ACCOUNT_DOC) return [ctx.me.account];
    return getChat(accountDoc(ctx), spec.id)?.members ?? [];
  };

  const relaysOf = (ctx: CoreContext, account: string, spec: DocSpec): string[] => {
    if (account === ctx.me.account) return ctx.relays();
    return [...new Set([...(getContact(accountDoc(ctx), account)?.relays ?? []), ...spec.relays])];
  };

  const refreshAccount = (ctx: CoreContext, account: string, spec: DocSpec): Promise<boolean> => {
    const running = inFlight.get(account);
    if (running !== undefined) return running;
    const p = ctx.directory.fetch(RecordKind.DeviceList, account, relaysOf(ctx, account, spec), ctx.timing.requestTimeoutMs).then((outcome) => {
      inFlight.delete(account);
      return outcome !== 'unreachable';
    });
    inFlight.set(account, p);
    return p;
  };

  const ownDevices = (ctx: CoreContext): DeviceKey[] => {
    const list = ctx.directory.devicesOf(ctx.me.account);
    return list.some((d) => bytesEqual(d, ctx.id.device.publicKey)) ? list : [ctx.id.device.publicKey, ...list];
  };

  return {
    membership(spec, deviceHex): Membership {
      const owner = get().directory.ownerOf(deviceHex);
      if (owner === null) return 'unknown';
      return members(spec).includes(owner) ? 'member' : 'stranger';
    },
    async refreshMembers(spec, deviceHex) {
      const ctx = get();
      if (ctx.now() - (strangers.get(deviceHex) ?? -Infinity) < STRANGER_MS) return true;
      const answers = await Promise.all(members(spec).map((m) => refreshAccount(ctx, m, spec)));
      if (!answers.every((a) => a)) return false;
      if (ctx.directory.ownerOf(deviceHex) !== null) strangers.delete(deviceHex);
      else {
        if (strangers.size >= 1024) for (const [d, at] of strangers) if (ctx.now() - at >= STRANGER_MS) strangers.delete(d);
        strangers.set(deviceHex, ctx.now());
      }
      return true;
    },
    ownerOf: (deviceHex) => get().directory.ownerOf(deviceHex),
    candidates(spec) {
      const ctx = get();
      const own = ownDevices(ctx).filter((d) => !bytesEqual(d, ctx.id.device.publicKey));
      const others = members(spec)
        .filter((m) => m !== ctx.me.account)
        .flatMap((m) => ctx.directory.devicesOf(m));
      return [...own, ...others];
    },
    registerDevices(spec) {
      const ctx = get();
      const seen = new Set<string>();
      const out: DeviceKey[] = [];
      const others = members(spec).filter((m) => m !== ctx.me.account);
      for (const d of [...ownDevices(ctx), ...others.flatMap((m) => ctx.directory.devicesOf(m))]) {
        const hex = toHex(d);
        if (!seen.has(hex)) out.push(d);
        seen.add(hex);
      }
      return out;
    },
    decideOther(url, frame) {
      const ctx = get();
      if (bytesEqual(frame.topic, ctx.id.inbox.capability.topic)) return hooks.inbox(url, frame);
      return hooks.other?.(url, frame) ?? { kind: 'skip' };
    },
    keyEpoch: (spec, frame, body) => hooks.keyEpoch?.(spec, frame, body) ?? { kind: 'skip' },
  };
}
