// Public API of @klog/log-core. Other packages import only from here.
export { LogStore } from './log-store.js';
export { WaitForFirst } from './wait-for-first.js';
export type {
  LogStoreOptions, PartitionInfo, RawReadResult, ReadOptions, ReadResult, StoreStats, TopicDescription,
} from './log-store.js';
export type { AppendResult, CompactionReport } from './partition-log.js';
export type { ActiveProducer } from './producer-state.js';
export { DEFAULT_TOPIC_CONFIG, resolveTopicConfig, validateTopicName } from './topic-config.js';
export type { CleanupPolicy, TopicConfig } from './topic-config.js';
export type { FsyncPolicy } from './fsync-policy.js';
export { defaultLogger } from './logger.js';
// The data directory's lock and a directory fsync: for other files a broker keeps beside the log (its user store).
export { acquireLock } from './lock-file.js';
export { syncDir } from './fs-sync.js';
export type { Logger } from './logger.js';
export { KlogError, isKlogError, STORAGE_ERRORS } from './errors.js';
export type { ErrorCode, ErrorInfo, KlogErrorCodeRegistry, StorageErrorCode } from './errors.js';
export type { Compression, Header, RecordInput, StoredRecord } from './types.js';
export {
  BATCH_HEADER_SIZE, LOG_OVERHEAD, batchSizeAt, decodeBatch, encodeBatch, iterateBatches, readBatchHeader,
  setBaseOffset, validateBatch,
} from './batch/record-batch.js';
export type { BatchHeader, BatchLimits, EncodeOptions } from './batch/record-batch.js';
export type { RecordFactory } from './batch/record.js';
export { BatchBuilder, type BatchStamp } from './batch/batch-builder.js';
export { crc32c } from './batch/crc32c.js';
export { COMPRESSIONS, isCompression } from './compression/codecs.js';
export { murmur2, toPositive } from './murmur2.js';
export { Partitioner, partitionForKey } from './partitioner.js';
