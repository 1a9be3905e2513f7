import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { producePhase } from '../phases.js';
import type { TargetInstance } from '../target.js';
import { MessageSource } from '../workload.js';
import { peerSetting, requireAddress, type HolderFate, type QueuePeer } from './queue-peer.js';
import { WorkerProcess } from './worker-process.js';

/** Time given to the second worker to be waiting for records before the holder is made to fail. */
export const SETTLE_MS = 500;

/**
 * Redelivery latency: a worker in a process of its own holds the queue's only record; another worker (in this
 * process) waits for records; the holder is then killed with kill -9 (`kill`) or frozen with SIGSTOP (`stop`,
 * a hung worker whose connection stays open). Measured from the signal until the record reaches the other
 * worker, once per trial, each trial on a fresh queue. Returns milliseconds per trial.
 */
export async function measureRedelivery(
  peer: QueuePeer,
  instance: TargetInstance,
  fate: HolderFate,
  o: { trials: number; lockMs: number; keyBytes: number; valueBytes: number },
): Promise<number[]> {
  const samples: number[] = [];
  for (let trial = 0; trial < o.trials; trial++) {
    const queue = `redeliver-${fate}-${trial}`;
    await peer.createQueue(instance, queue, { lockMs: o.lockMs });
    await producePhase(instance, queue, new MessageSource(o.keyBytes, o.valueBytes), 1);
    samples.push(await oneTrial(peer, instance, queue, fate, o.lockMs));
  }
  return samples;
}

async function oneTrial(peer: QueuePeer, instance: TargetInstance, queue: string, fate: HolderFate, lockMs: number): Promise<number> {
  const address = requireAddress(instance.address);
  const holder = WorkerProcess.start({ system: peer.target.system, setting: peerSetting(peer), address, queue, workers: 1, concurrency: 1, hold: true });
  let redelivered!: (at: number) => void;
  const arrival = new Promise<number>((resolve) => (redelivered = resolve));
  const watcher = await peer.worker(address, queue, {
    concurrency: 1,
    name: 'watcher',
    hold: true,
    onDelivered: () => redelivered(performance.now()),
    onAccepted: () => undefined,
  });
  try {
    await holder.ready;
    const held = new Promise<void>((resolve) => holder.onProgress(() => holder.delivered > 0 && resolve()));
    holder.go();
    await held;
    watcher.start();
    await sleep(SETTLE_MS);
    const signalledAt = performance.now();
    holder.signal(fate === 'kill' ? 'SIGKILL' : 'SIGSTOP');
    const limitMs = 3 * lockMs + 10_000;
    const giveUp = new AbortController();
    const deadline = sleep(limitMs, undefined, { signal: giveUp.signal }).then(() => {
      throw new Error(`not redelivered within ${limitMs} ms`);
    });
    deadline.catch(() => undefined);
    try {
      return (await Promise.race([arrival, deadline])) - signalledAt;
    } finally {
      giveUp.abort();
    }
  } finally {
    // A frozen holder cannot close itself: kill it (by PID) first.
    if (fate === 'stop') holder.signal('SIGKILL');
    await holder.stop();
    await watcher.close();
  }
}
