import { readFile } from 'node:fs/promises';
import type { Admin, Producer, ProducerMessage, RecordMetadata } from '@klog/client';
import { COMPRESSIONS, isKlogError, KlogError, type Compression } from '@klog/log-core';
import type { Argv, CommandModule } from 'yargs';
import { untilAborted } from '../abortable.js';
import { withClient, type BrokerArgs } from '../client-session.js';
import { deliverAtEntry, deliveryTimeOf, type DeliveryTimeArgs } from '../delivery-time.js';
import { parseHeaderFlags, producerHeaders } from '../headers.js';
import { readLineChunks, splitKeyValue } from '../line-reader.js';
import { unescape } from '../escapes.js';
import { refuseTogether, wholeNumberOption } from '../options.js';
import { startProgress, wantsProgress } from '../progress.js';
import type { Runtime } from '../runtime.js';
import { maxRecordBytesOf } from '../topic-configs.js';

interface ProduceArgs extends BrokerArgs, DeliveryTimeArgs {
  topic: string;
  value?: string[];
  '--'?: (string | number)[];
  key?: string;
  partition?: number;
  header?: string[];
  'key-separator'?: string;
  delimiter?: string;
  'allow-empty'?: boolean;
  file?: string[];
  acks: string;
  compression: Compression;
  quiet: boolean;
}

/**
 * Sends in flight at once, and their bytes. Several sends overlap so that reading stdin, the network and the
 * broker's disk work at the same time; the byte bound stays well below the producer's own buffer (32 MiB), so a
 * send never waits inside the producer and chunks reach the log in the order they were read.
 */
const MAX_SENDS_IN_FLIGHT = 16;
const MAX_BYTES_IN_FLIGHT = 8 * 1024 * 1024;

function parseAcks(text: string): 0 | 1 | 'all' {
  if (text === '0' || text === '1') return Number(text) as 0 | 1;
  if (text === 'all' || text === '-1') return 'all';
  throw new KlogError('INVALID_CONFIG', `--acks must be 0, 1 or all, got ${JSON.stringify(text)}`);
}

/** Generous upper bound of what the producer counts for a message, so our bound is the one that binds. */
function sizeOf(m: ProducerMessage, headerBytes: number): number {
  return 64 + headerBytes + (Buffer.isBuffer(m.key) || typeof m.key === 'string' ? Buffer.byteLength(m.key) : 0)
    + (Buffer.isBuffer(m.value) || typeof m.value === 'string' ? Buffer.byteLength(m.value) : 0);
}

function where(md: RecordMetadata): string {
  // With acks 0 the broker does not answer, so there is no offset to show.
  return md.offset >= 0 ? `${md.topic}/${md.partition}@${md.offset}\n` : `${md.topic}/${md.partition}\n`;
}

/** The values given on the command line, those after `--` included (they may look like flags: `-- -1`). */
function argumentValues(args: ProduceArgs): string[] {
  return [...(args.value ?? []), ...(args['--'] ?? [])].map(String);
}

/** The largest record the topic takes, so an oversized stdin record fails as soon as it is read that far. */
async function recordLimit(admin: Admin, topic: string): Promise<number> {
  try {
    return maxRecordBytesOf((await admin.metadata([topic]))[0]);
  } catch (err) {
    if (isKlogError(err, 'UNKNOWN_TOPIC')) return maxRecordBytesOf(undefined);
    throw err;
  }
}

/** The messages to send, in chunks: the arguments as one chunk, each --file as one record, or stdin a chunk of records at a time. */
async function* messageChunks(args: ProduceArgs, rt: Runtime, limit: number): AsyncGenerator<ProducerMessage[]> {
  // In order, duplicates kept: repeated --header flags arrive as given.
  const flags = parseHeaderFlags(args.header ?? []);
  // A --delay counts from when each chunk is read, so a record typed a minute in is held back as long as the first.
  const baseNow = (): Omit<ProducerMessage, 'value'> => {
    const deliverAt = deliveryTimeOf(args, Date.now());
    const list = deliverAt === undefined ? flags : [...flags, deliverAtEntry(deliverAt)];
    return { key: args.key, partition: args.partition, ...(list.length > 0 ? { headers: producerHeaders(list) } : {}) };
  };
  const base = baseNow();
  const values = argumentValues(args);
  if (values.length > 0) {
    yield values.map((value) => ({ ...base, value }));
    return;
  }
  if (args.file && args.file.length > 0) {
    for (const path of args.file) {
      const value = await readFile(path).catch((err: NodeJS.ErrnoException) => {
        throw new KlogError('INVALID_CONFIG', `--file ${path}: cannot read it (${err.code ?? err.message})`);
      });
      if (value.length > limit) throw new KlogError('RECORD_TOO_LARGE', `record too large (${value.length} bytes, limit ${limit}): --file ${path}`);
      yield [{ ...base, value }];
    }
    return;
  }
  const separator = args['key-separator'] ? Buffer.from(unescape(args['key-separator'])) : null;
  const delimiter = args.delimiter === undefined ? undefined : Buffer.from(unescape(args.delimiter));
  const records = readLineChunks(untilAborted(process.stdin, rt.stop), { delimiter, maxLineBytes: limit, keepEmpty: args['allow-empty'] });
  for await (const lines of records) {
    const chunkBase = args.delay === undefined ? base : baseNow();
    yield lines.map((line) => (separator ? { ...chunkBase, ...splitKeyValue(line, separator) } : { ...chunkBase, value: line }));
  }
}

interface InFlight {
  /** Settles once the send is acknowledged (or failed) and its acknowledgements are printed. */
  settled: Promise<void>;
  bytes: number;
}

/**
 * Sends chunk after chunk, several in flight; acknowledgements are printed (and counted in the progress line) in
 * order as each send completes, not only at the end, so an interactive session sees each line acknowledged.
 * Ctrl-C ends the reading at once; what was read is still sent and acknowledged before the command exits.
 */
async function produce(args: ProduceArgs, rt: Runtime, producer: Producer, limit: number): Promise<void> {
  const progress = startProgress(process.stderr, wantsProgress({ stderr: rt.stderrIsTty, stdin: rt.stdinIsTty }), `${args.topic}: produced`);
  const headerBytes = (args.header ?? []).reduce((n, h) => n + 16 + Buffer.byteLength(h), 0) + (args.delay ?? args['deliver-at'] ? 48 : 0);
  const inFlight: InFlight[] = [];
  let bytesInFlight = 0;
  let acked = 0;
  let failed = 0;
  let firstError: unknown = null;
  let printed: Promise<void> = Promise.resolve();

  try {
    for await (const messages of messageChunks(args, rt, limit)) {
      const bytes = messages.reduce((n, m) => n + sizeOf(m, headerBytes), 0);
      while (inFlight.length > 0 && (inFlight.length >= MAX_SENDS_IN_FLIGHT || bytesInFlight + bytes > MAX_BYTES_IN_FLIGHT)) {
        const oldest = inFlight.shift()!;
        await oldest.settled;
        bytesInFlight -= oldest.bytes;
      }
      if (firstError) break;
      const result = producer.send({ topic: args.topic, messages });
      result.catch(() => undefined); // observed in the chain below; this keeps it from counting as unhandled meanwhile
      printed = printed.then(async () => {
        try {
          const sent = await result;
          acked += sent.length;
          progress.count(sent.length);
          if (!args.quiet) await rt.out.write(sent.map(where).join(''));
        } catch (err) {
          failed += messages.length;
          firstError ??= err;
        }
      });
      inFlight.push({ settled: printed, bytes });
      bytesInFlight += bytes;
    }
  } catch (err) {
    firstError ??= err;
  } finally {
    await printed;
    progress.stop();
  }
  if (firstError) {
    // When some records went through, say how many did not; the error itself follows.
    if (acked > 0) rt.note(`klog: ${acked} record(s) acknowledged${failed > 0 ? `, ${failed} not` : ''}`);
    throw firstError;
  }
}

export function produceCommand(rt: Runtime): CommandModule<object, ProduceArgs> {
  return {
    command: 'produce <topic> [value..]',
    describe: 'Send records to a topic: the values given, each --file, or one per line of stdin',
    builder: (y) => (y as Argv<BrokerArgs>)
      .positional('topic', { type: 'string', demandOption: true, describe: 'Topic to send to (created if it does not exist, unless the broker runs with --no-auto-create-topics)' })
      .positional('value', { type: 'string', array: true, describe: 'Values to send, one record each; after -- anything is a value, even -x. Without any, stdin is read' })
      .option('key', { alias: 'k', type: 'string', describe: 'Key of every record (records with the same key go to the same partition)' })
      .option('partition', { alias: 'p', ...wholeNumberOption('--partition'), describe: 'Send to this partition instead of choosing by key' })
      .option('header', { alias: 'H', type: 'string', array: true, describe: 'A header k=v on every record; repeat it for more, order and duplicates are kept' })
      .option('key-separator', { alias: 'K', type: 'string', describe: 'Split each stdin record at the first SEP into key and value (kcat -K); \\t, \\n, \\xNN escapes' })
      .option('delimiter', { alias: 'D', type: 'string', describe: 'What ends a stdin record instead of a newline (kcat -D), so values may hold newlines; \\n, \\0, \\xNN escapes' })
      .option('allow-empty', { type: 'boolean', describe: 'Send empty stdin records too (by default an empty line is skipped, as kcat does)' })
      .option('file', { alias: 'F', type: 'string', array: true, describe: 'Send the whole file as one record (repeatable: one record per file), like kcat -P with file arguments' })
      .option('delay', { type: 'string', describe: 'Queues deliver the records only after this long (60s, 5m, 2h): each record gets the klog-deliver-at header. Consumer groups see them at once' })
      .option('deliver-at', { type: 'string', describe: 'Queues deliver the records only from this ISO time on (2030-05-01T12:00:00Z). Consumer groups see them at once' })
      .option('acks', { type: 'string', default: '1', describe: '0: do not wait; 1: written by the broker; all: on disk' })
      .option('compression', { alias: 'z', choices: [...COMPRESSIONS], default: 'none' as Compression, describe: 'Codec of the batches sent (kcat -z); the broker stores them as sent and consumers read any codec' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Do not print where each record went' })
      .check((a) => {
        refuseTogether(a, [
          ['key', ['key-separator'], '--key gives every record the same key, --key-separator reads a key from each line; choose one'],
          ['file', ['key-separator', 'delimiter', 'allow-empty'], 'a --file is sent whole, as one record, so it is not split'],
          ['delay', ['deliver-at'], 'each says when queues may deliver the records; choose one'],
        ]);
        if (argumentValues(a as unknown as ProduceArgs).length > 0 && a.file !== undefined) {
          throw new KlogError('INVALID_CONFIG', 'give the values as arguments or with --file, not both');
        }
        deliveryTimeOf(a as unknown as ProduceArgs, Date.now()); // a bad --delay fails before anything is sent
        return true;
      })
      .example('$0 produce notification hello', 'send one record; prints notification/0@0')
      .example('$0 produce notification --key user-1 --header source=cli hi', 'with a key and a header')
      .example('$0 produce notification -- -1', 'a value that looks like an option')
      .example('cat events.jsonl | $0 produce events --quiet', 'one record per line of stdin')
      .example("printf 'k1:v1\\nk2:v2\\n' | $0 produce events --key-separator :", 'keys and values from stdin')
      .example('$0 produce events --file event.json', 'a whole file as one record, newlines and all')
      .example('cat events.jsonl | $0 produce events --compression zstd --quiet', 'zstd-compressed batches (also gzip, snappy, lz4)')
      .example("$0 produce jobs --delay 60s '{\"task\":\"resize\"}'", 'queues deliver it in a minute (klog queue create); groups at once') as unknown as Argv<ProduceArgs>,
    handler: (args) => withClient(args, rt, async (client) => {
      const limit = await recordLimit(client.admin(), args.topic);
      const producer = client.producer({ acks: parseAcks(args.acks), compression: args.compression });
      try {
        await produce(args, rt, producer, limit);
      } finally {
        await producer.close();
      }
    }),
  };
}
