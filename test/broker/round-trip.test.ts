// Produce/fetch round trip over a real broker: many partitions, keyed records with headers, null and binary
// values — every record comes back exactly once, in order per partition, intact, on its key's partition.
import { partitionForKey } from '@klog/log-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProducerMessage } from '@klog/client';
import { clientFor, consumeAll, removeTempDirs, startTestBroker } from './fixture.js';

afterAll(removeTempDirs);

const PARTITIONS = 12;
const COUNT = 20_000;

function message(i: number): ProducerMessage & { key: Buffer } {
  const kind = i % 3;
  return {
    key: Buffer.from(`key-${i % 997}`),
    // null values, binary values (every byte value, including invalid UTF-8), and text
    value: kind === 0 ? null : kind === 1 ? Buffer.from([i & 0xff, 0x00, 0xff, 0xfe, (i >> 8) & 0xff]) : `value ${i}`,
    timestamp: 1_700_000_000_000 + i,
    headers: { seq: String(i), bin: Buffer.from([0xc3, 0x28, i & 0xff]), ...(i % 5 === 0 ? { empty: null } : {}) },
  };
}

function sameBytes(got: Buffer | null, want: Buffer | string | null): boolean {
  return want === null ? got === null : got !== null && Buffer.isBuffer(got) && got.equals(Buffer.from(want));
}

describe('produce/fetch round trip', () => {
  it(`returns ${COUNT} keyed records over ${PARTITIONS} partitions once each, in order, intact`, async () => {
    const broker = await startTestBroker();
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('rt', { partitions: PARTITIONS });
      const producer = client.producer({ lingerMs: 2, batchBytes: 16 * 1024 });
      const sent = Array.from({ length: COUNT }, (_, i) => message(i));
      const acks = (await Promise.all(
        Array.from({ length: 20 }, (_, c) => producer.send({ topic: 'rt', messages: sent.slice(c * 1000, (c + 1) * 1000) })),
      )).flat();
      await producer.close();

      const byPosition = new Map<string, number>();
      acks.forEach((a, i) => byPosition.set(`${a.partition}:${a.offset}`, i));
      expect(acks.filter((a, i) => a.partition !== partitionForKey(sent[i].key, PARTITIONS))).toEqual([]);
      expect(byPosition.size).toBe(COUNT); // no two records acknowledged at the same position

      const got = await consumeAll(client, 'rt', PARTITIONS, COUNT);
      expect(got).toHaveLength(COUNT);
      // Compared in plain code and asserted once: 20,000 x a dozen expect() calls would dominate the run time.
      const problems: string[] = [];
      const lastOffset = new Map<number, number>();
      const seen = new Set<number>();
      for (const m of got) {
        const where = `${m.partition}:${m.offset}`;
        if (m.offset <= (lastOffset.get(m.partition) ?? -1)) problems.push(`${where} out of order`);
        lastOffset.set(m.partition, m.offset);
        const i = byPosition.get(where);
        if (i === undefined || seen.has(i)) {
          problems.push(`${where} unexpected or repeated`);
          continue;
        }
        seen.add(i);
        const want = sent[i];
        const headers = want.headers as Record<string, string | Buffer | null>;
        const same = sameBytes(m.key as Buffer, want.key)
          && sameBytes(m.value as Buffer | null, want.value as Buffer | string | null)
          && m.timestamp === want.timestamp
          && Object.keys(m.headers).sort().join() === Object.keys(headers).sort().join()
          && Object.entries(headers).every(([k, v]) => sameBytes(m.headers[k], v));
        if (!same) problems.push(`${where} differs from record ${i}`);
      }
      expect(problems.slice(0, 5)).toEqual([]);
      expect(seen.size).toBe(COUNT);
      // ...and the partitions' end offsets account for exactly these records.
      const ends = await client.admin().fetchOffsets('rt', 'latest');
      expect(ends.reduce((n, p) => n + p.offset, 0)).toBe(COUNT);
    } finally {
      await client.close();
      await broker.close();
    }
  });
});
