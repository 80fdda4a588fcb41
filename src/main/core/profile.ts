// This account's profile: kept in the account doc (per field, so devices merge) and published as a signed
// record to every relay of the account, together with the device list, whenever a relay connects.
import { getProfile, setProfile as setDocProfile } from '../../shared/docs/account-doc.js';
import type { AccountProfile } from '../../shared/docs/account-doc.js';
import type { AvatarView, CoreResult, WhoAmI } from '../../shared/core-api.js';
import { encodeProfile } from '../../shared/records.js';
import type { Profile } from '../../shared/records.js';
import { err, ok } from '../../shared/result.js';
import { accountDoc, changeAccount } from './context.js';
import type { CoreContext } from './context.js';
import { storedRecord, writeProfileRecord } from './identity.js';

export function whoami(ctx: CoreContext): WhoAmI {
  const p = getProfile(accountDoc(ctx));
  const avatar = p?.avatar === undefined || p.avatar === '' || !p.avatarMime ? null : { mime: p.avatarMime, dataUrl: `data:${p.avatarMime};base64,${p.avatar}` };
  return { accountId: ctx.me.account, deviceId: ctx.me.device, name: p?.name ?? '', status: p?.status ?? '', relays: ctx.relays(), avatar };
}

/** The avatar of a signed profile record, or null when it has none. */
export function avatarView(p: Profile | null): AvatarView | null {
  if (p === null || p.avatar.length === 0 || p.avatarMime === '') return null;
  return { mime: p.avatarMime, dataUrl: `data:${p.avatarMime};base64,${Buffer.from(p.avatar).toString('base64')}` };
}

export type ProfileInput = { name?: string; status?: string; avatar?: { mime: string; bytes: Uint8Array } | null };

/** The record payload for an account-doc profile (avatar stored as base64 there). */
export function recordProfile(p: AccountProfile): Profile {
  const avatar = p.avatar === undefined ? new Uint8Array(0) : new Uint8Array(Buffer.from(p.avatar, 'base64'));
  return { name: p.name, status: p.status, avatarMime: p.avatarMime ?? '', avatar };
}

export function setProfile(ctx: CoreContext, input: ProfileInput): CoreResult<WhoAmI> {
  const current: AccountProfile = getProfile(accountDoc(ctx)) ?? { name: '', status: '' };
  const next: AccountProfile = { name: input?.name ?? current.name, status: input?.status ?? current.status };
  if (typeof next.name !== 'string' || typeof next.status !== 'string') return err('INVALID_ARGUMENT', 'name and status must be strings');
  const avatar = input?.avatar === undefined ? (current.avatar === undefined ? null : { mime: current.avatarMime!, base64: current.avatar }) : input.avatar === null ? null : { mime: input.avatar.mime, base64: Buffer.from(input.avatar.bytes).toString('base64') };
  if (avatar !== null) {
    next.avatarMime = avatar.mime;
    next.avatar = avatar.base64;
  }
  const encoded = encodeProfile(recordProfile(next));
  if (!encoded.ok) return err(encoded.code === 'TOO_LARGE' ? 'TOO_LARGE' : 'INVALID_ARGUMENT', encoded.message);
  const record = ctx.engine.registry.transaction(() => {
    changeAccount(ctx, (doc) => setDocProfile(doc, next));
    const r = writeProfileRecord(ctx.db, ctx.sodium, ctx.id, recordProfile(next), ctx.now());
    if (!r.ok) throw new Error(`a checked profile does not encode: ${r.message}`);
    return r.value;
  });
  ctx.directory.accept(record);
  for (const url of ctx.relays()) void publishRecords(ctx, url);
  return ok(whoami(ctx));
}

/** Puts the account's signed records on a relay (a relay holding them already answers STALE_RECORD). */
export async function publishRecords(ctx: CoreContext, url: string): Promise<void> {
  const client = ctx.engine.pool.get(url)?.client;
  if (client === undefined || !client.isOpen) return;
  for (const which of ['deviceListRecord', 'profileRecord'] as const) {
    if (ctx.engine.stopped) return;
    const record = storedRecord(ctx.db, which);
    if (record === null) continue;
    const r = await client.putRecord(record);
    if (!r.ok && r.code !== 'STALE_RECORD') ctx.log.warn({ relay: url, record: which }, `publishing a record failed: ${r.message}`);
  }
}
