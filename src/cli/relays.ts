// `cairn relays list|add|remove`: this account's relays (docs/CLI.md), parsed here and merged into args.ts's
// table, and run against the session's core like any other command.
import type { CoreApi, CoreStatus } from '../shared/core-api.js';
import { isRelayUrl } from '../shared/invite.js';
import { err, ok, type Result } from '../shared/result.js';
import { EXIT } from './exit-codes.js';
import { jsonLine } from './format.js';

export type RelayCommand = { name: 'relays list'; json: boolean } | { name: 'relays add'; url: string } | { name: 'relays remove'; url: string };
export type RelayTopic = RelayCommand['name'];

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;
type Spec = { options: Record<string, { type: 'string' | 'boolean' }>; positionals: string[]; build(values: Values, positionals: string[]): Result<RelayCommand, 'USAGE'> };

function url(text: string, topic: RelayTopic): Result<string, 'USAGE'> {
  const u = text.trim();
  return isRelayUrl(u) ? ok(u) : err('USAGE', `${topic}: not a ws:// or wss:// relay URL: ${JSON.stringify(u.slice(0, 80))}`);
}

export const RELAY_SPECS: Record<RelayTopic, Spec> = {
  'relays list': { options: { json: { type: 'boolean' } }, positionals: [], build: (v) => ok({ name: 'relays list', json: v.json === true }) },
  'relays add': {
    options: {},
    positionals: ['URL'],
    build: (_v, p) => {
      const u = url(p[0]!, 'relays add');
      return u.ok ? ok({ name: 'relays add', url: u.value }) : u;
    },
  },
  // Any listed string can be removed, even one this version would not accept any more.
  'relays remove': { options: {}, positionals: ['URL'], build: (_v, p) => (p[0]!.trim() === '' ? err('USAGE', 'relays remove needs the URL to remove') : ok({ name: 'relays remove', url: p[0]!.trim() })) },
};

export const RELAY_HELP: Record<RelayTopic, { usage: string; text: string }> = {
  'relays list': { usage: 'relays list [--json]', text: 'Lists this account\'s relays and whether each is connected: [{"url","connected","lastError"}].' },
  'relays add': {
    usage: 'relays add URL',
    text:
      'Adds a relay to this account: publishes its profile and device list there and follows its inbox and account\n' +
      'doc there; the invite code then names it. Prints {"relays":[...]}. A bad or duplicate URL exits 1, an\n' +
      'unreachable relay exits 4. Existing chats keep their relays; new chats use every listed one.',
  },
  'relays remove': { usage: 'relays remove URL', text: 'Stops using a relay for this account\'s inbox and account doc (chats on it keep working). Prints {"relays":[...]};\nthe last relay cannot be removed (exit 1).' },
};

type Outcome = { stdout: string; exit: (typeof EXIT)[keyof typeof EXIT]; error: string | null };

function listJson(relays: string[], status: CoreStatus | null): { url: string; connected: boolean; lastError: string | null }[] {
  return relays.map((u) => {
    const s = status?.relays.find((r) => r.url === u);
    return { url: u, connected: s?.connected ?? false, lastError: s?.lastError ?? null };
  });
}

export async function runRelayCommand(command: RelayCommand, core: CoreApi, fail: (code: string, message: string) => Outcome): Promise<Outcome> {
  if (command.name === 'relays list') {
    const who = await core.whoami();
    if (!who.ok) return fail(who.code, who.message);
    const status = await core.status();
    const list = listJson(who.value.relays, status.ok ? status.value : null);
    const text = command.json ? jsonLine(list) : list.map((r) => `${r.url}  ${r.connected ? 'connected' : r.lastError ? `offline: ${r.lastError}` : 'offline'}\n`).join('');
    return { stdout: text, exit: EXIT.OK, error: null };
  }
  const r = command.name === 'relays add' ? await core.addRelay(command.url) : await core.removeRelay(command.url);
  return r.ok ? { stdout: jsonLine({ relays: r.value.relays }), exit: EXIT.OK, error: null } : fail(r.code, r.message);
}
