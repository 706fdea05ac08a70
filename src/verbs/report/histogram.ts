// `--histogram METRIC`: a metric's histogram as text that fits 80 columns.
// Bar lengths follow the logarithm of the count, so a bin of 3 outliers
// next to one of 900 000 packets is still a visible bar; the count is
// printed beside each bar. Percentiles are marked on the row of the bin
// that holds them and listed with their exact values below.
import { histogramOf, percentileLabel, type Histogram } from './histogram-bins.js';

const WIDTH = 80;

/** Right-aligns s in w columns. */
const pad = (s: string, w: number): string => (s.length >= w ? s : ' '.repeat(w - s.length) + s);

/** Bar length of `count` on a log scale where `maxCount` fills `barWidth`; any count > 0 gets at least 1. */
export function barLength(count: number, maxCount: number, barWidth: number): number {
  if (count <= 0) return 0;
  if (maxCount <= 1) return barWidth;
  return 1 + Math.round(((barWidth - 1) * Math.log(count)) / Math.log(maxCount));
}

/** 1, 10, 100, 1k, ... as tick labels of the count axis. */
function countLabel(c: number): string {
  if (c >= 1e9) return `${c / 1e9}G`;
  if (c >= 1e6) return `${c / 1e6}M`;
  if (c >= 1e3) return `${c / 1e3}k`;
  return String(c);
}

/**
 * The text histogram of one metric: `name` as printed, `values` its values
 * in ns (at least one; reordered in place, see histogramOf). Every line is
 * at most 80 columns while values have at most 10 digits. Ends with a newline.
 */
export function formatHistogram(name: string, values: Float64Array): string {
  return renderHistogram(name, histogramOf(values));
}

/** The text of a computed histogram (see formatHistogram). */
export function renderHistogram(name: string, h: Histogram): string {
  const tails = [
    ...(h.bins[0].tail ? ['first bin: the low tail'] : []),
    ...(h.bins[h.bins.length - 1].tail ? ['last bin: the high tail'] : []),
  ].map((t) => `; ${t}`).join('');
  const lines = [
    `${name} (ns): ${h.count} packets, bins of ${h.width} ns`,
    `bar length: log of the count${tails}`,
  ];
  const labels = h.bins.map((b) => [String(b.lo), String(b.hi - 1)]);
  const wLo = Math.max(4, ...labels.map((l) => l[0].length));
  const wHi = Math.max(2, ...labels.map((l) => l[1].length));
  const wCount = Math.max(5, String(h.count).length);
  const markText = h.bins.map((_, i) => h.marks.filter((m) => m.bin === i).map((m) => percentileLabel(m.key)).join(' '));
  const wMark = Math.max(0, ...markText.map((t) => t.length));
  const left = wLo + 4 + wHi + 1 + wCount + 2;
  const barWidth = Math.max(10, WIDTH - left - (wMark > 0 ? wMark + 1 : 0));
  const maxCount = Math.max(...h.bins.map((b) => b.count));
  lines.push(`${pad('from', wLo)}    ${pad('to', wHi)} ${pad('count', wCount)}`);
  h.bins.forEach((b, i) => {
    const bar = '#'.repeat(barLength(b.count, maxCount, barWidth));
    const mark = markText[i] ? `${bar.padEnd(barWidth)} ${markText[i]}` : bar;
    lines.push(`${pad(labels[i][0], wLo)} .. ${pad(labels[i][1], wHi)} ${pad(String(b.count), wCount)} |${mark}`.trimEnd());
  });
  // The count axis: a tick at each power of ten up to the largest count.
  let axis = '';
  for (let c = 1; c <= maxCount; c *= 10) {
    const at = barLength(c, maxCount, barWidth) - 1;
    const label = countLabel(c);
    // A label that would touch the previous one, or run past 80 columns, is left out.
    if ((axis.length === 0 || at > axis.length) && left + at + label.length <= WIDTH) axis = axis.padEnd(at) + label;
  }
  lines.push(`${' '.repeat(left)}${axis}`);
  // The exact values, wrapped at 80 columns.
  const parts = [...h.marks.map((m) => `${percentileLabel(m.key)} ${m.value}`), `min ${h.min}`, `max ${h.max}`];
  let line = 'percentiles (ns):';
  for (const part of parts) {
    if (line.length + 2 + part.length + 1 > WIDTH) {
      lines.push(`${line},`);
      line = ' ';
    }
    line += `${line.endsWith(':') || line === ' ' ? ' ' : ', '}${part}`;
  }
  lines.push(line);
  return lines.join('\n') + '\n';
}
