/**
 * How one committed offset is stored in __consumer_offsets: key = JSON ["offset", group, topic, partition]
 * (so a later record with the same key supersedes an earlier one), value = JSON { v, offset, metadata,
 * commitTimestamp }, or null (a tombstone: the offset was deleted with its group).
 */
export interface StoredOffset {
  offset: number;
  metadata: string;
  commitTimestamp: number;
}

export interface OffsetRecord {
  groupId: string;
  topic: string;
  partition: number;
  /** null: tombstone. */
  value: StoredOffset | null;
}

const KEY_TAG = 'offset';
const VALUE_VERSION = 1;

export function encodeOffsetRecord(rec: OffsetRecord): { key: Buffer; value: Buffer | null } {
  const key = Buffer.from(JSON.stringify([KEY_TAG, rec.groupId, rec.topic, rec.partition]));
  const value = rec.value === null ? null : Buffer.from(JSON.stringify({ v: VALUE_VERSION, ...rec.value }));
  return { key, value };
}

/** Undefined for a record this version does not understand (written by a newer klog): replay skips it. */
export function decodeOffsetRecord(key: Buffer | null, value: Buffer | null): OffsetRecord | undefined {
  if (key === null) return undefined;
  const k: unknown = JSON.parse(key.toString('utf8'));
  if (!Array.isArray(k) || k[0] !== KEY_TAG || k.length !== 4) return undefined;
  const [, groupId, topic, partition] = k as [string, string, string, number];
  if (value === null) return { groupId, topic, partition, value: null };
  const v = JSON.parse(value.toString('utf8')) as { v: number } & StoredOffset;
  if (v.v !== VALUE_VERSION) return undefined;
  return { groupId, topic, partition, value: { offset: v.offset, metadata: v.metadata, commitTimestamp: v.commitTimestamp } };
}
