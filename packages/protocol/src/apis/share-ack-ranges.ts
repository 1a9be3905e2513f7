import { KlogError } from '@klog/log-core';
import { expectArray, expectInt, expectObject, expectOneOf, expectString } from '../fields.js';
import { array, type Field, type Infer } from '../schema.js';
import { shareAck } from './queue-fields.js';

export type ShareAck = Infer<typeof shareAck>;

const ACK_TYPES = ['accept', 'release', 'reject', 'renew'] as const;

/**
 * Acks one request may carry once its ranges are expanded: a range of two numbers stands for any number of acks,
 * so the expansion is bounded here rather than by the frame size. Clients send at most 1,000 per request.
 */
export const MAX_ACKS_PER_RANGED_REQUEST = 10_000;

/** One run of acks: [firstOffset, lastOffset, type, deliveryCount?, delayMs?, reason?], trailing absent values left out. */
export type AckRange = [number, number, string, ...(number | string | null)[]];
export interface AckRangeGroup {
  topic: string;
  partition: number;
  ranges: AckRange[];
}

/**
 * Acks as runs per topic-partition, in the order they were made. A member's acks are mostly accepts of
 * consecutive offsets of one partition, so a batch of a thousand is a handful of ranges rather than a thousand
 * six-key maps to encode and decode. Only neighbours merge (the same topic-partition, type and delivery count,
 * the next offset, no delay or reason): expanding the ranges gives back the same acks in the same order, which
 * the broker applies one by one as before.
 */
export function toAckRanges(acks: readonly ShareAck[]): AckRangeGroup[] {
  const groups: AckRangeGroup[] = [];
  let group: AckRangeGroup | undefined;
  let open: AckRange | undefined; // the last range, while it may still grow
  let openDeliveryCount: number | undefined;
  for (const a of acks) {
    if (group === undefined || group.topic !== a.topic || group.partition !== a.partition) {
      group = { topic: a.topic, partition: a.partition, ranges: [] };
      groups.push(group);
      open = undefined;
    }
    const extras = a.delayMs !== undefined || a.reason !== undefined;
    if (open !== undefined && !extras && open[2] === a.type && openDeliveryCount === a.deliveryCount && open[1] + 1 === a.offset) {
      open[1] = a.offset;
      continue;
    }
    const range: AckRange = [a.offset, a.offset, a.type];
    if (extras) {
      range.push(a.deliveryCount ?? null, a.delayMs ?? null);
      if (a.reason !== undefined) range.push(a.reason);
      open = undefined;
    } else {
      if (a.deliveryCount !== undefined) range.push(a.deliveryCount);
      open = range;
      openDeliveryCount = a.deliveryCount;
    }
    group.ranges.push(range);
  }
  return groups;
}

function optionalInt(v: unknown, path: string): number | undefined {
  return v === undefined || v === null ? undefined : expectInt(v, path);
}

/** Reads ranges off the wire (validating every value) and expands them into the acks they stand for, in order. */
export function fromAckRanges(v: unknown, path: string): ShareAck[] {
  const acks: ShareAck[] = [];
  expectArray(v, path).forEach((g, gi) => {
    const gpath = `${path}[${gi}]`;
    const o = expectObject(g, gpath);
    const topic = expectString(o.topic, `${gpath}.topic`);
    const partition = expectInt(o.partition, `${gpath}.partition`);
    expectArray(o.ranges, `${gpath}.ranges`).forEach((r, ri) => {
      const rpath = `${gpath}.ranges[${ri}]`;
      const range = expectArray(r, rpath);
      if (range.length < 3 || range.length > 6) {
        throw new KlogError('INVALID_REQUEST', `${rpath} must be [firstOffset, lastOffset, type, deliveryCount?, delayMs?, reason?], got ${range.length} entries`);
      }
      const first = expectInt(range[0], `${rpath}[0]`);
      const last = expectInt(range[1], `${rpath}[1]`, { min: first });
      if (acks.length + (last - first + 1) > MAX_ACKS_PER_RANGED_REQUEST) {
        throw new KlogError('INVALID_REQUEST', `${path} stands for more than ${MAX_ACKS_PER_RANGED_REQUEST} acks; send them in several requests`);
      }
      const type = expectOneOf(range[2], `${rpath}[2]`, ACK_TYPES);
      const deliveryCount = optionalInt(range[3], `${rpath}[3]`);
      const delayMs = optionalInt(range[4], `${rpath}[4]`);
      const reason = range[5] === undefined || range[5] === null ? undefined : expectString(range[5], `${rpath}[5]`);
      const extras = delayMs !== undefined || reason !== undefined;
      if (extras && last !== first) throw new KlogError('INVALID_REQUEST', `${rpath} carries a delay or reason, so it must be a single offset`);
      for (let offset = first; offset <= last; offset++) {
        const ack: ShareAck = { topic, partition, offset, type, deliveryCount };
        if (delayMs !== undefined) ack.delayMs = delayMs;
        if (reason !== undefined) ack.reason = reason;
        acks.push(ack);
      }
    });
  });
  return acks;
}

/**
 * The acks of a request: a list of ack objects up to version `rangesSince` - 1, ranges from it on. Either way
 * they are the same list in memory, so neither the broker's handler nor the client depends on the version.
 */
export function shareAcks(rangesSince: number): Field<ShareAck[]> {
  const list = array(shareAck);
  return {
    type: `array of object (v${rangesSince} on: array of { topic, partition, ranges }, below)`,
    optional: false,
    since: 0,
    shape: shareAck.shape,
    note: `from v${rangesSince}: runs per topic-partition, ranges [firstOffset, lastOffset, type, deliveryCount?, delayMs?, reason?]; at most ${MAX_ACKS_PER_RANGED_REQUEST} acks`,
    read: (v, path, version) => (version >= rangesSince ? fromAckRanges(v, path) : list.read(v, path, version)),
    write: (v, version) => (version >= rangesSince ? toAckRanges(v) : list.write(v, version)),
  };
}
