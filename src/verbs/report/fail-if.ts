// `report --fail-if 'METRIC.STAT OP VALUE'`: CI gates on the summary. Each
// expression is read when the options are (a malformed one is an argument
// error, before any file is opened) and evaluated on the computed summary
// (src/engine/report/summary.ts): the run fails (exit 1) when any condition
// holds, and each one that holds is named on stderr. A condition whose value
// does not exist in the run (no packet could be used, deadline misses with
// taprio/txtime, latency-budget in a taprio/txtime file) counts as holding,
// so a gate never passes on a run that measured nothing.
import { REPORTED_METRICS, metricName, type MetricStats, type ReportedMetricKey } from '../../engine/report/metrics.js';
import { PERCENTILE_RANKS } from '../../engine/report/percentiles.js';
import type { ReportSummary } from '../../engine/report/summary.js';
import { formatFixed } from './format-double.js';
import { ReportFailIfMetric, ReportFailIfStat, ReportFailIfSyntax } from './errors.js';

export const FAIL_IF_OPS = ['<', '<=', '>', '>='] as const;
export type FailIfOp = (typeof FAIL_IF_OPS)[number];

/** One parsed --fail-if (plain data: it travels in ReportOptions). */
export interface FailIfCondition {
  /** The expression as given, for the messages. */
  text: string;
  /** A metric's stable name, or `packets` / `deadline_misses`. */
  subject: string;
  stat: string;
  op: FailIfOp;
  /** The threshold: nanoseconds for a time statistic, a plain number for a count or percentage. */
  value: number;
  /** The same threshold as exact decimal text (sign, digits, optional fraction), for the s64 min and max. */
  exact: string;
}

/** Statistics of every metric: the numeric keys of its JSON object (seqids are no thresholds). */
const METRIC_STATS = ['count', 'min', 'max', 'mean', 'stddev', ...PERCENTILE_RANKS.map((p) => p.key)] as const;

/** The non-metric subjects and their statistics (the JSON's `packets` and `deadline_misses` objects). */
const COUNT_SUBJECTS: Readonly<Record<string, readonly string[]>> = {
  packets: ['count', 'used', 'not_tx_timestamped', 'not_received'],
  deadline_misses: ['count', 'percent'],
};

/** Every metric name a file can report: the keys, and the taprio/txtime names. */
const METRIC_NAMES: readonly string[] = REPORTED_METRICS.flatMap((m) => ('macName' in m ? [m.key, m.macName] : [m.key]));

/** Nanoseconds per unit; a value without a unit is in ns. */
const UNIT_NS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 };

const EXPRESSION = /^\s*([^<>=]*?)\s*(<=|>=|<|>)\s*(.*?)\s*$/;
const NUMBER = /^([+-]?)(\d+)(?:\.(\d+))?\s*([a-z]*)$/;

/**
 * The decimal whole.fraction of `unit` written in ns, by moving the decimal
 * point in the text: one rounding (Number's), so 3.96us is 3960 and a value
 * copied from the JSON compares equal to it.
 */
function inNanoseconds(whole: string, fraction: string, unit: string): string {
  const shift = Math.round(Math.log10(UNIT_NS[unit] ?? 1));
  if (fraction.length <= shift) return whole + fraction + '0'.repeat(shift - fraction.length);
  return `${whole}${fraction.slice(0, shift)}.${fraction.slice(shift)}`;
}

/** Whether a statistic of a subject is a time (takes a unit) rather than a count or percentage. */
const isTime = (subject: string, stat: string): boolean => !(subject in COUNT_SUBJECTS) && stat !== 'count';

/** Parses one --fail-if expression. Throws the ReportFailIf* argument errors. */
export function parseFailIf(text: string): FailIfCondition {
  const m = EXPRESSION.exec(text);
  if (!m) throw ReportFailIfSyntax(text, 'no comparison operator');
  const [, left, op, right] = m;
  const dot = left.indexOf('.');
  if (dot <= 0 || dot === left.length - 1 || /\s/.test(left)) throw ReportFailIfSyntax(text, `${JSON.stringify(left)} is not METRIC.STAT`);
  const subject = left.slice(0, dot);
  const stat = left.slice(dot + 1);
  const stats = COUNT_SUBJECTS[subject] ?? (METRIC_NAMES.includes(subject) ? METRIC_STATS : undefined);
  if (!stats) throw ReportFailIfMetric(text, subject, [...METRIC_NAMES, ...Object.keys(COUNT_SUBJECTS)].join(', '));
  if (!stats.includes(stat)) throw ReportFailIfStat(text, stat, subject, stats.join(', '));
  const v = NUMBER.exec(right);
  if (!v) throw ReportFailIfSyntax(text, `${JSON.stringify(right)} is not a number`);
  const [, sign, whole, fraction = '', unit] = v;
  if (unit !== '' && !(unit in UNIT_NS)) throw ReportFailIfSyntax(text, `unknown unit ${JSON.stringify(unit)}`);
  if (unit !== '' && !isTime(subject, stat)) {
    throw ReportFailIfSyntax(text, `${subject}.${stat} is not a time: give a plain number, without a unit`);
  }
  const exact = `${sign}${inNanoseconds(whole, fraction, unit)}`;
  return { text, subject, stat, op: op as FailIfOp, value: Number(exact), exact };
}

/** A statistic's value in the run, or why it has none. */
type Lookup = { value: number | bigint; unit: string } | { missing: string };

function metricValue(ms: MetricStats, stat: string, used: number): number | bigint | undefined {
  switch (stat) {
    case 'count': return used;
    case 'min': return ms.min;
    case 'max': return ms.max;
    case 'mean': return ms.mean;
    case 'stddev': return ms.stddev;
    default: return ms.percentiles?.[stat as keyof NonNullable<MetricStats['percentiles']>];
  }
}

function lookup(c: FailIfCondition, r: ReportSummary): Lookup {
  const st = r.statistics;
  if (c.subject === 'packets') {
    const p = r.packets;
    const counts: Record<string, number> = {
      count: p.count, used: st?.used ?? 0, not_tx_timestamped: p.notTxTimestamped, not_received: p.notReceived,
    };
    return { value: counts[c.stat], unit: '' };
  }
  if (c.subject === 'deadline_misses') {
    if (r.macMode) return { missing: 'with taprio or txtime no deadline misses are counted' };
    if (!st?.deadlineMisses) return { missing: 'no packet could be used' };
    return { value: c.stat === 'count' ? st.deadlineMisses.count : st.deadlineMisses.exactPercent, unit: c.stat === 'percent' ? '%' : '' };
  }
  const row = REPORTED_METRICS.find((m) => metricName(m.key, r.macMode) === c.subject);
  if (!row) {
    const other = REPORTED_METRICS.find((m) => 'macName' in m && (m.key === c.subject || m.macName === c.subject));
    const instead = other ? metricName(other.key as ReportedMetricKey, r.macMode) : 'another metric';
    return { missing: `this run reports ${instead} instead` };
  }
  if (!st) return { missing: 'no packet could be used' };
  const value = metricValue(st.metrics[row.key], c.stat, st.used);
  if (value === undefined) throw new Error(`--fail-if needs the percentiles: walk with percentiles: true`);
  return { value, unit: isTime(c.subject, c.stat) ? ' ns' : '' };
}

/** -1, 0 or 1 as the exact integer v is below, at or above the decimal text `exact`. */
function compareExact(v: bigint, exact: string): number {
  const [, sign, whole, fraction = ''] = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(exact)!;
  const scaled = BigInt(`${sign}${whole}${fraction}`);
  const lhs = v * 10n ** BigInt(fraction.length);
  return lhs < scaled ? -1 : lhs > scaled ? 1 : 0;
}

/**
 * Whether `v OP threshold`. An s64 (min, max) is compared exactly with the
 * threshold as written: as doubles, 2^53 + 1 ns would equal 2^53 ns.
 */
function holds(v: number | bigint, c: FailIfCondition): boolean {
  // Doubles keep IEEE comparisons (a NaN would hold nothing); an s64 compares as its exact order.
  const [x, t] = typeof v === 'bigint' ? [compareExact(v, c.exact), 0] : [v, c.value];
  switch (c.op) {
    case '<': return x < t;
    case '<=': return x <= t;
    case '>': return x > t;
    case '>=': return x >= t;
  }
}

const show = (v: number | bigint): string =>
  typeof v === 'bigint' || Number.isInteger(v) ? String(v) : formatFixed(v);

/**
 * The conditions that hold on this summary, each as its stderr line (no
 * newline), in the order given. Empty: the gates pass.
 */
export function failedConditions(conditions: readonly FailIfCondition[], r: ReportSummary): string[] {
  const lines: string[] = [];
  for (const c of conditions) {
    const found = lookup(c, r);
    const name = `${c.subject}.${c.stat}`;
    if ('missing' in found) {
      lines.push(`--fail-if '${c.text}' counts as holding: ${name} does not exist in this run (${found.missing})`);
    } else if (holds(found.value, c)) {
      lines.push(`--fail-if '${c.text}' holds: ${name} is ${show(found.value)}${found.unit}`);
    }
  }
  return lines;
}
