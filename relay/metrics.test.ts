import { describe, expect, it } from 'vitest';
import { Metrics, renderPrometheus, renderStats } from './metrics.js';

const gauges = { connections: 3, topics: 2, storedUpdates: 40, storedBytes: 4096, devicesOnline: 2 };

describe('metrics', () => {
  it('renders Prometheus text with HELP/TYPE and every rejection reason', () => {
    const m = new Metrics();
    m.deliveries = 10;
    m.acks = 4;
    m.deletions = 3;
    m.publishes = 5;
    m.reject('QUOTA');
    m.reject('QUOTA');
    const text = renderPrometheus(m, gauges);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^(# (HELP|TYPE) cairn_\w+ .+|cairn_\w+(\{reason="[A-Z_]+"\})? \d+)$/);
    expect(lines).toContain('# TYPE cairn_connections gauge');
    expect(lines).toContain('cairn_connections 3');
    expect(lines).toContain('cairn_topics 2');
    expect(lines).toContain('cairn_stored_updates 40');
    expect(lines).toContain('cairn_stored_bytes 4096');
    expect(lines).toContain('# TYPE cairn_deliveries_total counter');
    expect(lines).toContain('cairn_deliveries_total 10');
    expect(lines).toContain('cairn_acks_total 4');
    expect(lines).toContain('cairn_deletions_total 3');
    expect(lines).toContain('cairn_publishes_total 5');
    expect(lines).toContain('cairn_rejections_total{reason="QUOTA"} 2');
    expect(lines).toContain('cairn_rejections_total{reason="MALFORMED"} 0');
    // one HELP and one TYPE per family
    const types = lines.filter((l) => l.startsWith('# TYPE')).map((l) => l.split(' ')[2]);
    expect(new Set(types).size).toBe(types.length);
  });

  it('renders /stats as JSON with exactly the public fields', () => {
    expect(JSON.parse(renderStats({ ...gauges, secret: 1 } as typeof gauges))).toEqual(gauges);
  });
});
