import { array, field, int16, int32, int8, message, string, struct } from '../schema/schema.js';

/** FindCoordinator (key 10), as Kafka defines it through v6; v3+ flexible, v4+ batched (coordinator_keys). */
export const findCoordinatorRequest = message('FindCoordinatorRequest', {
  validVersions: [0, 6],
  flexibleFrom: 3,
  fields: {
    key: field(string, { versions: [0, 3] }),
    keyType: field(int8, { versions: [1] }),
    coordinatorKeys: field(array(string), { versions: [4] }),
  },
});

export const findCoordinatorResponse = message('FindCoordinatorResponse', {
  validVersions: [0, 6],
  flexibleFrom: 3,
  fields: {
    throttleTimeMs: field(int32, { versions: [1] }),
    errorCode: field(int16, { versions: [0, 3] }),
    errorMessage: field(string, { versions: [1, 3], nullable: [1, 3], default: null }),
    nodeId: field(int32, { versions: [0, 3] }),
    host: field(string, { versions: [0, 3] }),
    port: field(int32, { versions: [0, 3] }),
    coordinators: field(array(struct({
      key: field(string),
      nodeId: field(int32),
      host: field(string),
      port: field(int32),
      errorCode: field(int16),
      errorMessage: field(string, { nullable: [4], default: null }),
    })), { versions: [4] }),
  },
});
