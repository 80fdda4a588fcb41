// The client core's API: one typed object shared by the Electron IPC bridge, `cairn serve`'s WebSocket
// bridge and the `cairn` CLI (directly or through the owning process's control socket).
// Ids cross this boundary as lowercase hex strings; expected failures are Result values.
import type { Result } from './result.js';

/** Stable error codes of the core API. */
export type CoreErrorCode =
  | 'MALFORMED_INVITE' // not a Cairn invite code, or its checksum fails (a mistyped code)
  | 'UNKNOWN_ACCOUNT' // no relay of the invite knows this account
  | 'UNKNOWN_CONTACT' // a chat with someone who is not a contact
  | 'UNKNOWN_CHAT'
  | 'UNKNOWN_MESSAGE'
  | 'RELAY_UNREACHABLE' // message names the relay
  | 'TIMEOUT'
  | 'INVALID_ARGUMENT'
  | 'TOO_LARGE'
  | 'NOT_ALLOWED' // e.g. editing someone else's message
  | 'BLOCKED'
  | 'INTERNAL';

export type CoreResult<T> = Result<T, CoreErrorCode>;

/** A profile picture as a `data:` URL of its bytes (base64), ready for an img src. */
export type AvatarView = { mime: string; dataUrl: string };

// avatar is optional so bridges and fakes built before it still type-check; null means no picture.
export type WhoAmI = { accountId: string; deviceId: string; name: string; status: string; relays: string[]; avatar?: AvatarView | null };

export type ContactView = { accountId: string; name: string; status: string; relays: string[]; blocked: boolean; avatar?: AvatarView | null };

export type MessageView = {
  id: string;
  chatId: string;
  /** Author account id (hex). */
  author: string;
  /** Author device id (hex). */
  device: string;
  /** Always a string; '' for a message deleted for everyone. */
  text: string;
  /** Sender timestamp, ms since the epoch. */
  sentAt: number;
  replyTo: string | null;
  editedAt: number | null;
  deleted: boolean;
  /** For own messages: queued (in the outbox), sent (a relay stored it), delivered (every registered device has it). */
  state: 'queued' | 'sent' | 'delivered' | null;
  mine: boolean;
};

export type ChatView = {
  chatId: string;
  /** For a 1:1 chat without a title, the contact's name. */
  title: string;
  /** Member account ids (hex), including yourself. */
  members: string[];
  unread: number;
  lastMessage: MessageView | null;
  /** An invite from someone who is not a contact yet: listed until accepted or blocked. */
  request: boolean;
  /** ms since the epoch of the last activity, for sorting. */
  lastActivityAt: number;
};

export type RelayStatus = { url: string; connected: boolean; storeId: string | null; lastError: string | null };
export type CoreStatus = {
  relays: RelayStatus[];
  outbox: number;
  online: boolean;
  /** Another device of the account revoked this one: it no longer syncs (its local history stays readable). */
  revoked?: boolean;
};

export type SearchHit = { message: MessageView; chatTitle: string; snippet: string };

export type CoreEvents = {
  /** New or changed messages (edits, deletes, state changes), grouped per chat. */
  messages: { chatId: string; messages: MessageView[] };
  /** A chat was added or changed (title, unread, request accepted, last message). */
  chat: ChatView;
  /** A chat was dropped (blocked request). */
  chatRemoved: { chatId: string };
  contact: ContactView;
  status: CoreStatus;
  /** Appended for issue 5: progress of a newly linked device's first history backfill from its own devices. */
  backfill: BackfillProgress;
  /** Appended for issue 5: a chat's proof of convergence changed (a device went in or out of sync, or was first heard). */
  chatSync: ChatSyncStatus;
};

export type Unsubscribe = () => void;

export interface CoreApi extends DevicesApi {
  whoami(): Promise<CoreResult<WhoAmI>>;
  /** The invite code of this account (one line). */
  invite(): Promise<CoreResult<{ code: string }>>;
  setProfile(profile: { name?: string; status?: string; avatar?: { mime: string; bytes: Uint8Array } | null }): Promise<CoreResult<WhoAmI>>;

  addContact(code: string): Promise<CoreResult<ContactView>>;
  contacts(): Promise<CoreResult<ContactView[]>>;

  createChat(options: { with: string[]; title?: string }): Promise<CoreResult<{ chatId: string }>>;
  chats(): Promise<CoreResult<ChatView[]>>;
  acceptRequest(chatId: string): Promise<CoreResult<ChatView>>;
  blockRequest(chatId: string): Promise<CoreResult<{ chatId: string }>>;

  /** Works offline: the message is queued in the outbox. */
  send(chatId: string, text: string, options?: { replyTo?: string }): Promise<CoreResult<{ messageId: string }>>;
  editMessage(chatId: string, messageId: string, text: string): Promise<CoreResult<MessageView>>;
  deleteMessage(chatId: string, messageId: string): Promise<CoreResult<MessageView>>;
  /** Oldest to newest; user messages only; default limit 50. */
  messages(chatId: string, options?: { limit?: number; before?: string }): Promise<CoreResult<MessageView[]>>;
  markRead(chatId: string, messageId: string): Promise<CoreResult<{ unread: number }>>;
  search(query: string, options?: { chatId?: string; limit?: number }): Promise<CoreResult<SearchHit[]>>;
  exportChat(chatId: string, format: 'md' | 'json'): Promise<CoreResult<{ text: string }>>;

  status(): Promise<CoreResult<CoreStatus>>;
  /** Adds a relay to this account: publishes its profile and device list there and follows its inbox and account
   *  doc there; invite() then lists it. INVALID_ARGUMENT for a bad URL or one already listed, RELAY_UNREACHABLE
   *  when it cannot be reached. Answers like whoami. */
  addRelay(url: string): Promise<CoreResult<WhoAmI>>;
  /** Stops using one of this account's relays for its inbox and account doc (chats keep theirs). NOT_ALLOWED for
   *  the last relay, INVALID_ARGUMENT for one not listed. Answers like whoami. */
  removeRelay(url: string): Promise<CoreResult<WhoAmI>>;
  /** Resolves once the outbox is empty, every ack is confirmed (ACKED) and every topic, including ones
   *  learned meanwhile, reported CAUGHT_UP; RELAY_UNREACHABLE (naming the relay) or TIMEOUT otherwise. */
  sync(options?: { timeoutMs?: number }): Promise<CoreResult<{ topics: number }>>;

  on<K extends keyof CoreEvents>(event: K, listener: (payload: CoreEvents[K]) => void): Unsubscribe;
}

/**
 * Onboarding, apart from CoreApi because it runs before this device has an account (and so before a core
 * exists). The renderer's bridges carry it next to CoreApi (`Bridge.onboarding`, src/renderer/bridge/types.ts).
 * `createAccount` creates this device's account with a profile name and its relays (WebSocket URLs) and
 * answers like `whoami`; from then on CoreApi serves that account. Failures use the CoreErrorCodes above
 * (INVALID_ARGUMENT for a bad name or relay URL, RELAY_UNREACHABLE, NOT_ALLOWED when an account exists).
 */
export interface OnboardingApi {
  hasAccount(): Promise<boolean>;
  createAccount(opts: { name: string; relays: string[] }): Promise<CoreResult<WhoAmI>>;
  /** "Link to an existing device": starts the new device's side of a link on this relay (docs/MULTIDEVICE.md) and
   *  answers once the link code is there (state 'waiting') or it failed; asking again while one runs answers that
   *  one. NOT_ALLOWED when this device has an account. Follow it with linkStatus(). */
  requestLink(opts: { relay: string; name?: string }): Promise<CoreResult<LinkRequestView>>;
  /** The running (or last) link request; once 'linked', CoreApi serves the linked account. */
  linkStatus(): Promise<CoreResult<LinkRequestView>>;
  /** Stops a running link request (its code stops working) and answers once it ended: 'idle', or 'linked' when
   *  the handover had already arrived. */
  cancelLink(): Promise<CoreResult<LinkRequestView>>;
}

/** The new device's side of a link, as onboarding shows it. */
export type LinkRequestView = {
  /** idle: none asked; waiting: show the code; comparing: show the SAS, the user confirms on the existing device;
   *  linked: the account is on this device and its core runs (history then backfills); failed: see error. */
  state: 'idle' | 'waiting' | 'comparing' | 'linked' | 'failed';
  code: string | null;
  sas: string | null;
  /** When the code stops being accepted, ms since the epoch. */
  expiresAt: number | null;
  error: { code: CoreErrorCode; message: string } | null;
};

// ---- Multi-device (issue 5). DevicesApi is part of CoreApi: every bridge (control socket, `cairn serve`,
// Electron IPC) carries it.

/** A linked device's first backfill: "Syncing history: done / total". */
export type BackfillProgress = {
  /** Messages received so far, across the chats whose answer began. */
  done: number;
  /** Messages the answering devices announced so far (grows as the chat list arrives). */
  total: number;
  /** Docs (the account doc and chats) still waiting for a complete answer from a peer. */
  pendingDocs: number;
  /** True once every doc was answered (and for any device that is not backfilling). */
  complete: boolean;
};

/** One device of this account (`cairn devices --json`). */
export type DeviceView = {
  deviceId: string;
  /** From the account doc's devices map; '' when unknown. */
  name: string;
  /** ms since the epoch this device last saw it online: an update it published (relay clock) or a sync frame
   *  it sent (local clock); null when never seen; the current device: now. */
  lastSeen: number | null;
  current: boolean;
  /** Not seen for longer than the relay TTL (30 days unless a relay said otherwise): its relay backlog may be gone. */
  stale?: boolean;
};

/** A link code read on the existing device, waiting for the user to compare the SAS. */
export type LinkApprovalView = { linkId: string; sas: string; deviceId: string; name: string };

export interface DevicesApi {
  devices(): Promise<CoreResult<DeviceView[]>>;
  /** Meets the new device of a link code and derives the SAS; changes nothing (INVALID_ARGUMENT for a mistyped
   *  code, NOT_ALLOWED for an expired one, TIMEOUT when no device answers). */
  approveLink(code: string, options?: { timeoutMs?: number }): Promise<CoreResult<LinkApprovalView>>;
  /** accept: hands the account over and resolves once the new device acknowledged (then it is listed, registered
   *  and published); otherwise tells the new device no (NOT_ALLOWED). */
  confirmLink(linkId: string, accept: boolean, options?: { timeoutMs?: number }): Promise<CoreResult<{ deviceId: string; name: string }>>;
  /** Progress of this device's first backfill after a link (complete: true otherwise). */
  backfillProgress(): Promise<CoreResult<BackfillProgress>>;
  /** Revokes one of this account's other devices (docs/MULTIDEVICE.md, "Revoke"): drops its relay registrations,
   *  rotates every chat's and the account doc's key, topic and capability to the remaining devices and closes the
   *  old topics. UNKNOWN_DEVICE_ID is INVALID_ARGUMENT; revoking the current device is NOT_ALLOWED. */
  revokeDevice(deviceId: string, options?: { timeoutMs?: number }): Promise<CoreResult<{ deviceId: string }>>;
  /** Proof of convergence for one chat, from the signed digests of every device's state vector and delete set. */
  chatSyncStatus(chatId: string): Promise<CoreResult<ChatSyncStatus>>;
}

/** One device of one member of a chat, as `cairn status CHAT_ID --json` lists it. */
export type DeviceSyncView = {
  deviceId: string;
  /** The member account (hex) this device belongs to. */
  account: string;
  /** Its last digest equals this device's current one (true), differs (false), or none was heard yet (null). */
  inSync: boolean | null;
  current: boolean;
  /** ms since the epoch of the digest inSync was computed from; null when none. */
  digestAt: number | null;
};

export type ChatSyncStatus = {
  chatId: string;
  /** Every device of every member (from their signed device lists), this device included. */
  devices: DeviceSyncView[];
  /** True when every device reported inSync: true ("all N devices in sync"). */
  allInSync: boolean;
};
