import { performance } from 'node:perf_hooks';
import { createClient, type Client, type GroupConsumer } from '@klog/client';

/** Session timeout of every member (10 s); members heartbeat every third of it. */
export const SESSION_TIMEOUT_MS = 10_000;

/** "topic/partition" pairs, sorted: equal strings mean equal assignments. */
export function assignmentKey(partitions: { topic: string; partition: number }[]): string {
  return partitions.map((p) => `${p.topic}/${p.partition}`).sort().join(',');
}

/**
 * One group member running in this process on a client (and connections) of its own. It notes the time of the
 * first message it receives after `watchFrom`, which is how the settle check sees that it is consuming.
 */
export class GroupMember {
  readonly clientId: string;
  private readonly client: Client;
  private readonly consumer: GroupConsumer;
  private running: Promise<void> | null = null;
  private watchingFrom = Number.POSITIVE_INFINITY;
  private firstAfter: number | null = null;
  /** Why run() ended early, if it did: the settle check reports it rather than waiting for a timeout. */
  failure: unknown = null;

  constructor(address: string, groupId: string, assignor: string, index: number) {
    this.clientId = `${groupId}-member-${index}`;
    this.client = createClient({ brokers: [address], clientId: this.clientId });
    this.consumer = this.client.consumer({ groupId, fromBeginning: true, sessionTimeoutMs: SESSION_TIMEOUT_MS, assignor });
  }

  /** Subscribes and runs (joining the group); does not wait. */
  start(topic: string): void {
    this.running = this.consumer
      .subscribe({ topics: [topic] })
      .then(() => this.consumer.run({ eachBatch: () => this.received() }))
      .catch((err: unknown) => {
        this.failure = err;
      });
  }

  private received(): void {
    if (this.firstAfter === null) {
      const now = performance.now();
      if (now >= this.watchingFrom) this.firstAfter = now;
    }
  }

  /** Forget earlier messages: firstMessageAt() becomes the first message received from `from` on. */
  watchFrom(from: number): void {
    this.watchingFrom = from;
    this.firstAfter = null;
  }

  firstMessageAt(): number | null {
    return this.firstAfter;
  }

  assignmentKey(): string {
    return assignmentKey(this.consumer.assignmentOfGroup());
  }

  /** close(): commits, leaves the group at once and stops the run loop. */
  async leave(): Promise<void> {
    await this.consumer.close();
    await this.running;
    await this.client.close();
  }
}
