// Real client cores for integration tests: a temp home (test-only fast KDF), an account on the given
// relays, a started core, an event recorder; closed and removed when the test ends. restart() stops the
// core and opens the same home again, as a new process would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { CoreEvents } from '../../../src/shared/core-api.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { createCore, initAccount } from '../../../src/main/core/index.js';
import type { Core, CoreLogger, CoreOptions } from '../../../src/main/core/index.js';
import { createHome, openHome } from '../../../src/main/home/index.js';
import type { Home } from '../../../src/main/home/index.js';

const PASSPHRASE = 'correct horse battery staple';

export type TestCore = {
  core: Core;
  home: Home;
  dir: string;
  accountId: string;
  deviceId: string;
  /** Every event since the core was (re)built, per kind. */
  events: { [K in keyof CoreEvents]: CoreEvents[K][] };
  logs: string[];
  /** Stops the core and closes the home; start() builds them again from the same directory. */
  shutdown(): Promise<void>;
  restart(): Promise<void>;
};

export type TestCoreOptions = Partial<Omit<CoreOptions, 'home' | 'sodium'>> & { start?: boolean };

function recordingLogger(lines: string[]): CoreLogger {
  const at = (level: string) => (fields: object, message: string) => void lines.push(`${level} ${message} ${JSON.stringify(fields)}`);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const KINDS = ['messages', 'chat', 'chatRemoved', 'contact', 'status'] as const;

export async function useCore(sodium: Sodium, relays: string[], name: string, options: TestCoreOptions = {}): Promise<TestCore> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-core-test-'));
  const created = createHome({ dir, sodium, passphrase: PASSPHRASE, fast: true });
  if (!created.ok) throw new Error(`createHome: ${created.message}`);
  const init = await initAccount({ home: created.value, sodium, name, relays, connectTimeoutMs: 3000 });
  if (!init.ok) throw new Error(`initAccount: ${init.code} ${init.message}`);
  created.value.close();

  const logs: string[] = [];
  const t = {
    dir,
    accountId: init.value.accountId,
    deviceId: init.value.deviceId,
    logs,
    events: Object.fromEntries(KINDS.map((k) => [k, []])),
  } as unknown as TestCore;
  let open = false;
  const build = async () => {
    const home = openHome({ dir, sodium, passphrase: PASSPHRASE });
    if (!home.ok) throw new Error(`openHome: ${home.message}`);
    const core = await createCore({
      home: home.value,
      sodium,
      log: recordingLogger(logs),
      profileRefreshMs: 0,
      requestTimeoutMs: 5000,
      relayClientOptions: { reconnect: { baseMs: 50, maxMs: 500 } },
      ...options,
    });
    for (const kind of KINDS) core.on(kind, (e) => (t.events[kind] as unknown[]).push(e));
    t.core = core;
    t.home = home.value;
    open = true;
    if (options.start !== false) await core.start();
  };
  t.shutdown = async () => {
    if (!open) return;
    open = false;
    await t.core.stop();
    t.home.close();
  };
  t.restart = async () => {
    await t.shutdown();
    for (const kind of KINDS) t.events[kind].length = 0;
    await build();
  };
  await build();
  onTestFinished(async () => {
    await t.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });
  return t;
}

/** Unwraps a core Result, failing the test with its code and message. */
export function must<T>(r: { ok: true; value: T } | { ok: false; code: string; message: string }, what = 'core call'): T {
  if (!r.ok) throw new Error(`${what} failed: ${r.code} ${r.message}`);
  return r.value;
}

/** Alice and Bob as contacts of each other, Alice having added Bob by his invite code and Bob Alice. */
export async function befriend(a: TestCore, b: TestCore): Promise<void> {
  must(await a.core.addContact(must(await b.core.invite()).code), 'alice adds bob');
  must(await b.core.addContact(must(await a.core.invite()).code), 'bob adds alice');
}

/** Syncs each core in turn; a failure names the core and carries its warnings. */
export async function syncAll(cores: TestCore[], timeoutMs = 15_000): Promise<void> {
  for (const c of cores) {
    const r = await c.core.sync({ timeoutMs });
    if (!r.ok) throw new Error(`sync of ${c.accountId.slice(0, 8)} failed: ${r.code} ${r.message}\n${c.logs.join('\n')}`);
  }
}

export async function texts(c: TestCore, chatId: string): Promise<string[]> {
  return must(await c.core.messages(chatId, { limit: 1000 })).map((m) => m.text);
}
