// What the client bench sends and receives: chat-like message texts (seeded, so every run and both crypto
// backends see the same bytes), the peer whose device writes them, and the peer's messages as sealed relay
// UPDATE frames, built with the real chat-doc and envelope code.
import * as Y from 'yjs';
import { sealEnvelope } from '../../src/shared/crypto/envelope.js';
import { randomBytes } from '../../src/shared/crypto/sodium.js';
import type { Sodium } from '../../src/shared/crypto/sodium.js';
import { encodeSyncUpdate } from '../../src/shared/docs/app-message.js';
import { addMessage } from '../../src/shared/docs/chat-doc.js';
import { FrameType } from '../../src/shared/frames.js';
import type { UpdateFrame } from '../../src/shared/frames.js';
import type { DeviceKey, Seq, TopicId } from '../../src/shared/ids.js';
import { toHex } from '../../src/shared/ids.js';
import { accountIdOf } from '../../src/shared/records.js';

const WORDS = (
  'the a to and of in is it you that for on was with he be at by this had not are but from or have an they which one ' +
  'were all we when there can said if do will each about how up out them then she many some so these would other into ' +
  'has more her two like him see time could no make than first been its who now people my made over did down only way ' +
  'find use may water long little very after words called just where most know meeting tomorrow lunch tonight photo ' +
  'coffee train late sorry thanks great okay sure maybe call later weekend ticket address build release bug fixed'
).split(' ');

/** A deterministic generator of chat texts (mulberry32), 3-24 words: about 80 characters on average. */
export class TextSource {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  #next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  text(): string {
    const n = 3 + Math.floor(this.#next() * 22);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(this.#next() * WORDS.length)]!);
    return out.join(' ');
  }
}

/** The other member of the bench chat: an account with one device. */
export type Peer = { account: string; device: DeviceKey; deviceHex: string; secretKey: Uint8Array };

export function newPeer(sodium: Sodium): Peer {
  const account = sodium.signSeedKeypair(randomBytes(32));
  const device = sodium.signSeedKeypair(randomBytes(32));
  return { account: toHex(accountIdOf(sodium, account.publicKey)), device: device.publicKey as DeviceKey, deviceHex: toHex(device.publicKey), secretKey: device.secretKey };
}

/** Runs of `perUpdate` new messages by the peer, one Yjs update per run (as a compacted history holds them). */
export function historyUpdates(peer: Peer, total: number, perUpdate: number, firstSentAt: number, stepMs: number, seed: number): Uint8Array[] {
  const doc = new Y.Doc();
  const texts = new TextSource(seed);
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let done = 0; done < total; ) {
    const n = Math.min(perUpdate, total - done);
    doc.transact(() => {
      for (let i = 0; i < n; i++, done++) {
        const r = addMessage(doc, { author: peer.account, device: peer.deviceHex, sentAt: firstSentAt + done * stepMs, text: texts.text() });
        if (!r.ok) throw new Error(`history message refused: ${r.message}`);
      }
    });
  }
  doc.destroy();
  return updates;
}

export type StreamSpec = { topic: TopicId; key: Uint8Array; count: number; firstSentAt: number; seed: number };

/** The peer's live messages, one update each from one Yjs client, sealed as the peer's device and framed as
 *  relay UPDATEs with seq 1..count. They apply in order on any copy of the chat. */
export function peerFrames(sodium: Sodium, peer: Peer, s: StreamSpec): UpdateFrame[] {
  const doc = new Y.Doc();
  const texts = new TextSource(s.seed);
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < s.count; i++) {
    const r = addMessage(doc, { author: peer.account, device: peer.deviceHex, sentAt: s.firstSentAt + i, text: texts.text() });
    if (!r.ok) throw new Error(`live message refused: ${r.message}`);
  }
  doc.destroy();
  const createdAt = Date.now();
  return updates.map((u, i) => ({
    type: FrameType.Update,
    topic: s.topic,
    seq: (i + 1) as Seq,
    sender: peer.device,
    createdAt,
    payload: sealEnvelope(sodium, { topic: s.topic, epoch: 0, key: s.key, senderKey: peer.device, senderSecret: peer.secretKey, plaintext: encodeSyncUpdate(u) }),
  }));
}
