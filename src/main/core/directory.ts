// Signed account records this device knows: profiles and device lists, verified, cached in SQLite
// (records table) and indexed in memory (device → owning account). Fetches ask several relays at
// once and keep the highest verified version.
import type { Sodium } from '../../shared/crypto/sodium.js';
import { RecordKind } from '../../shared/frames.js';
import type { AccountId, DeviceKey } from '../../shared/ids.js';
import { bytesEqual, fromHex, toHex } from '../../shared/ids.js';
import { decodeDeviceList, decodeProfile, verifyRecord } from '../../shared/records.js';
import type { DeviceList, Profile, VerifiedRecord } from '../../shared/records.js';
import { createRecordCache } from '../db/index.js';
import type { ClientDb, RecordCache } from '../db/index.js';
import type { CoreLogger } from '../sync/logger.js';
import type { RelayPool } from '../sync/relay-pool.js';

export type FetchOutcome = 'found' | 'unknown' | 'unreachable';
type Versioned<T> = { version: number; value: T };

export class Directory {
  readonly #sodium: Sodium;
  readonly #cache: RecordCache;
  readonly #db: ClientDb;
  readonly #pool: RelayPool;
  readonly #log: CoreLogger;
  readonly #now: () => number;
  readonly #lists = new Map<string, Versioned<DeviceList>>();
  readonly #profiles = new Map<string, Versioned<Profile>>();
  readonly #owners = new Map<string, string>();

  readonly #stopped: () => boolean;
  readonly #listChanged: (account: string, added: DeviceKey[], removed: DeviceKey[]) => void;
  readonly #devicesChanged: (account: string) => void;

  constructor(o: {
    db: ClientDb;
    sodium: Sodium;
    pool: RelayPool;
    log: CoreLogger;
    now(): number;
    stopped(): boolean;
    /** A newer device list of a known account added or removed (revoked) devices. */
    listChanged?(account: string, added: DeviceKey[], removed: DeviceKey[]): void;
    /** A newer device list of an account was taken (devices added or removed), whoever asked for it. */
    devicesChanged?(account: string): void;
  }) {
    this.#stopped = o.stopped;
    this.#listChanged = o.listChanged ?? (() => undefined);
    this.#devicesChanged = o.devicesChanged ?? (() => undefined);
    this.#db = o.db;
    this.#sodium = o.sodium;
    this.#pool = o.pool;
    this.#log = o.log;
    this.#now = o.now;
    this.#cache = createRecordCache(o.db);
  }

  /** Reads every cached record into memory (they were verified before they were cached). */
  load(): void {
    const rows = this.#db.prepare<[], { kind: number; account: Uint8Array; version: number; bytes: Uint8Array }>('SELECT kind, account, version, bytes FROM records').all();
    for (const r of rows) {
      const v = verifyRecord(this.#sodium, r.bytes);
      if (v.ok) this.#index(v.value);
    }
  }

  /** Verifies a record and caches it unless an equal or newer one is known; the verified record, or null.
   *  notify: call listChanged for devices a newer device list added or removed (off when the caller handles them itself). */
  accept(bytes: Uint8Array, expected?: { kind: RecordKind; account: string }, notify = true): VerifiedRecord | null {
    const v = verifyRecord(this.#sodium, bytes);
    if (!v.ok) return null;
    const r = v.value;
    const hex = toHex(r.account);
    if (expected !== undefined && (expected.kind !== r.kind || expected.account !== hex)) return null;
    const known = r.kind === RecordKind.Profile ? this.#profiles.get(hex) : this.#lists.get(hex);
    if (known !== undefined && known.version >= r.version) {
      this.#cache.touch(r.kind, r.account, this.#now());
      return r;
    }
    this.#cache.put(r.kind, r.account, r.version, bytes.slice(), this.#now());
    const before = r.kind === RecordKind.DeviceList ? this.#lists.get(hex)?.value.devices : undefined;
    this.#index(r);
    if (before !== undefined && notify) {
      const after = this.#lists.get(hex)?.value.devices ?? [];
      const added = after.filter((d) => !before.some((b) => bytesEqual(b.signKey, d.signKey))).map((d) => d.signKey);
      const removed = before.filter((b) => !after.some((d) => bytesEqual(b.signKey, d.signKey))).map((d) => d.signKey);
      if (added.length > 0 || removed.length > 0) this.#listChanged(hex, added, removed);
    }
    if (r.kind === RecordKind.DeviceList) this.#devicesChanged(hex);
    return r;
  }

  deviceList(account: string): DeviceList | null {
    return this.#lists.get(account)?.value ?? null;
  }

  deviceListVersion(account: string): number {
    return this.#lists.get(account)?.version ?? 0;
  }

  profile(account: string): Profile | null {
    return this.#profiles.get(account)?.value ?? null;
  }

  /** The account whose latest known device list holds the device, or null. */
  ownerOf(device: string): string | null {
    return this.#owners.get(device) ?? null;
  }

  devicesOf(account: string): DeviceKey[] {
    return (this.#lists.get(account)?.value.devices ?? []).map((d) => d.signKey);
  }

  /** Asks each relay for the record; 'found' when one had a valid record (cached, highest version wins). */
  async fetch(kind: RecordKind, account: string, relays: string[], timeoutMs: number): Promise<FetchOutcome> {
    const id = fromHex(account) as AccountId | null;
    relays = [...new Set(relays)];
    if (id === null || relays.length === 0) return 'unreachable';
    const outcomes = await Promise.all(
      relays.map(async (url): Promise<FetchOutcome> => {
        if (!(await this.#pool.whenOpen(url, timeoutMs))) return 'unreachable';
        const r = await this.#pool.get(url)!.client.getRecord(kind, id);
        if (this.#stopped()) return 'unreachable';
        if (!r.ok) {
          this.#log.warn({ relay: url, code: r.code }, `GET_RECORD failed: ${r.message}`);
          return 'unreachable';
        }
        if (r.value === null) return 'unknown';
        if (this.accept(r.value, { kind, account }) === null) {
          this.#log.warn({ relay: url, account }, 'the relay sent a record that does not verify');
          return 'unknown';
        }
        return 'found';
      }),
    );
    // A relay that only a lookup brought in (a contact's code) is not kept connected when it failed.
    relays.forEach((url, i) => outcomes[i] === 'unreachable' && this.#pool.dropIfIdle(url));
    if (outcomes.includes('found')) return 'found';
    return outcomes.includes('unknown') ? 'unknown' : 'unreachable';
  }

  #index(r: VerifiedRecord): void {
    const hex = toHex(r.account);
    if (r.kind === RecordKind.Profile) {
      const p = decodeProfile(r.payload);
      if (p.ok) this.#profiles.set(hex, { version: r.version, value: p.value });
      return;
    }
    const list = decodeDeviceList(r.payload);
    if (!list.ok) return;
    const old = this.#lists.get(hex);
    if (old !== undefined && old.version >= r.version) return;
    for (const d of old?.value.devices ?? []) if (this.#owners.get(toHex(d.signKey)) === hex) this.#owners.delete(toHex(d.signKey));
    this.#lists.set(hex, { version: r.version, value: list.value });
    for (const d of list.value.devices) this.#owners.set(toHex(d.signKey), hex);
  }
}
