// Settings → Relays (issue 4): Alice adds a second relay (a bad address and an unreachable relay are refused
// with a clear reason), sees it connected, then removes her first relay; her only relay cannot be removed, and
// her invite code names exactly the relays listed.
import type { Locator, Page } from '@playwright/test';
import { startRelay } from '../integration/helpers/relay-process.js';
import { createAccount, expect, NETWORK_MS, readInviteCode, screenshot, test } from './ui-flows.js';
import { decodeInvite } from '../../src/shared/invite.js';

async function openSettings(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await expect(dialog).toBeVisible();
  return dialog;
}

async function inviteRelays(page: Page): Promise<string[]> {
  const invite = decodeInvite(await readInviteCode(page));
  if (!invite.ok) throw new Error(invite.message);
  return invite.value.relays;
}

test('Alice adds a relay in Settings and removes her first one', async ({ relay, user }, testInfo) => {
  const second = await startRelay();
  const gone = await startRelay();
  const goneUrl = gone.url;
  await gone.stop();
  try {
    const alice = await user('Alice');
    await createAccount(alice, relay.url);
    const settings = await openSettings(alice.page);
    const list = settings.getByRole('listitem').filter({ hasText: /^ws:\/\// });
    await expect(list).toHaveCount(1);
    await expect(settings.getByRole('button', { name: `Remove relay ${relay.url}` })).toBeDisabled();

    const field = settings.getByRole('textbox', { name: 'Add a relay' });
    await field.fill('https://relay.example.org');
    await settings.getByRole('button', { name: 'Add relay' }).click();
    await expect(settings.getByRole('alert')).toHaveText('A relay address looks like ws://host:port or wss://host.');
    await field.fill(goneUrl);
    await expect(settings.getByRole('alert')).toHaveCount(0);
    await settings.getByRole('button', { name: 'Add relay' }).click();
    await expect(settings.getByRole('alert')).toContainText(`A relay could not be reached. (cannot reach ${goneUrl}`, { timeout: NETWORK_MS });
    await screenshot(alice.page, testInfo, '01-unreachable-relay');

    await field.fill(second.url);
    await settings.getByRole('button', { name: 'Add relay' }).click();
    await expect(list).toHaveCount(2, { timeout: NETWORK_MS });
    await expect(field).toHaveValue('');
    await expect(list.filter({ hasText: second.url })).toContainText('Connected', { timeout: NETWORK_MS });
    await screenshot(alice.page, testInfo, '02-two-relays');

    await settings.getByRole('button', { name: `Remove relay ${relay.url}` }).click();
    await expect(list).toHaveCount(1);
    await expect(list).toContainText(second.url);
    await expect(settings.getByRole('button', { name: `Remove relay ${second.url}` })).toBeDisabled();
    await settings.getByRole('button', { name: 'Close' }).click();
    expect(await inviteRelays(alice.page)).toEqual([second.url]);
  } finally {
    await second.stop();
  }
});
