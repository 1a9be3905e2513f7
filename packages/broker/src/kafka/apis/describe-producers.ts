import { isKlogError } from '@klog/log-core';
import { KafkaError, reportedErrorCode } from '../error-codes.js';
import { defineKafkaApi, type KafkaRequestContext } from '../kafka-api.js';
import { describeProducersRequest, describeProducersResponse } from '../messages/describe-producers.js';
import type { Infer } from '../schema/schema.js';

type PartitionResult = Infer<typeof describeProducersResponse>['topics'][number]['partitions'][number];

/** No transaction coordinator and no open transactions: Kafka's "none" for both. */
const NO_COORDINATOR_EPOCH = -1;
const NO_TXN_START = -1;

/**
 * DescribeProducers v0 (flexible): per partition, the idempotent producers whose sequences the partition checks
 * (log-core keeps those with batches in the active segment): id, epoch, last sequence and the largest timestamp
 * of their last batch. klog has no transactions, so no coordinator epoch and no open transaction. An unknown
 * topic or partition is UNKNOWN_TOPIC_OR_PARTITION for that partition.
 */
export const describeProducersApi = defineKafkaApi({
  key: 61,
  name: 'DescribeProducers',
  minVersion: 0,
  maxVersion: 0,
  request: describeProducersRequest,
  response: describeProducersResponse,
  async handle(request, _version, ctx) {
    const topics = [];
    for (const t of request.topics) {
      const partitions: PartitionResult[] = [];
      for (const p of t.partitionIndexes) partitions.push(await describeOne(t.name, p, ctx));
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
  errorResponse: (request, _version, errorCode) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, errorCode, errorMessage: null, activeProducers: [] })),
    })),
  }),
});

async function describeOne(topic: string, partitionIndex: number, ctx: KafkaRequestContext): Promise<PartitionResult> {
  try {
    const producers = await ctx.broker.store.activeProducers(topic, partitionIndex);
    return {
      partitionIndex,
      errorCode: KafkaError.NONE,
      errorMessage: null,
      activeProducers: producers.map((p) => ({
        producerId: p.producerId, producerEpoch: p.epoch, lastSequence: p.lastSequence, lastTimestamp: p.lastTimestamp,
        coordinatorEpoch: NO_COORDINATOR_EPOCH, currentTxnStartOffset: NO_TXN_START,
      })),
    };
  } catch (err) {
    const errorCode = reportedErrorCode(err, ctx.broker.logger, { api: 'DescribeProducers', topic });
    return { partitionIndex, errorCode, errorMessage: isKlogError(err) ? err.message : null, activeProducers: [] };
  }
}
