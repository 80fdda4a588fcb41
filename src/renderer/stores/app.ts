// App-wide view state: the theme, following the OS unless the user picks one. No keys, no sockets.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

export type ThemePreference = 'light' | 'dark' | 'system';
export type EffectiveTheme = 'light' | 'dark';
export const themePreferences: readonly ThemePreference[] = ['system', 'light', 'dark'];

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

  function setThemePreference(preference: ThemePreference): void {
    themePreference.value = preference;
  }

  function setSystemPrefersDark(prefersDark: boolean): void {
    systemPrefersDark.value = prefersDark;
  }

  return { themePreference, systemPrefersDark, effectiveTheme, setThemePreference, setSystemPrefersDark };
});
