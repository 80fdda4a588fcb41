// The devices API through a running owner's control socket: while `cairn run` owns the first home, `cairn link
// approve CODE --yes` links a new device (the pending approval lives in the owner between approveLink and
// confirmLink), and `devices --json` and `relays list --json` answer through it too.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, cairn, cairnEnv, jsonOf, startOwner } from '../cli/cairn-process.js';
import { REPO_ROOT, startRelay, type Exit, type RelayProcess } from '../helpers/relay-process.js';
import { waitFor, within } from '../helpers/wait.js';

const A = { env: { CAIRN_PASSPHRASE: 'alice' } };
const N = { env: { CAIRN_PASSPHRASE: 'laptop' } };

let relay: RelayProcess;
let root: string;

beforeAll(async () => {
  relay = await startRelay();
  root = mkdtempSync(join(tmpdir(), 'cairn-approve-owner-'));
}, 30_000);

afterAll(async () => {
  await relay?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('link approve through a running owner', () => {
  it('links a new device while cairn run owns the home', async () => {
    const homeA = join(root, 'a');
    const homeN = join(root, 'n');
    const alice = jsonOf<{ accountId: string; deviceId: string }>(await cairn(homeA, ['init', '--name', 'Alice', '--relay', relay.url], A));
    const owner = await startOwner(homeA, A.env);
    try {
      assertCliBuilt();
      const request = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'cairn.js'), '--home', homeN, 'link', 'request', '--relay', relay.url, '--name', 'laptop', '--timeout', '30'], {
        cwd: REPO_ROOT,
        env: cairnEnv(N.env),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      request.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      const exited = new Promise<Exit>((resolve) => request.once('close', (code, signal) => resolve({ code, signal })));
      const code = await waitFor(() => (stdout.includes('\n') ? stdout.split('\n')[0] : null), { timeoutMs: 20_000, message: 'the link code line' });

      const approved = await cairn(homeA, ['link', 'approve', code!, '--yes'], A);
      const approval = jsonOf<{ deviceId: string; name: string; sas: string }>(approved);
      expect(approval.name).toBe('laptop');
      expect((await within(exited, 20_000, 'link request to exit')).code).toBe(0);
      const linked = JSON.parse(stdout.trim().split('\n').at(-1)!) as { accountId: string; deviceId: string; sas: string };
      expect(linked).toEqual({ accountId: alice.accountId, deviceId: approval.deviceId, sas: approval.sas });

      const devices = jsonOf<{ deviceId: string; current: boolean }[]>(await cairn(homeA, ['devices', '--json'], A));
      expect(devices.map((d) => [d.deviceId, d.current])).toEqual([
        [alice.deviceId, true],
        [approval.deviceId, false],
      ]);
      expect(jsonOf<{ url: string; connected: boolean }[]>(await cairn(homeA, ['relays', 'list', '--json'], A))).toEqual([{ url: relay.url, connected: true, lastError: null }]);
    } finally {
      await owner.stop();
    }
  }, 60_000);
});
