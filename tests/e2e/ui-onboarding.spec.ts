// Onboarding through the UI: a new device creates its account (name + the test relay), lands in an empty
// messenger that is connected, and keeps the account after a reload.
import { expect, test } from './helpers/fixtures.js';
import { openServedUi } from './helpers/page.js';
import { connection, createAccount, NETWORK_MS, screenshot } from './ui-flows.js';

test('a new user creates an account with a name and the relay address, and lands in the connected, empty messenger', async ({ page, relay, serve }, testInfo) => {
  const s = await serve();
  await openServedUi(page, s.url);

  await expect(page.getByRole('heading', { name: 'Welcome to Cairn' })).toBeVisible();
  await screenshot(page, testInfo, '01-welcome');

  // A bad relay address is refused before any network call, with a readable reason.
  await page.getByRole('button', { name: 'Create a new account' }).click();
  await expect(page.getByLabel('Relay address')).toHaveValue('ws://127.0.0.1:8787');
  await page.getByLabel('Your name').fill('Alice');
  await page.getByLabel('Relay address').fill('http://example.org');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toHaveText('A relay address looks like ws://host:port or wss://host.');
  await page.getByRole('button', { name: 'Back' }).click();

  await createAccount({ name: 'Alice', page, serve: s }, relay.url);
  await expect(page.getByText('No chats yet.')).toBeVisible();
  await expect(connection(page)).toHaveText(/Connected\s*1 of 1 relay online/);
  await expect(page.getByTestId('offline-banner')).toHaveCount(0);
  await screenshot(page, testInfo, '02-messenger-empty');

  // The profile shows the chosen name.
  await page.getByRole('button', { name: 'Profile' }).click();
  const profile = page.getByRole('dialog', { name: 'Profile' });
  await expect(profile.getByLabel('Name', { exact: true })).toHaveValue('Alice');
  await profile.getByRole('button', { name: 'Close' }).click();

  // The served page keeps its token in the tab, so a reload comes back to the same account, not to onboarding.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Chats', level: 1 })).toBeVisible({ timeout: NETWORK_MS });
  await expect(page.getByRole('heading', { name: 'Welcome to Cairn' })).toHaveCount(0);
});
