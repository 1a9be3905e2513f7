// The task, status and revoke-notice records are written by hand (record-encoding.ts) to the bytes msgpackr makes of the same
// object with the same key order: compared here with msgpackr's own output on random records, including
// non-ASCII and long strings, negative and odd numbers, and errors (which records.ts leaves to msgpackr).
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRevokeNotice, decodeStatusRecord, decodeTaskMessage, encodeRevokeNotice, encodeStatusRecord, encodeTaskMessage, TASK_STATES, type TaskMessage, type TaskStatusRecord } from '@klog/tasks';
import { propertyParameters } from '../reliability/fuzz-seed.js';

// msgpackr as @klog/tasks itself resolves it: the reference encoder, configured as records.ts configures it.
// (Typed here: the tests' own dependencies do not include msgpackr.)
type PackrClass = new (o: { useRecords: boolean; moreTypes: boolean }) => { pack(value: unknown): Buffer };
const { Packr } = createRequire(new URL('../../packages/tasks/package.json', import.meta.url))('msgpackr') as { Packr: PackrClass };
const reference = new Packr({ useRecords: false, moreTypes: true });

const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ minLength: 200, maxLength: 300 }), fc.uuid(), fc.constant('é'), fc.string({ unit: 'grapheme', maxLength: 10 }));
const bytes = fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.constant(new Uint8Array(0))).map((a) => Buffer.from(a));
const number = fc.oneof(
  fc.nat({ max: 300 }), fc.integer({ min: 0, max: 2 ** 32 + 10 }), fc.integer({ min: -100, max: -1 }), fc.double(),
  fc.constantFrom(2 ** 31, 2 ** 32 - 1, 2 ** 32, 65_535, 65_536, 127, 128, 255, 256, Date.UTC(2026, 10, 30), 0.5),
).map((n) => (Object.is(n, -0) ? 0 : n)); // msgpackr writes -0 as 0: compared apart, below
const error = fc.record({ name: text, message: text, stack: text }, { requiredKeys: ['name', 'message'] });

const status: fc.Arbitrary<TaskStatusRecord> = fc.record({
  id: text, name: text, state: fc.constantFrom(...TASK_STATES), attempts: number, updatedAt: number,
  args: bytes, result: bytes, error, progress: number, retryAt: number,
}, { requiredKeys: ['id', 'name', 'state', 'attempts', 'updatedAt'] });

const message: fc.Arbitrary<TaskMessage> = fc.record({ id: text, name: text, args: bytes, enqueuedAt: number, tick: fc.boolean() }, { requiredKeys: ['id', 'name', 'args', 'enqueuedAt'] });

/** `o` with its keys in `order` (those it has): the object whose msgpackr bytes the encoder must produce. */
function inOrder<T extends object>(o: T, order: string[]): T {
  const out: Record<string, unknown> = {};
  for (const k of order) if ((o as Record<string, unknown>)[k] !== undefined) out[k] = (o as Record<string, unknown>)[k];
  return out as T;
}

describe('task and status records', () => {
  it('a status record is written byte for byte as msgpackr writes it, and decodes to itself', () => {
    fc.assert(fc.property(status, (s) => {
      const written = encodeStatusRecord(s);
      expect(written.equals(reference.pack(inOrder(s, ['id', 'state', 'name', 'attempts', 'updatedAt', 'args', 'result', 'progress', 'retryAt', 'error'])))).toBe(true);
      expect(decodeStatusRecord(written)).toEqual(s);
    }), propertyParameters(300));
  });

  it('a task record is written byte for byte as msgpackr writes it, and decodes to itself', () => {
    fc.assert(fc.property(message, (m) => {
      const written = encodeTaskMessage(m);
      expect(written.equals(reference.pack(inOrder(m, ['id', 'name', 'args', 'enqueuedAt', 'tick'])))).toBe(true);
      expect(decodeTaskMessage(written)).toEqual(m);
    }), propertyParameters(300));
  });

  it('a revoke notice is written byte for byte as msgpackr writes { at }, and decodes to itself', () => {
    fc.assert(fc.property(number, (at) => {
      const written = encodeRevokeNotice({ at });
      expect(written.equals(reference.pack({ at }))).toBe(true);
      expect(decodeRevokeNotice(written)).toEqual({ at });
    }), propertyParameters(300));
    // The bytes of a notice as docs/tasks.md shows them: a map 16 of one key, `at`, a float 64 (as msgpackr writes integers above 2^32).
    expect(encodeRevokeNotice({ at: 1_764_528_000_123 }).toString('hex')).toBe('de0001a26174cb4279ad6108c7b000');
    expect(decodeRevokeNotice(Buffer.from('not msgpack'))).toBeUndefined();
  });

  it('a typical status is written by the hand path (its bytes are a map 16 with the id first)', () => {
    const s: TaskStatusRecord = { id: '0b7f3d52-9a1e-4c1f-8e0a-5d2f7f7c9b10', state: 'SUCCESS', name: 'noop', attempts: 1, updatedAt: 1_764_528_000_123, args: Buffer.from([0x91, 1]), result: Buffer.from([0x00]) };
    expect(encodeStatusRecord(s).toString('hex')).toBe(reference.pack(s).toString('hex'));
    expect(encodeStatusRecord(s).subarray(0, 6).toString('hex')).toBe('de0007a26964');
    for (const odd of [{ progress: -0 }, { result: Buffer.alloc(70_000, 7) }, { result: Buffer.alloc(300, 7) }]) {
      const t = { ...s, ...odd };
      expect(encodeStatusRecord(t).equals(reference.pack(t))).toBe(true);
    }
  });
});
