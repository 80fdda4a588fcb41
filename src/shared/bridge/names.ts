// The names every bridge to the core carries (Electron IPC, `cairn serve`'s WebSocket, the control socket):
// plain constants without zod, so the preload and the renderer can use them without the validators.
import type { CoreApi, CoreEvents, OnboardingApi } from '../core-api.js';

export type CoreMethodName = Exclude<keyof CoreApi, 'on'>;
export type OnboardingMethodName = keyof OnboardingApi;
export type CoreEventName = keyof CoreEvents;

export const CORE_METHOD_NAMES = [
  'whoami',
  'invite',
  'setProfile',
  'addContact',
  'contacts',
  'createChat',
  'chats',
  'acceptRequest',
  'blockRequest',
  'send',
  'editMessage',
  'deleteMessage',
  'messages',
  'markRead',
  'search',
  'exportChat',
  'status',
  'sync',
  'addRelay',
  'removeRelay',
  'devices',
  'approveLink',
  'confirmLink',
  'backfillProgress',
  'revokeDevice',
  'chatSyncStatus',
] as const satisfies readonly CoreMethodName[];

export const ONBOARDING_METHOD_NAMES = ['hasAccount', 'createAccount', 'requestLink', 'linkStatus', 'cancelLink'] as const satisfies readonly OnboardingMethodName[];

export const CORE_EVENT_NAMES = ['messages', 'chat', 'chatRemoved', 'contact', 'status', 'backfill', 'chatSync'] as const satisfies readonly CoreEventName[];

// Compile-time completeness: adding a method or event to CoreApi without listing it here fails the typecheck.
type Missing<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : Exclude<All, Listed>;
export const NAMES_COMPLETE: [
  Missing<CoreMethodName, (typeof CORE_METHOD_NAMES)[number]>,
  Missing<OnboardingMethodName, (typeof ONBOARDING_METHOD_NAMES)[number]>,
  Missing<CoreEventName, (typeof CORE_EVENT_NAMES)[number]>,
] = [true, true, true];

const coreEvents: ReadonlySet<string> = new Set(CORE_EVENT_NAMES);
export function isCoreEventName(name: unknown): name is CoreEventName {
  return typeof name === 'string' && coreEvents.has(name);
}
