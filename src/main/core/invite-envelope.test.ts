import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../crypto/index.js';
import { randomBytes } from '../../shared/crypto/sodium.js';
import type { Sodium } from '../../shared/crypto/sodium.js';
import type { InvitePayload } from '../../shared/docs/app-message.js';
import type { AccountId, DeviceKey, TopicId } from '../../shared/ids.js';
import { accountIdOf } from '../../shared/records.js';
import { inboxBoxKeypair } from './identity.js';
import { openInvite, sealInvite } from './invite-envelope.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

function setup() {
  const account = sodium.signSeedKeypair(randomBytes(32));
  const kp = sodium.signSeedKeypair(randomBytes(32));
  const device = { publicKey: kp.publicKey as DeviceKey, secretKey: kp.secretKey };
  const box = inboxBoxKeypair(sodium, randomBytes(32));
  const inboxTopic = randomBytes(32) as TopicId;
  const from = accountIdOf(sodium, account.publicKey);
  const payload: InvitePayload = { chatId: randomBytes(16), chatKey: randomBytes(32), relays: ['ws://127.0.0.1:1'], title: null, members: [from, randomBytes(32) as AccountId], fromAccount: from, fromAccountKey: account.publicKey, sentAt: 1234 };
  return { account, device, box, inboxTopic, payload };
}

describe('invite envelope', () => {
  it('opens for the inbox it was sealed to, from the attested device', () => {
    const s = setup();
    const bytes = sealInvite(sodium, { payload: s.payload, inboxTopic: s.inboxTopic, inboxKey: s.box.publicKey, device: s.device });
    const opened = openInvite(sodium, bytes, { inboxTopic: s.inboxTopic, box: s.box, attestedSender: s.device.publicKey });
    expect(opened.ok).toBe(true);
    if (opened.ok) {
      expect(opened.value.payload).toEqual(s.payload);
      expect(opened.value.device).toEqual(s.device.publicKey);
    }
  });

  it('refuses another inbox key, another inbox topic, another sender, and tampering', () => {
    const s = setup();
    const bytes = sealInvite(sodium, { payload: s.payload, inboxTopic: s.inboxTopic, inboxKey: s.box.publicKey, device: s.device });
    const other = inboxBoxKeypair(sodium, randomBytes(32));
    expect(openInvite(sodium, bytes, { inboxTopic: s.inboxTopic, box: other, attestedSender: s.device.publicKey })).toMatchObject({ ok: false, code: 'UNREADABLE' });
    expect(openInvite(sodium, bytes, { inboxTopic: randomBytes(32) as TopicId, box: s.box, attestedSender: s.device.publicKey })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(openInvite(sodium, bytes, { inboxTopic: s.inboxTopic, box: s.box, attestedSender: randomBytes(32) as DeviceKey })).toMatchObject({ ok: false, code: 'SENDER_MISMATCH' });
    const tampered = bytes.slice();
    tampered[tampered.length - 1] = tampered.at(-1)! ^ 1;
    expect(openInvite(sodium, tampered, { inboxTopic: s.inboxTopic, box: s.box, attestedSender: s.device.publicKey }).ok).toBe(false);
  });

  it('refuses a payload whose fromAccount is not its account key', () => {
    const s = setup();
    const forged = { ...s.payload, fromAccountKey: sodium.signSeedKeypair(randomBytes(32)).publicKey };
    const bytes = sealInvite(sodium, { payload: forged, inboxTopic: s.inboxTopic, inboxKey: s.box.publicKey, device: s.device });
    expect(openInvite(sodium, bytes, { inboxTopic: s.inboxTopic, box: s.box, attestedSender: s.device.publicKey })).toMatchObject({ ok: false, code: 'MALFORMED' });
  });
});
