import type { BrokerServices } from '../services/broker-services.js';
import type { KafkaReader } from './codec/reader.js';
import type { KafkaWriter } from './codec/writer.js';
import type { Infer, MessageSchema } from './schema/schema.js';

/** What a Kafka API handler knows of the request beyond its body. */
export interface KafkaRequestContext {
  readonly broker: BrokerServices;
  readonly clientId: string | null;
  readonly remoteHost: string;
  /** Where clients reach this listener: what Metadata and FindCoordinator advertise. */
  readonly advertised: { host: string; port: number };
  /** Aborted when the connection closes (ends long-polls early). */
  readonly closed: AbortSignal;
  /** Who the client is (SASL user or client certificate CN), for ACLs; null or absent: anonymous. */
  readonly principal?: string | null;
}

/**
 * One Kafka API, declared by its request and response schemas (written through Kafka's newest version, even
 * where klog serves fewer) and the range klog serves. The connection decodes the request at its version, calls
 * `handle` with the typed object and encodes what it returns (null: no response at all, Produce with acks 0).
 * A request at a version Kafka defines but klog does not serve is decoded too, and answered with
 * `errorResponse(request, version, UNSUPPORTED_VERSION)` at that version instead of a closed connection.
 */
export interface KafkaApi<Req extends MessageSchema = MessageSchema, Res extends MessageSchema = MessageSchema> {
  readonly key: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly request: Req;
  readonly response: Res;
  /** ApiVersions only: its response header is v0 at every version, so a client can read it knowing nothing. */
  readonly responseHeaderV0?: true;
  handle(request: Infer<Req>, version: number, ctx: KafkaRequestContext): Promise<Infer<Res> | null>;
  /** The whole response carrying `errorCode` wherever the response has room for one. */
  errorResponse(request: Infer<Req>, version: number, errorCode: number): Infer<Res>;
}

/** Declares an API with its types inferred from its schemas. */
export function defineKafkaApi<Req extends MessageSchema, Res extends MessageSchema>(api: KafkaApi<Req, Res>): KafkaApi<Req, Res> {
  return api;
}

/**
 * An API still hand-encoded in the classic encoding (until it is moved onto schemas): it reads its own body and
 * writes its own response; versions outside its range close the connection.
 */
export interface ClassicKafkaApi {
  readonly key: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(body: KafkaReader, version: number, ctx: KafkaRequestContext): Promise<KafkaWriter | null>;
}

export type RegisteredKafkaApi = KafkaApi | ClassicKafkaApi;

export function isSchemaApi(api: RegisteredKafkaApi): api is KafkaApi {
  return 'request' in api;
}

/** This broker's node id in Metadata and FindCoordinator: klog is a single node. */
export const NODE_ID = 0;
