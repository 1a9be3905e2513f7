import type { QueueAcknowledgements } from './queue-acknowledgements.js';

/** A delivery as run() sees it: acknowledgeable, and counted. */
export interface RunnableMessage extends QueueAcknowledgements {
  readonly deliveryCount: number;
}

/** What the embedded queue and the client queue give run(): how to fetch, wait, and report. */
export interface QueueRunHost<M extends RunnableMessage> {
  /** Up to `max` records, waiting while there are none; null: stop running (the queue was closed or deleted). */
  fetch(max: number): Promise<M[] | null>;
  /** Aborts when the queue closes: no more fetching; handlers finish. */
  stopped: AbortSignal;
  /** The queue's lock; each record's lock is renewed every lockMs / 2 while its handler runs. */
  lockMs: number;
  /** Resolves after `ms`, or early when `signal` aborts (the embedded queue's clock, or real time). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** An acknowledgement failed (LOCK_LOST, say): nothing to do but say so. */
  ackFailed(message: M, err: unknown): void;
}

/** Handler `worker` (0-based, one of `concurrency`) works on `message`; resolving accepts it, throwing releases it. */
export type QueueHandler<M> = (message: M, worker: number) => Promise<void>;

/** The reason a handler's lock renewal stops: given, because abort() without one builds a DOMException per record. */
const HANDLER_DONE = new Error('handler done');

/**
 * run() for both kinds of queue: `concurrency` handlers, one record each, fed by one fetch at a time for as many
 * records as there are idle handlers. While a handler runs, its record's lock is renewed every lockMs / 2. A
 * handler that resolves accepts its record, one that throws releases it (with the queue's backoff, archived at
 * the limit), one that acknowledged the record itself is left alone. A handler is idle again once its ack is
 * made, not answered, so the next fetch overlaps the ack; run() resolves only after every ack it made was
 * answered, once the queue stopped (or fetch said to stop) and the handlers finished. A fetch that throws
 * rejects run(), after the running handlers finished.
 */
export async function runQueueHandlers<M extends RunnableMessage>(host: QueueRunHost<M>, concurrency: number, handler: QueueHandler<M>): Promise<void> {
  const idle = Array.from({ length: Math.max(1, Math.trunc(concurrency)) }, (_, i) => i).reverse();
  const running = new Set<Promise<void>>();
  const acks = new Set<Promise<void>>();
  const track = (p: Promise<void>): void => {
    acks.add(p);
    void p.finally(() => acks.delete(p));
  };
  try {
    while (!host.stopped.aborted) {
      if (idle.length === 0) {
        await Promise.race(running);
        continue;
      }
      const batch = await host.fetch(idle.length);
      if (batch === null) break;
      for (const message of batch) {
        const worker = idle.pop() ?? 0;
        const p = handleOne(host, message, worker, handler, track).finally(() => {
          running.delete(p);
          idle.push(worker);
        });
        running.add(p);
      }
    }
  } finally {
    await Promise.all(running);
    await Promise.all(acks);
  }
}

async function handleOne<M extends RunnableMessage>(
  host: QueueRunHost<M>, message: M, worker: number, handler: QueueHandler<M>, track: (ack: Promise<void>) => void,
): Promise<void> {
  const renewal = new AbortController();
  const renewing = keepLocked(host, message, renewal.signal);
  const settle = (ack: Promise<void>): void => track(ack.catch((e: unknown) => host.ackFailed(message, e)));
  try {
    await handler(message, worker);
    if (!message.settled) settle(message.accept());
  } catch (err) {
    if (!message.settled) settle(message.release({ reason: err instanceof Error ? err.message : String(err) }));
    else host.ackFailed(message, err);
  } finally {
    renewal.abort(HANDLER_DONE);
    await renewing;
  }
}

async function keepLocked<M extends RunnableMessage>(host: QueueRunHost<M>, message: M, signal: AbortSignal): Promise<void> {
  const every = Math.max(1, Math.floor(host.lockMs / 2));
  for (;;) {
    await host.sleep(every, signal);
    if (signal.aborted) return;
    try {
      await message.renew();
    } catch (err) {
      host.ackFailed(message, err);
      return;
    }
  }
}
