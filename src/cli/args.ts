// Command-line parsing for `cairn`: global options before the command, then the command's own flags.
// Pure: argv in, a Result out (code USAGE with a one-line reason).
import { parseArgs } from 'node:util';
import { relayListProblem } from '../shared/invite.js';
import { ok, type Result } from '../shared/result.js';
import type { HelpTopic } from './usage.js';
import { LINK_SPECS, type LinkCommand } from './link-args.js';
import { MESSAGE_SPECS, type MessageCommand } from './message-args.js';
import { chatIdArg, flag, JSON_FLAG, parseHexId, parseSeconds, str, strs, usage, type Options, type Parsed } from './arg-parsers.js';
import { RELAY_SPECS, type RelayCommand } from './relays.js';

export type Globals = { home: string | undefined; keyFile: string | undefined };

export type Command =
  | { name: 'help'; topic: HelpTopic | null }
  | { name: 'version' }
  | { name: 'init'; displayName: string; relays: string[] }
  | { name: 'whoami'; json: boolean }
  | { name: 'invite'; json: boolean }
  | { name: 'contact add'; code: string }
  | { name: 'contacts'; json: boolean }
  | { name: 'chat new'; with: string[]; title: string | undefined }
  | { name: 'chat accept'; chatId: string }
  | { name: 'chat block'; chatId: string }
  | { name: 'chats'; json: boolean }
  | { name: 'profile set'; displayName: string | undefined; status: string | undefined; avatar: string | null | undefined }
  | { name: 'status'; json: boolean; /** status CHAT_ID: the chat's proof of convergence instead. */ chatId?: string; timeoutMs?: number }
  | { name: 'run' }
  | { name: 'serve'; host: string; port: number }
  | MessageCommand
  | LinkCommand
  | RelayCommand;

export type Invocation = { globals: Globals; command: Command };

export { DEFAULT_MESSAGES_LIMIT, DEFAULT_SYNC_TIMEOUT_S } from './message-args.js';
export { MAX_LIMIT, parseHexId } from './arg-parsers.js';
/** How long `status CHAT_ID` waits for devices not heard from yet. */
export const DEFAULT_STATUS_TIMEOUT_S = 5;
/** `cairn serve` binds here unless told otherwise: loopback only. */
export const DEFAULT_SERVE_HOST = '127.0.0.1';
export const DEFAULT_SERVE_PORT = 8370;


const GROUPS: Record<string, readonly string[]> = { contact: ['add'], chat: ['new', 'accept', 'block'], profile: ['set'], link: ['request', 'approve'], relays: ['list', 'add', 'remove'] };
const SINGLE = ['init', 'whoami', 'invite', 'contacts', 'chats', 'send', 'sync', 'messages', 'search', 'export', 'status', 'run', 'serve', 'devices'];




/** Splits the global options off argv: everything up to the first word that is not an option. */
function parseGlobals(argv: readonly string[]): Result<{ globals: Globals; help: boolean; version: boolean; rest: string[] }, 'USAGE'> {
  const globals: Globals = { home: undefined, keyFile: undefined };
  let help = false;
  let version = false;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) break;
    if (arg === '--') return usage('-- cannot come before the command');
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--version') version = true;
    else {
      const eq = arg.indexOf('=');
      const flag = eq >= 0 ? arg.slice(0, eq) : arg;
      if (flag !== '--home' && flag !== '--key-file') return usage(`unknown global option ${flag} (global options: --home, --key-file, --help, --version)`);
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') return usage(`${flag} needs a value`);
      if (flag === '--home') globals.home = value;
      else globals.keyFile = value;
    }
  }
  return ok({ globals, help, version, rest: argv.slice(i) });
}


function parseFlags(args: string[], options: Options, topic: string): Result<Parsed, 'USAGE'> {
  try {
    const parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' }, 'key-file': { type: 'string' } }, allowPositionals: true, strict: true });
    return ok(parsed as Parsed);
  } catch (e) {
    return usage(`${topic}: ${(e as Error).message.split('\n')[0]}`);
  }
}


/** Parses a whole command line (without node and the script path). */
export function parseCommandLine(argv: readonly string[]): Result<Invocation, 'USAGE'> {
  const g = parseGlobals(argv);
  if (!g.ok) return g;
  const { globals, rest } = g.value;
  const done = (command: Command): Result<Invocation, 'USAGE'> => ok({ globals, command });
  if (g.value.version) return done({ name: 'version' });
  const [word, ...afterWord] = rest;
  if (word === undefined) return g.value.help ? done({ name: 'help', topic: null }) : usage('no command given (try cairn --help)');
  if (word === 'help') return helpFor(afterWord, globals);

  let topic: string;
  let args: string[];
  const group = GROUPS[word];
  if (group) {
    const sub = afterWord[0];
    if (sub === undefined || sub.startsWith('-')) {
      if (g.value.help || sub === '--help' || sub === '-h') return done({ name: 'help', topic: null });
      return usage(`${word} needs a subcommand: ${group.join(', ')}`);
    }
    if (!group.includes(sub)) return usage(`unknown command "${word} ${sub}" (try cairn --help)`);
    topic = `${word} ${sub}`;
    args = afterWord.slice(1);
  } else if (word === 'devices' && afterWord[0] === 'revoke') {
    topic = 'devices revoke';
    args = afterWord.slice(1);
  } else if (SINGLE.includes(word)) {
    topic = word;
    args = afterWord;
  } else {
    return usage(`unknown command "${word}" (try cairn --help)`);
  }
  if (g.value.help) return done({ name: 'help', topic: topic as HelpTopic });
  const command = parseCommand(topic as HelpTopic, args);
  if (!command.ok) return command;
  if (command.value.keyFile !== undefined) globals.keyFile = command.value.keyFile;
  return done(command.value.command);
}

function helpFor(args: string[], globals: Globals): Result<Invocation, 'USAGE'> {
  const topic = args.join(' ');
  if (topic === '') return ok({ globals, command: { name: 'help', topic: null } });
  if (topic in GROUPS) return ok({ globals, command: { name: 'help', topic: null } });
  if (!SINGLE.includes(topic) && topic !== 'devices revoke' && !Object.entries(GROUPS).some(([w, subs]) => subs.some((s) => `${w} ${s}` === topic))) return usage(`no help for "${topic}"`);
  return ok({ globals, command: { name: 'help', topic: topic as HelpTopic } });
}

type ParsedCommand = { command: Command; keyFile: string | undefined };

function parseCommand(topic: HelpTopic, args: string[]): Result<ParsedCommand, 'USAGE'> {
  const spec = SPECS[topic];
  const parsed = parseFlags(args, spec.options, topic);
  if (!parsed.ok) return parsed;
  const { values, positionals } = parsed.value;
  if (values.help === true) return ok({ command: { name: 'help', topic }, keyFile: undefined });
  // A positional written [LIKE_THIS] is optional.
  const required = spec.positionals.filter((p) => !p.startsWith('[')).length;
  if (positionals.length < required || positionals.length > spec.positionals.length) {
    const want = spec.positionals.length === 0 ? 'no arguments' : spec.positionals.join(' ');
    return usage(`${topic} takes ${want}${positionals.length > spec.positionals.length ? `; unexpected ${JSON.stringify(positionals[spec.positionals.length])}` : ''}`);
  }
  const command = spec.build(values, positionals);
  if (!command.ok) return command;
  return ok({ command: command.value, keyFile: values['key-file'] as string | undefined });
}

type Spec = { options: Options; positionals: string[]; build(values: Parsed['values'], positionals: string[]): Result<Command, 'USAGE'> };



const SPECS: Record<HelpTopic, Spec> = {
  init: {
    options: { name: { type: 'string' }, relay: { type: 'string', multiple: true } },
    positionals: [],
    build(v) {
      const name = str(v.name)?.trim();
      if (!name) return usage('init needs --name NAME');
      const relays = strs(v.relay);
      if (relays.length === 0) return usage('init needs at least one --relay URL');
      const problem = relayListProblem(relays);
      if (problem !== null) return usage(`init: ${problem}`);
      return ok({ name: 'init', displayName: name, relays });
    },
  },
  whoami: { options: JSON_FLAG, positionals: [], build: (v) => ok({ name: 'whoami', json: flag(v.json) }) },
  invite: { options: JSON_FLAG, positionals: [], build: (v) => ok({ name: 'invite', json: flag(v.json) }) },
  'contact add': { options: JSON_FLAG, positionals: ['CODE'], build: (_v, p) => ok({ name: 'contact add', code: p[0]!.trim() }) },
  contacts: { options: JSON_FLAG, positionals: [], build: (v) => ok({ name: 'contacts', json: flag(v.json) }) },
  'chat new': {
    options: { ...JSON_FLAG, with: { type: 'string', multiple: true }, title: { type: 'string' } },
    positionals: [],
    build(v) {
      const ids: string[] = [];
      for (const text of strs(v.with)) {
        const id = parseHexId(text, '--with');
        if (!id.ok) return id;
        ids.push(id.value);
      }
      if (ids.length === 0) return usage('chat new needs at least one --with ACCOUNT_ID');
      return ok({ name: 'chat new', with: [...new Set(ids)], title: str(v.title) });
    },
  },
  'chat accept': { options: JSON_FLAG, positionals: ['CHAT_ID'], build: (_v, p) => chatIdArg(p[0]!, (chatId) => ({ name: 'chat accept', chatId })) },
  'chat block': { options: JSON_FLAG, positionals: ['CHAT_ID'], build: (_v, p) => chatIdArg(p[0]!, (chatId) => ({ name: 'chat block', chatId })) },
  chats: { options: JSON_FLAG, positionals: [], build: (v) => ok({ name: 'chats', json: flag(v.json) }) },
  'profile set': {
    options: { ...JSON_FLAG, name: { type: 'string' }, status: { type: 'string' }, avatar: { type: 'string' }, 'no-avatar': { type: 'boolean' } },
    positionals: [],
    build(v) {
      const displayName = str(v.name)?.trim();
      if (displayName === '') return usage('profile set: --name must not be empty');
      if (str(v.avatar) !== undefined && flag(v['no-avatar'])) return usage('profile set: give --avatar or --no-avatar, not both');
      const avatar = flag(v['no-avatar']) ? null : str(v.avatar);
      if (displayName === undefined && str(v.status) === undefined && avatar === undefined) return usage('profile set needs --name, --status, --avatar or --no-avatar');
      return ok({ name: 'profile set', displayName, status: str(v.status), avatar });
    },
  },
  status: {
    options: { ...JSON_FLAG, timeout: { type: 'string' } },
    positionals: ['[CHAT_ID]'],
    build(v, p) {
      if (p[0] === undefined) return str(v.timeout) === undefined ? ok({ name: 'status', json: flag(v.json) }) : usage('status: --timeout goes with a CHAT_ID');
      const t = parseSeconds(str(v.timeout) ?? String(DEFAULT_STATUS_TIMEOUT_S));
      if (!t.ok) return t;
      return chatIdArg(p[0], (chatId) => ({ name: 'status', json: flag(v.json), chatId, timeoutMs: t.value }));
    },
  },
  run: { options: {}, positionals: [], build: () => ok({ name: 'run' }) },
  serve: {
    options: { port: { type: 'string' }, host: { type: 'string' } },
    positionals: [],
    build(v) {
      const portText = str(v.port) ?? String(DEFAULT_SERVE_PORT);
      if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65535) return usage('--port must be a port number from 0 to 65535 (0 picks a free one)');
      const host = str(v.host) ?? DEFAULT_SERVE_HOST;
      if (host === '' || /[\s/@#?]/.test(host)) return usage(`--host must be a host name or IP address, got ${JSON.stringify(host.slice(0, 80))}`);
      return ok({ name: 'serve', host, port: Number(portText) });
    },
  },
  ...MESSAGE_SPECS,
  ...LINK_SPECS,
  ...RELAY_SPECS,
};
