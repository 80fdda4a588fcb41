// `cairn devices revoke DEVICE_ID` with real processes: refusals exit 1 and change nothing, a unique prefix revokes,
// `devices --json` no longer lists the device, and the revoked home refuses to sync once it reconnects.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, cairn, cairnEnv, jsonOf } from '../cli/cairn-process.js';
import { REPO_ROOT, startRelay, type RelayProcess } from '../helpers/relay-process.js';
import { waitFor, within } from '../helpers/wait.js';

const A = { env: { CAIRN_PASSPHRASE: 'alice' } };
const N = { env: { CAIRN_PASSPHRASE: 'laptop' } };

let relay: RelayProcess;
let root: string;

beforeAll(async () => {
  relay = await startRelay();
  root = mkdtempSync(join(tmpdir(), 'cairn-revoke-cli-'));
}, 30_000);

afterAll(async () => {
  await relay?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('cairn devices revoke', () => {
  it('revokes a linked device by prefix; refusals change nothing; the revoked home stops syncing', async () => {
    const homeA = join(root, 'a');
    const homeN = join(root, 'n');
    const alice = jsonOf<{ accountId: string; deviceId: string }>(await cairn(homeA, ['init', '--name', 'Alice', '--relay', relay.url], A));
    assertCliBuilt();
    const request = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'cairn.js'), '--home', homeN, 'link', 'request', '--relay', relay.url, '--name', 'laptop', '--timeout', '30'], {
      cwd: REPO_ROOT,
      env: cairnEnv(N.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    request.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
    const exited = new Promise<number | null>((resolve) => request.once('close', (code) => resolve(code)));
    const code = await waitFor(() => (out.includes('\n') ? out.split('\n')[0] : null), { timeoutMs: 20_000, message: 'the link code line' });
    const laptop = jsonOf<{ deviceId: string }>(await cairn(homeA, ['link', 'approve', code, '--yes'], A));
    expect(await within(exited, 10_000, 'link request to exit')).toBe(0);

    const unknown = await cairn(homeA, ['devices', 'revoke', 'ab'.repeat(32)], A);
    expect([unknown.code, unknown.stdout]).toEqual([1, '']);
    expect(unknown.stderr).toMatch(/^cairn: [^\n]*device list[^\n]*\n$/);
    const self = await cairn(homeA, ['devices', 'revoke', alice.deviceId], A);
    expect([self.code, self.stdout]).toEqual([1, '']);
    expect(self.stderr).toMatch(/current device/);
    expect(jsonOf<{ deviceId: string }[]>(await cairn(homeA, ['devices', '--json'], A)).map((d) => d.deviceId)).toEqual([alice.deviceId, laptop.deviceId]);

    const revoked = await cairn(homeA, ['devices', 'revoke', laptop.deviceId.slice(0, 16)], A);
    expect(jsonOf<{ deviceId: string }>(revoked)).toEqual({ deviceId: laptop.deviceId });
    expect(jsonOf<{ deviceId: string }[]>(await cairn(homeA, ['devices', '--json'], A)).map((d) => d.deviceId)).toEqual([alice.deviceId]);

    // The laptop learns it at its next connection (from the device list on the relay) and refuses from then on.
    await waitFor(
      async () => {
        const r = await cairn(homeN, ['sync', '--timeout', '3'], N);
        return r.code === 1 && /revoked/.test(r.stderr);
      },
      { timeoutMs: 30_000, intervalMs: 200, message: 'the revoked home refusing to sync' },
    );
    // Its local state stays readable.
    expect(jsonOf<{ accountId: string }>(await cairn(homeN, ['whoami', '--json'], N)).accountId).toBe(alice.accountId);
  }, 60_000);
});
