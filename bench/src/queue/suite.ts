import { spawnSync } from 'node:child_process';
import type { BenchOptions } from '../options.js';
import type { TargetInstance } from '../target.js';
import { selectTargets } from '../targets/registry.js';
import { queuePeers } from './peers/registry.js';
import { peerSetting, type HolderFate, type QueuePeer } from './queue-peer.js';
import { measureRedelivery } from './redelivery.js';
import type { QueueRow, RedeliveryRow } from './rows.js';
import { measureThroughput } from './throughput.js';

export interface QueueResults {
  throughput: QueueRow[];
  redelivery: RedeliveryRow[];
}

const FATES: HolderFate[] = ['kill', 'stop'];

/**
 * The queue suite: every selected system as a work queue, one at a time on its own fresh server: accepted
 * records per second at each worker count, then redelivery latency after a holder is killed or hangs.
 */
export async function runQueueSuite(o: BenchOptions): Promise<QueueResults> {
  const results: QueueResults = { throughput: [], redelivery: [] };
  const selected = selectTargets(o.only, queuePeers.map((p) => p.target));
  for (const peer of queuePeers.filter((p) => selected.includes(p.target))) {
    const { system } = peer.target;
    const setting = peerSetting(peer);
    const reason = await peer.target.unavailable();
    if (reason !== null) {
      log(`queue ${system}:${setting}: skipped — ${reason}`);
      skipAll(results, peer, o, reason);
      continue;
    }
    let instance: TargetInstance;
    try {
      instance = await peer.target.start();
    } catch (err) {
      skipAll(results, peer, o, `failed to start: ${message(err)}`);
      continue;
    }
    try {
      for (const workers of o.queueWorkers) results.throughput.push(await throughputRow(peer, instance, o, workers));
      for (const fate of FATES) results.redelivery.push(await redeliveryRow(peer, instance, o, fate));
    } finally {
      await instance.stop();
      // Write out this system's dirty pages now, so the next system's figures do not pay for them.
      spawnSync('sync');
    }
  }
  return results;
}

async function throughputRow(peer: QueuePeer, instance: TargetInstance, o: BenchOptions, workers: number): Promise<QueueRow> {
  const processes = Math.min(workers, o.queueProcesses);
  const base = {
    system: peer.target.system, setting: peerSetting(peer), workers, processes, concurrency: o.queueConcurrency, records: o.queueRecords,
    holds: peer.holds?.(o.queueConcurrency) ?? String(o.queueConcurrency),
  };
  const label = `queue ${base.system}:${base.setting} ${workers} worker(s) in ${processes} process(es)`;
  try {
    const r = await measureThroughput(peer, instance, {
      queue: `work-${workers}w`, records: o.queueRecords, keyBytes: o.keyBytes, valueBytes: o.valueBytes,
      workers, processes, concurrency: o.queueConcurrency, lockMs: 30_000,
    });
    log(`${label}: ${Math.round(r.acceptedPerSec).toLocaleString('en-US')} accepted/s`);
    return { ...base, ...r, skipped: null };
  } catch (err) {
    log(`${label}: FAILED ${message(err)}`);
    return { ...base, seconds: 0, acceptedPerSec: 0, producedPerSec: 0, serverCpuSeconds: 0, workerCpuSeconds: 0, skipped: `failed: ${message(err)}` };
  }
}

async function redeliveryRow(peer: QueuePeer, instance: TargetInstance, o: BenchOptions, fate: HolderFate): Promise<RedeliveryRow> {
  const base = { system: peer.target.system, setting: peerSetting(peer), fate, lockMs: o.lockMs };
  const label = `queue ${base.system}:${base.setting} redelivery after ${fate === 'kill' ? 'kill -9' : 'SIGSTOP'}`;
  const unsupported = peer.redelivers[fate];
  if (unsupported !== null) return { ...base, samplesMs: [], skipped: unsupported };
  try {
    const samplesMs = await measureRedelivery(peer, instance, fate, { trials: o.redeliveryTrials, lockMs: o.lockMs, keyBytes: o.keyBytes, valueBytes: o.valueBytes });
    log(`${label}: ${samplesMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    return { ...base, samplesMs, skipped: null };
  } catch (err) {
    log(`${label}: FAILED ${message(err)}`);
    return { ...base, samplesMs: [], skipped: `failed: ${message(err)}` };
  }
}

function skipAll(results: QueueResults, peer: QueuePeer, o: BenchOptions, reason: string): void {
  const { system } = peer.target;
  const setting = peerSetting(peer);
  for (const workers of o.queueWorkers) {
    results.throughput.push({
      system, setting, workers, processes: Math.min(workers, o.queueProcesses), concurrency: o.queueConcurrency,
      holds: peer.holds?.(o.queueConcurrency) ?? String(o.queueConcurrency), records: 0,
      seconds: 0, acceptedPerSec: 0, producedPerSec: 0, serverCpuSeconds: 0, workerCpuSeconds: 0, skipped: reason,
    });
  }
  for (const fate of FATES) results.redelivery.push({ system, setting, fate, lockMs: o.lockMs, samplesMs: [], skipped: reason });
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}
