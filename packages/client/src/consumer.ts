import { defaultLogger, KlogError, isKlogError, type Logger, type RecordFactory } from '@klog/log-core';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '@klog/protocol';
import { fromWireError, isRetriable } from '@klog/protocol';
import type { BrokerConnection } from './broker-connection.js';
import { decodeFetch, positionsAfter, requestFetch, type FetchedPartition, type FetchLimits, type FetchPosition, type RawFetch } from './fetcher.js';
import { DEFAULT_MAX_RETRY_TIME_MS, sleep, warnRetry } from './retry.js';
import { fromBytes, type Deserializer } from './serializers.js';

export interface ConsumerOptions {
  /** Where to start a partition assigned without an offset, and after an out-of-range position. Default false (latest). */
  fromBeginning?: boolean;
  maxWaitMs?: number;
  minBytes?: number;
  /**
   * Bytes of records one fetch returns at most (a first batch larger than this still comes whole). Default 1 MiB:
   * enough for the broker to answer from a few partitions at once; see maxBytesPerPartition for why not more.
   */
  maxBytes?: number;
  /**
   * Bytes per partition per fetch. Default 512 KiB: the next fetch is sent while the records of one are handled,
   * so larger fetches gain no speed, and the records of a smaller one are handled and freed while still young
   * (cheap to collect) rather than outliving the young generation.
   */
  maxBytesPerPartition?: number;
  keyDeserializer?: Deserializer;
  valueDeserializer?: Deserializer;
  /** Where warnings go (e.g. a position reset). Default: a line on stderr. */
  onWarning?: (message: string) => void;
  /** Give up (poll throws the last error) after retriable errors for this long. Default 30 s. */
  maxRetryTimeMs?: number;
  /** Where retries are reported (warnings). Default: the client's logger. */
  logger?: Logger;
}

/** One record header. A record's headers are an ordered list in which a key may occur more than once (as in Kafka). */
export interface MessageHeader {
  key: string;
  value: Buffer | null;
}

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: number;
  key: unknown;
  value: unknown;
  timestamp: number;
  /**
   * The headers by key, for convenience: where a key occurs more than once, the last value wins. Use
   * `headerList` to see every header in order.
   */
  headers: Record<string, Buffer | null>;
  /** Every header in the order the producer wrote them, duplicate keys kept. */
  headerList: MessageHeader[];
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
  /** Aborted by close(): cuts short the waits of a closing consumer. */
  protected readonly stop = new AbortController();
  private readonly limits: FetchLimits;
  /** How far fetchOrder turns the positions. */
  private rotation = 0;
  /** A fetch sent before the caller asked (see fetchAhead), with the positions it asked for. */
  private ahead: { positions: string; fetched: Promise<RawFetch> } | null = null;
  protected readonly logger: Logger;

  constructor(protected readonly conn: BrokerConnection, protected readonly opts: ConsumerOptions = {}) {
    this.logger = opts.logger ?? defaultLogger();
    this.limits = {
      maxWaitMs: opts.maxWaitMs ?? 500,
      minBytes: opts.minBytes ?? 1,
      maxBytes: opts.maxBytes ?? 1024 * 1024,
      maxBytesPerPartition: opts.maxBytesPerPartition ?? 512 * 1024,
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
    this.ahead = null;
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
        const positions = this.fetchOrder();
        if (positions.length === 0) {
          await sleep(this.limits.maxWaitMs, this.stop.signal);
          return [];
        }
        const outOfRange: FetchPosition[] = [];
        const raw = await this.fetchFrom(positions);
        this.rotation++;
        // Sent before this answer is decoded: the broker reads and ships the next records meanwhile.
        this.fetchAhead(raw);
        const out = this.take(decodeFetch(raw, this.makeMessages), outOfRange);
        if (outOfRange.length > 0) await this.resetOutOfRange(outOfRange);
        return out;
      } catch (err) {
        if (this.closed) return [];
        const backoff = Math.min(100 * 2 ** attempt, 2_000);
        if (!isRetriable(err) || Date.now() - started + backoff > this.maxRetryTimeMs) throw err;
        warnRetry(this.logger, 'fetch', err, attempt + 1, backoff);
        await sleep(backoff, this.stop.signal);
      }
    }
  }

  /**
   * The positions in the order the next fetch asks for them: one further along each round. The broker fills a
   * fetch's byte budget from the first partition asked for on, so a fixed order would serve the first partitions
   * and starve the last while the first have records.
   */
  private fetchOrder(): FetchPosition[] {
    const all = [...this.positions.values()];
    const start = all.length > 1 ? this.rotation % all.length : 0;
    return start === 0 ? all : [...all.slice(start), ...all.slice(0, start)];
  }

  /**
   * The fetch for these positions: the one sent ahead by the previous poll if it asked for exactly them (nothing
   * was sought, assigned or reset since), else a new one.
   */
  private fetchFrom(positions: FetchPosition[]): Promise<RawFetch> {
    const ahead = this.ahead;
    this.ahead = null;
    if (ahead && ahead.positions === positionsKey(positions)) return ahead.fetched;
    return requestFetch(this.conn, positions, this.limits, this.limits.maxWaitMs + 30_000);
  }

  /**
   * Sends the next fetch now, from the positions this answer leads to (read from its batch headers), while this
   * answer is decoded and the caller handles its records: the broker reads and ships the next records meanwhile.
   * Only done when the broker said more records are already there: its answer then comes at once, rather than a
   * long poll holding answers on this connection back (the broker answers in order). Its outcome, error included,
   * is the next poll's if that poll asks for the same positions (a seek or a reset meanwhile changes them).
   */
  private fetchAhead(raw: RawFetch): void {
    if (this.closed || this.pendingStarts.size > 0) return;
    const after = positionsAfter(raw);
    if (!after) return;
    const positions = this.fetchOrder().map((p) => {
      const key = keyOf(p.topic, p.partition);
      return { ...p, offset: Math.max(p.offset, after.get(key) ?? p.offset) };
    });
    const fetched = requestFetch(this.conn, positions, this.limits, this.limits.maxWaitMs + 30_000);
    fetched.catch(() => undefined); // a discarded fetch ahead must not be an unhandled rejection; a used one rethrows
    this.ahead = { positions: positionsKey(positions), fetched };
  }

  /** Advances positions past the fetched records; positions the broker calls out of range are collected in `outOfRange`. */
  private take(fetched: FetchedPartition<ConsumedMessage>[], outOfRange: FetchPosition[]): ConsumedMessage[][] {
    const out: ConsumedMessage[][] = [];
    for (const f of fetched) {
      const key = keyOf(f.topic, f.partition);
      const pos = this.positions.get(key);
      if (!pos) continue; // unassigned meanwhile
      if (f.error) {
        if (isKlogError(f.error, 'OFFSET_OUT_OF_RANGE')) {
          outOfRange.push(pos);
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

  protected get maxRetryTimeMs(): number {
    return this.opts.maxRetryTimeMs ?? DEFAULT_MAX_RETRY_TIME_MS;
  }

  /**
   * As Kafka's auto.offset.reset: moves positions that are out of range to where a new consumer would start
   * (e.g. retention deleted the position, or the topic was re-created and is shorter). The range is asked of the
   * broker: an error answer to a fetch does not carry it.
   */
  private async resetOutOfRange(stale: FetchPosition[]): Promise<void> {
    const at = (timestamp: number) => stale.map((p) => ({ topic: p.topic, partition: p.partition, timestamp }));
    const [starts, ends] = await Promise.all([listOffsets(this.conn, at(EARLIEST_TIMESTAMP)), listOffsets(this.conn, at(LATEST_TIMESTAMP))]);
    const to = this.opts.fromBeginning ? 'earliest' : 'latest';
    for (const pos of stale) {
      const key = keyOf(pos.topic, pos.partition);
      if (this.positions.get(key) !== pos) continue; // sought or unassigned meanwhile
      const start = starts.get(key)!;
      const end = ends.get(key)!;
      const offset = to === 'earliest' ? start : end;
      this.warn(`${pos.topic}-${pos.partition}: offset ${pos.offset} is out of range (${start} to ${end}); resetting to ${to} (offset ${offset})`);
      pos.offset = offset;
      this.positionReset(pos.topic, pos.partition);
    }
  }

  /** Called when a partition's position was reset past what was processed; a group member forgets its progress there. */
  protected positionReset(_topic: string, _partition: number): void {}

  protected warn(message: string): void {
    if (this.opts.onWarning) this.opts.onWarning(message);
    else process.stderr.write(`klog consumer: ${message}\n`);
  }

  /** Decoded records become messages directly: one object per record. */
  private readonly makeMessages = (topic: string, partition: number): RecordFactory<ConsumedMessage> => {
    const { keyDeserializer, valueDeserializer } = this.opts;
    return (offset, key, value, timestamp, recordHeaders) => {
      let headers = NO_HEADERS;
      let headerList = NO_HEADER_LIST;
      if (recordHeaders.length > 0) {
        headers = {};
        for (const h of recordHeaders) headers[h.key] = h.value;
        headerList = recordHeaders; // made for this record by the decoder: ours to hand out
      }
      return { topic, partition, offset, key: fromBytes(key, keyDeserializer), value: fromBytes(value, valueDeserializer), timestamp, headers, headerList };
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
const NO_HEADER_LIST: MessageHeader[] = Object.freeze([]) as unknown as MessageHeader[];

/** Positions as one comparable string: a fetch sent ahead is used only for exactly the positions it asked for. */
function positionsKey(positions: FetchPosition[]): string {
  let key = '';
  for (const p of positions) key += `${p.offset}@${p.partition}:${p.topic}\n`;
  return key;
}

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
  for (const t of res.topics) {
    for (const p of t.partitions) {
      if (p.errorCode) throw fromWireError(p, `${t.topic}-${p.partition}`);
      out.set(keyOf(t.topic, p.partition), p.offset!);
    }
  }
  return out;
}
