import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinTimeAgoValues } from '../src/argv.js';
import { resolveBrokerAddress } from '../src/broker-address.js';
import { parseDuration, parseTimePoint } from '../src/duration.js';
import { parseSize } from '../src/size.js';

const UNITS: [string, number][] = [['ms', 1], ['s', 1_000], ['m', 60_000], ['h', 3_600_000], ['d', 86_400_000], ['w', 604_800_000]];

describe('parseDuration', () => {
  it('reads a count with any unit as that many units', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom(...UNITS), (n, [unit, ms]) => {
      expect(parseDuration(`${n}${unit}`, 'x')).toBe(n * ms);
    }));
  });

  it('reads a bare number as milliseconds, and -1 as unlimited only when allowed', () => {
    expect(parseDuration('1500', 'x')).toBe(1500);
    expect(parseDuration('-1', 'x', { allowUnlimited: true })).toBe(-1);
    expect(() => parseDuration('-1', '--retention')).toThrow(/--retention must be a positive duration/);
  });

  it('rejects what is not a duration', () => {
    for (const bad of ['', '0', '0s', '1y', 'soon', '1.5h', 'h', '1 h x']) expect(() => parseDuration(bad, 'x')).toThrow(/positive duration/);
  });
});

describe('parseTimePoint', () => {
  const now = Date.UTC(2024, 4, 1, 12, 0, 0);

  it('reads times ago, ISO dates and epoch milliseconds', () => {
    expect(parseTimePoint('-1h', 'x', now)).toBe(now - 3_600_000);
    expect(parseTimePoint('-30m', 'x', now)).toBe(now - 1_800_000);
    expect(parseTimePoint('-10s', 'x', now)).toBe(now - 10_000);
    expect(parseTimePoint('2024-05-01T11:00:00Z', 'x', now)).toBe(now - 3_600_000);
    expect(parseTimePoint('1714564800000', 'x', now)).toBe(1714564800000);
  });

  it('rejects what is not a time', () => {
    for (const bad of ['yesterday', '-1y', '05/01/2024', '2024-13-45']) expect(() => parseTimePoint(bad, '--from-time', now)).toThrow(/--from-time/);
  });
});

describe('parseSize', () => {
  it('reads bytes with binary units', () => {
    expect(parseSize('1048576', 'x')).toBe(1048576);
    expect(parseSize('512KiB', 'x')).toBe(512 * 1024);
    expect(parseSize('64mb', 'x')).toBe(64 * 1024 ** 2);
    expect(parseSize('1g', 'x')).toBe(1024 ** 3);
    expect(parseSize('-1', 'x', { allowUnlimited: true })).toBe(-1);
    for (const bad of ['0', '-1', '1TB', 'big', '1.5MiB']) expect(() => parseSize(bad, 'x')).toThrow(/positive size/);
  });
});

describe('joinTimeAgoValues', () => {
  it('joins a time ago to its option, and leaves everything else alone', () => {
    expect(joinTimeAgoValues(['consume', 't', '--from-time', '-1h', '-n', '3'])).toEqual(['consume', 't', '--from-time=-1h', '-n', '3']);
    expect(joinTimeAgoValues(['group', 'reset-offsets', 'g', '--to-time', '-30m'])).toEqual(['group', 'reset-offsets', 'g', '--to-time=-30m']);
    expect(joinTimeAgoValues(['consume', '--from-time', '2024-05-01', '-e'])).toEqual(['consume', '--from-time', '2024-05-01', '-e']);
    expect(joinTimeAgoValues(['produce', 't', '-1h'])).toEqual(['produce', 't', '-1h']);
  });
});

describe('resolveBrokerAddress', () => {
  it('prefers --broker, then KLOG_BROKER, then 127.0.0.1:7420', () => {
    expect(resolveBrokerAddress('h:1', { KLOG_BROKER: 'e:2' })).toBe('h:1');
    expect(resolveBrokerAddress(undefined, { KLOG_BROKER: 'e:2' })).toBe('e:2');
    expect(resolveBrokerAddress(undefined, {})).toBe('127.0.0.1:7420');
    expect(resolveBrokerAddress('', { KLOG_BROKER: '  ' })).toBe('127.0.0.1:7420');
  });
});
