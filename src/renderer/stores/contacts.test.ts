import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeCore } from '../testing/fake-core.js';
import { BOB, CAROL, withFakeCore } from '../testing/setup.js';
import { useContactsStore } from './contacts.js';
import { subscribeLive } from './live.js';

const BOB_INVITE = 'cairn:bobsinvitecode';

describe('contacts store', () => {
  let core: FakeCore;
  beforeEach(() => {
    core = withFakeCore();
    core.seedContact({ accountId: CAROL, name: 'Carol' });
    core.seedContact({ accountId: 'e5'.repeat(32), name: 'Eve', blocked: true });
    core.seedContact({ accountId: BOB, name: 'Bob', status: 'on a boat' }, BOB_INVITE);
  });

  it('lists contacts by name, without blocked ones, and loads the invite code', async () => {
    const contacts = useContactsStore();
    expect(await contacts.load()).toBe(true);
    await contacts.loadInvite();
    expect(contacts.sorted.map((c) => c.name)).toEqual(['Carol']);
    expect(contacts.inviteCode).toMatch(/^cairn:/);
  });

  it('adds a contact from a pasted invite (surrounding whitespace ignored)', async () => {
    const contacts = useContactsStore();
    await contacts.load();
    const added = await contacts.add(`  ${BOB_INVITE}\n`);
    expect(added).toMatchObject({ accountId: BOB, name: 'Bob' });
    expect(contacts.addError).toBeNull();
    expect(contacts.sorted.map((c) => c.name)).toEqual(['Bob', 'Carol']);
    expect(core.calls.find((c) => c.method === 'addContact')?.args).toEqual([BOB_INVITE]);
  });

  it('explains a mistyped code and an unknown account', async () => {
    const contacts = useContactsStore();
    expect(await contacts.add('hello there')).toBeNull();
    expect(contacts.addError).toMatchObject({ code: 'MALFORMED_INVITE', text: expect.stringMatching(/not a valid invite code.*typos/) });
    expect(await contacts.add('cairn:someoneelse')).toBeNull();
    expect(contacts.addError).toMatchObject({ code: 'UNKNOWN_ACCOUNT', text: expect.stringMatching(/No relay in this invite knows that account/) });
    contacts.clearAddError();
    expect(contacts.addError).toBeNull();
  });

  it('names a relay that could not be reached', async () => {
    const contacts = useContactsStore();
    core.failNext('addContact', 'RELAY_UNREACHABLE', 'wss://relay.example: connection refused');
    await contacts.add(BOB_INVITE);
    expect(contacts.addError?.text).toBe('A relay could not be reached. (wss://relay.example: connection refused)');
  });

  it('refuses an empty paste and the account’s own code without asking the core', async () => {
    const contacts = useContactsStore();
    await contacts.loadInvite();
    expect(await contacts.add('  ')).toBeNull();
    expect(contacts.addError?.text).toMatch(/Paste an invite code/);
    expect(await contacts.add(contacts.inviteCode!)).toBeNull();
    expect(contacts.addError?.text).toMatch(/your own invite code/);
    expect(core.calls.some((c) => c.method === 'addContact')).toBe(false);
  });

  it('follows contact events and names accounts it does not know by a short id', async () => {
    const contacts = useContactsStore();
    subscribeLive(core);
    core.emit('contact', { accountId: BOB, name: 'Robert', status: '', relays: [], blocked: false });
    expect(contacts.nameOf(BOB)).toBe('Robert');
    expect(contacts.nameOf('f0'.repeat(32))).toBe('f0f0f0f0…');
  });

  it("gives a contact's published avatar as an img src, null without one", async () => {
    const contacts = useContactsStore();
    await contacts.load();
    subscribeLive(core);
    expect(contacts.avatarOf(CAROL)).toBeNull();
    const avatar = { mime: 'image/png', dataUrl: 'data:image/png;base64,iVBORw==' };
    core.emit('contact', { accountId: CAROL, name: 'Carol', status: '', relays: [], blocked: false, avatar });
    expect(contacts.avatarOf(CAROL)).toBe(avatar.dataUrl);
  });
});
