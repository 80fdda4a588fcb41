// The registrations of recently acked topics, kept in memory by the SQLite store so an ack batch reads
// neither each device's cursor nor each topic's two lowest cursors from the table (the floor query
// alone cost ~12 us per topic per batch, the largest item of an ack commit). One relay process per
// file (see sqlite.ts) keeps the copy true: the store changes it only after its own commits.
import type Database from 'better-sqlite3';
import { fromHex, toHex } from '../../src/shared/ids.js';
import type { DeviceKey } from '../../src/shared/ids.js';
import type { CursorFloor } from './types.js';

/** One registration: the device key as hex (the map key and the tie-break order) and its committed
 *  cursor; no key bytes, so a cached device costs ~150 B (the relay's memory per connection is a target). */
export type CachedReg = { hex: string; cursor: number };

/** Topics kept at most; the oldest loaded is dropped first (a dropped topic is read again when used). */
const MAX_TOPICS = 4096;

export class CursorCache {
  private readonly topics = new Map<string, Map<string, CachedReg>>();
  private readonly load: Database.Statement<[Uint8Array], { device: Uint8Array; cursor: number }>;

  constructor(db: Database.Database) {
    this.load = db.prepare('SELECT device, cursor FROM registrations WHERE topic = ?');
  }

  /** The topic's registrations with their committed cursors. Call before this transaction writes any of
   *  them, so a first load reads committed rows only. */
  regs(key: string, topic: Uint8Array): Map<string, CachedReg> {
    let regs = this.topics.get(key);
    if (regs !== undefined) return regs;
    regs = new Map();
    for (const row of this.load.all(topic)) {
      const hex = toHex(row.device);
      regs.set(hex, { hex, cursor: row.cursor });
    }
    if (this.topics.size >= MAX_TOPICS) this.topics.delete(this.topics.keys().next().value!);
    this.topics.set(key, regs);
    return regs;
  }

  /** Drops a topic whose registrations changed (register, unregister): it is read again when next used. */
  forget(key: string): void {
    this.topics.delete(key);
  }
}

/** The two lowest cursors (ties in device byte order, as the table's index gives them), counting the
 *  cursors this transaction moved (pending, by device hex) over the committed ones. */
export function floorOfRegs(regs: Map<string, CachedReg>, pending: Map<string, number> | undefined, head: number): { floor: CursorFloor; minHex: string | null } {
  let a: CachedReg | null = null;
  let ac = 0;
  let bc = 0;
  let b = false;
  let bHex = '';
  for (const r of regs.values()) {
    const c = pending?.get(r.hex) ?? r.cursor;
    if (a === null || c < ac || (c === ac && r.hex < a.hex)) {
      if (a !== null) {
        b = true;
        bc = ac;
        bHex = a.hex;
      }
      a = r;
      ac = c;
    } else if (!b || c < bc || (c === bc && r.hex < bHex)) {
      b = true;
      bc = c;
      bHex = r.hex;
    }
  }
  if (a === null) return { floor: { min: head, minDevice: null, second: head }, minHex: null };
  return { floor: { min: ac, minDevice: fromHex(a.hex) as DeviceKey, second: b ? bc : head }, minHex: a.hex };
}
