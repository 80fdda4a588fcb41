import { afterEach, describe, expect, it } from 'vitest';
import { envelopeSignedParts, openEnvelope, sealEnvelope } from '../../shared/crypto/envelope.js';
import { randomBytes } from '../../shared/crypto/sodium.js';
import type { Sodium } from '../../shared/crypto/sodium.js';
import type { DeviceKey, TopicId } from '../../shared/ids.js';
import { loadNativeSodium } from './native.js';
import { loadWasmSodium } from './wasm.js';
import { EnvelopePreverifier } from './verify-worker.js';

const native = loadNativeSodium();
const topic = randomBytes(32) as TopicId;
const key = randomBytes(32);
const device = native.signSeedKeypair(randomBytes(32));
const seal = (text: string) => sealEnvelope(native, { topic, epoch: 0, key, senderKey: device.publicKey as DeviceKey, senderSecret: device.secretKey, plaintext: new TextEncoder().encode(text) });
const opts = { expectedTopic: topic, attestedSender: device.publicKey as DeviceKey, keyForEpoch: () => key };

/** Counts the verifies that reach the real backend (those the checked record did not answer). */
function counting(inner: Sodium): { sodium: Sodium; calls: () => number } {
  let n = 0;
  const sodium = Object.create(inner) as Sodium;
  sodium.verify = (s, m, k) => (n++, inner.verify(s, m, k));
  return { sodium, calls: () => n };
}

describe('EnvelopePreverifier', () => {
  const open: EnvelopePreverifier[] = [];
  afterEach(async () => {
    for (const p of open.splice(0)) await p.close();
  });

  it('checks signatures on a worker; openEnvelope then verifies nothing itself for those, once each', async () => {
    const c = counting(native);
    const p = EnvelopePreverifier.create(c.sodium)!;
    open.push(p);
    const envelopes = Array.from({ length: 40 }, (_, i) => seal(`message ${i}`));
    await p.check(envelopes);
    for (const e of envelopes) expect(openEnvelope(p.sodium, e, opts).ok).toBe(true);
    expect(c.calls()).toBe(0);
    // The record is consumed: opening the same envelope again verifies in place.
    expect(openEnvelope(p.sodium, envelopes[0]!, opts).ok).toBe(true);
    expect(c.calls()).toBe(1);
  });

  it('never trusts a forged or altered envelope, checked ahead or not', async () => {
    const c = counting(native);
    const p = EnvelopePreverifier.create(c.sodium)!;
    open.push(p);
    const good = seal('hello');
    const forged = good.slice();
    forged[forged.length - 1]! ^= 1;
    const altered = good.slice();
    altered[100]! ^= 1; // ciphertext changed, signature copied: the checked triple no longer matches
    await p.check([forged, good]);
    expect(openEnvelope(p.sodium, forged, opts)).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(openEnvelope(p.sodium, altered, opts)).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(envelopeSignedParts(new Uint8Array(10))).toBeNull();
  });

  it('checks on a wasm worker too when the backend is libsodium-wrappers', async () => {
    const c = counting(await loadWasmSodium());
    const p = EnvelopePreverifier.create(c.sodium)!;
    open.push(p);
    const good = Array.from({ length: 20 }, (_, i) => seal(`wasm ${i}`));
    const forged = good[0]!.slice();
    forged[forged.length - 1]! ^= 1;
    await p.check([...good, forged]);
    for (const e of good) expect(openEnvelope(p.sodium, e, opts).ok).toBe(true);
    expect(c.calls()).toBe(0);
    expect(openEnvelope(p.sodium, forged, opts)).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(c.calls()).toBe(1);
  });

  it('closes cleanly at any point of its thread start-up (waits for the thread to have its backend)', async () => {
    const e = seal('early');
    for (let i = 0; i < 20; i++) {
      const p = EnvelopePreverifier.create(native)!;
      const checking = p.check([e]); // starts the thread
      // Closes spread over the thread's start-up; terminating it inside a native addon's load can abort the process.
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, (i * 7) % 60));
      await p.close();
      await checking; // settles (the record, or nothing) instead of hanging
      expect(openEnvelope(p.sodium, e, opts).ok).toBe(true);
    }
  });

  it('falls back to verifying in place once closed, and is not offered for an unknown backend', async () => {
    const c = counting(native);
    const p = EnvelopePreverifier.create(c.sodium)!;
    const e = seal('late');
    await p.close();
    await p.check([e]);
    expect(openEnvelope(p.sodium, e, opts).ok).toBe(true);
    expect(c.calls()).toBe(1);
    const other = Object.create(native) as Sodium;
    Object.defineProperty(other, 'name', { value: 'other' });
    expect(EnvelopePreverifier.create(other)).toBeNull();
  });
});
