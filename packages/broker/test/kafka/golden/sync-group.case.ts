import { syncGroupApi } from '../../../src/kafka/apis/sync-group.js';
import { goldenCase } from './golden-case.js';

export default goldenCase({
  api: syncGroupApi,
  request: (version) => ({
    groupId: 'orders-group',
    generationId: 1,
    memberId: 'gone-member',
    groupInstanceId: version >= 3 ? 'instance-1' : null,
    protocolType: version >= 5 ? 'consumer' : null,
    protocolName: version >= 5 ? 'range' : null,
    assignments: [{ memberId: 'gone-member', assignment: Buffer.from('assignment') }],
  }),
});
