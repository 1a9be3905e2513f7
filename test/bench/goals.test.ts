import { describe, expect, it } from 'vitest';
import { summarizeCases } from '../../bench/src/cases.js';
import { GOALS } from '../../bench/src/goal-thresholds.js';
import { evaluateGoals, type GoalResult } from '../../bench/src/goals.js';
import type { Row } from '../../bench/src/row.js';
import { latency, row } from './fixtures.js';

function goal(results: GoalResult[], prefix: string): GoalResult {
  const found = results.find((g) => g.goal.startsWith(prefix));
  if (!found) throw new Error(`no goal starting "${prefix}" in ${results.map((g) => g.goal).join(', ')}`);
  return found;
}

const broker = (over: Partial<Row>): Row => row({ system: 'klog-broker', setting: 'fsync-never', client: 'klog client', ...over });

describe('goal summary', () => {
  it('judges the median, not the best run', () => {
    const rows = [1, 2, 3].map((run) => broker({ run, recordsPerSec: run === 3 ? 2_000_000 : 900_000 }));
    const g = goal(evaluateGoals(summarizeCases(rows)), 'broker produce');
    expect(g).toMatchObject({ met: false, measured: '900,000 rec/s' });
  });

  it('marks each goal met, not met, or not measured', () => {
    const rows = [
      broker({ recordsPerSec: GOALS.brokerProduceRecPerSec, clientCpuPerMillion: 0.8 }),
      broker({ phase: 'consume', recordsPerSec: 500_000, clientCpuPerMillion: 1.5 }),
      broker({ caseName: 'tput-6p', partitions: 6, recordsPerSec: 1_100_000 }),
      broker({ suite: 'latency', caseName: 'lat-1p', phase: 'e2e-latency', latencyMs: latency(2.5) }),
      row({ system: 'redis', setting: 'memory', recordsPerSec: 300_000 }),
      row({ system: 'redis', setting: 'memory', suite: 'latency', caseName: 'lat-1p', phase: 'e2e-latency', latencyMs: latency(3) }),
      broker({ suite: 'scale', caseName: 'scale-p1', recordsPerSec: 1_000_000 }),
      broker({ suite: 'scale', caseName: 'scale-p1000', partitions: 1000, recordsPerSec: 499_000 }),
    ];
    const results = evaluateGoals(summarizeCases(rows));
    expect(goal(results, 'broker produce').met).toBe(true);
    expect(goal(results, 'broker consume').met).toBe(false);
    expect(goal(results, 'client CPU, broker produce').met).toBe(true);
    expect(goal(results, 'client CPU, broker consume').met).toBe(false);
    expect(goal(results, '6 vs 1 partition, produce')).toMatchObject({ met: true, measured: '1,100,000 vs 1,000,000 rec/s (1.10×)' });
    expect(goal(results, 'produce vs redis:memory')).toMatchObject({ met: true, measured: '3.33×' });
    expect(goal(results, 'e2e-latency vs redis:memory')).toMatchObject({ met: true, measured: 'p99 2.50 vs 3.00 ms (0.83×)' });
    expect(goal(results, 'broker e2e latency').met).toBe(false);
    expect(goal(results, '1,000 vs 1 partition').met).toBe(false);
    expect(goal(results, 'klog-embedded p99')).toMatchObject({ met: null, measured: 'not measured' });
    expect(goal(results, 'several producer processes').met).toBeNull();
    expect(goal(results, 'log-core append').met).toBeNull();
  });

  it('compares klog with the products only, not with kafkajs on klog\'s own broker', () => {
    const rows = [broker({ recordsPerSec: 1_000_000 }), row({ system: 'klog-kafka', setting: 'fsync-never', client: 'kafkajs', recordsPerSec: 900_000 })];
    expect(evaluateGoals(summarizeCases(rows)).some((g) => g.goal.includes('klog-kafka'))).toBe(false);
  });
});
