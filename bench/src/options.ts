import { join, resolve } from 'node:path';
import { readFlags } from './flags.js';

/**
 * Command-line flags of the side-by-side benchmark. The defaults are the workload the README reports:
 * 3 runs of each case, 500,000 records per phase, 16 B keys, 100 B values.
 */
export type Suite = 'throughput' | 'latency' | 'scale' | 'capacity' | 'producers' | 'engine' | 'queue' | 'tasks';

export interface BenchOptions {
  /** Runs of every case, interleaved: round 1 runs every target once, round 2 every target again, and so on. */
  runs: number;
  records: number;
  keyBytes: number;
  valueBytes: number;
  /** klog targets also run at these partition counts; peers have one stream each. */
  klogPartitions: number[];
  latencyRate: number;
  latencySeconds: number;
  scaleValueBytes: number[];
  scalePartitions: number[];
  /** Upper bound on bytes written per scale case, so 10 KB records do not take ten times as long. */
  scaleBytesBudget: number;
  /** Capacity suite: records per phase of the C clients (kcat, redis-benchmark). */
  capacityRecords: number;
  /** Producers suite: producer processes, and the partitions of their topic (records spread by key). */
  producerProcesses: number;
  producerPartitions: number;
  /** Engine suite: records appended (batches of 1,000) and then read by log-core alone. */
  engineRecords: number;
  suites: Suite[];
  /** Queue suite: records pre-filled per case, worker counts, processes they are spread over, records each holds. */
  queueRecords: number;
  queueWorkers: number[];
  queueProcesses: number;
  queueConcurrency: number;
  /** Queue suite: the lock (NATS ack_wait) of queues in the redelivery measurement, and its trials per case. */
  lockMs: number;
  redeliveryTrials: number;
  /** Target filters: a system name (`redis`) or system:setting (`redis:memory`); empty = all. */
  only: string[];
  resultsDir: string;
  /** Also write the run's JSON here (a file meant to be committed), besides the timestamped one; null = not. */
  saveAs: string | null;
}

/** The suites runSideBySide runs (side-by-side.ts); the others have their own runner and report. */
export const SIDE_BY_SIDE_SUITES: readonly Suite[] = ['throughput', 'latency', 'scale', 'capacity', 'producers', 'engine'];
const SUITES: readonly Suite[] = [...SIDE_BY_SIDE_SUITES, 'queue', 'tasks'];
/**
 * The default run leaves the queue suite out: it would about double the run's time, and it installs RabbitMQ
 * (an Erlang runtime) where missing.
 */
const DEFAULT_SUITES: readonly Suite[] = SIDE_BY_SIDE_SUITES;

export function defaultOptions(resultsDir: string): BenchOptions {
  return {
    runs: 3,
    // Half a million, not a million: three runs of every case then fit in about 25 minutes on two cores (the
    // peers' Node clients take most of it); the rates are the same within noise.
    records: 500_000,
    keyBytes: 16,
    valueBytes: 100,
    klogPartitions: [1, 6],
    latencyRate: 10_000,
    latencySeconds: 10,
    scaleValueBytes: [10, 100, 1_000, 10_000],
    scalePartitions: [1, 10, 100, 1_000],
    scaleBytesBudget: 50 * 1024 * 1024,
    capacityRecords: 1_000_000,
    producerProcesses: 3,
    producerPartitions: 3,
    engineRecords: 1_000_000,
    suites: [...DEFAULT_SUITES],
    // A million: klog's workers took 200,000 in about a second, much of it the JIT warming up (140–170k
    // accepted/s, against about 240–300k/s over a million on the same build); a queue's workers run for hours.
    // The peers run the same count, which costs the suite minutes (RabbitMQ takes about a minute per case).
    queueRecords: 1_000_000,
    queueWorkers: [1, 8],
    queueProcesses: 2,
    queueConcurrency: 16,
    lockMs: 5_000,
    redeliveryTrials: 3,
    only: [],
    resultsDir,
    saveAs: null,
  };
}

/** `--quick` shrinks everything so a full pass takes about a minute: for iterating, not for publishing. */
function applyQuick(o: BenchOptions): void {
  o.runs = 1;
  o.records = 100_000;
  o.capacityRecords = 200_000;
  o.engineRecords = 200_000;
  o.latencySeconds = 3;
  o.scaleBytesBudget = 16 * 1024 * 1024;
  o.queueRecords = 20_000;
  o.redeliveryTrials = 1;
}

function numberList(flag: string, text: string): number[] {
  const list = text.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new Error(`${flag} expects a comma-separated list of positive integers, got "${text}"`);
  }
  return list;
}

function positive(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} expects a positive number, got "${text}"`);
  return n;
}

export function parseArgs(argv: string[], resultsDir: string): BenchOptions {
  const o = defaultOptions(resultsDir);
  // --quick first, so that explicit flags given with it still win whatever their order.
  if (argv.includes('--quick')) applyQuick(o);
  readFlags(argv, USAGE, (flag, value) => {
    switch (flag) {
      case '--runs': o.runs = Math.floor(positive(flag, value())); break;
      case '--records': o.records = Math.floor(positive(flag, value())); break;
      case '--key-bytes': o.keyBytes = Math.floor(positive(flag, value())); break;
      case '--value-bytes': o.valueBytes = Math.floor(positive(flag, value())); break;
      case '--klog-partitions': o.klogPartitions = numberList(flag, value()); break;
      case '--latency-rate': o.latencyRate = positive(flag, value()); break;
      case '--latency-seconds': o.latencySeconds = positive(flag, value()); break;
      case '--scale-value-bytes': o.scaleValueBytes = numberList(flag, value()); break;
      case '--scale-partitions': o.scalePartitions = numberList(flag, value()); break;
      case '--scale-mb': o.scaleBytesBudget = positive(flag, value()) * 1024 * 1024; break;
      case '--capacity-records': o.capacityRecords = Math.floor(positive(flag, value())); break;
      case '--producer-processes': o.producerProcesses = Math.floor(positive(flag, value())); break;
      case '--producer-partitions': o.producerPartitions = Math.floor(positive(flag, value())); break;
      case '--engine-records': o.engineRecords = Math.floor(positive(flag, value())); break;
      case '--queue-records': o.queueRecords = Math.floor(positive(flag, value())); break;
      case '--queue-workers': o.queueWorkers = numberList(flag, value()); break;
      case '--queue-processes': o.queueProcesses = Math.floor(positive(flag, value())); break;
      case '--queue-concurrency': o.queueConcurrency = Math.floor(positive(flag, value())); break;
      case '--lock-ms': o.lockMs = Math.floor(positive(flag, value())); break;
      case '--redelivery-trials': o.redeliveryTrials = Math.floor(positive(flag, value())); break;
      case '--suites': {
        const list = value().split(',').map((s) => s.trim());
        const bad = list.filter((s) => !SUITES.includes(s as Suite));
        if (bad.length > 0) throw new Error(`--suites: unknown ${bad.join(',')} (known: ${SUITES.join(',')})`);
        o.suites = list as Suite[];
        break;
      }
      case '--only': o.only = value().split(',').map((s) => s.trim()).filter((s) => s !== ''); break;
      case '--results-dir': o.resultsDir = value(); break;
      case '--save-as': o.saveAs = savePath(value(), resultsDir); break;
      default:
        return false;
    }
    return true;
  });
  // Latency values carry their send time in their first 8 bytes.
  if (o.valueBytes < 8) throw new Error('--value-bytes must be at least 8 (the latency timestamp lives there)');
  // NATS carries the key inside the payload behind a one-byte length.
  if (o.keyBytes > 255) throw new Error('--key-bytes must be at most 255');
  return o;
}

/** `--save-as NAME` is bench/results/NAME.json; a value with a slash or ending in .json is a path as given. */
function savePath(text: string, resultsDir: string): string {
  if (text === '') throw new Error('--save-as needs a name or a .json path');
  return text.includes('/') || text.endsWith('.json') ? resolve(text) : join(resultsDir, `${text}.json`);
}

export const USAGE = `usage: npm run bench -- [flags]
  --suite side-by-side|log-core   which benchmark (default side-by-side; log-core = the engine benchmark)
  --quick                         small sizes for iterating (1 run, 100k records, 3 s latency, 16 MB scale cases,
                                  200k capacity and engine records, 20k queue records, 1 redelivery trial)
  --runs N                        runs of every case, interleaved across targets (default 3); tables show
                                  median (min–max)
  --records N                     records per produce/consume phase (default 500000)
  --key-bytes N --value-bytes N   record shape (default 16 and 100)
  --klog-partitions 1,6           partition counts for klog targets (peers use one stream)
  --latency-rate N --latency-seconds S   end-to-end latency workload (default 10000/s for 10 s)
  --scale-value-bytes 10,100,1000,10000 --scale-partitions 1,10,100,1000 --scale-mb MB (default 50)
  --capacity-records N            capacity suite: records per kcat / redis-benchmark phase (default 1000000)
  --producer-processes 3 --producer-partitions 3   producers suite: processes against one broker, partitions
  --engine-records N              engine suite: records log-core appends in batches of 1000, then reads (default 1000000)
  --suites throughput,latency,scale,capacity,producers,engine,queue,tasks   (default: all but queue and tasks)
  --queue-records N               queue suite: records pre-filled per case (default 1000000)
  --queue-workers 1,8 --queue-processes 2 --queue-concurrency 16   workers per case, processes they share, records each holds
  --lock-ms MS --redelivery-trials N   redelivery: lock (NATS ack_wait) and trials per case (default 5000, 3)
  --only redis,nats:file,klog-embedded,klog-broker:fsync-never   targets to run (system or system:setting; rabbitmq: queue suite)
  --results-dir DIR               where the timestamped JSON goes (default bench/results; git-ignored)
  --save-as NAME                  also write the JSON to bench/results/NAME.json (or a path ending in .json),
                                  a file that is not ignored: commit it with the figures quoted from it
`;
