// Lint, including the runtime boundaries of DESIGN.md: each folder names its runtime.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import { builtinModules } from 'node:module';

const bareBuiltins = builtinModules.filter((m) => !m.startsWith('node:'));
const nodePaths = (message) => bareBuiltins.map((name) => ({ name, message }));
const nodePatterns = [{ group: ['node:*'], message: 'This folder runs without Node: no node: imports.' }];
const electronMessage = 'Only src/main/electron/ and src/preload/ may import electron (ENVIRONMENT.md: the binary is not fetched in tests).';
const noElectron = { name: 'electron', message: electronMessage };
// electron/main, electron/renderer and electron/common are the same module under another name.
const noElectronSubpaths = { regex: '^electron/', message: electronMessage };
// no-restricted-imports does not see import(), so dynamic imports are matched by syntax; \x2F is '/', which esquery regexes cannot hold.
const dynamicImport = (sourceRegex, message) => ({ selector: `ImportExpression[source.value=/${sourceRegex}/]`, message });
const noDynamicElectron = dynamicImport('^electron(?:$|\\x2F)', electronMessage);
const noDynamicNode = (message) => dynamicImport(`^(?:node:|(?:${bareBuiltins.filter((m) => !m.includes('/')).join('|')})(?:$|\\x2F))`, message);
const noGlobalThisNode = (message) => ['process', 'Buffer', 'require'].map((property) => ({ object: 'globalThis', property, message }));
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
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: [noElectronSubpaths] }],
      'no-restricted-syntax': ['error', noDynamicElectron],
    },
  },
  {
    files: ['src/main/electron/**'],
    rules: { 'no-restricted-imports': 'off', 'no-restricted-syntax': 'off' },
  },
  {
    // The preload is sandboxed: it can load electron and nothing from Node, and it bridges to main only over IPC.
    files: ['src/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodePaths('The sandboxed preload has no Node modules.'),
          patterns: [...nodePatterns, { group: ['**/main/**', '**/relay/**', '**/renderer/**', '**/cli/**'], message: 'The preload only bridges; the core lives behind IPC.' }],
        },
      ],
      'no-restricted-syntax': ['error', noDynamicNode('The sandboxed preload has no Node modules.')],
    },
  },
  {
    files: ['src/shared/**'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...nodePaths('src/shared is pure: no Node modules.')],
          patterns: [noElectronSubpaths, ...nodePatterns, { group: ['**/main/**', '**/relay/**', '**/renderer/**', '**/cli/**'], message: 'src/shared depends on nothing else in Cairn.' }],
        },
      ],
      'no-restricted-syntax': ['error', noDynamicElectron, noDynamicNode('src/shared is pure: no Node modules.')],
      'no-restricted-globals': ['error', ...domGlobals, { name: 'process', message: 'src/shared is pure: no process.' }, { name: 'Buffer', message: 'src/shared is pure: use Uint8Array.' }],
      'no-restricted-properties': ['error', ...noGlobalThisNode('src/shared is pure: no Node globals.')],
    },
  },
  {
    // Shared tests run under Node and exercise the real Sodium adapters; the code under test stays pure.
    files: ['src/shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...nodePaths('src/shared is pure: no Node modules.')],
          patterns: [noElectronSubpaths, ...nodePatterns, { group: ['**/relay/**', '**/renderer/**', '**/cli/**', '**/main/!(crypto)/**'], message: 'Shared tests may use only the crypto adapters from src/main.' }],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...nodePaths('The renderer imports no Node module.')],
          patterns: [noElectronSubpaths, ...nodePatterns, { group: ['**/main/**', '**/relay/**', '**/cli/**', '**/preload/**'], message: 'The renderer talks to the core only through the typed API.' }],
        },
      ],
      'no-restricted-syntax': ['error', noDynamicElectron, noDynamicNode('The renderer imports no Node module.')],
      'no-restricted-globals': ['error', { name: 'process', message: 'The renderer has no Node.' }, { name: 'require', message: 'The renderer has no Node.' }],
      'no-restricted-properties': ['error', ...noGlobalThisNode('The renderer has no Node.')],
    },
  },
);
