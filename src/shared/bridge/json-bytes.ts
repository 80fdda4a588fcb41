// JSON as every Cairn bridge carries it (control socket, `cairn serve`'s WebSocket): plain JSON where byte
// arrays travel as {"$bytes": "<base64>"}.
import { base64Decode, base64Encode } from './base64.js';

/** JSON.stringify with byte arrays (Buffer included) as {"$bytes": base64}. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key]; // before toJSON, so a Node Buffer is seen as bytes too
    return raw instanceof Uint8Array ? { $bytes: base64Encode(raw) } : v;
  });
}

/** JSON.parse turning {"$bytes": base64} back into a Uint8Array; null when the text is not JSON. */
export function decodeJson(text: string): { value: unknown } | null {
  try {
    return {
      value: JSON.parse(text, (_key, v: unknown) => {
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
          const b = (v as { $bytes?: unknown }).$bytes;
          if (typeof b === 'string' && Object.keys(v).length === 1) return base64Decode(b) ?? v;
        }
        return v;
      }),
    };
  } catch {
    return null;
  }
}
