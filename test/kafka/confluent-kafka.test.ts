// confluent-kafka 1.7.0 for Python (Debian's python3-confluent-kafka, librdkafka 2.0.2) against the Kafka
// listener, driven through test/kafka/clients/confluent_client.py at the client's defaults plus
// enable.idempotence=True on every producer: AdminClient create/list/describe_configs/alter_configs/delete,
// a producer per codec (none, gzip, snappy, lz4, zstd) whose batches must land on disk in that codec and read
// back, and a group of two consumer processes that read every record once, commit, and resume after a restart.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMember, type Member } from './clients/member.js';
import { storedBatches } from './clients/on-disk.js';
import { bootstrap, jsonLines, PYTHON, removeTempDirs, run, startKafkaBroker, tempDir, waitUntil, type KafkaBroker } from './kafka-fixture.js';

afterAll(removeTempDirs);

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'clients', 'confluent_client.py');

function missingConfluent(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import confluent_kafka']);
  if (probe.status === 0) return null;
  return `confluent-kafka for Python is not available (${probe.error?.message ?? probe.stderr.toString().trim()}); `
    + 'install it with "sh scripts/test-deps.sh" (as root) or "apt-get install python3-confluent-kafka"';
}

async function client<T>(mode: 'admin' | 'create' | 'produce', args: Record<string, unknown>): Promise<T[]> {
  const result = await run(PYTHON, [SCRIPT, mode, JSON.stringify(args)], { timeoutMs: 60_000 });
  expect(result.code, `${mode}: ${result.stderr}`).toBe(0);
  return jsonLines<T>(result.stdout);
}

interface MemberDoc {
  assigned?: number[];
  revoked?: number[];
  partition?: number;
  offset?: number;
  key?: string | null;
  value?: string;
  committed?: true | string;
  closed?: true;
}

const records = (m: Member<MemberDoc>) => m.docs.filter((d) => d.value !== undefined);
const lastAssignment = (m: Member<MemberDoc>) => m.docs.filter((d) => d.assigned !== undefined).at(-1)?.assigned ?? [];

describe('confluent-kafka 1.7.0 (Python, librdkafka 2.0.2)', () => {
  let broker: KafkaBroker;
  let dataDir: string;
  const members: Member<MemberDoc>[] = [];
  beforeAll(async () => {
    const missing = missingConfluent();
    if (missing) throw new Error(missing);
    dataDir = tempDir();
    broker = await startKafkaBroker({ dataDir });
  });
  afterAll(async () => {
    await Promise.all(members.map((m) => m.stop()));
    await broker?.close();
  });

  function member(topic: string, group: string): Member<MemberDoc> {
    const m = startMember<MemberDoc>(PYTHON, [SCRIPT, 'consume', JSON.stringify({ bootstrap: bootstrap(broker), topic, group })]);
    members.push(m);
    return m;
  }

  it('admin: creates a topic, lists it, describes its configs, alters them, deletes it', async () => {
    const topic = 'ck-admin';
    type Step = { step: string; error?: string | null; partitions?: number[]; configs?: Record<string, string>; topics?: string[] };
    const steps = await client<Step>('admin', { bootstrap: bootstrap(broker), topic });
    const step = (name: string) => steps.find((s) => s.step === name);
    expect(steps.map((s) => s.step)).toEqual(['created', 'described', 'configs', 'altered', 'deleted']);
    expect(step('described')).toMatchObject({ error: null, partitions: [0, 1, 2] });
    expect(step('configs')?.configs).toMatchObject({ 'retention.ms': '3600000' });
    expect(step('altered')?.configs).toMatchObject({ 'retention.ms': '7200000', 'cleanup.policy': 'compact' });
    expect(step('deleted')?.topics).not.toContain(topic);
    expect(broker.store.hasTopic(topic)).toBe(false);
  });

  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const)('idempotent producer with compression.type=%s: stored in that codec, once, and read back', async (codec) => {
    const topic = `ck-codec-${codec}`;
    // Repetitive values, so that compressing pays and librdkafka keeps the compressed batch.
    const values = Array.from({ length: 300 }, (_, i) => `${codec} ${i} ${'abcdefgh'.repeat(8)}`);
    await client('produce', { bootstrap: bootstrap(broker), topic, values, codec: codec === 'none' ? null : codec });
    expect(broker.store.logEndOffset(topic, 0)).toBe(values.length);
    const batches = storedBatches(dataDir, topic, 0);
    expect([...new Set(batches.map((b) => b.compression))]).toEqual([codec]);
    expect(batches.every((b) => b.producerId >= 0n), `producer ids: ${batches.map((b) => b.producerId).join(', ')}`).toBe(true);

    const reader = member(topic, `ck-read-${codec}`);
    await waitUntil(() => records(reader).length >= values.length, `${values.length} records of ${topic} (stderr: ${reader.stderr()})`);
    expect(await reader.stop()).toBe(0);
    expect(records(reader).map((r) => r.value)).toEqual(values);
    expect(records(reader).map((r) => r.offset)).toEqual(values.map((_, i) => i));
  });

  it('a group of two consumer processes reads every record once and commits; a restarted member resumes from the commit', async () => {
    const topic = 'ck-group';
    const group = 'ck-group-1';
    await client('create', { bootstrap: bootstrap(broker), topic, partitions: 4 });

    const a = member(topic, group);
    const b = member(topic, group);
    const assignments = () => [lastAssignment(a), lastAssignment(b)];
    await waitUntil(() => {
      const [pa, pb] = assignments();
      return pa.length > 0 && pb.length > 0 && new Set([...pa, ...pb]).size === 4 && pa.length + pb.length === 4;
    }, `both members assigned, together all 4 partitions (now ${JSON.stringify(assignments())}; stderr: ${a.stderr()} ${b.stderr()})`);

    const first = Array.from({ length: 200 }, (_, i) => `first-${i}`);
    await client('produce', { bootstrap: bootstrap(broker), topic, values: first, keys: first.map((_, i) => `key-${i}`) });
    const total = () => records(a).length + records(b).length;
    await waitUntil(() => total() >= first.length, `the group to read ${first.length} records (has ${total()})`);
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
    const all = [...records(a), ...records(b)];
    expect(all).toHaveLength(first.length);
    expect(new Set(all.map((r) => `${r.partition}/${r.offset}`)).size).toBe(first.length);
    expect(all.map((r) => r.value).sort()).toEqual([...first].sort());
    expect(records(a).length, 'member a read records').toBeGreaterThan(0);
    expect(records(b).length, 'member b read records').toBeGreaterThan(0);
    for (const m of [a, b]) expect(m.docs.filter((d) => d.committed !== undefined), m.stderr()).toEqual([{ committed: true }]);

    const second = Array.from({ length: 60 }, (_, i) => `second-${i}`);
    await client('produce', { bootstrap: bootstrap(broker), topic, values: second, keys: second.map((_, i) => `key-${i}`) });
    const again = member(topic, group);
    await waitUntil(() => records(again).length >= second.length, `the restarted member to read ${second.length} new records (has ${records(again).length}; stderr: ${again.stderr()})`);
    await new Promise((r) => setTimeout(r, 500)); // room for a wrong re-read to show
    expect(await again.stop()).toBe(0);
    expect(lastAssignment(again)).toEqual([0, 1, 2, 3]);
    expect(records(again).map((r) => r.value).sort()).toEqual([...second].sort());
  });
});
