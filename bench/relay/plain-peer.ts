// Peer for the plain forwarder: raw binary payloads, room taken from the URL path.
import { makePayload, nowMs, readPayloadAt } from './payload.js';
import type { PayloadInfo } from './payload.js';
import { inBatches, openSocket, roomPath } from './peer.js';
import type { ConnectRoom, DeliveryListener, Peer, RoomSpec } from './peer.js';

async function plainPeer(url: string, id: number, payloadBytes: number, onDelivery: DeliveryListener): Promise<Peer> {
  const info: PayloadInfo = { msgId: 0, sentAt: 0, publisher: 0 };
  const ws = await openSocket(url, (_ws, data) => {
    if (readPayloadAt(data, 0, info) && info.publisher !== id) onDelivery(info);
  });
  return {
    id,
    publish(msgId) {
      ws.send(makePayload(payloadBytes, msgId, id, nowMs()));
    },
    close() {
      ws.terminate();
    },
  };
}

export const connectPlainRoom: ConnectRoom = async (spec: RoomSpec, onDelivery) => {
  const url = spec.url + roomPath(spec.room);
  return inBatches(spec.devices, 16, (i) => plainPeer(url, spec.firstId + i, spec.payloadBytes, onDelivery));
};
