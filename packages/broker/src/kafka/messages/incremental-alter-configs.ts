import { array, bool, field, int8, int32, message, string, struct } from '../schema/schema.js';
import { alterConfigsResourceResponse } from './alter-configs.js';

/** IncrementalAlterConfigs (key 44), as Kafka defines it through v1; v1 flexible. */
export const incrementalAlterConfigsRequest = message('IncrementalAlterConfigsRequest', {
  validVersions: [0, 1],
  flexibleFrom: 1,
  fields: {
    resources: field(array(struct({
      resourceType: field(int8),
      resourceName: field(string),
      configs: field(array(struct({
        name: field(string),
        configOperation: field(int8),
        value: field(string, { nullable: [0] }),
      }))),
    }))),
    validateOnly: field(bool),
  },
});

export const incrementalAlterConfigsResponse = message('IncrementalAlterConfigsResponse', {
  validVersions: [0, 1],
  flexibleFrom: 1,
  fields: {
    throttleTimeMs: field(int32),
    responses: field(array(alterConfigsResourceResponse)),
  },
});
