// Value bins for a metric's histogram, shared by the text histogram
// (--histogram) and the plots (--plot). Bins are equally wide with a
// "nice" width (1, 2 or 5 times a power of ten ns) aligned to multiples of
// it, so their edges read as round numbers. When a few outliers stretch the
// range so far that the bulk of the packets would fall into a handful of
// bins, the bins cover the central 99.8 % (0.1 % and 99.9 % nearest-rank
// values) and the tails on either side get one bin each: the shape of the
// bulk stays readable and the outliers are still counted and marked.
import { PERCENTILE_RANKS, nearestRank, valuesAtRanks, type PercentileKey } from '../../engine/report/percentiles.js';

/** One bin: values v with lo <= v < hi (ns); `tail` for the outlier bins. */
export interface HistogramBin {
  lo: number;
  hi: number;
  count: number;
  tail?: 'low' | 'high';
}

/** A percentile of the values and the index of the bin holding it. */
export interface PercentileMark {
  key: PercentileKey;
  value: number;
  bin: number;
}

export interface Histogram {
  count: number;
  min: number;
  max: number;
  /** Width of the regular (non-tail) bins, ns. */
  width: number;
  bins: HistogramBin[];
  marks: PercentileMark[];
}

/** The smallest width in {1, 2, 5} x 10^k ns (at least 1) that covers [lo, hi] in at most `target` aligned bins. */
export function niceWidth(lo: number, hi: number, target: number): number {
  for (let pow = 1; ; pow *= 10) {
    for (const m of [1, 2, 5]) {
      const w = m * pow;
      if (Math.floor(hi / w) - Math.floor(lo / w) + 1 <= target) return w;
    }
  }
}

/** The index of the bin holding v (bins cover min..max without gaps). */
export function binIndex(bins: readonly HistogramBin[], v: number): number {
  let lo = 0;
  let hi = bins.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (bins[mid].lo <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The histogram of integer ns values (at least one, any order), with at
 * most `target` + 1 regular bins (plus up to two tail bins) and the
 * report's percentiles marked. Reorders `values` in place (the ranks are
 * selected, not sorted: O(n)); their multiset is unchanged.
 */
export function histogramOf(values: Float64Array, target = 20): Histogram {
  const n = values.length;
  if (n === 0) throw new RangeError('histogram of no values');
  let min = values[0];
  let max = values[0];
  for (let i = 1; i < n; i++) {
    const v = values[i];
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  const ranks = [nearestRank(n, 1, 1000), nearestRank(n, 999, 1000), ...PERCENTILE_RANKS.map((p) => nearestRank(n, p.num, p.den))];
  const [bodyLo, bodyHi, ...pct] = valuesAtRanks(values, ranks);
  let width = niceWidth(min, max, target);
  let lo = min;
  let hi = max;
  // The central 99.8 % fits in under a quarter of the bins: the tails
  // squeeze the bulk, so bin the bulk and give each tail a bin.
  if (Math.floor(bodyHi / width) - Math.floor(bodyLo / width) + 1 < target / 4) {
    lo = bodyLo;
    hi = bodyHi;
    width = niceWidth(lo, hi, target);
  }
  const first = Math.floor(lo / width) * width;
  const last = Math.floor(hi / width) * width;
  const bins: HistogramBin[] = [];
  const lowTail = min < first;
  if (lowTail) bins.push({ lo: min, hi: first, count: 0, tail: 'low' });
  for (let b = first; b <= last; b += width) bins.push({ lo: b, hi: b + width, count: 0 });
  const regular = bins.length - (lowTail ? 1 : 0);
  const highTail = max >= last + width;
  if (highTail) bins.push({ lo: last + width, hi: max + 1, count: 0, tail: 'high' });
  const counts = new Float64Array(bins.length);
  const offset = lowTail ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    // Integers below 2^53: (v - first) / width floors to the exact bin.
    const k = Math.floor((v - first) / width);
    counts[k < 0 ? 0 : k >= regular ? bins.length - 1 : k + offset]++;
  }
  bins.forEach((bin, i) => {
    bin.count = counts[i];
  });
  const marks = PERCENTILE_RANKS.map(({ key }, i) => ({ key, value: pct[i], bin: binIndex(bins, pct[i]) }));
  return { count: n, min, max, width, bins, marks };
}

/** A percentile key as people write it: p99_9 -> p99.9. */
export function percentileLabel(key: PercentileKey): string {
  return key.replace('_', '.');
}
