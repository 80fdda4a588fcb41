// The relay client's events, and a small typed emitter for them (no Node EventEmitter: typed keys and
// payloads, and an unsubscribe function from on()).
import type {
  AckedFrame,
  CaughtUpFrame,
  CloseReasonName,
  DeliveredFrame,
  DirectInFrame,
  EphemeralInFrame,
  GapFrame,
  UpdateFrame,
} from '../../shared/frames.js';
import type { DeviceKey, StoreId, TopicId } from '../../shared/ids.js';
import type { RequestErrorCode } from './pending-requests.js';

export type RelayClientEvents = {
  /** Authenticated; after a reconnect, only once every topic was re-proven and resubscribed. storeChanged: the relay's store id differs from the last one,
   *  so cursors kept for the old store mean nothing (the client resubscribed from 0). */
  open: { storeId: StoreId; deviceKey: DeviceKey; reconnected: boolean; storeChanged: boolean };
  /** The socket closed; willReconnect tells whether a retry is scheduled (after delayMs). */
  close: { code: number; reason: string; willReconnect: boolean; delayMs: number | null };
  /** The relay announced why it closes the socket (REPLACED stops reconnecting). */
  closing: { reason: CloseReasonName | 'UNKNOWN'; message: string };
  update: UpdateFrame;
  caughtUp: CaughtUpFrame;
  acked: AckedFrame;
  delivered: DeliveredFrame;
  gap: GapFrame;
  ephemeral: EphemeralInFrame;
  direct: DirectInFrame;
  /** An ERROR that answers no pending request (reqId 0: malformed frame, NOT_REGISTERED ack, TARGET_OFFLINE,
   *  a failed automatic resubscribe…), or an undecodable frame from the relay (MALFORMED). */
  error: { code: RequestErrorCode | 'MALFORMED'; message: string; topic: TopicId | null; reqId: number };
};

type Listener<T> = (value: T) => void;

export class TypedEmitter<E extends Record<string, unknown>> {
  readonly #listeners = new Map<keyof E, Set<Listener<never>>>();

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  once<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    const off = this.on(event, (value) => {
      off();
      listener(value);
    });
    return off;
  }

  off<K extends keyof E>(event: K, listener: Listener<E[K]>): void {
    this.#listeners.get(event)?.delete(listener as Listener<never>);
  }

  protected emit<K extends keyof E>(event: K, value: E[K]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of set) (listener as Listener<E[K]>)(value);
  }
}
