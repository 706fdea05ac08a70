// `isochron report`: the option table, producing the ReportOptions that
// src/verbs/report/run.ts consumes. Escape sequences in the format are handled by
// the report itself (C does it after parsing, with its own errors).
import type { VerbSpec } from '../../args/spec.js';
import { HELP_OPTION, PATH_LIMIT } from '../../args/spec.js';
import type { ResolvedOptions } from '../../args/resolve.js';
import { SUMMARY_FORMATS, PACKET_FORMATS, type ReportOptions, type SummaryFormat, type PacketFormat } from './request.js';
import { ReportBadFormat, ReportBadPackets, ReportPacketsConflict } from './errors.js';
import { RUNS_OPTIONS, buildRunsOptions } from './runs-options.js';
import { documented } from '../../args/option-docs.js';
import { REPORT_OPTION_DOCS } from './option-docs.js';
import { METRIC_ARG_NAMES, parseMetricArg, parsePlotRequest } from './plot/args.js';
import { ReportViewsConflict } from './plot/errors.js';

/** ISOCHRON_LOG_PRINTF_BUF_SIZE - 1 and ISOCHRON_LOG_PRINTF_MAX_NUM_ARGS - 1. */
const PRINTF_FORMAT_LIMIT = 4095;
const PRINTF_ARGS_LIMIT = 255;
/** --format's value is one short word; anything this long is already wrong. */
const FORMAT_LIMIT = 64;

export const REPORT_SPEC: VerbSpec = documented({
  usageName: 'isochron-report',
  options: [
    HELP_OPTION,
    // Repeatable (ours): several -F are merged (C keeps the last); one -F is C's.
    { short: '-F', long: '--input-file', key: 'inputFile', kind: 'filepath', optional: true, limit: PATH_LIMIT, repeatable: true },
    { short: '-m', long: '--summary', key: 'summary', kind: 'bool', optional: true },
    { short: '-s', long: '--start', key: 'start', kind: 'unsigned', optional: true },
    { short: '-S', long: '--stop', key: 'stop', kind: 'unsigned', optional: true },
    { short: '-f', long: '--printf-format', key: 'printfFormat', kind: 'string', optional: true, limit: PRINTF_FORMAT_LIMIT },
    { short: '-a', long: '--printf-args', key: 'printfArgs', kind: 'string', optional: true, limit: PRINTF_ARGS_LIMIT },
    // Ours, after the C tool's options (docs/report.md).
    { short: '-O', long: '--format', key: 'format', kind: 'string', optional: true, limit: FORMAT_LIMIT },
    {
      short: '-P', long: '--packets', key: 'packets', kind: 'string', optional: true, limit: FORMAT_LIMIT,
      doc: {
        meaning: 'One row per packet instead of printf lines: seqid, its timestamps and each metric in ns, as csv (with a header row) or jsonl (one JSON object a line); alone, not with --summary, --format or --printf-format/--printf-args',
        example: '--packets csv',
      },
    },
    ...RUNS_OPTIONS,
    { short: '-H', long: '--histogram', key: 'histogram', kind: 'string', optional: true, limit: FORMAT_LIMIT, doc: {
      meaning: `Print a text histogram of this metric (log count scale, percentiles marked, 80 columns) after the summary; one of ${METRIC_ARG_NAMES.join(', ')}`,
      example: '--histogram path-delay' } },
    { short: '-g', long: '--plot', key: 'plot', kind: 'filepath', optional: true, limit: PATH_LIMIT, doc: {
      meaning: 'Write a plot: FILE.svg, one metric\'s histogram and time series; FILE.html, a self-contained page with the summary and every metric',
      example: '--plot run.html' } },
    { short: '-M', long: '--plot-metric', key: 'plotMetric', kind: 'string', optional: true, limit: FORMAT_LIMIT, doc: {
      meaning: 'The metric of an .svg plot (with --plot FILE.svg); a metric name as for --histogram', default: 'path-delay',
      example: '--plot delay.svg --plot-metric wakeup-latency' } },
  ],
}, REPORT_OPTION_DOCS);

export const DEFAULT_REPORT_FILE = 'isochron.dat';

export function buildReportOptions(r: ResolvedOptions): ReportOptions {
  // In C an empty string and an absent option are the same buffer state.
  const printfFormat = r.text('printfFormat', '');
  const printfArgs = r.text('printfArgs', '');
  const format = r.text('format', '');
  // Ours, unlike C's strings: an empty value is a value (`--format "$FMT"` with FMT unset), not the option left out.
  if (given(r, 'format') && !(SUMMARY_FORMATS as readonly string[]).includes(format)) throw ReportBadFormat(format);
  const packets = r.text('packets', '');
  if (given(r, 'packets')) checkPackets(packets, r.flag('summary') ? '--summary' : format !== '' ? '--format'
    : printfFormat !== '' ? '--printf-format' : printfArgs !== '' ? '--printf-args'
      : r.texts('inputFile').length > 1 ? 'several -F' : r.texts('compare').length > 0 ? '--compare'
        : r.texts('failIf').length > 0 ? '--fail-if' : undefined);
  const histogram = r.text('histogram', '');
  const plot = parsePlotRequest(r.text('plot', ''), r.text('plotMetric', ''));
  if (histogram !== '' || plot) {
    // The histogram and plots draw one run's values (the merged and gated paths keep theirs apart).
    const other = packets !== '' ? '--packets' : r.texts('inputFile').length > 1 ? 'several -F'
      : r.texts('compare').length > 0 ? '--compare' : r.texts('failIf').length > 0 ? '--fail-if' : undefined;
    if (other) throw ReportViewsConflict(histogram !== '' ? '--histogram' : '--plot', other);
  }
  return {
    inputFile: r.text('inputFile', '') || DEFAULT_REPORT_FILE,
    // --format asks for the summary in that format, so it implies --summary.
    summary: r.flag('summary') || format !== '',
    // 0 means "default" (start 1, stop = packet count). Values past 2^53 lose
    // precision as numbers but stay out of bounds, which is all that matters.
    start: Number(r.integer('start', 0n)),
    stop: Number(r.integer('stop', 0n)),
    ...(printfFormat === '' ? {} : { printfFormat }),
    ...(printfArgs === '' ? {} : { printfArgs }),
    ...(format === '' ? {} : { format: format as SummaryFormat }),
    ...(packets === '' ? {} : { packets: packets as PacketFormat }),
    ...buildRunsOptions(r, DEFAULT_REPORT_FILE),
    ...(histogram === '' ? {} : { histogram: parseMetricArg('--histogram', histogram) }),
    ...(plot ? { plot } : {}),
  };
}

/** Whether a string option was on the command line at all (argv strings cannot hold a NUL). */
function given(r: ResolvedOptions, key: string): boolean {
  return r.text(key, '\0') !== '\0';
}

/** --packets: a known format, and alone (its rows would be mixed with the other output). */
function checkPackets(value: string, other: string | undefined): void {
  if (!(PACKET_FORMATS as readonly string[]).includes(value)) throw ReportBadPackets(value);
  if (other !== undefined) throw ReportPacketsConflict(other);
}
