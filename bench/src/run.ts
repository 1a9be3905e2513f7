/**
 * `npm run bench`: klog and its peers on the same workload, same machine, same run, every case `--runs` times
 * (`--suites queue`: as work queues, RabbitMQ too). Prints markdown tables of medians and ranges and a summary of
 * the goals, and writes every run's figures as JSON to bench/results/side-by-side-<timestamp>.json (and to
 * `--save-as`). `--suite log-core` runs the engine benchmark instead (also `npm run bench:log-core`).
 */
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runLogCoreSuite } from './log-core-suite.js';
import { loadWarning, machine } from './machine.js';
import { parseArgs, SIDE_BY_SIDE_SUITES } from './options.js';
import { summarizeCases } from './cases.js';
import { evaluateGoals } from './goals.js';
import { provenance } from './provenance.js';
import { markdownReport, writeJson, writeJsonTo } from './report.js';
import { queuePeers } from './queue/peers/registry.js';
import { queueMarkdown } from './queue/report.js';
import { runQueueSuite, type QueueResults } from './queue/suite.js';
import type { Row } from './row.js';
import { runSideBySide } from './side-by-side.js';
import { selectTargets } from './targets/registry.js';
import { runTasksSuiteFirst } from './tasks/suite.js';

const RESULTS_DIR = fileURLToPath(new URL('../results', import.meta.url));

async function main(argv: string[]): Promise<void> {
  const suiteAt = argv.indexOf('--suite');
  const suite = suiteAt >= 0 ? argv[suiteAt + 1] : 'side-by-side';
  const rest = suiteAt >= 0 ? [...argv.slice(0, suiteAt), ...argv.slice(suiteAt + 2)] : argv;
  if (suite === 'log-core') return runLogCoreSuite(rest, RESULTS_DIR);
  if (suite !== 'side-by-side') throw new Error(`--suite is side-by-side or log-core, got "${suite}"`);

  const options = parseArgs(rest, RESULTS_DIR);
  if (await runTasksSuiteFirst(options, rest)) return; // the tasks suite has its own systems and report
  const startedAt = new Date();
  const loadAtStart = loadavg()[0];
  // The queue suite has its own systems and report; the others share the side-by-side targets.
  const sideBySide = options.suites.some((s) => SIDE_BY_SIDE_SUITES.includes(s));
  const rows: Row[] = sideBySide ? await runSideBySide(options) : [];
  const queue: QueueResults | null = options.suites.includes('queue') ? await runQueueSuite(options) : null;
  const measured = [...(sideBySide ? selectTargets(options.only) : []), ...(queue ? selectTargets(options.only, queuePeers.map((p) => p.target)) : [])];
  const versions: Record<string, string> = {};
  for (const t of measured) if (versions[t.system] === undefined || versions[t.system] === 'unknown') versions[t.system] = t.version();
  const header = [
    `## klog benchmark — ${startedAt.toISOString()}`,
    '',
    `${options.runs} run(s) of every case, interleaved (each round runs every system once); figures are medians (min–max in brackets). ` +
      `${options.records.toLocaleString('en-US')} records of ${options.keyBytes} B keys + ${options.valueBytes} B random values; ` +
      `latency at ${options.latencyRate.toLocaleString('en-US')} rec/s for ${options.latencySeconds} s; ` +
      `Node ${process.version}, ${availableParallelism()} CPUs. Versions: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
  ];
  const extra: string[] = [];
  if (options.suites.includes('capacity')) extra.push(`capacity: ${options.capacityRecords.toLocaleString('en-US')} records per C-client phase`);
  if (options.suites.includes('producers')) extra.push(`producers: ${options.producerProcesses} processes on a ${options.producerPartitions}-partition topic`);
  if (options.suites.includes('engine')) extra.push(`engine: ${options.engineRecords.toLocaleString('en-US')} records`);
  if (extra.length > 0) header.push('', `${extra.join('; ')}.`);
  const warning = loadWarning(loadAtStart);
  if (warning) header.push('', warning);
  if (queue) {
    header.push(
      '',
      `Queue suite: ${options.queueRecords.toLocaleString('en-US')} records of ${options.keyBytes} B keys + ${options.valueBytes} B values per case; ` +
        `workers hold ${options.queueConcurrency} records each, spread over at most ${options.queueProcesses} processes; lock ${options.lockMs} ms for redelivery.`,
    );
  }
  const cases = summarizeCases(rows);
  // The goals are about a full run: a run of some suites or targets leaves most of them unmeasured.
  const goals = sideBySide ? evaluateGoals(cases) : [];
  process.stdout.write(markdownReport(cases, goals, header));
  if (queue) process.stdout.write(`\n${queueMarkdown(queue).join('\n')}`);
  const suiteName = sideBySide ? 'side-by-side' : 'queue';
  const body = {
    suite: suiteName,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    ...provenance(),
    machine: machine(),
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: loadavg()[0],
    versions,
    options,
    /** Per case: medians and ranges over the runs, what the tables print. */
    cases,
    goals,
    /** Every run's own figures. */
    rows,
    ...(queue ? { queue } : {}),
  };
  const file = writeJson(options.resultsDir, suiteName, startedAt, body);
  process.stdout.write(`\nJSON: ${file}\n`);
  if (options.saveAs !== null) process.stdout.write(`JSON kept: ${writeJsonTo(options.saveAs, body)}\n`);
}

try {
  await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
