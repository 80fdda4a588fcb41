// The passphrase window's page: static HTML without any script (the preload wires its form), loaded as a
// data: URL. Its CSP allows nothing but its own style block, pinned by hash.
import { createHash } from 'node:crypto';

const STYLE = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; display: grid; place-items: center; min-height: 100vh; background: Canvas; color: CanvasText; }
main { width: min(360px, 90vw); }
h1 { font-size: 1.25rem; margin: 0 0 .5rem; }
p { margin: 0 0 1rem; line-height: 1.4; opacity: .85; }
label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
input { box-sizing: border-box; width: 100%; padding: .5rem; font: inherit; border-radius: 6px; border: 1px solid GrayText; }
button { margin-top: 1rem; width: 100%; padding: .6rem; font: inherit; font-weight: 600; border: 0; border-radius: 6px; background: #17786a; color: white; }
button:disabled { opacity: .6; }
#unlock-error { color: #c0392b; min-height: 1.4em; margin: .75rem 0 0; }
`;

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function unlockPageHtml(options: { createHome: boolean; reason: string }): string {
  const hash = createHash('sha256').update(STYLE).digest('base64');
  const csp = `default-src 'none'; style-src 'sha256-${hash}'; form-action 'none'; base-uri 'none'`;
  const confirm = options.createHome ? '<label for="confirm">Repeat the passphrase</label><input id="confirm" type="password" autocomplete="new-password" required>' : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><title>Unlock Cairn</title><style>${STYLE}</style></head><body><main>
<h1>${options.createHome ? 'Choose a passphrase' : 'Unlock Cairn'}</h1><p>${escapeHtml(options.reason)}</p>
<form id="unlock-form"><label for="passphrase">Passphrase</label><input id="passphrase" type="password" autocomplete="${options.createHome ? 'new-password' : 'current-password'}" autofocus required>${confirm}
<p id="unlock-error" role="alert"></p><button id="unlock-submit" type="submit">${options.createHome ? 'Create' : 'Unlock'}</button></form></main></body></html>`;
}

export function unlockPageUrl(options: { createHome: boolean; reason: string }): string {
  return `data:text/html;charset=utf-8;base64,${Buffer.from(unlockPageHtml(options)).toString('base64')}`;
}
