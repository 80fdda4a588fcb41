import { beforeAll, describe, expect, it } from 'vitest';
import { loadNativeSodium } from '../../main/crypto/native.js';
import type { Sodium } from '../crypto/sodium.js';
import type { DeviceKey, TopicId } from '../ids.js';
import { decodeAppMessage } from './app-message.js';
import { decodeKeyEpoch, encodeKeyEpoch, KEY_EPOCH_KIND, openKeyEpoch } from './key-epoch.js';

let sodium: Sodium;
beforeAll(() => {
  sodium = loadNativeSodium();
});

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

function device(seed: number) {
  const sign = sodium.signSeedKeypair(bytes(32, seed));
  return { signKey: sign.publicKey as DeviceKey, box: sodium.boxSeedKeypair(bytes(32, seed + 100)) };
}

describe('KEY_EPOCH app message', () => {
  it('gives each listed device the new key and nothing to an unlisted one', () => {
    const [a, b, revoked] = [device(1), device(2), device(3)];
    const oldTopic = bytes(32, 7) as TopicId;
    const key = bytes(32, 9);
    const message = encodeKeyEpoch(sodium, {
      scope: 'chat',
      oldTopic,
      epoch: 3,
      key,
      inboxSecret: null,
      deviceList: bytes(10, 5),
      recipients: [a, b].map((d) => ({ signKey: d.signKey, boxKey: d.box.publicKey })),
    });
    expect(message[0]).toBe(KEY_EPOCH_KIND);
    const app = decodeAppMessage(message);
    if (!app.ok || app.value.kind !== 'keyEpoch') throw new Error('not a key epoch');
    const decoded = decodeKeyEpoch(app.value.body);
    if (!decoded.ok) throw new Error(decoded.message);
    expect(decoded.value).toMatchObject({ scope: 'chat', epoch: 3, deviceList: bytes(10, 5) });
    expect(decoded.value.boxes.map((x) => x.device)).toEqual([a.signKey, b.signKey]);
    for (const d of [a, b]) {
      const opened = openKeyEpoch(sodium, decoded.value, d, oldTopic);
      expect(opened.ok && opened.value).toEqual({ scope: 'chat', oldTopic, epoch: 3, key, inboxSecret: null });
    }
    expect(openKeyEpoch(sodium, decoded.value, revoked, oldTopic)).toMatchObject({ ok: false, code: 'NOT_FOR_ME' });
    // A box lifted into a message for another topic is refused.
    expect(openKeyEpoch(sodium, decoded.value, a, bytes(32, 8) as TopicId)).toMatchObject({ ok: false, code: 'MISMATCH' });
    // A box that is not this device's does not open with its key.
    const swapped = { ...decoded.value, boxes: [{ device: a.signKey, sealed: decoded.value.boxes[1]!.sealed }] };
    expect(openKeyEpoch(sodium, swapped, a, oldTopic)).toMatchObject({ ok: false, code: 'DECRYPT_FAILED' });
  });

  it('carries the inbox secret in the account scope', () => {
    const a = device(4);
    const oldTopic = bytes(32, 1) as TopicId;
    const message = encodeKeyEpoch(sodium, { scope: 'account', oldTopic, epoch: 1, key: bytes(32, 2), inboxSecret: bytes(32, 3), deviceList: new Uint8Array(0), recipients: [{ signKey: a.signKey, boxKey: a.box.publicKey }] });
    const decoded = decodeKeyEpoch(message.subarray(1));
    if (!decoded.ok) throw new Error(decoded.message);
    const opened = openKeyEpoch(sodium, decoded.value, a, oldTopic);
    expect(opened.ok && opened.value.inboxSecret).toEqual(bytes(32, 3));
    expect(() => encodeKeyEpoch(sodium, { scope: 'account', oldTopic, epoch: 1, key: bytes(32, 2), inboxSecret: null, deviceList: new Uint8Array(0), recipients: [] })).toThrow(TypeError);
  });

  it('refuses truncated, padded and unknown-format bodies', () => {
    const message = encodeKeyEpoch(sodium, { scope: 'chat', oldTopic: bytes(32, 1) as TopicId, epoch: 1, key: bytes(32, 2), inboxSecret: null, deviceList: bytes(3, 1), recipients: [] });
    const body = message.subarray(1);
    expect(decodeKeyEpoch(body).ok).toBe(true);
    expect(decodeKeyEpoch(body.subarray(0, body.length - 1))).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(decodeKeyEpoch(new Uint8Array([...body, 0]))).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(decodeKeyEpoch(new Uint8Array([2, ...body.subarray(1)]))).toMatchObject({ ok: false, code: 'UNSUPPORTED' });
    expect(decodeKeyEpoch(new Uint8Array([1, 9, 1, 0, 0]))).toMatchObject({ ok: false, code: 'MALFORMED' });
  });
});
