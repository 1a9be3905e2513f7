import { array, bytes, field, int16, int32, message, string, struct } from '../schema/schema.js';

/** SyncGroup (key 14), as Kafka defines it through v5; v4+ flexible. */
export const syncGroupRequest = message('SyncGroupRequest', {
  validVersions: [0, 5],
  flexibleFrom: 4,
  fields: {
    groupId: field(string),
    generationId: field(int32),
    memberId: field(string),
    groupInstanceId: field(string, { versions: [3], nullable: [3], default: null }),
    protocolType: field(string, { versions: [5], nullable: [5], default: null }),
    protocolName: field(string, { versions: [5], nullable: [5], default: null }),
    assignments: field(array(struct({
      memberId: field(string),
      assignment: field(bytes),
    }))),
  },
});

export const syncGroupResponse = message('SyncGroupResponse', {
  validVersions: [0, 5],
  flexibleFrom: 4,
  fields: {
    throttleTimeMs: field(int32, { versions: [1] }),
    errorCode: field(int16),
    protocolType: field(string, { versions: [5], nullable: [5], default: null }),
    protocolName: field(string, { versions: [5], nullable: [5], default: null }),
    assignment: field(bytes),
  },
});
