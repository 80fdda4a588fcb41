// Module placement: function patterns, the zigzag codeword path, masks, format and version information.
import { alignmentPositions, ECC_FORMAT_BITS, symbolSize, type EccLevel } from './tables.js';

/** A square grid of modules, row-major (index y * size + x); 1 is dark. */
export type ModuleGrid = { size: number; modules: Uint8Array; reserved: Uint8Array };

function createGrid(size: number): ModuleGrid {
  return { size, modules: new Uint8Array(size * size), reserved: new Uint8Array(size * size) };
}

function setFunction(grid: ModuleGrid, x: number, y: number, dark: boolean): void {
  if (x < 0 || y < 0 || x >= grid.size || y >= grid.size) return;
  grid.modules[y * grid.size + x] = dark ? 1 : 0;
  grid.reserved[y * grid.size + x] = 1;
}

function drawFinder(grid: ModuleGrid, cx: number, cy: number): void {
  // The 7x7 finder plus its one-module light separator.
  for (let dy = -4; dy <= 4; dy++) {
    for (let dx = -4; dx <= 4; dx++) {
      const ring = Math.max(Math.abs(dx), Math.abs(dy));
      setFunction(grid, cx + dx, cy + dy, ring !== 2 && ring !== 4);
    }
  }
}

function drawAlignment(grid: ModuleGrid, cx: number, cy: number): void {
  for (let dy = -2; dy <= 2; dy++) {
    for (let dx = -2; dx <= 2; dx++) setFunction(grid, cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
  }
}

/** The 15 format bits: level and mask, BCH(15,5) protected, XORed with the fixed pattern 101010000010010. */
export function formatBits(ecc: EccLevel, mask: number): number {
  const data = (ECC_FORMAT_BITS[ecc] << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  return ((data << 10) | rem) ^ 0x5412;
}

/** The 18 version bits (versions 7 and up): version number, BCH(18,6) protected. */
export function versionBits(version: number): number {
  let rem = version;
  for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
  return (version << 12) | rem;
}

const bit = (value: number, i: number): boolean => ((value >>> i) & 1) !== 0;

export function drawFormat(grid: ModuleGrid, ecc: EccLevel, mask: number): void {
  const bits = formatBits(ecc, mask);
  const n = grid.size;
  // First copy around the top-left finder, bit 0 at the top of column 8.
  for (let i = 0; i <= 5; i++) setFunction(grid, 8, i, bit(bits, i));
  setFunction(grid, 8, 7, bit(bits, 6));
  setFunction(grid, 8, 8, bit(bits, 7));
  setFunction(grid, 7, 8, bit(bits, 8));
  for (let i = 9; i < 15; i++) setFunction(grid, 14 - i, 8, bit(bits, i));
  // Second copy split between the top-right and bottom-left finders.
  for (let i = 0; i < 8; i++) setFunction(grid, n - 1 - i, 8, bit(bits, i));
  for (let i = 8; i < 15; i++) setFunction(grid, 8, n - 15 + i, bit(bits, i));
  setFunction(grid, 8, n - 8, true);
}

function drawVersion(grid: ModuleGrid, version: number): void {
  if (version < 7) return;
  const bits = versionBits(version);
  for (let i = 0; i < 18; i++) {
    const a = grid.size - 11 + (i % 3);
    const b = Math.floor(i / 3);
    setFunction(grid, a, b, bit(bits, i));
    setFunction(grid, b, a, bit(bits, i));
  }
}

/** A grid with every function pattern drawn and reserved (format bits drawn for mask 0, redrawn later). */
export function functionPatterns(version: number, ecc: EccLevel): ModuleGrid {
  const grid = createGrid(symbolSize(version));
  const n = grid.size;
  for (let i = 0; i < n; i++) {
    setFunction(grid, 6, i, i % 2 === 0);
    setFunction(grid, i, 6, i % 2 === 0);
  }
  drawFinder(grid, 3, 3);
  drawFinder(grid, n - 4, 3);
  drawFinder(grid, 3, n - 4);
  const align = alignmentPositions(version);
  const last = align.length - 1;
  for (let i = 0; i <= last; i++) {
    for (let j = 0; j <= last; j++) {
      // The three corners with finders get no alignment pattern.
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) continue;
      drawAlignment(grid, align[i]!, align[j]!);
    }
  }
  drawFormat(grid, ecc, 0);
  drawVersion(grid, version);
  return grid;
}

/** Places codewords along the zigzag path: two-column strips from the right, alternating up and down. */
export function placeCodewords(grid: ModuleGrid, codewords: Uint8Array): void {
  const n = grid.size;
  let i = 0;
  for (let right = n - 1; right >= 1; right -= 2) {
    // The vertical timing pattern in column 6 is skipped by shifting the strip left by one.
    if (right === 6) right = 5;
    for (let vert = 0; vert < n; vert++) {
      for (let j = 0; j < 2; j++) {
        const x = right - j;
        const upward = ((right + 1) & 2) === 0;
        const y = upward ? n - 1 - vert : vert;
        if (grid.reserved[y * n + x] === 1) continue;
        // Remainder bits past the last codeword stay light.
        if (i < codewords.length * 8) grid.modules[y * n + x] = (codewords[i >>> 3]! >>> (7 - (i & 7))) & 1;
        i++;
      }
    }
  }
}

/** Whether mask `mask` flips the module at column x, row y. */
export function maskFlips(mask: number, x: number, y: number): boolean {
  switch (mask) {
    case 0: return (x + y) % 2 === 0;
    case 1: return y % 2 === 0;
    case 2: return x % 3 === 0;
    case 3: return (x + y) % 3 === 0;
    case 4: return (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0;
    case 5: return ((x * y) % 2) + ((x * y) % 3) === 0;
    case 6: return (((x * y) % 2) + ((x * y) % 3)) % 2 === 0;
    case 7: return (((x + y) % 2) + ((x * y) % 3)) % 2 === 0;
    default: throw new RangeError(`mask ${mask} is not 0-7`);
  }
}

/** XORs the mask onto every non-function module (applying it twice undoes it). */
export function applyMask(grid: ModuleGrid, mask: number): void {
  const n = grid.size;
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const k = y * n + x;
      if (grid.reserved[k] === 0 && maskFlips(mask, x, y)) grid.modules[k] = grid.modules[k]! ^ 1;
    }
  }
}
