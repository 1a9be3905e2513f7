import { createClient, type ConsumedMessage, type GroupConsumer, type Producer } from '@klog/client';
import { summarize } from '../percentiles.js';
import { spawnBroker } from './broker-process.js';
import { randomDelay } from './random-delay.js';
import { retryCounter } from './retry-counter.js';

export interface SoakOptions {
  dataDir: string;
  seconds: number;
  producers?: number;
  groups?: number;
  membersPerGroup?: number;
  partitions?: number;
  /** A member leaves (orderly) and a new one joins, in a random group, this often. */
  churnEveryMs?: number;
  /** Which GroupConsumer.run callback the members use. Default eachMessage. */
  handler?: 'eachMessage' | 'eachBatch';
}

export interface SoakResult {
  seconds: number;
  acknowledged: number;
  recordsPerSecond: number;
  produceLatencyMs: { p50: number; p99: number; max: number };
  /** Broker RSS (MB), one sample a second. */
  rssMb: number[];
  churns: number;
  groups: { missing: number; duplicates: number; processed: number }[];
}

const TOPIC = 'soak';

/**
 * Mixed load on one broker process: producers sending keyed records, consumer groups each reading the whole
 * topic, members leaving and joining throughout. Afterwards every group must have processed every acknowledged
 * record; the broker's RSS is sampled each second for a growth trend.
 */
export async function runSoak(opts: SoakOptions): Promise<SoakResult> {
  const partitions = opts.partitions ?? 12;
  const broker = await spawnBroker({ dataDir: opts.dataDir, fsync: 100 });
  const client = createClient({ brokers: [`127.0.0.1:${broker.port}`], clientId: 'soak', logger: retryCounter() });
  const rssMb: number[] = [];
  const sampler = setInterval(() => rssMb.push((broker.rssBytes() ?? 0) / 2 ** 20), 1_000);
  const groups = Array.from({ length: opts.groups ?? 2 }, (_, g) => ({ id: `soak-group-${g}`, members: [] as GroupConsumer[], seen: new Map<string, number>() }));
  try {
    await client.admin().createTopic(TOPIC, { partitions });
    const join = (group: (typeof groups)[number]): void => {
      const c = client.consumer({ groupId: group.id, fromBeginning: true, maxWaitMs: 100, autoCommitIntervalMs: 1_000, sessionTimeoutMs: 6_000 });
      group.members.push(c);
      const seen = (m: ConsumedMessage): void => {
        const v = (m.value as Buffer).toString();
        group.seen.set(v, (group.seen.get(v) ?? 0) + 1);
      };
      void c.subscribe({ topics: [TOPIC] }).then(() => c.run(opts.handler === 'eachBatch'
        ? { eachBatch: ({ messages }) => messages.forEach(seen) }
        : { eachMessage: ({ message }) => seen(message) }));
    };
    for (const g of groups) for (let i = 0; i < (opts.membersPerGroup ?? 4); i++) join(g);

    const deadline = Date.now() + opts.seconds * 1000;
    const latencies: number[] = [];
    const acked: string[] = [];
    const producers = Array.from({ length: opts.producers ?? 8 }, (_, id) => produceUntil(client.producer({ acks: 1, lingerMs: 1 }), id, deadline, latencies, acked));
    let churns = 0;
    const churning = (async () => {
      while (Date.now() + (opts.churnEveryMs ?? 5_000) < deadline) {
        await randomDelay(opts.churnEveryMs ?? 5_000, opts.churnEveryMs ?? 5_000);
        const g = groups[Math.floor(Math.random() * groups.length)];
        const leaving = g.members.splice(Math.floor(Math.random() * g.members.length), 1)[0];
        await leaving.close();
        join(g);
        churns++;
      }
    })();
    await Promise.all([...producers, churning]);
    const drainBy = Date.now() + 60_000;
    while (groups.some((g) => acked.some((v) => !g.seen.has(v))) && Date.now() < drainBy) await randomDelay(200, 200);
    for (const g of groups) await Promise.all(g.members.map((m) => m.close()));
    const lat = summarize(Float64Array.from(latencies));
    return {
      seconds: opts.seconds,
      acknowledged: acked.length,
      recordsPerSecond: acked.length / opts.seconds,
      produceLatencyMs: { p50: lat.p50, p99: lat.p99, max: lat.max },
      rssMb,
      churns,
      groups: groups.map((g) => {
        let duplicates = 0;
        for (const n of g.seen.values()) duplicates += n - 1;
        return { missing: acked.filter((v) => !g.seen.has(v)).length, duplicates, processed: g.seen.size };
      }),
    };
  } finally {
    clearInterval(sampler);
    for (const g of groups) await Promise.all(g.members.map((m) => m.close()));
    await client.close();
    await broker.stop();
  }
}

async function produceUntil(producer: Producer, id: number, deadline: number, latencies: number[], acked: string[]): Promise<void> {
  let seq = 0;
  while (Date.now() < deadline) {
    const values = Array.from({ length: 20 }, () => `${id}:${seq++}`);
    const started = performance.now();
    await producer.send({ topic: TOPIC, messages: values.map((value) => ({ key: value, value })) });
    latencies.push(performance.now() - started);
    acked.push(...values);
    await randomDelay(2, 8);
  }
  await producer.close();
}

/** Growth of the broker's RSS from the second quarter of the run to the last (warm-up excluded), in MB. */
export function rssGrowthMb(samples: number[]): number {
  const q = Math.floor(samples.length / 4);
  if (q === 0) return 0;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return mean(samples.slice(samples.length - q)) - mean(samples.slice(q, 2 * q));
}

export function soakSummary(r: SoakResult): string {
  const rss = r.rssMb.length > 0 ? `RSS ${r.rssMb[0].toFixed(0)} -> max ${Math.max(...r.rssMb).toFixed(0)} -> end ${r.rssMb[r.rssMb.length - 1].toFixed(0)} MB (growth ${rssGrowthMb(r.rssMb).toFixed(1)} MB)` : 'RSS n/a';
  return `soak ${r.seconds} s: ${r.acknowledged} records acknowledged (${r.recordsPerSecond.toFixed(0)} rec/s), produce latency p50 ` +
    `${r.produceLatencyMs.p50.toFixed(1)} ms p99 ${r.produceLatencyMs.p99.toFixed(1)} ms, ${r.churns} member changes, ${rss}, ` +
    r.groups.map((g, i) => `group ${i}: missing ${g.missing} duplicates ${g.duplicates}`).join(', ');
}

/** RSS may settle upward a little after warm-up; a leak grows far beyond this in a minute of load. */
const RSS_GROWTH_LIMIT_MB = 48;

/** Orderly leaves commit before leaving, so nothing may be missing or processed twice. */
export function soakProblems(r: SoakResult): string[] {
  return [
    ...(r.acknowledged === 0 ? ['nothing was acknowledged'] : []),
    ...r.groups.flatMap((g, i) => [
      ...(g.missing > 0 ? [`group ${i}: ${g.missing} records never processed`] : []),
      ...(g.duplicates > 0 ? [`group ${i}: ${g.duplicates} records processed twice`] : []),
    ]),
    ...(rssGrowthMb(r.rssMb) >= RSS_GROWTH_LIMIT_MB ? [`broker RSS grew ${rssGrowthMb(r.rssMb).toFixed(0)} MB after warm-up`] : []),
  ];
}
