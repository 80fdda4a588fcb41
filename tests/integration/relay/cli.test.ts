// The relay as an operator runs it: first stdout line, --help, SIGTERM, bad flags, HTTP endpoints.
import { describe, expect, it } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import { useClient, useRelay } from '../helpers/harness.js';
import { runRelayCli, startRelay } from '../helpers/relay-process.js';
import { waitFor } from '../helpers/wait.js';

describe('cairn-relay CLI', () => {
  it('prints `cairn-relay listening on ws://HOST:PORT` first, with the real port for --port 0', async () => {
    const relay = await useRelay();
    expect(relay.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(relay.port).toBeGreaterThan(0);
    expect(relay.port).toBeLessThan(65536);
  });

  it('serves /healthz, /stats (numbers, no content) and 404 elsewhere on the same port', async () => {
    const relay = await useRelay();
    const health = await fetch(`${relay.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    const stats = await relay.stats();
    for (const key of ['connections', 'topics', 'storedUpdates', 'storedBytes'] as const) expect(typeof stats[key]).toBe('number');
    expect(stats).toMatchObject({ topics: 0, storedUpdates: 0, storedBytes: 0 });
    const metrics = await fetch(`${relay.httpUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('cairn_stored_updates');
    expect((await fetch(`${relay.httpUrl}/nope`)).status).toBe(404);
  });

  it('--help prints the usage and exits 0 without listening', async () => {
    const run = await runRelayCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('cairn-relay');
    for (const flag of ['--host', '--port', '--data', '--store', '--ttl', '--topic-quota-bytes']) expect(run.stdout).toContain(flag);
    expect(run.stdout).not.toContain('listening on');
  });

  it('refuses an unknown flag and a bad value with a one-line error and a non-zero exit', async () => {
    for (const args of [['--bogus'], ['--ttl', 'forever'], ['--port', '-3'], ['--store', 'redis-ish']]) {
      const run = await runRelayCli(args);
      expect(run.code, args.join(' ')).not.toBe(0);
      expect(run.code, args.join(' ')).not.toBeNull();
      expect(run.stdout, args.join(' ')).toBe('');
      const lines = run.stderr.trim().split('\n');
      expect(lines, `${args.join(' ')}: ${run.stderr}`).toHaveLength(1);
      expect(lines[0]!.length).toBeGreaterThan(0);
    }
  });

  it('exits 1 with one clear line when --data cannot be created (under /proc), instead of spinning', async () => {
    if (process.platform !== 'linux') return;
    const run = await runRelayCli(['--port', '0', '--data', '/proc/cairn-relay-test/data']);
    expect(run.signal).toBeNull(); // not killed by the timeout
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('cairn-relay: cannot open the store in /proc/cairn-relay-test/data: ENOENT');
  });

  it('SIGTERM closes client sockets with CLOSING SHUTDOWN and exits 0', async () => {
    const sodium = await loadSodium();
    const relay = await startRelay();
    const a = await useClient(relay.url, sodium);
    const exit = await relay.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    await waitFor(() => a.ev.close.length === 1, { message: 'the client socket to close' });
    expect(a.ev.closing.map((c) => c.reason)).toEqual(['SHUTDOWN']);
  });
});
