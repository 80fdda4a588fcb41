// The Yjs docs this device holds, loaded lazily from their update log, and the one place that changes
// them: a local change (origin 'local') and remote updates (origin 'remote') each run inside a SQLite
// transaction that appends to the doc log, materializes message rows, writes the sealed outbox rows of
// a local change and advances relay cursors. Effects (events, acks, outbox kick) run after the commit.
import * as Y from 'yjs';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { sealEnvelope } from '../../shared/crypto/envelope.js';
import type { DeviceKey, TopicId } from '../../shared/ids.js';
import { bytesEqual } from '../../shared/ids.js';
import { encodeSyncUpdate } from '../../shared/docs/app-message.js';
import { CHAT_DOC_ROOTS, acceptMessageChange, messageValueOf } from '../../shared/docs/chat-doc.js';
import type { MessageValue } from '../../shared/docs/chat-doc.js';
import { isHexId, MESSAGE_ID_HEX_CHARS } from '../../shared/docs/values.js';
import { createCursorStore, createDocLog, createDocStore, createMessageStore } from '../db/index.js';
import { LocalRun } from '../db/local-update.js';
import type { ClientDb, CursorStore, DocKind, DocLog, DocStore, MessageRow, MessageStore } from '../db/index.js';
import type { OutboxStore } from './outbox-store.js';

export const Origin = { Local: 'local', Remote: 'remote', Load: 'load' } as const;

export type DocSpec = { id: string; kind: DocKind; topic: TopicId; topicHex: string; /** Epoch-0 key of the topic. */ key: Uint8Array; relays: string[] };
/** author: the device (hex) that wrote a live update, which must be the author of what it changes; null for
 *  a peer's sync step 2, which carries other devices' changes. */
export type RemoteUpdate = { doc: string; update: Uint8Array; author: string | null };
export type CursorAdvance = { relay: string; storeId: Uint8Array; topic: Uint8Array; seq: number };
export type Committed = {
  /** Changed message rows per chat. */
  messages: Map<string, MessageRow[]>;
  accountChanged: boolean;
  /** Relays that got outbox rows. */
  outbox: Set<string>;
  /** Log rows appended per doc. */
  appended: Map<string, number>;
};

export type RegistryDeps = {
  db: ClientDb;
  sodium: Sodium;
  device: { publicKey: DeviceKey; secretKey: Uint8Array };
  outbox: OutboxStore;
  /** The account (hex) whose signed device list holds the device, or null when unknown. */
  ownerOf(deviceHex: string): string | null;
  afterCommit(committed: Committed): void;
  now(): number;
};

type Handle = { spec: DocSpec; doc: Y.Doc; emitted: boolean; author: string | null; rows: Map<string, MessageRow> };
/** Local updates of a transaction per doc, logged and sealed together at its end (one envelope per doc). */
type Sealing = { doc: Y.Doc; run: LocalRun; changed: boolean; messageIds: Set<string> };
type Tx = Committed & { touched: Set<string>; sealing: Map<string, Sealing> };

const rowOf = (chat: string, id: string, v: MessageValue): MessageRow => ({
  chat,
  id,
  author: v.author,
  device: v.device,
  sentAt: v.sentAt,
  text: v.text,
  replyTo: v.replyTo ?? null,
  editedAt: v.editedAt ?? null,
  deleted: v.deleted === true,
});

function valueOf(r: MessageRow): MessageValue {
  const v: MessageValue = { author: r.author, device: r.device, sentAt: r.sentAt, text: r.text };
  if (r.replyTo !== null) v.replyTo = r.replyTo;
  if (r.editedAt !== null) v.editedAt = r.editedAt;
  if (r.deleted) v.deleted = true;
  return v;
}

export class DocRegistry {
  readonly #d: RegistryDeps;
  readonly #docs: DocStore;
  readonly #log: DocLog;
  readonly #messages: MessageStore;
  readonly #cursors: CursorStore;
  readonly #specs = new Map<string, DocSpec>();
  readonly #byTopic = new Map<string, string>();
  readonly #handles = new Map<string, Handle>();
  #tx: Tx | null = null;

  constructor(deps: RegistryDeps) {
    this.#d = deps;
    this.#docs = createDocStore(deps.db);
    this.#log = createDocLog(deps.db);
    this.#messages = createMessageStore(deps.db);
    this.#cursors = createCursorStore(deps.db);
  }

  get log(): DocLog {
    return this.#log;
  }

  /** Makes a doc known (its docs row, with a persisted clientID, is created if absent); loads nothing. */
  register(spec: DocSpec): void {
    // A key epoch whose move was cut short (a crash between the account doc change and the move) ends here.
    const row = this.#specs.has(spec.id) ? null : this.#docs.get(spec.id);
    if (row !== null && row.kind === spec.kind && !bytesEqual(row.topic, spec.topic)) this.#docs.retopic(spec.id, spec.topic);
    this.#docs.ensure(spec.id, spec.kind, spec.topic);
    const old = this.#specs.get(spec.id);
    if (old !== undefined) old.relays = spec.relays;
    else {
      this.#specs.set(spec.id, spec);
      this.#byTopic.set(spec.topicHex, spec.id);
    }
  }

  /** Moves a registered doc to a new topic and key (a key epoch): the spec object changes in place, so loaded
   *  handles seal their next changes for the new topic; the old topic no longer maps to the doc. */
  retopic(id: string, next: Pick<DocSpec, 'topic' | 'topicHex' | 'key'>): void {
    const spec = this.#specs.get(id);
    if (spec === undefined) throw new Error(`doc ${id} is not registered`);
    this.#docs.retopic(id, next.topic);
    this.#byTopic.delete(spec.topicHex);
    spec.topic = next.topic;
    spec.topicHex = next.topicHex;
    spec.key = next.key;
    this.#byTopic.set(spec.topicHex, id);
  }

  spec(id: string): DocSpec | null {
    return this.#specs.get(id) ?? null;
  }

  byTopic(topicHex: string): DocSpec | null {
    const id = this.#byTopic.get(topicHex);
    return id === undefined ? null : this.#specs.get(id)!;
  }

  specs(): DocSpec[] {
    return [...this.#specs.values()];
  }

  /** Whether the doc is in memory already (doc() would not have to read its log). */
  loaded(id: string): boolean {
    return this.#handles.has(id);
  }

  /** The loaded doc, for reading. Change it only through local(). */
  doc(id: string): Y.Doc {
    return this.#handle(id).doc;
  }

  /** Forgets a doc: its log, materialized messages and cursors. */
  drop(id: string): void {
    const spec = this.#specs.get(id);
    this.transaction(() => {
      this.#docs.remove(id);
      this.#messages.removeChat(id);
      if (spec !== undefined) this.#cursors.removeTopic(spec.topic);
    });
    this.#handles.get(id)?.doc.destroy();
    this.#handles.delete(id);
    this.#specs.delete(id);
    if (spec !== undefined) this.#byTopic.delete(spec.topicHex);
  }

  /** Runs fn in one SQLite transaction (nested calls join it); effects run once after the outermost commit. */
  transaction<R>(fn: () => R): R {
    if (this.#tx !== null) return fn();
    const tx: Tx = { messages: new Map(), accountChanged: false, outbox: new Set(), appended: new Map(), touched: new Set(), sealing: new Map() };
    this.#tx = tx;
    let value: R;
    try {
      value = this.#d.db.transaction(() => {
        const v = fn();
        this.#sealLocal(tx);
        return v;
      })();
    } catch (e) {
      // The in-memory docs may hold changes that were rolled back: reload them from the log when next used.
      for (const id of tx.touched) this.#evict(id);
      throw e;
    } finally {
      this.#tx = null;
    }
    this.#d.afterCommit(tx);
    return value;
  }

  /** A local change: mutate runs in a Yjs transaction (origin 'local'). At the end of the outermost transaction
   *  the doc's local updates are merged, logged and sealed once into one outbox row per relay of the doc (a grouped
   *  commit of several changes sends one envelope). messageId links the rows to a message for delivery state. */
  local<R>(id: string, mutate: (doc: Y.Doc) => R, messageId: string | null = null): R {
    return this.transaction(() => {
      const tx = this.#tx!;
      const h = this.#handle(id);
      tx.touched.add(id);
      h.author = null;
      let s = tx.sealing.get(id);
      if (s === undefined || s.doc !== h.doc) tx.sealing.set(id, (s = { doc: h.doc, run: new LocalRun(), changed: false, messageIds: new Set() }));
      // No 'update' listener: the run's changes are encoded once when the transaction seals (LocalRun).
      const { value, changed } = s.run.record(h.doc, Origin.Local, () => mutate(h.doc));
      if (changed) {
        s.changed = true;
        if (messageId !== null) s.messageIds.add(messageId);
      }
      this.#flushRows(tx, h);
      return value;
    });
  }

  /** Applies updates from relays or peers (origin 'remote') and advances the given cursors, in one transaction. */
  remote(updates: readonly RemoteUpdate[], cursors: readonly CursorAdvance[] = []): void {
    this.transaction(() => {
      const tx = this.#tx!;
      for (const u of updates) {
        const h = this.#handle(u.doc);
        tx.touched.add(u.doc);
        h.author = u.author;
        h.emitted = false;
        Y.applyUpdate(h.doc, u.update, Origin.Remote);
        // A duplicate changes nothing and is not logged; one waiting for missing structs is kept for later.
        if (h.emitted || h.doc.store.pendingStructs !== null || h.doc.store.pendingDs !== null) this.#append(tx, u.doc, u.update);
        h.author = null;
        this.#flushRows(tx, h);
      }
      for (const c of cursors) this.#cursors.advance(c.relay, c.storeId, c.topic, c.seq);
    });
  }

  /** Appends a raw update to a doc's log without applying it (the caller already did, e.g. compaction tests). */
  #append(tx: Tx, id: string, update: Uint8Array): void {
    this.#log.appendUpdate(id, update);
    tx.appended.set(id, (tx.appended.get(id) ?? 0) + 1);
    if (this.#specs.get(id)?.kind === 'account') tx.accountChanged = true;
  }

  /** Logs and seals each doc's local updates of the transaction, merged into one (still inside it). */
  #sealLocal(tx: Tx): void {
    for (const [id, s] of tx.sealing) {
      const spec = this.#specs.get(id);
      if (spec === undefined || !s.changed) continue; // dropped within the transaction, or nothing changed
      const update = s.run.encode(s.doc);
      this.#append(tx, id, update);
      this.#seal(tx, spec, update, [...s.messageIds]);
    }
    tx.sealing.clear();
  }

  #seal(tx: Tx, spec: DocSpec, update: Uint8Array, messageIds: readonly string[]): void {
    const { sodium, device, outbox, now } = this.#d;
    const envelope = sealEnvelope(sodium, { topic: spec.topic, epoch: 0, key: spec.key, senderKey: device.publicKey, senderSecret: device.secretKey, plaintext: encodeSyncUpdate(update) });
    const createdAt = now();
    for (const relay of spec.relays) {
      outbox.add({ relay, topic: spec.topic, doc: spec.id, envelope, messageIds, createdAt });
      tx.outbox.add(relay);
    }
  }

  #flushRows(tx: Tx, h: Handle): void {
    if (h.rows.size === 0) return;
    const rows = [...h.rows.values()];
    h.rows.clear();
    this.#messages.upsert(rows);
    const list = tx.messages.get(h.spec.id);
    if (list === undefined) tx.messages.set(h.spec.id, rows);
    else list.push(...rows);
  }

  #evict(id: string): void {
    this.#handles.get(id)?.doc.destroy();
    this.#handles.delete(id);
  }

  #handle(id: string): Handle {
    const found = this.#handles.get(id);
    if (found !== undefined) return found;
    const spec = this.#specs.get(id);
    const row = this.#docs.get(id);
    if (spec === undefined || row === null) throw new Error(`doc ${id} is not registered`);
    const doc = new Y.Doc();
    // Yjs gives a doc a new clientID when a non-local transaction (as applying updates is) changes the
    // state of its own clientID; the log holds this device's own updates, so load under a throwaway id.
    doc.clientID = (row.clientId ^ 0x5a5a5a5a) >>> 0;
    doc.transact(() => {
      for (const u of this.#log.readUpdates(id)) Y.applyUpdate(doc, u, Origin.Load);
    }, Origin.Load);
    doc.clientID = row.clientId;
    const h: Handle = { spec, doc, emitted: false, author: null, rows: new Map() };
    // Yjs's own test for whether a transaction yields an update (writeUpdateMessageFromTransaction), without encoding one.
    doc.on('afterTransactionCleanup', (tr: Y.Transaction) => {
      if (tr.origin === Origin.Local || h.emitted) return;
      if (tr.deleteSet.clients.size > 0) h.emitted = true;
      else for (const [client, clock] of tr.afterState) if (tr.beforeState.get(client) !== clock) return void (h.emitted = true);
    });
    if (spec.kind === 'chat') this.#observeMessages(h);
    this.#handles.set(id, h);
    return h;
  }

  /** Materializes message changes; remote changes pass the authorship rules of acceptMessageChange, and the
   *  author account must own the writing device when the device is known. */
  #observeMessages(h: Handle): void {
    const map = h.doc.getMap<unknown>(CHAT_DOC_ROOTS.messages);
    map.observe((event, transaction) => {
      if (transaction.origin === Origin.Load) return;
      const local = transaction.origin === Origin.Local;
      for (const id of event.keysChanged) {
        if (!isHexId(id, MESSAGE_ID_HEX_CHARS)) continue;
        const next = messageValueOf(map.get(id));
        // A local change is this device's own and taken as written: no need to read the stored row.
        if (local) {
          if (next !== null) h.rows.set(id, rowOf(h.spec.id, id, next));
          continue;
        }
        const prevRow = h.rows.get(id) ?? this.#messages.get(h.spec.id, id);
        const prev = prevRow === null ? null : valueOf(prevRow);
        let accepted = acceptMessageChange(prev, next, h.author);
        if (accepted !== prev && accepted !== null) {
          const owner = this.#d.ownerOf(accepted.device);
          if (h.author !== null ? owner !== accepted.author : owner !== null && owner !== accepted.author) accepted = prev;
        }
        if (accepted === prev || accepted === null) continue;
        h.rows.set(id, rowOf(h.spec.id, id, accepted));
      }
    });
  }
}
