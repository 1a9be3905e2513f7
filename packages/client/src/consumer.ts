import { KlogError, isKlogError, type RecordFactory } from '@klog/log-core';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '@klog/protocol';
import { isRetriable } from '@klog/protocol';
import type { BrokerConnection } from './broker-connection.js';
import { fetchOnce, type FetchedPartition, type FetchLimits, type FetchPosition } from './fetcher.js';
import { sleep } from './retry.js';
import { fromBytes, type Deserializer } from './serializers.js';

export interface ConsumerOptions {
  /** Where to start a partition assigned without an offset, and after an out-of-range position. Default false (latest). */
  fromBeginning?: boolean;
  maxWaitMs?: number;
  minBytes?: number;
  maxBytes?: number;
  maxBytesPerPartition?: number;
  keyDeserializer?: Deserializer;
  valueDeserializer?: Deserializer;
  /** Where warnings go (e.g. a position reset). Default: a line on stderr. */
  onWarning?: (message: string) => void;
  /** Give up after the broker has been unreachable this long. Default: keep trying. */
  maxRetryTimeMs?: number;
}

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: number;
  key: unknown;
  value: unknown;
  timestamp: number;
  headers: Record<string, Buffer | null>;
}

export interface Assignment {
  topic: string;
  partition: number;
  /** Offset to start from; a number, 'earliest' or 'latest'. Default per `fromBeginning`. */
  offset?: number | 'earliest' | 'latest';
}

/**
 * Reads assigned partitions from their positions, following new records as they arrive (long-poll fetch).
 * Iterate it with `for await`. Positions advance as messages are handed out.
 */
export class Consumer implements AsyncIterable<ConsumedMessage> {
  protected readonly positions = new Map<string, FetchPosition>();
  private readonly pendingStarts = new Map<string, Assignment>();
  protected closed = false;
  private readonly stop = new AbortController();
  private readonly limits: FetchLimits;

  constructor(protected readonly conn: BrokerConnection, protected readonly opts: ConsumerOptions = {}) {
    this.limits = {
      maxWaitMs: opts.maxWaitMs ?? 500,
      minBytes: opts.minBytes ?? 1,
      maxBytes: opts.maxBytes ?? 16 * 1024 * 1024,
      maxBytesPerPartition: opts.maxBytesPerPartition ?? 4 * 1024 * 1024,
    };
  }

  /** Replaces the set of partitions read. */
  assign(assignments: Assignment[]): void {
    this.positions.clear();
    this.pendingStarts.clear();
    for (const a of assignments) this.seek(a);
  }

  /** Moves a partition's position (adding the partition if it is not assigned). */
  seek(a: Assignment): void {
    const key = keyOf(a.topic, a.partition);
    const offset = a.offset ?? (this.opts.fromBeginning ? 'earliest' : 'latest');
    if (typeof offset === 'number') {
      if (!Number.isSafeInteger(offset) || offset < 0) throw new KlogError('INVALID_CONFIG', `offset must be a non-negative integer, got ${offset}`);
      this.pendingStarts.delete(key);
      this.positions.set(key, { topic: a.topic, partition: a.partition, offset });
    } else {
      this.positions.delete(key);
      this.pendingStarts.set(key, { ...a, offset });
    }
  }

  assignment(): FetchPosition[] {
    return [...this.positions.values(), ...[...this.pendingStarts.values()].map((a) => ({ topic: a.topic, partition: a.partition, offset: -1 }))];
  }

  /** Offset of the next record to be handed out for a partition. */
  position(topic: string, partition: number): number | undefined {
    return this.positions.get(keyOf(topic, partition))?.offset;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stop.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ConsumedMessage> {
    while (!this.closed) {
      for (const batch of await this.poll()) {
        for (const m of batch) {
          if (this.closed) return;
          yield m;
        }
      }
    }
  }

  /**
   * One round: resolves pending start positions, fetches, and returns the messages per partition (positions
   * already advanced past them). Retries while the broker is unreachable.
   */
  async poll(): Promise<ConsumedMessage[][]> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.resolveStarts();
        const positions = [...this.positions.values()];
        if (positions.length === 0) {
          await sleep(this.limits.maxWaitMs, this.stop.signal);
          return [];
        }
        return this.take(await fetchOnce(this.conn, positions, this.limits, this.limits.maxWaitMs + 30_000, this.makeMessages));
      } catch (err) {
        if (this.closed) return [];
        const limit = this.opts.maxRetryTimeMs ?? Infinity;
        if (!isRetriable(err) || Date.now() - started > limit) throw err;
        // Said once per outage: a follower printing nothing must not look like one with nothing to print
        // (records printing again say it is back).
        if (attempt === 0) this.warn(`broker unreachable, reconnecting until it is back (${(err as Error).message})`);
        await sleep(Math.min(100 * 2 ** attempt, 2_000), this.stop.signal);
      }
    }
  }

  private take(fetched: FetchedPartition<ConsumedMessage>[]): ConsumedMessage[][] {
    const out: ConsumedMessage[][] = [];
    for (const f of fetched) {
      const key = keyOf(f.topic, f.partition);
      const pos = this.positions.get(key);
      if (!pos) continue; // unassigned meanwhile
      if (f.error) {
        if (isKlogError(f.error, 'OFFSET_OUT_OF_RANGE')) {
          // As Kafka's auto.offset.reset: where a new consumer would start (e.g. retention deleted the position).
          const to = this.opts.fromBeginning ? 'earliest' : 'latest';
          this.warn(`${f.topic}-${f.partition}: offset ${pos.offset} is out of range (${f.logStartOffset} to ${f.highWatermark}); resetting to ${to}`);
          this.seek({ topic: f.topic, partition: f.partition, offset: to });
          continue;
        }
        throw f.error;
      }
      if (f.records.length === 0 && f.nextOffset <= pos.offset) continue;
      pos.offset = Math.max(pos.offset, f.nextOffset);
      out.push(f.records);
    }
    return out;
  }

  protected warn(message: string): void {
    if (this.opts.onWarning) this.opts.onWarning(message);
    else process.stderr.write(`klog consumer: ${message}\n`);
  }

  /** Decoded records become messages directly: one object per record. */
  private readonly makeMessages = (topic: string, partition: number): RecordFactory<ConsumedMessage> => {
    const { keyDeserializer, valueDeserializer } = this.opts;
    return (offset, key, value, timestamp, recordHeaders) => {
      let headers = NO_HEADERS;
      if (recordHeaders.length > 0) {
        headers = {};
        for (const h of recordHeaders) headers[h.key] = h.value;
      }
      return { topic, partition, offset, key: fromBytes(key, keyDeserializer), value: fromBytes(value, valueDeserializer), timestamp, headers };
    };
  };


  /** Turns 'earliest' / 'latest' starts into offsets with one listOffsets request. */
  private async resolveStarts(): Promise<void> {
    if (this.pendingStarts.size === 0) return;
    const starts = [...this.pendingStarts.values()];
    const offsets = await listOffsets(this.conn, starts.map((s) => ({
      topic: s.topic, partition: s.partition, timestamp: s.offset === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP,
    })));
    for (const s of starts) {
      const key = keyOf(s.topic, s.partition);
      if (this.pendingStarts.get(key) !== s) continue;
      this.pendingStarts.delete(key);
      this.positions.set(key, { topic: s.topic, partition: s.partition, offset: offsets.get(key)! });
    }
  }
}

const NO_HEADERS: Record<string, Buffer | null> = Object.freeze({}) as Record<string, Buffer | null>;

export function keyOf(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

/** listOffsets for many partitions; a per-partition error is thrown as a KlogError. */
export async function listOffsets(conn: BrokerConnection, wanted: { topic: string; partition: number; timestamp: number }[]): Promise<Map<string, number>> {
  const byTopic = new Map<string, { partition: number; timestamp: number }[]>();
  for (const w of wanted) {
    let list = byTopic.get(w.topic);
    if (!list) byTopic.set(w.topic, (list = []));
    list.push({ partition: w.partition, timestamp: w.timestamp });
  }
  const res = await conn.request('listOffsets', { topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) });
  const out = new Map<string, number>();
  for (const t of res.topics as { topic: string; partitions: { partition: number; offset?: number; errorCode?: string; errorMessage?: string }[] }[]) {
    for (const p of t.partitions) {
      if (p.errorCode) throw new KlogError(p.errorCode as 'UNKNOWN_TOPIC', `${t.topic}-${p.partition}: ${p.errorMessage}`);
      out.set(keyOf(t.topic, p.partition), p.offset!);
    }
  }
  return out;
}
