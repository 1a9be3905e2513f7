import { ACL_OPERATIONS, CLUSTER_RESOURCE, type Acl } from '@klog/client';
import type { Argv, CommandModule } from 'yargs';
import { withClient, type BrokerArgs } from '../client-session.js';
import { UsageError } from '../errors.js';
import { jsonOption, writeJson, type JsonArgs } from '../json-output.js';
import type { Runtime } from '../runtime.js';
import { renderTable } from '../table.js';

interface AclArgs extends BrokerArgs {
  allow?: string;
  deny?: string;
  operation: Acl['operation'];
  topic?: string;
  group?: string;
  cluster: boolean;
  prefix: boolean;
}

/** The flags that say one ACL, shared by add and remove (remove takes the ACL exactly as add was given it). */
const aclFlags = <T>(y: Argv<T>) => y
  .option('allow', { type: 'string', describe: 'Principal the ACL allows: User:NAME (or NAME), or * for everyone' })
  .option('deny', { type: 'string', describe: 'Principal the ACL denies (a deny wins over any allow)' })
  .option('operation', { type: 'string', choices: ACL_OPERATIONS, demandOption: true, describe: 'What it allows or denies' })
  .option('topic', { type: 'string', describe: 'On this topic (* for all)' })
  .option('group', { type: 'string', describe: 'On this consumer group or queue (* for all)' })
  .option('cluster', { type: 'boolean', default: false, describe: 'On the cluster (create topics, manage users and ACLs)' })
  .option('prefix', { type: 'boolean', default: false, describe: 'The topic or group name is a prefix: every name starting with it' });

/** One ACL from the flags, or a usage error saying what is missing. */
function aclOf(args: AclArgs): Acl {
  if ((args.allow === undefined) === (args.deny === undefined)) throw new UsageError('say --allow PRINCIPAL or --deny PRINCIPAL (one of them)');
  const targets = [args.topic !== undefined, args.group !== undefined, args.cluster].filter(Boolean).length;
  if (targets !== 1) throw new UsageError('say what the ACL is on: --topic NAME, --group NAME or --cluster (one of them)');
  if (args.cluster && args.prefix) throw new UsageError('--prefix goes with --topic or --group, not --cluster');
  const who = (args.allow ?? args.deny)!;
  const principal = who === '*' || who.startsWith('User:') ? who : `User:${who}`;
  const [resourceType, resourceName] = args.topic !== undefined ? ['topic', args.topic] as const
    : args.group !== undefined ? ['group', args.group] as const : ['cluster', CLUSTER_RESOURCE] as const;
  return { principal, resourceType, resourceName, prefix: args.prefix, operation: args.operation, allow: args.allow !== undefined };
}

const describe = (acl: Acl): string =>
  `${acl.allow ? 'allow' : 'deny'} ${acl.principal} ${acl.operation} on ${acl.resourceType} ${acl.resourceName}${acl.prefix ? ' (prefix)' : ''}`;

function add(rt: Runtime): CommandModule<BrokerArgs, AclArgs> {
  return {
    command: 'add',
    describe: 'Add an ACL: once the broker has users, a user may do only what an ACL allows it',
    builder: (y) => aclFlags(y)
      .example('$0 acl add --allow User:alice --operation read --topic orders', 'alice may consume orders')
      .example('$0 acl add --allow User:alice --operation read --group orders- --prefix', '… in any group whose name starts with orders-') as unknown as Argv<AclArgs>,
    handler: async (args) => {
      const acl = aclOf(args);
      const created = await withClient(args, rt, (client) => client.admin().addAcl(acl));
      rt.note(`klog: ${created ? 'added' : 'already there:'} ${describe(acl)}`);
    },
  };
}

function list(rt: Runtime): CommandModule<BrokerArgs, BrokerArgs & JsonArgs> {
  return {
    command: 'list',
    describe: 'List the ACLs',
    builder: (y) => jsonOption(y).example('$0 acl list', '') as Argv<BrokerArgs & JsonArgs>,
    handler: async (args) => {
      const acls = await withClient(args, rt, (client) => client.admin().listAcls());
      if (args.json) return writeJson(rt, acls);
      await rt.out.write(renderTable(['PRINCIPAL', 'PERMISSION', 'OPERATION', 'RESOURCE', 'NAME', 'PATTERN'],
        acls.map((a) => [a.principal, a.allow ? 'allow' : 'deny', a.operation, a.resourceType, a.resourceName, a.prefix ? 'prefix' : 'literal'])));
    },
  };
}

function remove(rt: Runtime): CommandModule<BrokerArgs, AclArgs> {
  return {
    command: 'remove',
    describe: 'Remove an ACL, given with the same flags it was added with',
    builder: (y) => aclFlags(y).example('$0 acl remove --allow User:alice --operation read --topic orders', '') as unknown as Argv<AclArgs>,
    handler: async (args) => {
      const acl = aclOf(args);
      await withClient(args, rt, (client) => client.admin().removeAcl(acl));
      rt.note(`klog: removed ${describe(acl)}`);
    },
  };
}

export function aclCommand(rt: Runtime): CommandModule<BrokerArgs, BrokerArgs> {
  return {
    command: 'acl <command>',
    describe: 'Add, list and remove ACLs: who may read, write, create, delete, describe or alter which topics and groups',
    builder: (y) => y
      .command(add(rt))
      .command(list(rt))
      .command(remove(rt))
      .demandCommand(1, 'say which: klog acl add|list|remove')
      .example('$0 acl list', ''),
    handler: () => undefined,
  };
}
