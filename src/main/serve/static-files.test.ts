import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { resolveStaticPath, securityHeaders } from './static-files.js';

const root = resolve('/srv/renderer');

describe('resolveStaticPath', () => {
  it('maps paths under the root, / to index.html', () => {
    expect(resolveStaticPath(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/index-abc.js')).toBe(join(root, 'assets', 'index-abc.js'));
    expect(resolveStaticPath(root, '/assets/')).toBe(join(root, 'assets', 'index.html'));
    expect(resolveStaticPath(root, '/a%20b.css')).toBe(join(root, 'a b.css'));
    expect(resolveStaticPath(root, '/./x.js')).toBe(join(root, 'x.js'));
  });

  it('refuses traversal, encoded or not, NULs, backslashes and bad escapes', () => {
    for (const p of ['/..', '/../etc/passwd', '/assets/../../x', '/%2e%2e/x', '/..%2fetc%2fpasswd', '/%2E%2E%2F%2E%2E%2Fetc', '/a%00.js', '/..\\x', '/a\\..\\..\\b', '/%zz', 'relative']) {
      expect(resolveStaticPath(root, p), p).toBeNull();
    }
  });
});

describe('securityHeaders', () => {
  it('sends the renderer CSP (no inline script, no eval) with nosniff and no framing', () => {
    const h = securityHeaders();
    expect(h['Content-Security-Policy']).toMatch(/script-src 'self';/);
    expect(h['Content-Security-Policy']).not.toMatch(/unsafe-(inline|eval)/);
    expect(h['Content-Security-Policy']).toMatch(/frame-ancestors 'none'$/);
    expect(h['X-Content-Type-Options']).toBe('nosniff');
    expect(h['X-Frame-Options']).toBe('DENY');
  });
});
