import { array, field, int16, int32, int64, bool, message, string, struct } from '../schema/schema.js';

/** ApiVersions (key 18), as Kafka defines it through v4; v3+ flexible. */
export const apiVersionsRequest = message('ApiVersionsRequest', {
  validVersions: [0, 4],
  flexibleFrom: 3,
  fields: {
    clientSoftwareName: field(string, { versions: [3] }),
    clientSoftwareVersion: field(string, { versions: [3] }),
  },
});

const featureRange = struct({
  name: field(string),
  minVersion: field(int16),
  maxVersion: field(int16),
});

export const apiVersionsResponse = message('ApiVersionsResponse', {
  validVersions: [0, 4],
  flexibleFrom: 3,
  fields: {
    errorCode: field(int16),
    apiKeys: field(array(struct({ apiKey: field(int16), minVersion: field(int16), maxVersion: field(int16) }))),
    throttleTimeMs: field(int32, { versions: [1] }),
    supportedFeatures: field(array(featureRange), { versions: [3], tag: 0, tagged: [3] }),
    finalizedFeaturesEpoch: field(int64, { versions: [3], tag: 1, tagged: [3], default: -1 }),
    finalizedFeatures: field(array(struct({ name: field(string), maxVersionLevel: field(int16), minVersionLevel: field(int16) })),
      { versions: [3], tag: 2, tagged: [3] }),
    zkMigrationReady: field(bool, { versions: [3], tag: 3, tagged: [3] }),
  },
});
