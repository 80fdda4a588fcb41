import { describe, expect, it } from 'vitest';
import { isSafeExternalUrl } from './navigation-policy.js';

describe('isSafeExternalUrl', () => {
  it('accepts plain https links', () => {
    expect(isSafeExternalUrl('https://example.org/path?q=1#x')).toBe(true);
  });

  it('refuses other schemes, which could run programs or read files', () => {
    for (const url of ['http://example.org', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'data:text/html,hi']) {
      expect(isSafeExternalUrl(url)).toBe(false);
    }
  });

  it('refuses malformed links and links carrying credentials', () => {
    expect(isSafeExternalUrl('not a url')).toBe(false);
    expect(isSafeExternalUrl('https://bank.example@evil.example/')).toBe(false);
    expect(isSafeExternalUrl('https://user:pw@example.org/')).toBe(false);
  });
});
