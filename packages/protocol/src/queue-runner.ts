import type { QueueAcknowledgements } from './queue-acknowledgements.js';
import { AutoPrefetch } from './queue-prefetch.js';

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
  /** The queue's lock; while a record's handler runs, its lock is renewed lockMs / 2 to 3/4 lockMs after it last started. */
  lockMs: number;
  /** Resolves after `ms`, or early when `signal` aborts (the embedded queue's clock, or real time). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /**
   * Calls `fn` every `ms` until the returned function is called. Given, run()'s one renewal timer uses it
   * instead of a loop of sleeps (which the embedded queue uses, so that its clock drives renewals).
   */
  repeat?(ms: number, fn: () => void): () => void;
  /** An acknowledgement failed (LOCK_LOST, say): nothing to do but say so. Must not throw (it reports, from callbacks). */
  ackFailed(message: M, err: unknown): void;
  /**
   * A record fetched ahead whose lock is lost before its handler started (the member's connection to the broker
   * failed since the fetch, so the broker gave its records back): dropped, not handled nor acknowledged.
   */
  stale?(message: M): boolean;
  /**
   * A clock in ms, for prefetch 'auto' (without one, 'auto' fetches `concurrency` ahead), and to drop a record
   * fetched ahead that waited a whole lock before a handler was free (its lock has run out: it is not started).
   */
  now?(): number;
}

/** Handler `worker` (0-based, one of `concurrency`) works on `message`; resolving accepts it, throwing releases it. */
export type QueueHandler<M> = (message: M, worker: number) => Promise<void>;

/** Records fetched ahead: a number, or 'auto' (paced by the handlers, see AutoPrefetch; needs host.now). */
export type QueuePrefetch = number | 'auto';

/** The reason the renewal timer's sleep stops: given, because abort() without one builds a DOMException. */
const HANDLER_DONE = new Error('handler done');

/**
 * run() for both kinds of queue: `concurrency` handlers, one record each, fed by one fetch at a time. Up to
 * `prefetch` records more than the handlers hold are fetched ahead and wait in the member (like RabbitMQ's
 * prefetch or Kafka's share-fetch max records), so that a handler that finishes starts its next record at once
 * instead of after a fetch's round trip, and each fetch brings many records; their locks run from the fetch.
 * The next fetch goes out when the records fetched ahead are all started or half the room is free, not at the
 * first free slot: fast handlers would otherwise send a fetch (a round trip, and a state write at the broker)
 * for every record or two they finish.
 * While a handler runs, its record's lock is renewed once lockMs / 2 has passed since it last started (by 3/4 of the
 * lock at the latest; one timer per run()). A handler that resolves accepts its
 * record, one that throws releases it (with the queue's backoff, archived at the limit), one that acknowledged
 * the record itself is left alone (one that called acceptAfter frees its slot at once, and run() still waits for
 * that acknowledgement, as for its own). A handler is idle again once its ack is made, not answered, so the next record
 * overlaps the ack. Records fetched ahead and not started when the queue stops are released at once. run()
 * resolves only after every ack it made was answered, once the queue stopped (or fetch said to stop) and the
 * handlers finished. A fetch that throws rejects run(), after the running handlers finished.
 */
export async function runQueueHandlers<M extends RunnableMessage>(
  host: QueueRunHost<M>, concurrency: number, handler: QueueHandler<M>, prefetch: QueuePrefetch = 0,
): Promise<void> {
  const slots = Math.max(1, Math.trunc(concurrency));
  const idle = Array.from({ length: slots }, (_, i) => i).reverse();
  const auto = prefetch === 'auto' && host.now !== undefined ? new AutoPrefetch(slots, host.lockMs, () => host.now!()) : undefined;
  const fixed = typeof prefetch === 'number' ? Math.max(0, Math.trunc(prefetch)) : slots;
  const ahead = (): number => auto?.current ?? fixed;
  const waiting: M[] = [];
  /** When each waiting record's fetch was answered (host.now), beside it in `waiting`; empty without a clock. */
  const fetchedAt: number[] = [];
  let next = 0;
  // Counted, not kept in sets: a set entry and a `finally` promise per record were a good part of a fast
  // handler's cost.
  const running = new Outstanding();
  const renewals = new LockRenewals(host, slots);
  const acks = new Outstanding();
  const ackDone = (): void => acks.done();
  /** `p` never rejects (its failure is reported to host.ackFailed first). */
  const track = (p: Promise<void>): void => {
    acks.add();
    void p.then(ackDone);
  };
  /** Records to ask for now; 0: wait (no room, or the records fetched ahead still fill more than half of it). */
  const room = (): number => {
    const limit = slots + ahead();
    const queued = waiting.length - next;
    const free = limit - running.count - queued;
    if (free <= 0 || (idle.length === 0 && ahead() <= 0)) return 0;
    return queued === 0 || 2 * free >= limit ? free : 0;
  };
  // The fetch loop sleeps on one promise, resolved when a slot frees and a fetch is due (or the queue stops):
  // not a race over every running handler, which cost a reaction per handler per wake.
  let wake: (() => void) | undefined;
  const nudge = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  // A finished handler takes the next waiting record itself: no wait for the fetch loop (which may be polling).
  const start = (message: M, worker: number): void => {
    auto?.recordStarted();
    running.add();
    void handleOne(host, message, worker, handler, track, renewals, finished);
  };
  const finished = (worker: number): void => {
    running.done();
    const more = host.stopped.aborted ? undefined : take();
    if (more !== undefined) start(more, worker);
    else idle.push(worker);
    if (wake !== undefined && room() > 0) nudge();
  };
  // A record that waited a whole lock since its fetch was answered has lost its lock for sure (the lock started at
  // the broker before the answer left): the broker hands it out again, maybe already has, so starting it would be a
  // second run whose accept is refused. Dropped like a stale one (an ack would only be refused as well).
  const lapsed = (i: number): boolean => fetchedAt.length > i && host.now!() - fetchedAt[i] >= host.lockMs;
  const take = (): M | undefined => {
    let m: M | undefined;
    while (m === undefined && next < waiting.length) {
      const i = next++;
      m = waiting[i];
      if (host.stale?.(m) === true || lapsed(i)) m = undefined;
    }
    if (next === waiting.length) {
      waiting.length = 0;
      fetchedAt.length = 0;
      next = 0;
    }
    return m;
  };
  // Stop wakes the loop while every handler is busy, so that the records fetched ahead are released at once.
  host.stopped.addEventListener('abort', nudge, { once: true });
  try {
    while (!host.stopped.aborted) {
      const want = room();
      if (want === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      const batch = await host.fetch(want);
      auto?.fetched();
      if (batch === null) break;
      const at = host.now?.();
      for (const message of batch) {
        waiting.push(message);
        if (at !== undefined) fetchedAt.push(at);
      }
      for (let m = idle.length > 0 ? take() : undefined; m !== undefined; m = idle.length > 0 ? take() : undefined) start(m, idle.pop()!);
    }
  } finally {
    host.stopped.removeEventListener('abort', nudge);
    // Fetched ahead but never started: available again now, not when their locks run out.
    for (let m = take(); m !== undefined; m = take()) track(m.release({ delayMs: 0 }).catch((e: unknown) => host.ackFailed(m!, e)));
    await running.idle();
    renewals.stop();
    await renewals.idle();
    await acks.idle();
  }
}

/** Runs one record's handler and settles the record; never rejects; calls `finished` last. */
async function handleOne<M extends RunnableMessage>(
  host: QueueRunHost<M>, message: M, worker: number, handler: QueueHandler<M>, track: (ack: Promise<void>) => void,
  renewals: LockRenewals<M>, finished: (worker: number) => void,
): Promise<void> {
  renewals.hold(message, worker);
  const settle = (ack: Promise<void>): void => track(ack.catch((e: unknown) => host.ackFailed(message, e)));
  try {
    await handler(message, worker);
    if (!message.settled) settle(message.accept());
    else if (message.pendingAcceptance !== undefined) settle(message.pendingAcceptance);
  } catch (err) {
    if (!message.settled) settle(message.release({ reason: err instanceof Error ? err.message : String(err) }));
    else host.ackFailed(message, err);
  } finally {
    renewals.drop(worker);
    finished(worker);
  }
}

/** Work in progress (handlers, acks), counted; idle() resolves once there is none. */
class Outstanding {
  count = 0;
  private waiters: (() => void)[] = [];

  add(): void {
    this.count++;
  }

  done(): void {
    this.count--;
    if (this.count === 0 && this.waiters.length > 0) {
      const ws = this.waiters;
      this.waiters = [];
      for (const w of ws) w();
    }
  }

  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

/** Ticks of the renewal timer per lock: a record is renewed 2 ticks after its lock last started, so at least every
 * lockMs / 2 apart and no later than 3/4 of the lock after the last start (a record may start just after a tick). */
const TICKS_PER_LOCK = 4;

/**
 * The locks of the records whose handlers run, renewed from one timer per run() instead of one per record (a
 * timer per record cost about 5 % of a worker's CPU, for handlers that almost always finish long before their
 * lock is half gone). The timer runs while some handler does, and stops at its first tick with none. Time is
 * counted in ticks, not read from a clock, so the embedded queue's clock (host.sleep) drives it as well as real
 * time (host.repeat).
 */
class LockRenewals<M extends RunnableMessage> {
  /**
   * The record each handler (by its worker index) runs, and the tick at which its lock last started (its
   * handler's start or last renewal; Infinity: not to be renewed now). By slot rather than in a map: a handler
   * holds one record at a time, and a map entry per record was a measurable part of a fast handler's cost.
   */
  private readonly held: (M | undefined)[];
  private readonly since: number[];
  private running = 0;
  private readonly renewing = new Set<Promise<void>>();
  private readonly every: number;
  private tick = 0;
  private stopTimer: (() => void) | undefined;

  constructor(private readonly host: QueueRunHost<M>, slots: number) {
    this.every = Math.max(1, Math.floor(host.lockMs / TICKS_PER_LOCK));
    this.held = new Array<M | undefined>(slots).fill(undefined);
    this.since = new Array<number>(slots).fill(0);
  }

  hold(message: M, worker: number): void {
    this.held[worker] = message;
    this.since[worker] = this.tick;
    this.running++;
    if (this.stopTimer === undefined) this.startTimer();
  }

  /** Handler `worker` finished: no renewal starts for its record from now on (one on its way is awaited by idle()). */
  drop(worker: number): void {
    this.held[worker] = undefined;
    this.running--;
  }

  /** No handler runs any more (run() ends): the timer stops now rather than at its next tick. */
  stop(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
  }

  /** Resolves once no renewal is on its way. */
  async idle(): Promise<void> {
    while (this.renewing.size > 0) await Promise.all(this.renewing);
  }

  private startTimer(): void {
    const onTick = (): void => this.onTick();
    if (this.host.repeat !== undefined) {
      this.stopTimer = this.host.repeat(this.every, onTick);
      return;
    }
    const stop = new AbortController();
    void this.sleepLoop(stop.signal, onTick);
    this.stopTimer = () => stop.abort(HANDLER_DONE);
  }

  private async sleepLoop(signal: AbortSignal, onTick: () => void): Promise<void> {
    for (;;) {
      await this.host.sleep(this.every, signal);
      if (signal.aborted) return;
      onTick();
    }
  }

  private onTick(): void {
    // Stopped at a tick with no handler running, not when the last handler finishes: fast handlers would
    // otherwise start and stop a timer for nearly every record.
    if (this.running === 0) {
      this.stop();
      return;
    }
    this.tick++;
    for (let worker = 0; worker < this.held.length; worker++) {
      const message = this.held[worker];
      if (message === undefined || this.tick - this.since[worker] < TICKS_PER_LOCK / 2) continue;
      // Not renewed again until this renewal is answered: the next one is due 2 ticks after this one anyway.
      this.since[worker] = Number.POSITIVE_INFINITY;
      const renewal: Promise<void> = message.renew().then(() => {
        if (this.held[worker] === message) this.since[worker] = this.tick;
      }, (err: unknown) => {
        // The lock is gone (LOCK_LOST, say): renewing it again cannot help, so its tick stays at Infinity.
        this.host.ackFailed(message, err);
      }).finally(() => this.renewing.delete(renewal));
      this.renewing.add(renewal);
    }
  }
}
