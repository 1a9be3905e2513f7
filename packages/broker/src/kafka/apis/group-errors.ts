import { reportedErrorCode } from '../error-codes.js';
import type { KafkaRequestContext } from '../kafka-api.js';

/**
 * The coordinator's failure as a Kafka error code, with the request logged when it is a bug (not a KlogError).
 * Shared by the group APIs (FindCoordinator through OffsetDelete), which all answer through the one coordinator.
 */
export function groupErrorCode(err: unknown, ctx: KafkaRequestContext, api: string, groupId: string): number {
  return reportedErrorCode(err, ctx.broker.logger, { api, groupId });
}
