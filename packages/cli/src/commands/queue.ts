import type { Admin, QueueConfig, QueueInfo } from '@klog/client';
import type { Argv, CommandModule } from 'yargs';
import { isKlogError, KlogError } from '@klog/log-core';
import { formatAge } from '../age.js';
import { withClient, type BrokerArgs } from '../client-session.js';
import { parseTimePoint } from '../duration.js';
import { jsonOption, writeJson, type JsonArgs } from '../json-output.js';
import { wholeNumberOption } from '../options.js';
import { queueRequestOf, type QueueSettingArgs } from '../queue-settings.js';
import type { Runtime } from '../runtime.js';
import { renderTable } from '../table.js';

interface QueueArgs extends BrokerArgs, JsonArgs {
  queue: string;
}

interface RedriveArgs extends QueueArgs {
  max?: number;
  rate?: number;
}

interface ResetArgs extends QueueArgs {
  'to-earliest'?: boolean;
  'to-latest'?: boolean;
  'to-time'?: string;
}

const QUEUE_POSITIONAL = { type: 'string', demandOption: true, describe: 'Queue name (see them with: klog queue list)' } as const;

function settingsLine(c: QueueConfig): string {
  const backoff = c.backoff.baseMs === 0 ? 'none' : `${formatAge(c.backoff.baseMs)}..${formatAge(c.backoff.maxMs)}`;
  return `topics ${c.topics.join(', ')}; lock ${formatAge(c.lockMs)}, max deliveries ${c.maxDeliveries}, `
    + `dead letters ${c.deadLetterTopic ?? 'none'}, backoff ${backoff}, new partitions start at ${c.start}`;
}

/**
 * Creates the queue's topics that do not exist yet, with the broker's defaults: the broker's queues read only
 * topics that exist, and a person who names a topic in `queue create` means it (as producing to it would).
 */
async function createMissingTopics(admin: Admin, topics: string[], rt: Runtime): Promise<void> {
  const existing = new Set(await admin.listTopics());
  for (const topic of topics.filter((t) => !existing.has(t))) {
    await admin.createTopic(topic).then(() => rt.note(`klog: created topic ${topic}`), (err: unknown) => {
      if (!isKlogError(err, 'TOPIC_EXISTS')) throw err; // created meanwhile by someone else: just as good
    });
  }
}

function create(rt: Runtime): CommandModule<BrokerArgs, QueueSettingArgs & BrokerArgs & JsonArgs> {
  return {
    command: 'create <queue>',
    describe: 'Create a queue over topics (or change an existing queue\'s settings): each record goes to one consumer at a time',
    builder: (y) => jsonOption(y).positional('queue', { type: 'string', demandOption: true, describe: 'Name of the queue: letters, digits, . _ -' })
      .option('topic', { alias: 't', type: 'string', array: true, describe: 'A topic the queue reads (repeat for more); a missing one is created with the broker\'s defaults' })
      .option('lock', { type: 'string', describe: 'How long a consumer holds a record before it goes to another (default 30s)' })
      .option('max-deliveries', { ...wholeNumberOption('--max-deliveries', 1), describe: 'Deliveries of a record before it is given up on as dead (default 5)' })
      .option('dlq', { type: 'boolean', describe: 'Write dead records to the topic <queue>.dlq (created if missing)' })
      .option('dead-letter-topic', { type: 'string', describe: 'Write dead records to this topic (created if missing)' })
      .option('backoff', { type: 'string', describe: 'Wait before a failed record is delivered again: BASE..MAX, doubling from BASE (1s..60s); default none' })
      .option('start', { type: 'string', choices: ['earliest', 'latest'], describe: 'Where a new queue starts: at the records already there, or only new ones (default latest)' })
      .check((a) => {
        if (a.dlq && a['dead-letter-topic'] !== undefined) {
          throw new KlogError('INVALID_CONFIG', `--dlq and --dead-letter-topic both name the dead-letter topic: give one (--dlq means ${String(a.queue)}.dlq)`);
        }
        queueRequestOf(a as unknown as QueueSettingArgs); // a bad value fails here, before the broker is asked
        return true;
      })
      .example('$0 queue create workers --topic jobs --dlq', 'jobs shared by workers; dead records go to workers.dlq')
      .example('$0 queue create workers --topic jobs --max-deliveries 3 --lock 2m --backoff 1s..60s', 'fewer, longer attempts, spaced out')
      .example('$0 queue create replay --topic jobs --start earliest', 'a queue that starts at the records already there') as unknown as Argv<QueueSettingArgs & BrokerArgs & JsonArgs>,
    handler: (args) => withClient(args, rt, async (client) => {
      const request = queueRequestOf(args);
      await createMissingTopics(client.admin(), request.topics, rt);
      const config = await client.admin().createQueue(request);
      if (args.json) return writeJson(rt, config);
      rt.note(`klog: queue ${config.name}: ${settingsLine(config)}`);
    }),
  };
}

function list(rt: Runtime): CommandModule<BrokerArgs, BrokerArgs & JsonArgs> {
  return {
    command: 'list',
    describe: 'List queues with their topics and number of consumers',
    builder: (y) => jsonOption(y).example('$0 queue list', '').example('$0 queue list --json', ''),
    handler: (args) => withClient(args, rt, async (client) => {
      const queues = (await client.admin().listQueues()).sort((a, b) => a.name.localeCompare(b.name));
      if (args.json) return writeJson(rt, queues);
      await rt.out.write(renderTable(['QUEUE', 'TOPICS', 'MEMBERS'], queues.map((q) => [q.name, q.topics.join(','), q.members])));
    }),
  };
}

function describeText(d: QueueInfo): string {
  const members = renderTable(['MEMBER', 'HOST', 'IDLE'], d.members.map((m) => [m.memberId, m.clientHost, formatAge(m.idleMs)]));
  // DEAD counts records given up on (rejected or out of deliveries): the queue's word for Kafka's "archived".
  const partitions = renderTable(['TOPIC', 'PARTITION', 'READY', 'DELAYED', 'IN-FLIGHT', 'DEAD', 'OLDEST-READY'], d.partitions.map((p) => [
    p.topic, p.partition, p.ready, p.delayed, p.inFlight, p.archived, p.ready > 0 ? formatAge(p.oldestReadyAgeMs) : null,
  ]));
  const sum = (f: (p: QueueInfo['partitions'][number]) => number): number => d.partitions.reduce((n, p) => n + f(p), 0);
  return `queue ${d.config.name}: ${sum((p) => p.ready)} ready, ${sum((p) => p.delayed)} delayed, ${sum((p) => p.inFlight)} in flight, `
    + `${sum((p) => p.archived)} dead, ${d.members.length} member(s)\n${settingsLine(d.config)}\n\n${members}\n${partitions}`;
}

function describe(rt: Runtime): CommandModule<BrokerArgs, QueueArgs> {
  return {
    command: 'describe <queue>',
    describe: 'Show a queue\'s settings, its consumers, and per partition the records ready, delayed, in flight and dead',
    builder: (y) => jsonOption(y.positional('queue', QUEUE_POSITIONAL))
      .example('$0 queue describe workers', '')
      .example('$0 queue describe workers --json', '') as Argv<QueueArgs>,
    handler: (args) => withClient(args, rt, async (client) => {
      const d = await client.admin().describeQueue(args.queue);
      if (args.json) return writeJson(rt, d);
      await rt.out.write(describeText(d));
    }),
  };
}

function redrive(rt: Runtime): CommandModule<BrokerArgs, RedriveArgs> {
  return {
    command: 'redrive <queue>',
    describe: 'Send a queue\'s dead records back to where they came from, oldest first, to be delivered again',
    builder: (y) => y.positional('queue', QUEUE_POSITIONAL)
      .option('max', { ...wholeNumberOption('--max', 1), describe: 'Send back at most N (default: all)' })
      .option('rate', {
        ...wholeNumberOption('--rate', 1),
        describe: 'At most N records a second, so the workers are not flooded; Ctrl-C stops it, and what was sent back stays sent back',
      })
      .example('$0 queue redrive workers', 'every dead record back into the queue')
      .example('$0 queue redrive workers --max 10', 'the ten oldest')
      .example('$0 queue redrive workers --rate 100', 'all of them, 100 a second') as Argv<RedriveArgs>,
    handler: (args) => withClient(args, rt, async (client) => {
      const { moved } = await client.admin().redriveQueue(args.queue, { max: args.max, ratePerSec: args.rate });
      rt.note(`klog: queue ${args.queue}: ${moved} dead record(s) sent back`);
    }),
  };
}

function targetOf(args: ResetArgs): Parameters<Admin['resetQueue']>[1] {
  const given = [args['to-earliest'], args['to-latest'], args['to-time'] !== undefined].filter(Boolean).length;
  if (given !== 1) throw new KlogError('INVALID_CONFIG', 'say where the queue starts over with exactly one of --to-earliest, --to-latest, --to-time T');
  if (args['to-earliest']) return 'earliest';
  if (args['to-latest']) return 'latest';
  return { timestamp: parseTimePoint(args['to-time']!, '--to-time', Date.now()) };
}

function reset(rt: Runtime): CommandModule<BrokerArgs, ResetArgs> {
  return {
    command: 'reset <queue>',
    describe: 'Move where a queue starts in every partition: deliver everything again, or skip all there is (records held lose their locks)',
    builder: (y) => y.positional('queue', QUEUE_POSITIONAL)
      .option('to-earliest', { type: 'boolean', describe: 'To the first record kept: deliver everything again' })
      .option('to-latest', { type: 'boolean', describe: 'To the end: skip everything there is' })
      .option('to-time', { type: 'string', describe: 'To the first record at or after a time (ISO date, or -1h, -30m)' })
      .check((a) => (targetOf(a as unknown as ResetArgs), true))
      .example('$0 queue reset workers --to-latest', 'skip the backlog')
      .example('$0 queue reset workers --to-time -1h', 'deliver the last hour again') as Argv<ResetArgs>,
    handler: (args) => withClient(args, rt, async (client) => {
      await client.admin().resetQueue(args.queue, targetOf(args));
      rt.note(`klog: queue ${args.queue} reset`);
    }),
  };
}

function remove(rt: Runtime): CommandModule<BrokerArgs, QueueArgs> {
  return {
    command: 'delete <queue>',
    describe: 'Delete a queue and its delivery state (its topics and records stay)',
    builder: (y) => y.positional('queue', QUEUE_POSITIONAL).example('$0 queue delete workers', '') as Argv<QueueArgs>,
    handler: (args) => withClient(args, rt, async (client) => {
      await client.admin().deleteQueue(args.queue);
      rt.note(`klog: deleted queue ${args.queue}`);
    }),
  };
}

export function queueCommand(rt: Runtime): CommandModule<BrokerArgs, BrokerArgs> {
  return {
    command: 'queue <command>',
    describe: 'Work queues over topics: create, list, describe, redrive dead records, reset, delete (consume with: klog consume TOPIC --queue NAME)',
    builder: (y) => y
      .command(create(rt))
      .command(list(rt))
      .command(describe(rt))
      .command(redrive(rt))
      .command(reset(rt))
      .command(remove(rt))
      .demandCommand(1, 'say which: klog queue create|list|describe|redrive|reset|delete')
      .example('$0 queue create workers --topic jobs --dlq', '')
      .example('$0 queue describe workers', ''),
    handler: () => undefined,
  };
}
