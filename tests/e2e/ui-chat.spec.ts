// A chat through the UI: messages both ways, each of one's own messages moving to Delivered, the unread
// badge in the chat list (cleared by opening the chat), and a stranger's chat arriving as a message request.
import type { Page } from '@playwright/test';
import { aliceStartsChatWithBob, addContact, chatItem, closeContacts, createAccount, expect, history, messageRow, NETWORK_MS, readInviteCode, screenshot, send, test } from './ui-flows.js';

function texts(page: Page) {
  return history(page).getByTestId('message').locator('.text');
}

test('Alice and Bob exchange messages; Bob sees the unread count until he opens the chat', async ({ relay, user }, testInfo) => {
  const alice = await user('Alice');
  const bob = await user('Bob');
  await createAccount(alice, relay.url);
  await createAccount(bob, relay.url);
  // Both have each other's code, so Alice's chat reaches Bob as a chat, not as a request from a stranger.
  await addContact(bob.page, await readInviteCode(alice.page), 'Alice');
  await closeContacts(bob.page);
  await aliceStartsChatWithBob(alice, bob);

  const sent = ['Hi Bob!', 'Are you free for lunch tomorrow?', 'The place by the river, at noon'];
  for (const text of sent) await send(alice.page, text);
  // Bob's devices acknowledged all three at the relay: Delivered, not just Sent.
  for (const text of sent) await expect(messageRow(alice.page, text).getByTestId('message-state')).toHaveAttribute('aria-label', 'Delivered', { timeout: NETWORK_MS });

  // Bob has the chat open nowhere: his chat list counts three unread, newest last in the preview.
  const item = chatItem(bob.page, 'Alice');
  await expect(item.getByTestId('unread-count')).toHaveText('3', { timeout: NETWORK_MS });
  await expect(item).toHaveAccessibleName('Alice, 3 unread');
  await expect(item).toContainText('The place by the river, at noon');
  await screenshot(bob.page, testInfo, '01-bob-unread');

  // Opening it shows the messages in order and clears the count.
  await item.click();
  await expect(bob.page.getByRole('heading', { name: 'Alice', level: 2 })).toBeVisible();
  await expect(texts(bob.page)).toHaveText(sent);
  await expect(item.getByTestId('unread-count')).toHaveCount(0);
  await expect(item).toHaveAccessibleName('Alice');

  // Bob answers; Alice, who is looking at the chat, reads it at once and gets no unread count.
  await send(bob.page, 'Yes! See you there');
  await expect(messageRow(bob.page, 'Yes! See you there').getByTestId('message-state')).toHaveAttribute('aria-label', 'Delivered', { timeout: NETWORK_MS });
  await expect(texts(alice.page)).toHaveText([...sent, 'Yes! See you there'], { timeout: NETWORK_MS });
  await expect(messageRow(alice.page, 'Yes! See you there').getByTestId('message-state')).toHaveCount(0);
  await expect(chatItem(alice.page, 'Bob').getByTestId('unread-count')).toHaveCount(0);
  await screenshot(alice.page, testInfo, '02-alice-chat');
  await screenshot(bob.page, testInfo, '03-bob-chat');

  // The read state is kept by Bob's core: after a reload the chat is still read.
  await bob.page.reload();
  await expect(chatItem(bob.page, 'Alice')).toHaveAccessibleName('Alice', { timeout: NETWORK_MS });
  await expect(chatItem(bob.page, 'Alice').getByTestId('unread-count')).toHaveCount(0);
});

test('a chat from someone not in Bob’s contacts is a message request, which he accepts before replying', async ({ relay, user }, testInfo) => {
  const alice = await user('Alice');
  const bob = await user('Bob');
  await createAccount(alice, relay.url);
  await createAccount(bob, relay.url);
  await aliceStartsChatWithBob(alice, bob);
  await send(alice.page, 'Hello, we met at the conference');

  const item = chatItem(bob.page, 'Alice');
  await expect(item).toHaveAccessibleName('Alice, message request, 1 unread', { timeout: NETWORK_MS });
  await expect(item).toContainText('Request');
  await item.click();
  const request = bob.page.getByRole('region', { name: 'Message request' });
  await expect(request).toContainText('is not in your contacts');
  await expect(messageRow(bob.page, 'Hello, we met at the conference')).toBeVisible();
  // No reply before accepting.
  await expect(bob.page.getByRole('textbox', { name: 'Message' })).toHaveCount(0);
  await screenshot(bob.page, testInfo, '01-bob-request');

  await request.getByRole('button', { name: 'Accept' }).click();
  await expect(request).toBeHidden();
  await send(bob.page, 'Nice to hear from you!');
  await expect(texts(alice.page)).toHaveText(['Hello, we met at the conference', 'Nice to hear from you!'], { timeout: NETWORK_MS });
  await expect(chatItem(bob.page, 'Alice')).toHaveAccessibleName('Alice');
});
