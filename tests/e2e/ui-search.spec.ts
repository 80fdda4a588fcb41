// Search through the UI: words typed in "Search messages" list matching messages (received and own),
// a miss says so, and clicking a result opens its chat scrolled to the message.
import { addContact, aliceStartsChatWithBob, chatItem, closeContacts, createAccount, expect, messageRow, NETWORK_MS, readInviteCode, screenshot, send, test } from './ui-flows.js';

test('Bob searches his messages and a result opens the chat at that message', async ({ relay, user }, testInfo) => {
  const alice = await user('Alice');
  const bob = await user('Bob');
  await createAccount(alice, relay.url);
  await createAccount(bob, relay.url);
  await addContact(bob.page, await readInviteCode(alice.page), 'Alice');
  await closeContacts(bob.page);
  await aliceStartsChatWithBob(alice, bob);

  // The hit sits above a screenful of later messages, so opening it has to scroll back.
  const needle = 'The spare key is under the blue flowerpot';
  await send(alice.page, needle);
  for (let i = 1; i <= 24; i++) await send(alice.page, `Filler message number ${i}`);
  await expect(chatItem(bob.page, 'Alice').getByTestId('unread-count')).toHaveText('25', { timeout: NETWORK_MS });

  const search = bob.page.getByRole('searchbox', { name: 'Search messages' });
  await search.fill('flowerpot');
  const results = bob.page.getByRole('region', { name: 'Search results' });
  const hit = results.getByTestId('search-result');
  await expect(hit).toHaveCount(1);
  await expect(hit).toContainText('Alice');
  await expect(hit.locator('mark')).toHaveText(/^flowerpot$/i);
  await expect(results.getByRole('status')).toHaveText('1 message');
  await screenshot(bob.page, testInfo, '01-bob-search-result');

  // A word no message holds.
  await search.fill('submarine');
  await expect(results.getByRole('status')).toHaveText('No messages found for “submarine”');
  await expect(hit).toHaveCount(0);

  // Prefix words and several hits: the fillers.
  await search.fill('filler');
  await expect(results.getByRole('status')).toHaveText('24 messages');

  // Opening a hit opens its chat, scrolled to the message, and leaves the search.
  await search.fill('spare key');
  await expect(hit).toHaveCount(1);
  await hit.click();
  await expect(bob.page.getByRole('heading', { name: 'Alice', level: 2 })).toBeVisible();
  const row = messageRow(bob.page, needle);
  await expect(row).toBeInViewport();
  await expect(messageRow(bob.page, 'Filler message number 24')).not.toBeInViewport();
  await expect(search).toHaveValue('');
  await expect(chatItem(bob.page, 'Alice')).toHaveAttribute('aria-current', 'true');
  await screenshot(bob.page, testInfo, '02-bob-opened-hit');

  // Own messages are found too.
  await send(bob.page, 'I found the key, thanks');
  await search.fill('thanks');
  await expect(hit).toHaveCount(1);
  await expect(hit).toContainText('I found the key, thanks');
  // Escape leaves the search for the chat list.
  await search.press('Escape');
  await expect(search).toHaveValue('');
  await expect(chatItem(bob.page, 'Alice')).toBeVisible();
});
