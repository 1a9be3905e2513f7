import { expectObject, expectString } from '../fields.js';
import { array, custom, errorCode, int, object, optional, string } from '../schema.js';

/**
 * Pieces several APIs share. An error about one entry of a request (a topic, a partition) travels in that
 * entry, so one bad partition does not fail the others; the codes are listed in errors.md.
 */
export const entryError = {
  errorCode: optional(errorCode(), 'set when this entry failed'),
  errorMessage: optional(string(), 'what went wrong, for a person'),
};

export const topicPartition = object({ topic: string(), partition: int({ min: 0 }) });

export type Subscription = { topics: string[] } | { pattern: string };

const topicList = array(string());

/** What a group member reads: named topics, or every topic whose name matches a regular expression. */
export const subscription = custom<Subscription>('object: {topics: array of string} or {pattern: string}', (v, path) => {
  const o = expectObject(v, path);
  if (o.pattern !== undefined) return { pattern: expectString(o.pattern, `${path}.pattern`) };
  return { topics: topicList.read(o.topics, `${path}.topics`, 0) };
});
