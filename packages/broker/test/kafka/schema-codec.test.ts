// The generic codec's encodings, byte by byte: unsigned varints, classic and compact nulls, the tagged-field
// section closing every struct (unknown tags skipped, defaults left out, tags ascending), fields absent from a
// version skipped on write and defaulted on read.
import { describe, expect, it } from 'vitest';
import { KafkaReader } from '../../src/kafka/codec/reader.js';
import { KafkaWriter } from '../../src/kafka/codec/writer.js';
import { readMessage } from '../../src/kafka/schema/message-reader.js';
import { SchemaEncodeError, writeMessage } from '../../src/kafka/schema/message-writer.js';
import { array, field, int16, int32, message, SchemaDefinitionError, string, struct, type Infer } from '../../src/kafka/schema/schema.js';

const sample = message('Sample', {
  validVersions: [0, 2],
  flexibleFrom: 2,
  fields: {
    id: field(int16),
    name: field(string, { nullable: [1] }),
    extra: field(int32, { versions: [1], default: -1 }),
    items: field(array(struct({ n: field(int16), note: field(string, { versions: [2], tag: 0, tagged: [2] }) }))),
    hint: field(string, { versions: [2], tag: 5, tagged: [2], nullable: [2], default: null }),
  },
});
type Sample = Infer<typeof sample>;

const hex = (w: KafkaWriter): string => Buffer.concat(w.toBuffers()).toString('hex');
const read = (h: string, version: number): Sample => readMessage(sample, new KafkaReader(Buffer.from(h, 'hex')), version);

describe('unsigned varints', () => {
  it.each([[0, '00'], [1, '01'], [127, '7f'], [128, '8001'], [300, 'ac02'], [0xffffffff, 'ffffffff0f']])('%i is %s', (n, bytes) => {
    expect(hex(new KafkaWriter().uvarint(n))).toBe(bytes);
    expect(new KafkaReader(Buffer.from(bytes, 'hex')).uvarint()).toBe(n);
  });

  it('refuses a varint longer than 5 bytes or above 32 bits', () => {
    expect(() => new KafkaReader(Buffer.from('ffffffffff01', 'hex')).uvarint()).toThrow(/longer than 5 bytes/);
    expect(() => new KafkaReader(Buffer.from('ffffffff1f', 'hex')).uvarint()).toThrow(/exceeds 32 bits/);
  });
});

describe('message codec', () => {
  const value: Sample = { id: 7, name: null, extra: 9, items: [{ n: 1, note: '' }], hint: null };

  it('classic v1: int16 string length (-1 = null), int32 array count, no tagged sections', () => {
    expect(hex(writeMessage(sample, value, 1))).toBe('0007' + 'ffff' + '00000009' + '00000001' + '0001');
  });

  it('v0 leaves out a field v0 lacks and reads it as its default', () => {
    const bytes = hex(writeMessage(sample, { ...value, name: 'ab' }, 0));
    expect(bytes).toBe('0007' + '00026162' + '00000001' + '0001');
    expect(read(bytes, 0)).toEqual({ ...value, name: 'ab', extra: -1 });
  });

  it('flexible v2: compact forms (N+1, 0 = null), a tag section after every struct, defaults not written', () => {
    expect(hex(writeMessage(sample, value, 2))).toBe('0007' + '00' + '00000009' + '02' + '0001' + '00' + '00');
    const tagged = hex(writeMessage(sample, { ...value, items: [{ n: 1, note: 'x' }], hint: 'hi' }, 2));
    // item: n, then 1 tagged field: tag 0, size 2, compact "x"; body: 1 tagged field: tag 5, size 3, compact "hi"
    expect(tagged).toBe('0007' + '00' + '00000009' + '02' + '0001' + '01' + '00' + '02' + '0278' + '01' + '05' + '03' + '036869');
    expect(read(tagged, 2)).toEqual({ ...value, items: [{ n: 1, note: 'x' }], hint: 'hi' });
  });

  it('skips tagged fields it does not know, by their size', () => {
    // body tags: 2 (unknown, 3 bytes), 5 (hint), 9 (unknown, 1 byte)
    const withUnknown = '0007' + '00' + '00000009' + '01' + '03' + '02' + '03' + 'aabbcc' + '05' + '03' + '036869' + '09' + '01' + 'ff';
    expect(read(withUnknown, 2)).toEqual({ ...value, items: [], hint: 'hi' });
  });

  it('refuses tags out of order, a null where the version has none, and an array count beyond the bytes', () => {
    expect(() => read('0007' + '00' + '00000009' + '01' + '02' + '05' + '01' + '00' + '02' + '01' + '00', 2)).toThrow(/out of order/);
    expect(() => read('0007' + 'ffff' + '00000001' + '0001', 0)).toThrow(/may not be null/);
    expect(() => read('0007' + '0000' + '00000009' + '7fffffff', 1)).toThrow(/array count/);
    expect(() => read('0007' + '00' + '00000009' + '01' + '01' + '05' + '04' + '036869' + 'ff', 2)).toThrow(/declares 1 bytes more/);
  });

  it('refuses to encode a null the version cannot carry: the API module has a bug', () => {
    expect(() => writeMessage(sample, value, 0)).toThrow(SchemaEncodeError);
  });
});

describe('schema definitions', () => {
  it('refuses what the codec cannot honour when the schema is declared', () => {
    expect(() => message('BadTag', { validVersions: [0, 1], flexibleFrom: 1, fields: { a: field(int16, { tag: 0 }) } })).toThrow(SchemaDefinitionError);
    expect(() => message('TwoTags', {
      validVersions: [0, 1], flexibleFrom: 1,
      fields: { a: field(int16, { tag: 0, tagged: [1] }), b: field(int16, { tag: 0, tagged: [1] }) },
    })).toThrow(/tag 0 is used twice/);
    expect(() => message('NullInt', { validVersions: [0, 0], fields: { a: field(int32, { nullable: [0] }) } })).toThrow(/only strings, bytes/);
    expect(() => message('Nested', { validVersions: [0, 0], fields: { s: field(array(struct({ n: field(int16, { nullable: [0] }) }))) } })).toThrow(/Nested\.s\.n/);
  });
});
