import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { brokerCommand } from './commands/broker.js';
import { consumeCommand } from './commands/consume.js';
import { groupCommand } from './commands/group.js';
import { produceCommand } from './commands/produce.js';
import { queueCommand } from './commands/queue.js';
import { taskCommand } from './commands/task.js';
import { topicCommand } from './commands/topic.js';
import { userCommand } from './commands/user.js';
import { aclCommand } from './commands/acl.js';
import { workerCommand } from './commands/worker.js';
import { joinTimeAgoValues } from './argv.js';
import { DEFAULT_BROKER } from './broker-address.js';
import { commandPath, inCliVoice, type HintContext } from './cli-voice.js';
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

/** The commands and their subcommands, to name the command in hints. */
const COMMANDS: ReadonlyMap<string, readonly string[]> = new Map([
  ['broker', []], ['produce', []], ['consume', []],
  ['topic', ['create', 'list', 'describe', 'delete']], ['group', ['list', 'describe', 'reset-offsets', 'delete']],
  ['queue', ['create', 'list', 'describe', 'redrive', 'reset', 'delete']],
  ['user', ['add', 'list', 'remove']],
  ['worker', []], ['task', ['status', 'list', 'retry', 'revoke']],
]);

/** The names a failed command line was about, read from what the parser made of it (when it got that far). */
function hintContext(argv: string[], parsed: Record<string, unknown> | undefined): HintContext {
  const first = (v: unknown): string | undefined => (Array.isArray(v) ? first(v[0]) : typeof v === 'string' ? v : undefined);
  const command = commandPath(argv.filter((a) => !a.startsWith('-')), COMMANDS);
  const topic = first(parsed?.topic) ?? (command.startsWith('topic') ? first(parsed?.name) : undefined);
  return { command, topic, group: first(parsed?.group), queue: first(parsed?.queue) };
}

/** How the command line was started: `stoppedBeforeStart` when Ctrl-C or SIGTERM came while the CLI was loading. */
export interface MainOptions {
  readonly stoppedBeforeStart?: boolean;
}

/** Runs the klog command line; resolves with the process exit code. Errors become one line on stderr. */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const stop = new AbortController();
  stopOnSignals(stop);
  if (options.stoppedBeforeStart === true) stop.abort();
  const rt: Runtime = {
    out: new Output(process.stdout, () => stop.abort()),
    stop: stop.signal,
    note: (line) => void process.stderr.write(`${line}\n`),
    stderrIsTty: process.stderr.isTTY === true,
    stdinIsTty: process.stdin.isTTY === true,
    env: process.env,
  };
  const debug = process.env.KLOG_DEBUG === '1';
  let parsed: Record<string, unknown> | undefined;
  const cli = yargs(joinTimeAgoValues(argv))
    .scriptName('klog')
    // Not greedy: an array option takes one value per flag, so `--header a=b hi` leaves `hi` to the positionals.
    // `populate--`: what follows `--` is kept apart, so commands can take it as values however it looks.
    .parserConfiguration({ 'camel-case-expansion': false, 'greedy-arrays': false, 'populate--': true })
    .usage('klog — a Kafka-style log for Node.js\n\nUsage: $0 <command> [options]')
    .option('broker', { alias: 'b', type: 'string', global: true, describe: `Broker host:port (default: $KLOG_BROKER, else ${DEFAULT_BROKER})` })
    .option('tls', { type: 'boolean', global: true, describe: 'Connect to the broker with TLS (default: $KLOG_TLS=1)' })
    .option('tls-ca', { type: 'string', global: true, describe: 'CA certificate (PEM) that signed the broker\'s; implies --tls (default: $KLOG_TLS_CA)' })
    .option('tls-cert', { type: 'string', global: true, describe: 'Client certificate (PEM), for a broker that requires one (default: $KLOG_TLS_CERT)' })
    .option('tls-key', { type: 'string', global: true, describe: 'Key of --tls-cert (PEM) (default: $KLOG_TLS_KEY)' })
    .option('user', { type: 'string', global: true, describe: 'Authenticate as this user (SCRAM); password from $KLOG_PASSWORD, else asked (default: $KLOG_USER)' })
    .option('sasl-mechanism', { type: 'string', global: true, choices: ['scram-sha-256', 'scram-sha-512'], describe: 'How --user authenticates (default: $KLOG_SASL_MECHANISM, else scram-sha-256)' })
    .command(brokerCommand(rt))
    .command(produceCommand(rt))
    .command(consumeCommand(rt))
    .command(topicCommand(rt))
    .command(groupCommand(rt))
    .command(queueCommand(rt))
    .command(userCommand(rt))
    .command(aclCommand(rt))
    .command(workerCommand(rt))
    .command(taskCommand(rt))
    .demandCommand(1, 'say which command to run (klog --help lists them)')
    .example('$0 broker', 'start a broker on ./klog-data, port 7420')
    .example('$0 produce notification hello', 'send a record')
    .example('$0 consume notification --group g1', 'read it, as consumer group g1')
    .strict()
    .help()
    .alias('h', 'help')
    .version(packageVersion())
    .alias('v', 'version')
    // Wrapped to a terminal's width; piped (to grep, or a test running the examples), each entry stays on one line.
    .wrap(process.stdout.isTTY ? Math.min(110, process.stdout.columns ?? 110) : null)
    .middleware((a) => void (parsed = a))
    .fail((message, err) => {
      // A check or coerce that threw is wrapped by yargs as a YError; its own KlogErrors pass as they are.
      if (err && err.name === 'YError') throw new UsageError(err.message);
      throw err ?? new UsageError(message);
    });
  try {
    await cli.parseAsync();
    return 0;
  } catch (err) {
    process.stderr.write(`${inCliVoice(errorLine(err, debug), hintContext(argv, parsed))}\n`);
    return 1;
  }
}
