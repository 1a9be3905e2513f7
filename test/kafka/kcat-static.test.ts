// Static group membership with a real client: two kcat 1.7.1 (librdkafka 2.0.2) -G consumers with
// group.instance.id. One is stopped and started again under the same instance id: it takes its old place (the
// same partitions) in the same generation, the other member keeps its partitions, and no rebalance happens.
import { createClient } from '@klog/client';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { bootstrap, removeTempDirs, start, useKafkaBroker, waitUntil, type KafkaBroker } from './kafka-fixture.js';

afterAll(removeTempDirs);

describe('kcat 1.7.1 / librdkafka 2.0.2 static members', () => {
  const kafka = useKafkaBroker('kcat');
  let broker: KafkaBroker;
  beforeEach(() => { broker = kafka(); });

  it('a static member restarted under its group.instance.id gets its partitions back without a rebalance', async () => {
    const client = createClient({ brokers: [`127.0.0.1:${broker.port}`] });
    const admin = client.admin();
    const member = (instance: string) => start('kcat', [
      '-b', bootstrap(broker), '-G', 'kcat-static', '-f', '%p|%s\n', '-X', `group.instance.id=${instance}`,
      '-X', 'session.timeout.ms=30000', '-X', 'auto.offset.reset=earliest', 'static-topic',
    ]);
    const owners = async () => {
      const g = await admin.describeGroup('kcat-static').catch(() => null);
      if (g === null) return null;
      const byMember = new Map<string, number[]>();
      for (const p of g.partitions) if (p.memberId !== null) byMember.set(p.memberId, [...(byMember.get(p.memberId) ?? []), p.partition]);
      return { state: g.state, generation: g.generationId, members: g.members.map((m) => m.memberId).sort(), byMember };
    };
    const ofInstance = (members: string[], instance: string) => members.find((m) => m.startsWith(`${instance}-`));
    await admin.createTopic('static-topic', { partitions: 4 });
    const running = [member('kcat-a'), member('kcat-b')];
    try {
      let before: Awaited<ReturnType<typeof owners>> = null;
      await waitUntil(async () => {
        before = await owners();
        return before !== null && before.state === 'Stable' && before.members.length === 2 && [...before.byMember.values()].flat().length === 4;
      }, 'two static kcat members sharing the 4 partitions');
      const [oldA, b] = [ofInstance(before!.members, 'kcat-a')!, ofInstance(before!.members, 'kcat-b')!];
      expect(oldA).toBeDefined();
      expect(b).toBeDefined();

      running[0].stop();
      await running[0].done;
      running[0] = member('kcat-a');
      let after: Awaited<ReturnType<typeof owners>> = null;
      await waitUntil(async () => {
        after = await owners();
        const newA = after === null ? undefined : ofInstance(after.members, 'kcat-a');
        return newA !== undefined && newA !== oldA && after!.state === 'Stable' && after!.members.length === 2;
      }, 'the restarted kcat-a to take its place');
      const newA = ofInstance(after!.members, 'kcat-a')!;
      expect(after!.generation).toBe(before!.generation);
      expect(after!.byMember.get(b)).toEqual(before!.byMember.get(b));
      expect(after!.byMember.get(newA)).toEqual(before!.byMember.get(oldA));

      // And it consumes: records produced now reach both members.
      const producer = client.producer();
      await producer.send({ topic: 'static-topic', messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
      await producer.close();
      await waitUntil(async () => {
        const g = await admin.describeGroup('kcat-static');
        return g.partitions.every((p) => p.lag === 0);
      }, 'both members to read and commit every record');
      expect((await owners())!.generation).toBe(before!.generation);
    } finally {
      for (const r of running) r.stop();
      await Promise.all(running.map((r) => r.done));
      await client.close();
    }
  });
});
