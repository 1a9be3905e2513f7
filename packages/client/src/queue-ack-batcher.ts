import { KlogError } from '@klog/log-core';
import { fromWireError, type ResponseOf, type ShareAck, type ShareAckFailure, type ShareAckOutcome } from '@klog/protocol';
import type { BrokerConnection } from './broker-connection.js';

export type WireAck = ShareAck;

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
  /**
   * Fetches on their way that carry acks (taken with take()). Such a fetch is answered at once, and a run()
   * loop sends its next fetch soon after: acks made meanwhile wait for that one rather than go in a
   * shareAcknowledge of their own, so that a busy member makes one request per batch, not two. Once the carrying
   * fetch is answered they go on the next turn in any case.
   */
  private carriers = 0;

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
    while (this.sending !== undefined || this.queued.length > 0 || this.scheduled || this.carriers > 0) {
      if (this.sending !== undefined) await this.sending;
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private schedule(): void {
    if (this.sending !== undefined || this.scheduled || this.carriers > 0) return;
    this.scheduled = true;
    // The next turn, not this one: a handler pool settling several records at once fills one request.
    setImmediate(() => {
      this.scheduled = false;
      this.sendNext();
    });
  }

  private sendNext(): void {
    if (this.sending !== undefined || this.queued.length === 0 || this.carriers > 0) return;
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
    this.carriers++;
    return this.queued.splice(0, MAX_ACKS_PER_REQUEST);
  }

  /** Acks taken that a request did not carry (an older broker): they go first, in the next shareAcknowledge. */
  putBack(batch: QueuedAck[]): void {
    this.carried();
    if (batch.length === 0) return;
    this.queued.unshift(...batch);
    this.schedule();
  }

  /** The request carrying `batch` failed as a whole: every ack in it is rejected with its failure. */
  fail(batch: QueuedAck[], err: unknown): void {
    this.carried();
    this.rejectAll(batch, err);
  }

  /**
   * Settles each ack of `batch` by the broker's answer: an ack among the failures (by its index) is rejected
   * with its own error, every other one resolves. The coordinates the answer gives are checked, so that a
   * mismatch is an error, not another record's answer.
   */
  settle(batch: QueuedAck[], outcome: ShareAckOutcome): void {
    this.carried();
    this.answer(batch, outcome);
  }

  private rejectAll(batch: QueuedAck[], err: unknown): void {
    this.onFailed();
    for (const w of batch) w.reject(err);
  }

  private answer(batch: QueuedAck[], outcome: ShareAckOutcome): void {
    this.onAnswered();
    const refused = refusalsByIndex(batch, outcome);
    for (let i = 0; i < batch.length; i++) {
      const w = batch[i];
      const why = refused?.get(i);
      if (why === undefined) w.resolve();
      else w.reject(why);
    }
  }

  /** A fetch that carried acks was answered (settle, fail or putBack): acks held for the next one may go. */
  private carried(): void {
    if (this.carriers === 0) return;
    this.carriers--;
    if (this.queued.length > 0) this.schedule();
  }

  private async exchange(batch: QueuedAck[]): Promise<void> {
    let res: ResponseOf<'shareAcknowledge'>;
    try {
      res = await this.conn.request('shareAcknowledge', { queue: this.queue, memberId: this.memberId, acks: acksOf(batch) });
    } catch (err) {
      this.rejectAll(batch, err);
      return;
    }
    this.answer(batch, res.results);
  }
}

/** The acks of a batch, in order, as a request carries them. */
export function acksOf(batch: readonly QueuedAck[]): WireAck[] {
  const acks = new Array<WireAck>(batch.length);
  for (let i = 0; i < batch.length; i++) acks[i] = batch[i].ack;
  return acks;
}

/** The record's id is spelled out only for an error: most acks succeed, and each string is garbage. */
function idOf(a: WireAck): string {
  return `${a.topic}/${a.partition}/${a.offset}`;
}

function sameRecord(a: WireAck, b: { topic: string; partition: number; offset: number }): boolean {
  return a.topic === b.topic && a.partition === b.partition && a.offset === b.offset;
}

/** Each refused ack's error by its index in the batch; undefined when every ack succeeded (the usual answer). */
function refusalsByIndex(batch: readonly QueuedAck[], outcome: ShareAckOutcome): Map<number, KlogError> | undefined {
  const { acks, failures } = outcome;
  let refused: Map<number, KlogError> | undefined;
  const refuse = (i: number, err: KlogError): void => {
    refused ??= new Map();
    if (!refused.has(i)) refused.set(i, err);
  };
  const unanswered = (a: WireAck): KlogError => new KlogError('INVALID_REQUEST', `the broker did not answer the ${a.type} of ${idOf(a)}`);
  // Older versions name every ack: each must be the one at its index.
  if (acks !== undefined) {
    for (let i = 0; i < batch.length; i++) if (acks[i] === undefined || !sameRecord(batch[i].ack, acks[i])) refuse(i, unanswered(batch[i].ack));
  }
  for (const f of failures as readonly ShareAckFailure[]) {
    const w = batch[f.index];
    if (w === undefined) continue; // names no ack of ours: nothing to settle with it
    refuse(f.index, sameRecord(w.ack, f) ? fromWireError(f, `${w.ack.type} ${idOf(w.ack)}`) : unanswered(w.ack));
  }
  return refused;
}
