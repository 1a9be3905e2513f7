import { findCoordinatorApi } from '../../../src/kafka/apis/find-coordinator.js';
import { goldenCase } from './golden-case.js';

// v2 asks for a transaction coordinator and v6 for share groups' (none in klog: COORDINATOR_NOT_AVAILABLE).
export default goldenCase({
  api: findCoordinatorApi,
  request: (version) => ({
    key: 'orders-group',
    keyType: version === 2 ? 1 : version === 6 ? 2 : 0,
    coordinatorKeys: ['orders-group', 'billing'],
  }),
});
