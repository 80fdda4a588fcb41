// The UI's Cancel on a waiting link request: requestLink stops as soon as its signal aborts (before any existing
// device answered, and while the SAS is shown), stores nothing, and its code no longer finds anyone.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import { loadIdentity, requestLink } from '../../../src/main/core/index.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { must, useCore } from '../core/cores.js';
import { useRelay } from '../helpers/harness.js';
import { newHome } from './linked.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

describe('cancelling a link request', () => {
  it('stops waiting at once, before and after the SAS, and leaves the home without an account', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');

    const waiting = newHome(sodium);
    waiting.atEnd(async () => waiting.home.close());
    const abort = new AbortController();
    let code = '';
    const started = Date.now();
    const r = await requestLink({
      home: waiting.home,
      sodium,
      relay: relay.url,
      timeoutMs: 60_000,
      signal: abort.signal,
      clientOptions: { reconnect: false },
      onCode: (c) => {
        code = c;
        abort.abort();
      },
      onSas: () => undefined,
    });
    expect(r).toEqual({ ok: false, code: 'NOT_ALLOWED', message: 'the link request was cancelled' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(loadIdentity(waiting.home.vault, sodium)).toBeNull();
    // Nobody listens behind that code any more.
    expect(await alice.core.approveLink(code, { timeoutMs: 1500 })).toMatchObject({ ok: false, code: 'TIMEOUT' });

    const comparing = newHome(sodium);
    comparing.atEnd(async () => comparing.home.close());
    const abort2 = new AbortController();
    const approval: { pending?: ReturnType<typeof alice.core.approveLink> } = {};
    const r2 = await requestLink({
      home: comparing.home,
      sodium,
      relay: relay.url,
      timeoutMs: 60_000,
      signal: abort2.signal,
      clientOptions: { reconnect: false },
      onCode: (c) => void (approval.pending = alice.core.approveLink(c)),
      onSas: () => abort2.abort(),
    });
    expect(r2).toMatchObject({ ok: false, code: 'NOT_ALLOWED', message: 'the link request was cancelled' });
    expect(loadIdentity(comparing.home.vault, sodium)).toBeNull();
    const a = must(await approval.pending!);
    // Confirming on the existing device now finds no new device to hand the account to; nothing changes there.
    const before = must(await alice.core.devices()).map((d) => d.deviceId);
    expect((await alice.core.confirmLink(a.linkId, true, { timeoutMs: 1500 })).ok).toBe(false);
    expect(must(await alice.core.devices()).map((d) => d.deviceId)).toEqual(before);
  });
});
