// The allow-list of every bridge to the core: per method, a zod schema for its positional params and the call
// it makes. Electron's IPC handlers, `cairn serve`'s WebSocket and the control socket all validate with these
// before the core sees anything.
import { z } from 'zod';
import type { CoreApi, OnboardingApi } from '../core-api.js';
import { MAX_INVITE_RELAYS, MAX_RELAY_URL_CHARS } from '../invite.js';
import { MAX_AVATAR_BYTES, MAX_AVATAR_MIME_CHARS, MAX_MESSAGE_TEXT } from '../limits.js';
import { err, ok, type Result } from '../result.js';
import type { BridgeResult } from './frames.js';
import type { CoreMethodName, OnboardingMethodName } from './names.js';

/** A call a bridge answers: always a Result (values that are not Results, like hasAccount's, are wrapped). */
export type { BridgeResult };

export type BridgeMethod<T> = { params: z.ZodType<unknown[]>; call(target: T, params: never): Promise<BridgeResult> };

/** Codes the bridges themselves answer with, beside the core's own (CoreErrorCode). */
export type BridgeErrorCode = 'BAD_REQUEST' | 'UNKNOWN_METHOD' | 'INVALID_ARGUMENT' | 'UNAUTHORIZED' | 'INTERNAL';

const hexId = z.string().regex(/^(?:[0-9a-f]{2}){1,64}$/, 'a lowercase hex id');
const text = z.string().max(MAX_MESSAGE_TEXT);
const bytes = z.instanceof(Uint8Array);
const limit = z.int().min(1).max(1_000_000);
const timeoutOption = z.object({ timeoutMs: z.int().min(1).max(86_400_000).optional() }).strict().optional();
/** A link code is "cairn-link:" and base32 of at most ~600 bytes (a 512-character relay URL inside). */
const MAX_LINK_CODE_CHARS = 2048;
// The core checks the URL itself (its refusal names the problem); the bridge only bounds the string.
const relayUrl = z.string().min(1).max(MAX_RELAY_URL_CHARS);

const profile = z
  .object({
    name: z.string().max(1024).optional(),
    status: z.string().max(4096).optional(),
    avatar: z
      .object({ mime: z.string().min(1).max(MAX_AVATAR_MIME_CHARS), bytes: bytes.refine((b) => b.length <= MAX_AVATAR_BYTES, 'avatar too large') })
      .strict()
      .nullable()
      .optional(),
  })
  .strict();

function method<T, S extends z.ZodType<unknown[]>>(params: S, call: (target: T, params: z.infer<S>) => Promise<BridgeResult>): BridgeMethod<T> {
  return { params, call: call as BridgeMethod<T>['call'] };
}
const none = z.tuple([]);

/** Drops keys whose value is undefined, as zod leaves an absent optional key present-but-undefined. */
function defined<T extends object>(o: T | undefined): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o ?? {})) if (v !== undefined) out[k] = v;
  return out as T;
}

/** CoreApi's methods except `on` (events travel as their own frames). */
export const CORE_METHODS: { readonly [K in CoreMethodName]: BridgeMethod<CoreApi> } = {
  whoami: method(none, (core: CoreApi) => core.whoami()),
  invite: method(none, (core: CoreApi) => core.invite()),
  setProfile: method(z.tuple([profile]), (core: CoreApi, [p]) => core.setProfile(defined(p))),
  addContact: method(z.tuple([z.string().min(1).max(8192)]), (core: CoreApi, [code]) => core.addContact(code)),
  contacts: method(none, (core: CoreApi) => core.contacts()),
  createChat: method(z.tuple([z.object({ with: z.array(hexId).min(1).max(1024), title: z.string().max(1024).optional() }).strict()]), (core: CoreApi, [o]) =>
    core.createChat(defined(o)),
  ),
  chats: method(none, (core: CoreApi) => core.chats()),
  acceptRequest: method(z.tuple([hexId]), (core: CoreApi, [chatId]) => core.acceptRequest(chatId)),
  blockRequest: method(z.tuple([hexId]), (core: CoreApi, [chatId]) => core.blockRequest(chatId)),
  send: method(z.tuple([hexId, text, z.object({ replyTo: hexId.optional() }).strict().optional()]), (core: CoreApi, [chatId, t, o]) =>
    o?.replyTo === undefined ? core.send(chatId, t) : core.send(chatId, t, { replyTo: o.replyTo }),
  ),
  editMessage: method(z.tuple([hexId, hexId, text]), (core: CoreApi, [chatId, messageId, t]) => core.editMessage(chatId, messageId, t)),
  deleteMessage: method(z.tuple([hexId, hexId]), (core: CoreApi, [chatId, messageId]) => core.deleteMessage(chatId, messageId)),
  messages: method(z.tuple([hexId, z.object({ limit: limit.optional(), before: hexId.optional() }).strict().optional()]), (core: CoreApi, [chatId, o]) =>
    core.messages(chatId, defined(o)),
  ),
  markRead: method(z.tuple([hexId, hexId]), (core: CoreApi, [chatId, messageId]) => core.markRead(chatId, messageId)),
  search: method(z.tuple([z.string().min(1).max(4096), z.object({ chatId: hexId.optional(), limit: limit.optional() }).strict().optional()]), (core: CoreApi, [q, o]) =>
    core.search(q, defined(o)),
  ),
  exportChat: method(z.tuple([hexId, z.enum(['md', 'json'])]), (core: CoreApi, [chatId, format]) => core.exportChat(chatId, format)),
  status: method(none, (core: CoreApi) => core.status()),
  sync: method(z.tuple([z.object({ timeoutMs: z.int().min(1).max(86_400_000).optional() }).strict().optional()]), (core: CoreApi, [o]) => core.sync(defined(o))),
  addRelay: method(z.tuple([relayUrl]), (core: CoreApi, [url]) => core.addRelay(url)),
  removeRelay: method(z.tuple([relayUrl]), (core: CoreApi, [url]) => core.removeRelay(url)),
  devices: method(none, (core: CoreApi) => core.devices()),
  approveLink: method(z.tuple([z.string().trim().min(1).max(MAX_LINK_CODE_CHARS), timeoutOption]), (core: CoreApi, [code, o]) =>
    o?.timeoutMs === undefined ? core.approveLink(code) : core.approveLink(code, { timeoutMs: o.timeoutMs }),
  ),
  confirmLink: method(z.tuple([hexId, z.boolean(), timeoutOption]), (core: CoreApi, [linkId, accept, o]) =>
    o?.timeoutMs === undefined ? core.confirmLink(linkId, accept) : core.confirmLink(linkId, accept, { timeoutMs: o.timeoutMs }),
  ),
  backfillProgress: method(none, (core: CoreApi) => core.backfillProgress()),
  revokeDevice: method(z.tuple([hexId, timeoutOption]), (core: CoreApi, [deviceId, o]) =>
    o?.timeoutMs === undefined ? core.revokeDevice(deviceId) : core.revokeDevice(deviceId, { timeoutMs: o.timeoutMs }),
  ),
  chatSyncStatus: method(z.tuple([hexId]), (core: CoreApi, [chatId]) => core.chatSyncStatus(chatId)),
};

/** Account creation before a core exists; hasAccount's boolean is carried as ok(boolean). */
export const ONBOARDING_METHODS: { readonly [K in OnboardingMethodName]: BridgeMethod<OnboardingApi> } = {
  hasAccount: method(none, async (o: OnboardingApi) => ok(await o.hasAccount())),
  createAccount: method(
    z.tuple([
      z
        .object({
          name: z.string().trim().min(1).max(256),
          relays: z.array(z.string().min(1).max(MAX_RELAY_URL_CHARS)).min(1).max(MAX_INVITE_RELAYS),
        })
        .strict(),
    ]),
    (o: OnboardingApi, [opts]) => o.createAccount(opts),
  ),
  requestLink: method(
    z.tuple([z.object({ relay: relayUrl, name: z.string().trim().min(1).max(256).optional() }).strict()]),
    (o: OnboardingApi, [opts]) => o.requestLink(defined(opts)),
  ),
  linkStatus: method(none, (o: OnboardingApi) => o.linkStatus()),
  cancelLink: method(none, (o: OnboardingApi) => o.cancelLink()),
};

export type MethodTable<T> = { readonly [name: string]: BridgeMethod<T> };

function problem(error: z.ZodError): string {
  const first = error.issues[0];
  return first ? `${first.path.length ? `params${first.path.map((p) => `[${String(p)}]`).join('')}: ` : ''}${first.message}` : 'invalid';
}

/**
 * Checks one call against a table: the method name (own properties only, so `__proto__` or `toString` are
 * unknown) and its params. On success, a function that runs it on the table's target.
 */
export function validateCall<T>(table: MethodTable<T>, name: string, params: unknown): Result<(target: T) => Promise<BridgeResult>, 'UNKNOWN_METHOD' | 'INVALID_ARGUMENT'> {
  if (typeof name !== 'string' || !Object.hasOwn(table, name)) return err('UNKNOWN_METHOD', `unknown method ${JSON.stringify(String(name)).slice(0, 80)}`);
  const m = table[name]!;
  const checked = m.params.safeParse(params);
  if (!checked.success) return err('INVALID_ARGUMENT', `${name}: ${problem(checked.error)}`);
  return ok((target: T) => m.call(target, checked.data as never));
}

/** Runs a validated call, turning a throw (a bug behind the bridge) into INTERNAL. */
export async function runCall<T>(run: (target: T) => Promise<BridgeResult>, target: T, onError?: (error: unknown) => void): Promise<BridgeResult> {
  try {
    return await run(target);
  } catch (e) {
    onError?.(e);
    return err('INTERNAL', `the core failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
