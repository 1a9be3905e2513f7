import type { Admin } from '@klog/client';
import { KlogError } from '@klog/log-core';
import type { Argv, CommandModule } from 'yargs';
import { withClient, type BrokerArgs } from '../client-session.js';
import { parseTimePoint } from '../duration.js';
import { jsonOption, writeJson, type JsonArgs } from '../json-output.js';
import { wholeNumberOption } from '../options.js';
import type { Runtime } from '../runtime.js';
import { renderTable } from '../table.js';

interface GroupArgs extends BrokerArgs, JsonArgs {
  group: string;
}

const GROUP_POSITIONAL = { type: 'string', demandOption: true, describe: 'Consumer group id (see them with: klog group list)' } as const;

interface ResetArgs extends GroupArgs {
  topic: string;
  partition?: number[];
  'to-earliest'?: boolean;
  'to-latest'?: boolean;
  'to-offset'?: number;
  'to-time'?: string;
}

type ResetTarget = Parameters<Admin['resetOffsets']>[2];

function targetOf(args: ResetArgs): ResetTarget {
  const given = [args['to-earliest'] && 'to-earliest', args['to-latest'] && 'to-latest',
    args['to-offset'] !== undefined && 'to-offset', args['to-time'] !== undefined && 'to-time'].filter(Boolean);
  if (given.length !== 1) {
    throw new KlogError('INVALID_CONFIG', 'say where to move the offsets with exactly one of --to-earliest, --to-latest, --to-offset N, --to-time T');
  }
  if (args['to-earliest']) return 'earliest';
  if (args['to-latest']) return 'latest';
  if (args['to-offset'] !== undefined) return { offset: args['to-offset'] };
  return { timestamp: parseTimePoint(args['to-time']!, '--to-time', Date.now()) };
}

function list(rt: Runtime): CommandModule<BrokerArgs, BrokerArgs & JsonArgs> {
  return {
    command: 'list',
    describe: 'List consumer groups with their state and number of members',
    builder: (y) => jsonOption(y).example('$0 group list --json', ''),
    handler: (args) => withClient(args, rt, async (client) => {
      const groups = (await client.admin().listGroups()).sort((a, b) => a.groupId.localeCompare(b.groupId));
      if (args.json) return writeJson(rt, groups);
      await rt.out.write(renderTable(['GROUP', 'STATE', 'MEMBERS'], groups.map((g) => [g.groupId, g.state, g.members])));
    }),
  };
}

function describe(rt: Runtime): CommandModule<BrokerArgs, GroupArgs> {
  return {
    command: 'describe <group>',
    describe: 'Show a group\'s members, who reads which partition, and the lag per partition',
    builder: (y) => jsonOption(y.positional('group', GROUP_POSITIONAL))
      .example('$0 group describe g1', '')
      .example('$0 group describe g1 --json', '') as Argv<GroupArgs>,
    handler: (args) => withClient(args, rt, async (client) => {
      const g = await client.admin().describeGroup(args.group);
      if (args.json) {
        const { groupId, state, generationId, protocolType, protocolName, leaderId, members, partitions } = g;
        return writeJson(rt, { groupId, state, generationId, protocolType, protocolName, leaderId, members, partitions });
      }
      const members = renderTable(['MEMBER', 'CLIENT', 'HOST', 'PARTITIONS'], g.members.map((m) => [
        m.memberId, m.clientId, m.clientHost, (m.assignment ?? []).map((a) => `${a.topic}/${a.partition}`).join(',') || null,
      ]));
      const partitions = renderTable(['TOPIC', 'PARTITION', 'MEMBER', 'COMMITTED', 'END', 'LAG'], g.partitions.map((p) => [
        p.topic, p.partition, p.memberId, p.committedOffset, p.logEndOffset, p.lag,
      ]));
      await rt.out.write(`group ${g.groupId}: ${g.state}, generation ${g.generationId}, ${g.members.length} member(s)`
        + `${g.protocolName ? `, assignor ${g.protocolName}` : ''}\n\n${members}\n${partitions}`);
    }),
  };
}

function resetOffsets(rt: Runtime): CommandModule<BrokerArgs, ResetArgs> {
  return {
    command: 'reset-offsets <group>',
    describe: 'Move a group\'s committed offsets on a topic (the group must have no running consumers)',
    builder: (y) => y.positional('group', GROUP_POSITIONAL)
      .option('topic', { alias: 't', type: 'string', demandOption: true, describe: 'Topic whose offsets move' })
      .option('partition', { alias: 'p', ...wholeNumberOption('--partition'), array: true, describe: 'Only these partitions, -p 0 -p 1 (default: all)' })
      .option('to-earliest', { type: 'boolean', describe: 'To the first record kept' })
      .option('to-latest', { type: 'boolean', describe: 'To the end: skip everything there is' })
      .option('to-offset', { ...wholeNumberOption('--to-offset'), describe: 'To this offset; one outside what a partition holds is clamped to its first or end offset (and said so)' })
      .option('to-time', { type: 'string', describe: 'To the first record at or after a time (ISO date, or -1h, -30m)' })
      .example('$0 group reset-offsets g1 --topic notification --to-earliest', 'read everything again')
      .example('$0 group reset-offsets g1 --topic notification --to-time -1h', 'read the last hour again') as Argv<ResetArgs>,
    handler: (args) => withClient(args, rt, async (client) => {
      const target = targetOf(args);
      const moved = await client.admin().resetOffsets(args.group, args.topic, target, args.partition);
      if (typeof target === 'object' && 'offset' in target) {
        for (const o of moved.filter((m) => m.offset !== target.offset)) {
          rt.note(`klog: ${o.topic}/${o.partition} has no offset ${target.offset}; clamped to ${o.offset}, ${o.offset < target.offset ? 'its end' : 'its first record'}`);
        }
      }
      await rt.out.write(renderTable(['TOPIC', 'PARTITION', 'NEW-OFFSET'], moved.map((o) => [o.topic, o.partition, o.offset])));
    }),
  };
}

function remove(rt: Runtime): CommandModule<BrokerArgs, GroupArgs> {
  return {
    command: 'delete <group>',
    describe: 'Delete a group and its committed offsets (the group must have no running consumers)',
    builder: (y) => y.positional('group', GROUP_POSITIONAL) as Argv<GroupArgs>,
    handler: (args) => withClient(args, rt, async (client) => {
      await client.admin().deleteGroup(args.group);
      rt.note(`klog: deleted group ${args.group}`);
    }),
  };
}

export function groupCommand(rt: Runtime): CommandModule<BrokerArgs, BrokerArgs> {
  return {
    command: 'group <command>',
    describe: 'List, describe, reset the offsets of, and delete consumer groups',
    builder: (y) => y
      .command(list(rt))
      .command(describe(rt))
      .command(resetOffsets(rt))
      .command(remove(rt))
      .demandCommand(1, 'say which: klog group list|describe|reset-offsets|delete')
      .example('$0 group describe g1', '')
      .example('$0 group reset-offsets g1 --topic notification --to-earliest', ''),
    handler: () => undefined,
  };
}
