import { isRetriable, type Admin, type Client, type QueueInfo, type QueueMessage } from '@klog/client';
import { isKlogError, KlogError } from '@klog/log-core';
import { rendererOf, type TimeStyle } from './format.js';
import { watchStdoutReader } from './reader-watch.js';
import type { Runtime } from './runtime.js';

/** What `klog consume --queue` reads of its arguments. */
export interface QueueConsumeArgs {
  queue?: string;
  topics: string[];
  count?: number;
  'exit-at-end': boolean;
  format?: string;
  json?: boolean;
  'time-format': TimeStyle;
}

/**
 * With -e: how long one wait for a record lasts before the queue's counts are read; nothing ready then is the end.
 * Without -e the wait is the client's, and an empty one just starts the next.
 */
const END_WAIT_MS = 500;

/** Following, a fetch that failed for a passing reason (a restarting broker) is tried again after this pause. */
const RETRY_PAUSE_MS = 1_000;

/** The topics named on the command line (none is fine: the queue knows its own) must be the queue's. */
function checkTopics(d: QueueInfo, named: string[]): void {
  const strangers = named.filter((t) => !d.config.topics.includes(t));
  if (strangers.length > 0) {
    throw new KlogError('INVALID_CONFIG',
      `queue ${d.config.name} reads ${d.config.topics.join(', ')}, not ${strangers.join(', ')} (consume it with: klog consume ${d.config.topics[0]} --queue ${d.config.name})`);
  }
}

async function nothingReady(admin: Admin, name: string): Promise<boolean> {
  return (await admin.describeQueue(name)).partitions.every((p) => p.ready === 0);
}

/**
 * `klog consume --queue NAME`: prints what the queue delivers, accepting each record once it has reached stdout.
 * Records the client holds but has not printed (a -n reached, Ctrl-C, the reader of stdout gone) are released when
 * the queue is closed, so another consumer gets them at once rather than when their locks run out.
 */
export async function consumeQueue(client: Client, args: QueueConsumeArgs, rt: Runtime): Promise<void> {
  const name = args.queue!;
  const admin = client.admin();
  checkTopics(await admin.describeQueue(name), args.topics); // a queue that does not exist, or other topics, fail here
  const render = rendererOf(args);
  const halt = new AbortController();
  const onStop = (): void => halt.abort();
  rt.stop.addEventListener('abort', onStop, { once: true });
  const halted = new Promise<null>((resolve) => halt.signal.addEventListener('abort', () => resolve(null), { once: true }));
  if (rt.stop.aborted) onStop(); // told to stop before the loop began (Ctrl-C while loading)
  const unwatch = watchStdoutReader(() => rt.out.readerGone());
  // Named only, without topics: the queue is opened as it stands, never created or changed by a consume.
  const reader = client.queue({ name });
  const wait = args['exit-at-end'] ? { maxWaitMs: END_WAIT_MS } : {};
  let printed = 0;
  let retrying = false; // said once per outage, not once per attempt
  try {
    while (!halt.signal.aborted && printed !== args.count) {
      // One record at a time: what is not fetched need not be given back when -n is reached.
      const next = reader.receive({ max: 1, ...wait });
      next.catch(() => undefined); // a fetch failing after we stopped waiting is of no interest
      let got: QueueMessage[] | null;
      try {
        got = await Promise.race([next, halted]);
      } catch (err) {
        // Following outlasts a broker restart, as a plain consume does; a bounded read (-e) says what went wrong.
        if (args['exit-at-end'] || !isRetriable(err)) throw err;
        if (!retrying) rt.note(`klog: queue ${name}: broker unreachable (${(err as Error).message}); trying again until it is back`);
        retrying = true;
        await Promise.race([new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS)), halted]);
        continue;
      }
      retrying = false;
      if (got === null) break;
      if (got.length === 0) {
        if (args['exit-at-end'] && await nothingReady(admin, name)) break;
        continue;
      }
      for (const m of got) {
        await rt.out.write(render(m));
        await rt.out.flushed();
        if (rt.out.readerIsGone) break; // read by no one: it goes back to the queue on close
        printed++;
        await m.accept().catch((err: unknown) => {
          if (!isKlogError(err, 'LOCK_LOST')) throw err;
          rt.note(`klog: ${m.topic}/${m.partition}@${m.offset} was printed after its lock ran out; the queue will deliver it again`);
        });
      }
    }
  } finally {
    unwatch();
    rt.stop.removeEventListener('abort', onStop);
    await reader.close();
    await rt.out.flushed();
  }
}
