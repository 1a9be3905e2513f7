import { AsyncLocalStorage } from 'node:async_hooks';
import { KlogError, isKlogError } from '@klog/log-core';
import type { BrokerConnection } from './broker-connection.js';
import { Consumer, keyOf, type ConsumedMessage, type ConsumerOptions } from './consumer.js';
import { sleep } from './retry.js';

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
}

export type SubscribeOptions = { topics: string[] } | { pattern: string };

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: ConsumedMessage;
}

export interface RunOptions {
  eachMessage?: (payload: EachMessagePayload) => Promise<void> | void;
  eachBatch?: (payload: { topic: string; partition: number; messages: ConsumedMessage[] }) => Promise<void> | void;
}

/** Set for the whole of a run() loop, so close() can tell it is called from inside a handler. */
const insideRun = new AsyncLocalStorage<GroupConsumer>();

/** Errors after which the member has to join the group again. */
const REJOIN = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

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
  private readonly group: Required<Pick<GroupConsumerOptions, 'groupId' | 'sessionTimeoutMs' | 'heartbeatIntervalMs' | 'rebalanceTimeoutMs' | 'autoCommit' | 'autoCommitIntervalMs'>> & { assignors: string[]; clientId: string };

  constructor(fetchConn: BrokerConnection, private readonly coord: BrokerConnection, opts: GroupConsumerOptions) {
    super(fetchConn, opts);
    if (typeof opts.groupId !== 'string' || opts.groupId.length === 0) throw new KlogError('INVALID_GROUP_ID', 'groupId must be a non-empty string');
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

  /** Runs eachMessage (or eachBatch) for every message until close(). */
  async run(opts: RunOptions): Promise<void> {
    if (!opts.eachMessage && !opts.eachBatch) throw new KlogError('INVALID_CONFIG', 'run needs eachMessage or eachBatch');
    return insideRun.run(this, () => this.runLoop(opts));
  }

  private async runLoop(opts: RunOptions): Promise<void> {
    this.running = true;
    let finished!: () => void;
    this.runFinished = new Promise((resolve) => (finished = resolve));
    try {
      while (!this.closed) {
        for (const batch of await this.nextBatches()) {
          if (batch.length === 0) continue;
          const { topic, partition } = batch[0];
          if (this.rejoin || this.closed) break; // a rebalance or close is pending: no longer ours to process
          if (opts.eachBatch) {
            await opts.eachBatch({ topic, partition, messages: batch });
            this.markProcessed(batch[batch.length - 1]);
          } else {
            for (const message of batch) {
              if (this.rejoin || this.closed) break; // stop at once: a rebalance or close is pending
              await opts.eachMessage!({ topic, partition, message });
              this.markProcessed(message);
            }
          }
          if (this.rejoin || this.closed) break;
        }
      }
    } finally {
      this.running = false;
      finished();
    }
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
    if (this.memberId) {
      try {
        if (this.group.autoCommit) await this.commit();
      } catch (err) {
        this.warn(`commit on close failed: ${(err as Error).message}`);
      }
      try {
        await this.coord.request('leaveGroup', { groupId: this.group.groupId, memberId: this.memberId });
      } catch {
        // the coordinator drops us after the session timeout anyway
      }
    }
    this.coord.close();
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
        return [];
      }
      throw err;
    }
  }

  private async commitQuietly(): Promise<void> {
    try {
      await this.commit();
    } catch (err) {
      if (isKlogError(err) && REJOIN.has(err.code)) this.needRejoin(err.code);
      else if (!isKlogError(err) || !['CONNECTION_LOST', 'BROKER_NOT_AVAILABLE', 'REQUEST_TIMED_OUT'].includes(err.code)) throw err;
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
    for (let attempt = 0; ; attempt++) {
      try {
        this.rejoin = false;
        const res = await this.coord.request('joinGroup', {
          groupId: this.group.groupId, memberId: this.memberId || undefined, clientId: this.group.clientId,
          sessionTimeoutMs: this.group.sessionTimeoutMs, rebalanceTimeoutMs: this.group.rebalanceTimeoutMs,
          subscription: this.subscription, assignors: this.group.assignors,
        }, { timeoutMs: this.group.rebalanceTimeoutMs + 30_000 });
        this.memberId = res.memberId as string;
        this.generationId = res.generationId as number;
        if (this.closed) return; // close() leaves the group now that we know our member id
        await this.takeAssignment(res.assignment as { topic: string; partition: number }[]);
        this.startHeartbeats();
        return;
      } catch (err) {
        if (this.closed) return;
        if (isKlogError(err) && REJOIN.has(err.code)) {
          this.needRejoin(err.code);
          continue;
        }
        if (!isKlogError(err) || !['CONNECTION_LOST', 'BROKER_NOT_AVAILABLE', 'REQUEST_TIMED_OUT', 'COORDINATOR_NOT_AVAILABLE'].includes(err.code)) throw err;
        this.rejoin = true;
        await sleep(Math.min(100 * 2 ** attempt, 2_000));
      }
    }
  }

  private async takeAssignment(partitions: { topic: string; partition: number }[]): Promise<void> {
    this.assigned = partitions;
    const res = await this.coord.request('offsetFetch', { groupId: this.group.groupId, partitions });
    const committed = new Map((res.offsets as { topic: string; partition: number; offset: number }[]).map((o) => [keyOf(o.topic, o.partition), o.offset]));
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
          if (isKlogError(err) && REJOIN.has(err.code)) this.needRejoin(err.code);
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
