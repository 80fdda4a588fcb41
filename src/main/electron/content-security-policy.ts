// The renderer's Content Security Policy, shared by main's response header and the index.html meta tag.

export type CspMode = 'production' | 'development';

// No 'unsafe-eval' and no inline scripts anywhere; frame-ancestors is left out because a meta tag ignores it.
const productionDirectives: readonly (readonly [string, string])[] = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data: blob:"],
  ['font-src', "'self'"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
];

/**
 * The policy for the renderer. Development differs in one place: Vite's dev server injects
 * component styles as <style> elements, so style-src also allows 'unsafe-inline' there.
 */
export function contentSecurityPolicy(mode: CspMode): string {
  return productionDirectives
    .map(([name, value]) => (mode === 'development' && name === 'style-src' ? `${name} ${value} 'unsafe-inline'` : `${name} ${value}`))
    .join('; ');
}

/** Response headers with any existing CSP (in any letter case) replaced by `policy`. */
export function withContentSecurityPolicy(
  headers: Readonly<Record<string, string | string[]>> | undefined,
  policy: string,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [policy];
  return out;
}
