// Shared helpers for the RelayStore acceptance suite: deterministic ids and small setup steps.
import { toHex, type AccountId, type CapabilityKey, type DeviceKey, type TopicId } from '../../src/shared/ids.js';
import type { AppendInput, RelayStore } from './types.js';

/** What a suite file needs from the running test: the current store (it changes on reopen). */
export type AcceptanceContext = {
  store(): RelayStore;
  /** Closes the store and opens the same data again; null when the adapter keeps nothing. */
  reopen: (() => Promise<RelayStore>) | null;
  /** Whether the adapter keeps data across reopen; fixed when the suite is declared, so reopen-only
   *  tests are registered only for adapters they apply to instead of being skipped. */
  persistent: boolean;
};

function id32(tag: number, n: number): Uint8Array {
  const b = new Uint8Array(32);
  b[0] = tag;
  b[30] = n >> 8;
  b[31] = n & 0xff;
  return b;
}

export const topicId = (n: number): TopicId => id32(1, n) as TopicId;
export const capability = (n: number): CapabilityKey => id32(2, n) as CapabilityKey;
/** Device keys sort by n, so tie-breaks between equal cursors are predictable. */
export const device = (n: number): DeviceKey => id32(3, n) as DeviceKey;
export const account = (n: number): AccountId => id32(4, n) as AccountId;

export function payload(n: number, size = 8): Uint8Array {
  const p = new Uint8Array(size);
  for (let i = 0; i < size; i++) p[i] = (n * 31 + i) & 0xff;
  return p;
}

export function hexes(keys: readonly Uint8Array[]): string[] {
  return keys.map((k) => toHex(k));
}

export const hex = toHex;

/** Creates topic n and registers the given devices at initialCursor 0. */
export async function setupTopic(store: RelayStore, n: number, devices: number[] = []): Promise<TopicId> {
  const t = topicId(n);
  await store.createTopic(t, capability(n), 0);
  if (devices.length > 0) await store.register(t, devices.map(device), 0);
  return t;
}

/** Appends one update per sender number (payload size 8 + i, so byte counts are checkable). */
export async function publish(store: RelayStore, topic: TopicId, senders: number[], createdAt = 1_000): Promise<number[]> {
  const batch: AppendInput[] = senders.map((s, i) => ({ topic, sender: device(s), payload: payload(s + i, 8 + i), createdAt }));
  return store.append(batch);
}

export async function storedSeqs(store: RelayStore, topic: TopicId): Promise<number[]> {
  return (await store.readAfter(topic, 0, 1_000_000)).map((u) => u.seq);
}

export async function ack(store: RelayStore, topic: TopicId, dev: number, seq: number) {
  const [r] = await store.ack([{ topic, device: device(dev), seq }]);
  return r!;
}

/** Small deterministic PRNG (mulberry32) so the model test replays the same operations. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
