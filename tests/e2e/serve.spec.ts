// `cairn serve` with the real core behind its bridge: onboarding over the WebSocket against a real relay,
// core calls and events, and a restart on the same home that keeps the account.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './helpers/fixtures.js';

type Answer = { id: number; result: { ok: boolean; code?: string; message?: string; value?: Record<string, unknown> } };

/** Browser-side: authenticates on this page's bridge, sends `calls` one after another, collects answers and events. */
async function session(page: Page, token: string, calls: Array<{ method: string; params: unknown[] }>): Promise<{ answers: Answer[]; events: string[] }> {
  const source = `async ({ token, calls }) => {
    const ws = new WebSocket('ws://' + location.host + '/bridge');
    const answers = [];
    const events = [];
    let waiting = null;
    ws.onmessage = (e) => {
      const frame = JSON.parse(e.data);
      if (frame.event) { events.push(frame.event); return; }
      waiting?.(frame);
    };
    const send = (id, method, params) => new Promise((resolve) => { waiting = resolve; ws.send(JSON.stringify({ id, method, params })); });
    await new Promise((resolve) => (ws.onopen = resolve));
    answers.push(await send(0, 'auth', [token]));
    for (const [i, c] of calls.entries()) answers.push(await send(i + 1, c.method, c.params));
    ws.close();
    return { answers, events };
  }`;
  return (await page.evaluate(`(${source})(${JSON.stringify({ token, calls })})`)) as { answers: Answer[]; events: string[] };
}

test('onboarding over the bridge starts the real core, which keeps the account across a restart', async ({ page, relay, serve }) => {
  const root = mkdtempSync(join(tmpdir(), 'cairn-e2e-serve-'));
  try {
    const home = join(root, 'home');
    const first = await serve({ home });
    await page.goto(first.url);
    const created = await session(page, first.token, [
      { method: 'hasAccount', params: [] },
      { method: 'createAccount', params: [{ name: 'Alice', relays: [relay.url] }] },
      { method: 'hasAccount', params: [] },
      { method: 'whoami', params: [] },
      { method: 'invite', params: [] },
      { method: 'sync', params: [{ timeoutMs: 15_000 }] },
      { method: 'status', params: [] },
    ]);
    const [auth, hadAccount, account, hasAccount, who, invite, synced, status] = created.answers.map((a) => a.result);
    expect(auth).toMatchObject({ ok: true, value: { protocol: 1, platform: process.platform } });
    expect(hadAccount).toEqual({ ok: true, value: false });
    expect(account).toMatchObject({ ok: true, value: { name: 'Alice', relays: [relay.url] } });
    expect(hasAccount).toEqual({ ok: true, value: true });
    expect(who).toEqual(account);
    expect(invite).toMatchObject({ ok: true, value: { code: expect.stringMatching(/^cairn:[a-z2-7]+$/) } });
    expect(synced, JSON.stringify(synced)).toMatchObject({ ok: true });
    expect(status).toMatchObject({ ok: true, value: { online: true, relays: [{ url: relay.url, connected: true }] } });
    expect(created.events).toContain('status');
    expect(await first.stop()).toEqual({ code: 0, signal: null });

    const second = await serve({ home });
    await page.goto(second.url);
    const again = await session(page, second.token, [
      { method: 'hasAccount', params: [] },
      { method: 'whoami', params: [] },
      { method: 'createAccount', params: [{ name: 'Mallory', relays: [relay.url] }] },
    ]);
    expect(again.answers[1]!.result).toEqual({ ok: true, value: true });
    expect(again.answers[2]!.result).toEqual(account);
    expect(again.answers[3]!.result).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a second cairn serve on the same home is refused while the first owns it', async ({ serve }) => {
  const first = await serve();
  await expect(serve({ home: first.home })).rejects.toThrow(/exited \(code 5/);
});
