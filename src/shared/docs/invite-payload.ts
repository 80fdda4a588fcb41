// The body of an INVITE app message: what a chat invite tells the invitee. Signing and sealing to the
// invitee's inbox key are the caller's; this file only lays out and checks the bytes.
//
//   format u8 (1) | chat id 16 | chat key 32 | relay count u8 | relays varString × count
//   | has title u8 (0/1) [| title varString] | member count varUint | member account ids 32 × count
//   | from account id 32 | from account Ed25519 public key 32 | sentAt varUint (ms)
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ACCOUNT_ID_BYTES, KEY_BYTES, toHex } from '../ids.js';
import type { AccountId } from '../ids.js';
import { relayListProblem } from '../invite.js';
import { err, ok } from '../result.js';
import type { Result } from '../result.js';
import { MAX_CHAT_TITLE_CHARS } from './chat-doc.js';

export const INVITE_PAYLOAD_FORMAT = 1;
export const CHAT_ID_BYTES = 16;
/** Most members an invite lists. */
export const MAX_INVITE_MEMBERS = 256;

export type InvitePayload = {
  chatId: Uint8Array;
  chatKey: Uint8Array;
  relays: string[];
  title: string | null;
  /** Every member's account id, the inviter's included. */
  members: AccountId[];
  fromAccount: AccountId;
  /** The inviter's account Ed25519 public key: the receiver checks fromAccount = accountIdOf(key) and the signature. */
  fromAccountKey: Uint8Array;
  sentAt: number;
};
export type InvitePayloadErrorCode = 'MALFORMED' | 'UNSUPPORTED';

function payloadProblem(p: InvitePayload): string | null {
  if (p.chatId.length !== CHAT_ID_BYTES) return `chat id must be ${CHAT_ID_BYTES} bytes`;
  if (p.chatKey.length !== KEY_BYTES || p.fromAccountKey.length !== KEY_BYTES) return 'chat key and account key must be 32 bytes';
  if (p.fromAccount.length !== ACCOUNT_ID_BYTES || p.members.some((m) => m.length !== ACCOUNT_ID_BYTES)) return 'account ids must be 32 bytes';
  const relays = relayListProblem(p.relays);
  if (relays !== null) return relays;
  if (p.title !== null && p.title.length > MAX_CHAT_TITLE_CHARS) return `title longer than ${MAX_CHAT_TITLE_CHARS} characters`;
  if (p.members.length === 0 || p.members.length > MAX_INVITE_MEMBERS) return `an invite lists 1 to ${MAX_INVITE_MEMBERS} members`;
  const members = new Set(p.members.map(toHex));
  if (members.size !== p.members.length) return 'a member is listed twice';
  if (!members.has(toHex(p.fromAccount))) return 'the inviter is not among the members';
  if (!Number.isSafeInteger(p.sentAt) || p.sentAt < 0) return 'sentAt must be a non-negative safe integer';
  return null;
}

/** The body bytes (without the app message kind). Throws TypeError on an invalid payload: a programmer error. */
export function encodeInviteBody(payload: InvitePayload): Uint8Array {
  const problem = payloadProblem(payload);
  if (problem !== null) throw new TypeError(problem);
  const e = encoding.createEncoder();
  encoding.writeUint8(e, INVITE_PAYLOAD_FORMAT);
  encoding.writeUint8Array(e, payload.chatId);
  encoding.writeUint8Array(e, payload.chatKey);
  encoding.writeUint8(e, payload.relays.length);
  for (const r of payload.relays) encoding.writeVarString(e, r);
  encoding.writeUint8(e, payload.title === null ? 0 : 1);
  if (payload.title !== null) encoding.writeVarString(e, payload.title);
  encoding.writeVarUint(e, payload.members.length);
  for (const m of payload.members) encoding.writeUint8Array(e, m);
  encoding.writeUint8Array(e, payload.fromAccount);
  encoding.writeUint8Array(e, payload.fromAccountKey);
  encoding.writeVarUint(e, payload.sentAt);
  return encoding.toUint8Array(e);
}

export function decodeInviteBody(body: Uint8Array): Result<InvitePayload, InvitePayloadErrorCode> {
  if (body.length === 0) return err('MALFORMED', 'empty invite');
  if (body[0] !== INVITE_PAYLOAD_FORMAT) return err('UNSUPPORTED', `invite format ${body[0]} is not supported by this version`);
  const d = decoding.createDecoder(body);
  d.pos = 1;
  let payload: InvitePayload;
  try {
    const chatId = decoding.readUint8Array(d, CHAT_ID_BYTES).slice();
    const chatKey = decoding.readUint8Array(d, KEY_BYTES).slice();
    const relayCount = decoding.readUint8(d);
    const relays: string[] = [];
    for (let i = 0; i < relayCount; i++) relays.push(decoding.readVarString(d));
    const hasTitle = decoding.readUint8(d);
    if (hasTitle > 1) return err('MALFORMED', 'invalid title flag');
    const title = hasTitle === 1 ? decoding.readVarString(d) : null;
    const memberCount = decoding.readVarUint(d);
    if (memberCount > MAX_INVITE_MEMBERS) return err('MALFORMED', `more than ${MAX_INVITE_MEMBERS} members`);
    const members: AccountId[] = [];
    for (let i = 0; i < memberCount; i++) members.push(decoding.readUint8Array(d, ACCOUNT_ID_BYTES).slice() as AccountId);
    const fromAccount = decoding.readUint8Array(d, ACCOUNT_ID_BYTES).slice() as AccountId;
    const fromAccountKey = decoding.readUint8Array(d, KEY_BYTES).slice();
    const sentAt = decoding.readVarUint(d);
    payload = { chatId, chatKey, relays, title, members, fromAccount, fromAccountKey, sentAt };
  } catch {
    return err('MALFORMED', 'truncated invite');
  }
  if (d.pos !== body.length) return err('MALFORMED', 'trailing bytes after the invite');
  const problem = payloadProblem(payload);
  return problem === null ? ok(payload) : err('MALFORMED', problem);
}
