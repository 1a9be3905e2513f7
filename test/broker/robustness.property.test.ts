// Protocol robustness, property-based: arbitrary bytes and mutations of valid frames (flipped bytes,
// truncations, lying lengths) never crash the broker, and a well-behaved client keeps working throughout.
// fast-check names the seed of a failing run; KLOG_FUZZ_SEED=<seed> replays it.
import { type Broker } from '@klog/broker';
import { encodeFrame } from '@klog/protocol';
import { encodeBatch } from '@klog/log-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, RawConnection, removeTempDirs, startTestBroker } from './fixture.js';
import { startWellBehavedClient } from './well-behaved-client.js';
import { errorCodesIn } from '../reliability/fuzz-cases.js';
import { propertyParameters } from '../reliability/fuzz-seed.js';

let broker: Broker;

beforeAll(async () => {
  broker = await startTestBroker({ maxFrameBytes: 1024 * 1024 });
  const raw = await RawConnection.open(broker.port);
  await raw.request('createTopics', { topics: [{ name: 'fuzz', partitions: 2 }] });
  raw.destroy();
});

afterAll(async () => {
  await broker.close();
  removeTempDirs();
});

const VALID_REQUESTS = [
  { api: 'apiVersions' },
  { api: 'metadata', topics: ['fuzz'] },
  { api: 'fetch', maxWaitMs: 50, topics: [{ topic: 'fuzz', partitions: [{ partition: 0, offset: 0 }, { partition: 1, offset: 0 }] }] },
  { api: 'produce', acks: 1, topics: [{ topic: 'fuzz', partitions: [{ partition: 1, batch: encodeBatch([{ key: Buffer.from('k'), value: Buffer.from('v') }]) }] }] },
  { api: 'listOffsets', topics: [{ topic: 'fuzz', partitions: [{ partition: 0, timestamp: -2 }] }] },
  { api: 'createTopics', topics: [{ name: 'fuzz-new', partitions: 1 }] },
  { api: 'offsetFetch', groupId: 'g' },
  { api: 'describeGroup', groupId: 'g' },
].map((r, i) => encodeFrame({ version: 0, correlationId: i + 1, ...r }));

/** A valid frame, then damaged in one of the ways a buggy or hostile peer would. */
const mutatedFrame = fc.tuple(fc.constantFrom(...VALID_REQUESTS), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }))
  .chain(([frame, a, b, x]) => fc.constantFrom(
    // flip one byte (header or body)
    (() => { const f = Buffer.from(frame); f[a % f.length] ^= x; return f; })(),
    // flip a few bytes of the body only (a length that fits, contents that do not)
    (() => { const f = Buffer.from(frame); for (let i = 0; i < 3; i++) f[4 + ((a + i * b) % (f.length - 4))] ^= x; return f; })(),
    // truncated body, length unchanged: the broker waits for bytes that never come
    frame.subarray(0, 4 + (a % (frame.length - 4))),
    // a lying length (shorter: the rest is read as the next frame; longer: waits, or refused over the limit)
    (() => { const f = Buffer.from(frame); f.writeUInt32BE(b % (frame.length * 2 + 2_000_000), 0); return f; })(),
    // a valid frame followed by garbage
    Buffer.concat([frame, Buffer.from([x, a & 0xff, b & 0xff])]),
  ));

const input = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  mutatedFrame,
  fc.array(mutatedFrame, { minLength: 2, maxLength: 4 }).map((fs) => Buffer.concat(fs)),
);

/**
 * Sends the bytes, ends our side, and waits until the broker has closed the connection. Whatever comes back is
 * a well-formed answer with a correlation id (-1: a connection-level error); an error in it is a code, and
 * never an internal (untyped) one. Returns how many answers came.
 */
async function sendAndHangUp(bytes: Buffer): Promise<number> {
  const raw = await RawConnection.open(broker.port);
  raw.write(bytes);
  raw.socket.end();
  let answers = 0;
  for (let f = await raw.next(); f !== null; f = await raw.next()) {
    answers++;
    expect(Number.isSafeInteger(f.correlationId)).toBe(true);
    if (f.errorCode !== undefined) expect(f.errorCode).toMatch(/^[A-Z][A-Z_]+$/);
    expect(errorCodesIn(f)).not.toContain('INTERNAL_ERROR');
    expect(JSON.stringify(f)).not.toContain('internal broker error');
  }
  await raw.closed;
  return answers;
}

describe('protocol robustness', () => {
  it('survives arbitrary and mutated frames while a good client keeps working', async () => {
    const client = clientFor(broker, 'good');
    const good = await startWellBehavedClient(client, 'steady');
    let cases = 0;
    let answered = 0;
    let goodRecords: number;
    try {
      await fc.assert(fc.asyncProperty(input, async (bytes) => {
        cases++;
        if ((await sendAndHangUp(bytes)) > 0) answered++;
      }), propertyParameters(1500));
      // A new connection after all that is answered normally.
      const raw = await RawConnection.open(broker.port);
      expect((await raw.request('apiVersions')).protocol).toBe('klog');
      raw.destroy();
    } finally {
      goodRecords = await good.finish();
      await client.close();
    }
    // After the try, so that a property failure keeps its own report (seed, counterexample).
    expect(goodRecords).toBeGreaterThan(0);
    // Not a vacuous pass: every case ran, and a good share of them got answers (a flipped body byte or garbage
    // after a whole frame still leaves requests to answer).
    expect(cases).toBeGreaterThanOrEqual(1500);
    expect(answered, `${answered} of ${cases} cases were answered`).toBeGreaterThan(cases / 3);
    console.log(`protocol robustness: ${cases} cases, ${answered} answered at least once`);
  });
});
