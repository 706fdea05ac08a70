// Nearest-rank percentiles of a metric over the packets the summary uses.
// Exact: the values are selected, not binned (a histogram was measured
// against this; see docs/report.md). The rank of percentile p out
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

/** Swaps a[i] and a[j]. */
function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/**
 * Moves the k-th smallest (0-based) of a[lo..hi] to a[k], smaller or equal
 * ones before it, larger or equal after (Floyd and Rivest's SELECT, CACM
 * 1975: on a large range it first selects within a small sample around the
 * expected position, so that the partition around a[k] leaves little to
 * scan: about n + min(k, n - k) comparisons instead of quickselect's ~3n).
 */
function select(a: Float64Array, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    if (hi - lo > 600) {
      const n = hi - lo + 1;
      const i = k - lo + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (i < n / 2 ? -1 : 1);
      select(a, Math.max(lo, Math.floor(k - (i * s) / n + sd)), Math.min(hi, Math.floor(k + ((n - i) * s) / n + sd)), k);
    }
    const pivot = a[k];
    let i = lo;
    let j = hi;
    swap(a, lo, k);
    if (a[hi] > pivot) swap(a, hi, lo);
    while (i < j) {
      swap(a, i, j);
      i++;
      j--;
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
    }
    if (a[lo] === pivot) swap(a, lo, j);
    else swap(a, ++j, hi);
    if (j <= k) lo = j + 1;
    if (k <= j) hi = j - 1;
  }
}

/**
 * The values at the given 1-based ranks (any order, each 1..n) of
 * `values` in ascending order. Reorders `values` in place: ranks are
 * selected in increasing order, each in what is left above the previous
 * one, so a handful of ranks cost about two passes over the values.
 */
export function valuesAtRanks(values: Float64Array, ranks: readonly number[]): number[] {
  const n = values.length;
  const out = new Array<number>(ranks.length);
  let lo = 0;
  for (const i of ranks.map((_, j) => j).sort((a, b) => ranks[a] - ranks[b])) {
    const k = ranks[i] - 1;
    if (!(k >= 0 && k < n)) throw new RangeError(`rank ${ranks[i]} of ${n} values`);
    select(values, lo, n - 1, k);
    out[i] = values[k];
    lo = k;
  }
  return out;
}

/** The percentiles of `values` (at least one, no NaN). Reorders `values` in place (valuesAtRanks). */
export function percentilesOf(values: Float64Array): Percentiles {
  const n = values.length;
  if (n === 0) throw new RangeError('percentiles of no values');
  const at = valuesAtRanks(values, PERCENTILE_RANKS.map(({ num, den }) => nearestRank(n, num, den)));
  const out = {} as Percentiles;
  PERCENTILE_RANKS.forEach(({ key }, i) => {
    out[key] = at[i];
  });
  return out;
}
