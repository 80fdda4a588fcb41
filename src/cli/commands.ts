// Runs one parsed `cairn` command against a CoreApi (in this process or over the control socket) and says
// what to print and how to exit. No I/O of its own beyond reading an avatar file.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { CoreApi, CoreResult } from '../shared/core-api.js';
import { MAX_AVATAR_BYTES } from '../shared/limits.js';
import { DEFAULT_STATUS_TIMEOUT_S, type Command } from './args.js';
import { chatStatus } from './chat-status.js';
import { EXIT, exitCodeFor, type ExitCode } from './exit-codes.js';
import * as f from './format.js';
import { runRelayCommand } from './relays.js';

/** What a command produced: stdout text, and on failure the exit code with a one-line reason for stderr. */
export type Outcome = { stdout: string; exit: ExitCode; error: string | null };

export type CoreCommand = Exclude<Command, { name: 'help' | 'version' | 'init' | 'run' | 'serve' | 'link request' | 'link approve' | 'devices' | 'devices revoke' }>;

export type CommandDeps = {
  readFile?: (path: string) => Uint8Array;
  /** Progress lines for stderr (e.g. "Syncing history: 3,412 / 10,000" while a linked device backfills). */
  progress?: (line: string) => void;
  /** The core runs in this process for the command (not a running owner's, through its socket). */
  direct?: boolean;
};

const success = (stdout: string): Outcome => ({ stdout, exit: EXIT.OK, error: null });

/** A failure outcome: the code picks the exit code; the reason keeps to one line. */
export function failure(code: string, message: string): Outcome {
  const line = message.replace(/\s*\n\s*/g, ' ').trim() || code;
  return { stdout: '', exit: exitCodeFor(code), error: line };
}

async function run<T>(result: Promise<CoreResult<T>>, print: (value: T) => string): Promise<Outcome> {
  const r = await result;
  return r.ok ? success(print(r.value)) : failure(r.code, r.message);
}

const AVATAR_MIME: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' };

function readAvatar(path: string, readFile: (path: string) => Uint8Array): { mime: string; bytes: Uint8Array } | Outcome {
  const mime = AVATAR_MIME[extname(path).toLowerCase()];
  if (!mime) return failure('USAGE', `--avatar must be a .png, .jpg or .webp file: ${path}`);
  let bytes: Uint8Array;
  try {
    bytes = readFile(path);
  } catch (e) {
    return failure('INVALID_ARGUMENT', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (bytes.length > MAX_AVATAR_BYTES) return failure('TOO_LARGE', `${path} has ${bytes.length} bytes; an avatar holds at most ${MAX_AVATAR_BYTES}`);
  return { mime, bytes };
}

export async function executeCommand(command: CoreCommand, core: CoreApi, deps: CommandDeps = {}): Promise<Outcome> {
  switch (command.name) {
    case 'whoami':
      return run(core.whoami(), (w) => (command.json ? f.jsonLine(f.whoamiJson(w)) : f.whoamiText(w)));
    case 'invite':
      return run(core.invite(), ({ code }) => (command.json ? f.jsonLine({ code }) : `${code}\n`));
    case 'contact add':
      return run(core.addContact(command.code), (c) => f.jsonLine({ accountId: c.accountId, name: c.name }));
    case 'contacts':
      return run(core.contacts(), (list) => (command.json ? f.jsonLine(list.map(f.contactJson)) : f.contactsText(list)));
    case 'chat new': {
      const options = command.title === undefined ? { with: command.with } : { with: command.with, title: command.title };
      return run(core.createChat(options), ({ chatId }) => f.jsonLine({ chatId }));
    }
    case 'chat accept':
      return run(core.acceptRequest(command.chatId), (c) => f.jsonLine(f.chatJson(c)));
    case 'chat block':
      return run(core.blockRequest(command.chatId), ({ chatId }) => f.jsonLine({ chatId }));
    case 'chats':
      return run(core.chats(), (list) => (command.json ? f.jsonLine(list.map(f.chatJson)) : f.chatsText(list)));
    case 'send': {
      const sent = command.replyTo === undefined ? core.send(command.chatId, command.text) : core.send(command.chatId, command.text, { replyTo: command.replyTo });
      return run(sent, ({ messageId }) => f.jsonLine({ messageId }));
    }
    case 'sync': {
      let last = '';
      const off = deps.progress
        ? core.on('backfill', (p) => {
            const line = p.complete ? `Syncing history: done (${p.total.toLocaleString('en-US')} messages)` : `Syncing history: ${p.done.toLocaleString('en-US')} / ${p.total.toLocaleString('en-US')}`;
            if (line !== last) deps.progress!((last = line));
          })
        : null;
      try {
        return await run(core.sync({ timeoutMs: command.timeoutMs }), ({ topics }) => f.jsonLine({ topics }));
      } finally {
        off?.();
      }
    }
    case 'messages': {
      const options = command.before === undefined ? { limit: command.limit } : { limit: command.limit, before: command.before };
      return run(core.messages(command.chatId, options), (list) => (command.json ? f.jsonLine(list.map(f.messageJson)) : f.messagesText(list)));
    }
    case 'search': {
      const options: { chatId?: string; limit?: number } = {};
      if (command.chatId !== undefined) options.chatId = command.chatId;
      if (command.limit !== undefined) options.limit = command.limit;
      return run(core.search(command.query, options), (hits) => (command.json ? f.jsonLine(hits.map(f.searchJson)) : f.searchText(hits)));
    }
    case 'export':
      return run(core.exportChat(command.chatId, command.format), ({ text }) => (text.endsWith('\n') ? text : `${text}\n`));
    case 'profile set': {
      const profile: Parameters<CoreApi['setProfile']>[0] = {};
      if (command.displayName !== undefined) profile.name = command.displayName;
      if (command.status !== undefined) profile.status = command.status;
      if (command.avatar === null) profile.avatar = null;
      else if (command.avatar !== undefined) {
        const avatar = readAvatar(command.avatar, deps.readFile ?? ((p) => new Uint8Array(readFileSync(p))));
        if ('exit' in avatar) return avatar;
        profile.avatar = avatar;
      }
      return run(core.setProfile(profile), (w) => f.jsonLine(f.whoamiJson(w)));
    }
    case 'status':
      if (command.chatId !== undefined) {
        return chatStatus(core, { chatId: command.chatId, json: command.json, timeoutMs: command.timeoutMs ?? DEFAULT_STATUS_TIMEOUT_S * 1000, direct: deps.direct === true });
      }
      return run(core.status(), (s) => (command.json ? f.jsonLine(s) : f.statusText(s)));
    case 'relays list':
    case 'relays add':
    case 'relays remove':
      return runRelayCommand(command, core, failure);
  }
}

/** Commands that need the relays: a core opened for them (not through a running owner) is started first. */
export function needsNetwork(command: CoreCommand): boolean {
  return command.name === 'contact add' || command.name === 'chat new' || command.name === 'chat accept' || command.name === 'chat block' || command.name === 'sync' || command.name === 'profile set' || command.name === 'relays add' || (command.name === 'status' && command.chatId !== undefined);
}
