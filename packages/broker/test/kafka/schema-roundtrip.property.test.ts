// Every message schema of the Kafka listener, at every version Kafka defines for it: a value that version can
// carry is written and read back unchanged, fields absent from the version excluded (they read as their
// defaults). Covers classic and flexible encodings, nulls, and tagged fields. The seed is printed; replay a
// failure with KLOG_FUZZ_SEED=<seed>.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KAFKA_APIS } from '../../src/kafka/api-registry.js';
import { KafkaReader } from '../../src/kafka/codec/reader.js';
import { isSchemaApi } from '../../src/kafka/kafka-api.js';
import { readMessage } from '../../src/kafka/schema/message-reader.js';
import { writeMessage } from '../../src/kafka/schema/message-writer.js';
import type { Infer, MessageSchema } from '../../src/kafka/schema/schema.js';
import { propertyParameters } from '../../../../test/reliability/fuzz-seed.js';
import { messageArbitrary } from './schema-arbitrary.js';

const PARAMS = propertyParameters(60);
console.log(`schema round-trip seed: ${PARAMS.seed} (KLOG_FUZZ_SEED=${PARAMS.seed} replays it)`);

const SCHEMAS: MessageSchema[] = KAFKA_APIS.filter(isSchemaApi).flatMap((api) => [api.request, api.response]);

function versions(schema: MessageSchema): number[] {
  const [min, max] = schema.validVersions;
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

function bytesOf(schema: MessageSchema, value: unknown, version: number): Buffer {
  return Buffer.concat(writeMessage(schema, value as Infer<MessageSchema>, version).toBuffers());
}

describe('Kafka message schemas round-trip', () => {
  for (const schema of SCHEMAS) {
    it.each(versions(schema))(`${schema.name} v%i: write then read gives the value back, every byte consumed`, (version) => {
      fc.assert(fc.property(messageArbitrary(schema, version), (value) => {
        const bytes = bytesOf(schema, value, version);
        const r = new KafkaReader(bytes);
        expect(readMessage(schema, r, version)).toEqual(value);
        expect(r.remaining).toBe(0);
        // And the encoding is canonical: what was read writes the same bytes.
        expect(bytesOf(schema, readMessage(schema, new KafkaReader(bytes), version), version)).toEqual(bytes);
      }), PARAMS);
    });
  }
});
