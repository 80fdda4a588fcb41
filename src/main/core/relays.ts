// The account's own relays (Settings → Relays, `cairn relays`): adding one publishes this account's signed
// records there and follows its inbox and account doc there; removing one stops both. The list also travels in
// the account doc (setting RELAYS_SETTING), so the account's other devices follow the change (adoptRelays).
// Chats keep the relays they were created with (docs/CLIENT.md, "The account's relays").
import type { CoreResult, WhoAmI } from '../../shared/core-api.js';
import { getSetting, setSetting } from '../../shared/docs/account-doc.js';
import { isRelayUrl, MAX_INVITE_RELAYS, relayListProblem } from '../../shared/invite.js';
import { toHex } from '../../shared/ids.js';
import { err, ok } from '../../shared/result.js';
import { accountDoc, accountDocTopic, ACCOUNT_DOC, changeAccount } from './context.js';
import type { CoreContext } from './context.js';
import { META, setMeta } from './identity.js';
import { followInbox } from './inbox.js';
import { publishRecords, whoami } from './profile.js';

/** The account-doc setting holding the relay list (a JSON array of URLs; the last change wins). */
export const RELAYS_SETTING = 'account.relays';

/** How long addRelay waits for the new relay to accept a connection. */
export const ADD_RELAY_TIMEOUT_MS = 10_000;

/**
 * The account's relay list, shared with createCore (its `relays` array is mutated in place, so invite(),
 * whoami() and the relay-open handler see the change at once) and persisted in meta.
 */
export type AccountRelays = string[];

function save(ctx: CoreContext, relays: AccountRelays): void {
  setMeta(ctx.db, META.relays, JSON.stringify(relays));
}

/** Adds a relay: INVALID_ARGUMENT for a bad URL or one already listed, RELAY_UNREACHABLE when it does not answer. */
export async function addRelay(ctx: CoreContext, relays: AccountRelays, input: string, timeoutMs = ADD_RELAY_TIMEOUT_MS): Promise<CoreResult<WhoAmI>> {
  const url = typeof input === 'string' ? input.trim() : '';
  if (!isRelayUrl(url)) return err('INVALID_ARGUMENT', `not a ws:// or wss:// relay URL: ${JSON.stringify(url.slice(0, 80))}`);
  if (relays.includes(url)) return err('INVALID_ARGUMENT', `${url} is already one of this account's relays`);
  if (relays.length >= MAX_INVITE_RELAYS) return err('INVALID_ARGUMENT', `an account can have at most ${MAX_INVITE_RELAYS} relays (an invite names them all)`);
  const pool = ctx.engine.pool;
  const known = pool.get(url) !== null;
  if (!(await pool.whenOpen(url, timeoutMs))) {
    if (!known) pool.dropIfIdle(url);
    const why = pool.get(url)?.lastError;
    return err('RELAY_UNREACHABLE', `cannot reach ${url}${why ? `: ${why}` : ''}`);
  }
  if (ctx.engine.stopped) return err('NOT_ALLOWED', 'this device is shutting down');
  // A concurrent addRelay of the same URL may have finished while this one waited.
  if (relays.includes(url)) return err('INVALID_ARGUMENT', `${url} is already one of this account's relays`);
  follow(ctx, relays, [url]);
  // Written after following, so the change also reaches the new relay: another device may only share that one.
  changeAccount(ctx, (doc) => setSetting(doc, RELAYS_SETTING, JSON.stringify(relays)));
  await publishRecords(ctx, url);
  return ok(whoami(ctx));
}

/** Follows the inbox and the account doc on these relays (added to the list); the relay-open handler publishes the records. */
function follow(ctx: CoreContext, relays: AccountRelays, added: string[]): void {
  relays.push(...added);
  save(ctx, relays);
  // Re-following with the longer list makes the registry seal account-doc changes for the new relays too.
  ctx.engine.follow(accountDocTopic(ctx));
  followInbox(ctx);
}

/** Removes a relay: INVALID_ARGUMENT when it is not listed, NOT_ALLOWED for the last one. */
export function removeRelay(ctx: CoreContext, relays: AccountRelays, input: string): CoreResult<WhoAmI> {
  const url = typeof input === 'string' ? input.trim() : '';
  const at = relays.indexOf(url);
  if (at < 0) return err('INVALID_ARGUMENT', `${JSON.stringify(url.slice(0, 80))} is not one of this account's relays`);
  if (relays.length === 1) return err('NOT_ALLOWED', 'this is the account’s only relay: add another one before removing it');
  unfollow(ctx, relays, [url]);
  changeAccount(ctx, (doc) => setSetting(doc, RELAYS_SETTING, JSON.stringify(relays)));
  return ok(whoami(ctx));
}

/** Stops following the inbox and the account doc on these relays (removed from the list). */
function unfollow(ctx: CoreContext, relays: AccountRelays, removed: string[]): void {
  const pool = ctx.engine.pool;
  for (const url of removed) relays.splice(relays.indexOf(url), 1);
  const docTopic = accountDocTopic(ctx);
  ctx.engine.registry.transaction(() => {
    save(ctx, relays);
    for (const url of removed) dropQueued(ctx, url, ACCOUNT_DOC);
  });
  ctx.engine.follow(docTopic);
  for (const url of removed) {
    pool.removeTopic(url, docTopic.topicHex);
    pool.removeTopic(url, toHex(ctx.id.inbox.capability.topic));
    // Chats created on that relay keep using it; the connection closes only when nothing is followed there.
    pool.dropIfIdle(url);
  }
  ctx.engine.kick(relays);
}

/**
 * Takes the relay list another device of the account wrote into the account doc: follows the added relays and
 * stops following the removed ones. Called whenever the account doc changed (and at start); a list that is not
 * a valid relay list, or equals this device's, changes nothing.
 */
export function adoptRelays(ctx: CoreContext, relays: AccountRelays): void {
  const wanted = readRelaySetting(ctx);
  if (wanted === null || (wanted.length === relays.length && wanted.every((u, i) => u === relays[i]))) return;
  const added = wanted.filter((u) => !relays.includes(u));
  const removed = relays.filter((u) => !wanted.includes(u));
  if (added.length > 0) follow(ctx, relays, added);
  if (removed.length > 0) unfollow(ctx, relays, removed);
  // Same members, other order: keep the account's order (invite codes list them so).
  relays.splice(0, relays.length, ...wanted);
  save(ctx, relays);
  ctx.log.info({ added, removed }, 'took the relay list another device of this account wrote');
}

function readRelaySetting(ctx: CoreContext): string[] | null {
  const v = getSetting(accountDoc(ctx), RELAYS_SETTING);
  if (typeof v !== 'string') return null;
  let list: unknown;
  try {
    list = JSON.parse(v);
  } catch {
    return null;
  }
  return Array.isArray(list) && list.every((u) => typeof u === 'string') && relayListProblem(list) === null ? list : null;
}

/** Outbox rows of one doc still waiting for a relay that is no longer followed for it. */
function dropQueued(ctx: CoreContext, url: string, doc: string): void {
  const outbox = ctx.engine.outbox;
  let after = 0;
  for (;;) {
    const rows = outbox.next(url, after, 500);
    if (rows.length === 0) return;
    for (const row of rows) if (row.doc === doc) outbox.remove(row.id);
    after = rows.at(-1)!.id;
  }
}
