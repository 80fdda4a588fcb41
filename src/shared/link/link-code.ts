// Link codes: what a new device shows (as text and QR) so that an existing device of the account finds it.
//
//   "cairn-link:" ‖ lowercase base32 (no padding) of
//   format u8 (1) | secret 16 | expiresAt varUint (Unix seconds) | relay URL (lib0 varString) | CRC-32 (IEEE) u32 big-endian
//
// The secret (128 bits, one use) names the rendezvous topic and keys its first messages (link-protocol.ts);
// the CRC catches typos exactly as in invite codes, and an expired code is refused before any network use.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { base32Decode, base32Encode, crc32, isRelayUrl } from '../invite.js';
import { err, ok } from '../result.js';
import type { Result } from '../result.js';

export const LINK_PREFIX = 'cairn-link:';
export const LINK_FORMAT = 1;
export const LINK_SECRET_BYTES = 16;
const CRC_BYTES = 4;

/** expiresAt: ms since the epoch, a whole second (the code carries seconds). */
export type LinkCode = { secret: Uint8Array; relay: string; expiresAt: number };
export type LinkCodeErrorCode = 'MALFORMED' | 'CHECKSUM' | 'UNSUPPORTED';

/** Throws on programmer errors: a secret of the wrong size, a relay URL isRelayUrl refuses, a bad expiry. */
export function encodeLinkCode(code: LinkCode): string {
  if (code.secret.length !== LINK_SECRET_BYTES) throw new TypeError(`a link secret is ${LINK_SECRET_BYTES} bytes`);
  if (!isRelayUrl(code.relay)) throw new TypeError(`not a relay URL: ${code.relay.slice(0, 80)}`);
  if (!Number.isSafeInteger(code.expiresAt) || code.expiresAt < 0) throw new TypeError('expiresAt must be a timestamp in ms');
  const e = encoding.createEncoder();
  encoding.writeUint8(e, LINK_FORMAT);
  encoding.writeUint8Array(e, code.secret);
  encoding.writeVarUint(e, Math.floor(code.expiresAt / 1000));
  encoding.writeVarString(e, code.relay);
  const body = encoding.toUint8Array(e);
  const bytes = new Uint8Array(body.length + CRC_BYTES);
  bytes.set(body, 0);
  new DataView(bytes.buffer).setUint32(body.length, crc32(body), false);
  return LINK_PREFIX + base32Encode(bytes);
}

export function decodeLinkCode(text: string): Result<LinkCode, LinkCodeErrorCode> {
  const code = text.trim().toLowerCase();
  if (!code.startsWith(LINK_PREFIX)) return err('MALFORMED', `a link code starts with "${LINK_PREFIX}"`);
  const bytes = base32Decode(code.slice(LINK_PREFIX.length));
  if (bytes === null) return err('MALFORMED', 'the link code is mistyped (a character that does not belong there)');
  if (bytes.length < 1 + LINK_SECRET_BYTES + 1 + 1 + CRC_BYTES) return err('MALFORMED', 'the link code is too short');
  const bodyLength = bytes.length - CRC_BYTES;
  const body = bytes.subarray(0, bodyLength);
  if (new DataView(bytes.buffer).getUint32(bodyLength, false) !== crc32(body)) return err('CHECKSUM', 'the link code is mistyped (checksum mismatch)');
  if (body[0] !== LINK_FORMAT) return err('UNSUPPORTED', `link code format ${body[0]} is not supported by this version`);
  const d = decoding.createDecoder(body);
  d.pos = 1;
  try {
    const secret = decoding.readUint8Array(d, LINK_SECRET_BYTES).slice();
    const seconds = decoding.readVarUint(d);
    const relay = decoding.readVarString(d);
    if (d.pos !== bodyLength) return err('MALFORMED', 'trailing bytes in the link code');
    if (!isRelayUrl(relay)) return err('MALFORMED', 'the link code names no valid relay');
    if (!Number.isSafeInteger(seconds * 1000)) return err('MALFORMED', 'the link code has an impossible expiry');
    return ok({ secret, relay, expiresAt: seconds * 1000 });
  } catch {
    return err('MALFORMED', 'truncated link code');
  }
}
