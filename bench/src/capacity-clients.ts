import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { redisBenchmarkRps } from './c-client-output.js';
import { ensureBinary } from './ensure-binary.js';
import { tempDataDir } from './temp-dir.js';
import { runTimedChild } from './timed-child.js';

/**
 * The C clients of the capacity suite: a server's throughput when no Node client (ours or a peer's) is the
 * bottleneck. Each runs as its own process against the server the side-by-side target already started.
 */

/** The phases a C client can run: it writes records, or reads them all back. */
export type CapacityPhase = 'produce' | 'consume';

export interface CapacityResult {
  seconds: number;
  recordsPerSec: number;
  clientCpuSeconds: number;
}

export interface CapacityClient {
  /** The tool, as the report names it. */
  name: string;
  phases: CapacityPhase[];
  /** null when the tool can run here (installing its Debian package where missing), else why not. */
  unavailable(): string | null;
  /** Unmeasured set-up of a phase (kcat's input file), done before the phase is timed. */
  prepare(phase: CapacityPhase, records: number, valueBytes: number): void;
  /** One phase against the server at `address` (host:port), on a one-partition `topic` the target created. */
  run(phase: CapacityPhase, address: string, topic: string, records: number, valueBytes: number): Promise<CapacityResult>;
}

/** A phase that takes longer than this has hung: at 10,000 rec/s a million records take 100 s. */
const TIMEOUT_MS = 300_000;

/** kcat (librdkafka) through klog's Kafka listener: produce a prepared file, then consume it from the beginning. */
export function kcatClient(): CapacityClient {
  let binary = '';
  return {
    name: 'kcat',
    phases: ['produce', 'consume'],
    unavailable() {
      const found = ensureBinary('kcat', 'kcat');
      if ('reason' in found) return found.reason;
      binary = found.path;
      return null;
    },
    prepare(phase, records, valueBytes) {
      if (phase === 'produce') lineFile(records, valueBytes);
    },
    async run(phase, address, topic, records, valueBytes) {
      if (phase === 'produce') {
        // acks 1 as for every other producer in the bench; librdkafka batches by itself (linger 5 ms).
        const r = await runTimedChild(binary, ['-b', address, '-P', '-t', topic, '-p', '0', '-X', 'acks=1', '-l', lineFile(records, valueBytes)], 'discard', TIMEOUT_MS);
        return { seconds: r.seconds, recordsPerSec: records / r.seconds, clientCpuSeconds: r.cpuSeconds };
      }
      // -c: exit after the last record. Waiting for the end of the partition (-e alone) would time librdkafka's
      // last fetch too, which the broker holds for fetch.wait.max.ms (500 ms) because no data comes: a third of a
      // million-record phase. -e stays as a guard (a short topic ends the phase rather than hanging it). Each record
      // prints one byte (-f x) instead of itself, so the count is the output's length.
      const r = await runTimedChild(binary, ['-b', address, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-c', String(records), '-f', 'x'], 'keep', TIMEOUT_MS);
      if (r.stdout.length !== records) throw new Error(`kcat consumed ${r.stdout.length} records, expected ${records}: ${r.stderr.trim().slice(-300)}`);
      return { seconds: r.seconds, recordsPerSec: records / r.seconds, clientCpuSeconds: r.cpuSeconds };
    },
  };
}

/** redis-benchmark: XADD of one 100 B field, pipelined 100 deep on one connection; rec/s is its own requests/s. */
export function redisBenchmarkClient(): CapacityClient {
  let binary = '';
  return {
    name: 'redis-benchmark',
    phases: ['produce'],
    unavailable() {
      // Debian ships redis-benchmark in redis-tools, which redis-server depends on.
      const found = ensureBinary('redis-benchmark', 'redis-tools');
      if ('reason' in found) return found.reason;
      binary = found.path;
      return null;
    },
    prepare: () => undefined,
    async run(_phase, address, topic, records, valueBytes) {
      const [host, port] = address.split(':');
      const value = 'v'.repeat(valueBytes);
      const r = await runTimedChild(
        binary,
        ['-h', host, '-p', port, '-n', String(records), '-P', '100', '-c', '1', '--csv', 'XADD', topic, '*', 'f', value],
        'keep',
        TIMEOUT_MS,
      );
      const rps = redisBenchmarkRps(r.stdout);
      if (rps === null) throw new Error(`redis-benchmark printed no requests/s: ${r.stdout.trim().slice(-300)}`);
      return { seconds: r.seconds, recordsPerSec: rps, clientCpuSeconds: r.cpuSeconds };
    },
  };
}

const lineFiles = new Map<string, string>();
let lineDir: { path: string; remove(): void } | null = null;

/**
 * A file of `records` lines of `valueBytes` random base64 characters (kcat -l sends one record per line),
 * written once per process and shared by every run.
 */
function lineFile(records: number, valueBytes: number): string {
  const key = `${records}x${valueBytes}`;
  const existing = lineFiles.get(key);
  if (existing) return existing;
  if (lineDir === null) {
    lineDir = tempDataDir('kcat-input');
    process.once('exit', lineDir.remove);
  }
  const file = join(lineDir.path, `${key}.txt`);
  // Random text from a pool, at a shifting offset: lines differ without a random draw per record.
  const pool = randomBytes(3 * 1024 * 1024).toString('base64');
  const fd = openSync(file, 'w');
  try {
    const chunk: string[] = [];
    for (let i = 0; i < records; i++) {
      const at = (i * 7919) % (pool.length - valueBytes);
      chunk.push(pool.slice(at, at + valueBytes));
      if (chunk.length === 10_000 || i === records - 1) {
        writeSync(fd, `${chunk.join('\n')}\n`);
        chunk.length = 0;
      }
    }
  } finally {
    closeSync(fd);
  }
  lineFiles.set(key, file);
  return file;
}
