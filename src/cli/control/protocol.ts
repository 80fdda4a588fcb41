// The control socket protocol (<home>/cairn.sock, mode 0600): JSON lines, one request {id, method, params}
// answered by one {id, result} where result is a Result value. Methods mirror CoreApi with positional params;
// every request is checked against a method allow-list and a zod schema before the core sees it.
// Byte arrays travel as {"$bytes": "<base64>"}. See docs/CLI.md.
import { z } from 'zod';
import type { CoreApi, CoreResult } from '../../shared/core-api.js';
import { MAX_AVATAR_BYTES, MAX_AVATAR_MIME_CHARS, MAX_MESSAGE_TEXT } from '../../shared/limits.js';
import { err, ok, type Result } from '../../shared/result.js';

export const CONTROL_PROTOCOL = 1;
/** Largest request line the owner reads (a full-size message with every character escaped fits). */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/** Protocol-level errors, beside the core's own codes. */
export type ControlErrorCode = 'BAD_REQUEST' | 'UNKNOWN_METHOD' | 'INVALID_ARGUMENT' | 'INTERNAL';

export type ControlRequest = { id: number | string; method: string; params: unknown[] };
export type ControlResponse = { id: number | string | null; result: Result<unknown, string> };

const hexId = z.string().regex(/^(?:[0-9a-f]{2}){1,64}$/, 'a lowercase hex id');
const text = z.string().max(MAX_MESSAGE_TEXT);
const bytes = z.instanceof(Uint8Array);

const profile = z
  .object({
    name: z.string().max(1024).optional(),
    status: z.string().max(4096).optional(),
    avatar: z.object({ mime: z.string().min(1).max(MAX_AVATAR_MIME_CHARS), bytes: bytes.refine((b) => b.length <= MAX_AVATAR_BYTES, 'avatar too large') }).strict().nullable().optional(),
  })
  .strict();

type Method<S extends z.ZodType> = { params: S; call(core: CoreApi, params: z.infer<S>): Promise<CoreResult<unknown>> };
const method = <S extends z.ZodType>(params: S, call: (core: CoreApi, params: z.infer<S>) => Promise<CoreResult<unknown>>): Method<S> => ({ params, call });
const none = z.tuple([]);

/** The allow-list: CoreApi's methods except `on` (events are not carried over the socket). */
export const CONTROL_METHODS = {
  whoami: method(none, (core) => core.whoami()),
  invite: method(none, (core) => core.invite()),
  setProfile: method(z.tuple([profile]), (core, [p]) => core.setProfile(p)),
  addContact: method(z.tuple([z.string().min(1).max(8192)]), (core, [code]) => core.addContact(code)),
  contacts: method(none, (core) => core.contacts()),
  createChat: method(z.tuple([z.object({ with: z.array(hexId).min(1).max(1024), title: z.string().max(1024).optional() }).strict()]), (core, [o]) =>
    core.createChat(o.title === undefined ? { with: o.with } : { with: o.with, title: o.title }),
  ),
  chats: method(none, (core) => core.chats()),
  acceptRequest: method(z.tuple([hexId]), (core, [chatId]) => core.acceptRequest(chatId)),
  blockRequest: method(z.tuple([hexId]), (core, [chatId]) => core.blockRequest(chatId)),
  send: method(z.tuple([hexId, text, z.object({ replyTo: hexId.optional() }).strict().optional()]), (core, [chatId, t, o]) =>
    o?.replyTo === undefined ? core.send(chatId, t) : core.send(chatId, t, { replyTo: o.replyTo }),
  ),
  editMessage: method(z.tuple([hexId, hexId, text]), (core, [chatId, messageId, t]) => core.editMessage(chatId, messageId, t)),
  deleteMessage: method(z.tuple([hexId, hexId]), (core, [chatId, messageId]) => core.deleteMessage(chatId, messageId)),
  messages: method(z.tuple([hexId, z.object({ limit: z.int().min(1).max(1_000_000).optional(), before: hexId.optional() }).strict().optional()]), (core, [chatId, o]) =>
    core.messages(chatId, stripUndefined(o)),
  ),
  markRead: method(z.tuple([hexId, hexId]), (core, [chatId, messageId]) => core.markRead(chatId, messageId)),
  search: method(z.tuple([z.string().min(1).max(4096), z.object({ chatId: hexId.optional(), limit: z.int().min(1).max(1_000_000).optional() }).strict().optional()]), (core, [q, o]) =>
    core.search(q, stripUndefined(o)),
  ),
  exportChat: method(z.tuple([hexId, z.enum(['md', 'json'])]), (core, [chatId, format]) => core.exportChat(chatId, format)),
  status: method(none, (core) => core.status()),
  sync: method(z.tuple([z.object({ timeoutMs: z.int().min(1).max(86_400_000).optional() }).strict().optional()]), (core, [o]) => core.sync(stripUndefined(o))),
} as const;

export type ControlMethod = keyof typeof CONTROL_METHODS | 'ping';

function stripUndefined<T extends object>(o: T | undefined): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o ?? {})) if (v !== undefined) out[k] = v;
  return out as T;
}

const envelope = z
  .object({
    id: z.union([z.int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().min(1).max(64)]),
    method: z.string().min(1).max(64),
    params: z.array(z.unknown()).max(8).default([]),
  })
  .strict();

function isBase64(s: string): boolean {
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
}

/** JSON.stringify with byte arrays as {"$bytes": base64}. */
export function encodeLine(value: unknown): string {
  return `${JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key]; // before toJSON, so a Buffer is seen as bytes too
    return raw instanceof Uint8Array ? { $bytes: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') } : v;
  })}\n`;
}

/** JSON.parse turning {"$bytes": base64} back into a Uint8Array; null when the line is not JSON. */
export function decodeLine(line: string): { value: unknown } | null {
  try {
    return {
      value: JSON.parse(line, (_key, v: unknown) => {
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
          const keys = Object.keys(v);
          const b = (v as { $bytes?: unknown }).$bytes;
          if (keys.length === 1 && typeof b === 'string' && isBase64(b)) return new Uint8Array(Buffer.from(b, 'base64'));
        }
        return v;
      }),
    };
  } catch {
    return null;
  }
}

export type ParsedRequest = { id: number | string; call(core: CoreApi): Promise<CoreResult<unknown>> } | { id: number | string | null; error: Result<never, ControlErrorCode> };

function problem(error: z.ZodError): string {
  const first = error.issues[0];
  return first ? `${first.path.length ? `params${first.path.map((p) => `[${String(p)}]`).join('')}: ` : ''}${first.message}` : 'invalid';
}

/** Validates one request line: the envelope, the method against the allow-list, the params against its schema. */
export function parseRequest(line: string, ping: () => unknown): ParsedRequest {
  const decoded = decodeLine(line);
  if (!decoded) return { id: null, error: err('BAD_REQUEST', 'the request is not JSON') };
  const env = envelope.safeParse(decoded.value);
  if (!env.success) {
    const raw = decoded.value as { id?: unknown };
    const id = typeof raw === 'object' && raw !== null && (typeof raw.id === 'number' || typeof raw.id === 'string') ? raw.id : null;
    return { id, error: err('BAD_REQUEST', `not a request {id, method, params}: ${problem(env.error)}`) };
  }
  const { id, method: name, params } = env.data;
  if (name === 'ping') {
    if (params.length > 0) return { id, error: err('INVALID_ARGUMENT', 'ping takes no params') };
    return { id, call: async () => ok(ping()) };
  }
  if (!Object.hasOwn(CONTROL_METHODS, name)) return { id, error: err('UNKNOWN_METHOD', `unknown method ${JSON.stringify(name)}`) };
  const m = CONTROL_METHODS[name as keyof typeof CONTROL_METHODS] as Method<z.ZodType>;
  const checked = m.params.safeParse(params);
  if (!checked.success) return { id, error: err('INVALID_ARGUMENT', `${name}: ${problem(checked.error)}`) };
  return { id, call: (core) => m.call(core, checked.data) };
}

/** Checks a response line from the owner: {id, result} with a Result value. */
export function parseResponse(line: string): ControlResponse | null {
  const decoded = decodeLine(line);
  if (!decoded) return null;
  const v = decoded.value as { id?: unknown; result?: { ok?: unknown; value?: unknown; code?: unknown; message?: unknown } };
  if (typeof v !== 'object' || v === null || typeof v.result !== 'object' || v.result === null) return null;
  const id = typeof v.id === 'number' || typeof v.id === 'string' ? v.id : null;
  const r = v.result;
  if (r.ok === true) return { id, result: ok(r.value) };
  if (r.ok === false && typeof r.code === 'string' && typeof r.message === 'string') return { id, result: err(r.code, r.message) };
  return null;
}
