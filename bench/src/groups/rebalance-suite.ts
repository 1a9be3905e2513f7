import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@klog/client';
import { GroupMember } from './group-member.js';
import { waitSettled, type Settled } from './settle.js';
import { startTrickle, TRICKLE_MS } from './trickle.js';

export type RebalanceEvent = 'start' | 'join' | 'leave';

/** One measured rebalance. */
export interface RebalanceSample extends Settled {
  assignor: string;
  /** Group size the case is named for (N); a join goes to N+1 members, the leave after it back to N. */
  groupSize: number;
  event: RebalanceEvent;
  /** Generations the coordinator went through between the previous settled state and this one. */
  generations: number;
}

function log(line: string): void {
  process.stderr.write(`bench groups: ${line}\n`);
}

/**
 * One group size and assignor on a fresh topic: N members start at once (each subscribes and runs), then
 * `repeats` times one member joins the settled group and, once settled again, leaves it with close().
 */
export async function rebalanceCase(
  client: Client,
  address: string,
  assignor: string,
  groupSize: number,
  partitions: number,
  repeats: number,
): Promise<RebalanceSample[]> {
  const admin = client.admin();
  const name = `rebalance-${assignor}-${groupSize}`;
  await admin.createTopic(name, { partitions });
  const trickle = startTrickle(client, name, partitions);
  // Some records in every partition before the members start.
  await sleep(20 * TRICKLE_MS);
  const samples: RebalanceSample[] = [];
  let generation = 0;
  const measure = async (event: RebalanceEvent, members: GroupMember[], act: () => Promise<void> | void): Promise<void> => {
    const t0 = performance.now();
    await act();
    const settled = await waitSettled(admin, name, members, name, partitions, t0);
    samples.push({ assignor, groupSize, event, ...settled, generations: settled.generationId - generation });
    generation = settled.generationId;
    log(`${assignor} N=${groupSize} ${event}: stable ${settled.stableMs.toFixed(0)} ms, all consuming ${settled.consumingMs.toFixed(0)} ms`);
  };

  // Clients are made before the clock starts; each connects on its member's first request.
  const members = Array.from({ length: groupSize }, (_, i) => new GroupMember(address, name, assignor, i));
  const extras: GroupMember[] = [];
  try {
    await measure('start', members, () => members.forEach((m) => m.start(name)));
    for (let r = 0; r < repeats; r++) {
      const extra = new GroupMember(address, name, assignor, groupSize + r);
      extras.push(extra);
      await measure('join', [...members, extra], () => extra.start(name));
      await measure('leave', members, () => extra.leave());
    }
  } finally {
    // leave() is a no-op for the extras that already left.
    await Promise.all([...members, ...extras].map((m) => m.leave()));
    await trickle.stop();
    await admin.deleteTopic(name);
  }
  return samples;
}

export async function rebalanceSuite(client: Client, address: string, assignors: string[], sizes: number[], partitions: number, repeats: number): Promise<RebalanceSample[]> {
  const samples: RebalanceSample[] = [];
  for (const assignor of assignors) {
    for (const n of sizes) samples.push(...(await rebalanceCase(client, address, assignor, n, partitions, repeats)));
  }
  return samples;
}
