import { spawnSync } from 'node:child_process';
import type { CapacityClient } from './capacity-clients.js';
import { runChild } from './log-core-step.js';
import type { BenchOptions } from './options.js';
import { meterPhase, type PhaseCost } from './phase-meter.js';
import { consumePhase, latencyPhase, producePhase } from './phases.js';
import { ProducerProcesses } from './producer-processes.js';
import type { LatencySummary, Phase, Row, RowSuite } from './row.js';
import type { FsyncClass, Target, TargetInstance } from './target.js';
import { selectTargets } from './targets/registry.js';
import { tempDataDir } from './temp-dir.js';
import { MessageSource } from './workload.js';

/**
 * Runs every selected target through the suites `o.runs` times, interleaved: each round runs every target once
 * (each on a fresh server), then the engine steps, so that a slow minute on the machine hurts every system
 * rather than all the runs of one.
 */
export async function runSideBySide(o: BenchOptions): Promise<Row[]> {
  const rows: Row[] = [];
  const available: Target[] = [];
  for (const target of selectTargets(o.only)) {
    const reason = await target.unavailable();
    if (reason === null) available.push(target);
    else {
      log(`${target.system}:${target.setting}: skipped — ${reason}`);
      rows.push(skippedRow({ system: target.system, setting: target.setting, client: target.client, fsyncClass: target.fsyncClass }, 'unavailable', reason));
    }
  }
  const engine = o.suites.includes('engine') && (o.only.length === 0 || o.only.includes('klog-embedded') || o.only.includes('klog-embedded:fsync-never'));
  for (let run = 1; run <= o.runs; run++) {
    log(`run ${run} of ${o.runs}`);
    for (const target of available) rows.push(...(await runTarget(target, o, run)));
    if (engine) rows.push(...(await engineRows(o, run)));
  }
  return rows;
}

async function runTarget(target: Target, o: BenchOptions, run: number): Promise<Row[]> {
  let instance: TargetInstance;
  try {
    instance = await target.start();
  } catch (err) {
    return [skippedRow({ ...target }, 'unavailable', `failed to start: ${message(err)}`, run)];
  }
  const rows: Row[] = [];
  try {
    for (const step of plan(target, o)) rows.push(await runStep(target, instance, step, o, run));
  } finally {
    await instance.stop();
    // Write out this target's dirty pages now, so the next target's figures do not pay for them.
    spawnSync('sync');
  }
  return rows;
}

/** How a step drives the target: its Node client in this process, a C client, or producer processes. */
type Driver = 'node' | 'capacity' | 'producers';

interface Step {
  driver: Driver;
  suite: RowSuite;
  phase: Phase;
  /** The topic, which also names the case in the report. */
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
      steps.push({ driver: 'node', suite: 'throughput', phase: 'produce', topic, partitions, ...shape, records: o.records });
      steps.push({ driver: 'node', suite: 'throughput', phase: 'consume', topic, partitions, ...shape, records: o.records });
    }
    if (o.suites.includes('latency')) {
      const records = Math.round(o.latencyRate * o.latencySeconds);
      steps.push({ driver: 'node', suite: 'latency', phase: 'e2e-latency', topic: `lat-${partitions}p`, partitions, ...shape, records, rate: o.latencyRate });
    }
  }
  // Scale is klog's own question (how it behaves as records and partitions grow), asked at its fastest setting.
  if (o.suites.includes('scale') && target.isKlog && target.fsyncClass === 'none') {
    const records = (valueBytes: number): number =>
      Math.max(1, Math.min(o.records, Math.floor(o.scaleBytesBudget / (o.keyBytes + valueBytes))));
    for (const valueBytes of o.scaleValueBytes) {
      steps.push({ driver: 'node', suite: 'scale', phase: 'produce', topic: `scale-v${valueBytes}`, partitions: 1, keyBytes: o.keyBytes, valueBytes, records: records(valueBytes) });
    }
    for (const partitions of o.scalePartitions) {
      steps.push({ driver: 'node', suite: 'scale', phase: 'produce', topic: `scale-p${partitions}`, partitions, ...shape, records: records(o.valueBytes) });
    }
  }
  if (o.suites.includes('capacity') && target.capacity) {
    for (const phase of target.capacity.phases) {
      // The C clients send values only (kcat -l lines, redis-benchmark's one field): no key.
      steps.push({ driver: 'capacity', suite: 'capacity', phase, topic: `cap-${target.capacity.name}`, partitions: 1, keyBytes: 0, valueBytes: o.valueBytes, records: o.capacityRecords });
    }
  }
  if (o.suites.includes('producers') && target.producerProcesses) {
    const partitions = o.producerPartitions;
    steps.push({ driver: 'producers', suite: 'producers', phase: 'produce', topic: `producers-${o.producerProcesses}x${partitions}p`, partitions, ...shape, records: o.records });
  }
  return steps;
}

/** What a step measured beyond what meterPhase sees: latency, and figures a client process reports itself. */
interface Measured {
  latency: LatencySummary | null;
  /** A rate the client tool computed (redis-benchmark's requests/s); else records ÷ the phase's wall time. */
  recordsPerSec?: number;
  /** CPU of client processes; else this process's CPU during the phase. */
  clientCpuSeconds?: number;
}

/** A step ready to be timed: set-up (starting processes, writing input files) is done before the clock starts. */
interface Prepared {
  run(): Promise<Measured>;
  cleanup(): Promise<void>;
}

/** A phase that takes longer than this has hung (producer processes; the C clients have their own limit). */
const PROCESS_PHASE_TIMEOUT_MS = 300_000;

async function prepare(target: Target, instance: TargetInstance, step: Step, o: BenchOptions): Promise<Prepared> {
  const none = async (): Promise<void> => undefined;
  if (step.driver === 'capacity') {
    const tool = target.capacity as CapacityClient;
    const phase = step.phase;
    if (phase === 'e2e-latency') throw new Error(`${tool.name} measures throughput, not latency`);
    const address = instance.address;
    if (address === undefined) throw new Error(`${target.system} has no address for ${tool.name}`);
    const reason = tool.unavailable();
    if (reason !== null) throw new Error(reason);
    tool.prepare(phase, step.records, step.valueBytes);
    return {
      run: async () => {
        const r = await tool.run(phase, address, step.topic, step.records, step.valueBytes);
        return { latency: null, recordsPerSec: r.recordsPerSec, clientCpuSeconds: r.clientCpuSeconds };
      },
      cleanup: none,
    };
  }
  if (step.driver === 'producers') {
    const address = instance.address;
    if (address === undefined) throw new Error(`${target.system} has no address for producer processes`);
    const group = await ProducerProcesses.start(o.producerProcesses, address, step.topic, step.records, step.keyBytes, step.valueBytes);
    return {
      run: async () => ({ latency: null, clientCpuSeconds: (await group.run(PROCESS_PHASE_TIMEOUT_MS)).clientCpuSeconds }),
      cleanup: () => group.stop(),
    };
  }
  const source = new MessageSource(step.keyBytes, step.valueBytes);
  return { run: async () => ({ latency: await nodePhase(instance, step, source) }), cleanup: none };
}

async function nodePhase(instance: TargetInstance, step: Step, source: MessageSource): Promise<LatencySummary | null> {
  switch (step.phase) {
    case 'produce':
      await producePhase(instance, step.topic, source, step.records);
      return null;
    case 'consume':
      await consumePhase(instance, step.topic, step.partitions, step.records);
      return null;
    case 'e2e-latency': {
      const rate = step.rate ?? 1;
      return latencyPhase(instance, step.topic, step.partitions, source, rate, step.records / rate);
    }
  }
}

function clientOf(target: Target, step: Step, o: BenchOptions): string {
  if (step.driver === 'capacity') return target.capacity?.name ?? 'unknown';
  if (step.driver === 'producers') return `${o.producerProcesses} × ${target.client} (processes)`;
  return target.client;
}

async function runStep(target: Target, instance: TargetInstance, step: Step, o: BenchOptions, run: number): Promise<Row> {
  const client = clientOf(target, step, o);
  const label = `run ${run}: ${target.system}:${target.setting} ${step.suite}/${step.phase} ${step.partitions}p ${step.valueBytes}B (${client})`;
  try {
    // Consume reads the topic its produce step just filled.
    if (step.phase !== 'consume') await instance.createTopic(step.topic, step.partitions);
    const prepared = await prepare(target, instance, step, o);
    try {
      const { result, cost } = await meterPhase(instance.pid, prepared.run);
      const row = measuredRow({ ...target, client }, step, cost, result, run);
      log(`${label}: ${Math.round(row.recordsPerSec).toLocaleString('en-US')} rec/s, client CPU ${row.clientCpuSeconds.toFixed(2)} s` + (result.latency ? `, p99 ${result.latency.p99.toFixed(2)} ms` : ''));
      return row;
    } finally {
      await prepared.cleanup();
    }
  } catch (err) {
    log(`${label}: FAILED ${message(err)}`);
    return { ...skippedRow({ ...target, client }, step.topic, `failed: ${message(err)}`, run), suite: step.suite, phase: step.phase, partitions: step.partitions };
  }
}

interface Who {
  system: string;
  setting: string;
  client: string;
  fsyncClass: FsyncClass;
}

function measuredRow(who: Who, step: Step, cost: PhaseCost, measured: Measured, run: number): Row {
  const perSec = measured.recordsPerSec ?? step.records / cost.seconds;
  const clientCpuSeconds = measured.clientCpuSeconds ?? cost.clientCpuSeconds;
  return {
    run,
    suite: step.suite,
    caseName: step.topic,
    system: who.system,
    setting: who.setting,
    client: who.client,
    fsyncClass: who.fsyncClass,
    phase: step.phase,
    partitions: step.partitions,
    keyBytes: step.keyBytes,
    valueBytes: step.valueBytes,
    records: step.records,
    seconds: cost.seconds,
    recordsPerSec: perSec,
    mbPerSec: (perSec * (step.keyBytes + step.valueBytes)) / 1e6,
    latencyMs: measured.latency,
    peakRssMb: cost.peakRssBytes / 1e6,
    serverCpuSeconds: cost.serverCpuSeconds,
    clientCpuSeconds,
    clientCpuPerMillion: (clientCpuSeconds / step.records) * 1e6,
    skipped: null,
  };
}

/** log-core alone, as the engine benchmark runs it: append in batches of 1,000 in a fresh process, then read it all in another. */
async function engineRows(o: BenchOptions, run: number): Promise<Row[]> {
  const who: Who = { system: 'klog-log-core', setting: 'fsync-never', client: 'in-process', fsyncClass: 'none' };
  const shape = [String(o.keyBytes), String(o.valueBytes)];
  const dir = tempDataDir('engine');
  const rows: Row[] = [];
  const steps: { phase: Phase; args: string[] }[] = [
    { phase: 'produce', args: ['append', dir.path, 'engine', String(o.engineRecords), '1000', ...shape] },
    { phase: 'consume', args: ['read', dir.path, 'engine'] },
  ];
  try {
    for (const { phase, args } of steps) {
      const label = `run ${run}: log-core ${phase === 'produce' ? 'append, batches of 1000' : 'sequential read'}`;
      try {
        const r = await runChild(args);
        if (r === null) throw new Error('the step was killed');
        const step: Step = { driver: 'node', suite: 'engine', phase, topic: 'engine-batch-1000', partitions: 1, keyBytes: o.keyBytes, valueBytes: o.valueBytes, records: r.records };
        const cost: PhaseCost = { seconds: r.seconds, peakRssBytes: r.peakRssBytes, serverCpuSeconds: r.cpuSeconds, clientCpuSeconds: r.cpuSeconds };
        const row = measuredRow(who, step, cost, { latency: null }, run);
        log(`${label}: ${Math.round(row.recordsPerSec).toLocaleString('en-US')} rec/s, CPU ${r.cpuSeconds.toFixed(2)} s`);
        rows.push(row);
      } catch (err) {
        log(`${label}: FAILED ${message(err)}`);
        rows.push({ ...skippedRow(who, 'engine-batch-1000', `failed: ${message(err)}`, run), suite: 'engine', phase });
      }
    }
  } finally {
    dir.remove();
  }
  return rows;
}

function skippedRow(who: Who, caseName: string, reason: string, run = 1): Row {
  return {
    run,
    suite: 'throughput',
    caseName,
    system: who.system,
    setting: who.setting,
    client: who.client,
    fsyncClass: who.fsyncClass,
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
    clientCpuPerMillion: 0,
    skipped: reason,
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}
