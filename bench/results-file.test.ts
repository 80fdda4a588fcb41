import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultsFile } from './results-file.js';

describe('resultsFile', () => {
  const at = new Date('2026-11-24T04:37:38.123Z');

  it('names the first run of a day by the day, later ones by the time too, never an existing file', () => {
    const taken = new Set<string>();
    const exists = (p: string) => taken.has(p);
    const names: string[] = [];
    for (let i = 0; i < 4; i++) {
      const p = resultsFile('/r', 'relay', at, exists);
      expect(taken.has(p)).toBe(false);
      taken.add(p);
      names.push(p);
    }
    expect(names).toEqual([
      join('/r', 'relay-2026-11-24.json'),
      join('/r', 'relay-2026-11-24-0437.json'),
      join('/r', 'relay-2026-11-24-043738.json'),
      join('/r', 'relay-2026-11-24T043738-123Z.json'),
    ]);
  });
});
