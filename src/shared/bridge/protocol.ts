// Server side of the text bridges' frames (frames.ts): reading a request, with zod checking its envelope
// {id, method, params} before methods.ts checks the method and its params.
import { z } from 'zod';
import { err, type Result } from '../result.js';
import { decodeJson } from './json-bytes.js';
import type { BridgeErrorCode } from './methods.js';
import type { RequestFrame, RequestId } from './frames.js';

export * from './frames.js';

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
