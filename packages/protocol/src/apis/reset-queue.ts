import { KlogError } from '@klog/log-core';
import { defineApi } from '../api-definition.js';
import { expectInt, expectObject } from '../fields.js';
import { custom, string } from '../schema.js';

export type QueueResetTo = 'earliest' | 'latest' | { timestamp: number };

const resetTo = custom<QueueResetTo>('"earliest" or "latest" or {timestamp: int}', (v, path) => {
  if (v === 'earliest' || v === 'latest') return v;
  if (typeof v === 'string') throw new KlogError('INVALID_REQUEST', `${path} must be "earliest", "latest" or {timestamp}, got ${JSON.stringify(v)}`);
  return { timestamp: expectInt(expectObject(v, path).timestamp, `${path}.timestamp`) };
});

export const resetQueue = defineApi({
  name: 'resetQueue',
  summary: 'Moves a queue\'s start in every partition to the earliest or latest record, or the first at or after a time.',
  minVersion: 0,
  maxVersion: 0,
  request: { queue: string(), to: resetTo },
  response: {},
});
