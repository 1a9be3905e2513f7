// Bad input never takes the broker down: fast-check protocol fuzzing of a real broker process over real sockets — 100,000 cases a run. Answerable bad
// requests are pipelined a thousand to a connection and each must get its answer, an error where the request is
// damaged beyond doubt; untrusted byte streams go one to a connection, which the broker must close after a
// connection-level error frame (or, for a stream that merely stops short, keep waiting on until we hang up).
// Throughout, the broker stays alive and under its memory limit, and a well-behaved client on other connections
// keeps producing and consuming correctly.
// The seed is printed before the run starts and named in every failure; KLOG_FUZZ_SEED replays a run and
// KLOG_FUZZ_CASES sets its size (cases are numbered in the order generated, the same for the same seed).
import { connect, type Socket } from 'node:net';
import { decodeBody, FrameReader } from '@klog/protocol';
import { createClient } from '@klog/client';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { spawnBroker } from '../../bench/src/reliability/broker-process.js';
import { startWellBehavedClient } from '../broker/well-behaved-client.js';
import {
  answerableRequest, describeRequest, errorCodesIn, expectsAnswer, frameOf, FUZZ_TOPIC, type FuzzRequest, untrustedStream,
  type UntrustedStream,
} from './fuzz-cases.js';
import { fuzzCases, fuzzSeed } from './fuzz-seed.js';
import { removeTempDirs, tempDir } from './temp-dirs.js';

afterAll(removeTempDirs);

const CASES = fuzzCases(100_000);
const ANSWERABLE = Math.round(CASES * 0.9);
const UNTRUSTED = CASES - ANSWERABLE;
const SEED = fuzzSeed();
const REPLAY = `KLOG_FUZZ_SEED=${SEED} KLOG_FUZZ_CASES=${CASES} npx vitest run test/reliability/protocol-fuzz.test.ts`;
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

/** A broker error that is not a typed KlogError reaches the wire as one of these. */
function untypedError(answer: unknown): boolean {
  const text = JSON.stringify(answer);
  return errorCodesIn(answer).includes('INTERNAL_ERROR') || text.includes('internal broker error');
}

/**
 * Writes the requests in one go, then an apiVersions whose answer comes last (answers keep request order);
 * resolves with the answers (by correlation id: case i is i + 1) and the sentinel's own answer, which is
 * undefined when the broker closed the connection before it.
 */
async function pipeline(port: number, requests: FuzzRequest[]): Promise<{ answers: Map<number, unknown>; sentinel: unknown }> {
  const socket = await open(port);
  const reader = new FrameReader(64 * 1024 * 1024);
  const answers = new Map<number, unknown>();
  return new Promise((resolve) => {
    socket.on('data', (chunk) => {
      for (const body of reader.push(chunk)) {
        const answer = decodeBody(body) as { correlationId: number };
        if (answer.correlationId !== SENTINEL) answers.set(answer.correlationId, answer);
        else {
          socket.destroy();
          resolve({ answers, sentinel: answer });
        }
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ answers, sentinel: undefined }));
    socket.write(Buffer.concat([...requests.map((r, i) => frameOf(r, i + 1)), frameOf({ api: 'apiVersions', body: {} }, SENTINEL)]));
  });
}

/** What is wrong with the answer to one pipelined request, if anything. */
function answerProblem(req: FuzzRequest, answer: unknown): string | null {
  if (!expectsAnswer(req)) return answer === undefined ? null : 'answered, though produce with acks 0 gets no answer';
  if (answer === undefined) return 'no answer';
  if (untypedError(answer)) return `answered with an untyped (internal) error: ${JSON.stringify(answer).slice(0, 300)}`;
  const codes = errorCodesIn(answer);
  if (req.mustFail === true && codes.length === 0) return `accepted: ${JSON.stringify(answer).slice(0, 300)}`;
  if (typeof req.mustFail === 'string' && (answer as { errorCode?: unknown }).errorCode !== req.mustFail) {
    return `answered without ${req.mustFail}: ${JSON.stringify(answer).slice(0, 300)}`;
  }
  return null;
}

/**
 * Sends an untrusted stream and waits for the connection to close — by the broker when it must, else by us
 * after writing. Returns what went wrong, if anything.
 */
async function untrusted(port: number, s: UntrustedStream): Promise<string | null> {
  const socket = await open(port);
  const reader = new FrameReader(64 * 1024 * 1024);
  const frames: unknown[] = [];
  socket.on('data', (chunk) => {
    for (const body of reader.push(chunk)) frames.push(decodeBody(body));
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(s.bytes);
  if (!s.closes) socket.end();
  const timeout = setTimeout(() => socket.destroy(new Error('not closed')), 20_000);
  await closed;
  clearTimeout(timeout);
  if (socket.errored) return 'the broker did not close the connection within 20 s';
  if (s.closes) {
    const last = frames.at(-1) as { correlationId?: unknown; errorCode?: unknown } | undefined;
    if (frames.length !== 1 || last?.correlationId !== -1 || last.errorCode !== s.closes) {
      return `closed without one ${s.closes} frame (correlation id -1) first; got ${JSON.stringify(frames).slice(0, 300)}`;
    }
  }
  return null;
}

async function inParallel<T>(items: T[], width: number, fn: (item: T, index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  }));
}

it(`survives ${CASES.toLocaleString('en-US')} fuzzed protocol cases; a good client is unaffected`, async () => {
  console.log(`protocol fuzz: seed ${SEED}, ${CASES} cases (replay: ${REPLAY})`);
  const broker = await spawnBroker({ dataDir: tempDir(), fsync: 'never', extra: { maxFrameBytes: MAX_FRAME, autoCreateTopics: false } });
  const client = createClient({ brokers: [`127.0.0.1:${broker.port}`], clientId: 'good' });
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, broker.rssBytes() ?? 0);
  }, 100);
  let stopped: number | null = null;
  try {
    await client.admin().createTopic(FUZZ_TOPIC, { partitions: 1 });
    const good = await startWellBehavedClient(client, 'good');
    const problems: string[] = [];
    const requests = fc.sample(answerableRequest, { numRuns: ANSWERABLE, seed: SEED });
    const chunks: number[] = [];
    for (let i = 0; i < requests.length; i += PER_CONNECTION) chunks.push(i);
    let answered = 0;
    let refused = 0;
    await inParallel(chunks, 4, async (first) => {
      const chunk = requests.slice(first, first + PER_CONNECTION);
      const { answers, sentinel } = await pipeline(broker.port, chunk);
      answered += answers.size;
      chunk.forEach((r, i) => {
        const answer = answers.get(i + 1);
        if (r.mustFail !== undefined && answer !== undefined) refused++;
        const problem = answerProblem(r, answer);
        if (problem !== null) problems.push(`case #${first + i} (${describeRequest(r)}): ${problem}`);
      });
      const s = sentinel as { protocol?: unknown; errorCode?: unknown } | undefined;
      if (s?.protocol !== 'klog' || s.errorCode !== undefined) {
        problems.push(`cases #${first}-#${first + chunk.length - 1}: the apiVersions after them was answered with ${JSON.stringify(s)}`);
      }
    });
    const streams = fc.sample(untrustedStream(MAX_FRAME), { numRuns: UNTRUSTED, seed: SEED });
    const kinds = new Map<string, number>();
    await inParallel(streams, 32, async (s, i) => {
      const problem = await untrusted(broker.port, s);
      if (problem !== null) problems.push(`untrusted stream #${i} (${s.kind}, ${s.bytes.length} bytes: ${s.bytes.subarray(0, 64).toString('hex')}): ${problem}`);
      kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1);
    });
    const goodRecords = await good.finish();
    clearInterval(sampler);
    console.log(`protocol fuzz (seed ${SEED}): cases fuzzed ${(requests.length + streams.length).toLocaleString('en-US')} ` +
      `(${answered} answered on kept connections, ${refused} of them damaged beyond doubt and refused, ` +
      `${ANSWERABLE - answered} produce acks 0, ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}), ` +
      `broker peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB, good client ${goodRecords} records produced and consumed in order`);
    expect(problems.slice(0, 10), `${problems.length} of ${CASES} cases failed; replay: ${REPLAY}`).toEqual([]);
    // Every case was sent and checked, and the run held cases of each family (not a vacuous pass).
    expect(requests.length + streams.length).toBe(CASES);
    if (CASES >= 1_000) {
      expect(answered, 'answers on kept connections').toBeGreaterThan(ANSWERABLE / 2);
      expect(refused, 'requests that had to be refused').toBeGreaterThan(ANSWERABLE / 20);
      expect([...kinds.keys()].sort()).toEqual(['body not msgpack', 'empty frame', 'huge declared length', 'not a request', 'random bytes', 'truncated frame']);
    }
    expect(process.kill(broker.pid, 0)).toBe(true);
    expect(goodRecords).toBeGreaterThan(0);
    expect(peakRss, `broker peak RSS (seed ${SEED})`).toBeLessThan(RSS_LIMIT);
  } finally {
    clearInterval(sampler);
    await client.close();
    stopped = await broker.stop();
  }
  // After the try: a failure above keeps its own message (and seed) instead of being replaced by this one.
  expect(stopped, 'the broker exits cleanly on SIGTERM').toBe(0);
}, 240_000);
