// The `--summary` text, line for line as the C tool prints it. The one
// deliberate difference: files flagged OMIT_HWTS (software timestamps only)
// get their statistics from software timestamps, say so on the first line and
// name the affected metrics "SW" (see docs/report.md). The C tool would only
// print "no packets were received" for them.
import { formatFixed } from './format-double.js';
import { Metric, MetricStats, WalkResult } from './walk.js';

const NSEC_PER_SEC = 1000000000n;
const TWO_63 = 2 ** 63;

interface Labels {
  note?: string;
  notTimestamped: string;
  pathDelay: string;
  wakeupToTs: string;
  arrivedLater: string;
  arrivedEarlier: string;
  macLatency: string;
  budget: string;
  arrival: string;
  deadlineMisses: string;
  meanPathDelay: string;
}

const HW_LABELS: Labels = {
  notTimestamped: 'Packets not completely TX timestamped',
  pathDelay: 'Path delay',
  wakeupToTs: 'Wakeup to HW TX timestamp',
  arrivedLater: 'Packets arrived later than scheduled. TX time to HW RX timestamp',
  arrivedEarlier: 'Packets arrived earlier than scheduled. HW RX timestamp to TX time',
  macLatency: 'MAC latency',
  budget: 'Application latency budget',
  arrival: 'Arrival latency',
  deadlineMisses: 'HW TX deadline misses',
  meanPathDelay: 'mean path delay',
};

export const SW_NOTE =
  'Software timestamps only (OMIT_HWTS flag): metrics marked SW use software timestamps where the C tool uses hardware timestamps';

const SW_LABELS: Labels = {
  note: SW_NOTE,
  notTimestamped: 'Packets without SW TX timestamps',
  pathDelay: 'SW path delay',
  wakeupToTs: 'Wakeup to SW TX timestamp',
  arrivedLater: 'Packets arrived later than scheduled. TX time to SW RX timestamp',
  arrivedEarlier: 'Packets arrived earlier than scheduled. SW RX timestamp to TX time',
  macLatency: 'SW MAC latency',
  budget: 'SW application latency budget',
  arrival: 'Arrival latency after SW RX timestamp',
  deadlineMisses: 'SW TX deadline misses',
  meanPathDelay: 'mean SW path delay',
};

/** C's `llabs((long long)x) > NSEC_PER_SEC`: truncation, and x86's INT64_MIN for out-of-range. */
function exceedsOneSecond(x: number): boolean {
  if (!(Math.abs(x) < TWO_63)) return false; // cvttsd2si gives INT64_MIN; llabs keeps it negative
  const t = BigInt(Math.trunc(x));
  return (t < 0n ? -t : t) > NSEC_PER_SEC;
}

function metricLine(name: string, ms: MetricStats): string {
  return `${name}: min ${ms.min} max ${ms.max} mean ${formatFixed(ms.mean)} stddev ${formatFixed(ms.stddev)}, ` +
    `min at seqid ${ms.seqidOfMin}, max at seqid ${ms.seqidOfMax}\n`;
}

export interface SummaryContext {
  cycleTime: bigint;
  omitSync: boolean;
  /** TAPRIO or TXTIME: "MAC latency" and no deadline-miss line. */
  macMode: boolean;
  softwareTimestamps: boolean;
}

export function formatSummary(r: WalkResult, ctx: SummaryContext): string {
  const L = ctx.softwareTimestamps ? SW_LABELS : HW_LABELS;
  const total = BigInt(r.sendRecords);
  let s = L.note ? `${L.note}\n` : '';
  if (r.notTxTimestamped) {
    s += `${L.notTimestamped}: ${r.notTxTimestamped} (${formatFixed(r.pctOfCount(r.notTxTimestamped, total))}%)\n`;
  }
  if (r.notReceived) {
    s += `Packets not received: ${r.notReceived} (${formatFixed(r.pctOfCount(r.notReceived, total))}%)\n`;
  }
  if (r.frameCount === 0 || !r.metrics) {
    return `${s}Could not calculate statistics, no packets were received\n`;
  }
  const n = r.frameCount;
  const txSync = r.txSyncSum / n;
  const rxSync = r.rxSyncSum / n;
  const pathDelay = r.pathDelaySum / n;
  if (!ctx.omitSync) {
    if (exceedsOneSecond(txSync)) {
      s += `Sender PHC not synchronized (mean PHC to system time diff ${formatFixed(txSync)} ns larger than 1 second)\n`;
    }
    if (exceedsOneSecond(rxSync)) {
      s += `Receiver PHC not synchronized (mean PHC to system time diff ${formatFixed(rxSync)} ns larger than 1 second)\n`;
    }
    if (exceedsOneSecond(pathDelay)) {
      s += `Sender and receiver not synchronized (${L.meanPathDelay} ${formatFixed(pathDelay)} ns larger than 1 second)\n`;
    }
  }
  const m = r.metrics;
  s += 'Summary:\n';
  s += metricLine(L.pathDelay, m[Metric.PATH_DELAY]);
  s += metricLine(L.wakeupToTs, m[Metric.WAKEUP_TO_HW_TS]);
  const delta = m[Metric.HW_RX_DEADLINE_DELTA];
  s += delta.mean > 0
    ? metricLine(L.arrivedLater, delta)
    : metricLine(L.arrivedEarlier, m[Metric.HW_RX_DEADLINE_DELTA_REVERSED]);
  s += metricLine(ctx.macMode ? L.macLatency : L.budget, m[Metric.LATENCY_BUDGET]);
  s += metricLine('Sender latency', m[Metric.SENDER_LATENCY]);
  s += metricLine('Wakeup latency', m[Metric.WAKEUP_LATENCY]);
  s += metricLine('Driver latency', m[Metric.DRIVER_LATENCY]);
  s += metricLine(L.arrival, m[Metric.ARRIVAL_LATENCY]);
  const cycle = ctx.cycleTime;
  // `100.0f * mean / cycle` is double arithmetic (mean is a double);
  // `100.0f * min / cycle` is float arithmetic (both operands integers).
  const pct = (ms: MetricStats): [string, string, string] => [
    formatFixed((100 * ms.mean) / Number(cycle)),
    formatFixed(r.pctOfInt(ms.min, cycle)),
    formatFixed(r.pctOfInt(ms.max, cycle)),
  ];
  const [sa, smin, smax] = pct(m[Metric.SENDER_LATENCY]);
  s += `Sending one packet takes on average ${sa}% of the cycle time (min ${smin}% max ${smax}%)\n`;
  const [wa, wmin, wmax] = pct(m[Metric.WAKEUP_LATENCY]);
  s += `Waking up takes on average ${wa}% of the cycle time (min ${wmin}% max ${wmax}%)\n`;
  const [da, dmin, dmax] = pct(m[Metric.DRIVER_LATENCY]);
  s += `Driver takes on average ${da}% of the cycle time to send a packet (min ${dmin}% max ${dmax}%)\n`;
  if (!ctx.macMode) {
    s += `${L.deadlineMisses}: ${r.deadlineMisses} (${formatFixed(r.pctOfInt(BigInt(r.deadlineMisses), BigInt(n)))}%)\n`;
  }
  return s;
}
