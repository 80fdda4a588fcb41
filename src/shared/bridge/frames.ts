// Frames of the text bridges (the control socket's JSON lines, `cairn serve`'s WebSocket messages):
//   request  {"id": 1, "method": "send", "params": [...]}   (client → server)
//   response {"id": 1, "result": {"ok": true, "value": ...}} (server → client, one per request, any order)
//   event    {"event": "messages", "payload": {...}}        (server → client, WebSocket only)
// Byte arrays travel as {"$bytes": "<base64>"} (json-bytes.ts). Without zod, so the renderer can use it;
// servers validate requests with protocol.ts. See docs/CLI.md.
import { err, ok, type Result } from '../result.js';
import { decodeJson, encodeJson } from './json-bytes.js';

/** Version of these frames; `ping` (control socket) and `auth` (WebSocket) answer with it. */
export const BRIDGE_PROTOCOL = 1;
/** Largest request a server reads (a full-size message with every character escaped fits). */
export const MAX_REQUEST_BYTES = 1024 * 1024;

export type BridgeResult = Result<unknown, string>;
export type RequestId = number | string;
export type RequestFrame = { id: RequestId; method: string; params: unknown[] };
export type ResponseFrame = { id: RequestId | null; result: BridgeResult };
export type EventFrame = { event: string; payload: unknown };

export const encodeResponse = (frame: ResponseFrame): string => encodeJson(frame);
export const encodeEvent = (frame: EventFrame): string => encodeJson(frame);
export const encodeRequest = (frame: RequestFrame): string => encodeJson(frame);

/** Positional params without trailing undefined arguments (JSON would turn them into null, which schemas refuse). */
export function callParams(args: readonly unknown[]): unknown[] {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  return args.slice(0, n);
}

function resultOf(r: unknown): BridgeResult | null {
  if (typeof r !== 'object' || r === null) return null;
  const { ok: isOk, value, code, message } = r as { ok?: unknown; value?: unknown; code?: unknown; message?: unknown };
  if (isOk === true) return ok(value);
  if (isOk === false && typeof code === 'string' && typeof message === 'string') return err(code, message);
  return null;
}

/** What a client reads from a server: a response, an event, or null for anything else. */
export function parseServerFrame(text: string): ({ kind: 'response' } & ResponseFrame) | ({ kind: 'event' } & EventFrame) | null {
  const decoded = decodeJson(text);
  if (!decoded || typeof decoded.value !== 'object' || decoded.value === null) return null;
  const v = decoded.value as { id?: unknown; result?: unknown; event?: unknown; payload?: unknown };
  if (typeof v.event === 'string') return { kind: 'event', event: v.event, payload: v.payload };
  const result = resultOf(v.result);
  if (result === null) return null;
  return { kind: 'response', id: typeof v.id === 'number' || typeof v.id === 'string' ? v.id : null, result };
}
