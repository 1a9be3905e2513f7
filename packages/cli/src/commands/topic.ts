import type { TopicSettings } from '@klog/client';
import type { Argv, CommandModule } from 'yargs';
import { withClient, type BrokerArgs } from '../client-session.js';
import { parseDuration } from '../duration.js';
import { jsonOption, writeJson, type JsonArgs } from '../json-output.js';
import { wholeNumberOption } from '../options.js';
import type { Runtime } from '../runtime.js';
import { parseSize } from '../size.js';
import { renderTable } from '../table.js';
import { topicConfigsOf } from '../topic-configs.js';

interface CreateArgs extends BrokerArgs {
  name: string;
  partitions?: number;
  retention?: string;
  'retention-bytes'?: string;
  'segment-bytes'?: string;
}

interface NamesArgs extends BrokerArgs, JsonArgs {
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
      .positional('name', { type: 'string', demandOption: true, describe: 'Name of the new topic: letters, digits, . _ -' })
      .option('partitions', { ...wholeNumberOption('--partitions', 1), describe: 'Number of partitions (default: the broker\'s, 1)' })
      .option('retention', { type: 'string', describe: 'Keep records this long: 7d, 12h, 30m, 10s, 250ms, or -1 for ever (default 7d); a unit is required' })
      .option('retention-bytes', { type: 'string', describe: 'Keep at most this many bytes per partition: 1GiB, 512MiB, or -1 (default)' })
      .option('segment-bytes', { type: 'string', describe: 'Size of a segment file before a new one is started (default 128MiB)' })
      .example('$0 topic create notification --partitions 3 --retention 12h', '') as unknown as Argv<CreateArgs>,
    handler: (args) => withClient(args, rt, async (client) => {
      await client.admin().createTopic(args.name, settingsOf(args));
      rt.note(`klog: created topic ${args.name}`);
    }),
  };
}

function list(rt: Runtime): CommandModule<BrokerArgs, BrokerArgs & JsonArgs> {
  return {
    command: 'list',
    describe: 'List topics, one name per line (--json: with their partition counts)',
    builder: (y) => jsonOption(y).example('$0 topic list --json', ''),
    handler: (args) => withClient(args, rt, async (client) => {
      const topics = (await client.admin().metadata()).filter((t) => !t.internal).sort((a, b) => a.name.localeCompare(b.name));
      if (args.json) return writeJson(rt, topics.map((t) => ({ name: t.name, partitions: t.partitions.length })));
      await rt.out.write(topics.map((t) => `${t.name}\n`).join(''));
    }),
  };
}

function describe(rt: Runtime): CommandModule<BrokerArgs, NamesArgs> {
  return {
    command: 'describe <name..>',
    describe: 'Show the partitions of topics with their start and end offsets, and the topics\' settings',
    builder: (y) => jsonOption(y.positional('name', { type: 'string', array: true, demandOption: true, describe: 'Topic(s) to describe' }))
      .example('$0 topic describe notification', '')
      .example('$0 topic describe notification --json', '') as Argv<NamesArgs>,
    handler: (args) => withClient(args, rt, async (client) => {
      const meta = await client.admin().metadata(args.name);
      if (args.json) {
        return writeJson(rt, meta.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({ ...p, records: p.logEndOffset - p.logStartOffset })),
          configs: topicConfigsOf(t),
        })));
      }
      const rows = meta.flatMap((t) => t.partitions.map((p) => [t.name, p.partition, p.logStartOffset, p.logEndOffset, p.logEndOffset - p.logStartOffset]));
      const configs = meta.flatMap((t) => topicConfigsOf(t).map((c) => [t.name, c.name, c.value, c.isDefault ? 'default' : 'topic']));
      await rt.out.write(renderTable(['TOPIC', 'PARTITION', 'START', 'END', 'RECORDS'], rows)
        + (configs.length > 0 ? `\n${renderTable(['TOPIC', 'CONFIG', 'VALUE', 'SOURCE'], configs)}` : ''));
    }),
  };
}

function remove(rt: Runtime): CommandModule<BrokerArgs, NamesArgs> {
  return {
    command: 'delete <name..>',
    describe: 'Delete topics and all their records',
    builder: (y) => y.positional('name', { type: 'string', array: true, demandOption: true, describe: 'Topic(s) to delete' }) as Argv<NamesArgs>,
    handler: (args) => withClient(args, rt, async (client) => {
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
