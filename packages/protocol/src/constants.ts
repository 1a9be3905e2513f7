/** Answered in apiVersions, so a client can tell a klog broker from something else listening on the port. */
export const PROTOCOL_NAME = 'klog';

/** listOffsets "timestamps" with special meanings, as in Kafka. */
export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;

/** Produce acks: 0 = no answer, 1 = written by the broker, -1 ('all') = flushed to disk before the answer. */
export type Acks = 0 | 1 | -1;

/** Header fields of a request frame; no API's body may use these names. */
export const REQUEST_HEADER_KEYS = ['api', 'version', 'correlationId'] as const;
