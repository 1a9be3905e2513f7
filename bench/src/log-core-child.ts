/**
 * One step of the log-core benchmark, run in a fresh process so that its peak RSS (VmHWM) and CPU are its own.
 * Prints one `RESULT <json>` line; the `fill-until-killed` step prints `FILLED` and keeps appending until its
 * parent SIGKILLs it by PID, which is how the benchmark produces a log that was not closed cleanly.
 *
 *   append <dir> <topic> <records> <perCall> <keyBytes> <valueBytes>
 *   read <dir> <topic>
 *   fill <dir> <topic> <bytes> <keyBytes> <valueBytes>                (then closes cleanly)
 *   fill-until-killed <dir> <topic> <bytes> <keyBytes> <valueBytes>   (never closes)
 *   open <dir>
 *   compact <dir> <topic> <records> <keys> <keyBytes> <valueBytes>   (one unthrottled pass over a dirty log)
 *   produce-latency <dir> <on|off> <appends> <keyBytes> <valueBytes>  (1-record appends, with or without
 *                                                                      the cleaner running on another topic)
 *   spread <dir> <partitions> <records> <keyBytes> <valueBytes>  (batches of 1000 keyed records spread over a
 *                                                                  topic's partitions by murmur2, 4 in flight)
 *   many-fill <dir> <topics> <partitionsPerTopic>      (one record in every partition, then a clean close)
 *   many-open <dir> <topics> <partitionsPerTopic>      (open the store and read partition 0 of the first topic;
 *                                                      then, unmeasured, read every partition once)
 */
import { performance } from 'node:perf_hooks';
import { LogStore } from '@klog/log-core';
import { peakRssBytes } from './proc-stats.js';
import { fillKeyed } from './keyed-fill.js';
import { MessageSource } from './workload.js';

export interface ChildResult {
  /** 99th percentile of one operation's latency, for the latency steps. */
  p99Ms?: number;
  seconds: number;
  records: number;
  bytes: number;
  peakRssBytes: number;
  cpuSeconds: number;
}

const FILL_BATCH = 1000;

async function append(store: LogStore, topic: string, source: MessageSource, records: number, perCall: number): Promise<void> {
  for (let done = 0; done < records; done += perCall) await store.append(topic, source.next(Math.min(perCall, records - done)), { partition: 0 });
}

async function openStore(dir: string): Promise<LogStore> {
  return LogStore.open(dir, { fsync: 'never' });
}

async function ensureTopic(store: LogStore, topic: string): Promise<void> {
  if (!store.hasTopic(topic)) await store.createTopic(topic, { partitions: 1 });
}

interface Step {
  /** The measured part; returns the records and bytes it handled. */
  timed(): Promise<{ records: number; bytes: number }>;
  /** Unmeasured cleanup (closing the store) so that close is not counted in append, read or open time. */
  after(): Promise<void>;
}

async function prepare(args: string[]): Promise<Step> {
  const [mode, dir, topic, a, b, c, d] = args;
  switch (mode) {
    case 'append': {
      const [records, perCall, keyBytes, valueBytes] = [a, b, c, d].map(Number);
      const store = await openStore(dir);
      await ensureTopic(store, topic);
      const source = new MessageSource(keyBytes, valueBytes);
      return {
        timed: async () => {
          await append(store, topic, source, records, perCall);
          return { records, bytes: records * (keyBytes + valueBytes) };
        },
        after: () => store.close(),
      };
    }
    case 'read': {
      const store = await openStore(dir);
      return {
        timed: async () => {
          let records = 0;
          let bytes = 0;
          const end = store.logEndOffset(topic, 0);
          for (let offset = store.logStartOffset(topic, 0); offset < end; ) {
            const result = await store.read(topic, 0, { offset, maxBytes: 1024 * 1024 });
            for (const r of result.records) bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
            records += result.records.length;
            offset = result.nextOffset;
          }
          return { records, bytes };
        },
        after: () => store.close(),
      };
    }
    case 'fill':
    case 'fill-until-killed': {
      const [targetBytes, keyBytes, valueBytes] = [a, b, c].map(Number);
      const store = await openStore(dir);
      await ensureTopic(store, topic);
      const source = new MessageSource(keyBytes, valueBytes);
      const records = Math.ceil(targetBytes / ((keyBytes + valueBytes) * FILL_BATCH)) * FILL_BATCH;
      return {
        timed: async () => {
          await append(store, topic, source, records, FILL_BATCH);
          return { records, bytes: records * (keyBytes + valueBytes) };
        },
        after: async () => {
          if (mode === 'fill') return store.close();
          process.stdout.write('FILLED\n');
          // Append until killed: the kill lands mid-write, leaving whatever tail the OS had at that instant.
          for (;;) await append(store, topic, source, FILL_BATCH, FILL_BATCH);
        },
      };
    }
    case 'open': {
      let store: LogStore | undefined;
      return {
        timed: async () => {
          store = await openStore(dir);
          // What the open found: the records and bytes the log holds (after any recovery truncation).
          const parts = store.listTopics().flatMap((t) => store?.describeTopic(t).partitions ?? []);
          return {
            records: parts.reduce((n, p) => n + p.logEndOffset - p.logStartOffset, 0),
            bytes: parts.reduce((n, p) => n + p.sizeBytes, 0),
          };
        },
        after: async () => store?.close(),
      };
    }
    case 'compact': {
      const [records, keys, keyBytes, valueBytes] = [a, b, c, d].map(Number);
      const store = await LogStore.open(dir, { fsync: 'never', compactionBytesPerSecond: Number.MAX_SAFE_INTEGER, compactionCheckMs: 2 ** 31 - 1 });
      await fillKeyed(store, topic, records, keys, keyBytes, valueBytes);
      return {
        timed: async () => {
          const r = await store.compact(topic);
          return { records, bytes: r.bytesBefore };
        },
        after: () => store.close(),
      };
    }
    case 'produce-latency': {
      const cleaner = topic === 'on';
      const [appends, keyBytes, valueBytes] = [a, b, c].map(Number);
      // The cleaner under its default byte budget, cleaning a 400k-record topic again and again.
      const store = await LogStore.open(dir, { fsync: 'never', compactionCheckMs: 2 ** 31 - 1 });
      await fillKeyed(store, 'dirty', 400_000, 1000, keyBytes, valueBytes);
      await ensureTopic(store, 'produce');
      const source = new MessageSource(keyBytes, valueBytes);
      let stop = false;
      let passes = Promise.resolve();
      return {
        timed: async () => {
          if (cleaner) passes = (async () => { while (!stop) await store.compact('dirty'); })();
          const latencies = new Float64Array(appends);
          for (let i = 0; i < appends; i++) {
            const t = performance.now();
            await store.append('produce', source.next(1), { partition: 0 });
            latencies[i] = performance.now() - t;
            // Appends a few hundred microseconds apart, as a producer's would arrive, leaving the loop room to clean.
            if (i % 10 === 0) await new Promise((r) => setImmediate(r));
          }
          stop = true;
          await passes;
          latencies.sort();
          return { records: appends, bytes: appends * (keyBytes + valueBytes), p99Ms: latencies[Math.floor(appends * 0.99)] };
        },
        after: () => store.close(),
      };
    }
    case 'spread': {
      const [partitions, records, keyBytes, valueBytes] = [topic, a, b, c].map(Number);
      const store = await openStore(dir);
      await store.createTopic('spread', { partitions });
      const source = new MessageSource(keyBytes, valueBytes);
      return {
        timed: async () => {
          // As the side-by-side scale case sends: 1000 records a call, keyed, a few calls in flight.
          const inFlight = new Set<Promise<unknown>>();
          for (let done = 0; done < records; done += FILL_BATCH) {
            const p = store.append('spread', source.next(Math.min(FILL_BATCH, records - done)));
            inFlight.add(p);
            void p.finally(() => inFlight.delete(p));
            if (inFlight.size >= 4) await Promise.race(inFlight);
          }
          await Promise.all(inFlight);
          return { records, bytes: records * (keyBytes + valueBytes) };
        },
        after: () => store.close(),
      };
    }
    case 'many-fill': {
      const [topics, perTopic] = [topic, a].map(Number);
      const store = await openStore(dir);
      const source = new MessageSource(16, 100);
      return {
        timed: async () => {
          for (let t = 0; t < topics; t++) {
            await store.createTopic(`t${t}`, { partitions: perTopic });
            for (let p = 0; p < perTopic; p++) await store.append(`t${t}`, source.next(1), { partition: p });
          }
          return { records: topics * perTopic, bytes: topics * perTopic * 116 };
        },
        after: () => store.close(),
      };
    }
    case 'many-open': {
      const [topics, perTopic] = [topic, a].map(Number);
      let store: LogStore | undefined;
      return {
        timed: async () => {
          store = await openStore(dir);
          const first = await store.read('t0', 0, { offset: 0 });
          if (first.records.length !== 1) throw new Error(`t0-0: expected 1 record after reopening, found ${first.records.length}`);
          // What the open found, as the 'open' step reports it: the records the partitions hold.
          const parts = store.listTopics().flatMap((t) => store?.describeTopic(t).partitions ?? []);
          return { records: parts.reduce((n, p) => n + p.logEndOffset - p.logStartOffset, 0), bytes: 0 };
        },
        after: async () => {
          // Every partition still holds its record (not timed: a check, not a measurement).
          for (let t = 0; t < topics; t++) {
            for (let p = 0; p < perTopic; p++) {
              const r = await store!.read(`t${t}`, p, { offset: 0 });
              if (r.records.length !== 1) throw new Error(`t${t}-${p}: expected 1 record after reopening, found ${r.records.length}`);
            }
          }
          await store?.close();
        },
      };
    }
    default:
      throw new Error(`log-core-child: unknown step ${mode}`);
  }
}

const work = await prepare(process.argv.slice(2));
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const handled = await work.timed();
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const result: ChildResult = {
  seconds,
  ...handled,
  peakRssBytes: peakRssBytes(process.pid) ?? 0,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
};
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
await work.after();
