import { describe, expect, it } from 'vitest';
import { toCairnPlatform } from './api.js';

describe('toCairnPlatform', () => {
  it('keeps the platforms the app ships for', () => {
    expect(toCairnPlatform('darwin')).toBe('darwin');
    expect(toCairnPlatform('linux')).toBe('linux');
    expect(toCairnPlatform('win32')).toBe('win32');
  });

  it('reports any other platform as other', () => {
    expect(toCairnPlatform('freebsd')).toBe('other');
    expect(toCairnPlatform('')).toBe('other');
  });
});
