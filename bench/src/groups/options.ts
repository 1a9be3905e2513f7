/** Command-line flags of the consumer-group benchmark; the defaults are the workload the README reports. */
import { readFlags } from '../flags.js';
export interface GroupBenchOptions {
  /** Group sizes for the rebalance cases. */
  members: number[];
  /** Partitions of the rebalance topic. */
  rebalancePartitions: number;
  assignors: string[];
  /** Join-then-leave cycles measured per group size and assignor. */
  repeats: number;
  /** Records produced for the throughput comparison, and the shape of each. */
  records: number;
  keyBytes: number;
  valueBytes: number;
  throughputPartitions: number;
  /** Size of the group compared with a single consumer. */
  groupSize: number;
  resultsDir: string;
}

export function parseGroupArgs(argv: string[], resultsDir: string): GroupBenchOptions {
  const o: GroupBenchOptions = {
    members: [1, 10, 50],
    rebalancePartitions: 100,
    assignors: ['range', 'sticky'],
    repeats: 3,
    records: 1_000_000,
    keyBytes: 16,
    valueBytes: 100,
    throughputPartitions: 6,
    groupSize: 3,
    resultsDir,
  };
  // --quick first, so that explicit flags given with it still win whatever their order.
  if (argv.includes('--quick')) Object.assign(o, { members: [1, 10], repeats: 1, records: 100_000 });
  readFlags(argv, USAGE, (flag, value) => {
    switch (flag) {
      case '--members': o.members = positiveList(flag, value()); break;
      case '--assignors': o.assignors = value().split(',').map((s) => s.trim()).filter((s) => s !== ''); break;
      case '--repeats': o.repeats = positiveInt(flag, value()); break;
      case '--records': o.records = positiveInt(flag, value()); break;
      case '--results-dir': o.resultsDir = value(); break;
      default:
        return false;
    }
    return true;
  });
  if (o.assignors.length === 0) throw new Error('--assignors needs at least one of range,roundrobin,sticky');
  return o;
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} expects a positive integer, got "${text}"`);
  return n;
}

function positiveList(flag: string, text: string): number[] {
  return text.split(',').map((s) => positiveInt(flag, s.trim()));
}

export const USAGE = `usage: npm run bench:groups -- [flags]
  --quick                  group sizes 1,10, one join/leave cycle, 100k records
  --members 1,10,50        group sizes for the rebalance cases (100-partition topic)
  --assignors range,sticky assignors measured
  --repeats N              join-then-leave cycles per case (default 3)
  --records N              records for the single-consumer vs group throughput (default 1000000)
  --results-dir DIR        where the JSON goes (default bench/results)
`;
