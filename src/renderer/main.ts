// Renderer entry: Vue + Pinia, the OS colour scheme fed into the theme, then the bridge to the core.
import { createPinia } from 'pinia';
import { createApp, watchEffect } from 'vue';
import App from './App.vue';
import { connectBridge, NO_BRIDGE } from './bridge/connect.js';
import { isThemePreference, useAppStore } from './stores/app.js';
import { useChatsStore } from './stores/chats.js';
import { useSessionStore } from './stores/session.js';
import './style.css';

const THEME_KEY = 'cairn.theme';

const pinia = createPinia();
const app = createApp(App).use(pinia);

const store = useAppStore(pinia);
const saved = localStorage.getItem(THEME_KEY);
if (isThemePreference(saved)) store.setThemePreference(saved);
const darkScheme = window.matchMedia('(prefers-color-scheme: dark)');
store.setSystemPrefersDark(darkScheme.matches);
darkScheme.addEventListener('change', (event) => store.setSystemPrefersDark(event.matches));
watchEffect(() => {
  document.documentElement.dataset['theme'] = store.effectiveTheme;
  localStorage.setItem(THEME_KEY, store.themePreference);
});

const chats = useChatsStore(pinia);
watchEffect(() => {
  document.title = chats.totalUnread > 0 ? `(${chats.totalUnread}) Cairn` : 'Cairn';
});

app.mount('#app');

const session = useSessionStore(pinia);
connectBridge().then(
  (bridge) => session.start(bridge),
  (error: unknown) => session.fail(error instanceof Error && error.name === NO_BRIDGE ? 'no-bridge' : 'failed', error),
);
