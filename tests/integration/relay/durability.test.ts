// SIGKILL durability: every update the relay acknowledged (PUBLISHED) survives kill -9 in the middle of
// a burst and is delivered after a restart on the same data directory.
import { rmSync } from 'node:fs';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { labelOf, makeDevice, makeTopic, payloadOf } from '../helpers/devices.js';
import { must, useClient, useRelay } from '../helpers/harness.js';
import { makeTempDir, startRelay } from '../helpers/relay-process.js';
import { waitFor } from '../helpers/wait.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

describe('durability', () => {
  it('keeps every acknowledged publish across kill -9 during a burst', { timeout: 60_000 }, async () => {
    const dataDir = makeTempDir();
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await startRelay({ dataDir });
    onTestFinished(async () => void (await first.kill()));
    const a = await useClient(first.url, sodium);
    const reader = makeDevice(sodium);
    const cap = makeTopic(sodium);
    must(await a.client.openTopic(cap));
    must(await a.client.register(cap.topic, [a.device.publicKey, reader.publicKey]));

    const acked = new Map<number, string>();
    let sent = 0;
    const failures: string[] = [];
    const worker = async () => {
      for (;;) {
        const label = `m${++sent}`;
        const r = await a.client.publish(cap.topic, payloadOf(label, 100));
        if (!r.ok) {
          failures.push(r.code);
          return;
        }
        acked.set(r.value, label);
      }
    };
    const workers = Array.from({ length: 64 }, worker);
    await waitFor(() => acked.size >= 500, { timeoutMs: 20_000, message: '500 acknowledged publishes' });
    const exit = await first.kill();
    expect(exit.signal).toBe('SIGKILL');
    await Promise.all(workers);
    // Every publish in flight when the relay died resolved DISCONNECTED: none hangs, none claims success.
    expect(failures).toEqual(Array.from({ length: 64 }, () => 'DISCONNECTED'));
    expect(sent).toBeGreaterThan(acked.size); // publishes were in flight when it died

    const second = await useRelay({ dataDir });
    const b = await useClient(second.url, sodium, { device: reader });
    must(await b.client.openTopic(cap));
    must(await b.client.subscribe(cap.topic, 0));
    await waitFor(() => b.on('caughtUp', cap.topic).length === 1, { timeoutMs: 15_000, message: 'CAUGHT_UP after restart' });
    const got = new Map(b.on('update', cap.topic).map((u) => [u.seq as number, labelOf(u.payload)]));
    const seqs = b.on('update', cap.topic).map((u) => u.seq);
    expect(new Set(seqs).size).toBe(seqs.length); // no duplicates
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    const missing = [...acked].filter(([seq, label]) => got.get(seq) !== label);
    expect(missing).toEqual([]);
    expect(b.on('caughtUp', cap.topic)[0]!.headSeq).toBeGreaterThanOrEqual(Math.max(...acked.keys()));
    // seqs are never reused after the crash
    expect(must(await b.client.publish(cap.topic, payloadOf('after')))).toBeGreaterThan(Math.max(...seqs));
  });
});
