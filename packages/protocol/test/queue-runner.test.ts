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
});
