import { heartbeatApi } from '../../../src/kafka/apis/heartbeat.js';
import { goldenCase } from './golden-case.js';

export default goldenCase({
  api: heartbeatApi,
  request: (version) => ({ groupId: 'orders-group', generationId: 1, memberId: 'gone-member', groupInstanceId: version >= 3 ? 'instance-1' : null }),
});
