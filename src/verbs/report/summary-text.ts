// The `--summary` text, line for line as the C tool prints it, formatted
// from the computed summary (src/engine/report/summary.ts). The one
// deliberate difference: files flagged OMIT_HWTS (software timestamps only)
// get their statistics from software timestamps, say so on the first line and
// name the affected metrics "SW" (see docs/report.md). The C tool would only
// print "no packets were received" for them.
import { formatFixed } from './format-double.js';
import type { MetricStats } from '../../engine/report/metrics.js';
import type { CycleShare, ReportSummary } from '../../engine/report/summary.js';

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

const SW_NOTE =
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

/** A merged run (several -F) names the file of each extreme's seqid: "seqid 7 (b.dat)". */
const fileOf = (file: string | undefined): string => (file === undefined ? '' : ` (${file})`);

function metricLine(name: string, ms: MetricStats): string {
  return `${name}: min ${ms.min} max ${ms.max} mean ${formatFixed(ms.mean)} stddev ${formatFixed(ms.stddev)}, ` +
    `min at seqid ${ms.seqidOfMin}${fileOf(ms.fileOfMin)}, max at seqid ${ms.seqidOfMax}${fileOf(ms.fileOfMax)}\n`;
}

function shareLine(head: string, tail: string, c: CycleShare): string {
  return `${head} ${formatFixed(c.mean)}% of the cycle time${tail} (min ${formatFixed(c.min)}% max ${formatFixed(c.max)}%)\n`;
}

/** The summary as the C tool prints it (`--summary`, the default text format). */
export function formatSummaryText(r: ReportSummary): string {
  const L = r.timestamps === 'software' ? SW_LABELS : HW_LABELS;
  const p = r.packets;
  let s = L.note ? `${L.note}\n` : '';
  if (p.notTxTimestamped) {
    s += `${L.notTimestamped}: ${p.notTxTimestamped} (${formatFixed(p.notTxTimestampedPercent)}%)\n`;
  }
  if (p.notReceived) {
    s += `Packets not received: ${p.notReceived} (${formatFixed(p.notReceivedPercent)}%)\n`;
  }
  const st = r.statistics;
  if (!st) return `${s}Could not calculate statistics, no packets were received\n`;
  if (r.syncChecked) {
    const { sender, receiver, pathDelay } = st.sync;
    if (sender.exceedsOneSecond) {
      s += `Sender PHC not synchronized (mean PHC to system time diff ${formatFixed(sender.mean)} ns larger than 1 second)\n`;
    }
    if (receiver.exceedsOneSecond) {
      s += `Receiver PHC not synchronized (mean PHC to system time diff ${formatFixed(receiver.mean)} ns larger than 1 second)\n`;
    }
    if (pathDelay.exceedsOneSecond) {
      s += `Sender and receiver not synchronized (${L.meanPathDelay} ${formatFixed(pathDelay.mean)} ns larger than 1 second)\n`;
    }
  }
  const m = st.metrics;
  s += 'Summary:\n';
  s += metricLine(L.pathDelay, m['path-delay']);
  s += metricLine(L.wakeupToTs, m['wakeup-to-tx-timestamp']);
  s += st.arrival === 'later'
    ? metricLine(L.arrivedLater, m['rx-deadline-delta'])
    : metricLine(L.arrivedEarlier, m['rx-deadline-lead']);
  s += metricLine(r.macMode ? L.macLatency : L.budget, m['latency-budget']);
  s += metricLine('Sender latency', m['sender-latency']);
  s += metricLine('Wakeup latency', m['wakeup-latency']);
  s += metricLine('Driver latency', m['driver-latency']);
  s += metricLine(L.arrival, m['arrival-latency']);
  s += shareLine('Sending one packet takes on average', '', st.cycleShare['sender-latency']);
  s += shareLine('Waking up takes on average', '', st.cycleShare['wakeup-latency']);
  s += shareLine('Driver takes on average', ' to send a packet', st.cycleShare['driver-latency']);
  if (st.deadlineMisses) {
    s += `${L.deadlineMisses}: ${st.deadlineMisses.count} (${formatFixed(st.deadlineMisses.percent)}%)\n`;
  }
  return s;
}
