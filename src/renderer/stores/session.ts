// Where the app is: waiting for its bridge, without one, onboarding, loading, ready, or cut off from the core.
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { Unsubscribe } from '../../shared/core-api.js';
import type { Bridge, BridgeInfo } from '../bridge/types.js';
import { useChatsStore } from './chats.js';
import { useContactsStore } from './contacts.js';
import { provideCore } from './core.js';
import { subscribeLive } from './live.js';
import { useProfileStore } from './profile.js';
import { useStatusStore } from './status.js';
import { useSyncStore } from './sync.js';
import { useUiStore } from './ui.js';

export type SessionPhase = 'starting' | 'no-bridge' | 'onboarding' | 'loading' | 'ready' | 'failed' | 'disconnected';

export const useSessionStore = defineStore('session', () => {
  const phase = shallowRef<SessionPhase>('starting');
  const problem = shallowRef<string | null>(null);
  const info = shallowRef<BridgeInfo | null>(null);
  const bridge = shallowRef<Bridge | null>(null);
  const subscriptions: Unsubscribe[] = [];

  const profile = useProfileStore();
  const chats = useChatsStore();
  const contacts = useContactsStore();
  const status = useStatusStore();
  const sync = useSyncStore();
  const ui = useUiStore();

  function fail(next: 'no-bridge' | 'failed', cause: unknown): void {
    phase.value = next;
    problem.value = cause instanceof Error ? cause.message : String(cause);
  }

  /** Takes the bridge: onboarding when this device has no account yet, else straight into the app. */
  async function start(b: Bridge): Promise<void> {
    bridge.value = b;
    info.value = b.info;
    provideCore(b.api, b.onboarding);
    subscriptions.push(
      b.onDisconnect(() => {
        phase.value = 'disconnected';
        stop();
      }),
    );
    if (b.shell !== undefined) {
      subscriptions.push(
        b.shell.on('openInvite', ({ code }) => ui.openInvite(code)),
        b.shell.on('openChat', ({ chatId }) => {
          ui.closeDialog();
          chats.select(chatId);
        }),
      );
    }
    try {
      if (await b.onboarding.hasAccount()) await enter();
      else phase.value = 'onboarding';
    } catch (cause) {
      fail('failed', cause);
    }
  }

  /** Loads everything the main screen shows; live events are subscribed first so none falls in between. */
  async function enter(): Promise<void> {
    const b = bridge.value;
    if (b === null) throw new Error('enter() before start()');
    phase.value = 'loading';
    try {
      subscriptions.push(subscribeLive(b.api));
      const [who] = await Promise.all([profile.load(), chats.load(), contacts.load(), status.load(), contacts.loadInvite(), sync.loadBackfill()]);
      if (!who) return fail('failed', new Error(profile.error?.text ?? 'The core did not say who this account is.'));
      phase.value = 'ready';
    } catch (cause) {
      fail('failed', cause);
    }
  }

  function stop(): void {
    for (const off of subscriptions.splice(0)) off();
  }

  return { phase, problem, info, start, enter, fail, stop };
});
