// The link protocol's messages and derivations (docs/MULTIDEVICE.md). Two devices meet on a rendezvous topic
// whose capability and first key derive from the link code's secret, run a commit-then-reveal exchange of
// ephemeral X25519 keys, and show a short authentication string (SAS) hashed from that exchange's
// transcript. After the user confirms, the existing device sends the account secrets sealed to the new
// device's X25519 key, inside envelopes keyed by a session key from the ephemeral Diffie-Hellman secret.
//
// Message plaintext: u8 type, then
//   1 HELLO     commit 32                          existing → topic (EPHEMERAL): BLAKE2b(its ephemeral key)
//   2 OFFER     ephemeral 32 | boxKey 32 | name     new → existing (DIRECT); the sender (signing) key is attested
//   3 REVEAL    ephemeral 32                       existing → new (DIRECT); must match the commit
//   4 HANDOVER  sealed varBytes                    existing → new (DIRECT, session key): crypto_box_seal of a Handover
//   5 DONE      —                                  new → existing (DIRECT, session key): the handover is stored
//   6 ABORT     reason varString                   either way (DIRECT): declined or failed; nothing changed
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { deriveCapability } from '../crypto/capability.js';
import type { TopicCapability } from '../crypto/capability.js';
import type { Sodium } from '../crypto/sodium.js';
import { KEY_BYTES } from '../ids.js';
import { MAX_INVITE_RELAYS, relayListProblem } from '../invite.js';
import { err, ok } from '../result.js';
import type { Result } from '../result.js';

/** Envelope epochs on the rendezvous topic: the code's key, then the session key. */
export const LINK_EPOCH = { code: 0, session: 1 } as const;
export const MAX_DEVICE_NAME_CHARS = 64;
const MAX_REASON_CHARS = 200;
const HANDOVER_FORMAT = 1;

export type LinkMessage =
  | { type: 'hello'; commit: Uint8Array }
  | { type: 'offer'; ephemeral: Uint8Array; boxKey: Uint8Array; name: string }
  | { type: 'reveal'; ephemeral: Uint8Array }
  | { type: 'handover'; sealed: Uint8Array }
  | { type: 'done' }
  | { type: 'abort'; reason: string };

const TYPES = ['hello', 'offer', 'reveal', 'handover', 'done', 'abort'] as const;

/** What the existing device hands over: the account's secrets, its relays and its signed records. */
export type Handover = {
  accountSeed: Uint8Array;
  inboxSecret: Uint8Array;
  accountDocKey: Uint8Array;
  relays: string[];
  /** The signed device list record that lists the new device. */
  deviceList: Uint8Array;
  /** The account's signed profile record, or null. */
  profile: Uint8Array | null;
};

const utf8 = new TextEncoder();
const DOMAINS = {
  key: utf8.encode('cairn/link-key/v1'),
  commit: utf8.encode('cairn/link-commit/v1'),
  transcript: utf8.encode('cairn/link-transcript/v1'),
  session: utf8.encode('cairn/link-session/v1'),
  sas: utf8.encode('cairn/link-sas/v1'),
};

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export type LinkTopic = { key: Uint8Array; capability: TopicCapability };

/** The rendezvous: key = BLAKE2b-256(key = secret, "cairn/link-key/v1"); capability = the chat-style one under label "link". */
export function linkTopic(sodium: Sodium, secret: Uint8Array): LinkTopic {
  const key = sodium.hash(DOMAINS.key, KEY_BYTES, secret);
  return { key, capability: deriveCapability(sodium, key, 'link') };
}

/** The existing device's commitment to its ephemeral key, sent before it sees the new device's. */
export function linkCommit(sodium: Sodium, ephemeral: Uint8Array): Uint8Array {
  return sodium.hash(concat([DOMAINS.commit, ephemeral]), 32);
}

export type TranscriptInput = { existingDevice: Uint8Array; commit: Uint8Array; newDevice: Uint8Array; newEphemeral: Uint8Array; newBoxKey: Uint8Array; existingEphemeral: Uint8Array };

/** Hash of everything both sides must agree on, keyed by the rendezvous key. */
export function linkTranscript(sodium: Sodium, key: Uint8Array, t: TranscriptInput): Uint8Array {
  return sodium.hash(concat([DOMAINS.transcript, t.existingDevice, t.commit, t.newDevice, t.newEphemeral, t.newBoxKey, t.existingEphemeral]), 32, key);
}

/** The key of the HANDOVER and DONE envelopes: the ephemeral X25519 secret bound to the transcript. */
export function linkSessionKey(sodium: Sodium, key: Uint8Array, sharedSecret: Uint8Array, transcript: Uint8Array): Uint8Array {
  return sodium.hash(concat([DOMAINS.session, sharedSecret, transcript]), KEY_BYTES, key);
}

/** Six digits in two groups ("482 193") from the transcript: 20 bits, and the commitment keeps a man in the middle from choosing them. */
export function linkSas(sodium: Sodium, transcript: Uint8Array): string {
  const h = sodium.hash(concat([DOMAINS.sas, transcript]), 32);
  const n = (((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0) % 1_000_000;
  const digits = String(n).padStart(6, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}

export function encodeLinkMessage(m: LinkMessage): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeUint8(e, TYPES.indexOf(m.type) + 1);
  switch (m.type) {
    case 'hello':
      encoding.writeUint8Array(e, fixed(m.commit, 'commit'));
      break;
    case 'offer':
      encoding.writeUint8Array(e, fixed(m.ephemeral, 'ephemeral'));
      encoding.writeUint8Array(e, fixed(m.boxKey, 'boxKey'));
      encoding.writeVarString(e, [...m.name].slice(0, MAX_DEVICE_NAME_CHARS).join(''));
      break;
    case 'reveal':
      encoding.writeUint8Array(e, fixed(m.ephemeral, 'ephemeral'));
      break;
    case 'handover':
      encoding.writeVarUint8Array(e, m.sealed);
      break;
    case 'done':
      break;
    case 'abort':
      encoding.writeVarString(e, m.reason.slice(0, MAX_REASON_CHARS));
      break;
  }
  return encoding.toUint8Array(e);
}

function fixed(bytes: Uint8Array, what: string): Uint8Array {
  if (bytes.length !== KEY_BYTES) throw new TypeError(`${what} must be ${KEY_BYTES} bytes`);
  return bytes;
}

export function decodeLinkMessage(bytes: Uint8Array): Result<LinkMessage, 'MALFORMED'> {
  const d = decoding.createDecoder(bytes);
  try {
    const type = TYPES[decoding.readUint8(d) - 1];
    let m: LinkMessage;
    switch (type) {
      case 'hello':
        m = { type, commit: decoding.readUint8Array(d, KEY_BYTES).slice() };
        break;
      case 'offer':
        m = { type, ephemeral: decoding.readUint8Array(d, KEY_BYTES).slice(), boxKey: decoding.readUint8Array(d, KEY_BYTES).slice(), name: decoding.readVarString(d) };
        if ([...m.name].length > MAX_DEVICE_NAME_CHARS) return err('MALFORMED', 'device name too long');
        break;
      case 'reveal':
        m = { type, ephemeral: decoding.readUint8Array(d, KEY_BYTES).slice() };
        break;
      case 'handover':
        m = { type, sealed: decoding.readVarUint8Array(d).slice() };
        break;
      case 'done':
        m = { type };
        break;
      case 'abort':
        m = { type, reason: decoding.readVarString(d).slice(0, MAX_REASON_CHARS) };
        break;
      default:
        return err('MALFORMED', 'unknown link message type');
    }
    if (d.pos !== bytes.length) return err('MALFORMED', 'trailing bytes in a link message');
    return ok(m);
  } catch {
    return err('MALFORMED', 'truncated link message');
  }
}

export function encodeHandover(h: Handover): Uint8Array {
  const problem = relayListProblem(h.relays);
  if (problem !== null) throw new TypeError(problem);
  const e = encoding.createEncoder();
  encoding.writeUint8(e, HANDOVER_FORMAT);
  for (const s of [h.accountSeed, h.inboxSecret, h.accountDocKey]) encoding.writeUint8Array(e, fixed(s, 'secret'));
  encoding.writeUint8(e, h.relays.length);
  for (const r of h.relays) encoding.writeVarString(e, r);
  encoding.writeVarUint8Array(e, h.deviceList);
  encoding.writeVarUint8Array(e, h.profile ?? new Uint8Array(0));
  return encoding.toUint8Array(e);
}

export function decodeHandover(bytes: Uint8Array): Result<Handover, 'MALFORMED' | 'UNSUPPORTED'> {
  const d = decoding.createDecoder(bytes);
  try {
    const format = decoding.readUint8(d);
    if (format !== HANDOVER_FORMAT) return err('UNSUPPORTED', `handover format ${format} is not supported by this version`);
    const [accountSeed, inboxSecret, accountDocKey] = [0, 1, 2].map(() => decoding.readUint8Array(d, KEY_BYTES).slice()) as [Uint8Array, Uint8Array, Uint8Array];
    const count = decoding.readUint8(d);
    if (count > MAX_INVITE_RELAYS) return err('MALFORMED', 'too many relays');
    const relays: string[] = [];
    for (let i = 0; i < count; i++) relays.push(decoding.readVarString(d));
    const deviceList = decoding.readVarUint8Array(d).slice();
    const profile = decoding.readVarUint8Array(d).slice();
    if (d.pos !== bytes.length) return err('MALFORMED', 'trailing bytes in the handover');
    const problem = relayListProblem(relays);
    if (problem !== null) return err('MALFORMED', problem);
    return ok({ accountSeed, inboxSecret, accountDocKey, relays, deviceList, profile: profile.length === 0 ? null : profile });
  } catch {
    return err('MALFORMED', 'truncated handover');
  }
}
