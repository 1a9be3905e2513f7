import { array, bool, bytes, field, int16, int32, message, string, struct } from '../schema/schema.js';

/** DescribeGroups (key 15), as Kafka defines it through v5; v5 flexible. */
export const describeGroupsRequest = message('DescribeGroupsRequest', {
  validVersions: [0, 5],
  flexibleFrom: 5,
  fields: {
    groups: field(array(string)),
    includeAuthorizedOperations: field(bool, { versions: [3] }),
  },
});

export const describeGroupsResponse = message('DescribeGroupsResponse', {
  validVersions: [0, 5],
  flexibleFrom: 5,
  fields: {
    throttleTimeMs: field(int32, { versions: [1] }),
    groups: field(array(struct({
      errorCode: field(int16),
      groupId: field(string),
      groupState: field(string),
      protocolType: field(string),
      protocolData: field(string),
      members: field(array(struct({
        memberId: field(string),
        groupInstanceId: field(string, { versions: [4], nullable: [4], default: null }),
        clientId: field(string),
        clientHost: field(string),
        memberMetadata: field(bytes),
        memberAssignment: field(bytes),
      }))),
      authorizedOperations: field(int32, { versions: [3], default: -2147483648 }),
    }))),
  },
});
