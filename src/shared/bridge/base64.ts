// Standard base64 (RFC 4648 §4, with padding) over Uint8Array, without Buffer or atob, so bridges in every
// runtime (Node, the sandboxed renderer) share one codec.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUES: readonly number[] = Array.from({ length: 128 }, (_, c) => ALPHABET.indexOf(String.fromCharCode(c)));

export function base64Encode(bytes: Uint8Array): string {
  const parts: string[] = [];
  let out = '';
  const full = bytes.length - (bytes.length % 3);
  for (let i = 0; i < full; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]! + ALPHABET[n & 63]!;
    // Flushing in chunks keeps string concatenation from building one deep rope for large inputs.
    if (out.length >= 8192) {
      parts.push(out);
      out = '';
    }
  }
  const rest = bytes.length - full;
  if (rest === 1) {
    const n = bytes[full]! << 16;
    out += `${ALPHABET[n >>> 18]!}${ALPHABET[(n >>> 12) & 63]!}==`;
  } else if (rest === 2) {
    const n = (bytes[full]! << 16) | (bytes[full + 1]! << 8);
    out += `${ALPHABET[n >>> 18]!}${ALPHABET[(n >>> 12) & 63]!}${ALPHABET[(n >>> 6) & 63]!}=`;
  }
  parts.push(out);
  return parts.join('');
}

/** null unless text is canonical padded base64 (length a multiple of 4, unused bits zero). */
export function base64Decode(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const c = text.charCodeAt(i + k);
      const padded = last && k >= 4 - pad;
      const v = padded ? (c === 61 ? 0 : -1) : c < 128 ? VALUES[c]! : -1;
      if (v < 0) return null;
      n = (n << 6) | v;
    }
    if (last && pad === 2 && (n & 0xffff) !== 0) return null;
    if (last && pad === 1 && (n & 0xff) !== 0) return null;
    out[o++] = n >>> 16;
    if (o < out.length) out[o++] = (n >>> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
  }
  return out;
}
