import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { brokerCommand } from './commands/broker.js';
import { consumeCommand } from './commands/consume.js';
import { groupCommand } from './commands/group.js';
import { produceCommand } from './commands/produce.js';
import { topicCommand } from './commands/topic.js';
import { joinTimeAgoValues } from './argv.js';
import { DEFAULT_BROKER } from './broker-address.js';
import { errorLine, UsageError } from './errors.js';
import { Output } from './output.js';
import type { Runtime } from './runtime.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Ctrl-C and SIGTERM ask the running command to finish cleanly (flush, commit, close); a second one means "now".
 */
function stopOnSignals(stop: AbortController): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stop.signal.aborted) process.exit(130);
      stop.abort();
    });
  }
}

/** Runs the klog command line; resolves with the process exit code. Errors become one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  const stop = new AbortController();
  stopOnSignals(stop);
  const rt: Runtime = {
    out: new Output(process.stdout, () => stop.abort()),
    stop: stop.signal,
    note: (line) => void process.stderr.write(`${line}\n`),
    stderrIsTty: process.stderr.isTTY === true,
    env: process.env,
  };
  const debug = process.env.KLOG_DEBUG === '1';
  const cli = yargs(joinTimeAgoValues(argv))
    .scriptName('klog')
    .parserConfiguration({ 'camel-case-expansion': false })
    .usage('klog — a Kafka-style log for Node.js\n\nUsage: $0 <command> [options]')
    .option('broker', { alias: 'b', type: 'string', global: true, describe: `Broker host:port (default: $KLOG_BROKER, else ${DEFAULT_BROKER})` })
    .command(brokerCommand(rt))
    .command(produceCommand(rt))
    .command(consumeCommand(rt))
    .command(topicCommand(rt))
    .command(groupCommand(rt))
    .demandCommand(1, 'say which command to run (klog --help lists them)')
    .example('$0 broker', 'start a broker on ./klog-data, port 7420')
    .example('$0 produce notification hello', 'send a record')
    .example('$0 consume notification --group g1', 'read it, as consumer group g1')
    .strict()
    .help()
    .alias('h', 'help')
    .version(packageVersion())
    .alias('v', 'version')
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((message, err) => {
      throw err ?? new UsageError(message);
    });
  try {
    await cli.parseAsync();
    return 0;
  } catch (err) {
    process.stderr.write(`${errorLine(err, debug)}\n`);
    return 1;
  }
}
