// Issue 5's backfill benchmark: a device linked today gets a 10k-message chat from one peer (the account's
// first device) through a real relay process: real cores, real homes, the real link exchange. Timed on the
// new device from its first sync step 1 (a DIRECT frame leaving its relay client) to the commit of the last
// history rows (its backfill reports complete); its startup and the key derivation are not counted.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sodium } from '../../src/shared/crypto/sodium.js';
import { randomBytes } from '../../src/shared/crypto/sodium.js';
import { toHex } from '../../src/shared/ids.js';
import { createCore, initAccount, requestLink, silentLogger } from '../../src/main/core/index.js';
import type { Core } from '../../src/main/core/index.js';
import { createHome, openHome } from '../../src/main/home/index.js';
import type { Home } from '../../src/main/home/index.js';
import { RelayClient } from '../../src/main/relay-client/index.js';
import { cpuSeconds, machineBusySeconds } from '../relay/cpu.js';
import { median } from '../relay/stats.js';
import { TextSource } from './traffic.js';

export type BackfillRun = {
  messages: number;
  /** First step 1 sent by the new device → its backfill complete (the last rows committed), ms. */
  wallMs: number;
  /** Same window: first step 1 → the last commit of chat message rows on the new device, ms. */
  lastRowsMs: number;
  /** CPU of the bench process (both devices) and of the relay process in that window, ms. */
  processCpuMs: number;
  relayCpuMs: number;
  /** Commits of chat message rows on the new device during the backfill (one per step-2 chunk applied). */
  commits: number;
  setupMs: number;
};

type Device = { core: Core; home: Home; dir: string; accountId: string; deviceId: string };
type Relay = { url: string; child: ChildProcess; stop(): Promise<void> };

const must = <T>(r: { ok: true; value: T } | { ok: false; code: string; message: string }, what: string): T => {
  if (!r.ok) throw new Error(`${what}: ${r.code} ${r.message}`);
  return r.value;
};

async function startRelay(repoRoot: string, dataDir: string): Promise<Relay> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'cairn-relay.js'), '--port', '0', '--host', '127.0.0.1', '--data', dataDir], {
    cwd: repoRoot,
    env: { ...process.env, CAIRN_RELAY_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /^cairn-relay listening on (ws:\/\/\S+)$/m.exec(out);
      if (m !== null) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the relay exited (${code}) before listening`)));
    setTimeout(() => reject(new Error('the relay did not start in 15 s')), 15_000).unref();
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    child,
    stop: async () => {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

function newHome(root: string, name: string, sodium: Sodium): { dir: string; keyFile: string; home: Home } {
  const dir = mkdtempSync(join(root, `${name}-`));
  const keyFile = join(dir, '..', `${name}-${toHex(randomBytes(4))}.key`);
  writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });
  const created = createHome({ dir: join(dir, 'home'), keyFile, sodium });
  if (!created.ok) throw new Error(`createHome: ${created.message}`);
  return { dir: join(dir, 'home'), keyFile, home: created.value };
}

async function startCore(dir: string, keyFile: string, sodium: Sodium): Promise<{ core: Core; home: Home }> {
  const opened = openHome({ dir, keyFile, sodium });
  if (!opened.ok) throw new Error(`openHome: ${opened.message}`);
  const core = await createCore({ home: opened.value, sodium, log: silentLogger, profileRefreshMs: 0, requestTimeoutMs: 5000, relayClientOptions: { reconnect: { baseMs: 50, maxMs: 500 } } });
  await core.start();
  return { core, home: opened.value };
}

async function newDevice(root: string, name: string, relay: string, sodium: Sodium): Promise<Device> {
  const h = newHome(root, name, sodium);
  const init = must(await initAccount({ home: h.home, sodium, name, relays: [relay], connectTimeoutMs: 3000 }), 'initAccount');
  h.home.close();
  const { core, home } = await startCore(h.dir, h.keyFile, sodium);
  return { core, home, dir: h.dir, accountId: init.accountId, deviceId: init.deviceId };
}

async function sync(devices: Device[], timeoutMs = 120_000): Promise<void> {
  for (const d of devices) must(await d.core.sync({ timeoutMs }), `sync of ${d.accountId.slice(0, 8)}`);
}

/** One measurement: Alice and Bob write `messages` messages (alternating), then Alice links a new device. */
export async function backfillRun(sodium: Sodium, repoRoot: string, messages: number, log: (line: string) => void): Promise<BackfillRun> {
  const root = mkdtempSync(join(tmpdir(), 'cairn-bench-backfill-'));
  const relay = await startRelay(repoRoot, join(root, 'relay'));
  const open: { core: Core; home: Home }[] = [];
  const directOriginal = Object.getOwnPropertyDescriptor(RelayClient.prototype, 'direct')!.value as RelayClient['direct'];
  try {
    const setup0 = performance.now();
    const alice = await newDevice(root, 'alice', relay.url, sodium);
    const bob = await newDevice(root, 'bob', relay.url, sodium);
    open.push(alice, bob);
    must(await alice.core.addContact(must(await bob.core.invite(), 'invite').code), 'alice adds bob');
    must(await bob.core.addContact(must(await alice.core.invite(), 'invite').code), 'bob adds alice');
    const { chatId } = must(await alice.core.createChat({ with: [bob.accountId] }), 'createChat');
    await sync([alice, bob]);
    const texts = new TextSource(17);
    for (let i = 0; i < messages; i++) {
      must(await (i % 2 === 0 ? alice : bob).core.send(chatId, texts.text()), 'send');
      if (i % 1000 === 999) await sync([alice, bob]);
    }
    await sync([alice, bob, alice]);
    const held = must(await alice.core.messages(chatId, { limit: messages + 10 }), 'messages').length;
    if (held !== messages) throw new Error(`alice holds ${held} of ${messages} messages`);
    log(`  backfill: ${messages} messages written by two devices in ${((performance.now() - setup0) / 1000).toFixed(1)} s; linking a new device`);

    // The link: the new home asks on the relay, Alice approves and confirms (both sides show the same SAS).
    const laptop = newHome(root, 'laptop', sodium);
    let approving: Promise<void> | null = null;
    const linked = must(
      await requestLink({
        home: laptop.home,
        sodium,
        relay: relay.url,
        name: 'laptop',
        timeoutMs: 20_000,
        clientOptions: { reconnect: false },
        onCode: (code) => {
          approving = (async () => {
            const a = must(await alice.core.approveLink(code, { timeoutMs: 10_000 }), 'approveLink');
            must(await alice.core.confirmLink(a.linkId, true, { timeoutMs: 10_000 }), 'confirmLink');
          })();
        },
        onSas: () => undefined,
      }),
      'requestLink',
    );
    await approving;
    laptop.home.close();
    const setupMs = performance.now() - setup0;

    // The new device's first step 1 starts the clock: its relay client sends it as a DIRECT frame.
    const laptopKey = linked.deviceId;
    let firstStep1: number | null = null;
    RelayClient.prototype.direct = function (this: RelayClient, ...args: Parameters<RelayClient['direct']>) {
      if (firstStep1 === null && toHex(this.deviceKey) === laptopKey) firstStep1 = performance.now();
      return directOriginal.apply(this, args);
    };
    let lastRows = 0;
    let rows = 0;
    let commits = 0;
    let cpu0 = 0;
    let relay0 = 0;
    const done = new Promise<{ at: number; cpu: number; relayCpu: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the backfill did not complete in 120 s (${rows} rows)`)), 120_000);
      void startCore(laptop.dir, laptop.keyFile, sodium).then(({ core, home }) => {
        open.push({ core, home });
        cpu0 = cpuSeconds(process.pid);
        relay0 = cpuSeconds(relay.child.pid!);
        core.on('messages', (e) => {
          if (e.chatId !== chatId) return;
          rows += e.messages.length;
          commits++;
          lastRows = performance.now();
        });
        core.on('backfill', (p) => {
          if (!p.complete) return;
          clearTimeout(timer);
          resolve({ at: performance.now(), cpu: cpuSeconds(process.pid), relayCpu: cpuSeconds(relay.child.pid!) });
        });
      }, reject);
    });
    const end = await done;
    const laptopCore = open[open.length - 1]!.core;
    const got = must(await laptopCore.messages(chatId, { limit: messages + 10 }), 'messages on the new device').length;
    if (got !== messages) throw new Error(`the new device holds ${got} of ${messages} messages after its backfill`);
    if (firstStep1 === null) throw new Error('the new device sent no step 1');
    // The CPU counters start when the new core has started (before its first step 1): slightly generous.
    return {
      messages,
      wallMs: end.at - firstStep1,
      lastRowsMs: lastRows - firstStep1,
      processCpuMs: (end.cpu - cpu0) * 1000,
      relayCpuMs: (end.relayCpu - relay0) * 1000,
      commits,
      setupMs,
    };
  } finally {
    RelayClient.prototype.direct = directOriginal;
    for (const d of open.reverse()) {
      await d.core.stop();
      d.home.close();
    }
    await relay.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

export type MeasuredBackfill = BackfillRun & { machineBusyPercent: number };
const TARGET_MS = 2000;

/** `reps` runs one after another, each with the machine's busy share over the whole run (setup included). */
export async function measureBackfill(sodium: Sodium, repoRoot: string, messages: number, reps: number, log: (line: string) => void): Promise<MeasuredBackfill[]> {
  const runs: MeasuredBackfill[] = [];
  for (let rep = 1; rep <= reps; rep++) {
    const m0 = machineBusySeconds();
    const t0 = performance.now();
    const r = await backfillRun(sodium, repoRoot, messages, log);
    const busy = ((machineBusySeconds() - m0) / ((performance.now() - t0) / 1000)) * 100;
    runs.push({ ...r, machineBusyPercent: busy });
    log(`[${rep}/${reps}] backfill of ${messages}: ${r.wallMs.toFixed(0)} ms (last rows at ${r.lastRowsMs.toFixed(0)} ms), bench CPU ${r.processCpuMs.toFixed(0)} ms, relay CPU ${r.relayCpuMs.toFixed(0)} ms, ${r.commits} commits; machine busy ${busy.toFixed(0)}% of a core`);
  }
  return runs;
}

/** The runs and their median as a markdown table, with the verdict against issue 5's 2 s. */
export function backfillTable(runs: readonly MeasuredBackfill[]): string {
  const f = (v: number, d = 0) => v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const lines = [
    '| run | messages | first step 1 → backfill complete (ms) | … → last rows committed (ms) | bench process CPU (ms) | relay CPU (ms) | row commits | machine busy, whole run (% of a core) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  runs.forEach((r, i) => lines.push(`| ${i + 1} | ${f(r.messages)} | ${f(r.wallMs)} | ${f(r.lastRowsMs)} | ${f(r.processCpuMs)} | ${f(r.relayCpuMs)} | ${r.commits} | ${f(r.machineBusyPercent)} |`));
  const m = median(runs.map((r) => r.wallMs));
  lines.push(`| **median** | | **${f(m)}** | ${f(median(runs.map((r) => r.lastRowsMs)))} | ${f(median(runs.map((r) => r.processCpuMs)))} | ${f(median(runs.map((r) => r.relayCpuMs)))} | | |`);
  lines.push('', `Target: ≤ ${f(TARGET_MS)} ms for 10,000 messages: **${m <= TARGET_MS ? 'met' : 'not met'}** (median).`);
  return lines.join('\n');
}

