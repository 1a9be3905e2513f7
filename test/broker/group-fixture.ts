// Shared by the consumer-group tests: members that record what they processed, and waiting for a group to settle.
import type { Client, ConsumedMessage, GroupConsumer, GroupConsumerOptions, SubscribeOptions } from '@klog/client';
import { waitUntil } from './fixture.js';

export interface Member {
  consumer: GroupConsumer;
  /** "partition:offset" of every message eachMessage finished, in order. */
  processed: string[];
  values: string[];
  running: Promise<void>;
}

/** Session timeout at the coordinator's minimum, so a crashed member is noticed quickly (heartbeats every 2 s). */
export const GROUP_DEFAULTS = { sessionTimeoutMs: 6_000, rebalanceTimeoutMs: 20_000, autoCommitIntervalMs: 100, maxWaitMs: 100 } as const;

export async function startMember(client: Client, groupId: string, sub: SubscribeOptions, opts: Partial<GroupConsumerOptions> = {}): Promise<Member> {
  const consumer = client.consumer({ groupId, ...GROUP_DEFAULTS, ...opts });
  await consumer.subscribe(sub);
  const member: Member = { consumer, processed: [], values: [], running: Promise.resolve() };
  member.running = consumer.run({
    eachMessage: async ({ message }: { message: ConsumedMessage }) => {
      await new Promise((r) => setImmediate(r)); // processing takes a moment: a close or rebalance can land mid-message
      member.processed.push(`${message.topic}:${message.partition}:${message.offset}`);
      member.values.push((message.value as Buffer).toString());
    },
  });
  // A test that fails closes the client under running members; that is reported by the test, not as unhandled.
  member.running.catch(() => undefined);
  return member;
}

/** Until the members own `partitions` partitions between them, each at least one, none twice. */
export async function waitForBalance(members: Member[], partitions: number): Promise<void> {
  await waitUntil(() => {
    const owned = members.map((m) => m.consumer.assignmentOfGroup().map((p) => `${p.topic}:${p.partition}`));
    return owned.every((o) => o.length > 0) && new Set(owned.flat()).size === partitions && owned.flat().length === partitions;
  }, `the group shares ${partitions} partitions among ${members.length} members`);
}

export function countBy(items: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i, (counts.get(i) ?? 0) + 1);
  return counts;
}

/** Sends `count` keyed records numbered from `first`, `perSend` at a time. */
export async function produceNumbered(client: Client, topic: string, first: number, count: number, perSend = 1_000): Promise<void> {
  const producer = client.producer({ lingerMs: 2 });
  for (let i = first; i < first + count; i += perSend) {
    const n = Math.min(perSend, first + count - i);
    await producer.send({ topic, messages: Array.from({ length: n }, (_, k) => ({ key: `key-${(i + k) % 101}`, value: String(i + k) })) });
  }
  await producer.close();
}
