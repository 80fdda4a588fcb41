// Electron shell entry: one locked-down window around the renderer; the core and its IPC come later.
import { app, BrowserWindow, session, shell, type WebContents } from 'electron';
import { join } from 'node:path';
import { contentSecurityPolicy, withContentSecurityPolicy } from './content-security-policy.js';
import { isSafeExternalUrl } from './navigation-policy.js';

// electron-vite sets this only under `electron-vite dev`; a packaged app always loads its built files.
const devServerUrl = process.env['ELECTRON_RENDERER_URL'];
const preloadPath = join(import.meta.dirname, '../preload/index.cjs');
const rendererIndexPath = join(import.meta.dirname, '../renderer/index.html');

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 640,
    minHeight: 480,
    title: 'Cairn',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  if (devServerUrl) void window.loadURL(devServerUrl);
  else void window.loadFile(rendererIndexPath);
  return window;
}

// Every web contents, including any created later, gets the same guards.
function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

function secureDefaultSession(): void {
  const policy = contentSecurityPolicy(devServerUrl ? 'development' : 'production');
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, policy) });
  });
  // No camera, microphone, notifications, geolocation... until a feature asks for one explicitly.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

function focusExistingWindow(): void {
  const window = BrowserWindow.getAllWindows()[0];
  if (!window) return;
  if (window.isMinimized()) window.restore();
  window.focus();
}

// A second instance would open the same SQLite database and keys, so it hands over and quits.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
  app.on('second-instance', focusExistingWindow);
  app.on('web-contents-created', (_event, contents) => lockDown(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow();
  });
  void app.whenReady().then(() => {
    secureDefaultSession();
    createMainWindow();
  });
}
