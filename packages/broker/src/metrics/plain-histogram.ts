import type { LabelValues, Metric, Registry } from 'prom-client';

/** One labelled series of a PlainHistogram. */
export class HistogramSeries {
  /** Observations per bucket (not cumulative); the last counts those above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[], readonly labels: Record<string, string>) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]) i++;
    this.counts[i]++;
    this.sum += value;
    this.count++;
  }
}

/**
 * A histogram kept in plain numbers and registered with a prom-client Registry, which reads it at scrape time
 * through the same get() and value shapes as prom-client's own Histogram (buckets with `le`, then +Inf, _sum and
 * _count per series, in the order the series first appeared), so the exposition text is the same. Histogram's
 * observe() validates and hashes its labels on every call: the broker observes once per request.
 */
export class PlainHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, HistogramSeries>();

  constructor(readonly name: string, readonly help: string, private readonly bounds: readonly number[], registry: Registry) {
    // registerMetric is typed for prom-client's classes, but the registry needs only name, get() and reset().
    registry.registerMetric(this as unknown as Metric);
  }

  /** The series of these labels (`key` names them uniquely): look it up once and keep it. */
  labelled(key: string, labels: LabelValues<L>): HistogramSeries {
    let s = this.series.get(key);
    if (s === undefined) {
      s = new HistogramSeries(this.bounds, labels as Record<string, string>);
      this.series.set(key, s);
    }
    return s;
  }

  /** The series stay (callers keep them), emptied: one is reported again from its next observation on. */
  reset(): void {
    for (const s of this.series.values()) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }

  /** As prom-client's Histogram.getForPromString: series labels kept apart as sharedLabels. */
  getForPromString(): { name: string; help: string; type: string; aggregator: string; values: ExportValue[] } {
    const values: ExportValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.series.values()) {
      if (s.count === 0) continue; // made but not observed yet, or reset since: not a series yet, as in prom-client
      let acc = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        acc += s.counts[i];
        values.push({ labels: { le: this.bounds[i] }, sharedLabels: s.labels, value: acc, metricName: bucket, exemplar: null });
      }
      values.push({ labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: bucket, exemplar: null });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum`, exemplar: undefined });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count`, exemplar: undefined });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** As prom-client's Histogram.get (getMetricsAsJSON): the series labels merged into each value's labels. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Omit<ExportValue, 'sharedLabels'>[] }> {
    const data = this.getForPromString();
    return { ...data, values: data.values.map(({ sharedLabels, labels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } })) };
  }
}

interface ExportValue {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
  metricName: string;
  exemplar: null | undefined;
}
