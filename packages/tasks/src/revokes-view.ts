import type { Logger } from '@klog/log-core';
import { forgetDeleted, TopicTail } from './topic-tail.js';
import type { TaskTransport } from './transport.js';

/** How often the view forgets the notices retention has deleted (the topic keeps them resultTtlMs). */
const FORGET_DELETED_EVERY_MS = 60_000;

/**
 * The revoke notices of an app, folded from its revokes topic: task id → offset of its latest notice. This is what
 * a worker follows instead of the results topic, which has a record per task state: the revokes topic has one per
 * revoke, so following it costs next to nothing, needs no pacing (a long-poll read brings a notice within
 * milliseconds) and decodes nothing. A notice only says "read this task's state": `revoke` appends it after its
 * REVOKED state was written, and the worker then reads the state from the results topic, which decides (an old
 * notice is history, such as the revoke before a `klog task retry`).
 */
export class RevokesView {
  private readonly notices = new Map<string, number>();
  private readonly listeners = new Set<(id: string) => void>();
  private readonly tail: TopicTail;
  private forgetting: NodeJS.Timeout | undefined;

  constructor(private readonly transport: TaskTransport, private readonly topic: string, private readonly logger: Logger) {
    this.tail = new TopicTail(transport, topic, (r) => {
      if (r.key === null) return;
      if (r.value === null) {
        this.notices.delete(r.key);
        return;
      }
      this.notices.set(r.key, r.offset);
      for (const fn of this.listeners) fn(r.key);
    }, logger);
  }

  /**
   * Follows the topic from its start; resolves once every notice written before the call is read, so that a
   * worker that waits for it before taking tasks knows of every revoke written before it started.
   */
  async follow(): Promise<void> {
    this.forgetting ??= setInterval(() => {
      forgetDeleted(this.transport, this.topic, this.notices, (offset) => offset).catch((err: unknown) => this.logger.warn({ err, topic: this.topic }, 'could not read where the revokes topic starts; expired notices are forgotten later'));
    }, FORGET_DELETED_EVERY_MS).unref();
    await this.tail.sync();
  }

  /** The offset of the latest notice read for `id`, -1 if none. */
  noticeAt(id: string): number {
    return this.notices.get(id) ?? -1;
  }

  /** Calls `fn` with the task id of each notice read from now on; returns how to stop. */
  onNotice(fn: (id: string) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  close(): Promise<void> {
    clearInterval(this.forgetting);
    return this.tail.close();
  }
}
