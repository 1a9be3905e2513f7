import { listGroupsApi } from '../../../src/kafka/apis/list-groups.js';
import { goldenCase } from './golden-case.js';

export default goldenCase({
  api: listGroupsApi,
  request: () => ({ statesFilter: ['Stable', 'empty'], typesFilter: ['classic'] }),
});
