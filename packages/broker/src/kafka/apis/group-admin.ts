import type { GroupDescription } from '@klog/consumer-group';
import { isKlogError } from '@klog/log-core';
import { KafkaWriter } from '../codec/writer.js';
import { KafkaError, reportedErrorCode } from '../error-codes.js';
import type { ClassicKafkaApi } from '../kafka-api.js';

const EMPTY = Buffer.alloc(0);

type Described = { groupId: string; errorCode: number; group: GroupDescription | null };

/**
 * DescribeGroups v2: state, protocol and members with their opaque metadata and assignment. A group klog does
 * not know is described as Kafka does it: no error, state "Dead", nothing else.
 */
export const describeGroupsApi: ClassicKafkaApi = {
  key: 15,
  name: 'DescribeGroups',
  minVersion: 2,
  maxVersion: 2,
  async handle(body, _version, ctx) {
    const groupIds = body.array((r) => r.string());
    const described: Described[] = [];
    for (const groupId of groupIds) {
      try {
        described.push({ groupId, errorCode: KafkaError.NONE, group: await ctx.broker.coordinator.describeGroup(groupId) });
      } catch (err) {
        const unknown = isKlogError(err, 'GROUP_ID_NOT_FOUND');
        const errorCode = unknown ? KafkaError.NONE : reportedErrorCode(err, ctx.broker.logger, { api: 'DescribeGroups', groupId });
        described.push({ groupId, errorCode, group: null });
      }
    }
    return new KafkaWriter().int32(0).array(described, (w, { groupId, errorCode, group }) => {
      w.int16(errorCode).string(groupId).string(group?.state ?? 'Dead').string(group?.protocolType ?? '').string(group?.protocolName ?? '');
      w.array(group?.members ?? [], (w, m) => {
        w.string(m.memberId).string(m.clientId).string(m.clientHost).bytes(m.metadata ?? EMPTY);
        w.bytes(m.assignment?.type === 'opaque' ? m.assignment.data : EMPTY);
      });
    });
  },
};

/** ListGroups v2: every group with members or committed offsets, native ones included (protocol type "klog"). */
export const listGroupsApi: ClassicKafkaApi = {
  key: 16,
  name: 'ListGroups',
  minVersion: 2,
  maxVersion: 2,
  async handle(_body, _version, ctx) {
    const groups = ctx.broker.coordinator.listGroups();
    return new KafkaWriter().int32(0).int16(KafkaError.NONE).array(groups, (w, g) => w.string(g.groupId).string(g.protocolType));
  },
};
