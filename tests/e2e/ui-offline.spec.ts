// The relay goes down under two users: the UI says so with an offline banner, messages written meanwhile
// show as Queued, and once the relay is back (same port, same data) they go out, reach Sent then Delivered,
// and arrive on the other side.
import { rmSync } from 'node:fs';
import { makeTempDir, startRelay, type RelayProcess } from '../integration/helpers/relay-process.js';
import { addContact, aliceStartsChatWithBob, chatItem, closeContacts, connection, createAccount, expect, history, messageRow, readInviteCode, screenshot, send, test } from './ui-flows.js';

/** Reconnecting waits out the client's jittered backoff (250 ms doubling), which grows while the relay is down. */
const RECONNECT_MS = 45_000;

test('while the relay is down the UI shows the offline banner and queues messages, which are delivered once it is back', async ({ user }, testInfo) => {
  test.setTimeout(150_000);
  // A relay of this test's own, since stopping it would cut off every other test's users.
  const dataDir = makeTempDir('cairn-e2e-offline-relay-');
  let relay: RelayProcess = await startRelay({ dataDir });
  try {
    const alice = await user('Alice');
    const bob = await user('Bob');
    await createAccount(alice, relay.url);
    await createAccount(bob, relay.url);
    await addContact(bob.page, await readInviteCode(alice.page), 'Alice');
    await closeContacts(bob.page);
    await aliceStartsChatWithBob(alice, bob);
    await send(alice.page, 'Before the outage');
    await expect(messageRow(alice.page, 'Before the outage').getByTestId('message-state')).toHaveAttribute('aria-label', 'Delivered', { timeout: RECONNECT_MS });
    await chatItem(bob.page, 'Alice').click();
    await expect(messageRow(bob.page, 'Before the outage')).toBeVisible();

    const port = relay.port;
    expect(await relay.stop()).toEqual({ code: 0, signal: null });

    for (const page of [alice.page, bob.page]) {
      const banner = page.getByTestId('offline-banner');
      await expect(banner).toBeVisible({ timeout: RECONNECT_MS });
      await expect(banner).toHaveRole('alert');
      await expect(banner).toContainText('You’re offline.');
      await expect(connection(page)).toContainText('Offline');
    }

    // Written offline: shown at once, marked Queued, and counted as waiting.
    const offline = ['Written while offline', 'Still offline, second one'];
    for (const text of offline) {
      const row = await send(alice.page, text);
      await expect(row.getByTestId('message-state')).toHaveAttribute('aria-label', 'Queued');
    }
    await send(bob.page, 'Bob, offline too');
    await expect(messageRow(bob.page, 'Bob, offline too').getByTestId('message-state')).toHaveAttribute('aria-label', 'Queued');
    await expect(alice.page.getByTestId('offline-banner')).toContainText('2 messages wait to be sent.');
    await expect(connection(alice.page)).toContainText('0 of 1 relay online, 2 pending');
    // The earlier message keeps its state; nothing else arrived meanwhile.
    await expect(messageRow(alice.page, 'Before the outage').getByTestId('message-state')).toHaveAttribute('aria-label', 'Delivered');
    await expect(messageRow(alice.page, 'Bob, offline too')).toHaveCount(0);
    await screenshot(alice.page, testInfo, '01-alice-offline-queued');

    // The relay comes back where it was, with the data it had.
    relay = await startRelay({ dataDir, args: ['--port', String(port)] });
    expect(relay.port).toBe(port);

    for (const page of [alice.page, bob.page]) {
      await expect(page.getByTestId('offline-banner')).toHaveCount(0, { timeout: RECONNECT_MS });
      await expect(connection(page)).toContainText('Connected');
    }
    for (const text of offline) {
      const state = messageRow(alice.page, text).getByTestId('message-state');
      await expect(state).toHaveAttribute('aria-label', /^(Sent|Delivered)$/, { timeout: RECONNECT_MS });
      await expect(state).toHaveAttribute('aria-label', 'Delivered', { timeout: RECONNECT_MS });
    }
    await expect(messageRow(bob.page, 'Bob, offline too').getByTestId('message-state')).toHaveAttribute('aria-label', 'Delivered', { timeout: RECONNECT_MS });
    await expect(connection(alice.page)).not.toContainText('pending');

    // Each side has the other's offline messages, in a history that agrees on what is there.
    const everything = ['Before the outage', ...offline, 'Bob, offline too'];
    for (const page of [alice.page, bob.page]) {
      for (const text of everything) await expect(messageRow(page, text)).toBeVisible({ timeout: RECONNECT_MS });
      await expect(history(page).getByTestId('message')).toHaveCount(everything.length);
    }
    await screenshot(alice.page, testInfo, '02-alice-back-online');
    await screenshot(bob.page, testInfo, '03-bob-back-online');
  } finally {
    await relay.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
