import { QueueManager, type AckRequest, type Delivery, type QueueStore } from '@klog/queue';
import type { KlogError, Logger } from '@klog/log-core';

/** One member of one queue, as the broker knows it: who it is, where it connects from, when it was last heard. */
interface Member {
  queue: string;
  memberId: string;
  clientHost: string;
  lastSeen: number;
  /** Requests of this member in progress: a member waiting in a long-poll is not idle. */
  busy: number;
  /** Connections it used; when one closes, the member is gone. */
  connections: Set<AbortSignal>;
}

export interface MemberInfo {
  memberId: string;
  clientHost: string;
  idleMs: number;
}

/** Where a request came from: the connection's close signal and the peer's address. */
export interface MemberOrigin {
  closed: AbortSignal;
  clientHost: string;
}

/**
 * The broker's queues: one QueueManager over the broker's store, and the sessions of its members. A member is
 * known by the id its client chose; it stays a member while it fetches or acknowledges (an empty acknowledgement
 * is a heartbeat). A member silent for the session timeout, or whose connection closes, leaves: every record it
 * holds is available again at once, rather than when its lock runs out.
 */
export class QueueHost {
  private readonly members = new Map<string, Member>();
  private readonly sweeper: NodeJS.Timeout;
  /**
   * Per connection: a signal for "the connection closed or the fetch must stop", made once and not per fetch.
   * AbortSignal.any per fetch cost a few % of a busy broker's time and left a dependent signal on the connection's
   * until collected.
   */
  private readonly fetchSignals = new WeakMap<AbortSignal, { stop: AbortSignal; either: AbortSignal }>();

  private constructor(
    readonly manager: QueueManager,
    private readonly sessionTimeoutMs: number,
    private readonly logger: Logger,
  ) {
    // Sessions are checked a few times per timeout: a member is dropped at most a quarter timeout late.
    this.sweeper = setInterval(() => this.expire(), Math.max(10, Math.floor(sessionTimeoutMs / 4)));
    this.sweeper.unref();
  }

  static async open(store: QueueStore, opts: { sessionTimeoutMs: number; logger: Logger }): Promise<QueueHost> {
    const manager = await QueueManager.open(store, { logger: opts.logger });
    return new QueueHost(manager, opts.sessionTimeoutMs, opts.logger);
  }

  /** Locks up to `max` records to the member, waiting up to maxWaitMs (or until `stop`) while there are none. */
  async fetch(queue: string, memberId: string, origin: MemberOrigin, opts: { max: number; maxWaitMs: number; stop: AbortSignal }): Promise<Delivery[]> {
    return this.during(queue, memberId, origin, async (m) => {
      const signal = this.closedOrStopped(origin.closed, opts.stop);
      const got = await this.manager.acquire(queue, memberId, { max: opts.max, maxWaitMs: opts.maxWaitMs, signal });
      // The member left, or its connection closed, while the records were being locked: nobody will take them.
      const gone = origin.closed.aborted || this.members.get(key(queue, memberId)) !== m;
      if (gone && got.length > 0) await this.manager.leave(queue, memberId);
      return gone ? [] : got;
    });
  }

  private closedOrStopped(closed: AbortSignal, stop: AbortSignal): AbortSignal {
    const known = this.fetchSignals.get(closed);
    if (known !== undefined && known.stop === stop) return known.either;
    const either = AbortSignal.any([closed, stop]);
    this.fetchSignals.set(closed, { stop, either });
    return either;
  }

  async acknowledge(queue: string, memberId: string, origin: MemberOrigin, acks: AckRequest[]): Promise<(KlogError | undefined)[]> {
    return this.during(queue, memberId, origin, () => this.manager.acknowledge(queue, memberId, acks));
  }

  async leave(queue: string, memberId: string): Promise<void> {
    this.members.delete(key(queue, memberId));
    await this.manager.leave(queue, memberId);
  }

  membersOf(queue: string): MemberInfo[] {
    const now = Date.now();
    return [...this.members.values()].filter((m) => m.queue === queue)
      .map((m) => ({ memberId: m.memberId, clientHost: m.clientHost, idleMs: m.busy > 0 ? 0 : Math.max(0, now - m.lastSeen) }));
  }

  memberCount(queue: string): number {
    let n = 0;
    for (const m of this.members.values()) if (m.queue === queue) n++;
    return n;
  }

  /** The queue is gone: so are its members' sessions. */
  forget(queue: string): void {
    for (const [k, m] of this.members) if (m.queue === queue) this.members.delete(k);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.members.clear();
    await this.manager.close();
  }

  /** Runs a member's request with its session kept alive; checks the queue first so that strangers leave no session. */
  private async during<T>(queue: string, memberId: string, origin: MemberOrigin, work: (m: Member) => Promise<T>): Promise<T> {
    this.manager.config(queue); // UNKNOWN_QUEUE before any session is made
    const m = this.touch(queue, memberId, origin);
    m.busy++;
    try {
      return await work(m);
    } finally {
      m.busy--;
      m.lastSeen = Date.now();
    }
  }

  private touch(queue: string, memberId: string, origin: MemberOrigin): Member {
    const k = key(queue, memberId);
    let m = this.members.get(k);
    if (m === undefined) {
      m = { queue, memberId, clientHost: origin.clientHost, lastSeen: Date.now(), busy: 0, connections: new Set() };
      this.members.set(k, m);
    }
    m.lastSeen = Date.now();
    if (!m.connections.has(origin.closed)) {
      const member = m;
      member.connections.add(origin.closed);
      origin.closed.addEventListener('abort', () => this.drop(member, 'connection closed'), { once: true });
    }
    return m;
  }

  private expire(): void {
    const now = Date.now();
    for (const m of this.members.values()) {
      if (m.busy === 0 && now - m.lastSeen >= this.sessionTimeoutMs) this.drop(m, 'session timed out');
    }
  }

  private drop(m: Member, why: string): void {
    const k = key(m.queue, m.memberId);
    if (this.members.get(k) !== m) return;
    this.members.delete(k);
    this.logger.info({ queue: m.queue, memberId: m.memberId, why }, 'queue member left; its records are available again');
    this.manager.leave(m.queue, m.memberId).catch((err: unknown) => {
      this.logger.debug({ err, queue: m.queue, memberId: m.memberId }, 'releasing a departed member\'s records failed');
    });
  }
}

function key(queue: string, memberId: string): string {
  return `${queue}\u0000${memberId}`;
}
