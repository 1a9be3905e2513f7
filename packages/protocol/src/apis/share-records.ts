import { KlogError } from '@klog/log-core';
import { expectArray, expectBytes, expectInt, expectString } from '../fields.js';
import { PreEncoded } from '../frame-codec.js';
import { encodedKey, type MsgpackWriter } from '../msgpack-writer.js';
import { array, bytes, custom, int, nullable, object, string, type Field, type Infer } from '../schema.js';
import { recordHeader } from './queue-fields.js';

/**
 * Where each value of a record sits in a ShareRecordGroup's flat `records` array. One flat array per group rather
 * than one map per record: msgpack then writes and reads plain values, and a client builds its messages
 * straight from the array.
 */
export const SHARE_RECORD = { offset: 0, timestamp: 1, key: 2, value: 3, deliveryCount: 4, headers: 5, stride: 6 } as const;

/**
 * Records of a shareFetch answer, consecutive ones of one topic-partition with one lock deadline together (all
 * the records one fetch locks usually share it). `records` holds SHARE_RECORD.stride values per record:
 * offset, timestamp, key, value, deliveryCount, and headers as [key, value, key, value, …] or null for none.
 */
export interface ShareRecordGroup {
  topic: string;
  partition: number;
  lockUntil: number;
  records: unknown[];
}

/** What a broker delivers, as the queue engine hands it out (structurally, so this package needs no engine). */
export interface DeliveredRecord {
  topic: string;
  partition: number;
  deliveryCount: number;
  lockUntil: number;
  record: {
    offset: number;
    timestamp: number;
    key: Buffer | null;
    value: Buffer | null;
    headers: readonly { key: string; value: Buffer | null }[];
  };
}

/** The broker's side: deliveries, in order, as groups. */
export function groupDeliveries(deliveries: readonly DeliveredRecord[]): ShareRecordGroup[] {
  const groups: ShareRecordGroup[] = [];
  let g: ShareRecordGroup | undefined;
  for (const d of deliveries) {
    if (g === undefined || g.topic !== d.topic || g.partition !== d.partition || g.lockUntil !== d.lockUntil) {
      g = { topic: d.topic, partition: d.partition, lockUntil: d.lockUntil, records: [] };
      groups.push(g);
    }
    const r = d.record;
    g.records.push(r.offset, r.timestamp, r.key, r.value, d.deliveryCount, flatHeaders(r.headers));
  }
  return groups;
}

function flatHeaders(headers: readonly { key: string; value: Buffer | null }[]): (string | Buffer | null)[] | null {
  if (headers.length === 0) return null;
  const flat: (string | Buffer | null)[] = [];
  for (const h of headers) flat.push(h.key, h.value);
  return flat;
}

/** Headers of one record of a group as { key, value } pairs (none: an empty list). */
export function shareRecordHeaders(flat: unknown): { key: string; value: Buffer | null }[] {
  const out: { key: string; value: Buffer | null }[] = [];
  if (flat === null) return out;
  const list = flat as (string | Buffer | null)[];
  for (let i = 0; i < list.length; i += 2) out.push({ key: list[i] as string, value: list[i + 1] as Buffer | null });
  return out;
}

const wireRecord = object({
  topic: string(),
  partition: int(),
  offset: int(),
  key: nullable(bytes()),
  value: nullable(bytes()),
  headers: array(recordHeader),
  timestamp: int(),
  deliveryCount: int(),
  lockUntil: int(),
});
type WireRecord = Infer<typeof wireRecord>;

/** Older versions: one map per record. */
function toRecordList(groups: readonly ShareRecordGroup[]): WireRecord[] {
  const out: WireRecord[] = [];
  for (const g of groups) {
    const r = g.records;
    for (let i = 0; i < r.length; i += SHARE_RECORD.stride) {
      out.push({
        topic: g.topic, partition: g.partition, offset: r[i] as number, key: r[i + 2] as Buffer | null, value: r[i + 3] as Buffer | null,
        headers: shareRecordHeaders(r[i + 5]), timestamp: r[i + 1] as number, deliveryCount: r[i + 4] as number, lockUntil: g.lockUntil,
      });
    }
  }
  return out;
}

function fromRecordList(list: readonly WireRecord[]): ShareRecordGroup[] {
  return groupDeliveries(list.map((w) => ({
    topic: w.topic, partition: w.partition, deliveryCount: w.deliveryCount, lockUntil: w.lockUntil,
    record: { offset: w.offset, timestamp: w.timestamp, key: w.key, value: w.value, headers: w.headers },
  })));
}

const GROUP_KEYS = {
  topic: encodedKey('topic'), partition: encodedKey('partition'), lockUntil: encodedKey('lockUntil'), records: encodedKey('records'),
};

/**
 * The groups in the compact form, written straight into the frame: the same msgpack as packing an array of
 * { topic, partition, lockUntil, records } would give, without building those objects and the copy of every
 * group's values the differences need, nor msgpackr testing the type of each of six values per record.
 *
 * On the wire offset and timestamp are each the difference from the previous record's in the group (the first's
 * from 0): consecutive offsets and a batch's timestamps then take a byte each.
 */
function writeWireGroups(w: MsgpackWriter, groups: readonly ShareRecordGroup[]): void {
  w.arrayHeader(groups.length);
  for (const g of groups) {
    const r = g.records;
    w.mapHeader(4);
    w.raw(GROUP_KEYS.topic);
    w.string(g.topic);
    w.raw(GROUP_KEYS.partition);
    w.number(g.partition);
    w.raw(GROUP_KEYS.lockUntil);
    w.number(g.lockUntil);
    w.raw(GROUP_KEYS.records);
    w.arrayHeader(r.length);
    let offset = 0;
    let timestamp = 0;
    for (let i = 0; i < r.length; i += SHARE_RECORD.stride) {
      const o = r[i] as number;
      const t = r[i + 1] as number;
      w.number(o - offset);
      w.number(t - timestamp);
      offset = o;
      timestamp = t;
      w.bytesOrNil(r[i + 2] as Buffer | null);
      w.bytesOrNil(r[i + 3] as Buffer | null);
      w.number(r[i + 4] as number);
      const h = r[i + 5] as (string | Buffer | null)[] | null;
      if (h === null) {
        w.nil();
        continue;
      }
      w.arrayHeader(h.length);
      for (let j = 0; j < h.length; j += 2) {
        w.string(h[j] as string);
        w.bytesOrNil(h[j + 1] as Buffer | null);
      }
    }
  }
}

function nullableBytes(v: unknown, path: string): Buffer | null {
  return v === null || v === undefined ? null : expectBytes(v, path);
}

/** An offset or timestamp difference: checked inline, the path of the value spelt out only for an error. */
function wireInt(v: unknown, path: string, i: number): number {
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : expectInt(v, `${path}[${i}]`);
}

/** Key or value bytes: a Buffer as msgpack reads them, checked inline (the common case) before the general check. */
function wireBytes(v: unknown, path: string, i: number): Buffer | null {
  return v === null || v === undefined ? null : Buffer.isBuffer(v) ? v : expectBytes(v, `${path}[${i}]`);
}

/**
 * Validates a group's records as they came off the wire and turns the differences back into values, in place.
 * Every value is checked, but the path naming it is built only when the check fails: a path per value was most
 * of this function's cost and garbage.
 */
function fromWireDeltas(v: unknown, path: string): unknown[] {
  const r = expectArray(v, path);
  if (r.length % SHARE_RECORD.stride !== 0) {
    throw new KlogError('INVALID_REQUEST', `${path} must hold ${SHARE_RECORD.stride} values per record, got ${r.length} values`);
  }
  let offset = 0;
  let timestamp = 0;
  for (let i = 0; i < r.length; i += SHARE_RECORD.stride) {
    offset += wireInt(r[i], path, i);
    timestamp += wireInt(r[i + 1], path, i + 1);
    if (!Number.isSafeInteger(offset)) expectInt(offset, `${path}[${i}] (offset)`);
    if (!Number.isSafeInteger(timestamp)) expectInt(timestamp, `${path}[${i + 1}] (timestamp)`);
    r[i] = offset;
    r[i + 1] = timestamp;
    r[i + 2] = wireBytes(r[i + 2], path, i + 2);
    r[i + 3] = wireBytes(r[i + 3], path, i + 3);
    wireInt(r[i + 4], path, i + 4);
    const h = r[i + 5];
    if (h === undefined || h === null) {
      r[i + 5] = null;
    } else {
      const hpath = `${path}[${i + 5}]`;
      const list = expectArray(h, hpath);
      if (list.length % 2 !== 0) throw new KlogError('INVALID_REQUEST', `${hpath} must hold a key and a value per header, got ${list.length} values`);
      for (let j = 0; j < list.length; j += 2) {
        expectString(list[j], `${hpath}[${j}]`);
        list[j + 1] = nullableBytes(list[j + 1], `${hpath}[${j + 1}]`);
      }
    }
  }
  return r;
}

const recordGroup = object({
  topic: string(),
  partition: int(),
  lockUntil: int(),
  records: custom('array of values (6 per record: offset, timestamp, key, value, deliveryCount, headers)',
    fromWireDeltas, 'offset and timestamp: the difference from the previous record\'s (the first\'s from 0); headers: [key, value, …] or null'),
});

/**
 * A shareFetch answer's records: one map per record below version `groupsSince`, groups from it on. In memory
 * they are groups either way, so the broker's handler and the client do not depend on the version.
 */
export function shareRecords(groupsSince: number): Field<ShareRecordGroup[]> {
  const groups = array(recordGroup);
  const list = array(wireRecord);
  return {
    type: `array of object (below v${groupsSince}: array of { topic, partition, offset, key, value, headers, timestamp, deliveryCount, lockUntil })`,
    optional: false,
    since: 0,
    shape: recordGroup.shape,
    note: `from v${groupsSince}: records grouped by topic-partition and lock deadline; below: one map per record`,
    read: (v, path, version) => (version >= groupsSince ? groups.read(v, path, version) : fromRecordList(list.read(v, path, version))),
    // The compact form is written into the frame by hand (a PreEncoded: this field is at a message's top level).
    write: (v, version) => (version >= groupsSince ? new PreEncoded((w) => writeWireGroups(w, v)) : list.write(toRecordList(v), version)),
  };
}
