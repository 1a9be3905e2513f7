// Bounded resources under abuse: resource abuse against a real broker process — thousands of idle connections, a frame header promising 2 GB,
// and a consumer that never reads its socket while a producer writes hundreds of megabytes
// (KLOG_SLOW_CONSUMER_MB, default 300; 1024 for a full gigabyte). The broker's RSS stays under generous bounds
// (asserted; the README quotes them), every record produced meanwhile is acknowledged and in the log, and a
// well-behaved client keeps working on other connections.
import { connect, type Socket } from 'node:net';
import { encodeFrame } from '@klog/protocol';
import { createClient, type Client } from '@klog/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnBroker, type BrokerProcess } from '../../bench/src/reliability/broker-process.js';
import { RawConnection } from '../broker/fixture.js';
import { startWellBehavedClient } from '../broker/well-behaved-client.js';
import { removeTempDirs, tempDir } from './temp-dirs.js';

const MB = 1024 * 1024;
const SLOW_CONSUMER_MB = Number(process.env.KLOG_SLOW_CONSUMER_MB ?? 300);
/** What 2,000 idle connections may add to the broker's RSS (about 22 MB measured). */
const IDLE_CONNECTIONS_RSS_MB = 100;
/** The broker's peak RSS while a consumer never reads (about 200 MB measured for 300 MB produced). */
const SLOW_CONSUMER_RSS_MB = 400;
let broker: BrokerProcess;
let client: Client;

beforeAll(async () => {
  broker = await spawnBroker({ dataDir: tempDir(), fsync: 'never' });
  client = createClient({ brokers: [`127.0.0.1:${broker.port}`], clientId: 'good' });
});

afterAll(async () => {
  await client.close();
  expect(await broker.stop()).toBe(0);
  removeTempDirs();
});

const rssMb = () => (broker.rssBytes() ?? 0) / MB;

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Samples the broker's RSS every 100 ms until stopped; returns the peak in MB. */
function rssSampler(): { stop(): number } {
  let peak = rssMb();
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMb());
  }, 100);
  return { stop: () => (clearInterval(timer), Math.max(peak, rssMb())) };
}

describe('resource limits', () => {
  it('holds 2,000 idle connections open while a good client works', async () => {
    const before = rssMb();
    const idle = await Promise.all(Array.from({ length: 2_000 }, () => openSocket(broker.port)));
    let closedByBroker = 0;
    for (const s of idle) s.once('close', () => closedByBroker++);
    try {
      const good = await startWellBehavedClient(client, 'idle-neighbours');
      await new Promise((r) => setTimeout(r, 1_000));
      const records = await good.finish();
      const after = rssMb();
      console.log(`2,000 idle connections: broker RSS ${before.toFixed(0)} MB -> ${after.toFixed(0)} MB; good client ${records} records meanwhile`);
      expect(records).toBeGreaterThan(0);
      expect(closedByBroker).toBe(0);
      expect(before, 'broker RSS was sampled').toBeGreaterThan(0);
      expect(after - before, 'MB of broker RSS that 2,000 idle connections cost').toBeLessThan(IDLE_CONNECTIONS_RSS_MB);
    } finally {
      for (const s of idle) s.destroy();
    }
  });

  it('answers a 2 GB frame header with FRAME_TOO_LARGE and closes, allocating nothing for it', async () => {
    const before = rssMb();
    const raw = await RawConnection.open(broker.port);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(2 ** 31);
    raw.write(header); // ...and stall: the body never comes
    const answer = await raw.next();
    await raw.closed;
    const after = rssMb();
    console.log(`2 GB frame header: FRAME_TOO_LARGE, connection closed, broker RSS ${before.toFixed(0)} MB -> ${after.toFixed(0)} MB`);
    expect(answer).toMatchObject({ correlationId: -1, errorCode: 'FRAME_TOO_LARGE' });
    expect(after - before).toBeLessThan(32);
  });

  /** Produces `mb` megabytes of 1 KiB records, each send awaited; returns MB/s (logged, never asserted). */
  async function produceMegabytes(topic: string, mb: number): Promise<number> {
    const producer = client.producer({ acks: 1, lingerMs: 2 });
    const value = Buffer.alloc(1024, 7);
    const started = performance.now();
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < mb; i++) {
      sends.push(producer.send({ topic, messages: Array.from({ length: 1024 }, () => ({ value, partition: 0 })) }));
      if (sends.length >= 8) await sends.shift();
    }
    await Promise.all(sends);
    await producer.close();
    return mb / ((performance.now() - started) / 1000);
  }

  /** Keeps fetching the topic from the start on a raw connection whose answers are never read. */
  function neverReadingConsumer(topic: string, burst: number): { stop(): void } {
    let socket: Socket | null = null;
    const fetch = (id: number) => encodeFrame({ api: 'fetch', version: 0, correlationId: id, maxWaitMs: 100, minBytes: 1, maxBytes: 4 * MB,
      topics: [{ topic, partitions: [{ partition: 0, offset: 0, maxBytes: 4 * MB }] }] });
    let id = 1;
    void openSocket(broker.port).then((s) => {
      socket = s;
      s.pause(); // never read
      s.on('error', () => undefined);
    });
    const timer = setInterval(() => {
      if (!socket) return;
      // Like a client that pipelines fetches without waiting: `burst` requests per write.
      socket.write(Buffer.concat(Array.from({ length: burst }, () => fetch(id++))));
    }, 10);
    return { stop: () => (clearInterval(timer), socket?.destroy()) };
  }

  async function slowConsumerRun(burst: number) {
    const topic = `slow-${burst}`;
    await client.admin().createTopic(topic, { partitions: 1 });
    await client.admin().createTopic(`${topic}-baseline`, { partitions: 1 });
    const baseline = await produceMegabytes(`${topic}-baseline`, 32);
    await produceMegabytes(topic, 8); // something to fetch from the start
    const slow = neverReadingConsumer(topic, burst);
    const sampler = rssSampler();
    try {
      const rate = await produceMegabytes(topic, SLOW_CONSUMER_MB);
      const peakRss = sampler.stop();
      const [{ offset: endOffset }] = await client.admin().fetchOffsets(topic, 'latest');
      return { baseline, rate, peakRss, endOffset };
    } finally {
      sampler.stop();
      slow.stop();
    }
  }

  it(`a consumer that never reads while ${SLOW_CONSUMER_MB} MB are produced: broker RSS stays bounded, the producer keeps going`, async () => {
    const r = await slowConsumerRun(1);
    console.log(`slow consumer (one fetch per write): ${SLOW_CONSUMER_MB} MB produced at ${r.rate.toFixed(0)} MB/s ` +
      `(${r.baseline.toFixed(0)} MB/s without it), broker peak RSS ${r.peakRss.toFixed(0)} MB`);
    expect(r.endOffset, 'every record produced beside the stalled consumer is in the log').toBe((8 + SLOW_CONSUMER_MB) * 1024);
    expect(r.peakRss).toBeGreaterThan(0);
    expect(r.peakRss).toBeLessThan(SLOW_CONSUMER_RSS_MB);
  }, 180_000);

  // The answers the broker holds for a peer that pipelines requests and never reads are bounded by
  // maxInFlightPerConnection and maxBufferedBytesPerConnection: frames beyond them wait unread.
  it(`a consumer that pipelines 200 fetches per write and never reads: broker RSS stays bounded`, async () => {
    const r = await slowConsumerRun(200);
    console.log(`slow consumer (200 fetches per write): ${SLOW_CONSUMER_MB} MB produced at ${r.rate.toFixed(0)} MB/s ` +
      `(${r.baseline.toFixed(0)} MB/s without it), broker peak RSS ${r.peakRss.toFixed(0)} MB`);
    expect(r.endOffset, 'every record produced beside the stalled consumer is in the log').toBe((8 + SLOW_CONSUMER_MB) * 1024);
    expect(r.peakRss).toBeGreaterThan(0);
    expect(r.peakRss).toBeLessThan(SLOW_CONSUMER_RSS_MB);
  }, 180_000);
});
