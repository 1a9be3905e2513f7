// klog produce --compression: the batches reach the log in the codec asked for, and klog consume reads them.
import { iterateBatches } from '@klog/log-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, runKlog, startTestBroker, type TestBroker } from './klog-harness.js';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

const klog = (args: string[], input?: string | Buffer) => runKlog(args, { broker: tb.address, input });

async function codecsOf(topic: string): Promise<string[]> {
  const raw = await tb.broker.store.readBatches(topic, 0, { offset: 0, maxBytes: 1 << 22 });
  return [...new Set([...iterateBatches(raw.data)].map(({ header }) => header.compression))];
}

describe('klog produce --compression', () => {
  it.each(['zstd', 'snappy', 'gzip', 'lz4'])('%s: stored in that codec, and klog consume reads the lines back', async (codec) => {
    const topic = `cli-${codec}`;
    const input = Array.from({ length: 2000 }, (_, i) => `{"n":${i},"codec":"${codec}"}`);
    const r = await klog(['produce', topic, '--compression', codec, '--quiet'], `${input.join('\n')}\n`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await codecsOf(topic)).toEqual([codec]);

    const c = await klog(['consume', topic, '--from-beginning', '-e']);
    expect(c.code, c.stderr).toBe(0);
    expect(lines(c.stdout)).toEqual(input);
  });

  it('-z is its short form, as in kcat', async () => {
    const r = await klog(['produce', 'cli-short', '-z', 'zstd', 'one', 'two']);
    expect(r.code, r.stderr).toBe(0);
    expect(await codecsOf('cli-short')).toEqual(['zstd']);
  });

  it('refuses a codec it does not know, naming the choices, and sends nothing', async () => {
    const r = await klog(['produce', 'cli-bad', '--compression', 'brotli', 'x']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/brotli/);
    expect(r.stderr).toMatch(/none.*gzip.*snappy.*lz4.*zstd/s);
    expect(tb.broker.store.hasTopic('cli-bad')).toBe(false);
  });
});
