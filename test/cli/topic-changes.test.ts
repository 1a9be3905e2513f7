// Topics changed after creation through the klog command: grown with `topic alter --partitions`, trimmed from
// the front with `topic trim`, made compacted with `topic alter --cleanup-policy`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, runKlog, startTestBroker, type TestBroker } from './klog-harness.js';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

const klog = (args: string[], input?: string) => runKlog(args, { broker: tb.address, input });

async function describeJson(topic: string): Promise<{ partitions: { partition: number; logStartOffset: number; logEndOffset: number }[] }> {
  const r = await klog(['topic', 'describe', topic, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout.toString())[0];
}

describe('klog topic alter --partitions', () => {
  it('grows a topic, keeps its records, and refuses fewer partitions with one line', async () => {
    expect((await klog(['topic', 'create', 'grown', '--partitions', '2'])).code).toBe(0);
    expect((await klog(['produce', 'grown', '--partition', '1', 'kept'])).code).toBe(0);
    const grown = await klog(['topic', 'alter', 'grown', '--partitions', '6']);
    expect(grown.code, grown.stderr).toBe(0);
    expect(grown.stderr.toString()).toContain('klog: topic grown now has 6 partitions');
    const topic = await describeJson('grown');
    expect(topic.partitions.map((p) => p.logEndOffset)).toEqual([0, 1, 0, 0, 0, 0]);

    const produced = await klog(['produce', 'grown', '--partition', '5', 'new']);
    expect(produced.code, produced.stderr).toBe(0);

    const fewer = await klog(['topic', 'alter', 'grown', '--partitions', '3']);
    expect(fewer.code).toBe(1);
    expect(lines(fewer.stderr)).toHaveLength(1);
    expect(fewer.stderr.toString()).toMatch(/grown has 6 partitions/);
  });

  it('grows and changes settings in one call, answering both with --json', async () => {
    expect((await klog(['topic', 'create', 'both'])).code).toBe(0);
    const r = await klog(['topic', 'alter', 'both', '--partitions', '3', '--retention', '1h', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.toString());
    expect(out).toMatchObject({ name: 'both', partitions: 3, config: { partitions: 3, retentionMs: 3_600_000 } });
  });
});

describe('klog topic trim', () => {
  it('moves the start offset of one partition: the records before it are no longer read', async () => {
    expect((await klog(['topic', 'create', 'trimmed', '--partitions', '2'])).code).toBe(0);
    expect((await klog(['produce', 'trimmed', '--partition', '0', 'a', 'b', 'c', 'd', 'e'])).code).toBe(0);
    const r = await klog(['topic', 'trim', 'trimmed', '--partition', '0', '--before', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.toString()).toContain('klog: trimmed trimmed-0: it now starts at offset 3');
    expect((await describeJson('trimmed')).partitions.map((p) => p.logStartOffset)).toEqual([3, 0]);
    const consumed = await klog(['consume', 'trimmed', '--partition', '0', '--from-beginning', '-e']);
    expect(lines(consumed.stdout)).toEqual(['d', 'e']);
  });

  it('refuses an offset past the end and an unknown partition, naming them', async () => {
    expect((await klog(['topic', 'create', 'short'])).code).toBe(0);
    expect((await klog(['produce', 'short', 'a'])).code).toBe(0);
    const past = await klog(['topic', 'trim', 'short', '--partition', '0', '--before', '99']);
    expect(past.code).toBe(1);
    expect(past.stderr.toString()).toMatch(/99/);
    const nowhere = await klog(['topic', 'trim', 'short', '--partition', '4', '--before', '0']);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr.toString()).toMatch(/no partition 4/);
    const missing = await klog(['topic', 'trim', 'short', '--before', '0']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.toString()).toMatch(/partition/);
  });
});

describe('klog topic alter --cleanup-policy', () => {
  it('turns a delete topic into a compacted one: describe shows it, topic compact keeps the latest record per key', async () => {
    expect((await klog(['topic', 'create', 'latest', '--segment-bytes', '1KiB'])).code).toBe(0);
    const input = Array.from({ length: 60 }, (_, i) => `k${i % 3}:v${i}-${'x'.repeat(30)}`);
    // 1 KiB batches at most (the limit follows segmentBytes): the records spread over several segments.
    expect((await klog(['produce', 'latest', '--key-separator', ':', '--quiet'], `${input.join('\n')}\n`)).code).toBe(0);
    const refused = await klog(['topic', 'compact', 'latest']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.toString()).toMatch(/cleanupPolicy 'delete'/);

    const altered = await klog(['topic', 'alter', 'latest', '--cleanup-policy', 'compact']);
    expect(altered.code, altered.stderr).toBe(0);
    const configs = JSON.parse((await klog(['topic', 'describe', 'latest', '--json'])).stdout.toString())[0].configs;
    expect(configs).toContainEqual({ name: 'cleanup.policy', value: 'compact', isDefault: false });

    const compacted = await klog(['topic', 'compact', 'latest']);
    expect(compacted.code, compacted.stderr).toBe(0);
    const consumed = lines((await klog(['consume', 'latest', '--from-beginning', '-e', '--format', '%o %k %s\n'])).stdout);
    // Fewer records, at their original offsets, and each key's last one is its latest value.
    expect(consumed.length).toBeLessThan(60);
    const offsets = consumed.map((l) => Number(l.split(' ')[0]));
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    for (const l of consumed) expect(l.split(' ')[2]).toMatch(new RegExp(`^v${l.split(' ')[0]}-`));
    const last = new Map(consumed.map((l) => [l.split(' ')[1], l.split(' ')[2].split('-')[0]]));
    expect(last).toEqual(new Map([['k0', 'v57'], ['k1', 'v58'], ['k2', 'v59']]));
  });
});
