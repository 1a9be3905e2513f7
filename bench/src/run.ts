/**
 * `npm run bench`: klog and its peers on the same workload, same machine, same run (`--suites queue`: as work
 * queues, RabbitMQ too). Prints markdown tables and writes the figures as JSON to bench/results/<timestamp>.json. `--suite log-core` runs the engine
 * benchmark instead (also `npm run bench:log-core`).
 */
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runLogCoreSuite } from './log-core-suite.js';
import { loadWarning, machine } from './machine.js';
import { parseArgs } from './options.js';
import { markdownReport, writeJson } from './report.js';
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
  const sideBySide = options.suites.some((s) => s !== 'queue');
  const rows: Row[] = sideBySide ? await runSideBySide(options) : [];
  const queue: QueueResults | null = options.suites.includes('queue') ? await runQueueSuite(options) : null;
  const measured = [...(sideBySide ? selectTargets(options.only) : []), ...(queue ? selectTargets(options.only, queuePeers.map((p) => p.target)) : [])];
  const versions: Record<string, string> = {};
  for (const t of measured) if (versions[t.system] === undefined || versions[t.system] === 'unknown') versions[t.system] = t.version();
  const header = [
    `## klog benchmark — ${startedAt.toISOString()}`,
    '',
    `${options.records.toLocaleString('en-US')} records of ${options.keyBytes} B keys + ${options.valueBytes} B random values; ` +
      `latency at ${options.latencyRate.toLocaleString('en-US')} rec/s for ${options.latencySeconds} s; ` +
      `Node ${process.version}, ${availableParallelism()} CPUs. Versions: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
  ];
  const warning = loadWarning(loadAtStart);
  if (warning) header.push('', warning);
  if (queue) {
    header.push(
      '',
      `Queue suite: ${options.queueRecords.toLocaleString('en-US')} records of ${options.keyBytes} B keys + ${options.valueBytes} B values per case; ` +
        `workers hold ${options.queueConcurrency} records each, spread over at most ${options.queueProcesses} processes; lock ${options.lockMs} ms for redelivery.`,
    );
  }
  process.stdout.write(markdownReport(rows, header));
  if (queue) process.stdout.write(`\n${queueMarkdown(queue).join('\n')}`);
  const suiteName = sideBySide ? 'side-by-side' : 'queue';
  const file = writeJson(options.resultsDir, suiteName, startedAt, {
    suite: suiteName,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: machine(),
    loadAverageAtStart: loadAtStart,
    versions,
    options,
    rows,
    ...(queue ? { queue } : {}),
  });
  process.stdout.write(`\nJSON: ${file}\n`);
}

try {
  await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
