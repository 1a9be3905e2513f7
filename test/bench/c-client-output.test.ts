import { describe, expect, it } from 'vitest';
import { childCpuSeconds, redisBenchmarkRps } from '../../bench/src/c-client-output.js';

/** Output captured from the tools (redis-benchmark 7.0.15, dash's `times`). */
const REDIS_BENCHMARK_CSV = [
  '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"',
  '"XADD s * f vvvvvvvvvv","249999.98","0.446","0.160","0.175","2.783","2.783","2.783"',
  '',
].join('\n');

describe('parsing the capacity suite\'s C clients', () => {
  it('reads requests/s from redis-benchmark --csv by its column name', () => {
    expect(redisBenchmarkRps(REDIS_BENCHMARK_CSV)).toBeCloseTo(249999.98, 2);
    expect(redisBenchmarkRps('"test","avg_latency_ms","rps"\n"XADD","0.4","1000.5"\n')).toBe(1000.5);
    expect(redisBenchmarkRps('ERROR: connection refused\n')).toBeNull();
  });

  it('reads the children\'s user + system CPU from the second line of `times`, minutes included', () => {
    expect(childCpuSeconds('% some kcat chatter\n0m0.004000s 0m0.001000s\n1m2.500000s 0m0.250000s\n')).toBeCloseTo(62.75, 6);
    expect(childCpuSeconds('0m0.004000s 0m0.001000s\n')).toBeNull();
    expect(childCpuSeconds('no times here')).toBeNull();
  });

});
