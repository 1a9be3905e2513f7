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
  | { kind: 'acquire'; who: number; max: number }
  | { kind: 'ack'; pick: number; type: AckType; delayMs: number | undefined }
  | { kind: 'advance'; ms: number }
  | { kind: 'restart'; clean: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('produce' as const), n: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('acquire' as const), who: fc.nat(1), max: fc.integer({ min: 1, max: 3 }) }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('ack' as const), pick: fc.nat(50), type: fc.constantFrom<AckType>('accept', 'accept', 'release', 'reject', 'renew'),
      delayMs: fc.option(fc.integer({ min: 0, max: 3_000 }), { nil: undefined }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 1_500 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), clean: fc.boolean() }) },
);

const QUEUE = { name: 'q', topics: ['jobs'], start: 'earliest' as const, lockMs: 1_000, maxDeliveries: 3, deadLetterTopic: 'dlq' };

it('reopening the store restores the queue exactly, and no record is lost or done twice', async () => {
  // Over all runs, so the property is shown not to be vacuous.
  let restartsChecked = 0;
  let deadLetters = 0;
  let redeliveries = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 40 }), async (ops) => {
      const dir = await tempDir();
      let store: LogStore = await openStore(dir, { jobs: 1 });
      const clock = new ManualClock();
      // A small snapshot interval, so that restarts also replay from snapshots.
      const open = (s: LogStore) => QueueManager.open(s, { clock, logger: silentLogger, snapshotEvery: 7 });
      let queues = await open(store);
      await queues.queue(QUEUE);
      let produced = 0;
      const lastCount = new Map<number, number>();
      const accepted = new Map<number, number>();
      let held: (Delivery & { who: string })[] = [];
      const receive = async (who: string, max: number) => {
        const got = await queues.acquire('q', who, { max, maxWaitMs: 0 });
        for (const d of got) {
          expect(d.deliveryCount, `delivery count of offset ${d.record.offset}`).toBe((lastCount.get(d.record.offset) ?? 0) + 1);
          lastCount.set(d.record.offset, d.deliveryCount);
          if (d.deliveryCount > 1) redeliveries++;
        }
        held.push(...got.map((d) => ({ ...d, who })));
        return got.length;
      };
      try {
        for (const op of ops) {
          switch (op.kind) {
            case 'produce':
              await store.append('jobs', Array.from({ length: op.n }, () => ({ value: Buffer.from(`r${produced++}`) })));
              break;
            case 'acquire':
              await receive(`c${op.who}`, op.max);
              break;
            case 'ack': {
              if (held.length === 0) break;
              const d = held[op.pick % held.length];
              const [err] = await queues.acknowledge('q', d.who, [{
                topic: 'jobs', partition: 0, offset: d.record.offset, deliveryCount: d.deliveryCount, type: op.type, delayMs: op.delayMs, reason: 'fuzz',
              }]);
              if (err !== undefined) expect(['LOCK_LOST', 'INVALID_ACK']).toContain(err.code);
              if (err === undefined && op.type === 'accept') accepted.set(d.record.offset, (accepted.get(d.record.offset) ?? 0) + 1);
              if (err !== undefined || op.type !== 'renew') held = held.filter((h) => h !== d);
              break;
            }
            case 'advance':
              clock.advance(op.ms);
              break;
            case 'restart': {
              const [before] = queues.stats('q');
              if (op.clean) await queues.close();
              await store.close();
              store = await openStore(dir);
              queues = await open(store);
              await queues.queue(QUEUE);
              held = [];
              const [after] = queues.stats('q');
              expect(after).toMatchObject({
                startOffset: before.startOffset, delayed: before.delayed, archived: before.archived, inFlight: 0, ready: before.ready + before.inFlight,
              });
              if (before.lag > 0) restartsChecked++;
              break;
            }
          }
        }
        // Drain: every lock and delay runs out, then everything left is accepted.
        clock.advance(1_000_000);
        held = [];
        while ((await receive('drain', 10)) > 0) {
          for (const d of held.splice(0)) {
            const [err] = await queues.acknowledge('q', d.who, [{ topic: 'jobs', partition: 0, offset: d.record.offset, deliveryCount: d.deliveryCount, type: 'accept' }]);
            expect(err).toBeUndefined();
            accepted.set(d.record.offset, (accepted.get(d.record.offset) ?? 0) + 1);
          }
        }
        await queues.close();
        const dead = store.hasTopic('dlq') ? (await store.read('dlq', 0, { offset: 0 })).records : [];
        const deadOffsets = dead.map((r) => Number(r.headers.find((h) => h.key === DEAD_LETTER_HEADERS.offset)!.value!.toString()));
        expect(new Set(deadOffsets).size, 'each dead letter once').toBe(deadOffsets.length);
        deadLetters += deadOffsets.length;
        for (let o = 0; o < produced; o++) {
          expect((accepted.get(o) ?? 0) + (deadOffsets.includes(o) ? 1 : 0), `record ${o}: accepted or dead-lettered, once`).toBe(1);
        }
      } finally {
        await queues.close().catch(() => undefined);
        await store.close();
        await removeDir(dir);
      }
    }),
    replayable('queue restarts', 60),
  );
  expect(restartsChecked).toBeGreaterThan(5);
  expect(deadLetters).toBeGreaterThan(5);
  expect(redeliveries).toBeGreaterThan(5);
});
