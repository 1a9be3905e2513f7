import fc from 'fast-check';
import { expect, it } from 'vitest';
import { decodeStateRecord, encodeStateRecord, type PartitionState, type StateRecord } from '../src/index.js';
import type { PersistedRecord } from '../src/state/partition-state.js';
import { replayable } from './helpers.js';

/**
 * The state topic's partition records (docs/storage-format.md, "The share-group state topic"): golden bytes pin
 * the format on disk, version 2 (runs) as written and version 1 (a tuple per record) as earlier klogs wrote it,
 * and properties hold the encoder to a per-record model of runs and to the decoder.
 */

function update(records: PersistedRecord[]): StateRecord {
  return { kind: 'update', name: 'orders', topic: 'in', partition: 2, value: { start: 41, archived: 3, records } };
}

const acked = (offset: number): PersistedRecord => ({ offset, state: 2, deliveryCount: 1, notBefore: 0, reason: null, cause: null, dlqFrom: null });
const dead = (offset: number, dlqFrom: number): PersistedRecord => ({ offset, state: 3, deliveryCount: 5, notBefore: 0, reason: null, cause: 'limit', dlqFrom });
const rejected = (offset: number): PersistedRecord => ({ offset, state: 4, deliveryCount: 1, notBefore: 0, reason: 'bad', cause: 'rejected', dlqFrom: null });

const goldenV2 = update([
  acked(41), acked(42), acked(43),
  { offset: 44, state: 0, deliveryCount: 2, notBefore: 1764500000123, reason: 'timeout "x" é\n', cause: null, dlqFrom: null },
  dead(45, 7), dead(46, 8), // alike but for dlqFrom: two runs
  rejected(48), rejected(49), // after a gap: a run of its own
]);

it('writes a partition update as the golden bytes of version 2 (runs), and reads them back', () => {
  const { key, value } = encodeStateRecord(goldenV2);
  expect(key.toString('hex')).toBe('5b22757064617465222c226f7264657273222c22696e222c325d');
  expect(value!.toString('hex')).toBe(
    '7b2276223a322c227374617274223a34312c226172636869766564223a332c2272756e73223a5b5b34312c332c322c312c302c6e756c6c2c'
    + '6e756c6c2c6e756c6c5d2c5b34342c312c302c322c313736343530303030303132332c2274696d656f7574205c22785c2220c3a95c6e222c'
    + '6e756c6c2c6e756c6c5d2c5b34352c312c332c352c302c6e756c6c2c226c696d6974222c375d2c5b34362c312c332c352c302c6e756c6c2c'
    + '226c696d6974222c385d2c5b34382c322c342c312c302c22626164222c2272656a6563746564222c6e756c6c5d5d7d',
  );
  expect(decodeStateRecord(key, value)).toEqual(goldenV2);
});

it('reads the golden bytes of version 1 (a tuple per record), as klogs before runs wrote them', () => {
  const key = Buffer.from('5b22757064617465222c226f7264657273222c22696e222c325d', 'hex');
  const value = Buffer.from(
    '7b2276223a312c227374617274223a34312c226172636869766564223a332c227265636f726473223a5b5b34312c302c322c3137363435'
    + '30303030303132332c2274696d656f7574205c22785c2220c3a95c6e222c6e756c6c2c6e756c6c5d2c5b34332c332c352c302c6e756c6c'
    + '2c226c696d6974222c375d2c5b34342c342c312c302c22626164222c2272656a6563746564222c6e756c6c5d5d7d',
    'hex',
  );
  expect(decodeStateRecord(key, value)).toEqual(update([
    { offset: 41, state: 0, deliveryCount: 2, notBefore: 1764500000123, reason: 'timeout "x" é\n', cause: null, dlqFrom: null },
    { offset: 43, state: 3, deliveryCount: 5, notBefore: 0, reason: null, cause: 'limit', dlqFrom: 7 },
    { offset: 44, state: 4, deliveryCount: 1, notBefore: 0, reason: 'bad', cause: 'rejected', dlqFrom: null },
  ]));
});

it('skips a version it does not know, and a run that is not one (bad count, acquired state)', () => {
  const key = Buffer.from(JSON.stringify(['update', 'q', 't', 0]));
  const value = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
  expect(decodeStateRecord(key, value({ v: 3, start: 0, archived: 0, runs: [] }))).toBeUndefined();
  for (const run of [[5, 0, 2, 1, 0, null, null, null], [5, 1.5, 2, 1, 0, null, null, null], [5, 2, 1, 1, 0, null, null, null]]) {
    expect(decodeStateRecord(key, value({ v: 2, start: 0, archived: 0, runs: [run] })), JSON.stringify(run)).toBeUndefined();
  }
});

/** A record's fields but its offset: what two records of one run share. */
const fieldsArb = fc.record({
  state: fc.constantFrom(0 as const, 2 as const, 3 as const, 4 as const),
  deliveryCount: fc.nat({ max: 1000 }),
  notBefore: fc.oneof(fc.constant(0), fc.nat({ max: 2 ** 50 })),
  reason: fc.option(fc.string({ unit: 'grapheme', maxLength: 20 }), { nil: null }),
  cause: fc.constantFrom(null, 'rejected' as const, 'limit' as const),
  dlqFrom: fc.option(fc.nat({ max: 2 ** 40 }), { nil: null }),
});

const recordArb: fc.Arbitrary<PersistedRecord> = fc.tuple(fc.nat({ max: 2 ** 52 }), fieldsArb).map(([offset, f]) => ({ offset, ...f }));

/**
 * Records as a state round hands them over: stretches of consecutive offsets, mostly alike (from a small set of
 * field values, so neighbouring stretches often match and must merge), with gaps, and now and then a record out
 * of order or repeated (the encoder must keep any list as it is, not only sorted ones).
 */
const recordsArb: fc.Arbitrary<PersistedRecord[]> = fc.tuple(
  fc.nat({ max: 2 ** 40 }),
  fc.array(fieldsArb, { minLength: 1, maxLength: 3 }),
  fc.array(fc.record({ gap: fc.nat({ max: 3 }), length: fc.integer({ min: 1, max: 12 }), pick: fc.nat() }), { maxLength: 12 }),
  fc.array(recordArb, { maxLength: 3 }),
  fc.nat(),
).map(([base, palette, stretches, strays, at]) => {
  const out: PersistedRecord[] = [];
  let offset = base;
  for (const { gap, length, pick } of stretches) {
    offset += gap;
    for (let k = 0; k < length; k++) out.push({ offset: offset++, ...palette[pick % palette.length] });
  }
  const pos = out.length === 0 ? 0 : at % out.length;
  out.splice(pos, 0, ...strays);
  return out;
});

/** The model: the records cut into maximal runs by comparing each with the one before it, field by field. */
function modelRuns(records: PersistedRecord[]): unknown[][] {
  const runs: unknown[][] = [];
  let prev: PersistedRecord | undefined;
  for (const r of records) {
    const last = runs.at(-1);
    if (last !== undefined && prev !== undefined && r.offset === prev.offset + 1 && r.state === prev.state
      && r.deliveryCount === prev.deliveryCount && r.notBefore === prev.notBefore && r.reason === prev.reason
      && r.cause === prev.cause && r.dlqFrom === prev.dlqFrom) {
      last[1] = (last[1] as number) + 1;
    } else {
      runs.push([r.offset, 1, r.state, r.deliveryCount, r.notBefore, r.reason, r.cause, r.dlqFrom]);
    }
    prev = r;
  }
  return runs;
}

it('encodes any partition state as JSON.stringify of its maximal runs, and decodes it to the same records', () => {
  fc.assert(
    fc.property(
      fc.record({ start: fc.nat({ max: 2 ** 52 }), archived: fc.nat({ max: 2 ** 40 }), records: fc.oneof(recordsArb, fc.array(recordArb, { maxLength: 30 })) }),
      fc.constantFrom('snapshot' as const, 'update' as const),
      (state: PartitionState, kind) => {
        const rec: StateRecord = { kind, name: 'q', topic: 't', partition: 0, value: state };
        const { key, value } = encodeStateRecord(rec);
        const runs = modelRuns(state.records);
        expect(value!.toString('utf8')).toBe(JSON.stringify({ v: 2, start: state.start, archived: state.archived, runs }));
        expect(runs.reduce((n, run) => n + (run[1] as number), 0)).toBe(state.records.length);
        expect(decodeStateRecord(key, value)).toEqual(rec);
      },
    ),
    replayable('state record runs round trip', 300),
  );
});

it('reads any partition state written in version 1 as the same records', () => {
  fc.assert(
    fc.property(fc.record({ start: fc.nat({ max: 2 ** 52 }), archived: fc.nat({ max: 2 ** 40 }), records: recordsArb }), (state: PartitionState) => {
      const tuples = state.records.map((r) => [r.offset, r.state, r.deliveryCount, r.notBefore, r.reason, r.cause, r.dlqFrom]);
      const key = Buffer.from(JSON.stringify(['snapshot', 'q', 't', 0]));
      const value = Buffer.from(JSON.stringify({ v: 1, start: state.start, archived: state.archived, records: tuples }));
      expect(decodeStateRecord(key, value)).toEqual({ kind: 'snapshot', name: 'q', topic: 't', partition: 0, value: state });
    }),
    replayable('state record version 1 read', 200),
  );
});
