// Who may talk to `cairn serve`: every HTTP request and the WebSocket upgrade must name this server in Host
// (a DNS-rebinding page reaches us under its own domain name) and, when they carry an Origin, come from the
// page this server served (a cross-site page or socket carries its own origin). Pure functions.

export type BoundAddress = { host: string; port: number };

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6 = /^[0-9a-f:.]+$/;
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** The host as it appears in a URL: an IPv6 literal in brackets. */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Splits a Host header into a lowercase hostname (IPv6 without brackets) and a port; null when malformed. */
export function parseHostHeader(value: string | undefined): { hostname: string; port: number | null } | null {
  if (value === undefined || value.length === 0 || value.length > 300) return null;
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]/@\s]+))(?::(\d{1,5}))?$/.exec(value);
  if (m === null) return null;
  const port = m[3] === undefined ? null : Number(m[3]);
  if (port !== null && port > 65535) return null;
  return { hostname: (m[1] ?? m[2]!).toLowerCase(), port };
}

const isIpLiteral = (hostname: string): boolean => IPV4.test(hostname) || (hostname.includes(':') && IPV6.test(hostname));

/**
 * Whether a Host header names this server: its port, and as hostname the bound host, localhost, 127.0.0.1
 * or ::1. A server bound to a wildcard address also answers to any IP literal, never to a DNS name.
 */
export function isAllowedHost(value: string | undefined, bound: BoundAddress): boolean {
  const host = parseHostHeader(value);
  if (host === null) return false;
  if ((host.port ?? 80) !== bound.port) return false;
  const boundName = bound.host.toLowerCase().replace(/^\[|\]$/g, '');
  if (host.hostname === boundName || host.hostname === 'localhost' || host.hostname === '127.0.0.1' || host.hostname === '::1') return true;
  return WILDCARDS.has(boundName) && isIpLiteral(host.hostname);
}

/**
 * Whether an Origin header is this server's own for a request that arrived with Host `hostHeader` (already
 * checked with isAllowedHost). An absent Origin is accepted only when not required (top-level navigations
 * send none; the WebSocket upgrade always must).
 */
export function isAllowedOrigin(origin: string | undefined, hostHeader: string, required: boolean): boolean {
  if (origin === undefined) return !required;
  return origin.toLowerCase() === `http://${hostHeader.toLowerCase()}`;
}
