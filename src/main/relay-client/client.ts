// A Cairn relay client over `ws`: one socket per device per relay, CHALLENGE → AUTH, typed requests
// matched by reqId, batched cumulative acks, and reconnect with full-jitter backoff.
//
// Reconnect policy: after a drop the client re-authenticates, re-proves every topic it opened and
// resubscribes every topic it was subscribed to, by itself. The cursor it resubscribes from is
// options.resumeCursor(topic, storeId) when given, otherwise the highest of the last subscribe cursor
// and every seq acked through this client (acks mean "durably stored", so that is a safe cursor).
// After a reconnect 'open' fires once that is done; callers must not resubscribe on 'open' themselves.
// CLOSING REPLACED and AUTH_FAILED stop reconnecting.
// This file holds the typed requests; the socket, auth, reconnect and frame dispatch are in connection.ts.
import { FrameType } from '../../shared/frames.js';
import type { RecordKind } from '../../shared/frames.js';
import type { AccountId, DeviceKey, Seq, TopicId } from '../../shared/ids.js';
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';
import type { ReplyFrame, RequestErrorCode } from './pending-requests.js';
import { signTopicProof } from '../../shared/crypto/capability.js';
import type { TopicCapability } from '../../shared/crypto/capability.js';
import { RelayConnection } from './connection.js';

export type { ConnectErrorCode, DeviceIdentity, RelayClientOptions, Session } from './options.js';

const expectOk = (f: ReplyFrame): Result<void, RequestErrorCode> => (f.type === FrameType.Ok ? ok(undefined) : err('UNEXPECTED_REPLY', `expected OK, got frame type ${f.type}`));

export class RelayClient extends RelayConnection {
  /** Proves a topic capability on this connection (creating the topic if absent); resolves its id. */
  async openTopic(capability: TopicCapability, flags = 0): Promise<Result<TopicId, RequestErrorCode>> {
    const nonce = this.nonce;
    if (nonce === null || !this.isOpen) return err('NOT_CONNECTED', 'not connected to a relay');
    const signature = signTopicProof(this.options.sodium, capability.secretKey, nonce, this.deviceKey, capability.capability);
    const r = await this.request((reqId) => ({ type: FrameType.OpenTopic, reqId, capability: capability.capability, flags, signature }), (f) =>
      f.type === FrameType.Ok && f.topic !== null ? ok(f.topic) : err('UNEXPECTED_REPLY', 'OPEN_TOPIC answered without a topic'),
    );
    if (r.ok) {
      const s = this.topics.get(r.value);
      s.capability = capability;
      s.flags = flags;
    }
    return r;
  }

  /** Replays what is stored after cursor ('update' events, then 'caughtUp'), then live updates. */
  subscribe(topic: TopicId, cursor: number): Promise<Result<void, RequestErrorCode>> {
    const s = this.topics.get(topic);
    s.subscribed = true;
    s.cursor = cursor;
    return this.request((reqId) => ({ type: FrameType.Subscribe, reqId, topic, cursor }), expectOk);
  }

  unsubscribe(topic: TopicId): Promise<Result<void, RequestErrorCode>> {
    this.topics.get(topic).subscribed = false;
    return this.request((reqId) => ({ type: FrameType.Unsubscribe, reqId, topic }), expectOk);
  }

  /** Resolves the relay-assigned seq once the relay committed the update (PUBLISHED). */
  publish(topic: TopicId, payload: Uint8Array): Promise<Result<Seq, RequestErrorCode>> {
    return this.request((reqId) => ({ type: FrameType.Publish, reqId, topic, payload }), (f) =>
      f.type === FrameType.Published ? ok(f.seq) : err('UNEXPECTED_REPLY', `expected PUBLISHED, got frame type ${f.type}`),
    );
  }

  register(topic: TopicId, devices: DeviceKey[]): Promise<Result<void, RequestErrorCode>> {
    return this.request((reqId) => ({ type: FrameType.Register, reqId, topic, devices }), expectOk);
  }

  unregister(topic: TopicId, devices: DeviceKey[]): Promise<Result<void, RequestErrorCode>> {
    return this.request((reqId) => ({ type: FrameType.Unregister, reqId, topic, devices }), expectOk);
  }

  /** Closes a topic this connection proved (CLOSE_TOPIC): the relay then refuses publishes there with TOPIC_CLOSED. */
  closeTopic(topic: TopicId): Promise<Result<void, RequestErrorCode>> {
    return this.request((reqId) => ({ type: FrameType.CloseTopic, reqId, topic }), expectOk);
  }

  putRecord(record: Uint8Array): Promise<Result<void, RequestErrorCode>> {
    return this.request((reqId) => ({ type: FrameType.PutRecord, reqId, record }), expectOk);
  }

  /** null: the relay has never seen this account ("unknown"). */
  getRecord(kind: RecordKind, account: AccountId): Promise<Result<Uint8Array | null, RequestErrorCode>> {
    return this.request((reqId) => ({ type: FrameType.GetRecord, reqId, kind, account }), (f) =>
      f.type === FrameType.Record ? ok(f.record) : err('UNEXPECTED_REPLY', `expected RECORD, got frame type ${f.type}`),
    );
  }

  /** Cumulative ack ("stored durably up to seq"), coalesced per topic and paced (ack-coalescer.ts). */
  ack(topic: TopicId, seq: number): void {
    const s = this.topics.get(topic);
    if (seq > s.cursor) s.cursor = seq;
    this.acks.ack(topic, seq);
  }

  /** Sends every coalesced ack now. */
  flushAcks(): void {
    this.acks.flush();
  }

  /** Typing, presence: to online subscribers only, never stored. false when there is no socket. */
  ephemeral(topic: TopicId, payload: Uint8Array): boolean {
    return this.send({ type: FrameType.Ephemeral, topic, payload });
  }

  /** To one online device on the topic, never stored (ERROR TARGET_OFFLINE arrives as an 'error' event). */
  direct(topic: TopicId, target: DeviceKey, payload: Uint8Array): boolean {
    return this.send({ type: FrameType.Direct, topic, target, payload });
  }
}
