import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import { KlogError } from '@klog/log-core';
import { Tasks } from '@klog/tasks';
import { resolveBrokerAddress } from '../broker-address.js';
import type { BrokerArgs } from '../client-session.js';
import { parseDuration } from '../duration.js';
import { wholeNumberOption } from '../options.js';
import type { Runtime } from '../runtime.js';

interface WorkerArgs extends BrokerArgs {
  module: string;
  concurrency?: number;
  grace?: string;
}

/**
 * The tasks object a module exports: `export const tasks = createTasks(…)` (or a default export). Any other
 * export that is a tasks object is taken too when it is the only one, so the name is a convention, not a rule.
 */
export function tasksOfModule(mod: Record<string, unknown>, path: string): Tasks {
  if (Tasks.isTasks(mod.tasks)) return mod.tasks;
  if (Tasks.isTasks(mod.default)) return mod.default;
  const found = Object.values(mod).filter((v) => Tasks.isTasks(v));
  if (found.length === 1) return found[0] as Tasks;
  throw new KlogError('INVALID_CONFIG', found.length === 0
    ? `${path} exports no tasks object: add \`export const tasks = createTasks()\` (from @klog/tasks) and define the tasks on it`
    : `${path} exports ${found.length} tasks objects: export the one to run as \`tasks\``);
}

export function workerCommand(rt: Runtime): CommandModule<BrokerArgs, WorkerArgs> {
  return {
    command: 'worker <module>',
    describe: 'Run background tasks: import a module that defines them (@klog/tasks) and work until Ctrl-C or SIGTERM',
    builder: (y) => y.positional('module', { type: 'string', demandOption: true, describe: 'The JavaScript module that exports `tasks` (createTasks) and defines the tasks' })
      .option('concurrency', { alias: 'c', ...wholeNumberOption('--concurrency', 1), describe: 'Tasks run at once (default 1)' })
      .option('grace', { type: 'string', describe: 'On Ctrl-C/SIGTERM, how long running tasks may finish before they go back to the queue (default 30s)' })
      .example('$0 worker ./tasks.js --concurrency 8', 'run the tasks tasks.js defines, eight at a time') as unknown as Argv<WorkerArgs>,
    handler: async (args) => {
      const graceMs = args.grace === undefined ? undefined : parseDuration(args.grace, '--grace');
      // The module's createTasks() reads $KLOG_BROKER when it names no brokers: --broker reaches it that way.
      if (args.broker !== undefined) process.env.KLOG_BROKER = resolveBrokerAddress(args.broker, rt.env);
      const path = resolve(args.module);
      const tasks = tasksOfModule(await import(pathToFileURL(path).href) as Record<string, unknown>, args.module);
      const worker = await tasks.worker({ concurrency: args.concurrency ?? 1, handleSignals: false, ...(graceMs === undefined ? {} : { graceMs }) });
      rt.note(`klog worker: running ${args.module} (${worker.taskNames.join(', ') || 'no tasks defined'}), concurrency ${args.concurrency ?? 1}; Ctrl-C to stop`);
      await new Promise<void>((done) => {
        if (rt.stop.aborted) done();
        else rt.stop.addEventListener('abort', () => done(), { once: true });
      });
      rt.note('klog worker: stopping: running tasks finish (or go back to the queue after --grace)');
      await worker.stop();
      await tasks.close();
    },
  };
}
