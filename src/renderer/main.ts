// Renderer entry: Vue + Pinia, with the OS colour scheme fed into the store and the chosen theme onto <html>.
import { createPinia } from 'pinia';
import { createApp, watchEffect } from 'vue';
import App from './App.vue';
import { useAppStore } from './stores/app.js';
import './style.css';

const pinia = createPinia();
const app = createApp(App).use(pinia);

const store = useAppStore(pinia);
const darkScheme = window.matchMedia('(prefers-color-scheme: dark)');
store.setSystemPrefersDark(darkScheme.matches);
darkScheme.addEventListener('change', (event) => store.setSystemPrefersDark(event.matches));
watchEffect(() => {
  document.documentElement.dataset['theme'] = store.effectiveTheme;
});

app.mount('#app');
