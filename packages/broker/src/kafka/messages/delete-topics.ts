import { array, field, int16, int32, message, string, struct, uuid } from '../schema/schema.js';

/** DeleteTopics (key 20), as Kafka defines it through v6; v4+ flexible, v6 names topics by name or id. */
export const deleteTopicsRequest = message('DeleteTopicsRequest', {
  validVersions: [0, 6],
  flexibleFrom: 4,
  fields: {
    topics: field(array(struct({
      name: field(string, { nullable: [6], default: null }),
      topicId: field(uuid),
    })), { versions: [6] }),
    topicNames: field(array(string), { versions: [0, 5] }),
    timeoutMs: field(int32),
  },
});

export const deleteTopicsResponse = message('DeleteTopicsResponse', {
  validVersions: [0, 6],
  flexibleFrom: 4,
  fields: {
    throttleTimeMs: field(int32, { versions: [1] }),
    responses: field(array(struct({
      name: field(string, { nullable: [6] }),
      topicId: field(uuid, { versions: [6] }),
      errorCode: field(int16),
      errorMessage: field(string, { versions: [5], nullable: [5], default: null }),
    }))),
  },
});
