// Adding a contact from an invite code through the UI: Bob's code is copied from the text of his Contacts
// view and pasted into Alice's "Invite code"; a mistyped code is refused with a clear error first.
import { addContact, contactsDialog, createAccount, expect, NETWORK_MS, openContacts, readInviteCode, screenshot, test } from './ui-flows.js';

/** The same code with one character changed, as a slip of the keyboard would. */
function mistype(code: string): string {
  const at = Math.floor(code.length / 2);
  const swapped = code[at] === 'a' ? 'b' : 'a';
  return code.slice(0, at) + swapped + code.slice(at + 1);
}

test('Alice adds Bob from the invite code his Contacts view shows; a mistyped code is refused clearly', async ({ relay, user }, testInfo) => {
  const alice = await user('Alice');
  const bob = await user('Bob');
  await createAccount(alice, relay.url);
  await createAccount(bob, relay.url);

  // Bob's invite code, as text (and as a QR code) in his Contacts view.
  const bobsDialog = await openContacts(bob.page);
  await expect(bobsDialog.getByRole('img', { name: 'QR code of your invite code' })).toBeVisible();
  await screenshot(bob.page, testInfo, '01-bob-invite-code');
  await bobsDialog.getByRole('button', { name: 'Close' }).click();
  const code = await readInviteCode(bob.page);

  const dialog = await openContacts(alice.page);
  const field = dialog.getByRole('textbox', { name: 'Invite code', exact: true });
  await expect(dialog.getByText('No contacts yet.')).toBeVisible();

  // A mistyped code: refused by its checksum, said in words, and the field is marked invalid.
  await field.fill(mistype(code));
  await dialog.getByRole('button', { name: 'Add contact' }).click();
  const error = dialog.getByRole('alert');
  await expect(error).toHaveText('That is not a valid invite code. Check it for typos: a code starts with “cairn:” and must be copied whole.');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription(/not a valid invite code/);
  await screenshot(alice.page, testInfo, '02-alice-mistyped-code');
  // Editing the code clears the error.
  await field.press('End');
  await field.press('Backspace');
  await expect(error).toBeHidden();
  await expect(field).not.toHaveAttribute('aria-invalid', 'true');

  // Her own code is not a contact either.
  await field.fill(await alice.page.getByRole('textbox', { name: 'Your invite code', exact: true }).inputValue());
  await dialog.getByRole('button', { name: 'Add contact' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(/That is your own invite code/);

  // The right code adds Bob, who is then offered for a new chat.
  await addContact(alice.page, code, 'Bob');
  await expect(field).toHaveValue('');
  await expect(dialog.getByRole('checkbox', { name: 'Bob' })).toBeChecked();
  await expect(dialog.getByRole('button', { name: 'Start chat' })).toBeEnabled();
  await screenshot(alice.page, testInfo, '03-alice-added-bob');

  // The contact is Alice's, kept by her core: a fresh page lists it too.
  await alice.page.reload();
  await openContacts(alice.page);
  await expect(contactsDialog(alice.page).getByRole('checkbox', { name: 'Bob' })).toBeVisible({ timeout: NETWORK_MS });
});
