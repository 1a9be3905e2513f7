// A loopback TCP proxy in front of the broker's Kafka listener that loses Produce answers: it splits the
// int32-length-prefixed frames of both directions, remembers the api key and version of every request by its
// correlation id, and when the answer to a Produce request comes back (while cuts remain) it destroys both
// sockets instead of forwarding it. The broker has stored the batch; the client never hears so.
//
// Everything else passes through byte for byte, except what tells a client where the broker is: the broker
// advertises its own host:port in Metadata, FindCoordinator and DescribeCluster answers (it has no setting for
// another address), so those answers are decoded with the listener's own schemas and every (host, port) naming
// the broker is replaced with the proxy's, for the client to come back through the proxy.
//
// It also reads (never changes) every Produce request's batches, to tell which producer id, epoch and sequences
// were sent, and which of them went unanswered.
import { createServer, connect, type Socket } from 'node:net';
import { iterateBatches } from '@klog/log-core';
import { KafkaReader } from '../../../packages/broker/src/kafka/codec/reader.js';
import type { KafkaApi } from '../../../packages/broker/src/kafka/kafka-api.js';
import { describeClusterApi } from '../../../packages/broker/src/kafka/apis/describe-cluster.js';
import { findCoordinatorApi } from '../../../packages/broker/src/kafka/apis/find-coordinator.js';
import { metadataApi } from '../../../packages/broker/src/kafka/apis/metadata.js';
import { produceApi } from '../../../packages/broker/src/kafka/apis/produce.js';
import { finishRequestHeader, readRequestHeader } from '../../../packages/broker/src/kafka/request-header.js';
import { readMessage } from '../../../packages/broker/src/kafka/schema/message-reader.js';
import { writeMessage } from '../../../packages/broker/src/kafka/schema/message-writer.js';
import { isFlexible } from '../../../packages/broker/src/kafka/schema/schema.js';

const PRODUCE = 0;

/** The answers that carry the broker's address, by api key. */
const ADDRESS_ANSWERS = new Map<number, KafkaApi>(
  [metadataApi, findCoordinatorApi, describeClusterApi].map((api) => [api.key, api as unknown as KafkaApi]),
);

export interface CutProxyOptions {
  /** How many Produce answers to withhold, each by cutting its connection (the first ones that come back). Default 1. */
  cutProduceAnswers?: number;
}

/** One batch of a Produce request the proxy forwarded. */
export interface SentBatch {
  /** Which client connection (1, 2, ...) sent it. */
  connection: number;
  topic: string;
  partition: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  /** Records in the batch. */
  count: number;
  /** Its Produce answer never reached the client: it was in flight when the proxy cut the connection. */
  withheld: boolean;
}

export interface CutProxy {
  readonly host: string;
  readonly port: number;
  /** Client connections accepted. */
  readonly connections: number;
  /** Produce requests forwarded to the broker. */
  readonly producesForwarded: number;
  /** Produce answers withheld: each one's connection was cut, both sides, instead of forwarding it. */
  readonly cuts: number;
  /** Answers whose broker address was replaced with the proxy's. */
  readonly rewrites: number;
  /** The batches of every forwarded Produce request, in the order they were forwarded. */
  readonly sent: readonly SentBatch[];
  /** Produce requests whose batches could not be read (none is expected). */
  readonly unreadable: readonly string[];
  close(): Promise<void>;
}

/** Splits a byte stream into int32-length-prefixed frames (prefix included). */
class FrameSplitter {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    while (this.pending.length >= 4) {
      const size = this.pending.readInt32BE(0);
      if (size < 0) throw new Error(`negative frame size ${size}`);
      if (this.pending.length < 4 + size) break;
      frames.push(this.pending.subarray(0, 4 + size));
      this.pending = this.pending.subarray(4 + size);
    }
    return frames;
  }
}

export async function startCutProxy(target: { host: string; port: number }, opts: CutProxyOptions = {}): Promise<CutProxy> {
  let cutsLeft = opts.cutProduceAnswers ?? 1;
  const stats = { connections: 0, producesForwarded: 0, cuts: 0, rewrites: 0 };
  const sockets = new Set<Socket>();
  const sent: SentBatch[] = [];
  const unreadable: string[] = [];
  let self = { host: '127.0.0.1', port: 0 };

  const server = createServer((client) => {
    const connection = ++stats.connections;
    const upstream = connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', () => {
      sockets.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);

    /** The api key and version of each request awaiting its answer, by correlation id. */
    const inFlight = new Map<number, { apiKey: number; apiVersion: number; batches: SentBatch[] }>();
    const requests = new FrameSplitter();
    const answers = new FrameSplitter();

    client.on('data', (chunk: Buffer) => {
      for (const frame of requests.push(chunk)) {
        const apiKey = frame.readInt16BE(4);
        const batches = apiKey === PRODUCE ? producedBatches(frame, connection) : [];
        inFlight.set(frame.readInt32BE(8), { apiKey, apiVersion: frame.readInt16BE(6), batches });
        if (apiKey === PRODUCE) {
          stats.producesForwarded++;
          sent.push(...batches);
        }
        upstream.write(frame);
      }
    });

    upstream.on('data', (chunk: Buffer) => {
      for (const frame of answers.push(chunk)) {
        if (client.destroyed) return;
        const correlationId = frame.readInt32BE(4);
        const request = inFlight.get(correlationId);
        inFlight.delete(correlationId);
        if (request?.apiKey === PRODUCE && cutsLeft > 0) {
          cutsLeft--;
          stats.cuts++;
          // This answer, and those of any other Produce still in flight on the connection, never reach the client.
          for (const b of request.batches) b.withheld = true;
          for (const r of inFlight.values()) for (const b of r.batches) b.withheld = true;
          cut();
          return;
        }
        const api = request && ADDRESS_ANSWERS.get(request.apiKey);
        client.write(api ? pointAtProxy(api, request.apiVersion, frame) : frame);
      }
    });
  });

  function producedBatches(frame: Buffer, connection: number): SentBatch[] {
    try {
      const r = new KafkaReader(frame.subarray(4));
      const header = readRequestHeader(r);
      finishRequestHeader(r, isFlexible(produceApi.request, header.apiVersion));
      const request = readMessage(produceApi.request, r, header.apiVersion);
      return request.topicData.flatMap((t) => t.partitionData.flatMap((p) => [...iterateBatches(p.records ?? Buffer.alloc(0))].map(({ header: h }) => ({
        connection,
        topic: t.name,
        partition: p.index,
        producerId: BigInt(h.producerId),
        producerEpoch: h.producerEpoch,
        baseSequence: h.baseSequence,
        count: h.lastOffsetDelta + 1,
        withheld: false,
      }))));
    } catch (err) {
      unreadable.push(String(err));
      return [];
    }
  }

  /** The answer with every (host, port) of the broker replaced with the proxy's, or unchanged when none is. */
  function pointAtProxy(api: KafkaApi, version: number, frame: Buffer): Buffer {
    const flexibleHeader = !api.responseHeaderV0 && isFlexible(api.response, version);
    // Response header: correlation id, then (flexible) a tag section, which the broker always leaves empty.
    if (flexibleHeader && frame[8] !== 0) throw new Error(`${api.name} v${version} answer with header tags: not handled by the proxy`);
    const headerEnd = flexibleHeader ? 9 : 8;
    const reader = new KafkaReader(frame.subarray(headerEnd));
    const decoded = readMessage(api.response, reader, version);
    if (reader.remaining !== 0) throw new Error(`${reader.remaining} bytes left after the ${api.name} v${version} answer`);
    if (!replaceAddress(decoded, target, self)) return frame;
    stats.rewrites++;
    const body = Buffer.concat(writeMessage(api.response, decoded, version).toBuffers());
    const head = frame.subarray(0, headerEnd);
    const size = Buffer.alloc(4);
    size.writeInt32BE(head.length - 4 + body.length);
    return Buffer.concat([size, head.subarray(4), body]);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  if (bound === null || typeof bound !== 'object') throw new Error('the proxy has no port');
  self = { host: '127.0.0.1', port: bound.port };

  return {
    host: self.host,
    port: self.port,
    get connections() {
      return stats.connections;
    },
    get producesForwarded() {
      return stats.producesForwarded;
    },
    get cuts() {
      return stats.cuts;
    },
    get rewrites() {
      return stats.rewrites;
    },
    sent,
    unreadable,
    close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      return closed;
    },
  };
}

/** Replaces, anywhere in a decoded answer, each { host, port } equal to `from` with `to`; whether any was. */
function replaceAddress(value: unknown, from: { host: string; port: number }, to: { host: string; port: number }): boolean {
  if (Array.isArray(value)) return value.map((v) => replaceAddress(v, from, to)).some(Boolean);
  if (value === null || typeof value !== 'object') return false;
  const o = value as Record<string, unknown>;
  let replaced = false;
  if (o.host === from.host && o.port === from.port) {
    o.host = to.host;
    o.port = to.port;
    replaced = true;
  }
  for (const v of Object.values(o)) if (replaceAddress(v, from, to)) replaced = true;
  return replaced;
}
