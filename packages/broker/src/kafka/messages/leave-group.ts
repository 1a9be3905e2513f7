import { array, field, int16, int32, message, string, struct } from '../schema/schema.js';

/** LeaveGroup (key 13), as Kafka defines it through v5; v3+ a batch of members, v4+ flexible. */
export const leaveGroupRequest = message('LeaveGroupRequest', {
  validVersions: [0, 5],
  flexibleFrom: 4,
  fields: {
    groupId: field(string),
    memberId: field(string, { versions: [0, 2] }),
    members: field(array(struct({
      memberId: field(string),
      groupInstanceId: field(string, { nullable: [3], default: null }),
      reason: field(string, { versions: [5], nullable: [5], default: null }),
    })), { versions: [3] }),
  },
});

export const leaveGroupResponse = message('LeaveGroupResponse', {
  validVersions: [0, 5],
  flexibleFrom: 4,
  fields: {
    throttleTimeMs: field(int32, { versions: [1] }),
    errorCode: field(int16),
    members: field(array(struct({
      memberId: field(string),
      groupInstanceId: field(string, { nullable: [3] }),
      errorCode: field(int16),
    })), { versions: [3] }),
  },
});
