// cairn:// deep links: `cairn://invite/<code>` opens the add-contact flow with that invite code. The code may
// be given whole (`cairn:abc...`, percent-encoded or not) or as its base32 part. Pure.
import { decodeInvite, INVITE_PREFIX } from '../../shared/invite.js';

export const DEEP_LINK_SCHEME = 'cairn';
const MAX_LINK_CHARS = 8192;

export type DeepLink = { kind: 'invite'; code: string };

/** The link's meaning, or null for anything that is not a well-formed link to a valid invite. */
export function parseDeepLink(link: string): DeepLink | null {
  if (typeof link !== 'string' || link.length > MAX_LINK_CHARS || !link.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}://`)) return null;
  const rest = link.slice(DEEP_LINK_SCHEME.length + 3);
  const m = /^invite\/([^?#/]+)\/?(?:[?#].*)?$/i.exec(rest);
  if (m === null) return null;
  let code: string;
  try {
    code = decodeURIComponent(m[1]!).trim();
  } catch {
    return null;
  }
  if (!code.startsWith(INVITE_PREFIX)) code = INVITE_PREFIX + code;
  return decodeInvite(code).ok ? { kind: 'invite', code } : null;
}

/** The deep link among a process's arguments (Windows and Linux pass it on the command line), if any. */
export function findDeepLink(argv: readonly string[]): DeepLink | null {
  for (const arg of argv) {
    const link = parseDeepLink(arg);
    if (link !== null) return link;
  }
  return null;
}
