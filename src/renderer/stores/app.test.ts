import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { isThemePreference, useAppStore } from './app.js';

describe('app store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });

  it('follows the system theme by default', () => {
    const store = useAppStore();
    expect(store.themePreference).toBe('system');
    expect(store.effectiveTheme).toBe('light');
    store.setSystemPrefersDark(true);
    expect(store.effectiveTheme).toBe('dark');
    store.setSystemPrefersDark(false);
    expect(store.effectiveTheme).toBe('light');
  });

  it('lets an explicit preference override the system theme', () => {
    const store = useAppStore();
    store.setSystemPrefersDark(true);
    store.setThemePreference('light');
    expect(store.effectiveTheme).toBe('light');
    store.setSystemPrefersDark(false);
    store.setThemePreference('dark');
    expect(store.effectiveTheme).toBe('dark');
    store.setThemePreference('system');
    expect(store.effectiveTheme).toBe('light');
  });

  it('keeps state per Pinia instance', () => {
    useAppStore().setThemePreference('dark');
    setActivePinia(createPinia());
    expect(useAppStore().themePreference).toBe('system');
  });
});

describe('isThemePreference', () => {
  it('accepts only the three preferences', () => {
    expect(['light', 'dark', 'system'].every(isThemePreference)).toBe(true);
    expect([undefined, null, 'Dark', 'auto', 1].some(isThemePreference)).toBe(false);
  });
});
