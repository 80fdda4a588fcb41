// Help texts of `cairn`: one overview and one text per command (`cairn COMMAND --help`).
import { EXIT_CODES_HELP } from './exit-codes.js';
import { LINK_HELP, type LinkTopic } from './link-args.js';
import { RELAY_HELP, type RelayTopic } from './relays.js';

export type HelpTopic =
  | 'init'
  | 'whoami'
  | 'invite'
  | 'contact add'
  | 'contacts'
  | 'chat new'
  | 'chat accept'
  | 'chat block'
  | 'chats'
  | 'send'
  | 'sync'
  | 'messages'
  | 'search'
  | 'export'
  | 'profile set'
  | 'status'
  | 'run'
  | 'serve'
  | LinkTopic
  | RelayTopic;

const COMMAND_HELP: Record<HelpTopic, { usage: string; text: string }> = {
  init: {
    usage: 'init --name NAME --relay URL [--relay URL ...]',
    text: 'Creates the home and a new account with this device. Prints {"accountId","deviceId"}.',
  },
  whoami: { usage: 'whoami [--json]', text: 'Shows this account and device: {"accountId","deviceId","name","status","relays"}.' },
  invite: { usage: 'invite [--json]', text: 'Prints this account\'s invite code as the last line of stdout ({"code"} with --json).' },
  'contact add': {
    usage: 'contact add CODE',
    text: 'Adds the contact an invite code names, after looking it up on its relays. Prints {"accountId","name"}.\nA mistyped code or an account no relay knows exits 1: no contact, no chat.',
  },
  contacts: { usage: 'contacts [--json]', text: 'Lists contacts: [{"accountId","name","status"}].' },
  'chat new': {
    usage: 'chat new --with ACCOUNT_ID [--with ACCOUNT_ID ...] [--title T]',
    text: 'Creates a chat with contacts and invites them. Prints {"chatId"}.',
  },
  'chat accept': { usage: 'chat accept CHAT_ID', text: 'Accepts a message request. Prints the chat as `chats --json` shows it.' },
  'chat block': { usage: 'chat block CHAT_ID', text: 'Blocks a message request and drops its chat. Prints {"chatId"}.' },
  chats: {
    usage: 'chats [--json]',
    text: 'Lists chats, most recent first: [{"chatId","title","members","unread","lastMessage","request"}].\nlastMessage is null or shaped as in `messages --json`; request is true for a message request.',
  },
  send: { usage: 'send CHAT_ID TEXT', text: 'Sends a message; it works offline (queued until a relay stores it). Prints {"messageId"}.\nPut -- before a TEXT that starts with "-".' },
  sync: {
    usage: 'sync [--timeout SECONDS]',
    text: 'Connects, flushes the outbox and catches up on every topic, then exits 0 (prints {"topics"}).\nExits 4, naming the relay, when a relay cannot be reached within the timeout (default 30);\nexits 1, naming the relay, when a relay refuses a queued update for good (e.g. over its frame limit): it stays queued.',
  },
  messages: {
    usage: 'messages CHAT_ID [--json] [--limit N] [--before MESSAGE_ID]',
    text: 'Lists a chat\'s messages oldest to newest: [{"id","chatId","author","device","text","sentAt"}].\nDefault limit 50; --before pages back from a message id.',
  },
  search: {
    usage: 'search QUERY [--json] [--chat CHAT_ID] [--limit N]',
    text: 'Full-text search: [{"id","chatId","author","device","text","sentAt","chatTitle","snippet"}].',
  },
  export: { usage: 'export CHAT_ID --format md|json', text: 'Writes a whole chat to stdout as Markdown or JSON.' },
  'profile set': {
    usage: 'profile set [--name NAME] [--status TEXT] [--avatar FILE | --no-avatar]',
    text: 'Changes the signed profile (avatar: a .png, .jpg or .webp file). Prints the `whoami --json` document.',
  },
  status: {
    usage: 'status [--json] | status CHAT_ID [--json] [--timeout SECONDS]',
    text:
      'Without CHAT_ID: relay connections and the outbox size: {"relays":[{"url","connected","storeId","lastError"}],"outbox","online"}.\n' +
      'With CHAT_ID: whether every device of every member holds the same chat state, from their signed digests:\n' +
      '{"chatId","allInSync","devices":[{"deviceId","account","inSync","current","digestAt"}]}; inSync is null for a device\n' +
      'not heard from within the timeout (default 5). Exits 1 for an unknown chat.',
  },
  run: {
    usage: 'run',
    text: 'Stays online as an always-on device, logging to stderr; exits 0 on SIGTERM or SIGINT.\nWhile it runs, other cairn commands on this home go through it (socket <home>/cairn.sock).',
  },
  serve: {
    usage: 'serve [--port P] [--host 127.0.0.1]',
    text: 'Like run, and serves the Cairn UI to a browser: the first stdout line is the URL to open, with its access\ntoken (http://127.0.0.1:PORT/#token=...). Default port 8370 (0 picks a free one); binds to loopback unless\n--host says otherwise. Works on a home without an account: create it in the browser. Logs go to stderr.',
  },
  ...LINK_HELP,
  ...RELAY_HELP,
};

export const ALL_TOPICS = Object.keys(COMMAND_HELP) as HelpTopic[];

export const GLOBAL_HELP = `Global options (before the command):
  --home DIR        the home directory (default: $CAIRN_HOME, else $XDG_DATA_HOME/cairn, else ~/.local/share/cairn)
  --key-file PATH   unlock with a key file (32 raw bytes or 64 hex digits) instead of a passphrase
  --help            show help; \`cairn COMMAND --help\` shows one command's
  --version         print the version

Unlocking: --key-file PATH, else $CAIRN_PASSPHRASE, else a prompt on the terminal (no echo). Commands sent\nto a running \`cairn run\` need no passphrase: the owner's socket is private to your user (mode 0600).
CAIRN_KDF_FAST=1 makes \`init\` use cheap Argon2id costs: TEST ONLY, never for a real home.
Commands that print JSON print exactly one JSON document on stdout; logs go to stderr.
`;

export function overviewHelp(): string {
  const lines = ALL_TOPICS.map((t) => `  ${COMMAND_HELP[t].usage}\n      ${COMMAND_HELP[t].text.split('\n')[0]}`);
  return `Usage: cairn [--home DIR] [--key-file PATH] COMMAND [options]\n\nCommands:\n${lines.join('\n')}\n\n${GLOBAL_HELP}\n${EXIT_CODES_HELP}`;
}

export function commandHelp(topic: HelpTopic): string {
  const h = COMMAND_HELP[topic];
  return `Usage: cairn [--home DIR] ${h.usage}\n\n${h.text}\n\n${EXIT_CODES_HELP}`;
}
