// QR Code encoder for bytes (byte mode, level L or M, versions 1-40): the smallest version that fits, best mask.
import { rsGenerator, rsRemainder } from './galois.js';
import { applyMask, drawFormat, functionPatterns, placeCodewords } from './matrix.js';
import { penaltyScore } from './penalty.js';
import { dataCodewords, eccCodewordsPerBlock, errorCorrectionBlocks, MAX_VERSION, MIN_VERSION, rawDataModules, type EccLevel } from './tables.js';

export type QrCode = {
  version: number;
  ecc: EccLevel;
  mask: number;
  size: number;
  /** Row-major, index y * size + x; 1 is dark. */
  modules: Uint8Array;
};

export type QrOptions = { ecc?: EccLevel; mask?: number; minVersion?: number; maxVersion?: number };

const BYTE_MODE = 0b0100;

function countBits(version: number): number {
  return version <= 9 ? 8 : 16;
}

/** Mode indicator, character count, data, terminator and pad bytes: exactly dataCodewords(version) bytes. */
export function dataCodewordsFor(data: Uint8Array, version: number, ecc: EccLevel): Uint8Array {
  const capacity = dataCodewords(version, ecc);
  const out = new Uint8Array(capacity);
  let bitLength = 0;
  const push = (value: number, bits: number) => {
    for (let i = bits - 1; i >= 0; i--, bitLength++) out[bitLength >>> 3] = out[bitLength >>> 3]! | (((value >>> i) & 1) << (7 - (bitLength & 7)));
  };
  push(BYTE_MODE, 4);
  push(data.length, countBits(version));
  for (const b of data) push(b, 8);
  // The terminator (up to four zero bits) and the padding to a byte boundary are zeros already.
  let index = Math.ceil(Math.min(bitLength + 4, capacity * 8) / 8);
  for (let pad = 0xec; index < capacity; index++, pad ^= 0xec ^ 0x11) out[index] = pad;
  return out;
}

/** Splits data into blocks, appends each block's error correction and interleaves them column by column. */
export function interleaveWithEcc(data: Uint8Array, version: number, ecc: EccLevel): Uint8Array {
  const blocks = errorCorrectionBlocks(version, ecc);
  const eccLength = eccCodewordsPerBlock(version, ecc);
  const raw = Math.floor(rawDataModules(version) / 8);
  const shortBlocks = blocks - (raw % blocks);
  const shortLength = Math.floor(raw / blocks);
  const generator = rsGenerator(eccLength);
  const dataBlocks: Uint8Array[] = [];
  const eccBlocks: Uint8Array[] = [];
  for (let b = 0, at = 0; b < blocks; b++) {
    const length = shortLength - eccLength + (b < shortBlocks ? 0 : 1);
    const block = data.subarray(at, at + length);
    at += length;
    dataBlocks.push(block);
    eccBlocks.push(rsRemainder(block, generator));
  }
  const out = new Uint8Array(raw);
  let k = 0;
  for (let i = 0; i <= shortLength - eccLength; i++) {
    for (const block of dataBlocks) if (i < block.length) out[k++] = block[i]!;
  }
  for (let i = 0; i < eccLength; i++) for (const block of eccBlocks) out[k++] = block[i]!;
  return out;
}

/** Bits the segment needs at this version: header plus data. */
function neededBits(length: number, version: number): number {
  return 4 + countBits(version) + length * 8;
}

/** null when the data does not fit in the allowed versions. */
export function encodeQr(data: Uint8Array, options: QrOptions = {}): QrCode | null {
  const ecc = options.ecc ?? 'M';
  const minVersion = options.minVersion ?? MIN_VERSION;
  const maxVersion = options.maxVersion ?? MAX_VERSION;
  let version = minVersion;
  while (version <= maxVersion && neededBits(data.length, version) > dataCodewords(version, ecc) * 8) version++;
  if (version > maxVersion || data.length >= 1 << countBits(version)) return null;

  const grid = functionPatterns(version, ecc);
  placeCodewords(grid, interleaveWithEcc(dataCodewordsFor(data, version, ecc), version, ecc));
  let mask = options.mask ?? -1;
  if (mask < 0) {
    let best = Infinity;
    for (let candidate = 0; candidate < 8; candidate++) {
      applyMask(grid, candidate);
      drawFormat(grid, ecc, candidate);
      const score = penaltyScore(grid);
      if (score < best) {
        best = score;
        mask = candidate;
      }
      applyMask(grid, candidate);
    }
  }
  applyMask(grid, mask);
  drawFormat(grid, ecc, mask);
  return { version, ecc, mask, size: grid.size, modules: grid.modules };
}

/** SVG path data drawing every dark module as a unit square, offset by a quiet-zone border. */
export function qrPath(qr: QrCode, border = 4): string {
  const parts: string[] = [];
  for (let y = 0; y < qr.size; y++) {
    for (let x = 0; x < qr.size; x++) {
      // Horizontal runs of dark modules become one rectangle, which keeps the path short.
      if (qr.modules[y * qr.size + x] !== 1) continue;
      let run = 1;
      while (x + run < qr.size && qr.modules[y * qr.size + x + run] === 1) run++;
      parts.push(`M${x + border} ${y + border}h${run}v1h-${run}z`);
      x += run - 1;
    }
  }
  return parts.join('');
}
