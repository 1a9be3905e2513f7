import { createClient, type Producer } from '@klog/client';
import { spawnBroker, type BrokerProcess } from './broker-process.js';
import { randomDelay } from './random-delay.js';
import { auditTopic } from './segment-audit.js';
import { retryCounter } from './retry-counter.js';

export interface CrashLoopOptions {
  dataDir: string;
  fsync: 'always' | number;
  kills: number;
  partitions?: number;
  /** Small segments, so kills also land around segment rolls. */
  segmentBytes?: number;
  /** The broker runs for a random time in this range (ms) before each SIGKILL. */
  upMs?: [number, number];
  recordsPerSend?: number;
}

export interface CrashLoopResult {
  kills: number;
  /** Every broker start after a kill reached "listening" on its own. */
  restarts: number;
  sent: number;
  acknowledged: number;
  /** Acknowledged records missing from the log after the run. */
  lost: number;
  /** Records in the log, checked for CRC, density, order and exactly-once. */
  verified: number;
  /** Records of the log that were never sent, or that appear out of send order, or twice. */
  misplaced: string[];
  sendFailures: string[];
  recoveryMs: { max: number; avg: number };
  segments: number;
}

const TOPIC = 'crash';

/**
 * The crash (kill -9) loop: one producer (acks 'all', idempotent) sends numbered records, one sequential lane
 * per partition, while a supervisor SIGKILLs the broker at random moments and restarts it on the same data
 * directory and port. Afterwards the broker is stopped cleanly and the segment files themselves are audited.
 */
export async function runCrashLoop(opts: CrashLoopOptions): Promise<CrashLoopResult> {
  const partitions = opts.partitions ?? 3;
  const [minUp, maxUp] = opts.upMs ?? [30, 300];
  let broker = await spawnBroker({ dataDir: opts.dataDir, fsync: opts.fsync });
  const port = broker.port;
  const client = createClient({ brokers: [`127.0.0.1:${port}`], clientId: 'crash-loop', requestTimeoutMs: 5_000, logger: retryCounter() });
  const recovery: number[] = [];
  try {
    await client.admin().createTopic(TOPIC, { partitions, segmentBytes: opts.segmentBytes ?? 32 * 1024, maxBatchBytes: 16 * 1024 });
    const producer = client.producer({ acks: 'all', idempotent: true, lingerMs: 1, maxRetryTimeMs: 120_000 });
    const lanes = Array.from({ length: partitions }, (_, p) => lane(producer, p, opts.recordsPerSend ?? 40));
    for (let k = 0; k < opts.kills; k++) {
      await randomDelay(minUp, maxUp);
      await broker.kill();
      broker = await spawnBroker({ dataDir: opts.dataDir, port, fsync: opts.fsync });
      recovery.push(broker.startMs);
    }
    // Let every lane get at least one acknowledgement from the last broker, then stop sending.
    const before = lanes.map((l) => l.acked.length);
    await waitFor(() => lanes.every((l, i) => l.acked.length > before[i]), 60_000);
    for (const l of lanes) l.stop();
    await Promise.all(lanes.map((l) => l.done));
    await producer.close();
    await client.close();
    await broker.kill(); // one last crash, so the audited files are the recovered ones
    broker = await spawnBroker({ dataDir: opts.dataDir, port, fsync: opts.fsync });
    recovery.push(broker.startMs);
    await broker.stop();

    const audit = auditTopic(opts.dataDir, TOPIC, partitions);
    const misplaced: string[] = [];
    let lost = 0;
    for (const l of lanes) {
      const log = audit[l.partition].values;
      const inLog = new Set(log);
      lost += l.acked.filter((v) => !inLog.has(v)).length;
      // Exactly the records sent, each once, in send order (sends that failed for good are not expected).
      const expected = l.sentValues.filter((v) => !l.failedValues.has(v));
      log.forEach((v, i) => {
        if (v !== expected[i]) misplaced.push(`${TOPIC}-${l.partition} offset ${i}: ${v}, expected ${expected[i]}`);
      });
      if (log.length !== expected.length) misplaced.push(`${TOPIC}-${l.partition}: ${log.length} records in the log, ${expected.length} sent`);
    }
    return {
      kills: opts.kills,
      restarts: recovery.length,
      sent: lanes.reduce((n, l) => n + l.sentValues.length, 0),
      acknowledged: lanes.reduce((n, l) => n + l.acked.length, 0),
      lost,
      verified: audit.reduce((n, a) => n + a.values.length, 0),
      misplaced: misplaced.slice(0, 20),
      sendFailures: lanes.flatMap((l) => l.failures).slice(0, 20),
      recoveryMs: { max: Math.max(...recovery), avg: recovery.reduce((a, b) => a + b, 0) / recovery.length },
      segments: audit.reduce((n, a) => n + a.segments, 0),
    };
  } finally {
    await client.close();
    await broker.kill();
  }
}

/** One partition's sender: sends of `per` numbered records, one after the other, so the log order is the send order. */
function lane(producer: Producer, partition: number, per: number) {
  const sentValues: string[] = [];
  const acked: string[] = [];
  const failedValues = new Set<string>();
  const failures: string[] = [];
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const values = Array.from({ length: per }, (_, i) => `${partition}:${sentValues.length + i}`);
      sentValues.push(...values);
      try {
        await producer.send({ topic: TOPIC, messages: values.map((value) => ({ value, partition })) });
        acked.push(...values);
      } catch (err) {
        for (const v of values) failedValues.add(v);
        failures.push((err as Error).message);
      }
    }
  })();
  return { partition, sentValues, acked, failedValues, failures, done, stop: () => { stopped = true; } };
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('the producer made no progress after the last restart');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function crashLoopSummary(r: CrashLoopResult, fsync: string): string {
  return `crash loop (fsync ${fsync}, acks all): kills survived ${r.kills}, restarts ${r.restarts}, records verified ${r.verified} ` +
    `(sent ${r.sent}, acknowledged ${r.acknowledged}), acknowledged lost ${r.lost} (${(r.lost / r.kills).toFixed(2)} per kill), ` +
    `segments ${r.segments}, recovery max ${r.recoveryMs.max.toFixed(0)} ms avg ${r.recoveryMs.avg.toFixed(0)} ms`;
}

/** What the run shows to be broken (empty when every promise held). */
export function crashLoopProblems(r: CrashLoopResult): string[] {
  return [
    ...r.sendFailures.map((f) => `a send failed for good: ${f}`),
    ...r.misplaced,
    ...(r.lost > 0 ? [`${r.lost} acknowledged records lost`] : []),
    ...(r.restarts !== r.kills + 1 ? [`${r.restarts} restarts after ${r.kills} kills (+1 final)`] : []),
    ...(r.acknowledged !== r.sent || r.verified !== r.sent ? [`sent ${r.sent}, acknowledged ${r.acknowledged}, in the log ${r.verified}`] : []),
  ];
}
