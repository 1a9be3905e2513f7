// Bad input never takes the broker down: fast-check protocol fuzzing of a real broker process over real sockets — 100,000
// cases a run. Answerable bad requests are pipelined a thousand to a connection and each must get its answer;
// untrusted byte streams go one to a connection, which the broker must close (or, for a stream that merely
// stops short, keep waiting on until we hang up). Throughout, the broker stays alive and under its memory limit,
// and a well-behaved client on other connections keeps producing and consuming correctly.
import { connect, type Socket } from 'node:net';
import { decodeBody, FrameReader } from '@klog/protocol';
import { createClient } from '@klog/client';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { spawnBroker } from '../../bench/src/reliability/broker-process.js';
import { startWellBehavedClient } from '../broker/well-behaved-client.js';
import { answerableRequest, expectsAnswer, frameOf, FUZZ_TOPIC, untrustedStream } from './fuzz-cases.js';
import { removeTempDirs, tempDir } from './temp-dirs.js';

afterAll(removeTempDirs);

const ANSWERABLE = Number(process.env.KLOG_FUZZ_ANSWERABLE ?? 90_000);
const UNTRUSTED = Number(process.env.KLOG_FUZZ_UNTRUSTED ?? 10_000);
const PER_CONNECTION = 1_000;
const MAX_FRAME = 1024 * 1024;
/** The broker idles at well under 100 MB; fuzzing may not take it anywhere near this. */
const RSS_LIMIT = 300 * 1024 * 1024;

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

const SENTINEL = 0x7fffffff;

/**
 * Writes the requests in one go, then an apiVersions whose answer comes last (answers keep request order);
 * resolves with the correlation ids answered before it. Rejects if the broker closes the connection instead.
 */
async function pipeline(port: number, requests: Parameters<typeof frameOf>[0][]): Promise<Set<number>> {
  const socket = await open(port);
  const reader = new FrameReader(64 * 1024 * 1024);
  const answered = new Set<number>();
  return new Promise((resolve, reject) => {
    socket.on('data', (chunk) => {
      for (const body of reader.push(chunk)) {
        const id = (decodeBody(body) as { correlationId: number }).correlationId;
        if (id !== SENTINEL) answered.add(id);
        else {
          socket.destroy();
          resolve(answered);
        }
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => reject(new Error(`connection closed after ${answered.size} of ${requests.length} answers`)));
    socket.write(Buffer.concat([...requests.map((r, i) => frameOf(r, i + 1)), frameOf({ api: 'apiVersions', body: {} }, SENTINEL)]));
  });
}

/** Sends an untrusted stream; resolves once the connection is closed — by the broker when it must, else by us. */
async function untrusted(port: number, bytes: Buffer, brokerCloses: boolean): Promise<void> {
  const socket = await open(port);
  socket.on('data', () => undefined);
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(bytes);
  if (!brokerCloses) socket.end();
  const timeout = setTimeout(() => socket.destroy(new Error('not closed')), 20_000);
  await closed;
  clearTimeout(timeout);
  if (socket.errored) throw new Error(`the broker did not close the connection after ${bytes.length} untrusted bytes`);
}

async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

it(`survives ${(ANSWERABLE + UNTRUSTED).toLocaleString('en-US')} fuzzed protocol cases; a good client is unaffected`, async () => {
  const seed = Date.now() % 0x7fffffff;
  const broker = await spawnBroker({ dataDir: tempDir(), fsync: 'never', extra: { maxFrameBytes: MAX_FRAME, autoCreateTopics: false } });
  const client = createClient({ brokers: [`127.0.0.1:${broker.port}`], clientId: 'good' });
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, broker.rssBytes() ?? 0);
  }, 100);
  try {
    await client.admin().createTopic(FUZZ_TOPIC, { partitions: 1 });
    const good = await startWellBehavedClient(client, 'good');
    const requests = fc.sample(answerableRequest, { numRuns: ANSWERABLE, seed });
    const chunks: (typeof requests)[] = [];
    for (let i = 0; i < requests.length; i += PER_CONNECTION) chunks.push(requests.slice(i, i + PER_CONNECTION));
    let answered = 0;
    const unanswered: string[] = [];
    await inParallel(chunks, 4, async (chunk) => {
      const ids = await pipeline(broker.port, chunk);
      answered += ids.size;
      chunk.forEach((r, i) => {
        if (expectsAnswer(r) !== ids.has(i + 1)) unanswered.push(`${r.api} ${JSON.stringify(r.body)}`);
      });
    });
    const streams = fc.sample(untrustedStream(MAX_FRAME), { numRuns: UNTRUSTED, seed });
    const kinds = new Map<string, number>();
    await inParallel(streams, 32, async (s) => {
      await untrusted(broker.port, s.bytes, s.closes);
      kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1);
    });
    const goodRecords = await good.finish();
    clearInterval(sampler);
    console.log(`protocol fuzz (seed ${seed}): cases fuzzed ${(answered + streams.length).toLocaleString('en-US')} ` +
      `(${answered} answered on kept connections, ${ANSWERABLE - answered} produce acks 0, ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')} closed), ` +
      `broker peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB, good client ${goodRecords} records produced and consumed in order`);
    expect(unanswered.slice(0, 5)).toEqual([]);
    expect(process.kill(broker.pid, 0)).toBe(true);
    expect(goodRecords).toBeGreaterThan(0);
    expect(peakRss).toBeLessThan(RSS_LIMIT);
  } finally {
    clearInterval(sampler);
    await client.close();
    expect(await broker.stop()).toBe(0);
  }
}, 240_000);
