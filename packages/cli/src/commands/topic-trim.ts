import type { Argv, CommandModule } from 'yargs';
import { withClient, type BrokerArgs } from '../client-session.js';
import { jsonOption, writeJson, type JsonArgs } from '../json-output.js';
import { wholeNumberOption } from '../options.js';
import type { Runtime } from '../runtime.js';

interface TrimArgs extends BrokerArgs, JsonArgs {
  name: string;
  partition: number;
  before: number;
}

/** `klog topic trim`: Kafka's DeleteRecords, for one partition. */
export function trimCommand(rt: Runtime): CommandModule<BrokerArgs, TrimArgs> {
  return {
    command: 'trim <name>',
    describe: 'Delete the records of a partition before an offset: its start offset moves there, and whole segments below it are removed from disk',
    builder: (y) => jsonOption(y
      .positional('name', { type: 'string', demandOption: true, describe: 'Topic to trim' })
      .option('partition', { ...wholeNumberOption('--partition'), demandOption: true, describe: 'Partition to trim' })
      .option('before', { ...wholeNumberOption('--before'), demandOption: true,
        describe: 'First offset to keep (at most the partition\'s end offset; see klog topic describe)' }))
      .example('$0 topic trim orders --partition 0 --before 1', '') as unknown as Argv<TrimArgs>,
    handler: (args) => withClient(args, rt, async (client) => {
      const logStartOffset = await client.admin().deleteRecords(args.name, args.partition, args.before);
      if (args.json) return writeJson(rt, { name: args.name, partition: args.partition, logStartOffset });
      rt.note(`klog: trimmed ${args.name}-${args.partition}: it now starts at offset ${logStartOffset}`);
    }),
  };
}
