import { describeGroupsApi } from '../../../src/kafka/apis/describe-groups.js';
import { goldenCase } from './golden-case.js';

// Groups klog does not know are answered Dead without an error (through v5, as Kafka does); "" is invalid.
export default goldenCase({
  api: describeGroupsApi,
  request: (version) => ({ groups: ['orders-group', ''], includeAuthorizedOperations: version >= 4 }),
});
