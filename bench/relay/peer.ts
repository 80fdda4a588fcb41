// The load generator's view of a device: one WebSocket, publish a bench payload, report deliveries.
import WebSocket from 'ws';
import type { PayloadInfo } from './payload.js';

/** Called once per payload a peer receives from someone else. */
export type DeliveryListener = (info: PayloadInfo) => void;

export interface Peer {
  /** Unique across the whole load generator; written into every payload it publishes. */
  readonly id: number;
  /** Sends one message carrying msgId and the current time. */
  publish(msgId: number): void;
  close(): void;
}

export type RoomSpec = { url: string; room: number; devices: number; firstId: number; payloadBytes: number };

/** Connects every device of one room, ready to publish and receive (subscribed, synced). */
export type ConnectRoom = (spec: RoomSpec, onDelivery: DeliveryListener) => Promise<Peer[]>;

const CONNECT_TIMEOUT_MS = 15_000;

/** Opens a client socket without compression (no server here negotiates it either). onMessage is attached
 *  at once: a server's first frame can arrive in the same packet as the handshake, before 'open' resolves. */
export function openSocket(url: string, onMessage: (ws: WebSocket, data: Buffer) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('message', (data: Buffer) => onMessage(ws, data));
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`connect timeout: ${url}`));
    }, CONNECT_TIMEOUT_MS);
    ws.once('open', () => {
      clearTimeout(timer);
      // A socket the server drops mid-run shows up as lost messages, not as a crash of the load generator.
      ws.on('error', () => ws.terminate());
      resolve(ws);
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export function roomPath(room: number): string {
  return `/bench-room-${room}`;
}

/** Runs tasks with at most `limit` in flight, so a thousand handshakes do not all start at once. */
export async function inBatches<T>(count: number, limit: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      out[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return out;
}
