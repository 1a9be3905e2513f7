import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../bench/src/options.js';

const RESULTS = '/tmp/klog-bench-results';

describe('bench options', () => {
  it('runs every case three times by default and once with --quick, unless --runs says otherwise', () => {
    expect(parseArgs([], RESULTS).runs).toBe(3);
    expect(parseArgs(['--quick'], RESULTS).runs).toBe(1);
    expect(parseArgs(['--runs', '5', '--quick'], RESULTS).runs).toBe(5);
    expect(() => parseArgs(['--runs', '0'], RESULTS)).toThrow(/--runs expects a positive number/);
  });

  it('keeps a named result in the results folder, and a path as given', () => {
    expect(parseArgs(['--save-as', 'readme-2026-11'], RESULTS).saveAs).toBe(join(RESULTS, 'readme-2026-11.json'));
    // Named in the default folder even when the timestamped results go elsewhere.
    expect(parseArgs(['--save-as', 'x', '--results-dir', '/elsewhere'], RESULTS).saveAs).toBe(join(RESULTS, 'x.json'));
    expect(parseArgs(['--save-as', '/tmp/kept.json'], RESULTS).saveAs).toBe('/tmp/kept.json');
    expect(parseArgs([], RESULTS).saveAs).toBeNull();
  });

  it('runs the new suites by default, the queue suite only when asked', () => {
    expect(parseArgs([], RESULTS).suites).toEqual(['throughput', 'latency', 'scale', 'capacity', 'producers', 'engine']);
    expect(() => parseArgs(['--suites', 'throughput,bogus'], RESULTS)).toThrow(/unknown bogus/);
  });
});
