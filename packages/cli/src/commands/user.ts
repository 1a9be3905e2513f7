import type { Argv, CommandModule } from 'yargs';
import { withClient, type BrokerArgs } from '../client-session.js';
import { prepareDataDir } from '../data-dir.js';
import { jsonOption, writeJson, type JsonArgs } from '../json-output.js';
import { wholeNumberOption } from '../options.js';
import { passwordFromStdin, promptPassword } from '../password-input.js';
import type { Runtime } from '../runtime.js';
import { renderTable } from '../table.js';
import { withUserStore } from '../user-store-access.js';

interface UserArgs extends BrokerArgs {
  'data-dir'?: string;
}

interface AddArgs extends UserArgs {
  name: string;
  'password-stdin': boolean;
  iterations?: number;
}

const NAME = { type: 'string', demandOption: true, describe: 'User name' } as const;

/** Where the users are: a stopped broker's directory (--data-dir), else the broker itself (--broker, KLOG_BROKER). */
const withDataDir = <T>(y: Argv<T>) => y.option('data-dir', {
  alias: 'd', type: 'string', describe: 'Change the users of a stopped broker\'s data directory; without it, of the running broker (--broker)',
});

function add(rt: Runtime): CommandModule<BrokerArgs, AddArgs> {
  return {
    command: 'add <name>',
    describe: 'Add a user, or give it a new password (asked on the terminal without echo, or read from stdin; never an argument)',
    builder: (y) => withDataDir(y.positional('name', NAME))
      .option('password-stdin', { type: 'boolean', default: false, describe: 'Read the password from stdin (one line) instead of asking' })
      .option('iterations', { ...wholeNumberOption('--iterations', 4096), describe: 'SCRAM iterations (at least 4096; default 8192)' })
      .example('echo \'correct horse battery\' | $0 user add alice --password-stdin --data-dir ./klog-data', 'before starting the broker; on a running one: --broker and --user instead of --data-dir') as unknown as Argv<AddArgs>,
    handler: async (args) => {
      const password = args['password-stdin'] ? await passwordFromStdin() : await promptPassword(`password for ${args.name}: `);
      const opts = { iterations: args.iterations };
      const dataDir = args['data-dir'];
      if (dataDir !== undefined) prepareDataDir(dataDir); // users may be added before the broker first starts
      const created = dataDir !== undefined
        ? await withUserStore(dataDir, (users) => users.putPassword(args.name, password, opts))
        : await withClient(args, rt, (client) => client.admin().addUser(args.name, password, opts));
      rt.note(`klog: ${created ? 'created user' : 'changed the password of user'} ${args.name}`);
    },
  };
}

function list(rt: Runtime): CommandModule<BrokerArgs, UserArgs & JsonArgs> {
  return {
    command: 'list',
    describe: 'List the users and the SCRAM mechanisms each can authenticate with',
    builder: (y) => jsonOption(withDataDir(y)).example('$0 user list --data-dir ./klog-data', '') as Argv<UserArgs & JsonArgs>,
    handler: async (args) => {
      const users = args['data-dir'] !== undefined
        ? await withUserStore(args['data-dir'], (store) => store.list())
        : await withClient(args, rt, (client) => client.admin().listUsers());
      if (args.json) return writeJson(rt, users);
      await rt.out.write(renderTable(['USER', 'MECHANISMS'], users.map((u) => [u.user, u.mechanisms.join(',')])));
    },
  };
}

function remove(rt: Runtime): CommandModule<BrokerArgs, UserArgs & { name: string }> {
  return {
    command: 'remove <name>',
    describe: 'Remove a user (its open connections stay until they close)',
    builder: (y) => withDataDir(y.positional('name', NAME)).example('$0 user remove alice --data-dir ./klog-data', '') as Argv<UserArgs & { name: string }>,
    handler: async (args) => {
      if (args['data-dir'] !== undefined) await withUserStore(args['data-dir'], (users) => users.remove(args.name));
      else await withClient(args, rt, (client) => client.admin().removeUser(args.name));
      rt.note(`klog: deleted user ${args.name}`);
    },
  };
}

export function userCommand(rt: Runtime): CommandModule<BrokerArgs, BrokerArgs> {
  return {
    command: 'user <command>',
    describe: 'Add, list and remove the users clients authenticate as (SCRAM); with none, the broker asks no one',
    builder: (y) => y
      .command(add(rt))
      .command(list(rt))
      .command(remove(rt))
      .demandCommand(1, 'say which: klog user add|list|remove')
      .example('$0 user list --data-dir ./klog-data', ''),
    handler: () => undefined,
  };
}
