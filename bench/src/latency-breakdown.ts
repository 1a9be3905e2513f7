/**
 * Where one record's end-to-end time goes, stage by stage, at the latency suite's fixed rate.
 *
 *   node bench/dist/latency-breakdown.js [--rate 10000] [--seconds 10] [--runs 3] [--fsync never|1s|always]
 *     [--targets broker,embedded] [--linger-ms 0]   (the producer's lingerMs: 0 as in the latency suite; 5 is the client's default)
 *     [--broker-cpu-prof-dir DIR]   (a .cpuprofile of the broker process per run; this one: node --cpu-prof)
 *
 * The broker runs in its own process (as in `npm run bench`) with its HTTP listener on, so its side comes from
 * its /metrics: the produce request's duration histogram and its event-loop delay. This process timestamps each
 * record when it is due, when send() is called, when the produce answer arrives and when the consumer gets it
 * (process.hrtime through performance.now), and a third connection pings the broker meanwhile (the bare round
 * trip: loopback, both event loops, frame codec). Codec costs (batch encode, batch decode) are timed in
 * isolation on the same records. Then the same schedule runs against an embedded LogStore. Nothing is added to
 * the hot paths: every figure is taken from outside them.
 */
import { fileURLToPath } from 'node:url';
import { constants as perfConstants, monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@klog/client';
import { decodeBatch, encodeBatch, iterateBatches, type FsyncPolicy } from '@klog/log-core';
import { freePort } from './free-port.js';
import { loadBroker } from './klog-broker-api.js';
import { summarize } from './percentiles.js';
import { ServerProcess } from './server-process.js';
import { POLL_WAIT_MS } from './target.js';
import { klogEmbeddedTargets } from './targets/klog-embedded.js';
import { tempDataDir } from './temp-dir.js';
import { MessageSource, type Message } from './workload.js';

const SELF = fileURLToPath(import.meta.url);
const KEY_BYTES = 16;
const VALUE_BYTES = 100;
/** Value bytes 0–7: send time (performance.now); 8–11: the record's sequence number in the run. */
const SEQ_AT = 8;

interface Options { rate: number; seconds: number; runs: number; fsync: FsyncPolicy; lingerMs: number; targets: string[]; brokerProfileDir?: string }

function parse(argv: string[]): Options {
  const o: Options = { rate: 10_000, seconds: 10, runs: 3, fsync: 'never', lingerMs: 0, targets: ['broker', 'embedded'] };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--rate': o.rate = Number(v); i++; break;
      case '--seconds': o.seconds = Number(v); i++; break;
      case '--runs': o.runs = Math.max(1, Math.floor(Number(v))); i++; break;
      case '--fsync': o.fsync = v === '1s' ? { intervalMs: 1000 } : (v as FsyncPolicy); i++; break;
      case '--linger-ms': o.lingerMs = Number(v); i++; break;
      case '--targets': o.targets = v.split(','); i++; break;
      case '--broker-cpu-prof-dir': o.brokerProfileDir = v; i++; break;
      default: throw new Error(`unknown flag ${argv[i]} (flags: --rate, --seconds, --runs, --fsync never|1s|always, --linger-ms N, --targets broker,embedded, --broker-cpu-prof-dir DIR)`);
    }
  }
  if (!(o.rate > 0) || !(o.seconds > 0)) throw new Error('--rate and --seconds must be positive numbers');
  return o;
}

/** The stages of one run: name → samples in ms (per record unless the name says otherwise). */
type Stages = Map<string, number[]>;

function add(stages: Stages, name: string, ms: number): void {
  let list = stages.get(name);
  if (!list) stages.set(name, (list = []));
  list.push(ms);
}

/** Sends at the fixed rate on a ~1 ms tick (as bench/src/phases.ts does), stamping each value with its send time and sequence. */
async function drive(
  opts: Options,
  source: MessageSource,
  send: (messages: Message[]) => Promise<unknown>,
  poll: () => Promise<Buffer[]>,
  stages: Stages,
): Promise<void> {
  const total = Math.round(opts.rate * opts.seconds);
  const sentAt = new Float64Array(total);
  const ackAt = new Float64Array(total);
  const recvAt = new Float64Array(total);
  let received = 0;
  const consuming = (async () => {
    const stalledAfter = performance.now() + opts.seconds * 1000 + 30_000;
    while (received < total && performance.now() < stalledAfter) {
      const values = await poll();
      const now = performance.now();
      for (const v of values) {
        recvAt[v.readUInt32LE(SEQ_AT)] = now;
        received++;
      }
    }
  })();
  // Per-record figures go into arrays sized up front, and sends are counted rather than kept: the probe itself
  // should leave little for the collector (a growing list of settled promises would be promoted and marked).
  const firstOfSend = new Uint8Array(total);
  let outstanding = 0;
  let failure: unknown = null;
  let allAnswered = (): void => undefined;
  const t0 = performance.now();
  let sent = 0;
  while (sent < total && failure === null) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - t0) / 1000) * opts.rate));
    if (due > sent) {
      const batch = source.next(due - sent);
      for (let i = 0; i < batch.length; i++) {
        const value = Buffer.from(batch[i].value);
        value.writeDoubleLE(now, 0);
        value.writeUInt32LE(sent + i, SEQ_AT);
        batch[i].value = value;
        sentAt[sent + i] = now;
      }
      const first = sent;
      const n = batch.length;
      firstOfSend[first] = 1;
      outstanding++;
      send(batch).then(() => {
        const at = performance.now();
        for (let i = first; i < first + n; i++) ackAt[i] = at;
      }, (err: unknown) => {
        failure = err;
      }).finally(() => {
        if (--outstanding === 0) allAnswered();
      });
      sent = due;
    }
    await sleep(1);
  }
  if (outstanding > 0) await new Promise<void>((resolve) => (allAnswered = resolve));
  if (failure !== null) throw failure;
  await consuming;
  if (received < total) throw new Error(`consumer stalled at ${received} of ${total} records`);
  const interval = 1000 / opts.rate;
  for (let seq = 0; seq < total; seq++) {
    add(stages, 'bench tick lag: send − due', sentAt[seq] - (t0 + (seq + 1) * interval));
    if (firstOfSend[seq]) add(stages, 'produce round trip: answer − send (per send)', ackAt[seq] - sentAt[seq]);
    add(stages, 'e2e: receive − send', recvAt[seq] - sentAt[seq]);
    // Negative when the fetch answer overtakes the produce answer: both leave the broker in the same turn.
    add(stages, 'receive − produce answer', recvAt[seq] - ackAt[seq]);
  }
}

/** A minor GC is a young-generation scavenge, a major one a full mark-compact. */
const GC_KINDS: Record<number, string> = {
  [perfConstants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [perfConstants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [perfConstants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/** Event-loop delay of this process and GC pauses, over one run. */
function watchProcess(stages: Stages): () => void {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = GC_KINDS[(e as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
      add(stages, `bench process GC pause, ${kind} (per GC)`, e.duration);
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  return () => {
    loop.disable();
    gc.disconnect();
    // The histogram is in ns and includes the 1 ms sampling resolution: what is reported is the excess over it.
    const excess = (q: number): number => Math.max(0, loop.percentile(q) / 1e6 - 1);
    add(stages, 'bench process event-loop delay p50 (per run)', excess(50));
    add(stages, 'bench process event-loop delay p99 (per run)', excess(99));
    add(stages, 'bench process event-loop delay max (per run)', Math.max(0, loop.max / 1e6 - 1));
  };
}

/** Scrapes the broker's /metrics: the native produce histogram (cumulative) and its loop-delay gauges (reset per scrape). */
async function scrape(httpPort: number): Promise<{ buckets: Map<number, number>; sum: number; count: number; lagP50: number; lagP99: number }> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const buckets = new Map<number, number>();
  let sum = 0;
  let count = 0;
  let lagP50 = Number.NaN;
  let lagP99 = Number.NaN;
  for (const line of text.split('\n')) {
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith('klog_request_duration_seconds') && line.includes('listener="native"') && line.includes('api="produce"')) {
      const le = /le="([^"]+)"/.exec(line);
      if (le) buckets.set(le[1] === '+Inf' ? Infinity : Number(le[1]), value);
      else if (line.startsWith('klog_request_duration_seconds_sum')) sum = value;
      else if (line.startsWith('klog_request_duration_seconds_count')) count = value;
    }
    // prom-client samples the loop every 10 ms, and each sample includes those 10 ms: the excess is the delay.
    if (line.startsWith('nodejs_eventloop_lag_p50_seconds')) lagP50 = Math.max(0, value * 1000 - 10);
    if (line.startsWith('nodejs_eventloop_lag_p99_seconds')) lagP99 = Math.max(0, value * 1000 - 10);
  }
  return { buckets, sum, count, lagP50, lagP99 };
}

/** The bucket bound under which a share q of the requests between two scrapes finished (ms). */
function bucketQuantile(before: Map<number, number>, after: Map<number, number>, q: number): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  for (const b of bounds) if ((after.get(b) ?? 0) - (before.get(b) ?? 0) >= q * total) return b * 1000;
  return Infinity;
}

async function brokerRun(opts: Options, stages: Stages): Promise<void> {
  const broker = await loadBroker();
  if (!broker) throw new Error('@klog/broker is not built: run npm run setup');
  const dir = tempDataDir('klog-latency');
  const port = await freePort();
  const httpPort = await freePort();
  const profile = opts.brokerProfileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', opts.brokerProfileDir];
  const args = [...profile, SELF, '--serve', dir.path, String(port), String(httpPort), JSON.stringify(opts.fsync)];
  const server = await ServerProcess.start('klog-broker', process.execPath, args, port);
  let client: Client | null = null;
  try {
    client = broker.createClient({ brokers: [`127.0.0.1:${port}`] });
    await client.admin().createTopic('lat', { partitions: 1 });
    const producer = client.producer({ lingerMs: opts.lingerMs, acks: 1 });
    const consumer = client.consumer({ maxWaitMs: POLL_WAIT_MS, valueDeserializer: 'buffer' });
    consumer.assign([{ topic: 'lat', partition: 0, offset: 0 }]);
    await producer.send({ topic: 'lat', messages: [{ value: 'warm-up' }] });
    await consumer.poll();
    const ping = client.connection();
    await ping.request('apiVersions', {});
    let pinging = true;
    const pings = (async () => {
      while (pinging) {
        const t = performance.now();
        await ping.request('apiVersions', {});
        add(stages, 'bare round trip: apiVersions on its own connection', performance.now() - t);
        await sleep(10);
      }
    })();
    const before = await scrape(httpPort);
    const stop = watchProcess(stages);
    await drive(
      opts, new MessageSource(KEY_BYTES, VALUE_BYTES),
      (messages) => producer.send({ topic: 'lat', messages }),
      async () => (await consumer.poll()).flatMap((batch) => batch.map((m) => m.value as Buffer)),
      stages,
    );
    stop();
    pinging = false;
    await pings;
    const after = await scrape(httpPort);
    add(stages, 'broker produce handling, mean (decode + append + answer)', ((after.sum - before.sum) / Math.max(1, after.count - before.count)) * 1000);
    add(stages, 'broker produce handling, p99 bucket bound', bucketQuantile(before.buckets, after.buckets, 0.99));
    add(stages, 'broker event-loop delay p50 (prom-client, excess over its 10 ms tick)', after.lagP50);
    add(stages, 'broker event-loop delay p99 (prom-client, excess over its 10 ms tick)', after.lagP99);
    await producer.close();
    await consumer.close();
  } finally {
    await client?.close();
    await server.stop();
    dir.remove();
  }
}

async function embeddedRun(opts: Options, stages: Stages): Promise<void> {
  const target = klogEmbeddedTargets.find((t) => t.setting === 'fsync-never')!;
  const instance = await target.start();
  try {
    await instance.createTopic('lat', 1);
    const producer = await instance.producer('lat', 'latency');
    const consumer = await instance.consumer('lat', 1);
    const stop = watchProcess(stages);
    await drive(opts, new MessageSource(KEY_BYTES, VALUE_BYTES), (m) => producer.send(m), () => consumer.poll(), stages);
    stop();
    await producer.close();
    await consumer.close();
  } finally {
    await instance.stop();
  }
}

/** Codec costs measured alone: the client's batch encode for one tick's send, the consumer's decode per record. */
function codecCosts(opts: Options, stages: Stages): void {
  const perTick = Math.max(1, Math.round(opts.rate / 1000));
  const records = new MessageSource(KEY_BYTES, VALUE_BYTES).next(perTick).map((m) => ({ ...m, timestamp: Date.now() }));
  const rounds = 2000;
  let encoded = encodeBatch(records);
  let t = performance.now();
  for (let i = 0; i < rounds; i++) encoded = encodeBatch(records);
  add(stages, `client batch encode, ${perTick} records (one tick's send)`, (performance.now() - t) / rounds);
  t = performance.now();
  let n = 0;
  for (let i = 0; i < rounds; i++) for (const { pos } of iterateBatches(encoded)) n += decodeBatch(encoded, pos).records.length;
  add(stages, `consumer batch decode, ${perTick} records`, (performance.now() - t) / rounds);
  if (n !== rounds * perTick) throw new Error('decode lost records');
}

function report(title: string, runs: Stages[]): void {
  const names = [...new Set(runs.flatMap((s) => [...s.keys()]))];
  process.stdout.write(`\n### ${title} (${runs.length} runs; median of the runs' figures, [min–max])\n\n| stage | p50 ms | p99 ms | p999 ms |\n|---|---|---|---|\n`);
  const fmt = (xs: number[]): string => {
    const s = [...xs].sort((a, b) => a - b);
    const med = s[Math.floor(s.length / 2)];
    const num = (x: number): string => (x < 10 ? x.toFixed(3) : x.toFixed(1));
    return s.length === 1 ? num(med) : `${num(med)} [${num(s[0])}–${num(s[s.length - 1])}]`;
  };
  for (const name of names) {
    const per = runs.map((s) => summarize(Float64Array.from(s.get(name) ?? [])));
    const single = runs.every((s) => (s.get(name)?.length ?? 0) <= 1);
    if (single) process.stdout.write(`| ${name} | ${fmt(per.map((p) => p.p50))} | | |\n`);
    else process.stdout.write(`| ${name} | ${fmt(per.map((p) => p.p50))} | ${fmt(per.map((p) => p.p99))} | ${fmt(per.map((p) => p.p999))} |\n`);
  }
}

async function serve(args: string[]): Promise<void> {
  const [dataDir, port, httpPort, fsyncJson] = args;
  const broker = await loadBroker();
  if (!broker) throw new Error('@klog/broker is not built');
  const handle = await broker.startBroker({
    dataDir, host: '127.0.0.1', port: Number(port), httpHost: '127.0.0.1', httpPort: Number(httpPort),
    fsync: JSON.parse(fsyncJson) as FsyncPolicy, logLevel: 'warn',
  });
  process.once('SIGTERM', () => void handle.close().then(() => process.exit(0)));
}

async function main(): Promise<void> {
  if (process.argv[2] === '--serve') return serve(process.argv.slice(3));
  const opts = parse(process.argv.slice(2));
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const broker: Stages[] = [];
  const embedded: Stages[] = [];
  const codec: Stages = new Map();
  codecCosts(opts, codec);
  for (let r = 0; r < opts.runs; r++) {
    process.stderr.write(`run ${r + 1}/${opts.runs}: ${opts.targets.join(', ')}\n`);
    if (opts.targets.includes('broker')) {
      const b: Stages = new Map();
      await brokerRun(opts, b);
      broker.push(b);
    }
    if (opts.targets.includes('embedded')) {
      const e: Stages = new Map();
      await embeddedRun(opts, e);
      embedded.push(e);
    }
  }
  process.stdout.write(`## Latency breakdown: ${opts.rate} records/s for ${opts.seconds} s, fsync ${JSON.stringify(opts.fsync)}, broker producer lingerMs ${opts.lingerMs}, Node ${process.version}\n`);
  if (broker.length > 0) report('klog broker (child process) driven by @klog/client over loopback', broker);
  if (embedded.length > 0) report('klog embedded (LogStore in this process)', embedded);
  report('codecs alone (mean per call)', [codec]);
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(`\nthis process: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU s, ${((performance.now() - wall0) / 1000).toFixed(1)} wall s\n`);
}

await main();
