// Targeted sync (docs/PROTOCOL.md section 7): a device that may have missed updates (GAP, first backfill,
// a relay that lost its store) sends its state vector (sync step 1) in a DIRECT frame to ONE peer device,
// own devices first, trying the next on TARGET_OFFLINE. The peer answers with sync step 2 in chunks below
// the frame limit, paced by a bytes-per-second budget, framed by BACKFILL begin/end messages (progress and
// completion for the asker). Every payload is a sealed envelope of the topic.
import type { Sodium } from '../../shared/crypto/sodium.js';
import { sealEnvelope } from '../../shared/crypto/envelope.js';
import type { DeviceKey } from '../../shared/ids.js';
import { bytesEqual, toHex } from '../../shared/ids.js';
import { chunkedStep2, DEFAULT_SYNC_CHUNK_BYTES, encodeSyncStep1 } from '../../shared/docs/app-message.js';
import { encodeBackfillMessage } from '../../shared/docs/backfill-message.js';
import type { DocRegistry, DocSpec } from './doc-registry.js';
import type { CoreLogger } from './logger.js';
import type { RelayPool } from './relay-pool.js';

export type ConvergenceOptions = {
  sodium: Sodium;
  device: { publicKey: DeviceKey; secretKey: Uint8Array };
  registry: DocRegistry;
  pool: RelayPool;
  log: CoreLogger;
  /** Peer devices to ask, in order (own devices first); never this device. */
  candidates(spec: DocSpec): DeviceKey[];
  /** Step-2 bytes sent per second per answer (default DEFAULT_STEP2_BYTES_PER_SECOND). */
  bytesPerSecond?: number;
  /** Largest step-2 chunk (default DEFAULT_SYNC_CHUNK_BYTES). */
  chunkBytes?: number;
  /** A request nobody answered is forgotten after this long (default 30 s). */
  requestTimeoutMs?: number;
  /** What an answer for the doc holds, in progress units (a chat's messages); default 0. */
  itemsOf?(spec: DocSpec): number;
};

/** 4 MiB/s: a 10k-message chat (~2.7 MB of step 2) reaches a new device in under a second of pacing (issue 5:
 *  backfill in 2 s); at 1 MiB/s the pacing alone took ~2.6 s while the CPU work was ~0.5 s. */
export const DEFAULT_STEP2_BYTES_PER_SECOND = 4 * 1024 * 1024;

type Pending = { spec: DocSpec; candidates: DeviceKey[]; index: number; timer: ReturnType<typeof setTimeout> };

export class Convergence {
  readonly #o: ConvergenceOptions;
  readonly #pending = new Map<string, Pending>();
  /** Topics (per relay) whose request found no peer online: the next peer seen on the topic is asked. */
  readonly #wanted = new Set<string>();
  #stopped = false;

  constructor(options: ConvergenceOptions) {
    this.#o = options;
  }

  /** Asks one peer for what this device lacks, unless a request for the topic on this relay is open. */
  request(url: string, spec: DocSpec, only?: DeviceKey): void {
    const key = `${url} ${spec.topicHex}`;
    if (this.#stopped || this.#pending.has(key)) return;
    const candidates = only !== undefined ? [only] : this.#o.candidates(spec);
    if (candidates.length === 0) return void this.#wanted.add(key);
    const timer = setTimeout(() => this.#pending.delete(key), this.#o.requestTimeoutMs ?? 30_000);
    const p: Pending = { spec, candidates, index: 0, timer };
    this.#pending.set(key, p);
    this.#wanted.delete(key);
    this.#ask(url, key, p);
  }

  /** Asks again now even if a request is open (a first backfill whose peer went quiet). */
  retry(url: string, spec: DocSpec): void {
    const key = `${url} ${spec.topicHex}`;
    const p = this.#pending.get(key);
    if (p !== undefined) clearTimeout(p.timer);
    this.#pending.delete(key);
    this.request(url, spec);
  }

  /** TARGET_OFFLINE on a topic: the asked device is not online, ask the next one. */
  targetOffline(url: string, topicHex: string): void {
    const key = `${url} ${topicHex}`;
    const p = this.#pending.get(key);
    if (p === undefined) return;
    p.index++;
    this.#ask(url, key, p);
  }

  /** A member device just published on the topic, so it is online: ask it if a request found nobody before. */
  peerSeen(url: string, spec: DocSpec, device: DeviceKey): void {
    const key = `${url} ${spec.topicHex}`;
    if (!this.#wanted.has(key) || bytesEqual(device, this.#o.device.publicKey)) return;
    this.request(url, spec, device);
  }

  /** A step-2 chunk arrived from a peer: the open request for the topic is answered. */
  answered(url: string, spec: DocSpec): void {
    const key = `${url} ${spec.topicHex}`;
    const p = this.#pending.get(key);
    if (p === undefined) return;
    clearTimeout(p.timer);
    this.#pending.delete(key);
  }

  /** Answers a peer's step 1 (its state vector) with step 2 in paced chunks, to that peer only. */
  async answer(url: string, spec: DocSpec, peer: DeviceKey, stateVector: Uint8Array): Promise<void> {
    const { sodium, device, registry, pool, log } = this.#o;
    let chunks: Uint8Array[];
    try {
      chunks = chunkedStep2(registry.doc(spec.id), stateVector, this.#o.chunkBytes ?? DEFAULT_SYNC_CHUNK_BYTES);
    } catch (e) {
      return log.warn({ topic: spec.topicHex }, `malformed state vector from ${toHex(peer).slice(0, 8)}: ${(e as Error).message}`);
    }
    const budget = this.#o.bytesPerSecond ?? DEFAULT_STEP2_BYTES_PER_SECOND;
    const items = this.#o.itemsOf?.(spec) ?? 0;
    const messages = [encodeBackfillMessage({ phase: 'begin', chunks: chunks.length, items }), ...chunks, encodeBackfillMessage({ phase: 'end' })];
    for (let i = 0; i < messages.length; i++) {
      if (this.#stopped) return;
      const client = pool.get(url)?.client;
      const envelope = sealEnvelope(sodium, { topic: spec.topic, epoch: 0, key: spec.key, senderKey: device.publicKey, senderSecret: device.secretKey, plaintext: messages[i]! });
      if (client === undefined || !client.direct(spec.topic, peer, envelope)) return;
      if (i > 0 && i + 2 < messages.length) await new Promise((r) => setTimeout(r, Math.ceil((envelope.length / budget) * 1000)));
    }
  }

  stop(): void {
    this.#stopped = true;
    for (const p of this.#pending.values()) clearTimeout(p.timer);
    this.#pending.clear();
  }

  #ask(url: string, key: string, p: Pending): void {
    const target = p.candidates[p.index];
    const client = this.#o.pool.get(url)?.client;
    if (target === undefined || client === undefined) {
      clearTimeout(p.timer);
      this.#pending.delete(key);
      this.#wanted.add(key);
      return;
    }
    const { sodium, device, registry } = this.#o;
    const plaintext = encodeSyncStep1(registry.doc(p.spec.id));
    const envelope = sealEnvelope(sodium, { topic: p.spec.topic, epoch: 0, key: p.spec.key, senderKey: device.publicKey, senderSecret: device.secretKey, plaintext });
    if (!client.direct(p.spec.topic, target, envelope)) {
      clearTimeout(p.timer);
      this.#pending.delete(key);
      this.#wanted.add(key);
    }
  }
}
