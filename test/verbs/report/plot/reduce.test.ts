// The per-pixel-column reduction of a time series (src/verbs/report/plot/
// reduce.ts), against a brute-force grouping written here: every column's
// min and max (and their seqids) are the extremes of the packets in it, the
// global min and max survive, the input order does not matter, and the
// plotted points pass through every column's extremes in seqid order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { columnOf, columnPoints, reduceByColumn } from '../../../../src/verbs/report/plot/reduce.js';

/** A series: distinct seqids in first..last (any order) with integer values, and a column count. */
const series = fc
  .record({
    first: fc.integer({ min: 1, max: 1000 }),
    span: fc.integer({ min: 1, max: 3000 }),
    columns: fc.integer({ min: 1, max: 400 }),
    extreme: fc.boolean(),
  })
  .chain(({ first, span, columns, extreme }) =>
    fc
      .uniqueArray(fc.integer({ min: first, max: first + span - 1 }), { minLength: 1, maxLength: Math.min(span, 600) })
      .chain((seqids) =>
        fc.tuple(
          fc.constant(seqids),
          fc.array(extreme ? fc.integer({ min: -(2 ** 52), max: 2 ** 52 }) : fc.integer({ min: -50, max: 50 }), {
            minLength: seqids.length, maxLength: seqids.length,
          }),
        ),
      )
      .map(([seqids, values]) => ({ first, last: first + span - 1, columns, seqids, values })));

/** The brute force: the column of each seqid by exact rational comparison, then min/max per column. */
function bruteForce(s: { first: number; last: number; columns: number; seqids: number[]; values: number[] }) {
  const cols = Math.min(s.columns, s.last - s.first + 1);
  const span = s.last - s.first + 1;
  const groups = new Map<number, Array<[number, number]>>();
  s.seqids.forEach((seqid, i) => {
    // c is the largest integer with c * span <= (seqid - first) * cols.
    let c = 0;
    while ((c + 1) * span <= (seqid - s.first) * cols) c++;
    groups.set(c, [...(groups.get(c) ?? []), [seqid, s.values[i]]]);
  });
  return { cols, groups };
}

test('every column keeps the min and max of its packets, with their seqids', () => {
  fc.assert(fc.property(series, (s) => {
    const r = reduceByColumn(s.seqids, s.values, s.first, s.last, s.columns);
    const { cols, groups } = bruteForce(s);
    assert.equal(r.columns, cols);
    for (let c = 0; c < cols; c++) {
      const g = groups.get(c) ?? [];
      assert.equal(r.count[c], g.length, `column ${c} count`);
      if (g.length === 0) continue;
      const min = Math.min(...g.map((p) => p[1]));
      const max = Math.max(...g.map((p) => p[1]));
      assert.equal(r.min[c], min);
      assert.equal(r.max[c], max);
      // Ties: the lowest seqid holding the extreme.
      assert.equal(r.minSeqid[c], Math.min(...g.filter((p) => p[1] === min).map((p) => p[0])));
      assert.equal(r.maxSeqid[c], Math.min(...g.filter((p) => p[1] === max).map((p) => p[0])));
    }
  }), { numRuns: 300 });
});

test('the global min and max survive the reduction and appear among the plotted points', () => {
  fc.assert(fc.property(series, (s) => {
    const r = reduceByColumn(s.seqids, s.values, s.first, s.last, s.columns);
    const pts = columnPoints(r).filter((p): p is [number, number] => p[1] !== null);
    const min = Math.min(...s.values);
    const max = Math.max(...s.values);
    assert.equal(Math.min(...r.min), min);
    assert.equal(Math.max(...r.max), max);
    assert.ok(pts.some((p) => p[1] === min) && pts.some((p) => p[1] === max));
    // Every column's extremes are plotted, at their own seqids, in seqid order.
    for (let c = 0; c < r.columns; c++) {
      if (r.count[c] === 0) continue;
      assert.ok(pts.some((p) => p[0] === r.minSeqid[c] && p[1] === r.min[c]), `column ${c} min plotted`);
      assert.ok(pts.some((p) => p[0] === r.maxSeqid[c] && p[1] === r.max[c]), `column ${c} max plotted`);
    }
    for (let i = 1; i < pts.length; i++) assert.ok(pts[i - 1][0] < pts[i][0], 'points in seqid order');
    assert.ok(pts.length <= 2 * r.columns);
  }), { numRuns: 300 });
});

test('the reduction does not depend on the order of the packets', () => {
  fc.assert(fc.property(series, fc.integer(), (s, seed) => {
    const order = s.seqids.map((_, i) => i);
    let x = seed >>> 0;
    for (let i = order.length - 1; i > 0; i--) {
      x = (x * 1103515245 + 12345) >>> 0;
      const j = x % (i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const a = reduceByColumn(s.seqids, s.values, s.first, s.last, s.columns);
    const b = reduceByColumn(order.map((i) => s.seqids[i]), order.map((i) => s.values[i]), s.first, s.last, s.columns);
    assert.deepEqual(b, a);
  }), { numRuns: 200 });
});

test('a line breaks (null point) where a run of columns holds no packet', () => {
  const r = reduceByColumn([1, 2, 9, 10], [5, 6, 7, 8], 1, 10, 10);
  assert.deepEqual(columnPoints(r), [[1, 5], [2, 6], [9, null], [9, 7], [10, 8]]);
});

test('columns: one per seqid when there are fewer seqids than columns; out-of-range seqids clamp', () => {
  assert.equal(reduceByColumn([5], [1], 1, 10, 1000).columns, 10);
  assert.equal(columnOf(0, 1, 10, 5), 0);
  assert.equal(columnOf(11, 1, 10, 5), 4);
  assert.throws(() => reduceByColumn([1, 2], [1], 1, 2, 2), RangeError);
  assert.throws(() => reduceByColumn([1], [1], 2, 1, 2), RangeError);
});
