// A bare WebSocket speaking the codec directly, for what the real client never sends: garbage bytes,
// wrong versions, truncated or oversized frames, frames before AUTH.
import WebSocket from 'ws';
import { decodeRelayFrame, encodeFrame } from '../../../src/shared/codec.js';
import { FrameType } from '../../../src/shared/frames.js';
import type { ChallengeFrame, ClientFrame, RelayFrame } from '../../../src/shared/frames.js';
import { within, waitFor } from './wait.js';

export type RawSocket = {
  ws: WebSocket;
  /** Every relay frame received, decoded, in arrival order. */
  frames: RelayFrame[];
  challenge: ChallengeFrame;
  closed: Promise<{ code: number; reason: string }>;
  isOpen(): boolean;
  send(data: Uint8Array | ClientFrame): void;
  /** Index to pass to waitFrame so it only looks at frames that arrive after now. */
  mark(): number;
  /** First frame at index ≥ from satisfying match. */
  waitFrame<F extends RelayFrame>(match: (f: RelayFrame) => f is F, from?: number, timeoutMs?: number): Promise<F>;
  waitFrame(match: (f: RelayFrame) => boolean, from?: number, timeoutMs?: number): Promise<RelayFrame>;
  close(): Promise<void>;
};

/** Opens a socket and waits for the relay's CHALLENGE. */
export async function openRawSocket(url: string, maxPayload = 64 * 1024 * 1024): Promise<RawSocket> {
  const ws = new WebSocket(url, { maxPayload, perMessageDeflate: false });
  const frames: RelayFrame[] = [];
  ws.on('message', (data: Buffer, isBinary) => {
    if (!isBinary) throw new Error('the relay sent a text frame');
    const r = decodeRelayFrame(data, Number.MAX_SAFE_INTEGER);
    if (!r.ok) throw new Error(`the relay sent an undecodable frame: ${r.message}`);
    frames.push(r.value);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await within(new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject))), 5_000, `a socket to ${url}`);

  const waitFrame = (match: (f: RelayFrame) => boolean, from = 0, timeoutMs = 5_000) =>
    waitFor(() => frames.slice(from).find(match), { timeoutMs, message: 'a matching relay frame' });
  const challenge = (await waitFrame((f) => f.type === FrameType.Challenge)) as ChallengeFrame;

  return {
    ws,
    frames,
    challenge,
    closed,
    isOpen: () => ws.readyState === WebSocket.OPEN,
    send: (data) => ws.send(data instanceof Uint8Array ? data : encodeFrame(data)),
    mark: () => frames.length,
    waitFrame: waitFrame as RawSocket['waitFrame'],
    close: async () => {
      if (ws.readyState !== WebSocket.CLOSED) ws.close();
      await closed;
    },
  };
}

export const isType =
  <T extends RelayFrame['type']>(type: T) =>
  (f: RelayFrame): f is Extract<RelayFrame, { type: T }> =>
    f.type === type;
