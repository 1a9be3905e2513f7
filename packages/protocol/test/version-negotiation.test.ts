import { KlogError } from '@klog/log-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { negotiateVersion, versionTableOf } from '../src/index.js';

function failure(fn: () => unknown): KlogError {
  try {
    fn();
  } catch (err) {
    return err as KlogError;
  }
  throw new Error('expected a failure');
}

describe('version negotiation', () => {
  it('picks the highest version both sides speak', () => {
    expect(negotiateVersion('produce', { min: 0, max: 3 }, { produce: { min: 1, max: 2 } })).toBe(2);
    expect(negotiateVersion('produce', { min: 0, max: 1 }, { produce: { min: 0, max: 5 } })).toBe(1);
    expect(negotiateVersion('fetch', { min: 0, max: 0 }, { fetch: { min: 0, max: 0 } })).toBe(0);
  });

  it('fails with UNSUPPORTED_VERSION naming the api, the version needed and what the broker offers', () => {
    const tooOld = failure(() => negotiateVersion('produce', { min: 2, max: 3 }, { produce: { min: 0, max: 1 } }, 'broker b:1'));
    expect(tooOld.code).toBe('UNSUPPORTED_VERSION');
    expect(tooOld.message).toBe('this client needs api produce a version from 2 to 3, but broker b:1 offers produce versions 0 to 1; upgrade the broker');
    const missing = failure(() => negotiateVersion('resetOffsets', { min: 0, max: 0 }, { fetch: { min: 0, max: 0 }, apiVersions: { min: 0, max: 0 } }));
    expect(missing.code).toBe('UNSUPPORTED_VERSION');
    expect(missing.message).toContain('needs api resetOffsets (version 0)');
    expect(missing.message).toContain('does not offer resetOffsets at all (it offers: apiVersions, fetch)');
  });

  it('agrees on a version exactly when the ranges meet, and it lies in both', () => {
    const range = fc.tuple(fc.nat(20), fc.nat(20)).map(([a, b]) => ({ min: Math.min(a, b), max: Math.max(a, b) }));
    fc.assert(fc.property(range, range, (ours, theirs) => {
      const meet = ours.min <= theirs.max && theirs.min <= ours.max;
      let version: number | null = null;
      try {
        version = negotiateVersion('fetch', ours, { fetch: theirs });
      } catch (err) {
        expect((err as KlogError).code).toBe('UNSUPPORTED_VERSION');
      }
      expect(version !== null).toBe(meet);
      if (version !== null) {
        expect(version).toBe(Math.min(ours.max, theirs.max));
        expect(version).toBeGreaterThanOrEqual(Math.max(ours.min, theirs.min));
      }
    }));
  });

  it('reads the apiVersions answer into a table', () => {
    expect(versionTableOf({ protocol: 'klog', apis: [{ api: 'fetch', minVersion: 0, maxVersion: 2 }] })).toEqual({ fetch: { min: 0, max: 2 } });
  });
});
