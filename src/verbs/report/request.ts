// What `isochron report` was asked to do. The CLI parses argv into this;
// start/stop are already converted the way C strtoul() would (0 = default).
import type { FailIfCondition } from './fail-if.js';
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
  /** --packets: one row per packet with named columns instead of printf lines (packets.ts). */
  packets?: PacketFormat;
  /** Ours: -F given more than once: every file in argv order, summarised as one (inputFile is the last, C's). */
  inputFiles?: string[];
  /** Ours: --compare A B (src/verbs/report/compare.ts). */
  compare?: [string, string];
  /** Ours: --fail-if gates (src/verbs/report/fail-if.ts). */
  failIf?: FailIfCondition[];
  /** --histogram: print this metric's text histogram after the summary. */
  histogram?: ReportedMetricKey;
  /** --plot (and --plot-metric): write an .svg or .html plot. */
  plot?: PlotRequest;
}

export const SUMMARY_FORMATS = ['text', 'json', 'csv'] as const;
export type SummaryFormat = (typeof SUMMARY_FORMATS)[number];

export const PACKET_FORMATS = ['csv', 'jsonl'] as const;
export type PacketFormat = (typeof PACKET_FORMATS)[number];
