// The passphrase window's page is plain HTML without script (its CSP allows none); the preload, which runs
// in its own isolated world, wires the form: submit sends the passphrase to main, and shows main's answer.
import type { IpcReply, UnlockRequest } from '../shared/bridge/electron-api.js';

// Just the DOM this file touches: the preload is typechecked with Node's libs, not the DOM's.
type FormLike = { addEventListener(type: 'submit', listener: (event: { preventDefault(): void }) => void): void };
type InputLike = { value: string; focus(): void; select(): void };
type ButtonLike = { disabled: boolean };
type TextLike = { textContent: string | null };
export type UnlockDom = { getElementById(id: string): unknown };

/** Wires #unlock-form (#passphrase, optional #confirm, #unlock-error) to unlock(). */
export function wireUnlockForm(doc: UnlockDom, unlock: (request: UnlockRequest) => Promise<IpcReply>): void {
  const form = doc.getElementById('unlock-form') as FormLike | null;
  const passphrase = doc.getElementById('passphrase') as InputLike | null;
  const confirm = doc.getElementById('confirm') as InputLike | null;
  const error = doc.getElementById('unlock-error') as TextLike | null;
  const button = doc.getElementById('unlock-submit') as ButtonLike | null;
  if (!form || !passphrase || !error || !button) return;
  const show = (text: string): void => {
    error.textContent = text;
    passphrase.focus();
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (passphrase.value.length === 0) return show('Enter a passphrase.');
    if (confirm && confirm.value !== passphrase.value) return show('The two passphrases differ.');
    button.disabled = true;
    show('');
    void unlock({ passphrase: passphrase.value })
      .then((r) => {
        // On success main closes this window; a failure is shown and the user tries again.
        if (!r.ok) show(r.message);
      })
      .catch(() => show('The app did not answer.'))
      .finally(() => {
        button.disabled = false;
        passphrase.select();
      });
  });
}
