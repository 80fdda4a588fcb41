// What the bench orchestrator (run.ts) and its load generator child (loadgen.ts) say to each other over IPC.
import type { CpuPids, CpuShares } from './cpu.js';

export type ServerKind = 'cairn' | 'yws' | 'plain';

export const SERVER_LABELS: Record<ServerKind, string> = {
  cairn: 'cairn-relay (SQLite)',
  yws: '@y/websocket-server 0.1.1',
  plain: 'plain ws forwarder',
};

export type Workload = { name: string; rooms: number; devicesPerRoom: number };

/** Connects rooms firstRoom..firstRoom+rooms-1, added to the rooms already connected. */
export type SetupCommand = { cmd: 'setup'; kind: ServerKind; url: string; firstRoom: number; rooms: number; devicesPerRoom: number; payloadBytes: number };
/** Saturated throughput: publishersPerRoom publishers per room, each with at most `window` messages not yet received by every peer. */
export type ThroughputCommand = { cmd: 'throughput'; publishersPerRoom: number; window: number; warmupMs: number; measureMs: number; cpuPids: Omit<CpuPids, 'loadgen'> };
/** Latency at a fixed offered rate of deliveries per second, spread over every peer of every room. */
export type LatencyCommand = { cmd: 'latency'; deliveriesPerSecond: number; warmupMs: number; measureMs: number; cpuPids: Omit<CpuPids, 'loadgen'> };
export type TeardownCommand = { cmd: 'teardown' };
export type LoadgenCommand = SetupCommand | ThroughputCommand | LatencyCommand | TeardownCommand;

export type SetupResult = { connected: number; setupMs: number };
/** cpu is measured over exactly the counted window. */
export type ThroughputResult = { deliveriesPerSecond: number; messagesPerSecond: number; lostMessages: number; cpu: CpuShares };
export type LatencyResult = {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  samples: number;
  offeredDeliveriesPerSecond: number;
  achievedDeliveriesPerSecond: number;
  lostMessages: number;
  /** Over the paced window (warm-up included). */
  cpu: CpuShares;
};
export type TeardownResult = { closed: number };

export type LoadgenRequest = { id: number; command: LoadgenCommand };
export type LoadgenResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
