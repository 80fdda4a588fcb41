import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseCommand, parseDuration } from './config.js';
import type { RelayConfig } from './config.js';

function run(argv: string[], env: Record<string, string> = {}): RelayConfig {
  const parsed = parseCommand(argv, env);
  if (!parsed.ok) throw new Error(parsed.message);
  if (parsed.value.kind !== 'run') throw new Error('expected run');
  return parsed.value.config;
}

function failure(argv: string[], env: Record<string, string> = {}): string {
  const parsed = parseCommand(argv, env);
  if (parsed.ok) throw new Error('expected an error');
  expect(parsed.code).toBe('BAD_ARGUMENT');
  expect(parsed.message).not.toContain('\n');
  return parsed.message;
}

describe('parseDuration', () => {
  it('accepts every documented unit', () => {
    expect(parseDuration('30d')).toBe(30 * 86_400_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('15m')).toBe(15 * 60_000);
    expect(parseDuration('45s')).toBe(45_000);
    expect(parseDuration('500ms')).toBe(500);
  });

  it('refuses bare numbers, zero, negatives, fractions and unknown units', () => {
    for (const bad of ['30', '0s', '-5s', '1.5h', '3w', '', 'ms', '10 d', '9999999999999999d']) expect(parseDuration(bad)).toBeNull();
  });
});

describe('parseCommand', () => {
  it('gives the documented defaults', () => {
    expect(run([])).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG).toMatchObject({ host: '127.0.0.1', port: 8787, dataDir: './data', store: 'sqlite', ttlMs: 30 * 86_400_000, sync: 'normal' });
  });

  it('reads every flag, in both --flag value and --flag=value forms', () => {
    const config = run([
      '--host', '0.0.0.0', '--port=0', '--data', '/tmp/x', '--store', 'memory', '--ttl', '12h',
      '--max-frame-bytes', '65536', '--topic-quota-bytes=1048576', '--rate-limit', '100', '--max-topics', '8', '--sync', 'full',
    ]);
    expect(config).toEqual({
      host: '0.0.0.0', port: 0, dataDir: '/tmp/x', store: 'memory', ttlMs: 12 * 3_600_000,
      maxFrameBytes: 65536, topicQuotaBytes: 1048576, rateLimit: 100, maxTopics: 8, sync: 'full',
    });
  });

  it('reads environment variables, and a flag wins over its variable', () => {
    const env = {
      CAIRN_RELAY_HOST: '::1', CAIRN_RELAY_PORT: '9000', CAIRN_RELAY_DATA: '/var/relay', CAIRN_RELAY_STORE: 'memory',
      CAIRN_RELAY_TTL: '15m', CAIRN_RELAY_MAX_FRAME_BYTES: '8192', CAIRN_RELAY_TOPIC_QUOTA_BYTES: '2048',
      CAIRN_RELAY_RATE_LIMIT: '7', CAIRN_RELAY_MAX_TOPICS: '3', CAIRN_RELAY_SYNC: 'full',
    };
    expect(run([], env)).toEqual({
      host: '::1', port: 9000, dataDir: '/var/relay', store: 'memory', ttlMs: 15 * 60_000,
      maxFrameBytes: 8192, topicQuotaBytes: 2048, rateLimit: 7, maxTopics: 3, sync: 'full',
    });
    expect(run(['--port', '1234', '--ttl', '500ms'], env)).toMatchObject({ port: 1234, ttlMs: 500, host: '::1' });
  });

  it('ignores empty environment variables', () => {
    expect(run([], { CAIRN_RELAY_PORT: '' }).port).toBe(8787);
  });

  it('answers --help before anything else', () => {
    expect(parseCommand(['--port', '1', '--help'], {})).toEqual({ ok: true, value: { kind: 'help' } });
    expect(parseCommand(['--bogus', '--help'], {}).ok).toBe(false);
  });

  it('refuses bad values with a one-line message naming the flag or variable', () => {
    expect(failure(['--port', '70000'])).toContain('--port');
    expect(failure(['--port', 'abc'])).toContain('--port');
    expect(failure(['--ttl', '30'])).toContain('--ttl');
    expect(failure(['--store', 'redis'])).toContain('--store');
    expect(failure(['--sync', 'off'])).toContain('--sync');
    expect(failure(['--rate-limit', '0'])).toContain('--rate-limit');
    expect(failure(['--max-frame-bytes', '10'])).toContain('--max-frame-bytes');
    expect(failure(['--frobnicate'])).toContain('--frobnicate');
    expect(failure(['--port'])).toContain('needs a value');
    expect(failure([], { CAIRN_RELAY_TTL: 'soon' })).toContain('CAIRN_RELAY_TTL');
  });
});
