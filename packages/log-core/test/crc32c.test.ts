import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c, crc32cJs, nativeCrc32cLoaded } from '../src/batch/crc32c.js';

describe('crc32c', () => {
  it('uses the native implementation when it is installed', () => {
    expect(nativeCrc32cLoaded).toBe(true);
  });

  it('gives the standard check value for "123456789"', () => {
    const input = Buffer.from('123456789', 'ascii');
    expect(crc32c(input)).toBe(0xe3069283);
    expect(crc32cJs(input)).toBe(0xe3069283);
  });

  it('is 0 for empty input', () => {
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    expect(crc32cJs(Buffer.alloc(0))).toBe(0);
  });

  it('native and JS implementations agree on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        const js = crc32cJs(bytes);
        expect(crc32c(bytes)).toBe(js);
        expect(crc32c(Buffer.from(bytes))).toBe(js);
        expect(js).toBeGreaterThanOrEqual(0);
        expect(js).toBeLessThanOrEqual(0xffffffff);
      }),
      { numRuns: 500 },
    );
  });

  it('agrees on views into a larger buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 512 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = a % bytes.length;
        const end = start + (b % (bytes.length - start + 1));
        const view = Buffer.from(bytes).subarray(start, end);
        expect(crc32c(view)).toBe(crc32cJs(bytes.slice(start, end)));
      }),
    );
  });
});
