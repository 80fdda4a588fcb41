import { describe, expect, it } from 'vitest';
import type { ChatEntry } from '../../shared/docs/account-doc.js';
import type { MessageRow } from '../db/index.js';
import { chatTitle, chatView, exportJson, exportMarkdown, messageView, shortId, snippet } from './views.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
const DEV_A = '1'.repeat(64);
const DEV_B = '2'.repeat(64);
const me = { account: A, device: DEV_A };

const row = (over: Partial<MessageRow> = {}): MessageRow => ({
  chat: 'f'.repeat(32),
  id: '0'.repeat(32),
  author: A,
  device: DEV_A,
  sentAt: 1000,
  text: 'hi',
  replyTo: null,
  editedAt: null,
  deleted: false,
  ...over,
});

const entry = (over: Partial<ChatEntry> = {}): ChatEntry => ({
  chatId: 'f'.repeat(32),
  key: 'e'.repeat(64),
  relays: ['ws://r'],
  title: null,
  members: [A, B],
  createdAt: 500,
  createdBy: A,
  request: false,
  ...over,
});

describe('views', () => {
  it('message state only for this device; deleted text is empty; mine by account', () => {
    expect(messageView(row(), me, undefined)).toMatchObject({ state: 'sent', mine: true, text: 'hi' });
    expect(messageView(row(), me, 'queued').state).toBe('queued');
    expect(messageView(row({ device: DEV_B }), me, undefined)).toMatchObject({ state: null, mine: true });
    expect(messageView(row({ author: B, device: DEV_B }), me, undefined)).toMatchObject({ state: null, mine: false });
    expect(messageView(row({ deleted: true, text: 'gone' }), me, undefined).text).toBe('');
  });

  it('titles: explicit, else the other members by name or short id, else Notes', () => {
    const names = (a: string) => (a === B ? 'Bob' : null);
    expect(chatTitle(entry({ title: 'Plans' }), A, names)).toBe('Plans');
    expect(chatTitle(entry(), A, names)).toBe('Bob');
    expect(chatTitle(entry({ members: [A, B, C] }), A, names)).toBe(`Bob, ${shortId(C)}`);
    expect(chatTitle(entry({ members: [A] }), A, names)).toBe('Notes');
  });

  it('chat view: last activity is the newer of creation and the last message', () => {
    const last = messageView(row({ sentAt: 9000 }), me, undefined);
    expect(chatView(entry(), { title: 't', unread: 2, lastMessage: last })).toMatchObject({ lastActivityAt: 9000, unread: 2, request: false, members: [A, B] });
    expect(chatView(entry(), { title: 't', unread: 0, lastMessage: null }).lastActivityAt).toBe(500);
  });

  it('snippets are bounded and centred on a query word', () => {
    expect(snippet('short', 'x')).toBe('short');
    const long = `${'lorem '.repeat(30)}needle ${'ipsum '.repeat(30)}`;
    const s = snippet(long, 'needle', 40);
    expect(s).toContain('needle');
    expect(s.length).toBeLessThanOrEqual(42);
    expect(s.startsWith('…') && s.endsWith('…')).toBe(true);
  });

  it('exports list every message in order, in markdown and json', () => {
    const messages = [messageView(row({ text: 'one' }), me, undefined), messageView(row({ id: '1'.repeat(32), author: B, device: DEV_B, sentAt: 2000, text: 'two\nlines' }), me, undefined)];
    const input = { chatId: 'f'.repeat(32), title: 'Bob', members: [{ accountId: A, name: 'Alice' }, { accountId: B, name: 'Bob' }], messages };
    const md = exportMarkdown(input);
    expect(md.indexOf('**Alice**')).toBeLessThan(md.indexOf('**Bob** ('));
    expect(md).toContain('two\n  lines');
    const json = JSON.parse(exportJson(input)) as { messages: { text: string }[]; format: string };
    expect(json.format).toBe('cairn-chat-export');
    expect(json.messages.map((m) => m.text)).toEqual(['one', 'two\nlines']);
  });
});
