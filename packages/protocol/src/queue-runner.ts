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
  /**
   * Calls `fn` every `ms` until the returned function is called. Given, lock renewal uses it instead of sleep
   * with an AbortController per record, which costs an AbortSignal and an abort event per record handled.
   */
  repeat?(ms: number, fn: () => void): () => void;
  /** An acknowledgement failed (LOCK_LOST, say): nothing to do but say so. */
  ackFailed(message: M, err: unknown): void;
  /**
   * A record fetched ahead whose lock is lost before its handler started (the member's connection to the broker
   * failed since the fetch, so the broker gave its records back): dropped, not handled nor acknowledged.
   */
  stale?(message: M): boolean;
}

/** Handler `worker` (0-based, one of `concurrency`) works on `message`; resolving accepts it, throwing releases it. */
export type QueueHandler<M> = (message: M, worker: number) => Promise<void>;

/** The reason a handler's lock renewal stops: given, because abort() without one builds a DOMException per record. */
const HANDLER_DONE = new Error('handler done');

/**
 * run() for both kinds of queue: `concurrency` handlers, one record each, fed by one fetch at a time. Up to
 * `prefetch` records more than the handlers hold are fetched ahead and wait in the member (like RabbitMQ's
 * prefetch or Kafka's share-fetch max records), so that a handler that finishes starts its next record at once
 * instead of after a fetch's round trip, and each fetch brings many records; their locks run from the fetch.
 * While a handler runs, its record's lock is renewed every lockMs / 2. A handler that resolves accepts its
 * record, one that throws releases it (with the queue's backoff, archived at the limit), one that acknowledged
 * the record itself is left alone. A handler is idle again once its ack is made, not answered, so the next record
 * overlaps the ack. Records fetched ahead and not started when the queue stops are released at once. run()
 * resolves only after every ack it made was answered, once the queue stopped (or fetch said to stop) and the
 * handlers finished. A fetch that throws rejects run(), after the running handlers finished.
 */
export async function runQueueHandlers<M extends RunnableMessage>(
  host: QueueRunHost<M>, concurrency: number, handler: QueueHandler<M>, prefetch = 0,
): Promise<void> {
  const idle = Array.from({ length: Math.max(1, Math.trunc(concurrency)) }, (_, i) => i).reverse();
  const limit = idle.length + Math.max(0, Math.trunc(prefetch));
  const waiting: M[] = [];
  let next = 0;
  const running = new Set<Promise<void>>();
  const acks = new Set<Promise<void>>();
  const track = (p: Promise<void>): void => {
    acks.add(p);
    void p.finally(() => acks.delete(p));
  };
  // A finished handler takes the next waiting record itself: no wait for the fetch loop (which may be polling).
  const start = (message: M, worker: number): void => {
    const p = handleOne(host, message, worker, handler, track).finally(() => {
      running.delete(p);
      const more = host.stopped.aborted ? undefined : take();
      if (more !== undefined) start(more, worker);
      else idle.push(worker);
    });
    running.add(p);
  };
  const take = (): M | undefined => {
    let m: M | undefined;
    while (m === undefined && next < waiting.length) {
      m = waiting[next++];
      if (host.stale?.(m) === true) m = undefined;
    }
    if (next === waiting.length) {
      waiting.length = 0;
      next = 0;
    }
    return m;
  };
  try {
    while (!host.stopped.aborted) {
      const room = limit - running.size - (waiting.length - next);
      if (room <= 0 || idle.length === 0 && prefetch <= 0) {
        await Promise.race(running);
        continue;
      }
      const batch = await host.fetch(room);
      if (batch === null) break;
      for (const message of batch) waiting.push(message);
      for (let m = idle.length > 0 ? take() : undefined; m !== undefined; m = idle.length > 0 ? take() : undefined) start(m, idle.pop()!);
    }
  } finally {
    // Fetched ahead but never started: available again now, not when their locks run out.
    for (let m = take(); m !== undefined; m = take()) track(m.release({ delayMs: 0 }).catch((e: unknown) => host.ackFailed(m!, e)));
    while (running.size > 0) await Promise.all(running);
    await Promise.all(acks);
  }
}

async function handleOne<M extends RunnableMessage>(
  host: QueueRunHost<M>, message: M, worker: number, handler: QueueHandler<M>, track: (ack: Promise<void>) => void,
): Promise<void> {
  const stopRenewing = keepLocked(host, message);
  const settle = (ack: Promise<void>): void => track(ack.catch((e: unknown) => host.ackFailed(message, e)));
  try {
    await handler(message, worker);
    if (!message.settled) settle(message.accept());
  } catch (err) {
    if (!message.settled) settle(message.release({ reason: err instanceof Error ? err.message : String(err) }));
    else host.ackFailed(message, err);
  } finally {
    await stopRenewing();
  }
}

/** Renews the record's lock every lockMs / 2 from now; the function returned stops that, once no renewal is on its way. */
function keepLocked<M extends RunnableMessage>(host: QueueRunHost<M>, message: M): () => Promise<void> {
  const every = Math.max(1, Math.floor(host.lockMs / 2));
  if (host.repeat === undefined) {
    const renewal = new AbortController();
    const renewing = renewBySleeping(host, message, every, renewal.signal);
    return async () => {
      renewal.abort(HANDLER_DONE);
      await renewing;
    };
  }
  let renewing: Promise<void> | undefined;
  let stopped = false;
  const cancel = host.repeat(every, () => {
    if (stopped || renewing !== undefined) return;
    renewing = message.renew().catch((err: unknown) => {
      host.ackFailed(message, err);
      stopped = true;
      cancel();
    }).finally(() => {
      renewing = undefined;
    });
  });
  return async () => {
    stopped = true;
    cancel();
    await renewing;
  };
}

async function renewBySleeping<M extends RunnableMessage>(host: QueueRunHost<M>, message: M, every: number, signal: AbortSignal): Promise<void> {
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
