import { BatchBuilder, COMPRESSIONS, defaultLogger, encodeBatch, isCompression, isKlogError, KlogError, Partitioner, type Compression, type Header, type Logger, type RecordInput } from '@klog/log-core';
import { fromWireError, isRetriable, needsMetadataRefresh, type ResponseOf } from '@klog/protocol';
import type { BrokerConnection } from './broker-connection.js';
import { Fifo } from './fifo.js';
import type { MetadataCache, TopicInfo } from './metadata-cache.js';
import { DEFAULT_MAX_RETRY_TIME_MS, warnRetry, withRetry } from './retry.js';
import { toBytes, type Serializer } from './serializers.js';

export type AcksSetting = 0 | 1 | -1 | 'all';

export interface ProducerOptions {
  /**
   * How long a batch waits for more records before it is sent, while earlier batches to its partition are still
   * unanswered (it also goes as soon as they are). With nothing in flight to the partition a batch is sent once
   * the current turn of the event loop is done: an idle producer does not make a lone send wait. 0: a batch is
   * sent as soon as the code that sent its records yields (a microtask), in flight or not. Default 5 ms.
   */
  lingerMs?: number;
  /**
   * A batch is sent once it holds about this many bytes. Default 512 KiB. Batches are also kept within each
   * topic's maxBatchBytes (learnt from the broker), so a topic with a smaller limit gets smaller batches.
   */
  batchBytes?: number;
  /** 0: no answer; 1: written by the broker (default); 'all' (-1): flushed to disk before the answer. */
  acks?: AcksSetting;
  /**
   * Codec of the batches sent: 'none' (default), 'gzip', 'snappy', 'lz4' or 'zstd', as Kafka numbers them. The
   * broker stores each batch as sent; consumers of any codec inflate it on reading.
   */
  compression?: Compression;
  /** Records buffered (not yet acknowledged) at most; `send` waits for room beyond it. Default 32 MiB. */
  bufferBytes?: number;
  /** How long a batch is retried (broker down, connection lost) before its send fails. Default 30 s. */
  maxRetryTimeMs?: number;
  /** Broker-side de-duplication of retried batches. Default on (off with acks 0). */
  idempotent?: boolean;
  /** Batches per partition sent before the first is answered (order is kept by sequence numbers). Default 5. */
  maxInFlightPerPartition?: number;
  keySerializer?: Serializer;
  valueSerializer?: Serializer;
  /** Where retries are reported (warnings). Default: the client's logger. */
  logger?: Logger;
  /**
   * How long the partition count and limits of a topic are trusted before the producer asks the broker again
   * (Kafka's metadata.max.age.ms), so partitions added to a topic get records. Default 5 minutes. A send to a
   * partition the producer does not know yet asks at once.
   */
  metadataMaxAgeMs?: number;
}

export interface ProducerMessage {
  key?: unknown;
  value: unknown;
  partition?: number;
  timestamp?: number | Date;
  /**
   * An object of key: value, or an ordered list of { key, value } in which a key may occur more than once (Kafka's
   * model; consumers see the list as `headerList`). Values are serialized as values are (strings, Buffers, ...).
   */
  headers?: Record<string, unknown> | { key: string; value: unknown }[];
}

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** Offset of the record; -1 with acks 0, where the broker does not answer. */
  offset: number;
}

interface Batch {
  topic: string;
  partition: number;
  /** The records, encoded as they are added: a send's messages are not kept past the send's own turn. */
  records: BatchBuilder;
  /** Estimated bytes of the records (what the buffer accounting counts). */
  bytes: number;
  /** The last send that added records to it: lists each batch of a send once without a set per send. */
  lastSend: number;
  /** Set when the broker answered: the offset of the first record (-1 with acks 0). */
  baseOffset: number;
  resolve: (baseOffset: number) => void;
  reject: (err: unknown) => void;
  done: Promise<number>;
  encoded: Buffer | null;
  state: 'queued' | 'inflight' | 'retry';
  deadline: number;
  notBefore: number;
  attempts: number;
}

/** A send being let into the buffer: its records, how far it got, and where each record went. */
interface Admission {
  topic: string;
  columns: Columns;
  batchLimit: number;
  queueKeys: string[];
  /** The first record not yet in a batch. */
  next: number;
  /** Which send this is (see Batch.lastSend). */
  mark: number;
  /** Each record's batch and index there. One promise per batch, not per record: at a million records a second,
   * per-record promises and objects are most of the client's cost. */
  batchOf: Batch[];
  indexOf: number[];
  /** The send's batches, each once. */
  batches: Batch[];
  /** Set while the send is parked waiting for room. */
  resolve: ((acknowledged: Promise<RecordMetadata[]>) => void) | null;
  reject: ((err: unknown) => void) | null;
}

/** A send's records, checked and serialized, before they are added to batches. */
interface Columns {
  keys: (Buffer | null)[];
  values: (Buffer | null)[];
  /** Per record, for sends where some record has headers; else null. */
  headers: (Header[] | undefined)[] | null;
  // Plain arrays, not typed ones: a typed array costs an ArrayBuffer object besides itself, and a send of one
  // message waiting for room would hold four of them.
  timestamps: number[];
  partitionOf: number[];
  sizeOf: number[];
}

const RECORD_OVERHEAD = 32;
const HEADER_OVERHEAD = 12;
const BATCH_OVERHEAD = 128;
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/**
 * Batches records per partition and sends them when a batch is full or has lingered long enough. At most one
 * batch per partition is in flight, so order is kept even across retries; with idempotence on, the broker drops
 * a retried batch it already has. Memory is bounded: `send` waits while the buffer is full, it never drops.
 */
export class Producer {
  private readonly open = new Map<string, Batch>();
  private readonly keyCache = new Map<string, string[]>();
  /** Bytes of records in each partition's last sealed batch: how much room its next batch starts with. */
  private readonly lastBatchBytes = new Map<string, number>();
  private readonly queues = new Map<string, Batch[]>();
  private readonly sequences = new Map<string, number>();
  private readonly partitioner = new Partitioner();
  /** Sends waiting for buffer room, oldest first. */
  private readonly waiting = new Fifo<Admission>();
  private readonly outstanding = new Set<Promise<number>>();
  private buffered = 0;
  /** Counts send calls (see Batch.lastSend). */
  private sends = 0;
  /** Sends waiting for their topic's metadata. */
  private lookingUp = 0;
  private producerId: Promise<{ producerId: number; producerEpoch: number }> | null = null;
  private pumpTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly acks: 0 | 1 | -1;
  // metadataMaxAgeMs is the metadata cache's, not the producer's (the client hands it to the cache).
  private readonly opts: Required<Omit<ProducerOptions, 'keySerializer' | 'valueSerializer' | 'acks' | 'metadataMaxAgeMs'>> & Pick<ProducerOptions, 'keySerializer' | 'valueSerializer'>;

  constructor(private readonly conn: BrokerConnection, private readonly metadata: MetadataCache, options: ProducerOptions = {}) {
    this.acks = options.acks === 'all' ? -1 : (options.acks ?? 1);
    if (![0, 1, -1].includes(this.acks)) throw new KlogError('INVALID_CONFIG', `acks must be 0, 1 or 'all', got ${String(options.acks)}`);
    if (options.compression !== undefined && !isCompression(options.compression)) {
      throw new KlogError('INVALID_CONFIG', `compression must be one of ${COMPRESSIONS.join(', ')}, got ${String(options.compression)}`);
    }
    this.opts = {
      lingerMs: options.lingerMs ?? 5,
      batchBytes: options.batchBytes ?? 512 * 1024,
      compression: options.compression ?? 'none',
      bufferBytes: options.bufferBytes ?? 32 * 1024 * 1024,
      maxRetryTimeMs: options.maxRetryTimeMs ?? DEFAULT_MAX_RETRY_TIME_MS,
      idempotent: options.idempotent ?? this.acks !== 0,
      maxInFlightPerPartition: options.maxInFlightPerPartition ?? 5,
      keySerializer: options.keySerializer,
      valueSerializer: options.valueSerializer,
      logger: options.logger ?? defaultLogger(),
    };
  }

  /** Sends messages to a topic; resolves once the broker acknowledged every one (per `acks`). */
  send(request: { topic: string; messages: ProducerMessage[] }): Promise<RecordMetadata[]> {
    let topic: string;
    let messages: ProducerMessage[];
    try {
      if (this.closed) throw new KlogError('CLIENT_CLOSED', 'the producer is closed');
      ({ topic, messages } = request ?? ({} as typeof request));
      if (!Array.isArray(messages)) throw new KlogError('INVALID_RECORD', 'send needs { topic, messages: [...] }');
      // The common case, a topic known and fresh, goes in this turn: no promise per send but the one returned.
      // Only while no earlier send is still looking its topic up, or this one could overtake it.
      const known = this.lookingUp === 0 ? this.metadata.cached(topic) : undefined;
      if (known && !beyondPartitions(messages, known.partitions)) return this.admitSend(topic, messages, known);
    } catch (err) {
      return Promise.reject(err);
    }
    this.lookingUp++;
    return this.lookUpAndSend(topic, messages);
  }

  private async lookUpAndSend(topic: string, messages: ProducerMessage[]): Promise<RecordMetadata[]> {
    let info: TopicInfo;
    try {
      // A broker that is restarting answers nothing for a moment, and a failed batch makes the client forget what
      // it knew of the topic: the lookup is retried like a batch would be, not failed at the first refusal.
      const lookup = (fresh: boolean) => withRetry(() => (fresh ? this.metadata.refreshTopic(topic, true) : this.metadata.topic(topic, true)), {
        maxRetryTimeMs: this.opts.maxRetryTimeMs,
        onRetry: (err, attempt, backoffMs) => warnRetry(this.opts.logger, `metadata of ${topic}`, err, attempt, backoffMs),
      });
      info = await lookup(false);
      // A partition past the known count may have been added since the producer last asked: ask before refusing.
      if (beyondPartitions(messages, info.partitions)) info = await lookup(true);
    } finally {
      this.lookingUp--;
    }
    // Returned, not awaited: this call's frame (and with it the caller's messages) is let go now, while the
    // records, already copied into their batches, wait for their answer. Kept until then, every message and its
    // key and value would outlive the young generation, which at a million records a second makes garbage
    // collection the biggest cost.
    return this.admitSend(topic, messages, info);
  }

  private admitSend(topic: string, messages: ProducerMessage[], { partitions, maxBatchBytes }: TopicInfo): Promise<RecordMetadata[]> {
    const batchLimit = Math.min(this.opts.batchBytes, maxBatchBytes ?? Infinity);
    return this.enqueue(topic, this.toColumns(topic, messages, partitions, maxBatchBytes), partitions, batchLimit);
  }

  /**
   * Checks and serializes every message before any is buffered (a send that fails buffers nothing), as columns
   * rather than record objects: they are copied into their batches next, and nothing per record outlives the send.
   */
  private toColumns(topic: string, messages: ProducerMessage[], partitions: number, maxBatchBytes: number | undefined): Columns {
    const n = messages.length;
    const keys = new Array<Buffer | null>(n);
    const values = new Array<Buffer | null>(n);
    let headers: (Header[] | undefined)[] | null = null;
    const timestamps = new Array<number>(n);
    const partitionOf = new Array<number>(n);
    const sizeOf = new Array<number>(n);
    const now = Date.now();
    for (let i = 0; i < n; i++) {
      const m = messages[i];
      if (typeof m !== 'object' || m === null) throw new KlogError('INVALID_RECORD', `message ${i} must be an object { key?, value, headers? }`);
      const key = (keys[i] = toBytes(m.key, this.opts.keySerializer, i, 'key'));
      const value = (values[i] = toBytes(m.value, this.opts.valueSerializer, i, 'value'));
      const recordHeaders = m.headers === undefined ? undefined : toHeaders(m.headers, i);
      if (recordHeaders !== undefined) (headers ??= new Array(n))[i] = recordHeaders;
      timestamps[i] = timestampOf(m, i, now);
      // One partition needs no hash (every key's hash modulo 1 is 0).
      const partition = m.partition ?? (partitions === 1 ? 0 : this.partitioner.partition(key, partitions));
      if (!Number.isInteger(partition) || partition < 0 || partition >= partitions) {
        throw new KlogError('UNKNOWN_PARTITION', `topic ${topic} has partitions 0 to ${partitions - 1}; there is no partition ${partition}`);
      }
      partitionOf[i] = partition;
      sizeOf[i] = estimate(key, value, recordHeaders);
      if (maxBatchBytes !== undefined && sizeOf[i] + BATCH_OVERHEAD > maxBatchBytes) {
        this.checkFits(topic, i, { key, value, timestamp: timestamps[i], headers: recordHeaders }, maxBatchBytes);
      }
    }
    return { keys, values, headers, timestamps, partitionOf, sizeOf };
  }

  /**
   * Lets the send's records into their partitions' batches, in order, as buffer room allows. A send that finds no
   * room is parked as one plain object at the record that did not fit and is continued by `wakeWaiters`: with
   * hundreds of thousands of unawaited sends, a suspended async frame and a promise chain per waiting send would
   * cost more memory than the buffer bounds.
   */
  private enqueue(topic: string, columns: Columns, partitions: number, batchLimit: number): Promise<RecordMetadata[]> {
    const a: Admission = {
      topic, columns, batchLimit, queueKeys: this.partitionKeys(topic, partitions), next: 0, mark: ++this.sends,
      batchOf: new Array(columns.keys.length), indexOf: new Array<number>(columns.keys.length), batches: [], resolve: null, reject: null,
    };
    if (this.waiting.size === 0 && this.admit(a)) return this.acknowledged(a);
    return new Promise<RecordMetadata[]>((resolve, reject) => {
      a.resolve = resolve;
      a.reject = reject;
      this.waiting.push(a);
    });
  }

  /**
   * Adds the admission's records to batches from `next` on while they fit in the buffer (a record larger than the
   * whole buffer fits an empty one). True once every record is in.
   */
  private admit(a: Admission): boolean {
    const { keys, values, headers, timestamps, partitionOf, sizeOf } = a.columns;
    const n = keys.length;
    for (let i = a.next; i < n; i++) {
      const size = sizeOf[i];
      if (this.buffered > 0 && this.buffered + size > this.opts.bufferBytes) {
        a.next = i;
        return false;
      }
      this.buffered += size;
      const partition = partitionOf[i];
      const batch = this.open.get(a.queueKeys[partition]) ?? null;
      const target = batch && batch.bytes + size <= a.batchLimit - BATCH_OVERHEAD
        ? batch
        : this.startBatch(a.queueKeys[partition], a.topic, partition, a.batchLimit, remainingFor(partitionOf, sizeOf, i, partition));
      target.records.append(keys[i], values[i], timestamps[i], headers?.[i]);
      target.bytes += size;
      a.batchOf[i] = target;
      a.indexOf[i] = target.records.recordCount - 1;
      if (target.lastSend !== a.mark) {
        target.lastSend = a.mark;
        a.batches.push(target);
      }
    }
    a.next = n;
    this.partitioner.nextBatch();
    return true;
  }

  /** The records' offsets once their batches are answered. */
  private acknowledged(a: Admission): Promise<RecordMetadata[]> {
    // Most sends fill one batch: no Promise.all (and its array and promises) for them.
    const done = a.batches.length === 1 ? a.batches[0].done : Promise.all(a.batches.map((b) => b.done));
    return done.then(() => offsetsOf(a));
  }

  /** The map keys of a topic's partitions, made once rather than per record. */
  private partitionKeys(topic: string, partitions: number): string[] {
    let keys = this.keyCache.get(topic);
    if (!keys || keys.length !== partitions) {
      keys = Array.from({ length: partitions }, (_, p) => `${p}:${topic}`);
      this.keyCache.set(topic, keys);
    }
    return keys;
  }

  /** Sends everything buffered now and waits until all of it is acknowledged (or failed). */
  async flush(): Promise<void> {
    for (const key of [...this.open.keys()]) this.seal(key);
    while (this.outstanding.size > 0) await Promise.allSettled([...this.outstanding]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
  }

  /**
   * A record the estimate puts near or over the topic's limit is encoded alone to know for sure: a batch holding
   * just it must fit, or no batch can carry it.
   */
  private checkFits(topic: string, i: number, record: RecordInput, maxBatchBytes: number): void {
    const bytes = encodeBatch([record], { compression: this.opts.compression }).length;
    if (bytes > maxBatchBytes) {
      throw new KlogError('RECORD_TOO_LARGE', `record too large (${bytes} bytes, limit ${maxBatchBytes}): message ${i} to topic ${topic} `
        + `does not fit in a batch under the topic's maxBatchBytes; send a smaller record or raise the topic's limit`);
    }
  }

  /**
   * Seals the partition's open batch (if any) and opens a new one, with room for `expected` bytes of records (what
   * the current send has left for the partition) or as many as the partition's last batch held, up to the batch
   * limit: a steady stream fills its batches, and each would otherwise grow (and be copied) several times.
   */
  private startBatch(key: string, topic: string, partition: number, batchLimit: number, expected: number): Batch {
    this.seal(key);
    const capacity = Math.min(Math.max(expected, this.lastBatchBytes.get(key) ?? 0), batchLimit);
    const batch = this.newBatch(topic, partition, capacity, batchLimit);
    this.open.set(key, batch);
    this.scheduleSeal(key, batch);
    return batch;
  }

  /**
   * When a new open batch is sent. Lingering only pays while requests to the partition are in flight: records
   * gather during the round trip (as with Nagle's algorithm) and go when it ends (sealIdle) or after lingerMs.
   * With nothing in flight there is nothing to wait for, and the batch goes once this turn is done (setImmediate:
   * setTimeout(0) would wait at least 1 ms), which also takes every record sent in this turn. With lingerMs 0
   * nothing waits at all: the batch goes as soon as the code that sent it yields (a microtask), with the records
   * sent meanwhile (a loop of sends, one send's many records).
   */
  private scheduleSeal(key: string, batch: Batch): void {
    const sealLater = (): void => {
      if (this.open.get(key) === batch) this.seal(key);
    };
    if (this.opts.lingerMs === 0) queueMicrotask(sealLater);
    else if (this.idle(key)) setImmediate(sealLater);
    else setTimeout(sealLater, this.opts.lingerMs).unref?.();
  }

  /** No batch of the partition is queued, in flight or waiting for a retry. */
  private idle(key: string): boolean {
    return (this.queues.get(key)?.length ?? 0) === 0;
  }

  /** Sends the open batch of each partition whose requests have all been answered: its round trip is over. */
  private sealIdle(batches: Batch[]): void {
    for (const b of batches) {
      const key = `${b.partition}:${b.topic}`;
      if (this.open.has(key) && this.idle(key)) this.seal(key);
    }
  }

  private newBatch(topic: string, partition: number, capacity: number, batchLimit: number): Batch {
    let resolve!: (n: number) => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<number>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const records = new BatchBuilder(this.opts.compression, capacity, batchLimit);
    const batch: Batch = { topic, partition, records, bytes: 0, lastSend: 0, baseOffset: -1, resolve, reject, done, encoded: null, state: 'queued', deadline: 0, notBefore: 0, attempts: 0 };
    this.outstanding.add(done);
    const release = (): void => {
      this.outstanding.delete(done);
      this.buffered -= batch.bytes;
      this.wakeWaiters();
    };
    done.then(release, release);
    return batch;
  }

  private seal(key: string): void {
    const batch = this.open.get(key);
    if (!batch) return;
    this.open.delete(key);
    this.lastBatchBytes.set(key, batch.records.recordBytes);
    batch.deadline = Date.now() + this.opts.maxRetryTimeMs;
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = []));
    queue.push(batch);
    this.pump();
  }

  /** Continues parked sends in order while their records fit (first come, first served: sends keep their order). */
  private wakeWaiters(): void {
    for (let a = this.waiting.peek(); a; a = this.waiting.peek()) {
      try {
        if (!this.admit(a)) return;
        this.waiting.shift();
        a.resolve!(this.acknowledged(a));
      } catch (err) {
        this.waiting.shift();
        a.reject!(err);
      }
    }
  }

  /**
   * Sends, for every partition, the batches next in line, up to maxInFlightPerPartition unanswered, together in
   * one request. A batch waiting to be retried holds back those behind it, so the log keeps the send order.
   */
  private pump(): void {
    const now = Date.now();
    const ready: Batch[] = [];
    let bytes = 0;
    let nextTry = Infinity;
    for (const queue of this.queues.values()) {
      let inFlight = 0;
      for (const b of queue) {
        if (b.state === 'inflight') {
          inFlight++;
          continue;
        }
        if (b.state === 'retry' && b.notBefore > now) {
          nextTry = Math.min(nextTry, b.notBefore);
          break;
        }
        if (inFlight >= this.opts.maxInFlightPerPartition || (ready.length > 0 && bytes + b.bytes > MAX_REQUEST_BYTES)) break;
        b.state = 'inflight';
        inFlight++;
        ready.push(b);
        bytes += b.bytes;
      }
    }
    if (nextTry < Infinity && !this.pumpTimer) {
      this.pumpTimer = setTimeout(() => {
        this.pumpTimer = null;
        this.pump();
      }, nextTry - now);
    }
    if (ready.length > 0) void this.sendBatches(ready);
  }

  private async sendBatches(batches: Batch[]): Promise<void> {
    let response: ResponseOf<'produce'> | null = null;
    let requestError: unknown = null;
    try {
      for (const b of batches) b.encoded ??= await this.encode(b);
      const byTopic = new Map<string, { partition: number; batch: Buffer }[]>();
      for (const b of batches) {
        let list = byTopic.get(b.topic);
        if (!list) byTopic.set(b.topic, (list = []));
        list.push({ partition: b.partition, batch: b.encoded! });
      }
      response = await this.conn.request('produce', {
        acks: this.acks,
        topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      }, { noResponse: this.acks === 0 });
    } catch (err) {
      requestError = err;
    }
    for (const b of batches) {
      const outcome = requestError ? { error: requestError } : this.acks === 0 ? { baseOffset: -1 } : resultFor(response!, b);
      this.settle(b, outcome);
    }
    this.sealIdle(batches);
    this.pump();
  }

  private settle(b: Batch, outcome: { baseOffset: number } | { error: unknown }): void {
    const queue = this.queues.get(`${b.partition}:${b.topic}`)!;
    if ('baseOffset' in outcome) {
      queue.splice(queue.indexOf(b), 1);
      b.baseOffset = outcome.baseOffset;
      b.resolve(outcome.baseOffset);
      return;
    }
    const err = outcome.error;
    // Whether or not it is retried, the next send to this topic should not trust what the client knew of it.
    if (needsMetadataRefresh(err)) this.metadata.invalidate(b.topic);
    const retryable = Date.now() < b.deadline && !this.closed;
    if (retryable && isKlogError(err, 'OUT_OF_ORDER_SEQUENCE') && !queue.slice(0, queue.indexOf(b)).some((x) => x.state === 'retry')) {
      // A gap the broker saw that no earlier retry explains (an earlier batch failed for good): start a new
      // producer id, whose sequences begin again at 0, and re-encode what is not yet answered.
      this.restartSequences();
    }
    if (retryable && (isRetriable(err) || isKlogError(err, 'OUT_OF_ORDER_SEQUENCE'))) {
      b.attempts++;
      b.state = 'retry';
      const backoff = Math.min(50 * 2 ** (b.attempts - 1), 1_000);
      b.notBefore = Date.now() + backoff;
      warnRetry(this.opts.logger, `produce to ${b.topic}-${b.partition}`, err, b.attempts, backoff);
      return; // keeps its place in the queue, its bytes and its sequence numbers
    }
    queue.splice(queue.indexOf(b), 1);
    if (b.encoded && this.opts.idempotent) this.restartSequences();
    // The topic may have been re-created with other settings: learn its limits afresh before the next send.
    if (isKlogError(err, 'RECORD_TOO_LARGE') || isKlogError(err, 'UNKNOWN_TOPIC')) this.metadata.invalidate(b.topic);
    b.reject(err);
  }

  /** Batches behind one that failed for good carry sequence numbers with a gap: a fresh producer id clears it. */
  private restartSequences(): void {
    this.producerId = null;
    this.sequences.clear();
    for (const queue of this.queues.values()) {
      for (const x of queue) if (x.state !== 'inflight') x.encoded = null;
    }
  }

  /** The batch's bytes, stamped with the producer id and sequence (a re-encode after a restart re-stamps them). */
  private async encode(b: Batch): Promise<Buffer> {
    if (!this.opts.idempotent) return b.records.finish();
    this.producerId ??= this.conn.request('initProducerId', {}).then((r) => ({
      producerId: r.producerId, producerEpoch: r.producerEpoch,
    }));
    let ids;
    try {
      ids = await this.producerId;
    } catch (err) {
      this.producerId = null;
      throw err;
    }
    const key = `${b.partition}:${b.topic}`;
    const baseSequence = this.sequences.get(key) ?? 0;
    this.sequences.set(key, (baseSequence + b.records.recordCount) % 0x80000000);
    return b.records.finish({ ...ids, baseSequence });
  }
}

/** Where each of the send's records landed, once every batch of it is answered. */
function offsetsOf({ topic, batchOf, indexOf }: Admission): RecordMetadata[] {
  const n = batchOf.length;
  const out: RecordMetadata[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const batch = batchOf[i];
    const base = batch.baseOffset;
    out[i] = { topic, partition: batch.partition, offset: base < 0 ? -1 : base + indexOf[i] };
  }
  return out;
}

/** Whether a message names a partition past the `partitions` the producer knows of. */
function beyondPartitions(messages: ProducerMessage[], partitions: number): boolean {
  for (const m of messages) if (typeof m?.partition === 'number' && m.partition >= partitions) return true;
  return false;
}

function estimate(key: Buffer | null, value: Buffer | null, headers: Header[] | undefined): number {
  let n = RECORD_OVERHEAD + (key?.length ?? 0) + (value?.length ?? 0);
  for (const h of headers ?? []) n += HEADER_OVERHEAD + Buffer.byteLength(h.key) + (h.value?.length ?? 0);
  return n;
}

/** Estimated bytes of the send's records from `from` on that go to `partition`: the room a new batch starts with. */
function remainingFor(partitionOf: number[], sizeOf: number[], from: number, partition: number): number {
  let bytes = 0;
  for (let i = from; i < partitionOf.length; i++) if (partitionOf[i] === partition) bytes += sizeOf[i];
  return bytes;
}

function toHeaders(headers: NonNullable<ProducerMessage['headers']>, i: number): Header[] | undefined {
  if (Array.isArray(headers)) {
    return headers.map((h, j) => {
      if (typeof h !== 'object' || h === null || typeof h.key !== 'string') {
        throw new KlogError('INVALID_RECORD', `message ${i}: header ${j} must be { key: string, value }`);
      }
      return { key: h.key, value: toBytes(h.value, undefined, i, `header ${h.key}`) };
    });
  }
  if (!headers) return undefined;
  const out: Header[] = [];
  for (const [k, v] of Object.entries(headers)) out.push({ key: k, value: toBytes(v, undefined, i, `header ${k}`) });
  return out;
}

/** The record's timestamp in ms: the message's own, or the send's time. */
function timestampOf(m: ProducerMessage, i: number, now: number): number {
  const ts = m.timestamp instanceof Date ? m.timestamp.getTime() : (m.timestamp ?? now);
  if (!Number.isSafeInteger(ts)) throw new KlogError('INVALID_RECORD', `message ${i}: timestamp must be an integer (ms) or a Date, got ${String(m.timestamp)}`);
  return ts;
}

function resultFor(response: ResponseOf<'produce'>, b: Batch): { baseOffset: number } | { error: unknown } {
  const p = response.topics.find((t) => t.topic === b.topic)?.partitions.find((x) => x.partition === b.partition);
  if (!p) return { error: new KlogError('INVALID_REQUEST', `the broker's produce answer lacks ${b.topic}-${b.partition}`) };
  if (p.errorCode) {
    return { error: fromWireError(p, `produce to ${b.topic}-${b.partition}`) };
  }
  return { baseOffset: p.baseOffset as number };
}
