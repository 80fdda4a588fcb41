// An update the relay can never take (its frame is over the relay's --max-frame-bytes) stays queued and makes
// sync fail, naming the relay and its reason; nothing is dropped while sync says all is well.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { useRelay } from '../helpers/harness.js';
import { waitFor } from '../helpers/wait.js';
import { must, texts, useCore } from './cores.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

describe('core: an update a relay refuses for good', () => {
  it('stays in the outbox as queued and sync fails naming the relay, every time', async () => {
    const relay = await useRelay({ args: ['--max-frame-bytes', '8192'] });
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');
    must(await alice.core.addContact(must(await bob.core.invite()).code));
    must(await bob.core.addContact(must(await alice.core.invite()).code));
    const { chatId } = must(await alice.core.createChat({ with: [bob.accountId] }));
    must(await alice.core.send(chatId, 'small'));
    const big = 'y'.repeat(20_000);
    const { messageId } = must(await alice.core.send(chatId, big));

    const synced = await alice.core.sync({ timeoutMs: 10_000 });
    expect(synced).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    if (synced.ok) return;
    expect(synced.message).toContain(relay.url);
    expect(synced.message).toContain('FRAME_TOO_LARGE');
    expect(must(await alice.core.status()).outbox).toBe(1);
    const mine = must(await alice.core.messages(chatId)).find((m) => m.id === messageId);
    expect(mine).toMatchObject({ text: big, state: 'queued' });

    // What came before it was delivered (what follows from the same device waits for it: Yjs applies in order).
    await waitFor(async () => (await texts(bob, chatId)).includes('small'), { timeoutMs: 10_000, message: 'the first message to reach Bob' });
    expect(await texts(bob, chatId)).toEqual(['small']);
    expect(await alice.core.sync({ timeoutMs: 5_000 })).toMatchObject({ ok: false, code: 'TOO_LARGE' });
  });
});
