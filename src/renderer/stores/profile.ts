// The user's own profile: name, status and avatar, edited through CoreApi.setProfile.
import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import type { WhoAmI } from '../../shared/core-api.js';
import { MAX_AVATAR_BYTES, MAX_PROFILE_NAME_CHARS, MAX_PROFILE_STATUS_CHARS } from '../../shared/limits.js';
import { AVATAR_MIME_TYPES } from '../../shared/records.js';
import { coreAccess } from './core.js';
import { unexpectedError, userError, type UserError } from './errors.js';

export type Avatar = { mime: string; bytes: Uint8Array };

const codePoints = (s: string) => [...s].length;

/** Why an image cannot be an avatar, or null when it can. */
export function avatarProblem(mime: string, size: number): string | null {
  if (!AVATAR_MIME_TYPES.includes(mime)) return 'Choose a PNG, JPEG, WebP or GIF image.';
  if (size > MAX_AVATAR_BYTES) return `That image is ${Math.ceil(size / 1024)} KB; an avatar can be at most ${MAX_AVATAR_BYTES / 1024} KB.`;
  if (size === 0) return 'That image file is empty.';
  return null;
}

export function profileProblem(name: string, status: string): string | null {
  if (name.trim() === '') return 'Enter a name.';
  if (codePoints(name) > MAX_PROFILE_NAME_CHARS) return `A name can be at most ${MAX_PROFILE_NAME_CHARS} characters.`;
  if (codePoints(status) > MAX_PROFILE_STATUS_CHARS) return `A status can be at most ${MAX_PROFILE_STATUS_CHARS} characters.`;
  return null;
}

export const useProfileStore = defineStore('profile', () => {
  const { core } = coreAccess();
  const me = shallowRef<WhoAmI | null>(null);
  // The image set on this device; shown only when the core's WhoAmI carries no avatar field (older bridges).
  const avatar = shallowRef<Avatar | null>(null);
  const saving = shallowRef(false);
  const error = shallowRef<UserError | null>(null);

  const name = computed(() => me.value?.name ?? '');
  /** The published avatar as an img src: null when none, undefined when the core does not say. */
  const avatarSrc = computed(() => (me.value?.avatar === undefined ? undefined : (me.value.avatar?.dataUrl ?? null)));

  function apply(who: WhoAmI): void {
    me.value = who;
  }

  async function load(): Promise<boolean> {
    const r = await core().whoami();
    if (!r.ok) {
      error.value = userError(r);
      return false;
    }
    apply(r.value);
    return true;
  }

  async function run(change: Parameters<ReturnType<typeof core>['setProfile']>[0]): Promise<boolean> {
    saving.value = true;
    error.value = null;
    try {
      const r = await core().setProfile(change);
      if (!r.ok) {
        error.value = userError(r);
        return false;
      }
      apply(r.value);
      return true;
    } catch (cause) {
      error.value = unexpectedError(cause);
      return false;
    } finally {
      saving.value = false;
    }
  }

  async function save(next: { name: string; status: string }): Promise<boolean> {
    const problem = profileProblem(next.name, next.status);
    if (problem !== null) {
      error.value = { code: 'INVALID_ARGUMENT', text: problem };
      return false;
    }
    return run({ name: next.name.trim(), status: next.status.trim() });
  }

  async function setAvatar(image: Avatar | null): Promise<boolean> {
    const problem = image === null ? null : avatarProblem(image.mime, image.bytes.length);
    if (problem !== null) {
      error.value = { code: 'INVALID_ARGUMENT', text: problem };
      return false;
    }
    const done = await run({ avatar: image });
    if (done) avatar.value = image;
    return done;
  }

  return { me, avatar, avatarSrc, saving, error, name, apply, load, save, setAvatar };
});
