// The control socket protocol (<home>/cairn.sock, mode 0600): JSON lines, one request {id, method, params}
// answered by one {id, result} where result is a Result value. The frames, the method allow-list with its zod
// schemas and the {"$bytes": base64} codec are the ones every bridge shares (src/shared/bridge/); this file
// adds the line framing and `ping`. See docs/CLI.md.
import type { CoreApi } from '../../shared/core-api.js';
import { decodeJson, encodeJson } from '../../shared/bridge/json-bytes.js';
import { CORE_METHODS, validateCall, type BridgeErrorCode, type BridgeResult } from '../../shared/bridge/methods.js';
import { BRIDGE_PROTOCOL, MAX_REQUEST_BYTES as MAX_BRIDGE_REQUEST_BYTES, parseRequestFrame, parseServerFrame, type ResponseFrame } from '../../shared/bridge/protocol.js';
import type { CoreMethodName } from '../../shared/bridge/names.js';
import { ok, type Result } from '../../shared/result.js';

export const CONTROL_PROTOCOL = BRIDGE_PROTOCOL;
/** Largest request line the owner reads (a full-size message with every character escaped fits). */
export const MAX_REQUEST_BYTES = MAX_BRIDGE_REQUEST_BYTES;

/** Protocol-level errors, beside the core's own codes. */
export type ControlErrorCode = Exclude<BridgeErrorCode, 'UNAUTHORIZED'>;

export type ControlRequest = { id: number | string; method: string; params: unknown[] };
export type ControlResponse = ResponseFrame;

/** The allow-list: CoreApi's methods except `on` (events are not carried over the socket). */
export const CONTROL_METHODS = CORE_METHODS;

export type ControlMethod = CoreMethodName | 'ping';

/** JSON with byte arrays as {"$bytes": base64}, one line. */
export function encodeLine(value: unknown): string {
  return `${encodeJson(value)}\n`;
}

/** JSON.parse turning {"$bytes": base64} back into a Uint8Array; null when the line is not JSON. */
export const decodeLine = decodeJson;

export type ParsedRequest = { id: number | string; call(core: CoreApi): Promise<BridgeResult> } | { id: number | string | null; error: Result<never, ControlErrorCode> };

/** Validates one request line: the envelope, the method against the allow-list, the params against its schema. */
export function parseRequest(line: string, ping: () => unknown): ParsedRequest {
  const request = parseRequestFrame(line);
  if ('error' in request) return { id: request.id, error: request.error as Result<never, ControlErrorCode> };
  const { id, method, params } = request;
  if (method === 'ping') {
    if (params.length > 0) return { id, error: { ok: false, code: 'INVALID_ARGUMENT', message: 'ping takes no params' } };
    return { id, call: async () => ok(ping()) };
  }
  const checked = validateCall(CONTROL_METHODS, method, params);
  if (!checked.ok) return { id, error: checked };
  return { id, call: checked.value };
}

/** Checks a response line from the owner: {id, result} with a Result value. */
export function parseResponse(line: string): ControlResponse | null {
  const frame = parseServerFrame(line);
  return frame?.kind === 'response' ? { id: frame.id, result: frame.result } : null;
}
