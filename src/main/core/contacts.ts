// Contacts: adding one from an invite code (its account must be known to a relay of the code), listing,
// and refreshing their signed profiles and device lists.
import { getContact, listContacts, putContact } from '../../shared/docs/account-doc.js';
import type { ContactEntry } from '../../shared/docs/account-doc.js';
import type { ContactView, CoreResult } from '../../shared/core-api.js';
import { RecordKind } from '../../shared/frames.js';
import { toHex } from '../../shared/ids.js';
import { decodeInvite } from '../../shared/invite.js';
import { err, ok } from '../../shared/result.js';
import { accountDoc, changeAccount } from './context.js';
import type { CoreContext } from './context.js';
import { avatarView } from './profile.js';

export function contactView(ctx: CoreContext, c: ContactEntry): ContactView {
  const profile = ctx.directory.profile(c.accountId);
  return { accountId: c.accountId, name: c.name || profile?.name || '', status: profile?.status ?? '', relays: [...c.relays], blocked: c.blocked === true, avatar: avatarView(profile) };
}

export function contactList(ctx: CoreContext): ContactView[] {
  return listContacts(accountDoc(ctx)).map((c) => contactView(ctx, c));
}

export async function addContact(ctx: CoreContext, code: string): Promise<CoreResult<ContactView>> {
  const invite = decodeInvite(typeof code === 'string' ? code : '');
  if (!invite.ok) return err('MALFORMED_INVITE', invite.message);
  const account = toHex(invite.value.account);
  const relays = invite.value.relays;
  if (account === ctx.me.account) return err('INVALID_ARGUMENT', 'this is your own invite code');
  const timeout = ctx.timing.requestTimeoutMs;
  const [devices] = await Promise.all([
    ctx.directory.fetch(RecordKind.DeviceList, account, relays, timeout),
    ctx.directory.fetch(RecordKind.Profile, account, relays, timeout),
  ]);
  if (ctx.engine.stopped) return err('INTERNAL', 'the core stopped');
  if (devices === 'unreachable') return err('RELAY_UNREACHABLE', `no relay of the invite answered: ${relays.join(', ')}`);
  if (devices === 'unknown' || ctx.directory.deviceList(account) === null) return err('UNKNOWN_ACCOUNT', `no relay of the invite knows account ${account}`);
  const name = ctx.directory.profile(account)?.name ?? '';
  const entry = changeAccount(ctx, (doc) => {
    const c: ContactEntry = { accountId: account, name, relays, addedAt: getContact(doc, account)?.addedAt ?? ctx.now() };
    putContact(doc, c);
    return c;
  });
  return ok(contactView(ctx, entry));
}

/** Fetches every contact's profile and device list; a changed name is written to the contact entry. */
export async function refreshContacts(ctx: CoreContext): Promise<void> {
  const contacts = listContacts(accountDoc(ctx)).filter((c) => c.blocked !== true);
  const timeout = ctx.timing.requestTimeoutMs;
  await Promise.all(
    contacts.map(async (c) => {
      const before = JSON.stringify(ctx.directory.profile(c.accountId));
      await Promise.all([ctx.directory.fetch(RecordKind.Profile, c.accountId, c.relays, timeout), ctx.directory.fetch(RecordKind.DeviceList, c.accountId, c.relays, timeout)]);
      const profile = ctx.directory.profile(c.accountId);
      if (ctx.engine.stopped) return;
      if (profile !== null && profile.name !== c.name) {
        changeAccount(ctx, (doc) => {
          const current = getContact(doc, c.accountId);
          if (current !== null) putContact(doc, { ...current, name: profile.name });
        });
      } else if (JSON.stringify(profile) !== before) {
        const current = getContact(accountDoc(ctx), c.accountId);
        if (current !== null) ctx.emit('contact', contactView(ctx, current));
      }
    }),
  );
}
