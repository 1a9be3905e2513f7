import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finish, lines, runKlog, runShell, spawnKlog, startTestBroker, tempDir, waitForText, type TestBroker } from './klog-harness.js';

let tb: TestBroker;
let dir: string;
beforeAll(async () => {
  tb = await startTestBroker();
  dir = tempDir('klog-cli-produce-');
});
afterAll(async () => {
  await tb?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const klog = (args: string[], input?: string | Buffer) => runKlog(args, { broker: tb.address, input });
const all = async (topic: string, format = '%s\\n') => (await klog(['consume', topic, '--from-beginning', '-e', '--format', format])).stdout.toString();

describe('klog produce: options and values', () => {
  it('an array option takes one value per flag, so the values after it stay values', async () => {
    const r = await klog(['produce', 'opts', '--key', 'user-1', '--header', 'source=cli', 'hi']);
    expect(r.stderr).toBe('');
    expect(lines(r.stdout)).toEqual(['opts/0@0']);
    expect(await all('opts', '%k|%h|%s\\n')).toBe('user-1|source=cli|hi\n');
  });

  it('values after -- are values, even ones that look like options', async () => {
    const r = await klog(['produce', 'dashdash', '--', 'value', '-x', '--y']);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual(['dashdash/0@0', 'dashdash/0@1', 'dashdash/0@2']);
    expect(await all('dashdash')).toBe('value\n-x\n--y\n');
  });

  it('repeated --header flags arrive in order with duplicates kept', async () => {
    // Needs a client that takes headers as an ordered list (ProducerMessage.headers as [{ key, value }]).
    const r = await klog(['produce', 'dup-headers', '--header', 'a=1', '--header', 'a=2', '--header', 'b=3', 'x']);
    expect(r.stderr).toBe('');
    expect(await all('dup-headers', '%h\\n')).toBe('a=1,a=2,b=3\n');
    const json = JSON.parse((await klog(['consume', 'dup-headers', '--from-beginning', '-e', '--json'])).stdout.toString());
    expect(json.headers).toEqual([{ key: 'a', value: '1' }, { key: 'a', value: '2' }, { key: 'b', value: '3' }]);
  });

  it('skips empty stdin lines, and keeps them with --allow-empty', async () => {
    expect((await klog(['produce', 'empties', '-q'], 'a\n\nb\n\n')).code).toBe(0);
    expect(await all('empties', '[%s]\\n')).toBe('[a]\n[b]\n');
    expect((await klog(['produce', 'empties-kept', '-q', '--allow-empty'], 'a\n\nb\n')).code).toBe(0);
    expect(await all('empties-kept', '[%s]\\n')).toBe('[a]\n[]\n[b]\n');
  });

  it('--delimiter ends records at another separator, so values may hold newlines', async () => {
    expect((await klog(['produce', 'delimited', '-q', '-D', ';;'], 'one\nline;;two\nlines;;three')).code).toBe(0);
    expect(await all('delimited', '<%s>')).toBe('<one\nline><two\nlines><three>');
  });

  it('--file sends each file whole as one record', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.bin');
    writeFileSync(a, '{\n  "id": 1\n}\n');
    writeFileSync(b, Buffer.from([0, 1, 2, 10, 255]));
    expect((await klog(['produce', 'files', '-q', '--file', a, '--file', b])).code).toBe(0);
    const c = await klog(['consume', 'files', '--from-beginning', '-e', '--format', '%S:%s']);
    expect(c.stdout).toEqual(Buffer.concat([Buffer.from('14:{\n  "id": 1\n}\n5:'), Buffer.from([0, 1, 2, 10, 255])]));
  });

  it('a stdin record larger than the topic allows fails as soon as it passes the limit, before the input ends', async () => {
    const child = spawnKlog(['produce', 'huge', '-q'], { broker: tb.address });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin!.on('error', () => undefined);
    // 4 MiB of one line, and stdin left open: only failing early can end the command.
    child.stdin!.write(Buffer.alloc(4 * 1024 * 1024, 0x61));
    expect(await exited).toBe(1);
    expect(stderr).toMatch(/^klog: record too large \(\d+\+ bytes, limit 1048576\)/);
    expect(lines(stderr)).toHaveLength(1);
    child.stdin!.destroy();
  });

  it('prints each acknowledgement while stdin is still open, and Ctrl-C sends what was read and exits 0', async () => {
    const child = spawnKlog(['produce', 'interactive'], { broker: tb.address });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin!.write('first\n');
    expect(await waitForText(child.stdout!, (t) => t.includes('interactive/0@0\n'))).toBe('interactive/0@0\n');
    child.stdin!.write('second\nno newline yet');
    await waitForText(child.stdout!, (t) => t.includes('interactive/0@1\n'));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    expect(await all('interactive')).toBe('first\nsecond\nno newline yet\n');
  });

  it('refuses contradicting options, naming both', async () => {
    const both = await klog(['produce', 'x', '--key', 'k', '--key-separator', ':']);
    expect(both.code).toBe(1);
    expect(lines(both.stderr)).toEqual([expect.stringMatching(/^klog: --key and --key-separator cannot be used together: .*\(see: klog produce --help\)$/)]);
    const nan = await klog(['produce', 'x', '--partition', 'abc', 'v']);
    expect(lines(nan.stderr)).toEqual(['klog: --partition must be a whole number (0 or more), got "abc" (see: klog produce --help)']);
  });
});

describe('klog consume: kcat formats and offsets', () => {
  beforeAll(async () => {
    expect((await klog(['produce', 'ten', '-q'], Array.from({ length: 10 }, (_, i) => `v${i}`).join('\n'))).code).toBe(0);
  });

  it('--format has kcat\'s fields: payload, sizes, key, topic, partition, offset, timestamp, headers, and escapes', async () => {
    await klog(['produce', 'fields', '--key', 'kk', '--header', 'h=1', 'hello']);
    await klog(['produce', 'fields', 'nokey']);
    const c = await klog(['consume', 'fields', '--from-beginning', '-e', '--format', '%t|%p|%o|%k|%K|%s|%v|%S|%h|\\x41\\t%%\\n']);
    expect(c.stdout.toString()).toBe('fields|0|0|kk|2|hello|hello|5|h=1|A\t%\nfields|0|1||-1|nokey|nokey|5||A\t%\n');
    const r = await klog(['consume', 'fields', '--from-beginning', '-n', '1', '--format', '%R%s']);
    expect(r.stdout).toEqual(Buffer.concat([Buffer.from([0, 0, 0, 5]), Buffer.from('hello')]));
    const t = await klog(['consume', 'fields', '--from-beginning', '-n', '1', '--format', '%T', '--time-format', 'iso']);
    expect(t.stdout.toString()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const j = JSON.parse((await klog(['consume', 'fields', '--from-beginning', '-n', '1', '--json', '--time-format', 'iso'])).stdout.toString());
    expect(j.timestamp).toBe(t.stdout.toString());
  });

  it('--offset -N reads the last N records, as kcat -o -N', async () => {
    expect(lines((await klog(['consume', 'ten', '-o', '-3', '-e'])).stdout)).toEqual(['v7', 'v8', 'v9']);
    expect(lines((await klog(['consume', 'ten', '--offset', '-30', '-e'])).stdout)).toHaveLength(10);
  });

  it('--offset past the end waits at the end: -e prints nothing, following prints only new records', async () => {
    const e = await klog(['consume', 'ten', '--offset', '500', '-e']);
    expect(e.code).toBe(0);
    expect(e.stdout.length).toBe(0);
    const child = spawnKlog(['consume', 'ten', '--offset', '500', '-n', '1'], { broker: tb.address });
    const done = finish(child);
    // Produce until the follower has printed one record (it may start after the first produce).
    let r: Awaited<typeof done> | undefined;
    done.then((x) => (r = x), () => undefined);
    for (let i = 0; r === undefined && i < 100; i++) {
      await klog(['produce', 'ten', 'new']);
      await Promise.race([done, new Promise((res) => setTimeout(res, 100))]);
    }
    expect((await done).stdout.toString()).toBe('new\n');
  });

  it('a topic that does not exist is an error, and is not created', async () => {
    const c = await klog(['consume', 'nosuch', '-e']);
    expect(c.code).toBe(1);
    expect(lines(c.stderr)).toEqual(['klog: Unknown topic or partition: nosuch does not exist, and reading never creates topics (list topics with: klog topic list)']);
    expect(lines((await klog(['topic', 'list'])).stdout)).not.toContain('nosuch');
  });

  it('refuses contradicting options, naming both', async () => {
    const cases: [string[], RegExp][] = [
      [['consume', 'ten', '--from-beginning', '--offset', '3'], /--from-beginning and --offset both say where to start/],
      [['consume', 'ten', '--pattern', 't.*'], /name topics or give --pattern, not both/],
      [['consume', 'ten', '--partition', 'abc'], /--partition must be a whole number \(0 or more\), got "abc"/],
      [['consume', 'ten', '--json', '--format', '%s'], /--json and --format cannot be used together/],
    ];
    for (const [args, message] of cases) {
      const r = await klog(args);
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toEqual([expect.stringMatching(message)]);
    }
  });

  it('exits 0 when the reader of a pipe goes away while no record arrives', async () => {
    // One record, then nothing: `head -1` leaves after the first; klog is then waiting, writing nothing.
    const r = await runShell('{ klog consume ten -o -1; echo "klog-exit=$?" >&2; } | head -1', { broker: tb.address });
    expect(lines(r.stdout)).toHaveLength(1);
    expect(r.stderr).toBe('klog-exit=0\n');
  });
});
