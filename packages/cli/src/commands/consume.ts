import type { Admin, Client, Consumer, GroupConsumer, TopicMetadata } from '@klog/client';
import { KlogError } from '@klog/log-core';
import type { Argv, CommandModule } from 'yargs';
import { withClient, type BrokerArgs } from '../client-session.js';
import { parseTimePoint } from '../duration.js';
import { EndTracker, partitionKey } from '../end-tracker.js';
import { FORMAT_FIELDS_HELP, rendererOf, type TimeStyle } from '../format.js';
import { parseOffsetSpec, resolveStart } from '../offset-spec.js';
import { refuseTogether, wholeNumberOption } from '../options.js';
import { consumeQueue } from '../queue-consume.js';
import { watchStdoutReader } from '../reader-watch.js';
import type { Runtime } from '../runtime.js';

interface ConsumeArgs extends BrokerArgs {
  topic?: string[];
  '--'?: (string | number)[];
  group?: string;
  queue?: string;
  'from-beginning': boolean;
  offset?: string;
  'from-time'?: string;
  count?: number;
  'exit-at-end': boolean;
  partition?: number[];
  pattern?: string;
  format?: string;
  json?: boolean;
  'time-format': TimeStyle;
}

/** How often `--exit-at-end` looks again while no record arrives (the end may already be reached). */
const END_CHECK_MS = 100;

/** A source of messages the print loop reads, and what it needs to know where the end is. */
interface Source {
  consumer: Consumer | GroupConsumer;
  /** The partitions being read now (for a group: the current assignment, empty until joined). */
  assigned(): { topic: string; partition: number }[];
  /** Records where each assigned partition starts, for those the tracker does not know yet. */
  learnStarts(tracker: EndTracker): Promise<void>;
}

function wholeMatch(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (err) {
    throw new KlogError('INVALID_CONFIG', `--pattern is not a valid regular expression: ${(err as Error).message}`);
  }
}

/** The topics named, those after `--` included. */
function namedTopics(args: ConsumeArgs): string[] {
  return [...(args.topic ?? []), ...(args['--'] ?? [])].map(String);
}

/**
 * The topics to read: the ones named, or those matching --pattern. Reading never creates a topic (as with kcat): a
 * misspelt name would otherwise create a topic and wait on it for ever.
 */
async function topicsToRead(admin: Admin, args: ConsumeArgs): Promise<TopicMetadata[]> {
  if (args.pattern !== undefined) {
    const re = wholeMatch(args.pattern);
    const names = (await admin.listTopics()).filter((t) => re.test(t));
    if (names.length === 0 && args.group === undefined) {
      throw new KlogError('UNKNOWN_TOPIC', `no topic matches --pattern ${JSON.stringify(args.pattern)}`);
    }
    return names.length > 0 ? admin.metadata(names) : [];
  }
  const names = namedTopics(args);
  if (names.length === 0) throw new KlogError('INVALID_CONFIG', 'name the topic(s) to read, or give --pattern');
  const existing = new Set(await admin.listTopics());
  const missing = names.filter((n) => !existing.has(n));
  if (missing.length > 0) {
    throw new KlogError('UNKNOWN_TOPIC', `Unknown topic or partition: ${missing.join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist, and reading never creates topics`);
  }
  return admin.metadata(names);
}

/** Following, like tail -f, outlasts a broker restart; a bounded read (-e) gives up after the client's usual time. */
function retryTimeOf(args: ConsumeArgs): number | undefined {
  return args['exit-at-end'] ? undefined : Infinity;
}

/** Without a group: the chosen partitions, each from an explicit offset worked out here. */
async function assignedSource(client: Client, admin: Admin, meta: TopicMetadata[], args: ConsumeArgs, rt: Runtime): Promise<Source> {
  const fromTime = args['from-time'] === undefined ? undefined : parseTimePoint(args['from-time'], '--from-time', Date.now());
  const offsetSpec = args.offset === undefined ? undefined : parseOffsetSpec(args.offset);
  const assignments: { topic: string; partition: number; offset: number }[] = [];
  for (const t of meta) {
    const parts = args.partition ? t.partitions.filter((p) => args.partition!.includes(p.partition)) : t.partitions;
    for (const wanted of args.partition ?? []) {
      if (!t.partitions.some((p) => p.partition === wanted)) {
        throw new KlogError('UNKNOWN_PARTITION', `topic ${t.name} has partitions 0 to ${t.partitions.length - 1}; there is no partition ${wanted}`);
      }
    }
    const byTime = fromTime === undefined ? null : new Map((await admin.fetchOffsets(t.name, fromTime)).map((o) => [o.partition, o.offset]));
    for (const p of parts) {
      const offset = offsetSpec ? resolveStart(offsetSpec, p) : byTime?.get(p.partition) ?? (args['from-beginning'] ? p.logStartOffset : p.logEndOffset);
      assignments.push({ topic: t.name, partition: p.partition, offset });
    }
  }
  const consumer = client.consumer({ fromBeginning: true, maxRetryTimeMs: retryTimeOf(args), onWarning: (w) => rt.note(`klog: ${w}`) });
  consumer.assign(assignments);
  return {
    consumer,
    assigned: () => assignments,
    learnStarts: async (tracker) => {
      for (const a of assignments) if (!tracker.hasStart(a.topic, a.partition)) tracker.setStart(a.topic, a.partition, a.offset);
    },
  };
}

/**
 * In a group: the coordinator assigns partitions; each starts at the group's committed offset, or at the earliest
 * record when the group has none (as rpk does), so records produced before the first consume are not missed.
 */
async function groupSource(client: Client, admin: Admin, meta: TopicMetadata[], args: ConsumeArgs, rt: Runtime): Promise<Source> {
  const groupId = args.group!;
  const consumer = client.consumer({ groupId, fromBeginning: true, autoCommit: true, maxRetryTimeMs: retryTimeOf(args), onWarning: (w) => rt.note(`klog: ${w}`) });
  await consumer.subscribe(args.pattern !== undefined ? { pattern: args.pattern } : { topics: meta.map((t) => t.name) });
  const logStarts = new Map(meta.flatMap((t) => t.partitions.map((p) => [partitionKey(t.name, p.partition), p.logStartOffset] as const)));
  return {
    consumer,
    assigned: () => consumer.assignmentOfGroup(),
    learnStarts: async (tracker) => {
      const missing = consumer.assignmentOfGroup().filter((p) => !tracker.hasStart(p.topic, p.partition));
      if (missing.length === 0) return;
      const committed = await admin.fetchCommittedOffsets(groupId, missing);
      for (const p of missing) {
        const logStart = logStarts.get(partitionKey(p.topic, p.partition)) ?? 0;
        const c = committed.find((o) => o.topic === p.topic && o.partition === p.partition)?.offset ?? -1;
        tracker.setStart(p.topic, p.partition, Math.max(c, logStart));
      }
    },
  };
}

/** Options that each say where to start; at most one may be given. */
const START_OPTIONS = ['from-beginning', 'offset', 'from-time'] as const;

function checkArgs(args: ConsumeArgs): void {
  if (args.pattern !== undefined && namedTopics(args).length > 0) {
    throw new KlogError('INVALID_CONFIG', `name topics or give --pattern, not both (got ${namedTopics(args).join(', ')} and --pattern ${args.pattern})`);
  }
  const starts = START_OPTIONS.filter((flag) => (flag === 'from-beginning' ? args[flag] : args[flag] !== undefined));
  if (starts.length > 1) {
    throw new KlogError('INVALID_CONFIG', `--${starts[0]} and --${starts[1]} both say where to start: give one`);
  }
  if (args.queue !== undefined) {
    // A queue decides what each consumer gets and from where: a flag choosing either has nothing to act on.
    const flag = (['group', 'pattern', 'partition', ...START_OPTIONS] as const).find((f) => (f === 'from-beginning' ? args[f] : args[f] !== undefined));
    if (flag !== undefined) {
      throw new KlogError('INVALID_CONFIG',
        `--${flag} cannot be used with --queue: a queue hands out records from where it stands (move it with: klog queue reset ${args.queue} --to-earliest)`);
    }
    return;
  }
  if (args.group === undefined) return;
  for (const flag of ['offset', 'from-time', 'partition'] as const) {
    if (args[flag] !== undefined) {
      const topic = namedTopics(args)[0] ?? 'TOPIC';
      throw new KlogError('INVALID_CONFIG',
        `--${flag} cannot be used with --group: a group reads from its committed offsets (move them with: klog group reset-offsets ${args.group} --topic ${topic} --to-earliest)`);
    }
  }
}

/**
 * Prints messages until -n is reached, the end is reached (-e), or the command is told to stop. A message counts as
 * processed (and so is committed, in a group) once printed: the loop then asks the consumer for the next one.
 */
async function printLoop(source: Source, args: ConsumeArgs, rt: Runtime, ends: Map<string, number>): Promise<void> {
  const render = rendererOf(args);
  const tracker = new EndTracker(ends);
  const halt = new AbortController();
  const onStop = (): void => halt.abort();
  rt.stop.addEventListener('abort', onStop, { once: true });
  const halted = new Promise<null>((resolve) => halt.signal.addEventListener('abort', () => resolve(null), { once: true }));
  if (rt.stop.aborted) onStop(); // told to stop before the loop began (Ctrl-C while loading): print nothing more
  const atEnd = (): boolean => {
    const assigned = source.assigned();
    return assigned.length > 0 && tracker.reached(assigned);
  };

  let endCheck: NodeJS.Timeout | null = null;
  if (args['exit-at-end']) {
    let checking = false;
    endCheck = setInterval(() => {
      if (checking) return;
      checking = true;
      source.learnStarts(tracker).then(() => {
        if (atEnd()) halt.abort();
      }, () => undefined).finally(() => (checking = false));
    }, END_CHECK_MS);
    await source.learnStarts(tracker);
    if (atEnd()) halt.abort();
  }

  // Following with nothing to print, a closed pipe would go unnoticed until the next record: watch for it.
  const unwatch = watchStdoutReader(() => rt.out.readerGone());
  const it = source.consumer[Symbol.asyncIterator]();
  let printed = 0;
  let lastPrintedUnmarked = false;
  try {
    while (!halt.signal.aborted && printed !== args.count) {
      const next = it.next();
      lastPrintedUnmarked = false;
      next.catch(() => undefined); // a fetch failing after we stopped waiting is of no interest
      const r = await Promise.race([next, halted]);
      if (r === null || r.done) break;
      const m = r.value;
      const wrote = rt.out.write(render(m));
      if (wrote) await wrote;
      printed++;
      lastPrintedUnmarked = true;
      tracker.printed(m.topic, m.partition, m.offset);
      if (args['exit-at-end'] && atEnd()) halt.abort();
    }
    // Asking for the next message is what marks the last one printed as processed (the group commits it on close).
    // Only then: were a request still pending, the next ask would mark a message that was never printed.
    if (lastPrintedUnmarked) it.next().catch(() => undefined);
  } finally {
    if (endCheck) clearInterval(endCheck);
    unwatch();
    rt.stop.removeEventListener('abort', onStop);
    await source.consumer.close();
    await rt.out.flushed();
  }
}

export function consumeCommand(rt: Runtime): CommandModule<object, ConsumeArgs> {
  return {
    command: 'consume [topic..]',
    describe: 'Print records of topics, following new ones like tail -f until Ctrl-C',
    builder: (y) => (y as Argv<BrokerArgs>)
      .positional('topic', { type: 'string', array: true, describe: 'Topic(s) to read; each must exist: reading never creates a topic (as kcat), so a typo is an error, not a new empty topic' })
      .option('group', { alias: 'g', type: 'string', describe: 'Read as a member of this consumer group (committed offsets; a new group starts at the earliest record)' })
      .option('queue', { alias: 'Q', type: 'string', describe: 'Take records from this queue (klog queue create): each goes to one consumer, and is accepted once printed; Ctrl-C gives back what is held' })
      .option('from-beginning', { type: 'boolean', default: false, describe: 'Without a group: start at the earliest record (default: only new records)' })
      .option('offset', { alias: 'o', type: 'string', describe: 'Without a group: start at this offset, or -N for the last N records, or beginning|end (kcat -o). Past the end: wait there for new records' })
      .option('from-time', { type: 'string', describe: 'Without a group: start at the first record at or after a time (ISO date, or -1h, -30m, -10s)' })
      .option('count', { alias: 'n', ...wholeNumberOption('--count', 1), describe: 'Exit after printing N records' })
      .option('exit-at-end', { alias: 'e', type: 'boolean', default: false, describe: 'Exit once every partition is read up to where it ended when the command started; with --queue, once nothing is ready' })
      .option('partition', { alias: 'p', ...wholeNumberOption('--partition'), array: true, describe: 'Without a group: read only these partitions (repeat -p for more)' })
      .option('pattern', { type: 'string', describe: 'Read the topics whose whole name matches this regular expression' })
      .option('format', { alias: 'f', type: 'string', describe: `Output format (kcat -f): ${FORMAT_FIELDS_HELP}; %% a percent sign; \\n \\t \\r \\\\ \\xNN escapes. Default: %s\\n` })
      .option('json', { alias: 'J', type: 'boolean', describe: 'One JSON object per record (binary keys/values as base64; headers as an ordered list)' })
      .option('time-format', { type: 'string', choices: ['ms', 'iso'], default: 'ms', describe: 'How %T and JSON timestamps show: ms since the epoch (as kcat) or an ISO 8601 date in UTC' })
      .check((a) => {
        refuseTogether(a, [['json', ['format'], 'each says how to print a record; choose one']]);
        if (a.offset !== undefined) parseOffsetSpec(a.offset);
        return true;
      })
      .example('$0 consume notification', 'follow new records')
      .example('$0 consume notification --group g1', 'as group g1: from where g1 left off (or the beginning)')
      .example('$0 consume notification --from-beginning -e', 'print everything there is, then exit')
      .example('$0 consume -p 0 notification -o -5 -e', 'the last five records of partition 0')
      .example("$0 consume notification -n 10 --format '%p@%o %k=%v\\n'", 'ten records with partition, offset and key')
      .example('$0 consume jobs --queue workers -n 1', 'take one job from queue workers (others get the rest)')
      .example("$0 consume --pattern 'news\\..*' --json", 'all news.* topics as JSON lines') as unknown as Argv<ConsumeArgs>,
    handler: (args) => withClient(args, rt, async (client) => {
      checkArgs(args);
      if (args.queue !== undefined) return consumeQueue(client, { ...args, topics: namedTopics(args) }, rt);
      const admin = client.admin();
      const meta = await topicsToRead(admin, args);
      const ends = new Map(meta.flatMap((t) => t.partitions.map((p) => [partitionKey(t.name, p.partition), p.logEndOffset] as const)));
      const source = args.group !== undefined ? await groupSource(client, admin, meta, args, rt) : await assignedSource(client, admin, meta, args, rt);
      await printLoop(source, args, rt, ends);
    }),
  };
}
