import { initProducerIdApi } from '../../../src/kafka/apis/init-producer-id.js';
import { goldenCase } from './golden-case.js';

// Per version: an idempotent producer (null transactional id); v3+ also names an id and epoch it held, which
// is ignored (a new id at epoch 0). The transactional refusal is pinned by the raw-protocol test.
export default goldenCase({
  api: initProducerIdApi,
  request: () => ({ transactionalId: null, transactionTimeoutMs: 60_000, producerId: 7, producerEpoch: 3 }),
});
