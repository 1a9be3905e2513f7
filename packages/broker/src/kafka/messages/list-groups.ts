import { array, field, int16, int32, message, string, struct } from '../schema/schema.js';

/** ListGroups (key 16), as Kafka defines it through v5; v3+ flexible. */
export const listGroupsRequest = message('ListGroupsRequest', {
  validVersions: [0, 5],
  flexibleFrom: 3,
  fields: {
    statesFilter: field(array(string), { versions: [4] }),
    typesFilter: field(array(string), { versions: [5] }),
  },
});

export const listGroupsResponse = message('ListGroupsResponse', {
  validVersions: [0, 5],
  flexibleFrom: 3,
  fields: {
    throttleTimeMs: field(int32, { versions: [1] }),
    errorCode: field(int16),
    groups: field(array(struct({
      groupId: field(string),
      protocolType: field(string),
      groupState: field(string, { versions: [4] }),
      groupType: field(string, { versions: [5] }),
    }))),
  },
});
