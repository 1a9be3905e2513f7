import type { Admin, Client, ConsumedMessage, Consumer, GroupConsumer, TopicMetadata } from '@klog/client';
import { isKlogError, KlogError } from '@klog/log-core';
import type { Argv, CommandModule } from 'yargs';
import { withClient, type BrokerArgs } from '../client-session.js';
import { parseTimePoint } from '../duration.js';
import { EndTracker, partitionKey } from '../end-tracker.js';
import { compileFormat, DEFAULT_FORMAT, toJsonLine } from '../format.js';
import type { Runtime } from '../runtime.js';

interface ConsumeArgs extends BrokerArgs {
  topic?: string[];
  group?: string;
  'from-beginning': boolean;
  offset?: number;
  'from-time'?: string;
  count?: number;
  'exit-at-end': boolean;
  partition?: number[];
  pattern?: string;
  format?: string;
  json?: boolean;
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

/** The topics to read: the ones named (created when missing, so a consumer may start before any producer), or those matching --pattern. */
async function topicsToRead(admin: Admin, args: ConsumeArgs, rt: Runtime): Promise<TopicMetadata[]> {
  if (args.pattern !== undefined) {
    const re = wholeMatch(args.pattern);
    const names = (await admin.listTopics()).filter((t) => re.test(t));
    if (names.length === 0 && args.group === undefined) {
      throw new KlogError('UNKNOWN_TOPIC', `no topic matches --pattern ${JSON.stringify(args.pattern)}`);
    }
    return names.length > 0 ? admin.metadata(names) : [];
  }
  const names = args.topic ?? [];
  if (names.length === 0) throw new KlogError('INVALID_CONFIG', 'name the topic(s) to read, or give --pattern');
  const existing = new Set(await admin.listTopics());
  for (const name of names.filter((n) => !existing.has(n))) {
    try {
      await admin.createTopic(name);
      rt.note(`klog: topic ${name} did not exist; created it, waiting for records`);
    } catch (err) {
      if (!isKlogError(err, 'TOPIC_EXISTS')) throw err; // created meanwhile by someone else: fine
    }
  }
  return admin.metadata(names);
}

/** Without a group: the chosen partitions, each from an explicit offset worked out here. */
async function assignedSource(client: Client, admin: Admin, meta: TopicMetadata[], args: ConsumeArgs, rt: Runtime): Promise<Source> {
  const fromTime = args['from-time'] === undefined ? undefined : parseTimePoint(args['from-time'], '--from-time', Date.now());
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
      const offset = args.offset ?? byTime?.get(p.partition) ?? (args['from-beginning'] ? p.logStartOffset : p.logEndOffset);
      assignments.push({ topic: t.name, partition: p.partition, offset });
    }
  }
  const consumer = client.consumer({ fromBeginning: true, onWarning: (w) => rt.note(`klog: ${w}`) });
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
  const consumer = client.consumer({ groupId, fromBeginning: true, autoCommit: true, onWarning: (w) => rt.note(`klog: ${w}`) });
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

function checkArgs(args: ConsumeArgs): void {
  if (args.group === undefined) return;
  for (const flag of ['offset', 'from-time', 'partition'] as const) {
    if (args[flag] !== undefined) {
      throw new KlogError('INVALID_CONFIG',
        `--${flag} cannot be used with --group: a group reads from its committed offsets (move them with: klog group reset-offsets ${args.group} --topic <topic> ...)`);
    }
  }
}

/**
 * Prints messages until -n is reached, the end is reached (-e), or the command is told to stop. A message counts as
 * processed (and so is committed, in a group) once printed: the loop then asks the consumer for the next one.
 */
async function printLoop(source: Source, args: ConsumeArgs, rt: Runtime, ends: Map<string, number>): Promise<void> {
  const render = args.json ? (m: ConsumedMessage) => toJsonLine(m) : compileFormat(args.format ?? DEFAULT_FORMAT);
  const tracker = new EndTracker(ends);
  const halt = new AbortController();
  const onStop = (): void => halt.abort();
  rt.stop.addEventListener('abort', onStop, { once: true });
  const halted = new Promise<null>((resolve) => halt.signal.addEventListener('abort', () => resolve(null), { once: true }));
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
      .positional('topic', { type: 'string', array: true, describe: 'Topic(s) to read' })
      .option('group', { alias: 'g', type: 'string', describe: 'Read as a member of this consumer group (committed offsets; a new group starts at the earliest record)' })
      .option('from-beginning', { type: 'boolean', default: false, describe: 'Without a group: start at the earliest record (default: only new records)' })
      .option('offset', { alias: 'o', type: 'number', describe: 'Without a group: start at this offset' })
      .option('from-time', { type: 'string', describe: 'Without a group: start at the first record at or after a time (ISO date, or -1h, -30m, -10s)' })
      .option('count', { alias: 'n', type: 'number', describe: 'Exit after printing N records' })
      .option('exit-at-end', { alias: 'e', type: 'boolean', default: false, describe: 'Exit once every partition is read up to where it ended when the command started' })
      .option('partition', { alias: 'p', type: 'number', array: true, describe: 'Without a group: read only these partitions' })
      .option('pattern', { type: 'string', describe: 'Read the topics whose whole name matches this regular expression' })
      .option('format', { alias: 'f', type: 'string', describe: 'Output format (kcat -f): %t topic, %p partition, %o offset, %k key, %v value, %T timestamp, %h headers; \\n \\t escapes. Default: %v\\n' })
      .option('json', { type: 'boolean', describe: 'One JSON object per record (binary keys/values as base64)' })
      .conflicts('json', 'format')
      .check((a) => {
        if (a.count !== undefined && !(Number.isInteger(a.count) && a.count > 0)) throw new KlogError('INVALID_CONFIG', '--count must be a positive integer');
        if (a.offset !== undefined && !(Number.isInteger(a.offset) && a.offset >= 0)) throw new KlogError('INVALID_CONFIG', '--offset must be a non-negative integer');
        return true;
      })
      .example('$0 consume notification', 'follow new records')
      .example('$0 consume notification --group g1', 'as group g1: from where g1 left off (or the beginning)')
      .example('$0 consume notification --from-beginning -e', 'print everything there is, then exit')
      .example("$0 consume notification -n 10 --format '%p@%o %k=%v\\n'", 'ten records with partition, offset and key')
      .example("$0 consume --pattern 'news\\..*' --json", 'all news.* topics as JSON lines') as unknown as Argv<ConsumeArgs>,
    handler: (args) => withClient(args, rt.env, async (client) => {
      checkArgs(args);
      const admin = client.admin();
      const meta = await topicsToRead(admin, args, rt);
      const ends = new Map(meta.flatMap((t) => t.partitions.map((p) => [partitionKey(t.name, p.partition), p.logEndOffset] as const)));
      const source = args.group !== undefined ? await groupSource(client, admin, meta, args, rt) : await assignedSource(client, admin, meta, args, rt);
      await printLoop(source, args, rt, ends);
    }),
  };
}
