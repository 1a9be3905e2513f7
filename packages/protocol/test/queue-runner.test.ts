import { describe, expect, it } from 'vitest';
import { QueueAcknowledgements, type QueueAckOptions, type QueueAckType } from '../src/queue-acknowledgements.js';
import { runQueueHandlers, type QueueRunHost } from '../src/queue-runner.js';

/** A delivery whose acknowledgements are recorded and answered when the test says so. */
class FakeMessage extends QueueAcknowledgements {
  readonly deliveryCount = 1;
  readonly acks: { type: QueueAckType; opts: QueueAckOptions }[] = [];
  private answers: (() => void)[] = [];
  constructor(offset: number) {
    super('t', 0, offset);
  }
  protected acknowledge(type: QueueAckType, opts: QueueAckOptions): Promise<void> {
    this.acks.push({ type, opts });
    return type === 'renew' ? Promise.resolve() : new Promise<void>((resolve) => this.answers.push(resolve));
  }
  answer(): void {
    for (const a of this.answers.splice(0)) a();
  }
}

function host(records: FakeMessage[], stop: AbortController, fetched: number[]): QueueRunHost<FakeMessage> {
  return {
    fetch: async (max) => {
      fetched.push(max);
      if (records.length === 0) {
        stop.abort();
        return [];
      }
      return records.splice(0, max);
    },
    stopped: stop.signal,
    lockMs: 60_000,
    sleep: (_ms, signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
    ackFailed: () => undefined,
  };
}

const turns = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('runQueueHandlers', () => {
  it('accepts what resolves, releases what throws (with its message), and leaves alone what the handler settled', async () => {
    const msgs = [0, 1, 2].map((o) => new FakeMessage(o));
    const stop = new AbortController();
    const done = runQueueHandlers(host([...msgs], stop, []), 2, async (m) => {
      if (m.offset === 1) throw new Error('bad input');
      if (m.offset === 2) await m.reject('by hand');
    });
    await turns();
    for (const m of msgs) m.answer();
    await done;
    expect(msgs.map((m) => m.acks.map((a) => [a.type, a.opts.reason]))).toEqual([
      [['accept', undefined]], [['release', 'bad input']], [['reject', 'by hand']],
    ]);
  });

  it('fetches for idle handlers only, gives each running handler its own worker number, and resolves after the acks are answered', async () => {
    const msgs = Array.from({ length: 5 }, (_, o) => new FakeMessage(o));
    const stop = new AbortController();
    const fetched: number[] = [];
    const busy = new Set<number>();
    const workers: number[] = [];
    let resolved = false;
    const done = runQueueHandlers(host([...msgs], stop, fetched), 3, async (_m, worker) => {
      expect(busy.has(worker)).toBe(false);
      busy.add(worker);
      workers.push(worker);
      await turns(1);
      busy.delete(worker);
    }).then(() => {
      resolved = true;
    });
    await turns(20);
    expect(fetched[0]).toBe(3);
    expect(fetched.every((n) => n >= 1 && n <= 3)).toBe(true);
    expect(new Set(workers)).toEqual(new Set([0, 1, 2]));
    expect(msgs.every((m) => m.acks.length === 1)).toBe(true);
    expect(resolved).toBe(false); // the accepts are not answered yet
    for (const m of msgs) m.answer();
    await done;
    expect(resolved).toBe(true);
  });

  it('fetches up to prefetch records ahead; those never started are released at stop, and stale ones are dropped unhandled', async () => {
    const msgs = Array.from({ length: 6 }, (_, o) => new FakeMessage(o));
    const stop = new AbortController();
    const fetched: number[] = [];
    const handled: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const h: QueueRunHost<FakeMessage> = {
      ...host([], stop, fetched),
      // One batch, then wait for the stop (a long-poll with nothing more).
      fetch: async (max) => {
        fetched.push(max);
        if (fetched.length === 1) return msgs.slice(0, max);
        await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
        return null;
      },
      stale: (m) => m.offset === 2,
    };
    const done = runQueueHandlers(h, 2, async (m) => {
      handled.push(m.offset);
      if (m.offset < 2) await gate;
    }, 3);
    await turns();
    expect(fetched[0]).toBe(5); // 2 handlers + 3 ahead
    expect(handled).toEqual([0, 1]);
    release();
    await turns();
    expect(handled).toEqual([0, 1, 3, 4]); // 2 was stale: dropped, never handled nor acknowledged
    stop.abort();
    await turns();
    for (const m of msgs) m.answer();
    await done;
    expect(msgs[2].acks).toEqual([]);
    expect(msgs[5].acks).toEqual([]); // never fetched
    expect(msgs.slice(0, 5).filter((m) => m.offset !== 2).every((m) => m.acks[0].type === 'accept')).toBe(true);
  });

  it('releases at once the records fetched ahead that no handler started before the stop', async () => {
    const msgs = Array.from({ length: 4 }, (_, o) => new FakeMessage(o));
    const stop = new AbortController();
    const h: QueueRunHost<FakeMessage> = {
      ...host([], stop, []),
      fetch: async (max) => {
        stop.abort();
        return msgs.slice(0, max);
      },
    };
    const done = runQueueHandlers(h, 1, async () => undefined, 3);
    await turns();
    for (const m of msgs) m.answer();
    await done;
    expect(msgs[0].acks.map((a) => a.type)).toEqual(['accept']);
    expect(msgs.slice(1).map((m) => m.acks.map((a) => [a.type, a.opts.delayMs]))).toEqual([[['release', 0]], [['release', 0]], [['release', 0]]]);
  });

  it('acceptAfter frees the slot at once, accepts only once the given write resolves (releases if it rejects), and run() waits for it', async () => {
    const msgs = Array.from({ length: 3 }, (_, o) => new FakeMessage(o));
    const stop = new AbortController();
    const writes: { resolve: () => void; reject: (e: Error) => void }[] = [];
    const handled: number[] = [];
    const failed: unknown[] = [];
    let resolved = false;
    // One handler: were the slot held until each write lands, only the first record would be handled.
    const done = runQueueHandlers({ ...host([...msgs], stop, []), ackFailed: (_m, e) => void failed.push(e) }, 1, async (m) => {
      handled.push(m.offset);
      void m.acceptAfter(new Promise<void>((resolve, reject) => writes.push({ resolve, reject })));
    }).then(() => {
      resolved = true;
    });
    await turns(20);
    expect(handled).toEqual([0, 1, 2]);
    expect(msgs.every((m) => m.settled && m.acks.length === 0)).toBe(true); // nothing acknowledged before its write
    writes[0]!.resolve();
    writes[1]!.reject(new Error('append refused'));
    await turns();
    expect(msgs[0]!.acks.map((a) => a.type)).toEqual(['accept']);
    expect(msgs[1]!.acks.map((a) => [a.type, a.opts.reason])).toEqual([['release', 'append refused']]);
    expect(msgs[2]!.acks).toEqual([]);
    for (const m of msgs) m.answer();
    await turns();
    expect(resolved).toBe(false); // record 2's write, and so its accept, still outstanding
    writes[2]!.resolve();
    await turns();
    msgs[2]!.answer();
    await done;
    expect(msgs[2]!.acks.map((a) => a.type)).toEqual(['accept']);
    expect(failed.map((e) => (e as Error).message)).toEqual(['append refused']);
  });
});
