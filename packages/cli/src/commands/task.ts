import type { Argv, CommandModule } from 'yargs';
import { createTasks, TASK_STATES, type TaskInfo, type Tasks, type TaskState } from '@klog/tasks';
import { formatAge } from '../age.js';
import { resolveBrokerAddress } from '../broker-address.js';
import type { BrokerArgs } from '../client-session.js';
import { clientNotices } from '../client-notices.js';
import { jsonOption, writeJson, type JsonArgs } from '../json-output.js';
import type { Runtime } from '../runtime.js';
import { renderTable } from '../table.js';

interface TaskArgs extends BrokerArgs, JsonArgs {
  app?: string;
}

interface IdArgs extends TaskArgs {
  id: string;
}

interface ListArgs extends TaskArgs {
  state?: TaskState;
  name?: string;
}

const ID_POSITIONAL = { type: 'string', demandOption: true, describe: 'Task id (handle.id; see them with: klog task list)' } as const;

/** Runs `fn` with a tasks object (no tasks defined: it only reads and enqueues) for the chosen broker. */
async function withTasks<T>(args: TaskArgs, rt: Runtime, fn: (tasks: Tasks) => Promise<T>): Promise<T> {
  const tasks = createTasks({
    brokers: [resolveBrokerAddress(args.broker, rt.env)],
    client: { clientId: 'klog-cli', logger: clientNotices(rt.note) },
    ...(args.app === undefined ? {} : { app: args.app }),
  });
  try {
    return await fn(tasks);
  } finally {
    await tasks.close();
  }
}

function errorText(i: TaskInfo): string | null {
  return i.error === undefined ? null : `${i.error.name}: ${i.error.message}`;
}

function rows(infos: TaskInfo[], now: number): (string | number | null)[][] {
  return infos.map((i) => [i.id, i.name ?? null, i.state, i.attempts, i.progress ?? null,
    i.updatedAt === undefined ? null : `${formatAge(Math.max(0, now - i.updatedAt))} ago`, errorText(i)]);
}

const HEADER = ['TASK', 'NAME', 'STATE', 'ATTEMPTS', 'PROGRESS', 'UPDATED', 'ERROR'];

/** JSON of a task's info: a result that JSON cannot hold (a Buffer, a Map) is shown as msgpack would have it, roughly. */
function jsonOf(i: TaskInfo): unknown {
  return { ...i, result: i.result instanceof Map ? Object.fromEntries(i.result) : i.result };
}

function status(rt: Runtime): CommandModule<TaskArgs, IdArgs> {
  return {
    command: 'status <id>',
    describe: 'Show a task\'s state, attempts, progress, result or error (an id nobody wrote about is PENDING, as in Celery)',
    builder: (y) => jsonOption(y.positional('id', ID_POSITIONAL))
      .example('$0 task status 0b7f3d52-9a1e-4c1f-8e0a-5d2f7f7c9b10', '')
      .example('$0 task status 0b7f3d52-9a1e-4c1f-8e0a-5d2f7f7c9b10 --json', '') as Argv<IdArgs>,
    handler: (args) => withTasks(args, rt, async (tasks) => {
      const info = await tasks.status(args.id);
      if (args.json) return writeJson(rt, jsonOf(info));
      await rt.out.write(renderTable(HEADER, rows([info], Date.now())));
      if (info.state === 'SUCCESS') await rt.out.write(`result: ${JSON.stringify((jsonOf(info) as { result?: unknown }).result ?? null)}\n`);
      if (info.error?.stack !== undefined) await rt.out.write(`${info.error.stack}\n`);
    }),
  };
}

function list(rt: Runtime): CommandModule<TaskArgs, ListArgs> {
  return {
    command: 'list',
    describe: 'List the tasks the results topic holds (the last resultTtlMs), oldest update first',
    builder: (y) => jsonOption(y)
      .option('state', { type: 'string', choices: TASK_STATES, describe: 'Only tasks in this state' })
      .option('name', { type: 'string', describe: 'Only tasks of this name' })
      .example('$0 task list --state FAILURE', 'the tasks that failed their last attempt')
      .example('$0 task list --name send-email --json', '') as unknown as Argv<ListArgs>,
    handler: (args) => withTasks(args, rt, async (tasks) => {
      const infos = await tasks.list({ ...(args.state === undefined ? {} : { state: args.state }), ...(args.name === undefined ? {} : { name: args.name }) });
      if (args.json) return writeJson(rt, infos.map(jsonOf));
      await rt.out.write(renderTable(HEADER, rows(infos, Date.now())));
    }),
  };
}

function retry(rt: Runtime): CommandModule<TaskArgs, IdArgs> {
  return {
    command: 'retry <id>',
    describe: 'Enqueue a finished task (FAILURE, REVOKED, SUCCESS) again, same id and arguments',
    builder: (y) => y.positional('id', ID_POSITIONAL) as Argv<IdArgs>,
    handler: (args) => withTasks(args, rt, async (tasks) => {
      const handle = await tasks.retry(args.id);
      rt.note(`klog: task ${handle.name} ${handle.id} enqueued again`);
    }),
  };
}

function revoke(rt: Runtime): CommandModule<TaskArgs, IdArgs> {
  return {
    command: 'revoke <id>',
    describe: 'Cancel a task: if not started it never runs; if running, its ctx.signal is aborted',
    builder: (y) => y.positional('id', ID_POSITIONAL) as Argv<IdArgs>,
    handler: (args) => withTasks(args, rt, async (tasks) => {
      const revoked = await tasks.revoke(args.id);
      rt.note(revoked ? `klog: task ${args.id} revoked` : `klog: task ${args.id} had already finished; nothing to revoke`);
    }),
  };
}

export function taskCommand(rt: Runtime): CommandModule<BrokerArgs, TaskArgs> {
  return {
    command: 'task <command>',
    describe: 'Background tasks (@klog/tasks): status, list, retry, revoke (run them with: klog worker ./tasks.js)',
    builder: (y) => y
      .option('app', { type: 'string', describe: 'The tasks app (createTasks({ app })); default tasks' })
      .command(status(rt))
      .command(list(rt))
      .command(retry(rt))
      .command(revoke(rt))
      .demandCommand(1, 'say which: klog task status|list|retry|revoke')
      .example('$0 task list --state FAILURE', '') as Argv<TaskArgs>,
    handler: () => undefined,
  };
}
