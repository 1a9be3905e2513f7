// run()'s loop (runQueueHandlers, shared by the embedded and the client queue) against a host whose fetches and
// acknowledgements the test answers by hand: when a handler's slot frees, what a refused ack does, what stop does
// with records fetched ahead, and how locks are renewed. Order of events only, never timing.
import { describe, expect, it } from 'vitest';
import { KlogError } from '@klog/log-core';
import { AUTO_PREFETCH_MAX, QueueAcknowledgements, runQueueHandlers, type QueueAckType, type QueueRunHost } from '@klog/protocol';

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A delivery whose acknowledgements wait until the test answers them (or answer at once, when `auto`). */
class HandMessage extends QueueAcknowledgements {
  readonly deliveryCount = 1;
  readonly acks: { type: QueueAckType; answer: Deferred }[] = [];

  constructor(offset: number, private readonly auto: boolean) {
    super('jobs', 0, offset);
  }

  protected acknowledge(type: QueueAckType): Promise<void> {
    const answer = deferred();
    this.acks.push({ type, answer });
    if (this.auto) answer.resolve();
    return answer.promise;
  }

  types(): QueueAckType[] {
    return this.acks.map((a) => a.type);
  }
}

/** Hands out `messages` in fetches of at most what run() asks for; then waits until stopped. */
function handHost(messages: HandMessage[], opts: { lockMs?: number; now?: () => number } = {}) {
  const stop = new AbortController();
  const failures: { message: HandMessage; err: unknown }[] = [];
  const asked: number[] = [];
  const ticks = new Set<() => void>();
  let next = 0;
  const host: QueueRunHost<HandMessage> = {
    async fetch(max) {
      asked.push(max);
      if (next < messages.length) {
        const batch = messages.slice(next, next + max);
        next += batch.length;
        return batch;
      }
      await new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }));
      return null;
    },
    stopped: stop.signal,
    lockMs: opts.lockMs ?? 30_000,
    sleep: () => Promise.reject(new Error('run() must renew through repeat when the host has it')),
    repeat: (_ms, fn) => {
      ticks.add(fn);
      return () => ticks.delete(fn);
    },
    ackFailed: (message, err) => failures.push({ message, err }),
    ...(opts.now ? { now: opts.now } : {}),
  };
  return {
    host, failures, asked, stop: () => stop.abort(),
    /** Fires the renewal timer once, if one runs. */
    tick: () => [...ticks].forEach((fn) => fn()),
    timers: () => ticks.size,
  };
}

const turns = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('runQueueHandlers', () => {
  it('a handler that returns frees its slot while its accept is on its way; run() still waits for the answer', async () => {
    const messages = [new HandMessage(0, false), new HandMessage(1, false)];
    const h = handHost(messages);
    const started: number[] = [];
    let done = false;
    const run = runQueueHandlers(h.host, 1, async (m) => {
      started.push(m.offset);
    }, 0).then(() => (done = true));
    await turns();
    // One handler: the second record started although the first one's accept is not answered.
    expect(started).toEqual([0, 1]);
    expect(messages[0].types()).toEqual(['accept']);
    h.stop();
    await turns();
    expect(done).toBe(false);
    messages[0].acks[0].answer.resolve();
    await turns();
    expect(done).toBe(false);
    messages[1].acks[0].answer.resolve();
    await run;
    expect(h.failures).toEqual([]);
  });

  it('an accept refused with LOCK_LOST is reported with its record, and the next record is handled', async () => {
    const messages = [new HandMessage(0, false), new HandMessage(1, true)];
    const h = handHost(messages);
    const started: number[] = [];
    const run = runQueueHandlers(h.host, 1, async (m) => {
      started.push(m.offset);
    }, 0);
    await turns();
    messages[0].acks[0].answer.reject(new KlogError('LOCK_LOST', 'the lock of jobs/0/0 ran out'));
    await turns();
    h.stop();
    await run;
    expect(started).toEqual([0, 1]);
    expect(h.failures).toHaveLength(1);
    expect(h.failures[0].message).toBe(messages[0]);
    expect(h.failures[0].err).toMatchObject({ code: 'LOCK_LOST' });
  });

  it('a handler that throws releases its record with the reason; one that awaited its own accept is left alone', async () => {
    const messages = [new HandMessage(0, true), new HandMessage(1, true)];
    const h = handHost(messages);
    const run = runQueueHandlers(h.host, 1, async (m) => {
      if (m.offset === 0) throw new Error('boom');
      await m.accept();
    }, 0);
    await turns();
    h.stop();
    await run;
    expect(messages[0].types()).toEqual(['release']);
    expect(messages[1].types()).toEqual(['accept']);
  });

  it('stop releases the records fetched ahead and not started, at once; they are never handled', async () => {
    const messages = [0, 1, 2, 3].map((o) => new HandMessage(o, true));
    const h = handHost(messages);
    const gate = deferred();
    const started: number[] = [];
    const run = runQueueHandlers(h.host, 1, async (m) => {
      started.push(m.offset);
      await gate.promise;
    }, 3);
    await turns();
    // One handler plus three fetched ahead.
    expect(h.asked[0]).toBe(4);
    h.stop();
    await turns();
    for (const m of messages.slice(1)) expect(m.types()).toEqual(['release']);
    gate.resolve();
    await run;
    expect(started).toEqual([0]);
    expect(messages[0].types()).toEqual(['accept']);
  });

  it.each([
    [999, [0, 1, 2]],
    [1_000, [0]],
  ])('a record fetched ahead that waited %i ms of a 1,000 ms lock: started only if its lock can still hold (%j)', async (waited, expected) => {
    let clock = 0;
    const messages = [0, 1, 2].map((o) => new HandMessage(o, true));
    const h = handHost(messages, { lockMs: 1_000, now: () => clock });
    const gate = deferred();
    const started: number[] = [];
    const run = runQueueHandlers(h.host, 1, async (m) => {
      started.push(m.offset);
      if (m.offset === 0) await gate.promise;
    }, 2);
    await turns();
    expect(h.asked[0]).toBe(3);
    clock += waited;
    gate.resolve();
    await turns();
    h.stop();
    await run;
    expect(started).toEqual(expected);
    // A lapsed record is dropped: no accept, and no release either (the broker would refuse both).
    for (const m of messages) expect(m.types()).toEqual(expected.includes(m.offset) ? ['accept'] : []);
    expect(h.failures).toEqual([]);
  });

  it('fetches again once the records fetched ahead are all started or half the room is free, not at every freed slot', async () => {
    const messages = Array.from({ length: 40 }, (_, o) => new HandMessage(o, true));
    const h = handHost(messages);
    const gates = messages.map(() => deferred());
    const run = runQueueHandlers(h.host, 2, async (m) => {
      await gates[m.offset].promise;
    }, 6);
    await turns();
    // Two handlers and six ahead: eight records asked for.
    expect(h.asked).toEqual([8]);
    // Records 0..2 done: three slots are free, fewer than half of eight, and records fetched ahead still wait.
    for (const o of [0, 1, 2]) gates[o].resolve();
    await turns();
    expect(h.asked).toEqual([8]);
    // The fourth frees half the room: one fetch for all four.
    gates[3].resolve();
    await turns();
    expect(h.asked).toEqual([8, 4]);
    h.stop();
    for (const g of gates) g.resolve();
    await run;
  });

  it("prefetch 'auto' grows while handlers keep up, up to AUTO_PREFETCH_MAX, and stays at concurrency for slow handlers", async () => {
    // Fast: the host's clock stands still, so every record starts at once.
    const fast = Array.from({ length: 2_000 }, (_, o) => new HandMessage(o, true));
    const hf = handHost(fast);
    const runFast = runQueueHandlers({ ...hf.host, now: () => 0 }, 4, async () => undefined, 'auto');
    await turns(20);
    expect(hf.asked[0]).toBe(8);
    // Room for four handlers and AUTO_PREFETCH_MAX ahead, less the records still running or waiting when a fetch
    // goes out (at most half the room).
    expect(Math.max(...hf.asked)).toBeGreaterThan(AUTO_PREFETCH_MAX / 2);
    expect(Math.max(...hf.asked)).toBeLessThanOrEqual(4 + AUTO_PREFETCH_MAX);
    hf.stop();
    await runFast;
    // Slow: each record takes a second of the host's clock with a 30 s lock, so an eighth of the lock is
    // about 4 records at 4 handlers: prefetch stays at concurrency.
    const slow = Array.from({ length: 200 }, (_, o) => new HandMessage(o, true));
    const hs = handHost(slow);
    let clock = 0;
    const runSlow = runQueueHandlers({ ...hs.host, now: () => clock }, 4, async () => {
      clock += 1_000;
    }, 'auto');
    await turns(20);
    expect(hs.asked.length).toBeGreaterThan(3);
    for (const n of hs.asked) expect(n).toBeLessThanOrEqual(8);
    hs.stop();
    await runSlow;
  });

  it('one renewal timer while handlers run: a record is renewed two ticks after its lock last started, not after it finished', async () => {
    const messages = [new HandMessage(0, true), new HandMessage(1, true), new HandMessage(2, true)];
    const h = handHost(messages, { lockMs: 1_000 });
    const gates = messages.map(() => deferred());
    const run = runQueueHandlers(h.host, 3, async (m) => {
      await gates[m.offset].promise;
    }, 0);
    await turns();
    expect(h.timers()).toBe(1);
    h.tick();
    await turns();
    expect(messages.map((m) => m.types())).toEqual([[], [], []]);
    gates[1].resolve();
    await turns();
    h.tick();
    await turns();
    expect(messages.map((m) => m.types())).toEqual([['renew'], ['accept'], ['renew']]);
    // Renewed at the second tick: the next renewal is two ticks later.
    h.tick();
    await turns();
    expect(messages[0].types()).toEqual(['renew']);
    h.tick();
    await turns();
    expect(messages[0].types()).toEqual(['renew', 'renew']);
    gates[0].resolve();
    gates[2].resolve();
    await turns();
    // No handler runs: the timer stops at its next tick, without renewing anything.
    expect(h.timers()).toBe(1);
    const before = messages.map((m) => m.types());
    h.tick();
    await turns();
    expect(h.timers()).toBe(0);
    expect(messages.map((m) => m.types())).toEqual(before);
    h.stop();
    await run;
  });

  it('a renewal refused with LOCK_LOST is reported once and not tried again', async () => {
    const message = new HandMessage(0, false);
    const h = handHost([message], { lockMs: 1_000 });
    const gate = deferred();
    const run = runQueueHandlers(h.host, 1, async () => {
      await gate.promise;
    }, 0);
    await turns();
    h.tick();
    h.tick();
    await turns();
    expect(message.types()).toEqual(['renew']);
    message.acks[0].answer.reject(new KlogError('LOCK_LOST', 'the lock of jobs/0/0 ran out'));
    await turns();
    for (let i = 0; i < 4; i++) h.tick();
    await turns();
    expect(message.types()).toEqual(['renew']);
    expect(h.failures.map((f) => (f.err as KlogError).code)).toEqual(['LOCK_LOST']);
    gate.resolve();
    await turns();
    message.acks[1].answer.resolve();
    h.stop();
    await run;
  });
});
