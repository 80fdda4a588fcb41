// Convergence digests (docs/MULTIDEVICE.md, "Proof of convergence"): BLAKE2b-256 of a canonical encoding of a
// doc's state vector AND delete set, so devices holding the same Yjs state get the same 32 bytes whatever order
// their updates came in. The delete set is needed because a delete adds no clock entry to the state vector.
// The DIGEST app message (kind 2) carries one digest and a flag asking peers to answer with theirs.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { Sodium } from '../crypto/sodium.js';
import { err, ok } from '../result.js';
import type { Result } from '../result.js';
import { encodeDigestMessage } from './app-message.js';

export const DIGEST_BYTES = 32;
/** Prefixed to the canonical state before hashing, so a digest can never pass for another BLAKE2b value. */
export const DIGEST_DOMAIN = 'cairn/doc-digest/v1';
const DOMAIN_BYTES = new TextEncoder().encode(DIGEST_DOMAIN);
const FORMAT = 1;
const FLAG_ASK = 1;

/** One DIGEST message: the sender's digest of the topic's doc; ask: "answer with yours" (it just caught up). */
export type DigestMessage = { digest: Uint8Array; ask: boolean };

type Range = { clock: number; len: number };

/** Sorts ranges by clock and merges touching or overlapping ones. */
function mergeRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.clock - b.clock);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r.clock <= last.clock + last.len) last.len = Math.max(last.len, r.clock + r.len - last.clock);
    else out.push({ clock: r.clock, len: r.len });
  }
  return out;
}

/**
 * The canonical encoding of a doc's state: varUint count, then per client (ascending) varUint client and clock;
 * then varUint count of clients with deletions, per client (ascending) varUint client, varUint range count and
 * per range (ascending, merged) varUint clock and length. Pending (not yet integrated) updates are not part of it.
 */
export function encodeDocState(doc: Y.Doc): Uint8Array {
  const { sv, ds } = Y.snapshot(doc);
  const e = encoding.createEncoder();
  const clients = [...sv.entries()].filter(([, clock]) => clock > 0).sort((a, b) => a[0] - b[0]);
  encoding.writeVarUint(e, clients.length);
  for (const [client, clock] of clients) {
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, clock);
  }
  const deleted = [...ds.clients.entries()]
    .map(([client, items]) => [client, mergeRanges(items.filter((i) => i.len > 0))] as const)
    .filter(([, ranges]) => ranges.length > 0)
    .sort((a, b) => a[0] - b[0]);
  encoding.writeVarUint(e, deleted.length);
  for (const [client, ranges] of deleted) {
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, ranges.length);
    for (const r of ranges) {
      encoding.writeVarUint(e, r.clock);
      encoding.writeVarUint(e, r.len);
    }
  }
  return encoding.toUint8Array(e);
}

/** BLAKE2b-256(DIGEST_DOMAIN ‖ encodeDocState(doc)): walks every struct of the doc, so call it on a debounce. */
export function docDigest(sodium: Sodium, doc: Y.Doc): Uint8Array {
  const state = encodeDocState(doc);
  const input = new Uint8Array(DOMAIN_BYTES.length + state.length);
  input.set(DOMAIN_BYTES);
  input.set(state, DOMAIN_BYTES.length);
  return sodium.hash(input, DIGEST_BYTES);
}

/** The whole DIGEST app message: varUint 2, u8 format = 1, u8 flags (bit 0: ask), bytes[32] digest. */
export function encodeDigest(m: DigestMessage): Uint8Array {
  if (m.digest.length !== DIGEST_BYTES) throw new RangeError(`a digest has ${DIGEST_BYTES} bytes, got ${m.digest.length}`);
  const body = new Uint8Array(2 + DIGEST_BYTES);
  body[0] = FORMAT;
  body[1] = m.ask ? FLAG_ASK : 0;
  body.set(m.digest, 2);
  return encodeDigestMessage(body);
}

/** Reads a DIGEST body (what decodeAppMessage gives as `digest`); unknown flag bits are ignored. */
export function decodeDigest(body: Uint8Array): Result<DigestMessage, 'MALFORMED' | 'UNSUPPORTED'> {
  const d = decoding.createDecoder(body);
  if (body.length < 1) return err('MALFORMED', 'empty digest message');
  const format = decoding.readUint8(d);
  if (format !== FORMAT) return err('UNSUPPORTED', `digest format ${format}`);
  if (body.length !== 2 + DIGEST_BYTES) return err('MALFORMED', `a digest message of format 1 has ${2 + DIGEST_BYTES} bytes, got ${body.length}`);
  const flags = decoding.readUint8(d);
  return ok({ digest: body.slice(2), ask: (flags & FLAG_ASK) !== 0 });
}
