// Builds the Electron shell into out/: main (ESM), preload (CommonJS, as sandboxed preloads require) and the Vue renderer.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './src/main/electron/content-security-policy.js';

const root = import.meta.dirname;
const { version } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string };

// The dev server injects styles inline, so under `electron-vite dev` the meta tag gets the development policy.
function devContentSecurityPolicy(): Plugin {
  return {
    name: 'cairn:dev-content-security-policy',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(contentSecurityPolicy('production'), contentSecurityPolicy('development')),
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // ESM, as package.json says; the file name matches package.json "main".
      rolldownOptions: {
        input: { index: resolve(root, 'src/main/electron/main.ts') },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    define: { __CAIRN_VERSION__: JSON.stringify(version) },
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can only be a single CommonJS script: bundle everything but electron into it.
      externalizeDeps: false,
      isolatedEntries: true,
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    plugins: [vue(), devContentSecurityPolicy()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: { index: resolve(root, 'src/renderer/index.html') } },
    },
  },
});
