import type { TopicSettings } from '@klog/client';
import type { Argv, CommandModule } from 'yargs';
import { withClient, type BrokerArgs } from '../client-session.js';
import { parseDuration } from '../duration.js';
import type { Runtime } from '../runtime.js';
import { parseSize } from '../size.js';
import { renderTable } from '../table.js';

interface CreateArgs extends BrokerArgs {
  name: string;
  partitions?: number;
  retention?: string;
  'retention-bytes'?: string;
  'segment-bytes'?: string;
}

interface NamesArgs extends BrokerArgs {
  name: string[];
}

/** The settings given; those not given are left out, so that the broker's defaults apply. */
function settingsOf(args: CreateArgs): TopicSettings {
  const settings: TopicSettings = {
    partitions: args.partitions,
    retentionMs: args.retention === undefined ? undefined : parseDuration(args.retention, '--retention', { allowUnlimited: true }),
    retentionBytes: args['retention-bytes'] === undefined ? undefined : parseSize(args['retention-bytes'], '--retention-bytes', { allowUnlimited: true }),
    segmentBytes: args['segment-bytes'] === undefined ? undefined : parseSize(args['segment-bytes'], '--segment-bytes'),
  };
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
}

function create(rt: Runtime): CommandModule<BrokerArgs, CreateArgs> {
  return {
    command: 'create <name>',
    describe: 'Create a topic',
    builder: (y) => y
      .positional('name', { type: 'string', demandOption: true })
      .option('partitions', { type: 'number', describe: 'Number of partitions (default: the broker\'s, 1)' })
      .option('retention', { type: 'string', describe: 'Keep records this long: 7d, 12h, 30m, ms, or -1 for ever (default 7d)' })
      .option('retention-bytes', { type: 'string', describe: 'Keep at most this many bytes per partition: 1GiB, 512MiB, or -1 (default)' })
      .option('segment-bytes', { type: 'string', describe: 'Size of a segment file before a new one is started (default 128MiB)' })
      .example('$0 topic create notification --partitions 3 --retention 12h', '') as Argv<CreateArgs>,
    handler: (args) => withClient(args, rt.env, async (client) => {
      await client.admin().createTopic(args.name, settingsOf(args));
      rt.note(`klog: created topic ${args.name}`);
    }),
  };
}

function list(rt: Runtime): CommandModule<BrokerArgs, BrokerArgs> {
  return {
    command: 'list',
    describe: 'List topics, one name per line',
    handler: (args) => withClient(args, rt.env, async (client) => {
      const names = (await client.admin().listTopics()).sort();
      await rt.out.write(names.map((n) => `${n}\n`).join(''));
    }),
  };
}

function describe(rt: Runtime): CommandModule<BrokerArgs, NamesArgs> {
  return {
    command: 'describe <name..>',
    describe: 'Show the partitions of topics with their start and end offsets',
    builder: (y) => y.positional('name', { type: 'string', array: true, demandOption: true })
      .example('$0 topic describe notification', '') as Argv<NamesArgs>,
    handler: (args) => withClient(args, rt.env, async (client) => {
      const meta = await client.admin().metadata(args.name);
      const rows = meta.flatMap((t) => t.partitions.map((p) => [t.name, p.partition, p.logStartOffset, p.logEndOffset, p.logEndOffset - p.logStartOffset]));
      await rt.out.write(renderTable(['TOPIC', 'PARTITION', 'START', 'END', 'RECORDS'], rows));
    }),
  };
}

function remove(rt: Runtime): CommandModule<BrokerArgs, NamesArgs> {
  return {
    command: 'delete <name..>',
    describe: 'Delete topics and all their records',
    builder: (y) => y.positional('name', { type: 'string', array: true, demandOption: true }) as Argv<NamesArgs>,
    handler: (args) => withClient(args, rt.env, async (client) => {
      for (const name of args.name) {
        await client.admin().deleteTopic(name);
        rt.note(`klog: deleted topic ${name}`);
      }
    }),
  };
}

export function topicCommand(rt: Runtime): CommandModule<BrokerArgs, BrokerArgs> {
  return {
    command: 'topic <command>',
    describe: 'Create, list, describe and delete topics',
    builder: (y) => y
      .command(create(rt))
      .command(list(rt))
      .command(describe(rt))
      .command(remove(rt))
      .demandCommand(1, 'say which: klog topic create|list|describe|delete')
      .example('$0 topic create notification --partitions 3', '')
      .example('$0 topic describe notification', ''),
    handler: () => undefined,
  };
}
