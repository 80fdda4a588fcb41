// Making room on a topic at quota: unregister the registered device with the oldest cursor (never the
// publisher), which lets the updates only it was waiting for be deleted. Runs inside the batcher loop.
import { FrameType } from '../src/shared/frames.js';
import type { BatcherDeps } from './batcher.js';
import { noteDeleted, refreshStoredBytes } from './deletions.js';
import { announceDelivered, bytesKey } from './delivery.js';
import type { TopicState } from './hub.js';
import { chooseEviction } from './limits.js';

/** One eviction; false when no registered device can be evicted to free anything. */
export async function evictForQuota(deps: BatcherDeps, topic: TopicState, publisher: string): Promise<boolean> {
  const { store, hub, log } = deps;
  const victim = chooseEviction(await store.registrations(topic.id), publisher, topic.headSeq, bytesKey);
  if (victim === null) return false;
  const res = await store.unregister(topic.id, [victim.device]);
  topic.registered -= res.removed.length;
  if (res.deleted.length > 0) {
    noteDeleted(deps.metrics, topic, res.deleted);
    await refreshStoredBytes(deps, topic);
  }
  announceDelivered(topic, res.floor);
  log.info({ deleted: res.deleted.length, storedBytes: topic.storedBytes }, 'topic at quota: unregistered the device with the oldest cursor');
  const conn = hub.devices.get(bytesKey(victim.device));
  const link = conn?.links?.get(topic.key);
  if (conn !== undefined && link !== undefined) {
    // It resyncs from its peers, then subscribes again, which registers it again.
    conn.sendFrame({ type: FrameType.Gap, topic: topic.id, fromSeq: victim.cursor, toSeq: topic.headSeq });
    link.subscribed = false;
    link.replay = null;
    topic.subscribers.delete(link);
  }
  return true;
}
