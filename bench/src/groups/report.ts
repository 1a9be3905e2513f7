import type { RebalanceEvent, RebalanceSample } from './rebalance-suite.js';
import type { ThroughputRow } from './throughput-suite.js';
import { fmt } from '../format.js';
import { spreadOf } from '../spread.js';

const median = (values: number[]): number => spreadOf(values).median;

const EVENT_LABEL: Record<RebalanceEvent, (n: number) => string> = {
  start: (n) => `${n} start at once`,
  join: (n) => `join: ${n} → ${n + 1}`,
  leave: (n) => `leave (close): ${n + 1} → ${n}`,
};

export function rebalanceTable(samples: RebalanceSample[]): string[] {
  const lines = [
    '| assignor | N | event | runs | stable ms (median) | all consuming ms (median) | all consuming ms (min–max) | generations (median) |',
    '|---|--:|---|--:|--:|--:|--:|--:|',
  ];
  const cases = new Map<string, RebalanceSample[]>();
  for (const s of samples) {
    const key = `${s.assignor}|${s.groupSize}|${s.event}`;
    cases.set(key, [...(cases.get(key) ?? []), s]);
  }
  for (const group of cases.values()) {
    const { assignor, groupSize, event } = group[0];
    const consuming = group.map((s) => s.consumingMs);
    lines.push(
      `| ${assignor} | ${groupSize} | ${EVENT_LABEL[event](groupSize)} | ${group.length} | ${fmt(median(group.map((s) => s.stableMs)))} | ` +
        `${fmt(median(consuming))} | ${fmt(Math.min(...consuming))}–${fmt(Math.max(...consuming))} | ${fmt(median(group.map((s) => s.generations)))} |`,
    );
  }
  return lines;
}

export function throughputTable(rows: ThroughputRow[]): string[] {
  const single = rows.find((r) => r.members === 1);
  const lines = [
    '| consumers | partitions | records | seconds | rec/s | MB/s | ÷ single | broker CPU s | broker peak RSS MB | members CPU s | held at gate |',
    '|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of rows) {
    const ratio = single ? `${fmt(r.recordsPerSec / single.recordsPerSec, 2)}×` : '';
    lines.push(
      `| ${r.members} | ${r.partitions} | ${fmt(r.records)} | ${fmt(r.seconds, 2)} | ${fmt(r.recordsPerSec)} | ${fmt(r.mbPerSec, 1)} | ${ratio} | ` +
        `${fmt(r.brokerCpuSeconds, 1)} | ${fmt(r.brokerPeakRssMb)} | ${fmt(r.membersCpuSeconds, 1)} | ${fmt(r.heldAtGate)} |`,
    );
  }
  return lines;
}
