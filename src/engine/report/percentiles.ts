// Nearest-rank percentiles of a metric over the packets the summary uses.
// Exact: the values are selected, not binned (bench/report.ts measured a
// histogram against this; see docs/report.md). The rank of percentile p out
// of n values is ceil(p * n) (1-based), computed in integers so that p99.999
// of 100 000 values is rank 99 999 and not a float's 100 000.

/** The reported percentiles: p = num / den. Keys are the stable output names. */
export const PERCENTILE_RANKS = [
  { key: 'p50', num: 1, den: 2 },
  { key: 'p90', num: 9, den: 10 },
  { key: 'p99', num: 99, den: 100 },
  { key: 'p99_9', num: 999, den: 1000 },
  { key: 'p99_99', num: 9999, den: 10000 },
  { key: 'p99_999', num: 99999, den: 100000 },
] as const;

export type PercentileKey = (typeof PERCENTILE_RANKS)[number]['key'];

/**
 * A metric's percentiles in ns. Values are doubles: exact up to 2^53 ns
 * (104 days); beyond that the nearest double (relative error below 2^-53).
 */
export type Percentiles = Record<PercentileKey, number>;

/** The 1-based nearest rank ceil(num / den * n), for 1 <= n < 2^32. */
export function nearestRank(n: number, num: number, den: number): number {
  // num * n + den < 2^17 * 2^32: exact in a double, and so is the floor.
  return Math.max(1, Math.floor((num * n + den - 1) / den));
}

/** Moves the k-th smallest (0-based) of a[lo..hi] to a[k], smaller ones before it, larger after. */
function select(a: Float64Array, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    const x = a[lo], y = a[(lo + hi) >>> 1], z = a[hi];
    // Median of three: sorted, tied and reversed inputs stay linear on average.
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return; // a[j+1 .. i-1] all equal the pivot
  }
}

/**
 * The percentiles of `values` (at least one, no NaN). Reorders `values` in
 * place: ranks are selected in increasing order, each in what is left above
 * the previous one, so the six cost about four passes over the values.
 */
export function percentilesOf(values: Float64Array): Percentiles {
  const n = values.length;
  if (n === 0) throw new RangeError('percentiles of no values');
  const out = {} as Percentiles;
  let lo = 0;
  for (const { key, num, den } of PERCENTILE_RANKS) {
    const k = nearestRank(n, num, den) - 1;
    select(values, lo, n - 1, k);
    out[key] = values[k];
    lo = k;
  }
  return out;
}
