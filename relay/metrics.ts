// Counters and the two read-only views of them: Prometheus text (/metrics) and JSON (/stats).
// Only counts and sizes: never content, keys or topic ids.
import { RelayErrorCode } from '../src/shared/frames.js';
import type { RelayErrorName } from '../src/shared/frames.js';

export class Metrics {
  deliveries = 0;
  acks = 0;
  deletions = 0;
  publishes = 0;
  readonly rejections: Record<RelayErrorName, number>;

  constructor() {
    this.rejections = Object.fromEntries(Object.keys(RelayErrorCode).map((name) => [name, 0])) as Record<RelayErrorName, number>;
  }

  reject(code: RelayErrorName): void {
    this.rejections[code]++;
  }
}

/** Point-in-time values read when a scrape arrives. */
export type Gauges = { connections: number; topics: number; storedUpdates: number; storedBytes: number; devicesOnline: number };

type Family = { name: string; type: 'gauge' | 'counter'; help: string; value: number };

export function renderPrometheus(metrics: Metrics, gauges: Gauges): string {
  const families: Family[] = [
    { name: 'cairn_connections', type: 'gauge', help: 'Open WebSocket connections.', value: gauges.connections },
    { name: 'cairn_devices_online', type: 'gauge', help: 'Authenticated devices connected.', value: gauges.devicesOnline },
    { name: 'cairn_topics', type: 'gauge', help: 'Topics in the store.', value: gauges.topics },
    { name: 'cairn_stored_updates', type: 'gauge', help: 'Updates held in topic logs.', value: gauges.storedUpdates },
    { name: 'cairn_stored_bytes', type: 'gauge', help: 'Payload bytes held in topic logs.', value: gauges.storedBytes },
    { name: 'cairn_deliveries_total', type: 'counter', help: 'UPDATE frames sent to subscribers (live and replayed).', value: metrics.deliveries },
    { name: 'cairn_acks_total', type: 'counter', help: 'Acks committed.', value: metrics.acks },
    { name: 'cairn_deletions_total', type: 'counter', help: 'Updates deleted (acked by every registered device, unregistered or expired).', value: metrics.deletions },
    { name: 'cairn_publishes_total', type: 'counter', help: 'Updates stored.', value: metrics.publishes },
  ];
  let out = '';
  for (const f of families) out += `# HELP ${f.name} ${f.help}\n# TYPE ${f.name} ${f.type}\n${f.name} ${f.value}\n`;
  out += '# HELP cairn_rejections_total ERROR frames sent, by code.\n# TYPE cairn_rejections_total counter\n';
  for (const [reason, count] of Object.entries(metrics.rejections)) out += `cairn_rejections_total{reason="${reason}"} ${count}\n`;
  return out;
}

export function renderStats(gauges: Gauges): string {
  const { connections, topics, storedUpdates, storedBytes, devicesOnline } = gauges;
  return JSON.stringify({ connections, topics, storedUpdates, storedBytes, devicesOnline });
}
