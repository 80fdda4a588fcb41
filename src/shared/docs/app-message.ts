// The plaintext inside a sealed envelope (docs/client-design.md): varUint kind, then the body.
//   0 SYNC    a y-protocols sync message (step 1, step 2 or update) for the topic's doc
//   1 INVITE  (inbox only) an invitation into a chat, laid out in invite-payload.ts
//   2 DIGEST  (ephemeral) a convergence digest, opaque here (its body: digest.ts)
// Every encoder here returns a whole app message, ready to seal; every decoder takes one.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { err, ok } from '../result.js';
import type { Result } from '../result.js';
import { decodeInviteBody, encodeInviteBody } from './invite-payload.js';
import type { InvitePayload } from './invite-payload.js';
import { MIN_SPLIT_BYTES, splitUpdate } from './split-update.js';

export type { InvitePayload } from './invite-payload.js';

export const AppMessageKind = { Sync: 0, Invite: 1, Digest: 2, KeyEpoch: 4 } as const;
export type AppMessageKind = (typeof AppMessageKind)[keyof typeof AppMessageKind];

/** Default size bound of one step-2 chunk: far below MAX_FRAME_BYTES once sealed and framed. */
export const DEFAULT_SYNC_CHUNK_BYTES = 64 * 1024;
/** Bytes a step-2 app message adds to its update: kind, sync type, and the update's varUint length. */
const STEP2_OVERHEAD_BYTES = 2 + 5;

export type SyncKind = 'step1' | 'step2' | 'update';
export type AppMessage =
  | { kind: 'sync'; sync: SyncKind; /** The y-protocols sync message (type and payload). */ body: Uint8Array; /** Its state vector or update. */ payload: Uint8Array }
  | { kind: 'invite'; invite: InvitePayload }
  | { kind: 'digest'; digest: Uint8Array }
  | { kind: 'keyEpoch'; /** The KEY_EPOCH body, decoded by key-epoch.ts. */ body: Uint8Array };
export type AppMessageErrorCode = 'MALFORMED' | 'UNKNOWN_KIND' | 'UNSUPPORTED';
export type SyncErrorCode = AppMessageErrorCode | 'NOT_SYNC' | 'APPLY_FAILED';
export type AppliedSync = { kind: SyncKind; /** For step 1: the step-2 answer in chunks (app messages); otherwise empty. */ replies: Uint8Array[] };

const SYNC_KINDS: readonly SyncKind[] = ['step1', 'step2', 'update'];
const KNOWN_KINDS: ReadonlySet<number> = new Set(Object.values(AppMessageKind));

function requireChunkBound(maxBytes: number): void {
  if (!(maxBytes >= MIN_SPLIT_BYTES + STEP2_OVERHEAD_BYTES)) throw new RangeError(`a sync chunk bound must be at least ${MIN_SPLIT_BYTES + STEP2_OVERHEAD_BYTES} bytes, got ${maxBytes}`);
}

function syncMessage(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, AppMessageKind.Sync);
  write(e);
  return encoding.toUint8Array(e);
}

/** A y-protocols update message: what a local change publishes. */
export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
  return syncMessage((e) => syncProtocol.writeUpdate(e, update));
}

/** Sync step 1: this doc's state vector, asking a peer for what is missing. */
export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  return syncMessage((e) => syncProtocol.writeSyncStep1(e, doc));
}

/** Sync step 2 in one message: everything the state vector lacks (use chunkedStep2 for a bounded size). */
export function encodeSyncStep2(doc: Y.Doc, stateVector?: Uint8Array): Uint8Array {
  return syncMessage((e) => syncProtocol.writeSyncStep2(e, doc, stateVector));
}

function step2Message(update: Uint8Array): Uint8Array {
  return syncMessage((e) => {
    encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
    encoding.writeVarUint8Array(e, update);
  });
}

/**
 * Sync step 2 as app messages of at most maxBytes each (one message when the diff fits), every one a valid
 * step-2 message; applied in any order they give the whole diff. A single Yjs struct larger than the bound
 * (a message near MAX_MESSAGE_TEXT with a small bound) travels alone in a larger message. Throws on a malformed
 * state vector or a bound below 71 bytes.
 */
export function chunkedStep2(doc: Y.Doc, stateVector: Uint8Array | undefined, maxBytes: number = DEFAULT_SYNC_CHUNK_BYTES): Uint8Array[] {
  requireChunkBound(maxBytes);
  const diff = Y.encodeStateAsUpdate(doc, stateVector);
  return splitUpdate(diff, maxBytes - STEP2_OVERHEAD_BYTES).map(step2Message);
}

export function encodeDigestMessage(digest: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, AppMessageKind.Digest);
  encoding.writeUint8Array(e, digest);
  return encoding.toUint8Array(e);
}

function readKind(d: decoding.Decoder): number | null {
  try {
    return decoding.readVarUint(d);
  } catch {
    return null;
  }
}

/** Parses a sync message's structure (one type, one length-prefixed payload, nothing after). */
function parseSync(body: Uint8Array): Result<{ sync: SyncKind; payload: Uint8Array }, 'MALFORMED'> {
  const d = decoding.createDecoder(body);
  try {
    const type = decoding.readVarUint(d);
    const sync = SYNC_KINDS[type];
    if (sync === undefined) return err('MALFORMED', `unknown sync message type ${type}`);
    const payload = decoding.readVarUint8Array(d);
    if (d.pos !== body.length) return err('MALFORMED', 'trailing bytes after the sync message');
    return ok({ sync, payload });
  } catch {
    return err('MALFORMED', 'truncated sync message');
  }
}

export function decodeAppMessage(bytes: Uint8Array): Result<AppMessage, AppMessageErrorCode> {
  const d = decoding.createDecoder(bytes);
  const kind = readKind(d);
  if (kind === null) return err('MALFORMED', 'empty or truncated app message');
  const body = bytes.subarray(d.pos);
  switch (kind) {
    case AppMessageKind.Sync: {
      const parsed = parseSync(body);
      return parsed.ok ? ok({ kind: 'sync', sync: parsed.value.sync, body, payload: parsed.value.payload }) : parsed;
    }
    case AppMessageKind.Invite: {
      const invite = decodeInviteBody(body);
      return invite.ok ? ok({ kind: 'invite', invite: invite.value }) : invite;
    }
    case AppMessageKind.Digest:
      return ok({ kind: 'digest', digest: body });
    case AppMessageKind.KeyEpoch:
      return ok({ kind: 'keyEpoch', body });
    default:
      return err('UNKNOWN_KIND', `unknown app message kind ${kind}`);
  }
}

/**
 * Applies a SYNC app message to the doc with the given transaction origin. A step 1 is answered with
 * chunkedStep2(doc, its state vector, maxReplyBytes); a step 2 or an update is applied through y-protocols'
 * readSyncMessage. APPLY_FAILED means Yjs or an observer threw: the doc may hold part of the update.
 */
export function applySyncMessage(doc: Y.Doc, message: Uint8Array, origin: unknown, maxReplyBytes: number = DEFAULT_SYNC_CHUNK_BYTES): Result<AppliedSync, SyncErrorCode> {
  requireChunkBound(maxReplyBytes);
  const d = decoding.createDecoder(message);
  const kind = readKind(d);
  if (kind === null) return err('MALFORMED', 'empty or truncated app message');
  if (kind !== AppMessageKind.Sync) return KNOWN_KINDS.has(kind) ? err('NOT_SYNC', `app message kind ${kind} is not SYNC`) : err('UNKNOWN_KIND', `unknown app message kind ${kind}`);
  const body = message.subarray(d.pos);
  const parsed = parseSync(body);
  if (!parsed.ok) return parsed;
  const { sync, payload } = parsed.value;
  if (sync === 'step1') {
    let diff: Uint8Array;
    try {
      diff = Y.encodeStateAsUpdate(doc, payload);
    } catch {
      return err('MALFORMED', 'malformed state vector in sync step 1');
    }
    return ok({ kind: sync, replies: splitUpdate(diff, maxReplyBytes - STEP2_OVERHEAD_BYTES).map(step2Message) });
  }
  const failures: Error[] = [];
  // readSyncMessage writes a reply only for step 1, so this encoder stays empty.
  syncProtocol.readSyncMessage(decoding.createDecoder(body), encoding.createEncoder(), doc, origin, (e) => failures.push(e));
  if (failures.length > 0) return err('APPLY_FAILED', `applying the ${sync} failed: ${failures[0]!.message}`);
  return ok({ kind: sync, replies: [] });
}

/** An INVITE app message (kind 1 and the body of invite-payload.ts); the caller signs and seals it. */
export function encodeInvitePayload(payload: InvitePayload): Uint8Array {
  const body = encodeInviteBody(payload);
  const out = new Uint8Array(1 + body.length);
  out[0] = AppMessageKind.Invite;
  out.set(body, 1);
  return out;
}

export function decodeInvitePayload(message: Uint8Array): Result<InvitePayload, AppMessageErrorCode | 'NOT_INVITE'> {
  const decoded = decodeAppMessage(message);
  if (!decoded.ok) return decoded;
  return decoded.value.kind === 'invite' ? ok(decoded.value.invite) : err('NOT_INVITE', `app message is ${decoded.value.kind}, not an invite`);
}
