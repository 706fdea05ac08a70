// The `--summary` computed into a typed result: everything the C tool's
// summary decides or derives (means of the sync sums, the earlier/later
// choice, its percentages with their float or double arithmetic, the
// synchronisation checks) as plain data, so that every output format
// formats the same numbers (the C text in src/verbs/report/summary-text.ts).
// s64 nanosecond values stay bigint (exact beyond 2^53); everything else is
// a number or a string. No functions: the result survives structuredClone.
import { reportEngine } from './engine.js';
import type { MetricKey, MetricStats, ReportedMetricKey } from './metrics.js';

const NSEC_PER_SEC = 1000000000n;
const TWO_63 = 2 ** 63;

/** What the walk over a file hands to the summary (src/verbs/report/walk.ts). */
export interface WalkCounts {
  /** Records in the sender log: the divisor of the two "not ..." percentages. */
  sendRecords: number;
  notTxTimestamped: number;
  notReceived: number;
  /** Packets the statistics use (sent, TX timestamped, received). */
  frameCount: number;
  deadlineMisses: number;
  /** Sums over the used packets, in walk order: T - t, R - r, R - T. */
  txSyncSum: number;
  rxSyncSum: number;
  pathDelaySum: number;
  /** Present when the summary was asked and at least one packet was used. */
  metrics?: Record<MetricKey, MetricStats>;
  /** With the walk's keepValues: every used packet's value of each reported metric (instead of percentiles). */
  values?: Record<ReportedMetricKey, Float64Array>;
}

/** The file's header facts the summary depends on. */
export interface SummaryContext {
  cycleTime: bigint;
  /** OMIT_SYNC: the C tool skips its synchronisation checks. */
  omitSync: boolean;
  /** TAPRIO or TXTIME: latency-budget is the MAC latency, and no deadline misses are counted. */
  macMode: boolean;
  /** OMIT_HWTS: metrics from software timestamps. */
  softwareTimestamps: boolean;
}

/** A metric's mean, min and max as a percentage of the cycle time, as the C tool computes each. */
export interface CycleShare {
  mean: number;
  min: number;
  max: number;
}

/** One mean of a clock difference and whether its magnitude exceeds 1 s (the C tool's warning). */
export interface SyncCheck {
  mean: number;
  exceedsOneSecond: boolean;
}

export interface SummaryStatistics {
  /** Used packets (the statistics' n). */
  used: number;
  /** Sender PHC to system time (T - t), receiver (R - r), path delay (R - T). */
  sync: { sender: SyncCheck; receiver: SyncCheck; pathDelay: SyncCheck };
  metrics: Record<MetricKey, MetricStats>;
  /** Which way the C summary prints the RX deadline delta: mean > 0 is 'later'. */
  arrival: 'later' | 'earlier';
  cycleShare: Record<'sender-latency' | 'wakeup-latency' | 'driver-latency', CycleShare>;
  /** Absent with taprio or txtime, where the C tool counts none. */
  /**
   * `percent` is C's single-precision float (the text prints it); `exactPercent`
   * the same ratio in double precision, for JSON, CSV, --compare and --fail-if.
   */
  deadlineMisses?: { count: number; percent: number; exactPercent: number };
}

export interface ReportSummary {
  timestamps: 'hardware' | 'software';
  macMode: boolean;
  /** False when OMIT_SYNC: the sync checks are not reported. */
  syncChecked: boolean;
  cycleTime: bigint;
  packets: {
    /** Records in the sender log. */
    count: number;
    notTxTimestamped: number;
    notTxTimestampedPercent: number;
    notReceived: number;
    notReceivedPercent: number;
  };
  /** Absent when no packet could be used ("Could not calculate statistics"). */
  statistics?: SummaryStatistics;
}

/** C's `llabs((long long)x) > NSEC_PER_SEC`: truncation, and x86's INT64_MIN for out-of-range. */
function exceedsOneSecond(x: number): boolean {
  if (!(Math.abs(x) < TWO_63)) return false; // cvttsd2si gives INT64_MIN; llabs keeps it negative
  const t = BigInt(Math.trunc(x));
  return (t < 0n ? -t : t) > NSEC_PER_SEC;
}

/** Computes the summary of a finished walk. */
export function summarize(walk: WalkCounts, ctx: SummaryContext): ReportSummary {
  const w = reportEngine();
  const total = BigInt(walk.sendRecords);
  const summary: ReportSummary = {
    timestamps: ctx.softwareTimestamps ? 'software' : 'hardware',
    macMode: ctx.macMode,
    syncChecked: !ctx.omitSync,
    cycleTime: ctx.cycleTime,
    packets: {
      count: walk.sendRecords,
      notTxTimestamped: walk.notTxTimestamped,
      notTxTimestampedPercent: w.pctOfCount(BigInt(walk.notTxTimestamped), total),
      notReceived: walk.notReceived,
      notReceivedPercent: w.pctOfCount(BigInt(walk.notReceived), total),
    },
  };
  const m = walk.metrics;
  const n = walk.frameCount;
  if (n === 0 || !m) return summary;
  const sync = (sum: number): SyncCheck => ({ mean: sum / n, exceedsOneSecond: exceedsOneSecond(sum / n) });
  const cycle = ctx.cycleTime;
  // `100.0f * mean / cycle` is double arithmetic (mean is a double);
  // `100.0f * min / cycle` is float arithmetic (both operands integers).
  const share = (ms: MetricStats): CycleShare => ({
    mean: (100 * ms.mean) / Number(cycle),
    min: w.pctOfInt(ms.min, cycle),
    max: w.pctOfInt(ms.max, cycle),
  });
  summary.statistics = {
    used: n,
    sync: { sender: sync(walk.txSyncSum), receiver: sync(walk.rxSyncSum), pathDelay: sync(walk.pathDelaySum) },
    metrics: m,
    arrival: m['rx-deadline-delta'].mean > 0 ? 'later' : 'earlier',
    cycleShare: {
      'sender-latency': share(m['sender-latency']),
      'wakeup-latency': share(m['wakeup-latency']),
      'driver-latency': share(m['driver-latency']),
    },
  };
  if (!ctx.macMode) {
    summary.statistics.deadlineMisses = {
      count: walk.deadlineMisses,
      percent: w.pctOfInt(BigInt(walk.deadlineMisses), BigInt(n)),
      exactPercent: n > 0 ? (walk.deadlineMisses * 100) / n : 0,
    };
  }
  return summary;
}
