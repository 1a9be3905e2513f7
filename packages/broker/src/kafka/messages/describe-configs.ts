import { array, bool, field, int8, int16, int32, message, string, struct } from '../schema/schema.js';

/** DescribeConfigs (key 32), as Kafka defines it through v4; v4 flexible. */
export const describeConfigsRequest = message('DescribeConfigsRequest', {
  validVersions: [0, 4],
  flexibleFrom: 4,
  fields: {
    resources: field(array(struct({
      resourceType: field(int8),
      resourceName: field(string),
      configurationKeys: field(array(string), { nullable: [0] }),
    }))),
    includeSynonyms: field(bool, { versions: [1], default: false }),
    includeDocumentation: field(bool, { versions: [3], default: false }),
  },
});

export const describeConfigsResponse = message('DescribeConfigsResponse', {
  validVersions: [0, 4],
  flexibleFrom: 4,
  fields: {
    throttleTimeMs: field(int32),
    results: field(array(struct({
      errorCode: field(int16),
      errorMessage: field(string, { nullable: [0] }),
      resourceType: field(int8),
      resourceName: field(string),
      configs: field(array(struct({
        name: field(string),
        value: field(string, { nullable: [0] }),
        readOnly: field(bool),
        isDefault: field(bool, { versions: [0, 0] }),
        configSource: field(int8, { versions: [1], default: -1 }),
        isSensitive: field(bool),
        synonyms: field(array(struct({
          name: field(string),
          value: field(string, { nullable: [0] }),
          source: field(int8),
        })), { versions: [1] }),
        configType: field(int8, { versions: [3], default: 0 }),
        documentation: field(string, { versions: [3], nullable: [0], default: null }),
      }))),
    }))),
  },
});
