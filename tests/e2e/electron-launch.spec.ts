// The desktop app itself, through Playwright's Electron driver, where an Electron binary exists. Here (no
// binary, and no download possible) it is skipped with the reason printed. The binary is looked up the way
// node_modules/electron/index.js does, without requiring it: that would try to download it.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, type Page } from '@playwright/test';
import { REPO_ROOT } from '../integration/helpers/relay-process.js';
import { expect, test } from './helpers/fixtures.js';

const MAIN = join(REPO_ROOT, 'out', 'main', 'index.js');

/** The Electron executable if one is installed, else why not. */
function electronBinary(): { path: string } | { missing: string } {
  const dir = join(REPO_ROOT, 'node_modules', 'electron');
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  const pathFile = join(dir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (override) return existsSync(join(override, relative ?? 'electron')) ? { path: join(override, relative ?? 'electron') } : { missing: `ELECTRON_OVERRIDE_DIST_PATH has no ${relative ?? 'electron'}` };
  if (relative === null) return { missing: 'node_modules/electron has no path.txt: the Electron binary was never downloaded (it cannot be here)' };
  const path = join(dir, 'dist', relative);
  return existsSync(path) ? { path } : { missing: `the Electron binary ${path} is missing` };
}

const binary = electronBinary();
if ('missing' in binary) process.stderr.write(`electron launch test skipped: ${binary.missing}\n`);
// Skipped at file level, so no fixture (the relay) starts for nothing.
test.skip('missing' in binary, `no Electron binary: ${'missing' in binary ? binary.missing : ''}`);

async function noNode(page: Page): Promise<void> {
  expect(await page.evaluate('[typeof require, typeof process, typeof module, typeof Buffer].join()')).toBe('undefined,undefined,undefined,undefined');
}

test('the desktop app launches locked down, with window.cairn as its only bridge', async ({ relay }, testInfo) => {
  if ('missing' in binary) return;
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build with \`npm run build:app\``);
  const userData = mkdtempSync(join(tmpdir(), 'cairn-electron-'));
  // --password-store=basic makes safeStorage report basic_text on Linux: the app must ask for a passphrase.
  const app = await electron.launch({
    executablePath: binary.path,
    args: [MAIN, '--password-store=basic'],
    env: { ...process.env, CAIRN_USER_DATA_DIR: userData, CAIRN_KDF_FAST: '1' } as Record<string, string>,
  });
  try {
    let window = await app.firstWindow();
    await noNode(window);
    if (await window.locator('#unlock-form').count()) {
      expect(await window.evaluate('typeof window.cairn')).toBe('undefined');
      await window.fill('#passphrase', 'electron e2e');
      await window.fill('#confirm', 'electron e2e');
      const main = app.waitForEvent('window');
      await window.click('#unlock-submit');
      window = await main;
    }
    await window.waitForLoadState('domcontentloaded');
    await noNode(window);
    const keys = (await window.evaluate('Object.keys(window.cairn).sort()')) as string[];
    expect(keys).toEqual(expect.arrayContaining(['whoami', 'send', 'hasAccount', 'createAccount', 'on', 'version', 'platform']));
    expect(keys).not.toContain('ipcRenderer');
    expect(await window.evaluate('window.cairn.hasAccount()')).toBe(false);
    // Malformed arguments are refused by main's validation, and the page gets a Result, not an exception.
    expect(await window.evaluate("window.cairn.send('not hex', 42)")).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(await window.evaluate(`window.cairn.createAccount({ name: 'Ada', relays: [${JSON.stringify(relay.url)}] })`)).toMatchObject({ ok: true, value: { name: 'Ada' } });
    // Navigation away and new windows are refused.
    await window.evaluate("location.href = 'https://example.org/'").catch(() => undefined);
    expect(await window.evaluate('location.protocol')).not.toBe('https:');
    await window.screenshot({ path: testInfo.outputPath('electron.png') });
  } finally {
    await app.close();
    rmSync(userData, { recursive: true, force: true });
  }
});
