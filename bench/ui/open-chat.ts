// One timed opening of a chat in the served UI: a click on its chat-list item, then every animation frame
// checks whether the newest message's row is in the history's viewport; the first frame that has it ends the
// clock (requestAnimationFrame runs just before that frame is painted).
import type { Page } from '@playwright/test';

export type OpenTiming = {
  /** In the page: click → first frame whose newest row is inside the scroller's viewport. */
  pageMs: number;
  /** In Node, around the whole call (CDP round trip included), as a Playwright script sees it. */
  playwrightMs: number;
  /** Message rows in the DOM once shown (the list is windowed). */
  rowsInDom: number;
  /** Text of the row that ended the clock, to check it is the newest message. */
  shownText: string;
};

// Browser-side source (a string: bench/ is typechecked without the DOM's types). The page's CSP forbids
// eval, not CDP's Runtime.evaluate, which is what page.evaluate uses.
const OPEN_AND_WAIT = `({ chatId, messageId, timeoutMs }) => new Promise((resolve, reject) => {
  const item = document.querySelector('[data-testid="chat-item"][data-chat-id="' + chatId + '"]');
  if (item === null) return reject(new Error('no chat item for ' + chatId));
  if (document.querySelector('[role="log"]') !== null) return reject(new Error('a chat is already open'));
  const inView = () => {
    const row = document.querySelector('[data-testid="message"][data-message-id="' + messageId + '"]');
    const log = row && row.closest('[role="log"]');
    if (!row || !log) return null;
    const r = row.getBoundingClientRect();
    const v = log.getBoundingClientRect();
    return r.height > 0 && r.top >= v.top - 1 && r.bottom <= v.bottom + 1 ? row : null;
  };
  const t0 = performance.now();
  item.click();
  const frame = () => {
    const now = performance.now();
    const row = inView();
    if (row !== null) {
      resolve({ pageMs: now - t0, rowsInDom: document.querySelectorAll('[data-testid="message"]').length, shownText: row.querySelector('.text')?.textContent ?? '' });
    } else if (now - t0 > timeoutMs) {
      reject(new Error('the newest message was not shown within ' + timeoutMs + ' ms'));
    } else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})`;

export async function timeOpenChat(page: Page, chatId: string, messageId: string, timeoutMs = 30_000): Promise<OpenTiming> {
  const t0 = performance.now();
  const r = (await page.evaluate(`(${OPEN_AND_WAIT})(${JSON.stringify({ chatId, messageId, timeoutMs })})`)) as Omit<OpenTiming, 'playwrightMs'>;
  return { ...r, playwrightMs: performance.now() - t0 };
}
