import { startBroker } from '@klog/broker';
import { KlogError, type FsyncPolicy } from '@klog/log-core';
import { pino, type Logger } from 'pino';
import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_BROKER } from '../broker-address.js';
import { prepareDataDir } from '../data-dir.js';
import { wholeNumberOption } from '../options.js';
import { parseSize } from '../size.js';
import { readPemFile } from '../tls-flags.js';
import type { Runtime } from '../runtime.js';

interface BrokerCommandArgs {
  'data-dir': string;
  'auto-create-topics': boolean;
  host: string;
  port: number;
  fsync: string;
  'compaction-bytes-per-second'?: string;
  'compaction-key-map'?: string;
  'log-level': string;
  'kafka-port'?: number;
  'allow-plain-without-tls': boolean;
  'http-port'?: number;
  'http-host'?: string;
  'console-read-only': boolean;
  'metrics-auth': boolean;
  'metrics-per-partition': boolean;
  'super-user'?: string[];
  authorize: boolean;
  'allow-anonymous': boolean;
  'tls-cert'?: string;
  'tls-key'?: string;
  'tls-ca'?: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const [DEFAULT_HOST, DEFAULT_PORT] = DEFAULT_BROKER.split(':');

export function parseFsync(text: string): FsyncPolicy {
  if (text === 'always' || text === 'never') return text;
  const ms = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(ms > 0)) throw new KlogError('INVALID_CONFIG', `--fsync must be never, always, or a number of milliseconds between syncs, got ${JSON.stringify(text)}`);
  return { intervalMs: ms };
}

/**
 * JSON lines for machines; colours and aligned text only when a person watches the terminal (pino-pretty is
 * loaded only then).
 */
async function makeLogger(level: string, toTerminal: boolean): Promise<Logger> {
  const options = { name: 'klog-broker', level };
  if (!toTerminal) return pino(options, pino.destination(2));
  const { default: pretty } = await import('pino-pretty');
  // The date too: a broker runs for days, and a time alone leaves a person guessing which day a line is from.
  return pino(options, pretty({ destination: 2, colorize: true, ignore: 'pid,hostname', translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l' }));
}

/** Runs the broker; when the Kafka listener's port is the one taken, the error names --kafka-port for the hint. */
async function namingTakenPort(kafkaPort: number | undefined, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { port?: number; flag?: string };
    if (e?.code === 'EADDRINUSE' && kafkaPort !== undefined && e.port === kafkaPort) e.flag = '--kafka-port';
    throw err;
  }
}

export function brokerCommand(rt: Runtime): CommandModule<object, BrokerCommandArgs> {
  return {
    command: 'broker',
    describe: 'Run a broker in the foreground on a data directory (Ctrl-C stops it cleanly)',
    builder: (y) => y
      .option('data-dir', { alias: 'd', type: 'string', default: './klog-data', describe: 'Directory holding the log (created if missing; one broker per directory)' })
      .option('host', { type: 'string', default: DEFAULT_HOST, describe: 'Interface to listen on (0.0.0.0 for all)' })
      .option('auto-create-topics', { type: 'boolean', default: true, describe: 'Create a topic when a producer first writes to it; --no-auto-create-topics makes writing to an unknown topic an error (reading never creates one)' })
      .option('super-user', { type: 'string', array: true, describe: 'A user every ACL check lets through (repeat for more): the operator\'s' })
      .option('authorize', { type: 'boolean', default: false, describe: 'Enforce ACLs even with no users (principals from client certificates); with users they always are' })
      .option('allow-anonymous', { type: 'boolean', default: false, describe: 'With no users, listen beyond loopback anyway (anyone who reaches the broker may do anything)' })
      .option('broker', { hidden: true })
      .option('tls', { hidden: true })
      .option('user', { hidden: true })
      .option('sasl-mechanism', { hidden: true })
      .option('tls-cert', { type: 'string', describe: 'Serve every listener (native, Kafka, HTTP) over TLS with this certificate (PEM); needs --tls-key' })
      .option('tls-key', { type: 'string', describe: 'Key of --tls-cert (PEM)' })
      .option('tls-ca', { type: 'string', describe: 'Require client certificates signed by this CA (PEM) on every listener (mTLS); the certificate\'s CN names the client' })
      .check((a) => {
        const kafkaPort = a['kafka-port'] as number | undefined;
        if (kafkaPort !== undefined && !(Number.isInteger(kafkaPort) && kafkaPort >= 0)) {
          throw new KlogError('INVALID_CONFIG', '--kafka-port must be a whole number (0 or more)');
        }
        if (Boolean(a['tls-cert']) !== Boolean(a['tls-key'])) {
          throw new KlogError('INVALID_CONFIG', '--tls-cert and --tls-key go together: give the broker\'s certificate and its key');
        }
        if (a['tls-ca'] && !a['tls-cert']) {
          throw new KlogError('INVALID_CONFIG', '--tls-ca requires client certificates over TLS: give --tls-cert and --tls-key too');
        }
        if (a.port === kafkaPort && a.port !== 0) {
          throw new KlogError('INVALID_CONFIG', `--port and --kafka-port are both ${a.port}: the two listeners need a port each; choose another --kafka-port`);
        }
        return true;
      })
      .option('port', { ...wholeNumberOption('--port'), default: Number(DEFAULT_PORT), describe: 'TCP port (0 picks a free one)' })
      .option('fsync', { type: 'string', default: 'never', describe: 'When to force data to disk: never (the OS decides), always (before each acknowledgement), or every N ms' })
      .option('compaction-bytes-per-second', { type: 'string', describe: 'How much log the cleaner of compacted topics may read per second, e.g. 16MiB (default 64MiB); it shares the event loop with appends' })
      .option('compaction-key-map', { type: 'string', describe: 'Memory for one compaction pass\'s key map, e.g. 256MiB (default 64MiB); a topic with more distinct keys is cleaned in several passes' })
      .option('kafka-port', { type: 'number', describe: 'Also serve the Kafka protocol on this port (kafka-python, kcat, kafkajs); off unless given' })
      .option('allow-plain-without-tls', { type: 'boolean', default: false, describe: 'Let Kafka clients log in with SASL PLAIN on a plaintext listener, and HTTP clients send Authorization: Basic over plain HTTP (passwords then cross the network in the clear); without it both need --tls-cert. SCRAM and the console\'s login form work either way' })
      .option('http-port', { type: 'number', describe: 'Serve the web console, its JSON API, /metrics, /livez and /readyz on this port; off unless given' })
      .option('http-host', { type: 'string', describe: 'Interface of the HTTP listener (default: --host)' })
      .option('console-read-only', { type: 'boolean', default: false, describe: 'The console and its API refuse every change (produce, offset resets)' })
      .option('metrics-auth', { type: 'boolean', default: false, describe: 'Once the broker has users, /metrics needs a user with describe on the cluster (Prometheus: basic_auth, over HTTPS); open otherwise' })
      .option('metrics-per-partition', { type: 'boolean', default: false, describe: 'Also export per-partition metric series (one series per partition per family)' })
      .option('log-level', { type: 'string', default: 'info', choices: LOG_LEVELS, describe: 'Least important log level shown' })
      .example('$0 broker', 'serve ./klog-data on 127.0.0.1:7420')
      .example('$0 broker --data-dir /var/lib/klog --port 9000 --fsync always', '')
      .example('$0 broker --http-port 7421', 'with the web console at http://127.0.0.1:7421/ and metrics at /metrics')
      .example('$0 broker --super-user admin', 'with users: admin may do anything; the others what ACLs allow (klog acl add)')
      .example('$0 broker --kafka-port 9092', 'also let Kafka clients in: kcat -b 127.0.0.1:9092 -L') as unknown as Argv<BrokerCommandArgs>,
    handler: (args) => namingTakenPort(args['kafka-port'], async () => {
      prepareDataDir(args['data-dir']);
      const broker = await startBroker({
        dataDir: args['data-dir'],
        autoCreateTopics: args['auto-create-topics'],
        host: args.host,
        port: args.port,
        fsync: parseFsync(args.fsync),
        compaction: {
          bytesPerSecond: args['compaction-bytes-per-second'] === undefined ? undefined : parseSize(args['compaction-bytes-per-second'], '--compaction-bytes-per-second'),
          keyMapBytes: args['compaction-key-map'] === undefined ? undefined : parseSize(args['compaction-key-map'], '--compaction-key-map'),
        },
        kafkaPort: args['kafka-port'],
        kafkaAllowPlainWithoutTls: args['allow-plain-without-tls'],
        httpAllowBasicWithoutTls: args['allow-plain-without-tls'],
        httpPort: args['http-port'],
        httpHost: args['http-host'],
        consoleReadOnly: args['console-read-only'],
        metricsAuth: args['metrics-auth'],
        metricsPerPartition: args['metrics-per-partition'],
        superUsers: args['super-user'],
        authorize: args.authorize,
        allowAnonymous: args['allow-anonymous'],
        tls: args['tls-cert'] && args['tls-key'] ? {
          cert: readPemFile(args['tls-cert'], '--tls-cert'),
          key: readPemFile(args['tls-key'], '--tls-key'),
          ca: args['tls-ca'] ? readPemFile(args['tls-ca'], '--tls-ca') : undefined,
        } : undefined,
        logger: await makeLogger(args['log-level'], rt.stderrIsTty),
      });
      if (!rt.stop.aborted) await new Promise((resolve) => rt.stop.addEventListener('abort', resolve, { once: true }));
      await broker.close();
    }),
  };
}
