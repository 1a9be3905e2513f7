import type { BrokerServices } from '../services/broker-services.js';
import type { KafkaReader } from './codec/reader.js';
import type { KafkaWriter } from './codec/writer.js';

/** What a Kafka API handler knows of the request beyond its body. */
export interface KafkaRequestContext {
  readonly broker: BrokerServices;
  readonly clientId: string | null;
  readonly remoteHost: string;
  /** Where clients reach this listener: what Metadata and FindCoordinator advertise. */
  readonly advertised: { host: string; port: number };
  /** Aborted when the connection closes (ends long-polls early). */
  readonly closed: AbortSignal;
}

/**
 * One Kafka API at the versions this listener implements. `handle` decodes the whole body first (a malformed
 * body throws before anything happens), then answers with the response body, or null for no response at all
 * (Produce with acks 0).
 */
export interface KafkaApi {
  readonly key: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(body: KafkaReader, version: number, ctx: KafkaRequestContext): Promise<KafkaWriter | null>;
}

/** This broker's node id in Metadata and FindCoordinator: klog is a single node. */
export const NODE_ID = 0;
