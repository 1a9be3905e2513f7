import type { Logger } from 'pino';
import { reportedErrorCode } from '../error-codes.js';

/**
 * What CreateTopics, CreatePartitions and DeleteTopics share: refusals that have a Kafka error code but no klog
 * one (replication, assignments, a count that does not grow), and one topic's error code and message from any
 * failure.
 */
export class Refusal extends Error {
  constructor(readonly errorCode: number, message: string) {
    super(message);
  }
}

/** A failure as a Kafka error code and message: a Refusal's own code, else the error table's (logged if unexpected). */
export function refusalOf(err: unknown, logger: Logger, api: string, topic: string): { errorCode: number; message: string } {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof Refusal) return { errorCode: err.errorCode, message };
  return { errorCode: reportedErrorCode(err, logger, { api, topic }), message };
}
