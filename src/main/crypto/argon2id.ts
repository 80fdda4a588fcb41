// Argon2id (RFC 9106, version 0x13, one lane) matching libsodium's crypto_pwhash with ALG_ARGON2ID13.
// The standard libsodium-wrappers build omits crypto_pwhash; this fills the gap for the wasm backend,
// taking BLAKE2b from libsodium. 64-bit words are pairs of 32-bit words (lo at even, hi at odd index).

export type Blake2b = (message: Uint8Array, outLength: number, key?: Uint8Array) => Uint8Array;
export type Argon2idParams = { outLength: number; password: Uint8Array; salt: Uint8Array; opsLimit: number; memLimit: number };

const BLOCK_WORDS = 256; // 1024 bytes as 32-bit words
const SYNC_POINTS = 4;
const VERSION = 0x13;
const TYPE_ID = 2;
const TWO_32 = 4294967296;

/** High 32 bits of the 64-bit product of two unsigned 32-bit numbers, exact in doubles. */
function mulHi(a: number, b: number): number {
  const t1 = (a & 0xffff) * b;
  const t2 = (a >>> 16) * b;
  return Math.floor(t2 / 65536) + Math.floor(((t2 % 65536) * 65536 + t1) / TWO_32);
}

/** v[x] = v[x] + v[y] + 2 · lo32(v[x]) · lo32(v[y]) (mod 2^64): BLAKE2b's add hardened with a multiplication. */
function blaMka(v: Uint32Array, x: number, y: number): void {
  const xl = v[x]!;
  const yl = v[y]!;
  const pl = Math.imul(xl, yl) >>> 0;
  const ph = mulHi(xl, yl);
  const ql = (pl << 1) >>> 0;
  const qh = ((ph << 1) | (pl >>> 31)) >>> 0;
  const l1 = xl + yl;
  const l2 = (l1 >>> 0) + ql;
  // Uint32Array stores reduce modulo 2^32, which drops the carry out of the high word.
  v[x + 1] = v[x + 1]! + v[y + 1]! + qh + (l1 > 0xffffffff ? 1 : 0) + (l2 > 0xffffffff ? 1 : 0);
  v[x] = l2;
}

/** v[d] = rotr64(v[d] ^ v[a], n) for n in {16, 24, 32, 63}. */
function xorRotr(v: Uint32Array, d: number, a: number, n: number): void {
  const lo = v[d]! ^ v[a]!;
  const hi = v[d + 1]! ^ v[a + 1]!;
  if (n === 32) {
    v[d] = hi;
    v[d + 1] = lo;
  } else if (n === 63) {
    v[d] = (lo << 1) | (hi >>> 31);
    v[d + 1] = (hi << 1) | (lo >>> 31);
  } else {
    v[d] = (lo >>> n) | (hi << (32 - n));
    v[d + 1] = (hi >>> n) | (lo << (32 - n));
  }
}

/** The BLAKE2b G function on 64-bit word indices a, b, c, d (scaled to 32-bit positions here). */
function g(v: Uint32Array, a: number, b: number, c: number, d: number): void {
  a *= 2;
  b *= 2;
  c *= 2;
  d *= 2;
  blaMka(v, a, b);
  xorRotr(v, d, a, 32);
  blaMka(v, c, d);
  xorRotr(v, b, c, 24);
  blaMka(v, a, b);
  xorRotr(v, d, a, 16);
  blaMka(v, c, d);
  xorRotr(v, b, c, 63);
}

/** BLAKE2b round without message on 16 64-bit words at the given indices. */
function round(v: Uint32Array, w: readonly number[]): void {
  g(v, w[0]!, w[4]!, w[8]!, w[12]!);
  g(v, w[1]!, w[5]!, w[9]!, w[13]!);
  g(v, w[2]!, w[6]!, w[10]!, w[14]!);
  g(v, w[3]!, w[7]!, w[11]!, w[15]!);
  g(v, w[0]!, w[5]!, w[10]!, w[15]!);
  g(v, w[1]!, w[6]!, w[11]!, w[12]!);
  g(v, w[2]!, w[7]!, w[8]!, w[13]!);
  g(v, w[3]!, w[4]!, w[9]!, w[14]!);
}

const ROWS = Array.from({ length: 8 }, (_, i) => Array.from({ length: 16 }, (_, j) => 16 * i + j));
const COLUMNS = Array.from({ length: 8 }, (_, i) => Array.from({ length: 16 }, (_, j) => 2 * i + (j & 1) + 16 * (j >> 1)));

type Scratch = { r: Uint32Array; t: Uint32Array };

/** next = P(prev ^ ref) ^ prev ^ ref (^ next when withXor): the Argon2 compression G. */
function fillBlock(prev: Uint32Array, prevOff: number, ref: Uint32Array, refOff: number, next: Uint32Array, nextOff: number, withXor: boolean, s: Scratch): void {
  const { r, t } = s;
  for (let i = 0; i < BLOCK_WORDS; i++) {
    const x = prev[prevOff + i]! ^ ref[refOff + i]!;
    r[i] = x;
    t[i] = withXor ? x ^ next[nextOff + i]! : x;
  }
  for (const w of ROWS) round(r, w);
  for (const w of COLUMNS) round(r, w);
  for (let i = 0; i < BLOCK_WORDS; i++) next[nextOff + i] = t[i]! ^ r[i]!;
}

function le32(n: number): Uint8Array {
  return new Uint8Array([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** H': BLAKE2b extended to any output length. */
function hashLong(blake2b: Blake2b, input: Uint8Array, outLength: number): Uint8Array {
  const withLength = concat([le32(outLength), input]);
  if (outLength <= 64) return blake2b(withLength, outLength);
  const out = new Uint8Array(outLength);
  const r = Math.ceil(outLength / 32) - 2;
  let v = blake2b(withLength, 64);
  out.set(v.subarray(0, 32), 0);
  for (let i = 1; i < r; i++) {
    v = blake2b(v, 64);
    out.set(v.subarray(0, 32), i * 32);
  }
  out.set(blake2b(v, outLength - 32 * r), 32 * r);
  return out;
}

function bytesToWords(bytes: Uint8Array, words: Uint32Array, off: number): void {
  for (let i = 0; i < BLOCK_WORDS; i++) {
    const b = i * 4;
    words[off + i] = (bytes[b]! | (bytes[b + 1]! << 8) | (bytes[b + 2]! << 16) | (bytes[b + 3]! << 24)) >>> 0;
  }
}

function wordsToBytes(words: Uint32Array, off: number): Uint8Array {
  const out = new Uint8Array(BLOCK_WORDS * 4);
  for (let i = 0; i < BLOCK_WORDS; i++) {
    const w = words[off + i]!;
    out[i * 4] = w & 0xff;
    out[i * 4 + 1] = (w >>> 8) & 0xff;
    out[i * 4 + 2] = (w >>> 16) & 0xff;
    out[i * 4 + 3] = (w >>> 24) & 0xff;
  }
  return out;
}

export function argon2id(blake2b: Blake2b, p: Argon2idParams): Uint8Array {
  const { outLength, password, salt, opsLimit: passes, memLimit } = p;
  // The same bounds libsodium asserts: violating them is a programmer error.
  if (!Number.isInteger(outLength) || outLength < 16) throw new RangeError('pwhash output must be at least 16 bytes');
  if (salt.length !== 16) throw new RangeError('pwhash salt must be 16 bytes');
  if (!Number.isInteger(passes) || passes < 1 || passes > 0xffffffff) throw new RangeError('pwhash opsLimit out of range');
  if (!Number.isInteger(memLimit) || memLimit < 8192 || memLimit > 2 ** 42) throw new RangeError('pwhash memLimit out of range');
  const mCost = Math.floor(memLimit / 1024);
  const segmentLength = Math.max(2, Math.floor(mCost / SYNC_POINTS));
  const laneLength = segmentLength * SYNC_POINTS;

  const h0 = blake2b(concat([le32(1), le32(outLength), le32(mCost), le32(passes), le32(VERSION), le32(TYPE_ID), le32(password.length), password, le32(salt.length), salt, le32(0), le32(0)]), 64);
  const mem = new Uint32Array(laneLength * BLOCK_WORDS);
  bytesToWords(hashLong(blake2b, concat([h0, le32(0), le32(0)]), 1024), mem, 0);
  bytesToWords(hashLong(blake2b, concat([h0, le32(1), le32(0)]), 1024), mem, BLOCK_WORDS);

  const scratch: Scratch = { r: new Uint32Array(BLOCK_WORDS), t: new Uint32Array(BLOCK_WORDS) };
  const zero = new Uint32Array(BLOCK_WORDS);
  const input = new Uint32Array(BLOCK_WORDS);
  const address = new Uint32Array(BLOCK_WORDS);
  const nextAddresses = (): void => {
    input[12] = input[12]! + 1; // 64-bit word 6 is the counter
    fillBlock(zero, 0, input, 0, address, 0, false, scratch);
    fillBlock(zero, 0, address, 0, address, 0, false, scratch);
  };

  for (let pass = 0; pass < passes; pass++) {
    for (let slice = 0; slice < SYNC_POINTS; slice++) {
      const dataIndependent = pass === 0 && slice < SYNC_POINTS / 2;
      if (dataIndependent) {
        input.fill(0);
        input[0] = pass;
        input[2] = 0; // lane
        input[4] = slice;
        input[6] = laneLength;
        input[8] = passes;
        input[10] = TYPE_ID;
      }
      const start = pass === 0 && slice === 0 ? 2 : 0;
      if (dataIndependent && start === 2) nextAddresses();
      let curr = slice * segmentLength + start;
      let prev = curr === 0 ? laneLength - 1 : curr - 1;
      for (let i = start; i < segmentLength; i++, curr++, prev++) {
        if (curr === 1) prev = 0;
        let j1: number;
        if (dataIndependent) {
          if (i % 128 === 0) nextAddresses();
          j1 = address[2 * (i % 128)]!;
        } else j1 = mem[prev * BLOCK_WORDS]!;
        // Reference index within the single lane (RFC 9106 section 3.4.1.2).
        let area: number;
        if (pass === 0) area = slice * segmentLength + i - 1;
        else area = laneLength - segmentLength + i - 1;
        const x = mulHi(j1, j1);
        const rel = area - 1 - mulHi(area, x);
        const startPos = pass !== 0 && slice !== SYNC_POINTS - 1 ? (slice + 1) * segmentLength : 0;
        const ref = (startPos + rel) % laneLength;
        fillBlock(mem, prev * BLOCK_WORDS, mem, ref * BLOCK_WORDS, mem, curr * BLOCK_WORDS, pass !== 0, scratch);
      }
    }
  }
  return hashLong(blake2b, wordsToBytes(mem, (laneLength - 1) * BLOCK_WORDS), outLength);
}
