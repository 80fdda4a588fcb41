// Invite codes: one line to copy and paste, naming an account and the relays where it can be found.
//
//   "cairn:" ‖ lowercase RFC 4648 base32 (no padding) of
//   format u8 (1) | account id 32 | relay count u8 (1..8) | count × relay URL (lib0 varString) | CRC-32 (IEEE) u32 big-endian
//
// The CRC covers every byte before it. CRC-32 detects every burst error of at most 32 bits, and one base32
// character carries 5 bits, so any single-character change is rejected; non-canonical trailing bits are
// refused as well, so no character can change without changing the bytes.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ACCOUNT_ID_BYTES } from './ids.js';
import type { AccountId } from './ids.js';
import { err, ok } from './result.js';
import type { Result } from './result.js';

export const INVITE_PREFIX = 'cairn:';
export const INVITE_FORMAT = 1;
export const MAX_INVITE_RELAYS = 8;
/** Longest relay URL accepted in an invite (and by isRelayUrl). */
export const MAX_RELAY_URL_CHARS = 512;

export type Invite = { account: AccountId; relays: string[] };
export type InviteErrorCode = 'MALFORMED' | 'CHECKSUM' | 'UNSUPPORTED';

const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const BASE32_VALUES: readonly number[] = Array.from({ length: 128 }, (_, c) => BASE32_ALPHABET.indexOf(String.fromCharCode(c)));
const CRC_BYTES = 4;
const MIN_INVITE_BYTES = 1 + ACCOUNT_ID_BYTES + 1 + 1 + CRC_BYTES;

const CRC_TABLE: readonly number[] = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 as in IEEE 802.3, zlib and PNG (reflected polynomial 0xEDB88320). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = ((buffer << 8) | b) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32_ALPHABET[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** null for a character outside the lowercase alphabet, an impossible length or non-zero trailing bits. */
export function base32Decode(text: string): Uint8Array | null {
  const rest = text.length % 8;
  if (rest === 1 || rest === 3 || rest === 6) return null;
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let j = 0;
  for (let i = 0; i < text.length; i++) {
    const v = BASE32_VALUES[text.charCodeAt(i)] ?? -1;
    if (v < 0) return null;
    buffer = ((buffer << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (buffer >>> bits) & 0xff;
    }
  }
  // Trailing bits must be zero: otherwise two texts would name the same bytes and a typo there would pass.
  if ((buffer & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

/** A ws:// or wss:// URL with a host, no credentials, no fragment and no whitespace. */
export function isRelayUrl(url: string): boolean {
  if (url.length === 0 || url.length > MAX_RELAY_URL_CHARS || /\s/.test(url)) return false;
  for (let i = 0; i < url.length; i++) if (url.charCodeAt(i) < 0x20 || url.charCodeAt(i) === 0x7f) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (parsed.protocol === 'ws:' || parsed.protocol === 'wss:') && parsed.hostname !== '' && parsed.username === '' && parsed.password === '' && parsed.hash === '';
}

/** Why a relay list is not acceptable in an invite (1 to 8 distinct relay URLs), or null when it is. */
export function relayListProblem(relays: readonly string[]): string | null {
  if (relays.length < 1 || relays.length > MAX_INVITE_RELAYS) return `an invite names 1 to ${MAX_INVITE_RELAYS} relays, got ${relays.length}`;
  for (const r of relays) if (!isRelayUrl(r)) return `not a ws:// or wss:// relay URL: ${JSON.stringify(r.slice(0, 80))}`;
  if (new Set(relays).size !== relays.length) return 'a relay is named twice';
  return null;
}

/** Throws on programmer errors: an account id that is not 32 bytes, or relays that isRelayUrl refuses. */
export function encodeInvite(invite: Invite): string {
  if (invite.account.length !== ACCOUNT_ID_BYTES) throw new TypeError(`account id must be ${ACCOUNT_ID_BYTES} bytes`);
  const problem = relayListProblem(invite.relays);
  if (problem !== null) throw new TypeError(problem);
  const e = encoding.createEncoder();
  encoding.writeUint8(e, INVITE_FORMAT);
  encoding.writeUint8Array(e, invite.account);
  encoding.writeUint8(e, invite.relays.length);
  for (const r of invite.relays) encoding.writeVarString(e, r);
  const body = encoding.toUint8Array(e);
  const bytes = new Uint8Array(body.length + CRC_BYTES);
  bytes.set(body, 0);
  new DataView(bytes.buffer).setUint32(body.length, crc32(body), false);
  return INVITE_PREFIX + base32Encode(bytes);
}

export function decodeInvite(code: string): Result<Invite, InviteErrorCode> {
  const text = code.trim();
  if (!text.startsWith(INVITE_PREFIX)) return err('MALFORMED', `an invite code starts with "${INVITE_PREFIX}"`);
  const bytes = base32Decode(text.slice(INVITE_PREFIX.length));
  if (bytes === null) return err('MALFORMED', 'the invite code has a character that does not belong there');
  if (bytes.length < MIN_INVITE_BYTES) return err('MALFORMED', 'the invite code is too short');
  const bodyLength = bytes.length - CRC_BYTES;
  const body = bytes.subarray(0, bodyLength);
  if (new DataView(bytes.buffer).getUint32(bodyLength, false) !== crc32(body)) return err('CHECKSUM', 'the invite code is mistyped (checksum mismatch)');
  if (body[0] !== INVITE_FORMAT) return err('UNSUPPORTED', `invite format ${body[0]} is not supported by this version`);
  const d = decoding.createDecoder(body);
  d.pos = 1;
  try {
    const account = decoding.readUint8Array(d, ACCOUNT_ID_BYTES).slice() as AccountId;
    const count = decoding.readUint8(d);
    const relays: string[] = [];
    for (let i = 0; i < count; i++) relays.push(decoding.readVarString(d));
    if (d.pos !== bodyLength) return err('MALFORMED', 'trailing bytes in the invite code');
    const problem = relayListProblem(relays);
    if (problem !== null) return err('MALFORMED', problem);
    return ok({ account, relays });
  } catch {
    return err('MALFORMED', 'truncated invite code');
  }
}
