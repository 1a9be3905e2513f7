import { field, int16, int32, message, string } from '../schema/schema.js';

/** Heartbeat (key 12), as Kafka defines it through v4; v4 flexible. */
export const heartbeatRequest = message('HeartbeatRequest', {
  validVersions: [0, 4],
  flexibleFrom: 4,
  fields: {
    groupId: field(string),
    generationId: field(int32),
    memberId: field(string),
    groupInstanceId: field(string, { versions: [3], nullable: [3], default: null }),
  },
});

export const heartbeatResponse = message('HeartbeatResponse', {
  validVersions: [0, 4],
  flexibleFrom: 4,
  fields: {
    throttleTimeMs: field(int32, { versions: [1] }),
    errorCode: field(int16),
  },
});
