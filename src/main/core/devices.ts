// This account's devices: the signed device list (the newest of the stored record and what relays served),
// registering new devices on every topic they must receive, when each own device was last seen, and the
// device list view (names from the account doc's `devices` map).
import { listDevices } from '../../shared/docs/account-doc.js';
import { listChats } from '../../shared/docs/account-doc.js';
import type { DeviceView } from '../../shared/core-api.js';
import type { DeviceKey } from '../../shared/ids.js';
import { bytesEqual, toHex } from '../../shared/ids.js';
import { RecordKind } from '../../shared/frames.js';
import { DEFAULT_UPDATE_TTL_MS } from '../../shared/limits.js';
import { decodeDeviceList, parseRecord } from '../../shared/records.js';
import type { DeviceList, ListedDevice } from '../../shared/records.js';
import type { ClientDb } from '../db/index.js';
import { accountDoc, chatDocTopic } from './context.js';
import type { CoreContext } from './context.js';
import { getMeta, setMeta, storedRecord } from './identity.js';

/** The newest own device list: the stored record's, or a newer one the directory fetched. */
export function ownDeviceList(ctx: CoreContext): { version: number; list: DeviceList } {
  const fetched = ctx.directory.deviceList(ctx.me.account);
  const fetchedVersion = ctx.directory.deviceListVersion(ctx.me.account);
  const stored = storedRecord(ctx.db, 'deviceListRecord');
  const parsed = stored === null ? null : parseRecord(stored);
  const payload = parsed?.ok === true ? decodeDeviceList(parsed.value.payload) : null;
  if (parsed?.ok === true && payload?.ok === true && (fetched === null || parsed.value.version >= fetchedVersion)) return { version: parsed.value.version, list: payload.value };
  if (fetched !== null) return { version: fetchedVersion, list: fetched };
  const self: ListedDevice = { signKey: ctx.id.device.publicKey, boxKey: ctx.id.device.box.publicKey };
  return { version: 0, list: { inboxTopic: ctx.id.inbox.capability.topic, inboxKey: ctx.id.inbox.box.publicKey, devices: [self] } };
}

/**
 * REGISTERs (or UNREGISTERs) devices on the topics that must reach them, on every relay where the topic is open
 * now (a topic opened later registers the directory's current list itself): for own devices every followed topic
 * (inbox, account doc, chats), for another account's devices the chats shared with that account.
 */
export async function registerDevices(ctx: CoreContext, account: string, devices: DeviceKey[], op: 'register' | 'unregister' = 'register'): Promise<void> {
  if (devices.length === 0) return;
  const own = account === ctx.me.account;
  const shared = own ? null : new Set(listChats(accountDoc(ctx)).filter((c) => c.blocked !== true && c.members.includes(account)).map((c) => chatDocTopic(ctx.sodium, c).topicHex));
  const work: Promise<void>[] = [];
  const inbox = toHex(ctx.id.inbox.capability.topic);
  for (const entry of ctx.engine.pool.entries()) {
    for (const [hex, t] of entry.topics) {
      if ((shared !== null && !shared.has(hex)) || !ctx.engine.pool.isReady(entry.url, hex)) continue;
      // Topics retired by a key epoch are only drained: a new device never reads them.
      if (hex !== inbox && ctx.engine.registry.byTopic(hex) === null) continue;
      const sent = op === 'register' ? entry.client.register(t.spec.topic, devices) : entry.client.unregister(t.spec.topic, devices);
      work.push(
        sent.then((r) => {
          // A closed topic (left behind by a key epoch) takes no registrations and needs none.
          if (!r.ok && r.code !== 'TOPIC_CLOSED' && !ctx.engine.stopped) ctx.log.warn({ relay: entry.url, topic: hex }, `${op === 'register' ? 'registering new' : 'unregistering removed'} devices failed: ${r.message}`);
        }),
      );
    }
  }
  await Promise.all(work);
}

/**
 * Directory hook: a newer device list of an account added devices (register them where they must receive) or
 * removed some (a revocation: unregister them, so that topics this device shares with them stop waiting on them).
 */
export function deviceListChanged(ctx: CoreContext, account: string, added: DeviceKey[], removed: DeviceKey[] = []): void {
  if (ctx.engine.stopped) return;
  if (added.length > 0) {
    ctx.log.info({ account, added: added.length }, 'a device list gained devices: registering them');
    void registerDevices(ctx, account, added);
  }
  // This device, dropped from its own list, has nothing left to unregister: its relays refuse it already.
  const gone = removed.filter((d) => !bytesEqual(d, ctx.id.device.publicKey));
  if (gone.length > 0) {
    ctx.log.info({ account, removed: gone.length }, 'a device list dropped devices: unregistering them');
    void registerDevices(ctx, account, gone, 'unregister');
  }
}

const SEEN_META = 'devices.last-seen';
/** A later sighting is written to the database only once it is this much newer than the written one. */
const SEEN_WRITE_MS = 60_000;

/** When each own device was last seen, kept in memory and written to meta now and then (and on flush). */
export class LastSeen {
  readonly #db: ClientDb;
  readonly #seen = new Map<string, number>();
  #written = new Map<string, number>();
  #dirty = false;

  constructor(db: ClientDb) {
    this.#db = db;
    const v = getMeta(db, SEEN_META);
    if (typeof v !== 'string') return;
    try {
      for (const [k, at] of Object.entries(JSON.parse(v) as Record<string, unknown>)) if (typeof at === 'number') this.#seen.set(k, at);
    } catch {
      // A damaged value only forgets when devices were seen.
    }
    this.#written = new Map(this.#seen);
  }

  /** Notes a sighting of a device if it is one of ours (a cheap key compare per update). */
  note(ctx: CoreContext, device: DeviceKey, at: number): void {
    const own = ctx.directory.deviceList(ctx.me.account)?.devices;
    if (own === undefined || !own.some((d) => bytesEqual(d.signKey, device)) || bytesEqual(device, ctx.id.device.publicKey)) return;
    const hex = toHex(device);
    if ((this.#seen.get(hex) ?? 0) >= at) return;
    this.#seen.set(hex, at);
    this.#dirty = true;
    const written = this.#written.get(hex);
    if (written === undefined || at - written >= SEEN_WRITE_MS) this.flush();
  }

  get(hex: string): number | null {
    return this.#seen.get(hex) ?? null;
  }

  /** Writes what changed since the last write. */
  flush(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    setMeta(this.#db, SEEN_META, JSON.stringify(Object.fromEntries(this.#seen)));
    this.#written = new Map(this.#seen);
  }
}

/** How long a device may stay silent before it is shown as stale: the relays' default TTL, since no relay
 *  announces its own; past it the relay may have dropped updates it never acked, and it resyncs from peers. */
export const STALE_AFTER_MS = DEFAULT_UPDATE_TTL_MS;

/** Stale: not the current device, and neither seen nor linked within the TTL (a device never seen here
 *  counts from when it was linked, so a just-linked one is not stale). */
export function isStale(view: { current: boolean; lastSeen: number | null }, addedAt: number | null, now: number, ttlMs = STALE_AFTER_MS): boolean {
  if (view.current) return false;
  const since = view.lastSeen ?? addedAt;
  return since !== null && now - since > ttlMs;
}

export function deviceViews(ctx: CoreContext, seen: LastSeen): DeviceView[] {
  const names = new Map(listDevices(accountDoc(ctx)).map((d) => [d.device, d]));
  const now = ctx.now();
  const views = ownDeviceList(ctx).list.devices.map((d): DeviceView & { addedAt: number } => {
    const hex = toHex(d.signKey);
    const current = hex === ctx.me.device;
    const entry = names.get(hex);
    const lastSeen = current ? now : seen.get(hex);
    const stale = isStale({ current, lastSeen }, entry?.addedAt ?? null, now);
    return { deviceId: hex, name: entry?.name ?? '', lastSeen, current, stale, addedAt: entry?.addedAt ?? Number.MAX_SAFE_INTEGER };
  });
  views.sort((a, b) => a.addedAt - b.addedAt || (a.deviceId < b.deviceId ? -1 : 1));
  return views.map(({ deviceId, name, lastSeen, current, stale }) => ({ deviceId, name, lastSeen, current, stale }));
}

/** Fetches this account's device list from its relays (another device may have linked one). */
export function refreshOwnDevices(ctx: CoreContext): Promise<unknown> {
  return ctx.directory.fetch(RecordKind.DeviceList, ctx.me.account, ctx.relays(), ctx.timing.requestTimeoutMs);
}
