// Measures the two charting libraries the report's plots could use, on the
// charts a 1 000 000-packet HTML page draws: for each of 8 metrics, a
// histogram with a log count axis (64 bins) and a time series reduced to
// 1200 pixel columns (min and max per column) with deadline-miss marks.
// Prints per library: import time, render time of the 16 charts, total SVG
// bytes, install size of the package folders. The data are generated
// (seeded), so the numbers compare the libraries, not files.
//
// The libraries are not all dependencies of isochron (it ships one), so
// install them in a scratch folder and run this from there, after
// `npm run build` in the repository:
//   mkdir /tmp/plb && cd /tmp/plb && npm init -y >/dev/null &&
//   npm install --save-exact echarts@6.1.0 vega@6.4.0 vega-lite@6.5.0 &&
//   node /path/to/isochron/bench/plot-libs.mjs
// A library that is not installed there is reported as skipped.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { reduceByColumn, columnPoints } = await import(pathToFileURL(join(repo, 'dist/src/verbs/report/plot/reduce.js')).href);

const PACKETS = 1_000_000;
const METRICS = 8;
const COLUMNS = 1200;
const BINS = 64;
const W = 900;
const H = 260;

// Seeded generator: a body around 3 us with rare large outliers.
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const seqids = new Float64Array(PACKETS);
for (let i = 0; i < PACKETS; i++) seqids[i] = i + 1;
const data = [];
const t0 = performance.now();
for (let m = 0; m < METRICS; m++) {
  const v = new Float64Array(PACKETS);
  for (let i = 0; i < PACKETS; i++) v[i] = Math.round(3000 + 500 * Math.log(1 / (1 - rand())) + (rand() < 1e-4 ? 1e5 * rand() : 0));
  let lo = Infinity, hi = -Infinity;
  for (const x of v) { if (x < lo) lo = x; if (x > hi) hi = x; }
  const width = (hi - lo + 1) / BINS;
  const bins = new Array(BINS).fill(0);
  for (const x of v) bins[Math.min(BINS - 1, Math.floor((x - lo) / width))]++;
  const hist = bins.map((count, b) => ({ start: lo + b * width, end: lo + (b + 1) * width, count })).filter((b) => b.count > 0);
  const r = reduceByColumn(seqids, v, 1, PACKETS, COLUMNS);
  const points = columnPoints(r);
  const misses = [];
  for (let c = 0; c < r.columns; c += 97) misses.push([r.maxSeqid[c], r.max[c]]);
  data.push({ hist, points, misses });
}
console.log(`data: ${PACKETS} packets x ${METRICS} metrics generated and reduced in ${(performance.now() - t0).toFixed(0)} ms`);

const req = createRequire(join(process.cwd(), 'x.js'));
function pkgDir(name) {
  let dir = dirname(req.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== name) dir = dirname(dir);
  return dir;
}
function installed(names) {
  try {
    return names.map(pkgDir);
  } catch {
    return undefined;
  }
}
/** The package folders of `dirs` and of everything they depend on. */
function closure(dirs) {
  const seen = new Set();
  const visit = (dir) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const deps = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies ?? {};
    const r = createRequire(join(dir, 'package.json'));
    for (const name of Object.keys(deps)) {
      const p = r.resolve.paths(name).map((d) => join(d, name)).find((d) => existsSync(join(d, 'package.json')));
      if (p) visit(p);
    }
  };
  dirs.forEach(visit);
  return [...seen];
}
function duMB(dirs) {
  const out = execFileSync('du', ['-sck', ...dirs], { encoding: 'utf8' }).trim().split('\n').pop();
  return (Number(out.split('\t')[0]) / 1024).toFixed(1);
}
async function importFrom(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const exp = pkg.exports?.['.'];
  const entry = (typeof exp === 'object' ? exp.import?.default ?? exp.import ?? exp.default : undefined) ?? pkg.module ?? pkg.main;
  return import(pathToFileURL(join(dir, typeof entry === 'string' ? entry : 'index.js')).href);
}

async function benchEcharts() {
  const dirs = installed(['echarts']);
  if (!dirs) return console.log('echarts: skipped (not installed in the current folder)');
  let t = performance.now();
  // The single-file bundle, as report loads it: the package's default entry
  // (hundreds of ES modules) takes about 7x longer to import.
  const echarts = await import(pathToFileURL(join(dirs[0], 'dist/echarts.esm.min.mjs')).href);
  const loadMs = performance.now() - t;
  t = performance.now();
  let bytes = 0;
  for (const d of data) {
    for (const option of [
      {
        animation: false,
        xAxis: { type: 'value', scale: true }, yAxis: { type: 'log', min: 1 },
        series: [{ type: 'bar', barWidth: '90%', data: d.hist.map((b) => [(b.start + b.end) / 2, b.count]) }],
      },
      {
        animation: false,
        xAxis: { type: 'value', min: 1, max: PACKETS }, yAxis: { type: 'value', scale: true },
        series: [
          { type: 'line', data: d.points, showSymbol: false, lineStyle: { width: 1 } },
          { type: 'scatter', data: d.misses, symbolSize: 5 },
        ],
      },
    ]) {
      const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: W, height: H });
      chart.setOption(option);
      bytes += chart.renderToSVGString().length;
      chart.dispose();
    }
  }
  const renderMs = performance.now() - t;
  console.log(`echarts ${echarts.version}: import ${loadMs.toFixed(0)} ms, render 16 charts ${renderMs.toFixed(0)} ms, SVG ${(bytes / 1e6).toFixed(2)} MB, install ${duMB(closure(dirs.slice(0, 1)))} MB (echarts and its ${closure(dirs.slice(0, 1)).length - 1} dependencies)`);
}

async function benchVega() {
  const dirs = installed(['vega', 'vega-lite']);
  if (!dirs) return console.log('vega-lite: skipped (not installed in the current folder)');
  let t = performance.now();
  const vega = await importFrom(dirs[0]);
  const vl = await importFrom(dirs[1]);
  const loadMs = performance.now() - t;
  t = performance.now();
  let bytes = 0;
  for (const d of data) {
    for (const spec of [
      {
        width: W - 60, height: H - 40,
        data: { values: d.hist },
        mark: 'bar',
        encoding: {
          x: { field: 'start', type: 'quantitative' }, x2: { field: 'end' },
          y: { field: 'count', type: 'quantitative', scale: { type: 'log' } },
        },
      },
      {
        width: W - 60, height: H - 40,
        layer: [
          { data: { values: d.points.map(([s, v]) => ({ s, v })) }, mark: { type: 'line', strokeWidth: 1 },
            encoding: { x: { field: 's', type: 'quantitative' }, y: { field: 'v', type: 'quantitative', scale: { zero: false } } } },
          { data: { values: d.misses.map(([s, v]) => ({ s, v })) }, mark: { type: 'point', color: 'red' },
            encoding: { x: { field: 's', type: 'quantitative' }, y: { field: 'v', type: 'quantitative' } } },
        ],
      },
    ]) {
      const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
      bytes += (await view.toSVG()).length;
      view.finalize();
    }
  }
  const renderMs = performance.now() - t;
  console.log(`vega ${vega.version} + vega-lite ${vl.version}: import ${loadMs.toFixed(0)} ms, render 16 charts ${renderMs.toFixed(0)} ms, SVG ${(bytes / 1e6).toFixed(2)} MB, install ${duMB(closure(dirs))} MB (vega, vega-lite and their ${closure(dirs).length - 2} dependencies)`);
}

const which = process.argv[2];
if (!which || which === 'echarts') await benchEcharts();
if (!which || which === 'vega') await benchVega();
