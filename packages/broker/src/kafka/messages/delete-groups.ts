import { array, field, int16, int32, message, string, struct } from '../schema/schema.js';

/** DeleteGroups (key 42), as Kafka defines it through v2; v2 flexible. */
export const deleteGroupsRequest = message('DeleteGroupsRequest', {
  validVersions: [0, 2],
  flexibleFrom: 2,
  fields: {
    groupsNames: field(array(string)),
  },
});

export const deleteGroupsResponse = message('DeleteGroupsResponse', {
  validVersions: [0, 2],
  flexibleFrom: 2,
  fields: {
    throttleTimeMs: field(int32),
    results: field(array(struct({
      groupId: field(string),
      errorCode: field(int16),
    }))),
  },
});
