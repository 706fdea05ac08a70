// The `--plot FILE.html` page: one self-contained file (styles and SVG
// inline, no script, no link, no font or image to fetch: TSN labs are often
// offline) with the summary, the statistics and percentiles of every
// metric, and each metric's chart. A Content-Security-Policy of
// default-src 'none' makes the browser refuse any fetch the page might
// still try.
import { REPORTED_METRICS, metricName } from '../../../engine/report/metrics.js';
import { PERCENTILE_RANKS } from '../../../engine/report/percentiles.js';
import type { ReportSummary } from '../../../engine/report/summary.js';
import { percentileLabel } from '../histogram-bins.js';

/** Text as HTML character data or attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font-family:sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:2px 8px;text-align:right;font-variant-numeric:tabular-nums}
th:first-child,td:first-child{text-align:left}
section{margin-bottom:2em}
p.note{color:#555}`;

function row(cells: string[], tag = 'td'): string {
  return `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
}

function fixed(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : '';
}

/** The packet counts and deadline misses. */
function summaryTable(s: ReportSummary, first: number, last: number): string {
  const st = s.statistics;
  const rows = [
    ['timestamps', s.timestamps],
    ['packets in the file', String(s.packets.count)],
    ['seqids walked', `${first} .. ${last}`],
    ['used by the statistics', String(st?.used ?? 0)],
    ['not TX timestamped', `${s.packets.notTxTimestamped} (${s.packets.notTxTimestampedPercent.toFixed(3)}%)`],
    ['not received', `${s.packets.notReceived} (${s.packets.notReceivedPercent.toFixed(3)}%)`],
    ['deadline misses (TX after the scheduled time)', st?.deadlineMisses
      ? `${st.deadlineMisses.count} (${st.deadlineMisses.percent.toFixed(3)}%)` : 'not counted (taprio or txtime)'],
  ];
  return `<table>${rows.map(([k, v]) => row([escapeHtml(k), escapeHtml(v)])).join('')}</table>`;
}

/** One row per reported metric: count, extremes with their seqids, mean, stddev, percentiles (ns). */
function metricsTable(s: ReportSummary): string {
  const st = s.statistics;
  if (!st) return '<p class="note">No packet was sent, TX timestamped and received: no statistics.</p>';
  const head = ['metric (ns)', 'count', 'min', 'min seqid', 'max', 'max seqid', 'mean', 'stddev',
    ...PERCENTILE_RANKS.map((p) => percentileLabel(p.key))];
  const rows = REPORTED_METRICS.map(({ key }) => {
    const m = st.metrics[key];
    const p = m.percentiles;
    return row([metricName(key, s.macMode), String(st.used), String(m.min), String(m.seqidOfMin), String(m.max),
      String(m.seqidOfMax), fixed(m.mean), fixed(m.stddev), ...PERCENTILE_RANKS.map((r) => (p ? String(p[r.key]) : ''))]);
  });
  return `<table>${row(head, 'th')}${rows.join('')}</table>`;
}

/**
 * The page for `file` (the input path as given): the summary tables and
 * one section per chart (`charts`: metric name and its SVG document).
 */
export function plotPage(file: string, s: ReportSummary, first: number, last: number,
  charts: Array<{ name: string; svg: string }>): string {
  const title = `isochron report: ${escapeHtml(file)}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${title}</h1>
<h2>Packets</h2>
${summaryTable(s, first, last)}
<h2>Statistics and percentiles</h2>
${metricsTable(s)}
${charts.map((c) => `<section id="${escapeHtml(c.name)}">\n<h2>${escapeHtml(c.name)}</h2>\n${c.svg}\n</section>`).join('\n')}
</body>
</html>
`;
}
