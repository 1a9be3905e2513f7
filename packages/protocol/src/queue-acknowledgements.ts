/** How a consumer acknowledges a delivery from a queue (Kafka's share-group acknowledgement types). */
export type QueueAckType = 'accept' | 'release' | 'reject' | 'renew';

export interface QueueAckOptions {
  /** release: deliver again only after this long (default: the queue's backoff). */
  delayMs?: number;
  /** release or reject: why, kept with the record (and in its dead letter). */
  reason?: string;
}

/**
 * The acknowledgements of one delivery, the same whether the queue is embedded (@klog/queue) or behind a broker
 * (@klog/client): each kind of message says only how an acknowledgement reaches its queue. Acknowledge once with
 * accept, release or reject; renew keeps the lock while the work runs longer than the queue's lockMs. `id`
 * (topic/partition/offset) is the same on every delivery of the record: delivery is at least once, so use it to
 * make the work idempotent.
 */
export abstract class QueueAcknowledgements {
  private final = false;
  private deferred: Promise<void> | undefined;

  protected constructor(readonly topic: string, readonly partition: number, readonly offset: number) {}

  /** Sends one acknowledgement; rejects with the typed error when it is refused (LOCK_LOST, INVALID_ACK, …). */
  protected abstract acknowledge(type: QueueAckType, opts: QueueAckOptions): Promise<void>;

  get id(): string {
    return `${this.topic}/${this.partition}/${this.offset}`;
  }

  /** Whether accept, release or reject was called (whatever the queue answered). */
  get settled(): boolean {
    return this.final;
  }

  /** Done: never delivered again. */
  accept(): Promise<void> {
    return this.finish('accept', {});
  }

  /** Not done: deliver again after `delayMs` (default: the queue's backoff), or archive it at the delivery limit. */
  release(opts: QueueAckOptions = {}): Promise<void> {
    return this.finish('release', opts);
  }

  /** Cannot be done: archive it (and write its dead letter, if the queue has a dead-letter topic). */
  reject(reason?: string): Promise<void> {
    return this.finish('reject', reason === undefined ? {} : { reason });
  }

  /**
   * Done once `ready` resolves: accepted then, or released (with the queue's backoff and the error as reason) if
   * `ready` rejects. Settled from now on, so a run() handler that calls it and returns frees its slot at once while
   * `ready` (the write of the work's outcome, say) is on its way, and the record is still acknowledged only once
   * that write landed: the outbox order, without holding a handler per write. run() waits for it as for its own
   * acknowledgements. Resolves once the accept is answered; rejects with `ready`'s error once the release is sent.
   */
  acceptAfter(ready: Promise<unknown>): Promise<void> {
    this.final = true;
    this.deferred = ready.then(
      () => this.acknowledge('accept', {}),
      async (err: unknown) => {
        await this.acknowledge('release', { reason: err instanceof Error ? err.message : String(err) });
        throw err;
      },
    );
    return this.deferred;
  }

  /** The acknowledgement acceptAfter will send, while it may still be on its way (for run(), which waits for it). */
  get pendingAcceptance(): Promise<void> | undefined {
    return this.deferred;
  }

  /** Keep the lock for another lockMs from now. */
  renew(): Promise<void> {
    return this.acknowledge('renew', {});
  }

  private finish(type: QueueAckType, opts: QueueAckOptions): Promise<void> {
    this.final = true;
    return this.acknowledge(type, opts);
  }
}
