import type { KafkaReader } from './codec/reader.js';
import type { KafkaWriter } from './codec/writer.js';
import { skipTaggedFields } from './schema/message-reader.js';

/**
 * The request header's fixed part, common to v1 and v2: api_key, api_version, correlation_id, client_id. The
 * client_id stays a classic int16-length string even in v2; v2 only adds a tagged-field section, which
 * `finishRequestHeader` skips once the API (and so whether the version is flexible) is known.
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

/** Header v2 (flexible requests) ends with tagged fields; none is known, all are skipped. */
export function finishRequestHeader(r: KafkaReader, flexible: boolean): void {
  if (flexible) skipTaggedFields(r);
}

/** Response header v0 (correlation id) or v1 (then an empty tagged-field section). */
export function writeResponseHeader(w: KafkaWriter, correlationId: number, flexible: boolean): void {
  w.int32(correlationId);
  if (flexible) w.uvarint(0);
}
