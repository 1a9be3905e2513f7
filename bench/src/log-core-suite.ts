import type { ChildResult } from './log-core-child.js';
import { runChild } from './log-core-step.js';
import { loadavg } from 'node:os';
import { loadWarning, machine } from './machine.js';
import { fmt } from './format.js';
import { writeJson } from './report.js';
import { tempDataDir } from './temp-dir.js';

/**
 * The log-core engine benchmark: append in batches and one record per call, sequential read, a compaction pass
 * and append latency beside a running cleaner, and open time of a large log after a clean close and after a kill — each step in a fresh child process (log-core-child.ts),
 * one partition, fsync 'never'. Then the scale steps: keyed appends spread over 1 and 1,000 partitions, and
 * the reopen of a store of many partitions (one record each) after a clean close, up to its first read.
 */

const TOPIC = 'bench';

interface LogCoreOptions {
  records: number;
  keyBytes: number;
  valueBytes: number;
  openBytes: number;
  /** Partitions of the reopen step (one topic). */
  manyPartitions: number;
}

export interface LogCoreRow {
  step: string;
  records: number;
  seconds: number;
  recordsPerSec: number;
  mbPerSec: number;
  peakRssMb: number;
  cpuSeconds: number;
  /** False for open steps: their records are what the log held, not a rate. */
  isRate: boolean;
  /** Latency steps: the 99th percentile of one append, ms. */
  p99Ms?: number;
}

function parse(argv: string[]): LogCoreOptions {
  const o: LogCoreOptions = { records: 1_000_000, keyBytes: 16, valueBytes: 100, openBytes: 1024 ** 3, manyPartitions: 10_000 };
  if (argv.includes('--quick')) Object.assign(o, { records: 100_000, openBytes: 128 * 1024 ** 2, manyPartitions: 1_000 });
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--quick') continue;
    const n = Number(argv[++i]);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} expects a positive number`);
    if (flag === '--records') o.records = Math.floor(n);
    else if (flag === '--key-bytes') o.keyBytes = Math.floor(n);
    else if (flag === '--value-bytes') o.valueBytes = Math.floor(n);
    else if (flag === '--open-mb') o.openBytes = n * 1024 ** 2;
    else if (flag === '--partitions') o.manyPartitions = Math.floor(n);
    else throw new Error(`log-core bench: unknown flag ${flag} (flags: --records N --key-bytes N --value-bytes N --open-mb MB --partitions N --quick)`);
  }
  return o;
}

function row(step: string, r: ChildResult, isRate = true): LogCoreRow {
  return {
    step,
    records: r.records,
    seconds: r.seconds,
    recordsPerSec: isRate ? r.records / r.seconds : 0,
    mbPerSec: isRate ? r.bytes / r.seconds / 1e6 : 0,
    peakRssMb: r.peakRssBytes / 1e6,
    cpuSeconds: r.cpuSeconds,
    isRate,
    ...(r.p99Ms === undefined ? {} : { p99Ms: r.p99Ms }),
  };
}

function table(rows: LogCoreRow[]): string {
  const f = fmt;
  return [
    '| step | records | seconds | rec/s | MB/s | p99 ms | peak RSS MB | CPU s |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
    ...rows.map(
      (r) =>
        `| ${r.step} | ${f(r.records)} | ${f(r.seconds, 3)} | ${r.isRate ? f(r.recordsPerSec) : ''} | ${r.isRate ? f(r.mbPerSec, 1) : ''} | ${r.p99Ms === undefined ? '' : f(r.p99Ms, 3)} | ${f(r.peakRssMb)} | ${f(r.cpuSeconds, 2)} |`,
    ),
  ].join('\n');
}

/** Keyed appends over 1 and 1,000 partitions, and the reopen of a store of many one-record partitions. */
async function scaleSteps(o: LogCoreOptions, shape: string[], add: (r: LogCoreRow) => void): Promise<void> {
  for (const partitions of [1, 1000]) {
    const dir = tempDataDir('log-core-spread');
    try {
      const r = await runChild(['spread', dir.path, String(partitions), String(o.records), ...shape]);
      if (r) add(row(`append keyed over ${partitions === 1 ? '1 partition' : `${partitions.toLocaleString('en-US')} partitions`}, batches of 1000`, r));
    } finally {
      dir.remove();
    }
  }
  const many = tempDataDir('log-core-many');
  const n = String(o.manyPartitions);
  try {
    // Refused under a low open-file limit (8 partitions per descriptor): reported, and the rest still runs.
    await runChild(['many-fill', many.path, '1', n]);
    // The first open reads the marker the fill's close wrote; measured are the open and the first read.
    const r = await runChild(['many-open', many.path, '1', n]);
    if (r) add(row(`reopen ${o.manyPartitions.toLocaleString('en-US')} partitions after clean close, to first read`, r, false));
  } catch (err) {
    log(`reopen of ${n} partitions skipped: ${(err as Error).message} (raise \`ulimit -n\` to at least ${Math.ceil(o.manyPartitions / 8)})`);
  } finally {
    many.remove();
  }
}

function log(line: string): void {
  process.stderr.write(`bench log-core: ${line}\n`);
}

export async function runLogCoreSuite(argv: string[], resultsDir: string): Promise<void> {
  const o = parse(argv);
  const startedAt = new Date();
  const loadAtStart = loadavg()[0];
  const shape = [String(o.keyBytes), String(o.valueBytes)];
  const rows: LogCoreRow[] = [];
  const add = (r: LogCoreRow): void => {
    rows.push(r);
    log(`${r.step}: ${r.seconds.toFixed(3)} s, ${r.records.toLocaleString('en-US')} records` + (r.isRate ? `, ${Math.round(r.recordsPerSec).toLocaleString('en-US')} rec/s` : '')
      + (r.p99Ms === undefined ? '' : `, p99 ${r.p99Ms.toFixed(3)} ms`));
  };

  const work = tempDataDir('log-core');
  const big = tempDataDir('log-core-open');
  try {
    const batched = await runChild(['append', work.path, 'batched', String(o.records), '1000', ...shape]);
    if (batched) add(row('append, batches of 1000', batched));
    const single = await runChild(['append', work.path, 'single', String(o.records), '1', ...shape]);
    if (single) add(row('append, 1 record per call', single));
    const read = await runChild(['read', work.path, 'batched']);
    if (read) add(row('sequential read (key+value bytes)', read));
    // Compaction: one pass over a log whose keys were each rewritten 100 times (MB/s of log cleaned), and the
    // p99 of single-record appends to another topic without and with the cleaner running (default budget).
    const compacted = tempDataDir('log-core-compact');
    try {
      const pass = await runChild(['compact', compacted.path, 'keyed', String(o.records), String(Math.max(1, Math.floor(o.records / 100))), ...shape]);
      if (pass) add(row('compaction pass (MB of log cleaned)', pass));
    } finally {
      compacted.remove();
    }
    for (const cleaner of ['off', 'on']) {
      const dir = tempDataDir('log-core-latency');
      try {
        const r = await runChild(['produce-latency', dir.path, cleaner, '50000', ...shape]);
        if (r) add(row(`append 1 record, cleaner ${cleaner}`, r));
      } finally {
        dir.remove();
      }
    }

    const gb = (o.openBytes / 1024 ** 3).toFixed(2);
    log(`filling a ${gb} GiB log for the open-time steps`);
    const fill = await runChild(['fill', big.path, TOPIC, String(o.openBytes), ...shape]);
    if (fill) add(row(`fill ${gb} GiB (append, batches of 1000)`, fill));
    const cleanOpen = await runChild(['open', big.path]);
    if (cleanOpen) add(row(`open ${gb} GiB log after clean close (records found)`, cleanOpen, false));
    // Reopen the same log, append a little more and SIGKILL the writer mid-append: the next open must recover.
    await runChild(['fill-until-killed', big.path, TOPIC, String(16 * 1024 * 1024), ...shape], 'FILLED');
    const crashOpen = await runChild(['open', big.path]);
    if (crashOpen) add(row(`open ${gb} GiB log after SIGKILL (records found)`, crashOpen, false));
    await scaleSteps(o, shape, add);
  } finally {
    work.remove();
    big.remove();
  }

  const warning = loadWarning(loadAtStart);
  process.stdout.write(
    `## klog log-core benchmark — ${startedAt.toISOString()}\n\n` +
      (warning ? `${warning}\n\n` : '') +
      `${o.records.toLocaleString('en-US')} records of ${o.keyBytes} B keys + ${o.valueBytes} B random values, one partition, fsync 'never'; ` +
      `each step in a fresh process (peak RSS = its VmHWM); open times are with a warm page cache.\n\n${table(rows)}\n`,
  );
  const file = writeJson(resultsDir, 'log-core', startedAt, {
    suite: 'log-core',
    startedAt: startedAt.toISOString(),
    machine: machine(),
    loadAverageAtStart: loadAtStart,
    options: o,
    rows,
  });
  process.stdout.write(`\nJSON: ${file}\n`);
}
