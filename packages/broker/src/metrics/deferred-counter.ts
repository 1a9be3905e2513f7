import { Counter, type CounterConfiguration, type LabelValues } from 'prom-client';

/** One labelled series of a DeferredCounter: add to `n` on the hot path. */
export interface CountSlot {
  n: number;
}

/**
 * A prom-client Counter whose per-request additions are plain number adds on a slot the caller keeps; the sums
 * are handed to the Counter when it is collected (a scrape). Counter.labels(...).inc() validates and hashes the
 * labels on every call, which cost a measurable share of a broker's CPU at tens of thousands of requests a
 * second; what /metrics reports is the same, since a scrape always collects first.
 */
export class DeferredCounter<L extends string> {
  readonly counter: Counter<L>;
  private readonly slots = new Map<string, { labels: LabelValues<L>; slot: CountSlot }>();

  constructor(config: Omit<CounterConfiguration<L>, 'collect'>) {
    this.counter = new SlotCounter(config, this.slots);
  }

  /** The slot of these labels (`key` names them uniquely): look it up once and keep it. */
  slot(key: string, labels: LabelValues<L>): CountSlot {
    let entry = this.slots.get(key);
    if (entry === undefined) {
      entry = { labels, slot: { n: 0 } };
      this.slots.set(key, entry);
      // The series exists from its first addition on, even an addition of 0, as with inc() at once.
      this.counter.inc(labels, 0);
    }
    return entry.slot;
  }
}

/** The Counter itself: adds the slots when collected, and a reset drops what they hold too. */
class SlotCounter<L extends string> extends Counter<L> {
  constructor(config: Omit<CounterConfiguration<L>, 'collect'>, slots: Map<string, { labels: LabelValues<L>; slot: CountSlot }>) {
    super({
      ...config,
      collect(this: Counter<L>) {
        for (const { labels, slot } of slots.values()) {
          if (slot.n === 0) continue;
          this.inc(labels, slot.n);
          slot.n = 0;
        }
      },
    });
    this.slots = slots;
  }

  private readonly slots: Map<string, { labels: LabelValues<L>; slot: CountSlot }> | undefined;

  override reset(): void {
    super.reset();
    // prom-client's constructor calls reset() too, before the slots are set.
    if (this.slots === undefined) return;
    for (const { slot } of this.slots.values()) slot.n = 0;
  }
}
