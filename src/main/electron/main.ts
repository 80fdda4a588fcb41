// Electron shell entry: single instance, locked-down windows, the core in this process behind the typed IPC
// bridge, the master key in safeStorage (or a passphrase), notifications, badge and cairn:// deep links.
import { app, BrowserWindow, dialog, Notification, safeStorage, session, shell, type WebContents } from 'electron';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { loadSodium } from '../crypto/index.js';
import type { HomeLock } from '../home/index.js';
import { coreFactory } from '../serve/core-factory.js';
import { createAttention, type Attention } from './attention.js';
import { contentSecurityPolicy, withContentSecurityPolicy } from './content-security-policy.js';
import { DEEP_LINK_SCHEME, findDeepLink, parseDeepLink, type DeepLink } from './deep-link.js';
import { lockDesktopHome, openDesktopHome, type DesktopHome } from './desktop-home.js';
import { planDesktopSecret, type KeyStorage } from './desktop-secret.js';
import { appLocation } from './ipc-guard.js';
import { forwardCoreEvents, handleCoreCalls, sendToWindow } from './ipc.js';
import { isSafeExternalUrl } from './navigation-policy.js';
import { askPassphrase } from './unlock-window.js';

// electron-vite sets this only under `electron-vite dev`; a packaged app always loads its built files.
const devServerUrl = process.env['ELECTRON_RENDERER_URL'];
const preloadPath = join(import.meta.dirname, '../preload/index.cjs');
const rendererIndexPath = join(import.meta.dirname, '../renderer/index.html');
const log = pino({ name: 'cairn-desktop', level: process.env['CAIRN_LOG_LEVEL'] ?? 'info' }, pino.destination({ fd: 2, sync: true }));

// Tests (and portable setups) keep the app's data elsewhere; it must be set before the single-instance lock.
if (process.env['CAIRN_USER_DATA_DIR']) app.setPath('userData', resolve(process.env['CAIRN_USER_DATA_DIR']));

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
  // No camera, microphone, geolocation...: notifications come from main (Notification), not from the page.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

function registerProtocol(): void {
  // Under `electron .` the app is an argument of the Electron binary, which the OS must be told.
  if (process.defaultApp && process.argv[1]) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [resolve(process.argv[1])]);
  else app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
}

const keyStorage: KeyStorage = {
  available: () => safeStorage.isAsyncEncryptionAvailable(),
  backend: () => (process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null),
  encrypt: async (text) => new Uint8Array(await safeStorage.encryptStringAsync(text)),
  decrypt: async (data) => (await safeStorage.decryptStringAsync(Buffer.from(data))).result,
};

function fail(title: string, message: string): void {
  log.error({ message }, title);
  dialog.showErrorBox(title, message);
  app.quit();
}

/** What runs once the home is open; one per process. */
type Running = { desktop: DesktopHome; lock: HomeLock; attention: Attention; stop(): Promise<void> };

/** The whole app: its state lives here, one instance per process. */
function runApp(): void {
  const state: { running: Running | null; window: BrowserWindow | null; loaded: boolean; pendingLink: DeepLink | null; quitting: boolean; starting: boolean } = {
    running: null,
    starting: true,
    window: null,
    loaded: false,
    pendingLink: null,
    quitting: false,
  };

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
    state.window = window;
    state.loaded = false;
    window.once('ready-to-show', () => window.show());
    window.webContents.on('did-finish-load', () => {
      state.loaded = true;
      if (state.pendingLink) deliverLink(state.pendingLink);
    });
    window.on('closed', () => {
      if (state.window === window) state.window = null;
    });
    if (devServerUrl) void window.loadURL(devServerUrl);
    else void window.loadFile(rendererIndexPath);
    return window;
  }

  function focusWindow(): void {
    const window = state.window ?? BrowserWindow.getAllWindows()[0];
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  }

  /** Hands a deep link to the page once it is loaded (the preload keeps it until the page listens). */
  function deliverLink(link: DeepLink): void {
    if (state.window && state.loaded && state.running) {
      state.pendingLink = null;
      sendToWindow(state.window, 'openInvite', { code: link.code });
      focusWindow();
    } else state.pendingLink = link;
  }

  function startAttention(desktop: DesktopHome): { attention: Attention; detach(): void } {
    const attention = createAttention({
      focused: () => state.window?.isFocused() ?? false,
      setBadge: (count) => void app.setBadgeCount(count),
      chats: () => desktop.host.api.chats(),
      notify: ({ title, body, chatId }) => {
        if (!Notification.isSupported()) return;
        const n = new Notification({ title, body });
        n.on('click', () => {
          focusWindow();
          sendToWindow(state.window, 'openChat', { chatId });
        });
        n.show();
      },
    });
    const api = desktop.host.api;
    const offs = [api.on('messages', (e) => attention.onMessages(e)), api.on('chat', (c) => attention.onChat(c)), api.on('chatRemoved', (e) => attention.onChatRemoved(e))];
    void attention.load();
    return { attention, detach: () => offs.forEach((off) => off()) };
  }

  async function start(): Promise<void> {
    secureDefaultSession();
    const userData = app.getPath('userData');
    const dir = join(userData, 'home');
    const lock = lockDesktopHome(dir);
    if (!lock.ok) return fail('Cairn is already running', `${lock.message}. Close the other Cairn (or stop \`cairn run\`/\`cairn serve\` on it) first.`);
    const sodium = await loadSodium('native');
    const plan = await planDesktopSecret({ userDataDir: userData, homeDir: dir, storage: keyStorage });
    if (plan.kind === 'error') {
      lock.value.release();
      return fail('Cairn cannot open its data', plan.message);
    }
    let attention: Attention | null = null;
    const open = (secret: { masterKey: Uint8Array } | { passphrase: string }) =>
      openDesktopHome({ dir, secret, createHome: plan.createHome, sodium, factory: coreFactory, log, env: app.isPackaged ? {} : process.env, onStarted: () => void attention?.load() });
    let desktop: DesktopHome | null;
    if (plan.kind === 'key') {
      const r = await open({ masterKey: plan.masterKey });
      if (!r.ok) {
        lock.value.release();
        return fail('Cairn cannot open its data', r.message);
      }
      desktop = r.value;
    } else {
      desktop = await askPassphrase({ createHome: plan.createHome, reason: plan.reason, preload: preloadPath, tryUnlock: (passphrase) => open({ passphrase }) });
      if (desktop === null) {
        lock.value.release();
        app.quit();
        return;
      }
    }
    const opened = desktop;
    const attending = startAttention(opened);
    attention = attending.attention;
    const targets = { core: opened.host.api, onboarding: opened.host.onboarding };
    const stopCalls = handleCoreCalls({ targets, window: () => state.window, app: appLocation(devServerUrl, pathToFileURL(rendererIndexPath).href), log });
    const stopEvents = forwardCoreEvents(targets, () => state.window);
    state.running = {
      desktop: opened,
      lock: lock.value,
      attention,
      async stop() {
        stopCalls();
        stopEvents();
        attending.detach();
        try {
          await opened.close();
        } finally {
          lock.value.release();
        }
      },
    };
    createMainWindow();
    state.starting = false;
  }

  // A second instance would open the same SQLite database and keys, so it hands over and quits.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
  } else {
    app.enableSandbox();
    registerProtocol();
    const first = findDeepLink(process.argv);
    if (first) state.pendingLink = first;
    app.on('second-instance', (_event, argv) => {
      focusWindow();
      const link = findDeepLink(argv);
      if (link) deliverLink(link);
    });
    // macOS delivers links to a running (or starting) app this way.
    app.on('open-url', (event, url) => {
      event.preventDefault();
      const link = parseDeepLink(url);
      if (link) deliverLink(link);
    });
    app.on('web-contents-created', (_event, contents) => lockDown(contents));
    // The passphrase window closing on success leaves no window for a moment: that is not a quit.
    app.on('window-all-closed', () => {
      if (process.platform !== 'darwin' && !state.starting) app.quit();
    });
    app.on('activate', () => {
      if (state.running && BrowserWindow.getAllWindows().length === 0) createMainWindow();
    });
    // The core and the database close before the process exits: the quit waits for them once.
    app.on('before-quit', (event) => {
      const running = state.running;
      if (running === null || state.quitting) return;
      event.preventDefault();
      state.quitting = true;
      state.running = null;
      void running.stop().finally(() => app.quit());
    });
    void app.whenReady().then(() =>
      start().catch((e: unknown) => fail('Cairn failed to start', e instanceof Error ? e.message : String(e))),
    );
  }
}

runApp();
