// A group member whose eachMessage throws: the message is retried with backoff and each failure logged; when
// retries run out the member leaves the group (so its partitions are consumed by others) and rejoins or stops.
import { createClient, type Client, type ConsumedMessage, type Logger } from '@klog/client';
import type { Broker } from '@klog/broker';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, startTestBroker, waitUntil } from '../broker/fixture.js';
import { GROUP_DEFAULTS, produceNumbered, startMember } from '../broker/group-fixture.js';

afterAll(removeTempDirs);

interface LogLine { level: string; obj: Record<string, unknown>; msg: string }

function recordingClient(broker: Broker): { client: Client; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { client: createClient({ brokers: [`127.0.0.1:${broker.port}`], clientId: 'failing', logger }), lines };
}

describe('a failing eachMessage', () => {
  it('is retried with backoff, each failure logged as a warning with its error, and the message then processed once', async () => {
    const broker = await startTestBroker();
    const { client, lines } = recordingClient(broker);
    try {
      await client.admin().createTopic('flaky', { partitions: 1 });
      await produceNumbered(client, 'flaky', 0, 3);
      const consumer = client.consumer({ groupId: 'g', ...GROUP_DEFAULTS, fromBeginning: true, retry: { retries: 3, initialRetryTimeMs: 20 } });
      await consumer.subscribe({ topics: ['flaky'] });
      const processed: number[] = [];
      let failuresLeft = 2;
      const running = consumer.run({
        eachMessage: ({ message }: { message: ConsumedMessage }) => {
          if (message.offset === 1 && failuresLeft-- > 0) throw new Error('downstream unavailable');
          processed.push(message.offset);
        },
      });
      await waitUntil(() => processed.length === 3, 'all three messages were processed');
      expect(processed).toEqual([0, 1, 2]);
      const warnings = lines.filter((l) => l.level === 'warn');
      expect(warnings).toHaveLength(2);
      for (const w of warnings) {
        expect(w.msg).toMatch(/eachMessage failed; retrying/);
        expect((w.obj.err as Error).message).toBe('downstream unavailable');
        expect(w.obj).toMatchObject({ topic: 'flaky', partition: 0, offset: 1 });
      }
      expect(lines.filter((l) => l.level === 'error')).toEqual([]);
      await consumer.close();
      await running;
      expect(await client.admin().fetchCommittedOffsets('g')).toEqual([{ topic: 'flaky', partition: 0, offset: 3, metadata: '' }]);
    } finally {
      await client.close();
      await broker.close();
    }
  });

  it('with retries exhausted and restartOnFailure false, leaves the group at once and run() rejects; another member takes over', async () => {
    const broker = await startTestBroker();
    const { client, lines } = recordingClient(broker);
    try {
      await client.admin().createTopic('poison', { partitions: 1 });
      const failing = client.consumer({
        groupId: 'g', ...GROUP_DEFAULTS, fromBeginning: true,
        retry: { retries: 1, initialRetryTimeMs: 10, restartOnFailure: () => false },
      });
      await failing.subscribe({ topics: ['poison'] });
      const failure = new Error('cannot handle this');
      const running = failing.run({ eachMessage: () => { throw failure; } });
      const outcome = running.then(() => 'resolved', (err: unknown) => err);
      await waitUntil(() => failing.assignmentOfGroup().length === 1, 'the failing member owns the partition');
      const healthy = await startMember(client, 'g', { topics: ['poison'] }, { fromBeginning: true });

      await produceNumbered(client, 'poison', 0, 3);
      expect(await outcome).toBe(failure);
      // By the time run() rejects the member has left: the group holds just the other one, which reads everything.
      const group = await client.admin().describeGroup('g');
      expect(group.members).toHaveLength(1);
      await waitUntil(() => healthy.processed.length === 3, 'the healthy member processed the messages');
      expect(failing.assignmentOfGroup()).toEqual([]);
      expect(lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual(['eachMessage failed 2 times; leaving the group']);
      await healthy.consumer.close();
    } finally {
      await client.close();
      await broker.close();
    }
  });

  it('with retries exhausted and restartOnFailure true, leaves and rejoins the group, and the message is delivered again', async () => {
    const broker = await startTestBroker();
    const { client, lines } = recordingClient(broker);
    try {
      await client.admin().createTopic('hiccup', { partitions: 1 });
      await produceNumbered(client, 'hiccup', 0, 2);
      const asked: unknown[] = [];
      const consumer = client.consumer({
        groupId: 'g', ...GROUP_DEFAULTS, fromBeginning: true,
        retry: { retries: 1, initialRetryTimeMs: 10, restartOnFailure: (err) => (asked.push(err), true) },
      });
      await consumer.subscribe({ topics: ['hiccup'] });
      const processed: number[] = [];
      let attempts = 0;
      const running = consumer.run({
        eachMessage: ({ message }: { message: ConsumedMessage }) => {
          if (message.offset === 0 && ++attempts <= 2) throw new Error(`attempt ${attempts} failed`);
          processed.push(message.offset);
        },
      });
      await waitUntil(() => processed.length === 2, 'both messages were processed after the restart');
      expect(processed).toEqual([0, 1]);
      expect(attempts).toBe(3);
      expect(asked.map((e) => (e as Error).message)).toEqual(['attempt 2 failed']);
      expect(lines.some((l) => l.level === 'warn' && /restarting the consumer/.test(l.msg))).toBe(true);
      expect(consumer.isRunning).toBe(true);
      await consumer.close();
      await running;
    } finally {
      await client.close();
      await broker.close();
    }
  });
});
