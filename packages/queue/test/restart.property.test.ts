import fc from 'fast-check';
import type { LogStore } from '@klog/log-core';
import { expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS, ManualClock, QueueManager, type AckType, type Delivery } from '../src/index.js';
import { openStore, removeDir, replayable, silentLogger, tempDir } from './helpers.js';

/**
 * A queue on a real LogStore under random produces, acquisitions, acks, time and restarts (crashes, where
 * nothing is closed, and clean closes), checked against what the test saw:
 * - a restart restores the queue exactly: the same start offset, the same delayed and archived counts, and every
 *   record that was ready or in flight is ready;
 * - every delivery's count is one more than the record's last delivery, across restarts (the count is durable
 *   before the record is handed out);
 * - in the end every record is either accepted once, or dead-lettered once, never both and never lost.
 */
type Op =
  | { kind: 'produce'; n: number }
  | { kind: 'acquire'; q: number; who: number; max: number }
  | { kind: 'ack'; q: number; pick: number; type: AckType; delayMs: number | undefined }
  | { kind: 'advance'; ms: number }
  | { kind: 'restart'; clean: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('produce' as const), n: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('acquire' as const), q: fc.nat(1), who: fc.nat(1), max: fc.integer({ min: 1, max: 3 }) }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('ack' as const), q: fc.nat(1), pick: fc.nat(50), type: fc.constantFrom<AckType>('accept', 'accept', 'release', 'reject', 'renew'),
      delayMs: fc.option(fc.integer({ min: 0, max: 3_000 }), { nil: undefined }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 1_500 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), clean: fc.boolean() }) },
);

/** Two queues on the same topic: one with dead letters, one without and with backoff. */
const QUEUES = [
  { name: 'q', topics: ['jobs'], start: 'earliest' as const, lockMs: 1_000, maxDeliveries: 3, deadLetterTopic: 'dlq' },
  { name: 'q2', topics: ['jobs'], start: 'earliest' as const, lockMs: 700, maxDeliveries: 2, backoff: { baseMs: 200, maxMs: 500 } },
];

/** What the test saw of one queue. */
interface Seen {
  lastCount: Map<number, number>;
  accepted: Map<number, number>;
  held: (Delivery & { who: string })[];
}

it('reopening the store restores the queue exactly, and no record is lost or done twice', async () => {
  // Over all runs, so the property is shown not to be vacuous.
  let restartsChecked = 0;
  let deadLetters = 0;
  let redeliveries = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 15, maxLength: 60 }), async (ops) => {
      const dir = await tempDir();
      let store: LogStore = await openStore(dir, { jobs: 1 });
      const clock = new ManualClock();
      // A small snapshot interval, so that restarts also replay from snapshots.
      const open = (s: LogStore) => QueueManager.open(s, { clock, logger: silentLogger, snapshotEvery: 7 });
      let queues = await open(store);
      for (const q of QUEUES) await queues.queue(q);
      let produced = 0;
      const seen: Seen[] = QUEUES.map(() => ({ lastCount: new Map(), accepted: new Map(), held: [] }));
      const receive = async (qi: number, who: string, max: number) => {
        const s = seen[qi];
        const got = await queues.acquire(QUEUES[qi].name, who, { max, maxWaitMs: 0 });
        for (const d of got) {
          expect(d.deliveryCount, `delivery count of offset ${d.record.offset} in ${QUEUES[qi].name}`).toBe((s.lastCount.get(d.record.offset) ?? 0) + 1);
          s.lastCount.set(d.record.offset, d.deliveryCount);
          if (d.deliveryCount > 1) redeliveries++;
        }
        s.held.push(...got.map((d) => ({ ...d, who })));
        return got.length;
      };
      const accept = (s: Seen, offset: number) => s.accepted.set(offset, (s.accepted.get(offset) ?? 0) + 1);
      try {
        for (const op of ops) {
          switch (op.kind) {
            case 'produce':
              await store.append('jobs', Array.from({ length: op.n }, () => ({ value: Buffer.from(`r${produced++}`) })));
              break;
            case 'acquire':
              await receive(op.q, `c${op.who}`, op.max);
              break;
            case 'ack': {
              const s = seen[op.q];
              if (s.held.length === 0) break;
              const d = s.held[op.pick % s.held.length];
              const [err] = await queues.acknowledge(QUEUES[op.q].name, d.who, [{
                topic: 'jobs', partition: 0, offset: d.record.offset, deliveryCount: d.deliveryCount, type: op.type, delayMs: op.delayMs, reason: 'fuzz',
              }]);
              if (err !== undefined) expect(['LOCK_LOST', 'INVALID_ACK']).toContain(err.code);
              if (err === undefined && op.type === 'accept') accept(s, d.record.offset);
              if (err !== undefined || op.type !== 'renew') s.held = s.held.filter((h) => h !== d);
              break;
            }
            case 'advance':
              clock.advance(op.ms);
              break;
            case 'restart': {
              const before = await Promise.all(QUEUES.map(async (q) => (await queues.stats(q.name))[0]));
              if (op.clean) await queues.close();
              await store.close();
              store = await openStore(dir);
              queues = await open(store);
              expect(queues.list()).toEqual(QUEUES.map((q) => q.name));
              for (const [i, q] of QUEUES.entries()) {
                seen[i].held = [];
                expect((await queues.stats(q.name))[0], `${q.name} after a restart`).toMatchObject({
                  startOffset: before[i].startOffset, delayed: before[i].delayed, archived: before[i].archived, inFlight: 0,
                  ready: before[i].ready + before[i].inFlight,
                });
                if (before[i].lag > 0) restartsChecked++;
              }
              for (const q of QUEUES) await queues.queue(q);
              break;
            }
          }
        }
        // Drain: every lock and delay runs out, then everything left is accepted.
        clock.advance(1_000_000);
        for (let qi = 0; qi < QUEUES.length; qi++) {
          const s = seen[qi];
          s.held = [];
          while ((await receive(qi, 'drain', 10)) > 0) {
            for (const d of s.held.splice(0)) {
              const [err] = await queues.acknowledge(QUEUES[qi].name, d.who, [{ topic: 'jobs', partition: 0, offset: d.record.offset, deliveryCount: d.deliveryCount, type: 'accept' }]);
              expect(err).toBeUndefined();
              accept(s, d.record.offset);
            }
          }
        }
        const archivedQ2 = (await queues.stats('q2'))[0].archived;
        await queues.close();
        const dead = store.hasTopic('dlq') ? (await store.read('dlq', 0, { offset: 0 })).records : [];
        const deadOffsets = dead.map((r) => Number(r.headers.find((h) => h.key === DEAD_LETTER_HEADERS.offset)!.value!.toString()));
        expect(new Set(deadOffsets).size, 'each dead letter once').toBe(deadOffsets.length);
        deadLetters += deadOffsets.length;
        for (let o = 0; o < produced; o++) {
          expect((seen[0].accepted.get(o) ?? 0) + (deadOffsets.includes(o) ? 1 : 0), `record ${o} in q: accepted or dead-lettered, once`).toBe(1);
          expect(seen[1].accepted.get(o) ?? 0, `record ${o} in q2: accepted at most once`).toBeLessThanOrEqual(1);
        }
        expect(seen[1].accepted.size + archivedQ2, 'q2: every record accepted or archived').toBe(produced);
      } finally {
        await queues.close().catch(() => undefined);
        await store.close();
        await removeDir(dir);
      }
    }),
    replayable('queue restarts', 60),
  );
  expect(restartsChecked).toBeGreaterThan(5);
  expect(deadLetters).toBeGreaterThan(0);
  expect(redeliveries).toBeGreaterThan(5);
});
