// App message kind 3 BACKFILL (direct frames only; app-message.ts reserves 0-2): frames a peer's answer to a
// sync step 1, so the asking device can show progress and knows when the whole step 2 has arrived.
//   varUint 3 | u8 phase: 0 BEGIN varUint chunks | varUint items   (sent before the step-2 chunks)
//                          1 END                                    (sent after the last chunk)
// items: what the answer holds, in the unit progress is shown in (messages of a chat; 0 for other docs).
// Devices that do not know kind 3 drop it, and still apply the chunks.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const BACKFILL_KIND = 3;

export type BackfillMessage = { phase: 'begin'; chunks: number; items: number } | { phase: 'end' };

export function encodeBackfillMessage(m: BackfillMessage): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, BACKFILL_KIND);
  encoding.writeUint8(e, m.phase === 'begin' ? 0 : 1);
  if (m.phase === 'begin') {
    encoding.writeVarUint(e, m.chunks);
    encoding.writeVarUint(e, m.items);
  }
  return encoding.toUint8Array(e);
}

/** The backfill message, or null for any other app message (or a malformed one). */
export function decodeBackfillMessage(bytes: Uint8Array): BackfillMessage | null {
  const d = decoding.createDecoder(bytes);
  try {
    if (decoding.readVarUint(d) !== BACKFILL_KIND) return null;
    const phase = decoding.readUint8(d);
    const m: BackfillMessage | null = phase === 0 ? { phase: 'begin', chunks: decoding.readVarUint(d), items: decoding.readVarUint(d) } : phase === 1 ? { phase: 'end' } : null;
    return m !== null && d.pos === bytes.length ? m : null;
  } catch {
    return null;
  }
}
