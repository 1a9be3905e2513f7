import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { summarize } from './percentiles.js';
import type { LatencySummary } from './row.js';
import type { Consumer, TargetInstance } from './target.js';
import { latencyMs, type MessageSource } from './workload.js';

/** Records handed to a producer per send call: a pipeline, a batch, or a window's worth of publishes. */
export const PRODUCE_CHUNK = 1000;
/** A phase that makes no progress for this long has hung: fail it rather than the whole run. */
const STALL_MS = 30_000;

/** One producer sends `records` records as fast as the target acknowledges them. */
export async function producePhase(target: TargetInstance, topic: string, source: MessageSource, records: number): Promise<void> {
  const producer = await target.producer(topic, 'throughput');
  for (let sent = 0; sent < records; sent += PRODUCE_CHUNK) await producer.send(source.next(Math.min(PRODUCE_CHUNK, records - sent)));
  await producer.flush();
  await producer.close();
}

/** One consumer reads the topic from its start until it has seen `records` records. */
export async function consumePhase(target: TargetInstance, topic: string, partitions: number, records: number): Promise<void> {
  const consumer = await target.consumer(topic, partitions);
  await drain(consumer, records, () => undefined, () => false);
  await consumer.close();
}

/**
 * End-to-end latency: a producer at a fixed rate while a consumer follows; each value carries its send time.
 * Sends happen on a ~1 ms tick, each sending the records that have come due, so the offered rate stays fixed
 * whatever the target's speed (a slow target shows up as latency, not as a lower rate).
 */
export async function latencyPhase(
  target: TargetInstance,
  topic: string,
  partitions: number,
  source: MessageSource,
  rate: number,
  seconds: number,
): Promise<LatencySummary> {
  const total = Math.round(rate * seconds);
  const samples = new Float64Array(total);
  // This process's own event-loop delay is in every sample (a record is timed when its callback runs): printed
  // beside the result, it tells a slow system from a busy machine (docs/performance.md, end-to-end latency).
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  const consumer = await target.consumer(topic, partitions);
  loopDelay.enable();
  let received = 0;
  let producerFailed = false;
  const consuming = drain(
    consumer,
    total,
    (value) => {
      samples[received++] = latencyMs(value);
    },
    () => producerFailed,
  );
  try {
    const producer = await target.producer(topic, 'latency');
    const t0 = performance.now();
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate)) - sent;
      if (due > 0) {
        await producer.send(source.timestamped(due));
        sent += due;
      }
      await sleep(1);
    }
    await producer.flush();
    await producer.close();
  } catch (err) {
    // Stop the consumer too, so the phase fails now with the producer's error rather than later as a stall.
    producerFailed = true;
    loopDelay.disable();
    await consuming.catch(() => undefined);
    await consumer.close();
    throw err;
  }
  try {
    await consuming;
  } finally {
    loopDelay.disable();
    await consumer.close();
  }
  // The histogram counts the 1 ms sampling interval in every sample: the excess over it is the delay.
  const excessMs = (ns: number): string => Math.max(0, ns / 1e6 - 1).toFixed(2);
  process.stderr.write(`bench: e2e-latency: this process's event-loop delay p50 ${excessMs(loopDelay.percentile(50))} ms, `
    + `p99 ${excessMs(loopDelay.percentile(99))} ms, max ${excessMs(loopDelay.max)} ms\n`);
  return summarize(samples.subarray(0, received));
}

async function drain(consumer: Consumer, records: number, onValue: (value: Buffer) => void, abandoned: () => boolean): Promise<void> {
  let seen = 0;
  let lastProgress = performance.now();
  while (seen < records && !abandoned()) {
    const values = await consumer.poll();
    for (const v of values) onValue(v);
    seen += values.length;
    if (values.length > 0) lastProgress = performance.now();
    else if (performance.now() - lastProgress > STALL_MS) throw new Error(`consumer stalled at ${seen} of ${records} records`);
  }
}
