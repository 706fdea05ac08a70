// `report --plot FILE.svg|FILE.html` through the real CLI on recorded files:
// the SVG is well-formed XML naming the plotted metric; the HTML page holds
// one chart per metric, the summary's percentiles, and no URL a browser
// would fetch; the plot data's deadline misses and unused packets agree
// with the summary; the options' errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runCli } from '../../../helpers/cli.js';
import { vectorsDir } from '../../../helpers/paths.js';
import { parseRaw } from '../../../helpers/report-support.js';
import { usedPacketValues } from '../../../helpers/report-metrics.js';
import { openDat } from '../../../../src/engine/dat/reader.js';
import { DatFlags } from '../../../../src/engine/dat/layout.js';
import { walkReport } from '../../../../src/verbs/report/walk.js';
import { compilePrintf } from '../../../../src/verbs/report/printf.js';
import { FdWriter } from '../../../../src/verbs/report/output.js';
import { plotData, type PlotData } from '../../../../src/verbs/report/plot/data.js';

const dir = mkdtempSync(join(tmpdir(), 'isochron-plot-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const dat = (name: string): string => join(vectorsDir, 'dat', name);

/**
 * Whether `xml` is well-formed as far as an SVG from a generator needs:
 * one root, every tag closed in order, attributes quoted, entities known.
 */
function checkWellFormed(xml: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g;
  let at = 0;
  let roots = 0;
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    const between = xml.slice(at, m.index);
    assert.ok(!between.includes('<'), `stray < near ${JSON.stringify(xml.slice(at, at + 80))}`);
    for (const e of between.matchAll(/&([^;\s]*);?/g)) assert.match(e[0], /^&(lt|gt|amp|quot|apos|#\d+|#x[\da-fA-F]+);$/, 'entity');
    at = m.index + m[0].length;
    if (!m[2]) continue; // comment or CDATA
    if (m[1]) assert.equal(stack.pop(), m[2], `</${m[2]}> closes the open tag`);
    else if (!m[4]) {
      if (stack.length === 0) roots++;
      stack.push(m[2]);
    } else if (stack.length === 0) roots++;
  }
  assert.equal(xml.slice(at).trim(), '', 'nothing after the root');
  assert.deepEqual(stack, [], 'every tag closed');
  assert.equal(roots, 1, 'one root element');
}

test('--plot FILE.svg: well-formed SVG of path-delay by default, --plot-metric chooses', async () => {
  const svg = join(dir, 'p.svg');
  const r = await runCli(['report', '-F', dat('synth_basic_100.dat'), '--plot', svg]);
  assert.equal(r.status, 0, r.stderr.toString());
  assert.equal(r.stdout.length, 0, 'a plot alone prints nothing');
  const text = readFileSync(svg, 'utf8');
  assert.match(text, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  checkWellFormed(text);
  assert.match(text, />path-delay \(ns\)<\/text>/);
  assert.match(text, /synth_basic_100\.dat: seqids 1\.\.100, 100 packets used/);
  assert.match(text, />deadline misses \(62\)<\/text>/);
  // The histogram's bars and the series' line are drawn.
  assert.ok((text.match(/<path /g) ?? []).length > 50);

  const r2 = await runCli(['report', '-F', dat('synth_basic_100.dat'), '--plot', svg, '--plot-metric', 'driver-latency', '--summary']);
  assert.equal(r2.status, 0, r2.stderr.toString());
  const plain = await runCli(['report', '-F', dat('synth_basic_100.dat'), '--summary']);
  assert.deepEqual(r2.stdout, plain.stdout, 'the summary beside a plot is the C text, unchanged');
  const text2 = readFileSync(svg, 'utf8');
  checkWellFormed(text2);
  assert.match(text2, />driver-latency \(ns\)<\/text>/);
  assert.doesNotMatch(text2, /path-delay/);
});

test('--plot FILE.svg with no usable packet says so', async () => {
  const svg = join(dir, 'none.svg');
  const r = await runCli(['report', '-F', dat('synth_none_received_10.dat'), '--plot', svg]);
  assert.equal(r.status, 0, r.stderr.toString());
  const text = readFileSync(svg, 'utf8');
  checkWellFormed(text);
  assert.match(text, />Nothing to plot<\/text>/);
});

/** Every http(s) URL in the page that is not an XML namespace name (those are never fetched). */
function fetchableUrls(html: string): string[] {
  const namespaces = new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink', 'http://www.w3.org/XML/1998/namespace']);
  const urls = [...html.matchAll(/https?:\/\/[^\s"'<>)]+/gi)].map((m) => m[0]);
  return urls.filter((u) => !namespaces.has(u));
}

test('--plot FILE.html: one chart per metric, the summary\'s percentiles, nothing to fetch', async () => {
  const html = join(dir, 'p.html');
  const file = dat('synth_lost_40.dat');
  const r = await runCli(['report', '-F', file, '--plot', html]);
  assert.equal(r.status, 0, r.stderr.toString());
  const page = readFileSync(html, 'utf8');
  assert.deepEqual(fetchableUrls(page), []);
  // No element that loads anything, and a policy that forbids it anyway.
  assert.doesNotMatch(page, /<(script|link|img|iframe|object|embed|image|use)\b/i);
  assert.doesNotMatch(page, /\b(src|href|xlink:href)\s*=/i);
  // url(#id) only: clip paths within the same SVG.
  assert.doesNotMatch(page, /url\((?!#)|@import/i);
  assert.match(page, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
  const json = JSON.parse((await runCli(['report', '-F', file, '--format', 'json'])).stdout.toString());
  const names = Object.keys(json.metrics);
  assert.equal(names.length, 8);
  const svgs = [...page.matchAll(/<section id="([^"]+)">\n<h2>[^<]*<\/h2>\n(<svg[\s\S]*?<\/svg>)\n<\/section>/g)];
  assert.deepEqual(svgs.map((m) => m[1]), names);
  for (const [, name, svg] of svgs) {
    checkWellFormed(svg);
    assert.ok(svg.includes(`>${name} (ns)</text>`), name);
  }
  // The statistics table: one row per metric with the JSON's min, max and percentiles.
  for (const name of names) {
    const m = json.metrics[name];
    const cells = [m.count, m.min, m.min_seqid, m.max, m.max_seqid].map(String);
    const row = new RegExp(`<tr><td>${name}</td>${cells.map((c) => `<td>${c}</td>`).join('')}<td>[^<]*</td><td>[^<]*</td>`
      + ['p50', 'p90', 'p99', 'p99_9', 'p99_99', 'p99_999'].map((p) => `<td>${m[p]}</td>`).join('') + '</tr>');
    assert.match(page, row, name);
  }
  assert.match(page, new RegExp(`<td>not received</td><td>${json.packets.not_received} \\(`));
});

/** plotData of a whole file, walked as report does. */
function plotOf(path: string): { data: PlotData | undefined; misses: number; used: number } {
  const src = openDat(path);
  try {
    const mac = (src.header.flags & (DatFlags.TAPRIO | DatFlags.TXTIME)) !== 0;
    let data: PlotData | undefined;
    const walk = walkReport(src, {
      start: 1, stop: src.header.packetCount, summary: true, percentiles: true,
      program: compilePrintf(Buffer.alloc(0), Buffer.alloc(0)), softwareTimestamps: (src.header.flags & DatFlags.OMIT_HWTS) !== 0,
      onValues: (p, first, last) => { data = plotData(p, first, last, mac, { columns: 7, bins: 20 }); },
    }, new FdWriter(1, 1 << 12));
    return { data, misses: walk.deadlineMisses, used: walk.frameCount };
  } finally {
    src.close();
  }
}

test('plot data: deadline misses and unused packets agree with the summary on every recorded file', () => {
  for (const f of ['synth_basic_100.dat', 'synth_lost_40.dat', 'synth_not_txts_20.dat', 'synth_txtime_deadline_30.dat',
    'synth_rcv_short_30.dat', 'synth_send_incomplete_25.dat', 'synth_negpath_unsync_30.dat', 'real_l2_1500b_500us_1000.dat']) {
    const { data, misses, used } = plotOf(dat(f));
    const raw = parseRaw(dat(f));
    const values = usedPacketValues(raw);
    assert.ok(data, f);
    assert.equal(data.unusedCount, data.last - data.first + 1 - used, `${f}: unused packets`);
    assert.equal(data.unused.reduce((a, [, n]) => a + n, 0), data.unusedCount, `${f}: unused per column add up`);
    if ((raw.flags & 12) !== 0) assert.equal(data.missCount, undefined, `${f}: no misses with taprio/txtime`);
    else assert.equal(data.missCount, misses, `${f}: deadline misses`);
    for (const m of data.metrics) {
      const list = values.get(m.name)!;
      assert.equal(m.histogram.count, list.length, `${f} ${m.name}`);
      assert.equal(m.series.count.reduce((a, c) => a + c, 0), list.length);
      assert.equal(Math.min(...m.series.min), Number(list.reduce((a, b) => (b < a ? b : a))), `${f} ${m.name}: min kept`);
      assert.equal(Math.max(...m.series.max), Number(list.reduce((a, b) => (b > a ? b : a))), `${f} ${m.name}: max kept`);
    }
  }
});

test('--plot and --plot-metric errors', async () => {
  const file = dat('synth_basic_100.dat');
  const cases: Array<[string[], RegExp, number]> = [
    [['--plot', join(dir, 'x.png')], /^Cannot tell the plot's format from ".*x\.png": the file name must end in \.svg or \.html\nargument parsing failed: Invalid argument\n$/, 234],
    [['--plot-metric', 'path-delay'], /^--plot-metric chooses the metric of an \.svg plot: give --plot FILE\.svg as well\n/, 234],
    [['--plot', join(dir, 'x.html'), '--plot-metric', 'path-delay'], /^--plot-metric chooses/, 234],
    [['--plot', join(dir, 'x.svg'), '--plot-metric', 'delay'], /^Unknown metric "delay" for --plot-metric: expected one of path-delay, /, 234],
    // Opened before rendering: the C text of the errno, and its status.
    [['--plot', join(dir, 'no', 'such', 'dir.svg')], /^Cannot write the plot to .*dir\.svg: No such file or directory\n/, 254],
    [['--plot', dir + '/folder.svg'], /^Cannot write the plot to .*folder\.svg: Is a directory\n/, 235],
  ];
  mkdirSync(join(dir, 'folder.svg'), { recursive: true });
  for (const [args, err, status] of cases) {
    const r = await runCli(['report', '-F', file, ...args]);
    assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.toString(), err);
  }
});
