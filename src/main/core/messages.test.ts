import { describe, expect, it } from 'vitest';
import { isHexId, MESSAGE_ID_HEX_CHARS } from '../../shared/docs/values.js';
import { MessageIds } from './messages.js';

describe('MessageIds', () => {
  it('gives unique 32-hex ids that start with the send time, past one pool of random bytes', () => {
    const ids = new MessageIds();
    const t0 = 1_795_000_000_000;
    const out = Array.from({ length: 1000 }, (_, i) => ids.next(t0 + Math.floor(i / 3)));
    expect(out.every((id) => isHexId(id, MESSAGE_ID_HEX_CHARS))).toBe(true);
    expect(new Set(out).size).toBe(out.length);
    expect(parseInt(out[0]!.slice(0, 12), 16)).toBe(t0);
    expect(parseInt(out[999]!.slice(0, 12), 16)).toBe(t0 + 333);
    // Ids of later sends sort after earlier ones, so a device's ids append to the index.
    const later = out.filter((_, i) => i % 3 === 0);
    expect([...later].sort()).toEqual(later);
    // The random part differs between ids of the same millisecond.
    expect(out[0]!.slice(12)).not.toBe(out[1]!.slice(12));
  });
});
