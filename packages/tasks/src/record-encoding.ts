import { encodedKey, MsgpackWriter } from '@klog/protocol';

/**
 * The record kinds of this layer (records.ts) written by hand, with the protocol's MsgpackWriter: byte for
 * byte what msgpackr's `pack` makes of the same object with the keys in the order written here
 * (test/tasks/record-encoding.test.ts compares the two on random records). Every task costs one or two of these,
 * and msgpackr's general path (walking the object's keys, testing each value's type) was a visible part of a
 * worker's CPU; the readers (any msgpack decoder) see no difference. Error objects are left to msgpackr
 * (records.ts), as they are rare.
 */

/** The keys of both record kinds, encoded once. */
export const RECORD_KEYS = {
  id: encodedKey('id'), state: encodedKey('state'), name: encodedKey('name'), attempts: encodedKey('attempts'),
  updatedAt: encodedKey('updatedAt'), args: encodedKey('args'), result: encodedKey('result'), progress: encodedKey('progress'),
  retryAt: encodedKey('retryAt'), enqueuedAt: encodedKey('enqueuedAt'), tick: encodedKey('tick'), at: encodedKey('at'),
};

type Value = string | number | boolean | Buffer;

/**
 * One writer per module: a map is written from begin() to finish() in one synchronous call, so no two are ever
 * under way at once. Its outputs are views of 64 KiB slabs that it never writes over; a record's bytes are copied
 * into a batch when appended, so no view outlives its append for long.
 */
const writer = new MsgpackWriter();
/** Where the map's header goes: msgpackr writes every plain object as a map 16, counted once its keys are. */
let headerAt = 0;
let count = 0;

/** Starts a map. */
export function begin(): void {
  writer.begin();
  headerAt = writer.skip(3);
  count = 0;
}

/** Adds a field to the map under way (in the order the bytes will have them). */
export function field(key: Buffer, v: Value): void {
  writer.raw(key);
  if (typeof v === 'string') writer.string(v);
  else if (typeof v === 'number') writer.number(v);
  else if (typeof v === 'boolean') writer.boolean(v);
  else writer.bytes(v);
  count++;
}

/** The bytes of the map under way. */
export function finish(): Buffer {
  const out = writer.finish();
  out[headerAt] = 0xde;
  out.writeUInt16BE(count, headerAt + 1);
  return out;
}
