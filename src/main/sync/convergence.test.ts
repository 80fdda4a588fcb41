import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { loadSodium } from '../crypto/index.js';
import { deriveCapability } from '../../shared/crypto/capability.js';
import { openEnvelope } from '../../shared/crypto/envelope.js';
import { randomBytes } from '../../shared/crypto/sodium.js';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { decodeAppMessage } from '../../shared/docs/app-message.js';
import { decodeBackfillMessage } from '../../shared/docs/backfill-message.js';
import type { DeviceKey } from '../../shared/ids.js';
import { toHex } from '../../shared/ids.js';
import { Convergence } from './convergence.js';
import type { DocRegistry, DocSpec } from './doc-registry.js';
import { silentLogger } from './logger.js';
import type { RelayPool } from './relay-pool.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

function setup(candidates: DeviceKey[]) {
  const key = randomBytes(32);
  const cap = deriveCapability(sodium, key);
  const spec: DocSpec = { id: 'c'.repeat(32), kind: 'chat', topic: cap.topic, topicHex: toHex(cap.topic), key, relays: ['ws://r'] };
  const doc = new Y.Doc();
  for (let i = 0; i < 50; i++) doc.getMap('messages').set(`k${i}`, 'x'.repeat(200));
  const sent: { target: DeviceKey; payload: Uint8Array }[] = [];
  const client = { direct: (_t: unknown, target: DeviceKey, payload: Uint8Array) => (sent.push({ target, payload }), true) };
  const pool = { get: () => ({ client }) } as unknown as RelayPool;
  const registry = { doc: () => doc } as unknown as DocRegistry;
  const kp = sodium.signSeedKeypair(randomBytes(32));
  const device = { publicKey: kp.publicKey as DeviceKey, secretKey: kp.secretKey };
  const c = new Convergence({ sodium, device, registry, pool, log: silentLogger, candidates: () => candidates, chunkBytes: 2048, bytesPerSecond: 10_000_000 });
  const plain = (payload: Uint8Array) => {
    const o = openEnvelope(sodium, payload, { expectedTopic: spec.topic, attestedSender: device.publicKey, keyForEpoch: () => key });
    if (!o.ok) throw new Error(o.message);
    return o.value.plaintext;
  };
  const open = (payload: Uint8Array) => {
    const m = decodeAppMessage(plain(payload));
    if (!m.ok || m.value.kind !== 'sync') throw new Error('not sync');
    return m.value;
  };
  return { c, spec, sent, doc, open, plain };
}

const dev = (n: number) => new Uint8Array(32).fill(n) as DeviceKey;

describe('convergence', () => {
  it('asks one peer at a time, the next on TARGET_OFFLINE, and nobody twice while a request is open', () => {
    const s = setup([dev(1), dev(2)]);
    s.c.request('ws://r', s.spec);
    s.c.request('ws://r', s.spec);
    expect(s.sent.map((x) => x.target[0])).toEqual([1]);
    expect(s.open(s.sent[0]!.payload).sync).toBe('step1');
    s.c.targetOffline('ws://r', s.spec.topicHex);
    expect(s.sent.map((x) => x.target[0])).toEqual([1, 2]);
    s.c.answered('ws://r', s.spec);
    s.c.request('ws://r', s.spec);
    expect(s.sent.map((x) => x.target[0])).toEqual([1, 2, 1]);
    s.c.stop();
  });

  it('when nobody was online, the next member device seen on the topic is asked', () => {
    const s = setup([dev(1)]);
    s.c.request('ws://r', s.spec);
    s.c.targetOffline('ws://r', s.spec.topicHex);
    s.c.peerSeen('ws://r', s.spec, dev(7));
    expect(s.sent.map((x) => x.target[0])).toEqual([1, 7]);
    s.c.stop();
  });

  it('answers a step 1 with bounded step-2 chunks to the asking peer that rebuild the doc', async () => {
    const s = setup([]);
    await s.c.answer('ws://r', s.spec, dev(9), Y.encodeStateVector(new Y.Doc()));
    expect(s.sent.length).toBeGreaterThan(5);
    expect(s.sent.every((x) => x.target[0] === 9 && x.payload.length < 2048 + 200)).toBe(true);
    // BEGIN announces the chunk count, END follows the last chunk.
    const framing = s.sent.map((x) => decodeBackfillMessage(s.plain(x.payload)));
    expect(framing[0]).toEqual({ phase: 'begin', chunks: s.sent.length - 2, items: 0 });
    expect(framing[framing.length - 1]).toEqual({ phase: 'end' });
    expect(framing.slice(1, -1).every((f) => f === null)).toBe(true);
    const copy = new Y.Doc();
    for (const x of s.sent.slice(1, -1)) Y.applyUpdate(copy, s.open(x.payload).payload);
    expect(copy.getMap('messages').toJSON()).toEqual(s.doc.getMap('messages').toJSON());
  });
});
