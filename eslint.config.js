// Lint, including the runtime boundaries of DESIGN.md: each folder names its runtime.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const nodePatterns = [{ group: ['node:*'], message: 'This folder runs without Node: no node: imports.' }];
const noElectron = { name: 'electron', message: 'Only src/main/electron/ and src/preload/ may import electron (ENVIRONMENT.md: the binary is not fetched in tests).' };
const domGlobals = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'location', 'HTMLElement', 'fetch', 'WebSocket'].map((name) => ({
  name,
  message: 'src/shared is pure: no DOM or platform globals; pass what you need in.',
}));

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'test-results/', 'playwright-report/', 'release/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [noElectron] }],
    },
  },
  {
    files: ['src/main/electron/**', 'src/preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/shared/**'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...nodeBuiltins.filter((m) => !m.startsWith('node:')).map((name) => ({ name, message: 'src/shared is pure: no Node modules.' }))],
          patterns: [...nodePatterns, { group: ['**/main/**', '**/relay/**', '**/renderer/**', '**/cli/**'], message: 'src/shared depends on nothing else in Cairn.' }],
        },
      ],
      'no-restricted-globals': ['error', ...domGlobals, { name: 'process', message: 'src/shared is pure: no process.' }, { name: 'Buffer', message: 'src/shared is pure: use Uint8Array.' }],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...nodeBuiltins.filter((m) => !m.startsWith('node:')).map((name) => ({ name, message: 'The renderer imports no Node module.' }))],
          patterns: [...nodePatterns, { group: ['**/main/**', '**/relay/**', '**/cli/**', '**/preload/**'], message: 'The renderer talks to the core only through the typed API.' }],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'The renderer has no Node.' }, { name: 'require', message: 'The renderer has no Node.' }],
    },
  },
);
