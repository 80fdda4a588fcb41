// One side of a link exchange on its rendezvous topic: proves the topic's capability on a relay connection,
// subscribes (EPHEMERAL reaches subscribers only), seals outgoing link messages and queues incoming ones,
// opened with the code's key (epoch 0) or, once known, the session key (epoch 1).
import { openEnvelope, sealEnvelope } from '../../../shared/crypto/envelope.js';
import type { Sodium } from '../../../shared/crypto/sodium.js';
import type { DeviceKey, TopicId } from '../../../shared/ids.js';
import { bytesEqual } from '../../../shared/ids.js';
import { decodeLinkMessage, encodeLinkMessage, LINK_EPOCH } from '../../../shared/link/link-protocol.js';
import type { LinkMessage, LinkTopic } from '../../../shared/link/link-protocol.js';
import type { Result } from '../../../shared/result.js';
import { ok } from '../../../shared/result.js';
import type { RelayClient } from '../../relay-client/index.js';
import type { DirectInFrame, EphemeralInFrame } from '../../../shared/frames.js';

export type Received = { from: DeviceKey; message: LinkMessage };
type Waiter = { match: (r: Received) => boolean; resolve: (r: Received | null) => void; timer: ReturnType<typeof setTimeout> };

export class Rendezvous {
  readonly #sodium: Sodium;
  readonly #client: RelayClient;
  readonly #device: { publicKey: DeviceKey; secretKey: Uint8Array };
  readonly #topic: LinkTopic;
  readonly #inbox: Received[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #off: (() => void)[] = [];
  /** Frames under the session key that came before it was known. */
  readonly #early: (EphemeralInFrame | DirectInFrame)[] = [];
  #sessionKey: Uint8Array | null = null;
  #closed = false;

  constructor(o: { sodium: Sodium; client: RelayClient; device: { publicKey: DeviceKey; secretKey: Uint8Array }; topic: LinkTopic }) {
    this.#sodium = o.sodium;
    this.#client = o.client;
    this.#device = o.device;
    this.#topic = o.topic;
    const on = (f: EphemeralInFrame | DirectInFrame) => this.#receive(f);
    this.#off.push(o.client.on('ephemeral', on), o.client.on('direct', on));
  }

  get topic(): TopicId {
    return this.#topic.capability.topic;
  }

  /** Proves the capability (creating the topic) and subscribes. */
  async open(): Promise<Result<void, string>> {
    const opened = await this.#client.openTopic(this.#topic.capability);
    if (!opened.ok) return opened;
    const sub = await this.#client.subscribe(this.topic, 0);
    return sub.ok ? ok(undefined) : sub;
  }

  setSessionKey(key: Uint8Array): void {
    this.#sessionKey = key;
    for (const f of this.#early.splice(0)) this.#receive(f);
  }

  /** To one device (DIRECT), or to every other subscriber (EPHEMERAL) when to is null; false when not sent. */
  send(to: DeviceKey | null, message: LinkMessage, epoch: number = LINK_EPOCH.code): boolean {
    const key = epoch === LINK_EPOCH.session ? this.#sessionKey : this.#topic.key;
    if (key === null || this.#closed) return false;
    const envelope = sealEnvelope(this.#sodium, { topic: this.topic, epoch, key, senderKey: this.#device.publicKey, senderSecret: this.#device.secretKey, plaintext: encodeLinkMessage(message) });
    return to === null ? this.#client.ephemeral(this.topic, envelope) : this.#client.direct(this.topic, to, envelope);
  }

  /** The first queued or arriving message that matches, or null after timeoutMs (or on close). */
  next(match: (r: Received) => boolean, timeoutMs: number): Promise<Received | null> {
    const i = this.#inbox.findIndex(match);
    if (i >= 0) return Promise.resolve(this.#inbox.splice(i, 1)[0]!);
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const w: Waiter = { match, resolve, timer: setTimeout(() => this.#settle(w, null), Math.max(0, timeoutMs)) };
      this.#waiters.add(w);
    });
  }

  /** Stops listening and unsubscribes (best effort); pending next() calls resolve null. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const off of this.#off) off();
    for (const w of [...this.#waiters]) this.#settle(w, null);
    if (this.#client.isOpen) void this.#client.unsubscribe(this.topic).catch(() => undefined);
  }

  #settle(w: Waiter, r: Received | null): void {
    clearTimeout(w.timer);
    this.#waiters.delete(w);
    w.resolve(r);
  }

  #receive(f: EphemeralInFrame | DirectInFrame): void {
    if (this.#closed || !bytesEqual(f.topic, this.topic) || bytesEqual(f.sender, this.#device.publicKey)) return;
    const opened = openEnvelope(this.#sodium, f.payload, {
      expectedTopic: this.topic,
      attestedSender: f.sender,
      keyForEpoch: (e) => (e === LINK_EPOCH.code ? this.#topic.key : e === LINK_EPOCH.session ? this.#sessionKey : null),
    });
    if (!opened.ok) {
      // The session key is set only once the reveal was handled, which can run after the next frame arrived.
      if (opened.code === 'UNKNOWN_EPOCH' && this.#sessionKey === null && this.#early.length < 8) this.#early.push(f);
      return;
    }
    const message = decodeLinkMessage(opened.value.plaintext);
    if (!message.ok) return;
    // Secret-bearing messages count only under the session key, so nobody holding just the code can fake them.
    const sessionOnly = message.value.type === 'handover' || message.value.type === 'done';
    if (sessionOnly !== (opened.value.epoch === LINK_EPOCH.session)) return;
    const r: Received = { from: f.sender.slice() as DeviceKey, message: message.value };
    for (const w of this.#waiters) {
      if (w.match(r)) return this.#settle(w, r);
    }
    if (this.#inbox.length < 64) this.#inbox.push(r);
  }
}
