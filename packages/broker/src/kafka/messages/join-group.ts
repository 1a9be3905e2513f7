import { array, bool, bytes, field, int16, int32, message, string, struct } from '../schema/schema.js';

/** JoinGroup (key 11), as Kafka defines it through v9; v6+ flexible. */
export const joinGroupRequest = message('JoinGroupRequest', {
  validVersions: [0, 9],
  flexibleFrom: 6,
  fields: {
    groupId: field(string),
    sessionTimeoutMs: field(int32),
    rebalanceTimeoutMs: field(int32, { versions: [1], default: -1 }),
    memberId: field(string),
    groupInstanceId: field(string, { versions: [5], nullable: [5], default: null }),
    protocolType: field(string),
    protocols: field(array(struct({
      name: field(string),
      metadata: field(bytes),
    }))),
    reason: field(string, { versions: [8], nullable: [8], default: null }),
  },
});

export const joinGroupResponse = message('JoinGroupResponse', {
  validVersions: [0, 9],
  flexibleFrom: 6,
  fields: {
    throttleTimeMs: field(int32, { versions: [2] }),
    errorCode: field(int16),
    generationId: field(int32, { default: -1 }),
    protocolType: field(string, { versions: [7], nullable: [7], default: null }),
    protocolName: field(string, { nullable: [7] }),
    leader: field(string),
    skipAssignment: field(bool, { versions: [9] }),
    memberId: field(string),
    members: field(array(struct({
      memberId: field(string),
      groupInstanceId: field(string, { versions: [5], nullable: [5], default: null }),
      metadata: field(bytes),
    }))),
  },
});
