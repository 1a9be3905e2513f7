import type { KafkaReader } from './codec/reader.js';

/**
 * Request header v1 (and the leading part of v2): api_key, api_version, correlation_id, client_id. v2 only adds
 * a tagged-field section after client_id, which is never read here: the one flexible request this listener
 * meets (ApiVersions v3 from librdkafka) is answered with UNSUPPORTED_VERSION without reading further.
 */
export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

export function readRequestHeader(r: KafkaReader): RequestHeader {
  return { apiKey: r.int16(), apiVersion: r.int16(), correlationId: r.int32(), clientId: r.nullableString() };
}
