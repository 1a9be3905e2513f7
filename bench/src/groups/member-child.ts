/**
 * Child-process entry: one group member for the throughput comparison. It joins the group on the still-empty
 * topic; its handler holds the first records it receives until the parent says `go` (the topic is filled by
 * then), then it processes its partitions up to the given end offsets and reports. Usage: node member-child.js <MemberConfig JSON>.
 */
import { performance } from 'node:perf_hooks';
import { createClient } from '@klog/client';
import { SESSION_TIMEOUT_MS } from './group-member.js';
import type { MemberConfig, MemberDone, ToMember } from './member-protocol.js';

const config = JSON.parse(process.argv[2] ?? '{}') as MemberConfig;
if (!process.send) throw new Error('member-child runs as a forked child of the groups benchmark');
// If the benchmark dies, so do we.
process.once('disconnect', () => process.exit(1));

const client = createClient({ brokers: [config.address], clientId: config.clientId });
const consumer = client.consumer({
  groupId: config.groupId, fromBeginning: true, sessionTimeoutMs: SESSION_TIMEOUT_MS, assignor: 'range',
  keyDeserializer: 'buffer', valueDeserializer: 'buffer',
});

let ends: number[] | null = null;
let openGate!: () => void;
const gate = new Promise<void>((resolve) => (openGate = resolve));
let startedAt = 0;
let records = 0;
let heldAtGate = 0;
let reported = false;
const nextOffset = new Map<number, number>();

function reportIfDone(): void {
  if (reported || ends === null) return;
  const mine = consumer.assignmentOfGroup();
  if (mine.some((p) => (nextOffset.get(p.partition) ?? 0) < ends![p.partition])) return;
  reported = true;
  const done: MemberDone = { type: 'done', records, heldAtGate, seconds: (performance.now() - startedAt) / 1000 };
  process.send!(done);
}

process.on('message', (msg: ToMember) => {
  if (msg.type === 'go') {
    startedAt = performance.now();
    ends = msg.ends;
    openGate();
    reportIfDone();
  } else {
    void consumer.close().then(() => client.close()).then(() => process.exit(0));
  }
});

await consumer.subscribe({ topics: [config.topic] });
await consumer.run({
  eachBatch: async ({ partition, messages }) => {
    if (ends === null) {
      heldAtGate += messages.length;
      await gate;
    }
    records += messages.length;
    nextOffset.set(partition, messages[messages.length - 1].offset + 1);
    reportIfDone();
  },
});
