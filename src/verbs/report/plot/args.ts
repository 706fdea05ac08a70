// The values of --histogram, --plot and --plot-metric, checked while the
// options are read (before the file is opened), like --format's.
import { REPORTED_METRICS, type ReportedMetricKey } from '../../../engine/report/metrics.js';
import { ReportBadMetric, ReportBadPlotFile, ReportPlotMetricUnused } from './errors.js';

/** What --plot writes: an .svg of one metric or an .html page of all of them. */
export interface PlotRequest {
  path: string;
  kind: 'svg' | 'html';
  /** The .svg's metric (--plot-metric, default path-delay); an .html page has every metric. */
  metric: ReportedMetricKey;
}

export const DEFAULT_PLOT_METRIC: ReportedMetricKey = 'path-delay';

/** Every name a metric option accepts: the stable names, with mac-latency beside latency-budget. */
export const METRIC_ARG_NAMES: readonly string[] = REPORTED_METRICS.flatMap((m) => ('macName' in m ? [m.key, m.macName] : [m.key]));

/** The metric named `value` (a stable name; mac-latency and latency-budget are the same metric). */
export function parseMetricArg(option: string, value: string): ReportedMetricKey {
  const row = REPORTED_METRICS.find((m) => m.key === value || ('macName' in m && m.macName === value));
  if (!row) throw ReportBadMetric(option, value, METRIC_ARG_NAMES.join(', '));
  return row.key;
}

/** The plot asked by --plot `path` and --plot-metric `metric` ('' = not given). */
export function parsePlotRequest(path: string, metric: string): PlotRequest | undefined {
  if (path === '') {
    if (metric !== '') throw ReportPlotMetricUnused();
    return undefined;
  }
  const kind = /\.svg$/i.test(path) ? 'svg' : /\.html?$/i.test(path) ? 'html' : undefined;
  if (!kind) throw ReportBadPlotFile(path);
  if (kind === 'html' && metric !== '') throw ReportPlotMetricUnused();
  return { path, kind, metric: metric === '' ? DEFAULT_PLOT_METRIC : parseMetricArg('--plot-metric', metric) };
}
