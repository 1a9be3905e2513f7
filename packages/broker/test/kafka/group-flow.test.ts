// A consumer group's whole life through the Kafka listener's request dispatch, at every version each group API
// serves: FindCoordinator, JoinGroup (with MEMBER_ID_REQUIRED from v4), SyncGroup, Heartbeat, OffsetCommit,
// OffsetFetch (single group and v8+ batches), DescribeGroups, ListGroups, LeaveGroup (v3+ batches), DeleteGroups
// and OffsetDelete, each request encoded and each answer decoded by the API's schema at that version. The golden
// cases pin bytes of refusals (member ids are random); this covers the accepted paths of every version.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteGroupsApi } from '../../src/kafka/apis/delete-groups.js';
import { describeGroupsApi } from '../../src/kafka/apis/describe-groups.js';
import { findCoordinatorApi } from '../../src/kafka/apis/find-coordinator.js';
import { heartbeatApi } from '../../src/kafka/apis/heartbeat.js';
import { joinGroupApi } from '../../src/kafka/apis/join-group.js';
import { leaveGroupApi } from '../../src/kafka/apis/leave-group.js';
import { listGroupsApi } from '../../src/kafka/apis/list-groups.js';
import { offsetCommitApi } from '../../src/kafka/apis/offset-commit.js';
import { offsetDeleteApi } from '../../src/kafka/apis/offset-delete.js';
import { offsetFetchApi } from '../../src/kafka/apis/offset-fetch.js';
import { syncGroupApi } from '../../src/kafka/apis/sync-group.js';
import { KafkaReader } from '../../src/kafka/codec/reader.js';
import { KafkaWriter } from '../../src/kafka/codec/writer.js';
import { KafkaError } from '../../src/kafka/error-codes.js';
import type { KafkaApi } from '../../src/kafka/kafka-api.js';
import { dispatchRequest } from '../../src/kafka/request-dispatch.js';
import { readMessage } from '../../src/kafka/schema/message-reader.js';
import { writeMessage } from '../../src/kafka/schema/message-writer.js';
import { isFlexible, type Infer, type MessageSchema } from '../../src/kafka/schema/schema.js';
import { openHandlers, type HandlerBench } from '../handler-fixture.js';

let bench: HandlerBench;
beforeAll(async () => {
  bench = await openHandlers();
  await bench.ctx.store.createTopic('flow', { partitions: 2 });
  await bench.ctx.store.createTopic('other', { partitions: 1 });
});
afterAll(async () => bench?.close());

const ADVERTISED = { host: 'broker.test', port: 9092 };

/** One request through the dispatcher (as a connection would hand it over) and its decoded answer. */
async function call<Req extends MessageSchema, Res extends MessageSchema>(
  api: KafkaApi<Req, Res>, version: number, request: Partial<Infer<Req>>,
): Promise<Infer<Res>> {
  const w = new KafkaWriter().int16(api.key).int16(version).int32(1).nullableString('flow-client');
  if (isFlexible(api.request, version)) w.uvarint(0);
  const full = { ...defaults(api.request), ...request } as Infer<Req>;
  writeMessage(api.request, full, version, w);
  const ctx = { broker: bench.ctx, remoteHost: '127.0.0.1', advertised: ADVERTISED, closed: new AbortController().signal };
  const outcome = await dispatchRequest(Buffer.concat(w.toBuffers()), ctx, pino({ level: 'silent' }));
  if (outcome.action !== 'respond') throw new Error(`no answer: ${outcome.action}`);
  return readMessage(api.response, new KafkaReader(Buffer.concat(outcome.body.toBuffers())), version) as Infer<Res>;
}

/** Null for nullable fields, empty for the rest: requests then only name what matters to them. */
function defaults(schema: MessageSchema): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema.fields).map(([name, f]) => [
    name, f.default !== undefined ? f.default : f.nullable ? null : f.type.kind === 'array' ? [] : f.type.kind === 'string' ? '' : f.type.kind === 'bool' ? false : 0,
  ]));
}

/** A ConsumerProtocol Subscription v0 of the topics. */
function subscription(...topics: string[]): Buffer {
  const w = new KafkaWriter().int16(0).int32(topics.length);
  for (const t of topics) w.string(t);
  return Buffer.concat(w.int32(-1).toBuffers());
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('FindCoordinator 0-6', () => {
  it.each(range(0, 3))('v%i names this broker for a group', async (v) => {
    expect(await call(findCoordinatorApi, v, { key: 'g', keyType: 0 })).toMatchObject({ errorCode: 0, nodeId: 0, host: 'broker.test', port: 9092 });
  });
  it.each(range(4, 6))('v%i answers each key of the batch; a transaction key gets COORDINATOR_NOT_AVAILABLE', async (v) => {
    const groups = await call(findCoordinatorApi, v, { keyType: 0, coordinatorKeys: ['g', 'h'] });
    expect(groups.coordinators.map((c) => [c.key, c.errorCode, c.nodeId])).toEqual([['g', 0, 0], ['h', 0, 0]]);
    const txn = await call(findCoordinatorApi, v, { keyType: 1, coordinatorKeys: ['tx'] });
    expect(txn.coordinators).toEqual([expect.objectContaining({ key: 'tx', errorCode: KafkaError.COORDINATOR_NOT_AVAILABLE, nodeId: -1 })]);
  });
});

describe('a group through JoinGroup 0-9 and the APIs beside it', () => {
  it.each(range(0, 9))('JoinGroup v%i: join (v4+ after MEMBER_ID_REQUIRED), sync, heartbeat, commit, fetch, describe, list, leave, delete', async (v) => {
    const groupId = `flow-v${v}`;
    const sv = Math.min(v, 5); // SyncGroup, LeaveGroup, DescribeGroups, ListGroups
    const hv = Math.min(v, 4); // Heartbeat
    const instance = v >= 5 && v % 2 === 1 ? `instance-${v}` : null; // static members at v5, v7, v9
    const join = { groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, protocolType: 'consumer', groupInstanceId: instance, protocols: [{ name: 'range', metadata: subscription('flow') }], reason: v >= 8 ? 'starting' : null };

    let joined = await call(joinGroupApi, v, { ...join, memberId: '' });
    if (v >= 4 && instance === null) {
      expect(joined).toMatchObject({ errorCode: KafkaError.MEMBER_ID_REQUIRED, generationId: -1, leader: '', members: [] });
      joined = await call(joinGroupApi, v, { ...join, memberId: joined.memberId });
    }
    const memberId = joined.memberId;
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range', leader: memberId, skipAssignment: false });
    if (v >= 7) expect(joined.protocolType).toBe('consumer');
    expect(joined.members).toEqual([{ memberId, groupInstanceId: v >= 5 ? instance : null, metadata: subscription('flow') }]);

    const synced = await call(syncGroupApi, sv, {
      groupId, generationId: 1, memberId, groupInstanceId: sv >= 3 ? instance : null,
      protocolType: sv >= 5 ? 'consumer' : null, protocolName: sv >= 5 ? 'range' : null,
      assignments: [{ memberId, assignment: Buffer.from(`assigned v${v}`) }],
    });
    expect(synced).toMatchObject({ errorCode: 0, assignment: Buffer.from(`assigned v${v}`) });
    if (sv >= 5) expect(synced).toMatchObject({ protocolType: 'consumer', protocolName: 'range' });
    expect(await call(heartbeatApi, hv, { groupId, generationId: 1, memberId, groupInstanceId: hv >= 3 ? instance : null })).toMatchObject({ errorCode: 0 });

    const cv = Math.max(2, v); // OffsetCommit 2-9, OffsetFetch 1-9
    const committed = await call(offsetCommitApi, cv, {
      groupId, generationIdOrMemberEpoch: 1, memberId, groupInstanceId: cv >= 7 ? instance : null,
      topics: [{ name: 'flow', partitions: [{ partitionIndex: 1, committedOffset: 100 + v, committedLeaderEpoch: 5, commitTimestamp: -1, committedMetadata: `m${v}` }] }],
    });
    expect(committed.topics).toEqual([{ name: 'flow', partitions: [{ partitionIndex: 1, errorCode: 0 }] }]);
    const answer = { partitionIndex: 1, committedOffset: 100 + v, committedLeaderEpoch: -1, metadata: `m${v}`, errorCode: 0 };
    const fv = Math.max(1, v);
    if (fv < 8) {
      const fetched = await call(offsetFetchApi, fv, { groupId, topics: fv >= 2 && v % 2 === 0 ? null : [{ name: 'flow', partitionIndexes: [1] }] });
      expect(fetched).toMatchObject({ errorCode: 0, topics: [{ name: 'flow', partitions: [fv >= 5 ? answer : { ...answer, committedLeaderEpoch: -1 }] }] });
    } else {
      const fetched = await call(offsetFetchApi, fv, {
        groups: [
          { groupId, memberId: fv >= 9 ? memberId : null, memberEpoch: -1, topics: null },
          { groupId: 'nobody', memberId: null, memberEpoch: -1, topics: [{ name: 'flow', partitionIndexes: [0] }] },
        ],
      });
      expect(fetched.groups).toEqual([
        { groupId, errorCode: 0, topics: [{ name: 'flow', partitions: [answer] }] },
        { groupId: 'nobody', errorCode: 0, topics: [{ name: 'flow', partitions: [{ ...answer, partitionIndex: 0, committedOffset: -1, metadata: '' }] }] },
      ]);
    }

    const [described] = (await call(describeGroupsApi, sv, { groups: [groupId], includeAuthorizedOperations: true })).groups;
    expect(described).toMatchObject({
      errorCode: 0, groupId, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range',
      members: [{ memberId, groupInstanceId: sv >= 4 ? instance : null, clientId: 'flow-client', clientHost: '127.0.0.1', memberMetadata: subscription('flow'), memberAssignment: Buffer.from(`assigned v${v}`) }],
    });
    if (sv >= 3) expect(described.authorizedOperations).toBeGreaterThan(0);
    const listed = await call(listGroupsApi, sv, { statesFilter: sv >= 4 ? ['stable'] : [], typesFilter: sv >= 5 ? ['Classic'] : [] });
    expect(listed.groups).toContainEqual({ groupId, protocolType: 'consumer', groupState: sv >= 4 ? 'Stable' : '', groupType: sv >= 5 ? 'classic' : '' });
    if (sv >= 4) expect((await call(listGroupsApi, sv, { statesFilter: ['Empty'] })).groups.map((g) => g.groupId)).not.toContain(groupId);

    // OffsetDelete (v0 only): the members consume "flow", so its offset stays.
    const kept = await call(offsetDeleteApi, 0, { groupId, topics: [{ name: 'flow', partitions: [{ partitionIndex: 1 }] }] });
    expect(kept).toMatchObject({ errorCode: 0, topics: [{ name: 'flow', partitions: [{ partitionIndex: 1, errorCode: KafkaError.GROUP_SUBSCRIBED_TO_TOPIC }] }] });
    expect((await call(deleteGroupsApi, Math.min(v, 2), { groupsNames: [groupId] })).results).toEqual([{ groupId, errorCode: KafkaError.NON_EMPTY_GROUP }]);

    const left = await call(leaveGroupApi, sv, {
      groupId, memberId, members: [{ memberId: instance === null ? memberId : '', groupInstanceId: instance, reason: sv >= 5 ? 'done' : null }],
    });
    expect(left.errorCode).toBe(0);
    if (sv >= 3) expect(left.members).toEqual([{ memberId: instance === null ? memberId : '', groupInstanceId: instance, errorCode: 0 }]);

    // Empty now: the offset can go, then the group.
    const gone = await call(offsetDeleteApi, 0, { groupId, topics: [{ name: 'flow', partitions: [{ partitionIndex: 1 }] }] });
    expect(gone.topics).toEqual([{ name: 'flow', partitions: [{ partitionIndex: 1, errorCode: 0 }] }]);
    expect((await call(deleteGroupsApi, Math.min(v, 2), { groupsNames: [groupId, groupId] })).results).toEqual([
      { groupId, errorCode: 0 }, { groupId, errorCode: KafkaError.GROUP_ID_NOT_FOUND },
    ]);
  });
});

describe('OffsetCommit outside a group', () => {
  it.each(range(2, 9))('v%i: generation -1 and member "" commit to an Empty or unknown group', async (v) => {
    const groupId = `standalone-v${v}`;
    const committed = await call(offsetCommitApi, v, {
      groupId, generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1,
      topics: [{ name: 'other', partitions: [{ partitionIndex: 0, committedOffset: v, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }] }],
    });
    expect(committed.topics[0].partitions[0].errorCode).toBe(0);
    expect(await bench.ctx.coordinator.fetchOffsets(groupId)).toEqual([{ topic: 'other', partition: 0, offset: v, metadata: '' }]);
  });
});
