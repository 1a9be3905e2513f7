import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../bench/src/options.js';
import { runSideBySide } from '../../bench/src/side-by-side.js';

describe('side-by-side runs', () => {
  it('interleave the targets: every target once per round, rounds in order, each row numbered by its round', async () => {
    const o = parseArgs(
      ['--quick', '--runs', '2', '--records', '2000', '--suites', 'throughput', '--klog-partitions', '1', '--only', 'klog-embedded'],
      '/tmp/klog-bench-unused',
    );
    const rows = await runSideBySide(o);
    expect(rows.map((r) => `${r.run} ${r.setting} ${r.phase}`)).toEqual([
      '1 fsync-never produce',
      '1 fsync-never consume',
      '1 fsync-1s produce',
      '1 fsync-1s consume',
      '2 fsync-never produce',
      '2 fsync-never consume',
      '2 fsync-1s produce',
      '2 fsync-1s consume',
    ]);
    for (const r of rows) {
      expect(r.skipped).toBeNull();
      expect(r.records).toBe(2000);
      expect(r.clientCpuPerMillion).toBeCloseTo((r.clientCpuSeconds / 2000) * 1e6, 6);
    }
  });
});
