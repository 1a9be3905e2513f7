import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { KlogError, defaultLogger, isKlogError, type Logger } from '@klog/log-core';
import { SHARE_RECORD, isRetriable, runQueueHandlers, type QueuePrefetch, type ResponseOf, type ShareAckOutcome } from '@klog/protocol';
import { Admin, type QueueConfig, type QueueSettings } from './admin.js';
import type { BrokerConnection } from './broker-connection.js';
import { AckBatcher, acksOf, type QueuedAck, type WireAck } from './queue-ack-batcher.js';
import { FETCH_EPOCH, QueueMessage, type QueueAckType } from './queue-message.js';
import { sleep } from './retry.js';
import type { Deserializer } from './serializers.js';

export interface QueueOptions extends Partial<QueueSettings> {
  name: string;
  /** How long one shareFetch waits at the broker for records. Default 5 s. */
  maxWaitMs?: number;
  /**
   * How often an idle member tells the broker it is alive (an empty acknowledgement), so that its session
   * (45 s by default on the broker) does not end while it works on long tasks. Default 10 s.
   */
  heartbeatIntervalMs?: number;
  keyDeserializer?: Deserializer;
  valueDeserializer?: Deserializer;
  logger?: Logger;
}

export interface QueueEachMessagePayload {
  message: QueueMessage;
  deliveryCount: number;
  /** Which of run()'s `concurrency` handlers this is (0-based). */
  worker: number;
  /** Aborted when the queue is closed: a long handler may stop early (its record is then released). */
  signal: AbortSignal;
}

export interface QueueRunOptions {
  /** Handlers running at once (default 1); each holds one record at a time. */
  concurrency?: number;
  /**
   * Records fetched ahead beyond those the handlers hold, so that a finished handler starts its next record
   * without a round trip to the broker. Their locks run from the fetch; 0 fetches only for idle handlers.
   * Default 'auto': `concurrency`, raised (up to AUTO_PREFETCH_MAX, 256) while the handlers start records fast
   * enough that one fetched ahead waits at most an eighth of its lock, so that fast handlers fetch (and send
   * their acks) in few, large requests.
   */
  prefetch?: QueuePrefetch;
  /** Resolves: the record is accepted. Throws: released with the queue's backoff (archived at the delivery limit). */
  eachMessage: (payload: QueueEachMessagePayload) => Promise<void>;
}

/** Waiting this long after a failed fetch before the next one (the broker is restarting, say). */
const RETRY_PAUSE_MS = 500;

/**
 * One member of a queue hosted by the broker: records it receives are locked to it until acknowledged, until
 * their lock runs out, or until it closes (which releases them at once). Fetches long-poll on a connection of
 * their own, so that acknowledgements are never stuck behind one. Each Queue is one member; open several for
 * several members.
 */
export class Queue implements AsyncIterable<QueueMessage> {
  readonly memberId: string;
  private readonly stop = new AbortController();
  private readonly loops = new Set<Promise<void>>();
  private readyPromise: Promise<QueueConfig> | undefined;
  private closing: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private lastSent = 0;
  private readonly logger: Logger;
  private readonly acks: AckBatcher;
  /** Bumped when a request to the broker fails: records fetched before may no longer be locked to this member. */
  private epoch = 0;
  /** Whether fetches carry acks (shareFetch v1); off for good once the broker answers one without ackResults. */
  private carryAcks = true;
  /** Fetches on their way that carry acks: close() waits for their answers before leaving. */
  private readonly carrying = new Set<Promise<unknown>>();

  constructor(
    private readonly fetchConn: BrokerConnection,
    private readonly ackConn: BrokerConnection,
    private readonly opts: QueueOptions,
    clientId: string,
  ) {
    this.memberId = `${clientId}-${randomUUID()}`;
    this.logger = opts.logger ?? defaultLogger();
    this.acks = new AckBatcher(ackConn, opts.name, this.memberId, () => {
      this.lastSent = Date.now();
    }, () => this.lostLocks());
  }

  get name(): string {
    return this.opts.name;
  }

  /**
   * Creates the queue (or applies these settings to it) when topics are given, else looks it up; resolves with
   * its settings. Called by receive, run and iteration; call it first to fail early on a bad setting.
   */
  ready(): Promise<QueueConfig> {
    this.readyPromise ??= this.setUp();
    return this.readyPromise;
  }

  /** Waits up to maxWaitMs (default: the queue's) for records and returns up to `max` (default 1); [] once closed. */
  async receive(opts: { max?: number; maxWaitMs?: number } = {}): Promise<QueueMessage[]> {
    if (this.stop.signal.aborted) throw new KlogError('QUEUE_CLOSED', `queue ${this.name} is closed (member ${this.memberId})`);
    await this.ready();
    const maxWaitMs = opts.maxWaitMs ?? this.opts.maxWaitMs ?? 5_000;
    // As of the request: a failure while it is on its way makes what it brings stale too.
    const epoch = this.epoch;
    // Acks made since the last request ride along (one round trip for both); the broker then answers at once.
    const carried = this.carryAcks ? this.acks.take() : [];
    try {
      let request: Promise<ResponseOf<'shareFetch'>>;
      try {
        request = this.fetchConn.request('shareFetch', {
          queue: this.name, memberId: this.memberId, maxRecords: opts.max ?? 1, maxWaitMs, ...(carried.length > 0 ? { acks: acksOf(carried) } : {}),
        }, { timeoutMs: maxWaitMs + 30_000 });
      } catch (err) {
        // Not sent at all: the acks it was to carry fail with it (and no longer hold back the member's others).
        if (carried.length > 0) this.acks.fail(carried, err);
        throw err;
      }
      if (carried.length > 0) this.answerCarried(request, carried);
      const res = await untilAborted(request, this.stop.signal);
      // Closed while waiting: whatever the fetch locks later is released by the broker when this member leaves.
      if (res === null) return [];
      this.lastSent = Date.now();
      const deserializers = { key: this.opts.keyDeserializer, value: this.opts.valueDeserializer };
      const messages: QueueMessage[] = [];
      for (const group of res.records) {
        const count = group.records.length / SHARE_RECORD.stride;
        for (let i = 0; i < count; i++) {
          const m = new QueueMessage(group, i, deserializers, this.sendAck);
          m[FETCH_EPOCH] = epoch;
          messages.push(m);
        }
      }
      return messages;
    } catch (err) {
      if (this.stop.signal.aborted) return [];
      throw err;
    }
  }

  /**
   * Runs `concurrency` handlers until the queue is closed; resolves then. While a handler runs, its record's lock
   * is renewed every lockMs/2 (the first time by 3/4 of the lock), so work longer than the lock keeps its record.
   */
  run(opts: QueueRunOptions): Promise<void> {
    const loop = this.pump(opts, opts.concurrency ?? 1);
    this.loops.add(loop);
    return loop.finally(() => this.loops.delete(loop));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<QueueMessage> {
    while (!this.stop.signal.aborted) {
      const batch = await this.fetchRetrying(1);
      yield* batch;
    }
  }

  /** Stops fetching, waits for running handlers, and releases every record still locked to this member. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stop.abort();
      clearInterval(this.heartbeat);
      // Handlers finish (and acknowledge) first; the fetch in progress is cut short by closing its connection.
      await Promise.all([...this.loops].map((l) => l.catch(() => undefined)));
      // Acks still on their way go before the leave, which would otherwise release their records.
      await Promise.all(this.carrying);
      await this.acks.idle();
      if (this.readyPromise !== undefined) {
        await this.ackConn.request('leaveQueue', { queue: this.name, memberId: this.memberId }).catch((err: unknown) => {
          // The broker also releases a member's records when its connection closes, just below.
          this.logger.debug({ err, queue: this.name }, 'leaveQueue failed');
        });
      }
      this.fetchConn.close();
      this.ackConn.close();
    })();
    return this.closing;
  }

  private async setUp(): Promise<QueueConfig> {
    const admin = new Admin(this.ackConn);
    const { name, topics, lockMs, maxDeliveries, maxRecordLocks, deadLetterTopic, backoff, start, priority } = this.opts;
    const config = topics === undefined
      ? (await admin.describeQueue(name)).config
      : await admin.createQueue({ name, topics, lockMs, maxDeliveries, maxRecordLocks, deadLetterTopic, backoff, start, priority });
    const every = this.opts.heartbeatIntervalMs ?? 10_000;
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastSent < every) return;
      this.lastSent = Date.now();
      this.ackConn.request('shareAcknowledge', { queue: name, memberId: this.memberId, acks: [] })
        .catch((err: unknown) => this.logger.debug({ err, queue: name }, 'queue heartbeat failed'));
    }, every);
    this.heartbeat.unref();
    return config;
  }

  /** Acknowledgements travel in batches (queue-ack-batcher.ts); each message's promise still settles on its own. */
  private readonly sendAck = (m: QueueMessage, type: QueueAckType, o: { delayMs?: number; reason?: string }): Promise<void> => {
    const ack: WireAck = { topic: m.topic, partition: m.partition, offset: m.offset, deliveryCount: m.deliveryCount, type };
    if (o.delayMs !== undefined) ack.delayMs = o.delayMs;
    if (o.reason !== undefined) ack.reason = o.reason;
    return this.acks.send(ack);
  };

  /** Settles the acks a fetch carried, before its records are handed out; an older broker's fetch did not carry them. */
  private answerCarried(request: Promise<{ ackResults?: ShareAckOutcome }>, carried: QueuedAck[]): void {
    const answered = request.then((res) => {
      if (res.ackResults !== undefined) return this.acks.settle(carried, res.ackResults);
      this.carryAcks = false;
      this.acks.putBack(carried);
    }, (err: unknown) => this.acks.fail(carried, err));
    this.carrying.add(answered);
    void answered.finally(() => this.carrying.delete(answered));
  }

  /** Fetches until there is something or the queue closes; retriable failures (a restarting broker) are waited out. */
  private async fetchRetrying(max: number): Promise<QueueMessage[]> {
    while (!this.stop.signal.aborted) {
      try {
        const got = await this.receive({ max });
        if (got.length > 0) return got;
      } catch (err) {
        if (this.stop.signal.aborted) return [];
        // QUEUE_CLOSED from the broker: it is shutting down, or the queue was just deleted (the retry then gets
        // UNKNOWN_QUEUE, which is for the caller).
        this.lostLocks();
        if (!isRetriable(err) && !isKlogError(err, 'QUEUE_CLOSED')) throw err;
        this.logger.warn({ err, queue: this.name }, 'queue fetch failed; retrying');
        await sleep(RETRY_PAUSE_MS, this.stop.signal);
      }
    }
    return [];
  }

  /** run()'s loop is shared with the embedded queue (runQueueHandlers, in @klog/protocol). */
  private async pump(opts: QueueRunOptions, concurrency: number): Promise<void> {
    const config = await this.ready();
    await runQueueHandlers<QueueMessage>({
      fetch: (max) => this.fetchRetrying(max),
      stopped: this.stop.signal,
      lockMs: config.lockMs,
      sleep,
      repeat: (ms, fn) => {
        const timer = setInterval(fn, ms);
        return () => clearInterval(timer);
      },
      ackFailed: (message, err) => this.logAck(message, err),
      stale: (message) => message[FETCH_EPOCH] !== this.epoch,
      now: () => performance.now(),
    }, concurrency, (message, worker) => opts.eachMessage({ message, deliveryCount: message.deliveryCount, worker, signal: this.stop.signal }),
    opts.prefetch ?? 'auto');
  }

  /** A failed request (the broker restarting, say): what was fetched ahead is not handed out. */
  private lostLocks(): void {
    this.epoch++;
  }

  private logAck(message: QueueMessage, err: unknown): void {
    this.logger.warn({ err, queue: this.name, id: message.id }, 'queue acknowledgement failed');
  }
}

/** The promise's value, or null as soon as the signal aborts (the promise is left to settle on its own). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T | null> {
  if (signal.aborted) {
    p.catch(() => undefined);
    return Promise.resolve(null);
  }
  return new Promise<T | null>((resolve, reject) => {
    const onAbort = (): void => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
