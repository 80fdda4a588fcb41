// Security of the served UI and its bridge: no Node in the page, the CSP holds, and `cairn serve` refuses
// wrong tokens, foreign Origins and Hosts, and malformed calls — from Node (raw requests) and from pages.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './helpers/fixtures.js';
import { inPage, openServedUi as openUi } from './helpers/page.js';
import { closeCode, exchange, rawGet, rawSocket } from './helpers/raw-http.js';

// Browser-side: a WebSocket to this page's /bridge, authenticated with `token`, then `calls` sent in order;
// resolves with the close code, or with every answer.
const BRIDGE_SESSION = `async ({ token, calls }) => {
  const ws = new WebSocket('ws://' + location.host + '/bridge');
  const answers = [];
  return await new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ timeout: true, answers }), 8000);
    ws.onopen = () => ws.send(JSON.stringify({ id: 0, method: 'auth', params: [token] }));
    ws.onclose = (e) => { clearTimeout(timer); resolve({ closed: e.code, answers }); };
    ws.onmessage = (e) => {
      const frame = JSON.parse(e.data);
      if (frame.event) return;
      answers.push(frame);
      if (frame.id === 0 && !frame.result.ok) return; // the server closes: resolved by onclose
      if (frame.id === 0) for (const c of calls) ws.send(typeof c === 'string' ? c : JSON.stringify(c));
      if (answers.length === calls.length + 1) { clearTimeout(timer); ws.close(); resolve({ answers }); }
    };
  });
}`;

type Answer = { id: number | null; result: { ok: boolean; code?: string; value?: unknown } };

test.describe('the served page', () => {
  test('reaches neither Node nor a preload API', async ({ page, serve }, testInfo) => {
    const s = await serve();
    await openUi(page, s.url);
    const globals = await inPage<Record<string, string>>(
      page,
      `() => ({ require: typeof require, process: typeof process, module: typeof module, exports: typeof exports, Buffer: typeof Buffer, global: typeof global, cairn: typeof window.cairn, electron: typeof window.electron })`,
    );
    expect(globals).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined', exports: 'undefined', Buffer: 'undefined', global: 'undefined', cairn: 'undefined', electron: 'undefined' });
    await page.screenshot({ path: testInfo.outputPath('served-ui.png'), fullPage: true });
  });

  test('is served with the strict CSP, which blocks an injected inline script and eval', async ({ page, serve }) => {
    const s = await serve();
    const response = await page.goto(s.url);
    const csp = response!.headers()['content-security-policy'];
    expect(csp).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(response!.headers()['x-content-type-options']).toBe('nosniff');
    const refused = page.waitForEvent('console', (m) => /Content Security Policy/i.test(m.text()));
    const outcome = await inPage<{ ran: boolean; violations: Array<{ directive: string; blocked: string }>; evalBlocked: boolean }>(
      page,
      `async () => {
        const violations = [];
        // Both the header and the meta policy report; done once an inline and an eval violation were seen.
        let done;
        const both = new Promise((resolve) => (done = resolve));
        document.addEventListener('securitypolicyviolation', (e) => {
          violations.push({ directive: e.violatedDirective, blocked: e.blockedURI });
          if (violations.some((v) => v.blocked === 'inline') && violations.some((v) => v.blocked === 'eval')) done();
        });
        const script = document.createElement('script');
        script.textContent = 'window.__cairnInlineRan = true';
        document.head.appendChild(script);
        // DevTools lets code it evaluates call eval, so eval is tried from a later task, as page code would.
        const evalBlocked = await new Promise((resolve) => setTimeout(() => {
          try { (0, eval)('1 + 1'); resolve(false); } catch (e) { resolve(e instanceof EvalError); }
        }, 0));
        await Promise.race([both, new Promise((r) => setTimeout(r, 5000))]);
        return { ran: window.__cairnInlineRan === true, violations, evalBlocked };
      }`,
    );
    expect(outcome.ran).toBe(false);
    expect(outcome.evalBlocked).toBe(true);
    expect(outcome.violations).toContainEqual({ directive: 'script-src-elem', blocked: 'inline' });
    expect(outcome.violations).toContainEqual({ directive: 'script-src', blocked: 'eval' });
    await refused;
  });
});

test.describe('the bridge', () => {
  test('refuses a wrong token (from Node and from the page) and one presented late', async ({ page, serve }) => {
    const s = await serve();
    const origin = { Origin: s.origin };
    const opened = await rawSocket(s.port, origin);
    if (!('socket' in opened)) throw new Error(`upgrade refused: ${opened.refused}`);
    const answer = await exchange(opened.socket, JSON.stringify({ id: 0, method: 'auth', params: ['x'.repeat(43)] }));
    expect(answer).toMatchObject({ frame: expect.stringContaining('"UNAUTHORIZED"') });
    expect(await closeCode(opened.socket)).toBe(4401);

    const prefix = await rawSocket(s.port, origin);
    if (!('socket' in prefix)) throw new Error('upgrade refused');
    await exchange(prefix.socket, JSON.stringify({ id: 0, method: 'auth', params: [s.token.slice(0, 42)] }));
    expect(await closeCode(prefix.socket)).toBe(4401);

    const silent = await rawSocket(s.port, origin);
    if (!('socket' in silent)) throw new Error('upgrade refused');
    expect(await closeCode(silent.socket)).toBe(4408);

    await openUi(page, s.url);
    const inBrowser = await inPage<{ closed?: number; answers: Answer[] }>(page, BRIDGE_SESSION, { token: 'wrong', calls: [] });
    expect(inBrowser.closed).toBe(4401);
    expect(inBrowser.answers[0]?.result).toMatchObject({ ok: false, code: 'UNAUTHORIZED' });
  });

  test('refuses a foreign Origin and a foreign Host on HTTP and on the WebSocket', async ({ serve }) => {
    const s = await serve();
    const host = `127.0.0.1:${s.port}`;
    expect((await rawGet(s.port, '/', { Host: host })).status).toBe(200);
    for (const h of [`evil.example:${s.port}`, `127.0.0.1.nip.io:${s.port}`, `127.0.0.1:${s.port + 1}`]) {
      const r = await rawGet(s.port, '/', { Host: h });
      expect(r.status, h).toBe(403);
      expect(r.body).not.toContain('<script');
    }
    expect((await rawGet(s.port, '/', { Host: host, Origin: 'http://evil.example' })).status).toBe(403);
    expect(await rawSocket(s.port, { Origin: 'http://evil.example' })).toEqual({ refused: 403 });
    expect(await rawSocket(s.port, { Origin: `http://127.0.0.1:${s.port + 1}` })).toEqual({ refused: 403 });
    expect(await rawSocket(s.port, {})).toEqual({ refused: 403 });
    expect(await rawSocket(s.port, { Host: `evil.example:${s.port}`, Origin: `http://evil.example:${s.port}` })).toEqual({ refused: 403 });
  });

  test('refuses a socket from a page on another origin, even holding the token', async ({ page, serve }) => {
    const s = await serve();
    const other: Server = createServer((_req, res) => res.end('<!doctype html><title>elsewhere</title>'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      await page.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
      const result = await inPage<{ closed?: number; answers: Answer[] }>(page, BRIDGE_SESSION.replace("'ws://' + location.host + '/bridge'", JSON.stringify(`ws://127.0.0.1:${s.port}/bridge`)), { token: s.token, calls: [] });
      expect(result.answers).toEqual([]);
      expect(result.closed).toBe(1006);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  test('rejects calls with malformed arguments, unknown methods and bad frames; good calls pass', async ({ page, serve }) => {
    const s = await serve();
    await openUi(page, s.url);
    const chat = 'c3'.repeat(16);
    const calls: unknown[] = [
      { id: 1, method: 'hasAccount', params: [] },
      { id: 2, method: 'send', params: ['not hex', 'hi'] },
      { id: 3, method: 'send', params: [chat, 42] },
      { id: 4, method: 'messages', params: [chat, { limit: 'all' }] },
      { id: 5, method: 'createAccount', params: [{ name: '', relays: ['ws://127.0.0.1:1'] }] },
      { id: 6, method: 'createAccount', params: [{ name: 'Eve', relays: ['ws://127.0.0.1:1'], admin: true }] },
      { id: 7, method: 'setProfile', params: [{ avatar: { mime: 'image/png', bytes: 'not bytes' } }] },
      { id: 8, method: 'constructor', params: [] },
      { id: 9, method: 'on', params: ['status'] },
      { id: 10, method: 'whoami', params: [], extra: 1 },
      '{"id": 11, "method": "whoami", "params": [',
      { id: 12, method: 'whoami', params: [] },
    ];
    const result = await inPage<{ answers: Answer[] }>(page, BRIDGE_SESSION, { token: s.token, calls });
    const byId = new Map(result.answers.map((a) => [a.id, a.result]));
    expect(byId.get(0)).toMatchObject({ ok: true, value: { protocol: 1 } });
    expect(byId.get(1)).toEqual({ ok: true, value: false });
    for (const id of [2, 3, 4, 5, 6, 7]) expect(byId.get(id), `call ${id}`).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    for (const id of [8, 9]) expect(byId.get(id), `call ${id}`).toMatchObject({ ok: false, code: 'UNKNOWN_METHOD' });
    expect(byId.get(10)).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(byId.get(null)).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    // No account was created by the refused calls: core methods still say so.
    expect(byId.get(12)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
  });
});
