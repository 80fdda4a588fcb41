// The multi-device CLI contract with real processes: `link request` prints the code as its first stdout line,
// `link approve CODE --yes` prints the SAS and returns once the new device stored the account, `devices --json`
// has its shape, and the new device's `sync` backfills from the first device (running as `cairn run`).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from '../../../src/shared/crypto/sodium.js';
import { encodeLinkCode } from '../../../src/shared/link/link-code.js';
import { assertCliBuilt, cairn, cairnEnv, jsonOf, startOwner } from '../cli/cairn-process.js';
import { REPO_ROOT, startRelay, type Exit, type RelayProcess } from '../helpers/relay-process.js';
import { waitFor, within } from '../helpers/wait.js';

const A = { env: { CAIRN_PASSPHRASE: 'alice' } };
const B = { env: { CAIRN_PASSPHRASE: 'bob' } };
const N = { env: { CAIRN_PASSPHRASE: 'laptop' } };

let relay: RelayProcess;
let root: string;

beforeAll(async () => {
  relay = await startRelay();
  root = mkdtempSync(join(tmpdir(), 'cairn-link-cli-'));
}, 30_000);

afterAll(async () => {
  await relay?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** Starts a long-running cairn command whose stdout is read as it comes. */
function spawnCairn(home: string, args: string[], env: Record<string, string>) {
  assertCliBuilt();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'cairn.js'), '--home', home, ...args], { cwd: REPO_ROOT, env: cairnEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

describe('cairn link and devices', () => {
  it('links a second device from the command line and backfills it from the first', async () => {
    const homeA = join(root, 'a');
    const homeB = join(root, 'b');
    const homeN = join(root, 'n');
    const alice = jsonOf<{ accountId: string; deviceId: string }>(await cairn(homeA, ['init', '--name', 'Alice', '--relay', relay.url], A));
    const bob = jsonOf<{ accountId: string }>(await cairn(homeB, ['init', '--name', 'Bob', '--relay', relay.url], B));
    const inviteA = (await cairn(homeA, ['invite'], A)).stdout.trim();
    const inviteB = (await cairn(homeB, ['invite'], B)).stdout.trim();
    jsonOf(await cairn(homeA, ['contact', 'add', inviteB], A));
    jsonOf(await cairn(homeB, ['contact', 'add', inviteA], B));
    const { chatId } = jsonOf<{ chatId: string }>(await cairn(homeA, ['chat', 'new', '--with', bob.accountId], A));
    for (const [home, who, text] of [[homeA, A, 'one'], [homeA, A, 'two']] as const) jsonOf(await cairn(home, ['send', chatId, text], who));
    jsonOf(await cairn(homeA, ['sync'], A));
    jsonOf(await cairn(homeB, ['sync'], B));

    // The requester: the code is the first stdout line.
    const request = spawnCairn(homeN, ['link', 'request', '--relay', relay.url, '--name', 'laptop', '--timeout', '30'], N.env);
    const code = await waitFor(() => (request.stdout().includes('\n') ? request.stdout().split('\n')[0] : null), { timeoutMs: 20_000, message: 'the link code line' });
    expect(code).toMatch(/^cairn-link:[a-z2-7]+$/);

    // Without a terminal, approving needs --yes; a mistyped or expired code exits 1 with one line.
    const noTty = await cairn(homeA, ['link', 'approve', code], A);
    expect(noTty.code).toBe(2);
    const at = Math.floor(code.length / 2);
    const mistyped = await cairn(homeA, ['link', 'approve', `${code.slice(0, at)}${code[at] === 'a' ? 'b' : 'a'}${code.slice(at + 1)}`, '--yes'], A);
    expect([mistyped.code, mistyped.stdout]).toEqual([1, '']);
    expect(mistyped.stderr).toMatch(/^cairn: [^\n]*mistyped[^\n]*\n$/);
    const expired = await cairn(homeA, ['link', 'approve', encodeLinkCode({ secret: randomBytes(16), relay: relay.url, expiresAt: Date.now() - 5000 }), '--yes'], A);
    expect([expired.code, expired.stdout]).toEqual([1, '']);
    expect(expired.stderr).toMatch(/expired/);

    const approved = await cairn(homeA, ['link', 'approve', code, '--yes'], A);
    const approval = jsonOf<{ deviceId: string; name: string; sas: string }>(approved);
    expect(approval.name).toBe('laptop');
    expect(approval.sas).toMatch(/^\d{3} \d{3}$/);
    expect(approved.stderr).toContain(`Security code: ${approval.sas}`);
    expect(await within(request.exited, 10_000, 'link request to exit')).toEqual({ code: 0, signal: null });
    const lines = request.stdout().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1]!)).toEqual({ accountId: alice.accountId, deviceId: approval.deviceId, sas: approval.sas });
    expect(request.stderr()).toContain(`Security code: ${approval.sas}`);

    const devices = jsonOf<{ deviceId: string; name: string; lastSeen: number | null; current: boolean }[]>(await cairn(homeA, ['devices', '--json'], A));
    expect(devices.map((d) => Object.keys(d).sort())).toEqual([
      ['current', 'deviceId', 'lastSeen', 'name', 'stale'],
      ['current', 'deviceId', 'lastSeen', 'name', 'stale'],
    ]);
    // Both were seen or linked minutes ago, far inside the relay TTL.
    expect(devices.map((d) => (d as { stale?: boolean }).stale)).toEqual([false, false]);
    expect(devices.map((d) => [d.deviceId, d.name, d.current])).toEqual([
      [alice.deviceId, expect.any(String), true],
      [approval.deviceId, 'laptop', false],
    ]);

    // With the first device online, the new one's sync waits for its history and shows progress.
    const owner = await startOwner(homeA, A.env);
    try {
      const synced = await cairn(homeN, ['sync', '--timeout', '30'], N);
      expect(jsonOf<{ topics: number }>(synced).topics).toBeGreaterThan(0);
      expect(synced.stderr).toMatch(/Syncing history: /);
      const texts = jsonOf<{ text: string }[]>(await cairn(homeN, ['messages', chatId, '--json'], N)).map((m) => m.text);
      expect(texts).toEqual(['one', 'two']);
      expect(jsonOf<{ name: string }>(await cairn(homeN, ['whoami', '--json'], N)).name).toBe('Alice');
      const seen = jsonOf<{ deviceId: string; name: string; current: boolean }[]>(await cairn(homeN, ['devices', '--json'], N));
      expect(seen.map((d) => [d.deviceId, d.current])).toEqual([
        [alice.deviceId, false],
        [approval.deviceId, true],
      ]);
      expect(seen[1]!.name).toBe('laptop');
      // Through the running owner's control socket, the device commands work too.
      const viaOwner = jsonOf<{ deviceId: string; current: boolean }[]>(await cairn(homeA, ['devices', '--json'], A));
      expect(viaOwner.map((d) => [d.deviceId, d.current])).toEqual([
        [alice.deviceId, true],
        [approval.deviceId, false],
      ]);
    } finally {
      await owner.stop();
    }
  }, 60_000);
});
