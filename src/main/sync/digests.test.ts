import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import type { ChatSyncStatus } from '../../shared/core-api.js';
import { openEnvelope, sealEnvelope } from '../../shared/crypto/envelope.js';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { decodeAppMessage } from '../../shared/docs/app-message.js';
import { docDigest, encodeDigest } from '../../shared/docs/digest.js';
import { FrameType } from '../../shared/frames.js';
import type { DeviceKey, TopicId } from '../../shared/ids.js';
import { toHex } from '../../shared/ids.js';
import { loadNativeSodium } from '../crypto/native.js';
import type { DocRegistry, DocSpec } from './doc-registry.js';
import { Digests } from './digests.js';
import { silentLogger } from './logger.js';
import type { RelayPool } from './relay-pool.js';

const URL = 'ws://relay';
let sodium: Sodium;
beforeAll(() => {
  sodium = loadNativeSodium();
});
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const spec: DocSpec = { id: 'chat1', kind: 'chat', topic: new Uint8Array(32).fill(7) as TopicId, topicHex: '07'.repeat(32), key: new Uint8Array(32).fill(9), relays: [URL] };

type Device = {
  name: string;
  key: DeviceKey;
  doc: Y.Doc;
  digests: Digests;
  /** EPHEMERAL digests sent (their ask flag) and DIRECT step 1s sent. */
  sent: { ask: boolean }[];
  directs: number;
  statuses: ChatSyncStatus[];
};

/** Two devices of one chat on a fake relay that delivers EPHEMERAL frames to the other one on the next tick. */
function pair(): [Device, Device] {
  const devices: Device[] = [];
  for (const [i, name] of ['a', 'b'].entries()) {
    const kp = sodium.signSeedKeypair(new Uint8Array(32).fill(i + 1));
    const doc = new Y.Doc();
    const d = { name, key: kp.publicKey as DeviceKey, doc, sent: [], directs: 0, statuses: [] } as unknown as Device;
    const registry = { spec: (id: string) => (id === spec.id ? spec : null), doc: () => doc, loaded: () => true } as unknown as DocRegistry;
    const client = {
      ephemeral: (_topic: TopicId, payload: Uint8Array) => {
        const opened = openEnvelope(sodium, payload, { expectedTopic: spec.topic, attestedSender: d.key, keyForEpoch: () => spec.key });
        const app = opened.ok ? decodeAppMessage(opened.value.plaintext) : null;
        if (app?.ok && app.value.kind === 'digest') d.sent.push({ ask: (app.value.digest[1]! & 1) === 1 });
        const other = devices.find((x) => x !== d)!;
        setTimeout(() => other.digests.ephemeral(URL, spec, { type: FrameType.EphemeralIn, topic: spec.topic, sender: d.key, payload }), 0);
        return true;
      },
      direct: () => {
        d.directs++;
        return true;
      },
    };
    const pool = { get: () => ({ client }), isReady: () => true } as unknown as RelayPool;
    d.digests = new Digests({
      sodium,
      device: kp as { publicKey: DeviceKey; secretKey: Uint8Array },
      registry,
      pool,
      log: silentLogger,
      now: () => Date.now(),
      devicesOf: () => devices.map((x) => x.key),
      ownerOf: (hex) => `account-${devices.find((x) => toHex(x.key) === hex)?.name}`,
      isMember: () => true,
      listening: () => true,
      changed: (s) => d.statuses.push(s),
    });
    devices.push(d);
  }
  return devices as [Device, Device];
}

function write(d: Device, text: string): void {
  d.doc.getMap('messages').set(text, text);
  d.digests.changed(spec.id);
}

const inSync = (d: Device): (boolean | null)[] => d.digests.status(spec.id)!.devices.map((x) => x.inSync);

describe('convergence digests', () => {
  it('equal docs: one asking announcement and one answer each, then silence; both report all in sync', async () => {
    const [a, b] = pair();
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(b.doc));
    write(a, 'hello');
    Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc));
    b.digests.changed(spec.id);
    a.digests.caughtUp(spec);
    b.digests.caughtUp(spec);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(inSync(a)).toEqual([true, true]);
    expect(inSync(b)).toEqual([true, true]);
    expect(a.sent.length + b.sent.length).toBeLessThanOrEqual(4);
    expect(a.sent[0]?.ask).toBe(true);
    expect(a.directs + b.directs).toBe(0);
    expect(a.statuses.at(-1)).toMatchObject({ chatId: spec.id, allInSync: true });
    expect(a.statuses.at(-1)!.devices.map((x) => x.account)).toEqual(['account-a', 'account-b']);
  });

  it('a lasting mismatch names the other device and asks it for a step 1 with backoff, without a digest storm', async () => {
    const [a, b] = pair();
    write(a, 'only on a');
    a.digests.caughtUp(spec);
    b.digests.caughtUp(spec);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(inSync(a)).toEqual([true, false]);
    expect(inSync(b)).toEqual([false, true]);
    // Step 1s at ~1.5 s, then after 2, 4, 8, 16 s of backoff: five within a minute, not one per digest.
    expect(b.directs).toBeGreaterThanOrEqual(3);
    expect(b.directs).toBeLessThanOrEqual(6);
    // Each side re-announces a differing digest at most every 10 s.
    expect(a.sent.length).toBeLessThanOrEqual(8);
    expect(b.sent.length).toBeLessThanOrEqual(8);
  });

  it('stops asking once the digests agree', async () => {
    const [a, b] = pair();
    write(a, 'only on a');
    a.digests.caughtUp(spec);
    b.digests.caughtUp(spec);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(b.directs).toBe(1);
    // The answer to B's step 1 arrives: B now holds what A has.
    Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc)));
    b.digests.changed(spec.id);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(b.directs).toBe(1);
    expect(inSync(a)).toEqual([true, true]);
    expect(inSync(b)).toEqual([true, true]);
    // What B showed for A over time: not heard, differs, in sync (emitted on changes only).
    expect(b.statuses.map((s) => s.devices[0]!.inSync)).toEqual([null, false, true]);
  });

  it('announces a burst of changes once after 500 ms of quiet, and a chat that never goes quiet every 5 s', async () => {
    const [a] = pair();
    for (let i = 0; i < 20; i++) write(a, `burst ${i}`);
    await vi.advanceTimersByTimeAsync(499);
    expect(a.sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(a.sent).toHaveLength(1);
    for (let i = 0; i < 120; i++) {
      write(a, `steady ${i}`);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(a.sent.length).toBeGreaterThanOrEqual(3);
    expect(a.sent.length).toBeLessThanOrEqual(4);
  });

  it('reports devices never heard from as null, and asks for them at most every 10 s', async () => {
    const [a] = pair();
    expect(inSync(a)).toEqual([true, null]);
    await vi.advanceTimersByTimeAsync(200);
    for (let i = 0; i < 50; i++) a.digests.status(spec.id);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(a.sent.filter((m) => m.ask)).toHaveLength(1);
  });

  it("counts a digest from a member's newly linked device after one shared refetch of the device lists, and drops a revoked one", async () => {
    const keys = [1, 2, 3, 4].map((i) => sodium.signSeedKeypair(new Uint8Array(32).fill(i)));
    const [me, peer, linked, stranger] = keys.map((k) => toHex(k.publicKey));
    const listed = new Set([me!, peer!]);
    const doc = new Y.Doc();
    const statuses: ChatSyncStatus[] = [];
    let refreshes = 0;
    const digests = new Digests({
      sodium,
      device: keys[0]! as { publicKey: DeviceKey; secretKey: Uint8Array },
      registry: { spec: (id: string) => (id === spec.id ? spec : null), doc: () => doc, loaded: () => true } as unknown as DocRegistry,
      pool: { get: () => ({ client: { ephemeral: () => true, direct: () => true } }), isReady: () => true } as unknown as RelayPool,
      log: silentLogger,
      now: () => Date.now(),
      devicesOf: () => keys.filter((k) => listed.has(toHex(k.publicKey))).map((k) => k.publicKey as DeviceKey),
      ownerOf: (hex) => (listed.has(hex) ? 'alice' : hex === stranger ? 'mallory' : null),
      isMember: (_s, hex) => listed.has(hex),
      refreshMembers: async () => {
        refreshes++;
        await new Promise((r) => setTimeout(r, 100));
        listed.add(linked!);
        return true;
      },
      listening: () => true,
      changed: (st) => statuses.push(st),
    });
    const from = (i: number) => {
      const payload = sealEnvelope(sodium, { topic: spec.topic, epoch: 0, key: spec.key, senderKey: keys[i]!.publicKey as DeviceKey, senderSecret: keys[i]!.secretKey, plaintext: encodeDigest({ digest: docDigest(sodium, doc), ask: false }) });
      digests.ephemeral(URL, spec, { type: FrameType.EphemeralIn, topic: spec.topic, sender: keys[i]!.publicKey as DeviceKey, payload });
    };
    from(1);
    // A known device of an account outside the chat: no refetch makes it a member.
    from(3);
    expect(refreshes).toBe(0);
    expect(digests.status(spec.id)!.devices.map((d) => d.deviceId)).toEqual([me, peer]);
    // Three digests of the new device while its owner is looked up: one refetch, and the latest digest counts after it.
    for (let i = 0; i < 3; i++) from(2);
    expect(refreshes).toBe(1);
    expect(digests.status(spec.id)!.devices.map((d) => d.deviceId)).toEqual([me, peer]);
    await vi.advanceTimersByTimeAsync(100);
    expect(digests.status(spec.id)).toMatchObject({ allInSync: true, devices: [{ deviceId: me }, { deviceId: peer }, { deviceId: linked, inSync: true }] });
    expect(statuses.at(-1)!.devices.map((d) => d.deviceId)).toEqual([me, peer, linked]);
    from(2);
    expect(refreshes).toBe(1);
    // A revocation: the newer list drops the device; the shown status loses it at once.
    listed.delete(linked!);
    digests.devicesChanged();
    expect(statuses.at(-1)!.devices.map((d) => d.deviceId)).toEqual([me, peer]);
    expect(digests.status(spec.id)!.devices.map((d) => d.deviceId)).toEqual([me, peer]);
    digests.stop();
  });
});
