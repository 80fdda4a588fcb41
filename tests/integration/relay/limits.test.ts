// Per-connection limits answer with explicit errors, never silent loss: rate limit and topics per connection.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { makeTopic, payloadOf } from '../helpers/devices.js';
import { must, useClient, useRelay } from '../helpers/harness.js';
import { waitFor } from '../helpers/wait.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

describe('connection limits', () => {
  it('answers frames over the rate limit with RATE_LIMITED (with their reqId); every publish is either stored or refused', async () => {
    const relay = await useRelay({ args: ['--rate-limit', '20'] });
    const a = await useClient(relay.url, sodium);
    const cap = makeTopic(sodium);
    must(await a.client.openTopic(cap));
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => a.client.publish(cap.topic, payloadOf(`m${i}`))));
    const stored = results.filter((r) => r.ok).length;
    const limited = results.filter((r) => !r.ok && r.code === 'RATE_LIMITED').length;
    expect(stored + limited).toBe(200);
    expect(limited).toBeGreaterThan(0);
    expect(stored).toBeGreaterThan(0);
    expect((await relay.stats()).storedUpdates).toBe(stored);
    // The socket stays open: once tokens refill, publishes go through again.
    await waitFor(async () => (await a.client.publish(cap.topic, payloadOf('later'))).ok, { timeoutMs: 5_000, intervalMs: 100, message: 'a publish after the refill' });
    expect(a.client.isOpen).toBe(true);
  });

  it('answers TOO_MANY_TOPICS past --max-topics on one connection', async () => {
    const relay = await useRelay({ args: ['--max-topics', '2'] });
    const a = await useClient(relay.url, sodium);
    must(await a.client.openTopic(makeTopic(sodium)));
    const second = makeTopic(sodium);
    must(await a.client.openTopic(second));
    expect(await a.client.openTopic(makeTopic(sodium))).toMatchObject({ ok: false, code: 'TOO_MANY_TOPICS' });
    must(await a.client.openTopic(second)); // re-proving a held topic is not a new one
    const b = await useClient(relay.url, sodium);
    must(await b.client.openTopic(makeTopic(sodium))); // the limit is per connection
  });
});
