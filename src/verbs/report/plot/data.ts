// What the plots draw, computed from the walk's per-packet values: for each
// reported metric a histogram and its time series reduced to pixel columns,
// the deadline misses among the packets, and the packets the statistics
// could not use (not TX timestamped or not received), per column.
import type { PacketValues } from '../../../engine/report/engine.js';
import { REPORTED_METRICS, metricName, type MetricName, type ReportedMetricKey } from '../../../engine/report/metrics.js';
import { histogramOf, type Histogram } from '../histogram-bins.js';
import { columnOf, reduceByColumn, type ColumnExtremes } from './reduce.js';

export interface MetricPlot {
  key: ReportedMetricKey;
  /** The stable name (mac-latency for latency-budget with taprio/txtime). */
  name: MetricName;
  histogram: Histogram;
  series: ColumnExtremes;
  /** The same reduction over the deadline-missing packets only; absent with taprio/txtime. */
  misses?: ColumnExtremes;
}

export interface PlotData {
  /** The walked seqid range. */
  first: number;
  last: number;
  /** Deadline misses in the range (undefined with taprio/txtime, where none are counted). */
  missCount?: number;
  /** Packets of the range the statistics do not use, and per column holding some: [first such seqid, how many]. */
  unusedCount: number;
  unused: Array<[number, number]>;
  metrics: MetricPlot[];
}

/** Pixel columns of the time series and regular bins of the histograms. */
export interface PlotShape {
  columns: number;
  bins: number;
}

/**
 * Deadline misses as the C summary counts them: the TX timestamp after the
 * scheduled time, T > S. latency-budget is S - T for exactly these files
 * (no taprio/txtime), so a miss is a negative latency-budget.
 */
function missIndexes(budget: Float64Array): Uint32Array {
  let n = 0;
  for (let i = 0; i < budget.length; i++) if (budget[i] < 0) n++;
  const out = new Uint32Array(n);
  n = 0;
  for (let i = 0; i < budget.length; i++) if (budget[i] < 0) out[n++] = i;
  return out;
}

/**
 * The plot data of the used packets `p` over the walked range first..last
 * (of every reported metric, or `only` that one).
 * Reorders every metric's values in place (the histograms select ranks;
 * the time series are reduced before that), so afterwards `p` holds each
 * metric's values as a multiset, no longer paired with the seqids.
 */
export function plotData(p: PacketValues, first: number, last: number, macMode: boolean, shape: PlotShape,
  only?: ReportedMetricKey): PlotData {
  const used = new Uint8Array(last - first + 1);
  for (const s of p.seqids) used[s - first] = 1;
  const columns = Math.min(shape.columns, last - first + 1);
  const unusedPerColumn = new Map<number, [number, number]>();
  let unusedCount = 0;
  for (let i = 0; i < used.length; i++) {
    if (used[i]) continue;
    unusedCount++;
    const c = columnOf(first + i, first, last, columns);
    const entry = unusedPerColumn.get(c);
    if (entry) entry[1]++;
    else unusedPerColumn.set(c, [first + i, 1]);
  }
  const misses = macMode ? undefined : missIndexes(p.values['latency-budget']);
  const missSeqids = misses && Float64Array.from(misses, (i) => p.seqids[i]);
  // An .svg plot draws one metric: the others are not reduced.
  const metrics = REPORTED_METRICS.filter(({ key }) => only === undefined || key === only).map(({ key }): MetricPlot => {
    const values = p.values[key];
    const series = reduceByColumn(p.seqids, values, first, last, columns);
    const missReduced = misses && missSeqids && reduceByColumn(missSeqids, Float64Array.from(misses, (i) => values[i]), first, last, columns);
    return { key, name: metricName(key, macMode), series, ...(missReduced ? { misses: missReduced } : {}), histogram: histogramOf(values, shape.bins) };
  });
  return { first, last, ...(misses ? { missCount: misses.length } : {}), unusedCount, unused: [...unusedPerColumn.values()], metrics };
}
