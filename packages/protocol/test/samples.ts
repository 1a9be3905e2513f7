// One fixed request and response per API, giving every field a value (optional ones too), so that the golden
// frames pin every field's name, type and position.
import type { ApiName, RequestOf, ResponseOf, ShareAckOutcome } from '../src/index.js';

const batch = Buffer.from('0000000000000000000000', 'hex');
const queueConfig = {
  name: 'work', topics: ['urgent', 'jobs'], priority: true, lockMs: 30_000, maxDeliveries: 5, maxRecordLocks: 2_000, maxWindowRecords: 20_000,
  deadLetterTopic: 'jobs.dlq', backoff: { baseMs: 100, maxMs: 60_000 }, start: 'earliest' as const,
};
const problem = { errorCode: 'UNKNOWN_TOPIC', errorMessage: 'topic "gone" does not exist' } as const;

export const SAMPLES: { [A in ApiName]: { request: RequestOf<A>; response: ResponseOf<A> } } = {
  apiVersions: {
    request: {},
    response: { protocol: 'klog', apis: [{ api: 'produce', minVersion: 0, maxVersion: 0 }, { api: 'fetch', minVersion: 0, maxVersion: 0 }] },
  },
  metadata: {
    request: { topics: ['orders'], allowAutoCreate: true },
    response: {
      brokers: [{ nodeId: 0, host: '127.0.0.1', port: 7420 }],
      controllerId: 0,
      topics: [
        { name: 'orders', internal: false, maxBatchBytes: 1 << 20, partitions: [{ partition: 0, logStartOffset: 3, logEndOffset: 2 ** 40 }],
          configs: [{ name: 'retention.ms', value: '86400000', isDefault: false }] },
        { name: 'gone', internal: false, partitions: [], ...problem },
      ],
    },
  },
  createTopics: {
    request: { topics: [{ name: 'orders', partitions: 3, config: { retentionMs: 86_400_000, segmentBytes: 1 << 20 } }] },
    response: { topics: [{ name: 'orders' }, { name: '__x', errorCode: 'INVALID_TOPIC_NAME', errorMessage: 'reserved' }] },
  },
  deleteTopics: {
    request: { topics: ['orders', 'gone'] },
    response: { topics: [{ name: 'orders' }, { name: 'gone', ...problem }] },
  },
  alterTopicConfigs: {
    request: { topics: [{ name: 'orders', config: { maxBatchBytes: 4 << 20, retentionMs: 3_600_000 } }] },
    response: {
      topics: [
        { name: 'orders', config: { partitions: 3, retentionMs: 3_600_000, retentionBytes: -1, segmentBytes: 1 << 27, segmentMs: 604_800_000, maxBatchBytes: 4 << 20 } },
        { name: 'gone', ...problem },
      ],
    },
  },
  compactTopic: {
    request: { topics: ['prices', 'gone'] },
    response: { topics: [{ name: 'prices', segmentsCleaned: 2, bytesBefore: 8192, bytesAfter: 1024 }, { name: 'gone', ...problem }] },
  },
  createPartitions: {
    request: { topics: [{ name: 'orders', count: 6 }] },
    response: {
      topics: [
        { name: 'orders', partitions: 6 },
        { name: 'gone', ...problem },
      ],
    },
  },
  deleteRecords: {
    request: { partitions: [{ topic: 'orders', partition: 0, beforeOffset: 1000 }] },
    response: {
      partitions: [
        { topic: 'orders', partition: 0, logStartOffset: 1000 },
        { topic: 'gone', partition: 0, ...problem },
      ],
    },
  },
  listOffsets: {
    request: { topics: [{ topic: 'orders', partitions: [{ partition: 0, timestamp: -2 }, { partition: 1, timestamp: 1_700_000_000_000 }] }] },
    response: { topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: 0 }, { partition: 1, ...problem }] }] },
  },
  produce: {
    request: { acks: -1, topics: [{ topic: 'orders', partitions: [{ partition: 0, batch }] }] },
    response: { topics: [{ topic: 'orders', partitions: [{ partition: 0, baseOffset: 10, lastOffset: 12 }, { partition: 9, ...problem }] }] },
  },
  fetch: {
    request: {
      maxWaitMs: 500, minBytes: 1, maxBytes: 1 << 20,
      topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: 10, maxBytes: 65_536 }] }],
    },
    response: {
      topics: [{ topic: 'orders', partitions: [
        { partition: 0, records: batch, highWatermark: 13, logStartOffset: 0 },
        { partition: 9, records: Buffer.alloc(0), ...problem },
      ] }],
    },
  },
  initProducerId: {
    request: {},
    response: { producerId: 4242, producerEpoch: 0 },
  },
  joinGroup: {
    request: {
      groupId: 'billing', memberId: 'm-1', clientId: 'app', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000,
      subscription: { topics: ['orders'] }, assignors: ['range', 'roundrobin'],
    },
    response: {
      groupId: 'billing', memberId: 'm-1', generationId: 3, leaderId: 'm-1', protocolType: 'klog', protocolName: 'range',
      assignment: [{ topic: 'orders', partition: 0 }],
    },
  },
  syncGroup: {
    request: { groupId: 'billing', memberId: 'm-1', generationId: 3 },
    response: { generationId: 3, protocolType: 'klog', protocolName: 'range', assignment: [{ topic: 'orders', partition: 0 }] },
  },
  heartbeat: {
    request: { groupId: 'billing', memberId: 'm-1', generationId: 3 },
    response: {},
  },
  leaveGroup: {
    request: { groupId: 'billing', memberId: 'm-1' },
    response: {},
  },
  offsetCommit: {
    request: { groupId: 'billing', memberId: 'm-1', generationId: 3, offsets: [{ topic: 'orders', partition: 0, offset: 11, metadata: 'host-a' }] },
    response: {},
  },
  offsetFetch: {
    request: { groupId: 'billing', partitions: [{ topic: 'orders', partition: 0 }] },
    response: { offsets: [{ topic: 'orders', partition: 0, offset: 11, metadata: 'host-a' }] },
  },
  listGroups: {
    request: {},
    response: { groups: [{ groupId: 'billing', state: 'Stable', protocolType: 'klog', members: 2 }] },
  },
  describeGroup: {
    request: { groupId: 'billing' },
    response: {
      groupId: 'billing', state: 'Stable', generationId: 3, protocolType: 'klog', protocolName: 'range', leaderId: null,
      members: [{
        memberId: 'm-1', clientId: 'app', clientHost: '127.0.0.1', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000,
        subscription: { pattern: '^ord' }, assignment: [{ topic: 'orders', partition: 0 }],
      }],
      partitions: [{ topic: 'orders', partition: 0, memberId: 'm-1', committedOffset: 11, logStartOffset: 0, logEndOffset: 13, lag: 2 }],
    },
  },
  resetOffsets: {
    request: { groupId: 'billing', topic: 'orders', to: { timestamp: 1_700_000_000_000 }, partitions: [0, 1] },
    response: { offsets: [{ topic: 'orders', partition: 0, offset: 5 }] },
  },
  deleteGroup: {
    request: { groupId: 'billing' },
    response: {},
  },
  createQueue: {
    request: {
      name: 'work', topics: ['jobs', 'urgent'], lockMs: 30_000, maxDeliveries: 5, maxRecordLocks: 2_000, deadLetterTopic: 'jobs.dlq',
      backoff: { baseMs: 100, maxMs: 60_000 }, start: 'earliest', priority: ['urgent', 'jobs'],
    },
    response: { config: queueConfig },
  },
  shareFetch: {
    request: {
      queue: 'work', memberId: 'm-1', maxRecords: 10, maxWaitMs: 5_000,
      acks: [{ topic: 'jobs', partition: 0, offset: 41, type: 'release', deliveryCount: 1, delayMs: 500, reason: 'later' }],
    },
    response: {
      // In memory records are grouped whatever the version; below v2 they travel one map per record.
      records: [{ topic: 'jobs', partition: 0, lockUntil: 1_700_000_030_000, records: [42, 1_700_000_000_000, Buffer.from('k'), null, 2, ['h', Buffer.from('v')]] }],
      ackResults: {
        acks: [{ topic: 'jobs', partition: 0, offset: 41 }],
        failures: [{ index: 0, topic: 'jobs', partition: 0, offset: 41, errorCode: 'LOCK_LOST', errorMessage: 'lock ran out' }],
      },
    },
  },
  shareAcknowledge: {
    request: {
      queue: 'work', memberId: 'm-1',
      acks: [{ topic: 'jobs', partition: 0, offset: 42, type: 'release', deliveryCount: 2, delayMs: 1_000, reason: 'busy' }],
    },
    response: {
      results: {
        acks: [{ topic: 'jobs', partition: 0, offset: 42 }, { topic: 'jobs', partition: 0, offset: 43 }],
        failures: [{ index: 1, topic: 'jobs', partition: 0, offset: 43, errorCode: 'LOCK_LOST', errorMessage: 'lock ran out' }],
      },
    },
  },
  leaveQueue: {
    request: { queue: 'work', memberId: 'm-1' },
    response: {},
  },
  listQueues: {
    request: {},
    response: { queues: [{ name: 'work', topics: ['jobs', 'urgent'], members: 3 }] },
  },
  describeQueue: {
    request: { queue: 'work' },
    response: {
      config: queueConfig,
      members: [{ memberId: 'm-1', clientHost: '127.0.0.1', idleMs: 120 }],
      partitions: [{ topic: 'jobs', partition: 0, startOffset: 40, ready: 5, delayed: 1, inFlight: 2, archived: 1, lag: 8, oldestReadyAgeMs: 900 }],
    },
  },
  redriveQueue: {
    request: { queue: 'work', max: 100 },
    response: { moved: 3 },
  },
  resetQueue: {
    request: { queue: 'work', to: { timestamp: 1_700_000_000_000 } },
    response: {},
  },
  deleteQueue: {
    request: { queue: 'work' },
    response: {},
  },
  saslHandshake: {
    request: { mechanism: 'SCRAM-SHA-256' },
    response: { mechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-512'] },
  },
  saslAuthenticate: {
    request: { authBytes: Buffer.from('n,,n=alice,r=fyko+d2lbbFgONRv9qkxdawL') },
    response: { authBytes: Buffer.from('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096') },
  },
  userAdd: {
    request: {
      user: 'alice',
      credentials: [{ mechanism: 'SCRAM-SHA-256', salt: Buffer.alloc(24, 1), iterations: 4096, storedKey: Buffer.alloc(32, 2), serverKey: Buffer.alloc(32, 3) }],
    },
    response: { created: true },
  },
  userList: {
    request: {},
    response: { users: [{ user: 'alice', mechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-512'] }] },
  },
  userRemove: {
    request: { user: 'alice' },
    response: {},
  },
  aclAdd: {
    request: { acl: { principal: 'User:alice', resourceType: 'topic', resourceName: 'orders', prefix: false, operation: 'read', allow: true } },
    response: { created: true },
  },
  aclList: {
    request: {},
    response: { acls: [{ principal: '*', resourceType: 'group', resourceName: 'app-', prefix: true, operation: 'all', allow: false }] },
  },
  aclRemove: {
    request: { acl: { principal: 'User:alice', resourceType: 'cluster', resourceName: 'kafka-cluster', prefix: false, operation: 'alter', allow: true } },
    response: {},
  },
};

/** Acks that make every kind of range: runs, a type change, a delivery count change, extras, another partition. */
const rangedAcks: RequestOf<'shareAcknowledge'>['acks'] = [
  { topic: 'jobs', partition: 0, offset: 10, type: 'accept', deliveryCount: 1 },
  { topic: 'jobs', partition: 0, offset: 11, type: 'accept', deliveryCount: 1 },
  { topic: 'jobs', partition: 0, offset: 12, type: 'accept', deliveryCount: 1 },
  { topic: 'jobs', partition: 0, offset: 13, type: 'accept', deliveryCount: 3 },
  { topic: 'jobs', partition: 0, offset: 14, type: 'renew', deliveryCount: 1 },
  { topic: 'jobs', partition: 0, offset: 15, type: 'release', deliveryCount: 1, delayMs: 1_000, reason: 'busy' },
  { topic: 'jobs', partition: 0, offset: 16, type: 'reject', deliveryCount: 1, reason: 'bad input' },
  { topic: 'jobs', partition: 1, offset: 7, type: 'accept', deliveryCount: 1 },
];
const refused: ShareAckOutcome = { failures: [{ index: 4, topic: 'jobs', partition: 0, offset: 14, errorCode: 'LOCK_LOST', errorMessage: 'lock ran out' }] };

/**
 * Where a version's message differs from the one sample above in more than leaving out newer fields: the compact
 * queue versions name only refused acks, and their samples exercise every form of ranges and record groups.
 */
export const VERSION_SAMPLES: { [A in ApiName]?: Record<number, { request?: RequestOf<A>; response?: ResponseOf<A> }> } = {
  shareFetch: {
    2: {
      request: { queue: 'work', memberId: 'm-1', maxRecords: 10, maxWaitMs: 0, acks: rangedAcks },
      response: {
        records: [
          {
            topic: 'jobs', partition: 0, lockUntil: 1_700_000_030_000,
            records: [
              42, 1_700_000_000_000, Buffer.from('k'), Buffer.from('v1'), 1, null,
              43, 1_700_000_000_005, null, Buffer.from('v2'), 2, ['h', Buffer.from('v'), 'h', null],
            ],
          },
          { topic: 'urgent', partition: 3, lockUntil: 1_700_000_030_001, records: [5, 1_699_999_999_000, null, null, 1, null] },
        ],
        ackResults: refused,
      },
    },
  },
  shareAcknowledge: {
    1: { request: { queue: 'work', memberId: 'm-1', acks: rangedAcks }, response: { results: refused } },
  },
};

/** The sample of an API's request or response at one version. */
export function sampleAt<A extends ApiName>(api: A, version: number, side: 'request' | 'response'): unknown {
  return VERSION_SAMPLES[api]?.[version]?.[side] ?? SAMPLES[api][side];
}
