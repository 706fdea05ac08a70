// `report --histogram METRIC`: the bins and percentile marks of
// src/verbs/report/histogram-bins.ts against a computation written here
// (each value's bin found by scanning the bins, nearest ranks in bigint
// arithmetic), on generated values (negative, tied, extreme, with outliers)
// and on every recorded file through the real CLI; the text fits 80
// columns; the option's errors name the valid metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { histogramOf, percentileLabel, type Histogram } from '../../../src/verbs/report/histogram-bins.js';
import { barLength, formatHistogram } from '../../../src/verbs/report/histogram.js';
import { METRIC_ARG_NAMES } from '../../../src/verbs/report/plot/args.js';
import { runCli } from '../../helpers/cli.js';
import { vectorsDir } from '../../helpers/paths.js';
import { parseRaw } from '../../helpers/report-support.js';
import { exactPercentiles, usedPacketValues } from '../../helpers/report-metrics.js';

/** Checks h against the values it was made from, independently of its code. */
function checkHistogram(h: Histogram, values: readonly number[]): void {
  const sorted = [...values].sort((a, b) => a - b);
  assert.equal(h.count, values.length);
  assert.equal(h.min, sorted[0]);
  assert.equal(h.max, sorted[sorted.length - 1]);
  // Bins tile [min, max] without gap or overlap; regular bins have the nice width, aligned.
  assert.ok(h.bins[0].lo <= h.min && h.bins[h.bins.length - 1].hi > h.max);
  for (let i = 1; i < h.bins.length; i++) assert.equal(h.bins[i].lo, h.bins[i - 1].hi, `bin ${i} starts where ${i - 1} ends`);
  assert.match(String(h.width), /^[125]0*$/);
  for (const b of h.bins) {
    if (b.tail) continue;
    assert.equal(b.hi - b.lo, h.width);
    assert.equal(b.lo % h.width === 0 ? 0 : 1, 0, `bin at ${b.lo} aligned to ${h.width}`);
  }
  assert.ok(h.bins.filter((b) => b.tail).length <= 2);
  // Counts: each value in the one bin whose [lo, hi) holds it.
  const counts = h.bins.map(() => 0);
  for (const v of values) {
    const holders = h.bins.flatMap((b, i) => (b.lo <= v && v < b.hi ? [i] : []));
    assert.equal(holders.length, 1, `value ${v} in exactly one bin`);
    counts[holders[0]]++;
  }
  assert.deepEqual(h.bins.map((b) => b.count), counts);
  // Marks: exact nearest rank, in the bin that holds the value.
  const exact = exactPercentiles(values.map((v) => BigInt(v)));
  assert.equal(h.marks.length, 6);
  for (const m of h.marks) {
    assert.equal(BigInt(m.value), exact[m.key], m.key);
    assert.ok(h.bins[m.bin].lo <= m.value && m.value < h.bins[m.bin].hi, `${m.key} in its bin`);
  }
}

const valueSets = fc.oneof(
  fc.array(fc.integer({ min: -5000, max: 5000 }), { minLength: 1, maxLength: 400 }),
  fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 50 }),
  fc.array(fc.integer({ min: -(2 ** 50), max: 2 ** 50 }), { minLength: 1, maxLength: 100 }),
  // A bulk with rare far outliers: the tail bins.
  fc.tuple(fc.array(fc.integer({ min: 2000, max: 2600 }), { minLength: 1000, maxLength: 3000 }),
    fc.array(fc.integer({ min: -(10 ** 9), max: 10 ** 9 }), { minLength: 1, maxLength: 2 }))
    .map(([bulk, out]) => [...bulk, ...out]),
);

test('bins tile the values, counts and percentile marks match an independent computation', () => {
  fc.assert(fc.property(valueSets, fc.integer({ min: 4, max: 80 }), (values, target) => {
    const arr = Float64Array.from(values);
    const h = histogramOf(arr, target);
    checkHistogram(h, values);
    // Reordered, not changed.
    assert.deepEqual([...arr].sort((a, b) => a - b), [...values].sort((a, b) => a - b));
    assert.ok(h.bins.filter((b) => !b.tail).length <= target);
  }), { numRuns: 300 });
});

test('far outliers get tail bins and the bulk keeps its resolution', () => {
  const values = [...Array.from({ length: 5000 }, (_, i) => 2000 + (i % 600)), -1e9, 3e9];
  const h = histogramOf(Float64Array.from(values), 20);
  checkHistogram(h, values);
  assert.deepEqual(h.bins.filter((b) => b.tail).map((b) => [b.tail, b.count]), [['low', 1], ['high', 1]]);
  assert.ok(h.width <= 50, `bulk 2000..2599 binned finely (width ${h.width})`);
});

test('bar lengths grow with the log of the count, and any count shows', () => {
  assert.equal(barLength(0, 1000, 40), 0);
  assert.equal(barLength(1, 1000, 40), 1);
  assert.equal(barLength(1000, 1000, 40), 40);
  assert.equal(barLength(7, 7, 40), 40);
  assert.equal(barLength(1, 1, 40), 40);
  for (let c = 1; c < 1000; c++) assert.ok(barLength(c + 1, 1000, 40) >= barLength(c, 1000, 40));
  // Decades are evenly spaced: 1, 10, 100, 1000 at 1, 14, 27, 40.
  assert.deepEqual([1, 10, 100, 1000].map((c) => barLength(c, 1000, 40)), [1, 14, 27, 40]);
});

test('the text fits 80 columns: one row per bin with its count, marks on the rows holding the percentiles', () => {
  fc.assert(fc.property(valueSets, (values) => {
    const text = formatHistogram('wakeup-to-tx-timestamp', Float64Array.from(values));
    const lines = text.split('\n');
    assert.equal(lines.pop(), '');
    const longest = Math.max(...values.map((v) => String(v).length));
    if (longest <= 10) for (const l of lines) assert.ok(l.length <= 80, `${l.length} columns: ${l}`);
    const h = histogramOf(Float64Array.from(values));
    const rows = lines.filter((l) => / \|/.test(l) && /^\s*-?\d+ \.\. /.test(l));
    assert.equal(rows.length, h.bins.length);
    rows.forEach((row, i) => {
      const [, count] = / (\d+) \|/.exec(row) ?? [];
      assert.equal(Number(count), h.bins[i].count);
      for (const m of h.marks) assert.equal(new RegExp(` ${percentileLabel(m.key).replace('.', '\\.')}( |$)`).test(row), m.bin === i, `${m.key} on row ${i}`);
    });
  }), { numRuns: 150 });
});

const datFiles = readdirSync(join(vectorsDir, 'dat')).filter((f) => f.endsWith('.dat') && !f.startsWith('corrupt_'));

test('--histogram on every recorded file: the bins hold the used packets\' values (two metrics a file, every metric in turn)', async () => {
  let turn = 0;
  for (const f of datFiles) {
    const path = join(vectorsDir, 'dat', f);
    // A header that claims more packets than the log holds is the C tool's out-of-bounds error, histogram or not.
    if ((await runCli(['report', '-F', path, '--summary'])).status !== 0) continue;
    const values = usedPacketValues(parseRaw(path));
    const all = [...values];
    const chosen = all.length === 0 ? [] : [all[turn++ % all.length], all[turn++ % all.length]];
    for (const [name, list] of chosen) {
      const r = await runCli(['report', '-F', path, '--histogram', name]);
      assert.equal(r.status, 0, `${f} ${name}: ${r.stderr}`);
      const text = r.stdout.toString();
      assert.ok(text.startsWith(`${name} (ns): ${list.length} packets`), `${f} ${name}: ${text.split('\n')[0]}`);
      for (const l of text.split('\n')) assert.ok(l.length <= 80, `${f} ${name}: ${l}`);
      const rows = text.split('\n').filter((l) => /^\s*-?\d+ \.\. +-?\d+ +\d+ \|/.test(l));
      const counted = rows.map((l) => /^\s*(-?\d+) \.\. +(-?\d+) +(\d+) \|/.exec(l)!.slice(1).map(Number));
      assert.equal(counted.reduce((a, [, , c]) => a + c, 0), list.length, `${f} ${name}: counts add up`);
      for (const v of list) {
        const row = counted.find(([lo, hi]) => lo <= Number(v) && Number(v) <= hi);
        assert.ok(row, `${f} ${name}: ${v} has a row`);
      }
      const exact = exactPercentiles(list);
      assert.ok(text.includes(`p50 ${exact.p50},`) && text.includes(`p99.999 ${exact.p99_999},`), `${f} ${name}: percentiles listed`);
    }
    if (values.size === 0) {
      const r = await runCli(['report', '-F', path, '--histogram', 'path-delay']);
      assert.equal(r.status, 0);
      assert.match(r.stdout.toString(), /^path-delay: no packet was sent, TX timestamped and received: no histogram\n$/);
    }
  }
});

test('--histogram after --summary: the C text first, unchanged, then the histogram', async () => {
  const path = join(vectorsDir, 'dat', 'synth_basic_100.dat');
  const plain = await runCli(['report', '-F', path, '--summary']);
  const both = await runCli(['report', '-F', path, '--summary', '--histogram', 'sender-latency']);
  assert.equal(both.status, 0);
  assert.ok(both.stdout.toString().startsWith(plain.stdout.toString()));
  assert.match(both.stdout.toString().slice(plain.stdout.length), /^sender-latency \(ns\): 100 packets/);
  // latency-budget is called mac-latency in taprio/txtime files, and either name selects it.
  const mac = await runCli(['report', '-F', join(vectorsDir, 'dat', 'synth_txtime_deadline_30.dat'), '--histogram', 'latency-budget']);
  assert.match(mac.stdout.toString(), /^mac-latency \(ns\): 30 packets/);
});

test('an unknown metric is an argument error that names every valid one', async () => {
  const r = await runCli(['report', '-F', join(vectorsDir, 'dat', 'synth_basic_100.dat'), '--histogram', 'latency']);
  assert.equal(r.status, 234);
  assert.equal(r.stdout.length, 0);
  const err = r.stderr.toString();
  assert.match(err, /^Unknown metric "latency" for --histogram: expected one of /);
  for (const name of METRIC_ARG_NAMES) assert.ok(err.includes(name), name);
  assert.ok(err.endsWith('argument parsing failed: Invalid argument\n'));
});
