// kcat 1.7.1 (librdkafka 2.0.2) against the Kafka listener: -P from stdin (plain and gzip), -C to the end (-e),
// -L, and -G balanced group consumption by two kcat processes; records crossing between kcat and the native client.
import { createClient } from '@klog/client';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { API, bodies, RawKafka } from './raw-kafka.js';
import { bootstrap, removeTempDirs, run, start, useKafkaBroker, waitUntil, type KafkaBroker } from './kafka-fixture.js';

afterAll(removeTempDirs);

const lines = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('kcat 1.7.1 / librdkafka 2.0.2', () => {
  const kafka = useKafkaBroker('kcat');
  let broker: KafkaBroker;
  beforeEach(() => { broker = kafka(); });

  const kcat = (args: string[], opts: { stdin?: string } = {}) =>
    run('kcat', ['-b', bootstrap(broker), ...args], { stdin: opts.stdin, timeoutMs: 30_000 });
  kcat.start = (args: string[]) => start('kcat', ['-b', bootstrap(broker), ...args]);

  it('produces from stdin (-P), consumes to the end (-C -e) and lists metadata (-L)', async () => {
    const produced = await kcat(['-P', '-t', 'notification', '-K', ':'], { stdin: `${lines(200, '').map((i) => `k${i}:v${i}`).join('\n')}\n` });
    expect(produced.code, produced.stderr).toBe(0);
    expect(broker.store.logEndOffset('notification', 0)).toBe(200);

    const consumed = await kcat(['-C', '-t', 'notification', '-e', '-f', '%p|%o|%k|%s\n']);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout.trimEnd().split('\n')).toEqual(Array.from({ length: 200 }, (_, i) => `0|${i}|k${i}|v${i}`));

    const listed = await kcat(['-L', '-J']);
    expect(listed.code, listed.stderr).toBe(0);
    const meta = JSON.parse(listed.stdout) as { brokers: { id: number; name: string }[]; topics: { topic: string; partitions: { partition: number; leader: number }[] }[] };
    expect(meta.brokers).toEqual([{ id: 0, name: `127.0.0.1:${broker.kafkaPort}` }]);
    expect(meta.topics.find((t) => t.topic === 'notification')?.partitions).toEqual([expect.objectContaining({ partition: 0, leader: 0 })]);
  });

  it('compresses with -z gzip: Produce advertised from v0 turns compression on in librdkafka 2.0.2', async () => {
    const produced = await kcat(['-P', '-t', 'gzipped', '-z', 'gzip'], { stdin: `${lines(50, 'zipped-').join('\n')}\n` });
    expect(produced.code, produced.stderr).toBe(0);
    expect(produced.stderr).not.toMatch(/does not support compression/i);
    const conn = await RawKafka.open(broker.kafkaPort);
    try {
      const d = await conn.call(API.FETCH, 4, bodies.fetch('gzipped', 0, 0));
      d.int32(); // throttle
      const [records] = d.array((d) => { d.str(); return d.array((d) => { d.int32(); d.int16(); d.int64(); d.int64(); d.array(() => 0); return d.bytes()!; })[0]; });
      expect(records.readInt16BE(21) & 0x07, 'codec bits of the stored batch').toBe(1);
    } finally {
      conn.close();
    }
    const consumed = await kcat(['-C', '-t', 'gzipped', '-e', '-f', '%s\n']);
    expect(consumed.stdout.trimEnd().split('\n')).toEqual(lines(50, 'zipped-'));
  });

  it('-C on a topic that does not exist fails instead of creating it', async () => {
    const consumed = await kcat(['-C', '-t', 'no-such-topic', '-e']);
    expect(consumed.code).not.toBe(0);
    expect(consumed.stderr).toMatch(/unknown topic/i);
    expect(broker.store.hasTopic('no-such-topic')).toBe(false);
  });

  it('two -G consumers in one group split 4 partitions between them, read every record once and commit', async () => {
    const client = createClient({ brokers: [`127.0.0.1:${broker.port}`] });
    try {
      await client.admin().createTopic('balanced', { partitions: 4 });

      // Two members join first; then records arrive; each record must be printed by exactly one of them.
      const member = () => kcat.start(['-G', 'kcat-group', '-f', '%p|%o|%s\n', '-X', 'auto.commit.interval.ms=200', '-X', 'auto.offset.reset=earliest', 'balanced']);
      const members = [member(), member()];
      const admin = client.admin();
      try {
        await waitUntil(async () => {
          const g = await admin.describeGroup('kcat-group').catch(() => null); // until the first member joins
          return g !== null && g.state === 'Stable' && g.members.length === 2 && g.partitions.filter((p) => p.memberId !== null).length === 4;
        }, 'two kcat members sharing the 4 partitions');
        const producer = client.producer();
        await producer.send({ topic: 'balanced', messages: lines(400, 'n').map((value, i) => ({ key: `key${i}`, value })) });
        await producer.close();
        await waitUntil(async () => {
          const g = await admin.describeGroup('kcat-group');
          return g.partitions.reduce((sum, p) => sum + (p.committedOffset ?? 0), 0) === 400;
        }, 'the group to commit all 400 records');
      } finally {
        for (const m of members) m.stop();
      }
      const [a, b] = await Promise.all(members.map((m) => m.done));
      const seenA = a.stdout.split('\n').filter((l) => l !== '');
      const seenB = b.stdout.split('\n').filter((l) => l !== '');
      expect(seenA.length).toBeGreaterThan(0);
      expect(seenB.length).toBeGreaterThan(0);
      // Balanced: the partitions of one never show up at the other.
      const partitionsOf = (seen: string[]) => new Set(seen.map((l) => l.split('|')[0]));
      expect([...partitionsOf(seenA)].filter((p) => partitionsOf(seenB).has(p))).toEqual([]);
      expect([...seenA, ...seenB].map((l) => l.split('|')[2]).sort()).toEqual(lines(400, 'n').sort());

    } finally {
      await client.close();
    }
  });

  it('native records read by kcat and kcat records read natively are the same records', async () => {
    const client = createClient({ brokers: [`127.0.0.1:${broker.port}`] });
    try {
      const producer = client.producer();
      await producer.send({ topic: 'from-native', messages: lines(30, 'native-').map((value, i) => ({ key: `k${i}`, value })) });
      await producer.close();
      const consumed = await kcat(['-C', '-t', 'from-native', '-e', '-f', '%o|%k|%s\n']);
      expect(consumed.code, consumed.stderr).toBe(0);
      expect(consumed.stdout.trimEnd().split('\n')).toEqual(lines(30, '').map((i) => `${i}|k${i}|native-${i}`));

      const produced = await kcat(['-P', '-t', 'from-kcat'], { stdin: `${lines(30, 'kcat-').join('\n')}\n` });
      expect(produced.code, produced.stderr).toBe(0);
      const consumer = client.consumer({ fromBeginning: true, maxWaitMs: 100, valueDeserializer: 'string' });
      consumer.assign([{ topic: 'from-kcat', partition: 0 }]);
      const got = [];
      while (got.length < 30) for (const batch of await consumer.poll()) got.push(...batch);
      await consumer.close();
      expect(got.map((m) => m.value)).toEqual(lines(30, 'kcat-'));
    } finally {
      await client.close();
    }
  });
});
