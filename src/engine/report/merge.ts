// Several runs' walks (`report -F a.dat -F b.dat ...`) merged into one walk
// of their union, which summarize() then treats like the walk of one file:
// counts and sums add up; min and max are the extremes over all files, each
// naming its file; mean and stddev are those of the union (combined from each
// file's n, mean and stddev, so no value is read twice); percentiles are
// selected over the concatenated values. The C tool has no such mode (its
// parser keeps the last -F); a single file never comes through here.
import { METRICS, REPORTED_METRICS, type MetricKey, type MetricStats, type ReportedMetricKey } from './metrics.js';
import { percentilesOf } from './percentiles.js';
import type { WalkCounts } from './summary.js';

/** One file's finished walk (with keepValues when percentiles are wanted). */
export interface RunWalk {
  /** The path as given: it names the extremes. */
  file: string;
  walk: WalkCounts;
}

/** Combines one metric over the files that used packets; `runs` in argv order. */
function mergeMetric(key: MetricKey, runs: readonly RunWalk[]): MetricStats {
  const parts = runs.filter((r) => r.walk.metrics && r.walk.frameCount > 0);
  const n = parts.reduce((s, r) => s + r.walk.frameCount, 0);
  const mean = parts.reduce((s, r) => s + r.walk.frameCount * r.walk.metrics![key].mean, 0) / n;
  // The union's population variance: each file's variance plus the square of
  // its mean's distance to the union's mean, weighted by its count.
  const variance = parts.reduce((s, r) => {
    const m = r.walk.metrics![key];
    return s + r.walk.frameCount * (m.stddev * m.stddev + (m.mean - mean) ** 2);
  }, 0) / n;
  let min = parts[0];
  let max = parts[0];
  // On a tie the later file wins, as within a file the later (higher) seqid does.
  for (const r of parts) {
    if (r.walk.metrics![key].min <= min.walk.metrics![key].min) min = r;
    if (r.walk.metrics![key].max >= max.walk.metrics![key].max) max = r;
  }
  const lo = min.walk.metrics![key];
  const hi = max.walk.metrics![key];
  return {
    min: lo.min, seqidOfMin: lo.seqidOfMin, fileOfMin: min.file,
    max: hi.max, seqidOfMax: hi.seqidOfMax, fileOfMax: max.file,
    mean, stddev: Math.sqrt(Math.max(0, variance)),
  };
}

/** The percentiles of one reported metric over every file's values (which each walk must have kept). */
function unionPercentiles(key: ReportedMetricKey, runs: readonly RunWalk[], n: number): MetricStats['percentiles'] {
  const all = new Float64Array(n);
  let at = 0;
  for (const r of runs) {
    const v = r.walk.values?.[key];
    if (r.walk.frameCount === 0) continue;
    if (!v) throw new Error(`no values kept for ${r.file}: walk it with keepValues`);
    all.set(v, at);
    at += v.length;
  }
  return percentilesOf(all);
}

/**
 * The walk of the union of `runs` (at least two, in argv order). With
 * `percentiles` every run must carry its values (WalkCounts.values); they
 * are released as they are used.
 */
export function mergeWalks(runs: readonly RunWalk[], percentiles: boolean): WalkCounts {
  const sum = (f: (w: WalkCounts) => number): number => runs.reduce((s, r) => s + f(r.walk), 0);
  const merged: WalkCounts = {
    sendRecords: sum((w) => w.sendRecords),
    notTxTimestamped: sum((w) => w.notTxTimestamped),
    notReceived: sum((w) => w.notReceived),
    frameCount: sum((w) => w.frameCount),
    deadlineMisses: sum((w) => w.deadlineMisses),
    txSyncSum: sum((w) => w.txSyncSum),
    rxSyncSum: sum((w) => w.rxSyncSum),
    pathDelaySum: sum((w) => w.pathDelaySum),
  };
  if (merged.frameCount === 0 || !runs.some((r) => r.walk.metrics)) return merged;
  const metrics = {} as Record<MetricKey, MetricStats>;
  for (const { key } of METRICS) metrics[key] = mergeMetric(key, runs);
  if (percentiles) {
    for (const { key } of REPORTED_METRICS) metrics[key].percentiles = unionPercentiles(key, runs, merged.frameCount);
  }
  merged.metrics = metrics;
  return merged;
}
