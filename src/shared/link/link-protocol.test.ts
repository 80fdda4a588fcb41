import { beforeAll, describe, expect, it } from 'vitest';
import { loadNativeSodium } from '../../main/crypto/native.js';
import { randomBytes } from '../crypto/sodium.js';
import type { Sodium } from '../crypto/sodium.js';
import { decodeHandover, decodeLinkMessage, encodeHandover, encodeLinkMessage, linkCommit, linkSas, linkSessionKey, linkTopic, linkTranscript } from './link-protocol.js';
import type { Handover, LinkMessage, TranscriptInput } from './link-protocol.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadNativeSodium();
});

const k = (b: number) => new Uint8Array(32).fill(b);

describe('link derivations', () => {
  it('derive the rendezvous key and topic from the secret alone, differently per secret', () => {
    const secret = randomBytes(16);
    const a = linkTopic(sodium, secret);
    const b = linkTopic(sodium, secret);
    expect(a.key).toEqual(b.key);
    expect(a.capability.topic).toEqual(b.capability.topic);
    expect(linkTopic(sodium, randomBytes(16)).capability.topic).not.toEqual(a.capability.topic);
  });

  it('give a six-digit SAS that changes with either ephemeral key', () => {
    const key = k(9);
    const t: TranscriptInput = { existingDevice: k(1), commit: linkCommit(sodium, k(2)), newDevice: k(3), newEphemeral: k(4), newBoxKey: k(5), existingEphemeral: k(2) };
    const sas = linkSas(sodium, linkTranscript(sodium, key, t));
    expect(sas).toMatch(/^\d{3} \d{3}$/);
    expect(linkSas(sodium, linkTranscript(sodium, key, t))).toBe(sas);
    const others = [{ ...t, newEphemeral: k(6) }, { ...t, existingEphemeral: k(7) }, { ...t, newBoxKey: k(8) }].map((x) => linkTranscript(sodium, key, x));
    for (const o of others) expect(o).not.toEqual(linkTranscript(sodium, key, t));
    expect(linkSessionKey(sodium, key, k(1), others[0]!)).not.toEqual(linkSessionKey(sodium, key, k(1), others[1]!));
  });
});

describe('link messages', () => {
  it('round-trip every type', () => {
    const messages: LinkMessage[] = [
      { type: 'hello', commit: k(1) },
      { type: 'offer', ephemeral: k(2), boxKey: k(3), name: 'laptop ✓' },
      { type: 'reveal', ephemeral: k(4) },
      { type: 'handover', sealed: randomBytes(300) },
      { type: 'done' },
      { type: 'abort', reason: 'declined' },
    ];
    for (const m of messages) expect(decodeLinkMessage(encodeLinkMessage(m))).toEqual({ ok: true, value: m });
  });

  it('refuse truncated, trailing and unknown bytes', () => {
    const hello = encodeLinkMessage({ type: 'hello', commit: k(1) });
    expect(decodeLinkMessage(hello.subarray(0, 10)).ok).toBe(false);
    expect(decodeLinkMessage(new Uint8Array([...hello, 0])).ok).toBe(false);
    expect(decodeLinkMessage(new Uint8Array([9])).ok).toBe(false);
    expect(decodeLinkMessage(new Uint8Array([])).ok).toBe(false);
  });

  it('round-trip a handover, with and without a profile', () => {
    const h: Handover = { accountSeed: k(1), inboxSecret: k(2), accountDocKey: k(3), relays: ['ws://127.0.0.1:1', 'wss://r.example'], deviceList: randomBytes(200), profile: randomBytes(50) };
    expect(decodeHandover(encodeHandover(h))).toEqual({ ok: true, value: h });
    expect(decodeHandover(encodeHandover({ ...h, profile: null }))).toEqual({ ok: true, value: { ...h, profile: null } });
    const bytes = encodeHandover(h);
    expect(decodeHandover(bytes.subarray(0, 50)).ok).toBe(false);
    const other = bytes.slice();
    other[0] = 7;
    expect(decodeHandover(other)).toMatchObject({ ok: false, code: 'UNSUPPORTED' });
  });
});
