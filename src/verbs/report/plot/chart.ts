// One metric's chart as an Apache ECharts option (plain data; rendering is
// render.ts): on top its histogram, bars on a log count axis with the
// percentiles marked; below its time series against seqid, drawn through
// each pixel column's min and max, with the deadline misses in red and the
// packets the statistics could not use (not TX timestamped or not
// received) as grey marks along the bottom.
import { percentileLabel } from '../histogram-bins.js';
import type { MetricPlot, PlotData, PlotShape } from './data.js';
import { columnPoints } from './reduce.js';

/** Size of one metric's chart in px; the time series' plot area is `columns` px wide. */
export const CHART = { width: 960, height: 600, left: 90, right: 30 } as const;
/** Pixel columns of the time series: one per px of its plot area. */
export const SERIES_COLUMNS = CHART.width - CHART.left - CHART.right;
/** Pixel columns of the time series and regular bins of the histograms (plotData's shape). */
export const PLOT_SHAPE: PlotShape = { columns: SERIES_COLUMNS, bins: 60 };

const COLOR = { line: '#1f5fa8', miss: '#d62728', unused: '#7f7f7f', bar: '#4c8cc9', mark: '#b35900' };

/** Every column's extremes of the deadline-missing packets. */
function missPoints(m: MetricPlot): Array<[number, number]> {
  const r = m.misses;
  if (!r) return [];
  const pts: Array<[number, number]> = [];
  for (let c = 0; c < r.columns; c++) {
    if (r.count[c] === 0) continue;
    pts.push([r.maxSeqid[c], r.max[c]]);
    if (r.minSeqid[c] !== r.maxSeqid[c]) pts.push([r.minSeqid[c], r.min[c]]);
  }
  return pts;
}

/** The bin's label on the histogram's axis: its first value (tails: their range). */
function binLabel(lo: number, hi: number, tail: boolean): string {
  return tail ? `${lo}..${hi - 1}` : String(lo);
}

/**
 * The ECharts option of metric `m` of `data`: `title` heads the chart
 * (file name, packets). Animation is off: server-side rendering draws the
 * final frame only.
 */
export function metricChartOption(data: PlotData, m: MetricPlot, title: string): Record<string, unknown> {
  const h = m.histogram;
  const categories = h.bins.map((b) => binLabel(b.lo, b.hi, b.tail !== undefined));
  const marksByBin = new Map<number, string[]>();
  for (const mark of h.marks) marksByBin.set(mark.bin, [...(marksByBin.get(mark.bin) ?? []), percentileLabel(mark.key)]);
  let yMin = Infinity;
  for (let c = 0; c < m.series.columns; c++) if (m.series.count[c] > 0 && m.series.min[c] < yMin) yMin = m.series.min[c];
  const missName = `deadline misses (${data.missCount ?? 0})`;
  const unusedName = `not TX timestamped or not received (${data.unusedCount})`;
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: 'sans-serif' },
    title: { text: `${m.name} (ns)`, subtext: title, left: CHART.left, top: 4, textStyle: { fontSize: 15 } },
    legend: {
      top: 310, right: CHART.right, itemGap: 24, textStyle: { fontSize: 11 },
      data: [m.name, ...(data.missCount !== undefined ? [missName] : []), unusedName],
    },
    grid: [
      { left: CHART.left, right: CHART.right, top: 80, height: 190 },
      { left: CHART.left, right: CHART.right, top: 345, height: 210 },
    ],
    xAxis: [
      { gridIndex: 0, type: 'category', data: categories, name: 'ns (percentiles dashed)', nameLocation: 'middle', nameGap: 24, axisLabel: { fontSize: 10 } },
      { gridIndex: 1, type: 'value', min: data.first, max: data.last, name: 'seqid (the line joins each pixel column\'s min and max)', nameLocation: 'middle', nameGap: 24 },
    ],
    yAxis: [
      { gridIndex: 0, type: 'log', logBase: 10, min: 1, name: 'count (log scale)', nameTextStyle: { align: 'left' } },
      { gridIndex: 1, type: 'value', scale: true, name: 'ns', nameTextStyle: { align: 'right' } },
    ],
    series: [
      {
        // Bars rise from 1 on a log axis: a bin of one packet would have no height without barMinHeight.
        type: 'bar', xAxisIndex: 0, yAxisIndex: 0, barCategoryGap: '10%', barMinHeight: 4, itemStyle: { color: COLOR.bar },
        // A log axis has no 0: empty bins are left out.
        data: h.bins.map((b) => (b.count > 0 ? b.count : null)),
        markLine: {
          symbol: 'none', silent: true, lineStyle: { color: COLOR.mark, type: 'dashed' },
          // Along the line, inside the plot: neighbouring bins' labels do not collide.
          label: { formatter: '{b}', position: 'insideEndTop', color: COLOR.mark, fontSize: 10 },
          data: [...marksByBin].map(([bin, names]) => ({ name: names.join(' '), xAxis: categories[bin] })),
        },
      },
      {
        name: m.name, type: 'line', xAxisIndex: 1, yAxisIndex: 1, showSymbol: false, connectNulls: false,
        lineStyle: { width: 1, color: COLOR.line }, itemStyle: { color: COLOR.line }, data: columnPoints(m.series),
      },
      ...(data.missCount !== undefined ? [{
        name: missName, type: 'scatter', xAxisIndex: 1, yAxisIndex: 1, symbolSize: 4,
        itemStyle: { color: COLOR.miss }, data: missPoints(m),
      }] : []),
      {
        name: unusedName, type: 'scatter', xAxisIndex: 1, yAxisIndex: 1, symbol: 'triangle', symbolSize: 6,
        itemStyle: { color: COLOR.unused },
        data: Number.isFinite(yMin) ? data.unused.map(([seqid]) => [seqid, yMin]) : [],
      },
    ],
  };
}
