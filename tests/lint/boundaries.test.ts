// Proves the runtime boundaries in eslint.config.js fire: each folder may import only what its runtime has.
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: repoRoot });

/** Rule ids of the errors ESLint reports for `code` as if it were the file at `relativePath`. */
async function errorRules(relativePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, relativePath) });
  if (!result) throw new Error(`ESLint returned no result for ${relativePath}`);
  // A fatal parse error has no rule id and would make every "forbidden" case pass for the wrong reason.
  const fatal = result.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`${relativePath} did not parse: ${fatal.message}`);
  return result.messages.filter((m) => m.severity === 2).map((m) => m.ruleId ?? 'unknown');
}

const importing = (specifier: string): string => `import * as m from '${specifier}';\nexport const used = m;\n`;
const dynamicImporting = (specifier: string): string => `export const load = () => import('${specifier}');\n`;

describe('src/shared is pure', () => {
  it.each(['node:fs', 'fs', 'node:fs/promises', 'fs/promises', 'path', 'electron', 'electron/main'])('rejects importing %s', async (specifier) => {
    expect(await errorRules('src/shared/bad.ts', importing(specifier))).toContain('no-restricted-imports');
  });

  it.each(['node:crypto', 'fs', 'electron'])('rejects dynamically importing %s', async (specifier) => {
    expect(await errorRules('src/shared/bad.ts', dynamicImporting(specifier))).toContain('no-restricted-syntax');
  });

  it.each([
    ['document', 'export const title = document.title;\n'],
    ['window', 'export const width = window.innerWidth;\n'],
    ['process', 'export const env = process.env;\n'],
    ['Buffer', "export const bytes = Buffer.from('x');\n"],
    ['fetch', "export const get = () => fetch('https://example.org');\n"],
  ])('rejects the %s global', async (_name, code) => {
    expect(await errorRules('src/shared/bad.ts', code)).toContain('no-restricted-globals');
  });

  it('rejects reaching Node through globalThis', async () => {
    expect(await errorRules('src/shared/bad.ts', 'export const env = globalThis.process.env;\n')).toContain('no-restricted-properties');
  });

  it('rejects depending on the rest of Cairn', async () => {
    expect(await errorRules('src/shared/bad.ts', importing('../main/core.js'))).toContain('no-restricted-imports');
    expect(await errorRules('src/shared/bad.ts', importing('../../relay/server.js'))).toContain('no-restricted-imports');
  });

  it('accepts clean code using shared modules and universal globals', async () => {
    const code = [
      "import { ok, type Result } from './result.js';",
      'export function encode(text: string): Result<Uint8Array> {',
      '  const bytes = new TextEncoder().encode(text);',
      '  crypto.getRandomValues(new Uint8Array(4));',
      '  return ok(bytes);',
      '}',
      '',
    ].join('\n');
    expect(await errorRules('src/shared/good.ts', code)).toEqual([]);
  });
});

describe('src/renderer has no Node and no electron', () => {
  it.each(['node:path', 'path', 'electron', 'electron/renderer'])('rejects importing %s', async (specifier) => {
    expect(await errorRules('src/renderer/bad.ts', importing(specifier))).toContain('no-restricted-imports');
  });

  it('rejects type-only electron imports too', async () => {
    const code = "import type { IpcRenderer } from 'electron';\nexport type Ipc = IpcRenderer;\n";
    expect(await errorRules('src/renderer/bad.ts', code)).toContain('no-restricted-imports');
  });

  it('applies inside Vue single-file components', async () => {
    const code = "<script setup lang=\"ts\">\nimport { join } from 'node:path';\nconst joined = join('a', 'b');\n</script>\n\n<template>\n  <p>{{ joined }}</p>\n</template>\n";
    expect(await errorRules('src/renderer/BadView.vue', code)).toContain('no-restricted-imports');
  });

  it('rejects dynamic Node imports and Node globals', async () => {
    expect(await errorRules('src/renderer/bad.ts', dynamicImporting('node:fs'))).toContain('no-restricted-syntax');
    expect(await errorRules('src/renderer/bad.ts', 'export const env = process.env;\n')).toContain('no-restricted-globals');
  });

  it('rejects reaching into the core or the preload', async () => {
    expect(await errorRules('src/renderer/bad.ts', importing('../main/core.js'))).toContain('no-restricted-imports');
    expect(await errorRules('src/renderer/bad.ts', importing('../preload/index.js'))).toContain('no-restricted-imports');
  });

  it('accepts Vue, Pinia, shared types and the DOM', async () => {
    const code = [
      "import { ref } from 'vue';",
      "import { defineStore } from 'pinia';",
      "import type { CairnApi } from '../shared/api.js';",
      "export const useThing = defineStore('thing', () => ({ title: ref(document.title) }));",
      'export const api: CairnApi | undefined = window.cairn;',
      '',
    ].join('\n');
    expect(await errorRules('src/renderer/good.ts', code)).toEqual([]);
  });
});

describe('only the Electron shell imports electron', () => {
  it('rejects electron in the client core', async () => {
    expect(await errorRules('src/main/foo.ts', importing('electron'))).toContain('no-restricted-imports');
    expect(await errorRules('src/main/sync/foo.ts', importing('electron/main'))).toContain('no-restricted-imports');
    expect(await errorRules('src/main/foo.ts', dynamicImporting('electron'))).toContain('no-restricted-syntax');
  });

  it('accepts electron in src/main/electron/', async () => {
    const code = "import { app } from 'electron';\nimport { join } from 'node:path';\nexport const dataDir = join(app.getPath('userData'), 'cairn');\n";
    expect(await errorRules('src/main/electron/x.ts', code)).toEqual([]);
  });

  it.each(['relay/server.ts', 'src/cli/cairn.ts', 'tests/integration/x.test.ts', 'bench/relay/x.ts'])('rejects electron in %s', async (path) => {
    expect(await errorRules(path, importing('electron'))).toContain('no-restricted-imports');
  });

  it('lets the core use Node', async () => {
    expect(await errorRules('src/main/foo.ts', importing('node:fs'))).toEqual([]);
  });
});

describe('src/preload is a sandboxed bridge', () => {
  it('accepts electron and shared code', async () => {
    const code = "import { contextBridge } from 'electron';\nimport { CAIRN_API_KEY } from '../shared/api.js';\ncontextBridge.exposeInMainWorld(CAIRN_API_KEY, {});\n";
    expect(await errorRules('src/preload/x.ts', code)).toEqual([]);
  });

  it('rejects Node modules, which a sandboxed preload cannot load', async () => {
    expect(await errorRules('src/preload/x.ts', importing('node:fs'))).toContain('no-restricted-imports');
    expect(await errorRules('src/preload/x.ts', importing('fs'))).toContain('no-restricted-imports');
  });

  it('rejects importing the core', async () => {
    expect(await errorRules('src/preload/x.ts', importing('../main/core.js'))).toContain('no-restricted-imports');
  });
});
