// The bench payload every peer carries, so a receiver can match a delivery to its message and time it.
//
//   bytes 0..3   magic 'CRNB'          bytes 4..7   message id (uint32 LE)
//   bytes 8..15  sent-at ms (float64)  bytes 16..19 publisher peer id (uint32 LE)   then filler

export const PAYLOAD_HEADER_BYTES = 20;
const MAGIC = [0x43, 0x52, 0x4e, 0x42] as const;

/** Milliseconds on a clock shared by every process of this machine (monotonic within a process). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export type PayloadInfo = { msgId: number; sentAt: number; publisher: number };

export function makePayload(size: number, msgId: number, publisher: number, sentAt: number): Uint8Array {
  if (size < PAYLOAD_HEADER_BYTES) throw new RangeError(`payload must be at least ${PAYLOAD_HEADER_BYTES} bytes`);
  const out = new Uint8Array(size);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer, out.byteOffset, PAYLOAD_HEADER_BYTES);
  view.setUint32(4, msgId, true);
  view.setFloat64(8, sentAt, true);
  view.setUint32(16, publisher, true);
  out.fill(0x2e, PAYLOAD_HEADER_BYTES);
  return out;
}

function hasMagicAt(bytes: Uint8Array, offset: number): boolean {
  return (
    offset >= 0 &&
    offset + PAYLOAD_HEADER_BYTES <= bytes.length &&
    bytes[offset] === MAGIC[0] &&
    bytes[offset + 1] === MAGIC[1] &&
    bytes[offset + 2] === MAGIC[2] &&
    bytes[offset + 3] === MAGIC[3]
  );
}

/** Reads the payload header at offset into `into`; false when there is none there. */
export function readPayloadAt(bytes: Uint8Array, offset: number, into: PayloadInfo): boolean {
  if (!hasMagicAt(bytes, offset)) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, PAYLOAD_HEADER_BYTES);
  into.msgId = view.getUint32(4, true);
  into.sentAt = view.getFloat64(8, true);
  into.publisher = view.getUint32(16, true);
  return true;
}

/** Finds the last payload header inside bytes (for containers such as Yjs updates); false when absent. */
export function findPayload(bytes: Uint8Array, hint: number, into: PayloadInfo): boolean {
  if (readPayloadAt(bytes, hint, into)) return true;
  for (let i = bytes.length - PAYLOAD_HEADER_BYTES; i >= 0; i--) if (readPayloadAt(bytes, i, into)) return true;
  return false;
}
