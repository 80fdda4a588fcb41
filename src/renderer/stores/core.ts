// The CoreApi the stores talk to, held per Pinia instance so tests inject a fake and the app injects its bridge.
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { CoreApi, OnboardingApi } from '../../shared/core-api.js';

export const useCoreStore = defineStore('core', () => {
  // shallowRef: the bridge object (a contextBridge proxy in Electron) must not be wrapped in a reactive proxy.
  const api = shallowRef<CoreApi | null>(null);
  const onboarding = shallowRef<OnboardingApi | null>(null);

  function provide(core: CoreApi, onboardingApi?: OnboardingApi): void {
    api.value = core;
    if (onboardingApi !== undefined) onboarding.value = onboardingApi;
  }

  return { api, onboarding, provide };
});

/** Gives every store of the active Pinia this core (and onboarding API). */
export function provideCore(core: CoreApi, onboarding?: OnboardingApi): void {
  useCoreStore().provide(core, onboarding);
}

/** Captures the core store of the current Pinia at store setup, so actions keep it across awaits. */
export function coreAccess(): { core: () => CoreApi; onboarding: () => OnboardingApi } {
  const store = useCoreStore();
  return {
    // Calling a store action before provideCore is a programmer error.
    core: () => store.api ?? missing('CoreApi'),
    onboarding: () => store.onboarding ?? missing('OnboardingApi'),
  };
}

function missing(what: string): never {
  throw new Error(`no ${what} provided: call provideCore(api, onboarding) first`);
}
