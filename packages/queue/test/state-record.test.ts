import fc from 'fast-check';
import { expect, it } from 'vitest';
import { decodeStateRecord, encodeStateRecord, type PartitionState, type StateRecord } from '../src/index.js';
import type { PersistedRecord } from '../src/state/partition-state.js';
import { replayable } from './helpers.js';

/**
 * The state topic's partition records (docs/queue-mode.md, "State topic"): golden bytes pin the format on disk,
 * and a property holds the encoder to its definition (JSON.stringify of the record tuples) and to the decoder.
 */

const golden: StateRecord = {
  kind: 'update', name: 'orders', topic: 'in', partition: 2, value: {
    start: 41, archived: 3, records: [
      { offset: 41, state: 0, deliveryCount: 2, notBefore: 1764500000123, reason: 'timeout "x" é\n', cause: null, dlqFrom: null },
      { offset: 43, state: 3, deliveryCount: 5, notBefore: 0, reason: null, cause: 'limit', dlqFrom: 7 },
      { offset: 44, state: 4, deliveryCount: 1, notBefore: 0, reason: 'bad', cause: 'rejected', dlqFrom: null },
    ],
  },
};

it('writes a partition update as the golden bytes, and reads them back', () => {
  const { key, value } = encodeStateRecord(golden);
  expect(key.toString('hex')).toBe('5b22757064617465222c226f7264657273222c22696e222c325d');
  expect(value!.toString('hex')).toBe(
    '7b2276223a312c227374617274223a34312c226172636869766564223a332c227265636f726473223a5b5b34312c302c322c3137363435'
    + '30303030303132332c2274696d656f7574205c22785c2220c3a95c6e222c6e756c6c2c6e756c6c5d2c5b34332c332c352c302c6e756c6c'
    + '2c226c696d6974222c375d2c5b34342c342c312c302c22626164222c2272656a6563746564222c6e756c6c5d5d7d',
  );
  expect(decodeStateRecord(key, value)).toEqual(golden);
});

const recordArb: fc.Arbitrary<PersistedRecord> = fc.record({
  offset: fc.nat({ max: 2 ** 52 }),
  state: fc.constantFrom(0 as const, 2 as const, 3 as const, 4 as const),
  deliveryCount: fc.nat({ max: 1000 }),
  notBefore: fc.oneof(fc.constant(0), fc.nat({ max: 2 ** 50 })),
  reason: fc.option(fc.string({ unit: 'grapheme', maxLength: 20 }), { nil: null }),
  cause: fc.constantFrom(null, 'rejected' as const, 'limit' as const),
  dlqFrom: fc.option(fc.nat({ max: 2 ** 40 }), { nil: null }),
});

const stateArb: fc.Arbitrary<PartitionState> = fc.record({
  start: fc.nat({ max: 2 ** 52 }), archived: fc.nat({ max: 2 ** 40 }), records: fc.array(recordArb, { maxLength: 30 }),
});

it('encodes any partition state as JSON.stringify of its tuples would, and decodes it back', () => {
  fc.assert(
    fc.property(stateArb, fc.constantFrom('snapshot' as const, 'update' as const), (state, kind) => {
      const rec: StateRecord = { kind, name: 'q', topic: 't', partition: 0, value: state };
      const { key, value } = encodeStateRecord(rec);
      const tuples = state.records.map((r) => [r.offset, r.state, r.deliveryCount, r.notBefore, r.reason, r.cause, r.dlqFrom]);
      expect(value!.toString('utf8')).toBe(JSON.stringify({ v: 1, start: state.start, archived: state.archived, records: tuples }));
      expect(decodeStateRecord(key, value)).toEqual(rec);
    }),
    replayable('state record round trip', 300),
  );
});
