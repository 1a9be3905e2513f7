import { describeClusterApi } from '../../../src/kafka/apis/describe-cluster.js';
import { goldenCase } from './golden-case.js';

// Per version: this broker's cluster, with the authorized operations asked for (v1: broker endpoints).
export default goldenCase({
  api: describeClusterApi,
  request: () => ({ includeClusterAuthorizedOperations: true, endpointType: 1 }),
});
