// The Kafka listener's bytes on the wire, pinned. For every case in this directory (*.case.ts, one per API) and
// every version the API serves, a hand-written request is encoded, answered in process by the real handler over
// a real store, and request and response frames are compared with test/fixtures/kafka-listener/<api>.golden;
// the version just above the served range is pinned too (UNSUPPORTED_VERSION, or a closed connection when
// Kafka defines no such version). A meant change of wire format: KLOG_UPDATE_GOLDEN=1, then review the diff.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSIONS_KEY } from '../../../src/kafka/apis/api-versions.js';
import { KafkaReader } from '../../../src/kafka/codec/reader.js';
import { KafkaWriter as Writer, type KafkaWriter } from '../../../src/kafka/codec/writer.js';
import { KafkaError } from '../../../src/kafka/error-codes.js';
import { KafkaSaslSession } from '../../../src/kafka/kafka-sasl.js';
import { dispatchRequest } from '../../../src/kafka/request-dispatch.js';
import { writeResponseHeader } from '../../../src/kafka/request-header.js';
import { readMessage } from '../../../src/kafka/schema/message-reader.js';
import { writeMessage } from '../../../src/kafka/schema/message-writer.js';
import { isFlexible } from '../../../src/kafka/schema/schema.js';
import { openHandlers, type HandlerBench } from '../../handler-fixture.js';
import type { GoldenCase } from './golden-case.js';

const FIXTURES = new URL('../../../../../test/fixtures/kafka-listener/', import.meta.url);
const UPDATE = process.env.KLOG_UPDATE_GOLDEN === '1';
const CASE_FILES = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.case.ts')).sort();
const CASES: [string, GoldenCase][] = await Promise.all(CASE_FILES.map(async (file) =>
  [file.replace(/\.case\.ts$/, ''), (await import(`./${file}`) as { default: GoldenCase }).default] as [string, GoldenCase]));
const CORRELATION_ID = 0x01020304;
const ADVERTISED = { host: 'broker.test', port: 9092 };

/**
 * A request frame without its size: header v1, or v2 (an empty tag section after client_id) when flexible. At a
 * version Kafka does not define there is no body to write: the header alone.
 */
function requestFrame(c: GoldenCase, version: number): Buffer {
  const w = new Writer().int16(c.api.key).int16(version).int32(CORRELATION_ID).nullableString('golden');
  if (version > c.api.request.validVersions[1]) return concat(w);
  if (isFlexible(c.api.request, version)) w.uvarint(0);
  writeMessage(c.api.request, c.request(version), version, w);
  return concat(w);
}

/** Every errorCode anywhere in a decoded response. */
function errorCodes(value: unknown): number[] {
  if (Array.isArray(value)) return value.flatMap(errorCodes);
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => (k === 'errorCode' ? [v as number] : errorCodes(v)));
}

function concat(w: KafkaWriter): Buffer {
  return Buffer.concat(w.toBuffers());
}

/** Topic ids are random per store: each is replaced by a fixed one (its topic's position, repeated). */
function withFixedIds(bytes: Buffer, bench: HandlerBench): Buffer {
  const out = Buffer.from(bytes);
  bench.ctx.store.listTopics().forEach((name, i) => {
    const id = bench.ctx.store.topicId(name);
    for (let at = out.indexOf(id); at >= 0; at = out.indexOf(id, at + 1)) Buffer.alloc(16, 0xa0 + i).copy(out, at);
  });
  return out;
}

interface Answer {
  text: string;
  /** The error codes of the decoded response body (none when there is no response). */
  errors: number[];
}

async function answer(c: GoldenCase, version: number, bench: HandlerBench): Promise<Answer> {
  const log = pino({ level: 'silent' });
  const sasl = c.saslSession?.(bench.ctx.security, version)
    ?? new KafkaSaslSession(bench.ctx.security, { plainAllowed: false, remoteHost: '127.0.0.1', certificatePrincipal: null, log });
  const ctx = { broker: bench.ctx, remoteHost: '127.0.0.1', advertised: ADVERTISED, closed: new AbortController().signal, principal: sasl.principal, sasl };
  const outcome = await dispatchRequest(requestFrame(c, version), ctx, pino({ level: 'silent' }));
  if (outcome.action === 'none') return { text: 'no response', errors: [] };
  if (outcome.action === 'close') return { text: `connection closed: ${outcome.reason}`, errors: [] };
  const head = new Writer();
  writeResponseHeader(head, outcome.correlationId, outcome.flexibleHeader);
  const body = concat(outcome.body);
  const decodedAt = version > c.api.response.validVersions[1] ? 0 : version; // ApiVersions answers unknown versions in v0
  const errors = errorCodes(readMessage(c.api.response, new KafkaReader(body), decodedAt));
  return { text: withFixedIds(Buffer.concat([concat(head), body]), bench).toString('hex'), errors };
}

for (const [name, c] of CASES) {
  describe(`${c.api.name} golden bytes (${name}.golden)`, () => {
    let bench: HandlerBench;
    const lines: string[] = [];
    let above: Answer;
    beforeAll(async () => {
      bench = await openHandlers();
      await c.setup?.(bench.ctx.store);
      for (let v = c.api.minVersion; v <= c.api.maxVersion + 1; v++) {
        const a = await answer(c, v, bench);
        lines.push(`v${v} request  ${requestFrame(c, v).toString('hex')}`, `v${v} response ${a.text}`);
        above = a;
      }
    });
    afterAll(async () => bench?.close());

    it('matches the pinned request and response of every served version and of the one above', () => {
      const file = new URL(`${name}.golden`, FIXTURES);
      const actual = `${lines.join('\n')}\n`;
      if (UPDATE || !existsSync(file)) {
        if (!UPDATE) throw new Error(`${file.pathname} is missing: run with KLOG_UPDATE_GOLDEN=1 and review it`);
        writeFileSync(file, actual);
      }
      expect(actual).toBe(readFileSync(file, 'utf8'));
    });

    it('answers the version above its range with UNSUPPORTED_VERSION (35), or closes when Kafka has no such version', () => {
      const beyondKafka = c.api.maxVersion + 1 > c.api.request.validVersions[1];
      if (beyondKafka && c.api.key !== API_VERSIONS_KEY) expect(above.text).toMatch(/^connection closed/);
      else expect(above.errors).toContain(KafkaError.UNSUPPORTED_VERSION);
    });
  });
}
