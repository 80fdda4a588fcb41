// The sync engine of a copied template home, offline, with the bench as its relay: inbound UPDATE frames are
// handed to the engine's relay client exactly where its socket would emit them, so they take the engine's
// real path (pool → inbound queue → verify/open/policy → doc registry transaction → cursor → ack).
// No core API exposes that entry point, hence the two narrow reaches below (see the report's hook note).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { addMessage } from '../../src/shared/docs/chat-doc.js';
import type { ChatEntry } from '../../src/shared/docs/account-doc.js';
import type { Sodium } from '../../src/shared/crypto/sodium.js';
import type { UpdateFrame } from '../../src/shared/frames.js';
import type { StoreId } from '../../src/shared/ids.js';
import { randomBytes } from '../../src/shared/crypto/sodium.js';
import { chatDocTopic } from '../../src/main/core/context.js';
import { MessageIds } from '../../src/main/core/messages.js';
import { loadIdentity } from '../../src/main/core/identity.js';
import type { Identity } from '../../src/main/core/identity.js';
import type { Home } from '../../src/main/home/index.js';
import { SyncEngine } from '../../src/main/sync/engine.js';
import type { SyncPolicy } from '../../src/main/sync/engine-options.js';
import { silentLogger } from '../../src/main/sync/logger.js';
import { copyTemplate, OFFLINE_RELAY, openCopy } from './fixture.js';
import { timed, timedAsync } from './meter.js';
import type { Span } from './meter.js';
import type { Copy, Template } from './fixture.js';
import type { Peer } from './traffic.js';

type Emits = { emit(event: 'update', frame: UpdateFrame): void };

const STORE_ID = randomBytes(16) as StoreId;

export class EngineHarness {
  readonly engine: SyncEngine;
  readonly chat: ChatEntry;
  readonly #copy: Copy;
  readonly #home: Home;
  readonly #id: Identity;
  readonly #uncompacted;
  readonly #ids = new MessageIds();
  #committed = 0;
  #waiter: { count: number; resolve(): void; timer: ReturnType<typeof setTimeout> } | null = null;

  constructor(t: Template, sodium: Sodium, peer: Peer) {
    this.chat = t.chat;
    this.#copy = copyTemplate(t);
    this.#home = openCopy(t, this.#copy, sodium);
    this.#id = loadIdentity(this.#home.vault, sodium)!;
    const me = this.#id;
    const owners = new Map([
      [peer.deviceHex, peer.account],
      [me.device.hex, me.account.hex],
    ]);
    const policy: SyncPolicy = {
      membership: (_spec, d) => (owners.has(d) ? 'member' : 'unknown'),
      refreshMembers: async () => false,
      ownerOf: (d) => owners.get(d) ?? null,
      candidates: () => [],
      registerDevices: () => [],
      decideOther: () => ({ kind: 'skip' }),
    };
    this.engine = new SyncEngine({
      db: this.#home.db,
      sodium,
      device: { publicKey: me.device.publicKey, secretKey: me.device.secretKey },
      policy,
      log: silentLogger,
      now: Date.now,
      // BENCH_VERIFY_WORKER=0: every signature verified on the main thread, as before the worker existed.
      verifyWorker: process.env.BENCH_VERIFY_WORKER !== '0',
      events: {
        committed: (c) => this.#onCommitted(c.messages.get(this.chat.chatId)?.length ?? 0),
        messageStates: () => undefined,
        relayOpen: () => undefined,
        status: () => undefined,
      },
    });
    this.engine.follow(chatDocTopic(sodium, t.chat));
    // What AUTH_OK would set: updates are only taken from a relay whose store is known.
    this.engine.pool.get(OFFLINE_RELAY)!.storeId = STORE_ID;
    this.#uncompacted = this.#home.db.prepare<[string, string], { n: number }>(
      'SELECT count(*) AS n FROM doc_updates WHERE doc = ? AND id > (SELECT compacted_through FROM docs WHERE doc = ?)',
    );
  }

  /** Loads the chat doc (what the first message in a chat pays). */
  loadDoc(): Span {
    return timed(() => this.engine.registry.doc(this.chat.chatId));
  }

  /** One local message as CoreApi.send writes it: one registry transaction (seal + sign + log + rows + outbox). */
  send(text: string, sentAt: number): void {
    const id = this.#ids.next(sentAt);
    const me = this.#id;
    this.engine.registry.local(this.chat.chatId, (doc) => addMessage(doc, { id, author: me.account.hex, device: me.device.hex, sentAt, text }), id);
  }

  /** Runs fn in one registry transaction (grouped commit: the sends inside join it). */
  group(fn: () => void): void {
    this.engine.registry.transaction(fn);
  }

  /** Hands a frame to the relay client as its socket would. */
  deliver(frame: UpdateFrame): void {
    (this.engine.pool.get(OFFLINE_RELAY)!.client as unknown as Emits).emit('update', frame);
  }

  /** Resolves once `count` more chat message rows have been committed; rejects after 60 s (an update dropped). */
  committed(count: number): Promise<void> {
    const target = this.#committed + count;
    if (this.#committed >= target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.#committed - target + count} of ${count} messages were committed`)), 60_000);
      this.#waiter = { count: target, resolve, timer };
    });
  }

  /** Receives frames one at a time (each its own transaction, as live traffic arrives). */
  receiveEach(frames: readonly UpdateFrame[]): Promise<Span> {
    return timedAsync(async () => {
      for (const f of frames) {
        const done = this.committed(1);
        this.deliver(f);
        await done;
      }
    });
  }

  /** Receives frames as one burst (a backlog replayed on subscribe): the time to the last commit, and the
   *  longest the event loop was blocked meanwhile. */
  async receiveBurst(frames: readonly UpdateFrame[]): Promise<{ span: Span; maxStallMs: number }> {
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    const span = await timedAsync(async () => {
      const done = this.committed(frames.length);
      for (const f of frames) this.deliver(f);
      await done;
    });
    // The histogram records a stall when its timer finally runs, after the blocking work.
    await sleep(20);
    h.disable();
    return { span, maxStallMs: h.max / 1e6 };
  }

  /** Rows of the chat's log that compaction has not merged yet. */
  uncompacted(): number {
    return this.#uncompacted.get(this.chat.chatId, this.chat.chatId)!.n;
  }

  /** Waits (bounded) until background compaction is idle: it merges one run per macrotask, so two turns of
   *  the event loop without a change mean it has nothing queued. */
  settle(deadlineMs = 60_000): Promise<Span> {
    return timedAsync(async () => {
      const t0 = performance.now();
      let last = this.uncompacted();
      for (let still = 0; still < 2; ) {
        if (performance.now() - t0 > deadlineMs) throw new Error('compaction did not settle in time');
        await new Promise((r) => setImmediate(r));
        const now = this.uncompacted();
        still = now === last ? still + 1 : 0;
        last = now;
      }
    });
  }

  async close(): Promise<void> {
    await this.engine.stop();
    this.#home.close();
    this.#copy.remove();
  }

  #onCommitted(rows: number): void {
    this.#committed += rows;
    const w = this.#waiter;
    if (w !== null && this.#committed >= w.count) {
      this.#waiter = null;
      clearTimeout(w.timer);
      w.resolve();
    }
  }
}
