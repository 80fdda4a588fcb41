// Accounts and profiles: initAccount's checks and its queued publication, whoami, setProfile published to
// the relay and picked up by a contact's refresh, status events.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import { createCore, initAccount } from '../../../src/main/core/index.js';
import { createHome } from '../../../src/main/home/index.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { useRelay } from '../helpers/harness.js';
import { makeTempDir, startRelay } from '../helpers/relay-process.js';
import { waitFor } from '../helpers/wait.js';
import { befriend, must, useCore } from './cores.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

function tempHome() {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-core-init-'));
  const home = createHome({ dir, sodium, passphrase: 'pw', fast: true });
  if (!home.ok) throw new Error(home.message);
  onTestFinished(() => {
    home.value.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return home.value;
}

describe('core: accounts and profiles', () => {
  it('initAccount checks its input and refuses a second account', async () => {
    const home = tempHome();
    expect(await initAccount({ home, sodium, name: 'A', relays: ['http://x'] })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(await initAccount({ home, sodium, name: '', relays: ['ws://127.0.0.1:9'] })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(await initAccount({ home, sodium, name: 'x'.repeat(65), relays: ['ws://127.0.0.1:9'] })).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    const first = must(await initAccount({ home, sodium, name: 'A', relays: ['ws://127.0.0.1:9'], connectTimeoutMs: 500 }));
    expect(first.published).toEqual([]);
    expect(first.accountId).toMatch(/^[0-9a-f]{64}$/);
    expect(await initAccount({ home, sodium, name: 'A', relays: ['ws://127.0.0.1:9'] })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
  });

  it('records of an account made while its relay was down are published at the first start', async () => {
    const dataDir = makeTempDir();
    const probe = await startRelay({ dataDir });
    const port = probe.port;
    await probe.stop();
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const url = `ws://127.0.0.1:${port}`;
    const home = tempHome();
    const made = must(await initAccount({ home, sodium, name: 'Offline Olga', relays: [url], connectTimeoutMs: 500 }));
    expect(made.published).toEqual([]);

    const relay = await startRelay({ dataDir, args: ['--port', String(port)] });
    onTestFinished(async () => void (await relay.stop()));
    const core = await createCore({ home, sodium, profileRefreshMs: 0 });
    onTestFinished(() => core.stop());
    await core.start();
    must(await core.sync({ timeoutMs: 10_000 }));
    const bob = await useCore(sodium, [url], 'Bob');
    expect(must(await bob.core.addContact(must(await core.invite()).code))).toMatchObject({ accountId: made.accountId, name: 'Offline Olga' });
  });

  it('whoami, setProfile and a contact refreshing it; status events', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');
    expect(must(await alice.core.whoami())).toEqual({ accountId: alice.accountId, deviceId: alice.deviceId, name: 'Alice', status: '', relays: [relay.url], avatar: null });
    await befriend(alice, bob);

    const updated = must(await alice.core.setProfile({ name: 'Alicia', status: 'on holiday' }));
    expect(updated).toMatchObject({ name: 'Alicia', status: 'on holiday', avatar: null });
    const avatar = { mime: 'image/png', dataUrl: 'data:image/png;base64,iVBORw==' };
    expect(must(await alice.core.setProfile({ avatar: { mime: 'image/png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) } })).avatar).toEqual(avatar);
    expect(must(await alice.core.whoami())).toMatchObject({ name: 'Alicia', avatar });
    expect(await alice.core.setProfile({ avatar: { mime: 'image/svg+xml', bytes: new Uint8Array([1]) } })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    await alice.core.sync({ timeoutMs: 10_000 });
    await waitFor(
      async () => {
        await bob.core.refreshContacts();
        return must(await bob.core.contacts()).find((c) => c.accountId === alice.accountId)?.avatar?.dataUrl === avatar.dataUrl;
      },
      { timeoutMs: 10_000, message: "Bob to see Alice's new profile" },
    );
    expect(must(await bob.core.contacts())[0]).toMatchObject({ name: 'Alicia', status: 'on holiday', avatar });
    expect(bob.events.contact.some((c) => c.name === 'Alicia')).toBe(true);

    const status = must(await alice.core.status());
    expect(status).toMatchObject({ online: true, outbox: 0, relays: [{ url: relay.url, connected: true, lastError: null }] });
    expect(alice.events.status.length).toBeGreaterThan(0);
  });
});
