import { NATIVE_PROTOCOL_TYPE } from '@klog/consumer-group';
import { KlogError } from '@klog/log-core';
import { KafkaWriter } from '../codec/writer.js';
import { KafkaError, reportedErrorCode } from '../error-codes.js';
import type { ClassicKafkaApi, KafkaRequestContext } from '../kafka-api.js';

/**
 * JoinGroup v2, SyncGroup v1, Heartbeat v1, LeaveGroup v1: translations onto the group coordinator, which
 * runs Kafka's classic group state machine with opaque protocols (the client leader assigns). JoinGroup and
 * SyncGroup may wait for the other members: fine, since Kafka clients keep a connection for the coordinator.
 */

/** The coordinator's failure as the response's error code, with the request logged when it is a bug. */
function errorCode(err: unknown, ctx: KafkaRequestContext, api: string, groupId: string): number {
  return reportedErrorCode(err, ctx.broker.logger, { api, groupId });
}

function statusResponse(errorCode: number): KafkaWriter {
  return new KafkaWriter().int32(0).int16(errorCode);
}

export const joinGroupApi: ClassicKafkaApi = {
  key: 11,
  name: 'JoinGroup',
  minVersion: 2,
  maxVersion: 2,
  async handle(body, _version, ctx) {
    const groupId = body.string();
    const sessionTimeoutMs = body.int32();
    const rebalanceTimeoutMs = body.int32();
    const memberId = body.string();
    const protocolType = body.string();
    // Copied: the coordinator keeps them for the group's lifetime, the request's bytes need not live that long.
    const protocols = body.array((r) => ({ name: r.string(), metadata: Buffer.from(r.bytes()) }));

    const w = new KafkaWriter().int32(0);
    try {
      // Native groups have the coordinator assign partitions; a Kafka client cannot take part in one.
      if (protocolType === '' || protocolType === NATIVE_PROTOCOL_TYPE) {
        throw new KlogError('INCONSISTENT_GROUP_PROTOCOL', `protocol type ${JSON.stringify(protocolType)} cannot be used over the Kafka protocol`);
      }
      const result = await ctx.broker.coordinator.join({
        groupId, memberId, sessionTimeoutMs, rebalanceTimeoutMs, protocolType, protocols,
        clientId: ctx.clientId ?? '',
        clientHost: ctx.remoteHost,
      });
      w.int16(KafkaError.NONE).int32(result.generationId).string(result.protocolName).string(result.leaderId).string(result.memberId);
      w.array(result.members, (w, m) => w.string(m.memberId).bytes(m.metadata));
    } catch (err) {
      w.int16(errorCode(err, ctx, 'JoinGroup', groupId)).int32(-1).string('').string('').string(memberId).int32(0);
    }
    return w;
  },
};

export const syncGroupApi: ClassicKafkaApi = {
  key: 14,
  name: 'SyncGroup',
  minVersion: 1,
  maxVersion: 1,
  async handle(body, _version, ctx) {
    const groupId = body.string();
    const generationId = body.int32();
    const memberId = body.string();
    const assignments = body.array((r) => ({ memberId: r.string(), assignment: Buffer.from(r.bytes()) }));
    try {
      const result = await ctx.broker.coordinator.sync({ groupId, generationId, memberId, assignments });
      const data = result.assignment.type === 'opaque' ? result.assignment.data : Buffer.alloc(0);
      return statusResponse(KafkaError.NONE).bytes(data);
    } catch (err) {
      return statusResponse(errorCode(err, ctx, 'SyncGroup', groupId)).bytes(Buffer.alloc(0));
    }
  },
};

export const heartbeatApi: ClassicKafkaApi = {
  key: 12,
  name: 'Heartbeat',
  minVersion: 1,
  maxVersion: 1,
  async handle(body, _version, ctx) {
    const groupId = body.string();
    const generationId = body.int32();
    const memberId = body.string();
    try {
      await ctx.broker.coordinator.heartbeat({ groupId, generationId, memberId });
      return statusResponse(KafkaError.NONE);
    } catch (err) {
      return statusResponse(errorCode(err, ctx, 'Heartbeat', groupId));
    }
  },
};

export const leaveGroupApi: ClassicKafkaApi = {
  key: 13,
  name: 'LeaveGroup',
  minVersion: 1,
  maxVersion: 1,
  async handle(body, _version, ctx) {
    const groupId = body.string();
    const memberId = body.string();
    try {
      await ctx.broker.coordinator.leave({ groupId, memberId });
      return statusResponse(KafkaError.NONE);
    } catch (err) {
      return statusResponse(errorCode(err, ctx, 'LeaveGroup', groupId));
    }
  },
};
