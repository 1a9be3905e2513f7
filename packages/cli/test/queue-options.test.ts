import { DELIVER_AT_HEADER, deliverAtOf } from '@klog/queue';
import { describe, expect, it } from 'vitest';
import { formatAge } from '../src/age.js';
import { joinTimeAgoValues } from '../src/argv.js';
import { deliverAtEntry, deliveryTimeOf } from '../src/delivery-time.js';
import { dlqTopicOf, parseBackoff, queueRequestOf } from '../src/queue-settings.js';

describe('produce --delay / --deliver-at', () => {
  it('a delay counts from now; a time is taken as written; neither means at once', () => {
    expect(deliveryTimeOf({ delay: '60s' }, 1_000)).toBe(61_000);
    expect(deliveryTimeOf({ 'deliver-at': '2030-05-01T12:00:00Z' }, 0)).toBe(Date.parse('2030-05-01T12:00:00Z'));
    expect(deliveryTimeOf({}, 0)).toBeUndefined();
  });

  it('refuses a negative or unitless delay and a deliver-at that is not an ISO time, naming the flag', () => {
    expect(() => deliveryTimeOf({ delay: '-5s' }, 0)).toThrow('--delay must be a positive duration like 7d, 12h, 30m, 10s or 250ms, got "-5s"');
    expect(() => deliveryTimeOf({ delay: '5' }, 0)).toThrow('--delay 5: 5 what?');
    expect(() => deliveryTimeOf({ 'deliver-at': 'tomorrow' }, 0)).toThrow('--deliver-at must be an ISO time');
    // Left apart, the parser would read -5s as the flags -5 and -s; joined, --delay's own check refuses it.
    expect(joinTimeAgoValues(['produce', 'jobs', '--delay', '-5s'])).toEqual(['produce', 'jobs', '--delay=-5s']);
  });

  it('writes the header @klog/queue reads back as the same time', () => {
    const entry = deliverAtEntry(1_900_000_000_123);
    expect(entry.key).toBe(DELIVER_AT_HEADER);
    expect(deliverAtOf([{ key: entry.key, value: Buffer.from(entry.value) }])).toBe(1_900_000_000_123);
  });
});

describe('queue create flags', () => {
  it('--backoff BASE..MAX, or a base alone; a cap below the base is refused', () => {
    expect(parseBackoff('1s..60s')).toEqual({ baseMs: 1_000, maxMs: 60_000 });
    expect(parseBackoff('500ms')).toEqual({ baseMs: 500 });
    expect(() => parseBackoff('5s..1s')).toThrow('the cap 1s is below the base 5s');
    expect(() => parseBackoff('1s..')).toThrow('--backoff must be BASE..MAX like 1s..60s');
    expect(() => parseBackoff('abc..1s')).toThrow('--backoff must be a positive duration');
  });

  it('leaves out what is not given, so the broker\'s defaults apply; --dlq names <queue>.dlq', () => {
    expect(queueRequestOf({ queue: 'workers', topic: ['jobs'] })).toEqual({ name: 'workers', topics: ['jobs'] });
    expect(queueRequestOf({ queue: 'workers', topic: ['jobs', 'more'], dlq: true, lock: '30s', 'max-deliveries': 5, start: 'earliest' }))
      .toEqual({ name: 'workers', topics: ['jobs', 'more'], deadLetterTopic: dlqTopicOf('workers'), lockMs: 30_000, maxDeliveries: 5, start: 'earliest' });
    expect(dlqTopicOf('workers')).toBe('workers.dlq');
  });

  it('refuses a queue without topics, a bad name, --lock abc, and a dead-letter topic the queue reads', () => {
    expect(() => queueRequestOf({ queue: 'workers' })).toThrow('say which topic(s) queue workers reads: --topic TOPIC');
    expect(() => queueRequestOf({ queue: 'a b', topic: ['jobs'] })).toThrow('queue name must be');
    expect(() => queueRequestOf({ queue: 'w', topic: ['jobs'], lock: 'abc' })).toThrow('--lock must be a positive duration');
    expect(() => queueRequestOf({ queue: 'w', topic: ['jobs'], 'dead-letter-topic': 'jobs' })).toThrow('cannot be one the queue reads');
  });
});

describe('formatAge', () => {
  it('shows the two largest units', () => {
    expect([0, 45_000, 190_000, 7_500_000, 97_200_000, 3_600_000].map(formatAge)).toEqual(['0s', '45s', '3m10s', '2h5m', '1d3h', '1h']);
  });
});
