// Proof of convergence (docs/MULTIDEVICE.md): each device announces the digest of each chat doc (state vector +
// delete set, src/shared/docs/digest.ts) in a sealed EPHEMERAL frame on the chat's topic, keeps the latest digest
// heard from every member device, and reports per device whether it equals its own. A digest that stays different
// after a quiet period triggers targeted sync: a step 1 sent DIRECT to that device, with backoff.
import type { ChatSyncStatus } from '../../shared/core-api.js';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { openEnvelope, sealEnvelope } from '../../shared/crypto/envelope.js';
import { decodeAppMessage, encodeSyncStep1 } from '../../shared/docs/app-message.js';
import { decodeDigest, docDigest, encodeDigest } from '../../shared/docs/digest.js';
import type { EphemeralInFrame } from '../../shared/frames.js';
import type { DeviceKey } from '../../shared/ids.js';
import { bytesEqual, toHex } from '../../shared/ids.js';
import { DigestRepairs } from './digest-repairs.js';
import { chatStatus } from './digest-status.js';
import type { Chat } from './digest-status.js';
import { DIGEST_TIMING } from './digest-timing.js';
import type { DigestTiming } from './digest-timing.js';
import type { DocRegistry, DocSpec } from './doc-registry.js';
import type { CoreLogger } from './logger.js';
import type { RelayPool } from './relay-pool.js';

export type DigestsOptions = {
  sodium: Sodium;
  device: { publicKey: DeviceKey; secretKey: Uint8Array };
  registry: DocRegistry;
  pool: RelayPool;
  log: CoreLogger;
  now(): number;
  /** Every device of every member of the chat (signed device lists), this one included. */
  devicesOf(spec: DocSpec): DeviceKey[];
  ownerOf(deviceHex: string): string | null;
  /** Whether the device belongs to a member of the chat (only their digests count). */
  isMember(spec: DocSpec, deviceHex: string): boolean;
  /** A device in no known device list sent a digest (a member may have linked it since): refetch the members'
   *  device lists (the sender policy shares concurrent refetches and waits before looking a stranger up again). */
  refreshMembers?(spec: DocSpec, deviceHex: string): Promise<boolean>;
  /** Someone listens for status changes (computing one is skipped otherwise). */
  listening(): boolean;
  /** A chat's status changed (a device went in or out of sync, or was heard for the first time). */
  changed(status: ChatSyncStatus): void;
  /** A verified digest came from this device. */
  seen?(device: DeviceKey): void;
  timing?: Partial<DigestTiming>;
};

export class Digests {
  readonly #o: DigestsOptions;
  readonly #t: DigestTiming;
  readonly #chats = new Map<string, Chat>();
  readonly #repairs: DigestRepairs;
  /** The latest digest of each unknown device whose owner is being looked up, counted once the lookup found it. */
  readonly #unknown = new Map<string, { url: string; spec: DocSpec; f: EphemeralInFrame }>();
  #stopped = false;

  constructor(options: DigestsOptions) {
    this.#o = options;
    this.#t = { ...DIGEST_TIMING, ...options.timing };
    this.#repairs = new DigestRepairs(this.#t, { now: options.now, mismatchSince: (doc, hex) => this.#mismatchSince(doc, hex), ask: (doc, hex, backoffMs) => this.#askPeer(doc, hex, backoffMs) });
  }

  /** A doc changed (committed): its digest is recomputed and announced after the quiet period. */
  changed(doc: string): void {
    const spec = this.#o.registry.spec(doc);
    if (this.#stopped || spec?.kind !== 'chat') return;
    const c = this.#chat(doc);
    const now = this.#o.now();
    c.mine = null;
    c.changedAt = now;
    c.unannouncedSince ??= now;
    this.#schedule(doc, c);
  }

  /** The chat's topic caught up on a relay: announce and ask peers for theirs (once the doc is loaded anyway). */
  caughtUp(spec: DocSpec): void {
    if (this.#stopped || spec.kind !== 'chat') return;
    const c = this.#chat(spec.id);
    c.ask = true;
    // Loading a large doc only to announce it costs too much at startup: an unloaded doc asks when it changes or is queried.
    if (this.#o.registry.loaded(spec.id)) this.#answerSoon(spec.id, c);
  }

  /** An EPHEMERAL frame on a chat's topic: a member device's digest. */
  ephemeral(url: string, spec: DocSpec, f: EphemeralInFrame): void {
    const { sodium, log, now } = this.#o;
    if (this.#stopped || spec.kind !== 'chat') return;
    const opened = openEnvelope(sodium, f.payload, { expectedTopic: spec.topic, attestedSender: f.sender, keyForEpoch: (e) => (e === 0 ? spec.key : null) });
    if (!opened.ok) return log.debug({ topic: spec.topicHex, code: opened.code }, `dropping an ephemeral envelope: ${opened.message}`);
    const hex = toHex(f.sender);
    if (!this.#o.isMember(spec, hex)) return this.#unknownSender(url, spec, f, hex);
    const app = decodeAppMessage(opened.value.plaintext);
    if (!app.ok || app.value.kind !== 'digest') return;
    const m = decodeDigest(app.value.digest);
    if (!m.ok) return log.debug({ topic: spec.topicHex, sender: hex }, `ignoring a digest: ${m.message}`);
    this.#o.seen?.(f.sender);
    const c = this.#chat(spec.id);
    const before = c.peers.get(hex);
    const since = before !== undefined && bytesEqual(before.digest, m.value.digest) ? before.since : now();
    c.peers.set(hex, { device: f.sender, digest: m.value.digest, at: now(), since, url });
    const same = bytesEqual(m.value.digest, this.#mine(spec.id, c));
    if (m.value.ask || (!same && now() - c.sentAt > this.#t.reannounceMs)) this.#answerSoon(spec.id, c);
    if (same) this.#repairs.settled(spec.id, hex);
    else this.#repairs.mismatch(spec.id, hex);
    this.#show(spec.id, c);
  }

  /** The chat's status now; asks unheard devices again (bounded) since someone wants to know. Null for a doc that is no chat. */
  status(chatId: string): ChatSyncStatus | null {
    const spec = this.#o.registry.spec(chatId);
    if (spec?.kind !== 'chat') return null;
    const c = this.#chat(chatId);
    const status = this.#status(spec, c);
    if (!this.#stopped && status.devices.some((d) => d.inSync === null) && this.#o.now() - c.askedAt >= this.#t.askAgainMs) {
      c.ask = true;
      this.#answerSoon(chatId, c);
    }
    return status;
  }

  /** Device lists changed (a device linked or revoked): digests of devices no longer listed are dropped, and chats
   *  already shown are shown again, so a new device appears (not heard yet) and a revoked one disappears. */
  devicesChanged(): void {
    if (this.#stopped) return;
    for (const [doc, c] of this.#chats) {
      const spec = this.#o.registry.spec(doc);
      if (spec === null) continue;
      const listed = new Set(this.#o.devicesOf(spec).map(toHex));
      for (const hex of [...c.peers.keys()]) {
        if (listed.has(hex)) continue;
        c.peers.delete(hex);
        this.#repairs.settled(doc, hex);
      }
      // A chat never shown has nobody waiting for it (and showing it could load its doc).
      if (c.shown !== '') this.#show(doc, c);
    }
  }

  /** Forgets a chat this device no longer follows. */
  forget(doc: string): void {
    const c = this.#chats.get(doc);
    if (c?.timer != null) clearTimeout(c.timer);
    this.#chats.delete(doc);
    this.#repairs.forget(doc);
  }

  stop(): void {
    this.#stopped = true;
    this.#unknown.clear();
    for (const c of this.#chats.values()) if (c.timer !== null) clearTimeout(c.timer);
    this.#repairs.stop();
  }

  // ---- internals

  /** A digest from a device no known device list holds: once the members' lists are refetched and name it, it counts. */
  #unknownSender(url: string, spec: DocSpec, f: EphemeralInFrame, hex: string): void {
    const refresh = this.#o.refreshMembers;
    // A known device of an account outside the chat is a stranger; no refetch makes it a member.
    if (refresh === undefined || this.#o.ownerOf(hex) !== null) return;
    const waiting = this.#unknown.has(hex);
    if (!waiting && this.#unknown.size >= 256) return;
    this.#unknown.set(hex, { url, spec, f });
    if (waiting) return;
    const done = () => {
      const latest = this.#unknown.get(hex);
      this.#unknown.delete(hex);
      if (latest === undefined || this.#stopped || this.#o.registry.spec(latest.spec.id)?.topicHex !== latest.spec.topicHex) return;
      if (this.#o.isMember(latest.spec, hex)) this.ephemeral(latest.url, latest.spec, latest.f);
    };
    void refresh(spec, hex).then(done, done);
  }

  #chat(doc: string): Chat {
    let c = this.#chats.get(doc);
    if (c === undefined) {
      c = { mine: null, mineAt: 0, changedAt: -Infinity, unannouncedSince: null, sent: null, sentAt: -Infinity, ask: false, askedAt: -Infinity, answerAt: null, timer: null, timerAt: Infinity, peers: new Map(), shown: '' };
      this.#chats.set(doc, c);
    }
    return c;
  }

  #mine(doc: string, c: Chat): Uint8Array {
    if (c.mine === null) {
      c.mine = docDigest(this.#o.sodium, this.#o.registry.doc(doc));
      c.mineAt = this.#o.now();
    }
    return c.mine;
  }

  #answerSoon(doc: string, c: Chat): void {
    const at = this.#o.now() + this.#t.answerDelayMs;
    c.answerAt = c.answerAt === null ? at : Math.min(c.answerAt, at);
    this.#schedule(doc, c);
  }

  /** When the chat's next announcement is owed: the earliest of an answer and the end of a quiet period (or the
   *  longest wait), no sooner than minIntervalMs after the last one; Infinity when none is owed. */
  #due(c: Chat): number {
    const t = this.#t;
    let due = c.answerAt ?? Infinity;
    if (c.unannouncedSince !== null) due = Math.min(due, c.changedAt + t.quietMs, c.unannouncedSince + t.maxWaitMs);
    return due === Infinity ? due : Math.max(due, c.sentAt + t.minIntervalMs);
  }

  /** Arms the chat's one timer for its due time; a timer already set earlier stays (it re-checks when it fires),
   *  so a burst of changes costs no timer churn. */
  #schedule(doc: string, c: Chat): void {
    const due = this.#due(c);
    if (due === Infinity || (c.timer !== null && c.timerAt <= due)) return;
    if (c.timer !== null) clearTimeout(c.timer);
    c.timerAt = due;
    c.timer = setTimeout(() => this.#fire(doc, c), Math.max(0, due - this.#o.now()));
    c.timer.unref?.();
  }

  #fire(doc: string, c: Chat): void {
    const armedFor = c.timerAt;
    c.timer = null;
    c.timerAt = Infinity;
    // Changes since the timer was armed moved the due time later: wait for it (compared with the armed time, not the clock).
    if (this.#due(c) > armedFor) return this.#schedule(doc, c);
    this.#announce(doc, c);
  }

  #announce(doc: string, c: Chat): void {
    const spec = this.#o.registry.spec(doc);
    if (this.#stopped || spec === null || this.#chats.get(doc) !== c) return;
    const digest = this.#mine(doc, c);
    const owed = c.answerAt !== null || c.ask || c.sent === null || !bytesEqual(digest, c.sent);
    c.answerAt = null;
    c.unannouncedSince = null;
    if (owed && this.#send(spec, { digest, ask: c.ask })) {
      const now = this.#o.now();
      c.sent = digest;
      c.sentAt = now;
      if (c.ask) c.askedAt = now;
      c.ask = false;
    }
    // Our digest may have moved towards or away from what peers last said.
    for (const [hex, p] of c.peers) {
      if (bytesEqual(p.digest, digest)) this.#repairs.settled(doc, hex);
      else this.#repairs.mismatch(doc, hex);
    }
    this.#show(doc, c);
  }

  /** Seals the digest once and sends it as EPHEMERAL on every relay where the topic is ready; false when none was. */
  #send(spec: DocSpec, m: { digest: Uint8Array; ask: boolean }): boolean {
    const { sodium, device, pool } = this.#o;
    let envelope: Uint8Array | null = null;
    let sent = false;
    for (const url of spec.relays) {
      const client = pool.get(url)?.client;
      if (client === undefined || !pool.isReady(url, spec.topicHex)) continue;
      envelope ??= sealEnvelope(sodium, { topic: spec.topic, epoch: 0, key: spec.key, senderKey: device.publicKey, senderSecret: device.secretKey, plaintext: encodeDigest(m) });
      if (client.ephemeral(spec.topic, envelope)) sent = true;
    }
    return sent;
  }

  /** When the mismatch with a device last changed, or null when there is nothing to repair (see DigestRepairs). */
  #mismatchSince(doc: string, hex: string): number | null {
    const c = this.#chats.get(doc);
    const p = c?.peers.get(hex);
    if (this.#stopped || c === undefined || p === undefined || this.#o.now() - p.at > this.#t.peerFreshMs || bytesEqual(p.digest, this.#mine(doc, c))) return null;
    return Math.max(p.since, c.changedAt);
  }

  /** Asks one device for what this one lacks: this doc's state vector (step 1) as DIRECT, on the relay it spoke on. */
  #askPeer(doc: string, hex: string, backoffMs: number): void {
    const { sodium, device, pool, registry, log } = this.#o;
    const spec = registry.spec(doc);
    const p = this.#chats.get(doc)?.peers.get(hex);
    if (spec === null || p === undefined) return;
    const url = pool.isReady(p.url, spec.topicHex) ? p.url : spec.relays.find((u) => pool.isReady(u, spec.topicHex));
    const client = url === undefined ? undefined : pool.get(url)?.client;
    if (client === undefined) return;
    const envelope = sealEnvelope(sodium, { topic: spec.topic, epoch: 0, key: spec.key, senderKey: device.publicKey, senderSecret: device.secretKey, plaintext: encodeSyncStep1(registry.doc(doc)) });
    if (client.direct(spec.topic, p.device, envelope)) log.info({ topic: spec.topicHex, device: hex, backoffMs }, 'convergence digests differ: asking that device for what this one lacks');
  }

  #status(spec: DocSpec, c: Chat): ChatSyncStatus {
    return chatStatus(spec, c, this.#mine(spec.id, c), toHex(this.#o.device.publicKey), (s) => this.#o.devicesOf(s), (hex) => this.#o.ownerOf(hex));
  }

  /** Emits the chat's status when someone listens and a device's inSync changed since the last emit. */
  #show(doc: string, c: Chat): void {
    const spec = this.#o.registry.spec(doc);
    if (spec === null || this.#stopped || !this.#o.listening()) return;
    const status = this.#status(spec, c);
    const shown = status.devices.map((d) => `${d.deviceId}:${String(d.inSync)}`).join(',');
    if (shown === c.shown) return;
    c.shown = shown;
    this.#o.changed(status);
  }
}
