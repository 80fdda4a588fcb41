// The plain `ws` forwarder peer: stores nothing, rebroadcasts each binary message to the other sockets of
// its room (the URL path). The WebSocket frame is built once per fan-out and written to every socket.
import WebSocket, { WebSocketServer } from 'ws';

/** ws keeps its frame writer private; its sendFrame writes ready-made frame bytes to the socket as-is. */
type FrameWriter = { _sender: { sendFrame(list: Buffer[]): void } };

/** An unmasked, final, binary server frame around data (RFC 6455 §5.2). */
function binaryFrame(data: Buffer): Buffer {
  const length = data.length;
  const headerBytes = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerBytes + length);
  frame[0] = 0x82;
  if (headerBytes === 2) frame[1] = length;
  else if (headerBytes === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  data.copy(frame, headerBytes);
  return frame;
}

function startForwarder(port: number): WebSocketServer {
  const rooms = new Map<string, Set<WebSocket>>();
  const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false, maxPayload: 1 << 20 });
  wss.on('connection', (ws, request) => {
    const name = request.url ?? '/';
    let room = rooms.get(name);
    if (room === undefined) {
      room = new Set();
      rooms.set(name, room);
    }
    const members = room;
    members.add(ws);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary || members.size < 2) return;
      const frame = binaryFrame(data);
      for (const other of members) {
        if (other !== ws && other.readyState === WebSocket.OPEN) (other as unknown as FrameWriter)._sender.sendFrame([frame]);
      }
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      members.delete(ws);
      if (members.size === 0) rooms.delete(name);
    });
  });
  wss.on('listening', () => {
    const address = wss.address();
    if (typeof address === 'object' && address !== null) process.stdout.write(`plain forwarder listening on ws://127.0.0.1:${address.port}\n`);
  });
  return wss;
}

// Entry point: the bench starts this file as its own process.
startForwarder(0);
const stop = (): never => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
