// What `isochron report` was asked to do. The CLI parses argv into this;
// start/stop are already converted the way C strtoul() would (0 = default).
import type { ReportedMetricKey } from '../../engine/report/metrics.js';
import type { PlotRequest } from './plot/args.js';

export interface ReportOptions {
  inputFile: string;
  summary: boolean;
  start: number;
  stop: number;
  printfFormat?: string;
  printfArgs?: string;
  /** --format: how the summary is printed; text is the C tool's (the default). */
  format?: SummaryFormat;
  /** --histogram: print this metric's text histogram after the summary. */
  histogram?: ReportedMetricKey;
  /** --plot (and --plot-metric): write an .svg or .html plot. */
  plot?: PlotRequest;
}

export const SUMMARY_FORMATS = ['text', 'json', 'csv'] as const;
export type SummaryFormat = (typeof SUMMARY_FORMATS)[number];
