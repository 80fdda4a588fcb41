// Which frame may call the core over IPC: only the main frame of the app's own window, showing the app's own
// page (the built index.html, or the dev server's origin under `electron-vite dev`). Pure: main.ts passes
// what Electron reports about the sender.

export type AppLocation = { kind: 'file'; href: string } | { kind: 'dev'; origin: string };

/** What main knows about an IPC sender: its frame (null once gone), whether it is the top frame, whose window it is. */
export type IpcSender = { frameUrl: string | null; isMainFrame: boolean; fromAppWindow: boolean };

/** The app's page: the dev server when electron-vite set one, else the built file. */
export function appLocation(devServerUrl: string | undefined, indexFileHref: string): AppLocation {
  if (devServerUrl && URL.canParse(devServerUrl)) return { kind: 'dev', origin: new URL(devServerUrl).origin };
  return { kind: 'file', href: indexFileHref };
}

export function isTrustedSender(sender: IpcSender, app: AppLocation): boolean {
  if (!sender.fromAppWindow || !sender.isMainFrame || sender.frameUrl === null || !URL.canParse(sender.frameUrl)) return false;
  const url = new URL(sender.frameUrl);
  if (app.kind === 'dev') return url.origin === app.origin;
  const expected = new URL(app.href);
  // The same file, whatever its query or fragment; a file URL's host must match too (empty, or a UNC host).
  return url.protocol === 'file:' && url.host === expected.host && url.pathname === expected.pathname;
}
