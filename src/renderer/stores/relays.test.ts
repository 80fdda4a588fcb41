import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeCore } from '../testing/fake-core.js';
import { deferred, withFakeCore } from '../testing/setup.js';
import { useContactsStore } from './contacts.js';
import { useProfileStore } from './profile.js';
import { useRelaysStore } from './relays.js';

describe('relays store', () => {
  let core: FakeCore;
  beforeEach(async () => {
    core = withFakeCore();
    await useProfileStore().load();
  });

  it('adds a trimmed relay, updates WhoAmI.relays and reloads the invite code', async () => {
    const relays = useRelaysStore();
    expect(await relays.add('  wss://relay.example.org  ')).toBe(true);
    expect(useProfileStore().me?.relays).toEqual(['ws://127.0.0.1:8787', 'wss://relay.example.org']);
    expect(core.calls.filter((c) => c.method === 'addRelay').map((c) => c.args)).toEqual([['wss://relay.example.org']]);
    expect(useContactsStore().inviteCode).toMatch(/^cairn:/);
    expect(relays.error).toBeNull();
    expect(relays.adding).toBe(false);
  });

  it('checks the address before asking the core, and refuses one already listed', async () => {
    const relays = useRelaysStore();
    expect(await relays.add('')).toBe(false);
    expect(relays.error?.text).toBe('Enter a relay address.');
    expect(await relays.add('http://example.org')).toBe(false);
    expect(relays.error?.text).toMatch(/ws:\/\/host:port/);
    expect(await relays.add('ws://127.0.0.1:8787')).toBe(false);
    expect(relays.error?.text).toBe('That relay is already in the list.');
    expect(core.calls.some((c) => c.method === 'addRelay')).toBe(false);
    relays.clearError();
    expect(relays.error).toBeNull();
  });

  it('shows a relay the core cannot reach, naming it', async () => {
    const relays = useRelaysStore();
    core.failNext('addRelay', 'RELAY_UNREACHABLE', 'cannot reach ws://10.0.0.1:9');
    expect(await relays.add('ws://10.0.0.1:9')).toBe(false);
    expect(relays.error).toEqual({ code: 'RELAY_UNREACHABLE', text: 'A relay could not be reached. (cannot reach ws://10.0.0.1:9)' });
    expect(useProfileStore().me?.relays).toEqual(['ws://127.0.0.1:8787']);
  });

  it('is busy while the core adds, and a new attempt clears the last error', async () => {
    const relays = useRelaysStore();
    core.failNext('addRelay', 'TIMEOUT', 'slow');
    await relays.add('ws://a.example:1');
    expect(relays.error?.code).toBe('TIMEOUT');
    const hold = deferred<void>();
    const original = core.addRelay.bind(core);
    core.addRelay = async (url) => (await hold.promise, original(url));
    const pending = relays.add('ws://a.example:1');
    expect(relays.adding).toBe(true);
    expect(relays.error).toBeNull();
    hold.resolve();
    expect(await pending).toBe(true);
    expect(relays.adding).toBe(false);
  });

  it('removes a relay but never the last one', async () => {
    const relays = useRelaysStore();
    expect(await relays.remove('ws://127.0.0.1:8787')).toBe(false);
    expect(relays.error).toMatchObject({ code: 'NOT_ALLOWED', text: expect.stringMatching(/only relay/) });
    expect(core.calls.some((c) => c.method === 'removeRelay')).toBe(false);
    await relays.add('wss://second.example');
    expect(await relays.remove('ws://127.0.0.1:8787')).toBe(true);
    expect(useProfileStore().me?.relays).toEqual(['wss://second.example']);
    expect(relays.removing).toBeNull();
    core.failNext('removeRelay', 'INVALID_ARGUMENT', 'not one of this account’s relays');
    await relays.add('wss://third.example');
    expect(await relays.remove('wss://third.example')).toBe(false);
    expect(relays.error?.code).toBe('INVALID_ARGUMENT');
  });
});
