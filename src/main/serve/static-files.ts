// Serves the built renderer (out/renderer) to the browser: GET and HEAD of files under one root, never a
// directory listing or anything outside it, each response with the renderer's strict CSP and no-sniff headers.
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { contentSecurityPolicy } from '../electron/content-security-policy.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers on every response of `cairn serve`, errors included. frame-ancestors works only as a header. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': `${contentSecurityPolicy('production')}; frame-ancestors 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

export function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), ...extra });
  res.end(text);
}

/**
 * The file a URL path names under root, or null: the path is percent-decoded once, and a NUL, a backslash,
 * a `..` segment or anything resolving outside root is refused. "/" is index.html.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return null;
  if (decoded.endsWith('/')) segments.push('index.html');
  const base = resolve(root);
  const file = resolve(join(base, ...segments));
  return file.startsWith(base + sep) ? file : null;
}

/** Answers a GET or HEAD for a file under root (404 for anything else that is not a regular file there). */
export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, urlPath: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
  const file = resolveStaticPath(root, urlPath);
  if (file === null) return sendText(res, 400, 'bad path\n');
  let body: Buffer;
  try {
    if (!(await stat(file)).isFile()) return sendText(res, 404, 'not found\n');
    body = await readFile(file);
  } catch {
    return sendText(res, 404, 'not found\n');
  }
  res.writeHead(200, { ...securityHeaders(), 'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
}
