// The account's own relays (Settings → Relays, `cairn relays`): adding one publishes this account's signed
// records there and follows its inbox and account doc there; removing one stops both. Chats keep the relays
// they were created with (docs/CLIENT.md, "The account's relays").
import type { CoreResult, WhoAmI } from '../../shared/core-api.js';
import { isRelayUrl, MAX_INVITE_RELAYS } from '../../shared/invite.js';
import { toHex } from '../../shared/ids.js';
import { err, ok } from '../../shared/result.js';
import { accountDocTopic, ACCOUNT_DOC } from './context.js';
import type { CoreContext } from './context.js';
import { META, setMeta } from './identity.js';
import { followInbox } from './inbox.js';
import { publishRecords, whoami } from './profile.js';

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
  relays.push(url);
  save(ctx, relays);
  // Re-following with the longer list makes the registry seal account-doc changes for the new relay too.
  ctx.engine.follow(accountDocTopic(ctx));
  followInbox(ctx);
  await publishRecords(ctx, url);
  return ok(whoami(ctx));
}

/** Removes a relay: INVALID_ARGUMENT when it is not listed, NOT_ALLOWED for the last one. */
export function removeRelay(ctx: CoreContext, relays: AccountRelays, input: string): CoreResult<WhoAmI> {
  const url = typeof input === 'string' ? input.trim() : '';
  const at = relays.indexOf(url);
  if (at < 0) return err('INVALID_ARGUMENT', `${JSON.stringify(url.slice(0, 80))} is not one of this account's relays`);
  if (relays.length === 1) return err('NOT_ALLOWED', 'this is the account’s only relay: add another one before removing it');
  relays.splice(at, 1);
  const pool = ctx.engine.pool;
  const docTopic = accountDocTopic(ctx);
  ctx.engine.registry.transaction(() => {
    save(ctx, relays);
    dropQueued(ctx, url, ACCOUNT_DOC);
  });
  ctx.engine.follow(docTopic);
  pool.removeTopic(url, docTopic.topicHex);
  pool.removeTopic(url, toHex(ctx.id.inbox.capability.topic));
  // Chats created on that relay keep using it; the connection closes only when nothing is followed there.
  pool.dropIfIdle(url);
  ctx.engine.kick(relays);
  return ok(whoami(ctx));
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
