// kcat -z gzip|snappy|lz4|zstd against the Kafka listener: the batch lands on disk in the codec kcat sent, as
// sent, and reads back (kcat -C, and the embedded store) as the lines produced.
//
// librdkafka 2.0.2 (Debian's kcat) decides from the broker's ApiVersions whether it may compress at all, and
// when it may not it sends plain batches without a word: gzip and snappy need Produce ∋ 0 (besides Produce ∋ 3
// and Fetch ∋ 4 for RecordBatch v2), lz4 also FindCoordinator ∋ 0, zstd Produce ∋ 7 and Fetch ∋ 10. So this
// test reads the listener's advertised ranges first: where they allow the codec, the batch on disk must carry
// it (an uncompressed batch then fails the test, naming the ranges); where they do not, the records must still
// arrive, uncompressed and intact.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iterateBatches, type Compression } from '@klog/log-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, missingTool, removeTempDirs, run, startKafkaBroker, tempDir, type KafkaBroker } from './kafka-fixture.js';
import { API, bodies, RawKafka } from './raw-kafka.js';

afterAll(removeTempDirs);

type Ranges = Map<number, [min: number, max: number]>;

async function advertisedRanges(port: number): Promise<Ranges> {
  const conn = await RawKafka.open(port);
  try {
    const d = await conn.call(API.API_VERSIONS, 0, bodies.apiVersions());
    expect(d.int16()).toBe(0);
    return new Map(d.array((d) => [d.int16(), [d.int16(), d.int16()]] as const));
  } finally {
    conn.close();
  }
}

const has = (ranges: Ranges, api: number, version: number): boolean => {
  const r = ranges.get(api);
  return r !== undefined && r[0] <= version && version <= r[1];
};

/** Whether librdkafka 2.0.2 compresses with `codec` against a broker advertising `ranges` (its exact-version checks). */
function librdkafkaMayCompress(ranges: Ranges, codec: Compression): boolean {
  const magic2 = has(ranges, API.PRODUCE, 3) && has(ranges, API.FETCH, 4);
  if (!magic2) return false;
  if (codec === 'zstd') return has(ranges, API.PRODUCE, 7) && has(ranges, API.FETCH, 10);
  const legacy = has(ranges, API.PRODUCE, 0);
  return codec === 'lz4' ? legacy && has(ranges, API.FIND_COORDINATOR, 0) : legacy;
}

const describeRanges = (ranges: Ranges): string =>
  [API.PRODUCE, API.FETCH, API.FIND_COORDINATOR].map((k) => `api ${k}: ${ranges.get(k)?.join('-') ?? 'none'}`).join(', ');

describe('kcat -z: compressed batches stored as sent', () => {
  let broker: KafkaBroker;
  let dataDir: string;
  let ranges: Ranges;
  beforeAll(async () => {
    const missing = missingTool('kcat');
    if (missing) throw new Error(missing);
    dataDir = tempDir();
    broker = await startKafkaBroker({ dataDir });
    ranges = await advertisedRanges(broker.kafkaPort);
  });
  afterAll(async () => broker?.close());

  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)('%s', async (codec) => {
    const topic = `kcat-${codec}`;
    // Repetitive values, so that compressing pays and librdkafka keeps the compressed batch.
    const lines = Array.from({ length: 300 }, (_, i) => `${codec} line ${i} ${'abcdefgh'.repeat(8)}`);
    const produced = await run('kcat', ['-b', bootstrap(broker), '-P', '-t', topic, '-z', codec, '-X', 'linger.ms=50'], { stdin: `${lines.join('\n')}\n`, timeoutMs: 30_000 });
    expect(produced.code, produced.stderr).toBe(0);
    expect(broker.store.logEndOffset(topic, 0)).toBe(lines.length);

    // The segment files themselves, not a read through the store: what is on disk is what kcat sent.
    const partitionDir = join(dataDir, `${topic}-0`);
    const onDisk = Buffer.concat(readdirSync(partitionDir).filter((n) => n.endsWith('.log')).sort().map((n) => readFileSync(join(partitionDir, n))));
    const codecs = [...new Set([...iterateBatches(onDisk)].map(({ header }) => header.compression))];
    if (librdkafkaMayCompress(ranges, codec)) {
      expect(codecs, `the listener advertises ${describeRanges(ranges)}, which lets kcat send ${codec}, but the batches on disk are ${codecs.join(', ')}`).toEqual([codec]);
    } else {
      // Today's ranges: librdkafka falls back to plain batches. When the listener widens them, the branch above
      // takes over and asserts the codec.
      expect(codecs, `the listener advertises ${describeRanges(ranges)}: kcat cannot send ${codec} and must fall back to none`).toEqual(['none']);
    }

    const consumed = await run('kcat', ['-b', bootstrap(broker), '-C', '-t', topic, '-e', '-f', '%s\n'], { timeoutMs: 30_000 });
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout.trimEnd().split('\n')).toEqual(lines);

    const read = await broker.store.read(topic, 0, { offset: 0, maxBytes: 1 << 20 });
    expect(read.records.map((r) => r.value?.toString())).toEqual(lines);
  });
});
