import { ALL_CLUSTER_OPERATIONS, OPERATIONS_NOT_GIVEN } from '../authorized-operations.js';
import { KafkaError } from '../error-codes.js';
import { defineKafkaApi, NODE_ID } from '../kafka-api.js';
import { describeClusterRequest, describeClusterResponse } from '../messages/describe-cluster.js';
import type { Infer } from '../schema/schema.js';

type DescribeClusterResponse = Infer<typeof describeClusterResponse>;

/** The cluster id Metadata (v2+) reports too. */
const CLUSTER_ID = 'klog';
/** endpoint_type (v1+): brokers; klog has no separate controllers to list. */
const BROKERS = 1;
/** Kafka's UNSUPPORTED_ENDPOINT_TYPE: asking a broker for the controllers' endpoints. */
const UNSUPPORTED_ENDPOINT_TYPE = 114;

/**
 * DescribeCluster v0-v1 (flexible at both). One broker, this one, which is also the controller: the same answer
 * Metadata gives (cluster id, node id, the address the client reached). v1 asks for broker endpoints (1); asking
 * for controller endpoints (2) is UNSUPPORTED_ENDPOINT_TYPE, as a Kafka broker answers it. Authorized operations:
 * all allowed when asked (no ACLs), else INT32_MIN.
 */
export const describeClusterApi = defineKafkaApi({
  key: 60,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 1,
  request: describeClusterRequest,
  response: describeClusterResponse,
  async handle(request, _version, ctx) {
    if (request.endpointType !== BROKERS) {
      return failure(UNSUPPORTED_ENDPOINT_TYPE, `endpoint type ${request.endpointType}: this broker lists brokers (1) only`, request.endpointType);
    }
    return {
      throttleTimeMs: 0,
      errorCode: KafkaError.NONE,
      errorMessage: null,
      endpointType: BROKERS,
      clusterId: CLUSTER_ID,
      controllerId: NODE_ID,
      brokers: [{ brokerId: NODE_ID, host: ctx.advertised.host, port: ctx.advertised.port, rack: null }],
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? ALL_CLUSTER_OPERATIONS : OPERATIONS_NOT_GIVEN,
    };
  },
  errorResponse: (request, _version, errorCode) => failure(errorCode, null, request.endpointType),
});

function failure(errorCode: number, errorMessage: string | null, endpointType: number): DescribeClusterResponse {
  return {
    throttleTimeMs: 0, errorCode, errorMessage, endpointType, clusterId: CLUSTER_ID, controllerId: -1, brokers: [], clusterAuthorizedOperations: OPERATIONS_NOT_GIVEN,
  };
}
