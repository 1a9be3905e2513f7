import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KlogError } from '@klog/log-core';
import { EndTracker } from '../src/end-tracker.js';
import { errorLine, UsageError } from '../src/errors.js';
import { readLineChunks, splitKeyValue, type LineReaderOptions } from '../src/line-reader.js';
import { renderTable } from '../src/table.js';

async function collect(chunks: Buffer[], opts: LineReaderOptions = { keepEmpty: true }): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const lines of readLineChunks((async function* () { yield* chunks; })(), opts)) out.push(...lines);
  return out;
}

/** `input` cut into pieces of the sizes in `cuts`, taken in turn. */
function cut(input: Buffer, cuts: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < input.length; i++) {
    const size = cuts[i % cuts.length];
    chunks.push(input.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

describe('readLineChunks', () => {
  it('finds the same lines however the input is cut into chunks', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a.filter((b) => b !== 0x0a))), { maxLength: 20 }),
      fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 10 }),
      async (lines, cuts) => {
        const input = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
        expect(await collect(cut(input, cuts))).toEqual(lines);
      },
    ));
  });

  it('finds the same records at a delimiter of several bytes, even one cut across chunks', async () => {
    const delimiter = Buffer.from('|~|');
    await fc.assert(fc.asyncProperty(
      fc.array(fc.stringMatching(/^[a-z|~]{0,12}$/).filter((t) => !t.includes('|~|') && !t.endsWith('|') && !t.endsWith('|~')), { maxLength: 12 }),
      fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 6 }),
      async (records, cuts) => {
        const input = Buffer.from(records.map((r) => `${r}|~|`).join(''));
        expect((await collect(cut(input, cuts), { delimiter, keepEmpty: true })).map(String)).toEqual(records);
      },
    ));
  });

  it('skips empty lines unless told to keep them', async () => {
    expect((await collect([Buffer.from('a\n\nb\n\n')], {})).map(String)).toEqual(['a', 'b']);
    expect((await collect([Buffer.from('a\n\nb\n')], { keepEmpty: true })).map(String)).toEqual(['a', '', 'b']);
  });

  it('joins a record spread over many chunks byte for byte', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 'xyz');
    const out = await collect(cut(Buffer.concat([big, Buffer.from('\nend')]), [65_536]));
    expect(out.length).toBe(2);
    expect(out[0].equals(big)).toBe(true);
    expect(out[1].toString()).toBe('end');
  });

  it('fails as soon as a record grows past the limit, without reading the rest of it', async () => {
    let chunksRead = 0;
    async function* endless(): AsyncGenerator<Buffer> {
      yield Buffer.from('ok\n');
      for (;;) {
        chunksRead++;
        yield Buffer.alloc(1000, 0x61);
      }
    }
    const reading = (async () => {
      for await (const lines of readLineChunks(endless(), { maxLineBytes: 10_000 })) void lines;
    })();
    await expect(reading).rejects.toThrow('record too large (11000+ bytes, limit 10000): record 2 of the input');
    expect(chunksRead).toBe(11);
    await expect(collect([Buffer.from('12345678901\n')], { maxLineBytes: 10 })).rejects.toThrow('record too large (11 bytes, limit 10): record 1');
  });

  it('keeps a last line without a newline, and yields nothing for empty input', async () => {
    expect((await collect([Buffer.from('a\nb')])).map(String)).toEqual(['a', 'b']);
    expect(await collect([])).toEqual([]);
  });
});

describe('splitKeyValue', () => {
  it('splits at the first separator; no separator means no key', () => {
    expect(splitKeyValue(Buffer.from('k:v:w'), Buffer.from(':'))).toEqual({ key: Buffer.from('k'), value: Buffer.from('v:w') });
    expect(splitKeyValue(Buffer.from('plain'), Buffer.from(':'))).toEqual({ key: null, value: Buffer.from('plain') });
    expect(splitKeyValue(Buffer.from('a::b'), Buffer.from('::'))).toEqual({ key: Buffer.from('a'), value: Buffer.from('b') });
  });
});

describe('renderTable', () => {
  it('pads every column to its widest cell, and shows null as -', () => {
    expect(renderTable(['A', 'LONGER'], [['xyz', 1], ['q', null]])).toBe('A    LONGER\nxyz  1\nq    -\n');
  });
});

describe('errorLine', () => {
  it('is one line with a hint for klog errors, no stack unless debugging', () => {
    const err = new KlogError('UNKNOWN_TOPIC', 'topic nope does not exist');
    expect(errorLine(err, false)).toBe('klog: topic nope does not exist (list topics with: klog topic list)');
    expect(errorLine(err, true).split('\n').length).toBeGreaterThan(1);
    expect(errorLine(new UsageError('Unknown argument: x'), false)).toBe('klog: Unknown argument: x (see: klog <command> --help)');
    expect(errorLine(new TypeError('boom'), false)).toBe('klog: unexpected error: boom (run with KLOG_DEBUG=1 for details)');
  });
});

describe('EndTracker', () => {
  it('is at the end once every partition printed (or started) at or past its end offset', () => {
    const t = new EndTracker(new Map([['t\u00000', 3], ['t\u00001', 0]]));
    const parts = [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }];
    expect(t.reached(parts)).toBe(false); // starts unknown
    t.setStart('t', 0, 0);
    t.setStart('t', 1, 0);
    expect(t.reached(parts)).toBe(false);
    t.printed('t', 0, 1);
    expect(t.reached(parts)).toBe(false);
    t.printed('t', 0, 2);
    expect(t.reached(parts)).toBe(true);
    expect(t.reached([{ topic: 'new-topic', partition: 0 }])).toBe(false); // start still unknown
  });
});
