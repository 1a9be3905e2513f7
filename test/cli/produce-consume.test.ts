import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, runKlog, runShell, startTestBroker, type TestBroker } from './klog-harness.js';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

const klog = (args: string[], input?: string | Buffer) => runKlog(args, { broker: tb.address, input });

describe('klog produce', () => {
  it('sends the values given as arguments and prints where each went', async () => {
    const r = await klog(['produce', 'args-topic', 'one', 'two', 'three']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual(['args-topic/0@0', 'args-topic/0@1', 'args-topic/0@2']);

    const c = await klog(['consume', 'args-topic', '--from-beginning', '-e']);
    expect(c.code).toBe(0);
    expect(lines(c.stdout)).toEqual(['one', 'two', 'three']);
  });

  it('streams 100,000 stdin lines in order, quietly with --quiet', async () => {
    const input = Array.from({ length: 100_000 }, (_, i) => `line-${i}`).join('\n') + '\n';
    const r = await klog(['produce', 'bulk', '--quiet'], input);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(0);

    const c = await klog(['consume', 'bulk', '--from-beginning', '-e', '--format', '%o %v\\n']);
    expect(c.code).toBe(0);
    const got = lines(c.stdout);
    expect(got.length).toBe(100_000);
    expect(got.every((l, i) => l === `${i} line-${i}`)).toBe(true);
  });

  it('sets key, headers and partition, and --format shows them', async () => {
    expect((await klog(['topic', 'create', 'keyed', '--partitions', '2'])).code).toBe(0);
    const r = await klog(['produce', 'keyed', '--key', 'user-1', '--header', 'source=cli', '--header', 'v=2', '--partition', '1', 'hi']);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual(['keyed/1@0']);
    const c = await klog(['consume', 'keyed', '--from-beginning', '-e', '--format', '%t|%p|%o|%k|%v|%h\\n']);
    expect(lines(c.stdout)).toEqual(['keyed|1|0|user-1|hi|source=cli,v=2']);
  });

  it('splits stdin lines into key and value with --key-separator', async () => {
    const r = await klog(['produce', 'kv', '--key-separator', ':', '--quiet'], 'k1:v1\nno-key\nk3:v:3\n');
    expect(r.code).toBe(0);
    const c = await klog(['consume', 'kv', '--from-beginning', '-e', '--format', '[%k]=[%v]\\n']);
    expect(lines(c.stdout)).toEqual(['[k1]=[v1]', '[]=[no-key]', '[k3]=[v:3]']);
  });

  it('exits non-zero with one line when a record cannot be sent', async () => {
    const r = await klog(['produce', 'args-topic', '--partition', '7', 'x']);
    expect(r.code).toBe(1);
    expect(lines(r.stderr).at(-1)).toMatch(/^klog: .*partition 7/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('klog consume', () => {
  const binary = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41, 0x0d]);

  beforeAll(async () => {
    // Binary value via --key-separator: each stdin line is "key<TAB>value" with the bytes taken as they are.
    const input = Buffer.concat([Buffer.from('bin\t'), binary, Buffer.from('\ntext\tplain ünïcode\n')]);
    expect((await klog(['produce', 'blobs', '--key-separator', '\t', '--quiet'], input)).code).toBe(0);
  });

  it('--json writes UTF-8 as text and other bytes as base64 with an encoding field', async () => {
    const c = await klog(['consume', 'blobs', '--from-beginning', '-e', '--json']);
    expect(c.code).toBe(0);
    const [first, second] = lines(c.stdout).map((l) => JSON.parse(l));
    expect(first).toMatchObject({ topic: 'blobs', partition: 0, offset: 0, key: 'bin', valueEncoding: 'base64' });
    expect(Buffer.from(first.value, 'base64')).toEqual(binary);
    expect(second).toMatchObject({ offset: 1, key: 'text', value: 'plain ünïcode', headers: [] });
    expect(second.valueEncoding).toBeUndefined();
  });

  it('--format %v writes binary values byte for byte', async () => {
    const c = await klog(['consume', 'blobs', '--from-beginning', '-n', '1', '--format', '%v']);
    expect(c.code).toBe(0);
    expect(c.stdout).toEqual(binary);
  });

  it('-n stops after N records', async () => {
    const c = await klog(['consume', 'bulk', '--from-beginning', '-n', '5']);
    expect(c.code).toBe(0);
    expect(lines(c.stdout)).toEqual(['line-0', 'line-1', 'line-2', 'line-3', 'line-4']);
  });

  it('-e without --from-beginning exits at once: there is nothing new', async () => {
    const c = await klog(['consume', 'args-topic', '-e']);
    expect(c.code).toBe(0);
    expect(c.stdout.length).toBe(0);
  });

  it('--offset and --partition choose where to read', async () => {
    const c = await klog(['consume', 'bulk', '--offset', '99998', '--partition', '0', '-e']);
    expect(lines(c.stdout)).toEqual(['line-99998', 'line-99999']);
  });

  it('--from-time reads records at or after a time', async () => {
    expect((await klog(['consume', 'args-topic', '--from-time', '-1h', '-e'])).stdout.toString()).toBe('one\ntwo\nthree\n');
    expect((await klog(['consume', 'args-topic', '--from-time', '2999-01-01T00:00:00Z', '-e'])).stdout.length).toBe(0);
  });

  it('--pattern reads every topic whose whole name matches', async () => {
    await klog(['produce', 'news.sport', 'goal']);
    await klog(['produce', 'news.weather', 'rain']);
    await klog(['produce', 'newsletter', 'no']);
    const c = await klog(['consume', '--pattern', 'news\\..*', '--from-beginning', '-e', '--format', '%t %v\\n']);
    expect(lines(c.stdout).sort()).toEqual(['news.sport goal', 'news.weather rain']);
  });

  it('ends quietly with exit 0 when the reader goes away (| head -3)', async () => {
    // The consumer follows (no -n, no -e): only the closed pipe can end it. Its own exit code goes to stderr.
    const r = await runShell('{ eval klog consume bulk --from-beginning; echo "klog-exit=$?" >&2; } | head -3', { broker: tb.address });
    expect(lines(r.stdout)).toEqual(['line-0', 'line-1', 'line-2']);
    expect(r.stderr).toBe('klog-exit=0\n');
  });
});
