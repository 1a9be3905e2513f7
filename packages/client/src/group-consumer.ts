import { AsyncLocalStorage } from 'node:async_hooks';
import { KlogError, isKlogError } from '@klog/log-core';
import { isRetriable, needsRejoin } from '@klog/protocol';
import type { BrokerConnection } from './broker-connection.js';
import { Consumer, keyOf, type ConsumedMessage, type ConsumerOptions } from './consumer.js';
import { MetadataCache } from './metadata-cache.js';
import { sleep, warnRetry } from './retry.js';

export interface GroupConsumerOptions extends ConsumerOptions {
  groupId: string;
  clientId?: string;
  /** The coordinator drops a member it has not heard from for this long. Default 10 s. */
  sessionTimeoutMs?: number;
  /**
   * How often the member tells the coordinator it is alive, and so how soon it hears of a rebalance. Default
   * 1 s (at most a third of the session timeout): a rebalance waits for every member to notice it.
   */
  heartbeatIntervalMs?: number;
  /** How long the coordinator waits for members to rejoin when the group rebalances. Default 30 s. */
  rebalanceTimeoutMs?: number;
  /** Commit processed offsets on the way (every autoCommitIntervalMs), on rebalance and on close. Default true. */
  autoCommit?: boolean;
  autoCommitIntervalMs?: number;
  /** Assignor(s) in preference order: 'range', 'roundrobin', 'sticky'. Default 'range'. */
  assignor?: string | string[];
  /** What run() does when eachMessage or eachBatch throws (as kafkajs's consumer `retry` option). */
  retry?: HandlerRetryOptions;
}

/**
 * A handler that throws is called again with the same message (or batch) after a backoff, up to `retries`
 * times; each failure is logged as a warning with its error. Once retries are exhausted the member leaves the
 * group at once (committing what was processed before the failing message), so its partitions go to other
 * members instead of staying held by a member that does not consume them. Then `restartOnFailure(error)` decides:
 * true (the default) rejoins the group after a backoff and the failed message is delivered again; false closes
 * the consumer and run() rejects with the error.
 */
export interface HandlerRetryOptions {
  /** Calls after the first failure. Default 5. */
  retries?: number;
  /** Backoff before the first retry, doubled for each next one. Default 300 ms. */
  initialRetryTimeMs?: number;
  /** Longest backoff. Default 30 s. */
  maxRetryTimeMs?: number;
  /** Asked once retries are exhausted: rejoin (true) or stop (false). Default: always rejoin. */
  restartOnFailure?: (error: unknown) => boolean | Promise<boolean>;
}

export type SubscribeOptions = { topics: string[] } | { pattern: string };

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: ConsumedMessage;
}

/**
 * Handlers of run(). A handler that throws is retried; see {@link HandlerRetryOptions} for what happens when
 * it keeps failing.
 */
export interface RunOptions {
  eachMessage?: (payload: EachMessagePayload) => Promise<void> | void;
  eachBatch?: (payload: { topic: string; partition: number; messages: ConsumedMessage[] }) => Promise<void> | void;
}

/** Set for the whole of a run() loop, so close() can tell it is called from inside a handler. */
const insideRun = new AsyncLocalStorage<GroupConsumer>();

/**
 * A consumer in a group: the coordinator shares the subscribed topics' partitions among the members, each
 * partition read by one member at a time. Offsets committed are those of messages processed (eachMessage returned,
 * or the iterator asked for the next one), never merely fetched; before giving partitions up in a rebalance the
 * member commits them, so an orderly rebalance neither loses nor repeats a record.
 */
export class GroupConsumer extends Consumer {
  private memberId = '';
  private generationId = -1;
  private subscription: SubscribeOptions | null = null;
  private assigned: { topic: string; partition: number }[] = [];
  /** Next offset to commit per partition: after the last processed message. */
  private readonly processed = new Map<string, { topic: string; partition: number; offset: number }>();
  private readonly committed = new Map<string, number>();
  private rejoin = true;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private lastCommit = Date.now();
  private running = false;
  /** Settles when run() has returned: close() waits for it, so the message in hand is done before the commit. */
  private runFinished: Promise<void> | null = null;
  private joining: Promise<void> | null = null;
  /** Tells whether a topic still exists, when a commit or fetch says one does not. */
  private readonly topicCheck: MetadataCache;
  private readonly retry: Required<HandlerRetryOptions>;
  private readonly group: Required<Pick<GroupConsumerOptions, 'groupId' | 'sessionTimeoutMs' | 'heartbeatIntervalMs' | 'rebalanceTimeoutMs' | 'autoCommit' | 'autoCommitIntervalMs'>> & { assignors: string[]; clientId: string };

  constructor(fetchConn: BrokerConnection, private readonly coord: BrokerConnection, opts: GroupConsumerOptions) {
    super(fetchConn, opts);
    this.retry = {
      retries: opts.retry?.retries ?? 5,
      initialRetryTimeMs: opts.retry?.initialRetryTimeMs ?? 300,
      maxRetryTimeMs: opts.retry?.maxRetryTimeMs ?? 30_000,
      restartOnFailure: opts.retry?.restartOnFailure ?? (() => true),
    };
    if (!Number.isInteger(this.retry.retries) || this.retry.retries < 0) {
      throw new KlogError('INVALID_CONFIG', `retry.retries must be a non-negative integer, got ${this.retry.retries}`);
    }
    if (typeof opts.groupId !== 'string' || opts.groupId.length === 0) throw new KlogError('INVALID_GROUP_ID', 'groupId must be a non-empty string');
    this.topicCheck = new MetadataCache(coord, 0);
    const assignor = opts.assignor ?? 'range';
    this.group = {
      groupId: opts.groupId,
      clientId: opts.clientId ?? 'klog-client',
      sessionTimeoutMs: opts.sessionTimeoutMs ?? 10_000,
      heartbeatIntervalMs: Math.min(opts.heartbeatIntervalMs ?? 1_000, Math.floor((opts.sessionTimeoutMs ?? 10_000) / 3)),
      rebalanceTimeoutMs: opts.rebalanceTimeoutMs ?? 30_000,
      autoCommit: opts.autoCommit ?? true,
      autoCommitIntervalMs: opts.autoCommitIntervalMs ?? 5_000,
      assignors: Array.isArray(assignor) ? assignor : [assignor],
    };
  }

  async subscribe(sub: SubscribeOptions): Promise<void> {
    if ('pattern' in sub ? typeof sub.pattern !== 'string' : !Array.isArray(sub?.topics) || sub.topics.length === 0) {
      throw new KlogError('INVALID_SUBSCRIPTION', 'subscribe needs { topics: [names...] } or { pattern: "regex" }');
    }
    this.subscription = sub;
    this.rejoin = true;
  }

  /** The partitions this member owns in the current generation. */
  assignmentOfGroup(): { topic: string; partition: number }[] {
    return [...this.assigned];
  }

  override assign(): void {
    throw new KlogError('INVALID_CONFIG', 'a consumer with a groupId gets its partitions from the group: use subscribe()');
  }

  /**
   * Runs eachMessage (or eachBatch) for every message until close(): the returned promise settles only when the
   * consumer stops (resolves after close(), rejects with the error that stopped it), so do not await it before
   * setting up a close() on shutdown. A handler that throws is retried, and when it keeps failing the member
   * leaves the group and rejoins or stops: see {@link HandlerRetryOptions} (the `retry` option). However run()
   * ends, the member has left the group by then: it never holds partitions it does not consume.
   */
  async run(opts: RunOptions): Promise<void> {
    if (!opts.eachMessage && !opts.eachBatch) throw new KlogError('INVALID_CONFIG', 'run needs eachMessage or eachBatch');
    // Checked here rather than at the first join, where a failure would close the consumer.
    if (!this.subscription) throw new KlogError('INVALID_SUBSCRIPTION', 'call subscribe() before run()');
    return insideRun.run(this, () => this.runLoop(opts));
  }

  private async runLoop(opts: RunOptions): Promise<void> {
    this.running = true;
    let finished!: () => void;
    this.runFinished = new Promise((resolve) => (finished = resolve));
    try {
      while (!this.closed) {
        try {
          await this.runRound(opts);
        } catch (err) {
          if (!(err instanceof HandlerFailure)) throw err;
          await this.afterHandlerFailure(err.failure);
        }
      }
    } catch (err) {
      // Whatever stopped the loop, the member must not stay in the group holding partitions nobody reads.
      if (!this.closed) await this.close();
      throw err;
    } finally {
      this.running = false;
      finished();
    }
  }

  /** One fetch round through the handlers; a handler that fails for good surfaces as a HandlerFailure. */
  private async runRound(opts: RunOptions): Promise<void> {
    for (const batch of await this.nextBatches()) {
      if (batch.length === 0) continue;
      const { topic, partition } = batch[0];
      if (this.rejoin || this.closed) break; // a rebalance or close is pending: no longer ours to process
      if (opts.eachBatch) {
        const where = { topic, partition, offset: batch[0].offset, lastOffset: batch[batch.length - 1].offset };
        if (!(await this.callHandler('eachBatch', where, () => opts.eachBatch!({ topic, partition, messages: batch })))) break;
        this.markProcessed(batch[batch.length - 1]);
      } else {
        for (const message of batch) {
          if (this.rejoin || this.closed) break; // stop at once: a rebalance or close is pending
          const where = { topic, partition, offset: message.offset };
          if (!(await this.callHandler('eachMessage', where, () => opts.eachMessage!({ topic, partition, message })))) break;
          this.markProcessed(message);
        }
      }
      if (this.rejoin || this.closed) break;
    }
  }

  /**
   * Calls a handler, retrying with exponential backoff while it throws. Returns false when a rebalance or close
   * came up while waiting to retry (the message is no longer ours: its next owner gets it from the committed
   * offset); throws a HandlerFailure once retries are exhausted.
   */
  private async callHandler(name: string, where: Record<string, unknown>, call: () => Promise<void> | void): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await call();
        return true;
      } catch (err) {
        if (attempt > this.retry.retries) throw new HandlerFailure(name, where, attempt, err);
        const backoffMs = Math.min(this.retry.initialRetryTimeMs * 2 ** (attempt - 1), this.retry.maxRetryTimeMs);
        this.logger.warn({ err, groupId: this.group.groupId, ...where, attempt, retryInMs: backoffMs }, `${name} failed; retrying`);
        await sleep(backoffMs, this.stop.signal);
        if (this.rejoin || this.closed) return false;
      }
    }
  }

  /** Retries are exhausted: leave the group at once, then rejoin or stop as restartOnFailure says. */
  private async afterHandlerFailure(failure: HandlerFailure['failure']): Promise<void> {
    const { name, where, attempts, error } = failure;
    this.logger.error({ err: error, groupId: this.group.groupId, ...where, attempts }, `${name} failed ${attempts} times; leaving the group`);
    await this.leaveGroup();
    this.assigned = []; // (after close() they stay readable as the last generation's; here they are given up)
    let restart: boolean;
    try {
      restart = await this.retry.restartOnFailure(error);
    } catch (err) {
      this.logger.error({ err, groupId: this.group.groupId }, 'restartOnFailure threw; stopping the consumer');
      restart = false;
    }
    if (!restart) throw error; // run() closes the consumer and rejects with the handler's error
    const delayMs = Math.min(this.retry.initialRetryTimeMs * 2 ** this.retry.retries, this.retry.maxRetryTimeMs);
    this.logger.warn({ groupId: this.group.groupId, restartInMs: delayMs }, 'restarting the consumer: rejoining the group');
    await sleep(delayMs, this.stop.signal);
  }

  override async *[Symbol.asyncIterator](): AsyncIterator<ConsumedMessage> {
    while (!this.closed) {
      for (const batch of await this.nextBatches()) {
        for (const m of batch) {
          if (this.rejoin || this.closed) break;
          yield m;
          this.markProcessed(m); // the caller asked for the next message: this one is done
        }
        if (this.rejoin || this.closed) break;
      }
    }
  }

  /**
   * Commits the offsets of processed messages. With the iterator form a message counts as processed when the loop
   * asks for the next one; after `break` the last message is not (a loop body that throws also ends the loop, and
   * its message must be delivered again): pass it as `through` to commit it too.
   */
  async commit(through?: ConsumedMessage): Promise<void> {
    if (through && this.assigned.some((p) => p.topic === through.topic && p.partition === through.partition)) {
      this.markProcessed(through);
    }
    try {
      await this.commitProcessed();
    } catch (err) {
      if (!isKlogError(err, 'UNKNOWN_TOPIC') && !isKlogError(err, 'UNKNOWN_PARTITION')) throw err;
      // A topic was deleted after its messages were processed: its offsets went with it (the broker deleted the
      // group's committed offsets of it), so drop ours and commit the rest. The group rebalances without it.
      await this.forgetDeletedTopics();
      await this.commitProcessed();
    }
  }

  private async commitProcessed(): Promise<void> {
    const offsets = [...this.processed.values()].filter((p) => this.committed.get(keyOf(p.topic, p.partition)) !== p.offset);
    if (offsets.length === 0 || this.generationId < 0) return;
    await this.coord.request('offsetCommit', {
      groupId: this.group.groupId, memberId: this.memberId, generationId: this.generationId, offsets,
    });
    for (const o of offsets) this.committed.set(keyOf(o.topic, o.partition), o.offset);
    this.lastCommit = Date.now();
  }

  /** Commits what was processed (with autoCommit), leaves the group at once, and stops. */
  override async close(): Promise<void> {
    if (this.closed) return;
    await super.close();
    // A message being handled now is marked processed when its handler returns: wait, or its commit is lost
    // and the next owner handles it again.
    // (Called from inside a handler, waiting would wait for itself: the handler's message stays uncommitted.)
    if (this.runFinished && insideRun.getStore() !== this) await Promise.race([this.runFinished, sleep(this.group.rebalanceTimeoutMs)]);
    this.stopHeartbeats();
    // A join in flight completes when the generation forms; wait for it so that we can leave properly.
    if (this.joining) await Promise.race([this.joining.catch(() => undefined), sleep(this.group.rebalanceTimeoutMs)]);
    await this.leaveGroup();
    this.coord.close();
  }

  /**
   * Commits what was processed (with autoCommit) and leaves the group: its partitions go to the other members
   * now rather than after the session timeout. The next round joins again as a new member.
   */
  private async leaveGroup(): Promise<void> {
    this.stopHeartbeats();
    if (this.memberId) {
      try {
        if (this.group.autoCommit) await this.commit();
      } catch (err) {
        this.warn(`commit on leaving the group failed: ${(err as Error).message}`);
      }
      try {
        await this.coord.request('leaveGroup', { groupId: this.group.groupId, memberId: this.memberId });
      } catch {
        // the coordinator drops us after the session timeout anyway
      }
    }
    this.memberId = '';
    this.generationId = -1;
    this.processed.clear();
    this.committed.clear();
    super.assign([]);
    this.rejoin = true;
  }

  /** Drops what was processed of topics that no longer exist. */
  private async forgetDeletedTopics(): Promise<void> {
    for (const topic of new Set([...this.processed.values()].map((p) => p.topic))) {
      try {
        await this.topicCheck.refresh(topic, false);
      } catch (err) {
        if (isRetriable(err)) continue; // unknown for now: asked again at the next commit
        if (!isKlogError(err, 'UNKNOWN_TOPIC')) throw err;
        this.warn(`topic ${topic} was deleted; its processed offsets are not committed`);
        for (const [key, p] of this.processed) {
          if (p.topic !== topic) continue;
          this.processed.delete(key);
          this.committed.delete(key);
        }
      }
    }
  }

  protected override positionReset(topic: string, partition: number): void {
    // What was processed there is past the log now (re-created topic) or behind its start: not worth committing.
    this.processed.delete(keyOf(topic, partition));
  }

  private markProcessed(m: ConsumedMessage): void {
    this.processed.set(keyOf(m.topic, m.partition), { topic: m.topic, partition: m.partition, offset: m.offset + 1 });
  }

  /** Joins when needed, commits on schedule, then fetches one round. */
  private async nextBatches(): Promise<ConsumedMessage[][]> {
    if (this.rejoin) {
      this.joining = this.joinGroup();
      try {
        await this.joining;
      } finally {
        this.joining = null;
      }
    }
    if (this.closed) return [];
    if (this.group.autoCommit && Date.now() - this.lastCommit >= this.group.autoCommitIntervalMs) await this.commitQuietly();
    try {
      return await this.poll();
    } catch (err) {
      if (isKlogError(err) && err.code === 'UNKNOWN_TOPIC') {
        this.rejoin = true; // a subscribed topic was deleted: the group will rebalance
        // Forget its progress now, before a re-created topic of the same name could take the commit.
        await this.forgetDeletedTopics();
        return [];
      }
      throw err;
    }
  }

  private async commitQuietly(): Promise<void> {
    try {
      await this.commit();
    } catch (err) {
      if (needsRejoin(err)) this.needRejoin((err as KlogError).code);
      // A deleted topic's offsets are dropped by the rebalance that follows; the commit of the rest goes on.
      else if (!isRetriable(err) && !(isKlogError(err) && (err.code === 'UNKNOWN_TOPIC' || err.code === 'UNKNOWN_PARTITION'))) throw err;
      this.warn(`commit failed: ${(err as Error).message}`);
    }
  }

  private needRejoin(code: string): void {
    if (code === 'UNKNOWN_MEMBER_ID') this.memberId = '';
    this.rejoin = true;
  }

  /**
   * (Re)joins: commits what was processed of the partitions about to be given up, then joins and waits for the
   * generation to form; the coordinator hands out the assignment; positions start at the committed offsets.
   */
  private async joinGroup(): Promise<void> {
    if (!this.subscription) throw new KlogError('INVALID_SUBSCRIPTION', 'call subscribe() before consuming');
    this.stopHeartbeats();
    // Without a member id (the coordinator forgot us, e.g. it restarted) a commit can only be refused.
    if (this.group.autoCommit && this.generationId >= 0 && this.memberId) await this.commitQuietly();
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        this.rejoin = false;
        const res = await this.coord.request('joinGroup', {
          groupId: this.group.groupId, memberId: this.memberId || undefined, clientId: this.group.clientId,
          sessionTimeoutMs: this.group.sessionTimeoutMs, rebalanceTimeoutMs: this.group.rebalanceTimeoutMs,
          subscription: this.subscription, assignors: this.group.assignors,
        }, { timeoutMs: this.group.rebalanceTimeoutMs + 30_000 });
        this.memberId = res.memberId;
        this.generationId = res.generationId;
        if (this.closed) return; // close() leaves the group now that we know our member id
        await this.takeAssignment(res.assignment);
        this.startHeartbeats();
        return;
      } catch (err) {
        if (this.closed) return;
        if (needsRejoin(err)) {
          this.needRejoin((err as KlogError).code);
          continue;
        }
        this.rejoin = true;
        const backoff = Math.min(100 * 2 ** attempt, 2_000);
        if (!isRetriable(err) || Date.now() - started + backoff > this.maxRetryTimeMs) throw err;
        warnRetry(this.logger, `join group ${this.group.groupId}`, err, attempt + 1, backoff);
        await sleep(backoff);
      }
    }
  }

  private async takeAssignment(partitions: { topic: string; partition: number }[]): Promise<void> {
    this.assigned = partitions;
    const res = await this.coord.request('offsetFetch', { groupId: this.group.groupId, partitions });
    const committed = new Map(res.offsets.map((o) => [keyOf(o.topic, o.partition), o.offset]));
    this.processed.clear();
    this.committed.clear();
    // Positions of partitions no longer ours go; new ones start at the committed offset (or per fromBeginning).
    super.assign(partitions.map((p) => {
      const offset = committed.get(keyOf(p.topic, p.partition)) ?? -1;
      if (offset >= 0) this.committed.set(keyOf(p.topic, p.partition), offset);
      return { ...p, offset: offset >= 0 ? offset : undefined };
    }));
  }

  private startHeartbeats(): void {
    const interval = Math.max(50, this.group.heartbeatIntervalMs);
    this.heartbeatTimer = setInterval(() => {
      this.coord.request('heartbeat', { groupId: this.group.groupId, memberId: this.memberId, generationId: this.generationId })
        .catch((err) => {
          if (needsRejoin(err)) this.needRejoin((err as KlogError).code);
        });
    }, interval);
    this.heartbeatTimer.unref();
  }

  private stopHeartbeats(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  /** True while run() is active (for tests and tools). */
  get isRunning(): boolean {
    return this.running;
  }
}

/** A handler that kept throwing after its retries; carries where and why. */
class HandlerFailure extends Error {
  readonly failure: { name: string; where: Record<string, unknown>; attempts: number; error: unknown };

  constructor(name: string, where: Record<string, unknown>, attempts: number, error: unknown) {
    super(`${name} failed ${attempts} times`);
    this.failure = { name, where, attempts, error };
  }
}
