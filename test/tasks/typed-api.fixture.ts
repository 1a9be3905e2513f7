// Compiled (never run) by tasks-types.test.ts: each @ts-expect-error must be an error, everything else must not.
import type { TaskDefinition, TaskHandle, Tasks } from '@klog/tasks';

type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends (<T>() => T extends Y ? 1 : 2) ? true : false;
function assertType<_T extends true>(): void {}

export async function typedApi(tasks: Tasks): Promise<void> {
  const send = tasks.define('send-email', async (ctx, to: string, subject: string) => {
    ctx.progress(50);
    return { messageId: `${to}:${subject}`, at: new Date() };
  });
  assertType<Equal<typeof send, TaskDefinition<[to: string, subject: string], { messageId: string; at: Date }>>>();
  const handle = await send.delay('a@example.com', 'hi');
  assertType<Equal<typeof handle, TaskHandle<{ messageId: string; at: Date }>>>();
  const result = await handle.result({ timeoutMs: 10_000 });
  assertType<Equal<typeof result, { messageId: string; at: Date }>>();
  const sync = tasks.define('sync', (_ctx, n: number) => n * 2);
  assertType<Equal<Awaited<ReturnType<Awaited<ReturnType<typeof sync.delay>>['result']>>, number>>();
  // @ts-expect-error -- a number where the handler takes a string
  await send.delay('a@example.com', 5);
  // @ts-expect-error -- an argument missing
  await send.delay('a@example.com');
  // @ts-expect-error -- schedule takes the same arguments after `when`
  await send.schedule({ countdownMs: 1 }, 1, 2);
  await send.schedule({ eta: new Date() }, 'b@example.com', 'later');
  // @ts-expect-error -- a schedule's args are the task's
  tasks.every('5m', sync, { args: ['x'] });
  tasks.every('5m', sync, { args: [1] });
}
