import { describe, expect, it } from 'vitest';
import { isAllowedHost, isAllowedOrigin, parseHostHeader, urlHost } from './http-guard.js';

const loopback = { host: '127.0.0.1', port: 8370 };

describe('isAllowedHost', () => {
  it('accepts the bound host, localhost, 127.0.0.1 and ::1 on the bound port, in any letter case', () => {
    for (const h of ['127.0.0.1:8370', 'localhost:8370', 'LOCALHOST:8370', '[::1]:8370']) expect(isAllowedHost(h, loopback), h).toBe(true);
    expect(isAllowedHost('myhost.lan:8370', { host: 'myhost.lan', port: 8370 })).toBe(true);
    expect(isAllowedHost('[::1]:9', { host: '::1', port: 9 })).toBe(true);
  });

  it('refuses DNS-rebinding names, other ports, missing and malformed headers', () => {
    for (const h of [undefined, '', 'evil.example:8370', 'evil.example', '127.0.0.1', '127.0.0.1:8371', 'localhost.evil.example:8370', '127.0.0.1:8370@evil', '127.0.0.1:8370/x', 'a b:8370', '[::1', '127.0.0.1:99999']) {
      expect(isAllowedHost(h, loopback), String(h)).toBe(false);
    }
  });

  it('lets a wildcard bind answer to IP literals but never to names', () => {
    const any = { host: '0.0.0.0', port: 80 };
    expect(isAllowedHost('192.168.1.20', any)).toBe(true);
    expect(isAllowedHost('192.168.1.20:80', any)).toBe(true);
    expect(isAllowedHost('[fe80::1]', any)).toBe(true);
    expect(isAllowedHost('nas.local', any)).toBe(false);
    expect(isAllowedHost('999.1.1.1', any)).toBe(false);
    expect(isAllowedHost('192.168.1.20', loopback)).toBe(false);
  });
});

describe('isAllowedOrigin', () => {
  it('wants exactly the origin of the Host the request came to', () => {
    expect(isAllowedOrigin('http://127.0.0.1:8370', '127.0.0.1:8370', true)).toBe(true);
    expect(isAllowedOrigin('http://localhost:8370', 'localhost:8370', true)).toBe(true);
    for (const o of ['http://evil.example', 'https://127.0.0.1:8370', 'http://127.0.0.1:8371', 'null', 'http://localhost:8370', '']) expect(isAllowedOrigin(o, '127.0.0.1:8370', false), o).toBe(false);
  });

  it('accepts no Origin only where one is not required', () => {
    expect(isAllowedOrigin(undefined, '127.0.0.1:8370', false)).toBe(true);
    expect(isAllowedOrigin(undefined, '127.0.0.1:8370', true)).toBe(false);
  });
});

describe('host helpers', () => {
  it('parses Host headers and brackets IPv6 for URLs', () => {
    expect(parseHostHeader('[::1]:5')).toEqual({ hostname: '::1', port: 5 });
    expect(parseHostHeader('Example.ORG')).toEqual({ hostname: 'example.org', port: null });
    expect(urlHost('::1')).toBe('[::1]');
    expect(urlHost('127.0.0.1')).toBe('127.0.0.1');
  });
});
