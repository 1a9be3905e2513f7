import { defaultLogger, KlogError, type Logger } from '@klog/log-core';
import { pacedRedrive } from '@klog/protocol';
import { systemClock, type Clock } from './clock.js';
import { resolveQueueConfig, type QueueConfig, type QueueOptions } from './config.js';
import { Queue } from './queue.js';
import { QueueEngine, type AckRequest, type Delivery, type EngineContext, type PartitionStats, type ResetTarget } from './queue-engine.js';
import { StateLog, type StateSource } from './state/state-log.js';
import type { StateRecord, WritableStateRecord } from './state/state-record.js';
import type { QueueStore } from './store-port.js';

export interface QueueManagerOptions {
  clock?: Clock;
  logger?: Logger;
  /** Update records between two snapshots of the state topic (Kafka's share.coordinator.snapshot.update.records.per.snapshot). */
  snapshotEvery?: number;
}

/**
 * Every queue of one store: restored from the state topic at open, kept durable there. Embedded users call
 * queue() and use the Queue it returns; a broker hosting queues calls acquire / acknowledge / leave with its
 * own consumer ids (one per share-group member) and the admin calls (redrive, reset, delete, stats).
 */
export class QueueManager implements StateSource {
  private readonly engines = new Map<string, QueueEngine>();
  private readonly handles = new Set<Queue>();
  private tombstones: string[] = [];
  private consumerSeq = 0;
  private closed = false;

  private constructor(
    private readonly store: QueueStore,
    private readonly state: StateLog,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  static async open(store: QueueStore, opts: QueueManagerOptions = {}): Promise<QueueManager> {
    const logger = opts.logger ?? defaultLogger();
    const snapshotEvery = opts.snapshotEvery ?? 500;
    if (!Number.isSafeInteger(snapshotEvery) || snapshotEvery < 1) throw new KlogError('INVALID_CONFIG', `snapshotEvery must be a positive integer, got ${snapshotEvery}`);
    const { log, restored } = await StateLog.open(store, { logger, snapshotEvery });
    const manager = new QueueManager(store, log, opts.clock ?? systemClock, logger);
    for (const [name, q] of restored) {
      manager.engines.set(name, new QueueEngine(manager.context(), q.config, { ...q.redrive }, q.partitions));
    }
    log.attach(manager);
    await Promise.all([...manager.engines.values()].map((e) => e.prime()));
    // Partitions that are new since the last run (or whose start was set just now) get their first state written.
    await log.flush();
    return manager;
  }

  /**
   * Creates the queue, or opens it with these settings if it exists (its topics cannot change), and returns a
   * new consumer of it.
   */
  async queue(opts: QueueOptions): Promise<Queue> {
    const engine = await this.ensure(opts);
    const handle = new Queue(engine, `${engine.name}-${++this.consumerSeq}`, this.clock, this.logger, (q) => this.handles.delete(q));
    this.handles.add(handle);
    return handle;
  }

  /**
   * For a host, whose consumers come over the wire rather than as Queue handles: creates the queue, or gives it
   * these settings if it exists (as queue() does), and resolves with its settings.
   */
  async create(opts: QueueOptions): Promise<QueueConfig> {
    return (await this.ensure(opts)).config;
  }

  private async ensure(opts: QueueOptions): Promise<QueueEngine> {
    this.checkOpen();
    const cfg = resolveQueueConfig(opts);
    let engine = this.engines.get(cfg.name);
    if (engine === undefined) {
      for (const topic of cfg.topics) {
        if (!this.store.hasTopic(topic)) throw new KlogError('UNKNOWN_TOPIC', `queue ${cfg.name}: topic ${topic} does not exist`);
      }
      if (cfg.deadLetterTopic !== null && !this.store.hasTopic(cfg.deadLetterTopic)) await this.store.createTopic(cfg.deadLetterTopic, { partitions: 1 });
      engine = new QueueEngine(this.context(), cfg, {}, new Map());
      engine.markChanged();
      this.engines.set(cfg.name, engine);
      await engine.prime();
    } else if (!sameSettings(engine.config, cfg)) {
      if ([...engine.config.topics].sort().join('\n') !== [...cfg.topics].sort().join('\n')) {
        throw new KlogError('INVALID_CONFIG', `queue ${cfg.name} reads ${engine.config.topics.join(', ')}: its topics cannot change (delete it and create it again)`);
      }
      engine.reconfigure({ ...cfg, start: engine.config.start });
    }
    await this.state.flush();
    return engine;
  }

  /** The names of every queue. */
  list(): string[] {
    return [...this.engines.keys()].sort();
  }

  config(name: string): QueueConfig {
    return this.engine(name).config;
  }

  async stats(name: string): Promise<PartitionStats[]> {
    return this.engine(name).stats();
  }

  /** For a host: locks up to `max` records for `consumerId`, waiting while there are none (until `signal` or `maxWaitMs`). */
  async acquire(name: string, consumerId: string, opts: { max: number; signal?: AbortSignal; maxWaitMs?: number }): Promise<Delivery[]> {
    return this.engine(name).acquire(consumerId, opts.max, opts);
  }

  /** For a host: a batch of acknowledgements; each gets its error or undefined. */
  async acknowledge(name: string, consumerId: string, acks: AckRequest[]): Promise<(KlogError | undefined)[]> {
    return this.engine(name).acknowledge(consumerId, acks);
  }

  /** For a host: the consumer left (or its session ended): its records are released at once. */
  async leave(name: string, consumerId: string): Promise<void> {
    return this.engine(name).leave(consumerId);
  }

  /**
   * Moves up to `max` of the queue's dead letters back to their source topics. With `ratePerSec`, no faster
   * than that on average (in steps of a tenth of a second, see pacedRedrive), so that a large backlog does not
   * flood the queue's workers; `signal` stops such a run between steps.
   */
  async redrive(name: string, opts: { max?: number; ratePerSec?: number; signal?: AbortSignal } = {}): Promise<{ moved: number }> {
    const max = opts.max ?? Infinity;
    if (max !== Infinity && (!Number.isSafeInteger(max) || max < 0)) throw new KlogError('INVALID_CONFIG', `max must be a whole number, got ${max}`);
    if (opts.ratePerSec === undefined) return { moved: await this.engine(name).redrive(max) };
    // The engine is looked up at every step: a queue deleted meanwhile ends the run with UNKNOWN_QUEUE.
    const moved = await pacedRedrive((n) => this.engine(name).redrive(n), { max, ratePerSec: opts.ratePerSec, clock: this.clock, signal: opts.signal });
    return { moved };
  }

  /** Moves the queue's start to the earliest or latest record, or the first at or after a timestamp. */
  async reset(name: string, opts: { to: ResetTarget }): Promise<void> {
    return this.engine(name).reset(opts.to);
  }

  /** Deletes the queue and its state; its consumers stop. Its topics and dead letters stay. */
  async delete(name: string): Promise<void> {
    const engine = this.engine(name);
    engine.close();
    this.engines.delete(name);
    this.tombstones.push(name);
    await Promise.all([...this.handles].filter((h) => h.name === name).map((h) => h.close()));
    await engine.drain();
    await this.state.flush();
  }

  /** Closes every consumer (releasing their records) and writes what is left to write. The store stays open. */
  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.handles].map((h) => h.close()));
    this.closed = true;
    for (const e of this.engines.values()) e.close();
    await Promise.all([...this.engines.values()].map((e) => e.drain()));
    await this.state.flush();
    await this.state.drain();
  }

  // ---- StateSource ------------------------------------------------------------------------------------------

  takeChanges(): WritableStateRecord[] {
    const out: WritableStateRecord[] = this.takeTombstones();
    for (const e of this.engines.values()) out.push(...e.takeChanges());
    return out;
  }

  snapshotAll(): StateRecord[] {
    const out: StateRecord[] = this.takeTombstones();
    for (const e of this.engines.values()) out.push(...e.snapshot());
    return out;
  }

  private takeTombstones(): StateRecord[] {
    const out = this.tombstones.map((name): StateRecord => ({ kind: 'queue', name, value: null }));
    this.tombstones = [];
    return out;
  }

  private context(): EngineContext {
    return { store: this.store, clock: this.clock, logger: this.logger, persist: () => this.state.flush() };
  }

  private engine(name: string): QueueEngine {
    this.checkOpen();
    const e = this.engines.get(name);
    if (e === undefined) throw new KlogError('UNKNOWN_QUEUE', `queue ${name} does not exist`);
    return e;
  }

  private checkOpen(): void {
    if (this.closed) throw new KlogError('QUEUE_CLOSED', 'the queue manager is closed');
  }
}

function sameSettings(a: QueueConfig, b: QueueConfig): boolean {
  return JSON.stringify({ ...a, start: null }) === JSON.stringify({ ...b, start: null });
}
