import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { klogBasis } from './basis.js';
import type { CaseSummary } from './cases.js';
import { fmt } from './format.js';
import { goalLines, type GoalResult } from './goals.js';
import type { RowSuite } from './row.js';
import type { Spread } from './spread.js';


/** "median (min–max)"; just the median when the runs agree to the digits shown, or there was one run. */
export function fmtSpread(s: Spread | null, digits = 0): string {
  if (s === null || s.count === 0) return '';
  const median = fmt(s.median, digits);
  const min = fmt(s.min, digits);
  const max = fmt(s.max, digits);
  return s.count === 1 || min === max ? median : `${median} (${min}–${max})`;
}

/** a ÷ b of two medians, as "1.23×". */
export function ratio(a: number | undefined, b: number | undefined): string {
  return a !== undefined && b !== undefined && b > 0 && Number.isFinite(a) && Number.isFinite(b) ? `${fmt(a / b, 2)}×` : '—';
}

function skippedLine(c: CaseSummary, columns: number): string {
  const cells = [c.system, c.setting, c.client, c.phase, `skipped: ${c.failures.join('; ')}`];
  return `| ${[...cells, ...new Array<string>(columns - cells.length).fill('')].join(' | ')} |`;
}

/** A note after a case some of whose runs failed, so a median of fewer runs is not taken for a full one. */
function failureNotes(cases: readonly CaseSummary[]): string[] {
  return cases
    .filter((c) => c.runs > 0 && c.failures.length > 0)
    .map((c) => `- ${c.system}:${c.setting} ${c.caseName} ${c.phase}: ${c.runs} run(s) measured; ${c.failures.join('; ')}`);
}

const SIDE_BY_SIDE_HEAD = [
  '| system | setting | client | fsync | phase | parts | records | rec/s | MB/s | p50 ms | p99 ms | p999 ms | peak RSS MB | server CPU s | client CPU s | client CPU s per M | klog÷peer rec/s | klog÷peer p99 | vs |',
  '|---|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
];

function sideBySideTable(cases: readonly CaseSummary[]): string[] {
  const lines = [...SIDE_BY_SIDE_HEAD];
  for (const c of cases) {
    if (c.runs === 0) {
      lines.push(skippedLine(c, 19));
      continue;
    }
    const basis = klogBasis(cases, c);
    const isLatency = c.p99Ms !== null;
    lines.push(
      `| ${c.system} | ${c.setting} | ${c.client} | ${c.fsyncClass} | ${c.phase} | ${c.partitions} | ${fmt(c.records)} | ${fmtSpread(c.recordsPerSec)} | ${fmt(c.mbPerSec.median, 1)} | ` +
        `${fmtSpread(c.p50Ms, 2)} | ${fmtSpread(c.p99Ms, 2)} | ${fmtSpread(c.p999Ms, 2)} | ` +
        `${fmt(c.peakRssMb.median)} | ${fmtSpread(c.serverCpuSeconds, 1)} | ${fmtSpread(c.clientCpuSeconds, 1)} | ${fmtSpread(c.clientCpuPerMillion, 2)} | ` +
        `${basis && !isLatency ? ratio(basis.recordsPerSec.median, c.recordsPerSec.median) : ''} | ` +
        `${basis && isLatency ? ratio(basis.p99Ms?.median, c.p99Ms?.median) : ''} | ${basis ? `${basis.system}:${basis.setting}` : ''} |`,
    );
  }
  return lines;
}

/** The scale case of the same system and setting at one partition and the default value size: what "÷ 1 partition" divides by. */
function onePartitionCase(cases: readonly CaseSummary[], c: CaseSummary): CaseSummary | undefined {
  return cases.find((o) => o.suite === 'scale' && o.caseName === 'scale-p1' && o.system === c.system && o.setting === c.setting && o.runs > 0);
}

function scaleTable(cases: readonly CaseSummary[]): string[] {
  const lines = [
    '| system | setting | parts | value B | records | rec/s | MB/s | ÷ 1 partition | peak RSS MB | server CPU s | client CPU s | client CPU s per M |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const c of cases) {
    const one = c.caseName.startsWith('scale-p') ? onePartitionCase(cases, c) : undefined;
    lines.push(
      `| ${c.system} | ${c.setting} | ${c.partitions} | ${fmt(c.valueBytes)} | ${fmt(c.records)} | ${fmtSpread(c.recordsPerSec)} | ${fmt(c.mbPerSec.median, 1)} | ` +
        `${one ? ratio(c.recordsPerSec.median, one.recordsPerSec.median) : ''} | ` +
        `${fmt(c.peakRssMb.median)} | ${fmtSpread(c.serverCpuSeconds, 1)} | ${fmtSpread(c.clientCpuSeconds, 1)} | ${fmtSpread(c.clientCpuPerMillion, 2)} |`,
    );
  }
  return lines;
}

/** Capacity, producers and engine cases: throughput only, with who drove the system. */
function throughputTable(cases: readonly CaseSummary[], withRatio: boolean): string[] {
  const lines = [
    `| system | setting | client | phase | parts | records | rec/s | MB/s | peak RSS MB | server CPU s | client CPU s | client CPU s per M |${withRatio ? ' klog÷peer rec/s | vs |' : ''}`,
    `|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|${withRatio ? '--:|---|' : ''}`,
  ];
  for (const c of cases) {
    if (c.runs === 0) {
      lines.push(skippedLine(c, withRatio ? 14 : 12));
      continue;
    }
    const basis = withRatio ? klogBasis(cases, c) : undefined;
    lines.push(
      `| ${c.system} | ${c.setting} | ${c.client} | ${c.phase} | ${c.partitions} | ${fmt(c.records)} | ${fmtSpread(c.recordsPerSec)} | ${fmt(c.mbPerSec.median, 1)} | ` +
        `${fmt(c.peakRssMb.median)} | ${fmtSpread(c.serverCpuSeconds, 1)} | ${fmtSpread(c.clientCpuSeconds, 1)} | ${fmtSpread(c.clientCpuPerMillion, 2)} |` +
        (withRatio ? ` ${basis ? ratio(basis.recordsPerSec.median, c.recordsPerSec.median) : ''} | ${basis ? `${basis.system}:${basis.setting} (${basis.client})` : ''} |` : ''),
    );
  }
  return lines;
}

function goalTable(goals: readonly GoalResult[]): string[] {
  return ['| goal | target | measured (median) | |', '|---|---|--:|---|', ...goalLines(goals)];
}

export function markdownReport(cases: readonly CaseSummary[], goals: readonly GoalResult[], header: string[]): string {
  const of = (...suites: RowSuite[]): CaseSummary[] => cases.filter((c) => suites.includes(c.suite));
  const sideBySide = of('throughput', 'latency');
  const scale = of('scale').filter((c) => c.runs > 0);
  const capacity = of('capacity');
  const producers = of('producers');
  const engine = of('engine');
  const out = [...header, ''];
  if (sideBySide.length > 0) {
    out.push('### Side by side', '', ...sideBySideTable(sideBySide), '');
    out.push(
      'Each figure is the median over the runs, with the lowest and highest run in brackets. klog÷peer rec/s: klog\'s median throughput over the peer\'s ' +
        '(above 1 = klog faster). klog÷peer p99: klog\'s median p99 latency over the peer\'s (below 1 = klog lower). "vs" names the klog case used: ' +
        'the broker at the same fsync class when measured, else embedded. klog-kafka (kafkajs on the broker\'s Kafka listener) is compared like a ' +
        'peer: its ratio is klog\'s own client over kafkajs.',
      'Peak RSS and server CPU are of the server process; for klog-embedded they are of this process, which also runs the client. ' +
        'Client CPU s per M: the client process\'s user+sys CPU per million records.',
      '',
    );
  }
  if (scale.length > 0) {
    out.push('### klog scale (produce)', '', ...scaleTable(scale), '', '÷ 1 partition: this case\'s median rec/s over the 1-partition case\'s (same records, same value size).', '');
  }
  if (capacity.length > 0) {
    out.push(
      '### Server capacity (C clients, no Node client in the way)',
      '',
      ...throughputTable(capacity, true),
      '',
      'kcat (librdkafka) through klog\'s Kafka listener: produce from a file of 100 B lines, then consume them from the beginning (exiting after the last). ' +
        'redis-benchmark: pipelined XADD (100 per round trip, one connection) of a 100 B field; rec/s is its own requests/s. ' +
        'Client CPU is the C client process\'s.',
      '',
    );
  }
  if (producers.length > 0) out.push('### Several producer processes, one broker', '', ...throughputTable(producers, false), '', 'rec/s is all producers\' records over the time from the start signal until the last one finished; client CPU is theirs, summed.', '');
  if (engine.length > 0) out.push('### log-core alone (each step a fresh process, one partition, fsync never)', '', ...throughputTable(engine, false), '', 'Server CPU and peak RSS are of the step\'s process (the whole of the work).', '');
  const notes = failureNotes(cases);
  if (notes.length > 0) out.push('### Runs that failed', '', ...notes, '');
  if (goals.length > 0) out.push('### Goals', '', ...goalTable(goals), '');
  return out.join('\n');
}

/** Writes <dir>/<prefix>-<timestamp>.json: kept on this machine (git-ignored by its timestamped name). */
export function writeJson(dir: string, prefix: string, startedAt: Date, body: object): string {
  return writeJsonTo(join(dir, `${prefix}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`), body);
}

/** Writes `body` to `file` as indented JSON, creating its folder. */
export function writeJsonTo(file: string, body: object): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}
