import { KlogError } from '@klog/log-core';
import { expectArray, expectInt, expectObject, expectString } from '../fields.js';
import { array, type Field, type Infer } from '../schema.js';
import type { WireError } from '../wire-error.js';
import { shareAckResult } from './queue-fields.js';

/** An ack the broker refused: its index in the request's acks (as expanded from ranges), its record and why. */
export interface ShareAckFailure extends WireError {
  index: number;
  topic: string;
  partition: number;
  offset: number;
}

export interface AckCoordinates {
  topic: string;
  partition: number;
  offset: number;
}

/**
 * The answer to a request's acks. Every ack not among `failures` succeeded (its new state is durable).
 * `acks` are the coordinates of every ack answered: the broker gives them (its request's acks) because older
 * versions answer each ack with its coordinates; a client reads them only from those versions.
 */
export interface ShareAckOutcome {
  acks?: readonly AckCoordinates[];
  failures: ShareAckFailure[];
}

type ShareAckResult = Infer<typeof shareAckResult>;

function failuresFromWire(v: unknown, path: string): ShareAckFailure[] {
  return expectArray(v, path).map((f, i) => {
    const p = `${path}[${i}]`;
    const o = expectObject(f, p);
    const errorCode = expectString(o.errorCode, `${p}.errorCode`) as WireError['errorCode'];
    return {
      index: expectInt(o.index, `${p}.index`, { min: 0 }),
      topic: expectString(o.topic, `${p}.topic`),
      partition: expectInt(o.partition, `${p}.partition`),
      offset: expectInt(o.offset, `${p}.offset`),
      errorCode,
      errorMessage: o.errorMessage === undefined || o.errorMessage === null ? errorCode : expectString(o.errorMessage, `${p}.errorMessage`),
    };
  });
}

function failuresToWire(failures: readonly ShareAckFailure[]): unknown[] {
  return failures.map((f) => ({ index: f.index, topic: f.topic, partition: f.partition, offset: f.offset, errorCode: f.errorCode, errorMessage: f.errorMessage }));
}

/** Older versions: one result per ack, at its index, with its coordinates and its error if any. */
function resultsToWire(outcome: ShareAckOutcome): ShareAckResult[] {
  const { acks, failures } = outcome;
  if (acks === undefined) throw new KlogError('INTERNAL_ERROR', 'an ack answer for an older client needs the coordinates of every ack');
  const results: ShareAckResult[] = acks.map((a) => ({ topic: a.topic, partition: a.partition, offset: a.offset }));
  for (const f of failures) {
    const r = results[f.index];
    if (r !== undefined) {
      r.errorCode = f.errorCode;
      r.errorMessage = f.errorMessage;
    }
  }
  return results;
}

function resultsFromWire(results: ShareAckResult[]): ShareAckOutcome {
  const failures: ShareAckFailure[] = [];
  const acks = results.map((r, index) => {
    if (r.errorCode) failures.push({ index, topic: r.topic, partition: r.partition, offset: r.offset, errorCode: r.errorCode, errorMessage: r.errorMessage ?? r.errorCode });
    return { topic: r.topic, partition: r.partition, offset: r.offset };
  });
  return { acks, failures };
}

/**
 * Answers to acks: one per ack below version `failuresOnlySince`, only the refused ones from it on. Most acks
 * succeed, so an answer of a thousand accepts is then an empty list rather than a thousand maps.
 */
export function shareAckOutcome(failuresOnlySince: number): Field<ShareAckOutcome> {
  const list = array(shareAckResult);
  return {
    // Not `array of …` with a shape: in memory the answers are one ShareAckOutcome, whatever the version.
    type: `ack answers: below v${failuresOnlySince} array of { topic, partition, offset, errorCode?, errorMessage? }, from v${failuresOnlySince} array of { index, topic, partition, offset, errorCode, errorMessage }`,
    optional: false,
    since: 0,
    note: `below v${failuresOnlySince}: one per ack, at its index; from v${failuresOnlySince}: only the refused acks, each with its index among the request's acks (ranges expanded)`,
    read: (v, path, version) => (version >= failuresOnlySince
      ? { failures: failuresFromWire(v, path) }
      : resultsFromWire(list.read(v, path, version))),
    write: (v, version) => (version >= failuresOnlySince ? failuresToWire(v.failures) : list.write(resultsToWire(v), version)),
  };
}
