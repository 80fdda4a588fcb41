// The reference matrices below were produced by Project Nayuki's QR Code generator (Python, v1.8) with the same
// input, level and no level boost, and cross-checked here against spec values (format, version, RS codewords).
import { describe, expect, it } from 'vitest';
import { rsGenerator, rsRemainder } from './galois.js';
import { dataCodewordsFor, encodeQr, qrPath, type QrCode } from './encode.js';
import { formatBits, versionBits } from './matrix.js';
import { alignmentPositions, dataCodewords } from './tables.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const rowsOf = (qr: QrCode) => Array.from({ length: qr.size }, (_, y) => Array.from(qr.modules.subarray(y * qr.size, (y + 1) * qr.size)).join(''));

const HELLO_V1_M_MASK1 = [
  '111111101010101111111', '100000100001001000001', '101110101100101011101', '101110100011101011101',
  '101110100111101011101', '100000101111101000001', '111111101010101111111', '000000000010100000000',
  '101000110000000100101', '011100011100000001001', '110010110101100010101', '011101001101010001000',
  '101011111101110111010', '000000001110100011100', '111111101001101111101', '100000100100110001010',
  '101110100110010001000', '101110100110101011100', '101110101000101111111', '100000100110110111000',
  '111111101001100001001',
];

// A 122-character invite-like line: version 7-M, the first version with version information blocks.
const INVITE = 'cairn:' + 'aeaqcaib'.repeat(14) + 'aeaq';
const INVITE_V7_M_MASK1_HEX = [
  '1fd529e5697f', '104d23ac4a41', '175d4756aa5d', '1744e96aab5d', '174b89f5575d', '105db1144041', '1fd55555557f',
  '00080b111100', '146677f55625', '1b208c1bba19', '127b5a9bb205', '132bfaa1183b', '0c6065b1165b', '02bdf65aaaa1',
  '19c4dc5bb9b5', '0da11aa1101a', '0549a5a5561a', '13a5f41aaaa1', '1b76ee59a9b9', '058f4e933219', '1ffc65f59bfb',
  '0717251aab11', '01580f53b955', '071dc915511a', '19f99ff555fb', '011913caa8a1', '0a62766bbb45', '1b8c62a11349',
  '076c875556a2', '1111bf49b869', '00f97eebb165', '069ffca19b4a', '19e3d74157ab', '040c034aaaa1', '01772aebbb55',
  '0f1da561136a', '136127f557fa', '001e531aab15', '1fda2d599b55', '10484b133119', '174d47f993f3', '174b2aaaa933',
  '1750c7bbb955', '1048f11553a8', '1fd7695557b9',
];
const hexRow = (hex: string, width: number) => BigInt(`0x${hex}`).toString(2).padStart(width, '0');

const CAPACITY = {
  L: [19, 34, 55, 80, 108, 136, 156, 194, 232, 274, 324, 370, 428, 461, 523, 589, 647, 721, 795, 861, 932, 1006, 1094, 1174, 1276, 1370, 1468, 1531, 1631, 1735, 1843, 1955, 2071, 2191, 2306, 2434, 2566, 2702, 2812, 2956],
  M: [16, 28, 44, 64, 86, 108, 124, 154, 182, 216, 254, 290, 334, 365, 415, 453, 507, 563, 627, 669, 714, 782, 860, 914, 1000, 1062, 1128, 1193, 1267, 1373, 1455, 1541, 1631, 1725, 1812, 1914, 1992, 2102, 2216, 2334],
};

describe('QR tables', () => {
  it('hold the data capacity of every version at levels L and M', () => {
    for (const level of ['L', 'M'] as const) expect(Array.from({ length: 40 }, (_, i) => dataCodewords(i + 1, level))).toEqual(CAPACITY[level]);
  });

  it('place alignment patterns where the spec lists them', () => {
    expect(alignmentPositions(1)).toEqual([]);
    expect(alignmentPositions(2)).toEqual([6, 18]);
    expect(alignmentPositions(7)).toEqual([6, 22, 38]);
    expect(alignmentPositions(32)).toEqual([6, 34, 60, 86, 112, 138]);
    expect(alignmentPositions(40)).toEqual([6, 30, 58, 86, 114, 142, 170]);
  });
});

describe('QR building blocks', () => {
  it('compute Reed-Solomon codewords (the worked 1-M "HELLO WORLD" example)', () => {
    const data = Uint8Array.from([32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]);
    expect(Array.from(rsRemainder(data, rsGenerator(10)))).toEqual([196, 35, 39, 119, 235, 215, 231, 226, 93, 23]);
  });

  it('encode format and version information as the spec tables do', () => {
    expect(formatBits('M', 0).toString(2).padStart(15, '0')).toBe('101010000010010');
    expect(formatBits('L', 0).toString(2).padStart(15, '0')).toBe('111011111000100');
    expect(formatBits('L', 7).toString(2).padStart(15, '0')).toBe('110100101110110');
    expect(versionBits(7).toString(2).padStart(18, '0')).toBe('000111110010010100');
    expect(versionBits(40).toString(2).padStart(18, '0')).toBe('101000110001101001');
  });

  it('lays out byte mode, length, data, terminator and alternating pad bytes', () => {
    const bytes = dataCodewordsFor(utf8('Hi'), 1, 'M');
    expect(bytes.length).toBe(16);
    // 0100 | 00000010 | 'H' 01001000 | 'i' 01101001 | 0000 terminator, then 0xEC 0x11 ...
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x40, 0x24, 0x86, 0x90]);
    expect(Array.from(bytes.subarray(4, 8))).toEqual([0xec, 0x11, 0xec, 0x11]);
  });
});

describe('encodeQr', () => {
  it('matches the reference symbol for a short text (version 1-M, mask chosen by penalty)', () => {
    const qr = encodeQr(utf8('Hello, Cairn!'), { ecc: 'M' })!;
    expect({ version: qr.version, mask: qr.mask, size: qr.size }).toEqual({ version: 1, mask: 1, size: 21 });
    expect(rowsOf(qr)).toEqual(HELLO_V1_M_MASK1);
  });

  it('matches the reference symbol for an invite-sized line (version 7-M, with version information)', () => {
    const qr = encodeQr(utf8(INVITE), { ecc: 'M' })!;
    expect({ version: qr.version, mask: qr.mask }).toEqual({ version: 7, mask: 1 });
    expect(rowsOf(qr)).toEqual(INVITE_V7_M_MASK1_HEX.map((h) => hexRow(h, 45)));
  });

  it('honours a forced mask and stays decodable in structure (finders, timing, dark module)', () => {
    for (let mask = 0; mask < 8; mask++) {
      const qr = encodeQr(utf8(INVITE), { ecc: 'L', mask })!;
      const rows = rowsOf(qr);
      expect(qr.mask).toBe(mask);
      expect(rows[0]!.slice(0, 7)).toBe('1111111');
      expect(rows[6]!.slice(8, qr.size - 8)).toMatch(/^(10)*1$/);
      expect(rows[qr.size - 8]![8]).toBe('1');
    }
  });

  it('picks the smallest version that fits and refuses what does not', () => {
    expect(encodeQr(new Uint8Array(14), { ecc: 'M' })!.version).toBe(1);
    expect(encodeQr(new Uint8Array(15), { ecc: 'M' })!.version).toBe(2);
    expect(encodeQr(new Uint8Array(2331), { ecc: 'M' })!.version).toBe(40);
    expect(encodeQr(new Uint8Array(2332), { ecc: 'M' })).toBeNull();
    expect(encodeQr(utf8(INVITE), { ecc: 'M', maxVersion: 6 })).toBeNull();
  });
});

describe('qrPath', () => {
  it('draws runs of dark modules as rectangles offset by the quiet zone', () => {
    const qr: QrCode = { version: 1, ecc: 'M', mask: 0, size: 3, modules: Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 1, 1]) };
    expect(qrPath(qr, 4)).toBe('M4 4h2v1h-2zM5 6h2v1h-2z');
  });
});
