import type { Logger } from '@klog/log-core';
import type { Clock } from '@klog/queue';
import { nextCronTick, parseCron, type CronSchedule } from './cron.js';
import { parseInterval } from './duration.js';
import type { ScheduleClaims } from './schedule-claims.js';

/** A periodic schedule of one task with fixed arguments. */
export interface Schedule {
  /** The task's name. */
  task: string;
  /** '5m' for every(), the cron text for cron(): part of every tick's id. */
  spec: string;
  /** The next tick strictly after a time (epoch ms). */
  next: (afterMs: number) => number | undefined;
  args: Buffer;
  /** Enqueue the ticks missed while no scheduler ran (at most MAX_CATCH_UP), instead of only the next one. */
  catchUp: boolean;
}

export function intervalSchedule(task: string, spec: string | number, args: Buffer, catchUp: boolean): Schedule {
  const every = parseInterval(spec);
  // Aligned to the epoch, so every process computes the same tick times.
  return { task, spec: String(spec), args, catchUp, next: (after) => (Math.floor(after / every) + 1) * every };
}

export function cronSchedule(task: string, spec: string, args: Buffer, catchUp: boolean): Schedule {
  const cron: CronSchedule = parseCron(spec);
  return { task, spec, args, catchUp, next: (after) => nextCronTick(cron, after) };
}

/** The deterministic id of one tick: the same in every process, which is what makes the claims work. */
export function tickId(s: Schedule, tickMs: number): string {
  return `${tickPrefix(s)}${tickMs}`;
}

export function tickPrefix(s: Schedule): string {
  return `tick:${s.task}:${s.spec}:`;
}

const MAX_CATCH_UP = 100;

/**
 * Enqueues each schedule's ticks as they fall due. Every worker process runs one; duplicates are expected and
 * resolved at run time by ScheduleClaims, so there is no leader to elect and none to lose.
 */
export class Scheduler {
  private readonly stop = new AbortController();
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly schedules: readonly Schedule[],
    private readonly enqueueTick: (s: Schedule, tickMs: number) => Promise<void>,
    private readonly claims: ScheduleClaims,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  start(): void {
    for (const s of this.schedules) this.loops.push(this.run(s));
  }

  async close(): Promise<void> {
    this.stop.abort();
    await Promise.all(this.loops);
  }

  private async run(s: Schedule): Promise<void> {
    let after = this.clock.now();
    if (s.catchUp) {
      const last = await this.claims.lastTick(tickPrefix(s)).catch(() => undefined);
      if (last !== undefined) {
        let missed = 0;
        for (let t = s.next(last); t !== undefined && t <= this.clock.now() && missed < MAX_CATCH_UP; t = s.next(t), missed++) {
          await this.fire(s, t);
        }
      }
    }
    while (!this.stop.signal.aborted) {
      const tick = s.next(after);
      if (tick === undefined) return;
      await this.clock.sleep(tick - this.clock.now(), this.stop.signal);
      if (this.stop.signal.aborted) return;
      await this.fire(s, tick);
      // From now, not from the tick: a process that slept through several ticks fires the next one, not a burst.
      after = Math.max(tick, this.clock.now());
    }
  }

  private async fire(s: Schedule, tick: number): Promise<void> {
    try {
      await this.enqueueTick(s, tick);
    } catch (err) {
      this.logger.warn({ err, task: s.task, schedule: s.spec, tick }, 'enqueuing a periodic tick failed; the other schedulers may still enqueue it');
    }
  }
}
