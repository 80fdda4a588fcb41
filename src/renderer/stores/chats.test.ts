import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeCore } from '../testing/fake-core.js';
import { BOB, CAROL, withFakeCore } from '../testing/setup.js';
import { useChatsStore } from './chats.js';
import { subscribeLive } from './live.js';

describe('chats store', () => {
  let core: FakeCore;
  beforeEach(() => {
    core = withFakeCore();
    core.seedContact({ accountId: BOB, name: 'Bob' });
    core.seedContact({ accountId: CAROL, name: 'Carol' });
    core.seedChat({ chatId: 'c1', with: [BOB], createdAt: 1000 });
    core.seedChat({ chatId: 'c2', with: [CAROL], createdAt: 3000 });
    core.seedChat({ chatId: 'c3', with: [BOB, CAROL], title: 'Trip', createdAt: 2000 });
  });

  it('lists chats newest activity first, with 1:1 titles from the contact', async () => {
    const chats = useChatsStore();
    expect(await chats.load()).toBe(true);
    expect(chats.sorted.map((c) => [c.chatId, c.title])).toEqual([['c2', 'Carol'], ['c3', 'Trip'], ['c1', 'Bob']]);
  });

  it('moves a chat to the top when a live message arrives', async () => {
    const chats = useChatsStore();
    await chats.load();
    subscribeLive(core);
    core.receive('c1', 'hello', BOB, 5000);
    expect(chats.sorted[0]).toMatchObject({ chatId: 'c1', unread: 1, lastMessage: { text: 'hello' } });
    expect(chats.totalUnread).toBe(1);
  });

  it('counts unread of message requests apart and accepts or blocks them', async () => {
    core.seedChat({ chatId: 'r1', with: ['d4'.repeat(32)], title: 'Dave', request: true, createdAt: 4000 });
    core.receive('r1', 'hi, it is Dave', 'd4'.repeat(32), 4001);
    core.receive('c1', 'unread', BOB, 10);
    const chats = useChatsStore();
    await chats.load();
    expect(chats.requests).toBe(1);
    expect(chats.totalUnread).toBe(1);
    expect(await chats.accept('r1')).toBe(true);
    expect(chats.byId.get('r1')?.request).toBe(false);

    core.seedChat({ chatId: 'r2', with: ['e5'.repeat(32)], request: true });
    await chats.load();
    chats.select('r2');
    expect(await chats.block('r2')).toBe(true);
    expect(chats.byId.has('r2')).toBe(false);
    expect(chats.selectedId).toBeNull();
  });

  it('shows the core error when accepting a chat that is gone', async () => {
    const chats = useChatsStore();
    await chats.load();
    expect(await chats.accept('nope')).toBe(false);
    expect(chats.error).toMatchObject({ code: 'UNKNOWN_CHAT' });
  });

  it('creates a chat with several contacts and opens it', async () => {
    const chats = useChatsStore();
    await chats.load();
    subscribeLive(core);
    const chatId = await chats.create([BOB, CAROL], '  Friends ');
    expect(chatId).not.toBeNull();
    expect(chats.selectedId).toBe(chatId);
    expect(chats.selected).toMatchObject({ title: 'Friends', members: expect.arrayContaining([BOB, CAROL]) });
    expect(core.calls.find((c) => c.method === 'createChat')?.args).toEqual([{ with: [BOB, CAROL], title: 'Friends' }]);
  });

  it('opens a created chat even when its event has not arrived (refetches)', async () => {
    const chats = useChatsStore();
    await chats.load();
    const chatId = await chats.create([BOB]);
    expect(chats.selectedId).toBe(chatId);
  });

  it('refuses a chat with a stranger with a readable error', async () => {
    const chats = useChatsStore();
    expect(await chats.create(['f6'.repeat(32)])).toBeNull();
    expect(chats.error?.code).toBe('UNKNOWN_CONTACT');
    expect(chats.error?.text).toMatch(/not in your contacts/);
  });

  it('marks a chat read: zero at once, then what the core says', async () => {
    const a = core.receive('c1', 'one', BOB, 100);
    core.receive('c1', 'two', BOB, 200);
    const chats = useChatsStore();
    await chats.load();
    expect(chats.byId.get('c1')?.unread).toBe(2);
    const pending = chats.markRead('c1', a.id);
    expect(chats.byId.get('c1')?.unread).toBe(0);
    await pending;
    expect(chats.byId.get('c1')?.unread).toBe(1);
    expect(core.calls.filter((c) => c.method === 'markRead')).toHaveLength(1);
    await chats.markRead('c2', 'whatever');
    expect(core.calls.filter((c) => c.method === 'markRead')).toHaveLength(1);
  });

  it('selects only chats it knows and drops removed ones', async () => {
    const chats = useChatsStore();
    await chats.load();
    chats.select('c3');
    expect(chats.selected?.title).toBe('Trip');
    chats.select('missing');
    expect(chats.selected).toBeNull();
    subscribeLive(core);
    chats.select('c3');
    core.emit('chatRemoved', { chatId: 'c3' });
    expect(chats.selectedId).toBeNull();
    expect(chats.sorted.map((c) => c.chatId)).toEqual(['c2', 'c1']);
  });
});
