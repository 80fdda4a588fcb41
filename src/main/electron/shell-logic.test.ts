import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { AccountId } from '../../shared/ids.js';
import { encodeInvite } from '../../shared/invite.js';
import type { ChatView, MessageView } from '../../shared/core-api.js';
import { ok } from '../../shared/result.js';
import { createAttention, NOTIFY_MAX_AGE_MS, type AppNotification } from './attention.js';
import { findDeepLink, parseDeepLink } from './deep-link.js';
import { appLocation, isTrustedSender } from './ipc-guard.js';
import { unlockPageHtml, unlockPageUrl } from './unlock-page.js';
import { createHash } from 'node:crypto';

const INDEX = 'file:///opt/Cairn/resources/app.asar/out/renderer/index.html';

describe('isTrustedSender', () => {
  const app = appLocation(undefined, INDEX);
  const sender = (frameUrl: string | null, isMainFrame = true, fromAppWindow = true) => ({ frameUrl, isMainFrame, fromAppWindow });

  it('trusts the app window\'s top frame showing the built index.html, whatever its fragment', () => {
    expect(isTrustedSender(sender(INDEX), app)).toBe(true);
    expect(isTrustedSender(sender(`${INDEX}#/chats`), app)).toBe(true);
  });

  it('refuses subframes, other windows, gone frames and any other page', () => {
    expect(isTrustedSender(sender(INDEX, false), app)).toBe(false);
    expect(isTrustedSender(sender(INDEX, true, false), app)).toBe(false);
    expect(isTrustedSender(sender(null), app)).toBe(false);
    for (const url of ['file:///tmp/evil.html', 'file://host/opt/Cairn/resources/app.asar/out/renderer/index.html', 'https://example.org/', 'data:text/html,<p>x', 'about:blank', 'not a url']) {
      expect(isTrustedSender(sender(url), app), url).toBe(false);
    }
  });

  it('trusts the dev server origin only under electron-vite dev', () => {
    const dev = appLocation('http://localhost:5173/', INDEX);
    expect(isTrustedSender(sender('http://localhost:5173/index.html'), dev)).toBe(true);
    expect(isTrustedSender(sender('http://localhost:5174/'), dev)).toBe(false);
    expect(isTrustedSender(sender(INDEX), dev)).toBe(false);
  });
});

describe('deep links', () => {
  const code = encodeInvite({ account: new Uint8Array(randomBytes(32)) as AccountId, relays: ['wss://relay.example'] });
  const base32 = code.slice('cairn:'.length);

  it('reads cairn://invite/<code> with the code whole, percent-encoded, or as its base32 part', () => {
    for (const link of [`cairn://invite/${code}`, `cairn://invite/${encodeURIComponent(code)}`, `cairn://invite/${base32}`, `CAIRN://invite/${base32}/`, `cairn://invite/${base32}?from=web`]) {
      expect(parseDeepLink(link), link).toEqual({ kind: 'invite', code });
    }
  });

  it('refuses other schemes and paths, mistyped codes and oversized links', () => {
    const typo = base32.slice(0, 10) + (base32[10] === 'a' ? 'b' : 'a') + base32.slice(11);
    for (const link of [`https://invite/${base32}`, `cairn://contact/${base32}`, `cairn://invite/`, `cairn://invite/${typo}`, `cairn://invite/%E0%A4%A`, `cairn://invite/${base32}${'a'.repeat(9000)}`, `cairn:invite/${base32}`]) {
      expect(parseDeepLink(link), link.slice(0, 60)).toBeNull();
    }
  });

  it('finds the link among a second instance\'s arguments', () => {
    expect(findDeepLink(['/usr/bin/cairn', '--no-sandbox', `cairn://invite/${base32}`])).toEqual({ kind: 'invite', code });
    expect(findDeepLink(['/usr/bin/cairn', '--flag'])).toBeNull();
  });
});

describe('attention: notifications and badge', () => {
  const NOW = 1_800_000_000_000;
  const message = (id: string, over: Partial<MessageView> = {}): MessageView => ({
    id, chatId: 'c1', author: 'b', device: 'd', text: `text ${id}`, sentAt: NOW - 1000, replyTo: null, editedAt: null, deleted: false, state: null, mine: false, ...over,
  });
  const chat = (chatId: string, unread: number, title = 'Bob'): ChatView => ({ chatId, title, members: [], unread, lastMessage: null, request: false, lastActivityAt: 0 });

  function harness(focused = false) {
    const notes: AppNotification[] = [];
    const badges: number[] = [];
    const a = createAttention({ focused: () => focused, notify: (n) => notes.push(n), setBadge: (n) => badges.push(n), chats: async () => ok([chat('c1', 2), chat('c2', 3, 'Team')]), now: () => NOW });
    return { a, notes, badges };
  }

  it('keeps the badge at the sum of unread counts, set only when it changes', async () => {
    const { a, badges } = harness();
    await a.load();
    a.onChat(chat('c1', 2));
    a.onChat(chat('c1', 0));
    a.onChatRemoved({ chatId: 'c2' });
    expect(badges).toEqual([5, 3, 0]);
  });

  it('notifies new messages from others once, with the chat title, only while unfocused', async () => {
    const { a, notes } = harness();
    await a.load();
    a.onMessages({ chatId: 'c1', messages: [message('m1')] });
    a.onMessages({ chatId: 'c1', messages: [message('m1', { state: 'delivered' })] });
    a.onMessages({ chatId: 'c1', messages: [message('m2', { mine: true }), message('m3', { deleted: true }), message('m4', { editedAt: NOW })] });
    a.onMessages({ chatId: 'c1', messages: [message('old', { sentAt: NOW - NOTIFY_MAX_AGE_MS - 1 })] });
    a.onMessages({ chatId: 'c2', messages: [message('m5'), message('m6', { text: 'last\nline ' + 'x'.repeat(200) })] });
    expect(notes).toHaveLength(2);
    expect(notes[0]).toEqual({ title: 'Bob', body: 'text m1', chatId: 'c1' });
    expect(notes[1]!.title).toBe('Team');
    expect(notes[1]!.body).toMatch(/^2 new messages — last line x+…$/);
    expect(notes[1]!.body.length).toBe(140);

    const focused = harness(true);
    focused.a.onMessages({ chatId: 'c1', messages: [message('m7')] });
    expect(focused.notes).toEqual([]);
  });
});

describe('the passphrase page', () => {
  it('has no script, escapes the reason, and pins its one style block by hash', () => {
    const html = unlockPageHtml({ createHome: true, reason: '<b>no keychain</b> & "so"' });
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&#60;b&#62;no keychain&#60;/b&#62; &#38; &#34;so&#34;');
    expect(html).toContain('id="confirm"');
    const style = /<style>([\s\S]*)<\/style>/.exec(html)![1]!;
    expect(html).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(html).toContain("default-src 'none'");
    expect(unlockPageHtml({ createHome: false, reason: 'r' })).not.toContain('id="confirm"');
    expect(unlockPageUrl({ createHome: false, reason: 'r' })).toMatch(/^data:text\/html;charset=utf-8;base64,/);
  });
});
