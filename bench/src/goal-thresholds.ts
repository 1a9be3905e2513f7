/**
 * The performance goals the team measures klog against, in one place: the summary at the end of a full
 * `npm run bench` (goals.ts) judges each median against these. Change a goal here, nowhere else.
 */
export const GOALS = {
  /** Broker, 1 partition, one Node client (klog's), records/s. */
  brokerProduceRecPerSec: 1_000_000,
  brokerConsumeRecPerSec: 1_000_000,
  /** The klog client's CPU (user+sys) per million records, seconds, producing or consuming through the broker. */
  clientCpuSecondsPerMillion: 1,
  /** 6 partitions at least this fraction of 1 partition's records/s (1 = no slower). */
  sixPartitionsOfOne: 1,
  /** Every peer phase: klog's records/s at least this many times the peer's. */
  peerThroughputRatio: 3,
  /** Every peer latency phase: klog's p99 at most this many times the peer's. */
  peerP99Ratio: 1,
  /** End-to-end p99 at the latency suite's rate (10,000 records/s), ms. */
  brokerP99Ms: 2,
  embeddedP99Ms: 1,
  /** 1,000 partitions at least this fraction of 1 partition's produce records/s ("within 2×"). */
  thousandPartitionsOfOne: 0.5,
  /** Three producer processes against one broker, records/s in total. */
  producersRecPerSec: 1_500_000,
  /** log-core alone: append in batches of 1,000 and sequential read, records/s. */
  engineAppendRecPerSec: 2_000_000,
  engineReadRecPerSec: 4_000_000,
} as const;
