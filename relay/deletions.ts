// Writes that delete stored updates outside the ack path (unregister, TTL expiry) and the bookkeeping
// every deletion needs. They run inside the batcher loop (exclusive), like every write that changes sizes.
import { FrameType } from '../src/shared/frames.js';
import type { DeviceKey, TopicId } from '../src/shared/ids.js';
import type { Batcher, BatcherDeps } from './batcher.js';
import { announceDelivered, bytesKey } from './delivery.js';
import type { TopicState } from './hub.js';
import type { Metrics } from './metrics.js';

/** Counts deleted seqs and forgets them in the inbox share. */
export function noteDeleted(metrics: Metrics, topic: TopicState | undefined, seqs: readonly number[]): void {
  metrics.deletions += seqs.length;
  topic?.inbox?.deleted(seqs);
}

/** Re-reads stored bytes after deletions (the store reports seqs, not sizes). Call inside the loop. */
export async function refreshStoredBytes(deps: BatcherDeps, topic: TopicState): Promise<void> {
  try {
    const meta = await deps.store.getTopic(topic.id);
    if (meta !== null) topic.storedBytes = meta.storedBytes;
  } catch (error) {
    deps.log.error({ err: error }, 'reading topic sizes failed');
  }
}

/** Unregisters devices, then applies the deletions and DELIVERED it causes. */
export function unregisterDevices(batcher: Batcher, deps: BatcherDeps, topic: TopicState, devices: DeviceKey[]): Promise<void> {
  return batcher.exclusive(async () => {
    const res = await deps.store.unregister(topic.id, devices);
    topic.registered -= res.removed.length;
    if (res.deleted.length > 0) {
      noteDeleted(deps.metrics, topic, res.deleted);
      await refreshStoredBytes(deps, topic);
    }
    announceDelivered(topic, res.floor);
  });
}

/** TTL expiry: deletes, then tells online subscribers about their gaps (others learn at SUBSCRIBE). */
export function expireUpdates(batcher: Batcher, deps: BatcherDeps, cutoff: number): Promise<void> {
  return batcher.exclusive(async () => {
    const { store, hub } = deps;
    const res = await store.expire(cutoff);
    for (const d of res.deleted) {
      const topic = hub.topics.get(bytesKey(d.topic));
      noteDeleted(deps.metrics, topic, d.seqs);
      if (topic) await refreshStoredBytes(deps, topic);
    }
    for (const g of res.gapped) {
      const conn = hub.devices.get(bytesKey(g.device));
      const link = conn?.links?.get(bytesKey(g.topic));
      if (!conn || !link?.subscribed) continue;
      conn.sendFrame({ type: FrameType.Gap, topic: g.topic as TopicId, fromSeq: g.fromSeq - 1, toSeq: g.toSeq });
      await store.clearGap(g.topic, g.device);
    }
  });
}
