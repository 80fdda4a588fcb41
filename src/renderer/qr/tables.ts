// QR Code Model 2 capacity tables (ISO/IEC 18004, table 9) for error correction levels L and M, versions 1-40.

export type EccLevel = 'L' | 'M';

export const MIN_VERSION = 1;
export const MAX_VERSION = 40;

// Index 0 is unused so that the version number indexes the arrays directly.
const ECC_CODEWORDS_PER_BLOCK: Readonly<Record<EccLevel, readonly number[]>> = {
  L: [-1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  M: [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
};

const ERROR_CORRECTION_BLOCKS: Readonly<Record<EccLevel, readonly number[]>> = {
  L: [-1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
  M: [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
};

/** The format-information bits of each level (L = 01, M = 00). */
export const ECC_FORMAT_BITS: Readonly<Record<EccLevel, number>> = { L: 1, M: 0 };

export function eccCodewordsPerBlock(version: number, ecc: EccLevel): number {
  return ECC_CODEWORDS_PER_BLOCK[ecc][version]!;
}

export function errorCorrectionBlocks(version: number, ecc: EccLevel): number {
  return ERROR_CORRECTION_BLOCKS[ecc][version]!;
}

/** Side length in modules. */
export function symbolSize(version: number): number {
  return version * 4 + 17;
}

/** Centre coordinates of the alignment patterns along one axis (both axes use the same list). */
export function alignmentPositions(version: number): number[] {
  if (version === 1) return [];
  const count = Math.floor(version / 7) + 2;
  // Spacing is even and equal between all but the first pair, which absorbs the remainder.
  const step = Math.floor((version * 8 + count * 3 + 5) / (count * 4 - 4)) * 2;
  const positions = [6];
  for (let pos = symbolSize(version) - 7; positions.length < count; pos -= step) positions.splice(1, 0, pos);
  return positions;
}

/** Modules left for codewords once function patterns, format and version information are placed. */
export function rawDataModules(version: number): number {
  let result = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const align = Math.floor(version / 7) + 2;
    result -= (25 * align - 10) * align - 55;
    if (version >= 7) result -= 36;
  }
  return result;
}

/** Data codewords (excluding error correction) a symbol of this version and level holds. */
export function dataCodewords(version: number, ecc: EccLevel): number {
  return Math.floor(rawDataModules(version) / 8) - eccCodewordsPerBlock(version, ecc) * errorCorrectionBlocks(version, ecc);
}
