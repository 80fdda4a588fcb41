import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_AVATAR_BYTES } from '../../shared/limits.js';
import type { FakeCore } from '../testing/fake-core.js';
import { withFakeCore } from '../testing/setup.js';
import { avatarProblem, useProfileStore } from './profile.js';

describe('profile store', () => {
  let core: FakeCore;
  beforeEach(() => {
    core = withFakeCore();
  });

  it('loads who this account is', async () => {
    const profile = useProfileStore();
    expect(await profile.load()).toBe(true);
    expect(profile.name).toBe('Ada Lovelace');
    expect(profile.me?.relays).toEqual(['ws://127.0.0.1:8787']);
  });

  it('shows the published avatar when the core reports one (undefined when it says nothing)', async () => {
    const profile = useProfileStore();
    await profile.load();
    const me = profile.me!;
    profile.apply({ ...me, avatar: undefined });
    expect(profile.avatarSrc).toBeUndefined();
    profile.apply({ ...me, avatar: null });
    expect(profile.avatarSrc).toBeNull();
    profile.apply({ ...me, avatar: { mime: 'image/png', dataUrl: 'data:image/png;base64,iVBORw==' } });
    expect(profile.avatarSrc).toBe('data:image/png;base64,iVBORw==');
  });

  it('saves a trimmed name and status', async () => {
    const profile = useProfileStore();
    expect(await profile.save({ name: ' Ada ', status: ' counting ' })).toBe(true);
    expect(profile.me).toMatchObject({ name: 'Ada', status: 'counting' });
    expect(core.calls.find((c) => c.method === 'setProfile')?.args).toEqual([{ name: 'Ada', status: 'counting' }]);
    expect(profile.saving).toBe(false);
  });

  it('checks name and status before asking the core', async () => {
    const profile = useProfileStore();
    expect(await profile.save({ name: '  ', status: '' })).toBe(false);
    expect(profile.error?.text).toBe('Enter a name.');
    expect(await profile.save({ name: 'x'.repeat(65), status: '' })).toBe(false);
    expect(profile.error?.text).toMatch(/at most 64/);
    expect(await profile.save({ name: 'Ada', status: 's'.repeat(141) })).toBe(false);
    expect(core.calls.some((c) => c.method === 'setProfile')).toBe(false);
  });

  it('sets an avatar image within the limits and shows core refusals', async () => {
    const profile = useProfileStore();
    const png = { mime: 'image/png', bytes: new Uint8Array(1000) };
    expect(await profile.setAvatar(png)).toBe(true);
    expect(profile.avatar).toBe(png);
    expect(profile.avatarSrc).toMatch(/^data:image\/png;base64,AAAA/);
    expect(await profile.setAvatar({ mime: 'image/png', bytes: new Uint8Array(MAX_AVATAR_BYTES + 1) })).toBe(false);
    expect(profile.error?.text).toMatch(/at most 64 KB/);
    expect(await profile.setAvatar({ mime: 'image/svg+xml', bytes: new Uint8Array(10) })).toBe(false);
    expect(profile.avatar).toBe(png);
    core.failNext('setProfile', 'TOO_LARGE', 'profile record too large');
    expect(await profile.setAvatar(png)).toBe(false);
    expect(profile.error?.code).toBe('TOO_LARGE');
    expect(await profile.setAvatar(null)).toBe(true);
    expect(profile.avatar).toBeNull();
    expect(profile.avatarSrc).toBeNull();
  });

  it('explains unusable images', () => {
    expect(avatarProblem('image/jpeg', 10)).toBeNull();
    expect(avatarProblem('image/bmp', 10)).toMatch(/PNG, JPEG, WebP or GIF/);
    expect(avatarProblem('image/png', 0)).toMatch(/empty/);
  });
});
