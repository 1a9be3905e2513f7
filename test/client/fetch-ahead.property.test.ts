// The consumer sends its next fetch as soon as an answer arrives, from positions read off the answer's batch
// headers, before decoding it. Property: under random polls, seeks (forwards, backwards, into the middle of a
// batch) and appends, against a model that is just "the next offset per partition", every message handed out is
// the model's next record of its partition, with its value, and no record is skipped or repeated.
// fast-check names the seed of a failing run; KLOG_FUZZ_SEED=<seed> replays it.
import type { Broker } from '@klog/broker';
import type { Client } from '@klog/client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, removeTempDirs, startTestBroker } from '../broker/fixture.js';
import { propertyParameters } from '../reliability/fuzz-seed.js';

const PARTITIONS = 3;
/** Batches of this many records: seeks land inside batches, and small fetch limits end fetches between them. */
const BATCH = 50;
const value = (partition: number, offset: number) => `${partition}:${offset}:` + 'v'.repeat(offset % 97);

let broker: Broker;
let client: Client;
/** Records appended so far per partition (the log end); a test's appends add to it. */
const ends: number[] = Array(PARTITIONS).fill(0);

async function append(partition: number, count: number): Promise<void> {
  const producer = client.producer({ lingerMs: 0 });
  for (let sent = 0; sent < count; sent += BATCH) {
    const n = Math.min(BATCH, count - sent);
    const from = ends[partition];
    await producer.send({ topic: 'prop', messages: Array.from({ length: n }, (_, i) => ({ partition, value: value(partition, from + i) })) });
    ends[partition] += n;
  }
  await producer.close();
}

beforeAll(async () => {
  broker = await startTestBroker();
  client = clientFor(broker);
  await client.admin().createTopic('prop', { partitions: PARTITIONS });
  for (let p = 0; p < PARTITIONS; p++) await append(p, 1_500);
});

afterAll(async () => {
  await client.close();
  await broker.close();
  removeTempDirs();
});

type Step =
  | { kind: 'poll' }
  | { kind: 'seek'; partition: number; fraction: number }
  | { kind: 'append'; partition: number; count: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'poll' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('seek' as const), partition: fc.nat(PARTITIONS - 1), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('append' as const), partition: fc.nat(PARTITIONS - 1), count: fc.integer({ min: 1, max: 120 }) }) },
);

describe('consumer fetch-ahead, against a model', () => {
  it('hands out each partition\'s records in order from its position, whatever polls, seeks and appends come', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(step, { minLength: 5, maxLength: 40 }),
      fc.constantFrom(2 * 1024, 16 * 1024, 512 * 1024),
      async (steps, perPartition) => {
        const consumer = client.consumer({ maxWaitMs: 20, maxBytes: 3 * perPartition, maxBytesPerPartition: perPartition, valueDeserializer: 'string' });
        const next = Array(PARTITIONS).fill(0);
        consumer.assign(next.map((offset, partition) => ({ topic: 'prop', partition, offset })));
        try {
          for (const s of steps) {
            if (s.kind === 'seek') {
              next[s.partition] = Math.floor(s.fraction * ends[s.partition]);
              consumer.seek({ topic: 'prop', partition: s.partition, offset: next[s.partition] });
            } else if (s.kind === 'append') {
              await append(s.partition, s.count);
            } else {
              for (const batch of await consumer.poll()) {
                for (const m of batch) {
                  expect(m.offset, `partition ${m.partition}`).toBe(next[m.partition]);
                  expect(m.value).toBe(value(m.partition, m.offset));
                  next[m.partition]++;
                }
              }
              for (let p = 0; p < PARTITIONS; p++) expect(consumer.position('prop', p)).toBe(next[p]);
            }
          }
        } finally {
          await consumer.close();
        }
      },
    ), propertyParameters(25));
  }, 120_000);
});
