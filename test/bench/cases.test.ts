import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseKey, summarizeCases } from '../../bench/src/cases.js';
import { spreadOf } from '../../bench/src/spread.js';
import { latency, row } from './fixtures.js';

describe('summarizeCases (one case over its interleaved runs)', () => {
  it('summarizes each case from exactly its own rows, in the order cases first appear', () => {
    const system = fc.constantFrom('redis', 'nats', 'klog-broker');
    const caseName = fc.constantFrom('tput-1p', 'tput-6p', 'scale-p1');
    const phase = fc.constantFrom('produce' as const, 'consume' as const);
    const measured = fc.record({ system, caseName, phase, run: fc.integer({ min: 1, max: 5 }), recordsPerSec: fc.double({ min: 1, max: 1e7, noNaN: true }), failed: fc.boolean() });
    fc.assert(
      fc.property(fc.array(measured, { maxLength: 40 }), (specs) => {
        const rows = specs.map((s) => row({ ...s, setting: 'x', skipped: s.failed ? 'failed: boom' : null }));
        const cases = summarizeCases(rows);
        const firstSeen = [...new Set(rows.map(caseKey))];
        expect(cases.map(caseKey)).toEqual(firstSeen);
        for (const c of cases) {
          const own = rows.filter((r) => caseKey(r) === caseKey(c));
          const ok = own.filter((r) => r.skipped === null);
          expect(c.runs).toBe(ok.length);
          expect(c.recordsPerSec).toEqual(spreadOf(ok.map((r) => r.recordsPerSec)));
          expect(c.failures).toHaveLength(own.length - ok.length);
        }
      }),
    );
  });

  it('tells apart cases of the same shape by their name (two scale cases at 1 partition and 100 B)', () => {
    const cases = summarizeCases([
      row({ system: 'klog-broker', setting: 'fsync-never', suite: 'scale', caseName: 'scale-v100' }),
      row({ system: 'klog-broker', setting: 'fsync-never', suite: 'scale', caseName: 'scale-p1' }),
    ]);
    expect(cases.map((c) => c.caseName)).toEqual(['scale-v100', 'scale-p1']);
  });

  it('takes latency percentiles only from the runs that measured them', () => {
    const [c] = summarizeCases([
      row({ system: 'redis', setting: 'memory', suite: 'latency', phase: 'e2e-latency', run: 1, latencyMs: latency(10) }),
      row({ system: 'redis', setting: 'memory', suite: 'latency', phase: 'e2e-latency', run: 2, latencyMs: latency(30) }),
      row({ system: 'redis', setting: 'memory', suite: 'latency', phase: 'e2e-latency', run: 3, latencyMs: latency(20) }),
    ]);
    expect(c.p99Ms).toEqual({ median: 20, min: 10, max: 30, count: 3 });
    expect(c.p50Ms?.median).toBe(5);
  });
});
