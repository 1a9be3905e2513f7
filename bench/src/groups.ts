/**
 * `npm run bench:groups`: consumer groups. Rebalance time for groups of 1, 10 and 50 members on a
 * 100-partition topic (all start at once, one joins, one leaves), per assignor; and the read throughput of a
 * 3-member group against a single group consumer on 6 partitions. The broker runs in a child process.
 * Markdown on stdout, progress on stderr, JSON in bench/results/groups-<time>.json.
 */
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createClient } from '@klog/client';
import { startBrokerChild } from './groups/broker-child.js';
import { SESSION_TIMEOUT_MS } from './groups/group-member.js';
import { parseGroupArgs } from './groups/options.js';
import { rebalanceSuite } from './groups/rebalance-suite.js';
import { rebalanceTable, throughputTable } from './groups/report.js';
import { groupThroughput, type ThroughputRow } from './groups/throughput-suite.js';
import { TRICKLE_MS } from './groups/trickle.js';
import { loadWarning, machine } from './machine.js';
import { writeJson } from './report.js';

const RESULTS_DIR = fileURLToPath(new URL('../results', import.meta.url));

async function main(argv: string[]): Promise<void> {
  const o = parseGroupArgs(argv, RESULTS_DIR);
  const startedAt = new Date();
  const loadAtStart = loadavg()[0];
  const broker = await startBrokerChild();
  const client = createClient({ brokers: [broker.address] });
  try {
    const rebalance = await rebalanceSuite(client, broker.address, o.assignors, o.members, o.rebalancePartitions, o.repeats);
    const shape = { records: o.records, keyBytes: o.keyBytes, valueBytes: o.valueBytes, partitions: o.throughputPartitions };
    const throughput: ThroughputRow[] = [];
    for (const members of [1, o.groupSize]) throughput.push(await groupThroughput(client, broker.address, broker.pid, members, shape));

    const warning = loadWarning(loadAtStart);
    const out = [
      `## klog consumer groups — ${startedAt.toISOString()}`,
      '',
      `Node ${process.version}, ${availableParallelism()} CPUs; broker in a child process (fsync 'never'), loopback.`,
      ...(warning ? ['', warning] : []),
      '',
      `### Rebalance time (${o.rebalancePartitions}-partition topic, sessionTimeoutMs ${SESSION_TIMEOUT_MS})`,
      '',
      ...rebalanceTable(rebalance),
      '',
      'All members run in this process, each on its own client and connections. "start": the clock starts as all N subscribe and run; ' +
        '"join": one more member runs in the settled group; "leave": that member calls close(). ' +
        '"stable": the first describeGroup answer (polled every 5 ms) showing state Stable, exactly the expected members and all ' +
        `partitions owned once, with every member holding that assignment locally. "all consuming": from then on every member has ` +
        `received a message (a producer writes one record to every partition every ${TRICKLE_MS} ms). ` +
        `Members already in the group learn of a rebalance from their next heartbeat (every heartbeatIntervalMs, 1 s by default), ` +
        'so joins and leaves take up to one heartbeat interval plus the rejoin. Each member restarts its heartbeat timer when it (re)joins, so right ' +
        'after a rebalance all timers are in phase; as each event here follows the previous settle at once, it waits nearly a full interval (close ' +
        'to the worst case; an event at a random moment would wait about half an interval less). "generations" > 1 at start: the first join formed ' +
        'a generation on its own before the others arrived.',
      '',
      `### Read throughput: one group consumer vs a ${o.groupSize}-member group (${o.throughputPartitions} partitions)`,
      '',
      ...throughputTable(throughput),
      '',
      `${o.records.toLocaleString('en-US')} records of ${o.keyBytes} B keys + ${o.valueBytes} B random values, produced before the clock starts. ` +
        'Each member is a process of its own (eachBatch, range assignor, auto-commit every 5 s), so a group can use more than one core. ' +
        'The group forms Stable on the empty topic first; the topic is then filled and the clock runs from "go" until every member has processed its ' +
        'partitions to their end. "held at gate": records a member had fetched (and held in its handler) while the topic was being filled — at least ' +
        'that many were read from the broker before the clock started.',
      '',
    ];
    process.stdout.write(out.join('\n'));
    const file = writeJson(o.resultsDir, 'groups', startedAt, {
      suite: 'groups',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: machine(),
      loadAverageAtStart: loadAtStart,
      options: o,
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      rebalance,
      throughput,
    });
    process.stdout.write(`\nJSON: ${file}\n`);
  } finally {
    await client.close();
    await broker.stop();
  }
}

try {
  await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`bench groups: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
}
