// Linking a second device through the UI (issue 5): Alice chats with Bob, then a second `cairn serve` with an
// empty home chooses "Link to an existing device" and shows a link code; Alice's Settings → Devices takes the
// code, both pages show the same security code, Alice confirms, and the new device opens with her chat with Bob
// and its whole history, backfilled from her first device. The new device is then listed on both.
import type { Locator, Page } from '@playwright/test';
import { addContact, aliceStartsChatWithBob, chatItem, closeContacts, createAccount, expect, history, NETWORK_MS, readInviteCode, screenshot, send, test } from './ui-flows.js';

function texts(page: Page): Locator {
  return history(page).getByTestId('message').locator('.text');
}

async function openSettings(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await expect(dialog).toBeVisible();
  return dialog;
}

test('a new device links to Alice’s account from the UI and shows her chat with Bob', async ({ relay, user }, testInfo) => {
  test.setTimeout(120_000);
  const alice = await user('Alice');
  const bob = await user('Bob');
  await createAccount(alice, relay.url);
  await createAccount(bob, relay.url);
  await addContact(bob.page, await readInviteCode(alice.page), 'Alice');
  await closeContacts(bob.page);
  await aliceStartsChatWithBob(alice, bob);
  const conversation = ['Hi Bob! Setting up my laptop today.', 'Will my history come along?'];
  for (const text of conversation) await send(alice.page, text);
  await chatItem(bob.page, 'Alice').click();
  await expect(texts(bob.page)).toHaveText(conversation, { timeout: NETWORK_MS });
  await send(bob.page, 'It should: your devices sync it end to end.');
  const all = [...conversation, 'It should: your devices sync it end to end.'];
  await expect(texts(alice.page)).toHaveText(all, { timeout: NETWORK_MS });

  // The new device: an empty home, "Link to an existing device", relay and name, then the code (text and QR).
  const laptop = await user('Alice’s laptop');
  const { page: newPage } = laptop;
  await expect(newPage.getByRole('heading', { name: 'Welcome to Cairn' })).toBeVisible();
  await newPage.getByRole('button', { name: 'Link to an existing device' }).click();
  await expect(newPage.getByRole('heading', { name: 'Link to an existing device' })).toBeFocused();
  await newPage.getByLabel('Relay address').fill(relay.url);
  await newPage.getByLabel('Name of this device').fill('Laptop');
  await newPage.getByRole('button', { name: 'Show link code' }).click();
  await expect(newPage.getByRole('heading', { name: 'Enter this code on your other device' })).toBeVisible({ timeout: NETWORK_MS });
  const codeField = newPage.getByRole('textbox', { name: 'Link code' });
  await expect(codeField).toHaveValue(/^cairn-link:[a-z2-7]+$/);
  // Cancel ends that request (its code stops working) and returns to the form; asking again gives a new code.
  const cancelled = await codeField.inputValue();
  await newPage.getByRole('button', { name: 'Cancel' }).click();
  await expect(newPage.getByRole('button', { name: 'Show link code' })).toBeVisible();
  await newPage.getByRole('button', { name: 'Show link code' }).click();
  await expect(codeField).toHaveValue(/^cairn-link:[a-z2-7]+$/, { timeout: NETWORK_MS });
  expect(await codeField.inputValue()).not.toBe(cancelled);
  await expect(newPage.getByRole('img', { name: 'QR code of the link code' })).toBeVisible();
  const code = await codeField.inputValue();
  await screenshot(newPage, testInfo, '01-new-device-link-code');

  // Alice: Settings → Devices → Link a device, paste the code, then both show the same security code.
  const settings = await openSettings(alice.page);
  await expect(settings.getByRole('list', { name: 'Your devices' }).getByRole('listitem')).toHaveCount(1);
  await expect(settings.getByTestId('device-current')).toContainText('This device');
  await settings.getByRole('button', { name: 'Link a device' }).click();
  const pasteField = settings.getByRole('textbox', { name: 'Link code' });
  await expect(pasteField).toBeFocused();
  await pasteField.fill(code);
  await settings.getByRole('button', { name: 'Continue' }).click();
  const approveSas = settings.getByTestId('approve-sas');
  await expect(approveSas).toHaveText(/^\d{3}\s*\d{3}$/, { timeout: NETWORK_MS });
  const sas = (await approveSas.getAttribute('aria-label'))!.replace('Security code ', '');
  // Focus goes to the question, not to Confirm: pressing Enter must not confirm an uncompared code.
  await expect(settings.getByRole('heading', { name: 'Does “Laptop” show this security code?' })).toBeFocused();
  await expect(newPage.getByTestId('link-sas')).toHaveAttribute('aria-label', `Security code ${sas}`, { timeout: NETWORK_MS });
  await expect(newPage.getByRole('heading', { name: 'Compare the security code' })).toBeVisible();
  await screenshot(alice.page, testInfo, '02-alice-compare-sas');
  await screenshot(newPage, testInfo, '03-new-device-sas');

  // Alice confirms: the new device gets the account and opens the app, with the chat and its history.
  await settings.getByRole('button', { name: 'Confirm' }).click();
  await expect(settings.getByRole('status').filter({ hasText: 'is linked' })).toContainText('“Laptop” is linked', { timeout: NETWORK_MS });
  const devices = settings.getByRole('list', { name: 'Your devices' }).getByRole('listitem');
  await expect(devices).toHaveCount(2);
  await expect(settings.getByTestId('device')).toContainText('Laptop');
  await expect(settings.getByRole('button', { name: 'Revoke Laptop' })).toBeVisible();
  await screenshot(alice.page, testInfo, '04-alice-devices');
  await settings.getByRole('button', { name: 'Done' }).click();
  await settings.getByRole('button', { name: 'Close' }).click();

  await expect(newPage.getByRole('heading', { name: 'Chats', level: 1 })).toBeVisible({ timeout: NETWORK_MS });
  const bobChat = chatItem(newPage, 'Bob');
  await expect(bobChat).toBeVisible({ timeout: NETWORK_MS });
  await bobChat.click();
  await expect(newPage.getByRole('heading', { name: 'Bob', level: 2 })).toBeVisible();
  await expect(texts(newPage)).toHaveText(all, { timeout: NETWORK_MS });
  await expect(newPage.getByTestId('backfill-banner')).toHaveCount(0, { timeout: NETWORK_MS });
  await screenshot(newPage, testInfo, '05-new-device-chat');

  // The linked device is Alice: what it sends reaches Bob and her first device, as hers.
  await send(newPage, 'Writing from my laptop now.');
  await expect(texts(bob.page).last()).toHaveText('Writing from my laptop now.', { timeout: NETWORK_MS });
  await expect(texts(alice.page).last()).toHaveText('Writing from my laptop now.', { timeout: NETWORK_MS });

  // Its own Settings lists both devices, this one marked (seen here in the dark theme).
  await newPage.emulateMedia({ colorScheme: 'dark' });
  const newSettings = await openSettings(newPage);
  await expect(newSettings.getByTestId('device-current')).toContainText('Laptop');
  await expect(newSettings.getByTestId('device')).toHaveCount(1);
  await screenshot(newPage, testInfo, '06-new-device-settings');
  await newSettings.getByRole('button', { name: 'Close' }).click();

  // Bob's header tells whether every device of the chat holds the same history.
  await expect(bob.page.getByTestId('chat-sync')).toBeVisible({ timeout: NETWORK_MS });
  await screenshot(bob.page, testInfo, '07-bob-chat-sync');

  // Alice revokes the laptop from her first device, after confirming; it leaves her device list.
  const again = await openSettings(alice.page);
  await again.getByRole('button', { name: 'Revoke Laptop' }).click();
  const confirm = again.getByRole('alertdialog', { name: 'Revoke “Laptop”?' });
  await expect(confirm).toBeVisible();
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await screenshot(alice.page, testInfo, '08-alice-revoke-confirm');
  await confirm.getByRole('button', { name: 'Revoke device' }).click();
  await expect(again.getByTestId('device')).toHaveCount(0, { timeout: NETWORK_MS });
  await expect(confirm).toBeHidden();
  await expect(again.getByRole('list', { name: 'Your devices' }).getByRole('listitem')).toHaveCount(1);
  await again.getByRole('button', { name: 'Close' }).click();
  // Alice and Bob go on chatting on the chat's new keys.
  await send(alice.page, 'Laptop revoked, still here.');
  await expect(texts(bob.page).last()).toHaveText('Laptop revoked, still here.', { timeout: NETWORK_MS });
});
