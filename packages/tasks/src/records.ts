import { Packr } from 'msgpackr';
import { begin, field, finish, RECORD_KEYS as K } from './record-encoding.js';
import type { TaskErrorInfo, TaskState } from './task-state.js';

/** The value of one record of the tasks topic: one invocation of a task (its key is the task id). */
export interface TaskMessage {
  id: string;
  name: string;
  /** The arguments, msgpack-encoded apart, so a worker can refuse arguments it cannot decode without losing the rest. */
  args: Buffer;
  enqueuedAt: number;
  /**
   * Set on a periodic tick: several schedulers enqueue the same tick under the same id, and only the copy whose
   * claim comes first runs (see schedule-claims.ts).
   */
  tick?: boolean;
}

/** The value of one record of the results topic (its key is the task id): the task's latest state. */
export interface TaskStatusRecord {
  id: string;
  name: string;
  state: TaskState;
  /** Attempts begun so far (1 while the first runs). */
  attempts: number;
  updatedAt: number;
  /** Kept on every record, so that `klog task retry` can enqueue the task again from its status alone. */
  args?: Buffer;
  result?: Buffer;
  error?: TaskErrorInfo;
  progress?: number;
  /** When the next attempt is due (state RETRY). */
  retryAt?: number;
}

/**
 * The value of one record of the revokes topic (its key is the task id): a revoke was written to the results
 * topic at `at` (ms since the epoch). Only its presence matters to a worker, which then reads the task's state.
 */
export interface RevokeNotice {
  at: number;
}

// Plain maps for plain objects: these records are read by other processes and other versions.
const packr = new Packr({ useRecords: false, moreTypes: true });

/**
 * A task record's bytes: what msgpackr makes of the message with its keys in this order (id, name, args,
 * enqueuedAt, tick), written by hand (record-encoding.ts).
 */
export function encodeTaskMessage(m: TaskMessage): Buffer {
  begin();
  field(K.id, m.id);
  field(K.name, m.name);
  field(K.args, m.args);
  field(K.enqueuedAt, m.enqueuedAt);
  if (m.tick !== undefined) field(K.tick, m.tick);
  return finish();
}

/**
 * A status record's bytes: what msgpackr makes of it with its keys in this order (id, state, name, attempts,
 * updatedAt, then args, result, progress, retryAt, error when set), written by hand (record-encoding.ts), but
 * for a record with an error: those are rare and go through msgpackr.
 */
export function encodeStatusRecord(s: TaskStatusRecord): Buffer {
  if (s.error === undefined) {
    begin();
    field(K.id, s.id);
    field(K.state, s.state);
    field(K.name, s.name);
    field(K.attempts, s.attempts);
    field(K.updatedAt, s.updatedAt);
    if (s.args !== undefined) field(K.args, s.args);
    if (s.result !== undefined) field(K.result, s.result);
    if (s.progress !== undefined) field(K.progress, s.progress);
    if (s.retryAt !== undefined) field(K.retryAt, s.retryAt);
    return finish();
  }
  return packr.pack(orderedStatus(s));
}

/** The status as an object with its keys in encodeStatusRecord's order. */
export function orderedStatus(s: TaskStatusRecord): TaskStatusRecord {
  const o: TaskStatusRecord = { id: s.id, state: s.state, name: s.name, attempts: s.attempts, updatedAt: s.updatedAt };
  if (s.args !== undefined) o.args = s.args;
  if (s.result !== undefined) o.result = s.result;
  if (s.progress !== undefined) o.progress = s.progress;
  if (s.retryAt !== undefined) o.retryAt = s.retryAt;
  if (s.error !== undefined) o.error = s.error;
  return o;
}

/** A revoke notice's bytes: what msgpackr makes of `{ at }`, written by hand (record-encoding.ts). */
export function encodeRevokeNotice(n: RevokeNotice): Buffer {
  begin();
  field(K.at, n.at);
  return finish();
}

export function decodeRevokeNotice(bytes: Buffer): RevokeNotice | undefined {
  const v = safeUnpack(bytes) as Partial<RevokeNotice> | undefined;
  return v === undefined || v === null || typeof v.at !== 'number' ? undefined : { at: v.at };
}

export function decodeTaskMessage(bytes: Buffer): TaskMessage | undefined {
  const v = safeUnpack(bytes) as Partial<TaskMessage> | undefined;
  if (v === undefined || typeof v.id !== 'string' || typeof v.name !== 'string' || !(v.args instanceof Uint8Array)) return undefined;
  // No copy of the arguments: the message lives while its task runs, no longer than the delivery whose bytes it
  // points into. The object is unpack's own, made for this call: completed in place rather than copied.
  const args: Uint8Array = v.args;
  if (!Buffer.isBuffer(args)) v.args = Buffer.from(args.buffer, args.byteOffset, args.byteLength);
  return v as TaskMessage;
}

export function decodeStatusRecord(bytes: Buffer): TaskStatusRecord | undefined {
  const v = safeUnpack(bytes) as Partial<TaskStatusRecord> | undefined;
  if (v === undefined || typeof v.id !== 'string' || typeof v.state !== 'string') return undefined;
  const out = { ...v } as TaskStatusRecord;
  if (v.args instanceof Uint8Array) out.args = Buffer.from(v.args);
  if (v.result instanceof Uint8Array) out.result = Buffer.from(v.result);
  return out;
}

/**
 * Whether bytes can be a status record without decoding them: a msgpack map (fixmap, map 16 or map 32). A cheap
 * first check, for records kept undecoded until asked for; decodeStatusRecord is the real one.
 */
export function looksLikeStatusRecord(bytes: Buffer): boolean {
  const first = bytes[0];
  return first !== undefined && ((first & 0xf0) === 0x80 || first === 0xde || first === 0xdf);
}

function safeUnpack(bytes: Buffer): unknown {
  try {
    return packr.unpack(bytes);
  } catch {
    return undefined;
  }
}
