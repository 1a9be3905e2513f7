import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { murmur2, toPositive } from '../src/murmur2.js';

describe('murmur2', () => {
  // Kafka's own vectors (clients UtilsTest.testMurmur2): the Java client's signed 32-bit results.
  const kafkaVectors: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];

  it.each(kafkaVectors)('murmur2(%j) = %d, as in the Kafka Java client', (input, expected) => {
    expect(murmur2(Buffer.from(input, 'utf8'))).toBe(expected);
  });

  // librdkafka's Java-compatible murmur2 unit test vectors (rdmurmur2.c), as unsigned 32-bit values; together
  // with the above they cover every tail length (bytes after the 4-byte blocks: 0, 1, 2, 3).
  const librdkafkaVectors: [string, number][] = [
    ['kafka', 0xd067cf64],
    ['giberish123456789', 0x8f552b0c],
    ['1234', 0x9fc97b14],
    ['234', 0xe7c009ca],
    ['34', 0x873930da],
    ['4', 0x5a4b5ca1],
  ];

  it.each(librdkafkaVectors)('murmur2(%j) = %d (unsigned), as in librdkafka', (input, expected) => {
    expect(murmur2(Buffer.from(input, 'utf8')) >>> 0).toBe(expected);
  });

  it('vectors cover every tail length', () => {
    const tails = new Set([...kafkaVectors, ...librdkafkaVectors].map(([s]) => s.length % 4));
    expect([...tails].sort()).toEqual([0, 1, 2, 3]);
  });

  it('always returns a signed 32-bit integer and does not depend on the buffer offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const h = murmur2(bytes);
        expect(h).toBe(h | 0);
        const shifted = Buffer.concat([Buffer.from([1, 2, 3]), bytes]).subarray(3);
        expect(murmur2(shifted)).toBe(h);
      }),
    );
  });
});

describe('toPositive', () => {
  it('clears the sign bit, unlike Math.abs', () => {
    expect(toPositive(-973932308)).toBe(1173551340);
    expect(toPositive(-(2 ** 31))).toBe(0);
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(479470107)).toBe(479470107);
  });
});
