import { Packr } from 'msgpackr';
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

// Plain maps for plain objects: these records are read by other processes and other versions.
const packr = new Packr({ useRecords: false, moreTypes: true });

export function encodeRecord(value: TaskMessage | TaskStatusRecord): Buffer {
  return packr.pack(value);
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
