// The Kafka listener's error numbers come from the error table: each klog code maps to the number its row
// names, each of those is one of Kafka's, and what is not a KlogError is Kafka's UNKNOWN_SERVER_ERROR.
import { Writable } from 'node:stream';
import { KlogError } from '@klog/log-core';
import { errorCodes, errorInfo } from '@klog/protocol';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { KafkaError, kafkaErrorCode, reportedErrorCode } from '../src/kafka/error-codes.js';

describe('Kafka error numbers', () => {
  it('are the table\'s, and each is one of Kafka\'s', () => {
    const known = new Set<number>(Object.values(KafkaError));
    for (const code of errorCodes()) {
      expect(kafkaErrorCode(new KlogError(code, 'x')), code).toBe(errorInfo(code).kafkaCode);
      expect(known.has(errorInfo(code).kafkaCode), `${code} → ${errorInfo(code).kafkaCode}`).toBe(true);
    }
    expect(kafkaErrorCode(new KlogError('UNKNOWN_MEMBER_ID', 'x'))).toBe(25);
    expect(kafkaErrorCode(new KlogError('OUT_OF_ORDER_SEQUENCE', 'x'))).toBe(45);
    expect(kafkaErrorCode(new TypeError('x'))).toBe(KafkaError.UNKNOWN_SERVER_ERROR);
  });

  it('log an unexpected error once, with its stack and an id', () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
    const logger = pino({ level: 'info' }, sink);
    const boom = new Error('EIO: i/o error, write');
    expect(reportedErrorCode(boom, logger, { api: 'Produce', topic: 't' })).toBe(KafkaError.UNKNOWN_SERVER_ERROR);
    expect(reportedErrorCode(boom, logger, { api: 'Produce', topic: 't' })).toBe(KafkaError.UNKNOWN_SERVER_ERROR);
    expect(reportedErrorCode(new KlogError('UNKNOWN_TOPIC', 'x'), logger, {})).toBe(3);
    return new Promise<void>((resolve) => setImmediate(() => {
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ api: 'Produce', topic: 't', errorId: expect.stringMatching(/^[0-9a-f]{8}$/) });
      expect((lines[0].err as { stack: string }).stack).toContain('EIO: i/o error');
      resolve();
    }));
  });
});
