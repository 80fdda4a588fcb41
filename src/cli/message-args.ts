// Command-line shapes of the message commands (`send`, `sync`, `messages`, `search`, `export`), merged into args.ts's
// table like link-args.ts and relays.ts.
import { MAX_MESSAGE_TEXT } from '../shared/limits.js';
import { ok, type Result } from '../shared/result.js';
import { chatIdArg, flag, JSON_FLAG, parseHexId, parsePositiveInt, parseSeconds, str, usage, type Options, type Parsed } from './arg-parsers.js';

export type MessageCommand =
  | { name: 'send'; chatId: string; text: string; replyTo: string | undefined }
  | { name: 'sync'; timeoutMs: number }
  | { name: 'messages'; chatId: string; json: boolean; limit: number; before: string | undefined }
  | { name: 'search'; query: string; json: boolean; chatId: string | undefined; limit: number | undefined }
  | { name: 'export'; chatId: string; format: 'md' | 'json' };

export const DEFAULT_MESSAGES_LIMIT = 50;
export const DEFAULT_SYNC_TIMEOUT_S = 30;

type Spec = { options: Options; positionals: string[]; build(values: Parsed['values'], positionals: string[]): Result<MessageCommand, 'USAGE'> };

export const MESSAGE_SPECS: Record<MessageCommand['name'], Spec> = {
  send: {
    options: { ...JSON_FLAG, 'reply-to': { type: 'string' } },
    positionals: ['CHAT_ID', 'TEXT'],
    build(v, p) {
      const text = p[1]!;
      if (text.length === 0) return usage('send: TEXT must not be empty');
      if (text.length > MAX_MESSAGE_TEXT) return usage(`send: TEXT is longer than ${MAX_MESSAGE_TEXT} characters`);
      let replyTo: string | undefined;
      if (str(v['reply-to']) !== undefined) {
        const id = parseHexId(str(v['reply-to'])!, '--reply-to');
        if (!id.ok) return id;
        replyTo = id.value;
      }
      return chatIdArg(p[0]!, (chatId) => ({ name: 'send', chatId, text, replyTo }));
    },
  },
  sync: {
    options: { ...JSON_FLAG, timeout: { type: 'string' } },
    positionals: [],
    build(v) {
      const t = parseSeconds(str(v.timeout) ?? String(DEFAULT_SYNC_TIMEOUT_S));
      return t.ok ? ok({ name: 'sync', timeoutMs: t.value }) : t;
    },
  },
  messages: {
    options: { ...JSON_FLAG, limit: { type: 'string' }, before: { type: 'string' } },
    positionals: ['CHAT_ID'],
    build(v, p) {
      const limit = parsePositiveInt(str(v.limit) ?? String(DEFAULT_MESSAGES_LIMIT), '--limit');
      if (!limit.ok) return limit;
      let before: string | undefined;
      if (str(v.before) !== undefined) {
        const id = parseHexId(str(v.before)!, '--before');
        if (!id.ok) return id;
        before = id.value;
      }
      return chatIdArg(p[0]!, (chatId) => ({ name: 'messages', chatId, json: flag(v.json), limit: limit.value, before }));
    },
  },
  search: {
    options: { ...JSON_FLAG, chat: { type: 'string' }, limit: { type: 'string' } },
    positionals: ['QUERY'],
    build(v, p) {
      const query = p[0]!.trim();
      if (query.length === 0) return usage('search: QUERY must not be empty');
      let limit: number | undefined;
      if (str(v.limit) !== undefined) {
        const l = parsePositiveInt(str(v.limit)!, '--limit');
        if (!l.ok) return l;
        limit = l.value;
      }
      let chatId: string | undefined;
      if (str(v.chat) !== undefined) {
        const id = parseHexId(str(v.chat)!, '--chat');
        if (!id.ok) return id;
        chatId = id.value;
      }
      return ok({ name: 'search', query, json: flag(v.json), chatId, limit });
    },
  },
  export: {
    options: { format: { type: 'string' } },
    positionals: ['CHAT_ID'],
    build(v, p) {
      const format = str(v.format);
      if (format !== 'md' && format !== 'json') return usage('export needs --format md or --format json');
      return chatIdArg(p[0]!, (chatId) => ({ name: 'export', chatId, format }));
    },
  },
};
