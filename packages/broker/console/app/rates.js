// Turns the broker's cumulative counters (one `stats` sample a second on /api/v1/events) into rates. The server
// sends totals rather than rates so that a lost or late sample costs nothing: the next one still gives the right
// average over the gap. No imports: this module is tested on its own under Node.

/**
 * @typedef {{ time: number, producedRecords: number, producedBytes: number, fetchedRecords: number,
 *   fetchedBytes: number, connections: number | Record<string, number> }} StatsSample
 * @typedef {{ time: number, producedRecords: number, producedMB: number, fetchedRecords: number, fetchedMB: number }} Rate
 */

/**
 * Per-second rates between two samples; null when they cannot be compared (time did not advance, or a counter
 * went backwards: the broker restarted).
 * @param {StatsSample} prev @param {StatsSample} next @returns {Rate | null}
 */
export function rateBetween(prev, next) {
  const seconds = (next.time - prev.time) / 1000;
  if (!(seconds > 0)) return null;
  const keys = /** @type {const} */ (['producedRecords', 'producedBytes', 'fetchedRecords', 'fetchedBytes']);
  if (keys.some((k) => next[k] < prev[k])) return null;
  const per = (/** @type {typeof keys[number]} */ k) => (next[k] - prev[k]) / seconds;
  return {
    time: next.time,
    producedRecords: per('producedRecords'),
    producedMB: per('producedBytes') / 1e6,
    fetchedRecords: per('fetchedRecords'),
    fetchedMB: per('fetchedBytes') / 1e6,
  };
}

/** The rates of the last `capacity` samples, oldest first, fed one sample at a time. */
export class RateHistory {
  /** @param {number} capacity */
  constructor(capacity) {
    this.capacity = capacity;
    /** @type {Rate[]} */
    this.rates = [];
    /** @type {StatsSample | null} */
    this.last = null;
  }

  /** @param {StatsSample} sample */
  push(sample) {
    const rate = this.last ? rateBetween(this.last, sample) : null;
    this.last = sample;
    if (!rate) return;
    this.rates.push(rate);
    if (this.rates.length > this.capacity) this.rates.splice(0, this.rates.length - this.capacity);
  }

  /** Columns as uPlot wants them: seconds since the epoch, then one array per series. */
  columns() {
    const r = this.rates;
    return {
      time: r.map((x) => x.time / 1000),
      producedRecords: r.map((x) => x.producedRecords),
      fetchedRecords: r.map((x) => x.fetchedRecords),
      producedMB: r.map((x) => x.producedMB),
      fetchedMB: r.map((x) => x.fetchedMB),
    };
  }
}
