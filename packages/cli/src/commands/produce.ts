import type { Producer, ProducerMessage, RecordMetadata } from '@klog/client';
import { KlogError } from '@klog/log-core';
import type { Argv, CommandModule } from 'yargs';
import { withClient, type BrokerArgs } from '../client-session.js';
import { readLineChunks, splitKeyValue } from '../line-reader.js';
import { startProgress } from '../progress.js';
import type { Runtime } from '../runtime.js';

interface ProduceArgs extends BrokerArgs {
  topic: string;
  value?: string[];
  key?: string;
  partition?: number;
  header?: string[];
  'key-separator'?: string;
  acks: string;
  quiet: boolean;
}

/**
 * Sends in flight at once, and their bytes. Several sends overlap so that reading stdin, the network and the
 * broker's disk work at the same time; the byte bound stays well below the producer's own buffer (32 MiB), so a
 * send never waits inside the producer and chunks reach the log in the order they were read.
 */
const MAX_SENDS_IN_FLIGHT = 16;
const MAX_BYTES_IN_FLIGHT = 8 * 1024 * 1024;

interface InFlight {
  result: Promise<RecordMetadata[]>;
  records: number;
  bytes: number;
}

function parseHeaders(pairs: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new KlogError('INVALID_CONFIG', `--header must look like key=value, got ${JSON.stringify(pair)}`);
    headers[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return headers;
}

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

/** The messages to send, in chunks: the arguments as one chunk, or stdin a chunk of lines at a time. */
async function* messageChunks(args: ProduceArgs, stdin: AsyncIterable<Buffer>, stop: AbortSignal): AsyncGenerator<ProducerMessage[]> {
  const base = { key: args.key, partition: args.partition, headers: parseHeaders(args.header ?? []) };
  if (args.value && args.value.length > 0) {
    yield args.value.map((v) => ({ ...base, value: String(v) }));
    return;
  }
  const separator = args['key-separator'] ? Buffer.from(args['key-separator']) : null;
  for await (const lines of readLineChunks(stdin)) {
    if (stop.aborted) return;
    yield lines.map((line) => (separator ? { ...base, ...splitKeyValue(line, separator) } : { ...base, value: line }));
  }
}

async function produce(args: ProduceArgs, rt: Runtime, producer: Producer): Promise<void> {
  const progress = startProgress(process.stderr, rt.stderrIsTty, `${args.topic}: produced`);
  const headerBytes = (args.header ?? []).reduce((n, h) => n + 16 + Buffer.byteLength(h), 0);
  const inFlight: InFlight[] = [];
  let bytesInFlight = 0;
  let acked = 0;
  let failed = 0;
  let firstError: unknown = null;

  const settleOldest = async (): Promise<void> => {
    const head = inFlight.shift()!;
    bytesInFlight -= head.bytes;
    try {
      const sent = await head.result;
      acked += sent.length;
      progress.count(sent.length);
      if (!args.quiet) await rt.out.write(sent.map(where).join(''));
    } catch (err) {
      failed += head.records;
      firstError ??= err;
    }
  };

  try {
    for await (const messages of messageChunks(args, process.stdin, rt.stop)) {
      const bytes = messages.reduce((n, m) => n + sizeOf(m, headerBytes), 0);
      while (inFlight.length > 0 && (inFlight.length >= MAX_SENDS_IN_FLIGHT || bytesInFlight + bytes > MAX_BYTES_IN_FLIGHT)) await settleOldest();
      if (firstError || rt.stop.aborted) break;
      const result = producer.send({ topic: args.topic, messages });
      result.catch(() => undefined); // observed in settleOldest; this keeps it from counting as unhandled meanwhile
      inFlight.push({ result, records: messages.length, bytes });
      bytesInFlight += bytes;
    }
    while (inFlight.length > 0) await settleOldest();
  } finally {
    progress.stop();
  }
  if (firstError) {
    // When some records went through, say how many did not; the error itself follows.
    if (acked > 0) rt.note(`klog: ${acked} record(s) acknowledged, ${failed} not`);
    throw firstError;
  }
}

export function produceCommand(rt: Runtime): CommandModule<object, ProduceArgs> {
  return {
    command: 'produce <topic> [value..]',
    describe: 'Send records to a topic: the values given, or one per line from stdin',
    builder: (y) => (y as Argv<BrokerArgs>)
      .positional('topic', { type: 'string', demandOption: true, describe: 'Topic to send to (created if it does not exist)' })
      .positional('value', { type: 'string', array: true, describe: 'Values to send; without any, each line of stdin is one record' })
      .option('key', { type: 'string', describe: 'Key of every record (records with the same key go to the same partition)' })
      .option('partition', { type: 'number', describe: 'Send to this partition instead of choosing by key' })
      .option('header', { type: 'string', array: true, describe: 'A header k=v on every record (repeatable)' })
      .option('key-separator', { type: 'string', describe: 'Split each stdin line at the first SEP into key and value (like kcat -K)' })
      .option('acks', { type: 'string', default: '1', describe: '0: do not wait; 1: written by the broker; all: on disk' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Do not print where each record went' })
      .example('$0 produce notification hello', 'send one record; prints notification/0@0')
      .example('$0 produce notification --key user-1 --header source=cli hi', 'with a key and a header')
      .example('cat events.jsonl | $0 produce events --quiet', 'one record per line of stdin')
      .example("printf 'k1:v1\\nk2:v2\\n' | $0 produce events --key-separator :", 'keys and values from stdin') as unknown as Argv<ProduceArgs>,
    handler: (args) => withClient(args, rt.env, async (client) => {
      const producer = client.producer({ acks: parseAcks(args.acks) });
      try {
        await produce(args, rt, producer);
      } finally {
        await producer.close();
      }
    }),
  };
}
