// The report metrics by name: the one table that the summary, its text
// formatter and any other output iterate. Each row names its slot in the
// WASM engine (assembly/lib/metrics.ts holds the formulas and slot numbers;
// the engine looks the slots up by these export names when it loads, so a
// row without a formula, or a formula without a row, fails at once).
// Names are the stable ones of the report issue (nanoseconds; with OMIT_HWTS
// files the software timestamps stand in for the hardware ones). A row with
// `macName` is called that with taprio or txtime (where its formula flips);
// a row with `internal` exists for the C text only and is not reported by
// the other formats (JSON, CSV) nor given percentiles.
import type { Percentiles } from './percentiles.js';

export const METRICS = [
  /** R - T */
  { key: 'path-delay', slot: 'M_PATH_DELAY' },
  /** T - w */
  { key: 'wakeup-to-tx-timestamp', slot: 'M_WAKEUP_TO_TX_TS' },
  /** R - S: late arrivals positive */
  { key: 'rx-deadline-delta', slot: 'M_RX_DEADLINE_DELTA' },
  /** S - R: the same packets seen as early arrivals (its own min/max seqids) */
  { key: 'rx-deadline-lead', slot: 'M_RX_DEADLINE_DELTA_REVERSED', internal: true },
  /** S - T; with taprio or txtime the C tool prints T - S as "MAC latency" */
  { key: 'latency-budget', slot: 'M_LATENCY_BUDGET', macName: 'mac-latency' },
  /** t - w */
  { key: 'sender-latency', slot: 'M_SENDER_LATENCY' },
  /** w - (S - A) */
  { key: 'wakeup-latency', slot: 'M_WAKEUP_LATENCY' },
  /** t - s */
  { key: 'driver-latency', slot: 'M_DRIVER_LATENCY' },
  /** a - R */
  { key: 'arrival-latency', slot: 'M_ARRIVAL_LATENCY' },
] as const;

export type MetricKey = (typeof METRICS)[number]['key'];

type MetricRow = (typeof METRICS)[number];
type ReportedRow = Exclude<MetricRow, { internal: true }>;
/** A metric the machine-readable formats report (every row but the internal ones). */
export type ReportedMetricKey = ReportedRow['key'];
/** A metric's stable output name: its key, or its macName with taprio/txtime. */
export type MetricName = ReportedMetricKey | Extract<MetricRow, { macName: string }>['macName'];

/** The reported metrics in table order. */
export const REPORTED_METRICS: readonly ReportedRow[] = METRICS.filter((m): m is ReportedRow => !('internal' in m));

/** The stable name of a reported metric in a file with (macMode) or without taprio/txtime. */
export function metricName(key: ReportedMetricKey, macMode: boolean): MetricName {
  const row = REPORTED_METRICS.find((m) => m.key === key);
  return macMode && row && 'macName' in row ? row.macName : key;
}

/** Statistics of one metric over the packets the summary uses, with the C tool's arithmetic. */
export interface MetricStats {
  /** Exact s64 nanoseconds (bigint: values may exceed 2^53). */
  min: bigint;
  max: bigint;
  mean: number;
  /** Population standard deviation. */
  stddev: number;
  /** Seqid of the extreme; on ties the highest seqid, as the C tool's list order gives. */
  seqidOfMin: number;
  seqidOfMax: number;
  /** Present for reported metrics when the walk was asked for percentiles. */
  percentiles?: Percentiles;
  /** Merged runs only (several -F, src/engine/report/merge.ts): the file each extreme's seqid belongs to. */
  fileOfMin?: string;
  fileOfMax?: string;
}
