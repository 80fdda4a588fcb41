// createCore: the client core over an opened home — identity from the vault, the sync engine with its
// relays, the record directory — exposed as one CoreApi object plus start() and stop().
import { getChat } from '../../shared/docs/account-doc.js';
import type { CoreApi, CoreResult, CoreStatus, DevicesApi } from '../../shared/core-api.js';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { encodeInvite } from '../../shared/invite.js';
import { err, ok } from '../../shared/result.js';
import type { Home } from '../home/index.js';
import type { RelayClientOptions } from '../relay-client/index.js';
import { createMessageStore } from '../db/index.js';
import { SyncEngine } from '../sync/engine.js';
import { silentLogger } from '../sync/logger.js';
import type { CoreLogger } from '../sync/logger.js';
import { AccountWatcher } from './account-watcher.js';
import { acceptRequest, blockRequest, chatList, createChat, unregisterBlocked } from './chats.js';
import { addContact, contactList, refreshContacts } from './contacts.js';
import { accountDoc, accountDocTopic, chatViewOf, liveChat, messageViews, prepareUnread } from './context.js';
import type { CoreContext } from './context.js';
import { deviceListChanged, deviceViews, LastSeen } from './devices.js';
import { Directory } from './directory.js';
import { CoreEmitter } from './emitter.js';
import { accountRelays, getMeta, loadIdentity, setMeta, storedRecord } from './identity.js';
import { decideInvite, followInbox } from './inbox.js';
import { acceptKeyEpoch, checkStillListed, decideRetired, followRetiredTopics, REVOKED_META } from './key-epochs.js';
import type { EpochDeps } from './key-epochs.js';
import * as messages from './messages.js';
import { createPolicy } from './policy.js';
import { LinkApprovals } from './link/approvals.js';
import { closePending } from './pending-closes.js';
import { publishRecords, setProfile, whoami } from './profile.js';
import { addRelay, adoptRelays, removeRelay } from './relays.js';
import { revokeDevice } from './revoke.js';
import { INBOX_DOC_PREFIX, resendInvites } from './invite-resend.js';

export type CoreOptions = {
  home: Home;
  sodium: Sodium;
  log?: CoreLogger;
  relayClientOptions?: Partial<Omit<RelayClientOptions, 'sodium' | 'device' | 'resumeCursor'>>;
  /** How long record lookups wait for a relay (default 10 s). */
  requestTimeoutMs?: number;
  /** Period of the contacts' profile refresh once started (default 15 min; 0: never). */
  profileRefreshMs?: number;
  /** Bytes per second of one sync step-2 answer (default 4 MiB/s). */
  step2BytesPerSecond?: number;
  /** Delay before an inbound update whose sender could not be checked is tried again (default 5 s). */
  inboundRetryMs?: number;
  now?: () => number;
};

export type Core = CoreApi & DevicesApi & {
  /** Connects to the relays and keeps syncing until stop(). */
  start(): Promise<void>;
  /** Final: closes the relay connections (the home stays open; closing it is the caller's). */
  stop(): Promise<void>;
  /** Fetches every contact's profile and device list now. */
  refreshContacts(): Promise<void>;
};

/** What a revoked device still answers: its local history and state. */
const READ_ONLY_CALLS: ReadonlySet<string> = new Set(['whoami', 'contacts', 'chats', 'messages', 'search', 'exportChat', 'status', 'devices', 'backfillProgress', 'chatSyncStatus']);

/** Builds the core of a home that has an account (see initAccount); throws if it has none. */
export async function createCore(options: CoreOptions): Promise<Core> {
  const { home, sodium } = options;
  const log = options.log ?? silentLogger;
  const now = options.now ?? Date.now;
  const id = loadIdentity(home.vault, sodium);
  if (id === null) throw new Error(`${home.dir} has no account yet: run initAccount first`);
  const db = home.db;
  const relays = accountRelays(db);
  const emitter = new CoreEmitter(log);
  const watcher = new AccountWatcher();
  const clock = { last: 0 };
  const lastSeen = new LastSeen(db);
  let ctx: CoreContext | null = null;
  /** Contacts whose queued invites are being re-sealed to a moved inbox (topicClosed). */
  const resending = new Set<string>();
  const need = (): CoreContext => {
    if (ctx === null) throw new Error('the core is not built yet');
    return ctx;
  };

  let statusQueued = false;
  let stopped = false;
  const queueStatus = () => {
    if (statusQueued || stopped || ctx === null || !emitter.has('status')) return;
    statusQueued = true;
    setImmediate(() => {
      statusQueued = false;
      if (ctx !== null && !stopped) emitter.emit('status', statusNow());
    });
  };

  // A device another own device revoked stops syncing; its local history stays readable.
  let revoked = getMeta(db, REVOKED_META) !== undefined;
  let revoking = false;
  const statusNow = (): CoreStatus => ({ ...engine.status(), revoked });
  const epochs: EpochDeps = {
    vault: home.vault,
    revoked(reason) {
      if (revoked) return;
      revoked = true;
      setMeta(db, REVOKED_META, now());
      log.warn({}, `${reason}: this device stops syncing`);
      queueStatus();
      setImmediate(() => void engine.stop());
    },
  };
  const policy = createPolicy(need, {
    inbox: (url, frame) => decideInvite(need(), url, frame),
    other: (url, frame) => decideRetired(need(), epochs, url, frame),
    keyEpoch: (spec, frame, body) => acceptKeyEpoch(need(), epochs, { doc: spec.id, kind: spec.kind, topic: spec.topic }, frame, body),
  });
  const engine = new SyncEngine({
    db,
    sodium,
    device: { publicKey: id.device.publicKey, secretKey: id.device.secretKey },
    policy,
    log,
    now,
    clientOptions: options.relayClientOptions,
    step2BytesPerSecond: options.step2BytesPerSecond,
    inboundRetryMs: options.inboundRetryMs,
    events: {
      committed(c) {
        if (ctx === null) return;
        for (const [chat, rows] of c.messages) {
          const entry = getChat(accountDoc(ctx), chat);
          if (entry === null || entry.blocked === true) continue;
          // Views are built only for someone listening: the chat view costs an unread count and a page query.
          if (emitter.has('messages')) emitter.emit('messages', { chatId: chat, messages: messageViews(ctx, chat, rows) });
          if (emitter.has('chat')) emitter.emit('chat', chatViewOf(ctx, entry));
        }
        if (c.accountChanged) {
          watcher.reconcile(ctx);
          adoptRelays(ctx, relays);
        }
        queueStatus();
      },
      messageStates(map) {
        if (ctx === null) return;
        for (const [chat, ids] of map) {
          const rows = ids.flatMap((i) => ctx!.messages.get(chat, i) ?? []);
          if (rows.length > 0 && emitter.has('messages')) emitter.emit('messages', { chatId: chat, messages: messageViews(ctx, chat, rows) });
        }
        queueStatus();
      },
      relayOpen(url) {
        if (ctx === null) return;
        if (relays.includes(url)) void publishRecords(ctx, url);
        if (relays.includes(url)) void checkStillListed(ctx, epochs, url);
        void unregisterBlocked(ctx, url);
        void closePending(ctx, url);
      },
      status: queueStatus,
      backfill: (p) => emitter.emit('backfill', p),
      seen: (device, at) => ctx !== null && lastSeen.note(ctx, device, at),
      chatSync: (s) => emitter.emit('chatSync', s),
      wantsChatSync: () => emitter.has('chatSync'),
      topicClosed: (_url, row) => {
        if (ctx === null || !row.doc.startsWith(INBOX_DOC_PREFIX)) return;
        const account = row.doc.slice(INBOX_DOC_PREFIX.length);
        // One re-send per contact at a time: each of its rows meets the closed inbox on every retry.
        if (resending.has(account)) return;
        resending.add(account);
        void resendInvites(ctx, account, row.topic)
          .catch((e: unknown) => log.warn({}, `re-sending invites failed: ${(e as Error).message}`))
          .finally(() => resending.delete(account));
      },
    },
  });
  const directory = new Directory({ db, sodium, pool: engine.pool, log, now, stopped: () => engine.stopped, listChanged: (account, added, removed) => ctx !== null && deviceListChanged(ctx, account, added, removed), devicesChanged: () => engine.digests.devicesChanged() });
  directory.load();
  for (const which of ['deviceListRecord', 'profileRecord'] as const) {
    const record = storedRecord(db, which);
    if (record !== null) directory.accept(record);
  }
  ctx = {
    db,
    sodium,
    id,
    me: { account: id.account.hex, device: id.device.hex },
    engine,
    directory,
    messages: createMessageStore(db),
    log,
    timing: { requestTimeoutMs: options.requestTimeoutMs ?? 10_000 },
    now,
    relays: () => [...relays],
    emit: (event, payload) => emitter.emit(event, payload),
    unread: prepareUnread(db),
  };
  const c = ctx;
  const approvals = new LinkApprovals(c);
  engine.follow(accountDocTopic(c));
  followInbox(c);
  followRetiredTopics(c);
  watcher.reconcile(c, false);
  adoptRelays(c, relays);

  let started = false;
  let refreshTimer: ReturnType<typeof setInterval> | null = null;
  const guard = async <T>(what: string, fn: () => CoreResult<T> | Promise<CoreResult<T>>): Promise<CoreResult<T>> => {
    if (revoked && !READ_ONLY_CALLS.has(what)) return err('NOT_ALLOWED', 'this device was revoked by another device of its account; it no longer syncs');
    try {
      return await fn();
    } catch (e) {
      log.error({ call: what }, `core call failed: ${(e as Error).stack ?? String(e)}`);
      return err('INTERNAL', `${what} failed: ${(e as Error).message}`);
    }
  };

  const core: Core = {
    async start() {
      if (stopped) throw new Error('a stopped core cannot start again: build a new one');
      if (started) return;
      started = true;
      if (revoked) return;
      engine.start();
      const every = options.profileRefreshMs ?? 15 * 60_000;
      if (every > 0) {
        refreshTimer = setInterval(() => void refreshContacts(c).catch(() => undefined), every);
        refreshTimer.unref();
      }
    },
    async stop() {
      if (refreshTimer !== null) clearInterval(refreshTimer);
      refreshTimer = null;
      stopped = true;
      approvals.stop();
      await engine.stop();
      lastSeen.flush();
    },
    refreshContacts: () => refreshContacts(c),
    whoami: () => guard('whoami', () => ok(whoami(c))),
    invite: () => guard('invite', () => (relays.length === 0 ? err('INVALID_ARGUMENT', 'this account has no relay') : ok({ code: encodeInvite({ account: id.account.id, relays }) }))),
    setProfile: (p) => guard('setProfile', () => setProfile(c, p)),
    addContact: (code) => guard('addContact', () => addContact(c, code)),
    contacts: () => guard('contacts', () => ok(contactList(c))),
    createChat: (o) => guard('createChat', () => createChat(c, o)),
    chats: () => guard('chats', () => ok(chatList(c))),
    acceptRequest: (chatId) => guard('acceptRequest', () => acceptRequest(c, chatId)),
    blockRequest: (chatId) => guard('blockRequest', () => blockRequest(c, chatId)),
    send: (chatId, text, o) => guard('send', () => messages.send(c, clock, chatId, text, o)),
    editMessage: (chatId, messageId, text) => guard('editMessage', () => messages.edit(c, chatId, messageId, text)),
    deleteMessage: (chatId, messageId) => guard('deleteMessage', () => messages.remove(c, chatId, messageId)),
    messages: (chatId, o) => guard('messages', () => messages.list(c, chatId, o)),
    markRead: (chatId, messageId) => guard('markRead', () => messages.markRead(c, chatId, messageId)),
    search: (query, o) => guard('search', () => messages.search(c, query, o)),
    exportChat: (chatId, format) => guard('exportChat', () => messages.exportChat(c, chatId, format)),
    status: () => guard('status', () => ok(statusNow())),
    addRelay: (url) => guard('addRelay', () => addRelay(c, relays, url)),
    removeRelay: (url) => guard('removeRelay', () => removeRelay(c, relays, url)),
    sync: (o) =>
      guard('sync', async () => {
        const timeoutMs = o?.timeoutMs ?? 30_000;
        if (!Number.isFinite(timeoutMs) || timeoutMs < 0) return err('INVALID_ARGUMENT', 'timeoutMs must be a non-negative number');
        await core.start();
        return engine.sync(timeoutMs);
      }),
    on: (event, listener) => emitter.on(event, listener),
    devices: () => guard('devices', () => ok(deviceViews(c, lastSeen))),
    approveLink: (code, o) =>
      guard('approveLink', async () => {
        await core.start();
        return approvals.begin(code, o?.timeoutMs);
      }),
    confirmLink: (linkId, accept, o) => guard('confirmLink', () => approvals.finish(linkId, accept, o?.timeoutMs)),
    backfillProgress: () => guard('backfillProgress', () => ok(engine.backfillProgress())),
    revokeDevice: (deviceId, o) =>
      guard('revokeDevice', async () => {
        // Two revocations at once would draw two epochs of the same number.
        if (revoking) return err('NOT_ALLOWED', 'a revocation is already running on this device');
        revoking = true;
        try {
          await core.start();
          return await revokeDevice(c, epochs, deviceId, o?.timeoutMs);
        } finally {
          revoking = false;
        }
      }),
    chatSyncStatus: (chatId) =>
      guard('chatSyncStatus', () => {
        const status = liveChat(c, chatId) === null ? null : engine.digests.status(chatId);
        return status === null ? err('UNKNOWN_CHAT', `no chat ${String(chatId)} on this device`) : ok(status);
      }),
  };
  return core;
}
