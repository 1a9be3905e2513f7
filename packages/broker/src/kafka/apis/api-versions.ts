import type { KafkaWriter } from '../codec/writer.js';
import { KafkaError } from '../error-codes.js';
import { defineKafkaApi, type KafkaApi, type RegisteredKafkaApi } from '../kafka-api.js';
import { apiVersionsRequest, apiVersionsResponse } from '../messages/api-versions.js';
import { writeMessage } from '../schema/message-writer.js';
import type { Infer } from '../schema/schema.js';

export const API_VERSIONS_KEY = 18;
const MAX_VERSION = 4;

/** What Kafka accepts as client_software_name and _version (KIP-511). */
const SOFTWARE_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

type ApiVersionsResponse = Infer<typeof apiVersionsResponse>;

/**
 * ApiVersions v0-v4 (v1 throttle_time_ms, v3+ flexible with the client's software name and version, no
 * features): advertises exactly the APIs given, at the versions they implement. The list is passed in so that
 * what is advertised cannot drift from what is served. Its response header is v0 at every version.
 */
export function apiVersionsApi(apis: () => readonly RegisteredKafkaApi[]): KafkaApi<typeof apiVersionsRequest, typeof apiVersionsResponse> {
  return defineKafkaApi({
    key: API_VERSIONS_KEY,
    name: 'ApiVersions',
    minVersion: 0,
    maxVersion: MAX_VERSION,
    request: apiVersionsRequest,
    response: apiVersionsResponse,
    responseHeaderV0: true,
    async handle(request, version) {
      // A v3+ client names itself; a name Kafka would refuse gets INVALID_REQUEST (librdkafka then retries v0).
      if (version >= 3 && !(SOFTWARE_NAME.test(request.clientSoftwareName) && SOFTWARE_NAME.test(request.clientSoftwareVersion))) {
        return answer(KafkaError.INVALID_REQUEST, []);
      }
      return answer(KafkaError.NONE, [...apis()].sort((a, b) => a.key - b.key)
        .map((api) => ({ apiKey: api.key, minVersion: api.minVersion, maxVersion: api.maxVersion })));
    },
    errorResponse: (_request, _version, errorCode) => answer(errorCode, ownRange()),
  });
}

function answer(errorCode: number, apiKeys: ApiVersionsResponse['apiKeys']): ApiVersionsResponse {
  return {
    errorCode,
    apiKeys,
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
}

function ownRange(): ApiVersionsResponse['apiKeys'] {
  return [{ apiKey: API_VERSIONS_KEY, minVersion: 0, maxVersion: MAX_VERSION }];
}

/**
 * The answer to an ApiVersions version beyond any known (KIP-511): a v0-shaped body with UNSUPPORTED_VERSION and
 * our own range, so the client retries with a version we know on the same connection, as Kafka answers.
 * Closing the connection instead breaks clients.
 */
export function unsupportedApiVersions(): KafkaWriter {
  return writeMessage(apiVersionsResponse, answer(KafkaError.UNSUPPORTED_VERSION, ownRange()), 0);
}
