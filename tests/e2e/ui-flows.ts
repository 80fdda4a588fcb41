// Steps the UI specs share, driven as a user would: by roles and labels, waiting on what the screen shows.
import type { BrowserContext, Locator, Page, TestInfo } from '@playwright/test';
import { expect, test as base } from './helpers/fixtures.js';
import { openServedUi } from './helpers/page.js';
import type { ServeProcess, StartServeOptions } from './helpers/serve-process.js';

/** Relay round trips (createAccount, addContact, delivery) get this long; the suite's default is 10 s. */
export const NETWORK_MS = 20_000;

export type User = { name: string; page: Page; serve: ServeProcess };

export { expect };

/** The e2e fixtures plus `user(name)`: a `cairn serve` on its own temp home, open in a browser context of its own. */
export const test = base.extend<{ user: (name: string, options?: StartServeOptions) => Promise<User> }>({
  user: async ({ browser, serve }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (name, options) => {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      const s = await serve(options);
      await openServedUi(page, s.url);
      return { name, page, serve: s };
    });
    for (const context of contexts) await context.close();
  },
});

/** Onboarding through the UI: welcome, "Create a new account", name and relay, then the empty chat list. */
export async function createAccount(user: User, relayUrl: string): Promise<void> {
  const { page } = user;
  await expect(page.getByRole('heading', { name: 'Welcome to Cairn' })).toBeVisible();
  await page.getByRole('button', { name: 'Create a new account' }).click();
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeFocused();
  await page.getByLabel('Your name').fill(user.name);
  await page.getByLabel('Relay address').fill(relayUrl);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Chats', level: 1 })).toBeVisible({ timeout: NETWORK_MS });
  await expect(connection(page)).toContainText('Connected', { timeout: NETWORK_MS });
}

export function connection(page: Page): Locator {
  return page.getByTestId('connection-status');
}

export function contactsDialog(page: Page): Locator {
  return page.getByRole('dialog', { name: 'Contacts' });
}

export async function openContacts(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Contacts and new chat' }).click();
  const dialog = contactsDialog(page);
  await expect(dialog).toBeVisible();
  return dialog;
}

export async function closeContacts(page: Page): Promise<void> {
  await contactsDialog(page).getByRole('button', { name: 'Close' }).click();
  await expect(contactsDialog(page)).toBeHidden();
}

/** The invite code as the Contacts view shows it in text. */
export async function readInviteCode(page: Page): Promise<string> {
  const dialog = await openContacts(page);
  const field = dialog.getByRole('textbox', { name: 'Your invite code', exact: true });
  await expect(field).toHaveValue(/^cairn:[a-z2-7]+$/);
  const code = await field.inputValue();
  await closeContacts(page);
  return code;
}

/** Pastes an invite into "Invite code" and adds the contact; the dialog stays open. */
export async function addContact(page: Page, code: string, expectedName: string): Promise<Locator> {
  const dialog = contactsDialog(page);
  if (!(await dialog.isVisible())) await openContacts(page);
  await dialog.getByRole('textbox', { name: 'Invite code', exact: true }).fill(code);
  await dialog.getByRole('button', { name: 'Add contact' }).click();
  await expect(dialog.getByRole('status').filter({ hasText: 'is now a contact' })).toHaveText(`${expectedName} is now a contact.`, { timeout: NETWORK_MS });
  return dialog;
}

/** From the open Contacts dialog: tick these contacts and start the chat, which then opens. */
export async function startChat(page: Page, withNames: string[]): Promise<void> {
  const dialog = contactsDialog(page);
  for (const name of withNames) {
    const box = dialog.getByRole('checkbox', { name });
    if (!(await box.isChecked())) await box.check();
  }
  await dialog.getByRole('button', { name: /^Start (group )?chat/ }).click();
  await expect(dialog).toBeHidden({ timeout: NETWORK_MS });
}

/** Everything a user does to get two people into one chat: Bob shares his code, Alice adds him and starts the chat. */
export async function aliceStartsChatWithBob(alice: User, bob: User): Promise<void> {
  const code = await readInviteCode(bob.page);
  await addContact(alice.page, code, bob.name);
  await startChat(alice.page, [bob.name]);
  await expect(alice.page.getByRole('heading', { name: bob.name, level: 2 })).toBeVisible();
}

/** Writes in the composer and presses Enter, as a user sends. */
export async function send(page: Page, text: string): Promise<Locator> {
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill(text);
  await composer.press('Enter');
  await expect(composer).toHaveValue('');
  const row = messageRow(page, text);
  await expect(row).toBeVisible();
  return row;
}

/** The open chat's history. */
export function history(page: Page): Locator {
  return page.getByRole('log', { name: 'Messages' });
}

/** The message row holding exactly this text. */
export function messageRow(page: Page, text: string): Locator {
  return history(page).getByTestId('message').filter({ has: page.locator('.text', { hasText: new RegExp(`^${escapeRegExp(text)}$`) }) });
}

/** The row in the chat list for this title. */
export function chatItem(page: Page, title: string): Locator {
  return page.getByTestId('chat-item').filter({ has: page.locator('.title', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) });
}

export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
