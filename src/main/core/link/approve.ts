// The existing device's side of a link (docs/MULTIDEVICE.md): from a link code to the SAS, then, once the
// user confirmed, the handover of the account's secrets sealed to the new device, and — after the new device
// acknowledged it — the new signed device list (published to every relay), the device's name in the account
// doc and its registration on every topic the account follows. Nothing changes here before that ack.
import { putDevice } from '../../../shared/docs/account-doc.js';
import type { CoreResult } from '../../../shared/core-api.js';
import type { DeviceKey } from '../../../shared/ids.js';
import { bytesEqual, toHex } from '../../../shared/ids.js';
import { MAX_DEVICES_PER_LIST } from '../../../shared/limits.js';
import { decodeLinkCode } from '../../../shared/link/link-code.js';
import { encodeHandover, LINK_EPOCH, linkCommit, linkSas, linkSessionKey, linkTopic, linkTranscript } from '../../../shared/link/link-protocol.js';
import { err, ok } from '../../../shared/result.js';
import { changeAccount } from '../context.js';
import type { CoreContext } from '../context.js';
import { ownDeviceList, registerDevices } from '../devices.js';
import { nextDeviceListVersion, signDeviceList, storeDeviceListRecord, storedRecord } from '../identity.js';
import { publishRecords } from '../profile.js';
import { Rendezvous } from './rendezvous.js';
import { generateEphemeral, sharedSecret } from './x25519.js';

export type LinkApproval = {
  sas: string;
  deviceId: string;
  name: string;
  /** Hands the account over (accept) or tells the new device no; resolves once the new device acknowledged. */
  finish(accept: boolean, timeoutMs: number): Promise<CoreResult<{ deviceId: string; name: string }>>;
  /** Drops the exchange without an answer (the new device times out). */
  cancel(): void;
};

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** Reads the code, meets the new device on its rendezvous topic and derives the SAS; changes nothing. */
export async function beginApproval(ctx: CoreContext, code: string, timeoutMs: number): Promise<CoreResult<LinkApproval>> {
  const parsed = decodeLinkCode(typeof code === 'string' ? code : '');
  if (!parsed.ok) return err('INVALID_ARGUMENT', parsed.code === 'CHECKSUM' ? parsed.message : `not a Cairn link code: ${parsed.message}`);
  const { secret, relay, expiresAt } = parsed.value;
  if (expiresAt <= ctx.now()) return err('NOT_ALLOWED', `this link code expired at ${new Date(expiresAt).toISOString()}: show a new one on the new device`);
  const { sodium, engine } = ctx;
  const deadline = Date.now() + timeoutMs;
  if (!(await engine.pool.whenOpen(relay, timeoutMs))) {
    engine.pool.dropIfIdle(relay);
    return err('RELAY_UNREACHABLE', `cannot reach ${relay}, the relay of the link code`);
  }
  const topic = linkTopic(sodium, secret);
  const rv = new Rendezvous({ sodium, client: engine.pool.get(relay)!.client, device: ctx.id.device, topic });
  const fail = <T>(code: 'TIMEOUT' | 'RELAY_UNREACHABLE' | 'INVALID_ARGUMENT' | 'NOT_ALLOWED', message: string): CoreResult<T> => {
    rv.close();
    engine.pool.dropIfIdle(relay);
    return err(code, message);
  };
  const opened = await rv.open();
  if (!opened.ok) return fail('RELAY_UNREACHABLE', `${relay}: ${opened.message}`);

  const ephemeral = generateEphemeral();
  const commit = linkCommit(sodium, ephemeral.publicKey);
  let offer = null;
  // HELLO is repeated until an offer comes: an EPHEMERAL frame reaches only devices subscribed at that moment.
  while (offer === null && Date.now() < deadline) {
    rv.send(null, { type: 'hello', commit });
    offer = await rv.next((r) => r.message.type === 'offer', Math.min(1000, deadline - Date.now()));
  }
  if (offer === null || offer.message.type !== 'offer') {
    return fail('TIMEOUT', `no new device answered this link code within ${seconds(timeoutMs)}: it is mistyped, expired, used already, or its device stopped waiting`);
  }
  const peer = offer.from;
  const { ephemeral: peerEphemeral, boxKey, name } = offer.message;
  if (ownDeviceList(ctx).list.devices.some((d) => bytesEqual(d.signKey, peer))) {
    rv.send(peer, { type: 'abort', reason: 'this device is linked already' });
    return fail('INVALID_ARGUMENT', 'the device showing this code is linked to this account already');
  }
  const shared = sharedSecret(ephemeral.secretKey, peerEphemeral);
  if (shared === null) {
    rv.send(peer, { type: 'abort', reason: 'unusable key' });
    return fail('INVALID_ARGUMENT', 'the new device sent an unusable key');
  }
  rv.send(peer, { type: 'reveal', ephemeral: ephemeral.publicKey });
  const transcript = linkTranscript(sodium, topic.key, { existingDevice: ctx.id.device.publicKey, commit, newDevice: peer, newEphemeral: peerEphemeral, newBoxKey: boxKey, existingEphemeral: ephemeral.publicKey });
  rv.setSessionKey(linkSessionKey(sodium, topic.key, shared, transcript));

  let done = false;
  const close = () => {
    done = true;
    rv.close();
    engine.pool.dropIfIdle(relay);
  };
  return ok({
    sas: linkSas(sodium, transcript),
    deviceId: toHex(peer),
    name,
    cancel: close,
    async finish(accept, finishTimeoutMs) {
      if (done) return err('NOT_ALLOWED', 'this link was finished or cancelled already');
      if (!accept) {
        rv.send(peer, { type: 'abort', reason: 'declined on the existing device' });
        close();
        return err('NOT_ALLOWED', 'link declined: nothing changed on either device');
      }
      try {
        return await handOver(ctx, rv, peer, boxKey, name, finishTimeoutMs);
      } finally {
        close();
      }
    },
  });
}

async function handOver(ctx: CoreContext, rv: Rendezvous, peer: DeviceKey, boxKey: Uint8Array, name: string, timeoutMs: number): Promise<CoreResult<{ deviceId: string; name: string }>> {
  const { sodium, db, id } = ctx;
  const { version, list } = ownDeviceList(ctx);
  const devices = [...list.devices.filter((d) => !bytesEqual(d.signKey, peer)), { signKey: peer, boxKey }];
  if (devices.length > MAX_DEVICES_PER_LIST) return err('NOT_ALLOWED', `an account has at most ${MAX_DEVICES_PER_LIST} devices`);
  const record = signDeviceList(sodium, id, devices, nextDeviceListVersion(db, ctx.now(), version));
  const handover = encodeHandover({
    // libsodium's Ed25519 secret key is the seed followed by the public key.
    accountSeed: id.account.secretKey.slice(0, 32),
    inboxSecret: id.inbox.secret,
    accountDocKey: id.accountDoc.key,
    relays: ctx.relays(),
    deviceList: record,
    profile: storedRecord(db, 'profileRecord'),
  });
  if (!rv.send(peer, { type: 'handover', sealed: sodium.boxSeal(handover, boxKey) }, LINK_EPOCH.session)) return err('RELAY_UNREACHABLE', 'the connection to the relay of the link code dropped');
  const answer = await rv.next((r) => bytesEqual(r.from, peer) && (r.message.type === 'done' || r.message.type === 'abort'), timeoutMs);
  if (answer === null) return err('TIMEOUT', `the new device did not acknowledge the handover within ${seconds(timeoutMs)}; if it did get it, it finishes the link itself`);
  if (answer.message.type === 'abort') return err('NOT_ALLOWED', `the new device refused the handover: ${answer.message.reason}`);

  const deviceId = toHex(peer);
  ctx.engine.registry.transaction(() => {
    storeDeviceListRecord(db, record);
    changeAccount(ctx, (doc) => putDevice(doc, { device: deviceId, name, addedAt: ctx.now() }));
  });
  ctx.directory.accept(record, undefined, false);
  await Promise.all([
    ...ctx.relays().map(async (url) => {
      if (await ctx.engine.pool.whenOpen(url, ctx.timing.requestTimeoutMs)) await publishRecords(ctx, url);
    }),
    registerDevices(ctx, ctx.me.account, [peer]),
  ]);
  ctx.log.info({ device: deviceId, name }, 'linked a new device');
  return ok({ deviceId, name });
}
