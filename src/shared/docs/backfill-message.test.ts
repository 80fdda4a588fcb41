import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSyncStep1 } from './app-message.js';
import { decodeBackfillMessage, encodeBackfillMessage } from './backfill-message.js';

describe('backfill messages', () => {
  it('round-trip begin and end', () => {
    for (const m of [{ phase: 'begin', chunks: 3, items: 10_000 }, { phase: 'begin', chunks: 0, items: 0 }, { phase: 'end' }] as const) {
      expect(decodeBackfillMessage(encodeBackfillMessage(m))).toEqual(m);
    }
  });
  it('are null for other app messages and malformed bytes', () => {
    expect(decodeBackfillMessage(encodeSyncStep1(new Y.Doc()))).toBeNull();
    expect(decodeBackfillMessage(new Uint8Array([3, 2]))).toBeNull();
    expect(decodeBackfillMessage(new Uint8Array([3, 0, 1]))).toBeNull();
    expect(decodeBackfillMessage(new Uint8Array([3, 1, 0]))).toBeNull();
    expect(decodeBackfillMessage(new Uint8Array([]))).toBeNull();
  });
});
