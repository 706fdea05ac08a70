// `report --compare A.dat B.dat`: both files summarised as one-file runs
// would be (with percentiles), then, per metric and statistic, A, B, the
// difference B - A and the relative change (B - A) / |A|, as text (fits 100
// columns), JSON (schema "isochron-compare/1", docs/compare.schema.json) or
// CSV. Metrics are matched by their stable names, so a taprio/txtime file
// against a plain one shows latency-budget and mac-latency each with one
// side missing.
import { REPORTED_METRICS, metricName, type MetricName, type MetricStats } from '../../engine/report/metrics.js';
import { PERCENTILE_RANKS } from '../../engine/report/percentiles.js';
import { summarize, type ReportSummary } from '../../engine/report/summary.js';
import { compilePrintf } from './printf.js';
import type { ReportOptions } from './request.js';
import { checkRange, contextOf, openAll, walkSource } from './runs.js';
import { formatFixed } from './format-double.js';
import type { FdWriter } from './output.js';

export const COMPARE_SCHEMA = 'isochron-compare/1';

type Value = number | bigint | null;

/** One statistic of both runs. `relative` is null when A is 0 and B is not, or a side is missing. */
export interface CompareCell {
  a: Value;
  b: Value;
  diff: Value;
  relative: number | null;
}

/** A group of statistics: `packets`, `deadline_misses`, or a metric (unit ns). */
export interface CompareSection {
  name: string;
  unit: 'ns' | '';
  stats: { stat: string; cell: CompareCell }[];
}

export interface Comparison {
  a: { file: string; timestamps: ReportSummary['timestamps'] };
  b: { file: string; timestamps: ReportSummary['timestamps'] };
  sections: CompareSection[];
}

const METRIC_STATS = ['count', 'min', 'max', 'mean', 'stddev', ...PERCENTILE_RANKS.map((p) => p.key)] as const;

function cell(a: Value, b: Value): CompareCell {
  if (a === null || b === null) return { a, b, diff: null, relative: null };
  const diff = typeof a === 'bigint' && typeof b === 'bigint' ? b - a : Number(b) - Number(a);
  const base = Math.abs(Number(a));
  const relative = Number(diff) === 0 ? 0 : base === 0 ? null : Number(diff) / base;
  return { a, b, diff, relative };
}

function metricStat(ms: MetricStats | undefined, stat: string, used: number): Value {
  if (!ms) return null;
  if (stat === 'count') return used;
  if (stat === 'min' || stat === 'max' || stat === 'mean' || stat === 'stddev') return ms[stat];
  return ms.percentiles?.[stat as keyof NonNullable<MetricStats['percentiles']>] ?? null;
}

/** The metrics a summary reports, by stable name (none when no packet could be used). */
function metricsByName(r: ReportSummary): Map<MetricName, MetricStats> {
  const m = new Map<MetricName, MetricStats>();
  if (!r.statistics) return m;
  for (const { key } of REPORTED_METRICS) m.set(metricName(key, r.macMode), r.statistics.metrics[key]);
  return m;
}

/** Compares two summaries (each computed with percentiles). */
export function compareSummaries(fileA: string, a: ReportSummary, fileB: string, b: ReportSummary): Comparison {
  const packets = (r: ReportSummary) => ({
    count: r.packets.count, used: r.statistics?.used ?? 0,
    not_tx_timestamped: r.packets.notTxTimestamped, not_received: r.packets.notReceived,
  });
  const pa = packets(a);
  const pb = packets(b);
  const sections: CompareSection[] = [{
    name: 'packets', unit: '',
    stats: (Object.keys(pa) as (keyof typeof pa)[]).map((stat) => ({ stat, cell: cell(pa[stat], pb[stat]) })),
  }];
  const misses = (r: ReportSummary) => {
    const m = r.statistics?.deadlineMisses;
    return m ? { count: m.count, percent: m.exactPercent } : undefined;
  };
  sections.push({
    name: 'deadline_misses', unit: '',
    stats: (['count', 'percent'] as const).map((stat) => ({ stat, cell: cell(misses(a)?.[stat] ?? null, misses(b)?.[stat] ?? null) })),
  });
  const ma = metricsByName(a);
  const mb = metricsByName(b);
  const names = new Set<MetricName>();
  for (const row of REPORTED_METRICS) {
    for (const name of ['macName' in row ? [row.key, row.macName] : [row.key]].flat() as MetricName[]) {
      if (ma.has(name) || mb.has(name)) names.add(name);
    }
  }
  for (const name of names) {
    sections.push({
      name, unit: 'ns',
      stats: METRIC_STATS.map((stat) => ({
        stat,
        cell: cell(metricStat(ma.get(name), stat, a.statistics?.used ?? 0), metricStat(mb.get(name), stat, b.statistics?.used ?? 0)),
      })),
    });
  }
  return { a: { file: fileA, timestamps: a.timestamps }, b: { file: fileB, timestamps: b.timestamps }, sections };
}

// ---- output ----

/** A JSON number: s64 with every digit, doubles as JSON writes them, missing as null. */
const jsonNum = (v: Value): string =>
  v === null ? 'null' : typeof v === 'bigint' ? v.toString() : Number.isFinite(v) ? JSON.stringify(v) : 'null';

/** `--format json`: one object on one line. */
export function formatCompareJson(c: Comparison): string {
  const side = (s: Comparison['a']): string => `{"file":${JSON.stringify(s.file)},"timestamps":"${s.timestamps}"}`;
  const group = (sec: CompareSection): string => `{${sec.stats.map(({ stat, cell: x }) =>
    `"${stat}":{"a":${jsonNum(x.a)},"b":${jsonNum(x.b)},"diff":${jsonNum(x.diff)},"relative":${jsonNum(x.relative)}}`).join(',')}}`;
  const [packets, misses, ...metrics] = c.sections;
  return `{"schema":"${COMPARE_SCHEMA}","a":${side(c.a)},"b":${side(c.b)},"packets":${group(packets)},` +
    `"deadline_misses":${group(misses)},"metrics":{${metrics.map((m) => `${JSON.stringify(m.name)}:${group(m)}`).join(',')}}}\n`;
}

/** `--format csv`: a header, then one row per section and statistic. */
export function formatCompareCsv(c: Comparison): string {
  const plain = (v: Value): string => (v === null ? '' : typeof v === 'bigint' ? v.toString() : jsonNum(v));
  const rows = c.sections.flatMap((sec) => sec.stats.map(({ stat, cell: x }) =>
    [sec.name, stat, sec.unit, plain(x.a), plain(x.b), plain(x.diff), plain(x.relative)].join(',')));
  return ['group,stat,unit,a,b,diff,relative', ...rows].join('\n') + '\n';
}

const LABEL = 22;
const VALUE = 20;
const CHANGE = 12;

/** A value as the text table shows it: integers whole, other doubles with 3 decimals, missing as "-". */
function shown(v: Value, signed = false): string {
  if (v === null) return '-';
  const s = typeof v === 'bigint' || Number.isInteger(v) ? String(v) : formatFixed(v);
  return signed && Number(v) > 0 ? `+${s}` : s;
}

function change(r: number | null): string {
  if (r === null) return 'n/a';
  const pct = (r * 100).toFixed(2);
  return r > 0 ? `+${pct}%` : `${pct}%`;
}

/** The text table: files first, then a block per group with one line per statistic. */
export function formatCompareText(c: Comparison): string {
  // A value as wide as its column (s64 extremes, their differences) still gets a space before it.
  const right = (s: string, w: number): string => (s.length >= w ? ` ${s}` : s.padStart(w));
  let s = `A: ${c.a.file}\nB: ${c.b.file}\n`;
  if (c.a.timestamps !== c.b.timestamps) {
    s += `Note: A has ${c.a.timestamps} timestamps, B ${c.b.timestamps} timestamps: their metrics come from different clocks\n`;
  }
  s += `${''.padEnd(LABEL)}${right('A', VALUE)}${right('B', VALUE)}${right('B - A', VALUE)}${right('change', CHANGE)}\n`;
  for (const sec of c.sections) {
    s += `${sec.name}${sec.unit ? ` (${sec.unit})` : ''}\n`;
    for (const { stat, cell: x } of sec.stats) {
      s += `  ${stat.padEnd(LABEL - 2)}${right(shown(x.a), VALUE)}${right(shown(x.b), VALUE)}` +
        `${right(shown(x.diff, true), VALUE)}${right(change(x.relative), CHANGE)}\n`;
    }
  }
  return s;
}

/** Runs --compare: both files opened first, walked over the same --start/--stop range, then printed. */
export function reportCompare(opts: ReportOptions, out: FdWriter): number {
  const [fileA, fileB] = opts.compare!;
  const sources = openAll([fileA, fileB]);
  try {
    for (const s of sources) checkRange(s, opts);
    const program = compilePrintf(Buffer.alloc(0), Buffer.alloc(0));
    const [a, b] = sources.map((src) =>
      summarize(walkSource(src, opts, program, { summary: true, percentiles: true, keepValues: false }, out), contextOf(src.header)));
    const c = compareSummaries(fileA, a, fileB, b);
    const format = opts.format ?? 'text';
    out.write(format === 'json' ? formatCompareJson(c) : format === 'csv' ? formatCompareCsv(c) : formatCompareText(c));
    return 0;
  } finally {
    for (const s of sources) s.close();
  }
}
