// The grouped-send phase of the client bench alone, for profiling (not part of bench:client): an empty-chat
// template, native crypto, `SEND_PROFILE_ROUNDS` rounds of 1,000 messages sent 100 per transaction, each
// round's main-thread CPU per message printed, the median last. SEND_PROFILE_OUT=file.cpuprofile writes a V8 CPU
// profile of the rounds only (setup left out); SEND_PROFILE_HEAP=1 also a sampled allocation profile (file.heap).
//   npm run build:node && node --expose-gc dist/bench/client/send-profile.js
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNativeSodium } from '../../src/main/crypto/native.js';
import { loadWasmSodium } from '../../src/main/crypto/wasm.js';
import { EngineHarness } from './engine-harness.js';
import { buildTemplate, newChatSeed } from './fixture.js';
import { perItemUs, timed } from './meter.js';
import { newPeer, TextSource } from './traffic.js';

const ROUNDS = Math.max(1, Number(process.env.SEND_PROFILE_ROUNDS ?? 10));
const PER_ROUND = 1000;
const GROUP = 100;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

async function main(): Promise<void> {
  const sodium = process.env.SEND_PROFILE_CRYPTO === 'wasm' ? await loadWasmSodium() : loadNativeSodium();
  const root = mkdtempSync(join(tmpdir(), 'cairn-send-profile-'));
  try {
    const peer = newPeer(sodium);
    const t = await buildTemplate(root, 'empty', sodium, peer, newChatSeed(), 0);
    const h = new EngineHarness(t, sodium, peer);
    try {
      h.loadDoc();
      const texts = new TextSource(3);
      let sentAt = Date.now();
      // What the bench sends before its grouped phase: warm-up and one-per-transaction sends.
      for (let i = 0; i < 1200; i++) h.send(texts.text(), sentAt++);
      await h.settle();
      const cpu: number[] = [];
      const out = process.env.SEND_PROFILE_OUT;
      const session = out === undefined ? null : new Session();
      if (session !== null) {
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 100 });
        await session.post('Profiler.start');
        if (process.env.SEND_PROFILE_HEAP === '1') await session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      }
      for (let r = 0; r < ROUNDS; r++) {
        gc();
        const span = timed(() => {
          for (let g = 0; g < PER_ROUND / GROUP; g++) h.group(() => {
            for (let i = 0; i < GROUP; i++) h.send(texts.text(), sentAt++);
          });
        });
        await h.settle();
        const us = perItemUs(span, PER_ROUND);
        cpu.push(us.cpu);
        process.stderr.write(`round ${r + 1}: ${us.cpu.toFixed(1)} µs/msg CPU (${us.wall.toFixed(1)} wall)\n`);
      }
      if (session !== null) {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(out!, JSON.stringify(profile));
        if (process.env.SEND_PROFILE_HEAP === '1') writeFileSync(`${out!}.heap`, JSON.stringify((await session.post('HeapProfiler.stopSampling')).profile));
        session.disconnect();
      }
      const sorted = [...cpu].sort((a, b) => a - b);
      process.stdout.write(`${sodium.name} grouped send, median of ${ROUNDS} rounds: ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} µs/msg CPU\n`);
    } finally {
      await h.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
