import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, withContentSecurityPolicy } from './content-security-policy.js';

const indexHtml = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0] !== '')
      .map(([name, ...values]) => [name ?? '', values]),
  );
}

describe('contentSecurityPolicy', () => {
  it('allows scripts only from the app itself, never eval or inline', () => {
    for (const mode of ['production', 'development'] as const) {
      const d = directives(contentSecurityPolicy(mode));
      expect(d.get('default-src')).toEqual(["'self'"]);
      expect(d.get('script-src')).toEqual(["'self'"]);
      expect(d.get('connect-src')).toEqual(["'self'"]);
      expect(d.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
      expect(d.get('object-src')).toEqual(["'none'"]);
      expect(contentSecurityPolicy(mode)).not.toContain('unsafe-eval');
    }
  });

  it('allows inline styles only for the dev server', () => {
    expect(directives(contentSecurityPolicy('production')).get('style-src')).toEqual(["'self'"]);
    expect(directives(contentSecurityPolicy('development')).get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
  });

  it('is the same policy the index.html meta tag declares', () => {
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(indexHtml);
    expect(meta?.[1]).toBe(contentSecurityPolicy('production'));
  });
});

describe('withContentSecurityPolicy', () => {
  it('replaces an existing policy whatever its letter case and keeps other headers', () => {
    const out = withContentSecurityPolicy({ 'content-security-policy': ["default-src *"], 'Content-Type': 'text/html' }, "default-src 'self'");
    expect(out).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': ["default-src 'self'"] });
  });

  it('adds the policy when there are no headers', () => {
    expect(withContentSecurityPolicy(undefined, "default-src 'self'")).toEqual({ 'Content-Security-Policy': ["default-src 'self'"] });
  });
});
