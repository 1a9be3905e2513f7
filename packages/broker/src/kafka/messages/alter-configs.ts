import { array, bool, field, int8, int16, int32, message, string, struct } from '../schema/schema.js';

/** AlterConfigs (key 33), as Kafka defines it through v2; v2 flexible. */
export const alterConfigsRequest = message('AlterConfigsRequest', {
  validVersions: [0, 2],
  flexibleFrom: 2,
  fields: {
    resources: field(array(struct({
      resourceType: field(int8),
      resourceName: field(string),
      configs: field(array(struct({
        name: field(string),
        value: field(string, { nullable: [0] }),
      }))),
    }))),
    validateOnly: field(bool),
  },
});

/** The answer of AlterConfigs and IncrementalAlterConfigs: one outcome per resource. */
export const alterConfigsResourceResponse = struct({
  errorCode: field(int16),
  errorMessage: field(string, { nullable: [0] }),
  resourceType: field(int8),
  resourceName: field(string),
});

export const alterConfigsResponse = message('AlterConfigsResponse', {
  validVersions: [0, 2],
  flexibleFrom: 2,
  fields: {
    throttleTimeMs: field(int32),
    responses: field(array(alterConfigsResourceResponse)),
  },
});
