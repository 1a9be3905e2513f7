import { defineApi } from '../api-definition.js';
import { int } from '../schema.js';

export const initProducerId = defineApi({
  name: 'initProducerId',
  summary: 'A fresh producer id for an idempotent producer; the broker drops its retried duplicate batches.',
  minVersion: 0,
  maxVersion: 0,
  request: {},
  response: { producerId: int(), producerEpoch: int() },
});
