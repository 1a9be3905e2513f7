import { array, bool, field, int8, int16, int32, message, string, struct } from '../schema/schema.js';

/** DescribeCluster (key 60), as Kafka defines it through v1; flexible at every version. */
export const describeClusterRequest = message('DescribeClusterRequest', {
  validVersions: [0, 1],
  flexibleFrom: 0,
  fields: {
    includeClusterAuthorizedOperations: field(bool),
    endpointType: field(int8, { versions: [1], default: 1 }),
  },
});

export const describeClusterResponse = message('DescribeClusterResponse', {
  validVersions: [0, 1],
  flexibleFrom: 0,
  fields: {
    throttleTimeMs: field(int32),
    errorCode: field(int16),
    errorMessage: field(string, { nullable: [0], default: null }),
    endpointType: field(int8, { versions: [1], default: 1 }),
    clusterId: field(string),
    controllerId: field(int32, { default: -1 }),
    brokers: field(array(struct({
      brokerId: field(int32),
      host: field(string),
      port: field(int32),
      rack: field(string, { nullable: [0], default: null }),
    }))),
    clusterAuthorizedOperations: field(int32, { default: -2147483648 }),
  },
});
