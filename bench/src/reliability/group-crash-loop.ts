import { createClient } from '@klog/client';
import { spawnBroker } from './broker-process.js';
import { spawnMember, type MemberOptions, type MemberProcess } from './group-member-process.js';
import { randomDelay } from './random-delay.js';
import { retryCounter } from './retry-counter.js';

export interface GroupCrashOptions {
  dataDir: string;
  kills: number;
  members?: number;
  partitions?: number;
  records?: number;
  autoCommitIntervalMs?: number;
  /** A member runs for a random time in this range (ms) between kills. */
  killEveryMs?: [number, number];
}

export interface GroupCrashResult {
  kills: number;
  produced: number;
  /** Distinct records processed. */
  processedOnce: number;
  missing: number;
  duplicates: number;
  /** Records a killed member had processed beyond the group's committed offset at the kill: what may repeat. */
  uncommittedAtKills: number;
  elapsedMs: number;
}

const TOPIC = 'grouped';
const GROUP = 'crashing-members';

/**
 * Consumers with auto-commit, in child processes, SIGKILLed and restarted at random while a producer writes.
 * At-least-once: every acknowledged record is processed. Duplicates are bounded by what was uncommitted at each
 * kill: right after a kill (the dead member still owns its partitions until its session times out, so nobody
 * else commits them), the records it processed at offsets >= the group's committed offset are counted.
 */
export async function runGroupCrashLoop(opts: GroupCrashOptions): Promise<GroupCrashResult> {
  const started = Date.now();
  const partitions = opts.partitions ?? 4;
  const records = opts.records ?? 20_000;
  const [minEvery, maxEvery] = opts.killEveryMs ?? [1_500, 3_500];
  const broker = await spawnBroker({ dataDir: opts.dataDir, fsync: 'never' });
  const client = createClient({ brokers: [`127.0.0.1:${broker.port}`], clientId: 'group-crash', logger: retryCounter() });
  const memberOpts: MemberOptions = {
    port: broker.port, topic: TOPIC, groupId: GROUP, autoCommitIntervalMs: opts.autoCommitIntervalMs ?? 500, sessionTimeoutMs: 6_000,
  };
  const counts = new Map<string, number>();
  const count = (key: string): void => {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  const members: MemberProcess[] = [];
  try {
    const admin = client.admin();
    await admin.createTopic(TOPIC, { partitions });
    for (let i = 0; i < (opts.members ?? 3); i++) members.push(spawnMember(memberOpts, count));
    const acked: string[] = [];
    const producing = (async () => {
      const producer = client.producer({ acks: 1, lingerMs: 2 });
      // Spread over the run so that kills find members in the middle of the stream.
      const perTick = Math.ceil(records / (opts.kills * 10));
      for (let sent = 0; sent < records; sent += perTick) {
        const metas = await producer.send({ topic: TOPIC, messages: Array.from({ length: Math.min(perTick, records - sent) }, (_, i) => ({ key: String(sent + i), value: 'x' })) });
        for (const m of metas) acked.push(`${m.partition} ${m.offset}`);
        await randomDelay(100, 300);
      }
      await producer.close();
    })();
    let uncommittedAtKills = 0;
    for (let k = 0; k < opts.kills; k++) {
      await randomDelay(minEvery, maxEvery);
      const i = Math.floor(Math.random() * members.length);
      const victim = members[i];
      await victim.kill();
      const committed = new Map((await admin.fetchCommittedOffsets(GROUP)).map((o) => [o.partition, o.offset]));
      uncommittedAtKills += victim.processed.filter((key) => {
        const [p, o] = key.split(' ').map(Number);
        return o >= (committed.get(p) ?? -1);
      }).length;
      members[i] = spawnMember(memberOpts, count);
    }
    await producing;
    const deadline = Date.now() + 90_000;
    while (acked.some((key) => !counts.has(key)) && Date.now() < deadline) await randomDelay(100, 100);
    await Promise.all(members.map((m) => m.stop()));
    let duplicates = 0;
    for (const n of counts.values()) duplicates += n - 1;
    return {
      kills: opts.kills,
      produced: acked.length,
      processedOnce: counts.size,
      missing: acked.filter((key) => !counts.has(key)).length,
      duplicates,
      uncommittedAtKills,
      elapsedMs: Date.now() - started,
    };
  } finally {
    await Promise.all(members.map((m) => m.kill()));
    await client.close();
    await broker.stop();
  }
}

export function groupCrashSummary(r: GroupCrashResult): string {
  return `group crash loop (auto-commit): member kills survived ${r.kills}, records produced ${r.produced}, processed at least once ` +
    `${r.processedOnce} (missing ${r.missing}), duplicates ${r.duplicates} (bound: ${r.uncommittedAtKills} uncommitted at kills), ${(r.elapsedMs / 1000).toFixed(0)} s`;
}

export function groupCrashProblems(r: GroupCrashResult): string[] {
  return [
    ...(r.missing > 0 ? [`${r.missing} acknowledged records never processed`] : []),
    ...(r.duplicates > r.uncommittedAtKills ? [`${r.duplicates} duplicates, more than the ${r.uncommittedAtKills} uncommitted at kills`] : []),
  ];
}
