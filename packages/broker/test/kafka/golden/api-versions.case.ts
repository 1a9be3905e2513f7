import { KAFKA_APIS } from '../../../src/kafka/api-registry.js';
import { API_VERSIONS_KEY } from '../../../src/kafka/apis/api-versions.js';
import { isSchemaApi } from '../../../src/kafka/kafka-api.js';
import type { apiVersionsRequest, apiVersionsResponse } from '../../../src/kafka/messages/api-versions.js';
import type { KafkaApi } from '../../../src/kafka/kafka-api.js';
import { goldenCase } from './golden-case.js';

const api = KAFKA_APIS.find((a) => a.key === API_VERSIONS_KEY && isSchemaApi(a)) as KafkaApi<typeof apiVersionsRequest, typeof apiVersionsResponse>;

export default goldenCase({
  api,
  request: () => ({ clientSoftwareName: 'klog-golden', clientSoftwareVersion: '1.0' }),
});
