// The summary as data for machines: `--format json` (schema
// "isochron-report/1", docs/report.schema.json) and `--format csv` (one row
// per reported metric). Both format the same typed summary as the C text
// (src/verbs/report/summary-text.ts), so min/max/mean/stddev are the same
// values; metrics carry their stable names (docs/report.md).
import { REPORTED_METRICS, metricName, type MetricName, type MetricStats } from '../../engine/report/metrics.js';
import { PERCENTILE_RANKS, type PercentileKey } from '../../engine/report/percentiles.js';
import type { ReportSummary } from '../../engine/report/summary.js';

export const REPORT_SCHEMA = 'isochron-report/1';

/** One metric's row: the statistics in output order (JSON keys, CSV columns). */
const STAT_COLUMNS = ['unit', 'count', 'min', 'min_seqid', 'max', 'max_seqid', 'mean', 'stddev',
  ...PERCENTILE_RANKS.map((p) => p.key)] as const;
/** Merged runs (several -F) only: the file of each extreme, after the other columns. */
const FILE_COLUMNS = ['min_file', 'max_file'] as const;
type StatColumn = (typeof STAT_COLUMNS)[number] | (typeof FILE_COLUMNS)[number];

/** The columns of these rows: the file columns when the rows have them. */
function columnsOf(rows: readonly { cells: Record<StatColumn, string> }[]): readonly StatColumn[] {
  return rows.some((r) => r.cells.min_file !== undefined) ? [...STAT_COLUMNS, ...FILE_COLUMNS] : STAT_COLUMNS;
}

/** A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * A JSON number for an s64 or a double. Integers are written with every
 * digit, also beyond 2^53 (valid JSON; a reader that parses numbers as
 * doubles rounds those, as it would any such number). Non-finite doubles
 * cannot occur for used packets; they would be written as null.
 */
function num(v: bigint | number): string {
  if (typeof v === 'bigint') return v.toString();
  return Number.isFinite(v) ? JSON.stringify(v) : 'null';
}

function statCells(ms: MetricStats, used: number): Record<StatColumn, string> {
  const p = ms.percentiles;
  if (!p) throw new Error('the machine-readable summary needs percentiles (walk with percentiles: true)');
  const cells = {
    unit: '"ns"', count: String(used), min: num(ms.min), min_seqid: String(ms.seqidOfMin),
    max: num(ms.max), max_seqid: String(ms.seqidOfMax), mean: num(ms.mean), stddev: num(ms.stddev),
  } as Record<StatColumn, string>;
  for (const { key } of PERCENTILE_RANKS) cells[key as PercentileKey] = num(p[key]);
  if (ms.fileOfMin !== undefined) cells.min_file = JSON.stringify(ms.fileOfMin);
  if (ms.fileOfMax !== undefined) cells.max_file = JSON.stringify(ms.fileOfMax);
  return cells;
}

function metricRows(r: ReportSummary): { name: MetricName; cells: Record<StatColumn, string> }[] {
  const st = r.statistics;
  if (!st) return [];
  return REPORTED_METRICS.map(({ key }) => ({ name: metricName(key, r.macMode), cells: statCells(st.metrics[key], st.used) }));
}

/**
 * `--format json`: one object, one line. `files` are the input paths as
 * given. `metrics` is empty and `deadline_misses` null when no packet could
 * be used; `deadline_misses` is also null with taprio or txtime, where the
 * C tool counts none.
 */
export function formatSummaryJson(r: ReportSummary, files: readonly string[]): string {
  const p = r.packets;
  const st = r.statistics;
  const rows = metricRows(r);
  const columns = columnsOf(rows);
  const metrics = rows.map(({ name, cells }) =>
    `${JSON.stringify(name)}:{${columns.map((c) => `"${c}":${cells[c]}`).join(',')}}`);
  // exactPercent: the text's C float would print as 10.699999809265137.
  const misses = st?.deadlineMisses ? `{"count":${st.deadlineMisses.count},"percent":${num(st.deadlineMisses.exactPercent)}}` : 'null';
  return `{"schema":"${REPORT_SCHEMA}","files":${JSON.stringify(files)},"timestamps":"${r.timestamps}",` +
    `"packets":{"count":${p.count},"used":${st?.used ?? 0},"not_tx_timestamped":${p.notTxTimestamped},"not_received":${p.notReceived}},` +
    `"metrics":{${metrics.join(',')}},"deadline_misses":${misses}}\n`;
}

/** `--format csv`: a header row, then one row per reported metric (none when no packet could be used). */
export function formatSummaryCsv(r: ReportSummary): string {
  const metrics = metricRows(r);
  const columns = columnsOf(metrics);
  const text = (c: StatColumn, cell: string): string =>
    c === 'unit' ? 'ns' : c === 'min_file' || c === 'max_file' ? csvField(JSON.parse(cell) as string) : cell;
  const rows = metrics.map(({ name, cells }) => [name, ...columns.map((c) => text(c, cells[c]))].join(','));
  return [['metric', ...columns].join(','), ...rows].join('\n') + '\n';
}
