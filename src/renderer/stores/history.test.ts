import { beforeEach, describe, expect, it } from 'vitest';
import type { MessageView } from '../../shared/core-api.js';
import type { FakeCore } from '../testing/fake-core.js';
import { BOB, deferred, withFakeCore } from '../testing/setup.js';
import { FIRST_PAGE, mergeMessages, OLDER_PAGE, useHistoryStore } from './history.js';
import { subscribeLive } from './live.js';

const texts = (list: readonly MessageView[] | undefined) => (list ?? []).map((m) => m.text);
const msg = (id: string, sentAt: number, text = id): MessageView => ({ id, chatId: 'c', author: BOB, device: BOB, text, sentAt, replyTo: null, editedAt: null, deleted: false, state: null, mine: false });

describe('mergeMessages', () => {
  it('inserts in (sentAt, id) order and replaces a changed message in place', () => {
    const list = [msg('a', 1), msg('c', 3)];
    expect(mergeMessages(list, [msg('b', 2), msg('d', 4), msg('a', 1, 'edited')], false).map((m) => `${m.id}:${m.text}`)).toEqual(['a:edited', 'b:b', 'c:c', 'd:d']);
    expect(mergeMessages(list, [msg('b2', 3)], false).map((m) => m.id)).toEqual(['a', 'b2', 'c']);
    expect(list.map((m) => m.id)).toEqual(['a', 'c']);
  });

  it('leaves out a message older than the loaded run while older pages are unloaded', () => {
    expect(mergeMessages([msg('b', 2)], [msg('a', 1)], true).map((m) => m.id)).toEqual(['b']);
    expect(mergeMessages([msg('b', 2)], [msg('a', 1)], false).map((m) => m.id)).toEqual(['a', 'b']);
    expect(mergeMessages([], [msg('a', 1)], true).map((m) => m.id)).toEqual(['a']);
  });
});

describe('history store', () => {
  let core: FakeCore;
  beforeEach(() => {
    core = withFakeCore();
    core.seedContact({ accountId: BOB, name: 'Bob' });
    core.seedChat({ chatId: 'c1', with: [BOB] });
    core.seedMessages('c1', 320, { start: 1_000_000, stepMs: 1000 });
  });

  it('opens a chat with its newest page, oldest to newest', async () => {
    const history = useHistoryStore();
    await history.open('c1');
    const h = history.get('c1')!;
    expect(h.state).toBe('ready');
    expect(h.messages).toHaveLength(FIRST_PAGE);
    expect(texts(h.messages).slice(-2)).toEqual(['message 318', 'message 319']);
    expect(h.hasOlder).toBe(true);
    await history.open('c1');
    expect(core.calls.filter((c) => c.method === 'messages')).toHaveLength(1);
  });

  it('pages older messages in front until the start, then stops asking', async () => {
    const history = useHistoryStore();
    await history.open('c1');
    expect(await history.loadOlder('c1')).toBe(true);
    expect(history.get('c1')!.messages).toHaveLength(FIRST_PAGE + OLDER_PAGE);
    while (await history.loadOlder('c1'));
    const h = history.get('c1')!;
    expect(h.hasOlder).toBe(false);
    expect(texts(h.messages)).toEqual(Array.from({ length: 320 }, (_, i) => `message ${i}`));
    const asked = core.calls.filter((c) => c.method === 'messages').length;
    expect(await history.loadOlder('c1')).toBe(false);
    expect(core.calls.filter((c) => c.method === 'messages')).toHaveLength(asked);
    expect(core.calls.filter((c) => c.method === 'messages').at(1)?.args[1]).toEqual({ before: expect.any(String), limit: OLDER_PAGE });
  });

  it('asks for one older page at a time', async () => {
    const history = useHistoryStore();
    await history.open('c1');
    const [a, b] = await Promise.all([history.loadOlder('c1'), history.loadOlder('c1')]);
    expect([a, b]).toEqual([true, false]);
    expect(history.get('c1')!.messages).toHaveLength(FIRST_PAGE + OLDER_PAGE);
  });

  it('merges live messages and state changes into a loaded chat', async () => {
    const history = useHistoryStore();
    subscribeLive(core);
    await history.open('c1');
    const sent = await core.send('c1', 'hello Bob');
    expect(sent.ok).toBe(true);
    const last = () => history.get('c1')!.messages.at(-1)!;
    expect(last()).toMatchObject({ text: 'hello Bob', mine: true, state: 'queued' });
    core.setMessageState('c1', last().id, 'sent');
    core.setMessageState('c1', last().id, 'delivered');
    expect(last().state).toBe('delivered');
    expect(history.get('c1')!.messages).toHaveLength(FIRST_PAGE + 1);
  });

  it('keeps live messages that arrive while the first page is in flight', async () => {
    const history = useHistoryStore();
    subscribeLive(core);
    const held = deferred<void>();
    const real = core.messages.bind(core);
    core.messages = async (...args) => {
      const answer = await real(...args);
      await held.promise;
      return answer;
    };
    const opening = history.open('c1');
    await Promise.resolve();
    core.receive('c1', 'while loading', BOB);
    held.resolve();
    await opening;
    expect(texts(history.get('c1')!.messages).slice(-2)).toEqual(['message 319', 'while loading']);
  });

  it('ignores events for chats it has not loaded', () => {
    const history = useHistoryStore();
    subscribeLive(core);
    core.receive('c1', 'unseen', BOB);
    expect(history.get('c1')).toBeNull();
  });

  it('seeks back to an old message for a search hit', async () => {
    const history = useHistoryStore();
    const hits = await core.search('message 7', { limit: 1000 });
    const target = hits.ok ? hits.value.find((h) => h.message.text === 'message 7')!.message : null;
    expect(await history.seek('c1', target!.id)).toBe(true);
    expect(history.get('c1')!.messages.some((m) => m.id === target!.id)).toBe(true);
    expect(await history.seek('c1', 'f'.repeat(32))).toBe(false);
  });

  it('seeks while the first page is still loading (a search hit opening a closed chat)', async () => {
    const history = useHistoryStore();
    const hits = await core.search('message 7', { limit: 1000 });
    const target = hits.ok ? hits.value.find((h) => h.message.text === 'message 7')!.message : null;
    const opened = history.open('c1');
    expect(history.get('c1')!.state).toBe('loading');
    expect(await history.seek('c1', target!.id)).toBe(true);
    await opened;
    expect(history.get('c1')!.messages.some((m) => m.id === target!.id)).toBe(true);
    // One first page, then older pages: the seek did not start a second load of the newest page.
    expect(core.calls.filter((c) => c.method === 'messages' && (c.args[1] as { before?: string }).before === undefined)).toHaveLength(1);
  });

  it('shows a failed first page as an error and retries on the next open', async () => {
    const history = useHistoryStore();
    core.failNext('messages', 'INTERNAL', 'disk on fire');
    await history.open('c1');
    expect(history.get('c1')).toMatchObject({ state: 'error', error: { code: 'INTERNAL', text: expect.stringContaining('disk on fire') } });
    await history.open('c1');
    expect(history.get('c1')!.state).toBe('ready');
  });

  it('forgets a removed chat', async () => {
    const history = useHistoryStore();
    subscribeLive(core);
    await history.open('c1');
    core.emit('chatRemoved', { chatId: 'c1' });
    expect(history.get('c1')).toBeNull();
  });

  it('sends text and reports refusals', async () => {
    const history = useHistoryStore();
    expect(await history.send('c1', 'hi')).toBeNull();
    expect(await history.send('c1', '   ')).toBeNull();
    expect(core.calls.filter((c) => c.method === 'send').map((c) => c.args)).toEqual([['c1', 'hi']]);
    expect(await history.send('c1', 'x'.repeat(70_000))).toMatchObject({ code: 'TOO_LARGE' });
    expect(await history.send('gone', 'hi')).toMatchObject({ code: 'UNKNOWN_CHAT' });
  });
});
