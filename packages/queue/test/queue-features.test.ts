import type { LogStore, RecordInput, StoredRecord } from '@klog/log-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS, ManualClock, QueueManager, STATE_TOPIC, deliverAtHeader, type Queue, type QueueOptions, type QueueStore } from '../src/index.js';
import { expectCode, openStore, removeDir, settle, silentLogger, tempDir, until } from './helpers.js';

let dir: string;
let store: LogStore;
let clock: ManualClock;
let queues: QueueManager;

beforeEach(async () => {
  dir = await tempDir();
  store = await openStore(dir, { jobs: 1, urgent: 1, normal: 1 });
  clock = new ManualClock();
  queues = await QueueManager.open(store, { clock, logger: silentLogger });
});
afterEach(async () => {
  await queues.close().catch(() => undefined);
  await store.close();
  await removeDir(dir);
});

/** A crash: the manager is dropped without close (nothing released, nothing flushed beyond what was awaited). */
async function crashAndReopen(): Promise<void> {
  await store.close();
  store = await openStore(dir);
  queues = await QueueManager.open(store, { clock, logger: silentLogger });
}

async function produce(topic: string, values: string[], headers: StoredRecord['headers'] = []): Promise<void> {
  await store.append(topic, values.map((v) => ({ value: Buffer.from(v), headers })));
}

async function readAll(topic: string): Promise<StoredRecord[]> {
  const { records } = await store.read(topic, 0, { offset: store.logStartOffset(topic, 0) });
  return records;
}

const header = (r: StoredRecord, key: string) => r.headers.find((h) => h.key === key)?.value?.toString();

describe('dead letters', () => {
  it('a poison record reaches the dead-letter topic after exactly maxDeliveries, with its headers, without holding back the rest', async () => {
    const queue = await queues.queue({
      name: 'workers', topics: ['jobs'], start: 'earliest', maxDeliveries: 3, deadLetterTopic: 'jobs.dlq', backoff: { baseMs: 1_000, maxMs: 10_000 },
    });
    await produce('jobs', ['a', 'b', 'poison', 'c', 'd', 'e']);
    const attempts: number[] = [];
    const done: string[] = [];
    const running = queue.run({
      concurrency: 2,
      eachMessage: async ({ message, deliveryCount }) => {
        if (message.value!.toString() === 'poison') {
          attempts.push(deliveryCount);
          throw new Error(`boom ${deliveryCount}`);
        }
        done.push(message.value!.toString());
      },
    });
    // Without any time passing, the poison record waits out its backoff while every other record is done.
    await until(async () => done.length === 5 && attempts.length === 1, 'the healthy records');
    expect((await queue.stats())[0]).toMatchObject({ ready: 0, delayed: 1, inFlight: 0 });
    for (let i = 0; i < 3; i++) {
      clock.advance(10_000);
      await until(async () => attempts.length >= Math.min(i + 2, 3) && (await queue.stats())[0].inFlight === 0, `attempt ${i + 2}`);
    }
    await until(async () => (await queue.stats())[0].archived === 1 && (await queue.stats())[0].lag === 0, 'the poison record archived');
    await queue.close();
    await running;
    expect(attempts).toEqual([1, 2, 3]);
    expect(done.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);

    const dead = await readAll('jobs.dlq');
    expect(dead).toHaveLength(1);
    expect(dead[0].value!.toString()).toBe('poison');
    expect(header(dead[0], DEAD_LETTER_HEADERS.group)).toBe('workers');
    expect(header(dead[0], DEAD_LETTER_HEADERS.topic)).toBe('jobs');
    expect(header(dead[0], DEAD_LETTER_HEADERS.partition)).toBe('0');
    expect(header(dead[0], DEAD_LETTER_HEADERS.offset)).toBe('2');
    expect(header(dead[0], DEAD_LETTER_HEADERS.deliveryCount)).toBe('3');
    expect(header(dead[0], DEAD_LETTER_HEADERS.reason)).toBe('boom 3');
    expect(header(dead[0], DEAD_LETTER_HEADERS.message)).toBe('Offset delivery count exceeded the threshold.');

    // Re-drive moves it back to its source once; the position survives a restart.
    expect(await queues.redrive('workers')).toEqual({ moved: 1 });
    expect(await queues.redrive('workers')).toEqual({ moved: 0 });
    await crashAndReopen();
    expect(await queues.redrive('workers')).toEqual({ moved: 0 });
    const jobs = await readAll('jobs');
    expect(jobs).toHaveLength(7);
    expect(jobs[6].value!.toString()).toBe('poison');
    expect(jobs[6].headers.some((h) => h.key.startsWith('__dlq.'))).toBe(false);
    // ... where the queue delivers it afresh.
    const again = await queues.queue({ name: 'workers', topics: ['jobs'], maxDeliveries: 3, deadLetterTopic: 'jobs.dlq', backoff: { baseMs: 1_000, maxMs: 10_000 } });
    const [m] = await again.receive();
    expect([m.offset, m.deliveryCount, m.value!.toString()]).toEqual([6, 1, 'poison']);
  });

  it('a rejected record is dead-lettered once, even when the process dies between writing it and marking it done', async () => {
    // The store as the queue sees it: once the dead letter is in, every state write fails (the disk is gone).
    const dlqWritten = () => store.hasTopic('dlq') && store.logEndOffset('dlq', 0) > 0;
    const failing: QueueStore = new Proxy(store, {
      get(target, prop) {
        if (prop === 'append') {
          return (topic: string, records: RecordInput[], opts?: { partition?: number }) => {
            if (topic === STATE_TOPIC && dlqWritten()) return Promise.reject(new Error('disk gone'));
            return target.append(topic, records, opts);
          };
        }
        const value: unknown = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await queues.close();
    queues = await QueueManager.open(failing, { clock, logger: silentLogger });
    const queue = await queues.queue({ name: 'w', topics: ['jobs'], start: 'earliest', deadLetterTopic: 'dlq' });
    await produce('jobs', ['x', 'y']);
    const [x] = await queue.receive();
    await x.reject('bad input'); // durable as ARCHIVING; marking it ARCHIVED after the dead letter fails
    expect(await readAll('dlq')).toHaveLength(1);

    await crashAndReopen();
    const q2 = await queues.queue({ name: 'w', topics: ['jobs'], deadLetterTopic: 'dlq' });
    const [y] = await q2.receive(); // the reopened queue finds the dead letter already written
    expect(y.value!.toString()).toBe('y');
    await y.accept();
    const dead = await readAll('dlq');
    expect(dead.map((r) => [r.value!.toString(), header(r, DEAD_LETTER_HEADERS.reason), header(r, DEAD_LETTER_HEADERS.message)]))
      .toEqual([['x', 'bad input', 'Offset rejected by client.']]);
    expect((await q2.stats())[0]).toMatchObject({ startOffset: 2, archived: 1, lag: 0 });
  });

  it('a rate-limited re-drive moves rate/10 records each tenth of a second of the queue\'s clock, until all are back', async () => {
    const queue = await queues.queue({ name: 'workers', topics: ['jobs'], start: 'earliest', deadLetterTopic: 'jobs.dlq' });
    await produce('jobs', Array.from({ length: 25 }, (_, i) => `job ${i}`));
    for (const m of await queue.receive({ max: 25 })) await m.reject('bad');
    await until(async () => store.logEndOffset('jobs.dlq', 0) === 25, 'every record dead-lettered');
    const backInJobs = (): number => store.logEndOffset('jobs', 0) - 25;

    let done = false;
    const redriving = queues.redrive('workers', { ratePerSec: 100 }).then((r) => {
      done = true;
      return r;
    });
    await until(() => backInJobs() === 10, 'the first step');
    await settle();
    expect([backInJobs(), done]).toEqual([10, false]);
    clock.advance(99);
    await settle();
    expect(backInJobs()).toBe(10); // not before its time
    clock.advance(1);
    await until(() => backInJobs() === 20, 'the second step');
    clock.advance(100);
    expect(await redriving).toEqual({ moved: 25 });
    expect(await queues.redrive('workers', { ratePerSec: 100 })).toEqual({ moved: 0 });
    // They are delivered afresh.
    const again = await queue.receive({ max: 25 });
    expect(again.map((m) => [m.value!.toString(), m.deliveryCount])).toEqual(Array.from({ length: 25 }, (_, i) => [`job ${i}`, 1]));
    await expectCode(queues.redrive('workers', { ratePerSec: 0 }), 'INVALID_CONFIG');
  });
});

describe('delays', () => {
  it('delayed release and deliver-at headers are honoured, and survive reopening the store', async () => {
    const queue = await queues.queue({ name: 'w', topics: ['jobs'], start: 'earliest' });
    await store.append('jobs', [{ value: Buffer.from('later'), headers: [deliverAtHeader(clock.now() + 5_000)] }, { value: Buffer.from('now') }]);
    const [first] = await queue.receive();
    expect(first.value!.toString()).toBe('now'); // the delayed record does not hold back the one behind it
    await first.release({ delayMs: 3_000 });
    expect((await queue.stats())[0]).toMatchObject({ ready: 0, delayed: 2, inFlight: 0, lag: 2 });

    await crashAndReopen();
    const q2 = await queues.queue({ name: 'w', topics: ['jobs'] });
    const pending = q2.receive();
    await settle();
    expect((await q2.stats())[0]).toMatchObject({ ready: 0, delayed: 2 });
    clock.advance(2_999);
    await settle();
    clock.advance(1);
    const [again] = await pending;
    expect([again.value!.toString(), again.deliveryCount]).toEqual(['now', 2]);
    await again.accept();
    const next = q2.receive();
    clock.advance(2_000);
    const [later] = await next;
    expect([later.value!.toString(), later.deliveryCount]).toEqual(['later', 1]);
    await later.accept();
    expect((await q2.stats())[0]).toMatchObject({ startOffset: 2, lag: 0 });
  });

  it('records delayed by days, more than the window holds, do not hold back the records behind them, and survive a restart', async () => {
    const DAY = 86_400_000;
    const opts: QueueOptions = { name: 'w', topics: ['jobs'], start: 'earliest', maxRecordLocks: 10, maxWindowRecords: 50 };
    const queue = await queues.queue(opts);
    const days = Array.from({ length: 120 }, (_, i) => ({ value: Buffer.from(`day ${i}`), headers: [deliverAtHeader(clock.now() + 3 * DAY)] }));
    await store.append('jobs', days);
    await store.append('jobs', Array.from({ length: 10 }, (_, i) => ({ value: Buffer.from(`now ${i}`) })));
    const now = await queue.receive({ max: 10 });
    expect(now.map((m) => m.value!.toString())).toEqual(Array.from({ length: 10 }, (_, i) => `now ${i}`));
    await now[0].release({ delayMs: 2 * DAY }); // parked too
    for (const m of now.slice(1)) await m.accept();
    expect((await queue.stats())[0]).toMatchObject({ ready: 0, delayed: 121, inFlight: 0, startOffset: 0 });

    await crashAndReopen();
    const q2 = await queues.queue(opts);
    expect(await q2.receive({ maxWaitMs: 0 })).toEqual([]);
    expect((await q2.stats())[0]).toMatchObject({ ready: 0, delayed: 121 });
    clock.advance(2 * DAY);
    const [again] = await q2.receive();
    expect([again.value!.toString(), again.deliveryCount]).toEqual(['now 0', 2]);
    await again.accept();
    clock.advance(DAY);
    const got: string[] = [];
    while (got.length < 120) {
      const batch = await q2.receive({ max: 50 });
      expect(batch.length).toBeLessThanOrEqual(10); // maxRecordLocks still holds
      for (const m of batch) {
        got.push(m.value!.toString());
        await m.accept();
      }
    }
    expect(got).toEqual(Array.from({ length: 120 }, (_, i) => `day ${i}`));
    expect((await q2.stats())[0]).toMatchObject({ startOffset: 130, lag: 0 });
  });
});

describe('locks', () => {
  it('a task three times as long as the lock keeps its record: run() renews it', async () => {
    const queue = await queues.queue({ name: 'w', topics: ['jobs'], start: 'earliest', lockMs: 1_000 });
    const other = await queues.queue({ name: 'w', topics: ['jobs'], lockMs: 1_000 });
    await produce('jobs', ['long']);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: number[] = [];
    const running = queue.run({ eachMessage: async ({ deliveryCount }) => { seen.push(deliveryCount); await gate; } });
    await until(async () => seen.length === 1, 'the long task to start');
    const stop = new AbortController();
    const stolen = other.receive({ signal: stop.signal });
    for (let t = 0; t < 3_000; t += 100) {
      clock.advance(100);
      await settle();
    }
    expect((await queue.stats())[0].inFlight).toBe(1);
    release();
    await until(async () => (await queue.stats())[0].lag === 0, 'the long task to finish');
    stop.abort();
    expect(await stolen).toEqual([]);
    expect(seen).toEqual([1]);
    await queue.close();
    await running;
  });

  it('a consumer killed with its record still counts the attempt; closing a consumer releases its records at once', async () => {
    const queue = await queues.queue({ name: 'w', topics: ['jobs'], start: 'earliest' });
    await produce('jobs', ['a', 'b']);
    const [a] = await queue.receive();
    expect(a.deliveryCount).toBe(1);
    await crashAndReopen();
    const q2 = await queues.queue({ name: 'w', topics: ['jobs'] });
    const [a2] = await q2.receive();
    expect([a2.value!.toString(), a2.deliveryCount]).toEqual(['a', 2]);
    await q2.close();
    const q3 = await queues.queue({ name: 'w', topics: ['jobs'] });
    const got = await q3.receive({ max: 2 });
    expect(got.map((m) => [m.value!.toString(), m.deliveryCount])).toEqual([['a', 3], ['b', 1]]);
  });
});

describe('bad input', () => {
  it('is refused with typed errors, and nothing is lost', async () => {
    const queue: Queue = await queues.queue({ name: 'w', topics: ['jobs'], start: 'earliest', lockMs: 1_000 });
    await produce('jobs', ['a', 'b', 'c']);
    const [a] = await queue.receive();
    await a.accept();
    await expectCode(a.accept(), 'INVALID_ACK'); // double ack
    expect((await queues.acknowledge('w', queue.consumerId, [{ topic: 'jobs', partition: 0, offset: 99, type: 'accept' }]))[0]?.code).toBe('INVALID_ACK');
    expect((await queues.acknowledge('w', queue.consumerId, [{ topic: 'jobs', partition: 5, offset: 1, type: 'accept' }]))[0]?.code).toBe('INVALID_ACK');
    expect((await queues.acknowledge('w', queue.consumerId, [{ topic: 'jobs', partition: 0, offset: 2, type: 'accept' }]))[0]?.code).toBe('INVALID_ACK'); // never delivered

    const [b] = await queue.receive();
    clock.advance(1_001);
    await expectCode(b.accept(), 'LOCK_LOST'); // after lock loss
    const [b2] = await queue.receive();
    expect([b2.offset, b2.deliveryCount]).toEqual([1, 2]);
    await expectCode(b.accept(), 'LOCK_LOST'); // an earlier delivery of a record held again
    await expectCode(b2.release({ delayMs: -1 }), 'INVALID_ACK');
    await expectCode(b2.release({ delayMs: Number.NaN }), 'INVALID_ACK');
    await b2.accept(); // the refused release left it held
    const [c] = await queue.receive();
    await c.accept();

    await expectCode(queues.redrive('nope'), 'UNKNOWN_QUEUE');
    await expectCode(queues.reset('nope', { to: 'earliest' }), 'UNKNOWN_QUEUE');
    await expectCode(queues.delete('nope'), 'UNKNOWN_QUEUE');
    await expectCode(queues.acquire('nope', 'x', { max: 1 }), 'UNKNOWN_QUEUE');
    await expectCode(queues.queue({ name: 'bad name!', topics: ['jobs'] }), 'INVALID_CONFIG');
    await expectCode(queues.queue({ name: 'w2', topics: ['missing'] }), 'UNKNOWN_TOPIC');
    await expectCode(queues.queue({ name: 'w', topics: ['normal'] }), 'INVALID_CONFIG');
    expect((await queue.stats())[0]).toMatchObject({ startOffset: 3, lag: 0, archived: 0 });
  });
});

describe('admin', () => {
  it('drains topics in priority order, and notices new records while waiting', async () => {
    const queue = await queues.queue({ name: 'p', topics: ['normal', 'urgent'], priority: ['urgent', 'normal'], start: 'earliest' });
    const waiting = queue.receive();
    await settle();
    await produce('normal', ['n1']);
    expect((await waiting)[0].value!.toString()).toBe('n1');
    await produce('normal', ['n2', 'n3']);
    await produce('urgent', ['u1', 'u2']);
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      const [m] = await queue.receive();
      order.push(m.value!.toString());
      await m.accept();
    }
    expect(order).toEqual(['u1', 'u2', 'n2', 'n3']);
  });

  it('waits for new records without burning CPU', async () => {
    const queue = await queues.queue({ name: 'idle', topics: ['jobs'], start: 'earliest' });
    const stop = new AbortController();
    const waiting = queue.receive({ signal: stop.signal });
    await settle();
    const before = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 300));
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1000, 'ms of CPU while idle for 300 ms').toBeLessThan(60);
    await produce('jobs', ['wake']);
    expect((await waiting)[0].value!.toString()).toBe('wake');
  });

  it('is iterable, and its stats count what waits and for how long', async () => {
    const queue = await queues.queue({ name: 'it', topics: ['jobs'], start: 'earliest' });
    await store.append('jobs', ['a', 'b', 'c', 'd'].map((v) => ({ value: Buffer.from(v), timestamp: clock.now() })));
    clock.advance(5_000);
    expect((await queue.stats())[0]).toMatchObject({ ready: 4, inFlight: 0, lag: 4, oldestReadyAgeMs: 5_000 });
    const got: string[] = [];
    for await (const msg of queue) {
      got.push(msg.value!.toString());
      if (got.length === 3) {
        await msg.release({ delayMs: 1_000 });
        break;
      }
      await msg.accept();
    }
    expect(got).toEqual(['a', 'b', 'c']);
    expect((await queue.stats())[0]).toMatchObject({ startOffset: 2, ready: 1, delayed: 1, inFlight: 0, lag: 2 });
  });

  it('reset moves the start; delete removes the queue for good', async () => {
    await store.append('jobs', ['a', 'b', 'c'].map((v, i) => ({ value: Buffer.from(v), timestamp: 1_000 * (i + 1) })));
    const queue = await queues.queue({ name: 'r', topics: ['jobs'] }); // latest: nothing yet
    expect((await queue.stats())[0]).toMatchObject({ startOffset: 3, lag: 0 });
    await queues.reset('r', { to: { timestamp: 2_000 } });
    expect((await queue.stats())[0]).toMatchObject({ startOffset: 1, lag: 2 });
    await queues.reset('r', { to: 'earliest' });
    expect((await queue.stats())[0]).toMatchObject({ startOffset: 0, lag: 3 });
    await crashAndReopen();
    expect((await queues.stats('r'))[0]).toMatchObject({ startOffset: 0, lag: 3 });
    const q2 = await queues.queue({ name: 'r', topics: ['jobs'] });
    await queues.delete('r');
    await expectCode(q2.receive(), 'QUEUE_CLOSED');
    expect(queues.list()).toEqual([]);
    await crashAndReopen();
    expect(queues.list()).toEqual([]);
  });
});
