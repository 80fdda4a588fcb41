// Link codes that must not link anything: mistyped, expired, unknown, declined — and neither side changes.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import { loadIdentity, requestLink } from '../../../src/main/core/index.js';
import { randomBytes } from '../../../src/shared/crypto/sodium.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { encodeLinkCode, LINK_PREFIX } from '../../../src/shared/link/link-code.js';
import { must, useCore } from '../core/cores.js';
import type { TestCore } from '../core/cores.js';
import { useRelay } from '../helpers/harness.js';
import { newHome } from './linked.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

async function unchanged(alice: TestCore, before: string): Promise<void> {
  expect(JSON.stringify(must(await alice.core.devices()).map((d) => d.deviceId))).toBe(before);
}

describe('link refusals', () => {
  it('refuses a mistyped, an expired and an unknown code on the existing device, changing nothing', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const before = JSON.stringify(must(await alice.core.devices()).map((d) => d.deviceId));

    const good = encodeLinkCode({ secret: randomBytes(16), relay: relay.url, expiresAt: Date.now() + 60_000 });
    const body = good.slice(LINK_PREFIX.length);
    const mistyped = LINK_PREFIX + (body[0] === 'a' ? 'b' : 'a') + body.slice(1);
    const r1 = await alice.core.approveLink(mistyped);
    expect(r1).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(!r1.ok && r1.message).toMatch(/mistyped/);
    expect(await alice.core.approveLink('cairn:not-a-link-code')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });

    const expired = encodeLinkCode({ secret: randomBytes(16), relay: relay.url, expiresAt: Date.now() - 1000 });
    const r2 = await alice.core.approveLink(expired);
    expect(r2).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(!r2.ok && r2.message).toMatch(/expired/);

    // Well-formed and unexpired, but no device waits behind it.
    const r3 = await alice.core.approveLink(good, { timeoutMs: 1500 });
    expect(r3).toMatchObject({ ok: false, code: 'TIMEOUT' });
    expect(await alice.core.confirmLink('00'.repeat(16), true)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    await unchanged(alice, before);
  });

  it('a declined link and an unanswered code leave the new home without an account', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const before = JSON.stringify(must(await alice.core.devices()).map((d) => d.deviceId));

    const declined = newHome(sodium);
    declined.atEnd(async () => declined.home.close());
    let sas = '';
    const request = requestLink({
      home: declined.home,
      sodium,
      relay: relay.url,
      name: 'phone',
      timeoutMs: 10_000,
      clientOptions: { reconnect: false },
      onCode: (code) =>
        void (async () => {
          const a = must(await alice.core.approveLink(code));
          expect(a.name).toBe('phone');
          await new Promise<void>((resolve) => {
            const wait = () => (sas !== '' ? resolve() : setTimeout(wait, 10));
            wait();
          });
          expect(a.sas).toBe(sas);
          expect(await alice.core.confirmLink(a.linkId, false)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
        })(),
      onSas: (s) => (sas = s),
    });
    const r = await request;
    expect(r).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(!r.ok && r.message).toMatch(/declined/);
    expect(loadIdentity(declined.home.vault, sodium)).toBeNull();
    await unchanged(alice, before);

    const lonely = newHome(sodium);
    lonely.atEnd(async () => lonely.home.close());
    let shown = '';
    const r2 = await requestLink({ home: lonely.home, sodium, relay: relay.url, timeoutMs: 800, onCode: (c) => (shown = c), onSas: () => undefined, clientOptions: { reconnect: false } });
    expect(shown.startsWith(LINK_PREFIX)).toBe(true);
    expect(r2).toMatchObject({ ok: false, code: 'TIMEOUT' });
    expect(loadIdentity(lonely.home.vault, sodium)).toBeNull();
    // That code has expired by now: the existing device says so without asking the network.
    expect(await alice.core.approveLink(shown)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
  });
});
