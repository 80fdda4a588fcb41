// Bytes to sockets. Fan-out dominates the relay's CPU, so a frame sent to many sockets is turned into
// a complete WebSocket frame once and written as is (what ws itself does after framing each send),
// and sockets are corked while a batch is written, so one socket's frames of a batch share one write.
import type { Socket } from 'node:net';
import * as wsModule from 'ws';
import WebSocket from 'ws';

/** The parts of a ws 8 socket used here; present on every open server-side WebSocket of ws 8. */
type WsInternals = { _sender?: { sendFrame(list: Buffer[]): void }; _socket?: Socket | null };

/** How prepared frames reach a socket. */
export type Wire = {
  /** Called once per frame, whatever the number of recipients. */
  prepare(bytes: Uint8Array): Buffer;
  write(ws: WebSocket, prepared: Buffer): void;
  /** Several prepared frames to one socket in one write where the wire allows it. */
  writeMany(ws: WebSocket, prepared: Buffer[]): void;
};

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** An unmasked, final, binary server frame around data (RFC 6455 §5.2). */
export function binaryFrame(data: Uint8Array): Buffer {
  const length = data.length;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x82;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.set(data, header);
  return frame;
}

const OPEN = WebSocket.OPEN;

/** Writes ready-made frames through ws's own frame writer (no compression is negotiated, so ws never queues). */
export const RAW_WIRE: Wire = {
  prepare: binaryFrame,
  write: (ws, prepared) => {
    if (ws.readyState === OPEN) (ws as unknown as WsInternals)._sender!.sendFrame([prepared]);
  },
  writeMany: (ws, prepared) => {
    // Complete frames back to back are a valid stream: one buffer, one socket write.
    if (ws.readyState === OPEN) (ws as unknown as WsInternals)._sender!.sendFrame([prepared.length === 1 ? prepared[0]! : Buffer.concat(prepared)]);
  },
};

/** Plain ws.send: the fallback should a ws release lack the frame writer. */
export const SEND_WIRE: Wire = {
  prepare: asBuffer,
  write: (ws, prepared) => {
    if (ws.readyState === OPEN) ws.send(prepared);
  },
  writeMany: (ws, prepared) => {
    if (ws.readyState === OPEN) for (const p of prepared) ws.send(p);
  },
};

/** RAW_WIRE when this ws has the frame writer it relies on. */
export function chooseWire(): Wire {
  const sender = (wsModule as unknown as { Sender?: { prototype?: { sendFrame?: unknown } } }).Sender;
  return typeof sender?.prototype?.sendFrame === 'function' ? RAW_WIRE : SEND_WIRE;
}

/** The TCP socket under a ws socket (null once it is gone), for corking. */
export function tcpOf(ws: WebSocket): Socket | null {
  return (ws as unknown as WsInternals)._socket ?? null;
}

/** Something with a socket that can be corked: a Connection. */
export type Corkable = { corkRound: number; cork(): void; uncork(): void };

/** One synchronous write pass: each socket written to is corked once, and release() sends what every
 *  socket holds. Callers release in a finally, so no socket stays corked. */
export class WritePass {
  private readonly corked: Corkable[] = [];
  private round = 1;

  hold(target: Corkable): void {
    if (target.corkRound === this.round) return;
    target.corkRound = this.round;
    target.cork();
    this.corked.push(target);
  }

  release(): void {
    for (const target of this.corked) target.uncork();
    this.corked.length = 0;
    this.round++;
  }
}
