// A second device for an existing test core: a fresh home linked through the real link exchange (requestLink
// on the new home, approveLink + confirmLink on the existing core, both over the real relay), then a started
// core on it with every event recorded (backfill progress included); closed and removed when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { BackfillProgress, CoreEvents } from '../../../src/shared/core-api.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { createCore, requestLink } from '../../../src/main/core/index.js';
import type { Core, CoreLogger } from '../../../src/main/core/index.js';
import { createHome, openHome } from '../../../src/main/home/index.js';
import type { Home } from '../../../src/main/home/index.js';
import { must } from '../core/cores.js';
import type { TestCore } from '../core/cores.js';

const PASSPHRASE = 'second device passphrase';
const KINDS = ['messages', 'chat', 'chatRemoved', 'contact', 'status', 'backfill'] as const;

export type LinkedCore = {
  core: Core;
  home: Home;
  dir: string;
  accountId: string;
  deviceId: string;
  /** The SAS both sides showed (equal, or the test failed). */
  sas: string;
  events: { [K in keyof CoreEvents]: CoreEvents[K][] };
  logs: string[];
  shutdown(): Promise<void>;
};

function recordingLogger(lines: string[]): CoreLogger {
  const at = (level: string) => (fields: object, message: string) => void lines.push(`${level} ${message} ${JSON.stringify(fields)}`);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Creates a home in a temp dir with cheap test KDF costs; at test end, the atEnd steps run, then the dir goes. */
export function newHome(sodium: Sodium): { dir: string; home: Home; atEnd(step: () => Promise<void>): void } {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-linked-test-'));
  const steps: (() => Promise<void>)[] = [];
  onTestFinished(async () => {
    for (const step of steps) await step();
    rmSync(dir, { recursive: true, force: true });
  });
  const created = createHome({ dir, sodium, passphrase: PASSPHRASE, fast: true });
  if (!created.ok) throw new Error(`createHome: ${created.message}`);
  return { dir, home: created.value, atEnd: (step) => steps.push(step) };
}

/** Runs both sides of a link; resolves with the new home linked (closed) and the SAS. */
export async function link(sodium: Sodium, existing: TestCore, relay: string, name: string): Promise<{ dir: string; sas: string; accountId: string; deviceId: string; atEnd(step: () => Promise<void>): void }> {
  const { dir, home, atEnd } = newHome(sodium);
  let approving: Promise<string> | null = null;
  let newSas = '';
  const requested = requestLink({
    home,
    sodium,
    relay,
    name,
    timeoutMs: 20_000,
    clientOptions: { reconnect: false },
    onCode: (code) => {
      approving = (async () => {
        const a = must(await existing.core.approveLink(code, { timeoutMs: 10_000 }), 'approveLink');
        must(await existing.core.confirmLink(a.linkId, true, { timeoutMs: 10_000 }), 'confirmLink');
        return a.sas;
      })();
    },
    onSas: (sas) => (newSas = sas),
  });
  const linked = must(await requested, 'requestLink');
  home.close();
  if (approving === null) throw new Error('no code was shown');
  const oldSas = await (approving as Promise<string>);
  if (oldSas !== newSas || linked.sas !== newSas) throw new Error(`the SAS differ: ${oldSas} / ${newSas}`);
  return { dir, sas: newSas, accountId: linked.accountId, deviceId: linked.deviceId, atEnd };
}

/** Links a new device to existing and starts a core on it. */
export async function useLinkedCore(sodium: Sodium, existing: TestCore, relay: string, name: string): Promise<LinkedCore> {
  const linked = await link(sodium, existing, relay, name);
  const opened = openHome({ dir: linked.dir, sodium, passphrase: PASSPHRASE });
  if (!opened.ok) throw new Error(`openHome: ${opened.message}`);
  const logs: string[] = [];
  const core = await createCore({ home: opened.value, sodium, log: recordingLogger(logs), profileRefreshMs: 0, requestTimeoutMs: 5000, relayClientOptions: { reconnect: { baseMs: 50, maxMs: 500 } } });
  const events = Object.fromEntries(KINDS.map((k) => [k, []])) as unknown as LinkedCore['events'];
  for (const kind of KINDS) core.on(kind, (e) => (events[kind] as unknown[]).push(e));
  let open = true;
  const t: LinkedCore = {
    core,
    home: opened.value,
    dir: linked.dir,
    accountId: linked.accountId,
    deviceId: linked.deviceId,
    sas: linked.sas,
    events,
    logs,
    shutdown: async () => {
      if (!open) return;
      open = false;
      await core.stop();
      opened.value.close();
    },
  };
  linked.atEnd(() => t.shutdown());
  await core.start();
  return t;
}

export const lastProgress = (t: LinkedCore): BackfillProgress | undefined => t.events.backfill[t.events.backfill.length - 1];

/** A chat's texts on any core, oldest first. */
export async function texts(c: { core: Core }, chatId: string, limit = 100_000): Promise<string[]> {
  return must(await c.core.messages(chatId, { limit })).map((m) => m.text);
}
