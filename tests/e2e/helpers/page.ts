// Page helpers for specs against `cairn serve`.
import { expect, type Page } from '@playwright/test';

/** Runs browser-side source in the page. A string, because the e2e specs are typechecked without the DOM's types. */
export function inPage<T>(page: Page, source: string, arg: unknown = null): Promise<T> {
  return page.evaluate(`(${source})(${JSON.stringify(arg)})`) as Promise<T>;
}

/** Opens a served UI by its URL and waits until its bridge is connected (the token has left the address bar). */
export async function openServedUi(page: Page, url: string): Promise<void> {
  const socket = page.waitForEvent('websocket');
  await page.goto(url);
  await socket;
  await expect.poll(() => inPage<string>(page, '() => location.hash')).toBe('');
}
