import type { TopicSettings } from '@klog/client';
import type { Argv, CommandModule } from 'yargs';
import { withClient, type BrokerArgs } from '../client-session.js';
import { parseDuration } from '../duration.js';
import { jsonOption, writeJson, type JsonArgs } from '../json-output.js';
import { wholeNumberOption } from '../options.js';
import { UsageError } from '../errors.js';
import type { Runtime } from '../runtime.js';
import { parseSize } from '../size.js';
import { renderTable } from '../table.js';
import { topicConfigsOf } from '../topic-configs.js';
import { trimCommand } from './topic-trim.js';

/** The settings a topic can be created with, and (all but partitions) changed to later. */
interface SettingArgs extends BrokerArgs {
  retention?: string;
  'retention-bytes'?: string;
  'segment-bytes'?: string;
  'max-batch-bytes'?: string;
  'cleanup-policy'?: string;
  'delete-retention'?: string;
  'min-compaction-lag'?: string;
}

interface CreateArgs extends SettingArgs {
  name: string;
  partitions?: number;
}

interface AlterArgs extends SettingArgs, JsonArgs {
  name: string;
  partitions?: number;
}

interface NamesArgs extends BrokerArgs, JsonArgs {
  name: string[];
}

/** The settings given; those not given are left out, so that the broker's defaults apply. */
function settingsOf(args: SettingArgs & { partitions?: number }): TopicSettings {
  const settings: TopicSettings = {
    partitions: args.partitions,
    retentionMs: args.retention === undefined ? undefined : parseDuration(args.retention, '--retention', { allowUnlimited: true }),
    retentionBytes: args['retention-bytes'] === undefined ? undefined : parseSize(args['retention-bytes'], '--retention-bytes', { allowUnlimited: true }),
    segmentBytes: args['segment-bytes'] === undefined ? undefined : parseSize(args['segment-bytes'], '--segment-bytes'),
    maxBatchBytes: args['max-batch-bytes'] === undefined ? undefined : parseSize(args['max-batch-bytes'], '--max-batch-bytes'),
    cleanupPolicy: args['cleanup-policy'] as TopicSettings['cleanupPolicy'],
    deleteRetentionMs: args['delete-retention'] === undefined ? undefined : parseDuration(args['delete-retention'], '--delete-retention'),
    minCompactionLagMs: args['min-compaction-lag'] === undefined ? undefined : parseDuration(args['min-compaction-lag'], '--min-compaction-lag'),
  };
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
}

/** The options of the settings a topic has, shared by create and alter. */
function settingOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('retention', { type: 'string', describe: 'Keep records this long: 7d, 12h, 30m, 10s, 250ms, or -1 for ever (default 7d); a unit is required' })
    .option('retention-bytes', { type: 'string', describe: 'Keep at most this many bytes per partition: 1GiB, 512MiB, or -1 (default)' })
    .option('segment-bytes', { type: 'string', describe: 'Size of a segment file before a new one is started (default 128MiB)' })
    .option('max-batch-bytes', { type: 'string', describe: 'Largest batch, and so largest record, the topic accepts (default 1MiB); producers split their batches to fit' })
    .option('cleanup-policy', { type: 'string', choices: ['delete', 'compact', 'compact,delete'], describe: 'delete: drop old records by --retention (default); compact: keep the latest record of every key; compact,delete: both' })
    .option('delete-retention', { type: 'string', describe: 'Compacted topics: how long a tombstone (null value) is kept, e.g. 1d (default 1d)' })
    .option('min-compaction-lag', { type: 'string', describe: 'Compacted topics: records younger than this are not compacted, e.g. 10m (default 0ms)' });
}

function create(rt: Runtime): CommandModule<BrokerArgs, CreateArgs> {
  return {
    command: 'create <name>',
    describe: 'Create a topic',
    builder: (y) => settingOptions(y
      .positional('name', { type: 'string', demandOption: true, describe: 'Name of the new topic: letters, digits, . _ -' })
      .option('partitions', { ...wholeNumberOption('--partitions', 1), describe: 'Number of partitions (default: the broker\'s, 1)' }))
      .example('$0 topic create notification --partitions 3 --retention 12h', '')
      .example('$0 topic create prices --cleanup-policy compact --delete-retention 1h', '') as unknown as Argv<CreateArgs>,
    handler: (args) => withClient(args, rt, async (client) => {
      await client.admin().createTopic(args.name, settingsOf(args));
      rt.note(`klog: created topic ${args.name}`);
    }),
  };
}

function alter(rt: Runtime): CommandModule<BrokerArgs, AlterArgs> {
  return {
    command: 'alter <name>',
    describe: 'Change settings of an existing topic, or grow it to more partitions; the settings not given keep their values',
    builder: (y) => jsonOption(settingOptions(y
      .positional('name', { type: 'string', demandOption: true, describe: 'Topic to change' })
      .option('partitions', { ...wholeNumberOption('--partitions', 1),
        describe: 'Grow the topic to this many partitions (never fewer). Keys then map by the new count, as in Kafka: a key\'s new records may go to another partition than its old ones' })))
      .example('$0 topic alter notification --max-batch-bytes 4MiB --retention 3d', '')
      .example('$0 topic alter orders --partitions 6', '') as unknown as Argv<AlterArgs>,
    handler: (args) => withClient(args, rt, async (client) => {
      const { partitions, ...settings } = settingsOf(args);
      if (Object.keys(settings).length === 0 && partitions === undefined) {
        throw new UsageError('say what to change: --partitions, --retention, --retention-bytes, --segment-bytes, --max-batch-bytes, --cleanup-policy, --delete-retention or --min-compaction-lag');
      }
      const grown = partitions === undefined ? undefined : await client.admin().createPartitions(args.name, partitions);
      const config = Object.keys(settings).length === 0 ? undefined : await client.admin().alterTopicConfig(args.name, settings);
      if (args.json) return writeJson(rt, { name: args.name, ...(grown === undefined ? {} : { partitions: grown }), ...(config ? { config } : {}) });
      if (grown !== undefined) rt.note(`klog: topic ${args.name} now has ${grown} partitions`);
      if (config) rt.note(`klog: changed topic ${args.name}: ${Object.entries(settings).map(([k, v]) => `${k} ${v}`).join(', ')}`);
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

function compact(rt: Runtime): CommandModule<BrokerArgs, NamesArgs> {
  return {
    command: 'compact <name..>',
    describe: 'Compact topics now (cleanup policy compact or compact,delete): keep the latest record of every key, drop older ones and expired tombstones; waits until done',
    builder: (y) => jsonOption(y.positional('name', { type: 'string', array: true, demandOption: true, describe: 'Topic(s) to compact' }))
      .example('$0 topic compact prices', '') as Argv<NamesArgs>,
    handler: (args) => withClient(args, rt, async (client) => {
      const results = [];
      for (const name of args.name) {
        const r = await client.admin().compactTopic(name);
        results.push({ name, ...r });
        if (!args.json) rt.note(`klog: compacted topic ${name}: ${r.segmentsCleaned} segments rewritten, ${r.bytesBefore} bytes to ${r.bytesAfter}`);
      }
      if (args.json) await writeJson(rt, results);
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
    describe: 'Create, alter, list, describe, compact, trim and delete topics',
    builder: (y) => y
      .command(create(rt))
      .command(alter(rt))
      .command(list(rt))
      .command(describe(rt))
      .command(compact(rt))
      .command(trimCommand(rt))
      .command(remove(rt))
      .demandCommand(1, 'say which: klog topic create|alter|list|describe|compact|trim|delete')
      .example('$0 topic create notification --partitions 3', '')
      .example('$0 topic describe notification', ''),
    handler: () => undefined,
  };
}
