import { describe, expect, it } from 'vitest';
import { KlogError } from '@klog/log-core';
import type { ErrorCode, RequestOf, ResponseOf } from '@klog/protocol';
import { AckBatcher, MAX_ACKS_PER_REQUEST, type AckConnection, type WireAck } from '../src/queue-ack-batcher.js';

type Body = RequestOf<'shareAcknowledge'>;
type Answer = ResponseOf<'shareAcknowledge'>;

/** A stand-in for the ack connection: records each request and answers it when told. */
class FakeConnection {
  readonly requests: { body: Body; answer: (a: Answer | Error) => void }[] = [];
  readonly conn = {
    request: (_api: string, body: Body) => new Promise<Answer>((resolve, reject) => {
      this.requests.push({ body, answer: (a) => (a instanceof Error ? reject(a) : resolve(a)) });
    }),
  } as unknown as AckConnection;

  /**
   * Answers request `i`, each ack with the error `refuse` gives it, if any: only the refused ones, as the compact
   * versions do, or (`everyAck`) naming every ack as older versions do.
   */
  answer(i: number, refuse: (a: WireAck) => ErrorCode | undefined = () => undefined, everyAck = false): void {
    const { body, answer } = this.requests[i];
    const failures = body.acks.flatMap((a, index) => {
      const errorCode = refuse(a);
      return errorCode ? [{ index, topic: a.topic, partition: a.partition, offset: a.offset, errorCode, errorMessage: 'refused' }] : [];
    });
    answer({ results: { failures, ...(everyAck ? { acks: body.acks.map((a) => ({ topic: a.topic, partition: a.partition, offset: a.offset })) } : {}) } });
  }
}

const ack = (offset: number, type: WireAck['type'] = 'accept'): WireAck => ({ topic: 't', partition: 0, offset, type, deliveryCount: 1 });
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const outcome = (p: Promise<void>): Promise<string> => p.then(() => 'ok', (e: unknown) => (e instanceof KlogError ? e.code : String(e)));

describe('AckBatcher', () => {
  it('sends the acks of one turn in one request and settles each with its own answer', async () => {
    const fake = new FakeConnection();
    const b = new AckBatcher(fake.conn, 'q', 'm-1');
    const results = [0, 1, 2, 3].map((o) => outcome(b.send(ack(o, o === 3 ? 'release' : 'accept'))));
    await turn();
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].body).toMatchObject({ queue: 'q', memberId: 'm-1' });
    expect(fake.requests[0].body.acks.map((a) => [a.offset, a.type])).toEqual([[0, 'accept'], [1, 'accept'], [2, 'accept'], [3, 'release']]);
    fake.answer(0, (a) => (a.offset === 1 ? 'LOCK_LOST' : a.offset === 2 ? 'INVALID_ACK' : undefined));
    expect(await Promise.all(results)).toEqual(['ok', 'LOCK_LOST', 'INVALID_ACK', 'ok']);
  });

  it('settles by an older broker\'s answer, which names every ack', async () => {
    const fake = new FakeConnection();
    const b = new AckBatcher(fake.conn, 'q', 'm-1');
    const results = [0, 1, 2].map((o) => outcome(b.send(ack(o))));
    await turn();
    fake.answer(0, (a) => (a.offset === 1 ? 'LOCK_LOST' : undefined), true);
    expect(await Promise.all(results)).toEqual(['ok', 'LOCK_LOST', 'ok']);
  });

  it('refuses a failure that names another record than the ack at its index, and ignores one naming no ack', async () => {
    const fake = new FakeConnection();
    const b = new AckBatcher(fake.conn, 'q', 'm-1');
    const results = [0, 1].map((o) => outcome(b.send(ack(o))));
    await turn();
    fake.requests[0].answer({ results: { failures: [
      { index: 1, topic: 't', partition: 0, offset: 9, errorCode: 'LOCK_LOST', errorMessage: 'x' },
      { index: 5, topic: 't', partition: 0, offset: 5, errorCode: 'LOCK_LOST', errorMessage: 'x' },
    ] } });
    expect(await Promise.all(results)).toEqual(['ok', 'INVALID_REQUEST']);
  });

  it('holds acks made while a request is on its way for the next one, in the order they were made', async () => {
    const fake = new FakeConnection();
    const b = new AckBatcher(fake.conn, 'q', 'm');
    const first = outcome(b.send(ack(0)));
    await turn();
    const later = [1, 2, 3].map((o) => outcome(b.send(ack(o))));
    await turn();
    expect(fake.requests).toHaveLength(1); // one request at a time
    fake.answer(0);
    expect(await first).toBe('ok');
    await turn();
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1].body.acks.map((a) => a.offset)).toEqual([1, 2, 3]);
    fake.answer(1);
    expect(await Promise.all(later)).toEqual(['ok', 'ok', 'ok']);
  });

  it('splits a backlog into requests of at most MAX_ACKS_PER_REQUEST', async () => {
    const fake = new FakeConnection();
    const b = new AckBatcher(fake.conn, 'q', 'm');
    const all = Array.from({ length: MAX_ACKS_PER_REQUEST + 5 }, (_, o) => b.send(ack(o)));
    await turn();
    expect(fake.requests[0].body.acks).toHaveLength(MAX_ACKS_PER_REQUEST);
    fake.answer(0);
    await turn();
    await turn();
    expect(fake.requests[1].body.acks.map((a) => a.offset)).toEqual([1000, 1001, 1002, 1003, 1004]);
    fake.answer(1);
    await Promise.all(all);
  });

  it('fails every ack of a request that fails, and a later request still goes out', async () => {
    const fake = new FakeConnection();
    const b = new AckBatcher(fake.conn, 'q', 'm');
    const failed = [0, 1].map((o) => outcome(b.send(ack(o))));
    await turn();
    fake.requests[0].answer(new KlogError('CONNECTION_LOST', 'connection closed'));
    expect(await Promise.all(failed)).toEqual(['CONNECTION_LOST', 'CONNECTION_LOST']);
    const next = outcome(b.send(ack(2)));
    await turn();
    fake.answer(1);
    expect(await next).toBe('ok');
  });

  it('refuses an answer that does not match the ack it stands for', async () => {
    const fake = new FakeConnection();
    const b = new AckBatcher(fake.conn, 'q', 'm');
    const p = outcome(b.send(ack(7)));
    await turn();
    fake.requests[0].answer({ results: { acks: [], failures: [] } });
    expect(await p).toBe('INVALID_REQUEST');
  });

  it('idle() resolves once every queued ack is answered', async () => {
    const fake = new FakeConnection();
    const b = new AckBatcher(fake.conn, 'q', 'm');
    void b.send(ack(0));
    let idle = false;
    const waiting = b.idle().then(() => {
      idle = true;
    });
    await turn();
    await turn();
    expect(idle).toBe(false);
    fake.answer(0);
    await waiting;
    expect(idle).toBe(true);
  });
  it('hands queued acks to a fetch only while no ack request is on its way, and takes back those it could not carry', async () => {
    const fake = new FakeConnection();
    const b = new AckBatcher(fake.conn, 'q', 'm');
    const carried = [0, 1].map((o) => outcome(b.send(ack(o))));
    const taken = b.take();
    expect(taken.map((w) => w.ack.offset)).toEqual([0, 1]);
    await turn();
    expect(fake.requests).toHaveLength(0); // the fetch carries them: no shareAcknowledge
    b.settle(taken, { failures: [{ index: 1, topic: 't', partition: 0, offset: 1, errorCode: 'LOCK_LOST', errorMessage: 'gone' }] });
    expect(await Promise.all(carried)).toEqual(['ok', 'LOCK_LOST']);

    // A request on its way: newer acks must not overtake it in a fetch.
    const inFlight = outcome(b.send(ack(2)));
    await turn();
    const waiting = outcome(b.send(ack(3)));
    expect(b.take()).toEqual([]);
    fake.answer(0);
    expect(await inFlight).toBe('ok');

    // An older broker's fetch did not carry them: they go first in the next shareAcknowledge, in order.
    await turn();
    expect(fake.requests[1].body.acks.map((a) => a.offset)).toEqual([3]);
    fake.answer(1);
    expect(await waiting).toBe('ok');
    const back = outcome(b.send(ack(5)));
    const old = b.take();
    expect(old.map((w) => w.ack.offset)).toEqual([5]);
    const newer = outcome(b.send(ack(6)));
    b.putBack(old);
    await turn();
    expect(fake.requests[2].body.acks.map((a) => a.offset)).toEqual([5, 6]);
    fake.answer(2);
    expect(await Promise.all([back, newer])).toEqual(['ok', 'ok']);
  });

  it('holds acks made while a fetch carrying acks is on its way for the next fetch; once it is answered they go on the next turn', async () => {
    const fake = new FakeConnection();
    const b = new AckBatcher(fake.conn, 'q', 'm');
    const first = outcome(b.send(ack(0)));
    const taken = b.take();
    // Made while the carrying fetch is on its way: no shareAcknowledge of their own, however many turns pass.
    const held = [1, 2].map((o) => outcome(b.send(ack(o))));
    await turn();
    await turn();
    expect(fake.requests).toHaveLength(0);
    b.settle(taken, { failures: [] });
    expect(await first).toBe('ok');
    // The member's next fetch takes them, in order...
    const next = b.take();
    expect(next.map((w) => w.ack.offset)).toEqual([1, 2]);
    b.settle(next, { failures: [] });
    expect(await Promise.all(held)).toEqual(['ok', 'ok']);
    // ...and without a next fetch they go in a shareAcknowledge on the turn after the carrying fetch's answer.
    const carrying = (b.send(ack(3)), b.take());
    const late = outcome(b.send(ack(4)));
    await turn();
    expect(fake.requests).toHaveLength(0);
    b.settle(carrying, { failures: [] });
    await turn();
    expect(fake.requests.map((r) => r.body.acks.map((a) => a.offset))).toEqual([[4]]);
    fake.answer(0);
    expect(await late).toBe('ok');
    await b.idle();
  });

  it('rejects every carried ack when the fetch carrying them fails', async () => {
    const fake = new FakeConnection();
    let failures = 0;
    const b = new AckBatcher(fake.conn, 'q', 'm', undefined, () => void failures++);
    const results = [0, 1].map((o) => outcome(b.send(ack(o))));
    b.fail(b.take(), new KlogError('CONNECTION_LOST', 'gone'));
    expect(await Promise.all(results)).toEqual(['CONNECTION_LOST', 'CONNECTION_LOST']);
    expect(failures).toBe(1);
  });
});
