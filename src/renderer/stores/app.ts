// App-wide view state: theme choice and where the user is in onboarding. No keys, no sockets.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

export type ThemePreference = 'light' | 'dark' | 'system';
export type EffectiveTheme = 'light' | 'dark';
export const themePreferences: readonly ThemePreference[] = ['system', 'light', 'dark'];

/** Onboarding screens in order; 'done' means the user has an account on this device. */
export type OnboardingStep = 'welcome' | 'choose-start' | 'done';
/** How a user starts on this device: a new account, or linking to an account on another device. */
export type StartChoice = 'create-account' | 'link-device';

export function isThemePreference(value: unknown): value is ThemePreference {
  return value === 'light' || value === 'dark' || value === 'system';
}

export const useAppStore = defineStore('app', () => {
  const themePreference = ref<ThemePreference>('system');
  // Fed by whoever can observe the OS setting (main.ts via matchMedia), so the store stays DOM-free.
  const systemPrefersDark = ref(false);
  const effectiveTheme = computed<EffectiveTheme>(() => {
    if (themePreference.value !== 'system') return themePreference.value;
    return systemPrefersDark.value ? 'dark' : 'light';
  });

  const onboardingStep = ref<OnboardingStep>('welcome');
  const startChoice = ref<StartChoice | null>(null);

  function setThemePreference(preference: ThemePreference): void {
    themePreference.value = preference;
  }

  function setSystemPrefersDark(prefersDark: boolean): void {
    systemPrefersDark.value = prefersDark;
  }

  function beginOnboarding(): void {
    onboardingStep.value = 'choose-start';
  }

  function chooseStart(choice: StartChoice): void {
    startChoice.value = choice;
  }

  function backToWelcome(): void {
    onboardingStep.value = 'welcome';
    startChoice.value = null;
  }

  return {
    themePreference,
    systemPrefersDark,
    effectiveTheme,
    onboardingStep,
    startChoice,
    setThemePreference,
    setSystemPrefersDark,
    beginOnboarding,
    chooseStart,
    backToWelcome,
  };
});
