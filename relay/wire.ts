// Bytes to sockets: ws sends a Buffer as is but wraps any other Uint8Array in a new Buffer first,
// so frames sent to many sockets are turned into a Buffer once.
import { encodeFrame } from '../src/shared/codec.js';
import type { RelayFrame } from '../src/shared/frames.js';

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function frameBuffer(frame: RelayFrame): Buffer {
  return asBuffer(encodeFrame(frame));
}
