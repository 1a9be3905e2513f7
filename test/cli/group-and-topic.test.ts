import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, runKlog, spawnKlog, startTestBroker, waitForText, type TestBroker } from './klog-harness.js';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

const klog = (args: string[], input?: string) => runKlog(args, { broker: tb.address, input });

describe('klog consume --group', () => {
  it('a new group starts at the earliest record, and each run goes on where the last one stopped', async () => {
    expect((await klog(['produce', 'notification', 'hello'])).code).toBe(0);
    const first = await klog(['consume', 'notification', '--group', 'g1', '-n', '1']);
    expect(first.code).toBe(0);
    expect(first.stdout.toString()).toBe('hello\n');

    await klog(['produce', 'notification', 'again']);
    const second = await klog(['consume', 'notification', '--group', 'g1', '-n', '1']);
    expect(second.stdout.toString()).toBe('again\n');
  });

  it('-e in a group prints what is left and exits (nothing left: exits at once)', async () => {
    await klog(['produce', 'grouped', 'a', 'b', 'c']);
    const all = await klog(['consume', 'grouped', '--group', 'g-e', '-e']);
    expect(all.code).toBe(0);
    expect(lines(all.stdout)).toEqual(['a', 'b', 'c']);
    const none = await klog(['consume', 'grouped', '--group', 'g-e', '-e']);
    expect(none.code).toBe(0);
    expect(none.stdout.length).toBe(0);
  });

  it('Ctrl-C ends a following group consumer with exit 0 and commits what it printed', async () => {
    await klog(['produce', 'follow', 'x', 'y']);
    const child = spawnKlog(['consume', 'follow', '--group', 'g-follow'], { broker: tb.address });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    expect(await waitForText(child.stdout!, (t) => t === 'x\ny\n')).toBe('x\ny\n');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    const d = await klog(['group', 'describe', 'g-follow']);
    expect(d.stdout.toString()).toMatch(/^follow\s+0\s+-\s+2\s+2\s+0$/m);
  });

  it('refuses --offset with --group, pointing at reset-offsets', async () => {
    const r = await klog(['consume', 'notification', '--group', 'g1', '--offset', '0']);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/klog group reset-offsets g1/);
  });
});

describe('klog group', () => {
  it('list shows groups; describe shows committed offsets and lag in an aligned table', async () => {
    const list = await klog(['group', 'list']);
    expect(list.code).toBe(0);
    expect(lines(list.stdout)[0]).toMatch(/^GROUP\s+STATE\s+MEMBERS$/);
    expect(list.stdout.toString()).toMatch(/^g1\s+Empty\s+0$/m);

    await klog(['produce', 'notification', 'third']); // g1 has read 2 of 3: lag 1
    const d = await klog(['group', 'describe', 'g1']);
    expect(d.code).toBe(0);
    const text = d.stdout.toString();
    expect(text).toMatch(/^group g1: Empty/);
    const header = lines(text).find((l) => l.startsWith('TOPIC'))!;
    const row = lines(text).find((l) => l.startsWith('notification'))!;
    expect(header).toMatch(/^TOPIC\s+PARTITION\s+MEMBER\s+COMMITTED\s+END\s+LAG$/);
    expect(row).toMatch(/^notification\s+0\s+-\s+2\s+3\s+1$/);
    expect(row.indexOf(' 2 ') + 1).toBe(header.indexOf('COMMITTED')); // columns line up
  });

  it('reset-offsets moves a group so that it reads again', async () => {
    const r = await klog(['group', 'reset-offsets', 'g1', '--topic', 'notification', '--to-earliest']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/^notification\s+0\s+0$/m);
    expect((await klog(['consume', 'notification', '--group', 'g1', '-n', '1'])).stdout.toString()).toBe('hello\n');

    await klog(['group', 'reset-offsets', 'g1', '--topic', 'notification', '--to-offset', '2']);
    expect((await klog(['consume', 'notification', '--group', 'g1', '-n', '1'])).stdout.toString()).toBe('third\n');

    await klog(['group', 'reset-offsets', 'g1', '--topic', 'notification', '--to-time', '-1h']);
    expect((await klog(['consume', 'notification', '--group', 'g1', '-n', '1'])).stdout.toString()).toBe('hello\n');
  });

  it('--json on group list and describe gives what the tables show', async () => {
    const list = JSON.parse((await klog(['group', 'list', '--json'])).stdout.toString());
    expect(list).toContainEqual(expect.objectContaining({ groupId: 'g1', state: 'Empty', members: 0 }));
    const d = JSON.parse((await klog(['group', 'describe', 'g1', '--json'])).stdout.toString());
    expect(d).toMatchObject({ groupId: 'g1', state: 'Empty', members: [] });
    expect(d.partitions).toContainEqual(expect.objectContaining({ topic: 'notification', partition: 0, logEndOffset: 3 }));
    expect(Object.keys(d).sort()).toEqual(['generationId', 'groupId', 'leaderId', 'members', 'partitions', 'protocolName', 'protocolType', 'state']);
  });

  it('reset-offsets --to-offset past the end says it clamped to the end', async () => {
    const r = await klog(['group', 'reset-offsets', 'g1', '--topic', 'notification', '--to-offset', '999']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/^notification\s+0\s+3$/m);
    expect(lines(r.stderr)).toEqual(['klog: notification/0 has no offset 999; clamped to 3, its end']);
  });

  it('reset-offsets needs exactly one target', async () => {
    const r = await klog(['group', 'reset-offsets', 'g1', '--topic', 'notification']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/exactly one of --to-earliest/);
  });

  it('delete removes a group', async () => {
    expect((await klog(['group', 'delete', 'g-e'])).code).toBe(0);
    expect((await klog(['group', 'list'])).stdout.toString()).not.toMatch(/^g-e\s/m);
  });
});

describe('klog topic', () => {
  it('create, list, describe and delete', async () => {
    const c = await klog(['topic', 'create', 'orders', '--partitions', '3', '--retention', '12h', '--segment-bytes', '1MiB']);
    expect(c.code).toBe(0);
    expect(lines((await klog(['topic', 'list'])).stdout)).toContain('orders');

    await klog(['produce', 'orders', '--partition', '2', 'o1', 'o2']);
    const d = await klog(['topic', 'describe', 'orders']);
    expect(lines(d.stdout)).toEqual([
      'TOPIC   PARTITION  START  END  RECORDS',
      'orders  0          0      0    0',
      'orders  1          0      0    0',
      'orders  2          0      2    2',
      '',
      'TOPIC   CONFIG                     VALUE      SOURCE',
      'orders  retention.ms               43200000   topic',
      'orders  retention.bytes            -1         default',
      'orders  segment.bytes              1048576    topic',
      'orders  segment.ms                 604800000  default',
      'orders  max.message.bytes          1048576    default',
      'orders  min.compaction.lag.ms      0          default',
      'orders  delete.retention.ms        86400000   default',
      'orders  min.cleanable.dirty.ratio  0.5        default',
      'orders  cleanup.policy             delete     default',
    ]);

    const json = JSON.parse((await klog(['topic', 'describe', 'orders', '--json'])).stdout.toString());
    expect(json).toEqual([{
      name: 'orders',
      partitions: [0, 1, 2].map((p) => ({ partition: p, logStartOffset: 0, logEndOffset: p === 2 ? 2 : 0, records: p === 2 ? 2 : 0 })),
      configs: expect.arrayContaining([
        { name: 'retention.ms', value: '43200000', isDefault: false },
        { name: 'cleanup.policy', value: 'delete', isDefault: true },
      ]),
    }]);
    expect(JSON.parse((await klog(['topic', 'list', '--json'])).stdout.toString())).toContainEqual({ name: 'orders', partitions: 3 });

    const again = await klog(['topic', 'create', 'orders']);
    expect(again.code).toBe(1);
    expect(lines(again.stderr)).toHaveLength(1);

    expect((await klog(['topic', 'delete', 'orders'])).code).toBe(0);
    expect(lines((await klog(['topic', 'list'])).stdout)).not.toContain('orders');
  });

  it('a topic with small segments takes 100,000 piped lines (the producer splits batches to fit its limit), and alter raises the limit', async () => {
    expect((await klog(['topic', 'create', 'small-seg', '--segment-bytes', '64KiB'])).code).toBe(0);
    const input = Array.from({ length: 100_000 }, (_, i) => `${i + 1}\n`).join('');
    const produced = await klog(['produce', 'small-seg', '--quiet'], input);
    expect(produced.code, produced.stderr).toBe(0);
    const described = await klog(['topic', 'describe', 'small-seg', '--json']);
    const [topic] = JSON.parse(described.stdout.toString());
    expect(topic.partitions[0].records).toBe(100_000);
    expect(topic.configs).toContainEqual(expect.objectContaining({ name: 'max.message.bytes', value: String(64 * 1024) }));

    // A record above the limit is refused with its size and the limit, and then fits once the limit is raised.
    const big = 'x'.repeat(100 * 1024);
    const refused = await klog(['produce', 'small-seg', big]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.toString()).toMatch(/record too large \(\d+ bytes, limit 65536\)/);
    // A batch must fit in a segment, so the segment size goes up with it.
    const altered = await klog(['topic', 'alter', 'small-seg', '--segment-bytes', '8MiB', '--max-batch-bytes', '1MiB']);
    expect(altered.code, altered.stderr).toBe(0);
    expect(altered.stderr.toString()).toContain('maxBatchBytes 1048576');
    expect((await klog(['produce', 'small-seg', big])).code).toBe(0);
    const after = JSON.parse((await klog(['topic', 'describe', 'small-seg', '--json'])).stdout.toString())[0];
    expect(after.configs).toContainEqual(expect.objectContaining({ name: 'max.message.bytes', value: String(1024 * 1024), isDefault: true }));
  });

  it('alter needs something to change, and names an unknown topic', async () => {
    const nothing = await klog(['topic', 'alter', 'notification']);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr.toString()).toContain('say what to change');
    const unknown = await klog(['topic', 'alter', 'no-such-topic', '--retention', '1h']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.toString()).toMatch(/no-such-topic/);
  });

  it('refuses a --retention without a unit, asking for one', async () => {
    const r = await klog(['topic', 'create', 'bad', '--retention', '12']);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual(['klog: --retention 12: 12 what? say 12h, 12m, 12s or 12ms (see: klog topic create --help)']);
  });

  it('rejects a bad --retention with one line', async () => {
    const r = await klog(['topic', 'create', 'bad', '--retention', 'soon']);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/--retention must be a positive duration/);
  });
});
