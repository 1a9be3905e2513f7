import { KlogError } from '@klog/log-core';
import { defineApi } from '../api-definition.js';
import { expectInt, expectObject } from '../fields.js';
import { array, custom, int, object, optional, string } from '../schema.js';

export type ResetTo = 'earliest' | 'latest' | { offset: number } | { timestamp: number };

const resetTo = custom<ResetTo>('"earliest" or "latest" or {offset: int} or {timestamp: int}', (v, path) => {
  if (v === 'earliest' || v === 'latest') return v;
  if (typeof v === 'string') throw new KlogError('INVALID_REQUEST', `${path} must be "earliest", "latest", {offset} or {timestamp}, got ${JSON.stringify(v)}`);
  const o = expectObject(v, path);
  if (o.offset !== undefined) return { offset: expectInt(o.offset, `${path}.offset`, { min: 0 }) };
  return { timestamp: expectInt(o.timestamp, `${path}.timestamp`) };
});

export const resetOffsets = defineApi({
  name: 'resetOffsets',
  summary: 'Moves a group\'s committed offsets for a topic (the group must have no active members).',
  minVersion: 0,
  maxVersion: 0,
  request: {
    groupId: string(),
    topic: string(),
    to: resetTo,
    partitions: optional(array(int({ min: 0 })), 'all partitions of the topic when left out'),
  },
  response: {
    offsets: array(object({ topic: string(), partition: int(), offset: int() })),
  },
});
