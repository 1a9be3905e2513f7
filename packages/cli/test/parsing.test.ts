import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinTimeAgoValues } from '../src/argv.js';
import { commandPath, inCliVoice } from '../src/cli-voice.js';
import { parseOffsetSpec, resolveStart } from '../src/offset-spec.js';
import { wantsProgress } from '../src/progress.js';
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

  it('refuses a bare number, asking for the unit, and takes -1 as unlimited only when allowed', () => {
    expect(() => parseDuration('12', '--retention')).toThrow('--retention 12: 12 what? say 12h, 12m, 12s or 12ms');
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

  it('joins a count back from the end to --offset / -o, and leaves everything after -- alone', () => {
    expect(joinTimeAgoValues(['consume', 't', '-o', '-5'])).toEqual(['consume', 't', '-o=-5']);
    expect(joinTimeAgoValues(['consume', 't', '--offset', '-5', '-e'])).toEqual(['consume', 't', '--offset=-5', '-e']);
    expect(joinTimeAgoValues(['produce', 't', '--', '--offset', '-5'])).toEqual(['produce', 't', '--', '--offset', '-5']);
  });
});

describe('offsets as kcat -o', () => {
  const p = { logStartOffset: 10, logEndOffset: 20 };

  it('starts within what the partition holds: past the end waits at the end, -N is the last N', () => {
    expect(resolveStart(parseOffsetSpec('15'), p)).toBe(15);
    expect(resolveStart(parseOffsetSpec('500'), p)).toBe(20);
    expect(resolveStart(parseOffsetSpec('3'), p)).toBe(10);
    expect(resolveStart(parseOffsetSpec('-5'), p)).toBe(15);
    expect(resolveStart(parseOffsetSpec('-50'), p)).toBe(10);
    expect(resolveStart(parseOffsetSpec('beginning'), p)).toBe(10);
    expect(resolveStart(parseOffsetSpec('end'), p)).toBe(20);
  });

  it('refuses anything else, saying what it takes', () => {
    for (const bad of ['', 'abc', '1.5', '--5', 'start']) expect(() => parseOffsetSpec(bad)).toThrow(/--offset must be an offset \(42\), a count back from the end \(-5\)/);
  });
});

describe('progress line', () => {
  it('is drawn only for a person watching stderr who is not typing the records', () => {
    expect(wantsProgress({ stderr: true, stdin: false })).toBe(true);
    expect(wantsProgress({ stderr: true, stdin: true })).toBe(false);
    expect(wantsProgress({ stderr: false, stdin: false })).toBe(false);
  });
});

describe('errors in the CLI\'s voice', () => {
  it('drops request names and fills hint placeholders with what was typed', () => {
    expect(inCliVoice('klog: describeGroup on broker 127.0.0.1:7420: group g1 does not exist (list groups with: klog group list)', { command: 'group describe', group: 'g1' }))
      .toBe('klog: group g1 does not exist (list groups with: klog group list)');
    expect(inCliVoice('klog: x (see it with: klog topic describe <topic>)', { command: 'topic create', topic: 'orders' })).toBe('klog: x (see it with: klog topic describe orders)');
    expect(inCliVoice('klog: bad (see: klog <command> --help)', { command: 'consume' })).toBe('klog: bad (see: klog consume --help)');
    expect(inCliVoice('klog: bad (see: klog <command> --help)', { command: '' })).toBe('klog: bad (see: klog --help)');
  });

  it('names the command from the leading words of the command line', () => {
    const known = new Map([['group', ['describe', 'list']], ['consume', []]]);
    expect(commandPath(['group', 'describe', 'g1'], known)).toBe('group describe');
    expect(commandPath(['consume', 'orders'], known)).toBe('consume');
    expect(commandPath(['nosuch'], known)).toBe('');
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
