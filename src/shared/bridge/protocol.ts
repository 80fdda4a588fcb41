// Frames of the text bridges (the control socket's JSON lines, `cairn serve`'s WebSocket messages):
//   request  {"id": 1, "method": "send", "params": [...]}   (client → server)
//   response {"id": 1, "result": {"ok": true, "value": ...}} (server → client, one per request, any order)
//   event    {"event": "messages", "payload": {...}}        (server → client, WebSocket only)
// Byte arrays travel as {"$bytes": "<base64>"} (json-bytes.ts). See docs/CLI.md.
import { z } from 'zod';
import { err, ok, type Result } from '../result.js';
import { decodeJson, encodeJson } from './json-bytes.js';
import type { BridgeErrorCode, BridgeResult } from './methods.js';

/** Version of the frames above; `ping` (control socket) and `auth` (WebSocket) answer with it. */
export const BRIDGE_PROTOCOL = 1;
/** Largest request a server reads (a full-size message with every character escaped fits). */
export const MAX_REQUEST_BYTES = 1024 * 1024;

export type RequestId = number | string;
export type RequestFrame = { id: RequestId; method: string; params: unknown[] };
export type ResponseFrame = { id: RequestId | null; result: BridgeResult };
export type EventFrame = { event: string; payload: unknown };

const envelope = z
  .object({
    id: z.union([z.int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().min(1).max(64)]),
    method: z.string().min(1).max(64),
    params: z.array(z.unknown()).max(8).default([]),
  })
  .strict();

/** A request whose envelope is well formed, or the error to answer (id null when it could not be read). */
export type ParsedEnvelope = RequestFrame | { id: RequestId | null; error: Result<never, BridgeErrorCode> };

/** Reads one request: JSON, then the envelope {id, method, params} with no other keys. */
export function parseRequestFrame(text: string): ParsedEnvelope {
  const decoded = decodeJson(text);
  if (!decoded) return { id: null, error: err('BAD_REQUEST', 'the request is not JSON') };
  const env = envelope.safeParse(decoded.value);
  if (env.success) return env.data;
  const raw = decoded.value as { id?: unknown } | null;
  const id = typeof raw === 'object' && raw !== null && (typeof raw.id === 'number' || typeof raw.id === 'string') ? raw.id : null;
  const first = env.error.issues[0];
  return { id, error: err('BAD_REQUEST', `not a request {id, method, params}: ${first ? `${first.path.join('.') || 'frame'}: ${first.message}` : 'invalid'}`) };
}

export const encodeResponse = (frame: ResponseFrame): string => encodeJson(frame);
export const encodeEvent = (frame: EventFrame): string => encodeJson(frame);
export const encodeRequest = (frame: RequestFrame): string => encodeJson(frame);

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
