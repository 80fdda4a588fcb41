// Command-line shapes of the multi-device commands (`link request`, `link approve`, `devices`, `devices revoke`), merged into
// args.ts's table; kept here so that file only names them.
import { isRelayUrl } from '../shared/invite.js';
import { MAX_DEVICE_NAME_CHARS } from '../shared/link/link-protocol.js';
import { err, ok, type Result } from '../shared/result.js';

export type LinkCommand =
  | { name: 'link request'; relay: string; deviceName: string | undefined; timeoutMs: number }
  | { name: 'link approve'; code: string; yes: boolean; timeoutMs: number }
  | { name: 'devices'; json: boolean }
  | { name: 'devices revoke'; deviceId: string; timeoutMs: number };

export type LinkTopic = LinkCommand['name'];

/** How long a link code stays valid and `link request` waits (10 minutes). */
export const DEFAULT_LINK_REQUEST_TIMEOUT_S = 600;
/** How long `link approve` waits for the new device at each step. */
export const DEFAULT_LINK_APPROVE_TIMEOUT_S = 60;
/** How long `devices revoke` waits for each relay to connect. */
export const DEFAULT_REVOKE_TIMEOUT_S = 10;

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;
type Spec = {
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
  positionals: string[];
  build(values: Values, positionals: string[]): Result<LinkCommand, 'USAGE'>;
};

const usage = (message: string): Result<never, 'USAGE'> => err('USAGE', message);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function seconds(text: string | undefined, fallback: number): Result<number, 'USAGE'> {
  if (text === undefined) return ok(fallback * 1000);
  const s = Number(text);
  if (!/^[0-9]+(?:\.[0-9]+)?$/.test(text) || !(s > 0) || s > 86_400) return usage('--timeout must be a number of seconds, above 0 and at most 86400');
  return ok(Math.round(s * 1000));
}

export const LINK_SPECS: Record<LinkTopic, Spec> = {
  'link request': {
    options: { relay: { type: 'string' }, name: { type: 'string' }, timeout: { type: 'string' } },
    positionals: [],
    build(v) {
      const relay = str(v.relay);
      if (relay === undefined) return usage('link request needs --relay URL (the relay both devices can reach)');
      if (!isRelayUrl(relay)) return usage(`link request: not a ws:// or wss:// relay URL: ${JSON.stringify(relay.slice(0, 80))}`);
      const deviceName = str(v.name)?.trim();
      if (deviceName === '') return usage('link request: --name must not be empty');
      if (deviceName !== undefined && [...deviceName].length > MAX_DEVICE_NAME_CHARS) return usage(`link request: --name has at most ${MAX_DEVICE_NAME_CHARS} characters`);
      const t = seconds(str(v.timeout), DEFAULT_LINK_REQUEST_TIMEOUT_S);
      return t.ok ? ok({ name: 'link request', relay, deviceName, timeoutMs: t.value }) : t;
    },
  },
  'link approve': {
    options: { yes: { type: 'boolean' }, timeout: { type: 'string' } },
    positionals: ['CODE'],
    build(v, p) {
      const code = p[0]!.trim();
      // A mistyped code is the core's to refuse (exit 1, like a mistyped invite); only an empty one is a usage error.
      if (code === '') return usage('link approve needs the CODE the new device shows');
      const t = seconds(str(v.timeout), DEFAULT_LINK_APPROVE_TIMEOUT_S);
      return t.ok ? ok({ name: 'link approve', code, yes: v.yes === true, timeoutMs: t.value }) : t;
    },
  },
  devices: { options: { json: { type: 'boolean' } }, positionals: [], build: (v) => ok({ name: 'devices', json: v.json === true }) },
  'devices revoke': {
    options: { timeout: { type: 'string' } },
    positionals: ['DEVICE_ID'],
    build(v, p) {
      const deviceId = p[0]!.trim().toLowerCase();
      if (deviceId === '') return usage('devices revoke needs the DEVICE_ID of one of this account\'s other devices (see cairn devices)');
      const t = seconds(str(v.timeout), DEFAULT_REVOKE_TIMEOUT_S);
      return t.ok ? ok({ name: 'devices revoke', deviceId, timeoutMs: t.value }) : t;
    },
  },
};

export const LINK_HELP: Record<LinkTopic, { usage: string; text: string }> = {
  'link request': {
    usage: 'link request --relay URL [--name DEVICE_NAME] [--timeout SECONDS]',
    text:
      'Makes this home a new device of an existing account. Creates the home (no init; the passphrase is asked as for\n' +
      'init), prints the link code as the FIRST stdout line, then waits (default 600 s, also the code\'s lifetime) until\n' +
      'a device of the account runs `link approve CODE`. The security code of the exchange goes to stderr as soon as it\n' +
      'is known; compare it with the one the other device shows. On success the last stdout line is\n' +
      '{"accountId","deviceId","sas"}; then run `cairn sync` (or `run`) to fetch the history from your other devices.',
  },
  'link approve': {
    usage: 'link approve CODE [--yes] [--timeout SECONDS]',
    text:
      'Links the new device showing CODE to this account. Prints the security code (SAS) to stderr and asks to confirm\n' +
      'that the new device shows the same (--yes confirms without asking). Returns once the new device has stored the\n' +
      'account, printing {"deviceId","name","sas"}. A mistyped or expired code exits 1, no answer exits 4; nothing changes.',
  },
  devices: { usage: 'devices [--json]', text: 'Lists this account\'s devices: [{"deviceId","name","lastSeen","current","stale"}] (lastSeen: ms since the epoch or null; stale: silent for longer than the relay TTL, 30 days).' },
  'devices revoke': {
    usage: 'devices revoke DEVICE_ID [--timeout SECONDS]',
    text:
      'Revokes another device of this account (DEVICE_ID: its id from `cairn devices`, or a unique prefix of 8+ characters).\n' +
      'Every chat and the account doc move to new keys the revoked device never gets, relays stop keeping updates for\n' +
      'it, and a new device list without it is published. Needs every relay of the account and its chats (--timeout:\n' +
      'how long to wait for each, default 10 s). Prints {"deviceId"}. An unknown id or this device exits 1; nothing changes.\n' +
      'The revoked device keeps what it already had, including the account key (docs/SECURITY.md).',
  },
};
