// What Digests keeps per chat (its own digest, announcement schedule, peers' digests) and the ChatSyncStatus built from it.
import type { ChatSyncStatus, DeviceSyncView } from '../../shared/core-api.js';
import type { DeviceKey } from '../../shared/ids.js';
import { bytesEqual, toHex } from '../../shared/ids.js';
import type { DocSpec } from './doc-registry.js';

/** at: when the last digest came; since: when this device's digest took its current value (a repeat keeps it). */
export type Peer = { device: DeviceKey; digest: Uint8Array; at: number; since: number; url: string };
export type Chat = {
  /** This device's digest, null when the doc changed since it was computed. */
  mine: Uint8Array | null;
  mineAt: number;
  /** Last change of the doc; first change not yet announced (null: none). */
  changedAt: number;
  unannouncedSince: number | null;
  sent: Uint8Array | null;
  sentAt: number;
  /** The next announcement asks peers to answer (set when the topic caught up). */
  ask: boolean;
  askedAt: number;
  /** An announcement is owed at this time regardless of changes (an answer), or null. */
  answerAt: number | null;
  timer: ReturnType<typeof setTimeout> | null;
  timerAt: number;
  peers: Map<string, Peer>;
  shown: string;
};

/** The chat's status given this device's digest (mine) and key (me): per listed device, whether its last digest equals mine. */
export function chatStatus(spec: DocSpec, c: Chat, mine: Uint8Array, me: string, devicesOf: (spec: DocSpec) => DeviceKey[], ownerOf: (deviceHex: string) => string | null): ChatSyncStatus {
  const seen = new Set<string>();
  const devices: DeviceSyncView[] = [];
  for (const d of devicesOf(spec)) {
    const hex = toHex(d);
    if (seen.has(hex)) continue;
    seen.add(hex);
    const account = ownerOf(hex) ?? '';
    if (hex === me) {
      devices.push({ deviceId: hex, account, inSync: true, current: true, digestAt: c.mineAt });
      continue;
    }
    const p = c.peers.get(hex);
    devices.push({ deviceId: hex, account, inSync: p === undefined ? null : bytesEqual(p.digest, mine), current: false, digestAt: p?.at ?? null });
  }
  return { chatId: spec.id, devices, allInSync: devices.every((d) => d.inSync === true) };
}
