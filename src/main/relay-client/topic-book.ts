// The topics a relay client opened or subscribed to, kept across reconnects: after a drop the client proves and
// resubscribes them by itself (client.ts), from the cursor the caller's store gives or the one it last knew.
import type { TopicCapability } from '../../shared/crypto/capability.js';
import type { StoreId, TopicId } from '../../shared/ids.js';
import { toHex } from '../../shared/ids.js';
import type { Result } from '../../shared/result.js';
import type { RequestErrorCode } from './pending-requests.js';

export type TopicState = { topic: TopicId; capability: TopicCapability | null; flags: number; subscribed: boolean; cursor: number };

/** What restoring needs of the client: its own requests, on the new socket. */
export type RestoreApi = {
  openTopic(capability: TopicCapability, flags: number): Promise<Result<TopicId, RequestErrorCode>>;
  subscribe(topic: TopicId, cursor: number): Promise<Result<void, RequestErrorCode>>;
};

export class TopicBook {
  readonly #topics = new Map<string, TopicState>();

  /** The topic's entry, created on first use. */
  get(topic: TopicId): TopicState {
    const key = toHex(topic);
    let s = this.#topics.get(key);
    if (s === undefined) this.#topics.set(key, (s = { topic: topic.slice() as TopicId, capability: null, flags: 0, subscribed: false, cursor: 0 }));
    return s;
  }

  /** A new relay store knows none of the old cursors. */
  resetCursors(): void {
    for (const s of this.#topics.values()) s.cursor = 0;
  }

  /** Re-proves then resubscribes each topic (in that order: the relay may handle pipelined requests
   *  concurrently); each failure is reported with its topic and the others go on. */
  async restore(api: RestoreApi, storeId: StoreId, resumeCursor: ((topic: TopicId, storeId: StoreId) => number | undefined) | undefined, failed: (topic: TopicId, message: string, code: RequestErrorCode) => void): Promise<void> {
    const ok = (topic: TopicId, r: Result<unknown, RequestErrorCode>): boolean => {
      if (!r.ok) failed(topic, r.message, r.code);
      return r.ok;
    };
    await Promise.all(
      [...this.#topics.values()].map(async (s) => {
        if (s.capability !== null && !ok(s.topic, await api.openTopic(s.capability, s.flags))) return;
        if (!s.subscribed) return;
        ok(s.topic, await api.subscribe(s.topic, resumeCursor?.(s.topic, storeId) ?? s.cursor));
      }),
    );
  }
}
