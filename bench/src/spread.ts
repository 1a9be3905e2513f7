/**
 * How one figure varied over a case's repeated runs. The median is what tables and ratios use (one slow run
 * moves it less than it moves a mean); min and max show how far the runs disagreed.
 */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** How many runs gave a finite value: runs that failed or measured nothing are left out, not counted as 0. */
  count: number;
}

/** The spread of the finite values among `values` (NaN figures when there are none). */
export function spreadOf(values: readonly number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const n = finite.length;
  if (n === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, count: 0 };
  // An even count has two middle values: their mean, so that two runs give a figure between them.
  const median = n % 2 === 1 ? finite[(n - 1) / 2] : (finite[n / 2 - 1] + finite[n / 2]) / 2;
  return { median, min: finite[0], max: finite[n - 1], count: n };
}
