// `cairn status CHAT_ID --json` with real processes: directly on a home (the command's own core catches up and
// asks the peers for their digests) and through a running `cairn run` (its control socket); an unknown chat
// fails with exit 1; `cairn status` without a chat keeps its meaning.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cairn, jsonOf, startOwner } from '../cli/cairn-process.js';
import { startRelay, type RelayProcess } from '../helpers/relay-process.js';

const A = { env: { CAIRN_PASSPHRASE: 'alice' } };
const B = { env: { CAIRN_PASSPHRASE: 'bob' } };

type Status = { devices: { deviceId: string; account: string; inSync: boolean | null }[] };

let relay: RelayProcess;
let root: string;

beforeAll(async () => {
  relay = await startRelay();
  root = mkdtempSync(join(tmpdir(), 'cairn-status-cli-'));
}, 30_000);

afterAll(async () => {
  await relay?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('cairn status CHAT_ID', () => {
  it('lists every device with inSync, on a home directly and through cairn run', async () => {
    const homeA = join(root, 'a');
    const homeB = join(root, 'b');
    const alice = jsonOf<{ accountId: string; deviceId: string }>(await cairn(homeA, ['init', '--name', 'Alice', '--relay', relay.url], A));
    const bob = jsonOf<{ accountId: string; deviceId: string }>(await cairn(homeB, ['init', '--name', 'Bob', '--relay', relay.url], B));
    jsonOf(await cairn(homeA, ['contact', 'add', (await cairn(homeB, ['invite'], B)).stdout.trim()], A));
    jsonOf(await cairn(homeB, ['contact', 'add', (await cairn(homeA, ['invite'], A)).stdout.trim()], B));
    const { chatId } = jsonOf<{ chatId: string }>(await cairn(homeA, ['chat', 'new', '--with', bob.accountId], A));
    jsonOf(await cairn(homeA, ['send', chatId, 'hello'], A));
    jsonOf(await cairn(homeA, ['sync'], A));
    jsonOf(await cairn(homeB, ['sync'], B));

    const owner = await startOwner(homeA, A.env);
    try {
      // Bob's command runs its own core: it catches up, announces its digest and hears Alice's running device.
      const direct = jsonOf<Status>(await cairn(homeB, ['status', chatId, '--json', '--timeout', '10'], B));
      expect(direct.devices.map((d) => [d.deviceId, d.account, d.inSync]).sort()).toEqual(
        [
          [alice.deviceId, alice.accountId, true],
          [bob.deviceId, bob.accountId, true],
        ].sort(),
      );
      // Alice's owner heard Bob's digest while Bob's command ran.
      const viaOwner = jsonOf<Status>(await cairn(homeA, ['status', chatId, '--json'], A));
      expect(Object.fromEntries(viaOwner.devices.map((d) => [d.deviceId, d.inSync]))).toEqual({ [alice.deviceId]: true, [bob.deviceId]: true });

      const unknown = await cairn(homeA, ['status', 'ab'.repeat(16), '--json'], A);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/no chat/);
      expect(jsonOf<{ relays: unknown[] }>(await cairn(homeA, ['status', '--json'], A)).relays).toHaveLength(1);
    } finally {
      await owner.stop();
    }
    const unknownDirect = await cairn(homeB, ['status', 'ab'.repeat(16)], B);
    expect(unknownDirect.code).toBe(1);
  }, 120_000);
});
