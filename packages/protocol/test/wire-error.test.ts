// How errors cross the wire: KlogErrors as they are, unknown codes never cast, anything else logged once on the
// broker with an id and sent as a non-retriable INTERNAL_ERROR carrying that id.
import { KlogError, type Logger } from '@klog/log-core';
import { describe, expect, it } from 'vitest';
import { fromWireError, isRetriable, toWireError } from '../src/index.js';

function recordingLogger(): Logger & { entries: { level: string; obj: Record<string, unknown>; msg: string }[] } {
  const entries: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (obj: object, msg: string) => void entries.push({ level, obj: obj as Record<string, unknown>, msg });
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('toWireError and fromWireError', () => {
  it('carry a KlogError across with its code and message, logging nothing', () => {
    const log = recordingLogger();
    const wire = toWireError(new KlogError('UNKNOWN_TOPIC', 'topic "x" does not exist'), log);
    expect(wire).toEqual({ errorCode: 'UNKNOWN_TOPIC', errorMessage: 'topic "x" does not exist' });
    const back = fromWireError(wire, 'metadata on broker 127.0.0.1:1');
    expect(back).toBeInstanceOf(KlogError);
    expect(back.code).toBe('UNKNOWN_TOPIC');
    expect(back.message).toBe('metadata on broker 127.0.0.1:1: topic "x" does not exist');
    expect(log.entries).toEqual([]);
  });

  it('turn a code this side does not know into a non-retriable error that names it', () => {
    const err = fromWireError({ errorCode: 'THROTTLED_BY_QUOTA', errorMessage: 'slow down' }, 'produce');
    expect(err.code).toBe('UNKNOWN_ERROR_CODE');
    expect(err.message).toContain('THROTTLED_BY_QUOTA');
    expect(err.message).toContain('slow down');
    expect(isRetriable(err)).toBe(false);
    for (const odd of [42, null, undefined, { x: 1 }, 'toString']) {
      const e = fromWireError({ errorCode: odd }, '');
      expect(e.code, String(odd)).toBe('UNKNOWN_ERROR_CODE');
      expect(isRetriable(e)).toBe(false);
    }
  });

  it('send an unexpected error as INTERNAL_ERROR with an id that the log entry, with the stack, has too', () => {
    const log = recordingLogger();
    const cause = Object.assign(new Error('EMFILE: too many open files, open \'/data/t-0/0.log\''), { code: 'EMFILE' });
    const wire = toWireError(cause, log);
    expect(wire.errorCode).toBe('INTERNAL_ERROR');
    const id = /^internal broker error \(id ([0-9a-f]{8})\): EMFILE: too many open files.*; the broker log has the stack$/.exec(wire.errorMessage)?.[1];
    expect(id, wire.errorMessage).toBeDefined();
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0].level).toBe('error');
    expect(log.entries[0].obj.errorId).toBe(id);
    expect((log.entries[0].obj.err as Error).stack).toContain('wire-error.test');
    expect(isRetriable(fromWireError(wire, ''))).toBe(false);

    // The same error answered again (another partition of the request) is the same incident, logged once.
    expect(toWireError(cause, log)).toEqual(wire);
    expect(log.entries).toHaveLength(1);
    // Another error is another incident.
    const other = toWireError('a thrown string', log);
    expect(other.errorMessage).toContain('a thrown string');
    expect(other.errorMessage).not.toContain(id!);
    expect(log.entries).toHaveLength(2);
  });
});
