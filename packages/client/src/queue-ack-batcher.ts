import { KlogError } from '@klog/log-core';
import { fromWireError, type RequestOf, type ResponseOf } from '@klog/protocol';
import type { BrokerConnection } from './broker-connection.js';

export type WireAck = RequestOf<'shareAcknowledge'>['acks'][number];
type AckResult = ResponseOf<'shareAcknowledge'>['results'][number];

/** The one call the batcher makes (a test may give a stand-in). */
export type AckConnection = Pick<BrokerConnection, 'request'>;

/** Acknowledgements per request at most; the rest go in the next one. Bounds a frame and one state write. */
export const MAX_ACKS_PER_REQUEST = 1_000;

export interface QueuedAck {
  ack: WireAck;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Coalesces one member's acknowledgements into few shareAcknowledge requests (group commit): acks made in the
 * same event-loop turn go out together on the next turn, and acks made while a request is on its way go out
 * together when it is answered. One request at a time, so a member's acks reach the broker in the order they
 * were made. Each ack's promise still settles on its own: it resolves once the broker answered that its new
 * state is durable, and rejects with that ack's own refusal (LOCK_LOST, INVALID_ACK, ...) or, for every ack of
 * the request, with the request's failure.
 */
export class AckBatcher {
  private queued: QueuedAck[] = [];
  private sending: Promise<void> | undefined;
  private scheduled = false;

  constructor(
    private readonly conn: AckConnection,
    private readonly queue: string,
    private readonly memberId: string,
    /** Called after each answered request: the member was heard from (its session is alive). */
    private readonly onAnswered: () => void = () => undefined,
    /** Called when a request fails as a whole (the connection dropped, say), before its acks are rejected. */
    private readonly onFailed: () => void = () => undefined,
  ) {}

  /** Queues one acknowledgement; settles as described above. */
  send(ack: WireAck): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ ack, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every ack queued so far has been answered (before the member leaves, say). */
  async idle(): Promise<void> {
    while (this.sending !== undefined || this.queued.length > 0 || this.scheduled) {
      if (this.sending !== undefined) await this.sending;
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private schedule(): void {
    if (this.sending !== undefined || this.scheduled) return;
    this.scheduled = true;
    // The next turn, not this one: a handler pool settling several records at once fills one request.
    setImmediate(() => {
      this.scheduled = false;
      this.sendNext();
    });
  }

  private sendNext(): void {
    if (this.sending !== undefined || this.queued.length === 0) return;
    const batch = this.queued.splice(0, MAX_ACKS_PER_REQUEST);
    this.sending = this.exchange(batch).finally(() => {
      this.sending = undefined;
      this.sendNext();
    });
  }

  /**
   * Hands the queued acks to a shareFetch about to go out (which carries them, v1 on), or none while a request
   * is on its way: those would then reach the broker before older acks, and a member's acks go in order. The
   * caller answers them with settle or fail, or gives them back with putBack when its request could not carry them.
   */
  take(): QueuedAck[] {
    if (this.sending !== undefined || this.queued.length === 0) return [];
    return this.queued.splice(0, MAX_ACKS_PER_REQUEST);
  }

  /** Acks taken that a request did not carry (an older broker): they go first, in the next shareAcknowledge. */
  putBack(batch: QueuedAck[]): void {
    if (batch.length === 0) return;
    this.queued.unshift(...batch);
    this.schedule();
  }

  /** The request carrying `batch` failed as a whole: every ack in it is rejected with its failure. */
  fail(batch: QueuedAck[], err: unknown): void {
    this.onFailed();
    for (const w of batch) w.reject(err);
  }

  /**
   * Settles each ack of `batch` by the broker's answer at its index. The coordinates are checked so that a
   * mismatch is an error, not another record's answer.
   */
  settle(batch: QueuedAck[], results: AckResult[]): void {
    this.onAnswered();
    batch.forEach((w, i) => {
      const r = results[i];
      // The record's id is spelled out only for an error: most acks succeed, and each string is garbage.
      const id = (): string => `${w.ack.topic}/${w.ack.partition}/${w.ack.offset}`;
      if (r === undefined || r.topic !== w.ack.topic || r.partition !== w.ack.partition || r.offset !== w.ack.offset) {
        w.reject(new KlogError('INVALID_REQUEST', `the broker did not answer the ${w.ack.type} of ${id()}`));
      } else if (r.errorCode) {
        w.reject(fromWireError(r, `${w.ack.type} ${id()}`));
      } else {
        w.resolve();
      }
    });
  }

  private async exchange(batch: QueuedAck[]): Promise<void> {
    let res: ResponseOf<'shareAcknowledge'>;
    try {
      res = await this.conn.request('shareAcknowledge', { queue: this.queue, memberId: this.memberId, acks: batch.map((w) => w.ack) });
    } catch (err) {
      this.fail(batch, err);
      return;
    }
    this.settle(batch, res.results);
  }
}
