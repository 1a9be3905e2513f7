import { KafkaWriter } from '../codec/writer.js';
import { KafkaError } from '../error-codes.js';
import type { KafkaApi } from '../kafka-api.js';

export const API_VERSIONS_KEY = 18;
const MAX_VERSION = 2;

/**
 * ApiVersions v0-v2 (v1+ add throttle_time_ms): advertises exactly the APIs given, at the versions they
 * implement. The list is passed in so that what is advertised cannot drift from what is served.
 */
export function apiVersionsApi(apis: () => readonly KafkaApi[]): KafkaApi {
  return {
    key: API_VERSIONS_KEY,
    name: 'ApiVersions',
    minVersion: 0,
    maxVersion: MAX_VERSION,
    async handle(_body, version) {
      const w = new KafkaWriter().int16(KafkaError.NONE);
      w.array([...apis()].sort((a, b) => a.key - b.key), (w, api) => w.int16(api.key).int16(api.minVersion).int16(api.maxVersion));
      if (version >= 1) w.int32(0);
      return w;
    },
  };
}

/**
 * The answer to an ApiVersions version we do not implement (librdkafka starts with v3): a v0-shaped body with
 * UNSUPPORTED_VERSION and our own range, so the client retries with a version we know on the same connection
 * (what Kafka does, KIP-511). Closing the connection instead breaks clients.
 */
export function unsupportedApiVersions(): KafkaWriter {
  return new KafkaWriter()
    .int16(KafkaError.UNSUPPORTED_VERSION)
    .array([0], (w) => w.int16(API_VERSIONS_KEY).int16(0).int16(MAX_VERSION));
}
