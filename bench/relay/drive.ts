// The two load shapes: saturated throughput with a bounded in-flight window, and a fixed offered rate
// for latency. Both stop by themselves.
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuShares, cpuSnapshot } from './cpu.js';
import type { CpuShares } from './cpu.js';
import { nowMs } from './payload.js';
import type { Peer } from './peer.js';
import type { LatencyCommand, LatencyResult, ThroughputCommand, ThroughputResult } from './protocol.js';
import { percentiles } from './stats.js';
import type { Tracker } from './tracker.js';

/** A message not received by every peer after this long counts as lost (and frees its window slot). */
const LOST_AFTER_MS = 3_000;
const DRAIN_TIMEOUT_MS = 5_000;

function receiversPerMessage(rooms: readonly Peer[][]): number {
  const size = rooms[0]?.length ?? 0;
  if (size < 2 || rooms.some((room) => room.length !== size)) throw new Error('every room needs the same number (≥ 2) of peers');
  return size - 1;
}

export async function runThroughput(rooms: readonly Peer[][], tracker: Tracker, cmd: ThroughputCommand): Promise<ThroughputResult> {
  const receivers = receiversPerMessage(rooms);
  const publishers = rooms.flatMap((room) => room.slice(0, cmd.publishersPerRoom));
  let running = true;
  const send = (peer: Peer): void => {
    const msgId = tracker.newMsgId();
    tracker.track(msgId, receivers, nowMs(), () => {
      if (running) send(peer);
    });
    peer.publish(msgId);
  };
  let lost = 0;
  const sweeper = setInterval(() => (lost += tracker.sweep(LOST_AFTER_MS)), 250);
  try {
    for (let i = 0; i < cmd.window; i++) for (const peer of publishers) send(peer);
    const pids = { ...cmd.cpuPids, loadgen: process.pid };
    await sleep(cmd.warmupMs);
    const d0 = tracker.deliveries();
    const c0 = cpuSnapshot(pids);
    const t0 = nowMs();
    await sleep(cmd.measureMs);
    const d1 = tracker.deliveries();
    const t1 = nowMs();
    const cpu = cpuShares(c0, cpuSnapshot(pids));
    running = false;
    const deliveriesPerSecond = (d1 - d0) / ((t1 - t0) / 1000);
    lost += await tracker.drain(DRAIN_TIMEOUT_MS);
    return { deliveriesPerSecond, messagesPerSecond: deliveriesPerSecond / receivers, lostMessages: lost, cpu };
  } finally {
    running = false;
    clearInterval(sweeper);
  }
}

/** Every peer publishes in turn (rooms interleaved), paced on a 1 ms timer to the offered rate. */
export async function runLatency(rooms: readonly Peer[][], tracker: Tracker, cmd: LatencyCommand): Promise<LatencyResult> {
  const receivers = receiversPerMessage(rooms);
  const order: Peer[] = [];
  for (let k = 0; k < rooms[0]!.length; k++) for (const room of rooms) order.push(room[k]!);
  const messagesPerSecond = cmd.deliveriesPerSecond / receivers;
  const start = nowMs();
  const window = {
    from: start + cmd.warmupMs,
    to: start + cmd.warmupMs + cmd.measureMs,
    samples: new Float64Array(Math.ceil((cmd.deliveriesPerSecond * cmd.measureMs * 1.2) / 1000) + 1024),
    count: 0,
  };
  tracker.setLatencyWindow(window);
  let lost = 0;
  const sweeper = setInterval(() => (lost += tracker.sweep(LOST_AFTER_MS)), 250);
  const pids = { ...cmd.cpuPids, loadgen: process.pid };
  const c0 = cpuSnapshot(pids);
  let cpu: CpuShares | null = null;
  try {
    await new Promise<void>((resolve) => {
      let sent = 0;
      const pacer = setInterval(() => {
        const elapsed = nowMs() - start;
        if (elapsed >= cmd.warmupMs + cmd.measureMs) {
          cpu = cpuShares(c0, cpuSnapshot(pids));
          clearInterval(pacer);
          resolve();
          return;
        }
        const due = Math.floor((messagesPerSecond * elapsed) / 1000);
        for (; sent < due; sent++) {
          const msgId = tracker.newMsgId();
          tracker.track(msgId, receivers, nowMs(), null);
          order[sent % order.length]!.publish(msgId);
        }
      }, 1);
    });
    lost += await tracker.drain(DRAIN_TIMEOUT_MS);
  } finally {
    clearInterval(sweeper);
    tracker.setLatencyWindow(null);
  }
  const [p50, p90, p99, p999, max] = percentiles(window.samples, window.count, [50, 90, 99, 99.9, 100]);
  return {
    p50: p50!,
    p90: p90!,
    p99: p99!,
    p999: p999!,
    max: max!,
    samples: window.count,
    offeredDeliveriesPerSecond: cmd.deliveriesPerSecond,
    achievedDeliveriesPerSecond: window.count / (cmd.measureMs / 1000),
    lostMessages: lost,
    cpu: cpu ?? cpuShares(c0, cpuSnapshot(pids)),
  };
}
