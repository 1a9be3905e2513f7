// A group member in a process of its own, for the crash test: joins, prints its assignment and every message it
// processed as JSON lines on stdout, and is SIGKILLed by the test (it never closes by itself).
// Usage: node group-member.child.mjs <port> <groupId> <topic>
import { createClient } from '@klog/client';

const [port, groupId, topic] = process.argv.slice(2);
const client = createClient({ brokers: [`127.0.0.1:${port}`], clientId: 'child' });
const consumer = client.consumer({
  groupId, sessionTimeoutMs: 6_000, rebalanceTimeoutMs: 20_000, autoCommitIntervalMs: 100, maxWaitMs: 100, fromBeginning: true,
});
await consumer.subscribe({ topics: [topic] });
let lastAssignment = '';
await consumer.run({
  eachMessage: async ({ partition, message }) => {
    const assignment = JSON.stringify(consumer.assignmentOfGroup());
    if (assignment !== lastAssignment) process.stdout.write(`${JSON.stringify({ assignment: (lastAssignment = assignment) })}\n`);
    process.stdout.write(`${JSON.stringify({ partition, offset: message.offset, value: message.value.toString() })}\n`);
    await new Promise((r) => setTimeout(r, 1)); // slow enough to be killed mid-stream
  },
});
