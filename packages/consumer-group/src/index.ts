export { type Clock, ManualClock, systemClock } from './clock.js';
export type { Assignor, AssignorMember, TopicPartition } from './assignors/assignor.js';
export { rangeAssignor } from './assignors/range.js';
export { roundRobinAssignor } from './assignors/round-robin.js';
export { stickyAssignor } from './assignors/sticky.js';
export { assignors } from './assignors/registry.js';
export type { Subscription } from './subscription.js';
export { GroupCoordinator, type GroupCoordinatorOptions } from './coordinator.js';
export { MemberIdRequiredError } from './group.js';
export type { GroupStore } from './store-port.js';
export type { Logger } from './logger.js';
export { OFFSETS_TOPIC } from './offsets/offsets-log.js';
export { decodeConsumerAssignment, decodeConsumerSubscription, KAFKA_CONSUMER_PROTOCOL_TYPE } from './consumer-protocol.js';
export {
  NATIVE_PROTOCOL_TYPE,
  type CommittedOffset,
  type GroupDescription,
  type GroupListing,
  type GroupState,
  type JoinRequest,
  type JoinResult,
  type MemberAssignment,
  type MemberDescription,
  type MemberRef,
  type OffsetCommit,
  type PartitionLag,
  type Protocol,
  type ResetTarget,
  type SyncRequest,
  type SyncResult,
} from './types.js';
