import { rm } from 'node:fs/promises';
import fc from 'fast-check';
import { isKlogError, type LogStore } from '@klog/log-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GroupCoordinator, ManualClock } from '../src/index.js';
import { flush, nativeJoin, openStore } from './helpers.js';

const PARTITIONS = 7;
let store: LogStore;
let dir: string;

beforeAll(async () => {
  ({ store, dir } = await openStore(undefined, { t: PARTITIONS }));
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

type Op =
  | { kind: 'join'; assignor: 'range' | 'roundrobin' | 'sticky' }
  | { kind: 'rejoin' | 'leave' | 'heartbeat'; who: number }
  | { kind: 'advance'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('join' as const), assignor: fc.constantFrom('range' as const, 'roundrobin' as const, 'sticky' as const) }),
  fc.record({ kind: fc.constantFrom('rejoin' as const, 'leave' as const, 'heartbeat' as const), who: fc.nat(9) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 40_000 }) }),
);

/** Errors a member may be answered with when its view of the group is stale; anything else is a bug. */
const STALE_MEMBER_ERRORS = ['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS'];

/** describeGroup, or undefined when the group does not exist (yet, or any more); any other error is thrown. */
async function describeIfExists(coordinator: GroupCoordinator, groupId: string) {
  try {
    return await coordinator.describeGroup(groupId);
  } catch (err) {
    if (isKlogError(err, 'GROUP_ID_NOT_FOUND')) return undefined;
    throw err;
  }
}

it('under any sequence of joins, leaves, heartbeats and time, a Stable group has each partition owned exactly once', async () => {
  let run = 0;
  let stableChecks = 0; // Stable states whose ownership was checked, over all runs: the property is not vacuous
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), async (ops) => {
      const clock = new ManualClock();
      const coordinator = await GroupCoordinator.open(store, { clock });
      const groupId = `prop-${run++}`;
      const known: string[] = [];
      const generations = new Map<string, number>();
      const failures: unknown[] = [];
      const settle = (p: Promise<unknown>) => p.catch((e: unknown) => failures.push(e));
      const join = (memberId?: string, assignor = 'sticky') =>
        settle(
          coordinator.join(nativeJoin(groupId, { memberId, assignors: [assignor, 'range', 'roundrobin', 'sticky'] })).then((r) => {
            if (!known.includes(r.memberId)) known.push(r.memberId);
            generations.set(r.memberId, r.generationId);
          }),
        );
      let lastGeneration = 0;
      try {
        for (const op of ops) {
          const member = op.kind !== 'join' && op.kind !== 'advance' ? known[op.who % Math.max(1, known.length)] : undefined;
          if (op.kind === 'join') void join(undefined, op.assignor);
          else if (op.kind === 'advance') clock.advance(op.ms);
          else if (member === undefined) continue;
          else if (op.kind === 'rejoin') void join(member);
          else if (op.kind === 'leave') void settle(coordinator.leave({ groupId, memberId: member }));
          else void settle(coordinator.heartbeat({ groupId, memberId: member, generationId: generations.get(member) ?? 0 }));
          await flush();

          const d = await describeIfExists(coordinator, groupId);
          if (d === undefined) continue;
          expect(d.generationId).toBeGreaterThanOrEqual(lastGeneration);
          lastGeneration = d.generationId;
          if (d.state === 'Stable') {
            const owned = d.members.flatMap((m) =>
              m.assignment?.type === 'partitions' ? m.assignment.partitions.map((tp) => tp.partition) : [],
            );
            expect(owned.sort((a, b) => a - b)).toEqual(Array.from({ length: PARTITIONS }, (_, i) => i));
            stableChecks++;
          }
          if (d.state === 'Empty') expect(d.members).toEqual([]);
        }
        // Given time, every waiting join settles: a generation forms or the member is dropped.
        clock.advance(60_000);
        await flush();
        const d = await describeIfExists(coordinator, groupId);
        if (d !== undefined) expect(['Stable', 'Empty']).toContain(d.state);
        for (const e of failures) {
          expect(isKlogError(e), String(e)).toBe(true);
          expect(STALE_MEMBER_ERRORS, String(e)).toContain((e as { code: string }).code);
        }
      } finally {
        await coordinator.close();
      }
      expect(clock.pendingTimers()).toBe(0);
    }),
    { numRuns: 150 },
  );
  // 150 runs of up to 40 operations reach a Stable group about 300 times; few or none would mean nothing was checked.
  expect(stableChecks).toBeGreaterThan(100);
});
