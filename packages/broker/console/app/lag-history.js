// Each consumer group's summed lag over the last minutes, from the `groups` samples of /api/v1/events (one a
// second). Kept in the tab, not on the server: the broker stores no history, and a tab that has been open
// longer simply shows more of it. No imports: this module is tested on its own under Node.

/** @typedef {{ time: number, lag: Record<string, number> }} GroupsSample */

/** A ring of the last `capacity` samples per group, oldest first. */
export class LagHistory {
  /** @param {number} capacity */
  constructor(capacity) {
    this.capacity = capacity;
    /** @type {Map<string, { time: number[], lag: number[] }>} */
    this.groups = new Map();
  }

  /**
   * A group missing from a sample (deleted) keeps its history, but gets no new point: its line stops where it
   * was last seen rather than falling to zero, which would read as "caught up".
   * @param {GroupsSample} sample
   */
  push(sample) {
    for (const [groupId, lag] of Object.entries(sample.lag)) {
      let h = this.groups.get(groupId);
      if (!h) this.groups.set(groupId, (h = { time: [], lag: [] }));
      h.time.push(sample.time / 1000);
      h.lag.push(lag);
      if (h.time.length > this.capacity) {
        h.time.splice(0, h.time.length - this.capacity);
        h.lag.splice(0, h.lag.length - this.capacity);
      }
    }
  }

  /** Columns as uPlot wants them (seconds since the epoch, then the lag), copied so a chart sees each change. @param {string} groupId */
  columns(groupId) {
    const h = this.groups.get(groupId);
    return { time: h ? [...h.time] : [], lag: h ? [...h.lag] : [] };
  }
}
