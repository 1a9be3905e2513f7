import { spawnSync } from 'node:child_process';
import type { BenchOptions } from './options.js';
import { meterPhase, type PhaseCost } from './phase-meter.js';
import { consumePhase, latencyPhase, producePhase } from './phases.js';
import type { LatencySummary, Phase, Row, RowSuite } from './row.js';
import type { Target, TargetInstance } from './target.js';
import { selectTargets } from './targets/registry.js';
import { MessageSource } from './workload.js';

/** Runs every selected target through the suites, one target at a time, each on its own fresh server. */
export async function runSideBySide(o: BenchOptions): Promise<Row[]> {
  const rows: Row[] = [];
  for (const target of selectTargets(o.only)) {
    const reason = await target.unavailable();
    if (reason !== null) {
      log(`${target.system}:${target.setting}: skipped — ${reason}`);
      rows.push(skippedRow(target, reason));
      continue;
    }
    let instance: TargetInstance;
    try {
      instance = await target.start();
    } catch (err) {
      rows.push(skippedRow(target, `failed to start: ${message(err)}`));
      continue;
    }
    try {
      for (const step of plan(target, o)) rows.push(await runStep(target, instance, step));
    } finally {
      await instance.stop();
      // Write out this target's dirty pages now, so the next target's figures do not pay for them.
      spawnSync('sync');
    }
  }
  return rows;
}

interface Step {
  suite: RowSuite;
  phase: Phase;
  topic: string;
  partitions: number;
  keyBytes: number;
  valueBytes: number;
  records: number;
  /** Latency steps only: the fixed offered rate, records per second. */
  rate?: number;
}

function plan(target: Target, o: BenchOptions): Step[] {
  const steps: Step[] = [];
  const shape = { keyBytes: o.keyBytes, valueBytes: o.valueBytes };
  for (const partitions of target.isKlog ? o.klogPartitions : [1]) {
    if (o.suites.includes('throughput')) {
      const topic = `tput-${partitions}p`;
      steps.push({ suite: 'throughput', phase: 'produce', topic, partitions, ...shape, records: o.records });
      steps.push({ suite: 'throughput', phase: 'consume', topic, partitions, ...shape, records: o.records });
    }
    if (o.suites.includes('latency')) {
      const records = Math.round(o.latencyRate * o.latencySeconds);
      steps.push({ suite: 'latency', phase: 'e2e-latency', topic: `lat-${partitions}p`, partitions, ...shape, records, rate: o.latencyRate });
    }
  }
  // Scale is klog's own question (how it behaves as records and partitions grow), asked at its fastest setting.
  if (o.suites.includes('scale') && target.isKlog && target.fsyncClass === 'none') {
    const records = (valueBytes: number): number =>
      Math.max(1, Math.min(o.records, Math.floor(o.scaleBytesBudget / (o.keyBytes + valueBytes))));
    for (const valueBytes of o.scaleValueBytes) {
      steps.push({ suite: 'scale', phase: 'produce', topic: `scale-v${valueBytes}`, partitions: 1, keyBytes: o.keyBytes, valueBytes, records: records(valueBytes) });
    }
    for (const partitions of o.scalePartitions) {
      steps.push({ suite: 'scale', phase: 'produce', topic: `scale-p${partitions}`, partitions, ...shape, records: records(o.valueBytes) });
    }
  }
  return steps;
}

function runPhase(instance: TargetInstance, step: Step): Promise<LatencySummary | null> {
  const source = new MessageSource(step.keyBytes, step.valueBytes);
  switch (step.phase) {
    case 'produce':
      return producePhase(instance, step.topic, source, step.records).then(() => null);
    case 'consume':
      return consumePhase(instance, step.topic, step.partitions, step.records).then(() => null);
    case 'e2e-latency': {
      const rate = step.rate ?? 1;
      return latencyPhase(instance, step.topic, step.partitions, source, rate, step.records / rate);
    }
  }
}

async function runStep(target: Target, instance: TargetInstance, step: Step): Promise<Row> {
  const label = `${target.system}:${target.setting} ${step.suite}/${step.phase} ${step.partitions}p ${step.valueBytes}B`;
  try {
    // Consume reads the topic its produce step just filled.
    if (step.phase !== 'consume') await instance.createTopic(step.topic, step.partitions);
    const { result, cost } = await meterPhase(instance.pid, () => runPhase(instance, step));
    const row = measuredRow(target, step, cost, result);
    log(`${label}: ${Math.round(row.recordsPerSec).toLocaleString('en-US')} rec/s` + (result ? `, p99 ${result.p99.toFixed(2)} ms` : ''));
    return row;
  } catch (err) {
    log(`${label}: FAILED ${message(err)}`);
    return { ...skippedRow(target, `failed: ${message(err)}`), suite: step.suite, phase: step.phase, partitions: step.partitions };
  }
}

function measuredRow(target: Target, step: Step, cost: PhaseCost, latency: LatencySummary | null): Row {
  const perSec = step.records / cost.seconds;
  return {
    suite: step.suite,
    system: target.system,
    setting: target.setting,
    fsyncClass: target.fsyncClass,
    phase: step.phase,
    partitions: step.partitions,
    keyBytes: step.keyBytes,
    valueBytes: step.valueBytes,
    records: step.records,
    seconds: cost.seconds,
    recordsPerSec: perSec,
    mbPerSec: (perSec * (step.keyBytes + step.valueBytes)) / 1e6,
    latencyMs: latency,
    peakRssMb: cost.peakRssBytes / 1e6,
    serverCpuSeconds: cost.serverCpuSeconds,
    clientCpuSeconds: cost.clientCpuSeconds,
    skipped: null,
  };
}

function skippedRow(target: Target, reason: string): Row {
  return {
    suite: 'throughput',
    system: target.system,
    setting: target.setting,
    fsyncClass: target.fsyncClass,
    phase: 'produce',
    partitions: 0,
    keyBytes: 0,
    valueBytes: 0,
    records: 0,
    seconds: 0,
    recordsPerSec: 0,
    mbPerSec: 0,
    latencyMs: null,
    peakRssMb: 0,
    serverCpuSeconds: 0,
    clientCpuSeconds: 0,
    skipped: reason,
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}
