// How people and chats look without a picture: initials and a stable colour from the id.

/** Up to two initials from the words of a name ("Ada Lovelace" → "AL"); '?' for an empty name. */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/u).filter((w) => w.length > 0);
  if (words.length === 0) return '?';
  const first = [...words[0]!][0] ?? '';
  const last = words.length > 1 ? ([...words[words.length - 1]!][0] ?? '') : '';
  return (first + last).toLocaleUpperCase();
}

export const AVATAR_COLOURS = 8;

/** One of AVATAR_COLOURS palette slots, the same for an id on every device (FNV-1a, then mixed). */
export function colourSlot(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  // A final avalanche (MurmurHash3's fmix32) so that the low bits depend on every character.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % AVATAR_COLOURS;
}

/** Splits text around case-insensitive matches of the query's words, for highlighting without HTML. */
export function highlightParts(text: string, query: string): { text: string; match: boolean }[] {
  const words = query.toLowerCase().split(/\s+/u).map((w) => w.replaceAll('"', '')).filter((w) => w.length > 0);
  if (words.length === 0) return [{ text, match: false }];
  const lower = text.toLowerCase();
  const parts: { text: string; match: boolean }[] = [];
  let at = 0;
  while (at < text.length) {
    let next = -1;
    let length = 0;
    for (const w of words) {
      const i = lower.indexOf(w, at);
      if (i >= 0 && (next < 0 || i < next || (i === next && w.length > length))) {
        next = i;
        length = w.length;
      }
    }
    if (next < 0) break;
    if (next > at) parts.push({ text: text.slice(at, next), match: false });
    parts.push({ text: text.slice(next, next + length), match: true });
    at = next + length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), match: false });
  return parts;
}
