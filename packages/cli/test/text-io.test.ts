import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KlogError } from '@klog/log-core';
import { EndTracker } from '../src/end-tracker.js';
import { errorLine, UsageError } from '../src/errors.js';
import { readLineChunks, splitKeyValue } from '../src/line-reader.js';
import { renderTable } from '../src/table.js';

async function collect(chunks: Buffer[]): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const lines of readLineChunks((async function* () { yield* chunks; })())) out.push(...lines);
  return out;
}

describe('readLineChunks', () => {
  it('finds the same lines however the input is cut into chunks', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a.filter((b) => b !== 0x0a))), { maxLength: 20 }),
      fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 10 }),
      async (lines, cuts) => {
        const input = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
        const chunks: Buffer[] = [];
        for (let at = 0, i = 0; at < input.length; i++) {
          const size = cuts[i % cuts.length];
          chunks.push(input.subarray(at, at + size));
          at += size;
        }
        expect(await collect(chunks)).toEqual(lines);
      },
    ));
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
    expect(errorLine(new UsageError('Unknown argument: x'), false)).toBe('klog: Unknown argument: x (see: klog --help, or klog <command> --help)');
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
