import { describe, expect, it } from 'vitest';
import { summarizeCases } from '../../bench/src/cases.js';
import { fmtSpread, markdownReport } from '../../bench/src/report.js';
import { latency, row } from './fixtures.js';

/** The cells of the table line that starts with `prefix` (its leading and trailing pipes dropped). */
function cells(markdown: string, prefix: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(prefix));
  if (line === undefined) throw new Error(`no line starts with ${prefix}\n${markdown}`);
  return line.split('|').slice(1, -1).map((c) => c.trim());
}

/** Three runs of a broker and a Redis case, as the side-by-side suite would record them. */
function threeRuns() {
  const rows = [];
  for (const [run, broker, redis, brokerP99, redisP99] of [[1, 900_000, 100_000, 2, 10], [2, 1_100_000, 90_000, 4, 30], [3, 1_000_000, 80_000, 3, 20]] as const) {
    rows.push(row({ run, system: 'redis', setting: 'memory', client: 'ioredis', recordsPerSec: redis, clientCpuSeconds: run, clientCpuPerMillion: run * 2 }));
    rows.push(row({ run, system: 'redis', setting: 'memory', client: 'ioredis', suite: 'latency', caseName: 'lat-1p', phase: 'e2e-latency', latencyMs: latency(redisP99) }));
    rows.push(row({ run, system: 'klog-broker', setting: 'fsync-never', client: 'klog client', recordsPerSec: broker }));
    rows.push(row({ run, system: 'klog-broker', setting: 'fsync-never', client: 'klog client', suite: 'latency', caseName: 'lat-1p', phase: 'e2e-latency', latencyMs: latency(brokerP99) }));
  }
  return rows;
}

describe('markdown report', () => {
  it('prints each figure as "median (min–max)", and ratios from the medians of the same run', () => {
    const md = markdownReport(summarizeCases(threeRuns()), [], ['## test']);
    const redis = cells(md, '| redis | memory | ioredis | none | produce');
    // rec/s, then client CPU s and its per-million column.
    expect(redis[7]).toBe('90,000 (80,000–100,000)');
    expect(redis[14]).toBe('2.0 (1.0–3.0)');
    expect(redis[15]).toBe('4.00 (2.00–6.00)');
    // 1,000,000 ÷ 90,000: medians, not the best or worst run of either.
    expect(redis[16]).toBe('11.11×');
    expect(redis[18]).toBe('klog-broker:fsync-never');
    const redisLatency = cells(md, '| redis | memory | ioredis | none | e2e-latency');
    expect(redisLatency[10]).toBe('20.00 (10.00–30.00)');
    expect(redisLatency[17]).toBe('0.15×');
    // The basis row carries no ratio to itself.
    expect(cells(md, '| klog-broker | fsync-never | klog client | none | produce')[16]).toBe('');
  });

  it('prints one run, or runs that agree, as the bare figure', () => {
    expect(fmtSpread({ median: 1234.4, min: 1234.4, max: 1234.4, count: 1 })).toBe('1,234');
    expect(fmtSpread({ median: 1.001, min: 1.0, max: 1.004, count: 3 }, 2)).toBe('1.00');
    expect(fmtSpread({ median: Number.NaN, min: Number.NaN, max: Number.NaN, count: 0 })).toBe('');
  });

  it('gives 1,000 partitions as a ratio to 1 partition in the scale table', () => {
    const rows = [
      row({ system: 'klog-embedded', setting: 'fsync-never', suite: 'scale', caseName: 'scale-p1', recordsPerSec: 1_000_000 }),
      row({ system: 'klog-embedded', setting: 'fsync-never', suite: 'scale', caseName: 'scale-p1000', partitions: 1000, recordsPerSec: 400_000 }),
    ];
    const md = markdownReport(summarizeCases(rows), [], []);
    expect(cells(md, '| klog-embedded | fsync-never | 1000 |')[7]).toBe('0.40×');
    expect(cells(md, '| klog-embedded | fsync-never | 1 |')[7]).toBe('1.00×');
  });

  it('shows a case that never ran as skipped with its reason, and notes runs that failed', () => {
    const rows = [
      row({ system: 'nats', setting: 'file', skipped: 'nats-server not on PATH' }),
      row({ run: 1, system: 'redis', setting: 'memory' }),
      row({ run: 2, system: 'redis', setting: 'memory', skipped: 'failed: consumer stalled' }),
    ];
    const md = markdownReport(summarizeCases(rows), [], []);
    expect(cells(md, '| nats | file |')[4]).toBe('skipped: run 1: nats-server not on PATH');
    expect(md).toContain('- redis:memory tput-1p produce: 1 run(s) measured; run 2: failed: consumer stalled');
  });

  it('puts the capacity, producers and engine cases in tables of their own', () => {
    const rows = [
      row({ system: 'redis', setting: 'memory', suite: 'capacity', caseName: 'cap-redis-benchmark', client: 'redis-benchmark', recordsPerSec: 500_000 }),
      row({ system: 'klog-kafka', setting: 'fsync-never', suite: 'capacity', caseName: 'cap-kcat', client: 'kcat', recordsPerSec: 1_000_000 }),
      row({ system: 'klog-broker', setting: 'fsync-never', suite: 'producers', caseName: 'producers-3x3p', client: '3 × klog client (processes)', partitions: 3 }),
      row({ system: 'klog-log-core', setting: 'fsync-never', suite: 'engine', caseName: 'engine-batch-1000', client: 'in-process' }),
    ];
    const md = markdownReport(summarizeCases(rows), [], []);
    expect(md).toContain('### Server capacity');
    expect(cells(md, '| redis | memory | redis-benchmark |').slice(-2)).toEqual(['2.00×', 'klog-kafka:fsync-never (kcat)']);
    expect(md).toContain('### Several producer processes, one broker');
    expect(md).toContain('| klog-broker | fsync-never | 3 × klog client (processes) | produce | 3 |');
    expect(md).toContain('### log-core alone');
  });
});
