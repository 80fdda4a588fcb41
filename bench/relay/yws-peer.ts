// Peer for @y/websocket-server: speaks y-protocols sync like y-websocket's provider. Each publish is a
// real Yjs update (a Y.Map set of the bench payload under a new key, as a chat message would be).
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import type WebSocket from 'ws';
import { findPayload, makePayload, nowMs } from './payload.js';
import type { PayloadInfo } from './payload.js';
import { inBatches, openSocket, roomPath } from './peer.js';
import type { ConnectRoom, DeliveryListener, Peer, RoomSpec } from './peer.js';

/** y-websocket's outer message type for sync messages (awareness is 1). */
const MESSAGE_SYNC = 0;
const SYNC_TIMEOUT_MS = 15_000;

function syncMessage(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** Where the payload sits in an update message that adds one binary map value: just before the empty delete set. */
function payloadHint(message: Uint8Array, valueBytes: number): number {
  return message.length - 1 - valueBytes;
}

async function ywsPeer(url: string, id: number, valueBytes: number, onDelivery: DeliveryListener): Promise<Peer> {
  const doc = new Y.Doc();
  const messages = doc.getMap<Uint8Array>('messages');
  const info: PayloadInfo = { msgId: 0, sentAt: 0, publisher: 0 };
  let synced: () => void = () => {};
  const syncedOnce = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('y-websocket sync step 2 never came')), SYNC_TIMEOUT_MS);
    synced = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  const onMessage = (ws: WebSocket, data: Buffer): void => {
    if (data.length < 2 || data[0] !== MESSAGE_SYNC) return;
    const kind = data[1];
    if (kind === syncProtocol.messageYjsUpdate) {
      if (findPayload(data, payloadHint(data, valueBytes), info) && info.publisher !== id) onDelivery(info);
    } else if (kind === syncProtocol.messageYjsSyncStep1) {
      // Answer the server's state vector as the provider does (our doc has nothing it lacks, but we say so).
      const decoder = decoding.createDecoder(data);
      decoding.readVarUint(decoder);
      decoding.readVarUint(decoder);
      const stateVector = decoding.readVarUint8Array(decoder);
      ws.send(syncMessage((e) => syncProtocol.writeSyncStep2(e, doc, stateVector)));
    } else if (kind === syncProtocol.messageYjsSyncStep2) synced();
  };
  const ws = await openSocket(url, onMessage);
  doc.on('update', (update: Uint8Array) => ws.send(syncMessage((e) => syncProtocol.writeUpdate(e, update))));
  ws.send(syncMessage((e) => syncProtocol.writeSyncStep1(e, doc)));
  await syncedOnce;
  return {
    id,
    publish(msgId) {
      messages.set(String(msgId), makePayload(valueBytes, msgId, id, nowMs()));
    },
    close() {
      ws.terminate();
      doc.destroy();
    },
  };
}

export const connectYwsRoom: ConnectRoom = async (spec: RoomSpec, onDelivery) => {
  const url = spec.url + roomPath(spec.room);
  return inBatches(spec.devices, 16, (i) => ywsPeer(url, spec.firstId + i, spec.payloadBytes, onDelivery));
};

/** Size of the y-websocket update message that carries one bench value: the raw payload size for the other peers. */
export function ywsMessageBytes(valueBytes: number): number {
  const doc = new Y.Doc();
  doc.clientID = 2 ** 31; // random client ids take 5 bytes as a varint in all but 6% of docs: use such one
  let size = 0;
  doc.on('update', (update: Uint8Array) => {
    size = syncMessage((e) => syncProtocol.writeUpdate(e, update)).length;
  });
  doc.getMap<Uint8Array>('messages').set('100000', makePayload(valueBytes, 100000, 1000, nowMs()));
  doc.destroy();
  return size;
}
