import type { Client, ConsumedMessage } from '@klog/client';
import { isKlogError, KlogError } from '@klog/log-core';
import { rendererOf, type TimeStyle } from './format.js';
import { queueAdminOf, type QueueAdmin, type QueueDescription } from './queue-admin.js';
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

/** One delivery, as the client's queue hands it out. */
interface QueueDelivery {
  topic: string;
  partition: number;
  offset: number;
  key: unknown;
  value: unknown;
  timestamp: number;
  headers: unknown;
  headerList?: { key: string; value: Buffer | null }[];
  accept(): Promise<void>;
}

interface QueueReader extends AsyncIterable<QueueDelivery> {
  close(): Promise<void>;
}

/**
 * With -e: how often the queue's counts are read while nothing arrives. Nothing ready at two reads in a row, with
 * no delivery between them, means the end: a fetch of ours still on its way would have delivered by then.
 */
const END_CHECK_MS = 250;

/** The message as the printers take it: headers as the ordered list (and the map) whichever form the client gave. */
function asConsumed(m: QueueDelivery): ConsumedMessage {
  const list = m.headerList ?? (Array.isArray(m.headers) ? m.headers as { key: string; value: Buffer | null }[] : null);
  const headers = list ? Object.fromEntries(list.map((h) => [h.key, h.value])) : m.headers as Record<string, Buffer | null>;
  const headerList = list ?? Object.entries(headers).map(([key, value]) => ({ key, value }));
  return { topic: m.topic, partition: m.partition, offset: m.offset, key: m.key, value: m.value, timestamp: m.timestamp, headers, headerList };
}

/** The queue's topics, after checking that those named on the command line are among them. */
function topicsOf(d: QueueDescription, named: string[]): string[] {
  const strangers = named.filter((t) => !d.config.topics.includes(t));
  if (strangers.length > 0) {
    throw new KlogError('INVALID_CONFIG',
      `queue ${d.config.name} reads ${d.config.topics.join(', ')}, not ${strangers.join(', ')} (consume it with: klog consume ${d.config.topics[0]} --queue ${d.config.name})`);
  }
  return d.config.topics;
}

function readyIn(d: QueueDescription): number {
  return d.partitions.reduce((n, p) => n + p.ready, 0);
}

/** Calls `onEnd` once the queue has had nothing ready at two reads in a row with no delivery between them. */
function watchForEnd(admin: QueueAdmin, name: string, onEnd: () => void): { delivered(): void; stop(): void } {
  let emptyReads = 0;
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    admin.describeQueue(name).then((d) => {
      emptyReads = readyIn(d) === 0 ? emptyReads + 1 : 0;
      if (emptyReads >= 2) onEnd();
    }, () => undefined).finally(() => (checking = false));
  }, END_CHECK_MS);
  return { delivered: () => void (emptyReads = 0), stop: () => clearInterval(timer) };
}

/**
 * `klog consume --queue NAME`: prints what the queue delivers, accepting each record once it has reached stdout.
 * Records the client holds but has not printed (a -n reached, Ctrl-C, the reader of stdout gone) are released when
 * the queue is closed, so another consumer gets them at once rather than when their locks run out.
 */
export async function consumeQueue(client: Client, args: QueueConsumeArgs, rt: Runtime): Promise<void> {
  const name = args.queue!;
  const admin = queueAdminOf(client);
  const topics = topicsOf(await admin.describeQueue(name), args.topics);
  const render = rendererOf(args);
  const halt = new AbortController();
  const onStop = (): void => halt.abort();
  rt.stop.addEventListener('abort', onStop, { once: true });
  const halted = new Promise<null>((resolve) => halt.signal.addEventListener('abort', () => resolve(null), { once: true }));
  const end = args['exit-at-end'] ? watchForEnd(admin, name, () => halt.abort()) : null;
  const unwatch = watchStdoutReader(() => rt.out.readerGone());
  const reader = (client as unknown as { queue(o: { name: string; topics: string[] }): QueueReader }).queue({ name, topics });
  const it = reader[Symbol.asyncIterator]();
  let printed = 0;
  try {
    while (!halt.signal.aborted && printed !== args.count) {
      const next = it.next();
      next.catch(() => undefined); // a fetch failing after we stopped waiting is of no interest
      const r = await Promise.race([next, halted]);
      if (r === null || r.done) break;
      end?.delivered();
      const m = r.value;
      await rt.out.write(render(asConsumed(m)));
      await rt.out.flushed();
      if (rt.out.readerIsGone) break; // not read by anyone: it goes back to the queue on close
      printed++;
      await m.accept().catch((err: unknown) => {
        if (!isKlogError(err, 'LOCK_LOST')) throw err;
        rt.note(`klog: ${m.topic}/${m.partition}@${m.offset} was printed after its lock ran out; the queue will deliver it again`);
      });
    }
  } finally {
    end?.stop();
    unwatch();
    rt.stop.removeEventListener('abort', onStop);
    await reader.close();
    await rt.out.flushed();
  }
}
